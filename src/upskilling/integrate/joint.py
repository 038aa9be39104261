"""The joint display: one row per claim with the survey evidence, the interview evidence, the fit of
the two strands and the verdict; and the interviewees' survey scores beside their themes.

The verdict is never set here: it is the ``verdict`` of the claim's primary row in hypotheses.csv
(computed by the survey stage from the data). The fit comes from :mod:`upskilling.integrate.fit`.
The interview direction and the fit are computed once more per robustness seed of the coding
(coding_seeds.csv: the theme prevalence with the coder re-trained on another seeded draw of training
participants), and the joint display says in how many seeds they come out as in the main coding.
"""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from ..errors import InputError
from ..survey.tests_registry import COMBINATORS
from . import evidence as ev
from . import fit as fitrules
from . import fmt

#: Columns of results/claims.csv, in order.
CLAIM_COLUMNS = [
    "claim", "title", "statement", "headline",
    # survey strand (the claim's primary test)
    "hypothesis", "test", "variables", "statistic", "df", "effect_size_name", "effect_size", "ci_low",
    "ci_high", "p", "p_adjusted", "correction", "n", "verdict", "parts",
    # interview strand
    "themes", "theme_shares", "theme_participants", "segment_share", "n_segments", "n_participants",
    "n_interviewees", "qual_direction", "qual_reason",
    "quote_1", "quote_1_source", "quote_2", "quote_2_source",
    # the human coding beside the model's (segments.csv human_theme): direction and fit by the same rules
    # on the human-coded segments; shares of model and human on the same held-out test-half segments
    "qual_direction_human", "fit_human", "test_shares_model", "test_shares_human", "n_test_segments",
    # per interviewee (results/claims_people.csv): survey score vs share of the claim's themes (Spearman)
    "person_score", "person_talk", "person_n", "person_rho_model", "person_rho_human",
    # integration
    "fit", "interpretation",
    # robustness over the coding seeds (coding_seeds.csv)
    "direction_over_seeds", "direction_agreement_seeds", "fit_over_seeds", "fit_agreement_seeds", "n_seeds",
    "linked_n", "linked_scores",
]


def primary_rows(hypotheses: pd.DataFrame, claims: list[str], source: str = "hypotheses.csv") -> pd.DataFrame:
    """The single primary row of each claim (index claim); a missing or doubled primary is an error."""
    prim = hypotheses[hypotheses["primary"]]
    out = {}
    for claim in claims:
        rows = prim[prim["claim"] == claim]
        if len(rows) == 0:
            raise InputError(f"{source}: no row with primary == True for claim {claim}; "
                             "mark the test that decides the claim in config/analysis.yaml")
        if len(rows) > 1:
            raise InputError(f"{source}: {len(rows)} rows with primary == True for claim {claim} "
                             f"({', '.join(map(str, rows['hypothesis']))}); mark exactly one")
        out[claim] = rows.iloc[0]
    return pd.DataFrame(out).T


def component_summary(hypotheses: pd.DataFrame, primary: pd.Series) -> str:
    """For a combined primary row (``all_of`` / ``any_of``, variables 'H2a & H2b'), one line per part:
    'H2a binomial: proportion = 0.12 [0.08, 0.17], p adj. < .001, supported'. Empty otherwise."""
    if primary["test"] not in COMBINATORS:
        return ""
    ids = [v.strip() for v in str(primary["variables"]).replace("|", "&").split("&") if v.strip()]
    by_id = hypotheses.set_index("hypothesis")
    parts = []
    for h in ids:
        if h not in by_id.index:
            parts.append(f"{h}: not in hypotheses.csv")
            continue
        r = by_id.loc[h].to_dict()
        parts.append(f"{h} {r['test']}: {fmt.estimate(r)}, {fmt.p_text(r['p_adjusted'], 'p adj.')}, {r['verdict']}")
    return "; ".join(parts)


def link_interviewees(roster: pd.DataFrame | None, scored: pd.DataFrame, prevalence: pd.DataFrame,
                      constructs: list[str], theme_order: list[str] | None = None) -> pd.DataFrame:
    """Interviewees' survey scores beside their theme shares.

    Returns one row per interviewee: ``participant_id, respondent_id, in_survey`` (the response
    survived the survey's exclusions), one column per construct (scale mean, NaN when not in the
    survey) and one column ``share_<theme>`` per theme (share of the participant's segments), themes
    in ``theme_order`` first.
    """
    shares = prevalence.pivot_table(index="participant_id", columns="theme", values="share",
                                    aggfunc="sum", fill_value=0.0)
    order = [t for t in (theme_order or []) if t in shares.columns]
    shares = shares[order + sorted(set(shares.columns) - set(order))]
    shares.columns = [f"share_{c}" for c in shares.columns]
    people = pd.DataFrame({"participant_id": sorted(prevalence["participant_id"].unique())})
    if roster is not None:
        link = roster[["participant_id", "response_id"]].rename(columns={"response_id": "respondent_id"})
        people = people.merge(link.drop_duplicates("participant_id"), on="participant_id", how="left")
    else:
        people["respondent_id"] = pd.NA
    cols = [c for c in constructs if c in scored.columns]
    scores = scored[["respondent_id", *cols]].drop_duplicates("respondent_id")
    people["in_survey"] = people["respondent_id"].isin(set(scores["respondent_id"]))
    people = people.merge(scores, on="respondent_id", how="left")
    people = people.merge(shares, left_on="participant_id", right_index=True, how="left")
    return people.reset_index(drop=True)


