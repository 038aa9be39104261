"""Scoring (reverse-coding, minimum answered items), descriptives and the scored table."""
from __future__ import annotations

import copy
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from upskilling.config import read_yaml, validate
from upskilling.errors import InputError
from upskilling.survey import descriptives as ds
from upskilling.survey import scoring, stage
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
SETTINGS = CONFIG["survey"]
WAVE = CONFIG["waves"]["wave1"]


def frame(**items) -> pd.DataFrame:
    n = len(next(iter(items.values())))
    base = {it: [np.nan] * n for c in CB.constructs.values() for it in c["items"]}
    base.update({k: [np.nan if v is None else float(v) for v in vals] for k, vals in items.items()})
    return pd.DataFrame(base)


def test_reverse_coded_items_are_reversed_on_their_scale():
    df = frame(grow_1=[4, 4], grow_2=[4, 4], grow_3=[4, 4], grow_4=[1, 5])
    s = scoring.scale_scores(df, CB, SETTINGS["scoring"])
    assert s["growth"].tolist() == [4.25, 3.25]  # grow_4: 1 -> 5, 5 -> 1


def test_minimum_answered_items_from_the_codebook():
    # survival has min_items 3 in the codebook
    df = frame(surv_1=[5, 5], surv_2=[3, 3], surv_3=[4, None], surv_4=[None, None])
    s = scoring.scale_scores(df, CB, SETTINGS["scoring"])
    assert s["survival"].iloc[0] == 4.0 and np.isnan(s["survival"].iloc[1])


def test_config_overrides_the_minimum():
    df = frame(surv_1=[5], surv_2=[3], surv_3=[4], surv_4=[None])
    s = scoring.scale_scores(df, CB, {**SETTINGS["scoring"], "min_answered": {"survival": 4}})
    assert np.isnan(s["survival"].iloc[0])


def test_share_rule_applies_without_codebook_minimum():
    cb = copy.deepcopy(CB)
    del cb.constructs["survival"]["min_items"]
    df = frame(surv_1=[5, 5], surv_2=[3, 3], surv_3=[4, None], surv_4=[None, None])
    s = scoring.scale_scores(df, cb, {**SETTINGS["scoring"], "min_answered_share": 0.5})
    assert s["survival"].tolist()[0] == 4.0 and s["survival"].tolist()[1] == 4.0  # ceil(.5 * 4) = 2
    s = scoring.scale_scores(df, cb, {**SETTINGS["scoring"], "min_answered_share": 1.0})
    assert np.isnan(s["survival"]).all()


def test_bad_minimum_override_names_the_key():
    df = frame(surv_1=[5])
    with pytest.raises(InputError, match=r"survey\.scoring\.min_answered\.survival is 7; use a number from 1 to 4"):
        scoring.scale_scores(df, CB, {**SETTINGS["scoring"], "min_answered": {"survival": 7}})


def test_unknown_construct_in_override_names_the_key():
    with pytest.raises(InputError, match=r"min_answered\.survivl: no construct 'survivl'.*use one of"):
        scoring.score(frame(surv_1=[5]), CB, {**SETTINGS["scoring"], "min_answered": {"survivl": 3}})


@pytest.fixture(scope="module")
def scored():
    return stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, SETTINGS)[0]


def test_scored_table_contract(scored, tmp_path):
    assert scored["respondent_id"].is_unique
    for name in CB.constructs:
        assert name in scored.columns
    assert "ai_learning_story" not in scored.columns  # open text stays out by default
    assert {f"platforms_{c}" for c in range(1, 11)} <= set(scored.columns)
    text = scored.to_csv(index=False)
    back = pd.read_csv(io.StringIO(text))
    header = text.splitlines()[0].split(",")
    assert header[:2] == ["respondent_id", "source_row"]
    row = text.splitlines()[1].split(",")
    assert row[header.index("surv_1")] in {"1", "2", "3", "4", "5", ""}  # codes written as integers
    assert np.allclose(back["survival"], scored["survival"].astype(float), equal_nan=True)
    # scale means equal the mean of the (reverse-coded) items
    items = scored[CB.constructs["growth"]["items"]].astype(float)
    full = items.notna().all(axis=1)
    assert np.allclose(scored.loc[full, "growth"], items[full].mean(axis=1))


def test_keep_text_copies_open_answers():
    s = copy.deepcopy(SETTINGS)
    s["scoring"]["keep_text"] = True
    scored = stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, s)[0]
    assert "ai_learning_story" in scored.columns


