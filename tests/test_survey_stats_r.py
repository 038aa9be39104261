"""Every survey statistic function against R (tests/r/survey_stats.R -> survey_stats.json), to 4 decimals.

The fixture and the reference json are written by the R script; this test does not run R.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from upskilling.survey import reliability as rl
from upskilling.survey import stats_counts as sc
from upskilling.survey import stats_ordinal as so
from upskilling.survey import stats_rank as sr
from upskilling.survey import verdict as vd

HERE = Path(__file__).parent / "r"
REF = json.loads((HERE / "survey_stats.json").read_text())
D = pd.read_csv(HERE / "survey_stats_fixture.csv")
N = len(D)
TOL = 5e-5  # agreement to 4 decimals
ALTS = {"two.sided": "two-sided", "greater": "greater", "less": "less"}


def close(a, b, tol=TOL):
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=tol)


def check_against_r(res, ref, effect=True):
    assert close(res.statistic, ref["statistic"]), (res.statistic, ref["statistic"])
    assert close(res.p, ref["p"]), (res.p, ref["p"])
    if "df" in ref:
        assert close(res.df, ref["df"])
    if effect and "effect" in ref:
        assert close(res.effect_size, ref["effect"]), (res.effect_size, ref["effect"])
        assert close(res.ci_low, ref["ci_low"]), (res.ci_low, ref["ci_low"])
        assert close(res.ci_high, ref["ci_high"]), (res.ci_high, ref["ci_high"])


@pytest.mark.parametrize("alt", list(ALTS))
def test_wilcoxon_one_sample_matches_r(alt):
    check_against_r(sr.wilcoxon_one_sample(D.sb, 3, ALTS[alt]), REF[f"wilcoxon_one_sample_{alt}"])


@pytest.mark.parametrize("alt", list(ALTS))
def test_wilcoxon_paired_matches_r(alt):
    check_against_r(sr.wilcoxon_paired(D.sa, D.sb, ALTS[alt]), REF[f"wilcoxon_paired_{alt}"])


def test_wilcoxon_exact_matches_r_default():
    check_against_r(sr.wilcoxon_paired(D.cont_x[:30], D.cont_y[:30], "greater", exact="auto"), REF["wilcoxon_paired_exact_greater"])
    check_against_r(sr.wilcoxon_one_sample(D.cont_x[:25], 0.2, "two-sided", exact="auto"),
          REF["wilcoxon_one_sample_exact_two.sided"], effect=False)


@pytest.mark.parametrize("alt", list(ALTS))
def test_mann_whitney_matches_r(alt):
    check_against_r(sr.mann_whitney(D.sa[D.bin == 1], D.sa[D.bin == 0], ALTS[alt]), REF[f"mann_whitney_{alt}"])


def test_mann_whitney_exact_matches_r():
    check_against_r(sr.mann_whitney(D.cont_x[:20], D.cont_y[20:38], "greater", exact="auto"), REF["mann_whitney_exact_greater"],
          effect=False)


def test_kruskal_wallis_matches_r():
    check_against_r(sr.kruskal_wallis([D.sa[D.grp == g] for g in (1, 2, 3)]), REF["kruskal_wallis"])


def test_friedman_matches_r():
    check_against_r(sr.friedman(D[["a1", "b1", "c1"]]), REF["friedman"])


@pytest.mark.parametrize("alt", list(ALTS))
def test_binomial_matches_r(alt):
    check_against_r(sc.binomial(int((D.sa > 3).sum()), N, 0.5, ALTS[alt]), REF[f"binomial_{alt}"])


def test_binomial_small_matches_r():
    check_against_r(sc.binomial(7, 40, 0.3, "two-sided"), REF["binomial_small_two.sided"])


def test_chisq_matches_r():
    check_against_r(sc.chisq_independence(pd.crosstab(D.bin, D.sa > 3).to_numpy()), REF["chisq_independence_2x2"])
    check_against_r(sc.chisq_independence(pd.crosstab(D.bin, D.grp).to_numpy()), REF["chisq_independence_2x3"])
    g = REF["chisq_gof"]
    check_against_r(sc.chisq_gof(g["counts"], g["expected"]), g)


@pytest.mark.parametrize("alt", list(ALTS))
def test_spearman_matches_r(alt):
    check_against_r(sr.spearman(D.sa, D.c1, ALTS[alt]), REF[f"spearman_{alt}"])


def test_ordinal_logit_matches_clm():
    ref = REF["ordinal_logit"]
    fit = so.fit_ordinal_logit(D.sa, D[["share", "yrs", "sb"]])
    for i, term in enumerate(ref["terms"]):
        assert close(fit["coef"][term], ref["coef"][i])
        assert close(fit["se"][term], ref["se"][i])
        res = so.ordinal_logit(D.sa, D[["share", "yrs", "sb"]], term, "two-sided")
        assert close(res.statistic, ref["z"][i]) and close(res.p, ref["p"][i])
        assert close(res.effect_size, ref["or"][i])
        assert close(res.ci_low, ref["or_low"][i]) and close(res.ci_high, ref["or_high"][i])
    assert close(fit["loglik"], ref["loglik"], 1e-6)
    assert np.allclose(fit["coef"].to_numpy(), REF["ordinal_logit_polr"]["coef"], atol=TOL)


def test_ordinal_logit_agrees_with_statsmodels_orderedmodel():
    """The hand-written Newton fit and statsmodels' OrderedModel fit the same model."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.sort(D.sa.unique())
    y = pd.Series(pd.Categorical(D.sa, categories=levels, ordered=True))
    sm = OrderedModel(y, D[["share", "yrs", "sb"]], distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    ours = so.fit_ordinal_logit(D.sa, D[["share", "yrs", "sb"]])
    assert np.allclose(ours["coef"].to_numpy(), sm.params[["share", "yrs", "sb"]].to_numpy(), atol=1e-4)


@pytest.mark.parametrize("method", ["holm", "hochberg", "bonferroni", "BH", "BY"])
def test_p_adjust_matches_r(method):
    ref = REF[f"p_adjust_{method}"]
    p = [np.nan if x is None else x for x in ref["p"]]
    got = vd.adjust(p, method)
    want = [np.nan if x is None else x for x in ref["adjusted"]]
    assert np.allclose(got, want, atol=TOL, equal_nan=True)


@pytest.mark.parametrize("key", [k for k in REF if k.startswith("reliability_")])
def test_reliability_matches_psych(key):
    ref = REF[key]
    row, items = rl.scale_reliability(D[ref["items"]], "s")
    assert close(row["alpha"], ref["alpha"])
    assert close(row["alpha_ci_low"], ref["ci_low"]) and close(row["alpha_ci_high"], ref["ci_high"])
    assert close(row["omega_total"], ref["omega_total"])
    assert np.allclose(items["alpha_if_dropped"], ref["alpha_if_dropped"], atol=TOL)
    assert np.allclose(items["r_drop"], ref["r_drop"], atol=TOL)