def _linked_summary(linked: pd.DataFrame, constructs: list[str], labels: dict[str, str]) -> tuple[int, str]:
    inside = linked[linked["in_survey"]]
    parts = []
    for c in constructs:
        if c in inside.columns and inside[c].notna().any():
            v = inside[c].dropna()
            parts.append(f"{labels.get(c, c)} M = {v.mean():.2f} (SD {v.std(ddof=1) if len(v) > 1 else 0:.2f})")
    return int(len(inside)), "; ".join(parts)


def _num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return None if math.isnan(f) else f


def seed_summaries(coding_seeds: pd.DataFrame | None, themes: list[str]) -> dict:
    """{seed: :func:`~upskilling.integrate.fit.theme_summary` of that seed's prevalence table}, by seed."""
    if coding_seeds is None or coding_seeds.empty:
        return {}
    return {seed: fitrules.theme_summary(prev, themes)
            for seed, prev in coding_seeds.groupby("seed", sort=True)}


def agreement_text(main: str, values: list[str]) -> tuple[int, str]:
    """(k, 'supports in k of n seeds') for the seeds' values against the main coding's value ``main``;
    the other values follow, most frequent first: 'confirmation in 4 of 5 seeds; expansion in 1'.
    (0, '') without seeds."""
    if not values:
        return 0, ""
    k = sum(v == main for v in values)
    text = f"{main} in {k} of {len(values)} seed{'s' if len(values) != 1 else ''}"
    others = Counter(v for v in values if v != main)
    for v, c in sorted(others.items(), key=lambda kv: (-kv[1], kv[0])):
        text += f"; {v} in {c}"
    return k, text


def over_seeds(claim: str, claim_themes: list[str], verdict: str, direction: str, fit: str,
               summaries: dict, settings: dict) -> dict:
    """The claim's interview direction and fit in each seed of ``summaries`` (:func:`seed_summaries`),
    against the main coding's ``direction`` and ``fit``: the robustness columns of :data:`CLAIM_COLUMNS`."""
    dirs, fits = [], []
    for summary in summaries.values():
        d, _ = fitrules.qualitative_direction(claim, claim_themes, summary, settings["contrasts"],
                                              settings["prevalence"])
        dirs.append(d)
        fits.append(fitrules.fit(verdict, d, settings["fit"]))
    k_dir, dir_text = agreement_text(direction, dirs)
    k_fit, fit_text = agreement_text(fit, fits)
    none = not summaries
    return {"direction_over_seeds": dir_text, "direction_agreement_seeds": None if none else k_dir,
            "fit_over_seeds": fit_text, "fit_agreement_seeds": None if none else k_fit,
            "n_seeds": len(summaries)}


def k_of_n(row: dict) -> str:
    """'4 of 5' (seeds whose fit equals the main coding's), '' without seeds."""
    n, k = row.get("n_seeds"), row.get("fit_agreement_seeds")
    try:
        n, k = int(float(n)), int(float(k))
    except (TypeError, ValueError):
        return ""
    return f"{k} of {n}" if n > 0 else ""


