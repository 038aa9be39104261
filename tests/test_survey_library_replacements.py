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


def _sha256_by_hand(path, chunk=1 << 16):
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def test_file_digest_equals_the_former_chunked_hash(tmp_path):
    from upskilling.provenance import sha256_file

    for size in (0, 1, (1 << 16) + 3, 3 << 20):
        path = tmp_path / f"f{size}"
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        assert sha256_file(path) == _sha256_by_hand(path)


def test_update_config_merge_equals_the_former_deep_merge():
    import copy

    from upskilling.survey.settings import deep_merge

    def by_hand(base, over):
        out = copy.deepcopy(base)
        for key, value in over.items():
            out[key] = by_hand(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
                else copy.deepcopy(value)
        return out

    base = {"exclusions": {"speeders": {"enabled": True, "min_share_of_median": 0.5}, "order": ["a", "b"]},
            "scoring": {"min_answered": {}}, "tables": {"decimals": 2}}
    for over in ({}, {"tables": {"decimals": 3}}, {"exclusions": {"order": ["b"], "speeders": {"enabled": False}}},
                 {"scoring": {"min_answered": {"survival": 4}}, "new": {"x": [1]}}, {"tables": 5}):
        assert deep_merge(base, over) == by_hand(base, over), over


def test_cramers_v_of_a_2x2_table_from_the_uncorrected_or_the_test_statistic():
    table = [[12, 5], [7, 14]]
    n = 38
    corrected = stats.chi2_contingency(table, correction=True)[0]
    uncorrected = stats.chi2_contingency(table, correction=False)[0]
    default = sc.chisq_independence(table)
    as_test = sc.chisq_independence(table, cramers_v_from="test")
    assert math.isclose(default.statistic, corrected) and math.isclose(as_test.statistic, corrected)  # R's test
    assert math.isclose(default.effect_size, math.sqrt(uncorrected / n), rel_tol=1e-12)
    assert math.isclose(as_test.effect_size, math.sqrt(corrected / n), rel_tol=1e-12)
    assert default.effect_size > as_test.effect_size
    with pytest.raises(ValueError, match="cramers_v_from"):
        sc.chisq_independence(table, cramers_v_from="yates")
