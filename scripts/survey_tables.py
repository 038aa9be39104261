"""APA tables in Markdown and LaTeX (thin wrapper around upskilling.survey.stage.tables)."""
import pandas as pd

from upskilling import logs
from upskilling.survey import stage

log = logs.setup(snakemake, "survey")
tables = stage.tables(pd.read_csv(snakemake.input.flow), pd.read_csv(snakemake.input.reliability),
                      pd.read_csv(snakemake.input.descriptives), pd.read_csv(snakemake.input.hypotheses),
                      snakemake.wildcards.wave, snakemake.params.decimals)
for name, md_path, tex_path in zip(snakemake.params.names, snakemake.output.markdown, snakemake.output.latex):
    md, tex = tables[name]
    with open(md_path, "w", encoding="utf-8") as fh:
        fh.write(md)
    with open(tex_path, "w", encoding="utf-8") as fh:
        fh.write(tex)
log.info("%d APA tables written", len(tables))
