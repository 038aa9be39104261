"""Reading the human coding (CSV and REFI-QDA .qdpx) and anchoring it to the current turns by text: codes
follow their turn when turn ids shift, codes of deleted turns are listed, never silently misaligned.
The real reference coding (../shared/realdata/interviewer-creatives) and the REFI schema
(../shared/refi-qda) are read where they are, never copied into the repository."""
from __future__ import annotations

import json
import logging
import os
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from upskilling.errors import InputError
from upskilling.integrate import qdpx
from upskilling.interviews.coding_io import CODING_COLUMNS, PROJECT_NS, normalise, read_human_coding
from upskilling.interviews.ingest import compile_speakers, ingest_transcripts
from upskilling.interviews.redact import Redactor

ROOT = Path(__file__).resolve().parents[1]
THEMES = ["survival", "growth", "ai_exploration"]
LABELS = {"survival": "Learning as survival", "growth": "Learning as growth", "ai_exploration": "AI for exploration"}
REFI = Path(os.environ.get("REFI_QDA_DIR") or next(
    (p for p in (ROOT.parent / "shared" / "refi-qda", Path("/work/shared/refi-qda")) if p.is_dir()),
    ROOT.parent / "shared" / "refi-qda"))
XSD = REFI / "Project-mrt2019.xsd"
REAL = [Path(os.environ["UPSKILLING_REALDATA"])] if os.environ.get("UPSKILLING_REALDATA") else []
REAL = next((c / "interviewer-creatives" for c in REAL + [ROOT.parent / "shared" / "realdata",
                                                          Path("/work/shared/realdata")]
             if (c / "interviewer-creatives" / "reference_coding.csv").is_file()), None)

# (participant answer, theme): the interviewer asks before each answer
ANSWERS = [
    ("Sure, happy to. I write B2B content for software firms.", "other"),
    ("Honestly? Scary. One week two clients asked whether AI could do my job.", "survival"),
    ("I love learning new tools; it is the fun part of freelancing for me.", "growth"),
    ("Yes.", "other"),
    ("I ask the chatbot naive questions to get a first overview of a field.", "ai_exploration"),
    ("Yes.", "other"),
    ("Mostly I learn because I have to, or the clients go to someone cheaper.", "survival"),
]


def _turns(answers, pid="P01") -> pd.DataFrame:
    rows = []
    for k, (text, _) in enumerate(answers):
        rows += [("interviewer", f"Question number {k + 1}, could you tell me more?"), ("participant", text)]
    return pd.DataFrame([{"participant_id": pid, "turn_id": f"{pid}-T{i:03d}", "turn_index": i, "role": role,
                          "n_words": len(text.split()), "text": text, "source": f"{pid}.txt"}
                         for i, (role, text) in enumerate(rows, start=1)])


def _coding_csv(path: Path, answers, pid="P01", text_start=True, n=40) -> Path:
    df = pd.DataFrame([{"participant_id": pid, "turn_id": f"{pid}-T{2 * k + 2:03d}", "theme": theme,
                        **({"text_start": text[:n]} if text_start else {})}
                       for k, (text, theme) in enumerate(answers)])
    df.to_csv(path, index=False)
    return path


def _theme_of_text(coding: pd.DataFrame, turns: pd.DataFrame) -> dict:
    text = turns.set_index("turn_id")["text"]
    return {text[t]: th for t, th in zip(coding["turn_id"], coding["theme"])}


# --- fingerprints --------------------------------------------------------------------------------

def test_normalise_folds_case_space_quotes_dashes():
    # rows and turns are compared on normalise(text), on the shorter of the two lengths (no fixed cut)
    assert normalise("  It\u2019s   \u201cfine\u201d \u2014 ok\u2026\nReally ") == "it's \"fine\" - ok... really"
    assert normalise("A" * 60) == "a" * 60
    assert normalise("Hello\u00a0World") == "hello world" and normalise("Hello\u00a0World")[:5] == "hello"
    assert normalise(None) == "" and normalise(float("nan")) == ""


