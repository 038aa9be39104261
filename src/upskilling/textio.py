"""Reading text files the researcher supplies (transcripts, redaction list, human coding): UTF-8, an
optional byte-order mark, and a one-line error naming the file, line and byte, and what to do, for a
NUL byte (UTF-16 or binary) or bytes that are not UTF-8. The one decoder of the package.

Python's ``str.decode`` does the decoding; what no library does is the message in the project's voice
(file, line, byte, fix), so that part is written here once.
"""
from __future__ import annotations

from pathlib import Path

from .errors import InputError

BOM = b"\xef\xbb\xbf"


def read_utf8(path: str | Path, fix: str) -> str:
    """The text of ``path`` (UTF-8, byte-order mark removed). ``fix`` ends the error message, e.g.
    "re-save the redaction list as UTF-8 (e.g. iconv -f latin1 -t utf-8)".

    Raises :class:`InputError` ``"<path>: line L (byte B) is a NUL byte (a UTF-16 or binary file?); <fix>"``
    or ``"<path>: line L (byte B) is not UTF-8; <fix>"`` (B counted from the start of the file).
    """
    path = Path(path)
    raw = path.read_bytes()
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: line {_line(raw, nul)} (byte {nul}) is a NUL byte (a UTF-16 or binary file?); {fix}")
    skip = len(BOM) if raw.startswith(BOM) else 0
    try:
        return raw[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + skip
        raise InputError(f"{path}: line {_line(raw, at)} (byte {at}) is not UTF-8; {fix}") from None


def _line(raw: bytes, at: int) -> int:
    return raw.count(b"\n", 0, at) + 1
