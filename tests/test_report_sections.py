"""The sample and codebook sections of the findings report (upskilling.integrate.sample / .methods and
their partial templates), checked on the fixture project against hand computations."""
import copy
import math
import sys
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
import pytest
import yaml
from lxml import html as lhtml
from scipy import stats

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.integrate import inputs as io  # noqa: E402
from upskilling.integrate import joint, methods, sample  # noqa: E402
from upskilling.integrate import validation as V  # noqa: E402
from upskilling.integrate.settings import narrow  # noqa: E402

P = support.paths(support.PROJECT)
REPO_CONFIG = support.REPO / "config" / "config.yaml"


@pytest.fixture(scope="module")
def fx():
    """The fixture project's inputs, read (never written)."""
    cb = io.read_yaml(P["codebook"])
    scored = io.read_table(P["scored"], "scored")
    roster = io.read_table(P["roster"], "roster")
    prevalence = io.read_table(P["theme_prevalence"], "theme_prevalence")
    linked = joint.link_interviewees(roster, scored, prevalence, list(cb["constructs"]))
    return {"cb": cb, "scored": scored, "roster": roster, "linked": linked,
            "flow": io.read_table(P["flow"], "flow"), "segments": io.read_table(P["segments"], "segments"),
            "validation": V.read(P["validation"]), "themes": io.read_yaml(P["themes"]),
            "config": support.config(support.PROJECT), "provenance": io.read_json(P["provenance"])}


def _interviewee_mask(fx) -> pd.Series:
    return fx["scored"]["respondent_id"].isin(set(fx["roster"]["response_id"]))


def _with_profile_and_optin(fx) -> pd.DataFrame:
    """The fixture's scored table with two columns it lacks, set deterministically: the domain (codes
    1-8 in turn, every 9th left blank) and the interview opt-in (codes: every interviewee and every
    third other respondent 1 = Yes, the rest 0 = No)."""
    s = fx["scored"].copy()
    i = np.arange(len(s))
    s["domain"] = np.where(i % 9 == 8, np.nan, i % 8 + 1)
    s["interview_optin"] = np.where(_interviewee_mask(fx) | (i % 3 == 0), 1, 0)
    return s


# ------------------------------------------------------------------ the profile table
def test_profile_items_are_the_codebook_profile_questions():
    cb = io.read_yaml(support.REPO / "config" / "codebook.yaml")
    items = sample.profile_items(cb)
    assert items[:5] == ["domain", "platforms", "region", "age_band", "education"]
    constructs = {i for c in cb["constructs"].values() for i in c["items"]}
    assert not set(items) & (constructs | {"consent", "freelancing", "attn_1", "attn_2", "interview_optin"})
    by_id = {i["id"]: i for i in cb["items"]}
    assert all(by_id[i]["type"] in ("single", "multi") for i in items)


def test_profile_counts_sum_to_the_analysed_respondents(fx):
    ctx = sample.sample_context(fx["scored"], fx["cb"], fx["roster"], fx["linked"])
    prof = ctx["profile"]
    analysed = int(fx["flow"]["n_remaining"].iloc[-1])
    assert prof["n"] == analysed == len(fx["scored"])
    assert prof["n_interviewees"] == int(fx["linked"]["in_survey"].sum()) == 7
    singles = [b for b in prof["items"] if not b["multi"]]
    assert {b["id"] for b in singles} == {"ai_work_freq", "ai_learning_freq", "primary_resource"}
    for b in singles:
        assert sum(r["n"] for r in b["rows"]) == analysed
        assert sum(r["pct"] for r in b["rows"]) == pytest.approx(100.0)
        assert sum(r["n_interviewees"] for r in b["rows"]) == prof["n_interviewees"]
        assert sum(r["pct_interviewees"] for r in b["rows"]) == pytest.approx(100.0)
    # the codebook's demographic items are not in this fixture's scored.csv: listed, not invented
    assert {"domain", "region", "age_band", "education", "platforms"} <= set(prof["missing"])


