"""Ingest: .txt, .vtt (Teams voice tags and Zoom labels) and .docx transcripts become one redacted table."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from upskilling.errors import InputError
from upskilling.interviews.ingest import compile_speakers, ingest_transcripts, list_transcripts, read_transcript
from upskilling.interviews.redact import Redactor

SPEAKERS = compile_speakers({"interviewer": "Interviewer|Assistant|AI", "participant": r"P\d+|User"})
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "interviewer-creatives" / "transcripts.csv"

TXT = """Participant: P01
Respondent ID: R_abc
Date: 2026-02-11

Interviewer: Hi Maya, thanks for joining.
To start, what do you do?

P01: I write blog posts for Brightline Dental.
It pays the rent.

And a second paragraph of the same turn.

Interviewer: Why did you learn it?

P01: Because the job posts changed. Mail me at maya@example.com.
"""

VTT_TEAMS = """WEBVTT

NOTE
Participant: P02
Date: 2026-02-12

1
00:00:01.000 --> 00:00:04.000
<v Interviewer>Hi Tom, thanks for joining.</v>

2
00:00:04.500 --> 00:00:09.000
<v P02>Sure, happy to.</v>

3
00:00:09.000 --> 00:00:12.000
<v P02>I build dashboards.</v>

4
00:00:12.000 --> 00:00:14.000
<v Interviewer>Why?</v>

