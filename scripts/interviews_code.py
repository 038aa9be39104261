"""Deductive theme coding, zero-shot and few-shot (thin wrapper around upskilling.interviews.steps.code)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.code(
    snakemake.input.segments,
    snakemake.input.embeddings,
    snakemake.input.meta,
    snakemake.input.context,
    snakemake.input.themes,
    human_coding=snakemake.input.human_coding[0] if snakemake.input.human_coding else None,
    turns_csv=snakemake.input.turns,
    redaction_list=snakemake.input.redaction_list[0] if snakemake.input.redaction_list else None,
    redaction=dict(snakemake.params.redaction),
    coding_cfg=dict(snakemake.params.coding),
    master_seed=snakemake.params.master_seed,
    out_coding=snakemake.output.coding,
    out_seeds=snakemake.output.seeds,
    out_fit=snakemake.output.fit,
    threads=snakemake.threads,
    reference_npz=snakemake.input.reference,
    cache_dir=snakemake.params.cache_dir,
)
