"""A catalogue of hostile inputs (issue 11): every input file is read or refused with one line naming the
file (row, column, line or config key) and the fix, never a traceback, never a silently wrong result.

Each case asserts the one-line message and, where a step runs, the exit code (1), that no traceback is
printed and that no output is left that a later run would take as done. ``docs/errors.md`` lists every
case by input kind with its message and what to fix (the survey-side messages of docs/adding-a-wave.md
are pinned by tests/test_docs_adding_a_wave.py).

Three levels:

* **script**: the rule's own script (``scripts/*.py``) run in this process with a stand-in for the
  ``snakemake`` object, its uncaught exception handed to the hook that :func:`upskilling.logs.setup`
  installs, as the interpreter does at the end of a script (exit code, stderr, outputs);
* **parse**: a check that runs while Snakemake parses the workflow (config, codebook, analysis plan,
  missing files): the one-line :class:`InputError` that the rules turn into ``Invalid configuration: ...``;
* **snakemake**: a few real runs on the small configuration (.test/) in a scratch copy, for what only
  Snakemake shows: the Snakefile's own config check, a missing input named by its key, a transcript
  suffix in capitals, a refused format, a failing job's outputs deleted, read-only output folders.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace as NS

import pandas as pd
import pytest
import yaml

from conftest import ROOT, SMALL, copy_repo, run_small

from upskilling.config import check_config_paths, check_configfile, validate_config
from upskilling.errors import InputError, file_error_message, unwritable_folder_message
from upskilling.interviews.coding_io import read_human_coding
from upskilling.interviews.ingest import compile_speakers, list_transcripts, read_transcript
from upskilling.survey.codebook import load_codebook
from upskilling.survey.plan import load_plan
from upskilling.survey.settings import reader_options, wave_settings

RAW = ROOT / "data" / "raw"
EXPORT = RAW / "survey" / "wave1" / "export.csv"
CODEBOOK = ROOT / "config" / "codebook.yaml"
ANALYSIS = ROOT / "config" / "analysis.yaml"
CONFIG = validate_config(yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8")))
SPEAKERS = compile_speakers(CONFIG["interviews"]["speakers"])


def one_line(message: str) -> str:
    assert message and "\n" not in message and "Traceback" not in message, message
    return message


def refused(fn, *needles) -> str:
    """The one-line InputError of ``fn()``, which contains every needle."""
    with pytest.raises(InputError) as exc:
        fn()
    msg = one_line(str(exc.value))
    for needle in needles:
        assert needle in msg, f"{needle!r} not in: {msg}"
    return msg


# --------------------------------------------------------------------------------------------------
# script level: a rule's script with a stand-in `snakemake` object, its exception through the hook
# --------------------------------------------------------------------------------------------------

@pytest.fixture()
def script(tmp_path, capsys, monkeypatch):
    """``run(name, input, output, params, wildcards)`` runs scripts/<name>.py in ``tmp_path`` as Snakemake's
    ``script:`` directive would; returns ``(exit code, stderr)``. An uncaught exception goes to the hook
    installed by upskilling.logs.setup (exit code 1 and one line for an InputError, else a traceback)."""
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    saved = (sys.excepthook, root.handlers[:], root.level)

    def run(name, input, output, params, wildcards=None):
        log = tmp_path / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        snakemake = NS(input=NS(**input), output=NS(**output), params=NS(**params),
                       wildcards=NS(**(wildcards or {})), log=[str(log)])
        capsys.readouterr()
        code = 0
        try:
            runpy.run_path(str(ROOT / "scripts" / f"{name}.py"), init_globals={"snakemake": snakemake},
                           run_name="__main__")
        except Exception as exc:  # what the interpreter does with an uncaught exception
            try:
                sys.excepthook(type(exc), exc, exc.__traceback__)
                code = "no exit: the hook printed a traceback"
            except SystemExit as stop:
                code = stop.code
        finally:
            for h in logging.getLogger().handlers:
                h.close()
        return code, capsys.readouterr().err

    yield run
    sys.excepthook = saved[0]
    root.handlers[:] = saved[1]
    root.setLevel(saved[2])
    logging.captureWarnings(False)


def stops(result, outputs, *needles, kind="InputError") -> str:
    """Exit code 1, no traceback, the last line of stderr is ``<kind>: <message>`` with every needle, and
    none of ``outputs`` exists. Returns the message."""
    code, err = result
    assert code == 1, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith(f"{kind}: "), err[-3000:]
    msg = one_line(last[len(kind) + 2:])
    for needle in needles:
        assert needle in msg, f"{needle!r} not in: {msg}"
    for out in outputs:
        assert not Path(out).exists(), f"{out} left behind"
    return msg


# ---- survey exports through scripts/survey_clean.py ------------------------------------------------

def _rows(path=EXPORT) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _csv(rows, sep=",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _col(rows, item_id) -> int:
    return rows[0].index(load_codebook(CODEBOOK).item(item_id)["column"])


def _edit(fn):
    def make():
        rows = _rows()
        fn(rows)
        return _csv(rows).encode("utf-8")
    return make


def _set(row, item_id, value):
    def fn(rows):
        rows[row - 1][_col(rows, item_id)] = value
    return _edit(fn)


def _truncate_last(fields=20):
    """The export cut short in its last row, after ``fields`` fields (outside any quoted cell)."""
    def make():
        rows = _rows()
        rows[-1] = rows[-1][:fields]
        return _csv(rows).encode("utf-8").rstrip(b"\n")
    return make


def _truncate_in_quotes():
    body = EXPORT.read_bytes().rstrip(b"\n")
    return body[: body.rfind(b',"') + 5]  # cut just after a quote opens in the last row


def _truncate_row(n):
    def make():
        lines = EXPORT.read_bytes().split(b"\n")
        lines[n - 1] = b",".join(lines[n - 1].split(b",")[:5])
        return b"\n".join(lines)
    return make


def _extra_field():
    lines = EXPORT.read_bytes().split(b"\n")
    lines[11] += b",and more"  # one field too many (a text with a comma, not quoted)
    return b"\n".join(lines)


def _dup_column(rows):
    for r in rows:
        r.append(r[_col(rows, "surv_1")])


def _drop_column(rows):
    j = _col(rows, "surv_1")
    for r in rows:
        del r[j]


def _cp1252():
    rows = _rows()
    rows[4][rows[0].index("UserLanguage")] = "EN\u2019s"   # a curly apostrophe (Excel's "CSV" on Windows)
    return _csv(rows).encode("cp1252")


SURVEY_CASES = {
    # id: (bytes of the export, reader options over the wave's, needles of the message)
    "survey_empty_file": (lambda: b"", {}, ["file is empty; export the survey responses again"]),
    "survey_header_only": (lambda: _csv(_rows()[:3]).encode(), {},
                           ["has header rows but no responses; export the responses again"]),
    "survey_truncated_last_row": (_truncate_last(), {},
                                  ["row 303 has 20 field(s) but the header row has 62 (the last row: the file looks "
                                   "cut short by an interrupted export or download); export the survey responses "
                                   "again, or complete the row"]),
    "survey_truncated_inside_quotes": (_truncate_in_quotes, {},
                                       ["row 303: a quoted cell is not closed before the end of the file (the file "
                                        "looks cut short"]),
    "survey_truncated_row": (_truncate_row(10), {}, ["row 10 has 5 field(s) but the header row has 62;"]),
    "survey_nul_in_id": (_set(7, "response_id", "R_5FBUy\x00DdRtWX3967"), {},
                         ["row 7, column 'ResponseId': the cell holds a NUL byte", "the file is damaged"]),
    "survey_utf16_without_bom": (lambda: EXPORT.read_text(encoding="utf-8").encode("utf-16-le"), {},
                                 ["is a NUL byte", "UTF-16 text without a byte-order mark: set encoding: utf-16-le "
                                  "under waves.wave1"]),
    "survey_wrong_format": (lambda: EXPORT.read_bytes(), {"format": "labels"},
                            ["row 3 is a Qualtrics ImportId header row but the wave's format is labels"]),
    "survey_wrong_sep": (lambda: EXPORT.read_bytes(), {"sep": ";"},
                         ["not a readable CSV", "the file looks ','-separated: set sep: ',' under waves.wave1 in "
                          "config/config.yaml (or remove sep to detect it)"]),
    "survey_semicolon_file_read_with_comma": (lambda: _csv(_rows(), sep=";").encode(), {"sep": ","},
                                              ["the file looks ';'-separated: set sep: ';' under waves.wave1"]),
    "survey_not_utf8": (_cp1252, {}, ["line 5: byte 0x92 is not UTF-8", "set encoding: cp1252 under waves.wave1"]),
    "survey_unknown_encoding": (lambda: EXPORT.read_bytes(), {"encoding": "utf-9"},
                                ["waves.wave1.encoding 'utf-9' is not a known text encoding"]),
    "survey_duplicate_id": (_set(5, "response_id", "R_5FBUyDdRtWX3967"), {},
                            ["row 5, column 'ResponseId': repeated respondent id 'R_5FBUyDdRtWX3967'",
                             "row 4 has the same id"]),
    "survey_missing_id": (_set(6, "response_id", ""), {}, ["row 6, column 'ResponseId': missing respondent id"]),
    "survey_unknown_label": (_set(4, "surv_1", "Agree strongly"), {},
                             ["row 4 (respondent R_5FBUyDdRtWX3967), column", "unknown label 'Agree strongly'"]),
    "survey_code_in_label_export": (_set(4, "surv_1", "9"), {}, ["unknown label '9'"]),
    "survey_refusal_in_numeric": (_set(4, "years_freelancing", "prefer not to say"), {},
                                  ["not a number 'prefer not to say'", "declare it a missing-value code"]),
    "survey_out_of_range_number": (_set(4, "years_freelancing", "999"), {}, ["value out of range '999'"]),
    "survey_duplicate_column": (_edit(_dup_column), {}, ["appears twice in the header"]),
    "survey_missing_column": (_edit(_drop_column), {}, ["is missing from the header; re-export including it"]),
    "survey_extra_field": (_extra_field, {}, ["not a readable CSV (Error tokenizing data. C error: Expected 62 fields in "
                                              "line 12, saw 63); check quoting and the number of fields on that line"]),
}


@pytest.mark.parametrize("case", sorted(SURVEY_CASES))
def test_survey_export_is_refused_with_one_line(script, tmp_path, case):
    make, reader_over, needles = SURVEY_CASES[case]
    export = tmp_path / "data/raw/survey/wave1/export.csv"
    export.parent.mkdir(parents=True)
    export.write_bytes(make())
    outputs = {"scored": "data/processed/survey/wave1/scored.csv", "flow": "results/survey/wave1/flow.csv",
               "excluded": "results/survey/wave1/excluded.csv"}
    for out in outputs.values():
        Path(tmp_path, out).parent.mkdir(parents=True, exist_ok=True)
    reader = {**reader_options(CONFIG, "wave1"), **reader_over}
    settings = wave_settings(CONFIG, "wave1")
    result = script("survey_clean", {"export": str(export), "codebook": str(CODEBOOK)}, outputs,
                    {"reader": reader, "settings": {k: settings[k] for k in ("exclusions", "scoring")}},
                    {"wave": "wave1"})
    msg = stops(result, [tmp_path / o for o in outputs.values()], *needles)
    assert msg.startswith(str(export)) or msg.startswith("config/config.yaml"), msg


def test_survey_export_with_a_bom_is_read(tmp_path):
    from upskilling.survey.io import read_export

    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + EXPORT.read_bytes())
    df = read_export(path, "qualtrics", load_codebook(CODEBOOK), wave="wave1")
    assert len(df) == len(_rows()) - 3 and df.loc[0, "respondent_id"] == "R_5FBUyDdRtWX3967"


def test_a_row_whose_last_answers_are_empty_is_not_cut_short(tmp_path):
    """Empty trailing answers written with their separators are answers left empty, not a cut row."""
    from upskilling.survey.io import read_export

    rows = _rows()
    rows[-1][-3:] = ["", "", ""]
    path = tmp_path / "e.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    assert len(read_export(path, "qualtrics", load_codebook(CODEBOOK), wave="wave1")) == len(rows) - 3


# ---- transcripts and the redaction list through scripts/interviews_ingest.py -----------------------

TXT = "Participant: {pid}\n\nInterviewer: How did you learn it?\n\n{pid}: Mostly from videos and from peers.\n"
VTT = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How did you learn it?</v>\n\n"
       "2\n00:00:04.000 --> 00:00:09.000\n<v P02>From videos.</v>\n\n"
       "3\n00:00:09.000 --> 00:00:12.000\n<v Interviewer>And then?</v>\n\n"
       "4\n00:00:12.000 --> 00:00:15.000\n<v P02>From peers.</v>\n")


def _docx_bytes(lines) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


TRANSCRIPT_CASES = {
    # id: (file name, bytes, needles)
    "transcript_empty_file": ("P02.txt", b"", ["P02.txt: the transcript is empty (no text)"]),
    "transcript_whitespace_only": ("P02.txt", b"\n  \n\t\n", ["P02.txt: the transcript is empty"]),
    "transcript_binary_file": ("P02.txt", bytes(range(256)) * 4,
                               ["P02.txt: line 1 (byte 0) is a NUL byte (a UTF-16 or binary file?); re-save the "
                                "transcript as UTF-8"]),
    "transcript_nul_byte": ("P02.txt", TXT.format(pid="P02").encode().replace(b"videos", b"vid\x00eos"),
                            ["P02.txt: line 5 (byte", "is a NUL byte"]),
    "transcript_utf16": ("P02.txt", TXT.format(pid="P02").encode("utf-16"), ["P02.txt: line 1", "NUL byte"]),
    "transcript_not_utf8": ("P02.txt", TXT.format(pid="P02").replace("videos", "vid\u00e9os").encode("latin-1"),
                            ["P02.txt: line 5 (byte", "is not UTF-8; re-save the transcript as UTF-8"]),
    "vtt_malformed_timing": ("P02.vtt", VTT.replace("00:00:09.000 -->", "00:00:09,000 -->").encode(),
                             ["P02.vtt: line 12: the cue timing '00:00:09,000 --> 00:00:12.000' is not "
                              "HH:MM:SS.mmm --> HH:MM:SS.mmm (a comma before the milliseconds",
                              "every later turn id shifted"]),
    "vtt_timing_typo": ("P02.vtt", VTT.replace("00:00:12.000 -->", "00:0012.000 -->").encode(),
                        ["P02.vtt: line 16: the cue timing '00:0012.000 --> 00:00:15.000' is not"]),
    "vtt_arrow_in_text": ("P02.vtt", VTT.replace("From videos.", "From videos --> then peers.").encode(),
                          ["P02.vtt: line 9: a line with '-->' that is not a cue timing"]),
    "vtt_no_header": ("P02.vtt", VTT.replace("WEBVTT\n\n", "").encode(),
                      ["P02.vtt: not a WebVTT file (its first line is not WEBVTT)"]),
    "vtt_no_cues": ("P02.vtt", b"WEBVTT\n\nNOTE nothing here\n", ["P02.vtt: the WebVTT file has no cues"]),
    "vtt_unknown_voice": ("P02.vtt", VTT.replace("<v P02>From peers.", "<v Maya Okafor>From peers.").encode(),
                          ["P02.vtt: line 16 (cue 4): its speaker (voice tag) matches neither"]),
    "docx_not_a_zip": ("P02.docx", b"this is not a Word file", ["P02.docx: not a readable .docx file",
                                                                 "re-export it from Word"]),
    "docx_empty": ("P02.docx", None, ["P02.docx: the transcript is empty"]),
    "transcript_duplicate_participant": ("P02.txt", TXT.format(pid="P01").encode(),
                                         ["P02.txt: participant id 'P01' is also used by P01.txt"]),
    "transcript_bad_participant_id": ("P02.txt", TXT.format(pid="P 02").replace("P 02:", "P02:").encode(),
                                      ["P02.txt: participant id must be letters, digits"]),
}


def _ingest(script, tmp_path, files: dict, redaction: bytes | None = None, share: float = 0.5):
    tdir = tmp_path / "data/raw/interviews/transcripts"
    tdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        (tdir / name).write_bytes(data)
        paths.append(str(tdir / name))
    red = []
    if redaction is not None:
        (tmp_path / "redaction_list.txt").write_bytes(redaction)
        red = [str(tmp_path / "redaction_list.txt")]
    out = tmp_path / "data/processed/interviews"
    out.mkdir(parents=True, exist_ok=True)
    outputs = {"turns": str(out / "turns.csv"), "transcripts": str(out / "transcripts.csv"),
               "report": str(out / "ingest.json"), "name_candidates": str(out / "name_candidates.csv")}
    iv = CONFIG["interviews"]
    params = {"speakers": iv["speakers"], "participant_header": iv["participant_header"],
              "redaction": dict(iv["redaction"]), "max_transcript_share": share}
    return script("interviews_ingest", {"transcripts": sorted(paths), "redaction_list": red}, outputs, params), \
        list(outputs.values())


@pytest.mark.parametrize("case", sorted(TRANSCRIPT_CASES))
def test_transcript_is_refused_with_one_line(script, tmp_path, case):
    name, data, needles = TRANSCRIPT_CASES[case]
    if data is None:
        data = _docx_bytes(["", "  "])
    files = {"P01.txt": TXT.format(pid="P01").encode(), name: data}
    result, outputs = _ingest(script, tmp_path, files)
    msg = stops(result, outputs, *needles)
    assert msg.partition(": ")[0].endswith(name), f"the message does not name {name} first: {msg}"


def test_no_speaker_labels_anywhere_is_refused(script, tmp_path):
    result, outputs = _ingest(script, tmp_path, {"P01.txt": b"Hello, I learned from videos.\nAnd peers.\n"})
    msg = stops(result, outputs, "no participant turns in any of 1 transcript(s)",
                "check that interviews.speakers.participant matches")
    assert msg.index("no participant turns") < msg.index("interviews.speakers.participant"), msg  # problem, then fix


def test_a_transcript_without_speaker_labels_among_others_is_reported(script, tmp_path, caplog):
    files = {"P01.txt": TXT.format(pid="P01").encode(), "P02.txt": b"Just some notes without labels.\n"}
    (code, err), outputs = _ingest(script, tmp_path, files)
    assert code == 0 and "Traceback" not in err
    assert "P02.txt: no participant turns (check interviews.speakers.participant)" in err
    report = yaml.safe_load(Path(outputs[2]).read_text())
    assert report["transcripts_without_participant_turns"] == ["P02.txt"]


def test_an_oversized_transcript_is_reported(script, tmp_path):
    big = "Participant: P03\n\n" + "\n\n".join(
        f"Interviewer: Question {i}?\n\nP03: I learn from videos and peers, mostly, and some courses." for i in range(80))
    files = {"P01.txt": TXT.format(pid="P01").encode(), "P02.txt": TXT.format(pid="P02").encode(),
             "P03.txt": big.encode()}
    (code, err), outputs = _ingest(script, tmp_path, files)
    assert code == 0 and "Traceback" not in err
    assert "P03.txt holds 99% of all participant words (more than interviews.max_transcript_share = 0.5)" in err
    report = yaml.safe_load(Path(outputs[2]).read_text())
    assert [d["source"] for d in report["dominant_transcripts"]] == ["P03.txt"]


REDACTION_CASES = {
    "redaction_list_latin1": ("name: Jos\u00e9 Garc\u00eda\n".encode("latin-1"),
                              ["redaction_list.txt: line 1 (byte 9) is not UTF-8; re-save the redaction list as UTF-8"]),
    "redaction_list_utf16": ("name: Maya\n".encode("utf-16"), ["redaction_list.txt: line 1", "NUL byte"]),
    "redaction_list_nul": (b"name: Maya\nname: To\x00m\n", ["redaction_list.txt: line 2 (byte 19) is a NUL byte"]),
}


@pytest.mark.parametrize("case", sorted(REDACTION_CASES))
def test_redaction_list_that_is_not_utf8_is_refused(script, tmp_path, case):
    data, needles = REDACTION_CASES[case]
    result, outputs = _ingest(script, tmp_path, {"P01.txt": TXT.format(pid="P01").encode()}, redaction=data)
    msg = stops(result, outputs, *needles)
    assert msg.partition(": ")[0].endswith("redaction_list.txt"), f"the list is not named first: {msg}"


def test_transcript_suffix_in_any_case_is_read_and_other_formats_are_refused(tmp_path, caplog):
    for name in ("P01.TXT", "P02.Vtt", "P03.DOCX", "notes.md", "~$P04.docx", ".P05.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in list_transcripts(tmp_path)] == ["P01.TXT", "P02.Vtt", "P03.DOCX"]
    with caplog.at_level(logging.WARNING):
        assert [p.name for p in list_transcripts(tmp_path, ["txt"])] == ["P01.TXT"]
    assert "2 transcript(s) not read because interviews.formats is ['txt']: P02.Vtt, P03.DOCX" in caplog.text
    (tmp_path / "P06.doc").write_bytes(b"x")
    refused(lambda: list_transcripts(tmp_path), "P06.doc: a .doc transcript is not read",
            "save it as .docx", "or move it out of interviews.transcripts")
    raw = read_transcript(_put(tmp_path / "read" / "P07.TXT", TXT.format(pid="P07")), SPEAKERS)
    assert raw.fmt == "txt" and [r for r, _ in raw.turns] == ["interviewer", "participant"]


def _put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- side files: human coding, roster ---------------------------------------------------------------

TURNS = pd.DataFrame({"participant_id": ["P01"] * 2, "turn_id": ["P01-T001", "P01-T002"], "turn_index": [1, 2],
                      "role": ["interviewer", "participant"], "text": ["How?", "Mostly from videos and peers."]})
THEMES = ["survival", "growth"]


HUMAN_CODING_CASES = {
    "human_coding_latin1": ("participant_id,turn_id,theme,text_start\nP01,P01-T002,survival,Caf\u00e9\n"
                            .encode("latin-1"),
                            ["human_coding.csv: line 2 (byte 65) is not UTF-8; re-save the file as CSV UTF-8"]),
    "human_coding_utf16": ("participant_id,turn_id,theme\n".encode("utf-16"),
                           ["human_coding.csv: line 1 (byte 3) is a NUL byte"]),
    "human_coding_unknown_theme": (b"participant_id,turn_id,theme\nP01,P01-T002,survivl\n",
                                   ["human_coding.csv: row 2, column 'theme': unknown theme 'survivl'; use one of"]),
    "human_coding_missing_column": (b"participant_id,theme\nP01,survival\n",
                                    ["human_coding.csv: missing column(s) ['turn_id']"]),
    "human_coding_short_row": (b"participant_id,turn_id,theme\nP01,P01-T002\n",
                               ["human_coding.csv: row 2: 2 fields but the header has 3"]),
    "human_coding_twice": (b"participant_id,turn_id,theme\nP01,P01-T002,survival\nP01,P01-T002,growth\n",
                           ["row 3, column 'turn_id': turn 'P01-T002' is coded twice (also row 2)"]),
    "human_coding_empty": (b"", ["human_coding.csv: the file is empty"]),
}


@pytest.mark.parametrize("case", sorted(HUMAN_CODING_CASES))
def test_human_coding_is_refused_with_one_line(tmp_path, case):
    data, needles = HUMAN_CODING_CASES[case]
    path = tmp_path / "human_coding.csv"
    path.write_bytes(data)
    msg = refused(lambda: read_human_coding(path, THEMES, TURNS), *needles)
    assert msg.startswith(str(path)), f"the file is not named first: {msg}"


def test_human_coding_naming_an_unknown_turn_or_participant_is_left_out_and_reported(tmp_path, caplog):
    path = tmp_path / "human_coding.csv"
    path.write_bytes(b"participant_id,turn_id,theme\nP01,P01-T002,survival\nP01,P01-T099,growth\n"
                     b"P77,P77-T002,growth\n")
    with caplog.at_level(logging.WARNING):
        coding, report = read_human_coding(path, THEMES, TURNS)
    assert list(coding["turn_id"]) == ["P01-T002"]
    assert report["n_unmatched"] == 2 and [u["turn_id"] for u in report["unmatched"]] == ["P01-T099", "P77-T002"]
    assert "0 of 3 rows re-pointed to a moved turn, 2 unmatched and left out (0 matched, 1 by id only)" in caplog.text


def test_roster_naming_an_unknown_participant_is_not_linked_and_counted():
    from upskilling.integrate.joint import link_interviewees

    prevalence = pd.DataFrame({"participant_id": ["P01"], "theme": ["survival"], "share": [1.0]})
    roster = pd.DataFrame({"participant_id": ["P01", "P99"], "response_id": ["R1", "R9"]})
    scored = pd.DataFrame({"respondent_id": ["R1", "R2"], "survival": [4.0, 3.0]})
    linked = link_interviewees(roster, scored, prevalence, ["survival"])
    assert list(linked["participant_id"]) == ["P01"] and bool(linked.loc[0, "in_survey"])


# --------------------------------------------------------------------------------------------------
# parse level: config, codebook, analysis plan, missing files (Snakemake: "Invalid configuration: ...")
# --------------------------------------------------------------------------------------------------

def _config(**over) -> dict:
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    for dotted, value in over.items():
        node = cfg
        *parents, last = dotted.split("__")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return cfg


CONFIG_TEXT_CASES = {
    "config_tab": ("seed: 1\nwaves:\n\twave1: {survey: x.csv}\n",
                   "config.yaml: line 3, column 1: YAML syntax error: a tab character (YAML indents with spaces "
                   "only); replace the tab by spaces"),
    "config_unclosed_bracket": ("waves:\n  wave1: {survey: x.csv\nseed: 1\n",
                                "config.yaml: line 3, column 5: YAML syntax error: "),
    "config_bad_indent": ("seed: 1\n waves: {}\n", "config.yaml: line 2, column 7: YAML syntax error: mapping "
                          "values are not allowed here; fix the file"),
    "config_duplicate_key": ("waves: {wave1: {survey: a.csv}}\nseed: 1\nwaves: {wave2: {survey: b.csv}}\n",
                             "config.yaml: line 3, column 1: key 'waves' appears twice in one mapping (also line 1; "
                             "YAML would silently keep the last); keep one of them"),
    "config_not_utf8": ("seed: 1\n# caf\u00e9\n", "config.yaml: line 2 (byte 13) is not UTF-8; re-save the file as UTF-8"),
    "config_empty": ("", "config.yaml: the file is empty; it needs at least a waves: section"),
    "config_a_list": ("- waves\n- seed\n", "config.yaml: the file holds a list, not keys such as waves:"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_TEXT_CASES))
def test_config_file_is_refused_in_the_projects_voice(tmp_path, case):
    from snakemake.exceptions import WorkflowError

    text, needle = CONFIG_TEXT_CASES[case]
    path = tmp_path / "config.yaml"
    path.write_bytes(text.encode("latin-1" if case == "config_not_utf8" else "utf-8"))
    with pytest.raises(WorkflowError) as exc:
        check_configfile(path)
    msg = one_line(str(exc.value))
    assert msg.startswith(f"Invalid configuration: {path}") and needle in msg, msg


def test_a_valid_config_file_passes_and_a_missing_one_is_left_to_snakemake(tmp_path):
    check_configfile(ROOT / "config" / "config.yaml")
    check_configfile(tmp_path / "absent.yaml")  # --configfile may give every key


CONFIG_VALUE_CASES = {
    "config_typo_key": (dict(wavez={}), "config/config.yaml: key 'wavez' is not allowed at the top level"),
    "config_typo_in_section": (dict(interviews__stabilty=1), "key 'stabilty' is not allowed under 'interviews'"),
    "config_wrong_type": (dict(seed="abc"), "config/config.yaml: key 'seed': 'abc' is not of type 'integer'"),
    "config_out_of_range": (dict(interviews__max_transcript_share=2),
                            "key 'interviews.max_transcript_share': 2 is greater than the maximum of 1"),
    "config_bad_enum": (dict(waves__wave1__format="xlsx"),
                        "key 'waves.wave1.format' has value 'xlsx'; use one of ['qualtrics'"),
    "config_bad_wave_name": (dict(waves__wave_1_2={"survey": "x.csv"}, **{"waves__wave 3": {"survey": "x.csv"}}),
                             "'waves'"),
    "config_wave_without_survey": (dict(waves__wave3={}), "'waves.wave3' is missing a required key"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_VALUE_CASES))
def test_config_value_is_refused_naming_the_key(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    over, needle = CONFIG_VALUE_CASES[case]
    msg = refused(lambda: validate_config(_config(**over)), needle)
    assert msg.startswith("config/config.yaml"), f"the config file is not named first: {msg}"


def test_config_unknown_wave_is_refused_naming_the_key():
    from upskilling.integrate.settings import wave
    from upskilling.survey import compare

    msgs = [refused(lambda: wave(_config(integration__wave="wave9")),
                    "(section 'integration'): key 'wave' is 'wave9', which is not a wave; use one of ['wave1', 'wave2']"),
            refused(lambda: compare.waves(_config(comparison__waves=["wave1", "wave9"])),
                    "key 'waves' names ['wave9'], which are not waves")]
    assert all("wave9" in m and "wave1" in m for m in msgs), msgs  # the wrong name and the valid ones


MISSING_CASES = {
    "missing_survey_export": (dict(waves__wave1__survey="data/raw/survey/wave1/exprt.csv"),
                              "config/config.yaml: waves.wave1.survey: file data/raw/survey/wave1/exprt.csv not "
                              "found; fix the path (relative to the working directory) or put the wave's survey "
                              "export there"),
    "survey_export_is_a_folder": (dict(waves__wave1__survey="data/raw/survey/wave1"),
                                  "waves.wave1.survey: data/raw/survey/wave1 is a folder, not a file"),
    "missing_truth": (dict(waves__wave1__truth="data/raw/survey/wave1/truth.jsn"),
                      "waves.wave1.truth: file data/raw/survey/wave1/truth.jsn not found"),
    "missing_redaction_list": (dict(interviews__redaction_list="data/raw/interviews/redaction.txt"),
                               "interviews.redaction_list: file data/raw/interviews/redaction.txt not found; fix the "
                               "path (relative to the working directory) or set interviews.redaction_list: \"\""),
    "missing_human_coding": (dict(interviews__human_coding="coding.csv"),
                             "interviews.human_coding: file coding.csv not found"),
    "missing_protocol": (dict(interviews__protocol="protocol.md"), "interviews.protocol: file protocol.md not found"),
    "missing_transcripts_folder": (dict(interviews__transcripts="data/raw/interviews/transcrpts"),
                                   "interviews.transcripts: folder data/raw/interviews/transcrpts not found"),
    "transcripts_is_a_file": (dict(interviews__transcripts="data/raw/interviews/roster.csv"),
                              "interviews.transcripts: data/raw/interviews/roster.csv is a file, not a folder"),
    "missing_roster": (dict(integration__roster="roster.csv"),
                       "integration.roster: file roster.csv not found; fix the path (relative to the working "
                       "directory) or set integration.roster: null"),
}


@pytest.mark.parametrize("case", sorted(MISSING_CASES))
def test_a_missing_file_names_its_config_key(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    over, needle = MISSING_CASES[case]
    cfg = validate_config(_config(**over))
    refused(lambda: check_config_paths(cfg), needle)


def test_a_missing_codebook_names_its_config_key(monkeypatch):
    monkeypatch.chdir(ROOT)
    wave = refused(lambda: validate_config(_config(waves__wave2__codebook="config/waves/wave2/codebok.yaml")),
                   "config/config.yaml: waves.wave2.codebook: file config/waves/wave2/codebok.yaml not found; fix the "
                   "path", "or remove the wave's codebook: to use the top-level codebook")
    themes = refused(lambda: validate_config(_config(themes="config/themez.yaml")),
                     "config/config.yaml: themes: file config/themez.yaml not found")
    # each names its own key, not the other's
    assert "themes:" not in wave and "waves.wave2" not in themes, (wave, themes)


def test_empty_optional_paths_are_not_checked(monkeypatch):
    monkeypatch.chdir(ROOT)
    cfg = validate_config(_config(interviews__redaction_list="", interviews__human_coding="", interviews__protocol="",
                                  integration__roster=None))
    check_config_paths(cfg)


def _edited(src: Path, tmp_path, fn) -> Path:
    """A copy of the YAML file ``src`` in ``tmp_path``, changed in place by ``fn(data)``."""
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    fn(data)
    path = tmp_path / src.name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _codebook(tmp_path, fn) -> Path:
    return _edited(CODEBOOK, tmp_path, fn)


def _item(data, item_id) -> dict:
    return next(it for it in data["items"] if it["id"] == item_id)


CODEBOOK_CASES = {
    "codebook_reverse_on_numeric": (lambda d: _item(d, "years_freelancing").update(reverse=True),
                                    "items[15] (id 'years_freelancing'): reverse: true on a numeric item; only "
                                    "likert items are reverse-coded"),
    "codebook_reverse_on_single": (lambda d: _item(d, "domain").update(reverse=True),
                                   "(id 'domain'): reverse: true on a single item"),
    "codebook_unknown_scale": (lambda d: _item(d, "surv_1").update(scale="agree7"),
                               "(id 'surv_1'): scale 'agree7' is not defined; add it under response_scales"),
    "codebook_construct_unknown_item": (lambda d: d["constructs"]["survival"]["items"].append("surv_9"),
                                        "constructs.survival.items: unknown item 'surv_9'"),
    "codebook_duplicate_item_id": (lambda d: d["items"].append({**_item(d, "surv_1"), "column": "QX"}),
                                   "item id 'surv_1' is used twice; give each item a unique id"),
    "codebook_duplicate_column": (lambda d: d["items"].append({**_item(d, "surv_1"), "id": "surv_x"}),
                                  "column 'Q18_1' is used by item 'surv_1' too"),
    "codebook_typo_key": (lambda d: d.update(id_colum=d.pop("id_column")),
                          "key 'id_colum' is not allowed at the top level"),
    "codebook_unknown_type": (lambda d: _item(d, "surv_1").update(type="likret"),
                              "has value 'likret'; use one of ['likert'"),
}


@pytest.mark.parametrize("case", sorted(CODEBOOK_CASES))
def test_codebook_is_refused_naming_the_key(tmp_path, case):
    fn, needle = CODEBOOK_CASES[case]
    path = _codebook(tmp_path, fn)
    msg = refused(lambda: load_codebook(path), needle)
    assert msg.startswith(str(path)), msg


def test_codebook_with_a_tab_names_line_and_column(tmp_path):
    path = tmp_path / "codebook.yaml"
    text = CODEBOOK.read_text(encoding="utf-8")
    assert "\n  - {id: start_date" in text
    path.write_text(text.replace("\n  - {id: start_date", "\n\t- {id: start_date", 1), encoding="utf-8")
    refused(lambda: load_codebook(path), f"{path}: line ", "a tab character (YAML indents with spaces only)")


def _plan(tmp_path, fn) -> Path:
    return _edited(ANALYSIS, tmp_path, fn)


def _hyp(data, hid) -> dict:
    return next(h for h in data["hypotheses"] if h["id"] == hid)


PLAN_CASES = {
    "plan_unknown_test": (lambda d: _hyp(d, "H1").update(test="t_test"), "has value 't_test'; use one of"),
    "plan_bad_variable": (lambda d: _hyp(d, "H1")["variables"].update({next(iter(_hyp(d, "H1")["variables"])): "survivl"}),
                          "'survivl' is not a column of the scored table"),
    "plan_missing_primary": (lambda d: _hyp(d, "H1").update(primary=False), "claim C1 has no primary hypothesis"),
    "plan_two_primaries": (lambda d: [h.update(primary=True) for h in d["hypotheses"] if h["claim"] == "C2"],
                           "primary hypotheses"),
    "plan_duplicate_id": (lambda d: d["hypotheses"].append(dict(_hyp(d, "H1"))), "id 'H1' is used twice"),
    "plan_unknown_family": (lambda d: _hyp(d, "H1").update(family="C9"), "family 'C9' is not defined under families"),
}


@pytest.fixture(scope="module")
def scored_columns() -> list[str]:
    """The columns of the shipped wave's scored table (what the plan's variables are checked against)."""
    from upskilling.survey import stage

    reader = reader_options(CONFIG, "wave1")
    settings = wave_settings(CONFIG, "wave1")
    scored, _, _ = stage.clean(str(EXPORT), reader["format"], str(CODEBOOK),
                               {k: settings[k] for k in ("exclusions", "scoring")}, sep=reader["sep"],
                               missing_values=reader["missing_values"], encoding=reader["encoding"], wave="wave1")
    return list(scored.columns)


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_analysis_plan_is_refused_naming_the_hypothesis(tmp_path, case, scored_columns):
    fn, needle = PLAN_CASES[case]
    path = _plan(tmp_path, fn)
    msg = refused(lambda: load_plan(path, load_codebook(CODEBOOK), scored_columns), needle)
    assert msg.startswith(str(path)), msg


# --------------------------------------------------------------------------------------------------
# output folders that cannot be written
# --------------------------------------------------------------------------------------------------

def test_a_file_that_cannot_be_written_is_one_line_naming_the_folder(script, tmp_path, monkeypatch):
    """The scripts' hook turns a PermissionError (a read-only output folder) into one line, exit code 1."""
    import pandas.core.generic as generic

    def denied(self, path, *a, **k):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(generic.NDFrame, "to_csv", denied)
    export = tmp_path / "export.csv"
    export.write_bytes(EXPORT.read_bytes())
    outputs = {"scored": "data/processed/survey/wave1/scored.csv", "flow": "results/survey/wave1/flow.csv",
               "excluded": "results/survey/wave1/excluded.csv"}
    settings = wave_settings(CONFIG, "wave1")
    result = script("survey_clean", {"export": str(export), "codebook": str(CODEBOOK)}, outputs,
                    {"reader": reader_options(CONFIG, "wave1"),
                     "settings": {k: settings[k] for k in ("exclusions", "scoring")}}, {"wave": "wave1"})
    msg = stops(result, [tmp_path / o for o in outputs.values()],
                "data/processed/survey/wave1: cannot write data/processed/survey/wave1/scored.csv (Permission "
                "denied): the folder is read-only; make it writable (chmod u+w data/processed/survey/wave1) or run "
                "the workflow in a copy you can write to", kind="FileError")
    assert msg.startswith("data/processed/survey/wave1:"), f"the folder is not named first: {msg}"


