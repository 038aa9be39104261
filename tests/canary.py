"""The privacy canary's generator (issue 11), shared by tests/test_privacy_canary.py and the small run.

Personal details GENERATED from templates (seeded, not hand-picked) and the sentences that carry them.
``plant_small`` writes a generated subset into a copy of the small configuration (.test/) before its run
(``small_run`` in conftest.py), so the one small run of a test session is also the canary run: every
end-to-end test on it sees the planted details, and test_privacy_canary.py scans its every output.
"""
from __future__ import annotations

import csv
import random
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20260429

FIRST = ["Marta", "Kofi", "Ingrid", "Tomasz", "Aisha", "Rafael", "Yuki", "Priya", "Henrik", "Odile", "Tamsin",
         "Giulia", "Jamal", "Zara", "Oluwaseun", "Siobhan", "Matthias", "Anouk", "Dmitri", "Chiamaka", "Leilani",
         "Bartosz", "Ngozi", "Soren", "Esperanza", "Kwabena", "Radhika", "Thandiwe", "Eamon", "Milena"]
LAST = ["Kowalczyk", "Asante", "Sandberg", "Quillon", "Brackwater", "Averill", "Okerlund", "Marchand", "Bianchi",
        "Nakamura", "Oyelaran", "Van der Berg", "Fitzgerald", "Lindqvist", "Castellanos", "Mbeki", "Raghunathan",
        "Dubrovnik", "Featherstone", "Achterberg", "Wisniewska", "Okonkwo", "Halvorsen", "Villanueva", "Aldridge"]
SECOND = ["Nowak", "Mensah", "Hollenbeck", "Ferreira", "Duchene", "Abernathy", "Kaczmarek", "Oyelowo"]
HYPHEN_FIRST = [("Anne", "Sophie"), ("Jean", "Baptiste"), ("Marie", "Claire"), ("Karl", "Heinz")]
ACCENTED = [("José", "Fernández"), ("Zoë", "Müller"), ("Agnieszka", "Wiśniewska"), ("Chloé", "Lefèvre")]
COMPANIES = ["Quillfeather", "Brightline", "Kestrelworks", "Saffronleaf", "Nordwind", "Pixelforge"]
COMPANY_WORDS = ["Media", "Dental", "Logistics", "Tea House", "Bikes", "Studios", "Consulting"]
UNLISTED_FIRST = ["Ottoline", "Bronwyn", "Casimir", "Ifeoma", "Thaddeus", "Eszter", "Wilhelmina", "Anselm",
                  "Rosalind", "Tobiah", "Marisol", "Lorcan", "Dagny", "Emeka", "Saoirse", "Ignatius", "Mireille",
                  "Osvaldo", "Philippa", "Ravindra", "Hamish", "Cordelia", "Benedikt", "Tatiana", "Augustin",
                  "Priyanka", "Florentyna", "Kasimir", "Lucinda", "Nkechi",
                  # common names that are also English words (or web2 lists in lower case): the hard ones
                  "Rose", "Will", "Mark", "Grace", "Jack", "Hope", "Bill", "Frank", "Amber", "Ivy", "Rohan",
                  "Ben", "Jordan", "Victor", "Daisy"]
UNLISTED_LAST = ["Pemberton", "Vasquez", "Oduya", "Lindgren", "Karamanlis", "Whitcombe", "Przybylski", "Abernethy",
                 "Nakashima", "Delacroix", "Castellano", "Okafor", "Haverford", "Mbatha", "Quintero", "Rasmussen",
                 "Szabo", "Thistlewood", "Umarov", "Vandermeer", "Baker", "Wells", "Young", "Stone", "Brown",
                 "Hill", "King", "Rivers"]
STREETS = ["Baker", "Elm", "Maple", "Harbour", "Rivoli", "Mayor", "Roma", "Augusta", "Linden", "Kastanien",
           "Willow", "Chestnut", "Sycamore", "Juniper", "Magnolia"]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "web.de", "hotmail.fr", "studio.io"]
