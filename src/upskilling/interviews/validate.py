"""validation.json: how far the deductive theme coding can be trusted, and the topic diagnostics.

Agreement with the human coding is computed per mode (``zero_shot``, ``few_shot``) and per half of
the human-coded participants (:func:`upskilling.interviews.coding.split_participants`):

- ``development``: the half every setting was chosen on. For the few-shot coder only its
  participants *outside* the training set (training turns are never scored);
- ``test``: the held-out half, never used to choose anything; this is the reported agreement.

Each entry is :func:`upskilling.interviews.agreement.agreement_summary` (kappa with a
participant-clustered bootstrap 95 % CI, Krippendorff's alpha, per-theme precision / recall / F1,
coded vs predicted shares, confusion matrix). Robustness: theme shares and counts of the downstream
coding over seeded bootstrap resamples of the declared training participants, and the test-half kappa of each.
Topic diagnostics (BERTopic, inductive): topics, outliers, coherence, seed stability, protocol alignment.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .agreement import agreement_summary

MODES = {"zero_shot": "theme_zero_shot", "few_shot": "theme_few_shot"}
# participants scored in each half: training participants are never scored
HALVES = {"zero_shot": {"development": ("development", "training"), "test": ("test",)},
          "few_shot": {"development": ("development",), "test": ("test",)}}
TABLE_COLUMNS = ["mode", "split", "theme", "precision", "recall", "f1", "support", "n_predicted", "share_coded",
                 "share_predicted", "share_difference"]
NO_CODING_NOTE = "no human coding: agreement with a human coder cannot be computed"


def agreement_by_mode(segments: pd.DataFrame, labels: list[str], n_boot: int, seed: int) -> tuple[dict, pd.DataFrame]:
    """``({mode: {half: summary}}, long per-theme table)`` over the human-coded segments.

    A mode is ``None`` when it was not run (few-shot without training participants); a half is
    missing when it has no coded segment.
    """
    coded = segments[segments["human_theme"].fillna("") != ""]
    out, rows = {}, []
    for mode, column in MODES.items():
        if column not in coded.columns or (coded[column].fillna("") == "").all():
            out[mode] = None
            continue
        out[mode] = {}
        for half, roles in HALVES[mode].items():
            sub = coded[coded["split"].isin(roles)]
            if sub.empty:
                continue
            summary = agreement_summary(sub["human_theme"].to_numpy(dtype=object), sub[column].to_numpy(dtype=object),
                                        sub["participant_id"].to_numpy(), labels, n_boot=n_boot, seed=seed)
            out[mode][half] = summary
            for theme, stats in summary["per_theme"].items():
                rows.append({"mode": mode, "split": half, "theme": theme, **stats})
    return out, pd.DataFrame(rows, columns=TABLE_COLUMNS)


def robustness(coding_fit: dict, segments: pd.DataFrame, labels: list[str]) -> dict:
    """Theme shares and counts over the robustness runs, and each run's test-half kappa.

    ``theme_share``: per label ``min, max`` share of all segments over the runs; ``min_count_ratio``:
    per theme, the smallest run count divided by the human-coded count (``None`` without a coding).
    """
    runs = coding_fit["robustness"]["runs"]
    n = max(1, len(segments))
    counts = pd.DataFrame([r["theme_counts"] for r in runs]).reindex(columns=labels, fill_value=0).fillna(0)
    human = segments["human_theme"].fillna("")
    coded_counts = human[human != ""].value_counts()
    out = {"seeds": coding_fit["robustness"]["seeds"], "n_runs": len(runs),
           "unit": "participant-level bootstrap resamples of the declared training participants",
           "theme_share": {t: {"min": round(float(counts[t].min()) / n, 4), "max": round(float(counts[t].max()) / n, 4)}
                           for t in labels},
           "theme_count": {t: {"min": int(counts[t].min()), "max": int(counts[t].max()),
                               "coded": int(coded_counts.get(t, 0))} for t in labels}}
    out["min_count_ratio"] = {t: (round(float(counts[t].min()) / coded_counts[t], 4) if coded_counts.get(t, 0) else None)
                              for t in labels} if len(coded_counts) else None
    kappas = [r["test_kappa"] for r in runs if r.get("test_kappa") is not None]
    out["test_kappa"] = ({"mean": round(float(np.mean(kappas)), 4), "min": round(float(np.min(kappas)), 4),
                          "max": round(float(np.max(kappas)), 4), "values": kappas} if kappas else None)
    return out


def validation_report(segments: pd.DataFrame, topics: pd.DataFrame, segmentation: dict, fit_info: dict,
                      stability_summary: dict, coherence_per_topic: pd.DataFrame, coherence_mean, coding_fit: dict,
                      n_boot: int = 2000, seed: int = 0) -> tuple[dict, pd.DataFrame]:
    """Assemble ``validation.json`` and the long per-theme table (``validation.csv``).

    Keys: ``human_coding, note, mode_used, kappa`` (test-half kappa of the mode used), ``split``,
    ``zero_shot`` / ``few_shot`` (``{development, test}`` summaries, or ``None``), ``budget``,
    ``robustness``, ``anchoring``, ``settings``, ``topics`` (``n_topics, outlier_share_before,
    outlier_share_after, coherence_npmi, coherence_per_topic, stability, protocol_alignment``),
    ``n_segments, n_dropped_segments, dropped_by_reason, theme_counts``.
    """
    labels = list(coding_fit["labels"])
    has_coding = coding_fit.get("split") is not None
    report = {"human_coding": has_coding}
    if not has_coding:
        report["note"] = NO_CODING_NOTE
    report["mode_used"] = coding_fit["mode_used"]
    table = pd.DataFrame(columns=TABLE_COLUMNS)
    modes = {"zero_shot": None, "few_shot": None}
    if has_coding:
        modes, table = agreement_by_mode(segments, labels, n_boot, seed)
    used = (modes.get(report["mode_used"]) or {}).get("test")
    report["kappa"] = used["kappa"] if used else None
    report["split"] = coding_fit.get("split")
    report.update(modes)
    report["budget"] = coding_fit.get("budget")
    report["robustness"] = robustness(coding_fit, segments, labels)
    report["anchoring"] = coding_fit.get("anchoring")
    report["settings"] = coding_fit.get("settings")
    report["topics"] = {
        "n_topics": int(fit_info["n_topics"]),
        "outlier_share_before": round(float(fit_info["outlier_share_before"]), 4),
        "outlier_share_after": round(float(fit_info["outlier_share_after"]), 4),
        "coherence_npmi": coherence_mean,
        "coherence_per_topic": {int(r.topic): (None if pd.isna(r.npmi) else round(float(r.npmi), 4))
                                for r in coherence_per_topic.itertuples()},
        "stability": stability_summary,
        "protocol_alignment": fit_info.get("protocol_alignment"),
    }
    report["n_segments"] = int(len(segments))
    report["n_dropped_segments"] = int(segmentation["n_dropped_segments"])
    report["dropped_by_reason"] = segmentation.get("dropped_by_reason", {})
    report["theme_counts"] = {t: int(segments["theme"].eq(t).sum()) for t in labels}
    report["theme_source_counts"] = {k: int(v) for k, v in segments["theme_source"].value_counts().items()}
    return report, table


__all__ = ["agreement_by_mode", "robustness", "validation_report", "NO_CODING_NOTE"]
