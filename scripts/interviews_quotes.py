"""Representative, diverse quotes per theme (thin wrapper around upskilling.interviews.steps.quotes)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.quotes(
    snakemake.input.segments,
    snakemake.input.embeddings,
    snakemake.input.meta,
    snakemake.input.themes,
    center=snakemake.params.center,
    quotes_cfg=dict(snakemake.params.quotes),
    out_csv=snakemake.output.quotes,
    out_json=snakemake.output.summary,
)
