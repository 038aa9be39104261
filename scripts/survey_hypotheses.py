"""Run the analysis plan (thin wrapper around upskilling.survey.stage.hypotheses)."""
from upskilling import logs
from upskilling.survey import stage

log = logs.setup(snakemake, "survey")
hyp = stage.hypotheses(stage.read_scored(snakemake.input.scored), snakemake.input.codebook, snakemake.input.analysis)
hyp.to_csv(snakemake.output.hypotheses, index=False)
for row in hyp[hyp["primary"]].itertuples():
    log.info("claim %s (%s): %s", row.claim, row.hypothesis, row.verdict)
