"""Tests on metric (interval-scaled) variables.

=========  ============================================  ============================================
function   R equivalent                                  effect size (95% CI)
=========  ============================================  ============================================
pearson    ``cor.test(x, y, method = "pearson")``        Pearson's r (Fisher-z interval, scipy)
=========  ============================================  ============================================

scipy gives r and its p value (t test with n - 2 df, as R); the statistic reported is R's t. The
interval is always two-sided (R's ``cor.test`` returns a one-sided interval for one-sided alternatives;
the pipeline reports the two-sided one so every row has a 95% interval), scipy's
``pearsonr(x, y).confidence_interval(confidence_level)`` (Fisher z, SE = 1/sqrt(n - 3), R's formula).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .result import OPPOSITE, TestResult, not_computable, sign_of
from .stats_rank import correlation_degenerate


def pearson(x, y, alternative: str = "two-sided", level: float = 0.95,
            names: tuple[str, str] = ("x", "y")) -> TestResult:
    """Pearson correlation of the complete pairs of ``x`` and ``y``.

    Returns a :class:`TestResult` with statistic t = r sqrt((n - 2) / (1 - r²)) (name ``t``), df n - 2,
    p for ``alternative``, effect ``pearson_r`` with its Fisher-z CI, n. Fewer than three pairs or a
    constant variable give a not-computable result (NaN statistics, a ``note`` naming ``names``; the
    verdict is then 'not computable').
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = int(x.size)
    nan = math.nan
    note = correlation_degenerate(x, y, names, "Pearson's r")
    if note:
        return not_computable("t", "pearson_r", n, note, df=float(n - 2) if n >= 2 else nan)
    res = stats.pearsonr(x, y, alternative=alternative)
    p_opp = float(stats.pearsonr(x, y, alternative=OPPOSITE[alternative]).pvalue) if alternative != "two-sided" else nan
    r = float(res.statistic)
    t = r * math.sqrt((n - 2) / (1 - r**2)) if abs(r) < 1 else math.copysign(math.inf, r)
    if n > 3:  # two-sided whatever the alternative; scipy's interval of a one-sided test is one-sided
        ci = (res if alternative == "two-sided" else stats.pearsonr(x, y)).confidence_interval(confidence_level=level)
        lo, hi = float(ci.low), float(ci.high)
    else:  # SE = 1/sqrt(n - 3) undefined (scipy would return [-1, 1])
        lo, hi = nan, nan
    return TestResult(t, "t", float(n - 2), float(res.pvalue), p_opp, sign_of(r), "pearson_r", r, lo, hi, n)
