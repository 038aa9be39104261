"""Rank-based tests: Wilcoxon (one-sample, paired), Mann-Whitney, Kruskal-Wallis, Friedman, Spearman.

Each function wraps scipy with the options that reproduce R's ``stats`` functions and returns a
:class:`~upskilling.survey.result.TestResult`:

=====================  ==========================================  =======================================
function               R equivalent                                 effect size (95% CI)
=====================  ==========================================  =======================================
wilcoxon_one_sample    ``wilcox.test(x, mu=, exact=, correct=)``    matched rank-biserial r (Fisher z)
wilcoxon_paired        ``wilcox.test(x, y, paired=TRUE, ...)``      matched rank-biserial r (Fisher z)
mann_whitney           ``wilcox.test(x, y, exact=, correct=)``      rank-biserial r (Fisher z)
kruskal_wallis         ``kruskal.test(x, g)``                       epsilon-squared H/(n-1) (ncp CI)
friedman               ``friedman.test(matrix)``                    Kendall's W = X²/(n(k-1)) (ncp CI)
spearman               ``cor.test(method="spearman", exact=FALSE)`` rho (Bonett-Wright CI)
=====================  ==========================================  =======================================

``exact`` is ``False`` (normal approximation, R's ``exact = FALSE``), ``True`` (exact distribution,
R's ``exact = TRUE``; only valid without ties and zeros) or ``"auto"`` (R's default: exact when
n < 50 and there are no ties or zeros). ``correct`` is the continuity correction of the normal
approximation (R's ``correct``).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from . import effects
from .result import OPPOSITE, TestResult, sign_of


def _method(values: np.ndarray, exact, n: int) -> str:
    if exact == "auto":
        has_ties = np.unique(values).size < values.size or np.any(values == 0)
        return "exact" if (n < 50 and not has_ties) else "approx"
    return "exact" if exact else "approx"


def _signed_rank(d: np.ndarray, alternative: str, exact, correct: bool, level: float) -> TestResult:
    d = d[np.isfinite(d)]
    nz = d[d != 0]
    n_used = nz.size
    r, lo, hi = effects.rank_biserial_paired(nz, level)
    if n_used == 0:
        return TestResult(math.nan, "V", math.nan, math.nan, math.nan, 0, "r_rank_biserial",
                          math.nan, math.nan, math.nan, int(d.size))
    ranks = stats.rankdata(np.abs(nz))
    v = float(ranks[nz > 0].sum())
    method = _method(np.abs(nz), exact, n_used)

    def p_for(alt: str) -> float:
        return float(stats.wilcoxon(nz, zero_method="wilcox", correction=correct, alternative=alt,
                                    method=method).pvalue)

    p = p_for(alternative)
    p_opp = p_for(OPPOSITE[alternative]) if alternative != "two-sided" else math.nan
    return TestResult(v, "V", math.nan, p, p_opp, sign_of(r), "r_rank_biserial", r, lo, hi, int(d.size),
                      {"n_nonzero": n_used, "method": method})


def wilcoxon_one_sample(x, mu: float = 0.0, alternative: str = "two-sided", exact=False,
                        correct: bool = True, level: float = 0.95) -> TestResult:
    """One-sample Wilcoxon signed-rank test of ``x`` against location ``mu``.

    Statistic V = sum of the ranks of the positive ``x - mu`` (zeros dropped, as R does); ``n`` counts
    all non-missing x, ``details['n_nonzero']`` the pairs used.
    """
    x = np.asarray(x, dtype=float)
    return _signed_rank(x - mu, alternative, exact, correct, level)


def wilcoxon_paired(x, y, alternative: str = "two-sided", exact=False, correct: bool = True,
                    level: float = 0.95) -> TestResult:
    """Paired Wilcoxon signed-rank test of ``x - y`` (complete pairs only)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    return _signed_rank(x[ok] - y[ok], alternative, exact, correct, level)


