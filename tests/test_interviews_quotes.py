"""Quotes: the configured number per theme, diverse participants, one per turn, traceable."""
from __future__ import annotations

import numpy as np
import pandas as pd

from upskilling.interviews.quotes import QUOTE_COLUMNS, select_quotes


def _segments(n_participants=6, per=3, seed=0):
    rng = np.random.default_rng(seed)
    rows, vecs = [], []
    centre = {"a": rng.normal(size=8), "b": rng.normal(size=8)}
    for p in range(n_participants):
        for theme in ("a", "b"):
            for k in range(per):
                rows.append({"segment_id": f"P{p}-T{k:03d}-{theme}", "participant_id": f"P{p}",
                             "turn_id": f"P{p}-T{k:03d}{theme}", "start_char": 0, "end_char": 99,
                             "text": " ".join(["word"] * (20 + k)), "theme": theme, "probability": 0.5})
                vecs.append(centre[theme] + rng.normal(scale=0.5, size=8))
    return pd.DataFrame(rows), np.asarray(vecs)


def test_quota_and_one_quote_per_participant():
    seg, emb = _segments()
    quotes, summary = select_quotes(seg, emb, ["a", "b", "c"], per_theme=4, max_per_participant=1)
    assert list(quotes.columns) == QUOTE_COLUMNS
    for theme in ("a", "b"):
        q = quotes[quotes["theme"] == theme]
        assert len(q) == 4 and q["participant_id"].nunique() == 4
        assert q["rank"].tolist() == [1, 2, 3, 4]
        assert (q["theme"] == theme).all() and q["segment_id"].isin(seg["segment_id"]).all()
    assert summary["c"]["n_quotes"] == 0
    assert summary["a"]["relaxed"] is False


def test_configurable_number_and_relaxed_limit_when_few_participants():
    seg, emb = _segments(n_participants=2, per=4)
    quotes, summary = select_quotes(seg, emb, ["a", "b"], per_theme=3, max_per_participant=1)
    q = quotes[quotes["theme"] == "a"]
    assert len(q) == 3 and summary["a"]["relaxed"] is True
    assert q["turn_id"].is_unique  # never two quotes from one turn
    seven, _ = select_quotes(*_segments(n_participants=8), ["a"], per_theme=7)
    assert len(seven) == 7


def test_diversity_changes_the_choice():
    seg, emb = _segments(n_participants=8)
    plain, _ = select_quotes(seg, emb, ["a"], per_theme=4, diversity=0.0)
    diverse, _ = select_quotes(seg, emb, ["a"], per_theme=4, diversity=0.9)
    assert plain["representativeness"].is_monotonic_decreasing
    assert set(plain["segment_id"]) != set(diverse["segment_id"])
