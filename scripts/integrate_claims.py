"""Write the joint display: results/claims.csv, claims.md and claims_participants.csv."""
from upskilling import logs
from upskilling.integrate import claims

log = logs.setup(snakemake, "integrate")
table = claims.write(dict(snakemake.input), snakemake.output.csv, snakemake.output.md,
                     snakemake.output.participants, snakemake.params.settings,
                     snakemake.output.quotes, snakemake.output.people)
log.info("joint display: %d claims; verdicts %s; fits %s", len(table),
         dict(table["verdict"].value_counts()), dict(table["fit"].value_counts()))
