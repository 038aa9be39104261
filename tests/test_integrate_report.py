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

from upskilling.integrate import caveats, joint, report, hypothesis_rows  # noqa: E402
from upskilling.integrate import inputs as io  # noqa: E402
from upskilling.integrate import validation as V  # noqa: E402
from upskilling.integrate.figures import FIGURES  # noqa: E402
from upskilling.integrate.settings import settings  # noqa: E402
from upskilling.survey.codebook import load_codebook  # noqa: E402

needs_chromium = pytest.mark.skipif(support.CHROMIUM is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("report") / "p")
    return root, support.build_report(root)


@pytest.fixture(scope="module")
def built_no_coding(built, tmp_path_factory):
    """The same project when the interviews have no human coding (its tests read the report's text and
    the caveats, not the figures: those are copied from ``built``)."""
    root = support.copy_project(tmp_path_factory.mktemp("report0") / "p", coding=False)
    return root, support.build_report(root, figures_from=built[0])


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _caveat_args(root):
    p = support.paths(root)
    return (io.read_table(p["reliability"], "reliability"), io.read_hypotheses(p["hypotheses"]),
            V.read(p["validation"]), io.read_table(p["theme_prevalence"], "theme_prevalence"),
            pd.read_csv(p["claims"]))


def test_report_is_self_contained(built):
    _, out = built
    text = out.read_text(encoding="utf-8")
    doc = lhtml.fromstring(text)
    imgs = doc.xpath("//img")
    assert len(imgs) == len(FIGURES)  # each figure embedded once (repeats are links)
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


def test_quotes_are_escaped_not_markup(built, tmp_path):
    root = support.copy_project(tmp_path / "p")
    q = pd.read_csv(support.paths(root)["quotes"])
    q.loc[(q["theme"] == "survival") & (q["rank"] == 1), "text"] = "I said <script>alert(1)</script> & left"
    q.to_csv(support.paths(root)["quotes"], index=False)
    out = support.build_report(root, figures_from=built[0])  # the text is under test, not the figures
    text = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; left" in text


def test_caveats_follow_the_configured_thresholds(built):
    root, _ = built
    args = _caveat_args(root)
    cfg = support.config(root)
    found = caveats.caveats(*args, settings(cfg)["caveats"])
    kinds = set(found["kind"])
    assert {"low_alpha", "small_n", "few_interviewees", "weak_theme", "seed_sensitive"} <= kinds
    assert "unstable_themes" not in kinds and "low_agreement" not in kinds and "no_human_coding" not in kinds
    assert found.loc[found["kind"] == "low_alpha", "subject"].tolist() == ["barrier_inconsistency"]
    # the weak theme is read from the test half of the coding used (few-shot: growth F1 0.41)
    assert found.loc[found["kind"] == "weak_theme", "subject"].tolist() == ["growth"]
    # the fixture's fits hold in 4 of 5 (C1) and 3 of 5 (C2) coding seeds
    assert found.loc[found["kind"] == "seed_sensitive", "subject"].tolist() == ["C1", "C2"]
    cfg["integration"]["caveats"] = {"min_alpha": 0.5, "min_n": 10, "min_interviewees": 5, "min_theme_f1": 0.3,
                                     "min_kappa": 0.9, "min_stability_ari": 0.9, "min_seed_agreement": 0.7}
    found = caveats.caveats(*args, settings(cfg)["caveats"])
    assert set(found["kind"]) == {"low_agreement", "unstable_themes", "seed_sensitive"}
    assert found.loc[found["kind"] == "seed_sensitive", "subject"].tolist() == ["C2"]  # 3/5 < 0.7 <= 4/5
    assert "0.72, 95% CI [0.61, 0.81]" in found.loc[found["kind"] == "low_agreement", "message"].iloc[0]


def test_caveats_without_a_human_coding_say_so(built_no_coding):
    root, _ = built_no_coding
    found = caveats.caveats(*_caveat_args(root), settings(support.config(root))["caveats"])
    kinds = set(found["kind"])
    assert "no_human_coding" in kinds
    assert not kinds & {"low_agreement", "weak_theme", "missing_metric", "seed_sensitive"}
    msg = found.loc[found["kind"] == "no_human_coding", "message"].iloc[0]
    assert "no agreement with a human coding can be computed" in msg


def test_validation_of_the_old_structure_is_refused(tmp_path):
    old = tmp_path / "validation.json"
    old.write_text('{"kappa": 0.7, "ari": 0.5, "per_theme": {}, "stability": {}}')
    with pytest.raises(io.InputError, match=r"validation.json: no key 'human_coding' \(it has the old top-level"):
        V.read(old)
    with pytest.raises(io.InputError, match=r"'mode_used' is 'one_shot'"):
        V.check({"human_coding": True, "mode_used": "one_shot"})


