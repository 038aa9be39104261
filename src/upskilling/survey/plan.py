"""The analysis plan (config/analysis.yaml): load, validate and resolve against the scored table.

Schema validation (``analysis.schema.yaml``) catches typos in keys and values; :func:`load_plan` then
checks what depends on the data and the codebook, each failure one :class:`InputError` naming the
file, the hypothesis and the key: unique ids, the variable roles each test needs (from the registry
of tests, :mod:`.tests_registry`), variables that are columns of the scored table, labels that exist
on the variable's scale, declared families, combinator components defined earlier, at most one
primary row per claim and at least one, and alternatives / directions that fit the test. Labels and 'midpoint' are replaced by codes here, so the tests only
see numbers.

``derived`` variables (0/1 comparisons of a column, e.g. ``age_over_40``) become columns the
hypotheses may use; a hypothesis' ``where`` conditions restrict it to a subset of respondents. Both are
resolved here (unknown columns, value counts that do not fit the operator and unknown labels fail);
:mod:`.hypotheses` computes them.
"""
from __future__ import annotations

import copy
from pathlib import Path

from ..config import load_validated
from ..errors import InputError
from .codebook import Codebook, fold
from .conditions import LIST_OPS
from .tests_registry import COMBINATORS, TESTS

#: The variable roles (``variables:`` keys) each test needs, from the registry of tests.
ROLES = {name: spec.roles for name, spec in TESTS.items()}


class Plan:
    """A resolved plan: ``hypotheses`` (list of dicts with defaults filled), ``families``
    (name -> correction), ``methods``, ``defaults``, ``derived`` (name -> {from, op, value} with codes),
    ``path`` and the ``codebook`` it was resolved with."""

    def __init__(self, path: str, data: dict, hypotheses: list[dict], codebook: Codebook,
                 derived: dict | None = None):
        self.path = path
        self.codebook = codebook
        self.data = data
        self.defaults = data["defaults"]
        self.methods = data["methods"]
        self.families = {name: f.get("correction", self.defaults["correction"]) for name, f in data["families"].items()}
        self.hypotheses = hypotheses
        self.derived = derived or {}


def _where(path: str, i: int, h: dict) -> str:
    return f"{path}: hypotheses[{i}] (id '{h.get('id', '?')}')"


def scale_item(cb: Codebook, var: str) -> str | None:
    """The item whose scale defines labels / midpoint of ``var`` (an item or a construct), or None."""
    if var in cb.constructs:
        return cb.constructs[var]["items"][0]
    if var in cb.by_id and cb.by_id[var].get("scale"):
        return var
    return None


