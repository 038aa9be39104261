"""Figure of the cross-wave construct changes as PNG and PDF (thin wrapper around
upskilling.integrate.figures.comparison.write)."""
from upskilling import logs
from upskilling.integrate.figures import comparison

log = logs.setup(snakemake, "survey")
comparison.write(snakemake.input.changes, snakemake.output.png, snakemake.output.pdf, snakemake.params.dpi)
log.info("comparison figure written to %s", snakemake.output.png)
