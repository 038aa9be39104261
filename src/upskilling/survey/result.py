"""The record every hypothesis test returns, before corrections and verdicts are added."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

ALTERNATIVES = ("two-sided", "greater", "less")
OPPOSITE = {"greater": "less", "less": "greater", "two-sided": "two-sided"}


@dataclass
class TestResult:
    """Outcome of one test.

    Fields: ``statistic`` (as R reports it: V, W, chi-squared, S, number of successes, z),
    ``statistic_name``, ``df`` (NaN where undefined), ``p`` (for the configured alternative),
    ``p_opposite`` (one-sided test in the opposite direction; NaN for two-sided or non-directional
    tests), ``sign`` (+1 / -1 / 0: observed direction of the effect, 0 for non-directional tests),
    ``effect_size_name``, ``effect_size``, ``ci_low``, ``ci_high`` (two-sided, at the CI level),
    ``n`` (cases analysed), ``details`` (free-form extras such as the fitted model's thresholds).
    """

    statistic: float
    statistic_name: str
    df: float
    p: float
    p_opposite: float
    sign: int
    effect_size_name: str
    effect_size: float
    ci_low: float
    ci_high: float
    n: int
    details: dict = field(default_factory=dict)


def sign_of(value: float, null: float = 0.0) -> int:
    """+1, -1 or 0 for ``value`` compared with ``null`` (0 for NaN)."""
    if value is None or not math.isfinite(float(value)):
        return 0
    value, null = float(value), float(null)
    return int(value > null) - int(value < null)
