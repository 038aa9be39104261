# Provenance: checksums of every input, the validated config, package versions, the embedding
# model's checksum, seeds and the git commit, in results/provenance.json.


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
        config=config,
    script:
        "../scripts/provenance.py"
