# One findings report per survey wave: results/reports/<wave>.html (the survey strand, claims from the
# wave's analysis plan). The integration wave's full report with the joint display is results/report.html
# (rules/integrate.smk). Logic: src/upskilling/integrate/wave_report.py.


rule report_wave:
    input:
        flow="results/survey/{wave}/flow.csv",
        reliability="results/survey/{wave}/reliability.csv",
        descriptives="results/survey/{wave}/descriptives.csv",
        hypotheses="results/survey/{wave}/hypotheses.csv",
        codebook=lambda wc: wave_spec(wc.wave)["codebook"],
        analysis=lambda wc: wave_spec(wc.wave)["analysis"],
    output:
        report("results/reports/{wave}.html", caption="../report/captions/report_wave.rst",
               category="Survey", subcategory="{wave}"),
    wildcard_constraints:
        wave="|".join(WAVES),
    params:
        integration_wave=INTEGRATION_WAVE,
        synthetic=lambda wc: wave_is_synthetic(wc.wave),
    log:
        "logs/reports/{wave}.log",
    conda:
        "../envs/report.yaml"
    script:
        "../scripts/report_wave.py"
