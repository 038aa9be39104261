"""The comparison operators of the plan and the codebook: one table, one rule.

A binomial test's ``success``, a derived variable, a hypothesis' ``where`` condition and a codebook
screening criterion all compare a variable with a value by ``op``: ``eq``, ``ne``, ``gt``, ``ge``,
``lt``, ``le`` (one value), ``in`` / ``not_in`` (a list of values) and, for conditions only,
``present``. Values are codes (labels and 'midpoint' are resolved before: :mod:`.plan`,
:mod:`.codebook`). Needs only numpy, so the exclusion step and the figures use it without loading the
statistics.
"""
from __future__ import annotations

import numpy as np

#: Operators comparing with one value (numpy ufuncs, element-wise).
OPS = {"eq": np.equal, "ne": np.not_equal, "gt": np.greater, "ge": np.greater_equal, "lt": np.less,
       "le": np.less_equal}
#: Operators comparing with a list of values.
LIST_OPS = frozenset({"in", "not_in"})
#: How the reports and figures write each operator ('primary_resource = 6', 'mean \u2265 3').
OP_SYMBOLS = {"eq": "=", "ne": "\u2260", "gt": ">", "ge": "\u2265", "lt": "<", "le": "\u2264", "in": "in",
              "not_in": "not in"}


def meets(x, op: str, value) -> np.ndarray:
    """Where ``x`` meets ``op value`` (the success rule of a binomial test), element-wise.

    No missing-value rule: NaN fails ``eq``, ``gt``, ``ge``, ``lt``, ``le`` and ``in`` but meets ``ne``
    and ``not_in`` (IEEE comparisons); use :func:`holds` where a missing value must fail.
    """
    if op in LIST_OPS:
        hit = np.isin(x, value)
        return hit if op == "in" else ~hit
    return OPS[op](x, value)


def holds(x: np.ndarray, cond: dict) -> np.ndarray:
    """Where ``x`` meets a resolved condition ``{op, value}`` (or ``{op: present}``); a missing x never does."""
    ok = np.isfinite(x)
    if cond["op"] == "present":
        return ok
    with np.errstate(invalid="ignore"):
        return ok & meets(x, cond["op"], cond["value"])
