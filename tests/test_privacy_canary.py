"""Privacy canary: personal details GENERATED from templates (seeded, not hand-picked), planted in sentences,
must not survive the redactor (issue 11).

* names on the researcher's list in every form a transcript writes them: as listed, in capitals, lower
  case, possessive, first name or surname alone, each half of a hyphenated name, the hyphenated whole,
  without accents; clients;
* phone numbers in 19 national and international formats, each with 7 kinds of trailing punctuation;
* e-mails plain and obfuscated ([at] / (at) / " at " / [dot] / (dot) / " dot "), URLs with and without
  scheme, bare domains in any case, link shorteners, handles, street addresses in 5 languages' orders;
* names NOT on the list: their recall is printed (the redactor cannot know them; the review file of
  candidate names is what finds them) and only a floor is asserted.

Recall must be 100 % for the structured details and the listed names: every planted string absent from
the output, and no fragment of it left (no "[PHONE] 0199": the sentences hold no other digit, so the
output of a phone sentence holds none; no word of an e-mail, URL, handle, address or listed name is left).
Tool names on the allow list (Otter.ai, perplexity.ai, ChatGPT) must stay.

The slow test reads the session's small run, into whose copy of the small configuration (.test/)
conftest.prepare_small planted a generated subset (canary.plant_small) - transcripts of
each format and a kept open-ended survey answer - runs the whole DAG and scans every text file under
data/processed/, results/ (report, notebooks, the unzipped .qdpx) and logs/. Figures (PNG, PDF) are images
whose text comes from the same tables; they are skipped. The review file
data/processed/interviews/name_candidates.csv is excepted by design: it lists candidate names for the
researcher (it holds the unlisted names, never the listed ones, and no rule reads it into results/).
"""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from upskilling.interviews.redact import PLACEHOLDERS, Redactor, redaction_report

from canary import (ACCENTED, ALLOW_SENTENCE, CANARY, COMPANIES, COMPANY_WORDS, FIRST, HYPHEN_FIRST, LAST,
                    SECOND, STREETS, TRAILING, UNLISTED_FIRST, UNLISTED_LAST, chosen_small, generate)


def _words(detail: str) -> list[str]:
    """The words of a detail that must not survive (3+ letters or digits; 'at', 'dot' are spelled-out
    punctuation; the street and company words (Street, Media, ...) may stay only with their detail gone)."""
    skip = {"at", "dot", "http", "https", "www", "com", "street", "road", "avenue", "rue", "des", "calle", "via",
            "rua", "str", "straße", "gracht", "ul", "nw", "ln"} | {w.lower() for w in COMPANY_WORDS}
    return [w for w in re.findall(r"[^\W_]{3,}", detail) if w.lower() not in skip and not w.isdigit()]


