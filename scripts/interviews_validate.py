"""Validation against the human coding, stability, coherence (thin wrapper around upskilling.interviews.steps.validate)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.validate(
    snakemake.input.segments,
    snakemake.input.topics,
    snakemake.input.segmentation,
    snakemake.input.fit,
    snakemake.input.stability,
    snakemake.input.stability_summary,
    human_coding=snakemake.input.human_coding[0] if snakemake.input.human_coding else None,
    themes_yaml=snakemake.input.themes,
    ngram_range=list(snakemake.params.ngram_range),
    top_n=snakemake.params.top_n,
    out_json=snakemake.output.validation,
    out_csv=snakemake.output.table,
)
