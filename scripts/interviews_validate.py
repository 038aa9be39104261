"""Agreement per mode and split, robustness, topic diagnostics (thin wrapper around steps.validate)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.validate(
    snakemake.input.segments,
    snakemake.input.topics,
    snakemake.input.segmentation,
    snakemake.input.fit,
    snakemake.input.stability_summary,
    coding_fit_json=snakemake.input.coding_fit,
    ngram_range=list(snakemake.params.ngram_range),
    top_n=snakemake.params.top_n,
    n_boot=snakemake.params.n_boot,
    seed=snakemake.params.seed,
    out_json=snakemake.output.validation,
    out_csv=snakemake.output.table,
    embeddings_json=snakemake.input.embeddings_meta,
)
