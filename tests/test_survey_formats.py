"""Survey export formats (qualtrics, qualtrics_numeric, labels, numeric), the detected field separator,
the text encoding, per-item missing-value codes, and the message of every wrong-format case (each names
the fix). Exports are written in tmp_path from one tiny codebook and one set of respondents."""
from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from upskilling.config import read_yaml, validate
from upskilling.errors import InputError
from upskilling.survey import stage
from upskilling.survey.codebook import load_codebook
from upskilling.survey.io import FORMATS, read_export
from upskilling.survey.settings import reader_options

ROOT = Path(__file__).resolve().parents[1]

CODEBOOK = {
    "id_column": "rid",
    "response_scales": {"agree3": {"labels": ["Disagree", "Neutral", "Agree"], "codes": [1, 2, 3]},
                        "tools": {"labels": ["Pen", "Paper", "Laptop"], "codes": [1, 2, 3]},
                        "gender": {"labels": ["female", "male", "diverse"], "codes": [1, 2, 3]}},
    "items": [
        {"id": "rid", "column": "rid", "text": "Respondent", "type": "meta"},
        {"id": "q1", "column": "Q1", "text": "How much, honestly?", "type": "likert", "scale": "agree3",
         "construct": "s"},
        {"id": "q2", "column": "Q2", "text": "Q2", "type": "likert", "scale": "agree3", "construct": "s",
         "answers": "codes"},                                     # codes in every format
        {"id": "tools", "column": "Q3", "text": "Tools", "type": "multi", "scale": "tools"},
        {"id": "sex", "column": "Q4", "text": "Gender", "type": "single", "scale": "gender",
         "answers": "labels"},                                    # words in every format
        {"id": "age", "column": "Q5", "text": "Age", "type": "numeric", "min": 16, "max": 99},
        {"id": "comment", "column": "Q6", "text": "Anything else?", "type": "text"},
    ],
    "constructs": {"s": {"label": "Scale", "items": ["q1", "q2"]}},
}
SCALE = {"q1": "agree3", "q2": "agree3", "tools": "tools", "sex": "gender"}
# respondents as codes (None = no answer); comments with a comma, a semicolon and a non-ASCII letter
PEOPLE = [
    {"rid": "r1", "q1": 3, "q2": 1, "tools": [1, 3], "sex": 1, "age": 25, "comment": "fine, thanks"},
    {"rid": "r2", "q1": 2, "q2": None, "tools": [], "sex": 2, "age": 40, "comment": ""},
    {"rid": "r3", "q1": None, "q2": 3, "tools": [2], "sex": 3, "age": None, "comment": "ok; really"},
    {"rid": "r4", "q1": 1, "q2": 2, "tools": [1, 2, 3], "sex": None, "age": 61, "comment": "Müller"},
]


@pytest.fixture()
def cb(tmp_path):
    return write_codebook(tmp_path, CODEBOOK)


def write_codebook(tmp_path: Path, data: dict):
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_codebook(p)


def cell(person: dict, it: dict, answers: str) -> str:
    value = person[it["id"]]
    answers = it.get("answers", answers)
    if it["id"] in SCALE:
        labels = CODEBOOK["response_scales"][SCALE[it["id"]]]["labels"]
        values = value if isinstance(value, list) else [] if value is None else [value]
        return ",".join(labels[v - 1] if answers == "labels" else str(v) for v in values)
    return "" if value is None else str(value)


def rows_of(fmt: str, people=PEOPLE) -> list[list[str]]:
    n_head, answers = FORMATS[fmt]
    items = CODEBOOK["items"]
    rows = [[it["column"] for it in items]]
    if n_head == 3:
        rows += [[it["text"] for it in items], [json.dumps({"ImportId": it["column"]}) for it in items]]
    return rows + [[cell(p, it, answers) for it in items] for p in people]


def write(tmp_path: Path, rows, name: str = "export.csv", sep: str = ",", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    with p.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=sep, lineterminator="\n").writerows(rows)
    return p


def export(tmp_path: Path, fmt: str, **kw) -> Path:
    return write(tmp_path, rows_of(fmt), name=f"{fmt}.csv", **kw)


def fails(path, fmt, cb, *needles, **kw) -> str:
    with pytest.raises(InputError) as exc:
        read_export(path, fmt, cb, wave="w", **kw)
    msg = str(exc.value)
    assert "\n" not in msg
    for needle in needles:
        assert needle in msg, f"{needle!r} not in message: {msg}"
    return msg


