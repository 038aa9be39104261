"""One registry of hypothesis tests (issue 13): the plan schema's enum, the plan's role and direction checks,
the runner and the report's names all come from :data:`upskilling.survey.tests_registry.TESTS`, so they
cannot drift apart; and one comparison rule (:mod:`upskilling.survey.conditions`) for a test's success, a
``where`` condition, a derived variable, a screening criterion and the C4 figure."""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from upskilling.config import load_schema
from upskilling.errors import InputError
from upskilling.integrate import fmt
from upskilling.survey import hypotheses as hy
from upskilling.survey import plan as plan_mod
from upskilling.survey.codebook import load_codebook
from upskilling.survey.conditions import LIST_OPS, OPS, holds, meets
from upskilling.survey.plan import load_plan
from upskilling.survey.tests_registry import COMBINATORS, TESTS

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
HYPOTHESIS = load_schema("analysis.schema.yaml")["$defs"]["hypothesis"]["properties"]


def test_schema_enum_of_tests_is_the_registry():
    assert HYPOTHESIS["test"]["enum"] == list(TESTS), "analysis.schema.yaml's test enum and TESTS differ"
    assert COMBINATORS == {"all_of", "any_of"} <= set(HYPOTHESIS["test"]["enum"])


def test_schema_declares_every_role_of_the_registry():
    declared = set(HYPOTHESIS["variables"]["properties"])
    for name, spec in TESTS.items():
        assert spec.roles and spec.roles <= declared, (name, sorted(spec.roles - declared))


def test_schema_operators_are_the_conditions_table():
    ops = load_schema("analysis.schema.yaml")["$defs"]["hypothesis"]["properties"]["success"]["properties"]["op"]
    assert set(ops["enum"]) == set(OPS) | LIST_OPS


def test_places_that_list_the_tests_derive_from_the_registry():
    assert plan_mod.ROLES == {name: spec.roles for name, spec in TESTS.items()}
    assert plan_mod.COMBINATORS is COMBINATORS
    assert fmt.TEST_NAMES == {name: spec.label for name, spec in TESTS.items()}
    assert set(fmt.TEST_STATISTICS) == {name for name, spec in TESTS.items() if not spec.combines}
    for name, spec in TESTS.items():
        assert fmt.test_name(name) == spec.label
        assert spec.combines == (spec.run is None) == (spec.statistic is None) == (name in COMBINATORS)
        assert not (spec.combines and spec.directional), name


def _table(n: int = 90) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    z = rng.normal(size=n)
    return pd.DataFrame({
        "respondent_id": [f"R{i}" for i in range(n)], "x": rng.integers(1, 6, n).astype(float),
        "y": rng.integers(1, 6, n).astype(float), "w": rng.integers(1, 6, n).astype(float),
        "g": rng.integers(1, 4, n).astype(float), "z": z, "z2": z + rng.normal(size=n),
        "ord": np.digitize(z + rng.normal(size=n), [-0.5, 0.5]).astype(float)})


def _h(hid: str, test: str, variables: dict, **kw) -> dict:
    return {"id": hid, "claim": "X", "test": test, "variables": variables, "alternative": "two-sided", **kw}


#: One hypothesis of every test kind (the test below checks that it is every kind).
EVERY_KIND = [
    _h("wilcoxon_one_sample", "wilcoxon_one_sample", {"x": "x"}, mu=3),
    _h("wilcoxon_paired", "wilcoxon_paired", {"x": "x", "y": "y"}),
    _h("friedman", "friedman", {"within": ["x", "y", "w"]}),
    _h("binomial", "binomial", {"x": "x"}, success={"op": "in", "value": [4, 5]}, p0=0.4),
    _h("chisq_gof", "chisq_gof", {"x": "y"}),
    _h("chisq_independence", "chisq_independence", {"x": "g", "y": "y"}),
    _h("spearman", "spearman", {"x": "x", "y": "z"}),
    _h("pearson", "pearson", {"x": "z", "y": "z2"}),
    _h("mann_whitney", "mann_whitney", {"x": "x", "group": "g"}, groups=[1, 2]),
    _h("kruskal_wallis", "kruskal_wallis", {"x": "x", "group": "g"}),
    _h("ordinal_logit", "ordinal_logit", {"outcome": "ord", "predictors": ["z", "x"], "term": "z"}),
    _h("all_of", "all_of", {"of": ["spearman", "pearson"]}, primary=True),
    _h("any_of", "any_of", {"of": ["spearman", "pearson"]}, claim="Y", primary=True),
]


