"""Redaction of personal details in interview text, before anything is written.

Replaces, in this order, with typed placeholders:

==========  ==============  ===========================================================================
kind        placeholder     what is matched
==========  ==============  ===========================================================================
email       ``[EMAIL]``     ``local@domain.tld``
url         ``[URL]``       ``http(s)://…``, ``www.…`` and bare domains with a common lower-case
                            top-level domain (``mayaokafor.com/work``); file names such as ``Node.js`` or ``app.py`` are
                            not URLs (their endings are not in the TLD list)
handle      ``[HANDLE]``    social handles ``@maya.writes`` (not preceded by a word character)
phone       ``[PHONE]``     7-15 digits in groups separated by spaces, dots, dashes or parentheses,
                            optionally with ``+country``; one or two groups need 9+ digits unless
                            prefixed; year ranges (``2019-2024``) and ISO dates are left alone
name        ``[NAME]``      every entry of the researcher's redaction list (case-insensitive, whole
                            words, accent- and apostrophe-tolerant); for multi-word person names also
                            each capitalised part (first name, surname) unless ``name_parts`` is off
client      ``[CLIENT]``    redaction-list entries written ``client: Brightline Dental``
==========  ==============  ===========================================================================

Why by hand: the pipeline must not depend on a named-entity model (none is installed, and an NER model
would still miss client names and handles); a researcher-kept list plus patterns is what qualitative
researchers use and is testable. Names that are NOT on the list are not detected: the list is the
researcher's responsibility, and :func:`redaction_report` counts what was replaced so a reader sees it.

Redaction list format (``redaction_list.txt``): one entry per line; blank lines and lines starting with
``#`` are ignored; an optional ``kind:`` prefix (``name:``, ``client:``) sets the placeholder (default
``name``).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..textio import read_utf8

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "url": "[URL]",
    "handle": "[HANDLE]",
    "phone": "[PHONE]",
    "name": "[NAME]",
    "client": "[CLIENT]",
}
LIST_KINDS = ("name", "client")

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Common generic and country top-level domains. Deliberately excludes endings that are also file
# extensions in freelancers' speech (js, py, md, sh, ts, rs, go, ai is kept: it is a real web TLD).
_TLDS = (
    "com|org|net|io|co|dev|design|me|info|biz|app|studio|art|xyz|site|online|ai|tv|page|blog|shop|store|"
    "tech|cloud|agency|pro|works|website|space|live|life|world|media|digital|email|link|ink|gallery|"
    "photography|photo|travel|agency|consulting|solutions|services|work|today|uk|de|fr|es|it|nl|se|no|dk|"
    "fi|pl|pt|ch|at|be|ie|eu|in|ng|za|ke|gh|ma|eg|au|nz|ca|us|jp|cn|kr|sg|hk|tw|br|mx|ar|cl|pe|ru|ua|gr|tr"
)
_URL = re.compile(
    r"(?:(?:https?://|www\.)[^\s<>\"']+)"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?-i:" + _TLDS + r")(?![\w-])(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,15}(?:[\s.-]\d{2,6}){0,4}(?![\w,])")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*[-./]\s*(?:(?:19|20)\d\d|\d\d)$")
_ISO_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_TRAILING = ".,;:!?)]}'\"’”"
_APOSTROPHES = "'’‘`"


def _fold(text: str) -> str:
    """Strip accents (Fernández -> Fernandez)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _is_phone(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    if not 7 <= digits <= 15:
        return False
    core = candidate.strip()
    if _YEAR_RANGE.match(core) or _ISO_DATE.match(core):
        return False
    groups = re.split(r"[\s.()-]+", core.lstrip("+"))
    groups = [g for g in groups if g]
    prefixed = core.startswith("+") or "(" in core
    # one or two digit groups without +country or (area code) count only from 9 digits on, so that
    # amounts and ranges ("500-2000 words", "1000 5000") are not taken for numbers
    if len(groups) <= 2 and not prefixed and digits < 9:
        return False
    return True


@dataclass
class Redactor:
    """Apply the patterns and the name list; count replacements per kind (never stores the values)."""

    entries: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)
    name_parts: bool = True
    counts: Counter = field(default_factory=Counter)

    def __post_init__(self):
        # value -> (kind, case_sensitive); listed entries match in any case, name parts only capitalised
        terms: dict[str, tuple[str, bool]] = {}
        for kind, value in self.entries:
            value = " ".join(value.split())
            if value:
                terms[value] = (kind, False)
        for kind, value in self.entries:
            if kind == "name" and self.name_parts and len(value.split()) > 1:
                for part in value.split():
                    if len(part) >= 3 and part[:1].isupper() and part not in terms:
                        terms[part] = ("name", True)
        self._list_patterns: list[tuple[str, re.Pattern]] = []
        for value in sorted(terms, key=len, reverse=True):  # longest first: "Maya Okafor" before "Maya"
            kind, case_sensitive = terms[value]
            variants = sorted({value, _fold(value)}, key=len, reverse=True)
            alts = "|".join(self._term_regex(v) for v in variants)
            flags = 0 if case_sensitive else re.IGNORECASE
            self._list_patterns.append((kind, re.compile(rf"(?<![\w@])(?:{alts})(?!\w)", flags)))

    @staticmethod
    def _term_regex(value: str) -> str:
        out = []
        for ch in value:
            if ch in _APOSTROPHES:
                out.append(f"[{_APOSTROPHES}]")
            elif ch.isspace():
                out.append(r"\s+")
            else:
                out.append(re.escape(ch))
        return "".join(out)

    def _sub(self, pattern: re.Pattern, kind: str, text: str, check=None) -> str:
        placeholder = PLACEHOLDERS[kind]

        def repl(match: re.Match) -> str:
            found = match.group(0)
            tail = ""
            if kind in ("url", "email", "handle"):
                stripped = found.rstrip(_TRAILING)
                tail, found = found[len(stripped):], stripped
                if not found or (kind == "handle" and len(found) < 2):
                    return match.group(0)
            if check is not None and not check(found):
                return match.group(0)
            self.counts[kind] += 1
            return placeholder + tail

        return pattern.sub(repl, text)

    def __call__(self, text: str) -> str:
        """Return ``text`` with every personal detail replaced by its placeholder."""
        if not text:
            return text
        text = self._sub(_EMAIL, "email", text)
        text = self._sub(_URL, "url", text)
        text = self._sub(_HANDLE, "handle", text)
        text = self._sub(_PHONE, "phone", text, check=_is_phone)
        for kind, pattern in self._list_patterns:
            text = self._sub(pattern, kind, text)
        return text