def test_report_compares_the_coding_modes_on_the_test_half(built):
    root, out = built
    doc = lhtml.fromstring(out.read_text(encoding="utf-8"))
    sec = doc.get_element_by_id("interviews")
    text = _text(sec)
    assert "The joint display uses the few-shot coding" in text
    table = next(t for t in sec.xpath(".//table") if "zero-shot and few-shot" in _text(t.xpath("caption")[0]))
    assert [_text(th) for th in table.xpath("thead//th")] == ["Metric", "Zero-shot", "Few-shot (used)"]
    rows = {_text(tr.xpath("td")[0]): [_text(td) for td in tr.xpath("td")[1:]] for tr in table.xpath("tbody/tr")}
    val = V.read(support.paths(root)["validation"])
    z, f = val["zero_shot"]["test"], val["few_shot"]["test"]
    assert rows["Cohen's \u03ba [95% CI]"] == [f"{z['kappa']:.2f} [{z['kappa_ci_low']:.2f}, {z['kappa_ci_high']:.2f}]",
                                               f"{f['kappa']:.2f} [{f['kappa_ci_low']:.2f}, {f['kappa_ci_high']:.2f}]"]
    assert rows["Krippendorff's \u03b1"] == [f"{z['krippendorff_alpha']:.2f}", f"{f['krippendorff_alpha']:.2f}"]
    assert rows["Lowest theme F1"] == [f"{z['min_theme_f1']:.2f}", "0.41"]
    # the human-coded training turns, from segments.csv's theme_source
    seg = pd.read_csv(support.paths(root)["segments"])
    human = seg[seg["theme_source"] == "human"]
    n_turns = human["turn_id"].nunique()
    assert f"Human-coded training turns: {len(human)} of {len(seg)} segments, from {n_turns} turns" in text
    assert "P01, P02, P03" in text and "P01-T002" in text
    assert "Table 7. Agreement with the human coding per theme (few-shot coding, test half)" in text


def test_report_without_a_human_coding_says_no_agreement_can_be_computed(built_no_coding):
    _, out = built_no_coding
    doc = lhtml.fromstring(out.read_text(encoding="utf-8"))
    sec = _text(doc.get_element_by_id("interviews"))
    assert "No human coding." in sec and "no agreement with a human coding can be computed" in sec
    assert "zero-shot and few-shot" not in sec and "human coding per theme" not in sec
    assert "no agreement with a human coding can be computed" in _text(doc.get_element_by_id("summary"))
    assert "no human coding" in _text(doc.get_element_by_id("caveats"))
    assert "Diagnostics of the topic model" in sec


def test_joint_display_shows_k_of_n_seeds(built):
    root, out = built
    doc = lhtml.fromstring(out.read_text(encoding="utf-8"))
    claims = pd.read_csv(support.paths(root)["claims"]).set_index("claim")
    assert joint.k_of_n(claims.loc["C1"].to_dict()) == "4 of 5"
    table = doc.get_element_by_id("joint").xpath(".//table")[0]
    header = [_text(th) for th in table.xpath("thead//th")]
    col = header.index("Same fit in seeds")
    cells = {_text(tr.xpath("td")[0]).split(":")[0]: _text(tr.xpath("td")[col]) for tr in table.xpath("tbody/tr")}
    assert cells["C1"].startswith("4 of 5") and "discordance in 1" in cells["C1"]
    assert cells["C3"] == "5 of 5"
    assert "Over the coding seeds: interviews supports in 4 of 5 seeds" in _text(doc.get_element_by_id("claim-C1"))


def test_a_missing_validation_metric_is_reported_not_skipped(built):
    root, _ = built
    p = support.paths(root)
    val = V.read(p["validation"])
    del val["kappa"]
    found = caveats.caveats(io.read_table(p["reliability"], "reliability"), io.read_hypotheses(p["hypotheses"]),
                            val, io.read_table(p["theme_prevalence"], "theme_prevalence"), pd.read_csv(p["claims"]),
                            settings({})["caveats"])
    assert "missing_metric" in set(found["kind"])


def test_report_shows_a_reversed_c1(built, tmp_path):
    root = support.copy_project(tmp_path / "p")
    p = support.paths(root)
    hyp = pd.read_csv(p["hypotheses"])
    hyp.loc[hyp["hypothesis"] == "H1", ["verdict", "effect_size", "ci_low", "ci_high"]] = \
        ["contradicted", -0.78, -0.86, -0.66]
    hyp.to_csv(p["hypotheses"], index=False)
    out = support.build_report(root, figures_from=built[0])  # the claim's text is under test, not the figures
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
    assert seen["images"] == len(FIGURES) and seen["broken"] == 0
    text = " ".join(seen["text"].split())
    claims = pd.read_csv(support.paths(root)["claims"])
    for r in claims.to_dict("records"):
        assert f"{r['claim']}. {r['title']}" in text
        assert " ".join(r["quote_1"].split()) in text
    for heading in ("1. Sample and exclusions", "2. Reliability and scale scores", "3. Claims", "4. Joint display",
                    "5. Interview analysis", "6. Caveats", "7. Provenance"):
        assert heading in text
    assert "Figure 1. Participant flow (CONSORT-style) from flow.csv:" in text
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


