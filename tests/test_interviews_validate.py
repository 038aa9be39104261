"""Validation statistics against R (psych::cohen.kappa, mclust::adjustedRandIndex, NPMI formula) and the
human-coding checks."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, cohen_kappa_score

from upskilling.errors import InputError
from upskilling.interviews.coherence import document_presence, npmi_matrix, topic_coherence
from upskilling.interviews.validate import agreement, per_theme_table, read_human_coding, theme_share_over_seeds

REF = json.loads((Path(__file__).parent / "r" / "interviews_agreement.json").read_text())


def test_kappa_ari_per_theme_match_r():
    truth, pred, themes = REF["truth"], REF["pred"], REF["themes"]
    assert cohen_kappa_score(truth, pred, labels=themes) == pytest.approx(REF["kappa"], abs=1e-10)
    assert adjusted_rand_score(truth, pred) == pytest.approx(REF["ari"], abs=1e-10)
    table = per_theme_table(truth, pred, themes).set_index("theme")
    for row in REF["per_theme"]:
        got = table.loc[row["theme"]]
        assert got["precision"] == pytest.approx(row["precision"], abs=1e-4)
        assert got["recall"] == pytest.approx(row["recall"], abs=1e-4)
        assert got["f1"] == pytest.approx(row["f1"], abs=1e-4)
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


def _segments():
    return pd.DataFrame({"segment_id": ["A-S1", "A-S2", "B-S1", "C-S1"], "turn_id": ["T1", "T1", "T2", "T9"],
                         "theme": ["x", "x", "y", "x"], "probability": [0.5, 0.6, 0.7, 0.2]})


def test_agreement_segments_turns_and_seeds():
    coding = pd.Series({"T1": "x", "T2": "x", "T3": "y"})
    stab = pd.DataFrame({"seed": [1] * 4 + [2] * 4, "segment_index": list(range(4)) * 2,
                         "theme": ["x", "x", "y", "x", "x", "x", "x", "x"]})
    summary, table = agreement(_segments(), coding, ["x", "y"], stab)
    assert summary["n"] == 3 and summary["n_segments_uncoded"] == 1
    assert summary["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert summary["turn_level"]["n"] == 2 and summary["turn_level"]["n_coded_turns_without_segments"] == 1
    assert summary["kappa_over_seeds"]["n_runs"] == 2
    assert table.set_index("theme").loc["x", "support"] == 3


def test_human_coding_errors(tmp_path):
    ok = tmp_path / "coding.csv"
    ok.write_text("participant_id,turn_id,theme\nP01,P01-T002,x\nP01,P01-T004,other\n")
    assert read_human_coding(ok, ["x"]).to_dict() == {"P01-T002": "x", "P01-T004": "other"}
    bad = tmp_path / "bad.csv"
    bad.write_text("participant_id,turn_id,theme\nP01,P01-T002,x\nP01,P01-T004,typo\n")
    with pytest.raises(InputError, match="row 3, column 'theme'"):
        read_human_coding(bad, ["x"])
    dup = tmp_path / "dup.csv"
    dup.write_text("participant_id,turn_id,theme\nP01,P01-T002,x\nP01,P01-T002,x\n")
    with pytest.raises(InputError, match="coded twice"):
        read_human_coding(dup, ["x"])
    with pytest.raises(InputError, match="not found"):
        read_human_coding(tmp_path / "none.csv", ["x"])
    with pytest.raises(InputError, match="no analysed segment"):
        agreement(_segments(), pd.Series({"Z": "x"}), ["x", "y"])


def test_theme_share_over_seeds():
    runs = pd.DataFrame({"seed": [1, 1, 1, 1, 2, 2, 2, 2], "segment_index": [0, 1, 2, 3] * 2,
                         "theme": ["x", "x", "y", "other", "x", "y", "y", "y"]})
    out = theme_share_over_seeds(runs, ["x", "y", "z", "other"])
    assert out["x"] == {"min": 0.25, "max": 0.5}
    assert out["y"] == {"min": 0.25, "max": 0.75}
    assert out["z"] == {"min": 0.0, "max": 0.0}