def assert_expected(df: pd.DataFrame) -> None:
    """The respondents of PEOPLE, as codes."""
    nan = np.nan
    assert df["respondent_id"].tolist() == ["r1", "r2", "r3", "r4"]
    np.testing.assert_array_equal(df["q1"], [3, 2, nan, 1])
    np.testing.assert_array_equal(df["q2"], [1, nan, 3, 2])
    np.testing.assert_array_equal(df["sex"], [1, 2, 3, nan])
    np.testing.assert_array_equal(df["age"], [25, 40, nan, 61])
    np.testing.assert_array_equal(df[["tools_1", "tools_2", "tools_3"]].to_numpy(),
                                  [[1, 0, 1], [nan, nan, nan], [0, 1, 0], [1, 1, 1]])
    assert df["comment"].tolist() == ["fine, thanks", "", "ok; really", "Müller"]


# ---- the four formats -------------------------------------------------------------------------------

def test_the_four_formats_read_to_the_same_codes(tmp_path, cb):
    frames = {fmt: read_export(export(tmp_path, fmt), fmt, cb) for fmt in FORMATS}
    assert set(frames) == {"qualtrics", "qualtrics_numeric", "labels", "numeric"}
    for fmt, df in frames.items():
        assert_expected(df)
        assert df["source_row"].tolist() == ([4, 5, 6, 7] if FORMATS[fmt][0] == 3 else [2, 3, 4, 5]), fmt
    base = frames["qualtrics"].drop(columns="source_row")
    for fmt in ("qualtrics_numeric", "labels", "numeric"):
        pd.testing.assert_frame_equal(frames[fmt].drop(columns="source_row"), base)


def test_the_files_really_differ_by_format(tmp_path):
    # the same respondent r1 as written in each format: labels vs codes, one vs three header rows
    first = {fmt: rows_of(fmt)[FORMATS[fmt][0]] for fmt in FORMATS}
    assert first["qualtrics"][1:5] == first["labels"][1:5] == ["Agree", "1", "Pen,Laptop", "female"]
    assert first["qualtrics_numeric"][1:5] == first["numeric"][1:5] == ["3", "1", "1,3", "female"]
    assert rows_of("qualtrics_numeric")[2][0] == '{"ImportId": "rid"}'


def test_unknown_format_lists_the_four(tmp_path, cb):
    msg = fails(export(tmp_path, "labels"), "spss", cb, "waves.w.format 'spss' is unknown",
                "['qualtrics', 'qualtrics_numeric', 'labels', 'numeric']")
    assert msg.startswith("config/config.yaml: ")  # a config value: names the config file, not the export


# ---- wrong format: the message names the format to set ----------------------------------------------

@pytest.mark.parametrize("written, read_as, fix", [
    ("qualtrics", "numeric", "row 4 holds choice text, so qualtrics"),
    ("qualtrics", "labels", "row 4 holds choice text, so qualtrics"),
    ("qualtrics_numeric", "numeric", "row 4 holds codes, so qualtrics_numeric"),
    ("qualtrics_numeric", "labels", "row 4 holds codes, so qualtrics_numeric"),
])
def test_three_header_file_read_with_a_one_header_format(tmp_path, cb, written, read_as, fix):
    path = export(tmp_path, written)
    msg = fails(path, read_as, cb, "row 3 is a Qualtrics ImportId header row",
                f"the wave's format is {read_as} (one header row)",
                "set format: qualtrics or qualtrics_numeric under waves.w in config/config.yaml", fix)
    assert msg.startswith(f"{path}: row 3 ")  # names the file and the row first


@pytest.mark.parametrize("written, read_as, fix", [
    ("labels", "qualtrics", "set format: labels under waves.w"),
    ("labels", "qualtrics_numeric", "set format: labels under waves.w"),
    ("numeric", "qualtrics", "set format: numeric under waves.w"),
    ("numeric", "qualtrics_numeric", "set format: numeric under waves.w"),
])
def test_one_header_file_read_with_a_three_header_format(tmp_path, cb, written, read_as, fix):
    fails(export(tmp_path, written), read_as, cb, "row 3, column 'rid': expected the Qualtrics ImportId header row",
          "got 'r2'", fix, "(one header row) or export from Qualtrics with three header rows")


