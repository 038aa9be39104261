# Integration: the joint display (results/claims.csv), one rule per figure, the findings report,
# the executed reviewer notebooks and the REFI-QDA export of the interview coding.
# Logic: src/upskilling/integrate/. Settings: the `integration:` section of config/config.yaml.
#
# Each rule's params are only the settings it reads (upskilling.integrate.settings.narrow with the READS
# of the module that reads them), never the whole config: Snakemake re-runs a job when its params change,
# so a quotes or topic setting does not redraw the survey figures or re-export the REFI-QDA project, and
# a figure setting redraws that figure only (and the report that embeds it). The one rule that gets the
# whole config is provenance (rules/provenance.smk); see there why the report follows it.
from upskilling.integrate import claims as _integration_claims
from upskilling.integrate import report as _integration_report
from upskilling.config import read_yaml as _read_yaml
from upskilling.integrate.figures import FIGURES as _ALL_FIGURES
from upskilling.integrate.figures import plan as _figure_plan
from upskilling.integrate.figures import reads as _figure_reads
from upskilling.integrate.settings import narrow as _narrow
from upskilling.integrate.settings import settings as _integration_settings
from upskilling.integrate.settings import wave as _integration_wave
from upskilling.survey.plan import claim_specs as _claim_specs

try:
    INTEGRATION = _integration_settings(config)
    INTEGRATION_WAVE = _integration_wave(config)
except InputError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None
_WAVE = wave_spec(INTEGRATION_WAVE)  # the integration wave's config block
_CODEBOOK = _WAVE["codebook"]
_ANALYSIS = _WAVE["analysis"]
# read once here (validate_config checked it against its schema)
_ANALYSIS_PLAN = _read_yaml(_ANALYSIS)
# The figures the integration wave's codebook allows (a wave without survival / growth gets no paired
# figure); the report names each skipped figure and why.
INTEGRATION_FIGURES, SKIPPED_FIGURES = _figure_plan(
    _read_yaml(_CODEBOOK),
    config,
    _CODEBOOK,
    analysis=_ANALYSIS_PLAN,
    analysis_source=_ANALYSIS,
)
try:  # a claim's figures must be figure names (a typo would silently drop the figure)
    _claim_specs(_ANALYSIS_PLAN, _ANALYSIS, figures=list(_ALL_FIGURES))
except InputError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None
NOTEBOOKS = ["survey", "interviews", "integration"]
# optional inputs: the roster linking interviewees to survey responses; a synthetic wave's planted
# effects (the report's planted-vs-recovered table)
_ROSTER = {"roster": INTEGRATION["roster"]} if INTEGRATION["roster"] else {}
_TRUTH = {"truth": _WAVE["truth"]} if _WAVE.get("truth") else {}

# The survey outputs the integration reads (for the integration wave).
_SURVEY_OUTPUTS = {
    "flow": rules.survey_clean.output.flow,
    "reliability": rules.survey_reliability.output.reliability,
    "descriptives": rules.survey_descriptives.output.descriptives,
    "hypotheses": rules.survey_hypotheses.output.hypotheses,
    "scored": rules.survey_clean.output.scored,
}
# Every file the integration reads, by name (the rules and notebooks pick from it): the outputs of the
# survey rules for the integration wave, of the interview rules and of provenance (included before this
# file), the wave's own files, and (added below, after the rule that makes them) the joint display.
_INTEGRATION_FILES = {
    **{k: path_of(v, wave=INTEGRATION_WAVE) for k, v in _SURVEY_OUTPUTS.items()},
    "codebook": _CODEBOOK,
    "analysis": _ANALYSIS,
    "export": _WAVE["survey"],
    "themes": config["themes"],
    "segments": path_of(rules.interviews_segments.output.segments),
    "topics": path_of(rules.interviews_topics.output.topics),
    "quotes": path_of(rules.interviews_quotes.output.quotes),
    "theme_prevalence": path_of(rules.interviews_prevalence.output.prevalence),
    "validation": path_of(rules.interviews_validate.output.validation),
    "coding_seeds": path_of(rules.interviews_code.output.seeds),
    "turns": path_of(rules.interviews_ingest.output.turns),
    "provenance": path_of(rules.provenance.output[0]),
}


rule integrate_claims:
    input:
        **_files(
            "hypotheses",
            "analysis",
            "themes",
            "theme_prevalence",
            "coding_seeds",
            "quotes",
            "scored",
            "codebook",
        ),
        **_ROSTER,
        # the coded segments without topics: a topic setting does not re-run the joint display
        segments=path_of(rules.interviews_coded_segments.output.segments),
    output:
        csv=report(
            "results/claims.csv",
            caption="../report/captions/integrate_claims.rst",
            category="Integration",
            subcategory="Joint display",
        ),
        md="results/claims.md",
        participants=report(
            "results/claims_participants.csv",
            caption="../report/captions/integrate_claims_participants.rst",
            category="Integration",
            subcategory="Joint display",
        ),
        quotes=report(
            "results/claims_quotes.csv",
            caption="../report/captions/integrate_claims_quotes.rst",
            category="Integration",
            subcategory="Joint display",
        ),
        people=report(
            "results/claims_people.csv",
            caption="../report/captions/integrate_claims_people.rst",
            category="Integration",
            subcategory="Joint display",
        ),
    log:
        "logs/integrate/claims.log",
    conda:
        "../envs/report.yaml"
    params:
        settings=_narrow(config, _integration_claims.READS),
    script:
        "../scripts/integrate_claims.py"


