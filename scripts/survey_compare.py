"""Change of every construct between consecutive survey waves (thin wrapper around
upskilling.survey.compare.changes_from_files)."""
from upskilling import logs
from upskilling.survey import compare

log = logs.setup(snakemake, "survey")
changes = compare.changes_from_files(snakemake.params.waves, snakemake.input.scored, snakemake.input.codebooks,
                                     snakemake.params.settings, snakemake.params.methods)
changes.to_csv(snakemake.output.changes, index=False)
for row in changes[changes["significant"]].itertuples():
    log.info("%s -> %s, %s (%s): %s, r = %.2f, p_adjusted = %.3g", row.from_wave, row.to_wave, row.construct,
             row.design, row.change, row.effect_size, row.p_adjusted)
log.info("%d construct changes written (%d significant)", len(changes), int(changes["significant"].sum()))
