"""On the default data, C1-C5 come out as planted and every planted effect is recovered within the
tolerance recorded in data/raw/survey/wave1/truth.json."""
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
BARRIERS = {"barrier_inconsistency": "H3a", "barrier_context": "H3b", "barrier_verification": "H3c"}


@pytest.fixture(scope="module")
def results():
    scored = stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, CONFIG["survey"])[0]
    hyp = stage.hypotheses(scored, CB, ROOT / "config" / "analysis.yaml").set_index("hypothesis")
    desc = stage.descriptives(scored, CB, CONFIG["survey"])[0].set_index("variable")
    return scored, hyp, desc


def estimates(results) -> dict:
    """The pipeline's estimate of every statistic named in truth.json."""
    scored, hyp, desc = results
    est = {
        "C1.rank_biserial": hyp.loc["H1", "effect_size"],
        "C1.mean_survival": desc.loc["survival", "mean"],
        "C1.mean_growth": desc.loc["growth", "mean"],
        "C1.mean_difference": float((scored["survival"] - scored["growth"]).mean()),
        "C2.share_ai_primary": hyp.loc["H2a", "effect_size"],
        "C2.share_ai_structures_agree": hyp.loc["H2b", "effect_size"],
        "C3.kendall_w": hyp.loc["H3d", "effect_size"],
        "C4.share_invisible_agree": hyp.loc["H4a", "effect_size"],
        "C4.mean_invisible": desc.loc["invisible", "mean"],
        "C4.spearman_invisible_ai_learning_freq": hyp.loc["H4b", "effect_size"],
        "C5.ologit_platform_share": math.log(hyp.loc["H5a", "effect_size"]),
        "C5.ologit_competition": math.log(hyp.loc["H5b", "effect_size"]),
    }
    for b, hid in BARRIERS.items():
        est[f"C3.rank_biserial_{b}_vs_3"] = hyp.loc[hid, "effect_size"]
        est[f"C3.mean_{b}"] = desc.loc[b, "mean"]
    fit = so.fit_ordinal_logit(scored["survival"], scored[["platform_share", "competition", "years_freelancing"]])
    est["C5.ologit_years"] = float(fit["coef"]["years_freelancing"])
    return est


def test_claims_get_their_planted_verdicts(results):
    _, hyp, _ = results
    primary = hyp[hyp["primary"]].set_index("claim")["verdict"].to_dict()
    assert primary == {c: TRUTH["claims"][c]["expected_verdict"] for c in ("C1", "C2", "C3", "C4", "C5")}
    assert (hyp.loc[["H1", "H2a", "H2b", "H3a", "H3b", "H3c", "H3d", "H4a", "H4b", "H5a", "H5b"], "verdict"]
            == "supported").all()


def test_every_planted_effect_is_recovered_within_tolerance(results):
    est = estimates(results)
    checked = 0
    for claim in ("C1", "C2", "C3", "C4", "C5"):
        for name, spec in TRUTH["claims"][claim]["statistics"].items():
            key = f"{claim}.{name}"
            assert key in est, f"no pipeline estimate for truth statistic {key}"
            assert abs(est[key] - spec["expected"]) <= spec["tolerance"], (key, est[key], spec)
            # and the pipeline reproduces the generator's own reading of the committed data
            assert est[key] == pytest.approx(spec["observed"], abs=6e-4), (key, est[key], spec["observed"])
            checked += 1
    assert checked == sum(len(TRUTH["claims"][c]["statistics"]) for c in ("C1", "C2", "C3", "C4", "C5"))


def test_years_freelancing_has_no_effect(results):
    scored, _, _ = results
    fit = so.fit_ordinal_logit(scored["survival"], scored[["platform_share", "competition", "years_freelancing"]])
    z = fit["coef"]["years_freelancing"] / fit["se"]["years_freelancing"]
    assert abs(z) < 1.96
    assert np.isfinite(fit["loglik"])
