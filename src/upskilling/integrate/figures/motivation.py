"""Survival against growth motivation, paired per respondent (claim C1)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from .style import OKABE_ITO, wrap


def survival_vs_growth(scored: pd.DataFrame, first: str = "survival", second: str = "growth",
                       labels: dict[str, str] | None = None, *, seed: int):
    """Figure: (a) each respondent's two scale scores (jittered) against the identity line;
    (b) the paired differences ``first - second`` with their median.

    ``seed`` only jitters the points (drawing, not analysis).
    """
    labels = labels or {}
    pair = scored[[first, second]].apply(pd.to_numeric, errors="coerce").dropna()
    diff = pair[first] - pair[second]
    rng = np.random.default_rng(seed)
    jitter = rng.uniform(-0.06, 0.06, size=(len(pair), 2))
    above = diff > 0
    below = diff < 0
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 4.4), gridspec_kw={"width_ratios": [1, 1.1]}, layout="constrained")
    for mask, colour, marker, name in (
            (above, OKABE_ITO["vermillion"], "o", f"{labels.get(first, first)} higher: {int(above.sum())}"),
            (below, OKABE_ITO["blue"], "s", f"{labels.get(second, second)} higher: {int(below.sum())}"),
            (~above & ~below, OKABE_ITO["grey"], "^", f"equal: {int((~above & ~below).sum())}")):
        m = mask.to_numpy()
        a.scatter(pair.loc[mask, second] + jitter[m, 1], pair.loc[mask, first] + jitter[m, 0],
                  s=14, alpha=0.7, color=colour, marker=marker, label=name, edgecolor="none")
    a.plot([1, 5], [1, 5], color="black", lw=0.8, ls="--")
    a.set_xlim(0.8, 5.2)
    a.set_ylim(0.8, 5.2)
    a.set_aspect("equal")
    a.set_xlabel(wrap(f"{labels.get(second, second)} (scale mean)", 40))
    a.set_ylabel(wrap(f"{labels.get(first, first)} (scale mean)", 40))
    a.set_title(f"(a) Paired scores, n = {len(pair)}", loc="left")
    a.legend(loc="lower right", fontsize=8)
    bins = np.arange(-4.125, 4.2, 0.25)
    b.hist(diff, bins=bins, color=OKABE_ITO["sky_blue"], edgecolor="white")
    if len(diff):  # the differences' range (and 0), not the whole possible -4..4
        b.set_xlim(min(float(diff.min()), 0.0) - 0.5, max(float(diff.max()), 0.0) + 0.5)
    b.yaxis.set_major_locator(MaxNLocator(integer=True))
    med = float(diff.median()) if len(diff) else float("nan")
    b.axvline(0, color="black", lw=0.8)
    b.axvline(med, color=OKABE_ITO["vermillion"], lw=1.5, label=f"median = {med:+.2f}")
    b.set_xlabel(wrap(f"{labels.get(first, first)} \u2212 {labels.get(second, second)}", 45))
    b.set_ylabel("Respondents")
    b.set_title("(b) Paired differences", loc="left")
    b.legend(fontsize=8)
    return fig
