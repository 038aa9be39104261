"""Segmentation of participant turns into analysable units (windows of sentences).

Each participant turn is split into sentences and grouped into windows of ``window`` sentences that
start every ``stride`` sentences (``window: 0`` = the whole turn is one segment). A trailing window
shorter than ``min_words`` words is merged into the window before it. Every segment keeps its
participant, turn id and the character offsets ``[start_char, end_char)`` of its text in the (redacted)
turn text of ``turns.csv``, so ``turn_text[start_char:end_char] == segment_text`` and every quote can
be traced back to its place.

Segments shorter than ``min_words`` words (a whole short turn such as "Yes, exactly.") and empty turns
are dropped and returned in a separate table with the reason, so the count is visible downstream.

Why a hand-written sentence splitter: the pipeline needs exact character offsets and must not pull in a
tokenizer model (nltk punkt / spaCy are not dependencies); transcribed speech rarely has the
abbreviations that make splitting hard, and the known ones are listed below.
"""
from __future__ import annotations

import re

import pandas as pd

from ..errors import InputError

SEGMENT_COLUMNS = ["segment_id", "participant_id", "turn_id", "start_char", "end_char", "n_words", "text"]
#: a segment's identity, place and text: the first columns of every per-segment result table
LOCATOR_COLUMNS = [c for c in SEGMENT_COLUMNS if c != "n_words"]
DROPPED_COLUMNS = ["segment_id", "participant_id", "turn_id", "start_char", "end_char", "n_words", "reason"]

_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "approx", "no", "fig", "cf", "jr", "sr",
    "inc", "ltd", "co", "corp", "dept", "est", "min", "max", "p.s", "a.m", "p.m", "u.s", "u.k", "ph.d",
}
# a sentence ends at . ! ? or … (possibly repeated, possibly followed by closing quotes/brackets)
_END = re.compile(r"(?:[.!?]+|…)[\"'’”)\]]*(?=\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text`` (whitespace between them excluded).

    A boundary is a terminator followed by whitespace and then an upper-case letter, a digit, a quote or
    an opening bracket; known abbreviations (``e.g.``, ``Dr.``) and single initials do not end a sentence.
    """
    spans = []
    start = len(text) - len(text.lstrip())
    for m in _END.finditer(text):
        end = m.end()
        nxt = text[end:].lstrip()
        if not nxt:
            break
        if not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"'“‘([["):
            continue
        if m.group(0).startswith("."):
            w = _WORD_BEFORE.search(text[start:m.start()])
            word = w.group(1).lower().rstrip(".") if w else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        if text[start:end].strip():
            spans.append((start, end))
        start = end + (len(text[end:]) - len(nxt))
    tail_end = len(text.rstrip())
    if start < tail_end:
        spans.append((start, tail_end))
    return spans


def _windows(spans: list[tuple[int, int]], text: str, window: int, stride: int, min_words: int):
    if window == 0 or len(spans) <= window:
        return [(spans[0][0], spans[-1][1])] if spans else []
    out = []
    last = len(spans)
    for i in range(0, last, stride):
        j = min(i + window, last)
        out.append([i, j])
        if j == last:
            break
    # merge a short tail into the previous window
    if len(out) > 1:
        i, j = out[-1]
        words = len(text[spans[i][0]:spans[j - 1][1]].split())
        if words < min_words:
            out[-2][1] = j
            out.pop()
    return [(spans[i][0], spans[j - 1][1]) for i, j in out]


def segment_turns(turns: pd.DataFrame, window: int = 3, stride: int | None = None,
                  min_words: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the participant turns of ``turns`` (as written by ingest) into segments.

    Parameters
    ----------
    window : sentences per segment; 0 = one segment per turn.
    stride : sentences between window starts (default = ``window``: no overlap). ``stride < window``
        gives overlapping windows.
    min_words : segments with fewer words are dropped (reason ``too short``).

    Returns
    -------
    segments : DataFrame ``segment_id, participant_id, turn_id, start_char, end_char, n_words, text``;
        ``segment_id`` = ``<turn_id>-S<NN>``.
    dropped : DataFrame ``segment_id, participant_id, turn_id, start_char, end_char, n_words, reason``
        (no text), reason in {``empty turn``, ``too short``}.
    """
    if window < 0:
        raise InputError(f"config/config.yaml: key 'interviews.segmentation.window' is {window}; use 0 (whole turn) or more")
    stride = window if not stride else stride
    if window and stride > window:
        raise InputError(
            f"config/config.yaml: key 'interviews.segmentation.stride' ({stride}) is larger than window "
            f"({window}): sentences would be skipped; use a stride <= window"
        )
    missing = {"participant_id", "turn_id", "role", "text"} - set(turns.columns)
    if missing:
        raise InputError(f"turns.csv: missing column(s) {sorted(missing)}; re-run the ingest rule")
    part = turns[turns["role"] == "participant"]
    segments, dropped = [], []
    for row in part.itertuples(index=False):
        text = row.text if isinstance(row.text, str) else ""
        spans = split_sentences(text)
        if not spans:
            dropped.append({"segment_id": f"{row.turn_id}-S01", "participant_id": row.participant_id,
                            "turn_id": row.turn_id, "start_char": 0, "end_char": 0, "n_words": 0,
                            "reason": "empty turn"})
            continue
        for k, (a, b) in enumerate(_windows(spans, text, window, stride, min_words), start=1):
            seg = text[a:b]
            rec = {"segment_id": f"{row.turn_id}-S{k:02d}", "participant_id": row.participant_id,
                   "turn_id": row.turn_id, "start_char": a, "end_char": b, "n_words": len(seg.split())}
            if rec["n_words"] < min_words:
                dropped.append({**rec, "reason": "too short"})
            else:
                segments.append({**rec, "text": seg})
    return (pd.DataFrame(segments, columns=SEGMENT_COLUMNS), pd.DataFrame(dropped, columns=DROPPED_COLUMNS))


def segmentation_summary(segments: pd.DataFrame, dropped: pd.DataFrame, turns: pd.DataFrame) -> dict:
    """Counts for validation.json: turns, segments, dropped segments by reason, words per segment."""
    words = segments["n_words"] if len(segments) else pd.Series(dtype=float)
    return {
        "n_participant_turns": int((turns["role"] == "participant").sum()),
        "n_turns_with_segments": int(segments["turn_id"].nunique()) if len(segments) else 0,
        "n_segments": int(len(segments)),
        "n_dropped_segments": int(len(dropped)),
        "dropped_by_reason": {str(k): int(v) for k, v in dropped["reason"].value_counts().sort_index().items()},
        "words_per_segment": {
            "mean": round(float(words.mean()), 2) if len(words) else None,
            "min": int(words.min()) if len(words) else 0,
            "max": int(words.max()) if len(words) else 0,
        },
    }
