"""Cross-references in the codebook that the JSON schema cannot check stop the survey stage with a
message naming the codebook key and the fix."""
from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from upskilling.errors import InputError
from upskilling.survey.codebook import Codebook, load_codebook

ROOT = Path(__file__).resolve().parents[1]
RAW = yaml.safe_load((ROOT / "config" / "codebook.yaml").read_text())


def item(cb, iid):
    return next(i for i in cb["items"] if i["id"] == iid)


CASES = {
    "construct item unknown": (lambda c: c["constructs"]["survival"]["items"].append("surv_9"),
                               ["constructs.survival.items: unknown item 'surv_9'"]),
    "attention answer not a label": (lambda c: c["attention_checks"][0].update(correct="Disagree somewhat"),
                                     ["attention_checks[0]: 'Disagree somewhat' is not a label", "use one of"]),
    "undefined scale": (lambda c: item(c, "surv_1").update(scale="agree7"),
                        ["id 'surv_1'", "scale 'agree7' is not defined", "response_scales"]),
    "duplicate item id": (lambda c: item(c, "grow_1").update(id="surv_1"), ["item id 'surv_1' is used twice"]),
    "duplicate column": (lambda c: item(c, "grow_1").update(column="Q18_1"), ["column 'Q18_1' is used by item 'surv_1'"]),
    "meta column missing": (lambda c: c["meta"].update(duration="Duration"),
                            ["meta.duration: column 'Duration' is not the column of any item"]),
    "grid item unknown": (lambda c: c["grids"]["barriers"].append("bar_xyz"), ["grids.barriers: unknown item 'bar_xyz'"]),
    "min_items too large": (lambda c: c["constructs"]["competition"].update(min_items=4),
                            ["constructs.competition.min_items is 4", "lower min_items"]),
    "mixed scales": (lambda c: item(c, "surv_2").update(scale="freq5"),
                     ["constructs.survival: items use different scales"]),
    "screening name of a rule": (lambda c: c["screening"].append({"name": "speeders", "item": "consent", "keep": ["Yes"]}),
                                 ["screening[2] (name 'speeders'): the name 'speeders' is taken by another exclusion step"]),
    "screening name twice": (lambda c: c["screening"][1].update(name="consent"),
                             ["screening[1] (name 'consent'): the name 'consent' is used twice"]),
    "screening keep and op": (lambda c: c["screening"][0].update(op="eq", value="Yes"),
                              ["screening[0] (name 'consent'): give either keep: [labels] or a condition", "not both"]),
    "screening neither": (lambda c: c["screening"][0].pop("keep"), ["screening[0] (name 'consent'): give either", "not neither"]),
    "screening unknown item": (lambda c: c["screening"][1].update(item="freelance"),
                               ["screening[1] (name 'freelancer').item: unknown item 'freelance'"]),
    "screening keep not a label": (lambda c: c["screening"][0].update(keep=["yes please"]),
                                   ["screening[0] (name 'consent'): 'yes please' is not a label of scale 'yesno'", "use one of ['Yes', 'No']"]),
    "screening value not a label": (lambda c: c["screening"].append({"name": "pro", "item": "freelancing", "op": "eq",
                                                                     "value": "Ja"}),
                                    ["screening[2] (name 'pro').value: 'Ja' is not a label of the scale of 'freelancing'"]),
    "screening label on a number": (lambda c: c["screening"].append({"name": "adult", "item": "hours_week", "op": "ge",
                                                                     "value": "many"}),
                                    ["screening[2] (name 'adult').value: 'many' needs a response scale", "give a number"]),
    "screening list for one value": (lambda c: c["screening"].append({"name": "busy", "item": "hours_week", "op": "ge",
                                                                      "value": [10, 20]}),
                                     ["screening[2] (name 'busy'): op 'ge' needs one value as value"]),
    "screening on a multi item": (lambda c: c["screening"].append({"name": "upw", "item": "platforms", "op": "present"}),
                                  ["screening[2] (name 'upw').item: item 'platforms' is a multi item"]),
    "screening op unknown": (lambda c: c["screening"].append({"name": "busy", "item": "hours_week", "op": "gte", "value": 1}),
                             ["key 'screening[2].op' has value 'gte'; use one of ['eq', 'ne', 'lt', 'le', 'gt', 'ge', "
                              "'in', 'not_in', 'present']"]),
    "screening extra key": (lambda c: c["screening"][0].update(enabled=False),
                            ["key 'enabled' is not allowed under 'screening[0]'"]),
    "old screening form with a new name": (lambda c: c.update(screening={"adult": {"item": "consent", "keep": ["Yes"]}}),
                                           ["key 'adult' is not allowed under 'screening' (allowed: consent, freelancer)"]),
    "page progress without complete_at": (lambda c: c["meta"].update(progress={"column": "Progress", "unit": "page"}),
                                          ["'meta.progress' is missing a required key: 'complete_at'"]),
    "percent progress with complete_at": (lambda c: c["meta"].update(progress={"column": "Progress", "complete_at": 8}),
                                          ["meta.progress.complete_at is only for unit: page", "set unit: page"]),
    "progress unit unknown": (lambda c: c["meta"].update(progress={"column": "Progress", "unit": "pages",
                                                                   "complete_at": 8}),
                              ["key 'meta.progress.unit' has value 'pages'; use one of ['percent', 'page']"]),
    "progress column missing": (lambda c: c["meta"].update(progress={"column": "Progres", "unit": "page",
                                                                     "complete_at": 8}),
                                ["meta.progress: column 'Progres' is not the column of any item"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_codebook_mistakes_name_the_key(tmp_path, case):
    change, needles = CASES[case]
    data = copy.deepcopy(RAW)
    change(data)
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_codebook(p)
    msg = str(exc.value)
    assert msg.startswith(str(p))
    for needle in needles:
        assert needle in msg, f"{needle!r} not in: {msg}"


def test_the_default_codebook_loads():
    cb = load_codebook(ROOT / "config" / "codebook.yaml")
    assert cb.code_of("surv_1", " somewhat AGREE") == 4
    assert cb.midpoint("surv_1") == 3.0
    assert set(cb.construct_items()) == {"survival", "growth", "barrier_inconsistency", "barrier_context",
                                         "barrier_verification", "invisible", "competition"}


def test_screening_criteria_are_resolved_to_codes(tmp_path):
    cb = load_codebook(ROOT / "config" / "codebook.yaml")
    assert cb.screening == [
        {"name": "consent", "item": "consent", "reason": "did not consent to take part (or left consent blank)",
         "key": "screening[0]", "op": "in", "value": [1.0], "given": ["Yes"], "keep": ["Yes"]},
        {"name": "freelancer", "item": "freelancing", "reason": "not currently freelancing (or left the question blank)",
         "key": "screening[1]", "op": "in", "value": [1.0], "given": ["Yes"], "keep": ["Yes"]}]
    data = copy.deepcopy(RAW)
    data["screening"] = [{"name": "pro", "item": "freelancing", "op": "ne", "value": " no "},
                         {"name": "busy", "item": "hours_week", "op": "in", "value": [10, 20.5]},
                         {"name": "answered", "item": "hours_week", "op": "present"}]
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    got = load_codebook(p).screening
    assert [(c["name"], c["op"], c.get("value"), c.get("given"), c["reason"]) for c in got] == [
        ("pro", "ne", 0.0, " no ", None), ("busy", "in", [10.0, 20.5], [10, 20.5], None),
        ("answered", "present", None, None, None)]
    from upskilling.survey.exclusions import default_reason
    assert [default_reason(c) for c in got] == ["freelancing is ' no ' or blank", "hours_week not in [10, 20.5] or blank",
                                                "hours_week blank"]


def test_meta_progress_forms(tmp_path):
    cb = load_codebook(ROOT / "config" / "codebook.yaml")
    assert cb.progress == {"column": "Progress", "unit": "percent", "complete_at": None}
    assert cb.meta["progress"] == "Progress"
    data = copy.deepcopy(RAW)
    data["meta"]["progress"] = {"column": "Progress", "unit": "page", "complete_at": 8}
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    paged = load_codebook(p)
    assert paged.progress == {"column": "Progress", "unit": "page", "complete_at": 8}
    assert paged.meta == cb.meta and paged.meta_item("progress")["id"] == "progress"


def test_the_earlier_screening_mapping_is_read_as_two_criteria(tmp_path):
    data = copy.deepcopy(RAW)
    data["screening"] = {"consent": {"item": "consent", "keep": ["Yes"]},
                         "freelancer": {"item": "freelancing", "keep": ["Yes"]}}
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    got = load_codebook(p).screening
    assert [(c["name"], c["item"], c["op"], c["value"], c["key"], c["reason"]) for c in got] == [
        ("consent", "consent", "in", [1.0], "screening.consent", None),
        ("freelancer", "freelancing", "in", [1.0], "screening.freelancer", None)]
    data["screening"]["consent"]["keep"] = ["Ja"]
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match=r"screening\.consent: 'Ja' is not a label of scale 'yesno'"):
        load_codebook(p)


def test_reserved_screening_names_cover_every_built_in_rule():
    from upskilling.survey import codebook, exclusions

    assert set(exclusions.BUILTIN) <= set(codebook.RESERVED_NAMES)
    assert {"screening", "raw", "analysed"} <= set(codebook.RESERVED_NAMES)


def test_from_dict_validates_a_read_codebook_and_leaves_it_unchanged():
    data = copy.deepcopy(RAW)
    cb = Codebook.from_dict(data, "wave.yaml")
    assert data == RAW  # the schema's defaults are filled into a copy
    assert cb.path == "wave.yaml" and list(cb.by_id) == [i["id"] for i in RAW["items"]]
    assert cb.screening == load_codebook(ROOT / "config" / "codebook.yaml").screening
    bad = copy.deepcopy(RAW)
    bad["constructs"]["survival"]["items"].append("surv_9")
    with pytest.raises(InputError, match=r"^wave.yaml: constructs.survival.items: unknown item 'surv_9'"):
        Codebook.from_dict(bad, "wave.yaml")


def test_the_lookups_the_figures_and_reports_use():
    cb = load_codebook(ROOT / "config" / "codebook.yaml")
    assert cb.scale("domain") == (RAW["response_scales"]["domain"]["codes"], RAW["response_scales"]["domain"]["labels"])
    assert cb.construct_label("survival") == "Survival motivation"
    assert cb.construct_label("no_such_construct") == "no_such_construct"
    assert cb.construct_labels() == {c: spec["label"] for c, spec in RAW["constructs"].items()}
    decoded = cb.decode("consent", pd.Series([1, 0.0, "No", None, 7, "maybe"]))
    assert list(decoded[:3]) == ["Yes", "No", "No"] and pd.isna(decoded[3]) and list(decoded[4:]) == ["7", "maybe"]
    with pytest.raises(InputError) as exc:
        cb.item("no_such_item")
    msg = str(exc.value)
    assert msg.startswith(f"{ROOT / 'config' / 'codebook.yaml'}: no item 'no_such_item'") and "\n" not in msg
    with pytest.raises(InputError, match=r"item 'hours_week' has no known response scale \(None\)"):
        cb.scale("hours_week")
