"""Run the analysis plan on the scored table: one row per hypothesis (plus Friedman post-hoc pairs).

Each test uses complete cases of its own variables (``n`` says how many), among the respondents who
meet the hypothesis' ``where`` conditions (a respondent missing a condition's variable fails it, as in
R's ``subset``). The plan's ``derived`` variables are added to the scored table first. Test functions
live in :mod:`.stats_rank`, :mod:`.stats_counts`, :mod:`.stats_metric` and :mod:`.stats_ordinal`;
corrections and verdicts in :mod:`.verdict`.

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
from . import stats_counts as sc
from . import stats_metric as sm
from . import stats_ordinal as so
from . import stats_rank as sr
from . import verdict as vd
from .plan import COMBINATORS, Plan, scale_item
from .result import TestResult

log = get_logger("survey")

#: Columns of hypotheses.csv: the contract of docs/ARCHITECTURE.md first, then extras.
COLUMNS = ["hypothesis", "claim", "test", "variables", "alternative", "statistic", "df", "p", "p_adjusted",
           "correction", "effect_size_name", "effect_size", "ci_low", "ci_high", "n", "alpha", "verdict",
           "primary", "label", "family", "direction", "statistic_name", "p_opposite", "p_opposite_adjusted", "note"]

_OPS = {"eq": np.equal, "ne": np.not_equal, "gt": np.greater, "ge": np.greater_equal, "lt": np.less,
        "le": np.less_equal}


def _num(scored: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(scored[col], errors="coerce").to_numpy(dtype=float)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _success(x: np.ndarray, spec: dict) -> np.ndarray:
    if spec["op"] in ("in", "not_in"):
        hit = np.isin(x, spec["value"])
        return hit if spec["op"] == "in" else ~hit
    return _OPS[spec["op"]](x, spec["value"])


def _holds(x: np.ndarray, cond: dict) -> np.ndarray:
    """Where ``x`` meets a resolved condition {op, value}; a missing x never does."""
    ok = np.isfinite(x)
    if cond["op"] == "present":
        return ok
    with np.errstate(invalid="ignore"):
        return ok & _success(x, cond)


def add_derived(scored: pd.DataFrame, derived: dict) -> pd.DataFrame:
    """``scored`` plus one 0/1 column per derived variable (missing where its source is missing)."""
    if not derived:
        return scored
    out = scored.copy()
    for name, d in derived.items():
        x = _num(out, d["from"])
        out[name] = np.where(np.isfinite(x), _holds(x, d).astype(float), np.nan)
    return out


def _given(v) -> str:
    return _fmt(v) if isinstance(v, (int, float)) else str(v)


def _shown(cond: dict) -> str:
    """A where-condition as written in the plan (labels kept), e.g. 'sd_gender ne diverse'."""
    if cond["op"] == "present":
        return f"{cond['variable']} present"
    val = cond.get("given", cond["value"])
    shown = "[" + ", ".join(map(_given, val)) + "]" if isinstance(val, list) else _given(val)
    return f"{cond['variable']} {cond['op']} {shown}"


def _group_name(plan: Plan, var: str, code: float) -> str:
    """A group of ``var`` as the reader knows it: its label on the scale ("'no'"), else its code."""
    item = scale_item(plan.codebook, var)
    sc = plan.codebook.scale_of(item) if item else None
    if sc:
        for lab, c in zip(sc["labels"], sc["codes"]):
            if float(c) == float(code):
                return f"'{lab}'"
    return f"'{_fmt(code)}'"


def subset(scored: pd.DataFrame, h: dict) -> tuple[pd.DataFrame, str]:
    """The rows of ``scored`` meeting every ``where`` condition of ``h`` and a readable suffix for 'variables'."""
    if not h.get("where"):
        return scored, ""
    keep = np.ones(len(scored), dtype=bool)
    for cond in h["where"]:
        keep &= _holds(_num(scored, cond["variable"]), cond)
    return scored[keep], " [where " + " & ".join(_shown(c) for c in h["where"]) + "]"


def run_test(h: dict, scored: pd.DataFrame, plan: Plan) -> tuple[TestResult, str]:
    """Run one (non-combinator) hypothesis; returns the result and a readable description of the variables."""
    v, m, level = h["variables"], plan.methods, plan.defaults["ci_level"]
    t, alt = h["test"], h["alternative"]
    wx = m["wilcoxon"]
    if t == "wilcoxon_one_sample":
        x = _num(scored, v["x"])
        return sr.wilcoxon_one_sample(x[np.isfinite(x)], h["mu"], alt, wx["exact"], wx["correct"], level,
                                      name=v["x"]), f"{v['x']} vs {_fmt(h['mu'])}"
    if t == "wilcoxon_paired":
        return sr.wilcoxon_paired(_num(scored, v["x"]), _num(scored, v["y"]), alt, wx["exact"], wx["correct"], level,
                                  names=(v["x"], v["y"])), f"{v['x']} vs {v['y']}"
    if t == "friedman":
        if len(v["within"]) < 3:
            raise InputError(f"{plan.path}: hypothesis '{h['id']}': friedman needs at least three variables in "
                             f"within, {len(v['within'])} given; use wilcoxon_paired for two")
        return sr.friedman(np.column_stack([_num(scored, c) for c in v["within"]]), level), ", ".join(v["within"])
    if t == "binomial":
        x = _num(scored, v["x"])
        x = x[np.isfinite(x)]
        k = int(_success(x, h["success"]).sum())
        val = h["success"]["value"]
        shown = "[" + ", ".join(map(_fmt, val)) + "]" if isinstance(val, list) else _fmt(val)
        return sc.binomial(k, x.size, h["p0"], alt, level), f"{v['x']} {h['success']['op']} {shown} (p0 = {_fmt(h['p0'])})"
    if t == "chisq_gof":
        x = _num(scored, v["x"])
        item = scale_item(plan.codebook, v["x"])  # codes of the scale, in codebook order
        codes = [float(c) for c in plan.codebook.scale_of(item)["codes"]] if item else sorted(np.unique(x[np.isfinite(x)]))
        counts = [int((x == c).sum()) for c in codes]
        exp = h.get("expected", [1.0] * len(codes))
        return sc.chisq_gof(counts, exp, level), v["x"]
    if t == "chisq_independence":
        x, y = _num(scored, v["x"]), _num(scored, v["y"])
        ok = np.isfinite(x) & np.isfinite(y)
        table = pd.crosstab(x[ok], y[ok]).to_numpy()
        return (sc.chisq_independence(table, m["chisq"]["correct"], level, m["chisq"]["cramers_v_from"],
                                      names=(v["x"], v["y"])),
                f"{v['x']} x {v['y']}")
    if t == "spearman":
        return sr.spearman(_num(scored, v["x"]), _num(scored, v["y"]), alt, level, names=(v["x"], v["y"])), \
            f"{v['x']} ~ {v['y']}"
    if t == "pearson":
        return sm.pearson(_num(scored, v["x"]), _num(scored, v["y"]), alt, level, names=(v["x"], v["y"])), \
            f"{v['x']} ~ {v['y']}"
    if t == "mann_whitney":
        x, g = _num(scored, v["x"]), _num(scored, v["group"])
        a, b = h["groups"]
        mw = m["mann_whitney"]
        names = tuple(f"{_group_name(plan, v['group'], c)} of {v['group']}" for c in (a, b))
        return sr.mann_whitney(x[g == a], x[g == b], alt, mw["exact"], mw["correct"], level, names=names), \
            f"{v['x']} by {v['group']} ({_fmt(a)} vs {_fmt(b)})"
    if t == "kruskal_wallis":
        x, g = _num(scored, v["x"]), _num(scored, v["group"])
        levels = h.get("groups") or sorted(np.unique(g[np.isfinite(g)]))
        names = [_group_name(plan, v["group"], lev) for lev in levels]
        return sr.kruskal_wallis([x[g == lev] for lev in levels], level, names=names), f"{v['x']} by {v['group']}"
    if t == "ordinal_logit":
        # data that do not identify the model give a not-computable result (never an error blaming the plan)
        X = pd.DataFrame({p: _num(scored, p) for p in v["predictors"]})
        res = so.ordinal_logit(_num(scored, v["outcome"]), X, v["term"], alt, m["ordinal_logit"]["standardize"], level)
        return res, f"{v['outcome']} ~ {' + '.join(v['predictors'])} [{v['term']}]"
    raise InputError(f"{plan.path}: hypothesis '{h['id']}': unknown test '{t}'")


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
                pr = sr.wilcoxon_paired(_num(data, a), _num(data, b), "two-sided", wx["exact"], wx["correct"],
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
