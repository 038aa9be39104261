"""Segmentation: sentence windows with exact character offsets; short segments dropped and counted."""
from __future__ import annotations

import pandas as pd
import pytest

from upskilling.errors import InputError
from upskilling.interviews.segment import segment_turns, segmentation_summary, split_sentences

TEXT = ("I started on Upwork in 2019. Then e.g. Dr. Smith told me about it. Was it worth it? Yes! "
        "I charge 3.5 times more now... and that is fine. \"Really,\" she said. Last one here")


def _turns(texts, pid="P01"):
    rows = []
    for i, text in enumerate(texts, start=1):
        rows.append({"participant_id": pid, "turn_id": f"{pid}-T{2 * i:03d}", "role": "participant", "text": text})
        rows.insert(-1, {"participant_id": pid, "turn_id": f"{pid}-T{2 * i - 1:03d}", "role": "interviewer",
                         "text": "A question for you?"})
    return pd.DataFrame(rows)


def test_split_sentences_spans():
    spans = split_sentences(TEXT)
    sentences = [TEXT[a:b] for a, b in spans]
    assert sentences == [
        "I started on Upwork in 2019.",
        "Then e.g. Dr. Smith told me about it.",
        "Was it worth it?",
        "Yes!",
        "I charge 3.5 times more now... and that is fine.",
        "\"Really,\" she said.",
        "Last one here",
    ]


@pytest.mark.parametrize("window, stride, expected", [
    (0, 0, 1),      # whole turn
    (2, 0, 3),      # 7 sentences -> [0,2) [2,4) [4,7): short tail merged
    (3, 1, 5),      # overlapping windows
])
def test_windows_and_offsets(window, stride, expected):
    turns = _turns([TEXT])
    segments, dropped = segment_turns(turns, window=window, stride=stride, min_words=4)
    assert len(segments) == expected and dropped.empty
    text = turns.loc[turns["role"] == "participant", "text"].iloc[0]
    for row in segments.itertuples():
        assert text[row.start_char:row.end_char] == row.text
    assert segments["segment_id"].iloc[0] == "P01-T002-S01"
    assert set(segments["turn_id"]) == {"P01-T002"}  # interviewer turns are not segmented


def test_short_and_empty_turns_are_dropped_and_counted():
    turns = _turns(["Yes, exactly.", "", TEXT])
    segments, dropped = segment_turns(turns, window=0, min_words=5)
    assert dropped["reason"].tolist() == ["too short", "empty turn"]
    assert "text" not in dropped.columns
    summary = segmentation_summary(segments, dropped, turns)
    assert summary["n_segments"] == 1 and summary["n_dropped_segments"] == 2
    assert summary["dropped_by_reason"] == {"empty turn": 1, "too short": 1}
    assert summary["n_participant_turns"] == 3


def test_bad_settings():
    turns = _turns([TEXT])
    with pytest.raises(InputError, match="stride"):
        segment_turns(turns, window=2, stride=3)
    with pytest.raises(InputError, match="window"):
        segment_turns(turns, window=-1)
    with pytest.raises(InputError, match="missing column"):
        segment_turns(turns.drop(columns="role"))
