"""APA-style number formatting shared by the joint display, its figure and the report."""
from __future__ import annotations

import math

from ..survey.tests_registry import COMBINATORS, RANK_SUMS, STATISTIC_SYMBOLS, TESTS
from ..survey.verdict import CORRECTIONS


def _isnan(x) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def num(x, digits: int = 2, lead: bool = True) -> str:
    """A number with ``digits`` decimals; ``lead=False`` drops the leading zero (for values bounded by 1)."""
    if _isnan(x):
        return "\u2013"
    s = f"{float(x):.{digits}f}"
    if not lead:
        s = s.replace("0.", ".", 1) if s.startswith(("0.", "-0.")) else s
    return s


def pvalue(p) -> str:
    """APA p-value: '< .001' or three decimals without the leading zero."""
    if _isnan(p):
        return "\u2013"
    p = float(p)
    return "< .001" if p < 0.001 else num(p, 3, lead=False)


def p_text(p, name: str = "p") -> str:
    """'p < .001' or 'p = .012' (APA)."""
    v = pvalue(p)
    return f"{name} {v}" if v.startswith("<") else f"{name} = {v}"


#: Display names of the survey stage's effect-size names (others are shown with '_' as spaces).
EFFECT_NAMES = {
    "r_rank_biserial": "rank-biserial r", "rank_biserial": "rank-biserial r", "kendall_w": "Kendall's W",
    "odds_ratio": "OR", "rho": "Spearman's \u03c1", "proportion": "proportion", "cohen_d": "Cohen's d",
    "cramers_v": "Cram\u00e9r's V", "epsilon_squared": "\u03b5\u00b2", "phi": "\u03c6",
    "pearson_r": "Pearson's r", "cohens_w": "Cohen's w",
}



def p_note(row) -> str:
    """A figure's p value of a hypotheses.csv row: the adjusted p where there is one, then in parentheses
    "one-sided" and "<Correction>-adjusted" as they apply, e.g. ``p < .001 (one-sided, Holm-adjusted)``."""
    parts = ["one-sided"] if str(row.get("alternative")) in ("greater", "less") else []
    corr = row.get("correction")
    if isinstance(corr, str) and corr not in ("", "none"):
        parts.append(f"{corr.capitalize()}-adjusted")
    return p_text(row.get("p_adjusted", row.get("p"))) + (f" ({', '.join(parts)})" if parts else "")

def effect_name(name) -> str:
    """Readable name of an effect size."""
    if name is None or (isinstance(name, float) and math.isnan(name)) or name == "":
        return "estimate"
    return EFFECT_NAMES.get(str(name), str(name).replace("_", " "))


def estimate(row: dict) -> str:
    """'<effect size name> = <value> [<low>, <high>]' from a hypotheses/claims row."""
    name = effect_name(row.get("effect_size_name"))
    if _isnan(row.get("effect_size")):
        return f"{name}: \u2013"
    ci = ""
    if not _isnan(row.get("ci_low")) and not _isnan(row.get("ci_high")):
        ci = f" [{num(row['ci_low'])}, {num(row['ci_high'])}]"
    return f"{name} = {num(row['effect_size'])}{ci}"


def pct(x, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage."""
    return "\u2013" if _isnan(x) else f"{100 * float(x):.{digits}f}%"


#: Names of the plan's tests in words (the registry of tests' labels).
TEST_NAMES = {name: spec.label for name, spec in TESTS.items()}


def test_name(test) -> str:
    """A test in words: 'Wilcoxon signed-rank test (paired)'."""
    return TEST_NAMES.get(str(test), str(test).replace("_", " "))


def percent(x, digits: int = 0) -> str:
    """A percentage already in 0-100 (descriptives.csv's pct_agree): '63%'."""
    return "\u2013" if _isnan(x) else f"{float(x):.{digits}f}%"


def test_label(row: dict) -> str:
    """The test's name; for a combination of tests, 'all_of: H2a & H2b'."""
    if row.get("test") in COMBINATORS:
        return f"{row['test']}: {row.get('variables', '')}"
    return str(row.get("test", ""))


#: The statistic each test reports, for a hypotheses.csv written before it had ``statistic_name`` (registry).
TEST_STATISTICS = {name: spec.statistic for name, spec in TESTS.items() if spec.statistic}


def statistic_name(row: dict) -> str:
    """The statistic's name as hypotheses.csv records it (``statistic_name``), else the test's own."""
    name = row.get("statistic_name")
    if isinstance(name, str) and name.strip() and not name.startswith("deciding"):
        return name.strip()
    return TEST_STATISTICS.get(str(row.get("test", "")), "statistic")


def statistic(row: dict) -> str:
    """The named statistic: 'V = 14263.5', 'z = 5.36', '\u03c7\u00b2(2) = 67.85', 'k = 47'; for a combination of
    tests '\u2013' (it has none: its p is that of the deciding part); '\u2013' when not computable."""
    if row.get("test") in COMBINATORS or _isnan(row.get("statistic")):
        return "\u2013"
    name = statistic_name(row)
    sym = STATISTIC_SYMBOLS.get(name, name)
    df = ""
    if not _isnan(row.get("df")):
        d = float(row["df"])
        df = f"({num(d, 0 if d.is_integer() else 2)})"
    x = float(row["statistic"])
    if name in RANK_SUMS and (2 * x).is_integer():
        value = num(x, 0 if x.is_integer() else 1)
    else:
        value = num(x, 2)
    return f"{sym}{df} = {value}"


def sidedness(row: dict) -> str:
    """'one-sided, greater', 'one-sided, less', 'two-sided', 'two-sided, expected less' (a two-sided test
    with a hypothesised direction) or, for a combination, what it combines."""
    test, alt = str(row.get("test", "")), str(row.get("alternative") or "two-sided")
    if test == "all_of":
        return "every part must hold"
    if test == "any_of":
        return "one part must hold, none contradicted"
    if alt in ("greater", "less"):
        return f"one-sided, {alt}"
    direction = row.get("direction")
    if isinstance(direction, str) and direction in ("greater", "less"):
        return f"two-sided, expected {direction}"
    return "two-sided"


def p_named(p, row: dict, name: str = "p") -> str:
    """'one-sided p < .001' for a one-sided test, else 'p = .012'."""
    one = str(row.get("alternative")) in ("greater", "less") and row.get("test") not in COMBINATORS
    return p_text(p, f"one-sided {name}" if one else name)


#: Names of the p-value corrections of the analysis plan (R's p.adjust methods).


def correction(method, family=None, n_tests: int | None = None) -> str:
    """'Holm over C3_midpoint (3 tests)', or 'no correction'."""
    method = method.strip() if isinstance(method, str) else ""
    if method in ("", "none"):
        return "no correction"
    name = CORRECTIONS.get(method, method)
    if family is None or (isinstance(family, float) and math.isnan(family)) or family == "":
        return f"{name} (family not recorded)"
    count = f" ({n_tests} test{'s' if n_tests != 1 else ''})" if n_tests else ""
    return f"{name} over {family}{count}"