def test_descriptives_match_hand_computation(scored):
    d, f = stage.descriptives(scored, CB, SETTINGS)
    assert "attn_1" not in set(d["variable"])
    row = d.set_index("variable").loc["surv_1"]
    x = scored["surv_1"].dropna().astype(float)
    assert row["n"] == len(x) and np.isclose(row["mean"], x.mean()) and np.isclose(row["sd"], x.std(ddof=1))
    assert np.isclose(row["pct_agree"], 100 * (x >= 4).mean()) and np.isclose(row["pct_disagree"], 100 * (x <= 2).mean())
    sc = d.set_index("variable").loc["survival"]
    assert sc["kind"] == "scale" and np.isclose(sc["pct_agree"], 100 * (scored["survival"].dropna() > 3).mean())
    assert np.isnan(d.set_index("variable").loc["years_freelancing", "pct_agree"])
    fr = f[f["variable"] == "primary_resource"]
    assert fr["n"].sum() == scored["primary_resource"].notna().sum() and np.isclose(fr["pct"].sum(), 100)


def test_quartiles_are_r_type_7():
    out = ds.describe([1, 2, 3, 4, 5, 6, 7, 8], 4.5)
    assert (out["q1"], out["median"], out["q3"], out["iqr"]) == (2.75, 4.5, 6.25, 3.5)  # quantile(1:8) in R
    assert out["pct_agree"] == 50.0 and out["pct_disagree"] == 50.0


def test_unknown_extra_descriptive_item(scored):
    s = copy.deepcopy(SETTINGS)
    s["descriptives"]["extra_items"] = ["ai_learn_freq"]
    with pytest.raises(InputError, match=r"survey\.descriptives\.extra_items: 'ai_learn_freq'"):
        stage.descriptives(scored, CB, s)


# --- ties of scale means (issue 13) ----------------------------------------------------------------

def test_equal_means_are_the_same_double_whatever_the_answers_or_item_order():
    """A mean is (exact integer sum) / (number answered): 11/3 from (5, 4, 2), (2, 4, 5) or (4, 2, 5), with
    the items in either order, is one double (3.6666666666666665), so rank tests see the three as tied."""
    from scipy import stats

    df = frame(surv_1=[5, 2, 4, 1], surv_2=[4, 4, 2, 2], surv_3=[2, 5, 5, 5], surv_4=[None, None, None, 4])
    backwards = copy.deepcopy(CB)
    backwards.constructs["survival"]["items"] = backwards.constructs["survival"]["items"][::-1]
    a = scoring.scale_scores(df, CB, SETTINGS["scoring"], reversed_already=True)["survival"].to_numpy()
    b = scoring.scale_scores(df, backwards, SETTINGS["scoring"], reversed_already=True)["survival"].to_numpy()
    assert a.tobytes() == b.tobytes()  # bit for bit
    assert a[0] == a[1] == a[2] == 11 / 3 and a[3] == 3.0
    assert stats.rankdata(a).tolist() == [3.0, 3.0, 3.0, 1.0]


def test_wilcoxon_p_is_invariant_to_reflecting_the_scale():
    """13/3 - 3 = 1.333333333333333 but 3 - 5/3 = 1.3333333333333333: the signed-rank tests rank the
    differences to 10 significant digits (effects.RANK_DIGITS, R's wilcox.test(digits.rank = 10)), so
    equal distances tie and reflecting a scale leaves the p value unchanged."""
    from upskilling.survey import stats_rank as sr

    # barrier_inconsistency: three items on 1-5; sums 13, 5, 12, 15, 10, 11, 14 (means 13/3, 5/3, 4, ...)
    answers = [(5, 4, 4), (1, 2, 2), (4, 4, 4), (5, 5, 5), (4, 3, 3), (4, 4, 3), (5, 5, 4)]
    items = CB.constructs["barrier_inconsistency"]["items"]
    df = frame(**{it: [a[i] for a in answers] for i, it in enumerate(items)})
    reflected = df.copy()
    reflected[items] = 6 - df[items]
    x = scoring.scale_scores(df, CB, SETTINGS["scoring"], reversed_already=True)["barrier_inconsistency"]
    xr = scoring.scale_scores(reflected, CB, SETTINGS["scoring"], reversed_already=True)["barrier_inconsistency"]
    a, b = sr.wilcoxon_one_sample(x, 3.0), sr.wilcoxon_one_sample(xr, 3.0)
    n = a.details["n_nonzero"]
    assert a.statistic + b.statistic == n * (n + 1) / 2  # V of the reflected scale = S - V
    assert a.p == pytest.approx(b.p, rel=1e-12)
    g, le = sr.wilcoxon_one_sample(x, 3.0, "greater"), sr.wilcoxon_one_sample(xr, 3.0, "less")
    assert g.p == pytest.approx(le.p, rel=1e-12)
