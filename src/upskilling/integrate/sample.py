"""The sample section of the findings report: who the analysed respondents are, and how the interview
sample compares with the other respondents.

:func:`sample_context` returns what the partial template ``templates/sample.html.j2`` shows (under the
name ``sample``):

* ``profile``: the profile of the analysed respondents, one block per profile item of the codebook
  (n and % per answer label, for all analysed respondents and for the interviewees among them);
* ``interview``: how many respondents opted in to an interview, how many were interviewed and how
  many of them are linked to an analysed survey response (roster ``response_id`` = ``respondent_id``
  of scored.csv), and per construct the interviewees' mean and SD beside the other respondents', with
  Cohen's d (pooled SD), Hedges' g and a two-sided Mann-Whitney p, all labelled as descriptive, and,
  where scored.csv holds the opt-in item, the same against the respondents who opted in but were not
  interviewed (``constructs[i]["optin"]``); ``summary`` names the scales with |d| >= :data:`NOTABLE_D`;
* ``selection``: how the interviewees were chosen, in words, from the setting the caller passes (the
  data hold no record of it: roster.csv lists who was interviewed, not why).

Every number is computed from scored.csv, the codebook, the roster and the linked interviewees
(results/claims_participants.csv); nothing is typed in. The functions read no config: the caller
passes the settings (see the keyword arguments of :func:`sample_context`).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..survey.codebook import Codebook
from . import fmt

#: Default id of the codebook item asking whether the respondent would take part in an interview.
OPTIN_ITEM = "interview_optin"
#: Where the selection rule is to be declared when the data do not record it.
SELECTION_KEY = "integration.sample.selection"
#: |d| from which the summary sentence names a construct (Cohen 1988: a medium difference).
NOTABLE_D = 0.5
#: Label of the row counting respondents who left an item blank.
NO_ANSWER = "No answer"

DESCRIPTIVE_NOTE = (
    "Descriptive comparison: nothing records that the interviewees are a random sample of the respondents "
    "(they opted in and were then chosen), so these differences describe the interview sample; they test no "
    "hypothesis of the study. The Mann-Whitney p "
    "(two-sided, normal approximation with tie and continuity correction) says how unusual a difference "
    "this large would be if the interviewees were a random subset; it is not corrected for the number of "
    "scales compared."
)


def _codebook(codebook) -> Codebook:
    """``codebook`` as a :class:`Codebook` (a codebook dict is validated: :meth:`Codebook.from_dict`)."""
    return codebook if isinstance(codebook, Codebook) else Codebook.from_dict(codebook)


def _screening_items(cb: Codebook) -> set[str]:
    """Items used by the screening criteria (list form or the older mapping form) and attention checks."""
    return {c["item"] for c in cb.screening} | {a["item"] for a in cb.data["attention_checks"]}


def profile_items(codebook, optin_item: str | None = OPTIN_ITEM) -> list[str]:
    """The codebook's profile items, in codebook order: single- and multiple-choice items with a
    response scale that belong to no construct and are not a screening, attention-check or interview
    opt-in item."""
    cb = _codebook(codebook)
    skip = _screening_items(cb) | {optin_item}
    in_construct = {i for spec in cb.constructs.values() for i in spec.get("items", [])}
    return [i for i, it in cb.by_id.items()
            if it.get("type") in ("single", "multi") and it.get("scale") in cb.scales
            and not it.get("construct") and i not in in_construct and i not in skip]


def _item_label(item: dict) -> str:
    return " ".join(str(item.get("text", item["id"])).split())


def _counts_single(cb: Codebook, item_id: str, frame: pd.DataFrame) -> tuple[dict, int]:
    """{label: count} in scale order (answers outside the scale after it) and the blank count."""
    _, labels = cb.scale(item_id)
    decoded = cb.decode(item_id, frame[item_id])
    answered = decoded.dropna().astype(str)
    counts = {lab: int((answered == lab).sum()) for lab in labels}
    for extra in sorted(set(answered) - set(labels)):
        counts[extra] = int((answered == extra).sum())
    return counts, int(decoded.isna().sum())


def _counts_multi(cb: Codebook, item_id: str, frame: pd.DataFrame) -> tuple[dict, int] | None:
    wide = cb.split_multi(item_id, frame)
    if wide is None:
        return None
    answered = wide.notna().any(axis=1)
    return {lab: int((wide[lab].fillna(0) > 0).sum()) for lab in wide.columns}, int((~answered).sum())


def _has_item(cb: Codebook, item_id: str, scored: pd.DataFrame) -> bool:
    if item_id in scored.columns:
        return True
    codes, _ = cb.scale(item_id)
    return all(f"{item_id}_{c}" in scored.columns for c in codes)


def _pct(k: int, n: int) -> float | None:
    return 100.0 * k / n if n else None


def _pct_text(x: float | None) -> str:
    return "\u2013" if x is None else f"{x:.1f}%"


def profile(scored: pd.DataFrame, codebook, interviewee_ids, items: list[str] | None = None,
            optin_item: str | None = OPTIN_ITEM) -> dict:
    """The profile table: ``{"n": analysed respondents, "n_interviewees": linked interviewees,
    "items": [...], "missing": [item ids not in scored.csv]}``.

    Each item block has ``id, text, type, multi`` (several choices possible: % of respondents choosing
    each option, which need not sum to 100), ``n`` and ``rows`` = ``[{label, n, pct, pct_text,
    n_interviewees, pct_interviewees, pct_interviewees_text}]``; a single-choice item ends with a
    :data:`NO_ANSWER` row when someone left it blank, so its percentages sum to 100.
    """
    cb = _codebook(codebook)
    wanted = list(items) if items is not None else profile_items(cb, optin_item)
    ids = set(map(str, interviewee_ids))
    inner = scored[scored["respondent_id"].astype(str).isin(ids)]
    n, n_i = len(scored), len(inner)
    blocks, missing = [], []
    for item_id in wanted:
        it = cb.item(item_id)
        if not _has_item(cb, item_id, scored):
            missing.append(item_id)
            continue
        multi = it.get("type") == "multi"
        count = _counts_multi if multi else _counts_single
        (all_counts, all_blank), (in_counts, in_blank) = count(cb, item_id, scored), count(cb, item_id, inner)
        rows = [{"label": lab, "n": k, "pct": _pct(k, n), "n_interviewees": in_counts.get(lab, 0),
                 "pct_interviewees": _pct(in_counts.get(lab, 0), n_i)} for lab, k in all_counts.items()]
        if all_blank or in_blank:
            rows.append({"label": NO_ANSWER, "n": all_blank, "pct": _pct(all_blank, n),
                         "n_interviewees": in_blank, "pct_interviewees": _pct(in_blank, n_i)})
        for r in rows:
            r["pct_text"], r["pct_interviewees_text"] = _pct_text(r["pct"]), _pct_text(r["pct_interviewees"])
        blocks.append({"id": item_id, "text": _item_label(it), "type": it.get("type"), "multi": multi,
                       "n": n, "rows": rows})
    return {"n": n, "n_interviewees": n_i, "items": blocks, "missing": missing}


def compare(a, b) -> dict:
    """Two groups of scores (NaN dropped): n, mean, SD (n - 1) of each, Cohen's d = (mean a - mean b) /
    pooled SD, Hedges' g (d x (1 - 3 / (4 (n_a + n_b) - 9))), and the two-sided Mann-Whitney U with its
    p (normal approximation, tie and continuity correction: the analysis plan's mann_whitney method)."""
    a = np.asarray(pd.to_numeric(pd.Series(a), errors="coerce").dropna(), dtype=float)
    b = np.asarray(pd.to_numeric(pd.Series(b), errors="coerce").dropna(), dtype=float)
    out = {"n_a": int(a.size), "n_b": int(b.size),
           "mean_a": float(a.mean()) if a.size else math.nan, "mean_b": float(b.mean()) if b.size else math.nan,
           "sd_a": float(a.std(ddof=1)) if a.size > 1 else math.nan,
           "sd_b": float(b.std(ddof=1)) if b.size > 1 else math.nan,
           "d": math.nan, "g": math.nan, "u": math.nan, "p": math.nan}
    if a.size > 1 and b.size > 1:
        pooled = math.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2))
        if pooled > 0:
            out["d"] = (out["mean_a"] - out["mean_b"]) / pooled
            out["g"] = out["d"] * (1 - 3 / (4 * (a.size + b.size) - 9))
    if a.size and b.size and np.unique(np.concatenate([a, b])).size > 1:
        from scipy import stats  # here, not at import: the Snakefile's parse imports this module

        res = stats.mannwhitneyu(a, b, alternative="two-sided", use_continuity=True, method="asymptotic")
        out["u"], out["p"] = float(res.statistic), float(res.pvalue)
    return out


