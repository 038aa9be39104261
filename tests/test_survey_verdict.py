"""Verdicts: computed from alpha, direction and corrections; reversing the data flips C1."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from upskilling.config import read_yaml, validate
from upskilling.survey import stage
from upskilling.survey import verdict as vd
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
WAVE = CONFIG["waves"]["wave1"]
ANALYSIS = ROOT / "config" / "analysis.yaml"


def row(p, alternative="greater", direction=None, sign=1, p_opp=math.nan, alpha=0.05):
    return {"hypothesis": "H", "family": None, "p": p, "p_opposite": p_opp, "alternative": alternative,
            "direction": direction or (alternative if alternative != "two-sided" else "none"), "sign": sign,
            "alpha": alpha}


@pytest.mark.parametrize("r, expected", [
    (row(0.01), "supported"),
    (row(0.6, p_opp=0.01), "contradicted"),
    (row(0.6, p_opp=0.2), "not supported"),
    (row(0.049, alpha=0.05), "supported"),
    (row(0.05, alpha=0.05, p_opp=0.95), "not supported"),
    (row(0.01, "two-sided", "greater", sign=1), "supported"),
    (row(0.01, "two-sided", "greater", sign=-1), "contradicted"),
    (row(0.01, "two-sided", "less", sign=-1), "supported"),
    (row(0.2, "two-sided", "greater", sign=-1), "not supported"),
    (row(0.01, "two-sided", "none", sign=0), "supported"),
])
def test_verdict_rule(r, expected):
    vd.apply_corrections([r], {}, "none")
    assert vd.verdict(r) == expected


def test_opposite_direction_is_corrected_within_the_family():
    rows = [dict(row(0.9, p_opp=0.02), hypothesis=f"H{i}", family="F") for i in range(3)]
    vd.apply_corrections(rows, {"F": "holm"}, "none")
    assert rows[0]["p_opposite_adjusted"] == pytest.approx(0.06)
    assert {vd.verdict(r) for r in rows} == {"not supported"}
    vd.apply_corrections(rows, {"F": "none"}, "none")
    assert {vd.verdict(r) for r in rows} == {"contradicted"}


def test_combinators():
    s, n, c = ({"verdict": v, "p_adjusted": p, "hypothesis": h} for v, p, h in
               [("supported", 0.01, "a"), ("not supported", 0.3, "b"), ("contradicted", 0.9, "c")])
    assert vd.combine("all_of", [s, s])[0] == "supported"
    assert vd.combine("all_of", [s, n])[:2] == ("not supported", 0.3)
    assert vd.combine("all_of", [s, c])[0] == "contradicted"
    assert vd.combine("any_of", [s, n])[:2] == ("supported", 0.01)
    assert vd.combine("any_of", [n, c])[0] == "contradicted"
    assert vd.combine("any_of", [s, c])[0] == "not supported"


@pytest.fixture(scope="module")
def scored():
    return stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, CONFIG["survey"])[0]


def test_every_claim_has_one_primary_row(scored):
    h = stage.hypotheses(scored, CB, ANALYSIS)
    assert h.groupby("claim")["primary"].sum().to_dict() == {f"C{i}": 1 for i in range(1, 6)}


def test_swapping_survival_and_growth_makes_c1_contradicted(scored):
    before = stage.hypotheses(scored, CB, ANALYSIS).set_index("hypothesis")
    swapped = scored.copy()
    surv, grow = CB.constructs["survival"]["items"], CB.constructs["growth"]["items"]
    swapped[surv + grow + ["survival", "growth"]] = scored[grow + surv + ["growth", "survival"]].to_numpy()
    after = stage.hypotheses(swapped, CB, ANALYSIS).set_index("hypothesis")
    assert before.loc["H1", "verdict"] == "supported"
    assert after.loc["H1", "verdict"] == "contradicted"
    assert after.loc["H1", "effect_size"] == pytest.approx(-before.loc["H1", "effect_size"])
    assert after.loc["H1", "p"] == pytest.approx(1 - before.loc["H1", "p"], abs=1e-6)
    # claims that do not use survival or growth are untouched by the swap
    keep = before["claim"].isin(["C2", "C3", "C4"])
    assert (after.loc[keep, "verdict"] == before.loc[keep, "verdict"]).all()


def test_all_differences_zero_is_not_computable_never_supported(scored):
    # as R's wilcox.test ("not enough (non-missing) 'x' observations"): no non-zero difference to rank
    same = scored.copy()
    same["growth"] = same["survival"]
    out = stage.hypotheses(same, CB, ANALYSIS).set_index("hypothesis")
    assert out.loc["H1", "verdict"] == "not computable" and math.isnan(out.loc["H1", "effect_size"])
    assert math.isnan(out.loc["H1", "p"]) and out.loc["H1", "note"].startswith("H1: ")
    assert "survival equals growth for all" in out.loc["H1", "note"]
