"""Odds ratios of the plan's ordinal models as a forest plot (claim C5).

One row per ``ordinal_logit`` row of hypotheses.csv (one tested predictor term each): the odds ratio
with its 95% Wald interval on a log axis, the reference line at OR = 1, the predictor in words with its
unit (a numeric item's text, "per percentage point"; a construct's label, "per scale point"), and the
hypothesis id, the p value the verdict used and the verdict.
"""
from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

from ...survey.codebook import Codebook
from .. import fmt
from .style import OKABE_ITO, wrap

#: Tick values a log axis of odds ratios picks from (those inside the axis limits).
NICE_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 4, 5, 10, 20, 50, 100]
#: Words in a numeric item's text that name its unit (first match wins).
NUMERIC_UNITS = [(r"percent|%", "per percentage point"), (r"\byears?\b", "per year"), (r"\bmonths?\b", "per month"),
                 (r"\bweeks?\b", "per week"), (r"\bhours?\b", "per hour"), (r"\bdays?\b", "per day")]


def ordinal_rows(hypotheses: pd.DataFrame, plan: dict | None = None) -> pd.DataFrame:
    """The ``ordinal_logit`` rows of hypotheses.csv, in file order, with columns ``outcome``,
    ``predictors`` (a tuple) and ``term`` added: from the plan's hypothesis of the same id, else parsed
    from the ``variables`` text (``outcome ~ a + b [term]``)."""
    by_id = {h.get("id"): h.get("variables") or {} for h in (plan or {}).get("hypotheses") or []}
    rows = hypotheses[hypotheses["test"] == "ordinal_logit"].copy()
    outcome, predictors, term = [], [], []
    for hid, text in zip(rows["hypothesis"], rows["variables"].astype(str)):
        v = by_id.get(hid) or {}
        if {"outcome", "predictors", "term"} <= set(v):
            o, p, t = v["outcome"], tuple(v["predictors"]), v["term"]
        else:
            o, p, t = _parse(text)
        outcome.append(o)
        predictors.append(p)
        term.append(t)
    rows["outcome"], rows["predictors"], rows["term"] = outcome, predictors, term
    return rows.reset_index(drop=True)


def _parse(text: str) -> tuple[str, tuple, str]:
    m = re.match(r"\s*(?P<o>[^~]+?)\s*~\s*(?P<p>[^\[]+?)\s*(\[(?P<t>[^\]]+)\].*)?$", text)
    if not m:
        return "", (text,), text
    preds = tuple(p.strip() for p in m["p"].split("+"))
    return m["o"], preds, (m["t"] or preds[0]).strip()


def variable_label(var: str, cb: Codebook) -> str:
    """A construct's label, an item's text, or the id when the codebook has neither."""
    if var in cb.constructs:
        return cb.construct_label(var)
    return str(cb.by_id.get(var, {}).get("text") or var)


def term_words(term: str, cb: Codebook, plan: dict | None = None, standardized: bool = False) -> tuple[str, str]:
    """``(label, unit)`` of a predictor, from the codebook: a construct's label and "per scale point"; a
    numeric item's text and its unit named in the text ("per percentage point", "per year"; else "per
    unit of the answer"); an item on a response scale, its text and "per scale point"; a derived 0/1
    variable of the plan, its definition and "yes vs. no". With ``standardized`` the unit is "per
    standard deviation" (``methods.ordinal_logit.standardize`` of the plan)."""
    derived = ((plan or {}).get("derived") or {}).get(term)
    if derived:
        value = derived.get("value", "")
        label, unit = f"{variable_label(derived['from'], cb)} {derived['op']} {value}".strip(), "yes vs. no"
    elif term in cb.constructs:
        label, unit = cb.construct_label(term), "per scale point"
    elif term in cb.by_id:
        item = cb.by_id[term]
        label = str(item.get("text") or term)
        if item.get("type") == "numeric":
            unit = next((u for pat, u in NUMERIC_UNITS if re.search(pat, label, re.IGNORECASE)),
                        "per unit of the answer")
        else:
            unit = "per scale point"
    else:
        label, unit = term, "per unit"
    return label, ("per standard deviation" if standardized and not derived else unit)


