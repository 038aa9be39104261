# Survey stage, per wave: import + exclusions + scoring, reliability, descriptives, hypothesis tests,
# APA tables. Logic in src/upskilling/survey/ (entry points in upskilling.survey.stage); each script
# calls one of them. Uses WAVES and wave_spec() from rules/common.smk.
# Each wave's settings are the top-level `survey:` section with the wave's own `settings:` merged over
# it, validated here (before any job runs); reader options (format, sep, encoding, missing_values) per wave.
from upskilling.survey.settings import reader_options as _survey_reader
from upskilling.survey.settings import wave_settings as _survey_wave_settings
from upskilling.survey.settings import check_against_codebook as _survey_check
from upskilling.survey.codebook import load_codebook as _load_codebook

try:
    SURVEY_SETTINGS = {w: _survey_wave_settings(config, w) for w in WAVES}
    for _w in WAVES:  # settings that name codebook entries, against the wave's codebook
        _survey_check(
            SURVEY_SETTINGS[_w], _load_codebook(wave_spec(_w)["codebook"]), _w
        )
except InputError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None

SURVEY_TABLES = ["flow", "reliability", "descriptives", "hypotheses"]
# The input, params and target functions of these rules (survey_targets(), used by rule all) are in
# rules/common.smk.


rule survey_clean:
    input:
        export=wave_file("survey"),
        codebook=wave_file("codebook"),
        # kept open-ended answers (survey.scoring.keep_text) are redacted with the interviews' list
        redaction_list=survey_redaction_list,
    output:
        scored="data/processed/survey/{wave}/scored.csv",
        flow=report(
            "results/survey/{wave}/flow.csv",
            caption="../report/captions/survey_flow.rst",
            category="Survey",
            subcategory="{wave}",
        ),
        excluded="results/survey/{wave}/excluded.csv",
    log:
        "logs/survey/{wave}/clean.log",
    conda:
        "../envs/survey.yaml"
    params:
        reader=survey_reader,
        settings=_survey_settings("exclusions", "scoring"),
        redaction=survey_redaction,
    script:
        "../scripts/survey_clean.py"


rule survey_reliability:
    input:
        scored=rules.survey_clean.output.scored,
        codebook=wave_file("codebook"),
    output:
        reliability=report(
            "results/survey/{wave}/reliability.csv",
            caption="../report/captions/survey_reliability.rst",
            category="Survey",
            subcategory="{wave}",
        ),
        item_table="results/survey/{wave}/reliability_items.csv",
    log:
        "logs/survey/{wave}/reliability.log",
    conda:
        "../envs/survey.yaml"
    params:
        settings=_survey_settings("reliability"),
    script:
        "../scripts/survey_reliability.py"


rule survey_descriptives:
    input:
        scored=rules.survey_clean.output.scored,
        codebook=wave_file("codebook"),
    output:
        descriptives=report(
            "results/survey/{wave}/descriptives.csv",
            caption="../report/captions/survey_descriptives.rst",
            category="Survey",
            subcategory="{wave}",
        ),
        frequencies="results/survey/{wave}/frequencies.csv",
    log:
        "logs/survey/{wave}/descriptives.log",
    conda:
        "../envs/survey.yaml"
    params:
        settings=_survey_settings("descriptives"),
    script:
        "../scripts/survey_descriptives.py"


rule survey_hypotheses:
    input:
        scored=rules.survey_clean.output.scored,
        codebook=wave_file("codebook"),
        analysis=wave_file("analysis"),
    output:
        hypotheses=report(
            "results/survey/{wave}/hypotheses.csv",
            caption="../report/captions/survey_hypotheses.rst",
            category="Survey",
            subcategory="{wave}",
        ),
    log:
        "logs/survey/{wave}/hypotheses.log",
    conda:
        "../envs/survey.yaml"
    script:
        "../scripts/survey_hypotheses.py"


rule survey_tables:
    input:
        flow=rules.survey_clean.output.flow,
        reliability=rules.survey_reliability.output.reliability,
        descriptives=rules.survey_descriptives.output.descriptives,
        hypotheses=rules.survey_hypotheses.output.hypotheses,
    output:
        markdown=[
            report(
                f"results/survey/{{wave}}/{name}.md",
                caption=f"../report/captions/survey_table_{name}.rst",
                category="Survey",
                subcategory="{wave}",
            )
            for name in SURVEY_TABLES
        ],
        latex=[f"results/survey/{{wave}}/{name}.tex" for name in SURVEY_TABLES],
    log:
        "logs/survey/{wave}/tables.log",
    conda:
        "../envs/survey.yaml"
    params:
        names=SURVEY_TABLES,
        decimals=survey_decimals,
    script:
        "../scripts/survey_tables.py"
