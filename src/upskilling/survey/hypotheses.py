"""Run the analysis plan on the scored table: one row per hypothesis (plus Friedman post-hoc pairs).

Each test uses complete cases of its own variables (``n`` says how many), among the respondents who
meet the hypothesis' ``where`` conditions (a respondent missing a condition's variable fails it, as in
R's ``subset``). The plan's ``derived`` variables are added to the scored table first. Each test kind's
adapter is in the registry :mod:`.tests_registry`; test functions live in :mod:`.stats_rank`,
:mod:`.stats_counts`, :mod:`.stats_metric` and :mod:`.stats_ordinal`; corrections and verdicts in
:mod:`.verdict`; comparisons (``where``, ``derived``, ``success``) in :mod:`.conditions`.

Data that do not allow a test (no cases in the subset, an empty group, a constant variable, every
difference zero, a singular ordinal model) do not stop the plan: that row gets NaN statistic and p,
the verdict "not computable" and a one-line ``note`` naming the hypothesis and the reason (e.g.
"H3: Mann-Whitney group 'no' of freelancing is empty"). A combination over it follows the rule in
:mod:`.verdict`. ``note`` is "" for rows with nothing to report.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from ..errors import InputError
from ..logs import get_logger
from . import stats_rank as sr
from . import verdict as vd
from .conditions import holds
from .plan import Plan
from .result import TestResult
from .tests_registry import COMBINATORS, TESTS, column, number

log = get_logger("survey")

#: Columns of hypotheses.csv: the contract of docs/ARCHITECTURE.md first, then extras.
COLUMNS = ["hypothesis", "claim", "test", "variables", "alternative", "statistic", "df", "p", "p_adjusted",
           "correction", "effect_size_name", "effect_size", "ci_low", "ci_high", "n", "alpha", "verdict",
           "primary", "label", "family", "direction", "statistic_name", "p_opposite", "p_opposite_adjusted", "note"]


def add_derived(scored: pd.DataFrame, derived: dict) -> pd.DataFrame:
    """``scored`` plus one 0/1 column per derived variable (missing where its source is missing)."""
    if not derived:
        return scored
    out = scored.copy()
    for name, d in derived.items():
        x = column(out, d["from"])
        out[name] = np.where(np.isfinite(x), holds(x, d).astype(float), np.nan)
    return out


def _given(v) -> str:
    return number(v) if isinstance(v, (int, float)) else str(v)


def _shown(cond: dict) -> str:
    """A where-condition as written in the plan (labels kept), e.g. 'sd_gender ne diverse'."""
    if cond["op"] == "present":
        return f"{cond['variable']} present"
    val = cond.get("given", cond["value"])
    shown = "[" + ", ".join(map(_given, val)) + "]" if isinstance(val, list) else _given(val)
    return f"{cond['variable']} {cond['op']} {shown}"


def subset(scored: pd.DataFrame, h: dict) -> tuple[pd.DataFrame, str]:
    """The rows of ``scored`` meeting every ``where`` condition of ``h`` and a readable suffix for 'variables'."""
    if not h.get("where"):
        return scored, ""
    keep = np.ones(len(scored), dtype=bool)
    for cond in h["where"]:
        keep &= holds(column(scored, cond["variable"]), cond)
    return scored[keep], " [where " + " & ".join(_shown(c) for c in h["where"]) + "]"


def run_test(h: dict, scored: pd.DataFrame, plan: Plan) -> tuple[TestResult, str]:
    """Run one (non-combinator) hypothesis by its test's adapter (:data:`.tests_registry.TESTS`); returns the
    result and a readable description of the variables."""
    spec = TESTS.get(h["test"])
    if spec is None or spec.combines:
        raise InputError(f"{plan.path}: hypothesis '{h['id']}': unknown test '{h['test']}'; known tests: "
                         f"{', '.join(k for k, s in TESTS.items() if not s.combines)}")
    return spec.run(h, scored, plan)


def _row(h: dict, res: TestResult, variables: str, cond: str = "", **over) -> dict:
    row = {"hypothesis": h["id"], "claim": h["claim"], "test": h["test"], "variables": variables,
           "alternative": h["alternative"], "statistic": res.statistic, "df": res.df, "p": res.p,
           "effect_size_name": res.effect_size_name, "effect_size": res.effect_size, "ci_low": res.ci_low,
           "ci_high": res.ci_high, "n": res.n, "alpha": h["alpha"], "primary": bool(h.get("primary", False)),
           "label": h.get("label", ""), "family": h.get("family"), "direction": h["direction"],
           "statistic_name": res.statistic_name, "p_opposite": res.p_opposite, "sign": res.sign,
           "note": f"{h['id']}: {res.note}{cond}" if res.note else ""}
    row.update(over)
    return row


def _log_row(row: dict, res: TestResult) -> None:
    if not res.computable:
        log.warning("not computable: %s", row["note"])
        return
    log.info("%s (%s): %s = %.4g, p = %.4g, n = %d", row["hypothesis"], row["test"], res.statistic_name,
             res.statistic, res.p, res.n)
    if row["note"]:
        log.warning("%s", row["note"])


def run_plan(scored: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Run every hypothesis of ``plan`` on ``scored``; returns hypotheses.csv as a DataFrame (:data:`COLUMNS`)."""
    scored = add_derived(scored, plan.derived)
    rows: list[dict] = []
    combos: list[dict] = []
    for h in plan.hypotheses:
        if h["test"] in COMBINATORS:
            combos.append(h)
            rows.append({"hypothesis": h["id"], "_combo": h})
            continue
        data, cond = subset(scored, h)
        res, desc = run_test(h, data, plan)
        rows.append(_row(h, res, desc + cond, cond))
        _log_row(rows[-1], res)
        if h["test"] == "friedman" and "posthoc" in h:
            wx = plan.methods["wilcoxon"]
            for a, b in itertools.combinations(h["variables"]["within"], 2):
                pr = sr.wilcoxon_paired(column(data, a), column(data, b), "two-sided", wx["exact"], wx["correct"],
                                        plan.defaults["ci_level"], names=(a, b))
                sub = dict(h, id=f"{h['id']}.{a}-{b}", test="wilcoxon_paired", primary=False, direction="none",
                           family=h["posthoc"]["family"], label=f"post-hoc: {a} vs {b}")
                rows.append(_row(sub, pr, f"{a} vs {b}{cond}", cond))
                _log_row(rows[-1], pr)
    tested = [r for r in rows if "_combo" not in r]
    vd.apply_corrections(tested, plan.families, plan.defaults["correction"])
    for r in tested:
        r["verdict"] = vd.verdict(r)
    by_id = {r["hypothesis"]: r for r in rows}
    for i, r in enumerate(rows):
        if "_combo" not in r:
            continue
        h = r["_combo"]
        comps = [by_id[c] for c in h["variables"]["of"]]
        v, p, dec = vd.combine(h["test"], comps)
        rows[i] = {"hypothesis": h["id"], "claim": h["claim"], "test": h["test"],
                   "variables": (" & " if h["test"] == "all_of" else " | ").join(h["variables"]["of"]),
                   "alternative": "two-sided", "statistic": math.nan, "df": math.nan, "p": p, "p_adjusted": p,
                   "correction": "none", "effect_size_name": dec["effect_size_name"], "effect_size": dec["effect_size"],
                   "ci_low": dec["ci_low"], "ci_high": dec["ci_high"], "n": min(c["n"] for c in comps),
                   "alpha": h["alpha"], "verdict": v, "primary": bool(h.get("primary", False)),
                   "label": h.get("label", ""), "family": None, "direction": "none",
                   "statistic_name": f"deciding: {dec['hypothesis']}", "p_opposite": math.nan,
                   "p_opposite_adjusted": math.nan, "note": vd.combine_note(h["test"], h["id"], v, comps)}
        if rows[i]["note"]:
            log.warning("%s", rows[i]["note"])
        by_id[h["id"]] = rows[i]
    out = pd.DataFrame(rows)
    return out[COLUMNS]