_INTEGRATION_FILES.update(
    claims=path_of(rules.integrate_claims.output.csv),
    claims_participants=path_of(rules.integrate_claims.output.participants),
    claims_quotes=path_of(rules.integrate_claims.output.quotes),
    claims_people=path_of(rules.integrate_claims.output.people),
)


for _figure in INTEGRATION_FIGURES:

    rule:
        name:
            f"integrate_figure_{_figure}"
        input:
            **_files(*_ALL_FIGURES[_figure]),
        output:
            png=report(
                f"results/figures/{_figure}.png",
                caption=f"../report/captions/integrate_{_figure}.rst",
                category="Figures",
                subcategory=figure_subcategory(_figure),
            ),
            pdf=f"results/figures/{_figure}.pdf",
        log:
            f"logs/integrate/figure_{_figure}.log",
        conda:
            "../envs/report.yaml"
        params:
            figure=_figure,
            settings=_narrow(config, _figure_reads(_figure)),
        script:
            "../scripts/integrate_figure.py"


rule integrate_report:
    input:
        **_files(
            "flow",
            "reliability",
            "descriptives",
            "hypotheses",
            "claims",
            "claims_participants",
            "theme_prevalence",
            "topics",
            "validation",
            "segments",
            "provenance",
            "themes",
            "codebook",
            "analysis",
            "scored",
            "claims_people",
            "claims_quotes",
        ),
        **_ROSTER,
        **_TRUTH,
        figures=[figure_rule(name).output.png for name in INTEGRATION_FIGURES],
    output:
        report(
            "results/report.html",
            caption="../report/captions/integrate_report.rst",
            category="Integration",
            subcategory="Findings report",
        ),
    log:
        "logs/integrate/report.log",
    conda:
        "../envs/report.yaml"
    params:
        wave=INTEGRATION_WAVE,
        figure_names=INTEGRATION_FIGURES,
        captions=_integration_report.figure_captions(
            _os.path.join(workflow.basedir, _integration_report.CAPTION_FOLDER),
            INTEGRATION_FIGURES,
        ),
        skipped_figures=SKIPPED_FIGURES,
        synthetic=wave_is_synthetic(INTEGRATION_WAVE),
        settings=_narrow(config, _integration_report.READS),
    script:
        "../scripts/integrate_report.py"


# What each reviewer notebook reads: parameter name in the notebook -> file key above.
_NOTEBOOK_INPUTS = {
    "survey": {
        "flow_csv": "flow",
        "reliability_csv": "reliability",
        "descriptives_csv": "descriptives",
        "hypotheses_csv": "hypotheses",
        "scored_csv": "scored",
        "codebook_yaml": "codebook",
        "analysis_yaml": "analysis",
        "export_csv": "export",
    },
    "interviews": {
        "segments_csv": "segments",
        "topics_csv": "topics",
        "quotes_csv": "quotes",
        "prevalence_csv": "theme_prevalence",
        "validation_json": "validation",
        "coding_seeds_csv": "coding_seeds",
        "themes_yaml": "themes",
    },
    "integration": {
        "claims_csv": "claims",
        "participants_csv": "claims_participants",
        "hypotheses_csv": "hypotheses",
        "reliability_csv": "reliability",
        "prevalence_csv": "theme_prevalence",
        "validation_json": "validation",
        "coding_seeds_csv": "coding_seeds",
        "themes_yaml": "themes",
    },
}
# The integration settings each notebook reads (its `settings[...]`; dotted paths into the config):
# the notebook's `integration` parameter holds only these (tests/test_rule_params.py checks the sources).
_NOTEBOOK_SETTINGS = {
    "survey": [
        "integration.caveats.min_alpha",
        "integration.figures.paired_constructs",
    ],
    "interviews": ["integration.prevalence", "integration.caveats.min_theme_f1"],
    "integration": [
        "integration.prevalence",
        "integration.contrasts",
        "integration.fit",
        "integration.figures.paired_constructs",
        "integration.caveats",
    ],
}


rule integrate_notebook:
    input:
        # beside the Snakefile (a run in another working directory, --directory .test, finds it)
        source=_beside_snakefile("notebooks/{notebook}.py"),
        data=notebook_data,
    output:
        "results/notebooks/{notebook}.ipynb",
    log:
        "logs/integrate/notebook_{notebook}.log",
    wildcard_constraints:
        notebook="|".join(NOTEBOOKS),
    conda:
        "../envs/report.yaml"
    params:
        parameters=_notebook_parameters,
        kernel=INTEGRATION["notebooks"]["kernel"],
        timeout=INTEGRATION["notebooks"]["timeout"],
    script:
        "../scripts/integrate_notebook.py"


rule integrate_qdpx:
    input:
        **_files("segments", "turns", "themes", "analysis"),
    output:
        qdc=f"{_IV_RESULTS}/codebook.qdc",
        qdpx=f"{_IV_RESULTS}/project.qdpx",
    log:
        "logs/integrate/qdpx.log",
    conda:
        "../envs/report.yaml"
    script:
        "../scripts/integrate_qdpx.py"
