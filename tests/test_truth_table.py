"""The planted-vs-recovered table (upskilling.integrate.truth_table) on the shipped truth files and the
pipeline's tables of the shipped exports, built here with the survey stage functions the Snakemake rules call
(as tests/test_survey_truth.py and tests/test_survey_compare.py do): every mapped statistic's recovered value is
the cell its truth file declares, ``within`` is |recovered - planted| <= tolerance, the planted verdicts are the
pipeline's, unmapped statistics are listed with NaN; and the partial template renders under StrictUndefined."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import jinja2
import pandas as pd
import pytest

from upskilling.config import read_yaml, validate_config
from upskilling.integrate import truth_table as tt
from upskilling.survey import compare, stage
from upskilling.survey.codebook import load_codebook
from upskilling.survey.settings import reader_options, wave_settings

ROOT = Path(__file__).resolve().parents[1]
CONFIG = validate_config(read_yaml(ROOT / "config" / "config.yaml"))
TRUTH1 = json.loads((ROOT / CONFIG["waves"]["wave1"]["truth"]).read_text())
TRUTH2 = json.loads((ROOT / CONFIG["waves"]["wave2"]["truth"]).read_text())
TEMPLATES = ROOT / "src" / "upskilling" / "integrate" / "templates"


def _scored(wave: str):
    spec = CONFIG["waves"][wave]
    codebook = ROOT / spec.get("codebook", CONFIG["codebook"])
    scored = stage.clean(ROOT / spec["survey"], reader_options(CONFIG, wave)["format"], codebook,
                         wave_settings(CONFIG, wave))[0]
    return scored, codebook


@pytest.fixture(scope="module")
def wave1():
    """wave 1's hypotheses and descriptives tables, as the pipeline writes them (not indexed)."""
    scored, codebook = _scored("wave1")
    cb = load_codebook(codebook)
    hyp = stage.hypotheses(scored, cb, ROOT / CONFIG["analysis"])
    desc = stage.descriptives(scored, cb, wave_settings(CONFIG, "wave1"))[0]
    return hyp, desc


@pytest.fixture(scope="module")
def changes():
    """The cross-wave comparison of the two shipped waves (results/survey/comparison/changes.csv)."""
    data = []
    for w in ("wave1", "wave2"):
        scored, codebook = _scored(w)
        data.append(compare.Wave(w, scored, load_codebook(codebook), f"{w}/scored.csv"))
    methods = {"wave2": compare.plan_methods(ROOT / CONFIG["waves"]["wave2"].get("analysis", CONFIG["analysis"]))}
    return compare.changes(data, compare.settings(CONFIG), methods)


def _declared(truth: dict, section: str) -> list[tuple[str, str, dict]]:
    return [(c, name, s) for c, e in truth[section].items() for name, s in e["statistics"].items()]


def _lookup(cell: dict, tables: dict) -> float:
    """The declared cell, read directly (independently of truth_table.read_cell)."""
    df = tables[cell["table"]]
    row = cell["row"]
    if isinstance(row, dict):
        hit = df
        for col, value in row.items():
            hit = hit[hit[col] == value]
    else:
        hit = df[df[{"hypotheses": "hypothesis", "descriptives": "variable"}[cell["table"]]] == row]
    assert len(hit) == 1, cell
    value = hit[cell["column"]].iloc[0]
    return math.log(value) if cell.get("transform") == "log" else value


@pytest.fixture(scope="module")
def table1(wave1):
    return tt.planted_vs_recovered(TRUTH1, *wave1)


def test_one_row_per_planted_statistic_with_the_planted_values(table1):
    declared = _declared(TRUTH1, "claims")
    assert list(table1.columns[:6]) == ["claim", "statistic", "planted", "tolerance", "recovered", "within"]
    assert list(zip(table1["claim"], table1["statistic"])) == [(c, n) for c, n, _ in declared]
    assert table1["planted"].tolist() == [s["expected"] for *_, s in declared]
    assert table1["tolerance"].tolist() == [s["tolerance"] for *_, s in declared]
    assert table1["observed"].tolist() == [s["observed"] for *_, s in declared]


def test_every_mapped_statistic_is_its_declared_pipeline_cell(wave1, table1):
    hyp, desc = wave1
    tables = {"hypotheses": hyp, "descriptives": desc}
    mapped = 0
    for (claim, name, spec), (_, row) in zip(_declared(TRUTH1, "claims"), table1.iterrows()):
        if spec["pipeline"] is None:
            continue
        assert row["recovered"] == _lookup(spec["pipeline"], tables), (claim, name)
        assert row["note"] == "" and row["source"] != "not reported"
        mapped += 1
    assert mapped == 17  # of 19: C1.mean_difference and C5.ologit_years are not reported


