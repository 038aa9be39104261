# Provenance: checksums of every input, the validated config, package versions, the embedding
# model's checksum, seeds and the git commit, in results/provenance.json.


def provenance_inputs():
    files = [config["codebook"], config["analysis"], config["themes"], "config/config.yaml"]
    for wave in WAVES:
        spec = wave_spec(wave)
        files += [spec["survey"], spec["codebook"], spec["analysis"]]
        if "truth" in spec:
            files.append(spec["truth"])
    files += interviews_raw_inputs()
    return sorted(set(files))


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
