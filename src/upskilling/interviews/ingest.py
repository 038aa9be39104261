"""Read interview transcripts (.txt, .vtt, .docx) into one redacted table of speaker turns.

Formats
-------
``.txt``   Optional header of ``Key: value`` lines ending at the first blank line, then turns: a line
           starting with a speaker label (``Interviewer:``, ``P01:``) opens a turn, which runs until the
           next label (continuation lines and paragraphs without a label belong to the open turn).
``.docx``  Same layout, one paragraph per line (python-docx); an empty paragraph is a blank line.
``.vtt``   WebVTT as Zoom and Teams export it (webvtt-py): the speaker is the voice tag
           (``<v P01>…</v>``, Teams) or a ``Label:`` at the start of the cue text (Zoom); a cue with
           neither continues the previous speaker; consecutive cues of one speaker form one turn.
           ``NOTE Key: value`` blocks before the first cue are the header.

A label is a speaker label when it matches (``re.fullmatch``) ``interviews.speakers.interviewer`` or
``interviews.speakers.participant``. The participant id is the header's ``Participant`` value, else the
file name without extension. ``turn_id`` = ``<participant_id>-T<NNN>``, NNN the 1-based index among ALL
turns (interviewer turns counted). Interviewer turns are kept (for reading context), only participant
turns are modelled downstream.

Everything returned is already redacted (:mod:`.redact`): turn text and header values. Error messages
name file and line or cue, never the transcript text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..textio import read_utf8
from .redact import Redactor

FORMATS = ("txt", "vtt", "docx")
_LABEL = re.compile(r"^\s*(?P<label>[^:\n]{1,60}?)\s*:(?:\s+|$)(?P<rest>.*)$", re.DOTALL)
_HEADER = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z0-9 _/-]{0,40}?)\s*:\s*(?P<value>.*?)\s*$")
_PID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

TURN_COLUMNS = ["participant_id", "turn_id", "turn_index", "role", "n_words", "text", "source"]


@dataclass
class Speakers:
    """Compiled speaker patterns (``re.fullmatch`` on the label)."""

    interviewer: re.Pattern
    participant: re.Pattern

    def role(self, label: str) -> str | None:
        label = label.strip()
        if self.participant.fullmatch(label):
            return "participant"
        if self.interviewer.fullmatch(label):
            return "interviewer"
        return None


def compile_speakers(cfg: dict) -> Speakers:
    """Compile ``interviews.speakers`` (``{"interviewer": regex, "participant": regex}``)."""
    compiled = {}
    for key in ("interviewer", "participant"):
        pattern = cfg.get(key)
        if not pattern:
            raise InputError(f"config/config.yaml: key 'interviews.speakers.{key}' is empty; give a regex")
        try:
            compiled[key] = re.compile(pattern)
        except re.error as exc:
            raise InputError(
                f"config/config.yaml: key 'interviews.speakers.{key}': invalid regex ({exc}); fix it"
            ) from None
    return Speakers(**compiled)


@dataclass
class RawTranscript:
    """One transcript before redaction: header and ``(role, text)`` turns."""

    path: Path
    fmt: str
    header: dict = field(default_factory=dict)
    turns: list[tuple[str, str]] = field(default_factory=list)
    n_unattributed_lines: int = 0


def _norm(text: str) -> str:
    return " ".join(text.split())


def _snake(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.strip().lower()).strip("_")


def parse_lines(lines: list[str], path: Path, fmt: str, speakers: Speakers,
                header_key: str = "participant") -> RawTranscript:
    """Parse header + labelled turns from text lines (the .txt and .docx layout).

    The header is the leading block of ``Key: value`` lines up to the first blank line, provided it has
    a ``header_key`` line (``Participant: P01``) or no line that is a speaker label.
    """
    out = RawTranscript(path=path, fmt=fmt)
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    # header: leading block of Key: value lines, none of them a speaker label, ended by a blank line
    block = []
    j = i
    while j < len(lines) and lines[j].strip():
        block.append(lines[j])
        j += 1
    matches = [_HEADER.match(line) for line in block]
    is_header = bool(block) and all(matches) and (
        any(_snake(m.group("key")) == header_key for m in matches)
        or all(speakers.role(m.group("key")) is None for m in matches)
    )
    if is_header:
        for line in block:
            m = _HEADER.match(line)
            out.header[_snake(m.group("key"))] = m.group("value")
        i = j
    role, parts = None, []
    for lineno in range(i, len(lines)):
        line = lines[lineno]
        m = _LABEL.match(line)
        new_role = speakers.role(m.group("label")) if m else None
        if new_role is not None:
            if role is not None:
                out.turns.append((role, _norm(" ".join(parts))))
            role, parts = new_role, [m.group("rest")]
        elif line.strip():
            if role is None:
                out.n_unattributed_lines += 1
            else:
                parts.append(line)
    if role is not None:
        out.turns.append((role, _norm(" ".join(parts))))
    return out


def read_txt(path: Path, speakers: Speakers, header_key: str = "participant") -> RawTranscript:
    text = read_utf8(path, "re-save the transcript as UTF-8")
    return parse_lines(text.splitlines(), path, "txt", speakers, header_key)


def read_docx(path: Path, speakers: Speakers, header_key: str = "participant") -> RawTranscript:
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged file
        raise InputError(f"{path}: not a readable .docx file ({type(exc).__name__}); re-export it from Word") from None
    lines = []
    for paragraph in document.paragraphs:
        lines.extend(paragraph.text.splitlines() or [""])
    return parse_lines(lines, path, "docx", speakers, header_key)


def read_vtt(path: Path, speakers: Speakers, header_key: str = "participant") -> RawTranscript:
    import webvtt

    try:
        vtt = webvtt.read(str(path))
    except Exception as exc:  # webvtt-py raises MalformedFileError / MalformedCaptionError
        raise InputError(f"{path}: not a valid WebVTT file ({type(exc).__name__}); re-export it") from None
    out = RawTranscript(path=path, fmt="vtt")
    for comment in getattr(vtt, "header_comments", []) or []:
        for line in str(comment).splitlines():
            m = _HEADER.match(line)
            if m:
                out.header[_snake(m.group("key"))] = m.group("value")
    role, parts = None, []
    for n, cue in enumerate(vtt.captions, start=1):
        text = cue.text
        cue_role = None
        voice = getattr(cue, "voice", None)
        if voice:
            cue_role = speakers.role(voice)
            if cue_role is None:
                raise InputError(
                    f"{path}: cue {n}: its speaker (voice tag) matches neither "
                    f"interviews.speakers.interviewer nor interviews.speakers.participant; add a pattern for it"
                )
        else:
            m = _LABEL.match(text)
            if m and speakers.role(m.group("label")):
                cue_role, text = speakers.role(m.group("label")), m.group("rest")
        if cue_role is None:
            if role is None:
                out.n_unattributed_lines += 1
                continue
            cue_role = role
        if cue_role != role and role is not None:
            out.turns.append((role, _norm(" ".join(parts))))
            parts = []
        role = cue_role
        parts.append(text)
    if role is not None:
        out.turns.append((role, _norm(" ".join(parts))))
    return out


READERS = {"txt": read_txt, "vtt": read_vtt, "docx": read_docx}


def list_transcripts(folder: str | Path, formats=FORMATS) -> list[Path]:
    """Transcript files in ``folder`` with one of ``formats`` as extension, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: transcripts folder not found; set interviews.transcripts to the right folder")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"config/config.yaml: key 'interviews.formats': unknown format {unknown[0]!r}; use {list(FORMATS)}")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower().lstrip(".") in formats
                   and not p.name.startswith(("~$", ".")))
    return files