# --- anchoring -----------------------------------------------------------------------------------

def test_unchanged_transcripts_match_every_row(tmp_path):
    turns = _turns(ANSWERS)
    coding, report = read_human_coding(_coding_csv(tmp_path / "c.csv", ANSWERS), THEMES, turns)
    assert list(coding.columns) == CODING_COLUMNS
    assert report["n_rows"] == report["n_matched"] == len(ANSWERS)
    assert (coding["status"] == "matched").all() and (coding["turn_id"] == coding["original_turn_id"]).all()
    assert (coding["confidence"] == "").all()
    assert report["format"] == "csv" and report["unmatched"] == [] and report["moved"] == []


@pytest.mark.parametrize("inserted", [[("interviewer", "Sorry, one more thing first?")],
                                      [("interviewer", "Before we go on: where are you based?"),
                                       ("participant", "In Leeds, in the north of England.")]])
def test_inserted_turn_moves_every_later_code(tmp_path, caplog, inserted):
    path = _coding_csv(tmp_path / "c.csv", ANSWERS)
    old = _turns(ANSWERS)
    rows = old.to_dict("records")
    new_rows = rows[:4] + [{"participant_id": "P01", "role": r, "text": t} for r, t in inserted] + rows[4:]
    turns = pd.DataFrame([{**r, "turn_index": i, "turn_id": f"P01-T{i:03d}"} for i, r in enumerate(new_rows, 1)])
    with caplog.at_level(logging.WARNING, logger="upskilling.interviews"):
        coding, report = read_human_coding(path, THEMES, turns)
    assert report["n_unmatched"] == 0 and len(coding) == len(ANSWERS)  # none lost
    assert report["n_matched"] == 2 and report["n_moved"] == len(ANSWERS) - 2
    shift = len(inserted)
    later = coding.iloc[2:]
    assert (later["status"] == "moved").all()
    assert [int(t[-3:]) - int(o[-3:]) for t, o in zip(later["turn_id"], later["original_turn_id"])] == [shift] * 5
    # every theme still sits on the text it was given to (both "Yes." turns keep their own code)
    assert _theme_of_text(coding, turns) == {text: theme for text, theme in ANSWERS}
    assert report["moved"][0] == {"original_turn_id": "P01-T006", "turn_id": f"P01-T{6 + shift:03d}"}
    assert "re-pointed" in caplog.text and "5 of 7" in caplog.text


def test_deleted_turn_is_unmatched_and_listed(tmp_path):
    path = _coding_csv(tmp_path / "c.csv", ANSWERS)
    kept = ANSWERS[:2] + ANSWERS[3:]  # the growth answer (and its question) were removed
    turns = _turns(kept)
    coding, report = read_human_coding(path, THEMES, turns)
    assert report["n_unmatched"] == 1 and report["n_matched"] == 2 and report["n_moved"] == 4
    assert report["unmatched"] == [{"row": 4, "participant_id": "P01", "turn_id": "P01-T006",
                                    "reason": "text_start matches no participant turn of P01"}]
    assert "growth" not in set(coding["theme"])
    assert _theme_of_text(coding, turns) == {text: theme for text, theme in kept}
    assert coding["turn_id"].is_unique


def test_deleting_one_of_two_identical_starts_keeps_the_nearest(tmp_path):
    """Two "Yes." turns; the first is deleted: the later row keeps the remaining one (nearer), the earlier
    row may not claim it too."""
    path = _coding_csv(tmp_path / "c.csv", ANSWERS)
    turns = _turns(ANSWERS[:3] + ANSWERS[4:])
    coding, report = read_human_coding(path, THEMES, turns)
    assert report["n_unmatched"] == 1 and report["unmatched"][0]["turn_id"] == "P01-T008"
    assert report["unmatched"][0]["reason"] == "text_start matches only turns that other rows code"
    assert coding.set_index("original_turn_id").loc["P01-T012", "turn_id"] == "P01-T010"


