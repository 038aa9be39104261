"""The segments with their deductive coding, no topic (thin wrapper around steps.coded_segments)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.coded_segments(snakemake.input.segments, snakemake.input.coding, out_csv=snakemake.output.segments)
