"""Reviewer notebooks: jupytext .py sources executed with nbclient; every code cell leaves an output,
and a failing (or silent) cell fails the run.

The survey notebook re-derives numbers from the raw export and recomputes the headline tests, so it runs
on real survey-stage outputs (the survey stage run here on a raw export: the small configuration's wave
1, the shipped wave 2 and the fixture wave of another study), not on the invented fixture project."""
import io
import math
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pandas as pd
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.errors import InputError  # noqa: E402
from upskilling.integrate import notebooks  # noqa: E402
from upskilling.integrate.settings import settings  # noqa: E402
from upskilling.survey import stage  # noqa: E402
from upskilling.survey.plan import claim_specs  # noqa: E402
from upskilling.survey.settings import wave_settings  # noqa: E402

NOTEBOOKS = support.REPO / "notebooks"
REPO = support.REPO
# raw exports the survey notebook is run on: three header rows with labels / with codes, one header row
SURVEYS = {
    "wave1": {"export": REPO / ".test/data/raw/survey/wave1/export.csv", "format": "qualtrics",
              "codebook": REPO / "config/codebook.yaml", "analysis": REPO / "config/analysis.yaml"},
    "wave2": {"export": REPO / "data/raw/survey/wave2/export.csv", "format": "qualtrics_numeric",
              "codebook": REPO / "config/waves/wave2/codebook.yaml", "analysis": REPO / "config/analysis.yaml"},
    "remote": {"export": REPO / "tests/fixtures/wave_labels/export.csv", "format": "labels",
               "codebook": REPO / "tests/fixtures/wave_labels/codebook.yaml",
               "analysis": REPO / "tests/fixtures/wave_labels/analysis.yaml", "sep": ",", "encoding": "utf-8"},
}


def parameters(root: Path, name: str) -> dict:
    p = support.paths(root)
    s = {k: str(v) for k, v in p.items()}
    st = settings(support.config(root))
    return {
        "interviews": dict(segments_csv=s["segments"], topics_csv=s["topics"], quotes_csv=s["quotes"],
                           prevalence_csv=s["theme_prevalence"], validation_json=s["validation"],
                           coding_seeds_csv=s["coding_seeds"], themes_yaml=s["themes"], integration=st),
        "integration": dict(claims_csv=s["claims"], participants_csv=s["claims_participants"],
                            hypotheses_csv=s["hypotheses"], reliability_csv=s["reliability"],
                            prevalence_csv=s["theme_prevalence"], validation_json=s["validation"],
                            coding_seeds_csv=s["coding_seeds"], themes_yaml=s["themes"], integration=st),
    }[name]


def run_survey(root: Path, wave: str, export: Path, format: str, codebook: Path, analysis: Path, sep=None,
               encoding: str = "utf-8-sig", missing_values=()) -> dict:
    """The survey stage on ``export`` (schema-default survey settings, as the small configuration), written
    where the pipeline writes it under ``root``; returns the survey notebook's parameters (as
    rules/common.smk's _notebook_parameters gives them)."""
    out, processed = root / "results/survey" / wave, root / "data/processed/survey" / wave
    out.mkdir(parents=True)
    processed.mkdir(parents=True)
    st = wave_settings({"survey": {}, "waves": {wave: {}}}, wave)
    scored, flow, _ = stage.clean(export, format, codebook, st, sep=sep, missing_values=missing_values,
                                  encoding=encoding, wave=wave)
    scored.to_csv(processed / "scored.csv", index=False)
    flow.to_csv(out / "flow.csv", index=False)
    scored = stage.read_scored(processed / "scored.csv")
    stage.reliability(scored, codebook, st)[0].to_csv(out / "reliability.csv", index=False)
    stage.descriptives(scored, codebook, st)[0].to_csv(out / "descriptives.csv", index=False)
    stage.hypotheses(scored, codebook, analysis).to_csv(out / "hypotheses.csv", index=False)
    return {"wave": wave, "flow_csv": str(out / "flow.csv"), "reliability_csv": str(out / "reliability.csv"),
            "descriptives_csv": str(out / "descriptives.csv"), "hypotheses_csv": str(out / "hypotheses.csv"),
            "scored_csv": str(processed / "scored.csv"), "codebook_yaml": str(codebook),
            "analysis_yaml": str(analysis), "export_csv": str(export), "export_format": format,
            "export_sep": sep, "export_encoding": encoding, "export_missing_values": list(missing_values),
            "integration": settings({})}


