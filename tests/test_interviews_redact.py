"""Redaction: every kind of personal detail is replaced by its typed placeholder; ordinary text is not."""
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
    ("Call +44 20 7946 0958 after five.", "7946 0958", "[PHONE]"),
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
    assert report["replacements"] == {"email": 1, "url": 1, "handle": 1, "phone": 1, "name": 1, "client": 1}
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
