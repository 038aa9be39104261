"""Exclusion rules: configured order, on/off switches and parameters; the flow table reconciles."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

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


# ---- named screening criteria, declared progress, degenerate frames --------------------------------

OTHER_CODEBOOK = {  # another study: an eligibility criterion by condition, one by kept labels, a last-page column
    "id_column": "case",
    "response_scales": {"yesno": {"labels": ["Yes", "No"], "codes": [1, 0]},
                        "job": {"labels": ["employed", "self-employed", "not working"], "codes": [1, 2, 3]},
                        "agree3": {"labels": ["no", "maybe", "yes"], "codes": [1, 2, 3]}},
    "items": [
        {"id": "case", "column": "case", "text": "Case", "type": "meta"},
        {"id": "consent", "column": "consent", "text": "Consent", "type": "single", "scale": "yesno"},
        {"id": "age", "column": "age", "text": "Age", "type": "numeric", "min": 0, "max": 120},
        {"id": "job", "column": "job", "text": "Work", "type": "single", "scale": "job"},
        *({"id": f"q{i}", "column": f"q{i}", "text": f"Q{i}", "type": "likert", "scale": "agree3", "construct": "s"}
          for i in (1, 2, 3)),
        {"id": "lastpage", "column": "lastpage", "text": "Last page", "type": "meta"},
        {"id": "secs", "column": "secs", "text": "Seconds", "type": "meta"},
    ],
    "constructs": {"s": {"label": "Scale", "items": ["q1", "q2", "q3"]}},
    "screening": [
        {"name": "consent", "item": "consent", "keep": ["Yes"], "reason": "no consent"},
        {"name": "adult", "item": "age", "op": "ge", "value": 18, "reason": "younger than 18"},
        {"name": "employed", "item": "job", "keep": ["employed", "self-employed"]},   # reason generated
    ],
    "meta": {"progress": {"column": "lastpage", "unit": "page", "complete_at": 12}, "duration": "secs"},
}
OTHER_ROWS = [  # numeric codes; the comment of each row says which step removes it
    "case,consent,age,job,q1,q2,q3,lastpage,secs",
    "1,1,25,1,3,2,1,12,600",    # kept
    "2,0,30,1,,,,1,50",         # consent
    "3,1,17,2,2,2,2,12,500",    # adult (17)
    "4,1,,1,3,3,3,12,550",      # adult (blank age)
    "5,1,40,3,1,2,3,12,620",    # employed (not working)
    "6,1,52,,2,3,1,12,580",     # employed (blank)
    "7,1,33,2,2,1,3,7,300",     # unfinished (page 7 of 12)
    "8,1,45,1,1,1,2,12,610",    # kept
    "9,1,18,2,3,1,2,,400",      # unfinished (blank last page)
    "10,1,18,1,2,3,2,12,590",   # kept (18 is adult)
]
AFTER_SCREENING = ["unfinished", "attention", "speeders", "straightliners", "duplicates"]


def other_study(tmp_path, change=None):
    data = copy.deepcopy(OTHER_CODEBOOK)
    if change:
        change(data)
    p = tmp_path / "other_codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    export = tmp_path / "other.csv"
    export.write_text("\n".join(OTHER_ROWS) + "\n", encoding="utf-8")
    cb = load_codebook(p)
    return cb, read_export(export, "numeric", cb, sep=",")


def steps_of(flow):
    return flow.set_index("step")


def test_named_criteria_are_their_own_steps_with_their_reasons(tmp_path):
    cb, df = other_study(tmp_path)
    kept, flow, excluded = ex.apply_exclusions(df, cb, settings(order=["screening", *AFTER_SCREENING]))
    assert flow["step"].tolist() == ["raw", "consent", "adult", "employed", *AFTER_SCREENING, "analysed"]
    assert flow["n_removed"].tolist() == [0, 1, 2, 2, 2, 0, 0, 0, 0, 0]
    assert flow["n_remaining"].tolist() == [10, 9, 7, 5, 3, 3, 3, 3, 3, 3]
    s = steps_of(flow)
    assert s.loc["consent", "reason"] == "no consent"
    assert s.loc["adult", "reason"] == "younger than 18"
    assert s.loc["employed", "reason"] == "job not in ['employed', 'self-employed'] or blank"
    assert s.loc["unfinished", "reason"] == ("last page < 12 (Finished not checked: the codebook names no "
                                             "meta.finished column)")
    assert s.loc["speeders", "reason"] == "duration below 0.5 x median (600 s) = 300 s"
    assert kept["respondent_id"].tolist() == ["1", "8", "10"]
    got = excluded.set_index("respondent_id")[["step", "detail"]].to_dict("index")
    assert got == {"2": {"step": "consent", "detail": "consent = 'No'"},
                   "3": {"step": "adult", "detail": "age = 17"}, "4": {"step": "adult", "detail": "age = blank"},
                   "5": {"step": "employed", "detail": "job = 'not working'"},
                   "6": {"step": "employed", "detail": "job = 'blank'"},
                   "7": {"step": "unfinished", "detail": "last page = 7"},
                   "9": {"step": "unfinished", "detail": "last page = blank"}}


def test_criteria_run_where_the_order_names_them(tmp_path):
    cb, df = other_study(tmp_path)
    order = ["unfinished", "employed", "attention", "speeders", "straightliners", "duplicates", "screening"]
    flow = ex.apply_exclusions(df, cb, settings(order=order))[1]
    assert flow["step"].tolist() == ["raw", "unfinished", "employed", *AFTER_SCREENING[1:], "consent", "adult",
                                     "analysed"]
    s = steps_of(flow)
    # unfinished first: it now also catches the consent row (page 1), so consent removes nobody
    assert (s.loc["unfinished", "n_removed"], s.loc["consent", "n_removed"], s.loc["adult", "n_removed"]) == (3, 0, 2)
    assert s.loc["analysed", "n_remaining"] == 3


def test_a_disabled_criterion_removes_nobody_and_says_so(tmp_path):
    cb, df = other_study(tmp_path)
    s = settings(order=["screening", *AFTER_SCREENING])
    s["adult"] = {"enabled": False}
    kept, flow, _ = ex.apply_exclusions(df, cb, s)
    steps = steps_of(flow)
    assert steps.loc["adult", "n_removed"] == 0
    assert steps.loc["adult", "reason"] == "rule disabled (survey.exclusions.adult.enabled)"
    assert kept["respondent_id"].tolist() == ["1", "3", "4", "8", "10"]


def test_the_switch_of_a_criterion_validates_in_the_config():
    cfg = read_yaml(ROOT / "config" / "config.yaml")
    cfg["survey"]["exclusions"]["adult"] = {"enabeld": False}
    with pytest.raises(InputError, match=r"'enabeld' is not allowed under 'survey\.exclusions\.adult'"):
        validate(cfg, "config.schema.yaml", "config/config.yaml")
    cfg["survey"]["exclusions"]["adult"] = {"enabled": False}
    cfg["survey"]["exclusions"]["order"] = ["screening", *AFTER_SCREENING]
    assert validate(cfg, "config.schema.yaml", "config/config.yaml")["survey"]["exclusions"]["adult"] == {"enabled": False}


@pytest.mark.parametrize("order, change, needle", [
    (["screening", "adlt", *AFTER_SCREENING], None,
     r"^config/config\.yaml: survey\.exclusions\.order: 'adlt' is not an exclusion step; use the rules .*"
     r"'adult'.*token 'screening' \(a criterion of one wave's codebook only: set it under "
     r"waves\.<wave>\.settings\.exclusions\)$"),
    (["consent", "freelancer", *AFTER_SCREENING], None,
     r"^config/config\.yaml: survey\.exclusions\.order: the screening criterion 'adult' \(.*screening\[1\]\) is "
     r"not listed; add it where it should run, or the token 'screening'"),
    (["screening", *AFTER_SCREENING[1:]], None, r"survey\.exclusions\.order: list each of the rules .*"
                                                r"missing: \['unfinished'\]"),
    (["screening", *AFTER_SCREENING], {"adlt": {"enabled": False}},
     r"^config/config\.yaml: survey\.exclusions\.adlt: there is no exclusion step named 'adlt'"),
])
def test_unknown_or_missing_step_names_are_input_errors(tmp_path, order, change, needle):
    cb, df = other_study(tmp_path)
    s = settings(order=order)
    s.update(change or {})
    with pytest.raises(InputError, match=needle):
        ex.apply_exclusions(df, cb, s)


def test_default_order_with_a_codebook_lacking_consent_and_freelancer_skips_them(tmp_path):
    cb, df = other_study(tmp_path, lambda c: c.update(screening=[]))
    flow = ex.apply_exclusions(df, cb, settings())[1]
    s = steps_of(flow)
    assert s.loc["consent", "reason"] == ("skipped: not applicable (the codebook defines no screening criterion "
                                          "named 'consent')")
    assert s.loc["freelancer", "n_removed"] == 0
    token = steps_of(ex.apply_exclusions(df, cb, settings(order=["screening", *AFTER_SCREENING]))[1])
    assert token.loc["screening", "reason"] == "skipped: not applicable (the codebook defines no screening criteria)"


def test_page_progress_compares_with_complete_at_and_min_progress(tmp_path):
    cb, df = other_study(tmp_path)
    half = settings(order=["screening", *AFTER_SCREENING], unfinished={"min_progress": 50})
    s = steps_of(ex.apply_exclusions(df, cb, half)[1])
    assert s.loc["unfinished", "n_removed"] == 1                      # page 7 >= 6 stays; the blank goes
    assert s.loc["unfinished", "reason"].startswith("last page < 6 (50 % of the 12 pages)")


def test_an_undeclared_page_number_stops_instead_of_removing_everyone(tmp_path):
    cb, df = other_study(tmp_path, lambda c: c["meta"].update(progress="lastpage"))
    assert cb.progress == {"column": "lastpage", "unit": "percent", "complete_at": None}
    with pytest.raises(InputError) as exc:
        ex.apply_exclusions(df, cb, settings(order=["screening", *AFTER_SCREENING]))
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(str(cb.path) + ": meta.progress: column 'lastpage' is read as a percentage")
    assert "largest value is 12 (no response reaches 100 %)" in msg
    assert "{column: lastpage, unit: page, complete_at: <last page>}" in msg
    assert msg.endswith("or lower config/config.yaml: survey.exclusions.unfinished.min_progress")


def test_percent_progress_reason_names_the_unit(default_clean):
    assert steps_of(default_clean[1]).loc["unfinished", "reason"] == "Finished is False or Progress < 100 %"


def test_default_codebook_criteria_are_consent_and_freelancer_with_reasons_in_words(default_clean):
    s = steps_of(default_clean[1])
    assert [c["name"] for c in CB.screening] == ["consent", "freelancer"]
    assert s.loc["consent", "reason"] == "did not consent to take part (or left consent blank)"
    assert s.loc["freelancer", "reason"] == "not currently freelancing (or left the question blank)"
    assert (s.loc["consent", "n_removed"], s.loc["freelancer", "n_removed"]) == (8, 12)


def test_the_earlier_mapping_form_still_reads_with_generated_reasons(tmp_path, default_clean):
    raw = read_yaml(ROOT / "config" / "codebook.yaml")
    raw["screening"] = {"consent": {"item": "consent", "keep": ["Yes"]},
                        "freelancer": {"item": "freelancing", "keep": ["Yes"]}}
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    old = load_codebook(p)
    scored, flow, excluded = stage.clean(ROOT / WAVE["survey"], WAVE["format"], old, SETTINGS)
    s = steps_of(flow)
    assert s.loc["consent", "reason"] == "consent not in ['Yes'] or blank"
    assert s.loc["freelancer", "reason"] == "freelancing not in ['Yes'] or blank"
    assert flow["n_removed"].tolist() == default_clean[1]["n_removed"].tolist()
    assert scored.equals(default_clean[0]) and excluded.equals(default_clean[2])


def test_every_row_excluded_leaves_later_steps_saying_so(messy):
    df = messy.copy()
    df["consent"] = 0.0                                      # nobody consents
    kept, flow, excluded = ex.apply_exclusions(df, CB, settings())
    s = steps_of(flow)
    assert s.loc["consent", "n_removed"] == len(df) == len(excluded) and len(kept) == 0
    for rule in ["freelancer", *AFTER_SCREENING]:
        assert (s.loc[rule, "n_removed"], s.loc[rule, "reason"]) == (0, "skipped: no respondents left"), rule
    assert s.loc["analysed", "n_remaining"] == 0


@pytest.mark.parametrize("n", [0, 1])
def test_every_rule_runs_on_zero_and_one_rows(messy, tmp_path, n):
    clean = messy[messy["finished"].astype(bool) & (messy["consent"] == 1) & (messy["freelancing"] == 1)]
    df = clean.iloc[:n]
    params = SETTINGS["exclusions"]
    for rule, func in ex.steps(settings(), CB):
        flag, detail, reason = func(df, CB, params.get(rule, {}))
        assert len(flag) == len(detail) == n and not flag.any() and isinstance(reason, str), rule
    other, odf = other_study(tmp_path)
    for rule, func in ex.steps(settings(order=["screening", *AFTER_SCREENING]), other):
        try:
            flag, detail, _ = func(odf.iloc[:n], other, params.get(rule, {}))
        except ex.NotApplicable:
            continue
        assert len(flag) == len(detail) == n and not flag.any(), rule   # row 1 passes every step
    kept, flow, excluded = ex.apply_exclusions(df, CB, settings())
    assert len(kept) == n and len(excluded) == 0
    assert flow["n_remaining"].tolist() == [n] * 9
    if n == 0:
        assert set(flow["reason"][1:-1]) == {"skipped: no respondents left"}


def test_a_present_condition_on_an_open_answer_never_copies_the_answer(tmp_path):
    raw = read_yaml(ROOT / "config" / "codebook.yaml")
    raw["screening"].append({"name": "told_a_story", "item": "ai_learning_story", "op": "present"})
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    cb = load_codebook(p)
    df = read_export(ROOT / WAVE["survey"], WAVE["format"], cb)
    s = settings(order=["screening", *AFTER_SCREENING])
    kept, flow, excluded = ex.apply_exclusions(df, cb, s)
    story = excluded[excluded["step"] == "told_a_story"]
    blank = df.loc[df["respondent_id"].isin(story["respondent_id"]), "ai_learning_story"]
    assert flow["step"].tolist()[1:4] == ["consent", "freelancer", "told_a_story"]
    assert len(story) > 0 and set(story["detail"]) == {"ai_learning_story = blank"}
    assert set(blank.fillna("").str.strip()) == {""}
    assert steps_of(flow).loc["told_a_story", "reason"] == "ai_learning_story blank"
    assert kept["ai_learning_story"].fillna("").str.strip().ne("").all()
