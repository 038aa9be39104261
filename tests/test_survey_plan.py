"""The analysis plan is configuration: a student adds or changes a test in YAML, and mistakes in the
plan stop the run with a message that names the file, the hypothesis and the key to fix."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from upskilling.config import read_yaml, validate
from upskilling.errors import InputError
from upskilling.survey import stage
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
WAVE = CONFIG["waves"]["wave1"]
PLAN = read_yaml(ROOT / "config" / "analysis.yaml")


@pytest.fixture(scope="module")
def scored():
    return stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, CONFIG["survey"])[0]


def write_plan(tmp_path: Path, change) -> Path:
    plan = copy.deepcopy(PLAN)
    change(plan)
    p = tmp_path / "analysis.yaml"
    p.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return p


def hyp(plan, hid):
    return next(h for h in plan["hypotheses"] if h["id"] == hid)


def run(scored, path):
    return stage.hypotheses(scored, CB, path)


def test_a_student_adds_tests_without_code(scored, tmp_path):
    extra = [
        {"id": "X1", "claim": "C6", "label": "Software vs writing differ in survival motivation", "test": "mann_whitney",
         "variables": {"x": "survival", "group": "domain"}, "groups": ["Software development", "Writing and editing"],
         "alternative": "two-sided", "direction": "greater", "primary": True},
        {"id": "X2", "claim": "C6", "test": "kruskal_wallis", "variables": {"x": "survival", "group": "domain"}},
        {"id": "X3", "claim": "C6", "test": "chisq_independence", "variables": {"x": "ai_activities_2", "y": "domain"}},
        {"id": "X4", "claim": "C6", "test": "chisq_gof", "variables": {"x": "ai_learning_freq"},
         "expected": [0.05, 0.1, 0.2, 0.3, 0.35]},
        {"id": "X5", "claim": "C6", "test": "binomial", "variables": {"x": "primary_resource"},
         "success": {"op": "in", "value": ["Online courses", "Video tutorials (e.g. YouTube)"]}, "p0": 0.3},
        {"id": "X6", "claim": "C6", "test": "any_of", "variables": {"of": ["X1", "X2"]}},
    ]
    out = run(scored, write_plan(tmp_path, lambda p: p["hypotheses"].extend(extra))).set_index("hypothesis")
    assert {"X1", "X2", "X3", "X4", "X5", "X6"} <= set(out.index)
    assert out.loc["X1", "effect_size_name"] == "r_rank_biserial" and out.loc["X2", "df"] == 7
    assert out.loc["X3", "effect_size_name"] == "cramers_v" and out.loc["X4", "df"] == 4
    assert out.loc["X5", "statistic"] == (scored["primary_resource"].isin([1, 2])).sum()
    assert out.loc["X6", "test"] == "any_of"
    assert out["verdict"].isin(["supported", "not supported", "contradicted"]).all()
    assert out.loc["H1", "verdict"] == "supported"  # the rest of the plan is unchanged


def test_changing_alpha_and_correction_changes_the_numbers(scored, tmp_path):
    def change(p):
        for h in p["hypotheses"]:
            if h["id"] in ("H3a", "H3b", "H3c"):
                h["family"] = "C3_pairwise"
        p["families"]["C3_pairwise"]["correction"] = "bonferroni"
        hyp(p, "H4b")["alpha"] = 1e-6
    base = run(scored, ROOT / "config" / "analysis.yaml").set_index("hypothesis")
    out = run(scored, write_plan(tmp_path, change)).set_index("hypothesis")
    assert out.loc["H3a", "p_adjusted"] == pytest.approx(min(1.0, 6 * base.loc["H3a", "p"]))
    assert out.loc["H3a", "correction"] == "bonferroni"
    assert base.loc["H4b", "verdict"] == "supported" and out.loc["H4b", "verdict"] == "not supported"
    assert out.loc["H4", "verdict"] == "not supported"


def test_derived_variables_and_where_subsets_are_configuration(scored, tmp_path):
    def change(p):
        p["derived"] = {"long_timers": {"from": "years_freelancing", "op": "ge", "value": 5},
                        "writer_or_designer": {"from": "domain", "op": "in",
                                               "value": ["Writing and editing", "Design"]}}
        p["hypotheses"] += [
            {"id": "D1", "claim": "C7", "test": "chisq_independence", "primary": True,
             "variables": {"x": "long_timers", "y": "writer_or_designer"}},
            {"id": "D2", "claim": "C7", "test": "pearson", "variables": {"x": "survival", "y": "growth"},
             "where": [{"variable": "domain", "op": "eq", "value": "Design"},
                       {"variable": "platform_share", "op": "present"}]},
        ]
    out = run(scored, write_plan(tmp_path, change)).set_index("hypothesis")
    years, domain = scored["years_freelancing"].astype(float), scored["domain"].astype(float)
    both = years.notna() & domain.notna()
    assert out.loc["D1", "n"] == both.sum() and out.loc["D1", "df"] == 1
    design = (domain == 2) & scored["platform_share"].notna() & scored["survival"].notna() & scored["growth"].notna()
    assert out.loc["D2", "n"] == design.sum() < len(scored)
    assert out.loc["D2", "variables"] == "survival ~ growth [where domain eq Design & platform_share present]"
    assert out.loc["D2", "effect_size_name"] == "pearson_r"
    assert out.loc["D2", "effect_size"] == pytest.approx(
        np.corrcoef(scored.loc[design, "survival"].astype(float), scored.loc[design, "growth"].astype(float))[0, 1])
    assert out.loc["H1", "n"] == run(scored, ROOT / "config" / "analysis.yaml").set_index("hypothesis").loc["H1", "n"]


BAD = {
    "unknown variable": (lambda p: hyp(p, "H1")["variables"].update(x="survivl"),
                         ["hypotheses[0] (id 'H1')", "variables.x: 'survivl' is not a column"]),
    "undefined family": (lambda p: hyp(p, "H3a").update(family="C3_midpont"),
                         ["id 'H3a'", "family 'C3_midpont' is not defined under families"]),
    "two primaries": (lambda p: hyp(p, "H3a").update(primary=True),
                      ["claim C3 has 2 primary hypotheses", "mark exactly one"]),
    "no primary": (lambda p: hyp(p, "H1").update(primary=False), ["claim C1 has no primary hypothesis"]),
    "one-sided friedman": (lambda p: hyp(p, "H3d").update(alternative="greater"),
                           ["id 'H3d'", "test 'friedman' has no direction", "alternative: two-sided"]),
    "label not on scale": (lambda p: hyp(p, "H2a")["success"].update(value="ChatGPT"),
                           ["id 'H2a'", "success.value: 'ChatGPT' is not a label", "Generative AI tools"]),
    "unknown test": (lambda p: hyp(p, "H1").update(test="t_test"),
                     ["analysis.yaml", "hypotheses[0].test", "'t_test'", "use one of"]),
    "missing role": (lambda p: hyp(p, "H4b")["variables"].pop("y"), ["id 'H4b'", "needs ['x', 'y']; missing ['y']"]),
    "extra role": (lambda p: hyp(p, "H3a")["variables"].update(y="growth"), ["id 'H3a'", "does not use ['y']"]),
    "combine unknown": (lambda p: hyp(p, "H2")["variables"].update(of=["H2a", "H2z"]),
                        ["id 'H2'", "'H2z' is not a hypothesis listed before this one"]),
    "duplicate id": (lambda p: hyp(p, "H2b").update(id="H2a"), ["id 'H2a' is used twice"]),
    "term not a predictor": (lambda p: hyp(p, "H5a")["variables"].update(term="region"),
                             ["id 'H5a'", "term 'region' is not one of the predictors"]),
    "contradicting direction": (lambda p: hyp(p, "H1").update(direction="less"),
                                ["id 'H1'", "direction 'less' contradicts alternative 'greater'"]),
    "mann-whitney without groups": (lambda p: p["hypotheses"].append(
        {"id": "X", "claim": "C1", "test": "mann_whitney", "variables": {"x": "survival", "group": "domain"}}),
        ["id 'X'", "mann_whitney needs groups"]),
    "misspelt key": (lambda p: hyp(p, "H1").update(alterative="less"),
                     ["key 'alterative' is not allowed under 'hypotheses[0]'"]),
    "gof expected length": (lambda p: p["hypotheses"].append(
        {"id": "X", "claim": "C1", "test": "chisq_gof", "variables": {"x": "ai_learning_freq"}, "expected": [1, 1]}),
        ["id 'X'", "expected has 2 probabilities; give one per code", "(5)"]),
    "derived from unknown column": (lambda p: p.update(derived={"old": {"from": "agee", "op": "gt", "value": 40}}),
                                    ["derived.old.from: 'agee' is not a column"]),
    "derived name clash": (lambda p: p.update(derived={"survival": {"from": "growth", "op": "gt", "value": 3}}),
                           ["derived.survival: 'survival' is already a column", "choose another name"]),
    "derived list op with one value": (lambda p: p.update(derived={"w": {"from": "domain", "op": "in", "value": "Design"}}),
                                       ["derived.w: op 'in' needs a list as value"]),
    "where unknown variable": (lambda p: hyp(p, "H1").update(where=[{"variable": "domian", "op": "eq", "value": 1}]),
                               ["id 'H1'", "where[0].variable: 'domian' is not a column"]),
    "where present with value": (lambda p: hyp(p, "H1").update(where=[{"variable": "domain", "op": "present", "value": 1}]),
                                 ["id 'H1'", "where[0]: op 'present' takes no value"]),
    "where without value": (lambda p: hyp(p, "H1").update(where=[{"variable": "domain", "op": "ne"}]),
                            ["id 'H1'", "where[0]: op 'ne' needs a value"]),
    "where label not on scale": (lambda p: hyp(p, "H1").update(where=[{"variable": "domain", "op": "eq", "value": "Desgin"}]),
                                 ["id 'H1'", "where[0].value: 'Desgin' is not a label"]),
    "where on a combinator": (lambda p: hyp(p, "H2").update(where=[{"variable": "domain", "op": "present"}]),
                              ["id 'H2'", "put the conditions on the hypotheses it combines"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_plan_mistakes_name_what_to_fix(scored, tmp_path, case):
    change, needles = BAD[case]
    path = write_plan(tmp_path, change)
    with pytest.raises(InputError) as exc:
        run(scored, path)
    msg = str(exc.value)
    assert str(path) in msg or "analysis.yaml" in msg
    for needle in needles:
        assert needle in msg, f"{needle!r} not in: {msg}"