def test_rows_without_text_start_are_matched_by_id(tmp_path):
    path = _coding_csv(tmp_path / "c.csv", ANSWERS, text_start=False)
    turns = _turns(ANSWERS[:6])
    coding, report = read_human_coding(path, THEMES, turns)
    assert report["n_by_id_only"] == 6 and (coding["status"] == "by_id_only").all()
    assert report["unmatched"] == [{"row": 8, "participant_id": "P01", "turn_id": "P01-T014",
                                    "reason": "turn_id not in the transcripts"}]
    odd = tmp_path / "odd.csv"
    odd.write_text("participant_id,turn_id,theme\nP01,P01-T001,other\nP09,P09-T002,other\n", encoding="utf-8")
    _, report = read_human_coding(odd, THEMES, turns)
    assert [u["reason"] for u in report["unmatched"]] == ["turn_id is not a participant turn",
                                                          "participant not in the transcripts"]


def test_fingerprint_is_compared_after_redaction(tmp_path):
    """The coder saw raw text; turns.csv holds the redacted text: text_start is redacted before comparing,
    also when its 32 characters cut a listed client name in half."""
    raw = [("Hi, this is Maya Okafor and I write for clinics.", "other"),
           ("My best client is Brightline Dental, a chain of clinics.", "survival"),
           ("Mail me at maya@okafor.com if you need more.", "other")]
    redactor = Redactor([("name", "Maya Okafor"), ("client", "Brightline Dental")])
    turns = _turns([(redactor(t), th) for t, th in raw])
    assert "Maya" not in " ".join(turns["text"])
    path = _coding_csv(tmp_path / "c.csv", raw, n=32)  # 32 characters cut "Brightline Dent"
    before = Counter(redactor.counts)
    coding, report = read_human_coding(path, THEMES, turns, redact=redactor)
    assert report["n_matched"] == 3 and report["n_unmatched"] == 0
    assert redactor.counts == before  # the redactor's counts still describe the transcripts only
    _, plain = read_human_coding(path, THEMES, turns)
    assert plain["unmatched"] == [{"row": 2, "participant_id": "P01", "turn_id": "P01-T002",
                                   "reason": "text_start matches no participant turn of P01"}]
    assert "Maya" not in json.dumps(plain) and "Hi, this" not in json.dumps(plain)  # no text in the report


def test_typographic_differences_do_not_break_the_anchor(tmp_path):
    turns = _turns([("It\u2019s \u201cfine\u201d \u2014 mostly.", "other")])
    path = tmp_path / "c.csv"
    path.write_text("participant_id,turn_id,theme,text_start\nP01,P01-T002,other,\"It's \"\"fine\"\" - MOSTLY\"\n",
                    encoding="utf-8")
    assert read_human_coding(path, THEMES, turns)[1]["n_matched"] == 1


def test_confidence_and_fingerprint_columns_are_read(tmp_path):
    turns = _turns(ANSWERS[:2])
    path = tmp_path / "c.csv"
    pd.DataFrame({"participant_id": "P01", "turn_id": ["P01-T002", "P01-T004"], "theme": ["other", "survival"],
                  "confidence": ["clear", "ambiguous"],
                  "fingerprint": [normalise(ANSWERS[0][0])[:40], normalise(ANSWERS[1][0])[:40]]}).to_csv(path, index=False)
    coding, report = read_human_coding(path, THEMES, turns)
    assert coding["confidence"].tolist() == ["clear", "ambiguous"] and report["n_matched"] == 2


# --- CSV errors ----------------------------------------------------------------------------------