@pytest.mark.parametrize("written, read_as, got, fix", [
    ("qualtrics_numeric", "qualtrics", "codes ('3'), not choice text", "set format: qualtrics_numeric"),
    ("qualtrics", "qualtrics_numeric", "choice text ('Agree'), not codes", "set format: qualtrics"),
    ("numeric", "labels", "codes ('3'), not choice text", "set format: numeric"),
    ("labels", "numeric", "choice text ('Agree'), not codes", "set format: labels"),
])
def test_codes_where_labels_are_expected_and_the_reverse(tmp_path, cb, written, read_as, got, fix):
    row = FORMATS[written][0] + 1
    msg = fails(export(tmp_path, written), read_as, cb, f"row {row}, column 'Q1': the answers are {got}",
                f"as format {read_as} expects", f"{fix} under waves.w in config/config.yaml")
    assert msg.endswith(f"{fix} under waves.w in config/config.yaml")


def test_one_label_in_a_numeric_file_names_format_labels_and_the_answers_key(tmp_path, cb):
    rows = rows_of("numeric")
    rows[2][1] = "Neutral"                                  # r2's Q1 as a word, the rest codes
    msg = fails(write(tmp_path, rows), "numeric", cb, "row 3 (respondent r2), column 'Q1': not a code 'Neutral'",
                "use one of [1, 2, 3] (scale 'agree3')", "it is a label of scale 'agree3'",
                "set format: labels under waves.w in config/config.yaml", "or answers: labels for item 'q1'")
    assert "missing-value" not in msg


def test_one_code_in_a_labels_file_names_format_numeric_and_the_answers_key(tmp_path, cb):
    rows = rows_of("labels")
    rows[3][1] = "2"                                        # r3's Q1 as a code (it was empty)
    msg = fails(write(tmp_path, rows), "labels", cb, "row 4 (respondent r3), column 'Q1': unknown label '2'",
                "it is a code of scale 'agree3'", "set format: numeric under waves.w", "or answers: codes for item 'q1'")
    assert "use one of ['Disagree', 'Neutral', 'Agree']" in msg  # the labels it accepts, in scale order
    rows = rows_of("qualtrics")
    rows[5][3] = "Paper,3"                                  # a multi-select with a code among the labels
    msg = fails(write(tmp_path, rows), "qualtrics", cb, "row 6 (respondent r3), column 'Q3': unknown choice '3'",
                "it is a code of scale 'tools'", "set format: qualtrics_numeric under waves.w",
                "or answers: codes for item 'tools'")
    assert "'Paper'" not in msg.split("unknown choice")[1].split(";")[0]  # the valid choice is not blamed


def test_the_answers_key_wins_over_the_format(tmp_path, cb):
    rows = rows_of("numeric")
    rows[1][2] = "Disagree"                                 # Q2 has answers: codes
    msg = fails(write(tmp_path, rows), "numeric", cb, "column 'Q2': not a code 'Disagree'",
                "or answers: labels for item 'q2'")
    assert "row 2 (respondent r1)" in msg  # read as codes although the file is a numeric one
    rows = rows_of("labels")
    rows[1][4] = "1"                                        # Q4 has answers: labels
    msg = fails(write(tmp_path, rows), "labels", cb, "column 'Q4': unknown label '1'",
                "or answers: codes for item 'sex'")
    assert "use one of ['female', 'male', 'diverse']" in msg


# ---- field separator --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_separator_is_detected_when_not_set(tmp_path, cb, caplog, fmt, sep):
    p = export(tmp_path, fmt, sep=sep)
    assert p.read_text(encoding="utf-8").splitlines()[0] == sep.join(it["column"] for it in CODEBOOK["items"])
    with caplog.at_level(logging.INFO, logger="upskilling.survey"):
        df = read_export(p, fmt, cb)
    assert_expected(df)
    assert f"sep {sep!r} detected" in caplog.text
    pd.testing.assert_frame_equal(df, read_export(p, fmt, cb, sep=sep))      # same as declared


def test_a_semicolon_file_without_sep_no_longer_fails(tmp_path, cb):
    # the case: ',' assumed on a ';' file whose line 2 holds commas ("Expected 1 fields in line 2")
    p = export(tmp_path, "labels", sep=";")
    assert "Pen,Laptop" in p.read_text(encoding="utf-8").splitlines()[1]
    assert_expected(read_export(p, "labels", cb))
    fails(p, "labels", cb, "Expected 1 fields in line 2, saw 3",                    # an explicit sep wins ...
          "the file looks ';'-separated: set sep: ';' under waves.w in config/config.yaml (or remove sep", sep=",")


