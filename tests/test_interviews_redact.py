"""Redaction: every kind of personal detail is replaced by its typed placeholder; ordinary text is not.
The generated canary (hundreds of templated details) is tests/test_privacy_canary.py; these are the cases
of issue 11 one by one."""
from __future__ import annotations

import pytest

from upskilling.errors import InputError
from upskilling.interviews.redact import Redactor, make_redactor, read_redaction_list, redaction_report

LIST = [("name", "Maya Okafor"), ("client", "Brightline Dental"), ("name", "Diego Fernández"),
        ("name", "Ben O'Connor"), ("name", "Jess")]


@pytest.fixture
def redact():
    return Redactor(LIST)


@pytest.mark.parametrize("text, secret, placeholder", [
    ("Write to maya.o+work@gmail.com today.", "maya.o+work@gmail.com", "[EMAIL]"),
    ("It's diego@fernandeztraducciones.com.ar.", "diego@fernandeztraducciones.com.ar", "[EMAIL]"),
    ("See mayaokafor.com/work for samples.", "mayaokafor.com/work", "[URL]"),
    ("My site https://www.example.org/path?x=1.", "example.org", "[URL]"),
    ("It's at marcosilva.design/cases, have a look", "marcosilva.design", "[URL]"),
    ("Follow @aisha.packs.design on Instagram.", "@aisha.packs.design", "[HANDLE]"),
    ("Call +44 20 7946 0958 after five.", "+44 20 7946 0958", "[PHONE]"),
    ("Call (555) 012-3456.", "012-3456", "[PHONE]"),
    ("Or 555-012-3456 on weekdays.", "555-012-3456", "[PHONE]"),
    ("UK mobile 07700 900123.", "07700 900123", "[PHONE]"),
    ("Thanks, Maya. Really.", "Maya", "[NAME]"),
    ("maya okafor here.", "maya okafor", "[NAME]"),
    ("Okafor's rates", "Okafor", "[NAME]"),
    ("My client Brightline dental pays late.", "Brightline dental", "[CLIENT]"),
    ("Ask Fernandez or Fernández.", "Fernandez", "[NAME]"),
    ("Ben O’Connor said so.", "O’Connor", "[NAME]"),
])
def test_each_kind_is_replaced(redact, text, secret, placeholder):
    out = redact(text)
    assert secret.lower() not in out.lower()
    assert placeholder in out


@pytest.mark.parametrize("text", [
    "Between 2019-2024 I earned $1,500 a month and grew to 12,000 followers.",
    "On 2026-02-11 I used Node.js, Next.js and app.py, e.g. for Vue.js work.",
    "Articles of 500-2000 words, version 3.2.1, 3.5 hours a day, 45 per hour.",
    "I jessle, benefit, and maybe Jessica is fine, and Benjamin too.",
])
def test_ordinary_text_is_left_alone(redact, text):
    assert redact(text) == text


def test_counts_by_kind_never_values(redact):
    redact("Hi Maya, mail maya@x.com or call +1 555 014 2233, @maya.writes, maya.com, Brightline Dental")
    report = redaction_report(redact)
    assert report["replacements"] == {"email": 1, "url": 1, "handle": 1, "phone": 1, "address": 0, "name": 1,
                                      "client": 1}
    assert report["n_list_entries"] == len(LIST) and report["n_name_candidates"] == 0  # no source= given
    assert "Maya" not in str(report)


def test_name_parts_can_be_switched_off():
    assert Redactor([("name", "Maya Okafor")], name_parts=False)("Maya said") == "Maya said"
    assert Redactor([("name", "Maya Okafor")], name_parts=True)("Maya said") == "[NAME] said"


def test_name_parts_match_only_capitalised():
    r = Redactor([("name", "Grace Will")])
    assert r("Will it work? Grace Will agreed.") == "[NAME] it work? [NAME] agreed."
    assert r("it will work with grace") == "it will work with grace"


def test_read_redaction_list(tmp_path):
    path = tmp_path / "redaction_list.txt"
    path.write_text("# names\nMaya Okafor\n\nclient: Brightline Dental\n  Jess  \n", encoding="utf-8")
    assert read_redaction_list(path) == [("name", "Maya Okafor"), ("client", "Brightline Dental"), ("name", "Jess")]
    assert read_redaction_list(None) == [] and read_redaction_list("") == []