@pytest.fixture(scope="module")
def survey_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("survey_runs")
    return {w: run_survey(base / w, w, **spec) for w, spec in SURVEYS.items()}


@pytest.fixture(scope="module")
def survey_notebook_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("survey_nb")


@pytest.fixture(scope="module")
def survey_notebooks(survey_runs, survey_notebook_dir):
    """The survey notebook executed on each survey run (written to survey_notebook_dir/<wave>.ipynb)."""
    out = survey_notebook_dir
    return {w: notebooks.execute(NOTEBOOKS / "survey.py", out / f"{w}.ipynb", p, cwd=out)
            for w, p in survey_runs.items()}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("nb") / "p")
    support.build_claims(root)
    return root


def test_sources_are_jupytext_percent_with_a_parameters_cell():
    for name in ("survey", "interviews", "integration"):
        src = NOTEBOOKS / f"{name}.py"
        assert src.read_text().startswith("# ---\n# jupyter:")
        nb = jupytext.read(src)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= 4, f"{name} explains too little"


@pytest.mark.parametrize("name", ["survey", "interviews", "integration"])
def test_notebook_executes_with_an_output_for_every_code_cell(project, request, tmp_path, name):
    if name == "survey":  # executed on the wave 1 run by the module's fixture: the file it wrote
        request.getfixturevalue("survey_notebooks")
        out = request.getfixturevalue("survey_notebook_dir") / "wave1.ipynb"
    else:
        out = tmp_path / f"{name}.ipynb"
        notebooks.execute(NOTEBOOKS / f"{name}.py", out, parameters(project, name), cwd=project)
    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs for c in code)
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    injected = [c for c in code if notebooks.INJECTED_TAG in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "execution" not in code[0].metadata  # no timings: executed notebooks diff cleanly


@pytest.fixture(scope="module")
def project_no_coding(tmp_path_factory):
    """The project when the interviews have no human coding (validation.json without agreement)."""
    root = support.copy_project(tmp_path_factory.mktemp("nb0") / "p", coding=False)
    support.build_claims(root)
    return root


def _outputs(nb) -> str:
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     + str(o.get("data", {}).get("text/markdown", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_interviews_notebook_compares_the_coding_modes(project, tmp_path):
    out = tmp_path / "interviews.ipynb"
    nb = notebooks.execute(NOTEBOOKS / "interviews.py", out, parameters(project, "interviews"), cwd=project)
    text = _outputs(nb)
    assert "uses the **few-shot** coding: test-half kappa 0.72 [0.61, 0.81]" in text
    assert "zero_shot" in text and "few_shot" in text and "krippendorff_alpha" in text
    assert "keep their human code" in text


@pytest.mark.parametrize("name", ["interviews", "integration"])
def test_notebooks_without_a_human_coding_say_so_and_run(project_no_coding, tmp_path, name):
    out = tmp_path / f"{name}.ipynb"
    nb = notebooks.execute(NOTEBOOKS / f"{name}.py", out, parameters(project_no_coding, name),
                           cwd=project_no_coding)
    text = _outputs(nb)
    if name == "interviews":
        assert "**No human coding**: no agreement with a human coding can be computed" in text
        assert "no per-theme agreement: there is no human coding" in text
    else:
        assert "no_human_coding" in text and "low_agreement" not in text
        assert "every k of n in the joint display re-derived" in text


def test_survey_notebook_shows_the_paired_figure(survey_notebooks):
    nb = survey_notebooks["wave1"]
    assert any("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    # a wave of another study has no survival / growth: the section says it is skipped
    assert "skipped: wave remote has no construct(s) ['survival', 'growth']" in _outputs(survey_notebooks["remote"])


def _html_tables(nb, marker: str) -> list[pd.DataFrame]:
    """The DataFrames the notebook displayed whose HTML contains ``marker``."""
    return [pd.read_html(io.StringIO(o["data"]["text/html"]))[0] for c in nb.cells if c.cell_type == "code"
            for o in c.outputs if marker in o.get("data", {}).get("text/html", "")]


@pytest.mark.parametrize("wave, header_rows, answers", [("wave1", 3, "labels"), ("wave2", 3, "codes"),
                                                         ("remote", 1, "labels")])
def test_survey_notebook_walks_a_respondent_from_the_raw_export(survey_runs, survey_notebooks, wave, header_rows,
                                                                answers):
    text = _outputs(survey_notebooks[wave])
    book = yaml.safe_load(Path(survey_runs[wave]["codebook_yaml"]).read_text(encoding="utf-8"))
    scored = pd.read_csv(survey_runs[wave]["scored_csv"], dtype={"respondent_id": str})
    assert f"below {header_rows} header row(s)" in text and f"answers as {answers}" in text
    k = len(book["constructs"])
    got = re.search(rf"respondent (\S+): {k} of {k} construct scores re-derived from the raw export equal scored.csv",
                    text)
    assert got, text[-3000:]
    rid = got.group(1)
    assert rid in set(scored["respondent_id"])
    row = scored.set_index("respondent_id").loc[rid]
    assert f"respondent {rid}: row {int(row['source_row'])} of {survey_runs[wave]['export_csv']}" in text
    # the item table shows each raw cell, its code and the code scored.csv holds (reverse-coded items reversed)
    walk = _html_tables(survey_notebooks[wave], "raw cell")[0]
    assert all(math.isclose(a, b) for a, b in zip(walk["scored as"], walk["scored.csv"]))
    assert walk["reverse"].astype(str).eq("True").any()
    assert set(walk["construct"]) <= set(book["constructs"]) and len(set(walk["construct"])) == 2
    # the agree definition is the one descriptives.py computes (share of scale means above the midpoint)
    assert "share of scale means above the midpoint: equal to descriptives.csv" in text


@pytest.mark.parametrize("wave", list(SURVEYS))
def test_survey_notebook_recomputes_every_headline_test(survey_runs, survey_notebooks, wave):
    nb, params = survey_notebooks[wave], survey_runs[wave]
    text = _outputs(nb)
    hyp = pd.read_csv(params["hypotheses_csv"]).set_index("hypothesis")
    claims = claim_specs(params["analysis_yaml"])
    for claim, spec in claims.items():
        test = hyp.loc[spec["headline"], "test"]
        assert f"{claim}: headline {spec['headline']} ({test}): equal" in text, text[-2000:]
    table = _html_tables(nb, "p_adjusted (here)")[0]
    heads = table[table["role"] == "headline"]
    assert sorted(heads["hypothesis"]) == sorted(s["headline"] for s in claims.values())
    assert set(table["result"]) == {"equal"}
    # every part of a combined headline is recomputed, and the statistic and p are the ones in hypotheses.csv
    for _, r in table.iterrows():
        ref = hyp.loc[r["hypothesis"]]
        tol = max(r["rtol"], 1e-6)  # the notebook's tolerance; the HTML shows 10 significant digits
        assert r["rtol"] == (1e-4 if r["test"] == "ordinal_logit" or r["hypothesis"] == "H5" else 1e-9)
        assert math.isclose(r["p (here)"], ref["p"], rel_tol=tol)
        if math.isfinite(ref["statistic"]):
            assert math.isclose(r["statistic (here)"], ref["statistic"], rel_tol=tol)
    for combined in heads[heads["test"].isin(["all_of", "any_of"])]["hypothesis"]:
        parts = hyp.loc[combined, "variables"].replace("|", "&").split(" & ")
        assert set(parts) <= set(table["hypothesis"]), combined
    assert re.search(rf"{len(table)} of {len(table)} tests recomputed from scored.csv equal hypotheses.csv; "
                     "0 not recomputed", text)


# a plan with every test kind the notebook recomputes, derived variables, where conditions, corrections
# (BH, holm over Friedman post-hoc pairs), nested combinations and a test the data do not allow
EVERY_KIND = {
    "methods": {"mann_whitney": {"correct": False}, "ordinal_logit": {"standardize": True}},
    "derived": {"experienced": {"from": "years_freelancing", "op": "ge", "value": 5}},
    "families": {"K1": {"correction": "BH"}, "K5post": {"correction": "holm"}},
    "claims": {"K1": {"title": "Opt-in"}, "K2": {"title": "Regions", "headline": "K2a"}},
    "hypotheses": [
        {"id": "K1a", "claim": "K1", "test": "mann_whitney", "variables": {"x": "survival", "group": "interview_optin"},
         "groups": ["Yes", "No"], "alternative": "greater", "family": "K1"},
        {"id": "K1b", "claim": "K1", "test": "pearson", "variables": {"x": "platform_share", "y": "hours_week"},
         "family": "K1"},
        {"id": "K1", "claim": "K1", "test": "any_of", "variables": {"of": ["K1a", "K1b"]}, "primary": True},
        {"id": "K2a", "claim": "K2", "test": "kruskal_wallis", "variables": {"x": "growth", "group": "region"}},
        {"id": "K2b", "claim": "K2", "test": "binomial", "variables": {"x": "ai_structures"},
         "success": {"op": "ge", "value": "Somewhat agree"}},
        {"id": "K2", "claim": "K2", "test": "all_of", "variables": {"of": ["K2a", "K2b"]}, "primary": True},
        {"id": "K3", "claim": "K3", "test": "chisq_independence",
         "variables": {"x": "interview_optin", "y": "experienced"}, "primary": True},
        {"id": "K4", "claim": "K4", "test": "chisq_gof", "variables": {"x": "domain"}, "primary": True},
        {"id": "K5a", "claim": "K5", "test": "binomial", "variables": {"x": "experienced"},
         "success": {"op": "eq", "value": 1}, "p0": 0.4, "alternative": "greater"},
        {"id": "K5b", "claim": "K5", "test": "friedman", "variables": {"within": ["survival", "growth", "competition"]},
         "posthoc": {"family": "K5post"}},
        {"id": "K5c", "claim": "K5", "test": "all_of", "variables": {"of": ["K5a", "K5b"]}},
        {"id": "K5d", "claim": "K5", "test": "ordinal_logit",
         "variables": {"outcome": "growth", "predictors": ["hours_week", "competition"], "term": "competition"}},
        {"id": "K5", "claim": "K5", "test": "any_of", "variables": {"of": ["K5c", "K5d"]}, "primary": True},
        {"id": "K6a", "claim": "K6", "test": "spearman", "variables": {"x": "invisible", "y": "ai_learning_freq"},
         "where": [{"variable": "domain", "op": "in", "value": ["Design", "Software development", "Marketing"]}],
         "alternative": "greater"},
        {"id": "K6b", "claim": "K6", "test": "wilcoxon_one_sample", "variables": {"x": "barrier_context"},
         "mu": "Somewhat agree", "alternative": "less", "family": "K5post"},
        {"id": "K6", "claim": "K6", "test": "all_of", "variables": {"of": ["K6a", "K6b"]}, "primary": True},
        {"id": "K7", "claim": "K7", "test": "binomial", "variables": {"x": "ai_structures"},
         "success": {"op": "gt", "value": "midpoint"},
         "where": [{"variable": "years_freelancing", "op": "gt", "value": 1000}], "primary": True},
    ],
}


def test_survey_notebook_recomputes_every_test_kind_and_lists_what_it_cannot(tmp_path):
    plan = tmp_path / "analysis.yaml"
    plan.write_text(yaml.safe_dump(EVERY_KIND, sort_keys=False), encoding="utf-8")
    params = run_survey(tmp_path / "run", "wave1", **{**SURVEYS["wave1"], "analysis": plan})
    nb = notebooks.execute(NOTEBOOKS / "survey.py", tmp_path / "survey.ipynb", params, cwd=tmp_path)
    text = _outputs(nb)
    table = _html_tables(nb, "p_adjusted (here)")[0].set_index("hypothesis")
    kinds = {h["test"] for h in EVERY_KIND["hypotheses"]} | {"wilcoxon_paired"}  # the post-hoc pairs
    assert len(kinds - {"all_of", "any_of"}) == 11 and set(table["test"]) == kinds  # every kind recomputed
    # K6b shares the post-hoc pairs' family: it brings them, and the Holm-adjusted p of all four is checked
    assert {"K5b.survival-growth", "K6b"} <= set(table.index)
    assert table.loc["K6b", "correction (here)"] == "holm over 4 (K5post)"
    for claim, test in (("K1", "any_of"), ("K3", "chisq_independence"), ("K4", "chisq_gof"), ("K5", "any_of"),
                        ("K6", "all_of")):
        assert f"{claim}: headline {claim} ({test}): equal" in text
    # a declared headline (not the primary) is what is recomputed: K2a, not K2's all_of over K2a and K2b
    assert "K2: headline K2a (kruskal_wallis): equal" in text and "K2b" not in set(table.index)
    assert all(table.drop(index="K7")["result"] == "equal")
    # the binomial test on nobody is not computable: named with its reason, not silently dropped
    assert "K7: headline K7 (binomial): not recomputed: hypotheses.csv marks it not computable" in text
    assert re.search(rf"{len(table) - 1} of {len(table)} tests recomputed from scored.csv equal hypotheses.csv; "
                     "1 not recomputed", text)


def test_the_survey_notebook_fails_when_a_number_does_not_match(survey_runs, tmp_path):
    """The re-derivations assert: a changed p in hypotheses.csv, or a changed scale score in scored.csv,
    fails the run (and so the pipeline's notebook rule)."""
    params = survey_runs["wave1"]
    hyp = pd.read_csv(params["hypotheses_csv"])
    hyp.loc[hyp["hypothesis"] == "H1", "p"] *= 1.001
    hyp.to_csv(tmp_path / "hypotheses.csv", index=False)
    with pytest.raises(notebooks.NotebookError, match="differ from hypotheses.csv"):
        notebooks.execute(NOTEBOOKS / "survey.py", tmp_path / "a.ipynb",
                          {**params, "hypotheses_csv": str(tmp_path / "hypotheses.csv")}, cwd=tmp_path)
    scored = pd.read_csv(params["scored_csv"], dtype={"respondent_id": str})
    scored.loc[0, "growth"] += 0.25  # the first respondent, whom the notebook walks through
    scored.to_csv(tmp_path / "scored.csv", index=False)
    with pytest.raises(notebooks.NotebookError, match="by hand"):
        notebooks.execute(NOTEBOOKS / "survey.py", tmp_path / "b.ipynb",
                          {**params, "scored_csv": str(tmp_path / "scored.csv")}, cwd=tmp_path)


def _write(tmp_path, body: str) -> Path:
    src = tmp_path / "nb.py"
    src.write_text("# %% tags=[\"parameters\"]\nx = 1\nx\n\n" + body)
    return src


def test_a_failing_cell_fails_the_run(tmp_path):
    src = _write(tmp_path, "# %%\nraise ValueError('boom in cell')\n")
    with pytest.raises(notebooks.NotebookError, match="boom in cell"):
        notebooks.execute(src, tmp_path / "out.ipynb", {"x": 2})
    assert not (tmp_path / "out.ipynb").exists()


def test_a_silent_cell_fails_the_run(tmp_path):
    src = _write(tmp_path, "# %%\ny = x + 1\n")
    with pytest.raises(notebooks.NotebookError, match="code cell 2 has no output"):
        notebooks.execute(src, tmp_path / "out.ipynb", {"x": 2})


def test_injected_parameters_override_the_defaults(tmp_path):
    src = _write(tmp_path, "# %%\nprint('x is', x)\n")
    nb = notebooks.execute(src, tmp_path / "out.ipynb", {"x": 41})
    assert "x is 41" in nb.cells[-1].outputs[0]["text"]


def test_a_source_without_parameters_cell_is_refused(tmp_path):
    src = tmp_path / "nb.py"
    src.write_text("# %%\n1\n")
    with pytest.raises(InputError, match="no cell tagged 'parameters'"):
        notebooks.prepare(src, {})


VOLKER = next((p / "volker-chatgpt/chatgpt_en.csv" for p in (REPO.parent / "shared/realdata",
                                                              Path("/work/shared/realdata"))
               if (p / "volker-chatgpt/chatgpt_en.csv").exists()), None)


@pytest.mark.skipif(VOLKER is None, reason="real data not present (volker-chatgpt under ../shared/realdata)")
def test_survey_notebook_on_a_real_survey_of_another_study(tmp_path):
    """The volker survey (config/examples/volker/): one header row of codes, ';'-separated (detected), -9 and
    "[no answer]" as missing values, words in two numeric columns, BH-corrected batteries, any_of claims."""
    ex = REPO / "config/examples/volker"
    params = run_survey(tmp_path / "run", "volker", VOLKER, "numeric", ex / "codebook.yaml", ex / "analysis.yaml",
                        missing_values=[-9, "[no answer]"])
    nb = notebooks.execute(NOTEBOOKS / "survey.py", tmp_path / "survey.ipynb", params, cwd=tmp_path)
    text = _outputs(nb)
    assert "below 1 header row(s)" in text and "sep ';' (detected)" in text and "answers as codes" in text
    assert re.search(r"respondent \S+: 4 of 4 construct scores re-derived from the raw export equal scored.csv", text)
    for claim, spec in claim_specs(params["analysis_yaml"]).items():
        assert re.search(rf"{claim}: headline {re.escape(spec['headline'])} \(\w+\): equal", text)
    assert set(_html_tables(nb, "p_adjusted (here)")[0]["result"]) == {"equal"}
    assert "0 not recomputed" in text