def _ticks(lo: float, hi: float) -> list[float]:
    """Tick values between ``lo`` and ``hi``: 1 and the :data:`NICE_TICKS` inside (at least 3, else
    rounded log-spaced values), none closer to a neighbour than 7% of the axis' log span."""
    inside = [t for t in NICE_TICKS if lo <= t <= hi]
    if len(inside) < 3:
        inside = sorted({*inside, *(float(f"{v:.3g}") for v in np.geomspace(lo * 1.02, hi / 1.02, 4))})
    gap = 0.07 * math.log(hi / lo)
    kept = [1.0] if lo <= 1 <= hi else []
    for t in sorted(inside, key=lambda t: (t != 1, abs(math.log(t)))):  # 1 first, then outwards
        if all(abs(math.log(t / k)) >= gap for k in kept):
            kept.append(t)
    return sorted(kept)


def ordinal_forest(rows: pd.DataFrame, cb: Codebook, plan: dict | None = None, standardized: bool = False):
    """Figure: one row per tested term of ``rows`` (:func:`ordinal_rows`), odds ratio and 95% CI on a
    log x axis, reference line at 1; left the predictor in words with its unit, right the hypothesis id,
    OR [CI], p and verdict. Terms whose model could not be estimated are listed as such, without a
    marker."""
    n = len(rows)
    models = list(dict.fromkeys(zip(rows["outcome"], rows["predictors"])))
    labels, heights = [], []
    for _, r in rows.iterrows():
        label, unit = term_words(r["term"], cb, plan, standardized)
        lines = wrap(label, 40).split("\n")
        unit_line = f"OR {unit}" + (f", on {variable_label(r['outcome'], cb)}" if len(models) > 1 else "")
        labels.append("\n".join([*lines, *wrap(unit_line, 40).split("\n")]))
        heights.append(0.16 * (len(lines) + 1) + 0.3)
    fig, ax = plt.subplots(figsize=(8.8, 1.7 + sum(heights)), layout="constrained")
    ys = np.arange(n)[::-1].astype(float)
    est = pd.to_numeric(rows["effect_size"], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(rows["ci_low"], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(rows["ci_high"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(est) & (est > 0)
    lo = np.where(np.isfinite(lo) & (lo > 0), lo, est)
    hi = np.where(np.isfinite(hi) & (hi > 0), hi, est)
    ax.set_xscale("log")
    if ok.any():
        ax.errorbar(est[ok], ys[ok], xerr=[est[ok] - lo[ok], hi[ok] - est[ok]], fmt="D", color="black",
                    ms=6, capsize=4, lw=1.5)
    span = [v for v in (*lo[ok], *hi[ok], 1.0) if np.isfinite(v)]
    left, right = min(span), max(span)
    pad = max((right / left) ** 0.08, 1.08)
    ax.set_xlim(left / pad, right * pad)
    ax.axvline(1, color=OKABE_ITO["vermillion"], ls="--", lw=1)
    ax.xaxis.set_major_locator(FixedLocator(_ticks(left / pad, right * pad)))
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(ys, labels)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    side = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for y, (_, r), good in zip(ys, rows.iterrows(), ok):
        head = (f"{r['hypothesis']}: OR {fmt.num(r['effect_size'])} [{fmt.num(r['ci_low'])}, {fmt.num(r['ci_high'])}]"
                if good else f"{r['hypothesis']}: not estimable")
        tail = f"{fmt.p_note(r)}\n{r['verdict']}" if good else str(r.get("verdict", ""))
        ax.text(1.03, y, f"{head}\n{tail}", transform=side, va="center", ha="left", fontsize=8.5)
    outcome_words = variable_label(models[0][0], cb) if len(models) == 1 else None
    title = (f"Ordinal logit of {outcome_words}: odds ratios with 95% CI" if outcome_words
             else "Ordinal logit models: odds ratios with 95% CI")
    ax.set_title(wrap(title, 80), loc="left")
    xlabel = ("Odds ratio (log scale; diamond: OR, bar: 95% CI, dashed line: OR = 1, no association); "
              "OR > 1: a higher predictor goes with a higher outcome category")
    if len(models) == 1:
        outcome, predictors = models[0]
        others = [variable_label(p, cb) for p in predictors if p not in set(rows["term"])]
        n_obs = pd.to_numeric(rows["n"], errors="coerce").max() if "n" in rows else float("nan")
        note = f"one model of {outcome_words} on {len(predictors)} predictor{'s' if len(predictors) > 1 else ''}"
        if not math.isnan(n_obs):
            note += f", n = {int(n_obs)}"
        if others:
            note += "; also adjusted for: " + "; ".join(others)
        xlabel += f"\n{note[0].upper()}{note[1:]}."
    ax.set_xlabel(wrap(xlabel, 105))
    return fig
