"""Exclusion steps applied in the configured order, with a flow table that accounts for every raw row.

``survey.exclusions.order`` in config/config.yaml names the steps: the codebook's screening criteria
(each by its name, or the token ``screening`` for every criterion not named, in codebook order) and
the five built-in rules (each exactly once); a criterion the order leaves out, a name that is no
step, or a switch for no step is an :class:`InputError` naming the key. Any step is switched off with
``survey.exclusions.<name>.enabled: false`` (e.g. ``survey.exclusions.adult.enabled``; for a criterion
of one wave's codebook only, under ``waves.<wave>.settings.exclusions``). The codebook resolves the
criteria (labels to codes, names checked: :mod:`.codebook`); the earlier mapping form
``screening: {consent: {item, keep}, freelancer: {item, keep}}`` still works as two criteria.

=================  ===========================================================================
<criterion>        a screening criterion of the codebook's ``screening`` list, e.g.
                   ``{name: adult, item: age, op: ge, value: 18, reason: "younger than 18"}`` or
                   ``{name: consent, item: consent, keep: ["Yes"]}``: the answer does not meet the
                   condition / is not a kept label; flow.csv shows the criterion's ``reason``
                   (default: generated, e.g. "age < 18 or blank"). The default codebook has two,
                   ``consent`` and ``freelancer``.
unfinished         ``Finished`` is False (if ``require_finished``) or the progress is below
                   ``min_progress``: Progress < min_progress % (``meta.progress`` a percentage), or
                   last page < min_progress % of ``complete_at`` (``meta.progress: {column, unit:
                   page, complete_at}``); a blank progress counts as 0
attention          more than ``max_failed`` attention checks answered wrongly (blank = wrong)
speeders           duration < ``min_share_of_median`` x the median duration of the respondents
                   still in the sample at this step (missing duration: kept)
straightliners     one identical raw answer across the answered items of a grid (zero variance),
                   with at least ``min_answered`` answered items, in ``any`` / ``all`` of ``grids``
duplicates         a repeated ``duplicate_key`` (same person): the ``first`` / ``last``
                   submission by start time is kept (file order breaks ties); blank keys are unique
=================  ===========================================================================

A missing screening answer does not pass the screen. Each step sees only the rows left by the
previous steps, so a row is counted once, at the first rule that removes it. A step that finds no
respondents left removes 0 and says so (flow.csv: "skipped: no respondents left").

A rule whose codebook entries are absent (no attention checks, no ``meta`` columns, no grids, no
criterion named ``consent`` / ``freelancer`` for those names in the order: a survey that never asked
for them) does not apply: flow.csv lists it with 0 removed and a reason starting "skipped: not
applicable". The unfinished rule uses whichever of ``meta.finished`` / ``meta.progress`` exist;
duplicates without ``meta.start`` keep by file order. A percentage progress that no response reaches
(e.g. an undeclared last-page column) stops with an :class:`InputError` naming the keys.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..logs import get_logger
from .codebook import Codebook
from .conditions import holds

log = get_logger("survey")

BUILTIN = ("unfinished", "attention", "speeders", "straightliners", "duplicates")
#: The default config's screening steps: kept in the order of a codebook without them (reported as skipped).
DEFAULT_SCREENS = ("consent", "freelancer")
RULES = DEFAULT_SCREENS + BUILTIN
FLOW_COLUMNS = ["step", "reason", "n_removed", "n_remaining"]
EXCLUDED_COLUMNS = ["respondent_id", "source_row", "step", "detail"]
CONFIG = "config/config.yaml: survey.exclusions"
PER_WAVE = " (a criterion of one wave's codebook only: set it under waves.<wave>.settings.exclusions)"
_FAILS = {"eq": "is not", "ne": "is", "lt": ">=", "le": ">", "gt": "<=", "ge": "<", "in": "not in",
          "not_in": "in"}


class NotApplicable(Exception):
    """Raised by a rule whose codebook entries are absent; the message is the reason shown in flow.csv."""


def _shown(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, (int, float)) else repr(value)


def default_reason(crit: dict) -> str:
    """The flow.csv reason of a criterion without one, e.g. "age < 18 or blank"."""
    if crit["op"] == "present":
        return f"{crit['item']} blank"
    return f"{crit['item']} {_FAILS[crit['op']]} {_shown(crit['given'])} or blank"


def _screen(df: pd.DataFrame, cb: Codebook, crit: dict):
    """Flag the rows that fail screening criterion ``crit`` (resolved by the codebook); blank fails."""
    col = df[crit["item"]]
    if crit["op"] == "present":
        passes = (col.notna() & (col.astype(str).str.strip() != "")).to_numpy(dtype=bool)
    else:
        x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        passes = holds(x, crit)  # the comparison of the plan's where conditions: blank fails
    sc = cb.scale_of(crit["item"])
    labels = dict(zip(sc["codes"], sc["labels"])) if sc else {}
    item = crit["item"]
    if sc:
        detail = [f"{item} = {labels.get(v, 'blank')!r}" for v in col]
    elif crit["op"] == "present":  # only blank answers fail (an open answer is never copied)
        detail = [f"{item} = blank"] * len(col)
    else:
        detail = [f"{item} = " + ("blank" if pd.isna(v) else _shown(v)) for v in x]
    return (pd.Series(~passes, index=df.index), pd.Series(detail, index=df.index, dtype=object),
            crit["reason"] or default_reason(crit))


def _progress(df, cb, params):
    """``(flag, detail, reason)`` of the progress part of the unfinished rule, by the declared unit."""
    spec = cb.progress
    prog = df[cb.meta_item("progress")["id"]]
    share = params["min_progress"]
    if spec["unit"] == "page":
        cut = share / 100 * spec["complete_at"]
        of = "" if share == 100 else f" ({share:g} % of the {spec['complete_at']:g} pages)"
        detail = [f"last page = {v:g}" if pd.notna(v) else "last page = blank" for v in prog]
        return prog.fillna(0) < cut, pd.Series(detail, index=df.index, dtype=object), f"last page < {cut:g}{of}"
    seen = prog.dropna()
    if len(seen) and (seen.max() > 100 or seen.max() < share):
        raise InputError(
            f"{cb.path}: meta.progress: column '{spec['column']}' is read as a percentage, but its largest value "
            f"is {seen.max():g} ({'above 100' if seen.max() > 100 else f'no response reaches {share:g} %'}); "
            f"for a last-page number write meta.progress: {{column: {spec['column']}, unit: page, complete_at: "
            f"<last page>}}, or lower {CONFIG}.unfinished.min_progress")
    detail = [f"Progress = {v}" if pd.notna(v) else "Progress = blank" for v in prog]
    return prog.fillna(0) < share, pd.Series(detail, index=df.index, dtype=object), f"Progress < {share:g} %"


def _unfinished(df, cb, params):
    use_fin = params["require_finished"] and cb.has_meta("finished")
    use_prog = cb.has_meta("progress")
    if not (use_fin or use_prog):
        wanted = "meta.finished or meta.progress" if params["require_finished"] else "meta.progress"
        raise NotApplicable(f"the codebook names no {wanted} column")
    flag = pd.Series(False, index=df.index)
    detail = pd.Series("", index=df.index, dtype=object)
    parts = []
    if use_fin:
        fin = df[cb.meta_item("finished")["id"]].astype(bool)
        flag |= ~fin
        detail = detail + pd.Series([f"Finished = {v}" for v in fin], index=df.index, dtype=object)
        parts.append("Finished is False")
    if use_prog:
        p_flag, p_detail, p_reason = _progress(df, cb, params)
        flag |= p_flag
        detail = detail + (", " if use_fin else "") + p_detail
        parts.append(p_reason)
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
    detail = pd.Series([f"{k} of {len(checks)} checks failed" for k in failed], index=df.index, dtype=object)
    return flag, detail, f"failed more than {params['max_failed']} of {len(checks)} attention checks"


def _speeders(df, cb, params):
    if not cb.has_meta("duration"):
        raise NotApplicable("the codebook names no meta.duration column")
    dur = pd.to_numeric(df[cb.meta_item("duration")["id"]], errors="coerce")
    median = float(dur.median()) if dur.notna().any() else np.nan
    cut = params["min_share_of_median"] * median
    flag = (dur < cut).fillna(False)
    detail = pd.Series([f"duration {d:g} s < {cut:g} s" for d in dur], index=df.index, dtype=object)
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
    detail = pd.Series([f"same {cb.meta['duplicate_key']} as {k}" for k in key.map(kept_id).fillna("")],
                       index=df.index, dtype=object)
    by = "by start time" if has_start else "in file order (the codebook names no meta.start column)"
    return flag, detail, f"repeated {cb.meta['duplicate_key']}; the {params['keep']} submission {by} is kept"


_FUNCS = {"unfinished": _unfinished, "attention": _attention, "speeders": _speeders,
          "straightliners": _straightliners, "duplicates": _duplicates}


def _not_applicable(why: str):
    def rule(df, cb, params):
        raise NotApplicable(why)
    return rule


def steps(settings: dict, cb: Codebook) -> list[tuple[str, object]]:
    """``[(step name, rule function)]`` in the order of ``settings['order']``, the token ``screening``
    expanded; an unknown name, a criterion left out or a switch for no step is an :class:`InputError`."""
    crits = {c["name"]: c for c in cb.screening}
    order = list(settings["order"])
    known = f"the rules {list(BUILTIN)} and the screening criteria of {cb.path} {list(crits)}"
    out = []
    for name in order:
        if name == "screening":
            rest = [c for c in cb.screening if c["name"] not in order]
            if not cb.screening:
                out.append((name, _not_applicable("the codebook defines no screening criteria")))
            out += [(c["name"], lambda df, cb, params, c=c: _screen(df, cb, c)) for c in rest]
        elif name in crits:
            out.append((name, lambda df, cb, params, c=crits[name]: _screen(df, cb, c)))
        elif name in BUILTIN:
            out.append((name, _FUNCS[name]))
        elif name in DEFAULT_SCREENS:
            out.append((name, _not_applicable(f"the codebook defines no screening criterion named '{name}'")))
        else:
            raise InputError(f"{CONFIG}.order: '{name}' is not an exclusion step; use {known}, or the token "
                             f"'screening'{PER_WAVE}")
    names = [n for n, _ in out]
    if len(set(names)) != len(names) or set(BUILTIN) - set(names):
        raise InputError(f"{CONFIG}.order: list each of the rules {list(BUILTIN)} and each screening criterion "
                         f"exactly once (missing: {sorted(set(BUILTIN) - set(names))}; got {order})")
    for c in cb.screening:
        if c["name"] not in names:
            raise InputError(f"{CONFIG}.order: the screening criterion '{c['name']}' ({cb.path} {c['key']}) is not "
                             "listed; add it where it should run, or the token 'screening' for every criterion "
                             "not listed")
    for key in settings:
        if key != "order" and key not in RULES and key not in crits:
            raise InputError(f"{CONFIG}.{key}: there is no exclusion step named '{key}'; switch off one of "
                             f"{known}{PER_WAVE}")
    return out


def _empty(rule: str, reason: str, n: int) -> dict:
    return {"step": rule, "reason": reason, "n_removed": 0, "n_remaining": n}


def apply_exclusions(df: pd.DataFrame, cb: Codebook, settings: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply the exclusion steps of ``settings`` (the ``survey.exclusions`` config block) in order.

    Returns ``(kept, flow, excluded)``:

    * ``kept``: the rows that pass every enabled step (same columns as ``df``);
    * ``flow``: columns step, reason, n_removed, n_remaining; first row ``raw`` (n_removed 0), one row
      per step in the configured order (screening criteria by name; disabled steps: n_removed 0,
      reason says so), last row ``analysed``; steps that do not apply to this codebook, or that find
      no respondents left: n_removed 0, reason "skipped: ..."; sum(n_removed) + n_remaining(analysed)
      equals the raw row count;
    * ``excluded``: one row per removed response: respondent_id, source_row, step, detail.
    """
    n_raw = len(df)
    flow = [_empty("raw", "responses in the export", n_raw)]
    excluded = []
    cur = df
    for rule, func in steps(settings, cb):
        if rule in settings and not settings[rule]["enabled"]:  # a step without a switch is on
            flow.append(_empty(rule, f"rule disabled (survey.exclusions.{rule}.enabled)", len(cur)))
            continue
        if len(cur) == 0:
            flow.append(_empty(rule, "skipped: no respondents left", 0))
            continue
        try:
            flag, detail, reason = func(cur, cb, settings.get(rule, {}))
        except NotApplicable as why:
            flow.append(_empty(rule, f"skipped: not applicable ({why})", len(cur)))
            log.info("exclusion %s: skipped, %s", rule, why)
            continue
        flag = np.asarray(flag, dtype=bool)
        if flag.any():
            removed = cur[flag]
            excluded.append(pd.DataFrame({"respondent_id": removed["respondent_id"].to_numpy(),
                                          "source_row": removed["source_row"].to_numpy(),
                                          "step": rule, "detail": np.asarray(detail, dtype=object)[flag]}))
        cur = cur[~flag]
        flow.append({"step": rule, "reason": reason, "n_removed": int(flag.sum()), "n_remaining": len(cur)})
        log.info("exclusion %s: removed %d, %d remain", rule, int(flag.sum()), len(cur))
    if len(cur) == 0 and n_raw:
        log.warning("every one of the %d responses was excluded; see flow.csv", n_raw)
    flow.append(_empty("analysed", "respondents analysed", len(cur)))
    flow_df = pd.DataFrame(flow, columns=FLOW_COLUMNS)
    if int(flow_df["n_removed"].sum()) + len(cur) != n_raw:
        raise RuntimeError("exclusion flow does not reconcile with the raw row count")
    exc = (pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame(columns=EXCLUDED_COLUMNS))
    return cur.copy(), flow_df, exc[EXCLUDED_COLUMNS]