def read_redaction_list(path: str | Path | None) -> list[tuple[str, str]]:
    """Read the researcher's redaction list: ``[(kind, value), ...]`` (kind ``name`` or ``client``).

    A missing path (``None`` or empty string) means no list; a path that does not exist is an error,
    because silently redacting nothing would leak the names the researcher meant to remove.
    """
    if path is None or str(path) == "":
        return []
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"{path}: redaction list not found; create it (one name per line) or set "
            f"interviews.redaction_list to the right file"
        )
    text = read_utf8(path, "re-save the redaction list as UTF-8 (e.g. iconv -f latin1 -t utf-8)")
    entries = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind = "name"
        m = re.match(r"^([A-Za-z]+)\s*:\s*(.+)$", line)
        if m and m.group(1).lower() in LIST_KINDS:
            kind, line = m.group(1).lower(), m.group(2).strip()
        elif m and m.group(1).lower() in PLACEHOLDERS:
            raise InputError(
                f"{path}: line {lineno}: kind '{m.group(1)}' is found by pattern, not by list; "
                f"list only names (name: or no prefix) and clients (client:)"
            )
        if len(line) < 2:
            raise InputError(f"{path}: line {lineno}: entry shorter than 2 characters; remove it")
        entries.append((kind, line))
    return entries


def make_redactor(redaction_list: str | Path | None, name_parts: bool = True) -> Redactor:
    """A :class:`Redactor` for the list at ``redaction_list`` (may be ``None``)."""
    return Redactor(read_redaction_list(redaction_list), name_parts=name_parts)


def redaction_report(redactor: Redactor) -> dict:
    """Counts of replacements per kind (all kinds present, zero if none) and the list size."""
    return {
        "replacements": {kind: int(redactor.counts.get(kind, 0)) for kind in PLACEHOLDERS},
        "n_list_entries": len(redactor.entries),
    }
