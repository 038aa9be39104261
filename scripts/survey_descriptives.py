"""Descriptives and answer frequencies (thin wrapper around upskilling.survey.stage.descriptives)."""
from upskilling import logs
from upskilling.survey import stage

log = logs.setup(snakemake, "survey")
desc, freq = stage.descriptives(stage.read_scored(snakemake.input.scored), snakemake.input.codebook,
                                snakemake.params.settings)
desc.to_csv(snakemake.output.descriptives, index=False)
freq.to_csv(snakemake.output.frequencies, index=False)
log.info("descriptives of %d variables written", len(desc))
