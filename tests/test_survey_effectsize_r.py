"""The pipeline's effect sizes and CIs against R's *effectsize* package, an independent implementation.

tests/r/effectsize_reference.R computes them with effectsize (0.8.3, Debian's r-cran-effectsize) on the
fixture of tests/r/survey_stats.R and writes tests/r/effectsize_reference.json; this test does not run R.
Point estimates must agree to 1e-10. CIs:

* rank-biserial r (one-sample, paired, independent): same method (Fisher z with effectsize's SE,
  two-sided), bounds to 4 decimals (they agree to 1e-15). For paired data effectsize has two calls that
  disagree when some differences are zero: ``rank_biserial(x - y)`` (the one-sample form, SE from the
  non-zero differences, the n that r itself uses) equals the pipeline; ``rank_biserial(x, y, paired =
  TRUE)`` puts the number of all pairs in the SE (``nd <- sum((x - mu) != 0)`` on x, not on x - y, in
  effectsize 0.8.3 and 1.0.3), so its interval is a little narrower (here 120 pairs instead of 117
  non-zero differences: 2.5e-3 on each bound). The test pins that this, and nothing else, is the difference.
* Cramér's V (``adjust = FALSE``) and Cohen's w: same method (non-central chi-square inversion) once
  effectsize is asked for ``alternative = "two.sided"``; bounds to 4 decimals (they agree to 1e-7:
  effectsize solves with ``optim``). effectsize's default ``alternative = "greater"`` is one-sided: its
  lower bound is the pipeline's two-sided lower bound at level 0.90, its upper bound 1.
* Kendall's W and epsilon-squared: different methods. effectsize only has a percentile bootstrap (W:
  rows resampled; epsilon-squared: values resampled within groups; 2000 iterations, seeded, two-sided);
  the pipeline inverts the non-central chi-square distribution of Friedman's X² / Kruskal-Wallis H, as for
  Cramér's V. What is asserted: equal point estimates; each CI contains the estimate; the two CIs overlap;
  each bound within 0.05 of the other method's (observed: up to 0.041). The pipeline keeps its method
  because it is deterministic (no seed; results regenerate byte for byte), matches the test it reports
  (lower bound 0 exactly when p >= .025, asserted below), and is the method of the other chi-square
  effect sizes; the bootstrap of a statistic bounded at 0 is shifted upwards and excludes 0 even for a
  Friedman test with p = .57.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from upskilling.survey import stats_counts as sc
from upskilling.survey import stats_rank as sr

HERE = Path(__file__).parent / "r"
REF = json.loads((HERE / "effectsize_reference.json").read_text())
D = pd.read_csv(HERE / "survey_stats_fixture.csv")
EST_TOL = 1e-10
CI_TOL = 5e-5  # 4 decimals, where the methods are the same
BOOT_TOL = 0.05  # bootstrap (effectsize) vs non-central chi-square (pipeline) bounds


def close(a, b, tol):
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=tol)


def same_method(res, ref):
    assert close(res.effect_size, ref["estimate"], EST_TOL), (res.effect_size, ref["estimate"])
    assert close(res.ci_low, ref["ci_low"], CI_TOL), (res.ci_low, ref["ci_low"])
    assert close(res.ci_high, ref["ci_high"], CI_TOL), (res.ci_high, ref["ci_high"])


def test_reference_was_made_with_effectsize():
    meta = REF["_meta"]
    assert meta["effectsize"] and meta["R"].startswith("R version")
    for key, ref in REF.items():
        if key != "_meta":
            assert ref["ci_method"] in ("normal", "ncp", "percentile bootstrap"), key


# --- rank-biserial r: same method -------------------------------------------------------------------

RANK_BISERIAL = {
    "rank_biserial_one_sample_sb_mu3": lambda alt: sr.wilcoxon_one_sample(D.sb, 3, alt),
    "rank_biserial_paired_sa_sb_differences": lambda alt: sr.wilcoxon_paired(D.sa, D.sb, alt),
    "rank_biserial_paired_cont_1_30": lambda alt: sr.wilcoxon_paired(D.cont_x[:30], D.cont_y[:30], alt),
    "rank_biserial_independent_sa_by_bin": lambda alt: sr.mann_whitney(D.sa[D.bin == 1], D.sa[D.bin == 0], alt),
    "rank_biserial_independent_cont": lambda alt: sr.mann_whitney(D.cont_x[:20], D.cont_y[20:38], alt),
}


@pytest.mark.parametrize("alt", ["two-sided", "greater", "less"])
@pytest.mark.parametrize("key", list(RANK_BISERIAL))
def test_rank_biserial_matches_effectsize(key, alt):
    """effectsize's two-sided interval, whatever the test's alternative (the pipeline's CI is two-sided)."""
    ref = REF[key]
    assert ref["ci_method"] == "normal" and ref["alternative"] == "two.sided"
    same_method(RANK_BISERIAL[key](alt), ref)


def test_paired_two_vector_call_of_effectsize_differs_only_by_counting_the_zero_differences():
    ref = REF["rank_biserial_paired_a1_b1_two_vectors"]
    res = sr.wilcoxon_paired(D.a1, D.b1)
    assert ref["n_pairs"] == len(D) and ref["n_nonzero"] == res.details["n_nonzero"] < ref["n_pairs"]
    assert close(res.effect_size, ref["estimate"], EST_TOL)
    # the pipeline's interval is wider: effectsize's CI is the Fisher-z interval at n = every pair
    assert res.ci_low < ref["ci_low"] - 1e-3 and res.ci_high > ref["ci_high"] + 1e-3
    n = ref["n_pairs"]  # effectsize's SE (its source, rank_diff.R) with nd = all pairs pins the cause
    se = math.sqrt((2 * n**3 + 3 * n**2 + n) / 6) / (n * (n + 1) / 2)
    q = stats.norm.ppf(0.975)
    lo, hi = (math.tanh(math.atanh(res.effect_size) + s * q * se) for s in (-1, 1))
    assert close(lo, ref["ci_low"], 1e-12) and close(hi, ref["ci_high"], 1e-12)


# --- Cramér's V and Cohen's w: same method (ncp), two-sided ------------------------------------------

def _cut3(v):
    return np.digitize(v, [2.5, 3.5], right=True)  # R's cut(v, c(-Inf, 2.5, 3.5, Inf))


TABLES = {
    "2x2": lambda: pd.crosstab(D.bin, D.sa > 3),
    "2x3": lambda: pd.crosstab(D.bin, D.grp),
    "a1_a2_2x2": lambda: pd.crosstab(D.a1 > 3, D.a2 > 3),
    "sa_c1_3x3": lambda: pd.crosstab(_cut3(D.sa), _cut3(D.c1)),
}


@pytest.mark.parametrize("name", list(TABLES))
def test_cramers_v_matches_effectsize_two_sided(name):
    ref = REF[f"cramers_v_{name}"]
    table = TABLES[name]().to_numpy()
    assert table.tolist() == ref["table"]
    assert ref["ci_method"] == "ncp" and ref["alternative"] == "two.sided"
    same_method(sc.chisq_independence(table), ref)


@pytest.mark.parametrize("name", list(TABLES))
def test_cramers_v_effectsize_default_is_one_sided(name):
    ref = REF[f"cramers_v_{name}_greater"]
    assert ref["alternative"] == "greater" and ref["ci_high"] == 1
    res = sc.chisq_independence(TABLES[name]().to_numpy(), level=0.90)
    assert close(res.effect_size, ref["estimate"], EST_TOL)
    assert close(res.ci_low, ref["ci_low"], CI_TOL), (res.ci_low, ref["ci_low"])


def test_cohens_w_matches_effectsize_two_sided():
    ref = REF["cohens_w_gof_c1"]
    counts = np.bincount(D.c1, minlength=6)[1:]
    assert counts.tolist() == ref["counts"]
    same_method(sc.chisq_gof(counts, ref["p"]), ref)


# --- Kendall's W and epsilon-squared: bootstrap (effectsize) vs ncp (pipeline) ----------------------

def _friedman(cols):
    return sr.friedman(D[cols])


def _kruskal(group):
    return sr.kruskal_wallis([D.sa[D[group] == g] for g in sorted(D[group].unique())])


BOOTSTRAPPED = {
    "kendalls_w_a1_b1_c1": (lambda: _friedman(["a1", "b1", "c1"]), "friedman_statistic"),
    "kendalls_w_a1_a2_a3_a4": (lambda: _friedman(["a1", "a2", "a3", "a4"]), "friedman_statistic"),
    "rank_epsilon_squared_sa_by_grp": (lambda: _kruskal("grp"), "kruskal_statistic"),
    "rank_epsilon_squared_sa_by_c1": (lambda: _kruskal("c1"), "kruskal_statistic"),
}


@pytest.mark.parametrize("key", list(BOOTSTRAPPED))
def test_kendalls_w_and_epsilon_squared_estimates_match_effectsize_cis_differ_by_method(key):
    fn, stat = BOOTSTRAPPED[key]
    ref, res = REF[key], fn()
    assert ref["ci_method"] == "percentile bootstrap" and ref["alternative"] == "two.sided"
    assert close(res.statistic, ref[stat], 1e-10)
    assert close(res.effect_size, ref["estimate"], EST_TOL), (res.effect_size, ref["estimate"])
    est = res.effect_size
    assert res.ci_low <= est <= res.ci_high and ref["ci_low"] <= est <= ref["ci_high"]
    assert max(res.ci_low, ref["ci_low"]) < min(res.ci_high, ref["ci_high"])  # the intervals overlap
    assert close(res.ci_low, ref["ci_low"], BOOT_TOL) and close(res.ci_high, ref["ci_high"], BOOT_TOL), \
        ((res.ci_low, res.ci_high), (ref["ci_low"], ref["ci_high"]))
    # the ncp interval follows the test: lower bound 0 exactly when p >= (1 - 0.95) / 2; the bootstrap's is > 0
    assert (res.ci_low == 0) == (res.p >= 0.025), (res.ci_low, res.p)
    assert ref["ci_low"] > 0


@pytest.mark.parametrize("key", list(BOOTSTRAPPED))
def test_effectsize_default_for_w_and_epsilon_squared_is_a_one_sided_bootstrap(key):
    ref = REF[f"{key}_default"]
    assert ref["ci_method"] == "percentile bootstrap" and ref["alternative"] == "greater" and ref["ci_high"] == 1
    assert close(BOOTSTRAPPED[key][0]().effect_size, ref["estimate"], EST_TOL)
