# Provenance: checksums of every input, the validated config, package versions, the embedding
# model's checksum, seeds and the git commit, in results/provenance.json.
#
# The one rule whose params are the whole config (the integration rules get only what they read):
# provenance.json records the effective config (config.yaml, --config / --configfile overrides and the
# schema defaults), so any change to it must rewrite the record, or the record would name a config that
# did not produce the results. Its one consumer is integrate_report, which prints that record (the config
# included), so the report re-renders after a config change too: deliberate, as a report showing a
# stale config would be wrong provenance, and cheap (the report job alone: no figure, notebook, claims
# or REFI-QDA job follows provenance). The report's own params are narrowed like the others'.
# The config's keys are sorted (as in provenance.json): the order in which --configfile / --config were
# merged over config.yaml is no change.


rule provenance:
    input:
        provenance_inputs(),
    output:
        "results/provenance.json",
    log:
        "logs/provenance.log",
    conda:
        "../envs/report.yaml"
    params:
        config=_sorted_keys(config),
    script:
        "../scripts/provenance.py"
