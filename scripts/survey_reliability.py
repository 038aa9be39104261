"""Reliability of the multi-item scales (thin wrapper around upskilling.survey.stage.reliability)."""
from upskilling import logs
from upskilling.survey import stage

log = logs.setup(snakemake, "survey")
rel, items = stage.reliability(stage.read_scored(snakemake.input.scored), snakemake.input.codebook,
                               snakemake.params.settings)
rel.to_csv(snakemake.output.reliability, index=False)
items.to_csv(snakemake.output.item_table, index=False)
log.info("reliability of %d scales written", len(rel))
