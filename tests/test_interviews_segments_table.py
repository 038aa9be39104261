"""The coded segments (no topic) and results/interviews/segments.csv (the same with the topic pair)."""
from __future__ import annotations

import pandas as pd
import pytest

from upskilling.errors import InputError
from upskilling.integrate.inputs import COLUMNS
from upskilling.interviews import steps
from upskilling.interviews.coding import CODING_COLUMNS


def _files(tmp_path, n=4):
    ids = [f"P01-T{i:03d}-S01" for i in range(n)]
    seg = pd.DataFrame({"segment_id": ids, "participant_id": "P01", "turn_id": [i[:8] for i in ids],
                        "start_char": 0, "end_char": 10, "n_words": 2, "text": [f"text {i}" for i in range(n)],
                        "context": "Q?"})
    coding = pd.DataFrame({c: "" for c in CODING_COLUMNS}, index=range(n))
    coding["segment_id"], coding["participant_id"], coding["turn_id"] = ids, "P01", seg["turn_id"]
    coding["theme"] = ["survival", "barriers", "other", "survival"]
    coding["theme_score"] = 0.5
    topics = seg[["segment_id", "participant_id", "turn_id", "start_char", "end_char", "text"]].copy()
    topics["topic"], topics["theme"], topics["probability"] = [0, 0, -1, 1], "x", 0.9
    paths = {k: tmp_path / f"{k}.csv" for k in ("seg", "coding", "topics")}
    seg.to_csv(paths["seg"], index=False)
    coding.to_csv(paths["coding"], index=False)
    topics.to_csv(paths["topics"], index=False)
    pd.DataFrame({"topic": [-1, 0, 1], "size": [1, 2, 1], "keywords": ["a", "b", "c"], "label": ["", "l0", "l1"],
                  "theme": ["other", "survival", "survival"], "theme_similarity": [0.1, 0.8, 0.7],
                  "nearest_theme": ["other", "survival", "survival"]}).to_csv(tmp_path / "t.csv", index=False)
    return paths


def test_coded_segments_carry_the_coding_and_no_topic_and_the_results_table_adds_it(tmp_path):
    paths = _files(tmp_path)
    steps.coded_segments(paths["seg"], paths["coding"], tmp_path / "coded.csv")
    coded = pd.read_csv(tmp_path / "coded.csv")
    assert "topic" not in coded.columns and "context" not in coded.columns
    assert set(COLUMNS["segments"]) <= set(coded.columns)
    assert coded["theme"].tolist() == ["survival", "barriers", "other", "survival"]
    steps.segments_table(paths["topics"], tmp_path / "coded.csv", tmp_path / "t.csv", tmp_path / "results.csv",
                         tmp_path / "spread.csv", tmp_path / "cand.csv")
    out = pd.read_csv(tmp_path / "results.csv")
    assert list(out.columns[:8]) == ["segment_id", "participant_id", "turn_id", "start_char", "end_char", "text",
                                     "topic", "probability"]
    assert list(out.columns[8:]) == list(coded.columns[6:])  # the coding columns, from theme to split
    assert out["topic"].tolist() == [0, 0, -1, 1] and out["theme"].tolist() == coded["theme"].tolist()
    assert set(COLUMNS["topic_segments"]) <= set(out.columns)


def test_coded_segments_refuse_a_coding_of_other_segments(tmp_path):
    paths = _files(tmp_path)
    pd.read_csv(paths["coding"]).iloc[::-1].to_csv(paths["coding"], index=False)
    with pytest.raises(InputError, match="re-run the coding rule"):
        steps.coded_segments(paths["seg"], paths["coding"], tmp_path / "coded.csv")
