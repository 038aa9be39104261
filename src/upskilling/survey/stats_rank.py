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

The rank-biserial r and its CI are those of ``effectsize::rank_biserial`` (two-sided; paired: of
``rank_biserial(x - y)``, see :func:`.effects.rank_biserial_paired`); epsilon² and
Kendall's W are effectsize's point estimates with a non-central chi-square CI instead of its bootstrap
(:mod:`.effects`; checked in tests/test_survey_effectsize_r.py).

``exact`` is ``False`` (normal approximation, R's ``exact = FALSE``), ``True`` (exact distribution,
R's ``exact = TRUE``; only valid without ties and zeros) or ``"auto"`` (R's default: exact when
n < 50 and there are no ties or zeros). ``correct`` is the continuity correction of the normal
approximation (R's ``correct``).

Data that do not allow a test give a :func:`~upskilling.survey.result.not_computable` result (NaN
statistic and p, a ``note`` saying why) instead of an error: no cases, a group left empty, every
difference zero (Wilcoxon; R: "not enough (non-missing) 'x' observations"), every value equal
(Mann-Whitney, Kruskal-Wallis, Friedman, a constant variable in Spearman's rho; R returns NA), fewer
than three pairs (Spearman). The optional ``names`` only make those notes readable.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from . import effects
from .result import OPPOSITE, TestResult, count, not_computable, sign_of


def _method(values: np.ndarray, exact, n: int, zeros: bool = False) -> str:
    """'exact' or 'approx' as R's wilcox.test decides: exact = auto (R's NULL) is exact below 50 values
    without ties or zeros; exact = true falls back to the normal approximation when there are ties or
    zeros (R warns "cannot compute exact p-value with ties / zeroes" and does so)."""
    has_ties = np.unique(values).size < values.size or zeros
    if exact == "auto":
        return "exact" if (n < 50 and not has_ties) else "approx"
    return "exact" if (exact and not has_ties) else "approx"


def _signed_rank(d: np.ndarray, alternative: str, exact, correct: bool, level: float, what: str,
                 zero: str) -> TestResult:
    d = d[np.isfinite(d)]
    nz = effects.rank_safe(d[d != 0])
    n_used = nz.size
    if d.size == 0:
        return not_computable("V", "r_rank_biserial", 0, f"Wilcoxon signed-rank test: no complete cases of {what}",
                              n_nonzero=0)
    if n_used == 0:
        return not_computable("V", "r_rank_biserial", d.size,
                              f"Wilcoxon signed-rank test: {zero} for {'the' if d.size == 1 else 'all'} "
                              f"{count(d.size, 'respondent')}, so there is no non-zero difference to rank",
                              n_nonzero=0)
    r, lo, hi = effects.rank_biserial_paired(nz, level)
    ranks = stats.rankdata(np.abs(nz))
    v = float(ranks[nz > 0].sum())
    method = _method(np.abs(nz), exact, n_used, zeros=n_used < d.size)

    def p_for(alt: str) -> float:
        return float(stats.wilcoxon(nz, zero_method="wilcox", correction=correct, alternative=alt,
                                    method=method).pvalue)

    p = p_for(alternative)
    p_opp = p_for(OPPOSITE[alternative]) if alternative != "two-sided" else math.nan
    return TestResult(v, "V", math.nan, p, p_opp, sign_of(r), "r_rank_biserial", r, lo, hi, int(d.size),
                      {"n_nonzero": n_used, "method": method})


def wilcoxon_one_sample(x, mu: float = 0.0, alternative: str = "two-sided", exact=False,
                        correct: bool = True, level: float = 0.95, name: str = "x") -> TestResult:
    """One-sample Wilcoxon signed-rank test of ``x`` against location ``mu``.

    Statistic V = sum of the ranks of the positive ``x - mu`` (zeros dropped, as R does); ``n`` counts
    all non-missing x, ``details['n_nonzero']`` the pairs used.
    """
    x = np.asarray(x, dtype=float)
    return _signed_rank(x - mu, alternative, exact, correct, level, name, f"{name} equals mu = {mu:g}")


def wilcoxon_paired(x, y, alternative: str = "two-sided", exact=False, correct: bool = True,
                    level: float = 0.95, names: tuple[str, str] = ("x", "y")) -> TestResult:
    """Paired Wilcoxon signed-rank test of ``x - y`` (complete pairs only)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    a, b = names
    return _signed_rank(x[ok] - y[ok], alternative, exact, correct, level, f"{a} and {b}", f"{a} equals {b}")


def mann_whitney(x, y, alternative: str = "two-sided", exact=False, correct: bool = True,
                 level: float = 0.95, names: tuple[str, str] = ("first", "second")) -> TestResult:
    """Mann-Whitney U test (``wilcox.test(x, y)``); W = U of ``x``; effect r > 0 when x tends to be larger.

    ``names`` name the two groups in the note of a not-computable result (an empty group, every value equal).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    n1, n2 = x.size, y.size
    both = np.concatenate([x, y])
    if n1 == 0 or n2 == 0:
        empty = " and ".join(nm for nm, k in zip(names, (n1, n2)) if k == 0)
        return not_computable("W", "r_rank_biserial", n1 + n2,
                              f"Mann-Whitney group{'s' if n1 == n2 == 0 else ''} {empty} "
                              f"{'are' if n1 == n2 == 0 else 'is'} empty", n1=n1, n2=n2)
    if np.ptp(both) == 0:
        return not_computable("W", "r_rank_biserial", n1 + n2,
                              f"Mann-Whitney test: all {both.size} values are equal ({both[0]:g}), so the groups "
                              "cannot differ", n1=n1, n2=n2)
    ties = np.unique(both).size < both.size  # R: exact = TRUE with ties falls back to the normal approximation
    if exact == "auto":
        method = "exact" if (n1 < 50 and n2 < 50 and not ties) else "asymptotic"
    else:
        method = "exact" if (exact and not ties) else "asymptotic"

    def run(alt: str):
        return stats.mannwhitneyu(x, y, use_continuity=correct, alternative=alt, method=method)

    res = run(alternative)
    u1 = float(res.statistic)
    p_opp = float(run(OPPOSITE[alternative]).pvalue) if alternative != "two-sided" else math.nan
    r, lo, hi = effects.rank_biserial_independent(u1, n1, n2, level)
    return TestResult(u1, "W", math.nan, float(res.pvalue), p_opp, sign_of(r), "r_rank_biserial", r, lo, hi,
                      int(n1 + n2), {"n1": n1, "n2": n2, "method": method})


def kruskal_wallis(groups: list, level: float = 0.95, names: list[str] | None = None) -> TestResult:
    """Kruskal-Wallis H test (tie-corrected, as ``kruskal.test``); effect epsilon² = H / (n - 1).

    epsilon² equals ``effectsize::rank_epsilon_squared`` (H / ((n² - 1)/(n + 1)), to 1e-15). Its CI is
    not effectsize's: the non-central chi-square interval for H with k - 1 df (two-sided), divided by
    n - 1 and capped at 1, where effectsize gives a percentile bootstrap (one-sided by default); see
    :mod:`.effects` for why, and tests/test_survey_effectsize_r.py for how far the two differ.

    Empty groups are left out (as R's ``kruskal.test`` drops unused factor levels; the note names them);
    fewer than two non-empty groups or every value equal give a not-computable result.
    """
    groups = [np.asarray(g, dtype=float) for g in groups]
    groups = [g[np.isfinite(g)] for g in groups]
    names = list(names) if names is not None else [f"{i + 1}" for i in range(len(groups))]
    empty = [nm for nm, g in zip(names, groups) if g.size == 0]
    groups = [g for g in groups if g.size > 0]
    n = int(sum(g.size for g in groups))
    k = len(groups)
    left_out = (f"group{'s' if len(empty) > 1 else ''} {', '.join(empty)} "
                f"{'are' if len(empty) > 1 else 'is'} empty") if empty else ""
    if k < 2:
        return not_computable("chi-squared", "epsilon_squared", n,
                              f"Kruskal-Wallis test needs two non-empty groups, {k} left"
                              + (f" ({left_out})" if left_out else ""), k=k)
    allv = np.concatenate(groups)
    if np.ptp(allv) == 0:
        return not_computable("chi-squared", "epsilon_squared", n,
                              f"Kruskal-Wallis test: all {n} values are equal ({allv[0]:g}), so the groups "
                              "cannot differ", k=k)
    h, p = stats.kruskal(*groups)
    eps = float(h) / (n - 1)
    lo, hi = effects.ncp_interval(float(h), k - 1, level)
    return TestResult(float(h), "chi-squared", k - 1, float(p), math.nan, 0, "epsilon_squared", eps,
                      min(lo / (n - 1), 1.0), min(hi / (n - 1), 1.0), n, {"k": k},
                      f"Kruskal-Wallis {left_out}; it is left out" if left_out else "")


def friedman(matrix, level: float = 0.95) -> TestResult:
    """Friedman rank-sum test over the columns of ``matrix`` (complete rows), as ``friedman.test``.

    Effect: Kendall's W = X² / (n (k - 1)) with X² tie-corrected, equal to ``effectsize::kendalls_w``
    (its tie-corrected formula from the within-row ranks; to 1e-15). CI: the non-central chi-square
    interval for X² (k - 1 df, two-sided), divided by n (k - 1) and capped at 1; not effectsize's, which
    is a percentile bootstrap over the rows (one-sided by default; see :mod:`.effects`).
    """
    m = np.asarray(matrix, dtype=float)
    m = m[np.all(np.isfinite(m), axis=1)]
    n, k = m.shape
    if n == 0:
        return not_computable("chi-squared", "kendall_w", 0, f"Friedman test: no respondent has all {k} variables",
                              df=k - 1, k=k)
    if np.all(np.ptp(m, axis=1) == 0):
        return not_computable("chi-squared", "kendall_w", n,
                              f"Friedman test: {'the' if n == 1 else 'each of the'} {count(n, 'respondent')} "
                              f"gives all {k} variables the same value, "
                              "so there is nothing to rank", df=k - 1, k=k)
    chi, p = stats.friedmanchisquare(*m.T)
    w = float(chi) / (n * (k - 1))
    lo, hi = effects.ncp_interval(float(chi), k - 1, level)
    return TestResult(float(chi), "chi-squared", k - 1, float(p), math.nan, 0, "kendall_w", w,
                      min(lo / (n * (k - 1)), 1.0), min(hi / (n * (k - 1)), 1.0), int(n), {"k": k})


def spearman(x, y, alternative: str = "two-sided", level: float = 0.95,
             names: tuple[str, str] = ("x", "y")) -> TestResult:
    """Spearman rank correlation, p from the t approximation (``cor.test(..., exact = FALSE)``).

    Statistic S = (n³ - n)(1 - rho)/6 as R reports it; CI of rho by Bonett-Wright. Fewer than three
    complete pairs or a constant variable give a not-computable result.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = int(x.size)
    note = correlation_degenerate(x, y, names, "Spearman's rho")
    if note:
        return not_computable("S", "rho", n, note)

    def run(alt: str):
        return stats.spearmanr(x, y, alternative=alt)

    res = run(alternative)
    rho = float(res.statistic)
    p_opp = float(run(OPPOSITE[alternative]).pvalue) if alternative != "two-sided" else math.nan
    s = (n**3 - n) * (1 - rho) / 6
    lo, hi = effects.spearman_ci(rho, n, level)
    return TestResult(s, "S", math.nan, float(res.pvalue), p_opp, sign_of(rho), "rho", rho, lo, hi, n)


def correlation_degenerate(x: np.ndarray, y: np.ndarray, names: tuple[str, str], what: str) -> str:
    """Why a correlation of the complete pairs ``x``, ``y`` cannot be computed ("" if it can):
    fewer than three pairs, or a constant variable."""
    n = int(x.size)
    if n < 3:
        return f"{what} needs at least 3 complete pairs of {names[0]} and {names[1]}, {n} found"
    for v, nm in zip((x, y), names):
        if np.ptp(v) == 0:
            return f"{what}: {nm} is constant (all {n} values are {v[0]:g}), so it correlates with nothing"
    return ""