5
00:00:14.000 --> 00:00:16.000
<v P02>Clients asked, call me on +1 555 014 2233.</v>
"""

VTT_ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Interviewer: Hello there.

2
00:00:04.000 --> 00:00:06.000
P03: I translate contracts.

3
00:00:06.000 --> 00:00:08.000
and sometimes websites.

4
00:00:08.000 --> 00:00:10.000
Interviewer: Thanks.
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _docx(path, lines):
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def test_txt_header_turns_and_ids(tmp_path):
    raw = read_transcript(_write(tmp_path, "P01.txt", TXT), SPEAKERS)
    assert raw.header == {"participant": "P01", "respondent_id": "R_abc", "date": "2026-02-11"}
    assert [r for r, _ in raw.turns] == ["interviewer", "participant", "interviewer", "participant"]
    assert raw.turns[1][1] == ("I write blog posts for Brightline Dental. It pays the rent. "
                               "And a second paragraph of the same turn.")
    turns, meta = ingest_transcripts([tmp_path / "P01.txt"], SPEAKERS, Redactor([("client", "Brightline Dental")]))
    assert turns["turn_id"].tolist() == ["P01-T001", "P01-T002", "P01-T003", "P01-T004"]
    assert "[CLIENT]" in turns.loc[1, "text"] and "[EMAIL]" in turns.loc[3, "text"]
    assert meta.loc[0, "respondent_id"] == "R_abc" and meta.loc[0, "n_participant_turns"] == 2


def test_vtt_teams_voice_tags_merge_consecutive_cues(tmp_path):
    turns, meta = ingest_transcripts([_write(tmp_path, "x.vtt", VTT_TEAMS)], SPEAKERS, Redactor([]))
    assert meta.loc[0, "participant_id"] == "P02" and meta.loc[0, "format"] == "vtt"
    assert turns["role"].tolist() == ["interviewer", "participant", "interviewer", "participant"]
    assert turns.loc[1, "text"] == "Sure, happy to. I build dashboards."
    assert "[PHONE]" in turns.loc[3, "text"] and "555" not in turns.loc[3, "text"]


def test_vtt_zoom_labels_and_continuation(tmp_path):
    turns, meta = ingest_transcripts([_write(tmp_path, "P03.vtt", VTT_ZOOM)], SPEAKERS, Redactor([]))
    assert meta.loc[0, "participant_id"] == "P03"  # file name: no header
    assert turns.loc[1, "text"] == "I translate contracts. and sometimes websites."
    assert turns["turn_id"].tolist() == ["P03-T001", "P03-T002", "P03-T003"]


def test_vtt_unknown_voice_is_an_error_that_does_not_echo_the_name(tmp_path):
    path = _write(tmp_path, "P04.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Maya Okafor>Hi</v>\n")
    with pytest.raises(InputError) as err:
        ingest_transcripts([path], SPEAKERS, Redactor([]))
    assert "cue 1" in str(err.value) and "interviews.speakers" in str(err.value)
    assert "Maya" not in str(err.value)


def test_docx_like_txt(tmp_path):
    path = _docx(tmp_path / "P05.docx", ["Participant: P05", "", "Interviewer: Hello Jess.", "",
                                          "P05: I keep the books for small firms.", "More of the same turn."])
    turns, meta = ingest_transcripts([path], SPEAKERS, Redactor([("name", "Jess")]))
    assert meta.loc[0, "format"] == "docx" and meta.loc[0, "participant_id"] == "P05"
    assert turns["text"].tolist() == ["Hello [NAME].", "I keep the books for small firms. More of the same turn."]


def test_transcript_without_participant_turns_is_counted_not_fatal(tmp_path):
    a = _write(tmp_path, "P01.txt", TXT)
    b = _write(tmp_path, "P09.txt", "Participant: P09\n\nInterviewer: Hello?\n\nInterviewer: Are you there?\n")
    turns, meta = ingest_transcripts([a, b], SPEAKERS, Redactor([]))
    assert meta.set_index("participant_id").loc["P09", "status"] == "no participant turns"
    assert (turns["participant_id"] == "P09").sum() == 2


def test_no_participant_turn_anywhere_is_a_clear_error(tmp_path):
    b = _write(tmp_path, "P09.txt", "Interviewer: Hello?\n\nMaya: hi\n")
    with pytest.raises(InputError, match="interviews.speakers.participant"):
        ingest_transcripts([b], SPEAKERS, Redactor([]))


def test_duplicate_participant_ids(tmp_path):
    a = _write(tmp_path, "P01.txt", TXT)
    b = _write(tmp_path, "P01b.txt", TXT)
    with pytest.raises(InputError, match="also used by P01.txt"):
        ingest_transcripts([a, b], SPEAKERS, Redactor([]))


def test_list_transcripts_and_errors(tmp_path):
    _write(tmp_path, "P01.txt", TXT)
    _write(tmp_path, "notes.md", "x")
    _write(tmp_path, "~$P02.docx", "lock file")
    assert [p.name for p in list_transcripts(tmp_path)] == ["P01.txt"]
    with pytest.raises(InputError, match="transcripts folder not found"):
        list_transcripts(tmp_path / "nope")
    with pytest.raises(InputError, match="no transcript files"):
        ingest_transcripts([], SPEAKERS, Redactor([]))
    with pytest.raises(InputError, match="invalid regex"):
        compile_speakers({"interviewer": "(", "participant": "P"})


def test_not_utf8(tmp_path):
    path = tmp_path / "P01.txt"
    path.write_bytes("Interviewer: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"P01\.txt: line 1 \(byte 16\) is not UTF-8; re-save the transcript"):
        read_transcript(path, SPEAKERS)


@pytest.mark.skipif(not REALDATA.is_file(), reason="real data /work/shared/realdata not present")
def test_real_creatives_transcripts(tmp_path):
    data = pd.read_csv(REALDATA).head(10)
    files = []
    for i, text in enumerate(data["text"], start=1):
        files.append(_write(tmp_path, f"C{i:03d}.txt", text))
    turns, meta = ingest_transcripts(files, SPEAKERS, Redactor([]))
    assert (meta["n_participant_turns"] > 5).all()
    assert meta["n_unattributed_lines"].sum() == 0
    # every "User:" paragraph starts a participant turn
    expected = sum(text.count("\nUser:") + text.startswith("User:") for text in data["text"])
    assert (turns["role"] == "participant").sum() == expected


def test_a_transcript_with_most_of_the_words_is_reported(tmp_path, caplog):
    """An oversized (e.g. several interviews joined) transcript is named in ingest.json and the log."""
    import json
    import logging

    from upskilling.interviews import steps

    files = []
    for pid, n in (("P01", 3), ("P02", 3), ("P03", 60)):
        path = tmp_path / f"{pid}.txt"
        turns = "\n\n".join(f"Interviewer: Question {i}?\n\n{pid}: I learn from videos and peers mostly, honestly."
                            for i in range(n))
        path.write_text(f"Participant: {pid}\n\n{turns}\n", encoding="utf-8")
        files.append(path)
    cfg = {"interviewer": "Interviewer", "participant": r"P\d+"}
    with caplog.at_level(logging.WARNING):
        steps.ingest(files, None, cfg, "Participant", {"name_parts": True}, tmp_path / "t.csv", tmp_path / "m.csv",
                     tmp_path / "i.json", max_transcript_share=0.5)
    report = json.loads((tmp_path / "i.json").read_text())
    assert [d["source"] for d in report["dominant_transcripts"]] == ["P03.txt"]
    assert report["dominant_transcripts"][0]["share"] == round(60 / 66, 4)
    assert "P03.txt holds 91% of all participant words" in caplog.text and "interviews.max_transcript_share" in caplog.text


# ---- every file read or refused (issue 11) -------------------------------------------------------------

def test_a_malformed_cue_timing_stops_naming_the_line_instead_of_dropping_the_cue(tmp_path):
    path = _write(tmp_path, "P02.vtt", VTT_TEAMS.replace("00:00:09.000 --> 00:00:12.000", "00:00:09,000 --> 00:00:12.000"))
    with pytest.raises(InputError, match=r"P02\.vtt: line 16: the cue timing '00:00:09,000 --> 00:00:12\.000' is not "
                                         r"HH:MM:SS\.mmm --> HH:MM:SS\.mmm \(a comma"):
        read_transcript(path, SPEAKERS)
    short = _write(tmp_path, "P03.vtt", VTT_ZOOM.replace("00:00:01.000 --> 00:00:04.000", "0:0:1.000 --> 0:0:4.000"))
    assert len(read_transcript(short, SPEAKERS).turns) == 3  # short fields are WebVTT webvtt-py reads


def test_empty_transcripts_are_refused(tmp_path):
    for name in ("P07.txt", "P07.vtt"):
        with pytest.raises(InputError, match=rf"{name}: the transcript is empty \(no text\)"):
            read_transcript(_write(tmp_path, name, "\n \n"), SPEAKERS)
    with pytest.raises(InputError, match=r"P08\.docx: the transcript is empty"):
        read_transcript(_docx(tmp_path / "P08.docx", [""]), SPEAKERS)
    with pytest.raises(InputError, match=r"P09\.vtt: the WebVTT file has no cues"):
        read_transcript(_write(tmp_path, "P09.vtt", "WEBVTT\n\nNOTE hi\n"), SPEAKERS)


def test_suffix_in_any_case_is_read_and_an_unread_format_is_refused(tmp_path):
    _write(tmp_path, "P01.TXT", TXT)
    _write(tmp_path, "P02.Vtt", VTT_TEAMS)
    assert [p.name for p in list_transcripts(tmp_path)] == ["P01.TXT", "P02.Vtt"]
    assert read_transcript(tmp_path / "P02.Vtt", SPEAKERS).fmt == "vtt"
    _write(tmp_path, "P03.rtf", "{\\rtf1 x}")
    with pytest.raises(InputError, match=r"P03\.rtf: a \.rtf transcript is not read .*save it as \.docx or plain "
                                         r"text \(\.txt\), or move it out of interviews\.transcripts"):
        list_transcripts(tmp_path)
