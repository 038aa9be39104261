"""Library calls that replaced hand-written code (issue 13), each checked equal to the code it replaced."""
from __future__ import annotations

import math

import pytest
from scipy import stats

from upskilling.survey import stats_counts as sc


def _clopper_pearson_by_hand(k: int, n: int, level: float) -> tuple[float, float]:
    """The project's former formula (beta quantiles), kept here as the check of its replacement."""
    a = 1 - level
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_binomtest_proportion_ci_equals_the_former_clopper_pearson(level):
    for n in (1, 2, 7, 40, 133, 1000):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            res = sc.binomial(k, n, 0.5, "greater", level)
            lo, hi = _clopper_pearson_by_hand(k, n, level)
            assert math.isclose(res.ci_low, lo, abs_tol=1e-12) and math.isclose(res.ci_high, hi, abs_tol=1e-12), (k, n)


def _sha256_by_hand(path, chunk=1 << 16):
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def test_file_digest_equals_the_former_chunked_hash(tmp_path):
    from upskilling.provenance import sha256_file

    for size in (0, 1, (1 << 16) + 3, 3 << 20):
        path = tmp_path / f"f{size}"
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        assert sha256_file(path) == _sha256_by_hand(path)


def test_update_config_merge_equals_the_former_deep_merge():
    import copy

    from upskilling.survey.settings import deep_merge

    def by_hand(base, over):
        out = copy.deepcopy(base)
        for key, value in over.items():
            out[key] = by_hand(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
                else copy.deepcopy(value)
        return out

    base = {"exclusions": {"speeders": {"enabled": True, "min_share_of_median": 0.5}, "order": ["a", "b"]},
            "scoring": {"min_answered": {}}, "tables": {"decimals": 2}}
    for over in ({}, {"tables": {"decimals": 3}}, {"exclusions": {"order": ["b"], "speeders": {"enabled": False}}},
                 {"scoring": {"min_answered": {"survival": 4}}, "new": {"x": [1]}}, {"tables": 5}):
        assert deep_merge(base, over) == by_hand(base, over), over


def test_cramers_v_of_a_2x2_table_from_the_uncorrected_or_the_test_statistic():
    table = [[12, 5], [7, 14]]
    n = 38
    corrected = stats.chi2_contingency(table, correction=True)[0]
    uncorrected = stats.chi2_contingency(table, correction=False)[0]
    default = sc.chisq_independence(table)
    as_test = sc.chisq_independence(table, cramers_v_from="test")
    assert math.isclose(default.statistic, corrected) and math.isclose(as_test.statistic, corrected)  # R's test
    assert math.isclose(default.effect_size, math.sqrt(uncorrected / n), rel_tol=1e-12)
    assert math.isclose(as_test.effect_size, math.sqrt(corrected / n), rel_tol=1e-12)
    assert default.effect_size > as_test.effect_size
    with pytest.raises(ValueError, match="cramers_v_from"):
        sc.chisq_independence(table, cramers_v_from="yates")


def _pearson_fisher_ci_by_hand(r: float, n: int, level: float) -> tuple[float, float]:
    """The project's former ``effects.pearson_ci`` (Fisher z, SE = 1/sqrt(n - 3)), kept here as the check of
    scipy's ``pearsonr(...).confidence_interval`` that replaced it."""
    if n <= 3 or not math.isfinite(r):
        return (math.nan, math.nan)
    if abs(r) >= 1:
        return (r, r)
    z, q, se = math.atanh(r), float(stats.norm.ppf(1 - (1 - level) / 2)), 1 / math.sqrt(n - 3)
    return math.tanh(z - q * se), math.tanh(z + q * se)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_pearson_scipy_interval_equals_the_former_fisher_z_on_the_r_fixture(alternative, level):
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from upskilling.survey import stats_metric as sm

    d = pd.read_csv(Path(__file__).parent / "r" / "survey_stats_fixture.csv")
    x_na = d.cont_x.to_numpy(copy=True)
    x_na[::7] = np.nan  # as tests/r/survey_stats_pearson.R: every 7th x missing, complete pairs only
    pairs = [(d.sa, d.c1), (d.cont_x, d.cont_y), (x_na, d.yrs), (d.a1, d.a2), (d.sa[:4], d.c1[:4]),
             (d.cont_x[:3], d.cont_y[:3]), ([1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 4.0, 6.0, 8.0, 10.0])]
    for x, y in pairs:
        res = sm.pearson(x, y, alternative, level)
        lo, hi = _pearson_fisher_ci_by_hand(res.effect_size, res.n, level)
        for got, want in ((res.ci_low, lo), (res.ci_high, hi)):  # the interval stays two-sided (as before)
            assert (math.isnan(got) and math.isnan(want)) or math.isclose(got, want, rel_tol=0, abs_tol=1e-12), \
                (res.n, res.effect_size, got, want)


# --- LaTeX tables: pandas Styler.to_latex instead of the hand-written writer (survey/tables.py) -----------

def _tex_escape_by_hand(s) -> str:
    """The project's former LaTeX escaping (survey/tables.py), kept here as the check of Styler's."""
    from upskilling.survey import tables as tb

    out = str(s)
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                 ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}")):
        out = out.replace(a, b)
    out = out.replace("−", "$-$").replace("< ", "$<$ ").replace("> ", "$>$ ")
    for sym, tex in sorted(tb.LATEX_SYMBOL.items(), key=lambda kv: -len(kv[0])):
        out = out.replace(sym.replace("_", r"\_"), tex)
    return out


