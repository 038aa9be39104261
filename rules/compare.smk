# Cross-wave comparison of the survey constructs (results/survey/comparison/): per pair of consecutive
# waves, each construct's change (independent samples: Mann-Whitney; respondents linked by panel id:
# paired Wilcoxon; Holm over the constructs), the codebook diff and a figure. Logic in
# src/upskilling/survey/compare.py and compare_diff.py; settings: `comparison:` of config/config.yaml
# (schema src/upskilling/schemas/config_comparison.schema.yaml). Uses wave_spec() from rules/common.smk
# and the per-wave scored tables of rules/survey.smk. With fewer than two waves there is nothing to
# compare: comparison_targets() is empty and no job of this file runs.
#
# Params are only what each rule reads: the comparison settings, the methods / alpha / CI level of the
# later waves' analysis plans (not the plans' files: another hypothesis does not re-run the
# comparison) and the figure resolution.
from upskilling.survey import compare as _survey_compare

try:
    COMPARISON = _survey_compare.settings(config)
    COMPARISON_WAVES = _survey_compare.waves(config)
    _COMPARISON_METHODS = {
        w: _survey_compare.plan_methods(wave_spec(w)["analysis"])
        for w in COMPARISON_WAVES[1:]
    }
except InputError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None

_COMPARISON = "results/survey/comparison"
_COMPARISON_CODEBOOKS = [wave_spec(w)["codebook"] for w in COMPARISON_WAVES]
# Final outputs: comparison_targets() in rules/common.smk (used by all_targets).


rule survey_compare:
    input:
        scored=expand(rules.survey_clean.output.scored, wave=COMPARISON_WAVES),
        codebooks=_COMPARISON_CODEBOOKS,
    output:
        changes=report(
            f"{_COMPARISON}/changes.csv",
            caption="../report/captions/survey_comparison_changes.rst",
            category="Survey",
            subcategory="Comparison",
        ),
    log:
        "logs/survey/comparison/changes.log",
    conda:
        "../envs/survey.yaml"
    params:
        waves=COMPARISON_WAVES,
        settings=_sorted_keys(
            {k: COMPARISON[k] for k in ("link", "correction", "constructs")}
        ),
        methods=_sorted_keys(_COMPARISON_METHODS),
    script:
        "../scripts/survey_compare.py"


rule survey_compare_codebooks:
    input:
        codebooks=_COMPARISON_CODEBOOKS,
    output:
        csv=f"{_COMPARISON}/codebook_diff.csv",
        md=report(
            f"{_COMPARISON}/codebook_diff.md",
            caption="../report/captions/survey_comparison_codebook_diff.rst",
            category="Survey",
            subcategory="Comparison",
        ),
    log:
        "logs/survey/comparison/codebook_diff.log",
    conda:
        "../envs/survey.yaml"
    params:
        waves=COMPARISON_WAVES,
    script:
        "../scripts/survey_compare_codebooks.py"


rule survey_compare_figure:
    input:
        changes=rules.survey_compare.output.changes,
    output:
        png=report(
            "results/figures/survey_comparison.png",
            caption="../report/captions/survey_comparison.rst",
            category="Figures",
            subcategory="Survey",
        ),
        pdf="results/figures/survey_comparison.pdf",
    log:
        "logs/survey/comparison/figure.log",
    conda:
        "../envs/report.yaml"
    params:
        dpi=config["integration"]["figures"]["dpi"],
    script:
        "../scripts/survey_compare_figure.py"
