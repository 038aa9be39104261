"""What a survey export is, for :func:`upskilling.survey.io.read_export`: its text encoding, its field
separator and whether its answers are labels or codes.

* Encoding: the wave's ``encoding`` (default ``utf-8-sig``: UTF-8 with or without a byte-order mark).
  A file starting with a UTF-16 byte-order mark (Excel's "Unicode text") is read as UTF-16 while the
  wave's encoding is UTF-8. A file that is not valid in its encoding stops the run with one line naming
  the line, the byte and the ``encoding:`` key, with a likely encoding (cp1252 or latin-1) to set.
* Separator: when the wave sets no ``sep``, the first lines (up to 50 rows, 64 KiB) are split with the
  standard library's CSV parser (quotes respected) on each of ``, ; \\t |``; the separator that splits the
  most lines into one common number (at least 2) of fields wins and is logged ("sep ';' detected").
  A tie stops the run naming the ``sep:`` key; when no separator splits the lines, ``,`` is used (a
  one-column header then fails with a hint naming ``sep:``).
* Structure (:func:`check_structure`, :func:`damaged_file`): a row with fewer fields than the header
  (:func:`short_row`: a file cut short by an interrupted export or download; pandas would fill the
  missing cells as empty answers, and the cut respondent would be analysed, e.g. as failing the attention
  check), a quoted cell still open at the end of the file, and a cell holding a NUL byte
  (:func:`nul_cell`: a damaged file, or UTF-16 without a byte-order mark read as UTF-8), which would end
  up inside a respondent id, each stop the run naming the row (and column).
* Answers: :func:`answer_kind` tells from the first data rows whether the choice answers are labels
  (choice text) or codes, for the messages that name the format to set.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..logs import get_logger
from .codebook import Codebook, fold

log = get_logger("survey")

CANDIDATES = (",", ";", "\t", "|")
SAMPLE_ROWS = 50
SAMPLE_BYTES = 1 << 16
SCAN_ROWS = 10  # data rows inspected to tell codes from labels
_UTF8 = {"utf-8", "utf-8-sig"}


def yaml_sep(sep: str) -> str:
    """How ``sep`` is written in config/config.yaml (a tab needs double quotes)."""
    return '"\\t"' if sep == "\t" else f"'{sep}'"


def resolve_encoding(path: Path, encoding: str, wkey: str) -> tuple[str, str, bool]:
    """``(codec, head, whole)``: the codec to read ``path`` with, the decoded first bytes of the file and
    whether they are the whole file."""
    try:
        codec = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise InputError(f"config/config.yaml: {wkey}.encoding {encoding!r} is not a known text encoding; "
                         "use e.g. utf-8, cp1252 or latin-1") from None
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if codec in _UTF8:
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            log.info("%s: UTF-16 byte-order mark found, read as UTF-16", path)
            codec = "utf-16"
        else:
            codec = "utf-8-sig"
    whole = len(head) < SAMPLE_BYTES
    return codec, codecs.getincrementaldecoder(codec)(errors="replace").decode(head, final=whole), whole


def likely_encoding(raw: bytes) -> str:
    """cp1252 when the bytes use its 0x80-0x9f characters (curly quotes, euro sign), else latin-1."""
    if any(0x80 <= b <= 0x9F for b in raw):
        try:
            raw.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


def decode_error(path: Path, codec: str, wkey: str) -> InputError:
    """The one-line error for a file that is not valid ``codec`` text (found by pandas)."""
    raw = path.read_bytes()
    try:
        raw.decode(codec)
        start, byte = None, None
    except UnicodeDecodeError as exc:
        start, byte = exc.start, raw[exc.start]
    where = "a byte"
    if start is not None:
        line = raw.count(b"\n", 0, start) + 1
        where = f"line {line}: byte 0x{byte:02x}"
    if codec in _UTF8:
        guess = likely_encoding(raw)
        return InputError(f"{path}: {where} is not UTF-8, the file is in another encoding (likely {guess}); "
                          f"set encoding: {guess} under {wkey} in config/config.yaml, or export the survey as "
                          "UTF-8 CSV")
    return InputError(f"{path}: {where} is not valid {codec} text; correct encoding: under {wkey} in "
                      "config/config.yaml (e.g. utf-8, cp1252, latin-1)")


def _scores(head: str, whole: bool) -> dict[str, tuple[int, int]]:
    """``{sep: (lines split into the most common number of fields, lines)}`` for the candidates that
    split the lines into at least two fields."""
    sample = head if whole else head[: head.rfind("\n") + 1] or head
    scores = {}
    for sep in CANDIDATES:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=sep) if r][:SAMPLE_ROWS + 1]
        if not whole or len(rows) > SAMPLE_ROWS:
            rows = rows[:-1] or rows   # the last row may be cut off (or is beyond the sample)
        width, n = Counter(len(r) for r in rows).most_common(1)[0] if rows else (0, 0)
        if width >= 2:
            scores[sep] = (n, len(rows))
    return scores


def best_sep(head: str, whole: bool) -> str | None:
    """The one candidate that fits the first lines best, or None (none fits, or a tie)."""
    scores = _scores(head, whole)
    top = [s for s, (n, _) in scores.items() if n == max(n for n, _ in scores.values())]
    return top[0] if len(top) == 1 else None


def detect_sep(path: Path, head: str, whole: bool, wkey: str) -> str:
    """The field separator of the file whose first characters are ``head`` (``whole``: the entire file);
    see the module docstring."""
    scores = _scores(head, whole)
    if not scores:
        log.info("%s: no field separator splits the first lines; reading with sep ','", path)
        return ","
    best = max(n for n, _ in scores.values())
    top = [s for s, (n, _) in scores.items() if n == best]
    if len(top) > 1:
        names = " and ".join(repr(s) for s in top)
        raise InputError(f"{path}: cannot tell the field separator: {names} each split {best} of the first "
                         f"{scores[top[0]][1]} lines evenly; set sep: (e.g. sep: {yaml_sep(top[0])}) under {wkey} "
                         "in config/config.yaml")
    sep = top[0]
    log.info("%s: sep %r detected (%d of the first %d lines split into the same number of fields); set sep: "
             "under %s to override", path, sep, best, scores[sep][1], wkey)
    return sep


def _nul_fix(raw: bytes, wkey: str) -> str:
    """What to do about NUL bytes in an export: UTF-16 without a byte-order mark (a NUL in every other byte),
    or a damaged file."""
    if raw.count(0) > len(raw) // 4:
        order = "le" if raw[1::2].count(0) > raw[0::2].count(0) else "be"
        return (f"the file looks like UTF-16 text without a byte-order mark: set encoding: utf-16-{order} under "
                f"{wkey} in config/config.yaml, or export the survey as UTF-8 CSV")
    return "the file is damaged: export the survey responses again (UTF-8 CSV)"


def damaged_file(path: Path, codec: str, parser_message: str, wkey: str) -> InputError | None:
    """For a file pandas could not parse: the error when it holds NUL bytes (line and byte) or ends inside a
    quoted cell (a file cut short), else None (the caller's message on quoting and the separator)."""
    raw = path.read_bytes()
    if b"\x00" in raw and not codec.startswith(("utf-16", "utf-32")):
        nul = raw.find(b"\x00")
        line = raw.count(b"\n", 0, nul) + 1
        return InputError(f"{path}: line {line} (byte {nul}) is a NUL byte (\\x00); {_nul_fix(raw, wkey)}")
    cut = re.search(r"EOF inside string starting at row (\d+)", parser_message)
    if cut:
        return InputError(f"{path}: row {int(cut.group(1)) + 1}: a quoted cell is not closed before the end of the "
                          "file (the file looks cut short by an interrupted export or download); export the survey "
                          "responses again")
    return None


def check_structure(path: Path, grid: pd.DataFrame, codec: str, sep: str, wkey: str) -> None:
    """Stop at the first cell holding a NUL byte (row and column) and at the first row with fewer fields than
    the header (:func:`short_row`) of the export ``grid`` read from ``path``."""
    raw = path.read_bytes()
    found = nul_cell(grid) if codec.startswith(("utf-16", "utf-32")) or b"\x00" in raw else None
    if found:
        i, j = found
        name = str(grid.iat[0, j]).strip()
        column = f"column '{name}'" if i > 0 and "\x00" not in name else f"column {j + 1}"
        raise InputError(f"{path}: row {i + 1}, {column}: the cell holds a NUL byte (\\x00); {_nul_fix(raw, wkey)}")
    short = short_row(raw.decode(codec), sep) if grid.shape[1] > 1 else None  # the bytes read above
    if short:
        row, n, width = short
        last = " (the last row: the file looks cut short by an interrupted export or download)" \
            if row == len(grid) else ""
        raise InputError(f"{path}: row {row} has {n} field(s) but the header row has {width}{last}; export the "
                         "survey responses again, or complete the row (every row needs a field per column, empty "
                         "for no answer)")


def short_row(text: str, sep: str) -> tuple[int, int, int] | None:
    """``(row, fields, header fields)`` of the first row of the export ``text`` (decoded) with fewer fields
    than the header row, or None.

    Rows are counted as :func:`pandas.read_csv` (``skip_blank_lines``) and the messages count them: blank
    and whitespace-only lines are not rows. The standard library's CSV reader (quotes respected) counts
    the fields; pandas cannot tell a row cut short from one whose last answers are empty."""
    width, n = None, 0
    for fields in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        n += 1
        if width is None:
            width = len(fields)
            if width < 2:
                return None
        elif len(fields) < width:
            return n, len(fields), width
    return None


def nul_cell(grid: pd.DataFrame) -> tuple[int, int] | None:
    """``(row position, column position)`` of the first cell (row by row) holding a NUL character, or None."""
    hits = None
    for j in range(grid.shape[1]):
        col = grid.iloc[:, j].astype(str).str.contains("\x00", regex=False).to_numpy()
        if col.any():
            i = int(np.flatnonzero(col)[0])
            if hits is None or i < hits[0]:
                hits = (i, j)
    return hits


def num(text: str) -> float | None:
    """``text`` as a number, or None."""
    try:
        return float(text)
    except ValueError:
        return None


def cell_kind(cell: str, it: dict, cb: Codebook) -> str | None:
    """'labels' or 'codes' when the cell is only one of them on the item's scale, else None."""
    sc = cb.scale_of(it["id"])
    parts = cell.split(",") if it["type"] == "multi" else [cell]
    parts = [p.strip() for p in parts if p.strip()]
    if not parts:
        return None
    labels = {fold(lab) for lab in sc["labels"]}
    codes = {float(c) for c in sc["codes"]}
    is_label = all(fold(p) in labels for p in parts)
    is_code = all(num(p) in codes for p in parts)
    return "labels" if is_label and not is_code else "codes" if is_code and not is_label else None


def answer_kind(data: pd.DataFrame, rows: np.ndarray, items: list[dict], cb: Codebook, n: int = SCAN_ROWS):
    """``(kind, row, column, value)`` when every choice answer of the first ``n`` data rows that is only a
    label or only a code is of one kind (``items`` without an ``answers`` key), else None."""
    found = {}
    for it in items:
        if it["type"] not in ("likert", "single", "multi") or "answers" in it:
            continue
        for pos, cell in enumerate(data[it["column"]].iloc[:n]):
            kind = cell_kind(str(cell), it, cb)
            if kind:
                found.setdefault(kind, (int(rows[pos]), it["column"], str(cell).strip()))
    return (next(iter(found)), *found[next(iter(found))]) if len(found) == 1 else None