def read_transcript(path: Path, speakers: Speakers, header_key: str = "participant") -> RawTranscript:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in READERS:
        raise InputError(f"{path}: unsupported transcript format '.{fmt}'; use one of {list(FORMATS)}")
    return READERS[fmt](path, speakers, header_key)


def ingest_transcripts(
    files: list[Path], speakers: Speakers, redactor: Redactor, participant_key: str = "participant"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and redact every transcript.

    Returns
    -------
    turns : DataFrame
        ``participant_id, turn_id, turn_index, role, n_words, text, source`` (``text`` redacted).
    transcripts : DataFrame
        One row per file: ``participant_id, source, format, n_turns, n_participant_turns,
        n_interviewer_turns, n_participant_words, n_unattributed_lines, status`` plus every header key
        (values redacted). ``status`` is ``ok`` or ``no participant turns``.
    """
    if not files:
        raise InputError("interviews.transcripts: no transcript files (.txt, .vtt, .docx) found; add transcripts")
    rows, meta, seen = [], [], {}
    for path in files:
        raw = read_transcript(Path(path), speakers, participant_key)
        pid = raw.header.get(participant_key) or Path(path).stem
        pid = pid.strip()
        if not _PID.match(pid):
            raise InputError(
                f"{path}: participant id must be letters, digits, '_' or '-' (at most 40); "
                f"fix the '{participant_key.title()}:' header or the file name"
            )
        if pid in seen:
            raise InputError(f"{path}: participant id '{pid}' is also used by {seen[pid]}; give each transcript its own id")
        seen[pid] = Path(path).name
        n_part = 0
        n_words = 0
        for index, (role, text) in enumerate(raw.turns, start=1):
            text = redactor(text)
            words = len(text.split())
            rows.append({
                "participant_id": pid,
                "turn_id": f"{pid}-T{index:03d}",
                "turn_index": index,
                "role": role,
                "n_words": words,
                "text": text,
                "source": Path(path).name,
            })
            if role == "participant":
                n_part += 1
                n_words += words
        header = {k: redactor(v) for k, v in raw.header.items() if k != participant_key}
        meta.append({
            "participant_id": pid,
            "source": Path(path).name,
            "format": raw.fmt,
            "n_turns": len(raw.turns),
            "n_participant_turns": n_part,
            "n_interviewer_turns": len(raw.turns) - n_part,
            "n_participant_words": n_words,
            "n_unattributed_lines": raw.n_unattributed_lines,
            "status": "ok" if n_part else "no participant turns",
            **header,
        })
    turns = pd.DataFrame(rows, columns=TURN_COLUMNS)
    transcripts = pd.DataFrame(meta)
    if turns.empty or not (turns["role"] == "participant").any():
        raise InputError(
            f"{Path(files[0]).parent}: no participant turns in any of {len(files)} transcript(s); "
            f"check that interviews.speakers.participant matches the participant's speaker label"
        )
    return turns, transcripts


def dominant_transcripts(turns: pd.DataFrame, max_share: float, min_transcripts: int = 3) -> list[dict]:
    """Transcripts holding more than ``max_share`` of all participant words (with at least
    ``min_transcripts`` transcripts): ``[{source, participant_id, share}]``, largest first. One such file
    (an oversized or concatenated export) would dominate every theme share and topic."""
    words = turns[turns["role"] == "participant"].groupby(["source", "participant_id"])["n_words"].sum()
    if len(words) < min_transcripts or words.sum() == 0:
        return []
    share = (words / words.sum()).sort_values(ascending=False)
    return [{"source": src, "participant_id": pid, "share": round(float(v), 4)}
            for (src, pid), v in share.items() if v > max_share]

