"""Gather the embedding shards in order (thin wrapper around upskilling.interviews.steps.embed_gather)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.embed_gather(
    snakemake.input.segments,
    shard_files=list(snakemake.input.shards),
    out_npy=snakemake.output.embeddings,
    out_json=snakemake.output.meta,
    out_context_npy=snakemake.output.context,
    out_reference_npz=snakemake.output.reference,
)
