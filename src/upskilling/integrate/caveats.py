"""Automatic caveats for the report: every threshold comes from ``integration.caveats`` in config.

Returns a tidy table so that the report, the notebook and the tests read the same thing.
"""
from __future__ import annotations

import math

import pandas as pd

#: Columns of the caveats table.
COLUMNS = ["kind", "subject", "value", "threshold", "message"]


def _bad(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def caveats(reliability: pd.DataFrame, hypotheses: pd.DataFrame, validation: dict,
            prevalence: pd.DataFrame, claims: pd.DataFrame, thresholds: dict) -> pd.DataFrame:
    """One row per caveat: ``kind, subject, value, threshold, message``.

    Kinds: ``low_alpha`` (a scale's alpha < min_alpha), ``small_n`` (a test on n < min_n),
    ``few_interviewees``, ``unstable_themes`` (mean pairwise ARI across seeds < min_stability_ari),
    ``low_agreement`` (kappa with the human coding < min_kappa), ``weak_theme`` (per-theme F1 <
    min_theme_f1; the catch-all 'other' is not checked), ``outliers`` (outlier share after
    reduction > max_outlier_share), ``low_coherence`` (NPMI < min_coherence), ``discordance``
    (strands disagree on a claim), ``missing_metric`` (a validation metric is absent, so it could not be checked).
    """
    t = thresholds
    out = []

    def add(kind, subject, value, threshold, message):
        out.append({"kind": kind, "subject": subject, "value": value, "threshold": threshold,
                    "message": message})

    for r in reliability.to_dict("records"):
        if not _bad(r["alpha"]) and r["alpha"] < t["min_alpha"]:
            add("low_alpha", r["scale"], r["alpha"], t["min_alpha"],
                f"Scale '{r['scale']}' has Cronbach's alpha {r['alpha']:.2f} (< {t['min_alpha']:.2f}): "
                "its scores are noisy and tests on it lose power.")
    for r in hypotheses.to_dict("records"):
        if not _bad(r["n"]) and r["n"] < t["min_n"]:
            add("small_n", r["hypothesis"], r["n"], t["min_n"],
                f"Test {r['hypothesis']} ({r['claim']}) uses n = {int(r['n'])} (< {t['min_n']}): "
                "estimates are imprecise.")
    n_people = prevalence["participant_id"].nunique()
    if n_people < t["min_interviewees"]:
        add("few_interviewees", "interviews", n_people, t["min_interviewees"],
            f"Only {n_people} interviewees (< {t['min_interviewees']}): theme prevalence is fragile.")

    stab = (validation.get("stability") or {}).get("mean_pairwise_ari")
    checks = [
        ("unstable_themes", "topic model", stab, t["min_stability_ari"], "<",
         "Topic assignments agree across seeds with mean pairwise ARI {v:.2f} (< {th:.2f}): themes are unstable."),
        ("low_agreement", "human coding", validation.get("kappa"), t["min_kappa"], "<",
         "Cohen's kappa with the human coding is {v:.2f} (< {th:.2f}): the model's themes often differ "
         "from a human coder's."),
        ("outliers", "segments", validation.get("outlier_share_after"), t["max_outlier_share"], ">",
         "{v:.0%} of segments remain outliers after reduction (> {th:.0%})."),
        ("low_coherence", "topics", validation.get("coherence_npmi"), t["min_coherence"], "<",
         "Topic coherence (NPMI) is {v:.3f} (< {th:.2f}): topic keywords hang together weakly."),
    ]
    for kind, subject, v, th, op, msg in checks:
        if _bad(v):
            add("missing_metric", subject, None, th, f"validation.json has no value for {kind.replace('_', ' ')}; "
                "it could not be checked.")
        elif (v < th) if op == "<" else (v > th):
            add(kind, subject, v, th, msg.format(v=v, th=th))
    for theme, m in sorted((validation.get("per_theme") or {}).items()):
        if theme == "other":  # the catch-all, not a theme of the study
            continue
        f1 = m.get("f1") if isinstance(m, dict) else None
        if not _bad(f1) and f1 < t["min_theme_f1"]:
            add("weak_theme", theme, f1, t["min_theme_f1"],
                f"Theme '{theme}' matches the human coding with F1 {f1:.2f} (< {t['min_theme_f1']:.2f}): "
                "read its prevalence with care.")
    for r in claims.to_dict("records"):
        if r["fit"] == "discordance":
            add("discordance", r["claim"], None, None,
                f"{r['claim']}: the survey ({r['verdict']}) and the interviews ({r['qual_direction']}) disagree.")
    return pd.DataFrame(out, columns=COLUMNS)
