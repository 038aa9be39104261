"""Effect sizes and their confidence intervals, from closed-form expressions.

No maintained Python library returns these CIs (pingouin gives the rank-biserial r without a CI and
no CI for Kendall's W or epsilon-squared), so they are computed here.
tests/test_survey_effectsize_r.py compares them with R's *effectsize* package (an independent
implementation, tests/r/effectsize_reference.R):

* rank-biserial r (paired and independent) with the Fisher-z interval of ``effectsize::rank_biserial``
  (its "normal" CI: the SE of r used on the z scale, see its source comments); equal to effectsize's to
  1e-15. For paired data this is ``rank_biserial(x - y)``; ``rank_biserial(x, y, paired = TRUE)`` (0.8.3
  and 1.0.3) counts every pair, zero differences too, in the SE, while r and this SE use the non-zero
  differences only;
* intervals for Cramér's V and Cohen's w by inverting the non-central chi-square distribution
  (Steiger 2004), the CI of ``effectsize::cramers_v`` / ``cohens_w`` with ``alternative = "two.sided"``
  (agreement to 1e-7; effectsize solves with ``optim``, this with ``brentq``). effectsize caps Cohen's w's
  upper bound at its largest possible value sqrt((1 - q) / q), q the smallest expected share; this does not;
* the same non-central chi-square interval for Kendall's W (Friedman's X²) and epsilon-squared
  (Kruskal-Wallis H). This is NOT effectsize's method: ``kendalls_w`` and ``rank_epsilon_squared`` give
  only a percentile bootstrap CI (one-sided by default). The pipeline keeps the ncp interval: it is
  deterministic (no seed, so result tables regenerate byte for byte), it uses the chi-square reference
  distribution of the test it accompanies, so its lower bound is 0 exactly when the test's p is at
  least ``(1 - level) / 2`` (a percentile bootstrap of a statistic bounded at 0 rarely reaches 0 and is
  shifted upwards: on the R fixture both its bounds lie up to 0.04 above the ncp bounds, and it excludes
  0 for a Friedman test with p = .57), and every chi-square based effect size shares one method. The
  point estimates equal effectsize's;
* Spearman's rho with the Fisher-z interval of Bonett & Wright (2000), SE = sqrt((1 + rho^2/2)/(n-3))
  (effectsize does not compute it; tests/r/survey_stats.R checks the formula);
* a proportion with the Clopper-Pearson interval (``binom.test(x, n)$conf.int``).

Pearson's r takes its Fisher-z interval from scipy (``pearsonr(x, y).confidence_interval``,
:func:`.stats_metric.pearson`). All intervals are two-sided at ``level``.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats


def _z(level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - level) / 2))


#: significant digits of |x - mu| / |x - y| that the signed-rank tests rank (R's ``wilcox.test(digits.rank = )``)
RANK_DIGITS = 10


def rank_safe(d: np.ndarray) -> np.ndarray:
    """``d`` with every value rounded to :data:`RANK_DIGITS` significant digits (R's ``signif``).

    Differences of scale means carry floating-point noise that decides ties: 13/3 - 3 is
    1.333333333333333 but 3 - 5/3 is 1.3333333333333333, so two equal distances got ranks 5 and 6 instead
    of 5.5 and 5.5 and reflecting a scale (x -> 6 - x) changed the p value. Rounding the means cannot fix
    that (4.3333333333 - 3 != 3 - 1.6666666667 in binary); rounding the differences does."""
    return np.array([float(f"{v:.{RANK_DIGITS}g}") for v in d], dtype=float)


def rank_biserial_paired(d: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Matched-pairs rank-biserial r of differences ``d`` (zeros dropped) and its CI.

    Returns ``(r, ci_low, ci_high)``; r = (R+ - R-) / (n(n+1)/2) over the non-zero differences, which
    is ``2V / S - 1`` with V the statistic of ``wilcox.test``. CI: ``tanh(atanh(r) ± z * SE)`` with
    ``SE = sqrt((2n^3 + 3n^2 + n) / 6) / (n(n+1)/2)``, n the non-zero differences: as
    ``effectsize::rank_biserial(d)`` (one-sample form on the differences). ``rank_biserial(x, y,
    paired = TRUE)`` takes n as all pairs in the SE, so its CI is slightly narrower when some differences
    are zero (tests/test_survey_effectsize_r.py).
    """
    d = np.asarray(d, dtype=float)
    d = rank_safe(d[d != 0])  # ranked to RANK_DIGITS significant digits, as the signed-rank test
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


def ncp_interval(chisq: float, df: float, level: float = 0.95) -> tuple[float, float]:
    """Interval for the non-centrality parameter of a chi-square statistic (Steiger 2004).

    The lower bound solves ``P(X <= chisq; df, ncp) = 1 - (1-level)/2`` and the upper bound
    ``P(X <= chisq; df, ncp) = (1-level)/2``; a bound is 0 when even ncp = 0 cannot reach it. This is
    the interval of ``effectsize::cramers_v`` / ``cohens_w`` (``alternative = "two.sided"``; effectsize's
    default ``"greater"`` gives the lower bound of ``level = 2 * ci - 1`` and an upper bound of the
    maximum). The pipeline also uses it for Kendall's W and epsilon-squared, where effectsize offers a
    percentile bootstrap instead (see the module docstring).
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