def resolve_value(value, var: str, cb: Codebook, where: str):
    """A number stays; 'midpoint' becomes the scale midpoint of ``var``; a label becomes its code."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    item = scale_item(cb, var)
    if item is None:
        raise InputError(f"{where}: '{value}' needs a response scale but '{var}' has none; give a number")
    if fold(value) == "midpoint":
        return cb.midpoint(item)
    code = cb.code_of(item, value)
    if code is None:
        raise InputError(f"{where}: '{value}' is not a label of the scale of '{var}'; use one of "
                         f"{cb.scale_of(item)['labels']} or a number")
    return float(code)


def resolve_condition(cond: dict, var: str, cb: Codebook, where: str) -> dict:
    """``{op, value, given}``: value with labels / 'midpoint' replaced by codes, given as written; checks that
    the value fits the operator."""
    op = cond["op"]
    out = {"op": op}
    if op == "present":
        if "value" in cond:
            raise InputError(f"{where}: op 'present' takes no value; remove value")
        return out
    if "value" not in cond:
        raise InputError(f"{where}: op '{op}' needs a value")
    many = op in LIST_OPS
    if many != isinstance(cond["value"], list):
        raise InputError(f"{where}: op '{op}' needs {'a list' if many else 'one value'} as value")
    vals = cond["value"] if many else [cond["value"]]
    resolved = [resolve_value(x, var, cb, f"{where}.value") for x in vals]
    out["value"] = resolved if many else resolved[0]
    out["given"] = cond["value"]  # as written in the plan (labels kept), for readable output
    return out


def _resolve_derived(src: str, data: dict, cb: Codebook, cols: set) -> dict:
    derived = {}
    for name, d in data["derived"].items():
        where = f"{src}: derived.{name}"
        if name in cols:
            raise InputError(f"{where}: '{name}' is already a column of the scored table; choose another name")
        if d["from"] not in cols:
            raise InputError(f"{where}.from: '{d['from']}' is not a column of the scored table or an earlier "
                             "derived variable; use an item, construct or profile column")
        derived[name] = {"from": d["from"], **resolve_condition(d, d["from"], cb, where)}
        cols.add(name)
    return derived


def load_plan(path: str | Path, cb: Codebook, columns: list[str]) -> Plan:
    """Load config/analysis.yaml, validate it and resolve it against ``columns`` of the scored table
    (plus the plan's derived variables)."""
    src = str(path)
    data = load_validated(path, "analysis.schema.yaml")
    cols = set(columns)
    derived = _resolve_derived(src, data, cb, cols)
    seen: dict[str, dict] = {}
    out = []
    primaries: dict[str, list[str]] = {}
    claims: list[str] = []
    for i, raw in enumerate(data["hypotheses"]):
        h = copy.deepcopy(raw)
        where = _where(src, i, h)
        if h["id"] in seen:
            raise InputError(f"{where}: id '{h['id']}' is used twice; give each hypothesis a unique id")
        test = h["test"]
        need = ROLES[test]
        given = set(h["variables"])
        if need - given:
            raise InputError(f"{where}: variables: test '{test}' needs {sorted(need)}; missing {sorted(need - given)}")
        if given - need:
            raise InputError(f"{where}: variables: test '{test}' does not use {sorted(given - need)}; "
                             f"remove them (it uses {sorted(need)})")
        if test in COMBINATORS:
            for ref in h["variables"]["of"]:
                if ref not in seen:
                    raise InputError(f"{where}: variables.of: '{ref}' is not a hypothesis listed before this one; "
                                     "list the combined hypotheses first")
        else:
            for role, var in h["variables"].items():
                for v in (var if isinstance(var, list) else [var]):
                    if v not in cols:
                        raise InputError(f"{where}: variables.{role}: '{v}' is not a column of the scored table; "
                                         f"use an item, construct or profile column (e.g. "
                                         f"{', '.join(sorted(cb.constructs))})")
        if "where" in h:
            if test in COMBINATORS:
                raise InputError(f"{where}: where: '{test}' combines other hypotheses; put the conditions on "
                                 "the hypotheses it combines")
            for j, cond in enumerate(h["where"]):
                if cond["variable"] not in cols:
                    raise InputError(f"{where}: where[{j}].variable: '{cond['variable']}' is not a column of the "
                                     "scored table or a derived variable")
                h["where"][j] = {"variable": cond["variable"],
                                 **resolve_condition(cond, cond["variable"], cb, f"{where}: where[{j}]")}
        h.setdefault("alpha", data["defaults"]["alpha"])
        alt = h["alternative"]
        if not TESTS[test].directional:
            if alt != "two-sided" or h.get("direction", "none") != "none":
                raise InputError(f"{where}: test '{test}' has no direction; set alternative: two-sided and "
                                 "leave out direction")
            h["direction"] = "none"
        elif alt != "two-sided":
            if h.get("direction", alt) != alt:
                raise InputError(f"{where}: direction '{h['direction']}' contradicts alternative '{alt}'; "
                                 "leave out direction for one-sided tests")
            h["direction"] = alt
        else:
            h.setdefault("direction", "none")
        fam = h.get("family")
        if fam is not None and fam not in data["families"]:
            raise InputError(f"{where}: family '{fam}' is not defined under families; add it or fix the name "
                             f"(defined: {sorted(data['families'])})")
        _test_params(h, test, cb, data, where)
        primaries.setdefault(h["claim"], [])
        if h["claim"] not in claims:
            claims.append(h["claim"])
        if h["primary"]:
            primaries[h["claim"]].append(h["id"])
        seen[h["id"]] = h
        out.append(h)
    for claim in claims:
        if len(primaries[claim]) > 1:
            raise InputError(f"{src}: claim {claim} has {len(primaries[claim])} primary hypotheses "
                             f"{primaries[claim]}; mark exactly one with primary: true (combine several with all_of)")
        if not primaries[claim]:
            raise InputError(f"{src}: claim {claim} has no primary hypothesis; mark the one that decides the "
                             "claim's verdict with primary: true")
    for claim, spec in claim_specs(data, src).items():  # the claims section must fit the hypotheses
        unknown = [c for c in spec["constructs"] if c not in cb.constructs]
        if unknown:
            raise InputError(f"{src}: claims.{claim}.constructs: {unknown} not constructs of {cb.path}; use some "
                             f"of {sorted(cb.constructs)}")
    return Plan(src, data, out, cb, derived)


def claim_specs(plan: str | Path | dict, source: str | None = None, figures=None) -> dict[str, dict]:
    """The plan's claims in words: ``{claim: {title, statement, headline, primary, hypotheses,
    constructs, figures}}`` in the order the claims first appear among the hypotheses.

    ``plan`` is the path of an analysis plan or its validated content (``source`` names it in errors).
    A claim without an entry under ``claims:`` gets its id as title and its primary hypothesis's
    label as statement; ``headline`` defaults to the primary hypothesis. A claim listed under
    ``claims:`` that no hypothesis bears on, or a headline that is not one of the claim's hypotheses,
    is an :class:`InputError` naming the key; so is a figure not among ``figures`` (the known figure
    names), when given. Needs no codebook or data (the integration stage reads the claims of the
    integration wave's plan with it; :func:`load_plan` checks the constructs against the codebook).
    """
    if isinstance(plan, dict):
        data, src = plan, source or "the analysis plan"
    else:
        data, src = load_validated(plan, "analysis.schema.yaml"), str(plan)
    declared = data.get("claims") or {}
    by_claim: dict[str, list[dict]] = {}
    for h in data["hypotheses"]:
        by_claim.setdefault(h["claim"], []).append(h)
    for claim in declared:
        if claim not in by_claim:
            raise InputError(f"{src}: claims.{claim}: no hypothesis has claim: {claim}; add its tests under "
                             f"hypotheses or remove the entry (claims with tests: {sorted(by_claim)})")
    out = {}
    for claim, hyps in by_claim.items():
        spec = declared.get(claim, {})
        primary = [h["id"] for h in hyps if h.get("primary")]
        primary_id = primary[0] if primary else None
        label = next((h.get("label") for h in hyps if h["id"] == primary_id), None)
        headline = spec.get("headline", primary_id)
        ids = [h["id"] for h in hyps]
        if headline is not None and headline not in ids:
            raise InputError(f"{src}: claims.{claim}.headline: '{headline}' is not a hypothesis of claim "
                             f"{claim}; use one of {ids}")
        unknown = [f for f in spec.get("figures", []) if figures is not None and f not in figures]
        if unknown:
            raise InputError(f"{src}: claims.{claim}.figures: {unknown} are not figures; use some of {list(figures)}")
        out[claim] = {"title": spec.get("title", claim), "statement": spec.get("statement") or label or "",
                      "headline": headline, "primary": primary_id, "hypotheses": ids,
                      "constructs": list(spec.get("constructs", [])), "figures": list(spec.get("figures", []))}
    return out


def _test_params(h: dict, test: str, cb: Codebook, data: dict, where: str) -> None:
    v = h["variables"]
    if test == "wilcoxon_one_sample":
        if "mu" not in h:
            raise InputError(f"{where}: wilcoxon_one_sample needs mu (a number or 'midpoint')")
        h["mu"] = resolve_value(h["mu"], v["x"], cb, f"{where}: mu")
    if test == "binomial":
        if "success" not in h:
            raise InputError(f"{where}: binomial needs success: {{op: ..., value: ...}}")
        s = h["success"]
        many = s["op"] in LIST_OPS
        vals = s["value"] if isinstance(s["value"], list) else [s["value"]]
        if many != isinstance(s["value"], list):
            raise InputError(f"{where}: success.op '{s['op']}' needs {'a list' if many else 'one value'} as value")
        resolved = [resolve_value(x, v["x"], cb, f"{where}: success.value") for x in vals]
        s["value"] = resolved if many else resolved[0]
    if test == "mann_whitney":
        if len(h.get("groups", [])) != 2:
            raise InputError(f"{where}: mann_whitney needs groups: [first, second] (two values of '{v['group']}')")
    if "groups" in h:
        h["groups"] = [resolve_value(g, v["group"], cb, f"{where}: groups") for g in h["groups"]]
    if test == "ordinal_logit" and v["term"] not in v["predictors"]:
        raise InputError(f"{where}: variables.term '{v['term']}' is not one of the predictors {v['predictors']}")
    if test == "friedman" and "posthoc" in h and h["posthoc"]["family"] not in data["families"]:
        raise InputError(f"{where}: posthoc.family '{h['posthoc']['family']}' is not defined under families; add it")
    if test == "chisq_gof" and "expected" in h:
        item = scale_item(cb, v["x"])
        k = len(cb.scale_of(item)["codes"]) if item else None
        if k is None or len(h["expected"]) != k:
            raise InputError(f"{where}: expected has {len(h['expected'])} probabilities; give one per code of the "
                             f"scale of '{v['x']}' ({k})")
