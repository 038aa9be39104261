"""Cut participant turns into segments (thin wrapper around upskilling.interviews.steps.segment)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.segment(
    snakemake.input.turns,
    window=snakemake.params.window,
    stride=snakemake.params.stride,
    min_words=snakemake.params.min_words,
    out_segments=snakemake.output.segments,
    out_dropped=snakemake.output.dropped,
    out_summary=snakemake.output.summary,
)
