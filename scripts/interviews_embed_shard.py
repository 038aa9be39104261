"""Embed one shard of the segments, reusing the per-segment cache (thin wrapper around upskilling.interviews.steps.embed_shard)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.embed_shard(
    snakemake.input.segments,
    scatteritem=snakemake.wildcards.scatteritem,
    batch_size=snakemake.params.batch_size,
    cache_dir=snakemake.params.cache_dir,
    cache_keep=snakemake.params.cache_keep,
    threads=snakemake.threads,
    out_npz=snakemake.output.shard,
    themes_yaml=snakemake.input.themes,
    protocol=snakemake.input.protocol[0] if snakemake.input.protocol else None,
)