SITE_TLDS = ["com", "studio", "design", "co.uk", "io", "art", "photography", "dev", "net", "me"]
TRAILING = ["", ",", ".", ";", ")", "?", ":"]

# sentences hold no digit, no capitalised word but the first, and none of the words of the details
PHONE_SENTENCES = ["you can ring me on {x} most days", "my number is {x} if anything comes up",
                   "the office line was {x} back then"]
DETAIL_SENTENCES = ["you can find me at {x} most days", "send it over to {x} when you are ready",
                    "it was all on {x} back then"]
NAME_SENTENCES = ["honestly {x} taught me most of it", "i told {x} about the rates", "we met {x} at a meetup"]
ALLOW_SENTENCE = "I transcribe with Otter.ai, check facts on perplexity.ai and draft in ChatGPT or Claude."


def _digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


# 19 formats: (label, template); {N} is N random digits (first digit 1-9)
PHONE_FORMATS = [
    ("GB intl", "+44 20 7946 {4}"), ("GB national ()", "(020) 7946 {4}"), ("GB national", "020 7946 {4}"),
    ("GB mobile", "07700 900{3}"), ("US intl ()", "+1 ({3}) 555-{4}"), ("US dots", "{3}.555.{4}"),
    ("US dashes", "+1-212-555-{4}"), ("US ()", "({3}) 555-{4}"), ("DE intl", "+49 30 {7}"),
    ("DE national", "030 {7}"), ("DE mobile", "0171 {7}"), ("FR intl", "+33 1 {2} {2} {2} {2}"),
    ("FR national", "06 {2} {2} {2} {2}"), ("IN intl", "+91 9{4} {5}"), ("BR intl", "+55 11 9{4}-{4}"),
    ("AU mobile", "+61 4{2} {3} {3}"), ("NG intl", "+234 803 {3} {4}"), ("PH mobile", "0917 {3} {4}"),
    ("US local", "555-{4}"),
]


def _fill(rng: random.Random, template: str) -> str:
    return re.sub(r"\{(\d)\}", lambda m: _digits(rng, int(m.group(1))), template)


@dataclass
class Canary:
    entries: list[tuple[str, str]] = field(default_factory=list)  # the redaction list
    planted: list[tuple[str, str, str]] = field(default_factory=list)  # (category, detail, sentence)
    unlisted: list[tuple[str, str]] = field(default_factory=list)  # (name, sentence)


