"""Figures of the integration stage, one function per figure, named by content.

:data:`FIGURES` maps each figure name (the file stem under ``results/figures/``) to the inputs it
reads and :data:`READS` to the settings it reads; :func:`write` draws one figure from those inputs and
saves it as PNG and PDF. Each figure has its own Snakemake rule, whose params are only those settings.
:data:`NEEDS` names what a figure needs of the wave (codebook entries, tests in the analysis plan);
:func:`plan` leaves out, with the reason, the figures a wave cannot have.
"""
from __future__ import annotations

import pandas as pd

from ...errors import InputError
from .. import inputs as io
from ..codebook import Codebook
from ...survey.codebook import load_codebook
from ...survey.plan import resolve_condition
from ..settings import narrow
from . import barriers, flow, forest, invisible, joint, likert, motivation, resources, style, themes

#: Figure name -> the named inputs its rule must provide.
FIGURES = {
    "participant_flow": ["flow", "theme_prevalence"],
    "likert_constructs": ["scored", "codebook"],
    "motivation_survival_vs_growth": ["scored", "codebook"],
    "barrier_scales": ["scored", "codebook"],
    "learning_resources_ai_use": ["scored", "codebook"],
    "invisible_competencies": ["scored", "codebook", "analysis", "hypotheses"],
    "ordinal_forest": ["hypotheses", "codebook", "analysis"],
    "topic_keywords": ["topics", "themes"],
    "theme_prevalence_by_participant": ["theme_prevalence", "themes"],
    "joint_display": ["claims", "themes"],
}

#: Figure name -> the settings it reads (dotted paths into the config, see
#: :func:`upskilling.integrate.settings.narrow`). Its rule's params are only these, so that no other
#: setting redraws it; :func:`make` and :func:`write` read nothing else (an undeclared key is a KeyError).
#: ``seed`` only jitters points.
READS = {
    "participant_flow": [],
    "likert_constructs": [],
    "motivation_survival_vs_growth": ["integration.figures.paired_constructs", "seed"],
    "barrier_scales": ["integration.figures.barrier_constructs", "integration.figures.scale_midpoint", "seed"],
    "learning_resources_ai_use": [f"integration.figures.{k}" for k in (
        "primary_resource_item", "ai_resource_label", "resource_use_items", "ai_use_items", "ai_activities_item")],
    "invisible_competencies": ["integration.figures.c4_construct", "integration.figures.c4_frequency_item", "seed"],
    "ordinal_forest": [],
    "topic_keywords": ["integration.figures.keywords_per_topic"],
    "theme_prevalence_by_participant": [],
    "joint_display": [],
}


#: Survey figures: the codebook entries each draws, as (kind, setting) pairs read from the figure
#: settings (``integration.figures.<setting>``): ``constructs`` / ``items`` lists, ``construct`` one
#: construct, ``item`` one item (None = panel left out), ``any_construct`` at least one construct; and
#: ``("test", <test>)``: at least one hypothesis of the analysis plan with that test (the second element
#: is the test's name, not a setting). A wave whose codebook or plan lacks one of them does not get the
#: figure: :func:`plan` says why, and the report shows that note.
NEEDS = {
    "likert_constructs": [("any_construct", None)],
    "motivation_survival_vs_growth": [("constructs", "paired_constructs")],
    "barrier_scales": [("constructs", "barrier_constructs")],
    "learning_resources_ai_use": [("item", "primary_resource_item"), ("items", "resource_use_items"),
                                  ("items", "ai_use_items"), ("item", "ai_activities_item")],
    "invisible_competencies": [("construct", "c4_construct"), ("item", "c4_frequency_item")],
    "ordinal_forest": [("test", "ordinal_logit")],
}

def _lacking(name: str, codebook: dict, config: dict, analysis: dict | None) -> tuple[list[str], list[str]]:
    """(what the codebook lacks, what the analysis plan lacks) of :data:`NEEDS` ``[name]``."""
    fig_cfg = narrow(config, reads(name))["integration"]["figures"]
    constructs = set(codebook.get("constructs") or {})
    items = {i["id"] for i in codebook.get("items") or []}
    tests = {h.get("test") for h in (analysis or {}).get("hypotheses") or []}
    out, in_plan = [], []
    for kind, key in NEEDS.get(name, []):
        if kind == "any_construct":
            if not constructs:
                out.append("a multi-item construct")
            continue
        if kind == "test":
            if analysis is not None and key not in tests:
                in_plan.append(f"a hypothesis with test {key}")
            continue
        value = fig_cfg[key]
        values = value if kind in ("constructs", "items") else ([] if value is None else [value])
        known = constructs if kind in ("constructs", "construct") else items
        lacking = [v for v in values if v not in known]
        if lacking:
            noun = "construct" if kind in ("constructs", "construct") else "item"
            out.append(f"{noun}{'s' if len(lacking) > 1 else ''} {', '.join(lacking)} (integration.figures.{key})")
    return out, in_plan


def missing_entries(name: str, codebook: dict, config: dict, analysis: dict | None = None) -> list[str]:
    """What figure ``name`` needs and the wave lacks, one readable string per need: codebook entries
    ``codebook`` (a codebook dict) lacks ("constructs survival, growth (integration.figures.paired_constructs)"),
    then tests the analysis plan ``analysis`` (its dict) lacks ("a hypothesis with test ordinal_logit");
    [] when the figure can be drawn. Without ``analysis`` the plan's tests are not checked. Reads only
    :func:`reads` ``(name)``."""
    from_codebook, from_plan = _lacking(name, codebook, config, analysis)
    return from_codebook + from_plan


