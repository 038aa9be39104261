"""APA-style tables (Markdown and LaTeX) of the survey results.

APA conventions used: p values exact to three decimals without a leading zero ("= .023"), "< .001"
below .001 and "> .999" above; statistics that cannot exceed 1 in absolute value (correlations,
alpha, omega, proportions, p) without a leading zero; other numbers with ``decimals`` decimals;
confidence intervals in brackets; a table number and an italic title above, notes below. LaTeX uses
booktabs rules (``\\toprule``, ``\\midrule``, ``\\bottomrule``); the including document needs
``\\usepackage{booktabs}``.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from .verdict import CORRECTIONS  # one table of correction names
from .tests_registry import COMBINATORS, RANK_SUMS, STATISTIC_SYMBOLS

BOUNDED = {"r_rank_biserial", "rho", "pearson_r", "kendall_w", "epsilon_squared", "cramers_v", "proportion"}
EFFECT_SYMBOL = {"r_rank_biserial": "r_rb", "rho": "ρ", "pearson_r": "r", "kendall_w": "W", "epsilon_squared": "ε²",
                 "cramers_v": "V", "cohens_w": "w", "proportion": "π̂", "odds_ratio": "OR"}
LATEX_SYMBOL = {"χ²": r"$\chi^2$", "ρ": r"$\rho$", "ε²": r"$\varepsilon^2$", "π̂": r"$\hat{\pi}$",
                "r_rb": r"$r_{rb}$", "α": r"$\alpha$", "ω_t": r"$\omega_t$"}


def fmt_p(p: float) -> str:
    """APA p value: '.023', '< .001', '> .999'; '' for NaN."""
    if p is None or not math.isfinite(p):
        return ""
    if p < 0.001:
        return "< .001"
    s = f"{p:.3f}"
    if s == "1.000":
        return "> .999"
    return s.lstrip("0") if s.startswith("0") else s


def fmt_num(x: float, decimals: int = 2, bounded: bool = False) -> str:
    """A number with ``decimals`` decimals; no leading zero when ``bounded`` (|x| <= 1 by definition)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    s = f"{x:.{decimals}f}"
    if bounded:
        s = s.replace("0.", ".", 1) if s.startswith(("0.", "-0.")) else s
    return "−" + s[1:] if s.startswith("-") else s


def _ci(lo: float, hi: float, decimals: int, bounded: bool) -> str:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    return f"[{fmt_num(lo, decimals, bounded)}, {fmt_num(hi, decimals, bounded)}]"


def claims_text(claims) -> str:
    """The claims of a plan for a title: 'C1-C5' for a run of consecutive numbered ids, else 'A, B'."""
    ids = list(dict.fromkeys(str(c) for c in claims))
    parts = [re.fullmatch(r"(.*?)(\d+)", c) for c in ids]
    if len(ids) > 2 and all(parts) and len({m.group(1) for m in parts}) == 1:
        nums = [int(m.group(2)) for m in parts]
        if nums == list(range(nums[0], nums[0] + len(nums))):
            return f"{ids[0]}-{ids[-1]}"
    return ", ".join(ids)


