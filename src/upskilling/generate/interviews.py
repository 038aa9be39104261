"""Render the hand-written interview sources (``corpus/P??.yaml``) into the default interview data.

Writes, under ``<out>/interviews/``: one transcript per participant (``transcripts/<PID>.txt`` in the
format of docs/ARCHITECTURE.md; ``VTT_PARTICIPANTS`` as Zoom-style WebVTT ``.vtt`` instead),
``protocol.md``, ``human_coding.csv``, ``redaction_list.txt`` and ``planted_pii.csv``.
Rendering is deterministic: no randomness, fixed line wrapping, timestamps from word counts.
Written by hand because the source format is ours.
"""
from __future__ import annotations

import csv
import io
import re
import textwrap
from pathlib import Path

from ..config import read_yaml
from ..errors import InputError

THEMES = {"survival", "growth", "ai_structures", "ai_exploration", "other_resources", "barrier_inconsistency",
          "barrier_context", "barrier_verification", "invisible_competencies", "precarity", "other"}
PII_KINDS = {"name", "email", "phone", "url", "handle", "client"}
# P19: Zoom-style "Speaker: text" cue lines; P20: WebVTT voice tags "<v Speaker>text"
VTT_PARTICIPANTS = {"P19": "lines", "P20": "voice"}
WRAP = 100
SECONDS_PER_WORD = 0.4
GAP_SECONDS = 0.8
NBSP = "\u00a0"
TEXT_START = 40  # characters of each coded turn written to human_coding.csv as its text anchor


def load_protocol(path: Path) -> dict:
    """``{question id: text}`` of the interview protocol, plus the raw document under ``"_doc"``."""
    doc = read_yaml(path)
    questions = {q["id"]: q["text"] for s in doc["sections"] for q in s["questions"]}
    return {"_doc": doc, **questions}


def load_source(path: Path, protocol: dict, roster_ids: set) -> dict:
    """Read and check one ``P??.yaml``; returns it with a ``rendered`` list of (speaker, text) turns."""
    d = read_yaml(path)
    pid = d.get("participant")
    if pid != path.stem or pid not in roster_ids:
        raise InputError(f"{path}: key 'participant' is {pid!r}; it must equal the file name and be a roster pid")
    turns = []
    for k, t in enumerate(d.get("turns") or [], start=1):
        where = f"{path}: turns[{k}]"
        parts = [t.get("say")]
        if "ask" in t:
            if t["ask"] not in protocol or t["ask"] == "_doc":
                raise InputError(f"{where}: key 'ask' has unknown question id {t['ask']!r}; use an id from protocol.yaml")
            parts.append(protocol[t["ask"]])
        parts.append(t.get("probe"))
        question = " ".join(" ".join(str(p).split()) for p in parts if p)
        if not question:
            raise InputError(f"{where}: no interviewer text; give 'ask', 'probe' or 'say'")
        if t.get("theme") not in THEMES:
            raise InputError(f"{where}: key 'theme' has value {t.get('theme')!r}; use one of {sorted(THEMES)}")
        answer = " ".join(str(t.get("text", "")).split())
        if not answer:
            raise InputError(f"{where}: key 'text' is empty; write the participant's answer")
        turns.append(("Interviewer", question))
        turns.append((pid, answer))
    for p in d.get("pii") or []:
        if p.get("kind") not in PII_KINDS:
            raise InputError(f"{path}: pii entry {p!r}: kind must be one of {sorted(PII_KINDS)}")
    d["rendered"] = turns
    return d


def turn_id(pid: str, index: int) -> str:
    """``<PID>-T<NNN>`` with NNN the 1-based index among all turns."""
    return f"{pid}-T{index:03d}"


def _wrap(text: str, protect: list[str]) -> list[str]:
    """Wrap at WRAP characters without breaking inside a protected string (pii values)."""
    for value in sorted(protect, key=len, reverse=True):
        text = text.replace(value, value.replace(" ", NBSP))
    lines = textwrap.wrap(text, WRAP, break_long_words=False, break_on_hyphens=False)
    return [line.replace(NBSP, " ") for line in lines]


def header(d: dict, roster_row: dict, response_id: str) -> list[str]:
    return [f"Participant: {d['participant']}", f"Respondent ID: {response_id}", f"Date: {d['date']}",
            f"Domain: {roster_row['domain']}"]


def render_txt(d: dict, roster_row: dict, response_id: str) -> str:
    """The ``.txt`` transcript: header lines, blank line, then one paragraph per turn."""
    protect = [p["value"] for p in d.get("pii") or []]
    paras = []
    for speaker, text in d["rendered"]:
        paras.append("\n".join(_wrap(f"{speaker}: {text}", protect)))
    return "\n".join(header(d, roster_row, response_id)) + "\n\n" + "\n\n".join(paras) + "\n"


