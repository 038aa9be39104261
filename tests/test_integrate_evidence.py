"""The joint display beside the human coding and per interviewee (issue 10): human prevalence, shares on
the held-out half, the per-interviewee score-vs-talk correlation and the agreed-only quotes."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from upskilling.integrate import evidence as ev
from upskilling.integrate import fit as fitrules

THEMES = ["survival", "growth", "precarity"]
CONTRASTS = [{"claim": "C1", "theme": "survival", "over": "growth"}]


def _segments() -> pd.DataFrame:
    rows = []
    rng = np.random.default_rng(3)
    for p in range(1, 7):
        pid = f"P{p:02d}"
        split = "training" if p <= 2 else "test"
        for t in range(10):
            human = ["survival", "growth", "precarity", "other"][(p + t) % 4] if t < 8 else None
            model = human if (human is not None and rng.random() < 0.8) else "other"
            rows.append({"segment_id": f"{pid}-T{t:02d}", "participant_id": pid, "turn_id": f"{pid}-T{t:02d}",
                         "theme": model, "human_theme": human, "split": split,
                         "theme_source": "human" if split == "training" and human else "model"})
    return pd.DataFrame(rows)


def test_human_prevalence_counts_the_human_codes_per_participant():
    seg = _segments()
    prev = ev.human_prevalence(seg, THEMES)
    coded = seg[seg["human_theme"].notna()]
    want = coded.groupby(["participant_id", "human_theme"]).size()
    got = prev.set_index(["participant_id", "theme"])["n_segments"]
    for key, n in want.items():
        assert got[key] == n
    assert prev.groupby("participant_id")["share"].sum().round(12).eq(1).all()
    assert set(prev["theme"]) == {*THEMES, "other"}


def test_shares_on_the_test_half_compare_the_same_segments():
    seg = _segments()
    sh = ev.split_shares(seg, THEMES).set_index("theme")
    test = seg[(seg["split"] == "test") & seg["human_theme"].notna()]
    assert sh.loc["survival", "n"] == len(test) == 32
    assert sh.loc["survival", "share_human"] == pytest.approx((test["human_theme"] == "survival").mean())
    assert sh.loc["survival", "share_model"] == pytest.approx((test["theme"] == "survival").mean())


def test_person_link_reads_a_contrast_as_differences_and_correlates_by_spearman():
    seg = _segments()
    model_prev = seg.groupby(["participant_id", "theme"]).size().rename("n_segments").reset_index()
    model_prev["share"] = model_prev["n_segments"] / model_prev.groupby("participant_id")["n_segments"].transform("sum")
    linked = pd.DataFrame({"participant_id": [f"P{p:02d}" for p in range(1, 7)], "in_survey": True,
                           "survival": [4.5, 3.0, 4.0, 2.5, 3.5, 5.0], "growth": [3.0, 3.5, 2.0, 3.0, 3.0, 2.5]})
    how = ev.score_and_talk("C1", ["survival", "growth"], ["survival", "growth"], CONTRASTS)
    assert how == {"score": ("survival", "growth"), "talk": (["survival"], "growth")}
    people, res = ev.person_link("C1", how, linked, model_prev, ev.human_prevalence(seg, THEMES))
    assert list(people["score"]) == sorted(linked["survival"] - linked["growth"])  # ordered by the score
    wide = model_prev.pivot_table(index="participant_id", columns="theme", values="share", fill_value=0.0)
    talk = (wide["survival"] - wide["growth"]).reindex(people["participant_id"])
    assert np.allclose(people["share_model"], talk)
    rho = stats.spearmanr(people["score"], talk).statistic
    assert res["rho_model"] == pytest.approx(rho) and res["n"] == 6
    assert res["score_name"] == "survival - growth" and res["talk_name"] == "survival - growth"
    # without a contrast: the first construct and the summed share of the claim's themes
    assert ev.score_and_talk("C5", ["competition", "survival"], ["precarity"], CONTRASTS) == \
        {"score": ("competition", None), "talk": (["precarity"], None)}
    assert ev.score_and_talk("C2", [], ["precarity"], CONTRASTS) is None


def test_quotes_agree_with_the_human_code_cover_every_theme_and_label_the_counter_example():
    seg = _segments()
    quotes = pd.DataFrame([{"theme": r.theme, "rank": i % 3 + 1, "segment_id": r.segment_id,
                            "participant_id": r.participant_id, "turn_id": r.turn_id, "text": f"text  {i}",
                            "theme_source": r.theme_source} for i, r in enumerate(seg.itertuples()) if r.theme != "other"])
    # a model quote the human coded otherwise must not be used
    bad = quotes.iloc[0].copy()
    bad["segment_id"] = seg.loc[seg["human_theme"] == "growth", "segment_id"].iloc[0]
    bad["theme"], bad["rank"] = "survival", 0
    quotes = pd.concat([pd.DataFrame([bad]), quotes], ignore_index=True)
    q = ev.claim_quotes("C1", ["survival", "growth"], CONTRASTS, quotes, seg, k=2)
    assert (q["agreement"] == "agree").all() and (q["human_theme"] == q["theme"]).all()
    assert not ((q["segment_id"] == bad["segment_id"]) & (q["theme"] == "survival")).any()
    assert list(q["role"]) == ["example", "example", "counter-example"]
    assert list(q["theme"]) == ["survival", "survival", "growth"]
    assert q["text"].str.contains("  ").sum() == 0
    many = ev.claim_quotes("C9", THEMES, [], quotes, seg, k=1)  # k raised: one per theme
    assert set(many["theme"]) == set(THEMES)
    none = ev.claim_quotes("C1", ["survival", "growth"], CONTRASTS, quotes, seg.drop(columns="human_theme"), k=2)
    assert (none["agreement"] == "no human code").all() and len(none) == 3


def test_the_human_coding_gives_its_own_direction_by_the_same_rules():
    seg = _segments()
    rules = {"min_share": 0.05, "min_participants": 0.5, "min_difference": 0.02}
    summary = fitrules.theme_summary(ev.human_prevalence(seg, THEMES), THEMES)
    direction, _ = fitrules.qualitative_direction("C1", ["survival", "growth"], summary, CONTRASTS, rules)
    share = summary.set_index("theme")["share"]
    assert share["survival"] == pytest.approx(share["growth"])  # the cyclic coding gives equal shares
    assert direction == "partial"  # both prevalent, the contrast within the tie margin


def test_interpretation_is_built_from_the_row():
    row = {"claim": "C1", "hypothesis": "H1", "verdict": "supported", "qual_direction": "supports",
           "fit": "confirmation", "fit_over_seeds": "confirmation in 4 of 5 seeds; expansion in 1",
           "qual_direction_human": "partial"}
    assert ev.interpretation(row) == ("The survey supports C1 (H1) and the interviews support it: confirmation "
                                      "(confirmation in 4 of 5 seeds; expansion in 1); the human coding gives "
                                      "'partial' instead.")
    row.update(qual_direction="no themes", fit="survey only")
    assert ev.interpretation(row).endswith("no interview theme bears on it, so the claim rests on the survey alone.")
    assert math.isnan(ev.person_link("C2", None, pd.DataFrame(), pd.DataFrame(), None)[1]["rho_model"])
