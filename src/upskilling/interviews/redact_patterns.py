"""The pattern side of redaction: Presidio recognizers for structured personal details.

Built on Microsoft Presidio's analyzer (``presidio-analyzer``) without any language model:

* :class:`~presidio_analyzer.AnalyzerEngine` runs with a ``SlimSpacyNlpEngine`` on ``spacy.blank("en")``
  (``model_name: "blank:en"``, ``auto_download=False``): a tokenizer only, no trained pipeline is loaded or
  downloaded, and no recognizer here needs named entities.
* Presidio's own recognizers: ``PhoneRecognizer`` (Google's libphonenumber via ``phonenumbers``: every
  region of ``phone_regions`` at the configured leniency, so national formats such as ``030 1234567`` or
  ``0171 5550199`` are found as well as ``+country`` ones), ``EmailRecognizer`` (validated against the
  Public Suffix List that ``tldextract`` bundles: never fetched), ``UrlRecognizer``.
* Our own :class:`~presidio_analyzer.PatternRecognizer` patterns, below: handles (``@name``), street
  addresses (number + street word in English and French order; street word + number in Spanish, Italian,
  Portuguese and Polish; German, Dutch and Scandinavian compounds ``…straße 5``, ``…straat 12``,
  ``…gatan 3`` and ``Am Markt 3``; UK and Canadian post codes, ``PO Box 12``), bare domains with any
  top-level domain of the Public Suffix List (``zara.studio/work``, ``MyPortfolio.COM``), ``http(s)://``
  and ``www.`` addresses.
* Two :class:`~presidio_analyzer.LocalRecognizer` subclasses: obfuscated e-mails (``name[at]gmail[dot]com``,
  ``name (at) gmail (dot) com``, ``name at gmail dot com``; matched at every start, so that an invalid
  match from "me at ..." cannot hide the real one) and :class:`PhoneDigitsRecognizer`, a safety net for
  phone-shaped digit groups that libphonenumber rejects as not valid (fictional ``555`` numbers,
  transcription slips): 7+ digits in groups separated by one space, dot or dash, with ``+country`` or
  ``(area)``, or 9+ digits, or 3+ groups, or a 7-digit ``555-0199`` after a phone word; year ranges,
  ISO dates, lists of years and thousands (``1 000 000``) are not numbers.

The recognizers return spans; :mod:`.redact` merges overlapping spans and writes the placeholders.
"""
from __future__ import annotations

import functools
import logging
import re

# Presidio logs each engine set-up at INFO; the pipeline's logs stay about the pipeline
logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)

# entity type (Presidio's or ours) -> placeholder kind of :mod:`.redact`
ENTITY_KINDS = {
    "PHONE_NUMBER": "phone",
    "PHONE_DIGITS": "phone",
    "EMAIL_ADDRESS": "email",
    "EMAIL_OBFUSCATED": "email",
    "URL": "url",
    "DOMAIN": "url",
    "HANDLE": "handle",
    "STREET_ADDRESS": "address",
}

# Bare "name.ext" (no scheme, no www., no path) whose ending is a public suffix but far more often a file
# extension in freelancers' speech: app.py, README.md, build.sh, main.rs, photo.ps
FILE_ENDINGS = {"py", "md", "sh", "rs", "ps"}
#: punctuation that ends a sentence around a detail, not part of it (stripped before a domain is checked)
TRAILING = ".,;:!?)]}'\"’”"

_AT = r"(?:\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*|\s+at\s+|\s+@\s+|@)"  # "@" alone: plain, or after a [dot]
_DOT = r"(?:\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+|\.)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_OBFUSCATED = (
    rf"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9_%+-]*(?:{_DOT}[A-Za-z0-9_%+-]+)*"
    rf"{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[A-Za-z]{{2,24}}(?![\w-])"
)
HANDLE = r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?"
URL_SCHEME = r"(?:\b(?:https?|ftp)://|(?<![\w.-])www\.)[^\s<>\"']+"
DOMAIN = (
    rf"(?<![\w@.-])(?:{_LABEL}\.)+[A-Za-z]{{2,24}}(?![\w-])(?::\d{{2,5}})?(?:/[^\s<>\"']*)?"
)