def test_file_error_messages():
    assert file_error_message(ValueError("x")) is None
    assert file_error_message(OSError(2, "No such file or directory", "x.csv")) is None  # a bug, not a fix
    full = file_error_message(OSError(28, "No space left on device", "results/x.csv"))
    assert full.startswith("results: cannot write results/x.csv (No space left on device); free some space")
    ro = file_error_message(OSError(30, "Read-only file system", "results/x.csv"))
    assert "the file system is read-only" in one_line(ro)


def _drop_write_access() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them): setpriv without the
    capabilities that override them, or nothing for a user that is not root."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    probe = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("setpriv cannot drop capabilities here")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_unwritable_folder_message(tmp_path):
    prefix = _drop_write_access()
    locked = tmp_path / "results" / "survey"
    locked.mkdir(parents=True)
    locked.chmod(0o555)
    try:
        code = ("import sys; from upskilling.errors import unwritable_folder_message as m; "
                "print(m(sys.argv[1:]))")
        out = subprocess.run(prefix + [sys.executable, "-c", code, str(tmp_path / "logs/x.log"),
                                       str(locked / "new/x.csv")], capture_output=True, text=True)
        assert out.stdout.strip() == (f"{locked}: the folder is read-only, so {locked}/new/x.csv cannot be "
                                      f"written; make it writable (chmod -R u+w {locked}) or run the workflow in a "
                                      "copy you can write to"), out.stderr
    finally:
        locked.chmod(0o755)
    assert unwritable_folder_message([str(tmp_path / "a/b/c.csv")]) is None


