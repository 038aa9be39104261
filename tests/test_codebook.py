"""The survey codebook validates against its schema, a typo fails naming the key, and its
cross-references (scales, constructs, grids, checks) are consistent."""
from pathlib import Path

import pytest
import yaml

from upskilling.config import load_validated
from upskilling.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "config" / "codebook.yaml"
CONSTRUCTS = {"survival", "growth", "barrier_inconsistency", "barrier_context", "barrier_verification",
              "invisible", "competition"}


@pytest.fixture(scope="module")
def codebook():
    return load_validated(CODEBOOK, "codebook.schema.yaml")


def _write(tmp_path, data) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_codebook_validates_and_fills_defaults(codebook):
    assert codebook["id_column"] == "ResponseId"
    assert codebook["wave_defaults"] == {}
    surv = next(it for it in codebook["items"] if it["id"] == "surv_1")
    assert surv["reverse"] is False and surv["construct"] == "survival"


@pytest.mark.parametrize("mutate, key", [
    (lambda d: d.__setitem__("construts", d.pop("constructs")), "construts"),
    (lambda d: d["items"][20].__setitem__("revrese", True), "revrese"),
    (lambda d: d["meta"].__setitem__("duplicate_kee", "panel_id"), "duplicate_kee"),
    (lambda d: d["constructs"]["survival"].__setitem__("min_item", 3), "min_item"),
])
def test_misspelt_key_fails_naming_it(tmp_path, mutate, key):
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(InputError, match=rf"key '{key}' is not allowed"):
        load_validated(_write(tmp_path, data), "codebook.schema.yaml")


def test_unknown_item_type_fails_naming_the_value(tmp_path):
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    data["items"][12]["type"] = "likret"
    with pytest.raises(InputError, match=r"items\[12\].type' has value 'likret'"):
        load_validated(_write(tmp_path, data), "codebook.schema.yaml")


def test_likert_item_without_scale_fails(tmp_path):
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    del next(it for it in data["items"] if it["id"] == "surv_2")["scale"]
    with pytest.raises(InputError, match="scale"):
        load_validated(_write(tmp_path, data), "codebook.schema.yaml")


def test_ids_and_columns_unique(codebook):
    ids = [it["id"] for it in codebook["items"]]
    cols = [it["column"] for it in codebook["items"]]
    assert len(ids) == len(set(ids))
    assert len(cols) == len(set(cols))


def test_cross_references(codebook):
    items = {it["id"]: it for it in codebook["items"]}
    scales = codebook["response_scales"]
    for it in items.values():
        if it["type"] in ("likert", "single", "multi"):
            assert it["scale"] in scales, it["id"]
        if it["type"] == "multi":
            assert not any("," in lab for lab in scales[it["scale"]]["labels"]), it["id"]
        if "construct" in it:
            assert it["id"] in codebook["constructs"][it["construct"]]["items"]
    for s in scales.values():
        assert len(s["labels"]) == len(s["codes"])
    assert set(codebook["constructs"]) == CONSTRUCTS
    for c in codebook["constructs"].values():
        assert all(items[i]["type"] == "likert" for i in c["items"])
        assert c.get("min_items", 1) <= len(c["items"])
    for grid in codebook["grids"].values():
        assert all(g in items for g in grid)
    for rule in codebook["screening"]:
        assert set(rule["keep"]) <= set(scales[items[rule["item"]]["scale"]]["labels"])
    assert len(codebook["attention_checks"]) == 2
    for chk in codebook["attention_checks"]:
        assert chk["correct"] in scales[items[chk["item"]]["scale"]]["labels"]
    meta_cols = {it["column"] for it in items.values() if it["type"] == "meta"}
    assert set(codebook["meta"].values()) <= meta_cols
    assert codebook["id_column"] in meta_cols


def test_study_constructs_are_operationalised(codebook):
    items = {it["id"]: it for it in codebook["items"]}
    c = codebook["constructs"]
    assert len(c["survival"]["items"]) == 4 and len(c["growth"]["items"]) == 4
    assert sum(items[i]["reverse"] for i in c["growth"]["items"]) == 1
    assert sum(items[i]["reverse"] for i in c["invisible"]["items"]) == 1
    assert all(len(c[b]["items"]) == 3 for b in ("barrier_inconsistency", "barrier_context", "barrier_verification"))
    assert len(c["competition"]["items"]) == 3
    assert len(codebook["response_scales"]["domain"]["labels"]) == 8
    assert items["ai_structures"]["text"] == "I use AI to plan or structure what I learn."
    assert items["ai_learning_story"]["type"] == "text"
    # attention checks sit inside grids (same matrix question as a listed grid's items)
    grid_qs = {items[g]["column"].split("_")[0] for grid in codebook["grids"].values() for g in grid}
    assert {items[a["item"]]["column"].split("_")[0] for a in codebook["attention_checks"]} <= grid_qs


def test_primary_resource_labels_cover_roster():
    roster = yaml.safe_load((ROOT / "src/upskilling/generate/corpus/roster.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    labels = set(data["response_scales"]["resource"]["labels"])
    assert {p["primary_resource"] for p in roster["participants"]} <= labels
    assert {"Formal training or workshops", "Other"} <= labels
