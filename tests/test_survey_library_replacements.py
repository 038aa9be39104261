"""Library calls that replaced hand-written code (issue 13), each checked equal to the code it replaced."""
from __future__ import annotations

import math

import pytest
from scipy import stats

from upskilling.survey import stats_counts as sc


def _clopper_pearson_by_hand(k: int, n: int, level: float) -> tuple[float, float]:
    """The project's former formula (beta quantiles), kept here as the check of its replacement."""
    a = 1 - level
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_binomtest_proportion_ci_equals_the_former_clopper_pearson(level):
    for n in (1, 2, 7, 40, 133, 1000):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            res = sc.binomial(k, n, 0.5, "greater", level)
            lo, hi = _clopper_pearson_by_hand(k, n, level)
            assert math.isclose(res.ci_low, lo, abs_tol=1e-12) and math.isclose(res.ci_high, hi, abs_tol=1e-12), (k, n)
