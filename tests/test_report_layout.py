"""The findings report (results/report.html) and a wave's report (results/reports/<wave>.html) as a
reader sees them in headless Chromium, 760 and 1280 px wide: nothing is wider than the window (a wide
table scrolls inside its own box, a claim's table of tests fits without scrolling, so its verdict
column is never cut off), every sub-test's hypothesis is stated in words, and the synthetic-data
banner is shown exactly when the wave's data are synthetic.

The project is the integration fixture with hypotheses.csv as the survey stage writes it today (labels,
families, named statistics and the Friedman test's post-hoc pairs; support.current_hypotheses)."""
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lhtml

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

needs_chromium = pytest.mark.skipif(support.CHROMIUM is None,
                                    reason="chromium is not installed (apt-get install chromium)")
WIDTHS = (760, 1280)
KINDS = ("report", "wave")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("layout") / "p")
    support.current_hypotheses(root)
    return root


@pytest.fixture(scope="module")
def pages(project, tmp_path_factory):
    """{(kind, synthetic): html path} for the report and the wave report, with and without the banner."""
    out = tmp_path_factory.mktemp("pages")
    got = {}
    for synthetic in (True, False):
        # the figures are drawn once, on the first build, and reused by the second
        report = support.build_report(project, synthetic=synthetic, figures_from=None if synthetic else project)
        got[("report", synthetic)] = shutil.copyfile(report, out / f"report_{synthetic}.html")
        got[("wave", synthetic)] = support.build_wave_report(project, out / f"wave1_{synthetic}.html",
                                                             synthetic=synthetic)
    return got


@pytest.fixture(scope="module")
def seen(pages):
    """What Chromium shows of each synthetic page at each width, with every <details> opened."""
    cache = {}

    def look(kind: str, width: int) -> dict:
        if (kind, width) not in cache:
            cache[kind, width] = support.chromium(pages[(kind, True)], width=width, height=1200, open_details=True)
        return cache[kind, width]
    return look


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_nothing_is_wider_than_the_window(seen, kind, width):
    layout = seen(kind, width)["layout"]
    assert layout["inner_width"] == width  # the window really is that wide
    assert layout["scroll_width"] <= layout["inner_width"], "the page scrolls sideways"
    assert layout["n_too_wide"] == 0, layout["too_wide"]
    tables = layout["tables"]
    assert tables
    for t in tables:
        # a table is inside the window, or scrolls inside a box (.wide) that is
        assert t["inside"], t
        assert t["container"] is not None and "wide" in t["container"], f"{t['table']} is not in a .wide box"
    tests = [t for t in tables if "tests" in t["cls"].split()]
    assert tests  # one per claim (counted in the next test)
    for t in tests:  # a claim's tests fit: its verdict column is never cut off, not even at 760 px
        assert not t["scrolls"] and t["right"] <= t["container_right"], t


@needs_chromium
@pytest.mark.parametrize("kind", KINDS)
def test_every_sub_test_is_stated_in_words(project, pages, seen, kind):
    hyp = pd.read_csv(support.paths(project)["hypotheses"])
    assert hyp["label"].notna().all() and hyp["hypothesis"].str.contains(".", regex=False).any()  # post-hoc pairs
    for width in WIDTHS:
        text = " ".join(seen(kind, width)["text"].split())
        missing = [f"{h}: {label}" for h, label in zip(hyp["hypothesis"], hyp["label"])
                   if " ".join(label.split()) not in text]
        assert not missing, f"{kind} at {width} px lacks the hypotheses {missing}"
    # each claim's table lists every one of its tests, the headline test first
    doc = lhtml.fromstring(pages[(kind, True)].read_text(encoding="utf-8"))
    claims = pd.read_csv(support.paths(project)["claims"])
    assert len(doc.xpath("//table[contains(concat(' ', @class, ' '), ' tests ')]")) == len(claims)
    for r in claims.to_dict("records"):
        art = doc.get_element_by_id(f"claim-{r['claim']}")
        rows = art.xpath(".//table[contains(@class, 'tests')]/tbody/tr[contains(concat(' ', @class, ' '), ' test ')]")
        ids = [tr.get("id").removeprefix("test-") for tr in rows]
        assert sorted(ids) == sorted(hyp.loc[hyp["claim"] == r["claim"], "hypothesis"]), r["claim"]
        assert ids[0] == r["headline"]


@needs_chromium
@pytest.mark.parametrize("kind", KINDS)
def test_the_synthetic_banner_is_shown_exactly_when_the_data_are_synthetic(pages, kind):
    for synthetic in (True, False):
        page = pages[(kind, synthetic)]
        doc = lhtml.fromstring(page.read_text(encoding="utf-8"))
        assert bool(doc.xpath("//*[@id='synthetic-banner']")) is synthetic, (kind, synthetic)
        text = " ".join(support.chromium(page, width=WIDTHS[0])["text"].split())
        assert ("Synthetic data." in text) is synthetic, (kind, synthetic)
