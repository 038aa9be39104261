"""Claims in words from the analysis plan (`claims:`) and figures planned from the wave's codebook (issue 9:
integration driven by the plan, not by code)."""
from __future__ import annotations

import copy

import pytest
import yaml

from conftest import ROOT
from upskilling.errors import InputError
from upskilling.integrate import figures
from upskilling.survey.plan import claim_specs

PLAN = yaml.safe_load((ROOT / "config/analysis.yaml").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
CODEBOOK = yaml.safe_load((ROOT / "config/codebook.yaml").read_text(encoding="utf-8"))


def test_the_study_plan_names_five_claims_with_headline_and_primary():
    specs = claim_specs(copy.deepcopy(PLAN), "analysis.yaml")
    assert list(specs) == ["C1", "C2", "C3", "C4", "C5"]
    assert specs["C2"]["headline"] == "H2a" and specs["C2"]["primary"] == "H2"
    assert specs["C2"]["hypotheses"] == ["H2a", "H2b", "H2"]
    assert specs["C1"]["constructs"] == ["survival", "growth"]


def test_a_claim_without_entry_gets_its_id_and_the_primary_label():
    plan = copy.deepcopy(PLAN)
    del plan["claims"]["C4"]
    spec = claim_specs(plan, "analysis.yaml")["C4"]
    h4 = next(h for h in PLAN["hypotheses"] if h["id"] == "H4")
    assert spec["title"] == "C4" and spec["statement"] == h4["label"] and spec["headline"] == "H4"


def test_a_claim_entry_without_tests_and_a_foreign_headline_are_named():
    plan = copy.deepcopy(PLAN)
    plan["claims"]["C9"] = {"title": "Nothing tests this"}
    with pytest.raises(InputError, match=r"analysis.yaml: claims.C9: no hypothesis has claim: C9"):
        claim_specs(plan, "analysis.yaml")
    plan = copy.deepcopy(PLAN)
    plan["claims"]["C1"]["headline"] = "H2a"
    with pytest.raises(InputError, match=r"claims.C1.headline: 'H2a' is not a hypothesis of claim C1; use one of \['H1'\]"):
        claim_specs(plan, "analysis.yaml")


def test_the_study_codebook_gets_every_figure():
    drawn, skipped = figures.plan(CODEBOOK, CONFIG, "config/codebook.yaml", analysis=PLAN,
                                  analysis_source="config/analysis.yaml")
    assert drawn == list(figures.FIGURES) and skipped == {}
    assert figures.plan(CODEBOOK, CONFIG) == (drawn, skipped)  # without the plan its tests are not checked


def test_a_codebook_without_the_study_constructs_skips_their_figures_with_the_reason():
    cb = copy.deepcopy(CODEBOOK)
    del cb["constructs"]["growth"]
    cb["items"] = [i for i in cb["items"] if i["id"] != "ai_activities"]
    drawn, skipped = figures.plan(cb, CONFIG, "wave.yaml")
    assert set(skipped) == {"motivation_survival_vs_growth", "learning_resources_ai_use"}
    assert skipped["motivation_survival_vs_growth"] == (
        "needs construct growth (integration.figures.paired_constructs), which wave.yaml does not define")
    assert "item ai_activities (integration.figures.ai_activities_item)" in skipped["learning_resources_ai_use"]
    assert "barrier_scales" in drawn and "joint_display" in drawn
    # a panel switched off in config is not needed
    cfg = copy.deepcopy(CONFIG)
    cfg["integration"].setdefault("figures", {})["ai_activities_item"] = None
    assert "learning_resources_ai_use" not in figures.plan(cb, cfg)[1]
    # no construct at all: not even the Likert overview
    assert "likert_constructs" in figures.plan({"items": [], "constructs": {}}, CONFIG)[1]
