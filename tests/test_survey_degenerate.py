"""Legal but degenerate survey data never reach a traceback (catalogue of issue 9).

Each case either stops the whole stage with one InputError line naming the file and the fix (zero
analysed respondents), or marks what cannot be computed: a hypotheses.csv row with NaN statistic and
p, the verdict "not computable" and a ``note`` naming the hypothesis and the reason; a reliability row
with NaN and a ``note``. Part (a) calls the package on small tables built here; part (b) runs the
Snakemake scripts of the survey stage in a subprocess (with a stand-in ``snakemake`` object, as
Snakemake's script directive provides one) and checks the exit code, the one-line message and that no
traceback is printed.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from upskilling.config import read_yaml, validate
from upskilling.errors import InputError
from upskilling.survey import hypotheses as hy
from upskilling.survey import reliability as rl
from upskilling.survey import scoring, stage
from upskilling.survey import stats_rank as sr
from upskilling.survey import verdict as vd
from upskilling.survey.codebook import load_codebook
from upskilling.survey.plan import load_plan

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook(ROOT / "config" / "codebook.yaml")
CONFIG = validate(read_yaml(ROOT / "config" / "config.yaml"), "config.schema.yaml", "config/config.yaml")
WAVE = CONFIG["waves"]["wave1"]
ANALYSIS = ROOT / "config" / "analysis.yaml"
NC = "not computable"


# --------------------------------------------------------------------------------------------------
# (a) unit level: one plan with every degenerate test on a table built here
# --------------------------------------------------------------------------------------------------

def _table(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, n).astype(float)
    z = rng.normal(size=n)
    return pd.DataFrame({
        "respondent_id": [f"R{i}" for i in range(n)], "x": x, "x_copy": x, "x_again": x,
        "y": rng.integers(1, 6, n).astype(float), "const": 3.0, "high": rng.integers(4, 6, n).astype(float),
        "freelancing": 1.0,  # everyone 'Yes': the group 'No' is empty
        "domain": rng.integers(1, 3, n).astype(float),  # 'Writing and editing' / 'Design' only
        "sep_y": (x > 3).astype(float) + 1,  # perfectly separated by x
        "z": z, "z2": 2 * z, "ord": np.digitize(z + rng.normal(size=n), [-0.5, 0.5]).astype(float),
    })


def _h(hid: str, test: str, variables: dict, claim: str = "X", **kw) -> dict:
    return {"id": hid, "claim": claim, "test": test, "variables": variables, "alternative": "two-sided", **kw}


PLAN = {"families": {"F": {"correction": "holm"}}, "hypotheses": [
    _h("MW1", "mann_whitney", {"x": "x", "group": "freelancing"}, groups=["Yes", "No"]),
    _h("MW2", "mann_whitney", {"x": "const", "group": "domain"}, groups=[1, 2]),
    _h("KW1", "kruskal_wallis", {"x": "x", "group": "domain"}, groups=[1, 2, 3]),
    _h("KW2", "kruskal_wallis", {"x": "x", "group": "freelancing"}),
    _h("KW3", "kruskal_wallis", {"x": "const", "group": "domain"}),
    _h("CH1", "chisq_independence", {"x": "freelancing", "y": "domain"}),
    _h("GOF1", "chisq_gof", {"x": "const"}),
    _h("SP1", "spearman", {"x": "x", "y": "const"}, family="F"),
    _h("SP2", "spearman", {"x": "x", "y": "y"}, family="F"),
    _h("PE1", "pearson", {"x": "const", "y": "x"}),
    _h("WP1", "wilcoxon_paired", {"x": "x", "y": "x_copy"}, alternative="greater"),
    _h("WO1", "wilcoxon_one_sample", {"x": "const"}, mu=3, alternative="greater"),
    _h("WO2", "wilcoxon_one_sample", {"x": "high"}, mu=3, alternative="less"),
    _h("BI1", "binomial", {"x": "x"}, success={"op": "gt", "value": 3}, p0=0.5,
       where=[{"variable": "freelancing", "op": "eq", "value": "No"}]),
    _h("FR1", "friedman", {"within": ["x", "x_copy", "x_again"]}),
    _h("OL1", "ordinal_logit", {"outcome": "sep_y", "predictors": ["x"], "term": "x"}),
    _h("OL2", "ordinal_logit", {"outcome": "ord", "predictors": ["z", "z2"], "term": "z"}),
    _h("OL3", "ordinal_logit", {"outcome": "const", "predictors": ["z"], "term": "z"}),
    _h("OL4", "ordinal_logit", {"outcome": "ord", "predictors": ["z", "const"], "term": "z"}),
    _h("A1", "all_of", {"of": ["SP2", "MW1"]}, primary=True),
    _h("A2", "all_of", {"of": ["WO2", "MW1"]}, claim="Y", primary=True),
    _h("N1", "any_of", {"of": ["SP2", "MW1"]}, claim="Z", primary=True),
]}

#: hypothesis -> (verdict, the note's text after "<id>: ")
EXPECTED = {
    "MW1": (NC, "Mann-Whitney group 'No' of freelancing is empty"),
    "MW2": (NC, "Mann-Whitney test: all 40 values are equal (3), so the groups cannot differ"),
    "KW2": (NC, "Kruskal-Wallis test needs two non-empty groups, 1 left"),
    "KW3": (NC, "Kruskal-Wallis test: all 40 values are equal (3), so the groups cannot differ"),
    "CH1": (NC, "chi-square test of independence: freelancing has a single observed category, so there is no "
                "association to test (0 df)"),
    "GOF1": (NC, "chi-square goodness of fit needs at least two categories, 1 found (0 df)"),
    "SP1": (NC, "Spearman's rho: const is constant (all 40 values are 3), so it correlates with nothing"),
    "PE1": (NC, "Pearson's r: const is constant (all 40 values are 3), so it correlates with nothing"),
    "WP1": (NC, "Wilcoxon signed-rank test: x equals x_copy for all 40 respondents, so there is no non-zero "
                "difference to rank"),
    "WO1": (NC, "Wilcoxon signed-rank test: const equals mu = 3 for all 40 respondents, so there is no non-zero "
                "difference to rank"),
    "BI1": (NC, "binomial test: no answers, so there are no successes to count [where freelancing eq No]"),
    "FR1": (NC, "Friedman test: each of the 40 respondents gives all 3 variables the same value, so there is "
                "nothing to rank"),
    "OL1": (NC, "ordinal logistic regression: the information matrix is numerically singular (40 complete cases "
                "for 2 parameters: complete or quasi-complete separation, collinear predictors or too few "
                "respondents), so the slopes are not uniquely determined"),
    "OL2": (NC, "ordinal logistic regression: the information matrix is numerically singular (40 complete cases "
                "for 4 parameters: complete or quasi-complete separation, collinear predictors or too few "
                "respondents), so the slopes are not uniquely determined"),
    "OL3": (NC, "ordinal logistic regression: the outcome has a single value (3) in 40 complete cases; an ordinal "
                "model needs at least two outcome levels"),
    "OL4": (NC, "ordinal logistic regression: predictor 'const' is constant (3 in all 40 complete cases), so its "
                "slope is not identified"),
    "A1": (NC, "not computable because MW1 is not computable and the all_of verdict depends on it"),
    "A2": ("contradicted", "contradicted whatever MW1 (not computable) would give"),
    "N1": (NC, "not computable because MW1 is not computable and the any_of verdict depends on it"),
}


@pytest.fixture(scope="module")
def degenerate(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("plan") / "analysis.yaml"
    path.write_text(yaml.safe_dump(PLAN, sort_keys=False), encoding="utf-8")
    data = _table()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # degenerate input is checked, not computed into NaN
        out = hy.run_plan(data, load_plan(path, CB, list(data.columns)))
    assert list(out.columns) == hy.COLUMNS and hy.COLUMNS[-1] == "note"
    return out.set_index("hypothesis")


@pytest.mark.parametrize("hid", sorted(EXPECTED))
def test_degenerate_test_is_marked_with_a_note(degenerate, hid):
    verdict, note = EXPECTED[hid]
    row = degenerate.loc[hid]
    assert row["verdict"] == verdict
    assert row["note"] == f"{hid}: {note}"
    assert "\n" not in row["note"]
    assert math.isnan(row["p"]) and math.isnan(row["p_adjusted"])
    if row["test"] not in ("all_of", "any_of"):
        assert math.isnan(row["statistic"]) and math.isnan(row["effect_size"])


def test_an_empty_group_among_several_is_left_out_with_a_note(degenerate):
    row = degenerate.loc["KW1"]  # groups [1, 2, 3]; nobody in 3: computed on the two others, as kruskal.test
    assert math.isfinite(row["p"]) and row["df"] == 1 and row["verdict"] != NC
    assert row["note"] == "KW1: Kruskal-Wallis group 'Software development' is empty; it is left out"


def test_not_computable_is_skipped_by_the_family_correction(degenerate):
    # SP1 (not computable) and SP2 share a Holm family: SP2 is adjusted as the only test computed
    assert math.isnan(degenerate.loc["SP1", "p_adjusted"])
    assert degenerate.loc["SP2", "p_adjusted"] == pytest.approx(degenerate.loc["SP2", "p"], abs=1e-15)
    # as R: p.adjust(c(0.01, NA, 0.04), "holm") == c(0.02, NA, 0.04)
    got = vd.adjust([0.01, math.nan, 0.04], "holm")
    assert got[0] == pytest.approx(0.02) and math.isnan(got[1]) and got[2] == pytest.approx(0.04)


def test_computable_rows_have_no_note(degenerate):
    assert degenerate.loc["SP2", "note"] == "" and degenerate.loc["WO2", "verdict"] == "contradicted"


def _c(verdict: str, hid: str = "h", p: float = 0.5) -> dict:
    return {"verdict": verdict, "hypothesis": hid, "p_adjusted": math.nan if verdict == NC else p}


@pytest.mark.parametrize("kind, verdicts, expected", [
    ("all_of", ["supported", NC], NC),
    ("all_of", ["not supported", NC], NC),       # the missing test might have contradicted it
    ("all_of", ["contradicted", NC], "contradicted"),
    ("all_of", [NC, NC], NC),
    ("any_of", ["supported", NC], NC),           # ... or contradicted it
    ("any_of", ["not supported", NC], NC),
    ("any_of", ["supported", "contradicted", NC], "not supported"),
])
def test_combination_over_a_not_computable_component(kind, verdicts, expected):
    comps = [_c(v, f"h{i}") for i, v in enumerate(verdicts)]
    v, p, _ = vd.combine(kind, comps)
    assert v == expected and math.isnan(p)
    assert vd.combine_note(kind, "C", v, comps).startswith("C: ")


def test_a_not_computable_test_is_never_supported():
    row = {"alpha": 0.05, "p_adjusted": math.nan, "alternative": "greater", "direction": "greater", "sign": 1}
    assert vd.verdict(row) == NC and NC in vd.VERDICTS


def test_stats_functions_name_what_is_missing():
    res = sr.mann_whitney([1.0, 2.0], [], names=("'yes'", "'no'"))
    assert math.isnan(res.p) and res.note == "Mann-Whitney group 'no' is empty" and res.n == 2
    res = sr.mann_whitney([], [], names=("'yes'", "'no'"))
    assert res.note == "Mann-Whitney groups 'yes' and 'no' are empty"
    res = sr.wilcoxon_one_sample([], 3.0, name="growth")
    assert res.note == "Wilcoxon signed-rank test: no complete cases of growth" and res.n == 0
    res = sr.spearman([1.0, 2.0], [2.0, 1.0])
    assert res.note == "Spearman's rho needs at least 3 complete pairs of x and y, 2 found"


# ---- the shipped plan on too few respondents ----------------------------------------------------

@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    return stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, CONFIG["survey"])[0]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_too_few_respondents_give_notes_not_errors(scored, n):
    small = scored.head(n).copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        hyp = stage.hypotheses(small, CB, ANALYSIS)
        rel, _items = stage.reliability(small, CB, CONFIG["survey"])
        desc, _freq = stage.descriptives(small, CB, CONFIG["survey"])
    assert hyp["verdict"].isin(vd.VERDICTS).all()
    nc = hyp[hyp["verdict"] == NC]
    assert len(nc) > 0  # the ordinal models (H5a, H5b) cannot be fitted on <= 3 respondents
    for r in nc.itertuples():
        assert r.note.startswith(f"{r.hypothesis}: ") and "\n" not in r.note
        if r.test not in ("all_of", "any_of"):
            assert math.isnan(r.p) and math.isnan(r.statistic)
    assert "singular" in hyp.set_index("hypothesis").loc["H5a", "note"] or n == 1
    assert (hyp.loc[hyp["verdict"] != NC, "note"] == "").all()
    assert (rel["n"] == n).all() and (desc["n"] <= n).all()
    if n == 1:
        assert rel["alpha"].isna().all() and rel["note"].str.contains("reliability needs at least 2").all()


def test_two_rows_through_the_tables(scored):
    small = scored.head(2).copy()
    hyp = stage.hypotheses(small, CB, ANALYSIS)
    rel = stage.reliability(small, CB, CONFIG["survey"])[0]
    desc = stage.descriptives(small, CB, CONFIG["survey"])[0]
    flow = pd.DataFrame({"step": [0], "reason": ["raw responses"], "n_removed": [0], "n_remaining": [2]})
    md = stage.tables(flow, rel, desc, hyp, "w", 2)["hypotheses"][0]
    h5a = next(line for line in md.splitlines() if line.startswith("| C5 | H5a |"))
    assert "| — |" in h5a and h5a.rstrip().endswith("| not computable |")
    assert "H5a: ordinal logistic regression: the information matrix is numerically singular" in md


# ---- reliability ----------------------------------------------------------------------------------

def test_reliability_with_one_complete_case():
    items = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [2.0, 2.0, np.nan], "c": [3.0, 1.0, 2.0]})
    row, tab = rl.scale_reliability(items, "s")
    assert row["n"] == 1 and math.isnan(row["alpha"]) and math.isnan(row["omega_total"])
    assert row["note"] == "s: 1 complete case (respondents who answered all 3 items); reliability needs at least 2"
    assert tab["alpha_if_dropped"].isna().all() and tab["r_drop"].isna().all() and len(tab) == 3


def test_reliability_without_variance():
    same = pd.DataFrame({"a": [3.0] * 5, "b": [3.0] * 5, "c": [3.0] * 5})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        row, tab = rl.scale_reliability(same, "s")
    assert math.isnan(row["alpha"]) and math.isnan(row["omega_total"]) and row["n"] == 5
    assert row["note"].startswith("s: the sum of the items has no variance across the 5 complete cases")
    one = pd.DataFrame({"a": [3.0] * 5, "b": [1.0, 2, 3, 4, 5], "c": [2.0, 2, 3, 5, 4]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        row, tab = rl.scale_reliability(one, "s")
    assert math.isfinite(row["alpha"]) and math.isnan(row["omega_total"])
    assert row["note"] == ("s: item a has no variance across the 5 complete cases, so omega (from the item "
                           "correlations) is undefined")
    assert math.isnan(tab.set_index("item").loc["a", "r_drop"])
    assert list(rl.reliability_tables(one.assign(d=1.0), {"s": ["a", "b", "c"]})[0].columns) == rl.COLUMNS


# ---- zero respondents -----------------------------------------------------------------------------

def test_scoring_zero_rows_gives_an_empty_table():
    from upskilling.survey.io import read_export

    raw = read_export(ROOT / WAVE["survey"], WAVE["format"], CB).head(0)
    out = scoring.score(raw, CB, CONFIG["survey"]["scoring"])
    assert len(out) == 0 and {"respondent_id", "survival", "growth"} <= set(out.columns)


def test_everyone_excluded_writes_an_empty_scored_table_and_the_next_stage_stops(tmp_path):
    settings = json.loads(json.dumps(CONFIG["survey"]))
    settings["exclusions"]["speeders"]["min_share_of_median"] = 1000  # every respondent is a speeder
    scored, flow, _ = stage.clean(ROOT / WAVE["survey"], WAVE["format"], CB, settings)
    assert len(scored) == 0 and int(flow["n_remaining"].iloc[-1]) == 0 and "survival" in scored.columns
    path = tmp_path / "data" / "processed" / "survey" / "w" / "scored.csv"
    path.parent.mkdir(parents=True)
    scored.to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        stage.hypotheses(stage.read_scored(path), CB, ANALYSIS)
    assert str(exc.value).startswith(f"{path}: 0 respondents left after the exclusions (see "
                                     f"{(tmp_path / 'results/survey/w/flow.csv').as_posix()})")


@pytest.mark.parametrize("run", [
    lambda s: stage.reliability(s, CB, CONFIG["survey"]),
    lambda s: stage.descriptives(s, CB, CONFIG["survey"]),
    lambda s: stage.hypotheses(s, CB, ANALYSIS),
], ids=["reliability", "descriptives", "hypotheses"])
def test_zero_rows_stop_the_stage(scored, run):
    with pytest.raises(InputError) as exc:
        run(scored.head(0))
    assert str(exc.value).startswith("the scored table has 0 respondents")
    assert "survey.exclusions in config/config.yaml" in str(exc.value)


# --------------------------------------------------------------------------------------------------
# (b) script level: the Snakemake scripts in a subprocess
# --------------------------------------------------------------------------------------------------

#: Runs one script of scripts/ with a stand-in for the object Snakemake's `script:` directive provides.
RUNNER = """
import json, runpy, sys
from types import SimpleNamespace as NS
for spec in json.loads(sys.argv[1]):
    snakemake = NS(input=NS(**spec["input"]), output=NS(**spec["output"]), params=NS(**spec["params"]),
                   wildcards=NS(**spec["wildcards"]), log=spec["log"])
    runpy.run_path(spec["script"], init_globals={"snakemake": snakemake}, run_name="__main__")