def generate(seed: int = SEED) -> Canary:
    rng = random.Random(seed)
    c = Canary()
    firsts, lasts, seconds = rng.sample(FIRST, 14), rng.sample(LAST, 14), list(SECOND)
    rng.shuffle(seconds)
    people = []
    for i in range(10):
        first, last = firsts[i], lasts[i]
        if i < 4:  # hyphenated surnames: both halves and the whole
            last = f"{last.split()[-1]}-{seconds[i]}"
        people.append((first, last))
    for a, b in HYPHEN_FIRST:
        people.append((f"{a}-{b}", lasts[len(people) % len(lasts)]))
    for first, last in people:
        c.entries.append(("name", f"{first} {last}"))
        forms = {f"{first} {last}", f"{first} {last}".upper(), f"{first} {last}".lower(), f"{last}'s",
                 f"{last}’s", f"{first}", f"{last}", last.upper(), f"{first}'s"}
        for half in re.split(r"[-\s]", f"{first} {last}"):
            if len(half) > 2 and half.lower() not in ("van", "der"):
                forms |= {half, half.upper(), f"{half}'s"}
        for form in sorted(forms):
            c.planted.append(("listed name", form, rng.choice(NAME_SENTENCES).format(x=form)))
    for first, last in ACCENTED:  # listed with accents, written without (and the reverse)
        c.entries.append(("name", f"{first} {last}"))
        folded = {"José": "Jose", "Fernández": "Fernandez", "Zoë": "Zoe", "Müller": "Muller",
                  "Wiśniewska": "Wisniewska", "Chloé": "Chloe", "Lefèvre": "Lefevre", "Agnieszka": "Agnieszka"}
        for form in (f"{folded[first]} {folded[last]}", folded[last], f"{last.upper()}"):
            c.planted.append(("listed name", form, rng.choice(NAME_SENTENCES).format(x=form)))
    for i, company in enumerate(rng.sample(COMPANIES, 4)):
        name = f"{company} {COMPANY_WORDS[i]}"
        c.entries.append(("client", name))
        for form in (name, name.upper(), f"{name}'s"):
            c.planted.append(("client", form, rng.choice(NAME_SENTENCES).format(x=form)))
    for label, template in PHONE_FORMATS:
        for punct in TRAILING:
            number = _fill(rng, template)
            sentence = rng.choice(PHONE_SENTENCES).format(x=f"({number})" if punct == ")" else number + punct)
            c.planted.append((f"phone: {label}", number, sentence))
    emails = []
    for _ in range(4):
        first, last, dom = rng.choice(FIRST).lower(), rng.choice(LAST).split()[-1].lower(), rng.choice(DOMAINS)
        host, tld = dom.split(".", 1)
        emails += [
            ("e-mail: plain", f"{first}.{last}@{dom}"),
            ("e-mail: plain", f"{first}{last}+work@{dom}"),
            ("e-mail: [at][dot]", f"{first}[at]{host}[dot]{tld.replace('.', '[dot]')}"),
            ("e-mail: (at)(dot)", f"{first}.{last} (at) {host} (dot) {tld.replace('.', ' (dot) ')}"),
            ("e-mail: spoken", f"{first} at {host} dot {tld.replace('.', ' dot ')}"),
            ("e-mail: [at]", f"{last} [at] {dom}"),
            ("e-mail: @[dot]", f"{first}@{host}[dot]{tld.replace('.', '[dot]')}"),
            ("e-mail: capitals", f"{first.upper()} AT {host.upper()} DOT {tld.upper().replace('.', ' DOT ')}"),
        ]
    webs = []
    for _ in range(4):
        first, last = rng.choice(FIRST).lower(), rng.choice(LAST).split()[-1].lower()
        tld = rng.choice(SITE_TLDS)
        webs += [
            ("url: https", f"https://www.{first}{last}.{tld}/portfolio"),
            ("url: http", f"http://{first}-{last}.{tld}"),
            ("url: www", f"www.{first}{last}.{tld}/work"),
            ("url: bare domain", f"{first}{last}.{tld}"),
            ("url: bare domain capitals", f"{first.capitalize()}{last.capitalize()}Portfolio.COM"),
            ("url: shortener", f"bit.ly/{first[:3]}{_digits(rng, 3)}{last[:2]}"),
            ("url: link page", f"linktr.ee/{first}{last}"),
            ("url: tool domain with a path", f"otter.ai/u/{first}-{last}"),
        ]
    handles = []
    for _ in range(4):
        first, last = rng.choice(FIRST), rng.choice(LAST).split()[-1]
        handles += [("handle", f"@{first.lower()}.{last.lower()}"), ("handle", f"@{first.lower()}_{last.lower()}"),
                    ("handle", f"@{first}{last}{_digits(rng, 2)}")]
    addresses = []
    for _ in range(3):
        st, st2 = rng.sample(STREETS, 2)
        n = _digits(rng, rng.choice([1, 2, 3]))
        addresses += [
            ("address: en", f"{n} {st} Street"), ("address: en", f"{n}B {st} Road"),
            ("address: en", f"{n} {st} {st2} Avenue NW"), ("address: en", f"{n} {st} Ln."),
            ("address: fr", f"{n} rue de {st}"), ("address: fr", f"{n}, avenue des {st2}"),
            ("address: es", f"Calle {st} {n}"), ("address: it", f"Via {st} {n}"),
            ("address: pt", f"Rua {st}, {n}"), ("address: de", f"{st}straße {n}"),
            ("address: de", f"{st}str. {n}a"), ("address: nl", f"{st}gracht {n}"),
            ("address: pl", f"ul. {st} {n}"), ("address: de", f"Am {st}platz {n}"),
            ("address: uk post code", f"{rng.choice('NSEW')}{rng.choice('CW')}{_digits(rng, 1)} "
                                      f"{_digits(rng, 1)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTUWXYZ')}"),
            ("address: po box", f"PO Box {_digits(rng, 3)}"),
        ]
    for category, detail in emails + webs + handles + addresses:
        for punct in ("", ",", ".", ")"):
            sentence = rng.choice(DETAIL_SENTENCES).format(x=f"({detail})" if punct == ")" else detail + punct)
            c.planted.append((category, detail, sentence))
    for first, last in zip(rng.sample(UNLISTED_FIRST, 20), rng.sample(UNLISTED_LAST, 20)):
        for form in (f"{first} {last}", first, f"{last}'s"):
            c.unlisted.append((form, rng.choice(NAME_SENTENCES).format(x=form)))
    return c