def _optin(cb: Codebook, item_id: str | None, scored: pd.DataFrame, answer: str | None):
    """(opted-in mask over scored or None, the answer label counted, why it is unknown or '')."""
    if not item_id:
        return None, None, "no interview opt-in item is set"
    if item_id not in cb.by_id:
        return None, None, f"the codebook has no item {item_id!r} (the interview opt-in item)"
    if item_id not in scored.columns:
        return None, None, f"the opt-in item {item_id!r} is not a column of scored.csv"
    _, labels = cb.scale(item_id)
    if answer is None:
        yes = [lab for lab in labels if lab.strip().casefold() == "yes"]
        if not yes:
            return None, None, (f"the scale of {item_id!r} has no label 'Yes'; name the answer that means "
                                "opting in (argument optin_answer)")
        answer = yes[0]
    decoded = cb.decode(item_id, scored[item_id])
    return (decoded.astype("string") == answer).fillna(False).to_numpy(dtype=bool), answer, ""


def _interviewees(roster: pd.DataFrame | None, linked: pd.DataFrame | None) -> pd.DataFrame:
    """One row per interviewee: participant_id and respondent_id (from the linked table, else the roster)."""
    if linked is not None and "participant_id" in linked:
        people = linked[["participant_id"]].copy()
        if "respondent_id" in linked:
            people["respondent_id"] = linked["respondent_id"]
        elif roster is not None:
            people = people.merge(roster[["participant_id", "response_id"]].drop_duplicates("participant_id")
                                  .rename(columns={"response_id": "respondent_id"}), on="participant_id", how="left")
        else:
            people["respondent_id"] = pd.NA
    elif roster is not None:
        people = roster[["participant_id", "response_id"]].rename(columns={"response_id": "respondent_id"})
    else:
        people = pd.DataFrame({"participant_id": [], "respondent_id": []})
    people = people.drop_duplicates("participant_id").astype({"participant_id": str})
    people["respondent_id"] = people["respondent_id"].astype("string")
    return people.reset_index(drop=True)