def test_profile_counts_match_the_raw_answers(fx):
    ctx = sample.sample_context(fx["scored"], fx["cb"], fx["roster"], fx["linked"])
    blocks = {b["id"]: b for b in ctx["profile"]["items"]}
    labels = next(s["labels"] for k, s in fx["cb"]["response_scales"].items() if k == "resource")
    counts = fx["scored"]["primary_resource"].value_counts()
    for code, label in enumerate(labels, start=1):
        row = next(r for r in blocks["primary_resource"]["rows"] if r["label"] == label)
        assert row["n"] == int(counts.get(code, 0))
        assert row["pct"] == pytest.approx(100 * counts.get(code, 0) / len(fx["scored"]))
    # a multiple-choice item: % of respondents choosing each option, from the ';'-joined codes
    act = fx["cb"]["response_scales"]["ai_activities"]
    chosen = fx["scored"]["ai_activities"].fillna("").astype(str).str.split(";")
    for code, label in zip(act["codes"], act["labels"]):
        k = int(chosen.map(lambda xs: str(code) in xs).sum())
        row = next(r for r in blocks["ai_activities"]["rows"] if r["label"] == label)
        assert row["n"] == k and row["pct"] == pytest.approx(100 * k / len(fx["scored"]))
    assert blocks["ai_activities"]["multi"]


def test_profile_with_blanks_and_explicit_items(fx):
    scored = _with_profile_and_optin(fx)
    ctx = sample.sample_context(scored, fx["cb"], fx["roster"], fx["linked"], items=["domain"])
    (block,) = ctx["profile"]["items"]
    rows = {r["label"]: r for r in block["rows"]}
    assert rows[sample.NO_ANSWER]["n"] == int(scored["domain"].isna().sum()) > 0
    assert rows["Writing and editing"]["n"] == int((scored["domain"] == 1).sum())
    assert sum(r["pct"] for r in block["rows"]) == pytest.approx(100.0)
    assert list(rows)[:-1] == fx["cb"]["response_scales"]["domain"]["labels"]  # scale order, blank last


# ------------------------------------------------------------------ the interview sample
def test_interviewees_against_others_equal_a_hand_computation(fx):
    iv = sample.sample_context(fx["scored"], fx["cb"], fx["roster"], fx["linked"])["interview"]
    assert (iv["n_roster"], iv["n_interviewed"], iv["n_linked"], iv["n_others"]) == (8, 8, 7, 73)
    assert iv["unlinked_participants"] == "P08"  # R_excluded: removed by the survey's exclusions
    assert not iv["optin_known"] and "interview_optin" in iv["optin_note"]
    mask = _interviewee_mask(fx)
    rows = {r["construct"]: r for r in iv["constructs"]}
    assert list(rows) == list(fx["cb"]["constructs"])
    for c, r in rows.items():
        a = fx["scored"].loc[mask, c].dropna().to_numpy(float)
        b = fx["scored"].loc[~mask, c].dropna().to_numpy(float)
        sp = np.sqrt(((a.size - 1) * np.var(a, ddof=1) + (b.size - 1) * np.var(b, ddof=1)) / (a.size + b.size - 2))
        d = (a.mean() - b.mean()) / sp
        assert r["d"] == pytest.approx(d, abs=1e-12)
        assert r["g"] == pytest.approx(d * (1 - 3 / (4 * (a.size + b.size) - 9)), abs=1e-12)
        assert (r["n_a"], r["n_b"]) == (a.size, b.size)
        assert r["mean_a"] == pytest.approx(a.mean()) and r["sd_b"] == pytest.approx(np.std(b, ddof=1))
        p = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=True).pvalue
        assert r["p"] == pytest.approx(p)
    # the summary names exactly the scales with |d| >= 0.5, with their d
    notable = [r for r in rows.values() if abs(r["d"]) >= sample.NOTABLE_D]
    assert notable and all(f"{r['label']} (d = {r['d_text']})" in iv["summary"] for r in notable)
    assert "descriptive" in iv["note"].lower()


def test_optin_counts_and_volunteers_not_interviewed(fx):
    scored = _with_profile_and_optin(fx)
    iv = sample.sample_context(scored, fx["cb"], fx["roster"], fx["linked"])["interview"]
    opted = scored["interview_optin"] == 1
    mask = _interviewee_mask(fx)
    assert iv["optin_known"] and iv["optin_answer"] == "Yes"
    assert iv["n_optin"] == int(opted.sum())
    assert iv["n_optin_linked"] == iv["n_linked"] == 7
    assert iv["n_optin_not_interviewed"] == int((opted & ~mask).sum())
    r = iv["constructs"][0]
    b = scored.loc[opted & ~mask, r["construct"]].dropna()
    assert r["optin"]["n_b"] == len(b) and r["optin"]["mean_b"] == pytest.approx(b.mean())
    # labels in the column work the same as codes
    labelled = scored.assign(interview_optin=np.where(opted, "Yes", "No"))
    assert sample.sample_context(labelled, fx["cb"], fx["roster"], None)["interview"]["n_optin"] == iv["n_optin"]