def test_an_explicit_tab_sep_hint_is_yaml(tmp_path, cb):
    msg = fails(export(tmp_path, "numeric", sep="\t"), "numeric", cb, "not a readable CSV",
                "the file looks '\\t'-separated: set sep: \"\\t\" under waves.w", sep=";")
    assert "\t" not in msg  # the tab is spelt as YAML writes it, never a raw tab character


def test_an_ambiguous_separator_names_the_sep_key(tmp_path, cb):
    p = tmp_path / "odd.csv"
    p.write_text("rid;Q1,Q2\nr1;1,2\nr2;3,1\n", encoding="utf-8")     # ',' and ';' both split every line in 2
    fails(p, "numeric", cb, "odd.csv: cannot tell the field separator: ',' and ';' each split 3 of the first 3 lines",
          "set sep: (e.g. sep: ',') under waves.w in config/config.yaml")
    with pytest.raises(InputError, match="missing from the header"):   # declared: read (and checked) as ';'
        read_export(p, "numeric", cb, sep=";")


def test_a_ragged_file_is_not_taken_for_another_separator(tmp_path, cb):
    rows = rows_of("labels") + [["r9", "Agree"]] + [["x"] * 12]
    msg = fails(write(tmp_path, rows), "labels", cb, "not a readable CSV", "number of fields", "sep ',' detected",
                "sep: under waves.w")
    assert "looks ';'-separated" not in msg and "looks '\\t'-separated" not in msg  # no other separator offered


# ---- encoding ---------------------------------------------------------------------------------------

def test_a_latin1_file_needs_its_encoding_declared(tmp_path, cb):
    p = export(tmp_path, "labels", encoding="latin-1")
    assert "Müller".encode("latin-1") in p.read_bytes()
    msg = fails(p, "labels", cb, "labels.csv: line 5: byte 0xfc is not UTF-8", "likely latin-1",
                "set encoding: latin-1 under waves.w in config/config.yaml", "or export the survey as UTF-8 CSV")
    assert "\n" not in msg
    df = read_export(p, "labels", cb, encoding="latin-1")
    assert_expected(df)


def test_a_cp1252_file_is_told_cp1252(tmp_path, cb):
    people = [dict(PEOPLE[0], comment="it’s fine"), *PEOPLE[1:3]]       # a curly apostrophe: 0x92 in cp1252
    p = write(tmp_path, rows_of("numeric", people), encoding="cp1252")
    fails(p, "numeric", cb, "line 2: byte 0x92 is not UTF-8", "set encoding: cp1252 under waves.w")
    assert read_export(p, "numeric", cb, encoding="cp1252").loc[0, "comment"] == "it’s fine"


