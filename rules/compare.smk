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
from upskilling.integrate.settings import narrow as _compare_narrow
from upskilling.survey import compare as _survey_compare

try:
    COMPARISON = _survey_compare.settings(config)
    COMPARISON_WAVES = _survey_compare.waves(config)
    _COMPARISON_METHODS = {w: _survey_compare.plan_methods(wave_spec(w)["analysis"]) for w in COMPARISON_WAVES[1:]}
except InputError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None

_COMPARISON = "results/survey/comparison"

# Final outputs of the comparison (a function, like survey_targets; used by all_targets in rules/common.smk).
comparison_targets = lambda: (
    [
        f"{_COMPARISON}/changes.csv",
        f"{_COMPARISON}/codebook_diff.csv",
        f"{_COMPARISON}/codebook_diff.md",
        "results/figures/survey_comparison.png",
        "results/figures/survey_comparison.pdf",
    ]
    if len(COMPARISON_WAVES) >= 2
    else []
)


rule survey_compare:
    input:
        scored=[f"data/processed/survey/{w}/scored.csv" for w in COMPARISON_WAVES],
        codebooks=[wave_spec(w)["codebook"] for w in COMPARISON_WAVES],
    output:
        changes=report(
            f"{_COMPARISON}/changes.csv",
            caption="../report/captions/survey_comparison_changes.rst",
            category="Survey",
            subcategory="Comparison",
        ),
    params:
        waves=COMPARISON_WAVES,
        settings=_sorted_keys({k: COMPARISON[k] for k in ("link", "correction", "constructs")}),
        methods=_sorted_keys(_COMPARISON_METHODS),
    log:
        "logs/survey/comparison/changes.log",
    conda:
        "../envs/survey.yaml"
    script:
        "../scripts/survey_compare.py"


rule survey_compare_codebooks:
    input:
        codebooks=[wave_spec(w)["codebook"] for w in COMPARISON_WAVES],
    output:
        csv=f"{_COMPARISON}/codebook_diff.csv",
        md=report(
            f"{_COMPARISON}/codebook_diff.md",
            caption="../report/captions/survey_comparison_codebook_diff.rst",
            category="Survey",
            subcategory="Comparison",
        ),
    params:
        waves=COMPARISON_WAVES,
    log:
        "logs/survey/comparison/codebook_diff.log",
    conda:
        "../envs/survey.yaml"
    script:
        "../scripts/survey_compare_codebooks.py"


rule survey_compare_figure:
    input:
        changes=f"{_COMPARISON}/changes.csv",
    output:
        png=report(
            "results/figures/survey_comparison.png",
            caption="../report/captions/survey_comparison.rst",
            category="Figures",
            subcategory="Survey",
        ),
        pdf="results/figures/survey_comparison.pdf",
    params:
        dpi=_compare_narrow(config, ["integration.figures.dpi"])["integration"]["figures"]["dpi"],
    log:
        "logs/survey/comparison/figure.log",
    conda:
        "../envs/report.yaml"
    script:
        "../scripts/survey_compare_figure.py"