def plan(codebook: dict, config: dict, source: str = "the codebook", analysis: dict | None = None,
         analysis_source: str = "the analysis plan") -> tuple[list[str], dict[str, str]]:
    """``(drawn, skipped)``: the figures of :data:`FIGURES` the wave's codebook and analysis plan allow, in
    order, and ``{figure: reason}`` for the others ("needs construct survival (...), which <source> does
    not define"; "needs a hypothesis with test ordinal_logit, which <analysis_source> does not define").
    ``analysis`` is the wave's analysis plan (a dict); without it a figure's tests are not checked."""
    drawn, skipped = [], {}
    for name in FIGURES:
        from_codebook, from_plan = _lacking(name, codebook, config, analysis)
        reasons = [f"needs {', '.join(lacks)}, which {src} does not define"
                   for lacks, src in ((from_codebook, source), (from_plan, analysis_source)) if lacks]
        if reasons:
            skipped[name] = "; ".join(reasons)
        else:
            drawn.append(name)
    return drawn, skipped


def reads(name: str) -> list[str]:
    """The settings figure ``name`` reads: :data:`READS` plus the PNG resolution every figure uses."""
    return ["integration.figures.dpi", *READS[name]]


def make(name: str, paths: dict, config: dict):
    """Draw figure ``name`` from the files in ``paths`` (keys as in :data:`FIGURES`); return the Figure.

    ``config`` is the whole config or its part ``narrow(config, reads(name))`` (the rule's params)."""
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {sorted(FIGURES)}")
    missing = [k for k in FIGURES[name] if k not in paths]
    if missing:
        raise KeyError(f"figure {name!r} needs inputs {missing}")
    cfg = narrow(config, reads(name))
    fig_cfg = cfg["integration"]["figures"]
    cb = Codebook(io.read_yaml(paths["codebook"]), str(paths["codebook"])) if "codebook" in paths else None
    scored = io.read_table(paths["scored"], "scored") if "scored" in paths else None
    if name == "participant_flow":
        prev = io.read_table(paths["theme_prevalence"], "theme_prevalence")
        return flow.participant_flow(io.read_table(paths["flow"], "flow"), prev["participant_id"].nunique())
    if name == "likert_constructs":
        return likert.likert_constructs(scored, cb)
    if name == "motivation_survival_vs_growth":
        first, second = fig_cfg["paired_constructs"]
        _require(scored, [first, second], paths["scored"])
        return motivation.survival_vs_growth(scored, first, second, cb.construct_labels(),
                                             seed=int(cfg.get("seed", 0)))
    if name == "barrier_scales":
        _require(scored, fig_cfg["barrier_constructs"], paths["scored"])
        return barriers.barrier_scales(scored, fig_cfg["barrier_constructs"], cb.construct_labels(),
                                       midpoint=fig_cfg["scale_midpoint"], seed=int(cfg.get("seed", 0)))
    if name == "learning_resources_ai_use":
        _require(scored, [fig_cfg["primary_resource_item"]], paths["scored"])
        return resources.learning_resources_ai_use(
            scored, cb, fig_cfg["primary_resource_item"], fig_cfg["ai_resource_label"],
            fig_cfg["resource_use_items"], fig_cfg["ai_use_items"], fig_cfg["ai_activities_item"])
    if name == "invisible_competencies":
        construct, item = fig_cfg["c4_construct"], fig_cfg["c4_frequency_item"]
        _require(scored, [construct, item], paths["scored"])
        analysis = io.read_yaml(paths["analysis"])
        share_h, _ = invisible.plan_tests(analysis, construct, item)
        rule = None
        if share_h is not None:  # 'agree' as the binomial test counts it ('midpoint' and labels to codes)
            rule = resolve_condition(share_h["success"], construct, load_codebook(paths["codebook"]),
                                     f"{paths['analysis']}: hypothesis '{share_h['id']}'.success")
        return invisible.invisible_competencies(scored, cb, construct, item, io.read_hypotheses(paths["hypotheses"]),
                                                analysis, rule, seed=int(cfg.get("seed", 0)))
    if name == "ordinal_forest":
        analysis = io.read_yaml(paths["analysis"])
        rows = forest.ordinal_rows(io.read_hypotheses(paths["hypotheses"]), analysis)
        if rows.empty:
            raise InputError(f"{paths['hypotheses']}: no ordinal_logit row; rerun the survey stage with the "
                             f"plan {paths['analysis']}, which must have a hypothesis with test ordinal_logit")
        standardized = bool(((analysis.get("methods") or {}).get("ordinal_logit") or {}).get("standardize"))
        return forest.ordinal_forest(rows, cb, analysis, standardized)
    if name == "topic_keywords":
        th = io.read_themes(paths["themes"])
        return themes.topic_keywords(io.read_table(paths["topics"], "topics"), list(th["theme"]),
                                     io.theme_labels(th), k=fig_cfg["keywords_per_topic"])
    if name == "theme_prevalence_by_participant":
        th = io.read_themes(paths["themes"])
        return themes.theme_prevalence_heatmap(io.read_table(paths["theme_prevalence"], "theme_prevalence"),
                                               list(th["theme"]), io.theme_labels(th))
    if name == "joint_display":
        return joint.joint_display(pd.read_csv(paths["claims"]), io.theme_labels(io.read_themes(paths["themes"])))
    raise AssertionError(name)  # unreachable: every name in FIGURES is handled above


def _require(df: pd.DataFrame, columns: list[str], path) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {missing}; check integration.figures in "
                            "config/config.yaml against the codebook's constructs")


def write(name: str, paths: dict, png: str, pdf: str, config: dict) -> None:
    """Draw figure ``name`` and save it as ``png`` and ``pdf`` (``config`` as in :func:`make`)."""
    fig = make(name, paths, config)
    style.save(fig, png, pdf, dpi=narrow(config, reads(name))["integration"]["figures"]["dpi"])