def test_utf8_with_and_without_bom_and_utf16_read_alike(tmp_path, cb):
    plain = read_export(export(tmp_path, "qualtrics"), "qualtrics", cb)
    bom = export(tmp_path, "qualtrics", encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    for encoding in ("utf-8-sig", "utf-8", "UTF8"):
        pd.testing.assert_frame_equal(read_export(bom, "qualtrics", cb, encoding=encoding), plain)
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
    utf16 = write(tmp_path, rows_of("qualtrics"), name="unicode.txt", sep="\t", encoding="utf-16")
    assert utf16.read_bytes()[:2] == b"\xff\xfe"
    pd.testing.assert_frame_equal(read_export(utf16, "qualtrics", cb), plain)


def test_an_unknown_encoding_name_is_an_input_error(tmp_path, cb):
    msg = fails(export(tmp_path, "labels"), "labels", cb, "waves.w.encoding 'latin-9x' is not a known text encoding",
                "use e.g. utf-8, cp1252 or latin-1", encoding="latin-9x")
    assert msg.startswith("config/config.yaml: ")  # a config value: checked before the file is opened


def test_stage_clean_threads_encoding_and_wave(tmp_path, cb):
    p = export(tmp_path, "numeric", sep=";", encoding="latin-1")
    config = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
    settings = config["survey"]
    with pytest.raises(InputError, match=r"set encoding: latin-1 under waves\.follow_up in config/config\.yaml"):
        stage.clean(p, "numeric", cb, settings, wave="follow_up")
    with pytest.raises(InputError, match=r"waves\.follow_up\.format 'csv' is unknown"):
        stage.clean(p, "csv", cb, settings, encoding="latin-1", wave="follow_up")


# ---- missing-value codes: per wave and per item -----------------------------------------------------

def with_refusals(fmt: str) -> list[list[str]]:
    rows = rows_of(fmt)
    first = FORMATS[fmt][0]
    rows[first + 1][4] = "Prefer not to say"      # r2's gender
    rows[first + 1][5] = "99"                     # r2's age
    rows[first + 2][1] = "-9"                     # r3's Q1 (was empty)
    return rows


def test_per_item_missing_values_add_to_the_wave_ones(tmp_path):
    book = json.loads(json.dumps(CODEBOOK))
    book["items"][4]["missing_values"] = ["prefer not to say"]        # sex: matched case-folded
    book["items"][5]["missing_values"] = [99]                         # age
    cb = write_codebook(tmp_path, book)
    for fmt in FORMATS:
        df = read_export(write(tmp_path, with_refusals(fmt), name=f"{fmt}.csv"), fmt, cb, missing_values=[-9])
        np.testing.assert_array_equal(df["sex"], [1, np.nan, 3, np.nan])
        np.testing.assert_array_equal(df["age"], [25, np.nan, np.nan, 61])
        np.testing.assert_array_equal(df["q1"], [3, 2, np.nan, 1])
    p = write(tmp_path, with_refusals("numeric"))
    fails(p, "numeric", cb, "row 4 (respondent r3), column 'Q1': code out of range '-9'")    # the wave's -9 not given
    rows = with_refusals("numeric")
    rows[1][1] = "99"                                                  # 99 is missing for age only, not for Q1
    fails(write(tmp_path, rows), "numeric", cb, "row 2 (respondent r1), column 'Q1': code out of range '99'",
          missing_values=[-9])


def test_a_refusal_text_is_told_to_be_declared_missing(tmp_path, cb):
    rows = rows_of("numeric")
    rows[2][1] = "Prefer not to say"
    msg = fails(write(tmp_path, rows), "numeric", cb,
                "row 3 (respondent r2), column 'Q1': not a code 'Prefer not to say'",
                "declare it a missing-value code: waves.w.missing_values in config/config.yaml",
                f"or missing_values of item 'q1' in {cb.path}")
    assert "edit" not in msg and "label of scale" not in msg
    rows = with_refusals("labels")
    fails(write(tmp_path, rows), "labels", cb, "row 3 (respondent r2), column 'Q4': unknown label 'Prefer not to say'",
          "waves.w.missing_values in config/config.yaml", "missing_values of item 'sex'", missing_values=[-9])
    rows[2][4], rows[2][5] = "male", "120"
    fails(write(tmp_path, rows), "labels", cb, "row 3 (respondent r2), column 'Q5': value out of range '120'",
          "16 to 99", "missing_values of item 'age'", missing_values=[-9])


def test_missing_values_on_the_id_column_are_refused(tmp_path):
    book = json.loads(json.dumps(CODEBOOK))
    book["items"][0]["missing_values"] = ["-"]
    cb = write_codebook(tmp_path, book)
    msg = fails(export(tmp_path, "labels"), "labels", cb,
                "item 'rid': missing_values on the respondent id column 'rid'", "remove them")
    assert msg.startswith(str(cb.path))  # the codebook is to fix, not the export


# ---- schemas and reader options ---------------------------------------------------------------------

def _config_with(block: dict) -> dict:
    cfg = read_yaml(ROOT / "config" / "config.yaml")
    cfg["waves"]["other"] = {"survey": "x.csv", **block}
    return validate(cfg, "config.schema.yaml", "config/config.yaml")


def test_config_schema_knows_the_formats_and_encoding():
    for fmt in FORMATS:
        assert _config_with({"format": fmt})["waves"]["other"]["format"] == fmt
    cfg = _config_with({"format": "labels", "encoding": "cp1252"})
    assert reader_options(cfg, "other") == {"format": "labels", "sep": None, "missing_values": [],
                                            "encoding": "cp1252"}
    assert _config_with({})["waves"]["other"]["encoding"] == "utf-8-sig" and "sep" not in cfg["waves"]["other"]
    with pytest.raises(InputError, match=r"waves\.other\.format.*'spss'"):
        _config_with({"format": "spss"})
    with pytest.raises(InputError, match=r"waves\.other\.encoding"):
        _config_with({"encoding": ""})


def test_codebook_schema_checks_item_missing_values(tmp_path):
    book = json.loads(json.dumps(CODEBOOK))
    book["items"][5]["missing_values"] = 99
    with pytest.raises(InputError, match=r"missing_values"):
        write_codebook(tmp_path, book)
