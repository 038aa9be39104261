"""Themes of the qualitative codebook: their embeddings, the topic-to-theme map, theme prevalence.

A theme is represented in embedding space by the normalised mean of the embeddings of its description
texts (:func:`theme_texts`): by default the label with the definition, each clause of the definition and
each seed word on its own.
A topic is mapped to the theme most similar (cosine) to the topic's centroid, or to ``other`` when the
best similarity is below ``min_similarity``. Only config/themes.yaml and the segment embeddings are
used: the human coding never enters here.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..config import load_validated
from ..errors import InputError

OTHER = "other"


def load_themes_file(path) -> dict:
    """Read config/themes.yaml and validate it (schema, then unique ids): the package's one themes reader.
    Returns the file as a dict: ``themes`` (list of theme dicts) and the optional ``other`` entry."""
    data = load_validated(path, "themes.schema.yaml")
    seen = set()
    for i, theme in enumerate(data["themes"]):
        if theme["id"] in seen:
            raise InputError(f"{path}: key 'themes[{i}].id': duplicate theme id '{theme['id']}'; make ids unique")
        seen.add(theme["id"])
    return data


def load_themes(path) -> list[dict]:
    """The validated themes of config/themes.yaml (:func:`load_themes_file`): a list of theme dicts."""
    return load_themes_file(path)["themes"]


def load_codebook(path) -> tuple[list[dict], dict | None]:
    """``(themes, other)``: the validated themes and the codebook's optional ``other`` entry (read once)."""
    data = load_themes_file(path)
    return data["themes"], data.get("other")


def definition_clauses(definition: str) -> list[str]:
    """The definition cut at ``: ; , .`` into phrases of two or more words."""
    return [p.strip() for p in re.split(r"[:;,.]", definition) if len(p.split()) >= 2]


def theme_texts(theme: dict, mode: str = "clauses+seeds") -> list[str]:
    """Texts whose embeddings are averaged into the theme vector.

    ``definition``        ``"<label>: <definition>"``
    ``definition+seeds``  that, plus each seed word / phrase on its own
    ``clauses+seeds``     that, plus each clause of the definition and each seed word on its own
    ``joined``            one text ``"<label>: <definition> Typical words: a, b, c."``
    """
    head = f"{theme['label']}: {theme['definition']}"
    if mode == "definition":
        return [head]
    if mode == "definition+seeds":
        return [head] + list(theme["seed_words"])
    if mode == "clauses+seeds":
        return [head] + definition_clauses(theme["definition"]) + list(theme["seed_words"])
    if mode == "joined":
        return [f"{head} Typical words: {', '.join(theme['seed_words'])}."]
    raise InputError(f"config/config.yaml: key 'interviews.theme_vectors.text': unknown mode {mode!r}; "
                     f"use clauses+seeds, definition+seeds, definition or joined")


def zeroshot_text(theme: dict) -> str:
    """One text per theme for BERTopic's zero-shot topic list (label, definition and seed words)."""
    return theme_texts(theme, "joined")[0]


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def theme_vectors(themes: list[dict], encode, mode: str = "clauses+seeds",
                  definition_weight: float | None = None) -> np.ndarray:
    """Unit-length theme vectors, one row per theme (order of ``themes``).

    ``encode(list_of_texts) -> array``. The vector is the normalised mean of the unit-length
    embeddings of :func:`theme_texts`; with ``definition_weight`` set, the full definition gets that
    weight and the other texts share the rest equally (``None``: all texts weigh the same).
    """
    rows = []
    for theme in themes:
        texts = theme_texts(theme, mode)
        vecs = _unit(np.asarray(encode(texts), dtype=np.float64))
        if definition_weight is not None and len(texts) > 1:
            weights = np.r_[definition_weight, np.full(len(texts) - 1, (1 - definition_weight) / (len(texts) - 1))]
        else:
            weights = np.full(len(texts), 1 / len(texts))
        rows.append(weights @ vecs)
    return _unit(np.vstack(rows))


def topic_centroids(embeddings: np.ndarray, topics: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Unit-length mean embedding of each topic (outlier topic -1 excluded)."""
    ids = sorted(t for t in set(int(t) for t in topics) if t != -1)
    cents = [_unit(embeddings[topics == t].mean(axis=0)) for t in ids]
    return ids, (np.vstack(cents) if cents else np.zeros((0, embeddings.shape[1])))


def map_topics(centroids: np.ndarray, theme_matrix: np.ndarray, theme_ids: list[str],
               min_similarity: float) -> pd.DataFrame:
    """Map each topic centroid to its most similar theme, or ``other`` below ``min_similarity``.

    Returns a DataFrame (one row per centroid) with ``theme``, ``theme_similarity`` (best cosine),
    ``nearest_theme`` and ``runner_up_similarity``.
    """
    if len(centroids) == 0:
        return pd.DataFrame(columns=["theme", "theme_similarity", "nearest_theme", "runner_up_similarity"])
    sims = _unit(centroids) @ theme_matrix.T
    order = np.argsort(-sims, axis=1)
    best = sims[np.arange(len(sims)), order[:, 0]]
    second = sims[np.arange(len(sims)), order[:, 1]] if sims.shape[1] > 1 else np.full(len(sims), np.nan)
    nearest = [theme_ids[i] for i in order[:, 0]]
    theme = [t if s >= min_similarity else OTHER for t, s in zip(nearest, best)]
    return pd.DataFrame({"theme": theme, "theme_similarity": best, "nearest_theme": nearest,
                         "runner_up_similarity": second})


def prevalence(segments: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """Theme prevalence per participant.

    Returns ``participant_id, theme, n_segments, share`` for every participant x theme (``other``
    included, zeros kept); ``share`` = n_segments / the participant's analysed segments.
    """
    themes = list(theme_ids) + [OTHER]
    counts = (segments.groupby(["participant_id", "theme"]).size()
              .unstack(fill_value=0).reindex(columns=themes, fill_value=0))
    long = counts.stack().rename("n_segments").reset_index()
    long.columns = ["participant_id", "theme", "n_segments"]
    totals = long.groupby("participant_id")["n_segments"].transform("sum")
    long["share"] = (long["n_segments"] / totals).round(6)
    long["theme"] = pd.Categorical(long["theme"], categories=themes, ordered=True)
    long = long.sort_values(["participant_id", "theme"]).reset_index(drop=True)
    long["theme"] = long["theme"].astype(str)
    return long
