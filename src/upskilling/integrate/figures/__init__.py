"""Figures of the integration stage, one function per figure, named by content.

:data:`REGISTRY` is the one list of figures: per figure name (the file stem under ``results/figures/``)
a :class:`Figure` with the inputs its rule must provide, the settings it reads, what it needs of the
wave (codebook entries, tests in the analysis plan) and ``draw``, a small adapter from the loaded inputs
and the settings to the figure's function in its module. **Adding a figure means adding one entry to
REGISTRY** (with its figure function, and its caption report/captions/integrate_<name>.rst, the one
caption both reports show: ``report.figure_captions``); everything else is derived from the entries:

* :data:`FIGURES` (name -> inputs) and :func:`reads` (name -> settings) give each figure its own
  Snakemake rule (rules/integrate.smk), whose params are only those settings;
* :func:`plan` leaves out, with the reason, the figures a wave's codebook or analysis plan cannot have;
* :func:`make` reads a figure's inputs (each once, with :data:`LOADERS`) and calls its ``draw``;
  :func:`write` saves the figure as PNG and PDF.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import pandas as pd

from ...errors import InputError
from ...survey.codebook import Codebook, load_codebook
from ...survey.plan import resolve_condition
from .. import inputs as io
from ..settings import narrow

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure


def _module(name: str):
    """The figure module ``name`` (``barriers``, ``flow``, ...), imported when a figure is drawn: the
    registry itself is read by every Snakemake invocation (rules/integrate.smk), which then need not
    import matplotlib (about 0.25 s each)."""
    return importlib.import_module(f"{__name__}.{name}")

#: Input name -> how :func:`make` reads that file (the names are those of rules/integrate.smk).
LOADERS: dict[str, Callable] = {
    "flow": lambda p: io.read_table(p, "flow"),
    "theme_prevalence": lambda p: io.read_table(p, "theme_prevalence"),
    "topics": lambda p: io.read_table(p, "topics"),
    "scored": lambda p: io.read_table(p, "scored"),
    "codebook": load_codebook,
    "analysis": io.read_yaml,
    "hypotheses": io.read_hypotheses,
    "themes": io.read_themes,
    "claims": pd.read_csv,
}


@dataclass(frozen=True)
class Inputs:
    """A figure's inputs as :data:`LOADERS` read them (``inputs["scored"]``), and the file each came
    from (``inputs.path("scored")``, for messages)."""

    loaded: dict
    paths: dict

    def __getitem__(self, name: str):
        return self.loaded[name]

    def path(self, name: str):
        return self.paths[name]


@dataclass(frozen=True)
class Figure:
    """One entry of :data:`REGISTRY`.

    ``inputs``: the named inputs its rule must provide (keys of :data:`LOADERS`). ``reads``: the settings
    it reads, dotted paths into the config (:func:`upskilling.integrate.settings.narrow`); its rule's
    params are only these (plus the PNG resolution, see :func:`reads`), so that no other setting redraws
    it, and ``draw`` gets nothing else (an undeclared key is a KeyError); ``seed`` only jitters points.
    ``needs``: what a survey figure draws from the wave, as (kind, setting) pairs read from the figure
    settings (``integration.figures.<setting>``): ``constructs`` / ``items`` lists, ``construct`` one
    construct, ``item`` one item (None = panel left out), ``any_construct`` at least one construct; and
    ``("test", <test>)``: at least one hypothesis of the analysis plan with that test (the second element
    is the test's name, not a setting). A wave whose codebook or plan lacks one of them does not get the
    figure: :func:`plan` says why, and the report shows that note. ``draw(inputs, settings)``: the figure
    from the loaded :class:`Inputs` and the settings narrowed to :func:`reads`.
    """

    inputs: tuple[str, ...]
    reads: tuple[str, ...]
    needs: tuple[tuple[str, str | None], ...]
    draw: Callable[[Inputs, dict], MplFigure]


# --- the adapters: loaded inputs and settings -> the figure function of each module ---------------------

def _fig(settings: dict) -> dict:
    return settings["integration"]["figures"]


def _seed(settings: dict) -> int:
    """The config's master seed (it only jitters points); the figures have no default of their own."""
    if "seed" not in settings:
        raise ValueError("figure settings lack 'seed' (the config's master seed); pass the config with its seed")
    return int(settings["seed"])


def _require(inputs: Inputs, columns: list[str]) -> None:
    missing = [c for c in columns if c not in inputs["scored"].columns]
    if missing:
        raise InputError(f"{inputs.path('scored')}: missing column(s) {missing}; check integration.figures in "
                         "config/config.yaml against the codebook's constructs")


def _participant_flow(inputs: Inputs, settings: dict):
    return _module("flow").participant_flow(inputs["flow"], inputs["theme_prevalence"]["participant_id"].nunique())


def _likert_constructs(inputs: Inputs, settings: dict):
    return _module("likert").likert_constructs(inputs["scored"], inputs["codebook"])


def _motivation(inputs: Inputs, settings: dict):
    first, second = _fig(settings)["paired_constructs"]
    _require(inputs, [first, second])
    return _module("motivation").survival_vs_growth(inputs["scored"], first, second,
                                                    inputs["codebook"].construct_labels(), seed=_seed(settings))


def _barriers(inputs: Inputs, settings: dict):
    fig = _fig(settings)
    _require(inputs, fig["barrier_constructs"])
    return _module("barriers").barrier_scales(inputs["scored"], fig["barrier_constructs"],
                                              inputs["codebook"].construct_labels(),
                                              midpoint=fig["scale_midpoint"], seed=_seed(settings))


def _resources(inputs: Inputs, settings: dict):
    fig = _fig(settings)
    _require(inputs, [fig["primary_resource_item"]])
    return _module("resources").learning_resources_ai_use(
        inputs["scored"], inputs["codebook"], fig["primary_resource_item"], fig["ai_resource_label"],
        fig["resource_use_items"], fig["ai_use_items"], fig["ai_activities_item"])


def _invisible(inputs: Inputs, settings: dict):
    construct, item = _fig(settings)["c4_construct"], _fig(settings)["c4_frequency_item"]
    _require(inputs, [construct, item])
    analysis, cb = inputs["analysis"], inputs["codebook"]
    share_h, _ = _module("invisible").plan_tests(analysis, construct, item)
    rule = None
    if share_h is not None:  # 'agree' as the binomial test counts it ('midpoint' and labels to codes)
        rule = resolve_condition(share_h["success"], construct, cb,
                                 f"{inputs.path('analysis')}: hypothesis '{share_h['id']}'.success")
    return _module("invisible").invisible_competencies(inputs["scored"], cb, construct, item, inputs["hypotheses"],
                                                       analysis, rule, seed=_seed(settings))


def _ordinal_forest(inputs: Inputs, settings: dict):
    analysis = inputs["analysis"]
    rows = _module("forest").ordinal_rows(inputs["hypotheses"], analysis)
    if rows.empty:
        raise InputError(f"{inputs.path('hypotheses')}: no ordinal_logit row; rerun the survey stage with the "
                         f"plan {inputs.path('analysis')}, which must have a hypothesis with test ordinal_logit")
    standardized = bool(((analysis.get("methods") or {}).get("ordinal_logit") or {}).get("standardize"))
    return _module("forest").ordinal_forest(rows, inputs["codebook"], analysis, standardized)


def _topic_keywords(inputs: Inputs, settings: dict):
    th = inputs["themes"]
    return _module("themes").topic_keywords(inputs["topics"], list(th["theme"]), io.theme_labels(th),
                                            k=_fig(settings)["keywords_per_topic"])


def _theme_prevalence(inputs: Inputs, settings: dict):
    th = inputs["themes"]
    return _module("themes").theme_prevalence_heatmap(inputs["theme_prevalence"], list(th["theme"]),
                                                      io.theme_labels(th))


def _joint_display(inputs: Inputs, settings: dict):
    return _module("joint").joint_display(inputs["claims"], io.theme_labels(inputs["themes"]))


_FIG = "integration.figures."

#: Figure name -> its :class:`Figure`, in the order the report and the rules list them.
REGISTRY: dict[str, Figure] = {
    "participant_flow": Figure(
        inputs=("flow", "theme_prevalence"), reads=(), needs=(), draw=_participant_flow),
    "likert_constructs": Figure(
        inputs=("scored", "codebook"), reads=(), needs=(("any_construct", None),), draw=_likert_constructs),
    "motivation_survival_vs_growth": Figure(
        inputs=("scored", "codebook"), reads=(_FIG + "paired_constructs", "seed"),
        needs=(("constructs", "paired_constructs"),), draw=_motivation),
    "barrier_scales": Figure(
        inputs=("scored", "codebook"), reads=(_FIG + "barrier_constructs", _FIG + "scale_midpoint", "seed"),
        needs=(("constructs", "barrier_constructs"),), draw=_barriers),
    "learning_resources_ai_use": Figure(
        inputs=("scored", "codebook"),
        reads=tuple(_FIG + k for k in ("primary_resource_item", "ai_resource_label", "resource_use_items",
                                       "ai_use_items", "ai_activities_item")),
        needs=(("item", "primary_resource_item"), ("items", "resource_use_items"), ("items", "ai_use_items"),
               ("item", "ai_activities_item")),
        draw=_resources),
    "invisible_competencies": Figure(
        inputs=("scored", "codebook", "analysis", "hypotheses"),
        reads=(_FIG + "c4_construct", _FIG + "c4_frequency_item", "seed"),
        needs=(("construct", "c4_construct"), ("item", "c4_frequency_item")), draw=_invisible),
    "ordinal_forest": Figure(
        inputs=("hypotheses", "codebook", "analysis"), reads=(), needs=(("test", "ordinal_logit"),),
        draw=_ordinal_forest),
    "topic_keywords": Figure(
        inputs=("topics", "themes"), reads=(_FIG + "keywords_per_topic",), needs=(), draw=_topic_keywords),
    "theme_prevalence_by_participant": Figure(
        inputs=("theme_prevalence", "themes"), reads=(), needs=(), draw=_theme_prevalence),
    "joint_display": Figure(
        inputs=("claims", "themes"), reads=(), needs=(), draw=_joint_display),
}

#: Figure name -> the named inputs its rule must provide (from :data:`REGISTRY`).
FIGURES: dict[str, tuple[str, ...]] = {name: fig.inputs for name, fig in REGISTRY.items()}


def _entry(name: str) -> Figure:
    if name not in REGISTRY:
        raise KeyError(f"unknown figure {name!r}; known: {sorted(REGISTRY)}")
    return REGISTRY[name]


def _lacking(name: str, codebook: dict | Codebook, config: dict,
             analysis: dict | None) -> tuple[list[str], list[str]]:
    """(what the codebook lacks, what the analysis plan lacks) of figure ``name``'s :attr:`Figure.needs`."""
    fig_cfg = narrow(config, reads(name))["integration"]["figures"]
    data = codebook.data if isinstance(codebook, Codebook) else codebook
    constructs = set(data.get("constructs") or {})
    items = {i["id"] for i in data.get("items") or []}
    tests = {h.get("test") for h in (analysis or {}).get("hypotheses") or []}
    out, in_plan = [], []
    for kind, key in REGISTRY[name].needs:
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


def plan(codebook: dict | Codebook, config: dict, source: str = "the codebook", analysis: dict | None = None,
         analysis_source: str = "the analysis plan") -> tuple[list[str], dict[str, str]]:
    """``(drawn, skipped)``: the figures of :data:`REGISTRY` the wave's codebook and analysis plan allow, in
    order, and ``{figure: reason}`` for the others ("needs construct survival (...), which <source> does
    not define"; "needs a hypothesis with test ordinal_logit, which <analysis_source> does not define").
    ``codebook`` is the wave's codebook (its dict or a :class:`~upskilling.survey.codebook.Codebook`);
    ``analysis`` is the wave's analysis plan (a dict); without it a figure's tests are not checked."""
    drawn, skipped = [], {}
    for name in REGISTRY:
        from_codebook, from_plan = _lacking(name, codebook, config, analysis)
        reasons = [f"needs {', '.join(lacks)}, which {src} does not define"
                   for lacks, src in ((from_codebook, source), (from_plan, analysis_source)) if lacks]
        if reasons:
            skipped[name] = "; ".join(reasons)
        else:
            drawn.append(name)
    return drawn, skipped


def reads(name: str) -> list[str]:
    """The settings figure ``name`` reads: its :attr:`Figure.reads` plus the PNG resolution every figure uses."""
    return ["integration.figures.dpi", *REGISTRY[name].reads]


def make(name: str, paths: dict, config: dict):
    """Draw figure ``name`` from the files in ``paths`` (keys as in :data:`FIGURES`); return the Figure.

    ``config`` is the whole config or its part ``narrow(config, reads(name))`` (the rule's params)."""
    fig = _entry(name)
    missing = [k for k in fig.inputs if k not in paths]
    if missing:
        raise KeyError(f"figure {name!r} needs inputs {missing}")
    settings = narrow(config, reads(name))
    inputs = Inputs({k: LOADERS[k](paths[k]) for k in fig.inputs}, {k: paths[k] for k in fig.inputs})
    return fig.draw(inputs, settings)


def write(name: str, paths: dict, png: str, pdf: str, config: dict) -> None:
    """Draw figure ``name`` and save it as ``png`` and ``pdf`` (``config`` as in :func:`make`)."""
    fig = make(name, paths, config)
    _module("style").save(fig, png, pdf, dpi=narrow(config, reads(name))["integration"]["figures"]["dpi"])
