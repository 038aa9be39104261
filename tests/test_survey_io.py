"""Import of Qualtrics and numeric exports, driven by the codebook, and the bad-input messages."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from upskilling.errors import InputError
from upskilling.survey import synth
from upskilling.survey.codebook import load_codebook
from upskilling.survey.io import read_export

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")


def make_export(tmp_path: Path, fmt: str = "qualtrics", n: int = 12, seed: int = 3) -> Path:
    return synth.write_export(synth.synth_codes(CB, n, seed), CB, tmp_path / f"export_{fmt}.csv", fmt)


def edit(path: Path, fn) -> Path:
    """Apply ``fn(rows)`` to the CSV rows (lists of cells, header rows included) and write them back."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    fn(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def set_cell(path: Path, row: int, column: str, value: str) -> Path:
    """Set the cell at spreadsheet ``row`` (1-based, header rows included) and export ``column``."""
    def fn(rows):
        rows[row - 1][rows[0].index(column)] = value
    return edit(path, fn)


def col(item_id: str) -> str:
    return CB.item(item_id)["column"]


def raises(path, fmt, *needles):
    with pytest.raises(InputError) as exc:
        read_export(path, fmt, CB)
    msg = str(exc.value)
    assert "\n" not in msg
    for needle in needles:
        assert needle in msg, f"{needle!r} not in message: {msg}"
    return msg


# ---- what is read ----------------------------------------------------------------------------------

def test_labels_match_after_trimming_and_case_folding(tmp_path):
    p = set_cell(make_export(tmp_path), 4, col("surv_1"), "  strongly AGREE ")
    df = read_export(p, "qualtrics", CB)
    assert df.loc[0, "surv_1"] == 5
    assert df.loc[0, "source_row"] == 4


def test_qualtrics_and_numeric_exports_read_to_the_same_table(tmp_path):
    codes = synth.synth_codes(CB, 40, 5)
    q = read_export(synth.write_export(codes, CB, tmp_path / "q.csv", "qualtrics"), "qualtrics", CB)
    n = read_export(synth.write_export(codes, CB, tmp_path / "n.csv", "numeric"), "numeric", CB)
    assert list(q["source_row"]) == list(range(4, 44)) and list(n["source_row"]) == list(range(2, 42))
    pd.testing.assert_frame_equal(q.drop(columns="source_row"), n.drop(columns="source_row"))
    assert q["surv_1"].between(1, 5).all()