def _stamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _cues(text: str, max_words: int = 40) -> list[str]:
    """Split a turn into caption cues at sentence ends (as Zoom does), each at most ~max_words."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    cues, cur = [], []
    for s in sentences:
        if cur and len(" ".join(cur + [s]).split()) > max_words:
            cues.append(" ".join(cur))
            cur = []
        cur.append(s)
    if cur:
        cues.append(" ".join(cur))
    return cues


def render_vtt(d: dict, roster_row: dict, response_id: str, style: str) -> str:
    """A Zoom-style WebVTT transcript: a NOTE block with the header lines, then numbered cues.
    A turn is split into several cues at sentence ends; consecutive cues of one speaker form one turn.
    ``style`` "lines": cue text ``Speaker: text``; "voice": ``<v Speaker>text``."""
    out = ["WEBVTT", "", "NOTE", *header(d, roster_row, response_id), ""]
    t, n = 2.0, 0
    for speaker, text in d["rendered"]:
        for cue in _cues(text):
            n += 1
            dur = max(1.0, SECONDS_PER_WORD * len(cue.split()))
            body = f"{speaker}: {cue}" if style == "lines" else f"<v {speaker}>{cue}"
            out += [str(n), f"{_stamp(t)} --> {_stamp(t + dur)}", body, ""]
            t += dur
        t += GAP_SECONDS
    return "\n".join(out)


def pii_rows(d: dict) -> list[list[str]]:
    """``participant_id,turn_id,kind,value``: every turn in which a planted value occurs (whole word)."""
    pid, rows = d["participant"], []
    for p in d.get("pii") or []:
        pat = re.compile(r"(?<!\w)" + re.escape(p["value"]) + r"(?!\w)")
        hits = [i for i, (_, text) in enumerate(d["rendered"], start=1) if pat.search(text)]
        if not hits:
            raise InputError(f"corpus/{pid}.yaml: pii value {p['value']!r} ({p['kind']}) does not occur in any "
                             f"turn; fix the value or the text")
        rows += [[pid, turn_id(pid, i), p["kind"], p["value"]] for i in hits]
    return rows


def coding_rows(d: dict) -> list[list[str]]:
    """``participant_id,turn_id,theme,text_start`` for every participant turn. ``text_start`` is the first
    ``TEXT_START`` characters of the turn's text as the transcript shows it (before redaction: what a coder
    reads); it anchors the code to its turn when turn ids shift (:mod:`upskilling.interviews.coding_io`)."""
    pid = d["participant"]
    # d["rendered"] holds (Interviewer, question), (pid, answer) per source turn: answer k is turn 2k+2
    return [[pid, turn_id(pid, 2 * k + 2), t["theme"], d["rendered"][2 * k + 1][1][:TEXT_START]]
            for k, t in enumerate(d["turns"])]


def protocol_md(doc: dict) -> str:
    lines = [f"# Interview protocol: {doc['title']}", "",
             f"Version {doc['version']}. Semi-structured: questions are asked in roughly this order, skipped "
             "when already covered, and followed by the interviewer's own probes. Question ids are cited "
             "in the transcripts' sources.", ""]
    for s in doc["sections"]:
        lines += [f"## {s['title']}", ""]
        lines += [f"- `{q['id']}`: {q['text']}" for q in s["questions"]]
        lines.append("")
    return "\n".join(lines)


def _csv(header_row: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header_row)
    w.writerows(rows)
    return buf.getvalue()


def render_all(corpus_dir: Path, roster: list[dict], response_ids: dict) -> dict:
    """All interview files as ``{relative path: text}``; participants without a source are skipped
    (listed under the key ``"_missing"``)."""
    protocol = load_protocol(corpus_dir / "protocol.yaml")
    by_pid = {r["pid"]: r for r in roster}
    files: dict = {}
    coding, pii, redact = [], [], []
    sources = sorted(corpus_dir.glob("P[0-9][0-9].yaml"))
    for path in sources:
        d = load_source(path, protocol, set(by_pid))
        pid = d["participant"]
        row, rid = by_pid[pid], response_ids[pid]
        if pid in VTT_PARTICIPANTS:
            files[f"transcripts/{pid}.vtt"] = render_vtt(d, row, rid, VTT_PARTICIPANTS[pid])
        else:
            files[f"transcripts/{pid}.txt"] = render_txt(d, row, rid)
        coding += coding_rows(d)
        pii += pii_rows(d)
        redact += [(p["kind"], p["value"]) for p in d.get("pii") or [] if p["kind"] in ("name", "client")]
    files["protocol.md"] = protocol_md(protocol["_doc"])
    files["human_coding.csv"] = _csv(["participant_id", "turn_id", "theme", "text_start"], coding)
    files["planted_pii.csv"] = _csv(["participant_id", "turn_id", "kind", "value"], pii)
    seen, names = set(), []
    for kind, v in redact:
        if v not in seen:
            seen.add(v)
            names.append(f"client: {v}" if kind == "client" else v)
    files["redaction_list.txt"] = (
        "# Names and client names the researcher wants removed from the transcripts, one per line.\n"
        "# Collected from the interview notes (the 'pii' lists of the transcript sources); e-mails,\n"
        "# phone numbers, URLs and handles are not listed: redaction finds those by pattern.\n"
        "# A 'client: ' prefix makes the placeholder [CLIENT] instead of [NAME].\n"
        + "".join(f"{v}\n" for v in names))
    files["_missing"] = sorted(set(by_pid) - {p.stem for p in sources})
    return files
