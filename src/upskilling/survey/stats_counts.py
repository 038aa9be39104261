"""Tests on counts: exact binomial and chi-square (goodness of fit, independence).

=====================  =====================================  ===========================================
function               R equivalent                            effect size (95% CI)
=====================  =====================================  ===========================================
binomial               ``binom.test(k, n, p)``                 proportion (Clopper-Pearson, two-sided)
chisq_gof              ``chisq.test(counts, p = expected)``    Cohen's w = sqrt(X²/n) (ncp CI)
chisq_independence     ``chisq.test(table, correct = TRUE)``   Cramér's V = sqrt(X²/(n (min(r,c)-1))), X² uncorrected (ncp CI)
=====================  =====================================  ===========================================

The binomial CI is always two-sided (R's ``binom.test`` returns a one-sided interval for one-sided
alternatives; the pipeline reports ``binom.test(k, n)$conf.int`` so every row has a 95% interval).
Yates' continuity correction applies only to 2 x 2 tables, as in R.

Cramér's V and Cohen's w with their CIs equal ``effectsize::cramers_v(table, adjust = FALSE,
alternative = "two.sided")`` and ``effectsize::cohens_w(counts, p = ..., alternative = "two.sided")``
(estimates to 1e-15, CI bounds to 1e-7; tests/test_survey_effectsize_r.py). effectsize's defaults differ:
``adjust = TRUE`` (bias-corrected V) and ``alternative = "greater"`` (a one-sided interval [lower bound at
level 2 * ci - 1, 1]); and it caps w's upper bound at its maximum sqrt((1 - q) / q), q the smallest expected
share, which this does not.

Counts that do not allow a test give a :func:`~upskilling.survey.result.not_computable` result (NaN
statistic and p, a ``note``): no answers (binomial, goodness of fit), a single category (goodness of fit:
0 df), or a table with fewer than two non-empty rows or columns (independence: 0 df; R returns
X-squared = 0 with df = 0 and p = NA or 1, neither meaningful).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from . import effects
from .result import OPPOSITE, TestResult, not_computable, sign_of


def binomial(k: int, n: int, p0: float = 0.5, alternative: str = "two-sided", level: float = 0.95) -> TestResult:
    """Exact binomial test of ``k`` successes in ``n`` trials against ``p0``; statistic = k."""
    if int(n) == 0:
        return not_computable("successes", "proportion", 0,
                              "binomial test: no answers, so there are no successes to count",
                              p0=p0)
    res = stats.binomtest(int(k), int(n), p0, alternative=alternative)
    p_opp = (float(stats.binomtest(int(k), int(n), p0, alternative=OPPOSITE[alternative]).pvalue)
             if alternative != "two-sided" else math.nan)
    prop = k / n if n else math.nan
    # two-sided Clopper-Pearson interval, as R's binom.test(k, n)$conf.int (whatever the alternative)
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="exact") if n else None
    lo, hi = (float(ci.low), float(ci.high)) if ci is not None else (math.nan, math.nan)
    return TestResult(float(k), "successes", math.nan, float(res.pvalue), p_opp, sign_of(prop, p0),
                      "proportion", prop, lo, hi, int(n), {"p0": p0})


def chisq_gof(counts, expected_p, level: float = 0.95) -> TestResult:
    """Chi-square goodness of fit of ``counts`` against probabilities ``expected_p`` (rescaled to sum 1)."""
    counts = np.asarray(counts, dtype=float)
    p = np.asarray(expected_p, dtype=float)
    p = p / p.sum()
    n = counts.sum()
    if n == 0:
        return not_computable("X-squared", "cohens_w", 0, "chi-square goodness of fit: no answers to count")
    if counts.size < 2:
        return not_computable("X-squared", "cohens_w", n, "chi-square goodness of fit needs at least two "
                              f"categories, {counts.size} found (0 df)", df=0.0)
    chi, pval = stats.chisquare(counts, n * p)
    df = counts.size - 1
    lo, hi = effects.ncp_interval(float(chi), df, level)
    return TestResult(float(chi), "X-squared", df, float(pval), math.nan, 0, "cohens_w",
                      math.sqrt(chi / n), math.sqrt(lo / n), math.sqrt(hi / n), int(n))


def chisq_independence(table, correct: bool = True, level: float = 0.95,
                       cramers_v_from: str = "uncorrected", names: tuple[str, str] = ("the rows", "the columns"),
                       ) -> TestResult:
    """Pearson chi-square test of independence of a contingency ``table`` (rows x columns). Cramér's V from
    the uncorrected statistic (``cramers_v_from="uncorrected"``) or from the test's (``"test"``).
    ``names`` (rows, columns variable) make the note of a not-computable result readable."""
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.sum() == 0:
        return not_computable("X-squared", "cramers_v", 0,
                              f"chi-square test of independence: no complete pairs of {names[0]} and {names[1]}")
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    single = [nm for nm, k in zip(names, t.shape) if k < 2]
    if single:
        return not_computable("X-squared", "cramers_v", t.sum(),
                              f"chi-square test of independence: {' and '.join(single)} "
                              f"{'have' if len(single) > 1 else 'has'} a single observed category, so "
                              "there is no association to test (0 df)", df=0.0, shape=list(t.shape))
    chi, pval, df, _ = stats.chi2_contingency(t, correction=correct)
    n = t.sum()
    m = min(t.shape) - 1
    # Cramér's V and its CI from the uncorrected statistic, as effectsize::cramers_v (which computes X² from
    # the observed and expected counts, without Yates' correction, whatever chisq.test did): Yates' correction
    # belongs to the 2 x 2 test's p value, not to the effect size (corrected, a 2 x 2 V can be 0 for a real effect)
    if cramers_v_from not in ("uncorrected", "test"):
        raise ValueError(f"cramers_v_from must be 'uncorrected' or 'test', not {cramers_v_from!r}")
    uncorrected = correct and t.shape == (2, 2) and cramers_v_from == "uncorrected"
    chi_v = float(stats.chi2_contingency(t, correction=False)[0]) if uncorrected else float(chi)
    v = math.sqrt(chi_v / (n * m))
    lo, hi = effects.ncp_interval(chi_v, df, level)
    return TestResult(float(chi), "X-squared", float(df), float(pval), math.nan, 0, "cramers_v", v,
                      min(math.sqrt(lo / (n * m)), 1.0), min(math.sqrt(hi / (n * m)), 1.0), int(n),
                      {"shape": list(t.shape)})
