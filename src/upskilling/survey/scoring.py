"""Scoring: reverse-code items and compute scale means with a minimum number of answered items.

Reverse-coding uses the item's scale: ``code -> min(codes) + max(codes) - code``. A construct's score
is the mean of its answered (reverse-coded) items when at least ``min_items`` are answered, else
missing. ``min_items`` comes, in this order, from ``survey.scoring.min_answered.<construct>`` in
config/config.yaml, the construct's ``min_items`` in the codebook, or
``ceil(survey.scoring.min_answered_share x number of items)``.

Scores are not rounded. A mean is (sum of the codes) / (number answered); with integer codes the sum is
exact, so equal means are the same double whatever the item order (tests/test_survey_scoring.py).
Rounding to decimals would not help the rank tests: they rank *differences* (``x - mu``, ``x - y``),
and 4.3333333333 - 3 != 3 - 1.6666666667 in binary floating point, just as 13/3 - 3 != 3 - 5/3; worse,
the rounding error of each mean (up to 5e-11) would then be in every difference.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import InputError
from ..logs import get_logger
from .codebook import Codebook, code_name

log = get_logger("survey")

SCORED_FIRST = ["respondent_id", "source_row"]


def link_item(cb: Codebook) -> str | None:
    """The item id of the codebook's ``meta.duplicate_key`` column when it is a metadata item (the panel id
    that identifies a person in every wave), else None. scored.csv keeps it, third, so that waves can be
    linked (results/survey/comparison/)."""
    if not cb.has_meta("duplicate_key"):
        return None
    it = cb.meta_item("duplicate_key")
    return it["id"] if it["type"] == "meta" else None


def min_items_for(cb: Codebook, name: str, settings: dict) -> int:
    """The minimum number of answered items for construct ``name`` (see module docstring)."""
    k = len(cb.constructs[name]["items"])
    override = settings.get("min_answered", {}) or {}
    if name in override:
        m = int(override[name])
        if not 1 <= m <= k:
            raise InputError(f"config/config.yaml: survey.scoring.min_answered.{name} is {m}; "
                             f"use a number from 1 to {k} (the construct has {k} items)")
        return m
    if cb.constructs[name].get("min_items"):
        return int(cb.constructs[name]["min_items"])
    return max(1, math.ceil(settings["min_answered_share"] * k))


def reverse_code(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Copy of ``df`` with every ``reverse: true`` likert item reversed on its scale."""
    out = df.copy()
    for it in cb.items:
        if it["type"] == "likert" and it.get("reverse") and it["id"] in out:
            lo, hi = cb.code_range(it["id"])
            out[it["id"]] = lo + hi - out[it["id"]]
    return out


def score(df: pd.DataFrame, cb: Codebook, settings: dict, redact=None) -> pd.DataFrame:
    """The scored table: one row per analysed respondent.

    Columns: respondent_id, source_row, the panel id (:func:`link_item`, if the codebook names one),
    every likert / single / numeric item (codes; reverse-coded
    items reversed; integer-valued columns as nullable integers), the 0/1 columns of multi-select
    items, text items only if ``settings['keep_text']`` (redacted by ``redact``, the interviews'
    :class:`~upskilling.interviews.redact.Redactor` with the study's redaction list; without one, a
    redactor with no list: phone numbers, e-mails, URLs, handles, addresses), then one column per
    construct (scale mean). Unknown config keys for constructs are reported as :class:`InputError`.
    No respondents left (every response excluded) give an empty table with these columns and a warning:
    flow.csv shows which rule removed them, and the later survey rules stop with a message pointing to it.
    """
    if len(df) == 0:
        log.warning("0 respondents left after the exclusions: the scored table is empty (see flow.csv); "
                    "reliability, descriptives and the hypothesis tests will stop")
    override = settings.get("min_answered", {}) or {}
    for name in override:
        if name not in cb.constructs:
            raise InputError(f"config/config.yaml: survey.scoring.min_answered.{name}: no construct '{name}' in "
                             f"{cb.path}; use one of {sorted(cb.constructs)}")
    rev = reverse_code(df, cb)
    cols = list(SCORED_FIRST) + [x for x in [link_item(cb)] if x]
    for it in cb.items:
        if it["type"] in ("likert", "single", "numeric"):
            cols.append(it["id"])
        elif it["type"] == "multi":
            cols.extend(f"{it['id']}_{code_name(c)}" for c in cb.scale_of(it["id"])["codes"])
        elif it["type"] == "text" and settings["keep_text"]:
            cols.append(it["id"])
    out = rev[cols].copy()
    kept_text = [it["id"] for it in cb.items if it["type"] == "text" and it["id"] in out.columns]
    if kept_text:  # open-ended answers may identify people: the interviews' redactor, before anything is written
        if redact is None:
            from ..interviews.redact import Redactor
            log.warning("open-ended answers kept (survey.scoring.keep_text) are redacted without a redaction list: "
                        "phone numbers, e-mails, URLs, handles and addresses only, not names")
            redact = Redactor()
        for c in kept_text:
            out[c] = out[c].map(lambda v: redact(v) if isinstance(v, str) else v)
    scales = scale_scores(rev, cb, settings, reversed_already=True)
    for name in scales:
        out[name] = scales[name].to_numpy()
    for c in out.columns:
        s = out[c]
        if s.dtype.kind == "f" and name_is_code(c, cb) and np.all(np.mod(s.dropna(), 1) == 0):
            out[c] = s.astype("Int64")
    return out.reset_index(drop=True)


def scale_scores(df: pd.DataFrame, cb: Codebook, settings: dict, reversed_already: bool = False) -> pd.DataFrame:
    """Scale means of every construct from the item columns of ``df`` (raw codes unless
    ``reversed_already``); missing where fewer than the minimum number of items are answered."""
    rev = df if reversed_already else reverse_code(df, cb)
    out = {}
    for name, c in cb.constructs.items():
        m = rev[c["items"]].to_numpy(dtype=float)
        answered = np.isfinite(m).sum(axis=1)
        with np.errstate(invalid="ignore"):
            mean = np.nansum(m, axis=1) / np.where(answered > 0, answered, 1)
        out[name] = np.where(answered >= min_items_for(cb, name, settings), mean, np.nan)
    return pd.DataFrame(out, index=df.index)


def name_is_code(column: str, cb: Codebook) -> bool:
    """True for item columns (codes / counts), False for construct means."""
    return column not in cb.constructs
