"""The survey stage's entry points: one function per Snakemake rule (the scripts call exactly one).

* :func:`clean` - export -> (scored, flow, excluded)
* :func:`reliability` - scored -> (reliability, reliability_items)
* :func:`descriptives` - scored -> (descriptives, frequencies)
* :func:`hypotheses` - scored + analysis plan -> hypotheses
* :func:`tables` - result tables -> {name: (markdown, latex)}

Degenerate but legal data never end in a traceback. When the exclusions leave no respondent, cleaning
still writes the (empty) scored table and flow.csv, and every later stage stops with one
:class:`~upskilling.errors.InputError` line naming the scored file, the flow and the fix
(:func:`require_respondents`). Anything smaller is reported, not stopped: a hypothesis the data do not
allow (too few cases, an empty group, a constant variable, a singular model) is "not computable" with a
``note`` in hypotheses.csv; a scale with < 2 complete cases or no variance has NaN reliability with a
``note`` in reliability.csv; descriptives of 1-3 respondents are what they are (SD NaN for one).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .codebook import Codebook, load_codebook
from .settings import not_single_choice, unknown_grids

# The statistics modules are imported inside the functions that need them: each Snakemake job then
# loads only its own dependencies (scipy, statsmodels and pingouin take seconds to import).


def _codebook(cb: str | Path | Codebook) -> Codebook:
    return cb if isinstance(cb, Codebook) else load_codebook(cb)


def clean(export: str | Path, fmt: str, codebook: str | Path | Codebook, settings: dict, sep: str | None = None,
          missing_values=(), encoding: str = "utf-8-sig", wave: str | None = None, redact=None):
    """Import, exclude and score one wave. ``settings`` is the wave's survey settings (config['survey'] with
    the wave's own ``settings`` merged in, defaults filled: :func:`.settings.wave_settings`); ``sep``,
    ``missing_values`` and ``encoding`` are the wave's reader options and ``wave`` its name for messages
    (:func:`.io.read_export`).

    Returns ``(scored, flow, excluded)`` as documented in :func:`.scoring.score` and
    :func:`.exclusions.apply_exclusions`.
    """
    from . import exclusions as ex
    from . import scoring as scr
    from .io import read_export

    cb = _codebook(codebook)
    for g in unknown_grids(settings, cb)[:1]:  # the Snakefile checks each wave before any job (settings.py)
        raise InputError(f"config/config.yaml: survey.exclusions.straightliners.grids: '{g}' is not a grid of "
                         f"{cb.path}; use one of {sorted(cb.grids)}")
    raw = read_export(export, fmt, cb, sep=sep, missing_values=missing_values, encoding=encoding, wave=wave)
    kept, flow, excluded = ex.apply_exclusions(raw, cb, settings["exclusions"])
    scored = scr.score(kept, cb, settings["scoring"], redact=redact)
    return scored, flow, excluded


def read_scored(path: str | Path) -> pd.DataFrame:
    """Read scored.csv (respondent_id as text); ``attrs['source']`` keeps the path for messages."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; run the survey cleaning rule first")
    try:
        out = pd.read_csv(path, dtype={"respondent_id": str})
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: file is empty (no header); rerun the survey cleaning rule") from None
    out.attrs["source"] = str(path)
    return out


def require_respondents(scored: pd.DataFrame, what: str) -> None:
    """Stop with one line when the scored table has no rows (every response was excluded).

    Cleaning still writes an empty scored.csv and flow.csv (so the flow shows which rule removed
    everyone); each later stage stops here, naming the file, the flow and what to do.
    """
    if len(scored) > 0:
        return
    source = scored.attrs.get("source")
    if source:
        p = Path(source)
        wave = p.parent.name
        # data/processed/survey/<wave>/scored.csv -> results/survey/<wave>/flow.csv beside data/
        layout = len(p.parents) > 4 and [q.name for q in p.parents[1:4]] == ["survey", "processed", "data"]
        flow = (p.parents[4] if layout else Path()) / "results" / "survey" / wave / "flow.csv"
        where = f"{source}: 0 respondents left after the exclusions (see {flow.as_posix()})"
    else:
        where = "the scored table has 0 respondents (all excluded?)"
    raise InputError(f"{where}; {what} cannot be computed without respondents: relax the exclusion rules under "
                     "survey.exclusions in config/config.yaml (or the wave's settings) or check the export")


def reliability(scored: pd.DataFrame, codebook: str | Path | Codebook, settings: dict):
    """Reliability of every multi-item construct: ``(reliability, reliability_items)``."""
    from . import reliability as rl

    require_respondents(scored, "reliability")
    cb = _codebook(codebook)
    return rl.reliability_tables(scored, cb.construct_items(), settings["reliability"]["ci_level"])


def descriptives(scored: pd.DataFrame, codebook: str | Path | Codebook, settings: dict):
    """``(descriptives, frequencies)`` of the scored table."""
    from . import descriptives as ds

    require_respondents(scored, "descriptives")
    cb = _codebook(codebook)
    extra = settings["descriptives"]["extra_items"]
    for item in not_single_choice(settings, cb)[:1]:
        raise InputError(f"config/config.yaml: survey.descriptives.extra_items: '{item}' is not a single-choice "
                         f"item of {cb.path}; list single-choice item ids")
    return ds.descriptives_table(scored, cb, extra), ds.frequencies_table(scored, cb)


def hypotheses(scored: pd.DataFrame, codebook: str | Path | Codebook, analysis: str | Path) -> pd.DataFrame:
    """Run the analysis plan on the scored table (hypotheses.csv)."""
    from . import hypotheses as hy
    from .plan import load_plan

    require_respondents(scored, "the hypothesis tests")
    cb = _codebook(codebook)
    plan = load_plan(analysis, cb, list(scored.columns))
    return hy.run_plan(scored, plan)


def tables(flow: pd.DataFrame, rel: pd.DataFrame, desc: pd.DataFrame, hyp: pd.DataFrame, wave: str,
           decimals: int = 2) -> dict[str, tuple[str, str]]:
    """APA tables ``{name: (markdown, latex)}`` for flow, reliability, descriptives and hypotheses. The notes
    of reliability.csv and hypotheses.csv (what was not computable and why) are added to the table notes."""
    from . import tables as tb

    specs = [
        ("flow", tb.flow_display(flow), f"Participant flow through the exclusion rules ({wave})",
         "Each response is removed by the first rule it fails; rules run in the order shown."),
        ("reliability", tb.reliability_display(rel, decimals), f"Internal consistency of the multi-item scales ({wave})",
         "α = Cronbach's alpha with Feldt 95% CI; ω_t = McDonald's omega total (one-factor minimum-residual "
         "model); complete cases per scale."),
        ("descriptives", tb.descriptives_display(desc, decimals), f"Descriptive statistics of items and scales ({wave})",
         tb.descriptives_note()),
        ("hypotheses", tb.hypotheses_display(hyp, decimals), f"Hypothesis tests of claims {tb.claims_text(hyp['claim'])} ({wave})",
         tb.hypotheses_note(hyp)),
    ]
    out = {}
    extra = {"reliability": tb.notes_text(rel), "hypotheses": tb.notes_text(hyp)}
    specs = [(name, table, title, f"{note} {extra[name]}" if extra.get(name) else note)
             for name, table, title, note in specs]
    for i, (name, table, title, note) in enumerate(specs, start=1):
        out[name] = (tb.to_markdown(table, i, title, note), tb.to_latex(table, i, title, f"survey-{wave}-{name}", note))
    return out
