"""Re-fit the topic model over several seeds (thin wrapper around upskilling.interviews.steps.stability)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.stability(
    snakemake.input.segments,
    snakemake.input.embeddings,
    snakemake.input.meta,
    snakemake.input.themes,
    threads=snakemake.threads,
    topics_cfg=dict(snakemake.params.topics),
    theme_cfg=dict(snakemake.params.theme_vectors),
    master_seed=snakemake.params.master_seed,
    n_seeds=snakemake.params.n_seeds,
    seeds=list(snakemake.params.seeds),
    out_csv=snakemake.output.assignments,
    out_json=snakemake.output.summary,
)
