"""Multiplicity corrections within families and the verdict of each hypothesis.

Verdict rule (computed, never hand-written), for a row with adjusted p ``p_adjusted`` and level alpha:

* non-directional test (direction none): *supported* if p_adjusted < alpha, else *not supported*;
* directional two-sided test: *supported* if p_adjusted < alpha and the effect lies in the
  hypothesised direction, *contradicted* if p_adjusted < alpha and it lies in the opposite one;
* one-sided test: *supported* if p_adjusted < alpha; *contradicted* if the test in the opposite
  direction, adjusted the same way within the family, has p < alpha; else *not supported*.

Combinators: ``all_of`` is supported when every component is supported (an intersection-union test:
its p is the largest component p_adjusted), contradicted when any component is contradicted; ``any_of``
is supported when at least one component is supported and none is contradicted (its p is the smallest
component p_adjusted), contradicted when a component is contradicted and none is supported.
"""
from __future__ import annotations

import math

import numpy as np
from statsmodels.stats.multitest import multipletests

SUPPORTED, NOT_SUPPORTED, CONTRADICTED = "supported", "not supported", "contradicted"
_SM = {"holm": "holm", "hochberg": "simes-hochberg", "bonferroni": "bonferroni", "BH": "fdr_bh", "BY": "fdr_by"}


def adjust(p: list[float], method: str) -> list[float]:
    """``p.adjust(p, method)``: R's method names (none, holm, hochberg, bonferroni, BH, BY); NaN kept."""
    p = np.asarray(p, dtype=float)
    out = p.copy()
    ok = np.isfinite(p)
    if method != "none" and ok.sum() > 0:
        out[ok] = multipletests(p[ok], method=_SM[method])[1]
    return [float(x) for x in out]


def apply_corrections(rows: list[dict], families: dict[str, str], default: str = "none") -> None:
    """Fill ``p_adjusted``, ``p_opposite_adjusted`` and ``correction`` of ``rows`` in place, per family.

    A row without family is its own family with correction 'none'. For the opposite-direction
    adjustment, two-sided rows of the family contribute their own p.
    """
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["family"] or f"__{r['hypothesis']}", []).append(r)
    for fam, members in groups.items():
        method = families.get(fam, default) if not fam.startswith("__") else "none"
        padj = adjust([m["p"] for m in members], method)
        opp = adjust([m["p_opposite"] if m["alternative"] != "two-sided" else m["p"] for m in members], method)
        for m, a, o in zip(members, padj, opp):
            m["p_adjusted"] = a
            m["p_opposite_adjusted"] = o if m["alternative"] != "two-sided" else math.nan
            m["correction"] = method


def verdict(row: dict) -> str:
    """Verdict of one (non-combinator) row from p_adjusted, alpha, direction, sign and alternative."""
    alpha, p = row["alpha"], row["p_adjusted"]
    if not math.isfinite(p):
        return NOT_SUPPORTED
    if row["alternative"] != "two-sided":
        if p < alpha:
            return SUPPORTED
        po = row.get("p_opposite_adjusted", math.nan)
        return CONTRADICTED if (math.isfinite(po) and po < alpha) else NOT_SUPPORTED
    if p >= alpha:
        return NOT_SUPPORTED
    if row["direction"] == "none":
        return SUPPORTED
    want = 1 if row["direction"] == "greater" else -1
    if row["sign"] == want:
        return SUPPORTED
    return CONTRADICTED if row["sign"] == -want else NOT_SUPPORTED


def combine(kind: str, components: list[dict]) -> tuple[str, float, dict]:
    """Verdict, p and the deciding component of an ``all_of`` / ``any_of`` combination."""
    verdicts = [c["verdict"] for c in components]
    ps = [c["p_adjusted"] if math.isfinite(c["p_adjusted"]) else 1.0 for c in components]
    if kind == "all_of":
        if CONTRADICTED in verdicts:
            v = CONTRADICTED
        else:
            v = SUPPORTED if all(x == SUPPORTED for x in verdicts) else NOT_SUPPORTED
        deciding = components[int(np.argmax(ps))]
        return v, max(ps), deciding
    if SUPPORTED in verdicts and CONTRADICTED not in verdicts:
        v = SUPPORTED
    elif CONTRADICTED in verdicts and SUPPORTED not in verdicts:
        v = CONTRADICTED
    else:
        v = NOT_SUPPORTED
    deciding = components[int(np.argmin(ps))]
    return v, min(ps), deciding