def test_selection_rule_is_declared_or_said_to_be_missing(fx):
    missing = sample.sample_context(fx["scored"], fx["cb"], fx["roster"], fx["linked"])["selection"]
    assert not missing["recorded"] and "not recorded in the data" in missing["text"]
    assert sample.SELECTION_KEY in missing["text"]
    rule = "The 20 interviewees were chosen from those who opted in for variety of domain and region."
    declared = sample.sample_context(fx["scored"], fx["cb"], fx["roster"], fx["linked"], selection=rule)
    assert declared["selection"] == {"recorded": True, "text": rule, "key": sample.SELECTION_KEY}


DEFAULT_SCORED = support.REPO / "data/processed/survey/wave1/scored.csv"
DEFAULT_LINKED = support.REPO / "results/claims_participants.csv"


@pytest.mark.skipif(not (DEFAULT_SCORED.exists() and DEFAULT_LINKED.exists()),
                    reason="the default run's outputs are not built")
def test_default_run_sample():
    """On the default run (if built): 95 of the analysed respondents opted in, the 20 interviewees are
    linked, and the demographic items are tabulated with percentages summing to 100."""
    scored = io.read_table(DEFAULT_SCORED, "scored")
    cb = io.read_yaml(support.REPO / "config/codebook.yaml")
    roster = io.read_table(support.REPO / "data/raw/interviews/roster.csv", "roster")
    linked = pd.read_csv(DEFAULT_LINKED, dtype={"participant_id": str, "respondent_id": str})
    ctx = sample.sample_context(scored, cb, roster, linked)
    iv = ctx["interview"]
    assert iv["n_optin"] == int((scored["interview_optin"] == 1).sum())
    assert iv["n_linked"] == int(scored["respondent_id"].isin(set(roster["response_id"])).sum())
    blocks = {b["id"]: b for b in ctx["profile"]["items"]}
    for item in ("domain", "region", "age_band", "education"):
        assert sum(r["pct"] for r in blocks[item]["rows"]) == pytest.approx(100.0)
    for k, row in enumerate(blocks["platforms"]["rows"], start=1):
        assert row["n"] == int(scored[f"platforms_{k}"].fillna(0).sum())


# ------------------------------------------------------------------ the codebook table
def test_codebook_table_counts_equal_segments_csv(fx):
    seg = fx["segments"]
    rows = methods.codebook_table(fx["themes"], seg, fx["validation"])
    assert [r["id"] for r in rows] == [t["id"] for t in fx["themes"]["themes"]] + ["other"]
    assert rows[-1]["reserved"] and not any(r["reserved"] for r in rows[:-1])
    predicted = seg.loc[seg["theme_source"] == "model", "theme"].value_counts()
    everything = seg["theme"].value_counts()
    human = seg.loc[seg["theme_source"] == "human", "theme"].value_counts()  # no human_theme column here
    people = seg.groupby("theme")["participant_id"].nunique()
    for r in rows:
        t = r["id"]
        assert r["n_predicted"] == predicted.get(t, 0)
        assert r["n_segments"] == everything.get(t, 0)
        assert r["n_coded"] == human.get(t, 0)
        assert r["n_participants"] == people.get(t, 0)
    assert sum(r["n_segments"] for r in rows) == len(seg)
    assert sum(r["n_predicted"] for r in rows) == int((seg["theme_source"] == "model").sum())
    by_id = {t["id"]: t for t in fx["themes"]["themes"]}
    assert all(r["claim"] == by_id[r["id"]].get("claim") for r in rows[:-1])
    assert rows[0]["definition"] == " ".join(by_id[rows[0]["id"]]["definition"].split())
    assert "training turns only" in rows[0]["coded_scope"]


def test_codebook_table_reads_the_human_theme_column(fx):
    seg = fx["segments"].copy()
    seg["human_theme"] = seg["theme_zero_shot"]  # a human code on every segment, as segments.csv of a real run
    rows = methods.codebook_table(fx["themes"], seg, fx["validation"])
    coded = seg["human_theme"].value_counts()
    assert all(r["n_coded"] == coded.get(r["id"], 0) for r in rows)
    assert rows[0]["coded_scope"].startswith("all human-coded turns")
    # the themes table of inputs.read_themes gives the same counts
    table = methods.codebook_table(io.read_themes(P["themes"]), seg, fx["validation"])
    assert [(r["id"], r["n_coded"], r["n_predicted"]) for r in table] == \
        [(r["id"], r["n_coded"], r["n_predicted"]) for r in rows]