# street words that follow the name (English): "221B Baker Street", "12 Elm St.", "1600 Pennsylvania Ave NW"
_EN_STREET = (
    "Street|St|Road|Rd|Avenue|Ave|Av|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Terrace|Terr|"
    "Way|Close|Crescent|Cres|Parkway|Pkwy|Highway|Hwy|Row|Mews|Gardens|Grove|Hill|Walk|Wharf|Loop|Circle|Cir|"
    "Trail|Trl|Park|Quay|Parade|Esplanade|Embankment|Broadway|Alley|Plaza|Green|Rise|View|Vale|Gate|Yard"
)
# street words that come before the name (Romance languages, Polish): "7 rue de Rivoli", "Calle Mayor 10"
_PRE_STREET = (
    "rue|avenue|av|boulevard|bd|bvd|place|chemin|allée|allee|impasse|quai|cours|calle|c/|avenida|avda|paseo|"
    "plaza|carrer|camino|carretera|rua|travessa|largo|praça|praca|alameda|estrada|via|viale|piazza|piazzale|"
    "corso|vicolo|strada|ul|ulica|aleja|plac|osiedle|rynek"
)
# French addresses put the number first: "7 rue de Rivoli" (not "3 via LinkedIn")
_FR_STREET = "rue|avenue|av|boulevard|bd|bvd|place|chemin|allée|allee|impasse|quai|cours|route"
# the same words capitalised, where the street word opens the address ("Via Roma 12", not "via Upwork 3");
# Polish "ul." is written in lower case
_PRE_STREET_FIRST = "|".join(w.capitalize() for w in _PRE_STREET.split("|")) + "|ul|C/"
_PARTICLES = r"(?:(?:de|du|des|la|le|les|del|della|delle|dei|degli|di|da|do|dos|das|d['’]|l['’]|y|e|i)\s*)"
_NAME_WORD = r"[A-ZÀ-Þ0-9][\w'’.-]*"
# compound street names (German, Dutch, Scandinavian): "Hauptstraße 5", "Keizersgracht 123", "Drottninggatan 3"
_COMPOUND = (
    "straße|strasse|str\\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad|markt|"
    "straat|laan|gracht|plein|kade|singel|dijk|"
    "gatan|gata|vägen|vagen|gränd|torget|gade|vej|veien|veg|gaten"
)
_NUMBER = r"\d{1,5}[A-Za-z]?(?:\s?[-/]\s?\d{1,5}[A-Za-z]?)?"
STREET_ADDRESS = [
    # number first, English street word last; the words between are capitalised (or numbered: "5th")
    rf"(?<![\w.,])(?-i:{_NUMBER}),?\s+(?-i:(?:{_NAME_WORD}\s+){{1,4}}(?:{_EN_STREET}))\b\.?"
    rf"(?:\s+(?-i:N|S|E|W|NE|NW|SE|SW)\b)?",
    # number first, French street word next: "7 rue de la Paix", "12, avenue des Champs-Élysées"
    rf"(?<![\w.,]){_NUMBER},?\s+(?:{_FR_STREET})\.?\s+{_PARTICLES}*(?-i:{_NAME_WORD})(?:\s+(?-i:{_NAME_WORD})){{0,3}}",
    # Romance/Polish street word first, number after: "Calle Mayor 10", "Via Roma 12", "ul. Długa 5",
    # "Avenida Paulista, 1578", "Rua Augusta nº 100"
    rf"(?<![\w])(?-i:{_PRE_STREET_FIRST})\.?\s+{_PARTICLES}*(?-i:{_NAME_WORD})(?:\s+{_PARTICLES}*(?-i:{_NAME_WORD})){{0,3}}"
    rf",?\s+(?:n[º°o.]\s*)?(?-i:{_NUMBER})(?![\w])",
    # Germanic compounds: "Hauptstraße 5", "Musterstr. 12a", "Berliner Straße 12", "Am Markt 3"
    rf"(?<![\w])(?-i:[A-ZÄÖÜÅÆØ][\wäöüßåæø-]*)(?:{_COMPOUND})\s*(?-i:{_NUMBER})(?![\w])",
    rf"(?<![\w])(?-i:[A-ZÄÖÜ][\wäöüß-]+)\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Markt)"
    rf"\s*(?-i:{_NUMBER})(?![\w])",
    # German streets named with a preposition: "Am Markt 3", "Unter den Linden 77", "Zur Alten Mühle 2"
    rf"(?<![\w])(?-i:(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Unter den|Zum|Zur|Hinter der|Vor dem)"
    rf"(?:\s+[A-ZÄÖÜ][\wäöüß-]+){{1,2}})\s+(?-i:{_NUMBER})(?![\w])",
    # post codes: UK ("SW1A 2AA"), Canada ("K1A 0B1"), and "PO Box 123"
    r"(?<![\w])(?-i:[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})(?![\w])",
    r"(?<![\w])(?-i:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d)(?![\w])",
    r"(?<![\w])P\.?\s?O\.?\s+Box\s+\d{1,6}(?![\w])",
]

DIGIT_RUN = re.compile(r"(?<![\w+.,-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d+(?:[\s.-]\(?\d+\)?)*")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_ISO_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*[-./]\s*(?:(?:19|20)\d\d|\d\d)$")


