"""Exclusion rules: configured order, on/off switches and parameters; the flow table reconciles."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from upskilling.config import read_yaml, validate
from upskilling.errors import InputError
from upskilling.survey import exclusions as ex
from upskilling.survey import stage, synth
from upskilling.survey.codebook import load_codebook
from upskilling.survey.io import read_export

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
SETTINGS = CONFIG["survey"]
WAVE = CONFIG["waves"]["wave1"]


def settings(**changes) -> dict:
    s = copy.deepcopy(SETTINGS["exclusions"])
    for key, value in changes.items():
        if key == "order":
            s["order"] = value
        else:
            s[key].update(value)
    return s


@pytest.fixture(scope="module")
def default_clean():
    return stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, SETTINGS)


def test_default_flow_matches_the_planted_mess(default_clean):
    scored, flow, excluded = default_clean
    truth = json.loads((ROOT / WAVE["truth"]).read_text())
    got = flow[flow["step"] != "analysed"][["step", "n_removed", "n_remaining"]].to_dict("records")
    assert got == [{k: r[k] for k in ("step", "n_removed", "n_remaining")} for r in truth["flow"]]
    assert flow.iloc[-1]["step"] == "analysed" and flow.iloc[-1]["n_remaining"] == len(scored) == truth["n_clean"]


def test_every_raw_row_is_accounted_for(default_clean):
    scored, flow, excluded = default_clean
    n_raw = flow.iloc[0]["n_remaining"]
    assert flow["n_removed"].sum() + len(scored) == n_raw
    assert len(excluded) == flow["n_removed"].sum()
    assert set(excluded["respondent_id"]).isdisjoint(scored["respondent_id"])
    assert len(set(excluded["respondent_id"]) | set(scored["respondent_id"])) == n_raw
    assert excluded.groupby("step").size().to_dict() == flow.set_index("step")["n_removed"][lambda s: s > 0].to_dict()
    remaining = flow["n_remaining"].tolist()
    assert all(a - r == b for a, r, b in zip(remaining, flow["n_removed"].tolist()[1:], remaining[1:]))


def test_duplicates_keep_the_earliest_submission(default_clean):
    scored, flow, excluded = default_clean
    raw = read_export(ROOT / WAVE["survey"], "qualtrics", CB)
    dups = excluded[excluded["step"] == "duplicates"]
    for rid in dups["respondent_id"]:
        row = raw[raw["respondent_id"] == rid].iloc[0]
        twin = raw[(raw["panel_id"] == row["panel_id"]) & (raw["respondent_id"] != rid)].iloc[0]
        assert twin["respondent_id"] in set(scored["respondent_id"])
        assert twin["start_date"] < row["start_date"]


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    df = synth.synth_codes(CB, 400, seed=11, mess=0.15)
    p = synth.write_export(df, CB, tmp_path_factory.mktemp("ex") / "export.csv")
    return read_export(p, "qualtrics", CB)


def test_order_changes_who_removes_but_flow_still_reconciles(messy):
    a = ex.apply_exclusions(messy, CB, settings())[1]
    order = ["duplicates", "straightliners", "speeders", "attention", "unfinished", "freelancer", "consent"]
    b = ex.apply_exclusions(messy, CB, settings(order=order))[1]
    assert b["step"].tolist()[1:-1] == order
    assert a.iloc[-1]["n_remaining"] == b.iloc[-1]["n_remaining"]
    for f in (a, b):
        assert f["n_removed"].sum() + f.iloc[-1]["n_remaining"] == len(messy)


def test_a_disabled_rule_removes_nobody_and_says_so(messy):
    on = ex.apply_exclusions(messy, CB, settings())[1].set_index("step")
    off = ex.apply_exclusions(messy, CB, settings(unfinished={"enabled": False}))[1].set_index("step")
    assert on.loc["unfinished", "n_removed"] > 0
    assert off.loc["unfinished", "n_removed"] == 0 and "disabled" in off.loc["unfinished", "reason"]
    assert off.loc["analysed", "n_remaining"] > on.loc["analysed", "n_remaining"]


def test_attention_rule_parameter(messy):
    strict = ex.apply_exclusions(messy, CB, settings())[1].set_index("step")
    lenient = ex.apply_exclusions(messy, CB, settings(attention={"max_failed": 1}))[1].set_index("step")
    assert strict.loc["attention", "n_removed"] == 20  # synth: 400 * 0.15 / 3 fail one check
    assert lenient.loc["attention", "n_removed"] == 0


def test_speeder_threshold_parameter(messy):
    kept = messy.copy()
    kept.loc[kept.index[:5], "duration"] = 30.0
    loose = ex.apply_exclusions(kept, CB, settings(speeders={"min_share_of_median": 0.01}))[1].set_index("step")
    tight = ex.apply_exclusions(kept, CB, settings(speeders={"min_share_of_median": 0.5}))[1].set_index("step")
    assert loose.loc["speeders", "n_removed"] == 0
    assert tight.loc["speeders", "n_removed"] >= 5


def test_straightlining_grids_and_rule(tmp_path):
    clean = read_export(synth.write_export(synth.synth_codes(CB, 200, seed=4), CB, tmp_path / "e.csv"), "qualtrics", CB)
    df = clean.copy()
    df.loc[df.index[:3], CB.grids["motivation"]] = 4.0                       # one grid
    df.loc[df.index[3:5], [i for g in CB.grids.values() for i in g]] = 3.0    # every grid
    only = dict(speeders={"enabled": False}, duplicates={"enabled": False})

    def n(**rule):
        s = settings(**only, straightliners=rule)
        return ex.apply_exclusions(df, CB, s)[1].set_index("step").loc["straightliners", "n_removed"]

    baseline = ex.apply_exclusions(clean, CB, settings(**only))[1].set_index("step").loc["straightliners", "n_removed"]
    assert n() == 5 + baseline
    assert n(grids=["motivation"]) - n(grids=["motivation"], min_answered=9) == 5   # the grid has 8 items
    assert n(rule="all") == 2
    assert 2 <= n(grids=["barriers"]) <= n() - 3   # the three motivation-only rows are not caught


def test_duplicates_keep_last(messy):
    first = ex.apply_exclusions(messy, CB, settings())
    last = ex.apply_exclusions(messy, CB, settings(duplicates={"keep": "last"}))
    n_first = first[1].set_index("step").loc["duplicates", "n_removed"]
    assert n_first == last[1].set_index("step").loc["duplicates", "n_removed"] > 0
    assert set(first[0]["respondent_id"]) != set(last[0]["respondent_id"])


def test_unknown_straightliner_grid_is_an_input_error(tmp_path):
    s = copy.deepcopy(SETTINGS)
    s["exclusions"]["straightliners"]["grids"] = ["motivaton"]
    with pytest.raises(InputError, match=r"survey\.exclusions\.straightliners\.grids: 'motivaton'.*use one of"):
        stage.clean(ROOT / WAVE["survey"], "qualtrics", CB, s)


def test_order_must_list_every_rule():
    cfg = read_yaml(ROOT / "config" / "config.yaml")
    cfg["survey"]["exclusions"]["order"] = ["consent", "freelancer", "unfinished"]
    with pytest.raises(InputError, match=r"survey\.exclusions\.order"):
        validate(cfg, "config.schema.yaml", "config/config.yaml")


def test_misspelt_rule_parameter_is_rejected():
    cfg = read_yaml(ROOT / "config" / "config.yaml")
    cfg["survey"]["exclusions"]["speeders"]["min_share_of_medain"] = 0.3
    with pytest.raises(InputError, match=r"min_share_of_medain.*not allowed.*survey\.exclusions\.speeders"):
        validate(cfg, "config.schema.yaml", "config/config.yaml")