def test_codebook_table_without_human_coding(fx):
    nc = support.NO_CODING / "results/interviews"
    seg = io.read_table(nc / "segments.csv", "segments")
    rows = methods.codebook_table(fx["themes"], seg, V.read(nc / "validation.json"))
    assert all(r["n_coded"] is None and r["n_coded_text"] == "\u2013" for r in rows)
    assert sum(r["n_predicted"] for r in rows) == len(seg)


# ------------------------------------------------------------------ the methods paragraph
def _declared(config: dict, training: list[str]) -> dict:
    cfg = copy.deepcopy(config)
    cfg["interviews"] = {"coding": {"training": {"participants": training}},
                         "topics": {"n_neighbors": 7, "n_components": 3, "min_dist": 0.1,
                                    "outliers": {"strategy": "c-tf-idf", "threshold": 0.2}}}
    return cfg


def test_methods_paragraph_names_training_participants_and_umap_settings(fx):
    val = fx["validation"]
    train = V.split_ids(val)["training"]
    text = methods.methods_paragraph(_declared(fx["config"], train), val, fx["segments"], fx["provenance"])
    assert f"{len(train)} training participants, {', '.join(train)}, as declared in " \
           "interviews.coding.training.participants" in text
    assert "n_neighbors = 7, n_components = 3 and min_dist = 0.1" in text
    assert "'c-tf-idf' strategy (threshold 0.2)" in text
    hs = fx["segments"][fx["segments"]["theme_source"] == "human"]
    assert f"{hs['turn_id'].nunique()} human-coded turns ({len(hs)} segments)" in text
    dev, test = V.split_ids(val)["development"], V.split_ids(val)["test"]
    assert f"development half of {len(dev)} ({', '.join(dev)}" in text
    assert f"test half of {len(test)} ({', '.join(test)})" in text
    assert "few-shot coding" in text and fx["provenance"]["model"]["name"] in text
    assert f"master seed {fx['config']['seed']}" in text
    assert "not recorded in validation.json" in text  # the number of configurations tried
    # min cluster size: the rule of the topic stage, for the analysed segments
    n = val["n_segments"]
    assert f"({max(3, round(0.02 * n))} for the {n} segments)" in text


def test_methods_paragraph_defaults_and_mismatch(fx):
    val = fx["validation"]
    text = methods.methods_paragraph(fx["config"], val)  # no interviews section: the schema's defaults
    assert "n_neighbors = 15, n_components = 5 and min_dist = 0" in text
    assert "drawn from the development half" in text and "P01, P02, P03" in text
    repo = yaml.safe_load(REPO_CONFIG.read_text())
    declared = repo["interviews"]["coding"]["training"]["participants"]
    text = methods.methods_paragraph(repo, val)
    assert ", ".join(declared) in text and "rerun the interview stage" in text


def test_methods_paragraph_without_human_coding(fx):
    val = V.read(support.NO_CODING / "results/interviews/validation.json")
    text = methods.methods_paragraph(fx["config"], val)
    assert "zero-shot coding" in text and "There is no human coding" in text
    assert "few-shot coder (" not in text


def test_methods_reads_only_its_declared_settings(fx):
    repo = yaml.safe_load(REPO_CONFIG.read_text())
    part = narrow(repo, methods.READS)
    assert set(part) == {"seed", "interviews"}
    assert set(part["interviews"]) == {"human_coding", "segmentation", "topics", "stability", "coding"}
    val = fx["validation"]
    assert methods.methods_paragraph(part, val) == methods.methods_paragraph(repo, val)
    other = copy.deepcopy(repo)
    other["interviews"]["quotes"]["per_theme"] = 9  # a setting the paragraph does not read
    assert narrow(other, methods.READS) == part
    # every declared path is a setting of the schema (filled with its default when absent)
    filled = methods.interview_settings({})
    for path in methods.READS:
        node = filled
        for key in path.split("."):
            if key == "seed" and node is filled:
                break
            assert key in node, path
            node = node[key]


# ------------------------------------------------------------------ the partial templates
def _env(extra: dict[str, str]) -> jinja2.Environment:
    package = jinja2.FunctionLoader(lambda name: resources.files("upskilling.integrate").joinpath(
        "templates", name).read_text(encoding="utf-8"))
    return jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.DictLoader(extra), package]),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


PAGE = ("<html><body><main><section id='sample'>{% include 'sample.html.j2' %}</section>"
        "<section id='interviews'>{% include 'methods.html.j2' %}</section></main></body></html>")


