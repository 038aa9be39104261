"""results/interviews/segments.csv, topic_themes.csv, candidate_themes.csv (thin wrapper around steps.segments_table)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.segments_table(snakemake.input.assignments, snakemake.input.coded, snakemake.input.topics,
                     out_csv=snakemake.output.segments, out_spread=snakemake.output.spread,
                     out_candidates=snakemake.output.candidates)
