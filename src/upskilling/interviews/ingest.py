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
           ``NOTE Key: value`` blocks before the first cue are the header. Every cue timing line
           (``-->``) must be read as a cue: webvtt-py drops a cue with a malformed timestamp without a
           word (and every later turn id would shift), so such a line stops the run naming its line.

Every file is read or refused, never skipped without a word: the suffix in any case (``P05.TXT``); a file
that is empty, not UTF-8, holds a NUL byte, or is a ``.doc`` / ``.rtf`` / ``.odt`` / ``.pdf`` / ``.srt``
transcript (formats that are not read) stops the run naming the file; a file of a readable format left out
by ``interviews.formats`` is logged.

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
#: transcript formats that are not read, and what to do with such a file (it is refused, not skipped)
REFUSED = {
    "doc": "save it as .docx (Word: File > Save As > Word Document)",
    "rtf": "save it as .docx or plain text (.txt)",
    "odt": "save it as .docx",
    "pages": "export it as .docx",
    "pdf": "export the transcript as .txt or .docx (a PDF is not read)",
    "srt": "convert it to WebVTT (.vtt), e.g. ffmpeg -i file.srt file.vtt",
    "sbv": "convert it to WebVTT (.vtt)",
}
_TIMING_CHARS = re.compile(r"^[\d:.,\s>-]*$")  # a timing line made of digits and punctuation only
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


def _empty(path: Path) -> InputError:
    return InputError(f"{path}: the transcript is empty (no text); export it again or move it out of "
                      "interviews.transcripts")


def read_txt(path: Path, speakers: Speakers, header_key: str = "participant") -> RawTranscript:
    text = read_utf8(path, "re-save the transcript as UTF-8")
    if not text.strip():
        raise _empty(path)
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
    if not any(line.strip() for line in lines):
        raise _empty(path)
    return parse_lines(lines, path, "docx", speakers, header_key)


def _cue_lines(path: Path, text: str, captions: list) -> list[int]:
    """The line number of each caption's timing line. Every line with ``-->`` must be the timing line of
    a caption webvtt-py read (a cue it could not read is dropped by the library without a word): else
    InputError naming the line (the timing shown only when it holds no words)."""
    import webvtt
    from webvtt.vtt import WebVTTCueBlock

    lines = re.split(r"\r\n|\r|\n", text)
    out, k = [], 0
    for lineno, line in enumerate(lines, start=1):
        if "-->" not in line:
            continue
        m = WebVTTCueBlock.CUE_TIMINGS_PATTERN.match(line)
        same = False
        if m and k < len(captions):
            try:
                cue = webvtt.Caption(m.group(1), m.group(2))
                same = (cue.start, cue.end) == (captions[k].start, captions[k].end)
            except Exception:  # an impossible time (webvtt's MalformedCaptionError)
                same = False
        if same:
            out.append(lineno)
            k += 1
            continue
        shown = f" '{line.strip()}'" if _TIMING_CHARS.match(line) else ""
        if not m and not re.search(r"\d:\d\d", line):
            what = "a line with '-->' that is not a cue timing (cue text may not contain '-->')"
        elif not m:
            comma = " (a comma before the milliseconds, as in .srt files: WebVTT needs a dot)" if "," in line else ""
            what = f"the cue timing{shown} is not HH:MM:SS.mmm --> HH:MM:SS.mmm{comma}"
        else:
            what = (f"the cue at this timing{shown} could not be read (an impossible time, an unknown cue setting "
                    "or no blank line before it)")
        raise InputError(f"{path}: line {lineno}: {what}; correct that line (the cue would be left out and every "
                         "later turn id shifted) or export the file again")
    return out


