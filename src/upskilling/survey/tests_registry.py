"""The registry of hypothesis tests: one entry per value of a hypothesis' ``test`` in the analysis plan.

:data:`TESTS` maps each test kind to a :class:`TestSpec`: the variable roles the plan must give it
(``variables:`` keys, checked by :func:`.plan.load_plan`), whether it has a direction (a one-sided
alternative / a ``direction``), its name in words and the statistic it reports (as the report shows
them: :mod:`upskilling.integrate.fmt`) and ``run``, the adapter that runs it on the scored table
(:func:`.hypotheses.run_test`). The combinators ``all_of`` / ``any_of`` are entries without ``run``:
they combine the verdicts of other hypotheses (:mod:`.verdict`).

Everything else that lists the tests derives from here: the plan's role and direction checks, the
runner, the report's test names and statistics. The plan schema's ``test`` enum
(``schemas/analysis.schema.yaml``) must list the same kinds (a test checks it). To add a test: a
function in a ``stats_*`` module, an adapter and an entry here, the kind in the schema's enum.

The statistics modules (scipy, statsmodels) are imported by the adapters when they run, not when
this module is imported: :mod:`.plan` needs the registry and loads fast.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError
from .conditions import meets

if TYPE_CHECKING:
    from .plan import Plan
    from .result import TestResult

#: An adapter: (hypothesis, scored table of its subset, plan) -> (result, the variables in words).
Runner = Callable[[dict, pd.DataFrame, "Plan"], "tuple[TestResult, str]"]


@dataclass(frozen=True)
class TestSpec:
    """One kind of test: ``roles`` (the ``variables:`` keys it needs, no more), ``directional`` (False: it
    only takes alternative two-sided and no direction), ``label`` (its name in words), ``statistic`` (the
    ``statistic_name`` it records; None for a combinator) and ``run`` (the adapter; None for a combinator)."""

    __test__ = False  # not a pytest class

    roles: frozenset[str]
    directional: bool
    label: str
    statistic: str | None = None
    run: Runner | None = None

    @property
    def combines(self) -> bool:
        """True for all_of / any_of: it combines other hypotheses instead of testing data."""
        return self.run is None


def column(scored: pd.DataFrame, col: str) -> np.ndarray:
    """Column ``col`` of the scored table as floats (NaN where missing or not a number)."""
    return pd.to_numeric(scored[col], errors="coerce").to_numpy(dtype=float)


def number(x: float) -> str:
    """A number as the ``variables`` description shows it: '3', '0.5'."""
    return f"{x:g}"


def _group_name(plan: Plan, var: str, code: float) -> str:
    """A group of ``var`` as the reader knows it: its label on the scale ("'no'"), else its code."""
    from .plan import scale_item
    item = scale_item(plan.codebook, var)
    sc = plan.codebook.scale_of(item) if item else None
    if sc:
        for lab, c in zip(sc["labels"], sc["codes"]):
            if float(c) == float(code):
                return f"'{lab}'"
    return f"'{number(code)}'"


def _level(plan: Plan) -> float:
    return plan.defaults["ci_level"]


# --- adapters: one per test, the plan's entries -> the arguments of its statistics function ---

def _wilcoxon_one_sample(h, scored, plan):
    from .stats_rank import wilcoxon_one_sample
    v, wx = h["variables"], plan.methods["wilcoxon"]
    x = column(scored, v["x"])
    return wilcoxon_one_sample(x[np.isfinite(x)], h["mu"], h["alternative"], wx["exact"], wx["correct"],
                               _level(plan), name=v["x"]), f"{v['x']} vs {number(h['mu'])}"


def _wilcoxon_paired(h, scored, plan):
    from .stats_rank import wilcoxon_paired
    v, wx = h["variables"], plan.methods["wilcoxon"]
    return wilcoxon_paired(column(scored, v["x"]), column(scored, v["y"]), h["alternative"], wx["exact"],
                           wx["correct"], _level(plan), names=(v["x"], v["y"])), f"{v['x']} vs {v['y']}"


def _friedman(h, scored, plan):
    from .stats_rank import friedman
    within = h["variables"]["within"]
    if len(within) < 3:
        raise InputError(f"{plan.path}: hypothesis '{h['id']}': friedman needs at least three variables in "
                         f"within, {len(within)} given; use wilcoxon_paired for two")
    return friedman(np.column_stack([column(scored, c) for c in within]), _level(plan)), ", ".join(within)


def _binomial(h, scored, plan):
    from .stats_counts import binomial
    v, s = h["variables"], h["success"]
    x = column(scored, v["x"])
    x = x[np.isfinite(x)]
    k = int(meets(x, s["op"], s["value"]).sum())
    val = s["value"]
    shown = "[" + ", ".join(map(number, val)) + "]" if isinstance(val, list) else number(val)
    return binomial(k, x.size, h["p0"], h["alternative"], _level(plan)), \
        f"{v['x']} {s['op']} {shown} (p0 = {number(h['p0'])})"


def _chisq_gof(h, scored, plan):
    from .plan import scale_item
    from .stats_counts import chisq_gof
    v = h["variables"]
    x = column(scored, v["x"])
    item = scale_item(plan.codebook, v["x"])  # codes of the scale, in codebook order
    codes = [float(c) for c in plan.codebook.scale_of(item)["codes"]] if item else sorted(np.unique(x[np.isfinite(x)]))
    counts = [int((x == c).sum()) for c in codes]
    exp = h.get("expected", [1.0] * len(codes))
    return chisq_gof(counts, exp, _level(plan)), v["x"]


def _chisq_independence(h, scored, plan):
    from .stats_counts import chisq_independence
    v, m = h["variables"], plan.methods["chisq"]
    x, y = column(scored, v["x"]), column(scored, v["y"])
    ok = np.isfinite(x) & np.isfinite(y)
    table = pd.crosstab(x[ok], y[ok]).to_numpy()
    return (chisq_independence(table, m["correct"], _level(plan), m["cramers_v_from"], names=(v["x"], v["y"])),
            f"{v['x']} x {v['y']}")


def _spearman(h, scored, plan):
    from .stats_rank import spearman
    v = h["variables"]
    return spearman(column(scored, v["x"]), column(scored, v["y"]), h["alternative"], _level(plan),
                    names=(v["x"], v["y"])), f"{v['x']} ~ {v['y']}"


def _pearson(h, scored, plan):
    from .stats_metric import pearson
    v = h["variables"]
    return pearson(column(scored, v["x"]), column(scored, v["y"]), h["alternative"], _level(plan),
                   names=(v["x"], v["y"])), f"{v['x']} ~ {v['y']}"


def _mann_whitney(h, scored, plan):
    from .stats_rank import mann_whitney
    v, mw = h["variables"], plan.methods["mann_whitney"]
    x, g = column(scored, v["x"]), column(scored, v["group"])
    a, b = h["groups"]
    names = tuple(f"{_group_name(plan, v['group'], c)} of {v['group']}" for c in (a, b))
    return mann_whitney(x[g == a], x[g == b], h["alternative"], mw["exact"], mw["correct"], _level(plan),
                        names=names), f"{v['x']} by {v['group']} ({number(a)} vs {number(b)})"


def _kruskal_wallis(h, scored, plan):
    from .stats_rank import kruskal_wallis
    v = h["variables"]
    x, g = column(scored, v["x"]), column(scored, v["group"])
    levels = h.get("groups") or sorted(np.unique(g[np.isfinite(g)]))
    names = [_group_name(plan, v["group"], lev) for lev in levels]
    return kruskal_wallis([x[g == lev] for lev in levels], _level(plan), names=names), f"{v['x']} by {v['group']}"


def _ordinal_logit(h, scored, plan):
    # data that do not identify the model give a not-computable result (never an error blaming the plan)
    from .stats_ordinal import ordinal_logit
    v = h["variables"]
    X = pd.DataFrame({p: column(scored, p) for p in v["predictors"]})
    res = ordinal_logit(column(scored, v["outcome"]), X, v["term"], h["alternative"],
                        plan.methods["ordinal_logit"]["standardize"], _level(plan))
    return res, f"{v['outcome']} ~ {' + '.join(v['predictors'])} [{v['term']}]"


def _spec(roles, directional, label, statistic=None, run=None) -> TestSpec:
    return TestSpec(frozenset(roles), directional, label, statistic, run)


#: Every test kind of the analysis plan, in the order of the schema's enum.
TESTS: dict[str, TestSpec] = {
    "wilcoxon_one_sample": _spec({"x"}, True, "Wilcoxon signed-rank test (one sample)", "V", _wilcoxon_one_sample),
    "wilcoxon_paired": _spec({"x", "y"}, True, "Wilcoxon signed-rank test (paired)", "V", _wilcoxon_paired),
    "friedman": _spec({"within"}, False, "Friedman test", "chi-squared", _friedman),
    "binomial": _spec({"x"}, True, "exact binomial test", "successes", _binomial),
    "chisq_gof": _spec({"x"}, False, "\u03c7\u00b2 goodness-of-fit test", "X-squared", _chisq_gof),
    "chisq_independence": _spec({"x", "y"}, False, "\u03c7\u00b2 test of independence", "X-squared",
                                _chisq_independence),
    "spearman": _spec({"x", "y"}, True, "Spearman rank correlation", "S", _spearman),
    "pearson": _spec({"x", "y"}, True, "Pearson correlation", "t", _pearson),
    "mann_whitney": _spec({"x", "group"}, True, "Mann-Whitney test", "W", _mann_whitney),
    "kruskal_wallis": _spec({"x", "group"}, False, "Kruskal-Wallis test", "chi-squared", _kruskal_wallis),
    "ordinal_logit": _spec({"outcome", "predictors", "term"}, True, "ordinal logistic regression (Wald z)", "z",
                           _ordinal_logit),
    "all_of": _spec({"of"}, False, "all of (intersection-union test)"),
    "any_of": _spec({"of"}, False, "any of"),
}
#: The kinds that combine other hypotheses' verdicts (no data, no statistic).
COMBINATORS = frozenset(name for name, spec in TESTS.items() if spec.combines)
#: Symbols of the statistics named in hypotheses.csv's ``statistic_name`` (others are shown as named): the
#: APA tables (:mod:`.tables`) and the reports (:mod:`upskilling.integrate.fmt`).
STATISTIC_SYMBOLS = {"V": "V", "W": "W", "U": "U", "z": "z", "t": "t", "S": "S", "H": "H",
                     "chi-squared": "\u03c7\u00b2", "X-squared": "\u03c7\u00b2", "successes": "k"}
#: Statistics that are rank sums or counts: shown whole (or to the half), never rounded to 2 decimals.
RANK_SUMS = frozenset({"V", "W", "U", "S", "successes"})