def test_multi_select_becomes_one_zero_columns(tmp_path):
    p = set_cell(make_export(tmp_path), 4, col("platforms"), "Upwork, fiverr ,Direct clients")
    p = set_cell(p, 5, col("platforms"), "")
    df = read_export(p, "qualtrics", CB)
    row = df.loc[0, [f"platforms_{c}" for c in range(1, 11)]].tolist()
    assert row == [1, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    assert df.loc[1, [f"platforms_{c}" for c in range(1, 11)]].isna().all()


def test_empty_cells_are_missing_and_meta_is_typed(tmp_path):
    p = set_cell(make_export(tmp_path), 6, col("grow_2"), "")
    df = read_export(p, "qualtrics", CB)
    assert np.isnan(df.loc[2, "grow_2"])
    assert df["finished"].dtype == bool and df["duration"].dtype.kind == "f"
    assert str(df["start_date"].dtype).startswith("datetime64")


# ---- bad input: each message names file, row, column, value and the fix -----------------------------

def test_unknown_label(tmp_path):
    p = set_cell(make_export(tmp_path), 7, col("surv_2"), "Agree strongly")
    raises(p, "qualtrics", "export_qualtrics.csv", "row 7", f"column '{col('surv_2')}'", "unknown label 'Agree strongly'",
           "use one of", "Strongly agree")


def test_out_of_range_code_in_numeric_export(tmp_path):
    p = set_cell(make_export(tmp_path, "numeric"), 3, col("bar_inc_1"), "7")
    raises(p, "numeric", "export_numeric.csv", "row 3", f"column '{col('bar_inc_1')}'", "code out of range '7'",
           "use one of [1, 2, 3, 4, 5]")


def test_text_where_a_code_is_expected(tmp_path):
    p = set_cell(make_export(tmp_path, "numeric"), 5, col("inv_1"), "Somewhat agree")
    raises(p, "numeric", "row 5", f"column '{col('inv_1')}'", "not a code 'Somewhat agree'", "use one of")


def test_missing_column(tmp_path):
    def drop(rows):
        j = rows[0].index(col("comp_2"))
        for r in rows:
            del r[j]
    p = edit(make_export(tmp_path), drop)
    raises(p, "qualtrics", "export_qualtrics.csv", f"column '{col('comp_2')}'", "item 'comp_2'", "missing from the header",
           "re-export")


def test_duplicated_column(tmp_path):
    def dup(rows):
        j = rows[0].index(col("grow_1"))
        for r in rows:
            r.append(r[j])
    p = edit(make_export(tmp_path), dup)
    raises(p, "qualtrics", "row 1", f"column '{col('grow_1')}' appears twice", "remove or rename")


def test_numeric_answer_out_of_range(tmp_path):
    p = set_cell(make_export(tmp_path), 9, col("years_freelancing"), "99")
    raises(p, "qualtrics", "row 9", f"column '{col('years_freelancing')}'", "value out of range '99'", "0 to 50")


def test_numeric_answer_not_a_number(tmp_path):
    p = set_cell(make_export(tmp_path), 9, col("platform_share"), "about half")
    raises(p, "qualtrics", "row 9", f"column '{col('platform_share')}'", "not a number 'about half'", "enter a number")


def test_unknown_multi_select_choice(tmp_path):
    p = set_cell(make_export(tmp_path), 8, col("ai_tools"), "ChatGPT,Bard")
    raises(p, "qualtrics", "row 8", f"column '{col('ai_tools')}'", "unknown choice 'Bard'", "separated by commas")


def test_repeated_respondent_id(tmp_path):
    p = make_export(tmp_path)
    with p.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rid = rows[3][rows[0].index(CB.id_column)]
    p = set_cell(p, 10, CB.id_column, rid)
    raises(p, "qualtrics", "row 10", f"column '{CB.id_column}'", f"repeated respondent id '{rid}'", "row 4 has the same id")


def test_missing_respondent_id(tmp_path):
    p = set_cell(make_export(tmp_path), 6, CB.id_column, " ")
    raises(p, "qualtrics", "row 6", f"column '{CB.id_column}'", "missing respondent id", "needs an id")


def test_finished_not_boolean(tmp_path):
    p = set_cell(make_export(tmp_path), 5, CB.meta["finished"], "maybe")
    raises(p, "qualtrics", "row 5", f"column '{CB.meta['finished']}'", "not True/False 'maybe'", "write True or False")


def test_duration_not_a_number(tmp_path):
    p = set_cell(make_export(tmp_path), 5, CB.meta["duration"], "12 min")
    raises(p, "qualtrics", "row 5", f"column '{CB.meta['duration']}'", "'12 min'", "enter a number")


def test_start_date_unreadable(tmp_path):
    p = set_cell(make_export(tmp_path), 11, CB.meta["start"], "yesterday-ish")
    raises(p, "qualtrics", "row 11", f"column '{CB.meta['start']}'", "not a date-time 'yesterday-ish'", "YYYY-MM-DD")


def test_numeric_file_read_as_qualtrics(tmp_path):
    raises(make_export(tmp_path, "numeric"), "qualtrics", "row 3", "ImportId", "set format: numeric")


def test_qualtrics_file_read_as_numeric(tmp_path):
    raises(make_export(tmp_path, "qualtrics"), "numeric", "row 3", "format: qualtrics")


def test_file_not_found(tmp_path):
    raises(tmp_path / "nope.csv", "qualtrics", "nope.csv", "file not found", "'survey' path")


def test_header_rows_only(tmp_path):
    p = edit(make_export(tmp_path), lambda rows: rows.__delitem__(slice(3, None)))
    raises(p, "qualtrics", "export_qualtrics.csv", "no responses")


def test_ragged_row(tmp_path):
    p = make_export(tmp_path)
    with p.open("a", encoding="utf-8") as fh:
        fh.write("a,b\n" + ",".join(["x"] * 80) + "\n")
    raises(p, "qualtrics", "export_qualtrics.csv", "not a readable CSV", "number of fields")


# ---- rows cut short and NUL bytes (issue 11) ----------------------------------------------------------

def test_a_row_cut_short_is_refused_not_read_as_empty_answers(tmp_path):
    p = make_export(tmp_path)
    edit(p, lambda rows: rows.__setitem__(-1, rows[-1][:10]))
    msg = raises(p, "qualtrics", f"row {3 + 12} has 10 field(s) but the header row has", "(the last row: the file "
                 "looks cut short by an interrupted export or download); export the survey responses again")
    assert msg.startswith(str(p))


def test_a_nul_byte_in_a_cell_is_refused_naming_row_and_column(tmp_path):
    p = set_cell(make_export(tmp_path), 6, CB.id_column, "R_6\x00")
    raises(p, "qualtrics", f"row 6, column '{CB.id_column}': the cell holds a NUL byte", "the file is damaged")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(make_export(tmp_path, n=3).read_text(encoding="utf-8").encode("utf-16-le"))
    raises(utf16, "qualtrics", "UTF-16 text without a byte-order mark: set encoding: utf-16-le")