def mann_whitney(x, y, alternative: str = "two-sided", exact=False, correct: bool = True,
                 level: float = 0.95) -> TestResult:
    """Mann-Whitney U test (``wilcox.test(x, y)``); W = U of ``x``; effect r > 0 when x tends to be larger."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    n1, n2 = x.size, y.size
    both = np.concatenate([x, y])
    if exact == "auto":
        method = "exact" if (n1 < 50 and n2 < 50 and np.unique(both).size == both.size) else "asymptotic"
    else:
        method = "exact" if exact else "asymptotic"

    def run(alt: str):
        return stats.mannwhitneyu(x, y, use_continuity=correct, alternative=alt, method=method)

    res = run(alternative)
    u1 = float(res.statistic)
    p_opp = float(run(OPPOSITE[alternative]).pvalue) if alternative != "two-sided" else math.nan
    r, lo, hi = effects.rank_biserial_independent(u1, n1, n2, level)
    return TestResult(u1, "W", math.nan, float(res.pvalue), p_opp, sign_of(r), "r_rank_biserial", r, lo, hi,
                      int(n1 + n2), {"n1": n1, "n2": n2, "method": method})


def kruskal_wallis(groups: list, level: float = 0.95) -> TestResult:
    """Kruskal-Wallis H test (tie-corrected, as ``kruskal.test``); effect epsilon² = H / (n - 1).

    epsilon² is ``effectsize::rank_epsilon_squared`` (H / ((n² - 1)/(n + 1))); its CI comes from the
    non-central chi-square interval for H with k - 1 df, divided by n - 1 and capped at 1.
    """
    groups = [np.asarray(g, dtype=float) for g in groups]
    groups = [g[np.isfinite(g)] for g in groups]
    groups = [g for g in groups if g.size > 0]
    n = int(sum(g.size for g in groups))
    k = len(groups)
    h, p = stats.kruskal(*groups)
    eps = float(h) / (n - 1)
    lo, hi = effects.ncp_interval(float(h), k - 1, level)
    return TestResult(float(h), "chi-squared", k - 1, float(p), math.nan, 0, "epsilon_squared", eps,
                      min(lo / (n - 1), 1.0), min(hi / (n - 1), 1.0), n, {"k": k})


def friedman(matrix, level: float = 0.95) -> TestResult:
    """Friedman rank-sum test over the columns of ``matrix`` (complete rows), as ``friedman.test``.

    Effect: Kendall's W = X² / (n (k - 1)) with X² tie-corrected; CI from the non-central chi-square
    interval for X² (k - 1 df), divided by n (k - 1) and capped at 1.
    """
    m = np.asarray(matrix, dtype=float)
    m = m[np.all(np.isfinite(m), axis=1)]
    n, k = m.shape
    chi, p = stats.friedmanchisquare(*m.T)
    w = float(chi) / (n * (k - 1))
    lo, hi = effects.ncp_interval(float(chi), k - 1, level)
    return TestResult(float(chi), "chi-squared", k - 1, float(p), math.nan, 0, "kendall_w", w,
                      min(lo / (n * (k - 1)), 1.0), min(hi / (n * (k - 1)), 1.0), int(n), {"k": k})


def spearman(x, y, alternative: str = "two-sided", level: float = 0.95) -> TestResult:
    """Spearman rank correlation, p from the t approximation (``cor.test(..., exact = FALSE)``).

    Statistic S = (n³ - n)(1 - rho)/6 as R reports it; CI of rho by Bonett-Wright.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = int(x.size)

    def run(alt: str):
        return stats.spearmanr(x, y, alternative=alt)

    res = run(alternative)
    rho = float(res.statistic)
    p_opp = float(run(OPPOSITE[alternative]).pvalue) if alternative != "two-sided" else math.nan
    s = (n**3 - n) * (1 - rho) / 6
    lo, hi = effects.spearman_ci(rho, n, level)
    return TestResult(s, "S", math.nan, float(res.pvalue), p_opp, sign_of(rho), "rho", rho, lo, hi, n)