def test_unknown_theme_names_file_row_and_column(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_text("participant_id,turn_id,theme\nP01,P01-T002,other\nP01,P01-T004,survivl\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_human_coding(path, THEMES, _turns(ANSWERS))
    msg = str(err.value)
    assert "coding.csv: row 3, column 'theme': unknown theme 'survivl'" in msg and "'other'" in msg
    assert "'survival'" in msg and "\n" not in msg


def test_non_utf8_nul_missing_columns_duplicates(tmp_path):
    turns = _turns(ANSWERS)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("participant_id,turn_id,theme,text_start\nP01,P01-T002,other,Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.csv: line 2 \(byte 62\) is not UTF-8; re-save"):
        read_human_coding(latin, THEMES, turns)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("participant_id,turn_id,theme\n".encode("utf-16"))
    with pytest.raises(InputError, match=r"utf16\.csv: line 1 \(byte 3\) is a NUL byte"):
        read_human_coding(utf16, THEMES, turns)
    cols = tmp_path / "cols.csv"
    cols.write_text("participant_id,turn,theme\nP01,P01-T002,other\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cols\.csv: missing column\(s\) \['turn_id'\]"):
        read_human_coding(cols, THEMES, turns)
    dup = tmp_path / "dup.csv"
    dup.write_text("participant_id,turn_id,theme\nP01,P01-T002,other\nP01,P01-T002,growth\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dup\.csv: row 3, column 'turn_id': turn 'P01-T002' is coded twice"):
        read_human_coding(dup, THEMES, turns)
    with pytest.raises(InputError, match="human coding not found"):
        read_human_coding(tmp_path / "none.csv", THEMES, turns)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfparticipant_id,turn_id,theme\nP01,P01-T002,other\n")
    assert read_human_coding(bom, THEMES, turns)[1]["n_by_id_only"] == 1


# --- REFI-QDA .qdpx ------------------------------------------------------------------------------

def _guid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _hand_built(turns_by_pid: dict[str, pd.DataFrame], codings: list[tuple[str, int, str, bool]]) -> dict[str, bytes]:
    """A project as QualCoder/NVivo write it: Codes named by theme id or label, one TextSource per
    interview (raw text, ``<speaker>: <text>`` paragraphs), the first in sources/<guid>.txt via
    plainTextPath, the others inline in PlainTextContent. ``codings``: (pid, turn_index, code name,
    include the speaker label in the selection)."""
    q = f"{{{PROJECT_NS}}}"
    root = etree.Element(q + "Project", nsmap={None: PROJECT_NS}, name="hand built", origin="QualCoder 3.5")
    codes = etree.SubElement(etree.SubElement(root, q + "CodeBook"), q + "Codes")
    names = sorted({c[2] for c in codings})
    code_guid = {n: _guid(100 + i) for i, n in enumerate(names)}
    for n in names:
        etree.SubElement(codes, q + "Code", guid=code_guid[n], name=n, isCodable="true")
    sources = etree.SubElement(root, q + "Sources")
    files, k = {}, 0
    for s, (pid, turns) in enumerate(sorted(turns_by_pid.items())):
        parts, where = [], {}
        pos = 0
        for r in turns.sort_values("turn_index").itertuples():
            label = "Interviewer: " if r.role == "interviewer" else f"{pid}: "
            where[r.turn_index] = (pos, pos + len(label), pos + len(label) + len(r.text))
            parts.append(label + r.text)
            pos += len(label) + len(r.text) + 2
        doc = "\n\n".join(parts)
        sguid = _guid(200 + s)
        src = etree.SubElement(sources, q + "TextSource", guid=sguid, name=f"{pid}.docx")
        if s == 0:
            src.set("plainTextPath", f"internal://{sguid}.txt")
            files[f"sources/{sguid}.txt"] = doc.encode("utf-8")
        else:
            etree.SubElement(src, q + "PlainTextContent").text = doc
        for cpid, index, code, with_label in codings:
            if cpid != pid:
                continue
            k += 1
            a, start, end = where[index]
            sel = etree.SubElement(src, q + "PlainTextSelection", guid=_guid(300 + k), name=f"selection {k}",
                                   startPosition=str(a if with_label else start), endPosition=str(end))
            coding = etree.SubElement(sel, q + "Coding", guid=_guid(600 + k))
            etree.SubElement(coding, q + "CodeRef", targetGUID=code_guid[code])
    files["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return files


def _write_qdpx(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def test_hand_built_qdpx_validates_and_reads_back(tmp_path):
    p1, p2 = _turns(ANSWERS, "P01"), _turns(ANSWERS[:3], "P02")
    files = _hand_built({"P01": p1, "P02": p2}, [
        ("P01", 2, "other", True), ("P01", 4, "Learning as survival", False), ("P01", 6, "growth", False),
        ("P01", 8, "other", False), ("P01", 12, "other", True), ("P02", 4, "survival", False),
        ("P02", 6, "learning as GROWTH", True)])
    if XSD.exists():
        schema = etree.XMLSchema(etree.parse(str(XSD)))
        doc = etree.fromstring(files["project.qde"])
        assert schema.validate(doc), schema.error_log
    path = _write_qdpx(tmp_path / "coded.QDPX", files)
    turns = pd.concat([p1, p2], ignore_index=True)
    coding, report = read_human_coding(path, THEMES, turns, labels=LABELS)
    assert report["format"] == "qdpx" and report["n_rows"] == 7 and report["n_matched"] == 7
    assert report["n_unmatched"] == 0 and list(coding.columns) == CODING_COLUMNS
    got = dict(zip(coding["turn_id"], coding["theme"]))
    assert got == {"P01-T002": "other", "P01-T004": "survival", "P01-T006": "growth", "P01-T008": "other",
                   "P01-T012": "other", "P02-T004": "survival", "P02-T006": "growth"}
    # T008 and T012 both read "P01: Yes.": the rank of the selected paragraph among the identical ones
    # picks the turn of the same rank, so each keeps its own code
    assert coding["turn_id"].is_unique and (coding["status"] == "matched").all()
    assert (coding["original_turn_id"] == "").all() and (coding["confidence"] == "").all()


def test_qdpx_unknown_code_and_bad_zip(tmp_path):
    p1 = _turns(ANSWERS, "P01")
    path = _write_qdpx(tmp_path / "c.qdpx", _hand_built({"P01": p1}, [("P01", 2, "Workflow tips", False)]))
    with pytest.raises(InputError, match=r"c\.qdpx: code 'Workflow tips' is neither a theme id nor a theme label"):
        read_human_coding(path, THEMES, p1, labels=LABELS)
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"bad\.qdpx: not a \.qdpx \(zip\) file"):
        read_human_coding(bad, THEMES, p1)


def test_qdpx_selection_in_no_turn_is_unmatched(tmp_path):
    p1 = _turns(ANSWERS, "P01")
    files = _hand_built({"P01": p1}, [("P01", 2, "other", False), ("P01", 4, "survival", False)])
    path = _write_qdpx(tmp_path / "c.qdpx", files)
    changed = p1.copy()
    changed.loc[changed["turn_index"] == 4, "text"] = "Something else entirely."
    coding, report = read_human_coding(path, THEMES, changed)
    assert report["n_matched"] == 1 and report["n_unmatched"] == 1
    assert report["unmatched"] == [{"row": 2, "participant_id": "P01", "turn_id": "",
                                    "reason": "selected text is in no participant turn"}]


def _exported_segments(turns: pd.DataFrame, themes_by_turn: dict) -> pd.DataFrame:
    """Two segments per participant turn (halves at a word boundary), as the segment step cuts them."""
    rows = []
    for r in turns[turns["role"] == "participant"].itertuples():
        cut = r.text.find(" ", len(r.text) // 2)
        spans = [(0, cut), (cut + 1, len(r.text))] if cut > 0 else [(0, len(r.text))]
        for k, (a, b) in enumerate(spans, start=1):
            rows.append({"segment_id": f"{r.turn_id}-S{k:02d}", "participant_id": r.participant_id,
                         "turn_id": r.turn_id, "start_char": a, "end_char": b, "text": r.text[a:b],
                         "theme": themes_by_turn[r.turn_id][k - 1], "topic": 0})
    return pd.DataFrame(rows)


def test_our_export_round_trips_and_follows_shifted_turns(tmp_path):
    turns = _turns(ANSWERS)
    themes_by_turn = {f"P01-T{2 * k + 2:03d}": (th, th) for k, (_, th) in enumerate(ANSWERS)}
    themes_by_turn["P01-T004"] = ("survival", "growth")  # a turn whose segments carry two themes
    segments = _exported_segments(turns, themes_by_turn)
    themes = pd.DataFrame([{"theme": t, "label": LABELS[t], "claim": "C1", "definition": "d"} for t in THEMES])
    path = tmp_path / "project.qdpx"
    path.write_bytes(qdpx.zip_bytes(qdpx.project_files(segments, turns, themes, {"C1": "Claim one"})))
    coding, report = read_human_coding(path, THEMES, turns)  # themes found via "Theme id: ..." descriptions
    assert report["n_rows"] == len(segments) == report["n_matched"] and report["n_merged"] == len(segments) - 7
    assert coding["turn_id"].tolist() == [f"P01-T{2 * k + 2:03d}" for k in range(7)]
    assert (coding["original_turn_id"] == coding["turn_id"]).all()
    row = coding.set_index("turn_id").loc["P01-T004"]
    assert row["confidence"] == "ambiguous" and row["theme"] in ("survival", "growth")
    assert coding.set_index("turn_id").loc["P01-T006", "confidence"] == ""
    # the transcripts gain a question-answer pair at the start: the export's selections move with it
    new = pd.concat([_turns([("In Leeds.", "other")]), turns], ignore_index=True)
    new["turn_index"] = range(1, len(new) + 1)
    new["turn_id"] = [f"P01-T{i:03d}" for i in new["turn_index"]]
    coding, report = read_human_coding(path, THEMES, new, labels=LABELS)
    assert report["n_unmatched"] == 0 and (coding["status"] == "moved").all()
    assert report["moved"][0] == {"original_turn_id": "P01-T002", "turn_id": "P01-T004"}


# --- the real reference coding -------------------------------------------------------------------

@pytest.mark.skipif(REAL is None, reason="real data not present: need interviewer-creatives/reference_coding.csv "
                                         "under ../shared/realdata or /work/shared/realdata")
def test_reference_coding_of_real_interviews_is_matched_by_text(tmp_path):
    ref = pd.read_csv(REAL / "reference_coding.csv", dtype=str, keep_default_na=False)
    transcripts = pd.read_csv(REAL / "transcripts.csv", dtype=str, keep_default_na=False)
    coded = set(ref["participant_id"])
    files = []
    for r in transcripts[transcripts["transcript_id"].isin(coded)].itertuples():
        path = tmp_path / f"{r.transcript_id}.txt"
        path.write_text(f"Participant: {r.transcript_id}\n\n{r.text}", encoding="utf-8")
        files.append(path)
    speakers = compile_speakers({"interviewer": "Interviewer|Assistant|AI", "participant": "P\\d+|User"})
    turns, _ = ingest_transcripts(sorted(files), speakers, lambda text: text)
    themes = [t for t in set(ref["theme"]) if t != "other"]
    coding, report = read_human_coding(REAL / "reference_coding.csv", themes, turns)
    assert report["n_rows"] == 463 == len(ref)
    assert report["n_matched"] == 463 and report["n_unmatched"] == 0 and report["n_moved"] == 0
    assert set(coding["confidence"]) == {"clear", "ambiguous"}
    assert (coding["turn_id"] == ref["turn_id"]).all()