# --------------------------------------------------------------------------------------------------
# snakemake level: a few real runs on the small configuration in a scratch copy
# --------------------------------------------------------------------------------------------------

@pytest.fixture()
def repo(tmp_path) -> Path:
    """A scratch copy of the repository; the small configuration is its working directory .test/."""
    return copy_repo(tmp_path / "repo")


def _set_config(repo: Path, **over) -> None:
    path = repo / SMALL / "config" / "config.yaml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in over.items():
        node = cfg
        *parents, last = dotted.split("__")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")


def snakemake_stops(proc, message, outputs=()):
    """Snakemake exit code 1, no Python traceback, ``message`` on one line of its output, no output left."""
    err = proc.stdout + proc.stderr
    assert proc.returncode == 1, err[-3000:]
    assert "Traceback (most recent call last)" not in err, err[-4000:]
    lines = [line for line in err.splitlines() if message in line]
    assert lines, f"{message!r} not in:\n{err[-3000:]}"
    for out in outputs:
        assert not Path(out).exists(), f"{out} left behind"
    return lines[0]


@pytest.mark.slow
def test_snakemake_config_with_a_tab_is_one_line_with_line_and_column(repo):
    path = repo / SMALL / "config" / "config.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\n  wave1:\n", "\n\twave1:\n", 1), encoding="utf-8")
    proc = run_small(repo, "-n", check=False)
    line = snakemake_stops(proc, "Invalid configuration: config/config.yaml: line ")
    assert "YAML syntax error: a tab character (YAML indents with spaces only); replace the tab by spaces" in line
    assert "not valid JSON or YAML" not in proc.stderr


