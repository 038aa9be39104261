"""Representative and diverse quotes per theme.

For each theme, candidates are its segments of ``min_words`` to ``max_words`` words. They are ranked
by maximal marginal relevance (MMR; Carbonell & Goldstein 1998): the next quote maximises
``(1 - diversity) * representativeness - diversity * max similarity to the quotes already chosen``,
where representativeness is the cosine similarity to the theme's centroid (mean embedding of the
theme's segments). Candidates are the segments whose theme is not in doubt (:func:`_confident`: both
coders agree or the code is human, and the theme score is at least the theme's median) when a theme
has enough of them, so exemplar quotes are clear cases, not borderline ones. At most ``max_per_participant`` quotes come from one participant and at most one
from one turn, so a theme's quotes come from as many participants as the data allow; the limit is
relaxed (and the relaxation counted) only when a theme has too few participants to fill
``per_theme`` quotes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .themes import OTHER

QUOTE_COLUMNS = ["theme", "rank", "segment_id", "participant_id", "turn_id", "start_char", "end_char",
                 "text", "probability", "representativeness", "theme_source"]


def _unit(x):
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(n == 0, 1, n)


def _mmr(cands: pd.DataFrame, emb: np.ndarray, rep: np.ndarray, k: int, diversity: float, max_pp: int):
    chosen: list[int] = []
    per_participant: dict[str, int] = {}
    turns: set[str] = set()
    available = list(range(len(cands)))
    while len(chosen) < k:
        best, best_score = None, -np.inf
        for i in available:
            row = cands.iloc[i]
            if row.turn_id in turns or per_participant.get(row.participant_id, 0) >= max_pp:
                continue
            redundancy = max((float(emb[i] @ emb[j]) for j in chosen), default=0.0)
            score = (1 - diversity) * rep[i] - diversity * redundancy
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
        available.remove(best)
        turns.add(cands.iloc[best].turn_id)
        pid = cands.iloc[best].participant_id
        per_participant[pid] = per_participant.get(pid, 0) + 1
    return chosen


def _confident(segments: pd.DataFrame, in_theme: np.ndarray) -> np.ndarray:
    """Segments whose theme is not in doubt: where the deductive coding has both modes, the zero-shot
    and the few-shot coder agree, or the theme is a human code; and the theme score is at least the
    theme's median. Tables without those columns (older runs) treat every segment as confident."""
    out = np.ones(len(segments), dtype=bool)
    if "theme_zero_shot" in segments.columns and "theme_few_shot" in segments.columns:
        few = segments["theme_few_shot"].fillna("").astype(str)
        agree = (few == "") | (few == segments["theme_zero_shot"].astype(str))
        human = segments.get("theme_source", pd.Series("", index=segments.index)).astype(str) == "human"
        out &= (agree | human).to_numpy()
    if "theme_score" in segments.columns:
        score = segments["theme_score"].astype(float).to_numpy()
        median = np.median(score[in_theme]) if in_theme.any() else 0.0
        out &= score >= median
    return out


def select_quotes(segments: pd.DataFrame, embeddings: np.ndarray, theme_ids: list[str], per_theme: int = 5,
                  max_per_participant: int = 1, min_words: int = 15, max_words: int = 120,
                  diversity: float = 0.3, include_other: bool = False) -> tuple[pd.DataFrame, dict]:
    """Choose ``per_theme`` quotes per theme.

    Parameters
    ----------
    segments : results segments table (``segment_id, participant_id, turn_id, start_char, end_char,
        text, theme, probability``), rows aligned with ``embeddings``.
    max_per_participant : quotes per participant per theme before the limit is relaxed.

    Returns
    -------
    quotes : ``theme, rank, segment_id, participant_id, turn_id, start_char, end_char, text,
        probability, representativeness, theme_source`` (``human``: a training turn's human code).
    summary : per theme ``n_quotes, n_participants, n_candidates, relaxed`` (``relaxed`` = the
        per-participant limit had to be raised to fill the quota).
    """
    emb = _unit(np.asarray(embeddings, dtype=np.float64))
    words = segments["text"].str.split().str.len()
    themes = list(theme_ids) + ([OTHER] if include_other else [])
    rows, summary = [], {}
    for theme in themes:
        in_theme = (segments["theme"] == theme).to_numpy()
        if not in_theme.any():
            summary[theme] = {"n_quotes": 0, "n_participants": 0, "n_candidates": 0, "relaxed": False}
            continue
        centroid = _unit(emb[in_theme].mean(axis=0))
        ok = in_theme & words.between(min_words, max_words).to_numpy()
        if ok.sum() < per_theme:  # too few of readable length: allow any length in the theme
            ok = in_theme
        confident = ok & _confident(segments, in_theme)
        if confident.sum() >= per_theme:  # exemplars only among segments both coders agree on, when enough
            ok = confident
        idx = np.flatnonzero(ok)
        cands = segments.iloc[idx].reset_index(drop=True)
        cemb = emb[idx]
        rep = cemb @ centroid
        limit, relaxed = max_per_participant, False
        chosen = _mmr(cands, cemb, rep, per_theme, diversity, limit)
        while len(chosen) < min(per_theme, len(cands)) and limit < per_theme:
            limit += 1
            relaxed = True
            chosen = _mmr(cands, cemb, rep, per_theme, diversity, limit)
        for rank, i in enumerate(chosen, start=1):
            row = cands.iloc[i]
            rows.append({"theme": theme, "rank": rank, "segment_id": row.segment_id,
                         "participant_id": row.participant_id, "turn_id": row.turn_id,
                         "start_char": int(row.start_char), "end_char": int(row.end_char), "text": row.text,
                         "probability": float(row.theme_score if "theme_score" in cands.columns else row.probability),
                         "representativeness": round(float(rep[i]), 4),
                         "theme_source": str(row.theme_source) if "theme_source" in cands.columns else "model"})
        summary[theme] = {"n_quotes": len(chosen),
                          "n_participants": int(cands.iloc[chosen]["participant_id"].nunique()) if chosen else 0,
                          "n_candidates": int(len(cands)), "relaxed": relaxed}
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS), summary
