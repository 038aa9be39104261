"""Read the interview stage's ``validation.json`` (docs/ARCHITECTURE.md) for the report, the caveats
and the notebooks.

The file says whether the interviews have a human coding (``human_coding``). With one, it holds an
agreement summary per coding mode (``zero_shot`` / ``few_shot``) and per half of the held-out
participants (``development`` / ``test``), and ``mode_used`` names the mode whose themes enter the
joint display; ``kappa`` is that mode's test-half kappa. Without one, no agreement can be computed:
the mode summaries, ``kappa`` and the labelling budget are null and ``note`` says why. The topic
model's own diagnostics (``topics``) and the robustness over seeds (``robustness``) are there either way.
Every accessor here tolerates a missing part (it returns None or an empty table) so that a caveat can
say what is missing; :func:`check` refuses a file of the old structure.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..errors import InputError
from . import inputs as io

#: The sentence used when there is no human coding (validation.json's ``note`` says the same).
NO_CODING_NOTE = "no human coding: agreement with a human coder cannot be computed"
MODES = ("zero_shot", "few_shot")
MODE_LABELS = {"zero_shot": "zero-shot", "few_shot": "few-shot"}
SPLITS = ("development", "test")
#: Metrics of one agreement summary, in display order, with their labels.
SUMMARY_METRICS = [
    ("n", "Segments"),
    ("n_participants", "Participants"),
    ("kappa", "Cohen's \u03ba"),
    ("kappa_ci_low", "\u03ba 95% CI, lower"),
    ("kappa_ci_high", "\u03ba 95% CI, upper"),
    ("krippendorff_alpha", "Krippendorff's \u03b1"),
    ("accuracy", "Accuracy"),
    ("macro_f1", "Macro F1"),
    ("min_theme_f1", "Lowest theme F1"),
    ("max_abs_share_difference", "Largest |share difference|"),
]
PER_THEME_METRICS = ["precision", "recall", "f1", "support", "n_predicted", "share_coded", "share_predicted",
                     "share_difference"]
#: Keys of the old structure (before the coding modes) that are gone from the top level.
_OLD_KEYS = ("per_theme", "ari", "stability", "coherence_npmi", "outlier_share_after")


def missing(x) -> bool:
    """None or NaN."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def check(val: dict, source: str | Path = "validation.json") -> dict:
    """Return ``val`` if it has the contracted structure; raise :class:`InputError` otherwise."""
    if not isinstance(val, dict):
        raise InputError(f"{source}: not a JSON object; rerun the interview stage (rule interviews_validate)")
    if "human_coding" not in val:
        old = [k for k in _OLD_KEYS if k in val]
        hint = f" (it has the old top-level keys {old})" if old else ""
        raise InputError(f"{source}: no key 'human_coding'{hint}; the file predates the coding modes, "
                         "rerun the interview stage (rule interviews_validate)")
    if has_coding(val):
        mode = val.get("mode_used")
        if mode not in MODES:
            raise InputError(f"{source}: key 'mode_used' is {mode!r}; use one of {list(MODES)}")
        if not isinstance(val.get(mode), dict):
            raise InputError(f"{source}: 'mode_used' is {mode!r} but key {mode!r} holds no agreement "
                             "summary; rerun the interview stage")
    return val


def read(path: str | Path) -> dict:
    """Read and :func:`check` validation.json."""
    return check(io.read_json(path), path)


def has_coding(val: dict) -> bool:
    """Whether the interviews have a human coding (so that agreement can be computed)."""
    return bool(val.get("human_coding"))


def note(val: dict) -> str:
    """The note on the human coding: validation.json's ``note``, or :data:`NO_CODING_NOTE` without a coding."""
    text = str(val.get("note") or "").strip()
    if not text and not has_coding(val):
        text = NO_CODING_NOTE
    return text


def mode_used(val: dict) -> str | None:
    """``few_shot`` or ``zero_shot``: the coding whose themes enter the joint display."""
    return val.get("mode_used")


def mode_label(mode: str | None) -> str:
    return MODE_LABELS.get(mode, str(mode or "\u2013"))


def modes(val: dict) -> list[str]:
    """The coding modes with an agreement summary, zero-shot first."""
    return [m for m in MODES if isinstance(val.get(m), dict)] if has_coding(val) else []


def summary(val: dict, mode: str | None = None, split: str = "test") -> dict | None:
    """The agreement summary of ``mode`` (default: the mode used) on ``split``, or None."""
    mode = mode or mode_used(val)
    block = val.get(mode) if has_coding(val) and mode else None
    s = block.get(split) if isinstance(block, dict) else None
    return s if isinstance(s, dict) else None


def mode_table(val: dict, split: str = "test") -> pd.DataFrame:
    """One row per metric of :data:`SUMMARY_METRICS` (index), one column per mode with a summary."""
    cols = {m: [(summary(val, m, split) or {}).get(k) for k, _ in SUMMARY_METRICS] for m in modes(val)}
    return pd.DataFrame(cols, index=[k for k, _ in SUMMARY_METRICS], dtype=object)


def per_theme(val: dict, mode: str | None = None, split: str = "test") -> pd.DataFrame:
    """Per-theme agreement of ``mode`` (default: the mode used) on ``split``: index theme, columns
    :data:`PER_THEME_METRICS` (empty table without a coding)."""
    s = summary(val, mode, split) or {}
    rows = {t: {k: (m or {}).get(k) for k in PER_THEME_METRICS} for t, m in (s.get("per_theme") or {}).items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=PER_THEME_METRICS)


def topics(val: dict) -> dict:
    """The topic model's diagnostics (``n_topics``, outlier shares, NPMI, stability, protocol alignment)."""
    return val.get("topics") or {}


def stability_ari(val: dict):
    return (topics(val).get("stability") or {}).get("mean_pairwise_ari")


def protocol_alignment(val: dict) -> dict:
    return topics(val).get("protocol_alignment") or {}


def robustness(val: dict) -> dict:
    """``seeds`` and ``theme_share`` ({theme: {min, max}}) of the coding re-run over seeds."""
    return val.get("robustness") or {}


def split_ids(val: dict) -> dict[str, list[str]]:
    """Participants per split (training / development / test); empty lists without a coding."""
    s = val.get("split") or {}
    return {k: list(s.get(k) or []) for k in ("training", "development", "test")}