"""


def _spec(rule: str, wave: str, settings: dict) -> dict:
    scored = f"data/processed/survey/{wave}/scored.csv"
    res = f"results/survey/{wave}"
    cb, an = str(ROOT / "config" / "codebook.yaml"), str(ANALYSIS)
    specs = {
        "reliability": ({"scored": scored, "codebook": cb},
                        {"reliability": f"{res}/reliability.csv", "item_table": f"{res}/reliability_items.csv"},
                        {"settings": {"reliability": settings["reliability"]}}),
        "descriptives": ({"scored": scored, "codebook": cb},
                         {"descriptives": f"{res}/descriptives.csv", "frequencies": f"{res}/frequencies.csv"},
                         {"settings": {"descriptives": settings["descriptives"]}}),
        "hypotheses": ({"scored": scored, "codebook": cb, "analysis": an}, {"hypotheses": f"{res}/hypotheses.csv"},
                       {}),
        "tables": ({"flow": f"{res}/flow.csv", "reliability": f"{res}/reliability.csv",
                    "descriptives": f"{res}/descriptives.csv", "hypotheses": f"{res}/hypotheses.csv"},
                   {"markdown": [f"{res}/{t}.md" for t in stage_tables()],
                    "latex": [f"{res}/{t}.tex" for t in stage_tables()]},
                   {"names": stage_tables(), "decimals": 2}),
    }
    inp, out, params = specs[rule]
    return {"script": str(ROOT / "scripts" / f"survey_{rule}.py"), "input": inp, "output": out, "params": params,
            "wildcards": {"wave": wave}, "log": [f"logs/survey/{wave}/{rule}.log"]}


def stage_tables() -> list[str]:
    return ["flow", "reliability", "descriptives", "hypotheses"]


def _workdir(tmp_path: Path, wave: str, scored: pd.DataFrame, flow_rows: int) -> Path:
    for d in (f"data/processed/survey/{wave}", f"results/survey/{wave}", f"logs/survey/{wave}"):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    scored.to_csv(tmp_path / f"data/processed/survey/{wave}/scored.csv", index=False)
    pd.DataFrame({"step": [0, 1], "reason": ["raw responses", "speeders"],
                  "n_removed": [0, 10 - flow_rows], "n_remaining": [10, flow_rows]}).to_csv(
        tmp_path / f"results/survey/{wave}/flow.csv", index=False)
    return tmp_path


def _run(workdir: Path, specs: list[dict]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUNNER, json.dumps(specs)], cwd=workdir, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("rule", ["reliability", "descriptives", "hypotheses"])
def test_zero_respondents_stop_each_script_with_one_line(scored, tmp_path, rule):
    work = _workdir(tmp_path, "w", scored.head(0), 0)
    proc = _run(work, [_spec(rule, "w", CONFIG["survey"])])
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    want = {"reliability": "reliability", "descriptives": "descriptives", "hypotheses": "the hypothesis tests"}[rule]
    message = ("data/processed/survey/w/scored.csv: 0 respondents left after the exclusions (see "
               f"results/survey/w/flow.csv); {want} cannot be computed without respondents: relax the exclusion "
               "rules under survey.exclusions in config/config.yaml (or the wave's settings) or check the export")
    assert proc.stderr.splitlines()[-1] == f"InputError: {message}"
    assert message in (work / f"logs/survey/w/{rule}.log").read_text(encoding="utf-8")


def test_two_respondents_run_the_stage_with_notes(scored, tmp_path):
    # measured by a user: LinAlgError and a message blaming config/analysis.yaml
    work = _workdir(tmp_path, "w", scored.head(2), 2)
    proc = _run(work, [_spec(r, "w", CONFIG["survey"]) for r in ("reliability", "descriptives", "hypotheses",
                                                                 "tables")])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "config/analysis.yaml" not in proc.stderr
    hyp = pd.read_csv(work / "results/survey/w/hypotheses.csv", keep_default_na=False).set_index("hypothesis")
    assert hyp.loc["H5a", "verdict"] == NC and hyp.loc["H5a", "note"].startswith("H5a: ordinal logistic regression")
    assert hyp.loc["H5", "verdict"] == NC
    assert "not computable: H5a: ordinal logistic regression" in proc.stderr
    assert "| not computable |" in (work / "results/survey/w/hypotheses.md").read_text(encoding="utf-8")
    assert "note" in pd.read_csv(work / "results/survey/w/reliability.csv").columns


def test_exact_wilcoxon_falls_back_to_the_normal_approximation_with_zeros_or_ties_as_r_does():
    """R 4.2: x <- c(0, 1.5, -0.5, 2, 3.25, 0.75, 1, 4); wilcox.test(x, mu = 0)$p.value and with
    exact = TRUE both give 0.0346105575157073 ("cannot compute exact p-value with zeroes");
    wilcox.test(c(1,2,3,4,5), c(3,6,7,8,9), exact = TRUE)$p.value = 0.0465329850745106 (ties: normal)."""
    from upskilling.survey import stats_rank as sr

    x = np.array([0, 1.5, -0.5, 2, 3.25, 0.75, 1, 4])
    for exact in ("auto", True):
        res = sr.wilcoxon_one_sample(x, 0.0, "two-sided", exact=exact, correct=True)
        assert res.p == pytest.approx(0.0346105575157073, rel=1e-12) and res.details["method"] == "approx"
    mw = sr.mann_whitney(np.array([1., 2, 3, 4, 5]), np.array([3., 6, 7, 8, 9]), "two-sided", True, True, 0.95)
    assert mw.p == pytest.approx(0.0465329850745106, rel=1e-12)


# ---- catalogue of hostile exports through the cleaning script (issue 9): one line, exit code, no traceback
def _export_variant(tmp_path: Path, kind: str) -> tuple[Path, dict]:
    """A copy of the shipped export changed as ``kind`` says, and the wave's reader options."""
    import csv

    src = ROOT / "data" / "raw" / "survey" / "wave1" / "export.csv"
    rows = list(csv.reader(src.open(encoding="utf-8", newline="")))
    head, data = rows[:3], rows[3:]
    col = {c: i for i, c in enumerate(head[0])}
    reader = {"format": "qualtrics", "sep": None, "missing_values": [], "encoding": "utf-8-sig"}
    sep = ","
    if kind == "everyone_excluded":
        for r in data:
            r[col["Q1"]] = "No"  # nobody consents
    elif kind == "refusal_text":
        data[4][col["Q7"]] = "Prefer not to say"  # a refusal in a numeric column
    elif kind == "page_progress":
        for r in data:
            r[col["Progress"]] = str(12 if r[col["Progress"]] == "100" else 7)  # last page, not a percentage
    elif kind == "semicolons":
        sep = ";"  # and no sep: in the reader options
    out = tmp_path / "export.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=sep).writerows(head + data)
    return out, reader