def build_claims(hypotheses: pd.DataFrame, themes: pd.DataFrame, prevalence: pd.DataFrame,
                 quotes: pd.DataFrame, linked: pd.DataFrame, settings: dict,
                 construct_labels: dict[str, str] | None = None,
                 coding_seeds: pd.DataFrame | None = None, claims: dict | None = None,
                 segments: pd.DataFrame | None = None, evidence: dict | None = None) -> pd.DataFrame:
    """The joint display: one row per claim (columns :data:`CLAIM_COLUMNS`).

    Claims are those of the analysis plan, ``claims`` (:func:`upskilling.survey.plan.claim_specs`: title,
    statement, headline, constructs), in the plan's order; without ``claims``, every claim with a row in
    hypotheses.csv, sorted by id. Every claim needs exactly one primary row in hypotheses.csv. A theme
    whose claim is not in the plan (themes.yaml written for another study or wave) bears on no claim
    here: :func:`unplanned_themes` lists them, and claims.md and the report say so.
    With ``coding_seeds`` (coding_seeds.csv: ``seed`` plus the columns of theme_prevalence.csv), the
    direction and the fit are recomputed per seed with the same rules (:func:`over_seeds`); without
    it the robustness columns are empty and ``n_seeds`` is 0. With ``segments`` (segments.csv) holding a
    human coding, the human columns, the per-interviewee correlation with the human coding and the
    agreed-only quotes are filled (:mod:`.evidence`); without it they are empty. With ``evidence`` (a
    dict), each claim's quote rows and interviewee rows are appended to its lists ``quotes`` and ``people``
    (results/claims_quotes.csv and claims_people.csv), so they are computed once.
    """
    construct_labels = construct_labels or {}
    claims_cfg = claims if claims is not None else {
        c: {"title": c, "statement": "", "headline": None, "constructs": []}
        for c in sorted(set(hypotheses["claim"].dropna()))}
    ids = list(claims_cfg)
    primary = primary_rows(hypotheses, ids)
    summary = fitrules.theme_summary(prevalence, list(themes["theme"]))
    per_seed = seed_summaries(coding_seeds, list(themes["theme"]))
    theme_ids = list(themes["theme"])
    coded = ev.has_human(segments)
    human_prev = ev.human_prevalence(segments, theme_ids) if coded else None
    human_summary = fitrules.theme_summary(human_prev, theme_ids) if coded else None
    test = ev.split_shares(segments, theme_ids).set_index("theme") if coded else None
    share = summary.set_index("theme")
    people = prevalence["participant_id"].nunique()
    rows = []
    for claim in ids:
        cfg = claims_cfg[claim]
        claim_themes = list(themes.loc[themes["claim"] == claim, "theme"])
        direction, reason = fitrules.qualitative_direction(
            claim, claim_themes, summary, settings["contrasts"], settings["prevalence"])
        _, required = fitrules.required_themes(claim, claim_themes, settings["contrasts"])
        present = prevalence[(prevalence["theme"].isin(required)) & (prevalence["n_segments"] > 0)]
        claim_quotes = ev.claim_quotes(claim, claim_themes, settings["contrasts"], quotes, segments,
                                       settings["quotes_per_claim"])
        quotes_picked = claim_quotes.to_dict("records")
        p = primary.loc[claim]
        n_linked, linked_scores = _linked_summary(linked, cfg.get("constructs", []), construct_labels)
        fit = fitrules.fit(p["verdict"], direction, settings["fit"])
        if coded:
            dir_h, _ = fitrules.qualitative_direction(claim, claim_themes, human_summary, settings["contrasts"],
                                                      settings["prevalence"])
            fit_h = fitrules.fit(p["verdict"], dir_h, settings["fit"])
        else:
            dir_h, fit_h = ev.NO_HUMAN_CODING, ""
        people_rows, person = ev.person_link(
            claim, ev.score_and_talk(claim, list(cfg.get("constructs", [])), claim_themes, settings["contrasts"]),
            linked, prevalence, human_prev)
        if evidence is not None:
            evidence.setdefault("quotes", []).append(claim_quotes)
            evidence.setdefault("people", []).append(people_rows)
        row = {
            "claim": claim, "title": cfg["title"], "statement": cfg.get("statement") or "",
            "headline": cfg.get("headline") or p["hypothesis"],
            "hypothesis": p["hypothesis"], "test": p["test"], "variables": p["variables"],
            "statistic": _num(p["statistic"]), "df": _num(p["df"]),
            "effect_size_name": p["effect_size_name"], "effect_size": _num(p["effect_size"]),
            "ci_low": _num(p["ci_low"]), "ci_high": _num(p["ci_high"]), "p": _num(p["p"]),
            "p_adjusted": _num(p["p_adjusted"]), "correction": p["correction"], "n": _num(p["n"]),
            "verdict": p["verdict"], "parts": component_summary(hypotheses, p),
            "themes": "; ".join(claim_themes),
            "theme_shares": "; ".join(f"{t} {fmt.pct(share.loc[t, 'share'], 1)}" for t in claim_themes),
            "theme_participants": "; ".join(f"{t} {share.loc[t, 'n_participants']}/{people}"
                                            for t in claim_themes),
            "segment_share": float(share.loc[required, "share"].sum()) if required else 0.0,
            "n_segments": int(share.loc[required, "n_segments"].sum()) if required else 0,
            "n_participants": int(present["participant_id"].nunique()),
            "n_interviewees": int(people),
            "qual_direction": direction, "qual_reason": reason,
            "qual_direction_human": dir_h, "fit_human": fit_h,
            "test_shares_model": "; ".join(f"{t} {fmt.pct(test.loc[t, 'share_model'], 1)}" for t in claim_themes)
            if coded else "",
            "test_shares_human": "; ".join(f"{t} {fmt.pct(test.loc[t, 'share_human'], 1)}" for t in claim_themes)
            if coded else "",
            "n_test_segments": int(test["n"].iloc[0]) if coded and len(test) else 0,
            "person_score": person["score_name"], "person_talk": person["talk_name"], "person_n": person["n"],
            "person_rho_model": _num(person["rho_model"]), "person_rho_human": _num(person["rho_human"]),
            "fit": fit,
            **over_seeds(claim, claim_themes, p["verdict"], direction, fit, per_seed, settings),
            "linked_n": n_linked, "linked_scores": linked_scores,
        }
        for i in (1, 2):
            q = quotes_picked[i - 1] if len(quotes_picked) >= i else None
            row[f"quote_{i}"] = " ".join(str(q["text"]).split()) if q else ""
            how = "; human code" if q and str(q.get("theme_source", "")) == "human" else (
                "; model and human agree" if q and q.get("agreement") == "agree" else "")
            role = "counter-example: " if q and q.get("role") == "counter-example" else ""
            row[f"quote_{i}_source"] = f"{role}{q['participant_id']}, {q['turn_id']} ({q['theme']}{how})" if q else ""
        row["interpretation"] = ev.interpretation(row)
        rows.append(row)
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def unplanned_themes(themes: pd.DataFrame, claims: list[str]) -> dict[str, list[str]]:
    """``{claim: [theme, ...]}`` of the themes in themes.yaml whose claim is not one of ``claims`` (the
    analysis plan's): they are coded and counted, but bear on no claim of this plan."""
    out: dict[str, list[str]] = {}
    for t, c in zip(themes["theme"], themes["claim"]):
        if isinstance(c, str) and c and c not in claims:
            out.setdefault(c, []).append(t)
    return out


