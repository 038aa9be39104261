"""Draw one figure (snakemake.params.figure) as PNG and PDF."""
from upskilling import logs
from upskilling.integrate import figures

log = logs.setup(snakemake, "integrate")
figures.write(snakemake.params.figure, dict(snakemake.input), snakemake.output.png, snakemake.output.pdf,
              snakemake.params.settings)
log.info("figure %s written to %s", snakemake.params.figure, snakemake.output.png)