CLEAN_CASES = {
    # kind: (exit code, text in the last stderr line or None)
    "everyone_excluded": (0, None),
    "refusal_text": (1, "declare it a missing-value code: waves.w.missing_values"),
    "page_progress": (1, "meta.progress"),
    "semicolons": (0, None),
}


@pytest.mark.parametrize("kind", sorted(CLEAN_CASES))
def test_hostile_exports_through_the_cleaning_script(tmp_path, kind):
    export, reader = _export_variant(tmp_path, kind)
    wave = "w"
    for d in (f"data/processed/survey/{wave}", f"results/survey/{wave}", f"logs/survey/{wave}"):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    res = f"results/survey/{wave}"
    spec = {"script": str(ROOT / "scripts" / "survey_clean.py"),
            "input": {"export": str(export), "codebook": str(ROOT / "config" / "codebook.yaml")},
            "output": {"scored": f"data/processed/survey/{wave}/scored.csv", "flow": f"{res}/flow.csv",
                       "excluded": f"{res}/excluded.csv"},
            "params": {"reader": reader, "settings": {k: CONFIG["survey"][k] for k in ("exclusions", "scoring")}},
            "wildcards": {"wave": wave}, "log": [f"logs/survey/{wave}/clean.log"]}
    proc = _run(tmp_path, [spec])
    code, text = CLEAN_CASES[kind]
    assert proc.returncode == code, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    if code:
        last = proc.stderr.strip().splitlines()[-1]
        assert last.startswith("InputError: ") and text in last, last
        assert str(export) in last or "config" in last  # names the file or the key to fix
    flow = pd.read_csv(tmp_path / res / "flow.csv") if code == 0 else None
    if kind == "everyone_excluded":
        steps = flow.set_index("step")
        assert steps.loc["consent", "n_removed"] == 300 and steps.loc["analysed", "n_remaining"] == 0
        # the next stage then stops with one line (test_zero_respondents_stop_each_script_with_one_line)
    if kind == "semicolons":
        assert flow["n_remaining"].iloc[-1] == 220  # the separator was detected: same result as the shipped file
