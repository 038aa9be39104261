"""The report's sections beyond the claims: the sample (:mod:`.sample`), the theme codebook and the
methods paragraph (:mod:`.methods`), the planted-vs-recovered table of a synthetic wave
(:mod:`.truth_table`) and, per claim, the interview evidence beside the human coding and per
interviewee (:mod:`.evidence`: results/claims_people.csv and claims_quotes.csv). Each is read from
pipeline outputs; :func:`context` returns the template variables, which report.build_context merges in.
"""
from __future__ import annotations

import pandas as pd

from ..survey.codebook import Codebook
from . import fmt
from . import inputs as io
from . import methods as methods_section
from . import sample as sample_section
from . import truth_table
from .settings import narrow

#: The settings these sections read (dotted paths; the report rule's params include them).
READS = ["integration.sample", *methods_section.READS]


def _people(people: pd.DataFrame | None, claims: pd.DataFrame) -> dict[str, dict]:
    """Per claim: the interviewee rows (ordered by the survey score) and the two correlations."""
    out = {}
    if people is None:
        return out
    for r in claims.to_dict("records"):
        rows = people[people["claim"] == r["claim"]]
        if rows.empty:
            continue
        out[r["claim"]] = {
            "score_name": r.get("person_score") or "", "talk_name": r.get("person_talk") or "",
            "n": r.get("person_n"), "rho_model": fmt.num(r.get("person_rho_model")),
            "rho_human": fmt.num(r.get("person_rho_human")),
            "rows": [{"participant_id": p["participant_id"], "score": fmt.num(p["score"]),
                      "model": fmt.pct(p["share_model"], 1), "human": fmt.pct(p["share_human"], 1)}
                     for p in rows.to_dict("records")]}
    return out


def _quotes(quotes: pd.DataFrame | None) -> dict[str, list[dict]]:
    if quotes is None:
        return {}
    return {c: g.sort_values("order").to_dict("records") for c, g in quotes.groupby("claim", sort=False)}


def context(paths: dict, config: dict, claims: pd.DataFrame, linked: pd.DataFrame, segments: pd.DataFrame | None,
            validation: dict, provenance: dict, hypotheses: pd.DataFrame, descriptives: pd.DataFrame,
            codebook: Codebook) -> dict:
    """Template variables: ``sample_extra`` (merged into ``sample``), ``codebook_rows``, ``methods_text``,
    ``truth_rows`` (None without a truth file), ``evidence`` ({claim: {people, quotes}}). ``codebook``:
    the survey codebook of ``paths["codebook"]``, already read by the caller."""
    st = narrow(config, READS)
    sample_cfg = st["integration"]["sample"]
    scored = io.read_table(paths["scored"], "scored") if paths.get("scored") else None
    roster = io.read_table(paths["roster"], "roster") if paths.get("roster") else None
    extra = {}
    if scored is not None:
        extra = sample_section.sample_context(
            scored, codebook, roster, linked, sample_cfg["optin_item"],
            items=sample_cfg["profile_items"], optin_answer=sample_cfg["optin_answer"],
            selection=sample_cfg["selection"])
    rows = methods_section.codebook_table(io.load_themes_file(paths["themes"]), segments, validation) \
        if segments is not None else []
    truth_rows = None
    if paths.get("truth"):
        truth = io.read_json(paths["truth"])
        truth_rows = truth_table.template_rows(truth_table.planted_vs_recovered(truth, hypotheses, descriptives))
    people = io.read_table(paths["claims_people"], "claims_people") if paths.get("claims_people") else None
    quotes = io.read_table(paths["claims_quotes"], "claims_quotes") if paths.get("claims_quotes") else None
    per_people, per_quotes = _people(people, claims), _quotes(quotes)
    evidence = {c: {"people": per_people.get(c), "quotes": per_quotes.get(c, [])} for c in claims["claim"]}
    return {"sample_extra": extra, "codebook_rows": rows,
            "methods_text": methods_section.methods_paragraph(st, validation, segments, provenance),
            "truth_rows": truth_rows, "evidence": evidence}