def _to_latex_by_hand(table, number, title, label, note=""):
    """The project's former ``tables.to_latex`` (booktabs table, APA caption, note below the tabular)."""
    from upskilling.survey import tables as tb

    cols = list(table.columns)
    spec = "".join("r" if tb._numeric_column(table[c]) else "l" for c in cols)
    lines = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{\textit{{{_tex_escape_by_hand(title)}}}}}",
             rf"\label{{tab:{label}}}", rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
             " & ".join(_tex_escape_by_hand(c) for c in cols) + r" \\", r"\midrule"]
    for row in table.itertuples(index=False):
        lines.append(" & ".join(_tex_escape_by_hand(v) for v in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if note:
        lines.append(rf"\par\smallskip\parbox{{\linewidth}}{{\footnotesize\textit{{Note.}} {_tex_escape_by_hand(note)}}}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def _shipped_table_inputs():
    """(name, display table, title, note) of the four APA tables of every shipped wave, as stage.tables
    builds them (the tables the pipeline writes to results/survey/<wave>/*.tex)."""
    from pathlib import Path

    from upskilling.config import read_yaml, validate
    from upskilling.survey import stage
    from upskilling.survey import tables as tb
    from upskilling.survey.codebook import load_codebook
    from upskilling.survey.settings import wave_settings

    root = Path(__file__).resolve().parents[1]
    config = validate(read_yaml(root / "config/config.yaml"), "config.schema.yaml", "config/config.yaml")
    out = []
    for wave, spec in config["waves"].items():
        s = wave_settings(config, wave)
        cb = load_codebook(root / spec.get("codebook", config["codebook"]))
        scored, flow, _ = stage.clean(root / spec["survey"], spec["format"], cb, s)
        rel = stage.reliability(scored, cb, s)[0]
        desc = stage.descriptives(scored, cb, s)[0]
        hyp = stage.hypotheses(scored, cb, root / spec.get("analysis", config["analysis"]))
        d = s["tables"]["decimals"]
        out += [(f"{wave}-flow", tb.flow_display(flow), f"Participant flow ({wave})", "Rules in order."),
                (f"{wave}-reliability", tb.reliability_display(rel, d), f"Reliability ({wave})", tb.notes_text(rel)),
                (f"{wave}-descriptives", tb.descriptives_display(desc, d), f"Descriptives ({wave})",
                 tb.descriptives_note()),
                (f"{wave}-hypotheses", tb.hypotheses_display(hyp, d),
                 f"Hypothesis tests of claims {tb.claims_text(hyp['claim'])} ({wave})",
                 f"{tb.hypotheses_note(hyp)} {tb.notes_text(hyp)}")]
    return out


def test_styler_latex_tables_are_byte_identical_to_the_former_writer():
    import pandas as pd

    from upskilling.survey import tables as tb

    cases = _shipped_table_inputs()
    odd = pd.DataFrame({"Item_id": ["a & b", "50% {x}", "#1 $5", "", "ρ = −.20"], "n": ["1", "2", "< .001", "", "> .999"],
                        "Effect size [95% CI]": ["χ²(2) = 3.10", "r_rb = .42 [.28, .54]", "ε² = .10", "π̂ = .21",
                                                 "α = .80, ω_t = .82"]})
    cases += [("odd", odd, "Title with _ & % $ # { } and χ²", "Note: 5% of r_rb < .001 & more."),
              ("no-note", odd, "No note", ""), ("empty", odd.iloc[0:0], "No rows", "x"),
              ("number-cells", pd.DataFrame({"k": [1, 2], "v": [0.5, float("nan")]}), "Non-text cells", "")]
    assert len(cases) >= 12
    for i, (name, table, title, note) in enumerate(cases, start=1):
        assert tb.to_latex(table, i, title, f"survey-{name}", note) == _to_latex_by_hand(table, i, title,
                                                                                         f"survey-{name}", note), name


def test_styler_escapes_backslash_tilde_caret_with_the_equivalent_latex_commands():
    """The one difference from the former writer, on characters no table of the pipeline contains: pandas'
    own spellings of three escapes. For ~ and ^ the output in LaTeX is the same; a backslash the former
    writer got wrong (it escaped the braces of its own ``\\textbackslash{}``, so LaTeX printed "\\{}")."""
    import pandas as pd

    from upskilling.survey import tables as tb

    got = tb.to_latex(pd.DataFrame({"x": [r"a\b", "~5", "x^2"]}), 1, "t", "t")
    assert r"a\textbackslash b" in got and r"\textasciitilde 5" in got and r"x\textasciicircum 2" in got
    old = _to_latex_by_hand(pd.DataFrame({"x": [r"a\b", "~5", "x^2"]}), 1, "t", "t")
    assert r"a\textbackslash\{\}b" in old and r"\textasciitilde{}5" in old and r"x\^{}2" in old


# --- integration settings: snakemake.utils.update_config instead of a hand-written merge (integrate/settings.py)

def _merge_by_hand(into: dict, other: dict) -> None:
    """The project's former ``integrate.settings._merge`` (in place into ``into``)."""
    for k, v in other.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge_by_hand(into[k], v)
        else:
            into[k] = v


def test_narrow_by_update_config_equals_the_former_merge():
    import copy
    from pathlib import Path

    from snakemake.utils import update_config

    from upskilling.config import read_yaml, sorted_keys
    from upskilling.integrate import settings as st
    from upskilling.integrate.claims import READS as CLAIMS
    from upskilling.integrate.report import READS as REPORT

    # the merge step itself, on the shapes narrow merges (disjoint and overlapping picks, nested, empty)
    pairs = [({}, {"integration": {"figures": {"dpi": 300}}}),
             ({"integration": {"figures": {"dpi": 300}}}, {"integration": {"figures": {"width": 6}, "caveats": []}}),
             ({"integration": {"fit": {"C1": {"supports": ["a"]}}}}, {"integration": {"fit": {"C2": {"supports": []}}}}),
             ({"seed": 1, "integration": {"fit": {}}}, {"integration": {"fit": {"C1": {"x": 1}}}, "seed": 1}),
             ({"a": {"b": {"c": 1, "d": [1, 2]}}}, {"a": {"b": {"d": [3]}, "e": None}}),
             ({"a": {"b": 1}}, {"a": {}})]
    for into, other in pairs:
        by_hand, new = copy.deepcopy(into), copy.deepcopy(into)
        _merge_by_hand(by_hand, copy.deepcopy(other))
        update_config(new, copy.deepcopy(other))
        assert new == by_hand, (into, other)

    # narrow on the shipped config with the rules' reads
    config = read_yaml(Path(__file__).resolve().parents[1] / "config" / "config.yaml")
    for reads in (CLAIMS, REPORT, ["seed", "integration.figures.dpi", "integration.figures"],
                  ["integration.fit.*.supports", "integration.fit"], ["integration.nope", "nope.x"], []):
        full = {**config, "integration": st.settings(config)}
        by_hand: dict = {}
        for path in reads:
            _merge_by_hand(by_hand, st._pick(full, path.split("."), path))
        assert st.narrow(config, reads) == sorted_keys(by_hand), reads
        assert st.narrow(st.narrow(config, reads), reads) == st.narrow(config, reads)
