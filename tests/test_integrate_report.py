"""The findings report: self-contained, every claim with its numbers, figure and quotes, caveats and
provenance; checked in headless Chromium (Debian's chromium) on what a reader sees."""
import sys
from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lhtml
from matplotlib.image import imread

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.integrate import caveats, report  # noqa: E402
from upskilling.integrate import inputs as io  # noqa: E402
from upskilling.integrate.settings import settings  # noqa: E402

needs_chromium = pytest.mark.skipif(support.CHROMIUM is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("report") / "p")
    return root, support.build_report(root)


def test_report_is_self_contained(built):
    _, out = built
    text = out.read_text(encoding="utf-8")
    doc = lhtml.fromstring(text)
    imgs = doc.xpath("//img")
    assert len(imgs) == 8  # each figure embedded once (repeats are links)
    assert all(i.get("src").startswith("data:image/png;base64,") for i in imgs)
    assert not doc.xpath("//script[@src] | //link[@rel='stylesheet'] | //iframe")
    for attr in doc.xpath("//@src | //@href"):
        assert not attr.startswith(("http:", "https:", "//")), attr
    assert "url(" not in "".join(doc.xpath("//style/text()"))


def test_every_claim_has_verdict_numbers_figure_and_quotes(built):
    root, out = built
    doc = lhtml.fromstring(out.read_text(encoding="utf-8"))
    claims = pd.read_csv(support.paths(root)["claims"])
    for r in claims.to_dict("records"):
        art = doc.get_element_by_id(f"claim-{r['claim']}")
        text = " ".join(art.text_content().split())
        assert f"{r['claim']}. {r['title']}" in text
        assert f"Verdict: {r['verdict']}." in text
        assert r["fit"] in text and r["qual_direction"] in text
        assert f"{r['effect_size']:.2f}" in text  # the estimate of the primary (or deciding) test
        assert " ".join(r["quote_1"].split()) in text and r["quote_1_source"] in text
        assert art.xpath(".//figure/img") or art.xpath(".//p[@class='figref']/a")
    assert "survival 17.3%" in doc.get_element_by_id("claim-C1").text_content() or \
           "17.3% of segments" in doc.get_element_by_id("claim-C1").text_content()


def test_quotes_are_escaped_not_markup(tmp_path):
    root = support.copy_project(tmp_path / "p")
    q = pd.read_csv(support.paths(root)["quotes"])
    q.loc[(q["theme"] == "survival") & (q["rank"] == 1), "text"] = "I said <script>alert(1)</script> & left"
    q.to_csv(support.paths(root)["quotes"], index=False)
    out = support.build_report(root)
    text = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; left" in text


def test_caveats_follow_the_configured_thresholds(built):
    root, _ = built
    p = support.paths(root)
    args = (io.read_table(p["reliability"], "reliability"), io.read_hypotheses(p["hypotheses"]),
            io.read_json(p["validation"]), io.read_table(p["theme_prevalence"], "theme_prevalence"),
            pd.read_csv(p["claims"]))
    cfg = support.config(root)
    found = caveats.caveats(*args, settings(cfg)["caveats"])
    kinds = set(found["kind"])
    assert {"low_alpha", "small_n", "few_interviewees", "weak_theme"} <= kinds
    assert "unstable_themes" not in kinds and "low_agreement" not in kinds
    assert found.loc[found["kind"] == "low_alpha", "subject"].tolist() == ["barrier_inconsistency"]
    cfg["integration"]["caveats"] = {"min_alpha": 0.5, "min_n": 10, "min_interviewees": 5, "min_theme_f1": 0.3,
                                     "min_kappa": 0.9, "min_stability_ari": 0.9}
    found = caveats.caveats(*args, settings(cfg)["caveats"])
    assert set(found["kind"]) == {"low_agreement", "unstable_themes"}


def test_a_missing_validation_metric_is_reported_not_skipped(built):
    root, _ = built
    p = support.paths(root)
    val = io.read_json(p["validation"])
    del val["kappa"]
    found = caveats.caveats(io.read_table(p["reliability"], "reliability"), io.read_hypotheses(p["hypotheses"]),
                            val, io.read_table(p["theme_prevalence"], "theme_prevalence"), pd.read_csv(p["claims"]),
                            settings({})["caveats"])
    assert "missing_metric" in set(found["kind"])


def test_report_shows_a_reversed_c1(tmp_path):
    root = support.copy_project(tmp_path / "p")
    p = support.paths(root)
    hyp = pd.read_csv(p["hypotheses"])
    hyp.loc[hyp["hypothesis"] == "H1", ["verdict", "effect_size", "ci_low", "ci_high"]] = \
        ["contradicted", -0.78, -0.86, -0.66]
    hyp.to_csv(p["hypotheses"], index=False)
    out = support.build_report(root)
    art = lhtml.fromstring(out.read_text(encoding="utf-8")).get_element_by_id("claim-C1")
    text = " ".join(art.text_content().split())
    assert "Verdict: contradicted." in text and "discordance" in text and "-0.78" in text


def test_missing_figure_file_is_an_input_error(built, tmp_path):
    root, _ = built
    bad = tmp_path / "fig.png"
    bad.write_text("not a png")
    with pytest.raises(io.InputError, match="not a PNG file"):
        report._embed(bad)


@needs_chromium
def test_rendered_in_headless_chromium(built, tmp_path):
    root, out = built
    shot = tmp_path / "report.png"
    seen = support.chromium(out, screenshot=shot, height=2400)
    assert seen["images"] == 8 and seen["broken"] == 0
    text = " ".join(seen["text"].split())
    claims = pd.read_csv(support.paths(root)["claims"])
    for r in claims.to_dict("records"):
        assert f"{r['claim']}. {r['title']}" in text
        assert " ".join(r["quote_1"].split()) in text
    for heading in ("1. Sample and exclusions", "2. Reliability and scale scores", "3. Claims", "4. Joint display",
                    "5. Interview analysis", "6. Caveats", "7. Provenance"):
        assert heading in text
    assert "Figure 1. Participant flow." in text
    assert "The survey export had 112 rows" in text
    img = imread(shot)
    assert img.shape[1] == 1280 and img[..., :3].std() > 0.05


@needs_chromium
def test_chromium_check_detects_a_broken_image(built, tmp_path):
    """The probe can fail: an image whose data is not a PNG counts as broken."""
    _, out = built
    page = tmp_path / "broken.html"
    text = out.read_text(encoding="utf-8")
    start = text.index("data:image/png;base64,") + len("data:image/png;base64,")
    page.write_text(text[:start] + "AAAA" + text[start + 4000:], encoding="utf-8")
    seen = support.chromium(page)
    assert seen["broken"] >= 1