def hypotheses_display(h: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Display table of hypotheses.csv: Claim, Hypothesis, Test, Statistic, p, p (adj.), Effect size [95% CI], n, Verdict."""
    rows = []
    for r in h.itertuples(index=False):
        sym = STATISTIC_SYMBOLS.get(r.statistic_name, r.statistic_name)
        if math.isfinite(r.statistic):
            df = f"({r.df:g})" if math.isfinite(r.df) else ""
            if r.statistic_name in RANK_SUMS:  # rank sums and counts: whole or half numbers
                places = 0 if float(r.statistic).is_integer() else (1 if float(2 * r.statistic).is_integer() else decimals)
            else:
                places = decimals
            stat = f"{sym}{df} = {fmt_num(r.statistic, places)}"
        elif r.test in COMBINATORS:
            stat = "(combined)"
        else:
            stat = "—"  # not computable: the note says why
        bounded = r.effect_size_name in BOUNDED
        es = (f"{EFFECT_SYMBOL.get(r.effect_size_name, r.effect_size_name)} = "
              f"{fmt_num(r.effect_size, decimals, bounded)} {_ci(r.ci_low, r.ci_high, decimals, bounded)}").strip()
        if not math.isfinite(r.effect_size):  # not computable: no effect size to show
            es = ""
        star = "*" if r.primary else ""
        rows.append({"Claim": r.claim, "Hypothesis": f"{r.hypothesis}{star}", "Test": r.test.replace("_", " "),
                     "Statistic": stat, "p": fmt_p(r.p), "p (adj.)": fmt_p(r.p_adjusted),
                     "Effect size [95% CI]": es, "n": str(int(r.n)), "Verdict": r.verdict})
    return pd.DataFrame(rows)


def notes_text(table: pd.DataFrame) -> str:
    """The non-empty ``note`` cells of a result table as one sentence ('' if none or no such column),
    e.g. "H3: Mann-Whitney group 'no' of freelancing is empty." for a table note."""
    if "note" not in table.columns:
        return ""
    notes = [str(n).strip() for n in table["note"] if isinstance(n, str) and n.strip()]
    return " ".join(n if n.endswith(".") else n + "." for n in notes)


STAT_NAMES = {"V": "Wilcoxon signed-rank V", "W": "Mann-Whitney W", "χ²": "chi-squared (Friedman, Kruskal-Wallis, Pearson)",
              "k": "number of successes (exact binomial test)", "S": "Spearman's S", "z": "Wald z (ordinal logistic regression)",
              "t": "t (Pearson correlation)"}


def _ids(ids: list[str]) -> str:
    return ", ".join(ids)


def hypotheses_note(h: pd.DataFrame) -> str:
    """The note of the hypotheses table, read from the table itself: which p values are one-sided, which
    are adjusted with which correction over which family (hypotheses.csv's ``correction`` and
    ``family``) and which are not corrected, and what the statistics and effect sizes are."""
    combo = h["test"].isin(COMBINATORS)
    one = h.loc[~combo & h["alternative"].isin(["greater", "less"]), "hypothesis"].astype(str).tolist()
    parts = ["p values exact to three decimals"]
    if one:
        parts[0] += f"; one-sided (alternative greater or less) for {_ids(one)}, two-sided otherwise"
    fam = h["family"] if "family" in h.columns else pd.Series([None] * len(h), index=h.index)
    corr = h["correction"].fillna("none").astype(str)
    groups: dict[tuple[str, str], list[str]] = {}
    for hid, c, f, is_combo in zip(h["hypothesis"].astype(str), corr, fam, combo):
        if is_combo or c == "none":
            continue
        groups.setdefault((CORRECTIONS.get(c, c), f if isinstance(f, str) and f else "its family"), []).append(hid)
    if groups:
        adj = " and ".join(f"{name} over {family} ({len(ids)} tests: {_ids(ids)})" for (name, family), ids in groups.items())
        parts.append(f"p (adj.) is adjusted with {adj}; every other test is not corrected (p (adj.) = p)")
    else:
        parts.append("no p value is adjusted for multiple testing (p (adj.) = p)")
    if combo.any():
        parts.append("a combined test (all of / any of) takes the largest / smallest p (adj.) of its parts")
    parts.append("* = primary test deciding the claim's verdict")
    names = [STATISTIC_SYMBOLS.get(n, n) for n in h.get("statistic_name", pd.Series(dtype=str)).dropna().astype(str)
             if not n.startswith("deciding")]
    used = [f"{sym} = {STAT_NAMES[sym]}" for sym in dict.fromkeys(names) if sym in STAT_NAMES]
    if used:
        parts.append("statistics: " + ", ".join(used))
    parts.append("effect sizes with two-sided 95% CIs: r_rb = rank-biserial r, W = Kendall's W, π̂ = proportion, "
                 "ρ = Spearman's rho, r = Pearson's r, OR = odds ratio per unit of the predictor (its unit in the "
                 "codebook: a percentage point, a year, a scale point)")
    return "; ".join(parts) + "."


def descriptives_note() -> str:
    """The note of the descriptives table: what % agree / % disagree are (descriptives.describe)."""
    return ("% agree / % disagree = percentage of non-missing answers above / below the midpoint of the item's "
            "response scale, i.e. from the first agreeing answer up (for a scale score: a scale mean above / below "
            "the midpoint; a mean at the midpoint counts as neither).")


def reliability_display(rel: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Display table of reliability.csv: Scale, k, n, α [95% CI], ω_t."""
    return pd.DataFrame([{"Scale": r.scale, "k": str(int(r.n_items)), "n": str(int(r.n)),
                          "α [95% CI]": f"{fmt_num(r.alpha, decimals, True)} "
                                        f"{_ci(r.alpha_ci_low, r.alpha_ci_high, decimals, True)}".strip(),
                          "ω_t": fmt_num(r.omega_total, decimals, True)} for r in rel.itertuples(index=False)])


def descriptives_display(d: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Display table of descriptives.csv: Variable, n, M, SD, Mdn, IQR, % agree, % disagree."""
    return pd.DataFrame([{"Variable": r.variable + (" (scale)" if r.kind == "scale" else ""), "n": str(int(r.n)),
                          "M": fmt_num(r.mean, decimals), "SD": fmt_num(r.sd, decimals),
                          "Mdn": fmt_num(r.median, decimals), "IQR": fmt_num(r.iqr, decimals),
                          "% agree": fmt_num(r.pct_agree, 1), "% disagree": fmt_num(r.pct_disagree, 1)}
                         for r in d.itertuples(index=False)])


def flow_display(flow: pd.DataFrame) -> pd.DataFrame:
    """Display table of flow.csv: Step, Rule, Removed, Remaining."""
    return pd.DataFrame([{"Step": r.step, "Rule": r.reason, "Removed": str(int(r.n_removed)),
                          "Remaining": str(int(r.n_remaining))} for r in flow.itertuples(index=False)])


def to_markdown(table: pd.DataFrame, number: int, title: str, note: str = "") -> str:
    """Pipe table with an APA heading ('**Table n**', italic title) and a note."""
    cols = list(table.columns)
    align = [":---" if not _numeric_column(table[c]) else "---:" for c in cols]
    lines = [f"**Table {number}**", "", f"*{title}*", "", "| " + " | ".join(cols) + " |", "|" + "|".join(align) + "|"]
    for row in table.itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |")
    if note:
        lines += ["", f"*Note.* {note}"]
    return "\n".join(lines) + "\n"


def _numeric_column(values: pd.Series) -> bool:
    """True if every non-empty cell starts like a number (then the column is right-aligned)."""
    cells = [str(v).strip() for v in values if str(v).strip()]
    return bool(cells) and all(c[0].isdigit() or c[0] in ".−-<>[" for c in cells)


def _tex_math(s) -> str:
    """Escaped text with the tables' symbols typeset: the minus sign as ``$-$``, "< " and "> " in math
    mode, and the statistics' symbols (χ², ρ, r_rb, ...) by :data:`LATEX_SYMBOL`. (Styler escapes only
    text; a non-text column name arrives as it is.)"""
    out = str(s).replace("−", "$-$").replace("< ", "$<$ ").replace("> ", "$>$ ")
    for sym, tex in sorted(LATEX_SYMBOL.items(), key=lambda kv: -len(kv[0])):
        out = out.replace(_plain(sym), tex)
    return out


def _plain(sym: str) -> str:
    return sym.replace("_", r"\_")


def _tex_text(s: str) -> str:
    """Free text (the title, the note) escaped exactly as the cells are (``Styler.format(escape="latex")``),
    symbols typeset. ``Styler.to_latex`` writes a caption verbatim and has no place for a note below the
    tabular, so the text is escaped by rendering it as the one cell of a Styler."""
    one = pd.DataFrame([[str(s)]]).style.hide(axis="index").hide(axis="columns").format(_tex_math, escape="latex")
    lines = one.to_latex().splitlines()  # \begin{tabular}{l}, the cell + " \\", \end{tabular}
    return "\n".join(lines[1:-1]).removesuffix(r" \\")


def to_latex(table: pd.DataFrame, number: int, title: str, label: str, note: str = "") -> str:
    """booktabs table with APA caption and a note, by ``DataFrame.style.to_latex`` (cells and column
    names escaped by ``format(escape="latex")``; numeric-looking columns right-aligned). ``number`` is
    unused: LaTeX numbers the tables itself."""
    spec = "".join("r" if _numeric_column(table[c]) else "l" for c in table.columns)
    styler = (table.map(str).style.hide(axis="index")  # every cell as its text (a missing value as "nan")
              .format(_tex_math, escape="latex").format_index(_tex_math, escape="latex", axis="columns"))
    tex = styler.to_latex(column_format=spec, position="htbp", position_float="centering", hrules=True,
                          label=f"tab:{label}", caption=rf"\textit{{{_tex_text(title)}}}")
    if note:
        end = "\\end{table}\n"  # the note goes below the tabular, inside the table float
        note_tex = rf"\par\smallskip\parbox{{\linewidth}}{{\footnotesize\textit{{Note.}} {_tex_text(note)}}}"
        tex = tex.removesuffix(end) + note_tex + "\n" + end
    return tex
