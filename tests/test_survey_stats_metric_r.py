"""Pearson correlation, and a chi-square test (with / without Yates' correction) on a threshold-recoded
variable restricted to a subset, against R (tests/r/survey_stats_pearson.R -> survey_stats_pearson.json),
to 4 decimals: once through the statistics function, once through an analysis plan that uses
``derived`` and ``where``. The json is written by the R script; this test does not run R."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from upskilling.survey import hypotheses as hy
from upskilling.survey import stats_counts as sc
from upskilling.survey import stats_metric as sm
from upskilling.survey.codebook import load_codebook
from upskilling.survey.plan import load_plan

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "r"
REF = json.loads((HERE / "survey_stats_pearson.json").read_text())
D = pd.read_csv(HERE / "survey_stats_fixture.csv")
CB = load_codebook(ROOT / "config" / "codebook.yaml")
ALTS = {"two.sided": "two-sided", "greater": "greater", "less": "less"}
TOL = 5e-5


def close(a, b, tol=TOL):
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=tol)


def check_against_r(res, ref):
    assert close(res.statistic, ref["statistic"]), (res.statistic, ref["statistic"])
    assert close(res.df, ref["df"]) and close(res.p, ref["p"]), (res.df, res.p, ref)
    assert res.n == ref["n"]
    if "effect" in ref:
        assert close(res.effect_size, ref["effect"])
        assert close(res.ci_low, ref["ci_low"]) and close(res.ci_high, ref["ci_high"])


@pytest.mark.parametrize("alt", list(ALTS))
@pytest.mark.parametrize("pair, x, y", [("sa_c1", "sa", "c1"), ("cont", "cont_x", "cont_y")])
def test_pearson_matches_cor_test(alt, pair, x, y):
    res = sm.pearson(D[x], D[y], ALTS[alt])
    check_against_r(res, REF[f"pearson_{pair}_{alt}"])
    assert res.effect_size_name == "pearson_r" and res.statistic_name == "t"
    assert res.sign == (1 if res.effect_size > 0 else -1)
    if alt != "two.sided":  # the opposite one-sided p completes the two
        assert close(res.p + res.p_opposite, 1.0, 1e-9)


def test_pearson_uses_complete_pairs():
    x = D["cont_x"].to_numpy(dtype=float).copy()
    x[::7] = np.nan
    check_against_r(sm.pearson(x, D["yrs"]), REF["pearson_missing_two.sided"])


def test_pearson_degenerate_input_gives_nan_not_an_error():
    res = sm.pearson([1.0, 2.0], [3.0, 1.0])
    assert math.isnan(res.p) and res.n == 2
    assert math.isnan(sm.pearson([1, 1, 1, 1], [1, 2, 3, 4]).p)


@pytest.mark.parametrize("correct", [True, False])
def test_chisq_on_a_threshold_recode_matches_r(correct):
    derived = hy.add_derived(D, {"over10": {"from": "yrs", "op": "gt", "value": 10.0}})
    assert set(derived["over10"].unique()) == {0.0, 1.0}
    assert (derived["over10"] == (D["yrs"] > 10)).all()
    table = pd.crosstab(derived["bin"], derived["over10"]).to_numpy()
    res = sc.chisq_independence(table, correct=correct)
    check_against_r(res, REF[f"chisq_bin_yrs_over_10_correct_{'TRUE' if correct else 'FALSE'}"])


def test_plan_with_derived_and_where_matches_r(tmp_path):
    plan = {
        "methods": {"chisq": {"correct": True}},
        "derived": {"yrs_over_10": {"from": "yrs", "op": "gt", "value": 10}},
        "hypotheses": [
            {"id": "P1", "claim": "X1", "test": "pearson", "variables": {"x": "sa", "y": "c1"},
             "direction": "greater", "primary": True},
            {"id": "P2", "claim": "X2", "test": "chisq_independence", "variables": {"x": "bin", "y": "yrs_over_10"},
             "where": [{"variable": "grp", "op": "ne", "value": 3}], "primary": True},
        ],
    }
    path = tmp_path / "analysis.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    out = hy.run_plan(D, load_plan(path, CB, list(D.columns))).set_index("hypothesis")
    ref = REF["pearson_sa_c1_two.sided"]
    assert close(out.loc["P1", "statistic"], ref["statistic"]) and close(out.loc["P1", "p"], ref["p"])
    assert close(out.loc["P1", "effect_size"], ref["effect"]) and out.loc["P1", "verdict"] == "supported"
    ref = REF["chisq_bin_yrs_over_10_where_grp_ne_3"]
    assert close(out.loc["P2", "statistic"], ref["statistic"]) and close(out.loc["P2", "p"], ref["p"])
    assert out.loc["P2", "n"] == ref["n"] and out.loc["P2", "df"] == 1
    assert out.loc["P2", "variables"] == "bin x yrs_over_10 [where grp ne 3]"