CANARY = generate()


def chosen_small(canary: Canary = CANARY) -> list[tuple[str, str, str]]:
    """The subset planted into the small run (seeded): one detail of every category, then 40 drawn at
    random. Returns (category, detail, sentence)."""
    rng = random.Random(SEED + 1)
    by_cat = defaultdict(list)
    for item in canary.planted:
        by_cat[item[0]].append(item)
    chosen = [rng.choice(items) for _, items in sorted(by_cat.items())]
    return chosen + rng.sample(canary.planted, 40)


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip (a .docx) with every member dated 1980-01-01: python-docx stamps the time of saving."""
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            z.writestr(fixed, data)


def plant_small(root: Path, canary: Canary = CANARY) -> list[tuple[str, str]]:
    """Plant a generated subset (every category, every phone format) into the copy's .test transcripts
    (.txt, .vtt, .docx) and open-ended survey answers; add the listed names to its redaction list and keep
    the open-ended answers. Returns (category, detail) planted."""
    small = root / ".test"
    chosen = chosen_small(canary)
    sentences = [s[0].upper() + s[1:] + "." for _, _, s in chosen]
    with (small / "data/raw/interviews/redaction_list.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n# canary\n" + "".join(f"{'client: ' if k == 'client' else ''}{v}\n" for k, v in canary.entries))
    folder = small / "data/raw/interviews/transcripts"
    txt, vtt, docx_path = folder / "P03.txt", folder / "P19.vtt", folder / "P02.docx"
    third = len(sentences) // 3
    with txt.open("a", encoding="utf-8") as fh:
        fh.write("\n\nInterviewer: Anything else?\n\nP03: " + " ".join(sentences[:third]) + "\n")
    text = vtt.read_text(encoding="utf-8").rstrip("\n")
    last = re.findall(r"(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)", text)[-1][1]
    h, m, s = last.split(":")
    start = int(h) * 3600 + int(m) * 60 + float(s) + 1
    fmt = lambda t: f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{t % 60:06.3f}"  # noqa: E731
    cues = [f"\n\n{fmt(start + 5 * i)} --> {fmt(start + 5 * i + 4)}\n<v P19>{s}</v>"
            for i, s in enumerate(sentences[third:2 * third])]
    vtt.write_text(text + "".join(cues) + "\n", encoding="utf-8")
    import docx

    document = docx.Document(str(docx_path))
    document.add_paragraph("")
    document.add_paragraph("P02: " + " ".join(sentences[2 * third:]))
    document.save(str(docx_path))
    _fix_zip_times(docx_path)  # the same bytes in every copy (the run's provenance hashes its inputs)
    # open-ended survey answers (kept: survey.scoring.keep_text) of the first analysable respondents
    export = small / "data/raw/survey/wave1/export.csv"
    with export.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("Q24")
    for i, row in enumerate(rows[3:]):
        row[col] = sentences[i % len(sentences)]
    with export.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    cfg = small / "config/config.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "\nsurvey:" not in text
    cfg.write_text(text + "\nsurvey:\n  scoring:\n    keep_text: true\n", encoding="utf-8")
    return [(c, d) for c, d, _ in chosen]


