"""Export the theme codebook (.qdc) and the coded segments (.qdpx) in the REFI-QDA format."""
from upskilling import logs
from upskilling.integrate import qdpx

log = logs.setup(snakemake, "integrate")
counts = qdpx.write(snakemake.input.segments, snakemake.input.turns, snakemake.input.themes,
                    snakemake.output.qdc, snakemake.output.qdpx, snakemake.input.analysis)
log.info("REFI-QDA export: %(codes)d codes, %(sources)d sources, %(selections)d coded segments", counts)