# --- every test explicit ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def current(built, tmp_path_factory):
    """The project with hypotheses.csv as the survey stage writes it today (labels, families, named
    statistics, post-hoc pairs, notes), its report and its wave report."""
    root = support.copy_project(tmp_path_factory.mktemp("current") / "p")
    support.current_hypotheses(root)
    return root, support.build_report(root, figures_from=built[0]), support.build_wave_report(root)


def _rows(page: Path) -> dict[str, dict[str, str]]:
    """Every sub-test row of the claims' tables: {hypothesis: {cell class: text}}."""
    doc = lhtml.fromstring(page.read_text(encoding="utf-8"))
    rows = {}
    for tr in doc.xpath("//table[contains(@class, 'tests')]/tbody/tr[contains(concat(' ', @class, ' '), ' test ')]"):
        rows[tr.get("id").removeprefix("test-")] = {td.get("class"): _text(td) for td in tr.xpath("td")}
    return rows


@pytest.mark.parametrize("page", [1, 2], ids=["report", "wave report"])
def test_every_sub_test_row_is_explicit(current, page):
    root = current[0]
    hyp = pd.read_csv(support.paths(root)["hypotheses"]).set_index("hypothesis")
    rows = _rows(current[page])
    assert set(rows) == set(hyp.index)  # all sub-tests, post-hoc pairs included
    for hid, r in rows.items():
        h = hyp.loc[hid]
        assert h["label"] in r["hyp"], hid  # the hypothesis in words
        assert r["verdict"] == h["verdict"]
    # H5a: the named statistic, the sidedness, the OR's unit from the codebook item, no correction
    h5a = hyp.loc["H5a"]
    assert h5a["statistic_name"] == "z" and f"z = {h5a['statistic']:.2f}" in rows["H5a"]["stat"]
    assert f"n = {int(h5a['n'])}" in rows["H5a"]["stat"]
    assert rows["H5a"]["sides"] == "one-sided, greater" and "one-sided" in rows["H5a"]["num"]
    assert f"OR = {h5a['effect_size']:.2f} [{h5a['ci_low']:.2f}, {h5a['ci_high']:.2f}]" in rows["H5a"]["effect"]
    assert "per percentage point of platform_share" in rows["H5a"]["effect"]
    assert rows["H5a"]["padj"].endswith("no correction")
    # H3a: Holm over its family, with the family's size read from hypotheses.csv
    k = int((hyp["family"] == "C3_midpoint").sum())
    assert rows["H3a"]["padj"].endswith(f"Holm over C3_midpoint ({k} tests)")
    assert f"V = {hyp.loc['H3a', 'statistic']:g}" in rows["H3a"]["stat"]
    assert "\u201cNeither agree nor disagree\u201d (3)" in rows["H3a"]["hyp"]
    assert "\u03c7\u00b2(2) = " in rows["H3d"]["stat"]
    # "Holm" only where the correction is Holm
    for hid, r in rows.items():
        assert ("Holm" in r["padj"]) is (hyp.loc[hid, "correction"] == "holm"), hid
    # H2a: the code of primary_resource shown with its label
    assert "primary_resource = \u201cGenerative AI tools (e.g. ChatGPT)\u201d (6)" in rows["H2a"]["hyp"]
    assert " eq 6" not in rows["H2a"]["hyp"]
    # a combination names the part that decides it
    assert "largest adjusted p of its parts" in rows["H2"]["padj"]


def test_the_headline_test_comes_first_and_is_stated(current):
    root, page, wave = current
    claims = pd.read_csv(support.paths(root)["claims"]).set_index("claim")
    hyp = pd.read_csv(support.paths(root)["hypotheses"]).set_index("hypothesis")
    for p in (page, wave):
        doc = lhtml.fromstring(p.read_text(encoding="utf-8"))
        for cid, r in claims.iterrows():
            art = doc.get_element_by_id(f"claim-{cid}")
            first = art.xpath(".//table[contains(@class, 'tests')]/tbody/tr")[0]
            assert first.get("id") == f"test-{r['headline']}"
            if r["headline"] != r["hypothesis"]:  # C2, C4: the headline is a part, the verdict the primary's
                text = _text(art)
                assert f"Headline test (from the analysis plan): {r['headline']} \u2013 {hyp.loc[r['headline'], 'label']}" in text


