"""results/interviews/segments.csv: topics beside the theme coding (thin wrapper around steps.segments_table)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.segments_table(snakemake.input.assignments, snakemake.input.coding, out_csv=snakemake.output.segments)
