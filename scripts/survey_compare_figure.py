"""Figure of the cross-wave construct changes as PNG and PDF (thin wrapper around
upskilling.survey.compare.figure)."""
from upskilling import logs
from upskilling.survey import compare

log = logs.setup(snakemake, "survey")
compare.figure(snakemake.input.changes, snakemake.output.png, snakemake.output.pdf, snakemake.params.dpi)
log.info("comparison figure written to %s", snakemake.output.png)