def leaks(category: str, detail: str, out: str) -> list[str]:
    """What of ``detail`` survives in ``out``: the detail itself, any of its words, or any digit."""
    found = []
    if detail.lower() in out.lower():
        found.append(detail)
    for w in _words(detail):
        if re.search(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", out, re.IGNORECASE):
            found.append(w)
    if category.startswith(("phone", "address", "url", "handle", "e-mail")) and re.search(r"\d", out):
        found.append("digits: " + "".join(re.findall(r"\d+", out)))
    return found



@pytest.fixture(scope="module")
def redactor():
    return Redactor(CANARY.entries)


def test_the_canary_is_generated_and_large():
    assert len(CANARY.planted) >= 200
    cats = Counter(c.split(":")[0] for c, _, _ in CANARY.planted)
    assert len({c for c, _, _ in CANARY.planted if c.startswith("phone")}) >= 10
    assert cats["phone"] >= 10 * len(TRAILING) and cats["e-mail"] and cats["url"] and cats["handle"] \
        and cats["address"] and cats["listed name"] and cats["client"]
    assert generate() == CANARY  # deterministic: the seed, not a hand-picked list


def test_recall_is_complete_for_structured_details_and_listed_names(redactor):
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for category, detail, sentence in CANARY.planted:
        out = redactor(sentence)
        left = leaks(category, detail, out)
        per_category[category.split(":")[0]][0] += not left
        per_category[category.split(":")[0]][1] += 1
        if left:
            misses.append(f"{category}: {sentence!r} -> {out!r} (left: {left})")
    print("\nrecall per category (planted strings fully removed / planted):")
    for cat, (ok, n) in sorted(per_category.items()):
        print(f"  {cat:<12} {ok:>4}/{n:<4} {100 * ok / n:5.1f} %")
    print(f"  {'all':<12} {sum(v[0] for v in per_category.values()):>4}/{len(CANARY.planted)}")
    assert not misses, f"{len(misses)} planted details survive:\n" + "\n".join(misses[:40])


def test_placeholders_are_typed(redactor):
    kinds = {"phone": "[PHONE]", "e-mail": "[EMAIL]", "url": "[URL]", "handle": "[HANDLE]",
             "address": "[ADDRESS]", "listed name": "[NAME]", "client": "[CLIENT]"}
    wrong = [(c, s, redactor(s)) for c, _, s in CANARY.planted if kinds[c.split(":")[0]] not in redactor(s)]
    assert not wrong, wrong[:10]


def test_allow_listed_tool_names_stay(redactor):
    assert redactor(ALLOW_SENTENCE) == ALLOW_SENTENCE
    assert redactor("See https://otter.ai and @ChatGPT.") == "See https://otter.ai and @ChatGPT."
    # a tool's domain with a personal path is not the tool
    assert "[URL]" in redactor("my notes are at otter.ai/u/zara-quillon")
    tuned = Redactor(CANARY.entries, allow=["perplexity.ai"])
    assert tuned("Otter.ai and perplexity.ai") == "[URL] and perplexity.ai"


def test_unlisted_names_recall_is_reported(redactor):
    """Names not on the list: the redactor cannot know them (no NER model); the review file of candidate
    names flags them. Printed, with a floor this method meets (not 100 %)."""
    r = Redactor(CANARY.entries)
    outs = [r(sentence, source=f"P{i % 5:02d}") for i, (_, sentence) in enumerate(CANARY.unlisted)]
    flagged = {row["token"] for row in r.name_candidates()}
    tokens = sorted({t for name, _ in CANARY.unlisted for t in re.findall(r"[A-Z][a-z]+", name)})
    redacted = [t for t in tokens if not any(re.search(rf"\b{t}\b", o) for o in outs)]
    in_review = [t for t in tokens if t in flagged]
    print(f"\nunlisted names: {len(tokens)} distinct name words planted; redacted {len(redacted)} "
          f"({100 * len(redacted) / len(tokens):.0f} %); in the review file {len(in_review)} "
          f"({100 * len(in_review) / len(tokens):.0f} %); missed by both: "
          f"{sorted(set(tokens) - set(in_review) - set(redacted))}")
    # misses are names that are also English words (Rose, Hope, Baker, Brown, Hill, Young, Rivers) or that
    # web2 lists in lower case (Rohan): 72-88 % over seeds 0-4, 78 % for SEED
    assert len(in_review) / len(tokens) >= 0.65
    assert redaction_report(r)["n_name_candidates"] == len(r.name_candidates()) >= len(in_review)
    assert not {t for t in flagged if t.lower() in {w.lower() for _, v in CANARY.entries for w in v.split()}}


def test_counts_never_hold_values(redactor):
    report = redaction_report(redactor)
    assert set(report["replacements"]) == set(PLACEHOLDERS)
    text = str(report)
    assert not any(d in text for _, d, _ in CANARY.planted if len(d) > 3)


def test_kept_open_survey_answers_go_through_the_same_redactor():
    """survey.scoring.keep_text: scored.csv copies the open answers, redacted (scoring.score)."""
    from upskilling.config import read_yaml, validate
    from upskilling.survey import exclusions, scoring
    from upskilling.survey.codebook import load_codebook
    from upskilling.survey.io import read_export

    root = Path(__file__).resolve().parents[1]
    config = validate(read_yaml(root / "config/config.yaml"), "config.schema.yaml", "config/config.yaml")
    wave = config["waves"]["wave1"]
    cb = load_codebook(root / config["codebook"])
    kept = exclusions.apply_exclusions(read_export(root / wave["survey"], wave["format"], cb), cb,
                                       config["survey"]["exclusions"])[0]
    text_item = next(it["id"] for it in cb.items if it["type"] == "text")
    sample = CANARY.planted[::3][: len(kept)]
    kept = kept.iloc[: len(sample)].copy()
    kept[text_item] = [s for _, _, s in sample]
    settings = {**config["survey"]["scoring"], "keep_text": True}
    with_list = scoring.score(kept, cb, settings, redact=Redactor(CANARY.entries))[text_item]
    left = [(c, d, o) for (c, d, _), o in zip(sample, with_list) if leaks(c, d, o)]
    assert not left, left[:5]
    # without the study's list: the structured details still go (names need the list)
    no_list = scoring.score(kept, cb, settings)[text_item]
    structured = [(c, d, o) for (c, d, _), o in zip(sample, no_list)
                  if not c.startswith(("listed", "client")) and leaks(c, d, o)]
    assert not structured, structured[:5]
    assert text_item not in scoring.score(kept, cb, {**settings, "keep_text": False}).columns


# ---------------------------------------------------------------- end to end, on the small configuration
SKIPPED_SUFFIXES = {".png", ".pdf", ".npy", ".npz", ".pkl", ".pickle", ".jpg", ".jpeg", ".svg", ".parquet"}
REVIEW_FILE = "data/processed/interviews/name_candidates.csv"


def _texts(path: Path):
    """(name, text) of a file and, for a zip (.qdpx), of each member."""
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                if Path(member).suffix.lower() not in SKIPPED_SUFFIXES:
                    yield f"{path}:{member}", z.read(member).decode("utf-8", "replace")
        return
    yield str(path), data.decode("utf-8", "replace")


# identifying words: those made from the generator's pools (a URL's "portfolio" or a client's "House" is not
# identifying and occurs in the transcripts anyway; "Holm" is not in the pools: the Holm correction is)
POOL_WORDS = {w.lower() for pool in (FIRST, LAST, SECOND, COMPANIES, STREETS, UNLISTED_FIRST, UNLISTED_LAST)
              for name in pool for w in re.split(r"[\s-]+", name) if len(w) >= 4}
POOL_WORDS |= {w.lower() for a, b in HYPHEN_FIRST + ACCENTED for w in (a, b) if len(w) >= 4}
_BASE64 = re.compile(r"[A-Za-z0-9+/=\\n]{200,}")  # embedded images (data: URIs, notebook image outputs)


def _identifying(detail: str) -> list[str]:
    """The words of a planted detail that hold a generated name (kwabenahalvorsen, Quillfeather, Kowalczyk)."""
    return [w for w in re.findall(r"[^\W_]{4,}", detail) if any(p in w.lower() for p in POOL_WORDS)]


def _figure_texts(root, out) -> list[tuple[str, str]]:
    """(figure name, every text it draws) for each figure of the run, redrawn from the run's own files."""
    import matplotlib.pyplot as plt
    from matplotlib.table import Table
    from matplotlib.text import Text

    from upskilling.config import read_yaml, validate_config
    from upskilling.integrate import figures

    import os

    here = os.getcwd()
    os.chdir(out)  # the small configuration's paths are relative to .test/
    try:
        cfg = validate_config(read_yaml("config/config.yaml"))
    finally:
        os.chdir(here)
    wave = out / "results/survey/wave1"
    paths = {"flow": wave / "flow.csv", "hypotheses": wave / "hypotheses.csv",
             "scored": out / "data/processed/survey/wave1/scored.csv", "codebook": root / "config/codebook.yaml",
             "analysis": root / "config/analysis.yaml", "themes": root / "config/themes.yaml",
             "topics": out / "results/interviews/topics.csv",
             "theme_prevalence": out / "results/interviews/theme_prevalence.csv", "claims": out / "results/claims.csv"}
    texts = []
    for name in figures.FIGURES:
        if not (out / f"results/figures/{name}.png").exists():
            continue
        fig = figures.make(name, {k: paths[k] for k in figures.FIGURES[name]}, cfg)
        words = [t.get_text() for t in fig.findobj(Text)]
        words += [c.get_text().get_text() for tb in fig.findobj(Table) for c in tb.get_celld().values()]
        plt.close(fig)
        texts.append((f"figure {name}", "\n".join(words)))
    assert len(texts) >= 8, texts
    return texts


@pytest.mark.slow
def test_no_planted_detail_in_any_output_of_the_small_run(small_run):
    # the session's small run carries the canary (conftest.prepare_small plants it before the run)
    root = small_run
    planted = [(c, d) for c, d, _ in chosen_small(CANARY)]
    out = root / ".test"
    scanned, found = 0, []
    scored = (out / "data/processed/survey/wave1/scored.csv").read_text(encoding="utf-8")
    assert "ai_learning_story" in scored.splitlines()[0]  # the answers were kept (and redacted)
    turns = (out / "data/processed/interviews/turns.csv").read_text(encoding="utf-8")
    assert all(p in turns for p in ("[PHONE]", "[EMAIL]", "[URL]", "[HANDLE]", "[ADDRESS]", "[NAME]"))
    sources = []
    for folder in ("data/processed", "results", "logs"):
        for path in sorted((out / folder).rglob("*")):
            if not path.is_file() or path.suffix.lower() in SKIPPED_SUFFIXES:
                continue
            if path.relative_to(out).as_posix() == REVIEW_FILE or "embedding_cache" in path.parts:
                continue
            sources += _texts(path)
    sources += _figure_texts(root, out)  # the PNG / PDF figures are images: redraw them and read their text
    for name, text in sources:
        scanned += 1
        text = _BASE64.sub(" ", text)
        if re.search(r"\[PHONE\][\s.,;()-]*\d", text):  # a fragment next to its placeholder
            found.append(f"{name}: digits right after [PHONE]")
        for category, detail in planted:
            # the detail itself, or a fragment: a generated name in it, a phone's 5+ digit group
            fragments = [detail] + (re.findall(r"\d{5,}", detail) if category.startswith("phone")
                                    else _identifying(detail))
            for w in fragments:
                if re.search(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", text, re.IGNORECASE):
                    found.append(f"{name}: {category} {w!r} of {detail!r}")
    print(f"\nscanned {scanned} files and figure texts, {len(planted)} planted details")
    assert scanned > 50
    assert not found, "\n".join(sorted(set(found))[:40])