@pytest.mark.slow
def test_snakemake_configfile_override_still_works_and_its_syntax_error_is_snakemakes(repo):
    extra = repo / SMALL / "config" / "extra.yaml"
    extra.write_text("interviews:\n  stability:\n    n_seeds: 3\n", encoding="utf-8")
    proc = run_small(repo, "-n", "--configfile", str(extra), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "is extended by additional config specified via the command line" in proc.stdout + proc.stderr
    extra.write_text("interviews:\n  stabilty: 3\n", encoding="utf-8")  # a typo: both files named
    proc = run_small(repo, "-n", "--configfile", str(extra), check=False)
    snakemake_stops(proc, "Invalid configuration: config/config.yaml + config/extra.yaml: key 'stabilty' is not "
                          "allowed under 'interviews'")
    extra.write_text("interviews:\n\tstability: 3\n", encoding="utf-8")
    proc = run_small(repo, "-n", "--configfile", str(extra), check=False)
    # read by Snakemake's command line before the Snakefile runs: Snakemake's own message (documented)
    snakemake_stops(proc, "Config file is not valid JSON or YAML")


@pytest.mark.slow
def test_snakemake_missing_input_names_the_config_key(repo):
    _set_config(repo, interviews__redaction_list="data/raw/interviews/redaction.txt")
    proc = run_small(repo, "-n", check=False)
    snakemake_stops(proc, "Invalid configuration: config/config.yaml: interviews.redaction_list: file "
                          "data/raw/interviews/redaction.txt not found; fix the path")
    assert "MissingInputException" not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_snakemake_codebook_reverse_on_numeric_item(repo):
    path = repo / "config" / "codebook.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _item(data, "years_freelancing")["reverse"] = True
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    proc = run_small(repo, "-n", check=False)
    line = snakemake_stops(proc, "Invalid configuration: ../config/codebook.yaml: items[15] (id 'years_freelancing'): "
                                 "reverse: true on a numeric item")
    assert proc.returncode == 1
    assert "only likert items are" in line  # the message says what to fix
    assert "rule survey_clean" not in proc.stdout + proc.stderr  # stopped before any job was planned


@pytest.mark.slow
def test_snakemake_transcript_in_capitals_is_read_and_a_doc_is_refused(repo):
    tdir = repo / SMALL / "data/raw/interviews/transcripts"
    (tdir / "P05.txt").rename(tdir / "P05.TXT")
    proc = run_small(repo, "data/processed/interviews/turns.csv", check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    turns = pd.read_csv(repo / SMALL / "data/processed/interviews/turns.csv")
    assert "P05" in set(turns["participant_id"])
    (tdir / "P06.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    proc = run_small(repo, "-n", check=False)
    snakemake_stops(proc, "Invalid input: data/raw/interviews/transcripts/P06.doc: a .doc transcript is not read")


@pytest.mark.slow
def test_snakemake_failing_job_leaves_no_output(repo):
    """A truncated last row stops survey_clean; Snakemake deletes what the job had written."""
    export = repo / SMALL / "data/raw/survey/wave1/export.csv"
    body = export.read_bytes().rstrip(b"\n")
    export.write_bytes(body[: body.rfind(b"\n") + 40])
    work = repo / SMALL
    proc = run_small(repo, "data/processed/survey/wave1/scored.csv", check=False)
    line = snakemake_stops(proc, "InputError: data/raw/survey/wave1/export.csv: row 127 has ",
                           [work / "data/processed/survey/wave1/scored.csv", work / "results/survey/wave1/flow.csv",
                            work / "results/survey/wave1/excluded.csv"])
    assert "the file looks cut short" in line


@pytest.mark.slow
@pytest.mark.parametrize("locked", ["results/survey/wave1", "logs/survey/wave1"])
def test_snakemake_read_only_folder_is_one_line_before_any_job(repo, locked):
    prefix = _drop_write_access()
    work = repo / SMALL
    target = work / "results/survey/wave1/flow.csv"
    if locked.startswith("results"):  # a re-run: Snakemake would have to delete the old outputs
        run_small(repo, "data/processed/survey/wave1/scored.csv")
        assert target.exists()
    folder = work / locked
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    try:
        cmd = prefix + [sys.executable, "-m", "snakemake", "--cores", "2", "--directory", SMALL,
                        "data/processed/survey/wave1/scored.csv", "--forcerun", "survey_clean"]
        proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
    finally:
        folder.chmod(0o755)
    line = snakemake_stops(proc, f"{locked}: the folder is read-only, so ")
    assert f"make it writable (chmod -R u+w {locked})" in line
    assert "localrule survey_clean:" not in proc.stdout + proc.stderr  # stopped before the job started


# --------------------------------------------------------------------------------------------------
# docs/errors.md lists every case
# --------------------------------------------------------------------------------------------------

#: the cases tested one by one above (not in a table), by their id in docs/errors.md
NAMED_CASES = [
    "survey_bom", "survey_trailing_empty_answers", "no_speaker_labels", "no_speaker_labels_in_one",
    "oversized_transcript", "transcript_suffix_case", "transcript_format_left_out", "transcript_doc_refused",
    "human_coding_unknown_turn", "roster_unknown_participant", "config_unknown_wave", "configfile_override",
    "configfile_syntax_error", "missing_wave_codebook", "missing_themes", "empty_optional_paths", "codebook_tab",
    "write_permission", "file_errors", "unwritable_folder", "read_only_results", "read_only_logs",
    "failing_job_leaves_no_output",
]
TABLES = [SURVEY_CASES, TRANSCRIPT_CASES, REDACTION_CASES, HUMAN_CODING_CASES, CONFIG_TEXT_CASES,
          CONFIG_VALUE_CASES, MISSING_CASES, CODEBOOK_CASES, PLAN_CASES]


def test_docs_errors_lists_every_case_of_the_catalogue():
    import re

    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\*\*`([a-z0-9_]+)`\*\*", doc))
    cases = {c for table in TABLES for c in table} | set(NAMED_CASES)
    assert not cases - set(re.findall(r"`([a-z0-9_]+)`", doc)), sorted(cases - set(re.findall(r"`([a-z0-9_]+)`", doc)))
    assert not listed - cases, f"docs/errors.md lists cases the catalogue does not test: {sorted(listed - cases)}"
    wave_guide = (ROOT / "docs" / "adding-a-wave.md").read_text(encoding="utf-8")
    errors_e = set(re.findall(r"^\*\*(E\d+)\.", wave_guide, re.MULTILINE))
    assert len(errors_e) >= 25 and len(cases) >= 60  # the floor of 60 is met by this catalogue alone