def test_every_test_runs_by_its_adapter_and_reports_the_registered_statistic(tmp_path):
    assert [h["test"] for h in EVERY_KIND] == list(TESTS)
    path = tmp_path / "analysis.yaml"
    path.write_text(yaml.safe_dump({"hypotheses": EVERY_KIND}, sort_keys=False), encoding="utf-8")
    data = _table()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = hy.run_plan(data, load_plan(path, CB, list(data.columns))).set_index("hypothesis")
    for name, spec in TESTS.items():
        row = out.loc[name]
        if spec.combines:
            assert row["statistic_name"].startswith("deciding: "), name
        else:
            assert np.isfinite(row["p"]), name
            assert row["statistic_name"] == spec.statistic, (name, row["statistic_name"])


def test_a_non_directional_test_refuses_a_one_sided_alternative(tmp_path):
    for name in [n for n, s in TESTS.items() if not s.directional and not s.combines]:
        h = dict(next(h for h in EVERY_KIND if h["test"] == name), alternative="greater", primary=True)
        path = tmp_path / "analysis.yaml"
        path.write_text(yaml.safe_dump({"hypotheses": [h]}, sort_keys=False), encoding="utf-8")
        with pytest.raises(InputError, match=f"test '{name}' has no direction"):
            load_plan(path, CB, list(_table().columns))


@pytest.mark.parametrize("kind", ["t_test", "all_of"])
def test_run_test_of_an_unknown_kind_is_one_line_naming_the_known_ones(kind):
    plan = type("P", (), {"path": "analysis.yaml"})()
    with pytest.raises(ValueError) as err:
        hy.run_test({"id": "H9", "test": kind}, _table(), plan)
    msg = str(err.value)
    assert "\n" not in msg and f"unknown test '{kind}'" in msg and "H9" in msg
    assert all(k in msg for k in TESTS if k not in COMBINATORS)


def test_the_registry_and_the_plan_load_without_the_statistics():
    code = ("import sys; import upskilling.survey.plan, upskilling.survey.exclusions, upskilling.integrate.fmt; "
            "print(sorted(m for m in ('scipy', 'statsmodels', 'pingouin') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


X = np.array([1.0, 2.0, 3.0, 4.0, np.nan])


@pytest.mark.parametrize(("op", "value", "expected"), [
    ("gt", 3, [0, 0, 0, 1, 0]), ("ge", 3, [0, 0, 1, 1, 0]), ("lt", 3, [1, 1, 0, 0, 0]), ("le", 3, [1, 1, 1, 0, 0]),
    ("eq", 3, [0, 0, 1, 0, 0]), ("ne", 3, [1, 1, 0, 1, 1]), ("in", [1, 3], [1, 0, 1, 0, 0]),
    ("not_in", [1, 3], [0, 1, 0, 1, 1]),
])
def test_meets_compares_like_ieee_and_holds_fails_a_missing_value(op, value, expected):
    assert meets(X, op, value).tolist() == [bool(e) for e in expected]
    assert holds(X, {"op": op, "value": value}).tolist() == [bool(e) for e in expected[:4]] + [False]


def test_present_holds_where_a_value_is_given():
    assert holds(X, {"op": "present"}).tolist() == [True] * 4 + [False]


def test_the_survey_package_never_imports_the_integration():
    """Layers: survey/ is below integrate/ (the integration reads the survey's tables and tables of names
    such as COMBINATORS, CORRECTIONS); an import the other way would make every survey job load the
    integration (figures, matplotlib)."""
    import ast

    root = Path(__file__).resolve().parents[1] / "src" / "upskilling" / "survey"
    offenders = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            offenders += [f"{path.name}:{node.lineno} {n}" for n in names
                          if n.startswith(("..integrate", "upskilling.integrate"))]
    assert len(list(root.glob("*.py"))) > 10 and not offenders, offenders