def test_within_is_recovered_minus_planted_inside_the_tolerance(table1):
    reported = table1[table1["recovered"].notna()]
    want = (reported["recovered"] - reported["planted"]).abs() <= reported["tolerance"]
    assert reported["within"].astype(bool).tolist() == want.tolist()
    assert reported["within"].all()  # the default data recover every planted effect


def test_unmapped_statistics_are_listed_with_nan(table1):
    unmapped = {(c, n) for c, n, s in _declared(TRUTH1, "claims") if s["pipeline"] is None}
    assert unmapped == {("C1", "mean_difference"), ("C5", "ologit_years")}
    rows = table1[[(c, n) in unmapped for c, n in zip(table1["claim"], table1["statistic"])]]
    assert len(rows) == 2 and rows["recovered"].isna().all() and rows["within"].isna().all()
    assert (rows["source"] == "not reported").all()
    assert table1["recovered"].isna().sum() == 2


def test_planted_verdicts_are_the_pipeline_verdicts_of_the_primary_tests(wave1, table1):
    hyp, _ = wave1
    primary = hyp[hyp["primary"].astype(bool)].set_index("claim")["verdict"].to_dict()
    verdicts = table1.drop_duplicates("claim").set_index("claim")
    assert verdicts["planted_verdict"].to_dict() == {c: e["expected_verdict"] for c, e in TRUTH1["claims"].items()}
    assert verdicts["pipeline_verdict"].to_dict() == primary
    assert verdicts["verdict_match"].all()


def test_tables_read_back_from_csv_give_the_same_table(wave1, table1, tmp_path):
    """The report reads hypotheses.csv / descriptives.csv (primary as text in a CSV) or indexed tables."""
    hyp, desc = wave1
    hyp.to_csv(tmp_path / "h.csv", index=False)
    desc.to_csv(tmp_path / "d.csv", index=False)
    from_csv = tt.planted_vs_recovered(TRUTH1, pd.read_csv(tmp_path / "h.csv", dtype={"primary": str}),
                                       pd.read_csv(tmp_path / "d.csv"))
    pd.testing.assert_frame_equal(from_csv, table1, check_exact=False, rtol=1e-12)
    indexed = tt.planted_vs_recovered(TRUTH1, hyp.set_index("hypothesis"), desc.set_index("variable"))
    pd.testing.assert_frame_equal(indexed, table1)


def test_missing_tables_and_rows_give_nan_with_a_note(wave1):
    hyp, desc = wave1
    t = tt.planted_vs_recovered(TRUTH1, None, desc)
    hyp_rows = t["source"].str.startswith(("hypotheses", "log(hypotheses"))
    assert t.loc[hyp_rows, "recovered"].isna().all() and (t.loc[hyp_rows, "note"] == "no hypotheses table given").all()
    assert t["pipeline_verdict"].isna().all() and t["verdict_match"].isna().all()
    assert t.loc[t["source"].str.startswith("descriptives"), "within"].all()
    t = tt.planted_vs_recovered(TRUTH1, hyp[hyp["hypothesis"] != "H4b"], desc)
    row = t[t["statistic"] == "spearman_invisible_ai_learning_freq"].iloc[0]
    assert math.isnan(row["recovered"]) and pd.isna(row["within"]) and "H4b" in row["note"]


def test_malformed_cells_are_errors(wave1):
    tables = {"hypotheses": wave1[0], "descriptives": wave1[1], "changes": None}
    with pytest.raises(ValueError, match="unknown table 'scored'"):
        tt.read_cell({"table": "scored", "row": "x", "column": "mean"}, tables)
    with pytest.raises(ValueError, match="no column 'effect'"):
        tt.read_cell({"table": "hypotheses", "row": "H1", "column": "effect"}, tables)
    with pytest.raises(ValueError, match="rows of the hypotheses table match"):
        tt.read_cell({"table": "hypotheses", "row": {"claim": "C3"}, "column": "verdict"}, tables)
    with pytest.raises(ValueError, match="unknown transform 'exp'"):
        tt.read_cell({"table": "hypotheses", "row": "H5a", "column": "effect_size", "transform": "exp"}, tables)


