"""APA-style number formatting shared by the joint display, its figure and the report."""
from __future__ import annotations

import math


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
}


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


def statistic(row: dict) -> str:
    """'<test>: statistic = x (df = d), n = k'."""
    parts = [f"statistic = {num(row.get('statistic'))}"]
    if not _isnan(row.get("df")):
        parts.append(f"df = {num(row['df'], 0 if float(row['df']).is_integer() else 2)}")
    if not _isnan(row.get("n")):
        parts.append(f"n = {int(float(row['n']))}")
    return ", ".join(parts)


def pct(x, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage."""
    return "\u2013" if _isnan(x) else f"{100 * float(x):.{digits}f}%"


def test_label(row: dict) -> str:
    """The test's name; for a combination of tests, 'all_of: H2a & H2b'."""
    if row.get("test") in ("all_of", "any_of"):
        return f"{row['test']}: {row.get('variables', '')}"
    return str(row.get("test", ""))