def read_vtt(path: Path, speakers: Speakers, header_key: str = "participant") -> RawTranscript:
    import webvtt
    from webvtt.errors import MalformedFileError

    text = read_utf8(path, "re-save the transcript as UTF-8")
    if not text.strip():
        raise _empty(path)
    try:
        vtt = webvtt.from_string(text)
    except MalformedFileError:
        raise InputError(f"{path}: not a WebVTT file (its first line is not WEBVTT); export it again as WebVTT, "
                         "or rename a plain-text transcript to .txt") from None
    except Exception as exc:  # webvtt-py's MalformedCaptionError and the like
        raise InputError(f"{path}: not a valid WebVTT file ({type(exc).__name__}); export it again") from None
    if not vtt.captions:
        raise InputError(f"{path}: the WebVTT file has no cues; export the transcript again or move it out of "
                         "interviews.transcripts")
    cue_lines = _cue_lines(path, text, vtt.captions)
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
                    f"{path}: line {cue_lines[n - 1]} (cue {n}): its speaker (voice tag) matches neither "
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
    """Transcript files in ``folder`` with one of ``formats`` as extension (in any case: ``P05.TXT``),
    sorted by name. A transcript in a format that is not read (:data:`REFUSED`: ``P05.doc``) is an
    InputError naming it; one of a readable format that ``formats`` leaves out is logged (a warning).
    Other files (notes, ``~$`` lock files, hidden files) are not transcripts and are ignored."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: transcripts folder not found; set interviews.transcripts to the right folder")
    formats = [str(f).lower() for f in formats]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"config/config.yaml: key 'interviews.formats': unknown format {unknown[0]!r}; use {list(FORMATS)}")
    files, left_out = [], []
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith(("~$", ".")):
            continue
        fmt = p.suffix.lower().lstrip(".")
        if fmt in formats:
            files.append(p)
        elif fmt in REFUSED:
            raise InputError(f"{p}: a .{p.suffix.lstrip('.')} transcript is not read (the formats read are "
                             f"{', '.join(FORMATS)}); {REFUSED[fmt]}, or move it out of interviews.transcripts")
        elif fmt in FORMATS:
            left_out.append(p.name)
    if left_out:
        from ..logs import get_logger

        get_logger("interviews").warning(
            "%s: %d transcript(s) not read because interviews.formats is %s: %s; add the format to read them",
            folder, len(left_out), formats, ", ".join(left_out))
    return files


def read_transcript(path: Path, speakers: Speakers, header_key: str = "participant") -> RawTranscript:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in READERS:
        raise InputError(f"{path}: unsupported transcript format '.{fmt}'; use one of {list(FORMATS)}")
    return READERS[fmt](path, speakers, header_key)


def _redact(redactor, text: str, pid: str) -> str:
    """A :class:`Redactor` also collects candidate names per participant; any other callable just redacts."""
    return redactor(text, source=pid) if isinstance(redactor, Redactor) else redactor(text)


def ingest_transcripts(
    files: list[Path], speakers: Speakers, redactor: Redactor, participant_key: str = "participant",
    name_candidates: str | Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and redact every transcript. With ``name_candidates`` (a path), the review file of candidate
    names not on the redaction list is written there (:func:`write_name_candidates`).

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
            text = _redact(redactor, text, pid)
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
        header = {k: _redact(redactor, v, pid) for k, v in raw.header.items() if k != participant_key}
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
    if name_candidates is not None:
        write_name_candidates(redactor, name_candidates)
    return turns, transcripts


NAME_CANDIDATE_COLUMNS = ["token", "count", "participant_ids"]


def write_name_candidates(redactor: Redactor, path: str | Path) -> int:
    """Write the review file of candidate names (``token, count, participant_ids``; see
    :meth:`.redact.Redactor.name_candidates`) and log how many there are and how to act on them (never the
    names). The file holds unredacted words by design: it stays beside the processed data for the
    researcher, and no rule reads it into results/. Returns the number of candidates."""
    from ..logs import get_logger

    rows = redactor.name_candidates()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=NAME_CANDIDATE_COLUMNS).to_csv(path, index=False)
    get_logger("interviews").info(
        "%d candidate name(s) not on the redaction list (capitalised words that are not dictionary words nor "
        "written in lower case elsewhere) are listed in %s for review: add each real person's or client's name "
        "to the redaction list (interviews.redaction_list, one per line, 'client: ' for a client) and re-run; "
        "add a tool or product name to interviews.redaction.allow to drop it from the list", len(rows), path)
    return len(rows)


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

