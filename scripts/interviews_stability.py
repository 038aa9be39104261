"""Re-fit the topic model over several seeds (thin wrapper around upskilling.interviews.steps.stability)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.stability(
    snakemake.input.segments,
    snakemake.input.embeddings,
    snakemake.input.meta,
    snakemake.input.themes,
    topics_cfg=dict(snakemake.params.topics),
    theme_cfg=dict(snakemake.params.theme_vectors),
    master_seed=snakemake.params.master_seed,
    n_seeds=snakemake.params.stability["n_seeds"],
    seeds=snakemake.params.stability["seeds"],
    out_csv=snakemake.output.stability,
    out_json=snakemake.output.stability_summary,
    threads=snakemake.threads,
    reference_npz=snakemake.input.reference,
    cache_dir=snakemake.params.cache_dir,
)