def phone_shaped(candidate: str) -> bool:
    """True for a digit run that is read as a phone number (see the module docstring)."""
    core = candidate.strip()
    digits = sum(c.isdigit() for c in core)
    if digits < 7:
        return False
    if _YEAR_RANGE.match(core) or _ISO_DATE.match(core):
        return False
    groups = [g for g in re.split(r"[\s.()-]+", core.lstrip("+")) if g]
    prefixed = core.startswith("+") or "(" in core
    if not prefixed:
        if all(_YEAR.match(g) for g in groups):  # "2019 2020 2021 2022"
            return False
        # thousands: "1 000 000", "12.500.000" (a head of 1-3 digits not starting with 0, then 3-digit groups)
        if len(groups) > 1 and len(groups[0]) <= 3 and not groups[0].startswith("0") \
                and all(len(g) == 3 for g in groups[1:]):
            return False
        # one or two groups count only from 9 digits on: amounts and ranges ("500-2000", "1500 2000")
        if len(groups) <= 2 and digits < 9:
            return False
    return True


_PHONE_CONTEXT = re.compile(r"\b(?:call|calls|called|calling|ring|phone|number|mobile|cell|tel|text|texts|"
                            r"whatsapp|signal|reach|fax|line|dial|extension|ext)\b\W*(?:\w+\W+){0,3}$", re.I)
_LOCAL_NUMBER = re.compile(r"^\d{3}[\s.-]\d{4}$")


def _digit_runs(text: str):
    """(start, end) of every phone-shaped digit run; a run of several numbers is split before a group that
    starts a new one (``+``, ``(`` or a trunk ``0``) when each part is phone-shaped on its own. A 7-digit
    local number (``555-0199``) counts only after a phone word (call, number, text me on ...)."""
    for m in DIGIT_RUN.finditer(text):
        start, run = m.start(), m.group(0)
        while run.endswith(")") and run.count(")") > run.count("("):  # "(555-0199)": the bracket is the text's
            run = run[:-1]
        if phone_shaped(run) or (_LOCAL_NUMBER.match(run) and _PHONE_CONTEXT.search(text[max(0, start - 40):start])):
            yield start, start + len(run)
            continue
        # the whole run is not a number: try its parts (each starting at +, ( or 0)
        cuts = [0] + [g.start() for g in re.finditer(r"(?<=[\s.-])[+(0]", run)] + [len(run)]
        for a, b in zip(cuts, cuts[1:]):
            part = run[a:b].rstrip(" .-")
            if phone_shaped(part):
                yield start + a, start + a + len(part)