def _md_cell(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1e-3 and v != 0 else f"{v:.3f}".rstrip("0").rstrip(".")
    return str(v).replace("|", "\\|").replace("\n", " ")


def to_markdown(claims: pd.DataFrame, linked: pd.DataFrame, unplanned: dict | None = None) -> str:
    """The joint display as Markdown: a summary table, the quotes per claim, and the interviewees;
    ``unplanned`` (:func:`unplanned_themes`) is listed under the table."""
    lines = ["# Joint display: survey and interview evidence per claim", "",
             "| claim | survey test | estimate [95% CI] | p (adj.) | n | verdict | themes (share of segments) "
             "| participants | interviews | fit | same fit in seeds |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in claims.to_dict("records"):
        est = fmt.estimate(r)
        lines.append("| " + " | ".join(_md_cell(x) for x in [
            f"{r['claim']}: {r['title']}", fmt.test_label(r), est, fmt.pvalue(r["p_adjusted"]), r["n"], r["verdict"],
            r["theme_shares"], r["theme_participants"], r["qual_direction"], r["fit"], k_of_n(r)]) + " |")
    for claim, ts in sorted((unplanned or {}).items()):
        lines += ["", f"Themes {', '.join(ts)} name claim {claim}, which is not in this wave's analysis plan: "
                  "they are coded and counted but bear on no claim here."]
    lines += ["", "## Robustness over the coding seeds", ""]
    seeded = [r for r in claims.to_dict("records") if k_of_n(r)]
    if seeded:
        lines += ["The interview direction and the fit recomputed with the coder re-trained on other seeded "
                  "draws of training participants (coding_seeds.csv):", ""]
        lines += [f"- **{r['claim']}** interviews: {_md_cell(r['direction_over_seeds'])}; "
                  f"fit: {_md_cell(r['fit_over_seeds'])}" for r in seeded]
    else:
        lines.append("No robustness seeds were given (coding_seeds.csv).")
    combined = [r for r in claims.to_dict("records") if r.get("parts")]
    if combined:
        lines += ["", "## Parts of the combined primary tests", ""]
        for r in combined:
            lines += [f"- **{r['claim']}** ({r['hypothesis']}, {r['test']}):"]
            lines += [f"  - {_md_cell(part)}" for part in str(r["parts"]).split("; ")]
    lines += ["", "## Exemplar quotes", ""]
    for r in claims.to_dict("records"):
        for i in (1, 2):
            if r[f"quote_{i}"]:
                lines.append(f"- **{r['claim']}** \u201c{_md_cell(r[f'quote_{i}'])}\u201d ({r[f'quote_{i}_source']})")
    lines += ["", "## Interviewees' survey scores beside their themes", ""]
    cols = [c for c in linked.columns if c not in ("respondent_id",)]
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "---|" * len(cols))
    for r in linked[cols].to_dict("records"):
        lines.append("| " + " | ".join(_md_cell(r[c]) for c in cols) + " |")
    return "\n".join(lines) + "\n"
