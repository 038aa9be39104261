"""Validation statistics against R (psych::cohen.kappa, mclust::adjustedRandIndex, NPMI formula), agreement
per coding mode and half of the human-coded participants, robustness over the training re-draws and the
validation report (upskilling.interviews.validate)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, cohen_kappa_score

from upskilling.interviews.agreement import cohen_kappa, per_theme
from upskilling.interviews.coherence import document_presence, npmi_matrix, topic_coherence
from upskilling.interviews.validate import (NO_CODING_NOTE, TABLE_COLUMNS, agreement_by_mode, robustness,
                                            validation_report)

REF = json.loads((Path(__file__).parent / "r" / "interviews_agreement.json").read_text())
LABELS = ["a", "b", "other"]
N_BOOT = 50


# ------------------------------------------------------------------ checked against R
def test_kappa_ari_per_theme_match_r():
    truth, pred, themes = REF["truth"], REF["pred"], REF["themes"]
    assert cohen_kappa(truth, pred, themes) == pytest.approx(REF["kappa"], abs=1e-10)
    assert cohen_kappa_score(truth, pred, labels=themes) == pytest.approx(REF["kappa"], abs=1e-10)
    assert adjusted_rand_score(truth, pred) == pytest.approx(REF["ari"], abs=1e-10)
    table = per_theme(truth, pred, themes).set_index("theme")
    assert table.index.tolist() == themes
    for row in REF["per_theme"]:
        got = table.loc[row["theme"]]
        assert got["precision"] == pytest.approx(row["precision"], abs=1e-10)
        assert got["recall"] == pytest.approx(row["recall"], abs=1e-10)
        assert got["f1"] == pytest.approx(row["f1"], abs=1e-10)
        assert got["support"] == row["support"]


def test_npmi_matches_r():
    presence = np.asarray(REF["presence"], dtype=bool)
    np.testing.assert_allclose(npmi_matrix(presence), np.asarray(REF["npmi_matrix"]), atol=1e-10)
    words = [f"w{i}" for i in range(1, 7)]
    docs = [" ".join(w for w, p in zip(words, row) if p) or "nothing" for row in presence]
    per_topic = topic_coherence({0: words, -1: ["w1", "w2"]}, docs, top_n=10, ngram_range=(1, 1), stop_words=None)
    assert per_topic["topic"].tolist() == [0]  # outlier topic excluded
    assert per_topic["npmi"].iloc[0] == pytest.approx(REF["topic_npmi"], abs=1e-10)


def test_document_presence_counts_bigrams_after_stop_words():
    docs = ["I use the AI daily", "ai use is rare", "we use ai"]
    presence = document_presence(docs, ["use ai", "ai"], ngram_range=(1, 2))
    assert presence[:, 0].tolist() == [True, False, True]
    assert presence[:, 1].tolist() == [True, True, True]


# ------------------------------------------------------------------ fixtures
# participant -> role in the split; every participant has 6 human-coded segments and 1 uncoded one
ROLES = {"P1": "training", "P2": "training", "P3": "development", "P4": "development", "P5": "test",
         "P6": "test"}
HUMAN = ["a", "a", "b", "b", "other", "other"]
# the model's codes per participant (one error each on P3..P6, a different one per participant)
MODEL = {
    "P1": ["a", "a", "b", "b", "other", "other"],
    "P2": ["a", "a", "b", "b", "other", "other"],
    "P3": ["a", "b", "b", "b", "other", "other"],
    "P4": ["a", "a", "b", "b", "other", "a"],
    "P5": ["a", "a", "a", "b", "other", "other"],
    "P6": ["other", "a", "b", "b", "other", "other"],
}


def _segments(few_shot: bool = True, wrong_training: bool = False) -> pd.DataFrame:
    rows = []
    for pid, role in ROLES.items():
        for i, (human, model) in enumerate(zip(HUMAN + [""], MODEL[pid] + ["a"])):
            fs = model
            if wrong_training and role == "training":
                fs = {"a": "b", "b": "other", "other": "a"}[model]  # every training code wrong
            zs = {"P1": "b", "P4": "other"}.get(pid, model) if i == 0 else model
            theme = human if (role == "training" and human and few_shot) else (fs if few_shot else zs)
            rows.append({"segment_id": f"{pid}-S{i}", "participant_id": pid, "turn_id": f"{pid}-T{i}",
                         "theme": theme, "theme_source": "human" if theme == human and role == "training"
                         and few_shot else "model", "theme_zero_shot": zs,
                         "theme_few_shot": fs if few_shot else "", "human_theme": human, "split": role})
    return pd.DataFrame(rows)


def _sk_kappa(seg: pd.DataFrame, column: str, roles) -> float:
    sub = seg[(seg["human_theme"] != "") & seg["split"].isin(roles)]
    return round(float(cohen_kappa_score(sub["human_theme"], sub[column], labels=LABELS)), 4)


# ------------------------------------------------------------------ agreement_by_mode
def test_few_shot_development_never_scores_training_participants():
    right, _ = agreement_by_mode(_segments(), LABELS, N_BOOT, 0)
    wrong, _ = agreement_by_mode(_segments(wrong_training=True), LABELS, N_BOOT, 0)
    for half in ("development", "test"):
        assert right["few_shot"][half] == wrong["few_shot"][half]
    dev = right["few_shot"]["development"]
    assert dev["n"] == 12 and dev["n_participants"] == 2  # P3, P4 only, uncoded segments left out
    assert dev["kappa"] == _sk_kappa(_segments(), "theme_few_shot", ["development"])
    test = right["few_shot"]["test"]
    assert test["n"] == 12 and test["kappa"] == _sk_kappa(_segments(), "theme_few_shot", ["test"])


def test_zero_shot_development_includes_training_participants():
    out, _ = agreement_by_mode(_segments(), LABELS, N_BOOT, 0)
    dev = out["zero_shot"]["development"]
    assert dev["n"] == 24 and dev["n_participants"] == 4
    assert dev["kappa"] == _sk_kappa(_segments(), "theme_zero_shot", ["development", "training"])
    # differs from the development-only kappa (P1's zero-shot error counts)
    assert dev["kappa"] != _sk_kappa(_segments(), "theme_zero_shot", ["development"])
    assert out["zero_shot"]["test"]["kappa"] == _sk_kappa(_segments(), "theme_zero_shot", ["test"])


def test_agreement_table_rows_per_mode_half_and_label():
    out, table = agreement_by_mode(_segments(), LABELS, N_BOOT, 0)
    assert table.columns.tolist() == TABLE_COLUMNS
    assert len(table) == 2 * 2 * len(LABELS)
    assert set(zip(table["mode"], table["split"])) == {(m, h) for m in ("zero_shot", "few_shot")
                                                      for h in ("development", "test")}
    row = table.set_index(["mode", "split", "theme"]).loc[("few_shot", "test", "a")]
    sub = _segments().query("split == 'test' and human_theme != ''")
    expected = per_theme(sub["human_theme"], sub["theme_few_shot"], LABELS).set_index("theme").loc["a"]
    assert row["precision"] == pytest.approx(expected["precision"], abs=1e-4)
    assert row["recall"] == pytest.approx(expected["recall"], abs=1e-4)
    assert row["support"] == expected["support"]


def test_half_missing_without_coded_segment():
    seg = _segments()
    seg.loc[seg["split"] == "test", "human_theme"] = ""
    out, table = agreement_by_mode(seg, LABELS, N_BOOT, 0)
    assert set(out["zero_shot"]) == {"development"} and set(out["few_shot"]) == {"development"}
    assert set(table["split"]) == {"development"}
    # uncoded segments read back from CSV are NaN, not ""
    seg = _segments()
    seg.loc[seg["split"] == "test", "human_theme"] = np.nan
    out, _ = agreement_by_mode(seg, LABELS, N_BOOT, 0)
    assert "test" not in out["zero_shot"]


def test_few_shot_none_without_few_shot_coding():
    out, table = agreement_by_mode(_segments(few_shot=False), LABELS, N_BOOT, 0)
    assert out["few_shot"] is None
    assert set(out["zero_shot"]) == {"development", "test"}
    assert set(table["mode"]) == {"zero_shot"}
    seg = _segments(few_shot=False)
    seg["theme_few_shot"] = pd.Series(np.nan, index=seg.index, dtype="str")  # as read back from coding.csv
    out, _ = agreement_by_mode(seg, LABELS, N_BOOT, 0)
    assert out["few_shot"] is None


# ------------------------------------------------------------------ robustness
def _fit(runs, seeds=(11, 12), split=None, mode="few_shot"):
    return {"labels": LABELS, "mode_used": mode, "split": split, "anchoring": None, "budget": None,
            "settings": {"use": "auto"}, "robustness": {"seeds": list(seeds), "runs": runs}}


RUNS = [{"seed": 11, "training": ["P1"], "theme_counts": {"a": 3, "b": 1, "other": 1}, "test_kappa": 0.5},
        {"seed": 12, "training": ["P2"], "theme_counts": {"a": 2, "b": 2, "other": 1}, "test_kappa": 0.7}]


def test_robustness_two_runs_by_hand():
    seg = pd.DataFrame({"participant_id": ["P1"] * 5, "human_theme": ["a", "a", "a", "b", ""]})
    out = robustness(_fit(RUNS), seg, LABELS)
    assert out["n_runs"] == 2 and out["seeds"] == [11, 12]
    # shares of all 5 segments: a 3/5 and 2/5, b 1/5 and 2/5, other 1/5 twice
    assert out["theme_share"] == {"a": {"min": 0.4, "max": 0.6}, "b": {"min": 0.2, "max": 0.4},
                                  "other": {"min": 0.2, "max": 0.2}}
    assert out["theme_count"] == {"a": {"min": 2, "max": 3, "coded": 3}, "b": {"min": 1, "max": 2, "coded": 1},
                                  "other": {"min": 1, "max": 1, "coded": 0}}
    # smallest run count / human-coded count; other was never coded by the human
    assert out["min_count_ratio"] == {"a": round(2 / 3, 4), "b": 1.0, "other": None}
    assert out["test_kappa"] == {"mean": 0.6, "min": 0.5, "max": 0.7, "values": [0.5, 0.7]}
    json.dumps(out, allow_nan=False)


def test_robustness_without_human_coding():
    runs = [{"seed": 0, "training": [], "theme_counts": {"a": 2, "b": 1, "other": 1}}]
    seg = pd.DataFrame({"participant_id": ["P1"] * 4, "human_theme": pd.Series([np.nan] * 4, dtype="str")})
    out = robustness(_fit(runs, seeds=[0]), seg, LABELS)
    assert out["min_count_ratio"] is None and out["test_kappa"] is None
    assert out["theme_share"]["a"] == {"min": 0.5, "max": 0.5}


# ------------------------------------------------------------------ validation_report
def _report(segments, coding_fit):
    coherence = pd.DataFrame({"topic": [0, 1], "npmi": [0.12345, np.nan]})
    return validation_report(segments, pd.DataFrame({"topic": [0, 1]}), {"n_dropped_segments": 2,
                             "dropped_by_reason": {"short": 2}},
                             {"n_topics": 2, "outlier_share_before": 0.2, "outlier_share_after": 0.05},
                             {"ari_mean": 0.8}, coherence, 0.1234, coding_fit, n_boot=N_BOOT, seed=0)


def test_validation_report_without_coding():
    seg = _segments(few_shot=False)
    seg["human_theme"] = ""
    seg["split"] = ""
    seg["theme"] = seg["theme_zero_shot"]
    runs = [{"seed": 0, "training": [], "theme_counts": {t: int((seg["theme"] == t).sum()) for t in LABELS}}]
    report, table = _report(seg, _fit(runs, seeds=[0], mode="zero_shot"))
    assert report["human_coding"] is False and report["note"] == NO_CODING_NOTE
    assert report["kappa"] is None and report["zero_shot"] is None and report["few_shot"] is None
    assert report["mode_used"] == "zero_shot" and report["split"] is None
    assert table.empty and table.columns.tolist() == TABLE_COLUMNS
    assert report["robustness"]["min_count_ratio"] is None
    assert report["topics"]["coherence_per_topic"] == {0: 0.1235, 1: None}
    assert report["n_segments"] == len(seg) and report["n_dropped_segments"] == 2
    assert sum(report["theme_counts"].values()) == len(seg)
    assert report["theme_source_counts"] == {"model": len(seg)}
    json.dumps(report, allow_nan=False)


def test_validation_report_with_coding():
    seg = _segments()
    split = {"development": ["P1", "P2", "P3", "P4"], "test": ["P5", "P6"], "training": ["P1", "P2"],
             "seeds": {"split": 1, "training": 2}}
    report, table = _report(seg, _fit(RUNS, split=split))
    assert report["human_coding"] is True and "note" not in report
    assert report["kappa"] == _sk_kappa(seg, "theme_few_shot", ["test"])
    assert report["kappa"] == report["few_shot"]["test"]["kappa"]
    assert report["zero_shot"]["development"]["n"] == 24 and report["few_shot"]["development"]["n"] == 12
    assert report["split"] == split
    assert report["theme_source_counts"]["human"] == 12  # the training participants' coded turns
    assert len(table) == 12
    json.dumps(report, allow_nan=False)
    # the kappa follows the mode used
    report, _ = _report(seg, _fit(RUNS, split=split, mode="zero_shot"))
    assert report["kappa"] == _sk_kappa(seg, "theme_zero_shot", ["test"])
