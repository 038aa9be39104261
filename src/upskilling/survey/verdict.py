"""Multiplicity corrections within families and the verdict of each hypothesis.

Verdict rule (computed, never hand-written), for a row with adjusted p ``p_adjusted`` and level alpha:

* non-directional test (direction none): *supported* if p_adjusted < alpha, else *not supported*;
* directional two-sided test: *supported* if p_adjusted < alpha and the effect lies in the
  hypothesised direction, *contradicted* if p_adjusted < alpha and it lies in the opposite one;
* one-sided test: *supported* if p_adjusted < alpha; *contradicted* if the test in the opposite
  direction, adjusted the same way within the family, has p < alpha; else *not supported*.

* a test the data did not allow (p is NaN: no cases, an empty group, a constant variable, a singular
  model; the row's ``note`` says why) is *not computable*. It is never counted as supported.

Corrections: within a family, the p values of not-computable tests are skipped, so the family is
adjusted over the tests that were computed (as R's ``p.adjust`` with NA: ``n`` is the number of
non-missing p). Their own p_adjusted stays NaN.

Combinators: ``all_of`` is supported when every component is supported (an intersection-union test:
its p is the largest component p_adjusted), contradicted when any component is contradicted; ``any_of``
is supported when at least one component is supported and none is contradicted (its p is the smallest
component p_adjusted), contradicted when a component is contradicted and none is supported.

A combination with not-computable components is decided only if the verdict is the same whatever
verdict (supported, not supported, contradicted) those components could have had; otherwise it is
*not computable* itself. So an ``all_of`` over a not-computable component is *contradicted* when
another component is contradicted and *not computable* otherwise (never supported, and not "not
supported": the missing test might have contradicted it); an ``any_of`` is decided (*not supported*)
only when its computed components include both a supported and a contradicted one. The combination's
p is then NaN (the largest / smallest component p needs every component), and :func:`combine_note`
writes the row's note.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

SUPPORTED, NOT_SUPPORTED, CONTRADICTED = "supported", "not supported", "contradicted"
NOT_COMPUTABLE = "not computable"
#: Every verdict a hypotheses.csv row can have.
VERDICTS = (SUPPORTED, NOT_SUPPORTED, CONTRADICTED, NOT_COMPUTABLE)
#: Display names of the correction methods (tables, report, figures).
CORRECTIONS = {"holm": "Holm", "hochberg": "Hochberg", "bonferroni": "Bonferroni", "BH": "Benjamini-Hochberg",
               "BY": "Benjamini-Yekutieli"}
_SM = {"holm": "holm", "hochberg": "simes-hochberg", "bonferroni": "bonferroni", "BH": "fdr_bh", "BY": "fdr_by"}


def adjust(p: list[float], method: str) -> list[float]:
    """``p.adjust(p, method)``: R's method names (none, holm, hochberg, bonferroni, BH, BY). NaN p values (tests
    that were not computable) stay NaN and are left out of the adjustment of the others, as R does.

    statsmodels' ``multipletests``, not ``pingouin.multicomp``: pingouin has no Hochberg step-up, which the
    analysis schema offers (``hochberg``, R's ``p.adjust`` method); for the methods both have, the values
    are the same (0 difference on Holm). ``multipletests`` calls ``gc.collect()`` on each call: measured
    16 ms a call in a survey job (45 ms once torch is imported, which no survey job does), a few calls
    per hypotheses job."""
    p = np.asarray(p, dtype=float)
    out = p.copy()
    ok = np.isfinite(p)
    if method != "none" and ok.sum() > 0:
        from statsmodels.stats.multitest import multipletests  # here: the display tables above load light

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
        return NOT_COMPUTABLE
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


def _combined_verdict(kind: str, verdicts: list[str]) -> str:
    """The combination rule for components that all have a verdict other than not computable."""
    if kind == "all_of":
        if CONTRADICTED in verdicts:
            return CONTRADICTED
        return SUPPORTED if all(x == SUPPORTED for x in verdicts) else NOT_SUPPORTED
    if SUPPORTED in verdicts and CONTRADICTED not in verdicts:
        return SUPPORTED
    if CONTRADICTED in verdicts and SUPPORTED not in verdicts:
        return CONTRADICTED
    return NOT_SUPPORTED


def combine(kind: str, components: list[dict]) -> tuple[str, float, dict]:
    """Verdict, p and the deciding component of an ``all_of`` / ``any_of`` combination (module docstring)."""
    verdicts = [c["verdict"] for c in components]
    missing = [i for i, v in enumerate(verdicts) if v == NOT_COMPUTABLE]
    if missing:
        known = [v for v in verdicts if v != NOT_COMPUTABLE]
        outcomes = {_combined_verdict(kind, known + list(fill))
                    for fill in itertools.product((SUPPORTED, NOT_SUPPORTED, CONTRADICTED), repeat=len(missing))}
        if len(outcomes) > 1:
            return NOT_COMPUTABLE, math.nan, components[missing[0]]
        v = outcomes.pop()
        # decided despite the gap: all_of is then contradicted (deciding: the first contradicted component),
        # any_of not supported (deciding: the first supported component)
        want = CONTRADICTED if v == CONTRADICTED else SUPPORTED
        deciding = next((c for c in components if c["verdict"] == want),
                        next(c for c in components if c["verdict"] != NOT_COMPUTABLE))
        return v, math.nan, deciding
    ps = [c["p_adjusted"] if math.isfinite(c["p_adjusted"]) else 1.0 for c in components]
    v = _combined_verdict(kind, verdicts)
    if kind == "all_of":
        deciding = components[int(np.argmax(ps))]
        return v, max(ps), deciding
    deciding = components[int(np.argmin(ps))]
    return v, min(ps), deciding


def combine_note(kind: str, hypothesis: str, verdict: str, components: list[dict]) -> str:
    """One line explaining a combination over not-computable components ("" if there are none)."""
    missing = [c["hypothesis"] for c in components if c["verdict"] == NOT_COMPUTABLE]
    if not missing:
        return ""
    which = ", ".join(missing)
    verb = "is" if len(missing) == 1 else "are"
    if verdict == NOT_COMPUTABLE:
        return (f"{hypothesis}: not computable because {which} {verb} not computable and the {kind} verdict "
                f"depends on {'it' if len(missing) == 1 else 'them'}")
    return f"{hypothesis}: {verdict} whatever {which} (not computable) would give"