@functools.lru_cache(maxsize=1)
def suffix_extractor():
    """tldextract on its bundled Public Suffix List snapshot: no download, no cache written."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


def is_domain(text: str) -> bool:
    """``text`` (``host[:port][/path]``) ends in a public suffix, has a name before it, and is not a bare
    file name (``app.py``); the suffix is written in one case (``hello.It`` is a missing space)."""
    host = re.split(r"[/:]", text, maxsplit=1)[0]
    parts = suffix_extractor()(host)
    if not parts.suffix or not parts.domain:
        return False
    last = host.rsplit(".", 1)[-1]
    if not (last.islower() or last.isupper()):
        return False
    bare = host == text and not parts.subdomain
    return not (bare and last.lower() in FILE_ENDINGS)


_SPOKEN_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
_ANY_AT = re.compile(r"\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*|\s+at\s+|\s*@\s*", re.IGNORECASE)
_ANY_DOT = re.compile(r"\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+", re.IGNORECASE)


def obfuscated_email_ok(found: str) -> bool:
    """An obfuscated e-mail whose domain ends in a public suffix; with a spoken " at ", the part before it
    must not be an English word ("find me at maya.studio" is a site, "maya at gmail dot com" an e-mail)."""
    parts = _ANY_AT.split(found)
    if len(parts) != 2:
        return False
    local, domain = (_ANY_DOT.sub(".", p) for p in parts)
    if not suffix_extractor()(domain).suffix:
        return False
    if _SPOKEN_AT.search(found) and "." not in local and not re.search(r"[\d_+%]", local):
        from .redact import dictionary_words

        return local.lower() not in dictionary_words()
    return True


@functools.lru_cache(maxsize=8)
def analyzer(phone_regions: tuple[str, ...], phone_leniency: int):
    """The Presidio :class:`AnalyzerEngine` with our recognizers (one per region set and leniency).

    Presidio is imported without ``transformers`` and ``torch`` (:func:`upskilling.imports.absent`): its
    optional Transformers engine and its GPU probe, unused by these recognizers, cost about 5 of every
    ingest job's 8 s. spaCy's blank English tokenizer needs neither (thinc then records torch as absent).
    """
    from ..imports import absent

    with absent("transformers", "torch"):
        from presidio_analyzer import AnalyzerEngine, LocalRecognizer, Pattern, PatternRecognizer
        from presidio_analyzer import RecognizerRegistry, RecognizerResult
        from presidio_analyzer.nlp_engine import SlimSpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer, UrlRecognizer

    flags = re.DOTALL | re.MULTILINE | re.IGNORECASE

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's e-mail pattern, validated on the bundled suffix list (Presidio's own check would try
        to download the list)."""

        def validate_result(self, pattern_text: str):
            return bool(suffix_extractor()(pattern_text.rsplit("@", 1)[-1]).suffix)

    class ObfuscatedEmailRecognizer(LocalRecognizer):
        """:data:`EMAIL_OBFUSCATED` at every start (overlapping: in "me at maya dot okafor at gmail dot com"
        an invalid match from "me" must not hide the real one), validated by :func:`obfuscated_email_ok`."""

        pattern = None

        def load(self) -> None:
            import regex

            self.pattern = regex.compile(EMAIL_OBFUSCATED, regex.IGNORECASE)

        def analyze(self, text, entities, nlp_artifacts=None):
            return [RecognizerResult("EMAIL_OBFUSCATED", m.start(), m.end(), 0.6)
                    for m in self.pattern.finditer(text, overlapped=True, timeout=60)
                    if obfuscated_email_ok(m.group(0))]

    class DomainRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str):
            return is_domain(pattern_text.rstrip(TRAILING))

    class PhoneDigitsRecognizer(LocalRecognizer):
        """Phone-shaped digit runs (see :func:`phone_shaped`)."""

        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            return [RecognizerResult("PHONE_DIGITS", a, b, 0.5) for a, b in _digit_runs(text)]

    recognizers = [
        PhoneRecognizer(supported_regions=phone_regions, leniency=phone_leniency),
        PhoneDigitsRecognizer(supported_entities=["PHONE_DIGITS"], name="PhoneDigitsRecognizer"),
        OfflineEmailRecognizer(),
        UrlRecognizer(),
        ObfuscatedEmailRecognizer(supported_entities=["EMAIL_OBFUSCATED"], name="ObfuscatedEmailRecognizer"),
        PatternRecognizer(supported_entity="HANDLE", name="HandleRecognizer",
                          patterns=[Pattern("handle", HANDLE, 0.6)], global_regex_flags=flags),
        PatternRecognizer(supported_entity="URL", name="SchemeUrlRecognizer",
                          patterns=[Pattern("scheme or www url", URL_SCHEME, 0.6)], global_regex_flags=flags),
        DomainRecognizer(supported_entity="DOMAIN", name="DomainRecognizer",
                         patterns=[Pattern("bare domain", DOMAIN, 0.5)], global_regex_flags=flags),
        PatternRecognizer(supported_entity="STREET_ADDRESS", name="StreetAddressRecognizer",
                          patterns=[Pattern(f"street address {i}", p, 0.6) for i, p in enumerate(STREET_ADDRESS)],
                          global_regex_flags=flags),
    ]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    nlp = SlimSpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank:en"}], auto_download=False)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def is_date_or_years(text: str) -> bool:
    """A year range, a date or a list of years (``2019-2024``, ``2026-02-11``): valid phone numbers in
    some regions (Denmark's 8 digits), never read as one here."""
    core = text.strip()
    groups = [g for g in re.split(r"[\s.()-]+", core) if g]
    return bool(_YEAR_RANGE.match(core) or _ISO_DATE.match(core)) or (
        not core.startswith("+") and all(_YEAR.match(g) for g in groups))


def find(text: str, phone_regions: tuple[str, ...], phone_leniency: int) -> list[tuple[int, int, str]]:
    """``[(start, end, kind)]`` of every structured detail Presidio finds in ``text`` (may overlap). A phone
    number that is a date is dropped; so is a URL without scheme, ``www.`` or path that is not
    :func:`is_domain` (Presidio's URL pattern takes ``app.py`` for a Paraguayan domain)."""
    entities = list(ENTITY_KINDS)
    if sum(c.isdigit() for c in text) < 7:  # no phone number possible: spare the 50 libphonenumber passes
        entities = [e for e in entities if ENTITY_KINDS[e] != "phone"]
    results = analyzer(phone_regions, phone_leniency).analyze(text, language="en", entities=entities,
                                                              score_threshold=0)
    out = []
    for r in results:
        kind, found = ENTITY_KINDS[r.entity_type], text[r.start:r.end]
        if kind == "phone" and is_date_or_years(found):
            continue
        if r.entity_type == "URL" and not re.match(r"(?i)(?:https?|ftp)://|www\.", found) and (
                not is_domain(found.rstrip(TRAILING)) or text[r.end:r.end + 1].isalnum()):
            continue  # Presidio's pattern has no end boundary: "eamon.na" of "eamon.nakamura" is no domain
        out.append((r.start, r.end, kind))
    return out
