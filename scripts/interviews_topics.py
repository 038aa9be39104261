"""Fit the inductive topic model (thin wrapper around upskilling.interviews.steps.topics)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.topics(
    snakemake.input.segments,
    snakemake.input.embeddings,
    snakemake.input.meta,
    snakemake.input.themes,
    protocol=snakemake.input.protocol[0] if snakemake.input.protocol else None,
    threads=snakemake.threads,
    topics_cfg=dict(snakemake.params.topics),
    theme_cfg=dict(snakemake.params.theme_vectors),
    seed=snakemake.params.seed,
    out_segments=snakemake.output.segments,
    out_topics=snakemake.output.topics,
    out_model_dir=snakemake.output.model,
    out_info=snakemake.output.info,
    context_npy=snakemake.input.context,
    reference_npz=snakemake.input.reference,
    cache_dir=snakemake.params.cache_dir,
)
