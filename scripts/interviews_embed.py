"""Embed the segments, reusing the cache when possible (thin wrapper around upskilling.interviews.steps.embed)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.embed(
    snakemake.input.segments,
    batch_size=snakemake.params.batch_size,
    cache_dir=snakemake.params.cache_dir,
    cache_keep=snakemake.params.cache_keep,
    threads=snakemake.threads,
    out_npy=snakemake.output.embeddings,
    out_json=snakemake.output.meta,
    out_context_npy=snakemake.output.context,
)
