"""reliability.csv and hypotheses.csv of the default wave against an independent R implementation
(tests/r/survey_reference.R -> survey_reference.json: psych::alpha / psych::omega, wilcox.test,
friedman.test, binom.test, cor.test, ordinal::clm, p.adjust), every number to 4 decimals.

The R script read data/processed/survey/wave1/scored.csv; this test rebuilds that file from the raw
export in memory and checks its md5 first, so a stale reference fails loudly instead of passing.
"""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest

from upskilling.config import read_yaml, validate
from upskilling.survey import stage
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "tests" / "r" / "survey_reference.json").read_text())
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
WAVE = CONFIG["waves"]["wave1"]
RERUN = "rerun the survey stage and `Rscript tests/r/survey_reference.R` from the repository root"


def close(a, b) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and (b is None or (isinstance(b, float) and math.isnan(b)))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=5e-5)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    scored = stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, CONFIG["survey"])[0]
    path = tmp_path_factory.mktemp("ref") / "scored.csv"
    scored.to_csv(path, index=False)  # exactly as scripts/survey_clean.py writes it
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    scored = stage.read_scored(path)
    rel, items = stage.reliability(scored, CB, CONFIG["survey"])
    hyp = stage.hypotheses(scored, CB, ROOT / "config" / "analysis.yaml")
    return md5, rel, items, hyp


def test_reference_was_computed_on_this_scored_table(outputs):
    assert outputs[0] == REF["scored_md5"], f"scored.csv changed since the R reference was made; {RERUN}"


def test_hypotheses_match_r(outputs):
    hyp = outputs[3].set_index("hypothesis")
    ref = {r["hypothesis"]: r for r in REF["hypotheses"]}
    assert set(hyp.index) == set(ref), f"the plan and the R reference list different hypotheses; {RERUN}"
    for hid, r in ref.items():
        row = hyp.loc[hid]
        for col in ("statistic", "df", "p", "p_adjusted", "effect_size", "ci_low", "ci_high", "n",
                    "p_opposite_adjusted"):
            if col in r:
                assert close(row[col], r[col]), (hid, col, row[col], r[col])
        assert row["verdict"] == r["verdict"] and bool(row["primary"]) == r["primary"], hid
        assert row["effect_size_name"] == r["effect_size_name"], hid


def test_reliability_matches_psych(outputs):
    _, rel, items, _ = outputs
    rel = rel.set_index("scale")
    items = items.set_index(["scale", "item"])
    assert set(rel.index) == {r["scale"] for r in REF["reliability"]}
    for r in REF["reliability"]:
        row = rel.loc[r["scale"]]
        for col in ("n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"):
            assert close(row[col], r[col]), (r["scale"], col, row[col], r[col])
        for item, a, rd in zip(r["items"], r["alpha_if_dropped"], r["r_drop"]):
            assert close(items.loc[(r["scale"], item), "alpha_if_dropped"], a), (r["scale"], item)
            assert close(items.loc[(r["scale"], item), "r_drop"], rd), (r["scale"], item)
