"""Codebook diff between consecutive survey waves, as a table and Markdown (thin wrapper around
upskilling.survey.compare_diff.diff_from_files)."""
from upskilling import logs
from upskilling.survey import compare_diff

log = logs.setup(snakemake, "survey")
table, markdown = compare_diff.diff_from_files(snakemake.params.waves, snakemake.input.codebooks)
table.to_csv(snakemake.output.csv, index=False)
with open(snakemake.output.md, "w", encoding="utf-8") as fh:
    fh.write(markdown)
log.info("%d codebook changes between %s", len(table), " -> ".join(snakemake.params.waves))