def _render(context: dict):
    return lhtml.fromstring(_env({"page.html.j2": PAGE}).get_template("page.html.j2").render(**context))


def _text(el) -> str:
    return " ".join(el.text_content().split())


def test_partials_render_with_strict_undefined(fx):
    scored = _with_profile_and_optin(fx)
    ctx = sample.sample_context(scored, fx["cb"], fx["roster"], fx["linked"])
    themes = copy.deepcopy(fx["themes"])
    themes["themes"][0]["label"] = "Survival <b>bold</b> & co"  # data, never markup
    rows = methods.codebook_table(themes, fx["segments"], fx["validation"])
    text = methods.methods_paragraph(fx["config"], fx["validation"], fx["segments"], fx["provenance"])
    # merged into the report's own `sample` (its keys raw, analysed, ... do not collide)
    report_sample = {"raw": 112, "analysed": 80, "n_interviewees": 8, "n_linked": 7}
    doc = _render({"sample": {**report_sample, **ctx}, "codebook_rows": rows, "methods_text": text})

    prof = doc.get_element_by_id("profile-table")
    assert prof.getparent().get("class") == "wide"
    n_rows = sum(len(b["rows"]) for b in ctx["profile"]["items"])
    assert len(prof.xpath(".//tbody/tr[td]")) == n_rows
    assert len(prof.xpath(".//tbody")) == len(ctx["profile"]["items"])
    assert "Writing and editing" in _text(prof)
    cmp_table = doc.get_element_by_id("interview-sample-table")
    assert cmp_table.getparent().get("class") == "wide"
    body = cmp_table.xpath(".//tbody/tr")
    assert len(body) == len(ctx["interview"]["constructs"])
    first = ctx["interview"]["constructs"][0]
    cells = [_text(td) for td in body[0].xpath("td")]
    assert cells[:7] == [first["label"], str(first["n_a"]), f"{first['mean_a_text']} ({first['sd_a_text']})",
                         str(first["n_b"]), f"{first['mean_b_text']} ({first['sd_b_text']})",
                         first["d_text"], first["p_text"]]
    assert len(cells) == 10  # with the volunteers who were not interviewed
    page = _text(doc)
    assert f"{ctx['interview']['n_optin']} ({ctx['interview']['share_optin']}) answered \u201cYes\u201d" in page
    assert "descriptive" in page.lower()
    sel = doc.get_element_by_id("selection-rule")
    assert sel.get("class") == "caveat" and "not recorded in the data" in _text(sel)

    cb_table = doc.get_element_by_id("codebook-table")
    assert cb_table.getparent().get("class") == "wide"
    trs = cb_table.xpath(".//tbody/tr")
    assert len(trs) == len(fx["themes"]["themes"]) + 1
    assert "Survival <b>bold</b> & co" in _text(trs[0]) and not cb_table.xpath(".//tbody//b")
    last = [_text(td) for td in trs[-1].xpath("td")]
    assert last[-4:] == [rows[-1]["n_coded_text"], str(rows[-1]["n_predicted"]), str(rows[-1]["n_segments"]),
                         str(rows[-1]["n_participants"])]
    assert _text(doc.get_element_by_id("methods-text")) == " ".join(text.split())


def test_partials_render_without_optin_or_coding(fx):
    ctx = sample.sample_context(fx["scored"], fx["cb"], fx["roster"], fx["linked"],
                                selection="Chosen by the fixture's author.")
    nc = support.NO_CODING / "results/interviews"
    val = V.read(nc / "validation.json")
    rows = methods.codebook_table(fx["themes"], io.read_table(nc / "segments.csv", "segments"), val)
    doc = _render({"sample": ctx, "codebook_rows": rows, "methods_text": methods.methods_paragraph(fx["config"], val)})
    page = _text(doc)
    assert "How many respondents opted in to an interview is not known" in page
    assert "not shown: domain" in page  # the profile items missing from scored.csv are named
    sel = doc.get_element_by_id("selection-rule")
    assert sel.get("class") is None and "Chosen by the fixture's author." in _text(sel)
    assert len(doc.get_element_by_id("interview-sample-table").xpath(".//thead//th")) == 7
    trs = doc.get_element_by_id("codebook-table").xpath(".//tbody/tr")
    assert all(_text(tr.xpath("td")[3]) == "\u2013" for tr in trs)
    assert not math.isnan(ctx["interview"]["constructs"][0]["d"])
