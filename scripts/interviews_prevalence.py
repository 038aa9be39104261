"""Theme prevalence per participant (thin wrapper around upskilling.interviews.steps.prevalence)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.prevalence(snakemake.input.segments, snakemake.input.themes, out_csv=snakemake.output.prevalence)