def _num(x, digits=2) -> str:
    text = fmt.num(x, digits)
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.00"


def interview_sample(scored: pd.DataFrame, codebook, roster: pd.DataFrame | None, linked: pd.DataFrame | None,
                     optin_item: str | None = OPTIN_ITEM, optin_answer: str | None = None,
                     notable_d: float = NOTABLE_D) -> dict:
    """The interview sample beside the other analysed respondents (see the module docstring)."""
    cb = _codebook(codebook)
    people = _interviewees(roster, linked)
    rid = scored["respondent_id"].astype(str)
    ids = set(people["respondent_id"].dropna().astype(str))
    is_iv = rid.isin(ids).to_numpy()
    linked_ids = sorted(people.loc[people["respondent_id"].astype(str).isin(set(rid)), "participant_id"])
    unlinked = sorted(set(people["participant_id"]) - set(linked_ids))
    opted, answer, why = _optin(cb, optin_item, scored, optin_answer)
    out = {
        "n_respondents": int(len(scored)),
        "n_roster": int(len(roster)) if roster is not None else None,
        "n_interviewed": int(len(people)),
        "n_linked": int(is_iv.sum()),
        "linked_participants": ", ".join(linked_ids),
        "unlinked_participants": ", ".join(unlinked),
        "optin_item": optin_item, "optin_answer": answer,
        "optin_text": _item_label(cb.by_id[optin_item]) if optin_item in cb.by_id else "",
        "optin_known": opted is not None, "optin_note": why,
        "n_optin": int(opted.sum()) if opted is not None else None,
        "n_optin_linked": int((opted & is_iv).sum()) if opted is not None else None,
        "n_optin_not_interviewed": int((opted & ~is_iv).sum()) if opted is not None else None,
        "n_others": int((~is_iv).sum()),
        "note": DESCRIPTIVE_NOTE,
    }
    out["share_optin"] = (f"{100 * out['n_optin'] / out['n_respondents']:.0f}%"
                          if opted is not None and out["n_respondents"] else "\u2013")
    out["share_interviewed_of_optin"] = (f"{100 * out['n_optin_linked'] / out['n_optin']:.0f}%"
                                         if opted is not None and out["n_optin"] else "\u2013")
    rows = []
    for c, spec in cb.constructs.items():
        if c not in scored.columns:
            continue
        r = compare(scored.loc[is_iv, c], scored.loc[~is_iv, c])
        row = {"construct": c, "label": spec.get("label", c), **r, **_texts(r), "optin": None}
        if opted is not None:  # the volunteers who were not interviewed: selection among those who opted in
            o = compare(scored.loc[is_iv, c], scored.loc[opted & ~is_iv, c])
            row["optin"] = {**o, **_texts(o)}
        rows.append(row)
    out["constructs"] = rows
    gaps = [abs(r["d"] - r["g"]) for r in rows if not (math.isnan(r["d"]) or math.isnan(r["g"]))]
    if not gaps:
        out["g_note"] = "Hedges\u2019 g (corrected for small samples) cannot be computed"
    elif max(gaps) < 0.005:
        out["g_note"] = "Hedges\u2019 g (corrected for small samples) equals d to two decimals"
    else:
        out["g_note"] = f"Hedges\u2019 g (corrected for small samples) differs from d by at most {_num(max(gaps))}"
    notable = [r for r in rows if not math.isnan(r["d"]) and abs(r["d"]) >= notable_d]
    if not rows or out["n_linked"] < 2:
        out["summary"] = ("Too few interviewees are linked to an analysed survey response to compare them "
                          "with the other respondents.") if rows else ""
    elif notable:
        higher = [f"{r['label']} (d = {_num(r['d'])})" for r in notable if r["d"] > 0]
        lower = [f"{r['label']} (d = {_num(r['d'])})" for r in notable if r["d"] < 0]
        parts = []
        if higher:
            parts.append("higher on " + _join(higher))
        if lower:
            parts.append("lower on " + _join(lower))
        out["summary"] = (f"The {out['n_linked']} linked interviewees score {' and '.join(parts)} than the "
                          f"{out['n_others']} other respondents (|d| \u2265 {_num(notable_d, 1)}): on these scales "
                          "the interviewees are not a cross-section of the survey sample.")
        if opted is not None and out["n_optin_not_interviewed"] >= 2:
            ds = ", ".join(f"{r['label']} d = {r['optin']['d_text']}" for r in notable)
            out["summary"] += (f" Against the {out['n_optin_not_interviewed']} respondents who opted in but were "
                               f"not interviewed: {ds}.")
    else:
        out["summary"] = (f"On no scale do the {out['n_linked']} linked interviewees differ from the "
                          f"{out['n_others']} other respondents by |d| \u2265 {_num(notable_d, 1)}.")
    return out


