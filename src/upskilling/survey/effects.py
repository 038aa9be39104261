"""Effect sizes and their confidence intervals, written to match R's documented formulas.

No maintained Python library returns these CIs (pingouin gives the rank-biserial r without a CI and
no CI for Kendall's W or epsilon-squared), so they are computed here from closed-form expressions:

* rank-biserial r (paired and independent) with the Fisher-z interval of ``effectsize::rank_biserial``
  (R package *effectsize*, parametric CI; SE of r on the z scale, see its source comments);
* intervals for chi-square based effect sizes (Kendall's W, epsilon-squared, Cramér's V, Cohen's w) by
  inverting the non-central chi-square distribution, the method of ``effectsize`` for chi-square
  effect sizes (Steiger 2004);
* Spearman's rho with the Fisher-z interval of Bonett & Wright (2000), SE = sqrt((1 + rho^2/2)/(n-3));
* Pearson's r with the Fisher-z interval of ``cor.test``, SE = 1/sqrt(n-3);
* a proportion with the Clopper-Pearson interval (``binom.test(x, n)$conf.int``).

All intervals are two-sided at ``level``.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats


def _z(level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def rank_biserial_paired(d: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Matched-pairs rank-biserial r of differences ``d`` (zeros dropped) and its CI.

    Returns ``(r, ci_low, ci_high)``; r = (R+ - R-) / (n(n+1)/2) over the non-zero differences, which
    is ``2V / S - 1`` with V the statistic of ``wilcox.test``. CI: ``tanh(atanh(r) ± z * SE)`` with
    ``SE = sqrt((2n^3 + 3n^2 + n) / 6) / (n(n+1)/2)`` (``effectsize::rank_biserial(paired = TRUE)``).
    """
    d = np.asarray(d, dtype=float)
    d = d[d != 0]
    n = d.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    ranks = stats.rankdata(np.abs(d))
    s = n * (n + 1) / 2
    r = float((ranks[d > 0].sum() - ranks[d < 0].sum()) / s)
    se = math.sqrt((2 * n**3 + 3 * n**2 + n) / 6) / s
    lo, hi = _fisher_interval(r, se, level)
    return r, lo, hi


def rank_biserial_independent(u1: float, n1: int, n2: int, level: float = 0.95) -> tuple[float, float, float]:
    """Rank-biserial r of two independent samples from the Mann-Whitney U of the first sample.

    Returns ``(r, ci_low, ci_high)``: r = 2 U1 / (n1 n2) - 1 (positive when the first sample tends to
    be larger), CI as ``effectsize::rank_biserial``: SE = sqrt((n1 + n2 + 1) / (3 n1 n2)) on the z scale.
    NaN for an empty group.
    """
    if n1 == 0 or n2 == 0:  # an empty group: no pairs to compare
        return (math.nan, math.nan, math.nan)
    r = float(2 * u1 / (n1 * n2) - 1)
    se = math.sqrt((n1 + n2 + 1) / (3 * n1 * n2))
    lo, hi = _fisher_interval(r, se, level)
    return r, lo, hi


def _fisher_interval(r: float, se: float, level: float) -> tuple[float, float]:
    if abs(r) >= 1:
        return (r, r) if math.isfinite(r) else (math.nan, math.nan)
    z = math.atanh(r)
    q = _z(level)
    return math.tanh(z - q * se), math.tanh(z + q * se)


def spearman_ci(rho: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Bonett-Wright (2000) interval for Spearman's rho: Fisher z with SE = sqrt((1 + rho²/2)/(n - 3))."""
    if n <= 3 or not math.isfinite(rho):
        return (math.nan, math.nan)
    return _fisher_interval(rho, math.sqrt((1 + rho**2 / 2) / (n - 3)), level)


def pearson_ci(r: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Fisher-z interval for Pearson's r, SE = 1/sqrt(n - 3) (``cor.test(...)$conf.int``, two-sided)."""
    if n <= 3 or not math.isfinite(r):
        return (math.nan, math.nan)
    return _fisher_interval(r, 1 / math.sqrt(n - 3), level)


def ncp_interval(chisq: float, df: float, level: float = 0.95) -> tuple[float, float]:
    """Interval for the non-centrality parameter of a chi-square statistic (Steiger 2004).

    The lower bound solves ``P(X <= chisq; df, ncp) = 1 - (1-level)/2`` and the upper bound
    ``P(X <= chisq; df, ncp) = (1-level)/2``; a bound is 0 when even ncp = 0 cannot reach it. This is
    the interval ``effectsize`` uses for chi-square based effect sizes.
    """
    if not (math.isfinite(chisq) and df > 0):
        return (math.nan, math.nan)
    a = (1 - level) / 2

    def f(ncp: float, target: float) -> float:
        if ncp == 0:
            return float(stats.chi2.cdf(chisq, df)) - target
        return float(stats.ncx2.cdf(chisq, df, ncp)) - target

    def solve(target: float) -> float:
        if f(0.0, target) <= 0:
            return 0.0
        hi = max(chisq, 1.0)
        while f(hi, target) > 0:
            hi *= 2
        return float(optimize.brentq(f, 0.0, hi, args=(target,), xtol=1e-12, rtol=1e-12, maxiter=500))

    return solve(1 - a), solve(a)

