"""Readers for the upstream outputs the integration consumes, checked against docs/ARCHITECTURE.md.

Every reader returns a tidy DataFrame (or dict) and raises :class:`~upskilling.errors.InputError`
naming the file and the missing column when an upstream output does not match its contract.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..interviews.themes import load_themes
# re-exported, the integration's callers use them as io.<name>: the package's one themes and JSON readers
from ..interviews.themes import load_themes_file as load_themes_file
from ..textio import read_json as read_json
from ..textio import read_yaml as _read_yaml

#: Contracted columns of each upstream table (docs/ARCHITECTURE.md).
COLUMNS = {
    "flow": ["step", "reason", "n_removed", "n_remaining"],
    "reliability": ["scale", "n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"],
    "descriptives": ["variable", "kind", "n", "mean", "sd", "median", "q1", "q3", "iqr",
                     "pct_agree", "pct_disagree"],
    "hypotheses": ["hypothesis", "claim", "test", "variables", "alternative", "statistic", "df", "p",
                   "p_adjusted", "correction", "effect_size_name", "effect_size", "ci_low", "ci_high",
                   "n", "alpha", "verdict", "primary"],
    # results/interviews/segments.csv adds topic and probability (the REFI-QDA export requires them);
    # the joint display reads the coded segments without them (data/processed/interviews/coded_segments.csv)
    "segments": ["segment_id", "participant_id", "turn_id", "start_char", "end_char", "text",
                 "theme", "theme_score", "theme_source", "coding_mode", "theme_zero_shot", "theme_few_shot",
                 "split"],
    "topics": ["topic", "size", "keywords", "keybert", "theme", "theme_similarity"],
    "theme_prevalence": ["participant_id", "theme", "n_segments", "share"],
    "coding_seeds": ["seed", "participant_id", "theme", "n_segments", "share"],
    "quotes": ["theme", "rank", "segment_id", "participant_id", "turn_id", "text", "probability"],
    "roster": ["participant_id", "response_id"],
    "turns": ["participant_id", "turn_id", "text"],
    "scored": ["respondent_id"],
    "claims_people": ["claim", "participant_id", "score", "share_model", "share_human"],
    "claims_quotes": ["claim", "order", "role", "theme", "participant_id", "turn_id", "text", "agreement"],
}
#: results/interviews/segments.csv as the REFI-QDA export reads it: the coded segments and their topic
COLUMNS["topic_segments"] = [*COLUMNS["segments"], "topic"]

#: Identifier columns, always read as text: a survey whose ids are numbers ("17") must still join with a
#: roster that names them, and "007" must stay "007".
ID_COLUMNS = ("respondent_id", "response_id", "participant_id", "turn_id", "segment_id")

VERDICTS = ("supported", "not supported", "contradicted", "not computable")
_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n", ""}


def read_table(path: str | Path, kind: str) -> pd.DataFrame:
    """Read CSV ``path`` and check it has the contracted columns of ``kind`` (a key of COLUMNS)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; run the stage that writes it first")
    try:
        df = pd.read_csv(path, keep_default_na=True, dtype={c: str for c in ID_COLUMNS})
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: file is empty; rerun the stage that writes it") from None
    missing = [c for c in COLUMNS[kind] if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {missing}; expected the columns in "
                         f"docs/ARCHITECTURE.md ({', '.join(COLUMNS[kind])})")
    return df


def as_bool(series: pd.Series, path: str | Path, column: str) -> pd.Series:
    """Parse a True/False column written by pandas (or 1/0, yes/no) into booleans."""
    if series.dtype == bool:
        return series
    out = []
    for i, v in enumerate(series.astype(str).str.strip().str.lower()):
        if v in _TRUE:
            out.append(True)
        elif v in _FALSE or v == "nan":
            out.append(False)
        else:
            raise InputError(f"{path}: row {i + 2}, column '{column}': {v!r} is not a boolean; "
                             "write True or False")
    return pd.Series(out, index=series.index, dtype=bool)


def read_hypotheses(path: str | Path) -> pd.DataFrame:
    """Read hypotheses.csv: ``primary`` parsed to bool, ``verdict`` checked against the three verdicts."""
    df = read_table(path, "hypotheses")
    df["primary"] = as_bool(df["primary"], path, "primary")
    bad = ~df["verdict"].isin(VERDICTS)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"{path}: row {i + 2}, column 'verdict': {df['verdict'].iloc[i]!r}; "
                         f"use one of {list(VERDICTS)}")
    return df


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of ``df`` as dicts, NaN as None (for templates)."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def survey_tables(paths: dict) -> dict:
    """The survey results a report shows, read from ``paths`` (keys flow, reliability, descriptives,
    hypotheses): ``{flow, reliability, descriptives, hypotheses}``, each checked against its contract."""
    return {"flow": read_table(paths["flow"], "flow"), "reliability": read_table(paths["reliability"], "reliability"),
            "descriptives": read_table(paths["descriptives"], "descriptives"),
            "hypotheses": read_hypotheses(paths["hypotheses"])}


def read_yaml(path: str | Path) -> dict:
    """Read a YAML file (codebook, analysis plan) with the project's one reader
    (:func:`upskilling.textio.read_yaml`: syntax errors, repeated keys and non-UTF-8 files as one-line
    errors); an empty file reads as ``{}``."""
    return _read_yaml(path) or {}


def read_themes(path: str | Path) -> pd.DataFrame:
    """Themes file as a table: ``theme, label, claim, definition`` (claim None where a theme names none;
    the definition on one line), one row per theme of :func:`upskilling.interviews.themes.load_themes`
    (the file validated against its schema, ids unique)."""
    return pd.DataFrame([{"theme": t["id"], "label": t["label"], "claim": t.get("claim"),
                          "definition": " ".join(str(t["definition"]).split())} for t in load_themes(path)])


def theme_labels(themes: pd.DataFrame) -> dict[str, str]:
    """Theme id -> label, with 'other' added."""
    labels = dict(zip(themes["theme"], themes["label"]))
    labels.setdefault("other", "Other")
    return labels
