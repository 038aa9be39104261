"""Exclusion rules applied in the configured order, with a flow table that accounts for every raw row.

Rules (``survey.exclusions`` in config/config.yaml; each can be switched off with ``enabled: false``):

=================  ===========================================================================
consent            the consent answer is not one of the codebook's ``screening.consent.keep``
freelancer         the freelancing answer is not one of ``screening.freelancer.keep``
unfinished         ``Finished`` is False (if ``require_finished``) or Progress < ``min_progress``
                   (a blank Progress counts as 0)
attention          more than ``max_failed`` attention checks answered wrongly (blank = wrong)
speeders           duration < ``min_share_of_median`` x the median duration of the respondents
                   still in the sample at this step (missing duration: kept)
straightliners     one identical raw answer across the answered items of a grid (zero variance),
                   with at least ``min_answered`` answered items, in ``any`` / ``all`` of ``grids``
duplicates         a repeated ``duplicate_key`` (same person): the ``first`` / ``last``
                   submission by start time is kept (file order breaks ties); blank keys are unique
=================  ===========================================================================

A missing screening answer does not pass the screen. Each step sees only the rows left by the
previous steps, so a row is counted once, at the first rule that removes it.

A rule whose codebook entries are absent (no ``screening.consent`` item, no attention checks, no
``meta`` columns, no grids: a survey that never asked for them) does not apply: flow.csv lists it
with 0 removed and a reason starting "skipped: not applicable". The unfinished rule uses whichever of
``meta.finished`` / ``meta.progress`` exist; duplicates without ``meta.start`` keep by file order.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..logs import get_logger
from .codebook import Codebook

log = get_logger("survey")

RULES = ("consent", "freelancer", "unfinished", "attention", "speeders", "straightliners", "duplicates")
FLOW_COLUMNS = ["step", "reason", "n_removed", "n_remaining"]
EXCLUDED_COLUMNS = ["respondent_id", "source_row", "step", "detail"]


class NotApplicable(Exception):
    """Raised by a rule whose codebook entries are absent; the message is the reason shown in flow.csv."""


def _screen(df: pd.DataFrame, cb: Codebook, key: str, params: dict):
    if key not in cb.data["screening"]:
        raise NotApplicable(f"the codebook defines no screening.{key} item")
    rule = cb.data["screening"][key]
    keep = [cb.code_of(rule["item"], lab) for lab in rule["keep"]]
    values = df[rule["item"]]
    flag = ~values.isin(keep)
    labels = {code: lab for lab, code in zip(cb.scale_of(rule["item"])["labels"], cb.scale_of(rule["item"])["codes"])}
    detail = values.map(lambda v: f"{rule['item']} = {labels.get(v, 'blank')!r}")
    what = "consent" if key == "consent" else "freelancing"
    return flag, detail, f"{what} answer ({rule['item']}) not in {rule['keep']}"


def _consent(df, cb, params):
    return _screen(df, cb, "consent", params)


def _freelancer(df, cb, params):
    return _screen(df, cb, "freelancer", params)


def _unfinished(df, cb, params):
    use_fin = params["require_finished"] and cb.has_meta("finished")
    use_prog = cb.has_meta("progress")
    if not (use_fin or use_prog):
        wanted = "meta.finished or meta.progress" if params["require_finished"] else "meta.progress"
        raise NotApplicable(f"the codebook names no {wanted} column")
    flag = pd.Series(False, index=df.index)
    detail = pd.Series("", index=df.index)
    parts = []
    if use_fin:
        fin = df[cb.meta_item("finished")["id"]].astype(bool)
        flag |= ~fin
        detail = detail + "Finished = " + fin.astype(str)
        parts.append("Finished is False")
    if use_prog:
        prog = df[cb.meta_item("progress")["id"]]
        flag |= prog.fillna(0) < params["min_progress"]
        detail = detail + (", " if use_fin else "") + "Progress = " + prog.astype(str)
        parts.append(f"Progress < {params['min_progress']}")
    reason = " or ".join(parts)
    if params["require_finished"] and not use_fin:
        reason += " (Finished not checked: the codebook names no meta.finished column)"
    return flag, detail, reason


def _attention(df, cb, params):
    checks = cb.data["attention_checks"]
    if not checks:
        raise NotApplicable("the codebook defines no attention_checks")
    failed = pd.Series(0, index=df.index)
    for chk in checks:
        failed += (df[chk["item"]] != cb.code_of(chk["item"], chk["correct"])).astype(int)
    flag = failed > params["max_failed"]
    detail = failed.astype(str) + f" of {len(checks)} checks failed"
    return flag, detail, f"failed more than {params['max_failed']} of {len(checks)} attention checks"


def _speeders(df, cb, params):
    if not cb.has_meta("duration"):
        raise NotApplicable("the codebook names no meta.duration column")
    dur = df[cb.meta_item("duration")["id"]]
    median = float(dur.median()) if dur.notna().any() else np.nan
    cut = params["min_share_of_median"] * median
    flag = (dur < cut).fillna(False)
    detail = dur.map(lambda d: f"duration {d:g} s") + f" < {cut:g} s"
    share = params["min_share_of_median"]
    return flag, detail, f"duration below {share:g} x median ({median:g} s) = {cut:g} s"


def _straightliners(df, cb, params):
    grids = params["grids"] or sorted(cb.grids)
    if not grids:
        raise NotApplicable("the codebook defines no grids")
    flags = []
    for g in grids:
        m = df[cb.grids[g]].to_numpy(dtype=float)
        answered = np.isfinite(m).sum(axis=1)
        hi, lo = np.nanmax(np.where(np.isfinite(m), m, -np.inf), axis=1), np.nanmin(np.where(np.isfinite(m), m, np.inf), axis=1)
        flags.append((answered >= params["min_answered"]) & (hi == lo))
    f = np.column_stack(flags) if flags else np.zeros((len(df), 0), dtype=bool)
    flag = f.any(axis=1) if params["rule"] == "any" else f.all(axis=1)
    names = np.array(grids)
    detail = [("no variance in " + ", ".join(names[row])) for row in f]
    return (pd.Series(flag, index=df.index), pd.Series(detail, index=df.index),
            f"no variance over {params['rule']} of the grids {grids} (at least {params['min_answered']} answers)")


def _duplicates(df, cb, params):
    if not cb.has_meta("duplicate_key"):
        raise NotApplicable("the codebook names no meta.duplicate_key column")
    raw_key = df[cb.meta_item("duplicate_key")["id"]]
    key = raw_key.astype(str).where(raw_key.notna(), "").str.strip()
    has_start = cb.has_meta("start")
    start = df[cb.meta_item("start")["id"]] if has_start else pd.Series(pd.NaT, index=df.index)
    order = pd.DataFrame({"key": key, "start": start, "pos": np.arange(len(df))}, index=df.index)
    order = order.sort_values(["start", "pos"], na_position="last", kind="mergesort")
    has_key = order["key"] != ""
    dup = order["key"].duplicated(keep="first" if params["keep"] == "first" else "last") & has_key
    flag = dup.reindex(df.index)
    kept = order[has_key].drop_duplicates("key", keep="first" if params["keep"] == "first" else "last")
    kept_id = pd.Series(df.loc[kept.index, "respondent_id"].to_numpy(), index=kept["key"].to_numpy())
    detail = f"same {cb.meta['duplicate_key']} as " + key.map(kept_id).fillna("").astype(str)
    by = "by start time" if has_start else "in file order (the codebook names no meta.start column)"
    return flag, detail, f"repeated {cb.meta['duplicate_key']}; the {params['keep']} submission {by} is kept"


_FUNCS = {"consent": _consent, "freelancer": _freelancer, "unfinished": _unfinished, "attention": _attention,
          "speeders": _speeders, "straightliners": _straightliners, "duplicates": _duplicates}


def apply_exclusions(df: pd.DataFrame, cb: Codebook, settings: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply the exclusion rules of ``settings`` (the ``survey.exclusions`` config block) in order.

    Returns ``(kept, flow, excluded)``:

    * ``kept``: the rows that pass every enabled rule (same columns as ``df``);
    * ``flow``: columns step, reason, n_removed, n_remaining; first row ``raw`` (n_removed 0), one row
      per rule in the configured order (disabled rules: n_removed 0, reason says so), last row
      ``analysed``; rules that do not apply to this codebook: n_removed 0, reason "skipped: not
      applicable (...)"; sum(n_removed) + n_remaining(analysed) equals the raw row count;
    * ``excluded``: one row per removed response: respondent_id, source_row, step, detail.
    """
    n_raw = len(df)
    flow = [{"step": "raw", "reason": "responses in the export", "n_removed": 0, "n_remaining": n_raw}]
    excluded = []
    cur = df
    for rule in settings["order"]:
        params = settings[rule]
        if not params["enabled"]:
            flow.append({"step": rule, "reason": f"rule disabled (survey.exclusions.{rule}.enabled)",
                         "n_removed": 0, "n_remaining": len(cur)})
            continue
        try:
            flag, detail, reason = _FUNCS[rule](cur, cb, params)
        except NotApplicable as why:
            flow.append({"step": rule, "reason": f"skipped: not applicable ({why})", "n_removed": 0,
                         "n_remaining": len(cur)})
            log.info("exclusion %s: skipped, %s", rule, why)
            continue
        flag = flag.to_numpy(dtype=bool)
        if flag.any():
            removed = cur[flag]
            excluded.append(pd.DataFrame({"respondent_id": removed["respondent_id"].to_numpy(),
                                          "source_row": removed["source_row"].to_numpy(),
                                          "step": rule, "detail": np.asarray(detail)[flag]}))
        cur = cur[~flag]
        flow.append({"step": rule, "reason": reason, "n_removed": int(flag.sum()), "n_remaining": len(cur)})
        log.info("exclusion %s: removed %d, %d remain", rule, int(flag.sum()), len(cur))
    flow.append({"step": "analysed", "reason": "respondents analysed", "n_removed": 0, "n_remaining": len(cur)})
    flow_df = pd.DataFrame(flow, columns=FLOW_COLUMNS)
    if int(flow_df["n_removed"].sum()) + len(cur) != n_raw:
        raise RuntimeError("exclusion flow does not reconcile with the raw row count")
    exc = (pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame(columns=EXCLUDED_COLUMNS))
    return cur.copy(), flow_df, exc[EXCLUDED_COLUMNS]
