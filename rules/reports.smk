# One findings report per survey wave: results/reports/<wave>.html (the survey strand, claims from the
# wave's analysis plan). The integration wave's full report with the joint display is results/report.html
# (rules/integrate.smk). Logic: src/upskilling/integrate/wave_report.py.


rule report_wave:
    input:
        flow=rules.survey_clean.output.flow,
        reliability=rules.survey_reliability.output.reliability,
        descriptives=rules.survey_descriptives.output.descriptives,
        hypotheses=rules.survey_hypotheses.output.hypotheses,
        codebook=wave_file("codebook"),
        analysis=wave_file("analysis"),
    output:
        report(
            "results/reports/{wave}.html",
            caption="../report/captions/report_wave.rst",
            category="Survey",
            subcategory="{wave}",
        ),
    log:
        "logs/reports/{wave}.log",
    conda:
        "../envs/report.yaml"
    params:
        integration_wave=INTEGRATION_WAVE,
        synthetic=wave_synthetic,
    script:
        "../scripts/report_wave.py"
