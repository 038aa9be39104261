"""The record every hypothesis test returns, before corrections and verdicts are added.

A test the data do not allow (no cases, an empty group, a constant variable, a singular model) is not an
error: its function returns :func:`not_computable` - a :class:`TestResult` with NaN statistic, p and
effect size and a ``note`` saying why in words - and the hypothesis gets the verdict "not computable"
(:mod:`.verdict`). Code that finds such a case deep inside a computation raises :class:`NotComputable`
and the test function turns it into that result.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

OPPOSITE = {"greater": "less", "less": "greater", "two-sided": "two-sided"}


@dataclass
class TestResult:
    """Outcome of one test.

    Fields: ``statistic`` (as R reports it: V, W, chi-squared, S, number of successes, z),
    ``statistic_name``, ``df`` (NaN where undefined), ``p`` (for the configured alternative),
    ``p_opposite`` (one-sided test in the opposite direction; NaN for two-sided or non-directional
    tests), ``sign`` (+1 / -1 / 0: observed direction of the effect, 0 for non-directional tests),
    ``effect_size_name``, ``effect_size``, ``ci_low``, ``ci_high`` (two-sided, at the CI level),
    ``n`` (cases analysed), ``details`` (free-form extras such as the fitted model's thresholds),
    ``note`` (one line: why the test could not be computed, or what was left out; "" if nothing).
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
    note: str = ""

    @property
    def computable(self) -> bool:
        """False when the data did not allow the test (p is NaN)."""
        return math.isfinite(self.p)


class NotComputable(ValueError):
    """The data do not allow the test (e.g. a singular model); the message says why in one line."""


def not_computable(statistic_name: str, effect_size_name: str, n: int, note: str, df: float = math.nan,
                   **details) -> TestResult:
    """The result of a test the data do not allow: NaN statistic, p, effect size and CI, and ``note``."""
    nan = math.nan
    return TestResult(nan, statistic_name, df, nan, nan, 0, effect_size_name, nan, nan, nan, int(n),
                      dict(details), note)


def count(n: int, noun: str) -> str:
    """'1 respondent' / '3 respondents' (``noun`` singular; plural by adding 's')."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def sign_of(value: float, null: float = 0.0) -> int:
    """+1, -1 or 0 for ``value`` compared with ``null`` (0 for NaN)."""
    if value is None or not math.isfinite(float(value)):
        return 0
    value, null = float(value), float(null)
    return int(value > null) - int(value < null)
