"""End to end on the default data, in a copy of the repository: the report shows all five claims with
verdicts, numbers, figures and quotes (checked in headless Chromium), the executed notebooks have an
output for every code cell, the .qdpx validates and round-trips, and reversing the survival and growth
items of the raw export changes C1's row in the joint display and in the report, with no other edit."""
import re
import sys
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from lxml import etree
from lxml import html as lhtml

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.integrate import qdpx  # noqa: E402

pytestmark = pytest.mark.slow

REPO = support.REPO
EXPORT = "data/raw/survey/wave1/export.csv"


@pytest.fixture(scope="module")
def runs(e2e_runs):
    """(default run, run on the reversed export): see tests/conftest.py."""
    return e2e_runs


@pytest.mark.skipif(support.CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_shows_all_five_claims_in_chromium(runs, tmp_path):
    default, _ = runs
    claims = pd.read_csv(default / "results/claims.csv")
    assert list(claims["claim"]) == ["C1", "C2", "C3", "C4", "C5"]
    seen = support.chromium(default / "results/report.html", screenshot=tmp_path / "report.png", height=3000)
    assert seen["broken"] == 0 and seen["images"] >= 8
    text = " ".join(seen["text"].split())
    doc = lhtml.fromstring((default / "results/report.html").read_text(encoding="utf-8"))
    for r in claims.to_dict("records"):
        assert f"{r['claim']}. {r['title']}" in text
        assert f"Verdict: {r['verdict']}." in text
        assert r["quote_1"] and " ".join(r["quote_1"].split()) in text
        art = doc.get_element_by_id(f"claim-{r['claim']}")
        assert art.xpath(".//figure/img") or art.xpath(".//p[@class='figref']")
        assert f"{r['effect_size']:.2f}" in " ".join(art.text_content().split())


def test_notebooks_have_outputs_and_no_errors(runs):
    default, _ = runs
    for name in ("survey", "interviews", "integration"):
        nb = nbformat.read(default / f"results/notebooks/{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.outputs for c in code), name
        assert not any(o.output_type == "error" for c in code for o in c.outputs), name


def test_qdpx_validates_and_round_trips_on_the_default_data(runs):
    default, _ = runs
    path = default / "results/interviews/project.qdpx"
    xsd_path = support.XSD_DIR / "Project-mrt2019.xsd"
    if xsd_path.exists():
        with zipfile.ZipFile(path) as z:
            doc = etree.fromstring(z.read("project.qde"))
        xsd = etree.XMLSchema(etree.parse(str(xsd_path)))
        assert xsd.validate(doc), xsd.error_log
    seg = pd.read_csv(default / "results/interviews/segments.csv")
    back = qdpx.read(path)["selections"]
    assert len(back) == len(seg)
    assert back.groupby("code").size().sum() == len(seg)
    assert (back.set_index("name")["text"].sort_index() == seg.set_index("segment_id")["text"].sort_index()).all()


def test_reversed_items_change_c1_and_only_the_data_changed(runs):
    default, reversed_ = runs
    a = pd.read_csv(default / "results/claims.csv").set_index("claim")
    b = pd.read_csv(reversed_ / "results/claims.csv").set_index("claim")
    assert a.loc["C1", "verdict"] == "supported"
    assert b.loc["C1", "verdict"] != "supported"
    assert b.loc["C1", "fit"] != a.loc["C1", "fit"]
    assert (a.loc["C1", "effect_size"] > 0) != (b.loc["C1", "effect_size"] > 0)
    # the interview strand is untouched by a survey edit
    for col in ("theme_shares", "theme_participants", "qual_direction", "quote_1"):
        assert a.loc["C1", col] == b.loc["C1", col]
    art = lhtml.fromstring((reversed_ / "results/report.html").read_text(encoding="utf-8")).get_element_by_id("claim-C1")
    text = " ".join(art.text_content().split())
    assert f"Verdict: {b.loc['C1', 'verdict']}." in text and b.loc["C1", "fit"] in text
    # no file but the raw export differs between the two copies' inputs
    changed = [p.relative_to(default) for p in default.rglob("*") if p.is_file() and "results" not in p.parts
               and "data" not in p.parts and ".snakemake" not in p.parts and "logs" not in p.parts
               and (reversed_ / p.relative_to(default)).read_bytes() != p.read_bytes()]
    assert changed == []


def test_no_planted_personal_detail_reaches_the_integration_outputs(runs):
    """Every text the integration writes comes from the redacted segments and turns."""
    default, _ = runs
    pii = pd.read_csv(default / "data/raw/interviews/planted_pii.csv")
    doc = lhtml.fromstring((default / "results/report.html").read_text(encoding="utf-8"))
    for img in doc.xpath("//img"):
        img.attrib.pop("src")  # base64 figures are not text
    texts = {
        "report.html": doc.text_content() + " ".join(doc.xpath("//@alt | //@title")),
        "claims.csv": (default / "results/claims.csv").read_text(encoding="utf-8"),
        "claims.md": (default / "results/claims.md").read_text(encoding="utf-8"),
        "project.qdpx": "\n".join(qdpx.read(default / "results/interviews/project.qdpx")["sources"].values()),
    }
    for name in ("survey", "interviews", "integration"):
        nb = nbformat.read(default / f"results/notebooks/{name}.ipynb", as_version=4)
        texts[f"{name}.ipynb"] = "\n".join(
            str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
            + str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for where, text in texts.items():
        leaked = sorted({str(v) for v in pii["value"] if re.search(rf"(?<!\w){re.escape(str(v))}(?!\w)", text)})
        assert not leaked, f"{where} contains planted personal details {leaked}"


def test_report_sets_the_strands_side_by_side_per_interviewee_and_against_the_planted_truth(runs):
    """Issue 10 on the default run: the synthetic-data banner, planted vs recovered (every verdict as
    planted), the human coding beside the model per claim, the per-interviewee correlations of claims.csv,
    counter-examples labelled, the sample profile and the interviewees beside the other respondents."""
    default, _ = runs
    html = (default / "results/report.html").read_text(encoding="utf-8")
    doc = lhtml.fromstring(html)
    text = " ".join(doc.text_content().split())
    assert doc.get_element_by_id("synthetic-banner") is not None
    truth = doc.get_element_by_id("truth")
    assert truth is not None and "Planted vs recovered" in truth.text_content()
    claims = pd.read_csv(default / "results/claims.csv")
    people = pd.read_csv(default / "results/claims_people.csv")
    quotes = pd.read_csv(default / "results/claims_quotes.csv")
    for r in claims.to_dict("records"):
        art = " ".join(doc.get_element_by_id(f"claim-{r['claim']}").text_content().split())
        assert r["interpretation"] in art
        if r["qual_direction_human"] != "no human coding":
            assert f"human {r['test_shares_human']}" in art
        if isinstance(r["person_score"], str) and r["person_score"]:
            assert f"{r['person_rho_model']:.2f} with the model coding" in art
            assert len(people[people["claim"] == r["claim"]]) == 20  # one row per interviewee
    assert set(quotes["agreement"]) == {"agree"}  # a human coding exists: only agreed quotes
    counter = quotes[quotes["role"] == "counter-example"]
    assert list(counter["claim"]) == ["C1"] and list(counter["theme"]) == ["growth"]
    assert "Counter-example (growth):" in text
    assert "Profile of the respondents" in text and "Profile of the 220 analysed respondents" in text
