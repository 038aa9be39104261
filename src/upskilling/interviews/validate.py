"""Validation of the interview model against the human coding, and the validation report.

The human coding (``participant_id,turn_id,theme``, one row per participant turn) is read ONLY here:
it never influences segmentation, embeddings, topics or the topic-to-theme map.

Agreement is computed on segments: each segment is compared with the code of the turn it comes from.
A turn-level version (the segments' majority theme per turn) is reported too. Statistics:
Cohen's kappa and per-theme precision / recall / F1 / support (scikit-learn), adjusted Rand index
between model themes and human codes; the same kappa for every stability seed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, cohen_kappa_score, precision_recall_fscore_support

from ..errors import InputError
from .themes import OTHER

PER_THEME_COLUMNS = ["theme", "precision", "recall", "f1", "support", "n_predicted"]


def read_human_coding(path: str | Path, theme_ids: list[str]) -> pd.Series:
    """Read the human coding; return the code per ``turn_id``.

    Raises :class:`InputError` for missing columns, duplicate turns or codes that are neither a theme
    id of config/themes.yaml nor ``other``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: human coding not found; set interviews.human_coding (or '' to skip validation)")
    coding = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"turn_id", "theme"} - set(coding.columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {sorted(missing)}; expected participant_id,turn_id,theme")
    allowed = set(theme_ids) | {OTHER}
    for i, (turn, code) in enumerate(zip(coding["turn_id"], coding["theme"]), start=2):
        if code not in allowed:
            raise InputError(f"{path}: row {i}, column 'theme': unknown theme '{code}'; use one of "
                             f"{sorted(allowed)}")
    dup = coding["turn_id"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        raise InputError(f"{path}: row {row}, column 'turn_id': turn '{coding['turn_id'][row - 2]}' is coded twice; keep one code per turn")
    return coding.set_index("turn_id")["theme"]


def per_theme_table(truth, predicted, labels: list[str]) -> pd.DataFrame:
    """Per-theme ``precision, recall, f1, support`` (human codes) and ``n_predicted`` (model)."""
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    pred = pd.Series(predicted).value_counts()
    return pd.DataFrame({"theme": labels, "precision": np.round(p, 4), "recall": np.round(r, 4),
                         "f1": np.round(f, 4), "support": s.astype(int),
                         "n_predicted": [int(pred.get(t, 0)) for t in labels]}, columns=PER_THEME_COLUMNS)


def _num(x) -> float | None:
    """Rounded float, or None where a statistic is undefined (JSON has no NaN)."""
    x = float(x)
    return None if np.isnan(x) else round(x, 4)


def _kappa(truth, predicted, labels) -> float:
    # kappa is undefined (NaN) when the two raters share at most one label, e.g. a one-theme run
    if len(set(truth) | set(predicted)) < 2:
        return float("nan")
    return float(cohen_kappa_score(truth, predicted, labels=labels, replace_undefined_by=np.nan))


def _agreement(truth, predicted, labels) -> dict:
    return {"kappa": _num(_kappa(truth, predicted, labels)),
            "ari": _num(adjusted_rand_score(truth, predicted)),
            "accuracy": _num(np.mean(np.asarray(truth) == np.asarray(predicted))),
            "n": int(len(truth))}


def turn_majority(segments: pd.DataFrame) -> pd.Series:
    """The majority theme of each turn's segments (ties: the theme with the higher summed probability)."""
    agg = segments.groupby(["turn_id", "theme"]).agg(n=("theme", "size"), p=("probability", "sum")).reset_index()
    agg = agg.sort_values(["turn_id", "n", "p", "theme"], ascending=[True, False, False, True])
    return agg.drop_duplicates("turn_id").set_index("turn_id")["theme"]


def agreement(segments: pd.DataFrame, coding: pd.Series, theme_ids: list[str],
              stability: pd.DataFrame | None = None) -> tuple[dict, pd.DataFrame]:
    """Agreement of ``segments`` (results table: ``turn_id, theme, probability``) with the human coding.

    Returns ``(summary, per_theme)``: summary has ``kappa, ari, accuracy, n`` (segments),
    ``n_segments_uncoded`` (their turn has no code, excluded), ``turn_level`` (same statistics on turns,
    plus ``n_coded_turns_without_segments``) and ``kappa_over_seeds`` (``mean, min, max`` over the
    stability runs) when ``stability`` is given.
    """
    labels = list(theme_ids) + [OTHER]
    coded = segments["turn_id"].isin(coding.index)
    seg = segments[coded]
    if seg.empty:
        raise InputError("human coding: no analysed segment belongs to a coded turn; check that its turn_id "
                         "values match the transcripts (e.g. P01-T004)")
    truth = coding.loc[seg["turn_id"]].to_numpy()
    summary = _agreement(truth, seg["theme"].to_numpy(), labels)
    summary["n_segments_uncoded"] = int((~coded).sum())
    majority = turn_majority(seg)
    turn = _agreement(coding.loc[majority.index].to_numpy(), majority.to_numpy(), labels)
    turn["n_coded_turns_without_segments"] = int((~coding.index.isin(segments["turn_id"])).sum())
    summary["turn_level"] = turn
    if stability is not None and len(stability):
        kappas = []
        for _, run in stability.groupby("seed"):
            run = run.sort_values("segment_index")
            pred = run["theme"].to_numpy()[coded.to_numpy()]
            kappas.append(_kappa(truth, pred, labels))
        summary["kappa_over_seeds"] = {"mean": _num(np.mean(kappas)), "min": _num(np.min(kappas)),
                                       "max": _num(np.max(kappas)), "n_runs": len(kappas)}
    return summary, per_theme_table(truth, seg["theme"].to_numpy(), labels)


def theme_share_over_seeds(assignments: pd.DataFrame, themes: list[str]) -> dict:
    """Per theme, the ``min`` and ``max`` share of segments over the stability runs: how much a theme's
    prevalence (what the claims compare) moves with the seed alone."""
    shares = (assignments.groupby("seed")["theme"].value_counts(normalize=True).unstack(fill_value=0.0)
              .reindex(columns=themes, fill_value=0.0))
    return {t: {"min": round(float(shares[t].min()), 4), "max": round(float(shares[t].max()), 4)} for t in themes}


def validation_report(segments: pd.DataFrame, topics: pd.DataFrame, segmentation: dict, fit_info: dict,
                      stability_summary: dict, coherence_per_topic: pd.DataFrame, coherence_mean,
                      coding: pd.Series | None, theme_ids: list[str],
                      stability_assignments: pd.DataFrame | None = None) -> tuple[dict, pd.DataFrame]:
    """Assemble ``validation.json`` and the per-theme table.

    Keys: ``kappa, ari, accuracy, per_theme{theme: {precision, recall, f1, support}}, turn_level,
    kappa_over_seeds, stability{seeds, mean_pairwise_ari, ...}, coherence_npmi, coherence_per_topic,
    outlier_share_before, outlier_share_after, n_segments, n_dropped_segments, dropped_by_reason,
    n_topics, theme_counts, theme_share_over_seeds, human_coding`` (``kappa``/``ari``/``per_theme`` are
    null without a human coding).
    """
    report = {"human_coding": coding is not None}
    table = pd.DataFrame(columns=PER_THEME_COLUMNS)
    if coding is not None:
        summary, table = agreement(segments, coding, theme_ids, stability_assignments)
        report.update(summary)
        report["per_theme"] = {r.theme: {"precision": r.precision, "recall": r.recall, "f1": r.f1,
                                         "support": int(r.support)} for r in table.itertuples()}
    else:
        report.update(kappa=None, ari=None, per_theme=None)
    report["stability"] = stability_summary
    report["coherence_npmi"] = coherence_mean
    report["coherence_per_topic"] = {int(r.topic): (None if pd.isna(r.npmi) else round(float(r.npmi), 4))
                                     for r in coherence_per_topic.itertuples()}
    report["outlier_share_before"] = round(float(fit_info["outlier_share_before"]), 4)
    report["outlier_share_after"] = round(float(fit_info["outlier_share_after"]), 4)
    report["n_topics"] = int(fit_info["n_topics"])
    report["n_segments"] = int(len(segments))
    report["n_dropped_segments"] = int(segmentation["n_dropped_segments"])
    report["dropped_by_reason"] = segmentation.get("dropped_by_reason", {})
    report["theme_counts"] = {t: int(n) for t, n in segments["theme"].value_counts().items()}
    if stability_assignments is not None and len(stability_assignments):
        report["theme_share_over_seeds"] = theme_share_over_seeds(stability_assignments, list(theme_ids) + [OTHER])
    report["n_topics_per_theme"] = {t: int(n) for t, n in topics[topics["topic"] != -1]["theme"].value_counts().items()}
    return report, table
