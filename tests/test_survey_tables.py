"""APA-style Markdown and LaTeX tables."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from upskilling.config import read_yaml, validate
from upskilling.survey import stage
from upskilling.survey import tables as tb
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
WAVE = CONFIG["waves"]["wave1"]


@pytest.mark.parametrize("p, text", [(0.0004, "< .001"), (0.001, ".001"), (0.0234, ".023"), (0.05, ".050"),
                                     (0.2349, ".235"), (0.99949, ".999"), (0.9996, "> .999"), (1.0, "> .999"),
                                     (float("nan"), "")])
def test_p_values_in_apa_style(p, text):
    assert tb.fmt_p(p) == text


def test_numbers_in_apa_style():
    assert tb.fmt_num(0.4193, 2, bounded=True) == ".42"
    assert tb.fmt_num(-0.385, 2, bounded=True) == "−.39"
    assert tb.fmt_num(2.1669, 2) == "2.17" and tb.fmt_num(0.5, 2) == "0.50"


@pytest.fixture(scope="module")
def tables():
    s = CONFIG["survey"]
    scored, flow, _ = stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, s)
    rel = stage.reliability(scored, CB, s)[0]
    desc = stage.descriptives(scored, CB, s)[0]
    hyp = stage.hypotheses(scored, CB, ROOT / "config" / "analysis.yaml")
    return stage.tables(flow, rel, desc, hyp, "wave1", 2), hyp


def test_hypotheses_table(tables):
    out, hyp = tables
    md, tex = out["hypotheses"]
    assert md.startswith("**Table 4**") and "*Hypothesis tests of claims C1-C5 (wave1)*" in md
    body = [line for line in md.splitlines() if re.match(r"\| C\d", line)]
    assert len(body) == len(hyp)
    for line in body:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert re.fullmatch(r"(< \.001|\.\d{3}|> \.999)", cells[4]), cells[4]  # exact p, three decimals
        assert cells[-1] in {"supported", "not supported", "contradicted"}
    assert "| C1 | H1* | wilcoxon paired | V = 14263.5 |" in md and "| k = 47 |" in md
    assert "r_rb = .42 [.28, .54]" in md
    assert "*Note.*" in md


def test_latex_is_booktabs_and_escaped(tables):
    out, _ = tables
    for name, (md, tex) in out.items():
        assert tex.startswith("\\begin{table}") and "\\toprule" in tex and "\\bottomrule" in tex
        assert "\\caption{\\textit{" in tex and f"\\label{{tab:survey-wave1-{name}}}" in tex
        body = re.sub(r"\$[^$]*\$", "", tex.split("\\midrule")[1])  # text outside math mode
        assert "_" not in body.replace("\\_", "")  # every underscore escaped
        assert "%" not in body.replace("\\%", "")
    assert "$<$ .001" in out["hypotheses"][1] and "$r_{rb}$" in out["hypotheses"][1]


def test_reliability_and_flow_tables(tables):
    out, _ = tables
    assert "| survival | 4 | 218 | .85 [.81, .88] | .85 |" in out["reliability"][0]
    flow = out["flow"][0]
    assert "| raw | responses in the export | 0 | 300 |" in flow and "| analysed | respondents analysed | 0 | 220 |" in flow


@pytest.mark.parametrize("claims, text", [(["C1", "C1", "C2", "C3", "C4", "C5"], "C1-C5"), (["A1", "A2"], "A1, A2"),
                                          (["C1", "C3", "C4"], "C1, C3, C4"), (["age", "gender", "use"], "age, gender, use")])
def test_table_title_names_the_plan_claims(claims, text):
    assert tb.claims_text(claims) == text


def test_pearson_rows_use_t_and_r_symbols():
    import pandas as pd
    row = {"claim": "A1", "hypothesis": "A1_pearson", "test": "pearson", "statistic": -1.879, "statistic_name": "t",
           "df": 99.0, "p": 0.0632, "p_adjusted": 0.0632, "effect_size_name": "pearson_r", "effect_size": -0.1856,
           "ci_low": -0.3677, "ci_high": 0.0102, "n": 101, "verdict": "not supported", "primary": True}
    shown = tb.hypotheses_display(pd.DataFrame([row])).iloc[0]
    assert shown["Statistic"] == "t(99) = −1.88" and shown["Effect size [95% CI]"] == "r = −.19 [−.37, .01]"