def test_wave2_changes_are_their_declared_cells_of_changes_csv(changes):
    t = tt.planted_vs_recovered(TRUTH2, None, None, changes)
    declared = _declared(TRUTH2, "changes")
    assert len(t) == len(declared) == 7 * 7
    for (c, name, spec), (_, row) in zip(declared, t.iterrows()):
        assert spec["pipeline"]["row"]["construct"] == c and spec["pipeline"]["row"]["design"] == name.split(".")[0]
        assert row["recovered"] == _lookup(spec["pipeline"], {"changes": changes}), (c, name)
        assert row["within"] == (abs(row["recovered"] - spec["expected"]) <= spec["tolerance"])
    assert t["within"].all()
    verdicts = t.drop_duplicates("claim").set_index("claim")
    paired = changes[changes["design"] == "paired"].set_index("construct")["change"]
    assert verdicts["pipeline_verdict"].to_dict() == paired.to_dict()
    assert verdicts["planted_verdict"].to_dict() == {c: e["expected_verdict"] for c, e in TRUTH2["changes"].items()}
    assert verdicts["verdict_match"].all()
    assert set(verdicts["planted_verdict"]) == {"rise", "fall", "no significant change"}


def _render(rows: list[dict]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("truth.html.j2").render(truth_rows=rows)


def test_partial_template_renders_every_row(table1, changes):
    rows = tt.template_rows(table1)
    html = _render(rows)
    assert "<h2>Planted vs recovered effects (synthetic data)</h2>" in html
    assert html.count('<div class="wide">') == 2 and html.count("<table") == 2
    verdicts, stats_ = html.split('id="truth-statistics"')
    assert verdicts.count("<tr>") == 1 + 5 and stats_.count("<tr>") == 1 + len(table1)
    assert stats_.count("not reported") == 2
    first = next(r for r in rows if r["statistic"] == "ologit_platform_share")
    assert first["planted"] == f"{TRUTH1['claims']['C5']['statistics']['ologit_platform_share']['expected']:.3f}"
    assert "log(hypotheses.csv H5a: effect_size)" in html
    assert re.search(r"<td class=\"mono\">C1</td><td>supported</td><td>supported</td>\s*<td>yes</td>", verdicts)
    html2 = _render(tt.template_rows(tt.planted_vs_recovered(TRUTH2, None, None, changes)))
    assert html2.split('id="truth-statistics"')[1].count("<tr>") == 1 + 49 and "no significant change" in html2
    with pytest.raises(jinja2.UndefinedError):
        jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined) \
            .get_template("truth.html.j2").render()


# ------------------------------------------------------------------ the Snakemake report's workflow description
def _workflow_description(config: dict, targets=("report.html",)) -> str:
    """report/workflow.rst rendered as `snakemake --report` renders it (snakemake/report/__init__.py: Jinja2 with
    trim_blocks and lstrip_blocks, `snakemake.config`, `files`; then docutils), failing on any docutils warning."""
    from types import SimpleNamespace

    from docutils.core import publish_parts

    links = "\n\n{% for res in files %}\n.. _{{ res.target }}: javascript:app.showResultInfo('{{ res.target }}')\n{% endfor %}\n"
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    text = env.from_string((ROOT / "report" / "workflow.rst").read_text(encoding="utf-8") + links).render(
        snakemake=SimpleNamespace(config=config), categories={}, files=[SimpleNamespace(target=t) for t in targets])
    return publish_parts(text, writer="html", settings_overrides={"halt_level": 2})["html_body"]


def test_workflow_description_says_which_waves_are_synthetic():
    html = _workflow_description(read_yaml(ROOT / "config" / "config.yaml"))
    assert "<strong>Synthetic data.</strong>" in html and "wave1</tt>, <tt class=\"docutils literal\">wave2" in html
    assert "data/raw/survey/wave1/truth.json" in html and "The interviews are synthetic too" in html
    for nb in ("survey", "interviews", "integration"):
        assert f"results/notebooks/{nb}.ipynb" in html
    assert "results/reports/wave1.html" in html and "results/reports/wave2.html" in html
    assert "showResultInfo('report.html')" in html  # linked where the report has the file

    real = {"waves": {"w": {"survey": "data/w.csv", "format": "labels"}}, "integration": {"wave": None}}
    html = _workflow_description(real, targets=())
    assert "Synthetic data" not in html and "declared real" in html and "results/reports/w.html" in html
    real["waves"]["w2"] = {"survey": "data/w2.csv", "data_origin": "synthetic"}
    html = _workflow_description(real, targets=())
    assert "The survey wave <tt class=\"docutils literal\">w2</tt>\nis synthetic" in html
    assert "interviews are synthetic" not in html and "truth.json" not in html  # w (real) is the integration wave
