"""Redaction of personal details in interview text (and kept open-ended survey answers), before anything
is written.

Replaces, with typed placeholders:

==========  ==============  ===========================================================================
kind        placeholder     what is matched
==========  ==============  ===========================================================================
email       ``[EMAIL]``     ``local@domain.tld`` (Presidio's EmailRecognizer) and obfuscated forms:
                            ``name[at]gmail[dot]com``, ``name (at) gmail (dot) com``, ``name at gmail dot com``
url         ``[URL]``       ``http(s)://…``, ``www.…``, and bare domains ending in any public suffix
                            (``mayaokafor.com/work``, ``MyPortfolio.COM``, ``bit.ly/x``); file names such as
                            ``Node.js`` or ``app.py`` are not URLs; allow-listed tools (``Otter.ai``) stay
handle      ``[HANDLE]``    social handles ``@maya.writes`` (not preceded by a word character)
phone       ``[PHONE]``     Presidio's PhoneRecognizer (libphonenumber) for every region of
                            ``phone_regions``, plus phone-shaped digit groups it rejects as invalid
address     ``[ADDRESS]``   a house number with a street word, in English, Romance, Polish, German, Dutch
                            and Scandinavian order (``221B Baker Street``, ``7 rue de Rivoli``,
                            ``Calle Mayor 10``, ``Hauptstraße 5``); UK and Canadian post codes, PO boxes
name        ``[NAME]``      every entry of the researcher's redaction list, in any case, accent- and
                            apostrophe-tolerant, with a possessive (``Kowalczyk's``) and across hyphens
                            (``Kowalczyk-Nowak``); for multi-word or hyphenated names also each part alone
                            (first name, surname, each half) unless ``name_parts`` is off; a part that is an
                            English word (``Will``) only when capitalised
client      ``[CLIENT]``    redaction-list entries written ``client: Brightline Dental``
==========  ==============  ===========================================================================

Structured details come from Microsoft Presidio's analyzer (:mod:`.redact_patterns`): it runs without any
language model (a blank spaCy tokenizer; nothing is downloaded). Overlapping findings are merged, so no part
of a detail survives next to its placeholder (no ``[PHONE] 0199``).

Names NOT on the list are not redacted: no named-entity model is installed. Instead the redactor collects
*candidate names* - capitalised words that are not on the list, not allow-listed, not English dictionary
words (the ``web2`` list of the ``english-words`` package, without the words it also lists as proper nouns)
and never written in lower case in the same transcripts - for the review file
``name_candidates.csv`` (:func:`name_candidates`): the researcher adds the real names to the list and
re-runs. :func:`redaction_report` counts what was replaced and how many candidates were found, never values.

Redaction list format (``redaction_list.txt``): one entry per line; blank lines and lines starting with
``#`` are ignored; an optional ``kind:`` prefix (``name:``, ``client:``) sets the placeholder (default
``name``).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from ..errors import InputError
from ..textio import read_utf8
from .redact_patterns import TRAILING

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "url": "[URL]",
    "handle": "[HANDLE]",
    "phone": "[PHONE]",
    "address": "[ADDRESS]",
    "name": "[NAME]",
    "client": "[CLIENT]",
}
LIST_KINDS = ("name", "client")
_TRIMMED_KINDS = ("url", "email", "handle", "address")
# the name particles that are not redacted on their own (part of "Ana de la Cruz", "Jan van Dijk")
_PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "des", "la", "le", "les", "van", "von",
              "der", "den", "ter", "ten", "al", "el", "bin", "binti", "ibn", "bint", "y", "e", "mc", "st"}
_CANDIDATE_TOKEN = re.compile(r"(?<![\w\[@.'])[^\W\d_]+(?:['-][^\W\d_]+)*(?![\w@])")
_ACRONYM = re.compile(r"^[A-Z]{2,5}s?$")  # ADHD, ASMR, LLMs: not names (a name in capitals is listed, or long)
# regular inflections: (ending, replacement, what the stem must end with) - "James" is not jam + es
_INFLECTIONS = (("ies", "y", ""), ("ied", "y", ""), ("es", "", ("s", "x", "z", "ch", "sh", "o")), ("s", "", ""),
                ("ed", "", ""), ("d", "", "e"), ("ing", "", ""), ("ing", "e", ""))
_CONTRACTION = re.compile(r"'(?:s|m|d|ve|ll|re|t)?$", re.IGNORECASE)
_HYPHENS = "‐‑‒–"
_APOSTROPHES = "’‘`´"


@functools.cache
def config_defaults() -> dict:
    """The defaults of ``interviews.redaction`` (the schema is their one source)."""
    from ..config import load_schema

    props = load_schema("config_interviews.schema.yaml")["properties"]["redaction"]["properties"]
    return {key: spec["default"] for key, spec in props.items()}


@functools.cache
def _web2() -> tuple[frozenset[str], frozenset[str]]:
    from english_words import get_english_words_set

    web2 = get_english_words_set(["web2"], lower=False)
    common = frozenset(w for w in web2 if w.islower())
    proper = frozenset(w.lower() for w in web2 if not w.islower())
    return common, proper


def english_words() -> frozenset[str]:
    """Lower-case English words: the entries of the web2 word list (``english-words`` package) written in
    lower case (will, grace, maya). Kept in memory only; never written anywhere."""
    return _web2()[0]


@functools.cache
def dictionary_words() -> frozenset[str]:
    """The English words that are not also names: :func:`english_words` minus those web2 also lists
    capitalised as proper nouns (``maya`` and ``Maya`` are both there, so Maya stays a possible name)."""
    common, proper = _web2()
    return common - proper


@functools.cache
def _calendar_and_country_names() -> frozenset[str]:
    """Days, months (``calendar``) and country names (libphonenumber's English region names): capitalised
    words that are not names of people."""
    import calendar

    from phonenumbers.geocoder import LOCALE_DATA

    names = {n.lower() for n in list(calendar.day_name) + list(calendar.month_name) if n}
    for region in LOCALE_DATA.values():
        name = region.get("en", "")
        if name.startswith("*"):  # "*aa": the same name as that locale's
            name = region.get(name[1:], "")
        names.update(w.lower() for w in re.split(r"[\s,()&.-]+", name) if len(w) > 3)
    return frozenset(names - {"jordan", "chad", "georgia", "israel"})  # also given names


@functools.cache
def _non_names() -> frozenset[str]:
    """Words that are not candidate names: the dictionary, day, month and country names (built once)."""
    return dictionary_words() | _calendar_and_country_names()


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in _APOSTROPHES:
        return "'"
    if c in _HYPHENS:
        return "-"
    base = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Accents stripped (Fernández -> Fernandez), curly apostrophes and dashes made plain; the same length as
    ``text`` (character for character), so spans found in the folded text apply to the original."""
    return text if text.isascii() else "".join(_fold_char(c) for c in text)


def _name_parts(value: str) -> list[str]:
    return [p for p in re.split(r"[\s-]+", value) if p]


def _term_regex(value: str) -> str:
    """A folded entry as a regex: whitespace and hyphens between its words interchangeable."""
    return r"(?:\s+|\s*-\s*)".join(re.escape(p) for p in _name_parts(value))


class Redactor:
    """Find personal details with Presidio and the researcher's list; replace them with placeholders.

    ``entries``: ``[(kind, value)]`` from :func:`read_redaction_list`. ``allow``: tool and product names kept
    (default: the schema's ``interviews.redaction.allow``). ``phone_regions`` / ``phone_leniency``: see the
    schema. ``counts`` counts replacements per kind (never the values). Calling with ``source=`` (a
    participant id) also collects candidate names for the review file (:meth:`name_candidates`).
    """

    def __init__(self, entries=(), name_parts: bool = True, allow=None, phone_regions=None,
                 phone_leniency: int | None = None):
        defaults = config_defaults()
        self.entries = list(entries)
        self.name_parts = name_parts
        self.allow = list(defaults["allow"] if allow is None else allow)
        self.phone_regions = tuple(defaults["phone_regions"] if phone_regions is None else phone_regions)
        self.phone_leniency = int(defaults["phone_leniency"] if phone_leniency is None else phone_leniency)
        self._check_phone_settings()
        self.counts: Counter = Counter()
        self._allowed = {self._allow_key(a) for a in self.allow}
        self._list_patterns = self._compile_list()
        self._listed_words = {w.lower() for _, v in self.entries for w in _name_parts(fold(v))}
        self._candidates: Counter = Counter()
        self._candidate_sources: dict[str, set] = defaultdict(set)
        self._seen_lower: set[str] = set()

    # ------------------------------------------------------------------ set-up
    def _check_phone_settings(self) -> None:
        import phonenumbers

        unknown = [r for r in self.phone_regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise InputError(f"config/config.yaml: key 'interviews.redaction.phone_regions': {unknown[0]!r} is not "
                             f"a region libphonenumber knows; use ISO 3166 two-letter codes such as GB, DE, IN")
        if not 0 <= self.phone_leniency <= 3:
            raise InputError("config/config.yaml: key 'interviews.redaction.phone_leniency' must be 0, 1, 2 or 3")

    def _compile_list(self) -> list[tuple[str, re.Pattern]]:
        # folded term -> (kind, case-insensitive?); whole entries match in any case; name parts too, unless
        # the part is an English word (Will, Grace), which then only matches capitalised or in capitals
        terms: dict[str, tuple[str, bool]] = {}
        for kind, value in self.entries:
            value = fold(" ".join(value.split()))
            if value:
                terms[value] = (kind, True)
        if self.name_parts:
            words = english_words()
            for kind, value in self.entries:
                value = fold(" ".join(value.split()))
                parts = _name_parts(value)
                if kind != "name" or len(parts) < 2:
                    continue
                for part in parts:
                    if part in terms or len(part) < 2 or part.lower() in _PARTICLES or not part[0].isalpha():
                        continue
                    terms[part] = ("name", part.lower() not in words and len(part) > 2)
                # a surname with its particles: "Van der Berg", "de la Cruz" (any case)
                words_only = value.split()
                for i in range(1, len(words_only) - 1):
                    tail = " ".join(words_only[i:])
                    if words_only[i].lower() in _PARTICLES and tail not in terms:
                        terms[tail] = ("name", True)
        # one alternation per kind and case rule, longest term first ("Maya Okafor" before "Maya"); the
        # hyphen-joined capitalised words on either side belong to the name: "Kowalczyk-Nowak", "Anne-Marta"
        groups: dict[tuple[str, bool], list[str]] = defaultdict(list)
        for value in sorted(terms, key=lambda v: (-len(v), v)):
            kind, any_case = terms[value]
            if any_case:
                groups[kind, True].append(_term_regex(value))
            else:
                variants = sorted({value, value[:1].upper() + value[1:], value.upper()}, key=lambda v: (-len(v), v))
                groups[kind, False].extend(_term_regex(v) for v in variants)
        # (lazy before: "Anne-Sophie Van der Berg" is tried whole before "Anne-" + "Sophie")
        before, after = r"(?:(?-i:[A-Z][A-Za-z']*)-)*?", r"(?:-(?-i:[A-Z][A-Za-z']*))*"
        return [(kind, re.compile(rf"(?<![\w@]){before}(?:{'|'.join(alts)}){after}(?:s(?='))?(?!\w)",
                                  re.IGNORECASE if any_case else 0))
                for (kind, any_case), alts in sorted(groups.items())]

    @staticmethod
    def _allow_key(text: str) -> str:
        text = text.strip().rstrip(TRAILING).lower()
        text = re.sub(r"^(?:https?://)?(?:www\.)?", "", text).rstrip("/")
        return text.lstrip("@")

    # ------------------------------------------------------------------ finding
    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        from .redact_patterns import find

        spans = []
        for start, end, kind in find(text, self.phone_regions, self.phone_leniency):
            found = text[start:end]
            if kind in _TRIMMED_KINDS:
                stripped = found.rstrip(TRAILING)
                # keep a closing bracket that belongs to the match: "(at)" of an obfuscated e-mail is inside
                end = start + len(stripped)
                found = stripped
                if not found or (kind == "handle" and len(found) < 2):
                    continue
            if kind in ("url", "handle", "email") and self._allow_key(found) in self._allowed:
                continue
            spans.append((start, end, kind))
        folded = fold(text)
        for kind, pattern in self._list_patterns:
            spans.extend((m.start(), m.end(), kind) for m in pattern.finditer(folded))
        return spans

    @staticmethod
    def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Overlapping spans become one, of the kind of its longest member (an e-mail holding a listed name is
        one [EMAIL]); what survives between two placeholders is never part of a detail."""
        out: list[list] = []
        for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
            if out and start < out[-1][1]:
                last = out[-1]
                if end - start > last[3]:
                    last[2], last[3] = kind, end - start
                last[1] = max(last[1], end)
            else:
                out.append([start, end, kind, end - start])
        return [(s, e, k) for s, e, k, _ in out]

    def __call__(self, text: str, source: str | None = None) -> str:
        """Return ``text`` with every personal detail replaced by its placeholder. With ``source`` (a
        participant id), the redacted text's capitalised words are collected as candidate names."""
        if not text or not text.strip():
            return text
        pieces, pos = [], 0
        for start, end, kind in self._merge(self._spans(text)):
            pieces.append(text[pos:start])
            pieces.append(PLACEHOLDERS[kind])
            self.counts[kind] += 1
            pos = end
        pieces.append(text[pos:])
        out = "".join(pieces)
        if source is not None:
            self._collect(out, source)
        return out

    # ------------------------------------------------------------------ candidate names
    def _collect(self, redacted: str, source: str) -> None:
        for m in _CANDIDATE_TOKEN.finditer(fold(redacted)):
            for token in m.group(0).split("-"):
                token = _CONTRACTION.sub("", token)
                if len(token) < 2:
                    continue
                if token.islower():
                    self._seen_lower.add(token)
                elif token[0].isupper() and not _ACRONYM.match(token):
                    self._candidates[token] += 1
                    self._candidate_sources[token].add(source)

    def name_candidates(self) -> list[dict]:
        """Capitalised words seen in the transcripts (after redaction) that may be names not on the list:
        not dictionary words, never written in lower case there, not allow-listed. ``[{token, count,
        participant_ids}]``, most frequent first. For the review file only: never written to results/."""
        words = _non_names()
        allowed = {a.lower() for a in self.allow} | {w.lower() for a in self.allow for w in re.split(r"[\s.]+", a)}
        rows = []
        for token, count in self._candidates.items():
            low = token.lower()
            if _is_word(low, words) or low in self._seen_lower or low in allowed or low in self._listed_words:
                continue
            rows.append({"token": token, "count": int(count),
                         "participant_ids": ";".join(sorted(self._candidate_sources[token]))})
        return sorted(rows, key=lambda r: (-r["count"], r["token"]))


def _is_word(low: str, words: frozenset[str]) -> bool:
    """``low`` or its stem is a dictionary word: web2 lists base forms only (photograph, not Photographed)."""
    if low in words:
        return True
    for ending, repl, stem_end in _INFLECTIONS:
        stem = low[: -len(ending)]
        if low.endswith(ending) and len(stem) >= 3 and stem.endswith(stem_end) and stem + repl in words:
            if ending == "s" and stem.endswith("s"):
                continue
            return True
    return False


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


def make_redactor(redaction_list: str | Path | None, name_parts: bool = True, allow=None, phone_regions=None,
                  phone_leniency: int | None = None) -> Redactor:
    """A :class:`Redactor` for the list at ``redaction_list`` (may be ``None``) and the options of
    ``interviews.redaction`` (``None`` = the schema default). ``make_redactor(path, **config["interviews"]
    ["redaction"])`` passes them all."""
    return Redactor(read_redaction_list(redaction_list), name_parts=name_parts, allow=allow,
                    phone_regions=phone_regions, phone_leniency=phone_leniency)


def redaction_report(redactor: Redactor) -> dict:
    """Counts of replacements per kind (all kinds present, zero if none), the list size and the number of
    candidate names for review (never the names)."""
    return {
        "replacements": {kind: int(redactor.counts.get(kind, 0)) for kind in PLACEHOLDERS},
        "n_list_entries": len(redactor.entries),
        "n_name_candidates": len(redactor.name_candidates()),
    }
