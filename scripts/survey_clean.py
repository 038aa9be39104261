"""Import, exclude and score one survey wave (thin wrapper around upskilling.survey.stage.clean)."""
from upskilling import logs
from upskilling.survey import stage

log = logs.setup(snakemake, "survey")
reader = snakemake.params.reader
redact = None
if snakemake.params.settings["scoring"]["keep_text"]:  # open answers: the interviews' redactor and list
    from upskilling.interviews.redact import make_redactor

    lst = snakemake.input.get("redaction_list") or []
    redact = make_redactor(lst[0] if lst else None, **dict(snakemake.params.get("redaction") or {}))
scored, flow, excluded = stage.clean(snakemake.input.export, reader["format"], snakemake.input.codebook,
                                     snakemake.params.settings, sep=reader["sep"],
                                     missing_values=reader["missing_values"], encoding=reader["encoding"],
                                     wave=snakemake.wildcards.wave, redact=redact)
scored.to_csv(snakemake.output.scored, index=False)
flow.to_csv(snakemake.output.flow, index=False)
excluded.to_csv(snakemake.output.excluded, index=False)
log.info("wave %s: %d raw responses, %d analysed", snakemake.wildcards.wave, flow["n_remaining"].iloc[0], len(scored))
