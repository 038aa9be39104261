"""A differently shaped survey is added by configuration alone: per-wave reader options (field
separator, missing-value codes), items recorded as labels in a numeric export, a codebook without
screening / attention checks / metadata / grids (those exclusion rules are reported as skipped, not
crashed on), and per-wave survey settings merged over the top-level ones."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from upskilling.config import read_yaml, validate
from upskilling.errors import InputError
from upskilling.survey import exclusions as ex
from upskilling.survey import stage
from upskilling.survey.codebook import load_codebook
from upskilling.survey.io import read_export
from upskilling.survey.settings import deep_merge, reader_options, wave_settings

ROOT = Path(__file__).resolve().parents[1]
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")

MINI_CODEBOOK = {
    "id_column": "case",
    "response_scales": {"agree3": {"labels": ["no", "maybe", "yes"], "codes": [1, 2, 3]},
                        "gender": {"labels": ["female", "male", "diverse"], "codes": [1, 2, 3]}},
    "items": [
        {"id": "case", "column": "case", "text": "Case", "type": "meta"},
        {"id": "q1", "column": "q1", "text": "Q1", "type": "likert", "scale": "agree3", "construct": "s"},
        {"id": "q2", "column": "q2", "text": "Q2", "type": "likert", "scale": "agree3", "construct": "s"},
        {"id": "q3", "column": "q3", "text": "Q3", "type": "likert", "scale": "agree3", "reverse": True, "construct": "s"},
        {"id": "gender", "column": "sex", "text": "Gender", "type": "single", "scale": "gender", "answers": "labels"},
        {"id": "age", "column": "age", "text": "Age", "type": "numeric", "min": 0, "max": 120},
    ],
    "constructs": {"s": {"label": "Scale", "items": ["q1", "q2", "q3"], "min_items": 3}},
}
ROWS = [  # ';'-separated, -9 = no answer, gender in words, one extra column the codebook ignores
    "case;q1;q2;q3;sex;age;note",
    "1;3;3;1;female;25;a",
    "2;2;-9;2;male;-9;b",
    "3;1;1;3;[no answer];61;c",
    "4;3;2;1; Male ;40;d",
    "5;-9.0;2;2;diverse;33;e",
]


@pytest.fixture()
def mini(tmp_path):
    cb_path = tmp_path / "codebook.yaml"
    cb_path.write_text(yaml.safe_dump(MINI_CODEBOOK, sort_keys=False), encoding="utf-8")
    data = tmp_path / "export.csv"
    data.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return load_codebook(cb_path), data, cb_path


def test_sep_missing_values_and_label_items_are_read(mini):
    cb, data, _ = mini
    df = read_export(data, "numeric", cb, sep=";", missing_values=[-9, "[no answer]"])
    assert df["respondent_id"].tolist() == ["1", "2", "3", "4", "5"]
    assert np.isnan(df.loc[1, "q2"]) and np.isnan(df.loc[1, "age"]) and np.isnan(df.loc[4, "q1"])  # -9, -9.0
    assert df["gender"].tolist()[:2] == [1.0, 2.0] and np.isnan(df.loc[2, "gender"]) and df.loc[3, "gender"] == 2.0
    assert df.loc[4, "gender"] == 3.0 and df.loc[0, "age"] == 25.0


def test_without_missing_values_a_minus_nine_is_an_error(mini):
    cb, data, _ = mini
    with pytest.raises(InputError, match=r"row 6 \(respondent 5\), column 'q1': code out of range '-9.0'"):
        read_export(data, "numeric", cb, sep=";")


def test_wrong_separator_names_the_missing_column(mini):
    cb, data, _ = mini
    with pytest.raises(InputError, match=r"column 'case'.*missing from the header.*the header row looks ';'-separated: "
                                         r"set sep: ';' under waves\.w2 in config/config.yaml \(or remove sep"):
        read_export(data, "numeric", cb, sep=",", wave="w2")     # an explicit sep wins over detection


def test_a_bad_separator_is_an_input_error(mini):
    cb, data, _ = mini
    with pytest.raises(InputError, match=r"waves\.w2\.sep ';;' is not a field separator"):
        read_export(data, "numeric", cb, sep=";;", wave="w2")


def test_labels_item_with_an_unknown_word_names_row_and_fix(mini, tmp_path):
    cb, data, _ = mini
    data.write_text(data.read_text().replace("diverse", "other"), encoding="utf-8")
    with pytest.raises(InputError, match=r"row 6 \(respondent 5\), column 'sex': unknown label 'other'; use one of"):
        read_export(data, "numeric", cb, sep=";", missing_values=[-9, "[no answer]"])


def test_answers_key_only_on_choice_items(tmp_path):
    bad = copy.deepcopy(MINI_CODEBOOK)
    bad["items"][5]["answers"] = "labels"
    p = tmp_path / "cb.yaml"
    p.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(InputError, match=r"items\[5\] \(id 'age'\): 'answers' is only for likert, single and multi"):
        load_codebook(p)


def test_codebook_without_cleaning_sections_gets_empty_defaults(mini):
    cb, _, _ = mini
    assert cb.screening == [] and cb.data["attention_checks"] == [] and cb.meta == {} and cb.grids == {}


def test_inapplicable_exclusion_rules_are_skipped_with_a_reason(mini):
    cb, data, _ = mini
    scored, flow, excluded = stage.clean(data, "numeric", cb, CONFIG["survey"], sep=";",
                                         missing_values=[-9, "[no answer]"])
    steps = flow.set_index("step")
    assert flow["step"].tolist() == ["raw", *CONFIG["survey"]["exclusions"]["order"], "analysed"]
    for rule in CONFIG["survey"]["exclusions"]["order"]:
        assert steps.loc[rule, "n_removed"] == 0
        assert steps.loc[rule, "reason"].startswith("skipped: not applicable (the codebook"), rule
    assert steps.loc["raw", "n_remaining"] == steps.loc["analysed", "n_remaining"] == len(scored) == 5
    assert len(excluded) == 0
    # scale score only for complete cases (min_items 3); q3 reversed on its 1-3 scale
    assert scored.loc[0, "s"] == pytest.approx((3 + 3 + 3) / 3) and np.isnan(scored.loc[1, "s"])


def test_partial_metadata_applies_what_exists(mini):
    cb, data, _ = mini
    df = read_export(data, "numeric", cb, sep=";", missing_values=[-9, "[no answer]"])
    cb.data["meta"] = {"duplicate_key": "sex"}          # same gender = "same person", no start column
    settings = copy.deepcopy(CONFIG["survey"]["exclusions"])
    kept, flow, excluded = ex.apply_exclusions(df, cb, settings)
    steps = flow.set_index("step")
    assert steps.loc["duplicates", "n_removed"] == 1    # rows 2 and 4 are both male: the first in the file stays
    assert "in file order" in steps.loc["duplicates", "reason"]
    assert excluded["respondent_id"].tolist() == ["4"]
    assert steps.loc["unfinished", "reason"].startswith("skipped")


def test_unfinished_with_progress_only_says_finished_was_not_checked(mini):
    cb, data, _ = mini
    df = read_export(data, "numeric", cb, sep=";", missing_values=[-9, "[no answer]"])
    cb.data["meta"] = {"progress": "age"}                # any numeric column stands in for Progress
    settings = copy.deepcopy(CONFIG["survey"]["exclusions"])
    settings["unfinished"]["min_progress"] = 30
    flow = ex.apply_exclusions(df, cb, settings)[1].set_index("step")
    assert flow.loc["unfinished", "n_removed"] == 2      # age 25 and the missing age (blank counts as 0)
    assert "Finished not checked" in flow.loc["unfinished", "reason"]


# ---- per-wave settings -----------------------------------------------------------------------------

def _config_with(wave_block: dict) -> dict:
    cfg = read_yaml(ROOT / "config" / "config.yaml")
    cfg["waves"]["other"] = {"survey": "x.csv", **wave_block}
    return validate(cfg, "config.schema.yaml", "config/config.yaml")


def test_wave_settings_merge_over_the_top_level_section():
    cfg = _config_with({"format": "numeric", "sep": ";", "missing_values": [-9],
                        "settings": {"descriptives": {"extra_items": ["use_private"]},
                                     "exclusions": {"speeders": {"min_share_of_median": 0.3}}}})
    s = wave_settings(cfg, "other")
    assert s["descriptives"]["extra_items"] == ["use_private"]
    assert s["exclusions"]["speeders"] == {"enabled": True, "min_share_of_median": 0.3}
    assert s["exclusions"]["order"] == CONFIG["survey"]["exclusions"]["order"]
    assert s["tables"] == CONFIG["survey"]["tables"]
    # other waves keep their own: wave1 = the top-level section with only its own extra_items merged in
    assert wave_settings(cfg, "wave1") == {**CONFIG["survey"],
                                           "descriptives": {"extra_items": ["ai_work_freq", "ai_learning_freq"]}}
    assert reader_options(cfg, "other") == {"format": "numeric", "sep": ";", "missing_values": [-9],
                                            "encoding": "utf-8-sig"}
    assert reader_options(cfg, "wave1") == {"format": "qualtrics", "sep": None, "missing_values": [],
                                            "encoding": "utf-8-sig"}   # sep None: detected from the file


def test_a_typo_in_wave_settings_names_the_wave():
    cfg = _config_with({"settings": {"descriptives": {"extra_itemz": []}}})
    with pytest.raises(InputError, match=r"waves\.other\.settings.*'extra_itemz' is not allowed"):
        wave_settings(cfg, "other")


def test_bad_reader_options_fail_schema_validation():
    with pytest.raises(InputError, match=r"waves\.other\.sep"):
        _config_with({"sep": ";;"})
    with pytest.raises(InputError, match=r"waves\.other\.missing_values"):
        _config_with({"missing_values": "-9"})


def test_deep_merge_replaces_lists_and_keeps_the_base():
    base = {"a": {"b": [1, 2], "c": 1}, "d": 2}
    out = deep_merge(base, {"a": {"b": [3]}})
    assert out == {"a": {"b": [3], "c": 1}, "d": 2} and base == {"a": {"b": [1, 2], "c": 1}, "d": 2}