def test_redaction_list_errors(tmp_path):
    with pytest.raises(InputError, match="redaction list not found"):
        make_redactor(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("email: a@b.com\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_redaction_list(bad)


def test_non_utf8_or_nul_redaction_list_names_the_file_and_line(tmp_path):
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Maya Lopez\nJosé Müller\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.txt: line 2 \(byte \d+\) is not UTF-8; re-save"):
        read_redaction_list(latin)
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"Maya Lopez\n\x00\n")
    with pytest.raises(InputError, match=r"nul\.txt: line 2 \(byte 11\) is a NUL byte"):
        read_redaction_list(nul)
    ok = tmp_path / "ok.txt"
    ok.write_text("José Müller\n", encoding="utf-8")
    assert read_redaction_list(ok) == [("name", "José Müller")]


# ---------------------------------------------------------------- issue 11, case by case
@pytest.mark.parametrize("text, expected", [
    # a comma after the number used to leave "[PHONE] 0199"
    ("Call +44 20 7946 0958, or text.", "Call [PHONE], or text."),
    ("Ring 0171 5550199, please.", "Ring [PHONE], please."),
    # a 7-digit group was never redacted
    ("Office 030 1234567; mobile 0171 5550199.", "Office [PHONE]; mobile [PHONE]."),
    ("+49 30 1234567) and +33 1 42 68 53 00?", "[PHONE]) and [PHONE]?"),
    ("+91 98765 43210 or +55 11 91234-5678.", "[PHONE] or [PHONE]."),
    ("US: +1 (415) 555-0132 or 415.555.0132.", "US: [PHONE] or [PHONE]."),
    ("my number is 555-0199.", "my number is [PHONE]."),
])
def test_phone_numbers_leave_no_fragment(redact, text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("entries, text, expected", [
    ([("name", "Marta Kowalczyk")], "KOWALCZYK said so, and Kowalczyk's rates too.", "[NAME] said so, and [NAME]'s rates too."),
    ([("name", "Marta Kowalczyk")], "Marta Kowalczyk-Nowak joined.", "[NAME] joined."),
    ([("name", "Jean-Pierre Dubois")], "Pierre said, then Jean, then DUBOIS.", "[NAME] said, then [NAME], then [NAME]."),
    ([("name", "Anne-Sophie Van der Berg")], "Van der Berg and Anne-Sophie Van der Berg.", "[NAME] and [NAME]."),
    ([("name", "Marta Kowalczyk")], "The Kowalczyks' house.", "The [NAME]' house."),
    ([("name", "José Fernández")], "Jose Fernandez and FERNÁNDEZ.", "[NAME] and [NAME]."),
])
def test_listed_names_in_any_form(entries, text, expected):
    assert Redactor(entries)(text) == expected


@pytest.mark.parametrize("text, secret, placeholder", [
    ("It's 221B Baker Street, London.", "221B Baker Street", "[ADDRESS]"),
    ("We moved to Hauptstraße 5 in May.", "Hauptstraße 5", "[ADDRESS]"),
    ("Calle Mayor 10, then 7 rue de Rivoli.", "Mayor 10", "[ADDRESS]"),
    ("Visit MyPortfolio.COM now.", "MyPortfolio", "[URL]"),
    ("Short link bit.ly/3xYz, ok?", "3xYz", "[URL]"),
    ("Mail maya[at]gmail[dot]com.", "maya", "[EMAIL]"),
    ("Mail maya (at) gmail (dot) com.", "maya", "[EMAIL]"),
    ("It's maya at gmail dot com.", "maya", "[EMAIL]"),
])
def test_addresses_domains_and_obfuscated_emails(redact, text, secret, placeholder):
    out = redact(text)
    assert secret.lower() not in out.lower() and placeholder in out


def test_tool_names_are_kept_and_the_allow_list_is_tunable():
    text = "I use Otter.ai, perplexity.ai and ChatGPT daily."
    assert Redactor([])(text) == text
    assert Redactor([], allow=["Otter.ai"])(text) == "I use Otter.ai, [URL] and ChatGPT daily."
    assert Redactor([])("see otter.ai/u/maya-okafor") == "see [URL]"  # a tool's domain with a personal path


def test_a_listed_name_wins_over_the_allow_list():
    assert Redactor([("name", "Claude Martin")])("Claude said") == "[NAME] said"


def test_phone_settings_are_checked():
    with pytest.raises(InputError, match=r"interviews\.redaction\.phone_regions.*'XX'"):
        Redactor([], phone_regions=["GB", "XX"])
    with pytest.raises(InputError, match="phone_leniency"):
        Redactor([], phone_leniency=7)
    # a national format is found only for a region in the list (the digit-group check still catches it)
    assert Redactor([], phone_regions=["GB"])("030 1234567") == "[PHONE]"


def test_defaults_come_from_the_schema():
    from upskilling.config import load_schema

    props = load_schema("config_interviews.schema.yaml")["properties"]["redaction"]["properties"]
    r = Redactor([])
    assert r.allow == props["allow"]["default"] and list(r.phone_regions) == props["phone_regions"]["default"]
    assert r.phone_leniency == props["phone_leniency"]["default"]
    assert {"US", "GB", "DE", "FR", "IN", "BR", "NG", "PH", "AU"} <= set(r.phone_regions)


def test_name_candidates_for_review_hold_unlisted_capitalised_words_only():
    r = Redactor([("name", "Maya Okafor")])
    r("Honestly, Maya and Thaddeus Pemberton met at ChatGPT office on Monday.", source="P01")
    r("Thaddeus helped. I'm sure honestly it was fine.", source="P02")
    r("Pemberton said Grace would come on Slack", source="P02")
    rows = {row["token"]: row for row in r.name_candidates()}
    # not Maya (listed), Honestly (a word), ChatGPT and Slack (allowed), Monday, I'm; Grace is a name too
    assert set(rows) == {"Thaddeus", "Pemberton", "Grace"}
    assert rows["Thaddeus"] == {"token": "Thaddeus", "count": 2, "participant_ids": "P01;P02"}
    assert redaction_report(r)["n_name_candidates"] == 3
    r("by the grace of a pemberton", source="P03")  # written in lower case: ordinary words of this corpus
    assert {row["token"] for row in r.name_candidates()} == {"Thaddeus"}


def test_redaction_needs_no_model_and_no_network(monkeypatch):
    """Presidio runs on a blank spaCy tokenizer; the suffix list is tldextract's bundled snapshot."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("redaction tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    from upskilling.interviews import redact_patterns

    redact_patterns.suffix_extractor.cache_clear()
    redact_patterns.analyzer.cache_clear()
    engine = redact_patterns.analyzer(("GB",), 1)
    assert [m["model_name"] for m in engine.nlp_engine.models] == ["blank:en"]
    assert Redactor([], phone_regions=["GB"])("mail a@b.co.uk or see x.studio") == "mail [EMAIL] or see [URL]"
