"""On the default data, C1-C5 come out as planted and every planted effect is recovered within the
tolerance recorded in data/raw/survey/wave1/truth.json, each read from the pipeline cell that truth.json
declares for it (its ``pipeline`` key)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from upskilling.config import read_yaml, validate
from upskilling.survey import stage
from upskilling.survey import stats_ordinal as so
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
WAVE = CONFIG["waves"]["wave1"]
TRUTH = json.loads((ROOT / WAVE["truth"]).read_text())
CLAIMS = ("C1", "C2", "C3", "C4", "C5")
YEARS_MODEL = ["platform_share", "competition", "years_freelancing"]


@pytest.fixture(scope="module")
def results():
    scored = stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, CONFIG["survey"])[0]
    hyp = stage.hypotheses(scored, CB, ROOT / "config" / "analysis.yaml").set_index("hypothesis")
    desc = stage.descriptives(scored, CB, CONFIG["survey"])[0].set_index("variable")
    return scored, hyp, desc


# The statistics truth.json declares the pipeline does not report ("pipeline": null), computed here
# from scored.csv so that every planted effect is still checked.
UNREPORTED = {
    "C1.mean_difference": lambda scored: float((scored["survival"] - scored["growth"]).mean()),
    "C5.ologit_years": lambda scored: float(
        so.fit_ordinal_logit(scored["survival"], scored[YEARS_MODEL])["coef"]["years_freelancing"]),
}


def cell(spec: dict, hyp, desc) -> float:
    """The value of a declared pipeline cell (truth.json ``pipeline``) in the tables indexed by id."""
    table = {"hypotheses": hyp, "descriptives": desc}[spec["table"]]
    value = float(table.loc[spec["row"], spec["column"]])
    return {None: lambda v: v, "log": math.log}[spec.get("transform")](value)


def estimates(results) -> dict:
    """The pipeline's estimate of every statistic named in truth.json, read from the cell its ``pipeline``
    key declares; the statistics it declares unreported come from :data:`UNREPORTED`."""
    scored, hyp, desc = results
    est = {}
    for claim in CLAIMS:
        for name, spec in TRUTH["claims"][claim]["statistics"].items():
            key = f"{claim}.{name}"
            est[key] = UNREPORTED[key](scored) if spec["pipeline"] is None else cell(spec["pipeline"], hyp, desc)
    return est


def test_truth_declares_where_the_pipeline_reports_each_statistic():
    unreported = set()
    for claim in CLAIMS:
        for name, spec in TRUTH["claims"][claim]["statistics"].items():
            assert "pipeline" in spec, f"truth statistic {claim}.{name} does not declare its pipeline cell"
            if spec["pipeline"] is None:
                unreported.add(f"{claim}.{name}")
            else:
                assert spec["pipeline"]["table"] in ("hypotheses", "descriptives"), (claim, name)
        assert TRUTH["claims"][claim]["pipeline_verdict"] == {
            "table": "hypotheses", "row": {"claim": claim, "primary": True}, "column": "verdict"}
    assert unreported == set(UNREPORTED)


def test_claims_get_their_planted_verdicts(results):
    _, hyp, _ = results
    primary = hyp[hyp["primary"]].set_index("claim")["verdict"].to_dict()
    assert primary == {c: TRUTH["claims"][c]["expected_verdict"] for c in CLAIMS}
    assert (hyp.loc[["H1", "H2a", "H2b", "H3a", "H3b", "H3c", "H3d", "H4a", "H4b", "H5a", "H5b"], "verdict"]
            == "supported").all()


def test_every_planted_effect_is_recovered_within_tolerance(results):
    est = estimates(results)
    checked = 0
    for claim in CLAIMS:
        for name, spec in TRUTH["claims"][claim]["statistics"].items():
            key = f"{claim}.{name}"
            assert key in est, f"no pipeline estimate for truth statistic {key}"
            assert est[key] == est[key], (key, "the declared pipeline cell is empty")
            assert abs(est[key] - spec["expected"]) <= spec["tolerance"], (key, est[key], spec)
            # and the pipeline reproduces the generator's own reading of the committed data
            assert est[key] == pytest.approx(spec["observed"], abs=6e-4), (key, est[key], spec["observed"])
            checked += 1
    assert checked == sum(len(TRUTH["claims"][c]["statistics"]) for c in CLAIMS)


def test_years_freelancing_has_no_effect(results):
    scored, _, _ = results
    fit = so.fit_ordinal_logit(scored["survival"], scored[YEARS_MODEL])
    z = fit["coef"]["years_freelancing"] / fit["se"]["years_freelancing"]
    assert abs(z) < 1.96
    assert np.isfinite(fit["loglik"])