def test_a_not_computable_tests_note_is_shown(built, tmp_path):
    root = support.copy_project(tmp_path / "p")
    support.current_hypotheses(root)
    p = support.paths(root)
    hyp = pd.read_csv(p["hypotheses"], dtype={"note": object})
    hyp.loc[hyp["hypothesis"] == "H4b", ["statistic", "p", "p_adjusted", "verdict", "note"]] = \
        [float("nan"), float("nan"), float("nan"), "not computable", "H4b: Spearman: invisible is constant"]
    hyp.to_csv(p["hypotheses"], index=False)
    out = support.build_report(root, figures_from=built[0])
    art = lhtml.fromstring(out.read_text(encoding="utf-8")).get_element_by_id("claim-C4")
    assert "Note on H4b: H4b: Spearman: invisible is constant" in _text(art)
    assert _rows(out)["H4b"]["stat"].startswith("\u2013")


def test_the_report_links_its_files_and_defines_agree(current):
    from upskilling.survey.descriptives import describe

    root, page, wave = current
    doc = lhtml.fromstring(page.read_text(encoding="utf-8"))
    files = doc.get_element_by_id("files")
    hrefs = files.xpath(".//a/@href")
    assert {"notebooks/survey.ipynb", "claims.csv", "interviews/project.qdpx", "provenance.json"} <= set(hrefs)
    assert (page.parent / "claims.csv").exists() and (page.parent / "provenance.json").exists()
    assert doc.xpath("//nav[@id='files']/following::section[@id='summary']")  # near the top
    # "agree" as descriptives.describe computes it: above the midpoint, a mean at the midpoint not
    note = _text(doc.get_element_by_id("agree-definition"))
    assert "above 3 (\u201cNeither agree nor disagree\u201d)" in note and "\u201cSomewhat agree\u201d (4) or higher" in note
    assert "a mean of exactly 3 does not count, a mean of 3.25 does" in note
    assert describe([3.0, 3.25, 4.0, 2.0], 3.0)["pct_agree"] == 50.0
    wave_note = _text(lhtml.fromstring(wave.read_text(encoding="utf-8")).get_element_by_id("agree-definition"))
    assert wave_note == note
    wave_links = lhtml.fromstring(wave.read_text(encoding="utf-8")).get_element_by_id("files").xpath(".//a/@href")
    assert "../survey/wave1/hypotheses.csv" in wave_links and "../report.html" in wave_links


def test_units_are_derived_from_the_codebook():
    cb = load_codebook(support.PROJECT / "config/codebook.yaml")
    assert hypothesis_rows.predictor_unit("platform_share", cb)[0] == "percentage point of platform_share"
    assert hypothesis_rows.predictor_unit("years_freelancing", cb)[0] == "year of years_freelancing"
    assert hypothesis_rows.predictor_unit("competition", cb)[0].startswith("scale point of competition (Perceived competition")
    assert hypothesis_rows.predictor_unit("age_over_40", cb, {"age_over_40": {"from": "sd_age", "op": "gt", "value": 40}})[0] \
        == "age_over_40 = 1 vs 0"
    cb.by_id["platform_share"] = {**cb.by_id["platform_share"], "unit": "percentage point of platform income"}
    assert hypothesis_rows.predictor_unit("platform_share", cb)[0] == "percentage point of platform income"  # verbatim


def test_sidedness_and_statistic_are_named():
    from upskilling.integrate import fmt

    assert fmt.sidedness({"test": "pearson", "alternative": "two-sided", "direction": "less"}) == "two-sided, expected less"
    assert fmt.sidedness({"test": "friedman", "alternative": "two-sided", "direction": "none"}) == "two-sided"
    assert fmt.statistic({"test": "wilcoxon_paired", "statistic": 14263.5, "statistic_name": "V"}) == "V = 14263.5"
    assert fmt.statistic({"test": "ordinal_logit", "statistic": 5.3577}) == "z = 5.36"  # an old csv: from the test
    assert fmt.statistic({"test": "friedman", "statistic": 67.849, "df": 2.0, "statistic_name": "chi-squared"}) \
        == "\u03c7\u00b2(2) = 67.85"
    assert fmt.p_named(0.02, {"test": "binomial", "alternative": "less"}) == "one-sided p = .020"


def test_the_apa_table_note_names_the_corrections_used(current):
    from upskilling.survey import tables

    hyp = pd.read_csv(support.paths(current[0])["hypotheses"])
    note = tables.hypotheses_note(hyp)
    holm = hyp.loc[hyp["correction"] == "holm"]
    for fam, rows in holm.groupby("family"):
        assert f"Holm over {fam} ({len(rows)} tests: {', '.join(rows['hypothesis'])})" in note
    assert "every other test is not corrected" in note
    assert "one-sided (alternative greater or less) for H1," in note
    none = hyp.assign(correction="none", family=None)
    assert "Holm" not in tables.hypotheses_note(none)