def _texts(r: dict) -> dict:
    return {"mean_a_text": _num(r["mean_a"]), "sd_a_text": _num(r["sd_a"]), "mean_b_text": _num(r["mean_b"]),
            "sd_b_text": _num(r["sd_b"]), "d_text": _num(r["d"]), "g_text": _num(r["g"]),
            "p_text": fmt.pvalue(r["p"])}


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def selection_text(selection: str | None, roster_source: str = "the roster") -> dict:
    """``{"recorded": bool, "text": ...}``: the declared selection rule, or the sentence saying that
    the data hold none and where to declare it."""
    text = " ".join(str(selection or "").split())
    if text:
        return {"recorded": True, "text": text, "key": SELECTION_KEY}
    return {"recorded": False, "key": SELECTION_KEY,
            "text": (f"The selection rule is not recorded in the data: {roster_source} lists who was "
                     "interviewed, not how they were chosen from those who opted in. Declare it in "
                     f"config/config.yaml ({SELECTION_KEY}).")}


def sample_context(scored: pd.DataFrame, codebook, roster: pd.DataFrame | None, linked: pd.DataFrame | None,
                   interview_optin_item: str | None = OPTIN_ITEM, *, items: list[str] | None = None,
                   optin_answer: str | None = None, selection: str | None = None,
                   notable_d: float = NOTABLE_D) -> dict:
    """What the sample section of the report shows (template variable ``sample``).

    ``scored``: scored.csv of the wave (``respondent_id``, construct scores, item answers as codes or
    labels); ``codebook``: a :class:`~upskilling.survey.codebook.Codebook` or a codebook dict;
    ``roster``: roster.csv (``participant_id, response_id``) or None; ``linked``: results/claims_participants.csv (one row per
    interviewee with an analysed interview; ``participant_id, respondent_id``) or None (then the
    roster's rows are the interviewees). ``interview_optin_item``: the opt-in item (default
    :data:`OPTIN_ITEM`; None = unknown); ``items``: the profile items to tabulate (default
    :func:`profile_items`); ``optin_answer``: the answer label meaning "opted in" (default: the
    scale's label "Yes"); ``selection``: how the interviewees were chosen, in words (None: the report
    says it is not recorded). Returns ``{"profile", "interview", "selection"}``.
    """
    cb = _codebook(codebook)
    scored = scored.copy()
    scored["respondent_id"] = scored["respondent_id"].astype(str)
    interview = interview_sample(scored, cb, roster, linked, interview_optin_item, optin_answer, notable_d)
    people = _interviewees(roster, linked)
    ids = set(people["respondent_id"].dropna().astype(str))
    return {
        "profile": profile(scored, cb, ids, items, interview_optin_item),
        "interview": interview,
        "selection": selection_text(selection),
    }
