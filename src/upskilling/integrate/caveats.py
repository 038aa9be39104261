"""Automatic caveats for the report: every threshold comes from ``integration.caveats`` in config.

Returns a tidy table so that the report, the notebook and the tests read the same thing.
"""
from __future__ import annotations

import math

import pandas as pd

from . import validation as V

#: Columns of the caveats table.
COLUMNS = ["kind", "subject", "value", "threshold", "message"]


def _bad(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def caveats(reliability: pd.DataFrame, hypotheses: pd.DataFrame, validation: dict,
            prevalence: pd.DataFrame, claims: pd.DataFrame, thresholds: dict) -> pd.DataFrame:
    """One row per caveat: ``kind, subject, value, threshold, message``.

    ``validation`` is validation.json (structure in docs/ARCHITECTURE.md; see
    :mod:`upskilling.integrate.validation`). Kinds: ``low_alpha`` (a scale's alpha < min_alpha),
    ``small_n`` (a test on n < min_n), ``few_interviewees``, ``unstable_themes`` (mean pairwise ARI of
    the topic model across seeds < min_stability_ari), ``outliers`` (outlier share after reduction >
    max_outlier_share), ``low_coherence`` (NPMI < min_coherence), ``protocol_topics`` (the inductive
    topics follow the interview protocol), ``no_human_coding`` (there is no human coding, so no
    agreement can be computed), ``low_agreement`` (test-half kappa of the coding used < min_kappa),
    ``weak_theme`` (its test-half F1 < min_theme_f1; the catch-all 'other' is not checked),
    ``seed_sensitive`` (a claim's fit holds in a share of the coding seeds < min_seed_agreement),
    ``discordance`` (strands disagree on a claim), ``missing_metric`` (a validation metric is absent,
    so it could not be checked).
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

    top = V.topics(validation)
    checks = [
        ("unstable_themes", "topic model", V.stability_ari(validation), t["min_stability_ari"], "<",
         "Topic assignments agree across seeds with mean pairwise ARI {v:.2f} (< {th:.2f}): topics are unstable."),
        ("outliers", "segments", top.get("outlier_share_after"), t["max_outlier_share"], ">",
         "{v:.0%} of segments remain outliers after reduction (> {th:.0%})."),
        ("low_coherence", "topics", top.get("coherence_npmi"), t["min_coherence"], "<",
         "Topic coherence (NPMI) is {v:.3f} (< {th:.2f}): topic keywords hang together weakly."),
    ]
    coding = V.has_coding(validation)
    mode = V.mode_label(V.mode_used(validation))
    if coding:
        s = V.summary(validation) or {}
        lo, hi = s.get("kappa_ci_low"), s.get("kappa_ci_high")
        ci = f", 95% CI [{lo:.2f}, {hi:.2f}]" if not (_bad(lo) or _bad(hi)) else ""
        checks.append(("low_agreement", "human coding", validation.get("kappa"), t["min_kappa"], "<",
                       f"Cohen's kappa of the {mode} coding with the human coding (test half) is {{v:.2f}}{ci} "
                       "(< {th:.2f}): the themes in the joint display often differ from a human coder's."))
    else:
        note = V.note(validation)
        add("no_human_coding", "human coding", None, None,
            "There is no human coding of the interviews, so no agreement with a human coding can be "
            "computed: the themes in the joint display are the model's codes and are not validated "
            "against a human coder" + ("" if note == V.NO_CODING_NOTE else f" ({note})") + ".")
    for kind, subject, v, th, op, msg in checks:
        if _bad(v):
            add("missing_metric", subject, None, th, f"validation.json has no value for {kind.replace('_', ' ')}; "
                "it could not be checked.")
        elif (v < th) if op == "<" else (v > th):
            add(kind, subject, v, th, msg.format(v=v, th=th))
    align = V.protocol_alignment(validation)
    if align.get("follows_protocol") is True:
        ami = align.get("ami")
        add("protocol_topics", "topics", ami, None,
            "The inductive topics follow the interview protocol" + ("" if _bad(ami) else f" (AMI {ami:.2f} "
            "with the protocol questions)") + ": they show what was asked more than what was said.")
    for theme, m in V.per_theme(validation).iterrows():
        if theme == "other":  # the catch-all, not a theme of the study
            continue
        f1 = m.get("f1")
        if not _bad(f1) and f1 < t["min_theme_f1"]:
            add("weak_theme", theme, f1, t["min_theme_f1"],
                f"Theme '{theme}' matches the human coding with F1 {f1:.2f} in the test half ({mode} coding; "
                f"< {t['min_theme_f1']:.2f}): read its prevalence with care.")
    for r in claims.to_dict("records"):
        if r["fit"] == "discordance":
            add("discordance", r["claim"], None, None,
                f"{r['claim']}: the survey ({r['verdict']}) and the interviews ({r['qual_direction']}) disagree.")
        n, k = r.get("n_seeds"), r.get("fit_agreement_seeds")
        if not (_bad(n) or _bad(k)) and n > 0 and k / n < t["min_seed_agreement"]:
            add("seed_sensitive", r["claim"], k / n, t["min_seed_agreement"],
                f"{r['claim']}: the fit of the strands comes out as in the joint display in only {int(k)} of "
                f"{int(n)} coding seeds ({r.get('fit_over_seeds')}): it depends on which participants "
                "trained the coder.")
    return pd.DataFrame(out, columns=COLUMNS)
