"""Barrier scales with 95% confidence intervals against the scale midpoint (claim C3)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import CATEGORICAL, OKABE_ITO, wrap


def mean_ci(values: pd.Series, level: float = 0.95) -> dict:
    """Mean with a t-based confidence interval.

    Returns a dict with ``n, mean, sd, ci_low, ci_high, median``.
    """
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(v)
    if n == 0:
        return {"n": 0, "mean": np.nan, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan, "median": np.nan}
    m = v.mean()
    sd = v.std(ddof=1) if n > 1 else 0.0
    from scipy import stats  # here, not at import: every figure job imports this module (0.35 s)

    half = stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n) if n > 1 else 0.0
    return {"n": n, "mean": m, "sd": sd, "ci_low": m - half, "ci_high": m + half, "median": float(np.median(v))}


def barrier_scales(scored: pd.DataFrame, constructs: list[str], labels: dict[str, str],
                   midpoint: float = 3.0, *, seed: int):
    """Figure: per barrier scale the respondents' scores (jittered dots), the mean and its 95% CI,
    and the scale midpoint (the one-sample test's reference). ``seed`` only jitters the dots."""
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.9 * len(constructs)), layout="constrained")
    for i, c in enumerate(constructs):
        y = len(constructs) - 1 - i
        v = pd.to_numeric(scored[c], errors="coerce").dropna()
        ax.scatter(v + rng.uniform(-0.05, 0.05, len(v)), y + rng.uniform(-0.25, 0.25, len(v)), s=6,
                   color=CATEGORICAL[i % len(CATEGORICAL)], alpha=0.25, edgecolor="none")
        s = mean_ci(v)
        ax.errorbar(s["mean"], y, xerr=[[s["mean"] - s["ci_low"]], [s["ci_high"] - s["mean"]]], fmt="D",
                    color="black", capsize=4, ms=6, lw=1.5)
        ax.text(5.35, y, f"M = {s['mean']:.2f} [{s['ci_low']:.2f}, {s['ci_high']:.2f}]\nn = {s['n']}",
                va="center", fontsize=8)
    ax.axvline(midpoint, color=OKABE_ITO["vermillion"], ls="--", lw=1, label=f"scale midpoint ({midpoint:g})")
    ax.set_yticks(range(len(constructs))[::-1], [wrap(labels.get(c, c), 28) for c in constructs])
    ax.set_xlim(0.8, 5.2)
    ax.set_xlabel("Scale score (1 = strongly disagree, 5 = strongly agree)")
    ax.set_title("Barriers to learning with AI: mean and 95% CI", loc="left")
    ax.legend(loc="lower left", fontsize=8)
    return fig
