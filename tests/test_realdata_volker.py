"""A new survey wave added by configuration alone, on real data: the volker ChatGPT-adoption survey
(../shared/realdata/volker-chatgpt, 101 respondents, ';'-separated, numeric codes with words for
gender and adopter type, -9 = no answer) with the codebook and analysis plan in config/examples/volker/.

In a copy of the repository the wave is added to config/config.yaml exactly as
config/examples/volker/README.md describes, Snakemake builds that wave's survey outputs, and the test
checks (1) the statistics the volker package publishes (reference_effects.md, reference_idx.md; two or
three decimals), (2) the same statistics to 4 decimals against an independent R computation
(tests/r/volker_reference.R -> volker_reference.json), (3) that flow.csv accounts for all 101 raw rows
(every exclusion rule is reported as skipped: the survey has no consent item, attention checks,
metadata or grids), and (4) that wave1's outputs are byte-identical to a run without the new wave and
were not rebuilt. Skips when the real data are not present.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ROOT, copy_repo, run_snakemake

CANDIDATES = [Path(os.environ["UPSKILLING_REALDATA"])] if os.environ.get("UPSKILLING_REALDATA") else []
CANDIDATES += [ROOT.parent / "shared" / "realdata", Path("/work/shared/realdata")]
DATA = next((c / "volker-chatgpt" / "chatgpt_en.csv" for c in CANDIDATES
             if (c / "volker-chatgpt" / "chatgpt_en.csv").is_file()), None)
if DATA is None:
    pytest.skip("real data not present: need volker-chatgpt/chatgpt_en.csv under ../shared/realdata or "
                "/work/shared/realdata (or set UPSKILLING_REALDATA)", allow_module_level=True)

REF = json.loads((ROOT / "tests" / "r" / "volker_reference.json").read_text())
OUTPUTS = ["flow.csv", "excluded.csv", "reliability.csv", "reliability_items.csv", "descriptives.csv",
           "frequencies.csv", "hypotheses.csv"] + [f"{t}.{e}" for t in ("flow", "reliability", "descriptives",
                                                                          "hypotheses") for e in ("md", "tex")]
RULES = ["consent", "freelancer", "unfinished", "attention", "speeders", "straightliners", "duplicates"]
ADV = [f"adv{i}" for i in range(1, 5)]
ITEMS = ADV + [f"fear{i}" for i in range(1, 5)] + [f"soc{i}" for i in range(1, 5)]


def targets(wave: str) -> list[str]:
    return [f"data/processed/survey/{wave}/scored.csv"] + [f"results/survey/{wave}/{o}" for o in OUTPUTS]


def published(value, ref, decimals: int) -> bool:
    """``value`` shows as ``ref`` when rounded to ``decimals`` (half-way cases either way)."""
    return abs(float(value) - ref) <= 0.5 * 10 ** -decimals + 1e-9


def close(value, ref) -> bool:
    return math.isclose(float(value), float(ref), rel_tol=1e-9, abs_tol=5e-5)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    work = copy_repo(tmp_path_factory.mktemp("volker") / "repo")
    first = run_snakemake(work, *targets("wave1"))
    assert "wave=wave1" in first.stdout + first.stderr  # how Snakemake names a job's wave in its log
    before = {t: (work / t).read_bytes() for t in targets("wave1")}
    readme = (ROOT / "config" / "examples" / "volker" / "README.md").read_text()
    block = yaml.safe_load(readme.split("```yaml\n", 1)[1].split("```", 1)[0])  # the README's own config block
    cfg = yaml.safe_load((work / "config" / "config.yaml").read_text())
    cfg["waves"]["volker"] = dict(block["waves"]["volker"], survey=str(DATA))  # the copy lives in a temp dir
    cfg["integration"].update(block["integration"])
    (work / "config" / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    proc = run_snakemake(work, *targets("volker"), *targets("wave1"), "results/reports/volker.html")
    return work, before, proc


def table(work, name):
    return pd.read_csv(work / "results" / "survey" / "volker" / name)


@pytest.mark.slow
def test_reference_was_computed_on_this_file():
    assert hashlib.md5(DATA.read_bytes()).hexdigest() == REF["file_md5"], \
        "the data differ from those of tests/r/volker_reference.json; rerun `Rscript tests/r/volker_reference.R`"


@pytest.mark.slow
def test_every_volker_output_is_written(work):
    w = work[0]
    for t in targets("volker"):
        assert (w / t).stat().st_size > 0, t


@pytest.mark.slow
def test_flow_reconciles_to_the_101_raw_rows(work):
    w = work[0]
    flow = table(w, "flow.csv")
    assert flow["step"].tolist() == ["raw", *RULES, "analysed"]
    assert flow.iloc[0]["n_remaining"] == REF["n_raw"] == 101
    steps = flow.set_index("step")
    for rule in RULES:
        assert steps.loc[rule, "n_removed"] == 0 and steps.loc[rule, "n_remaining"] == 101
        assert steps.loc[rule, "reason"].startswith("skipped: not applicable (the codebook"), rule
    scored = pd.read_csv(w / "data/processed/survey/volker/scored.csv")
    assert flow["n_removed"].sum() + len(scored) == 101 == steps.loc["analysed", "n_remaining"]
    assert len(table(w, "excluded.csv")) == 0
    assert scored["respondent_id"].is_unique and scored["cg_adoption_advantage_01"].isna().sum() == 2  # the -9s
    assert "cg_activities" not in scored.columns  # free text not copied


@pytest.mark.slow
def test_reliability_matches_the_published_alphas(work):
    rel = table(work[0], "reliability.csv").set_index("scale")
    assert published(rel.loc["adoption", "alpha"], 0.81, 2) and rel.loc["adoption", "n"] == 97
    assert rel.loc["adoption", "n_items"] == 12
    assert published(rel.loc["advantage", "alpha"], 0.79, 2) and rel.loc["advantage", "n"] == 99
    for scale, ref in REF["reliability"].items():
        for col in ("n", "n_items", "alpha", "omega_total"):
            assert close(rel.loc[scale, col], ref[col]), (scale, col)


@pytest.mark.slow
def test_index_descriptives_match_the_published_tables(work):
    desc = table(work[0], "descriptives.csv").set_index("variable")
    pub = {"adoption": dict(n=97, mean=2.9, sd=0.6, q1=2.4, median=2.8, q3=3.2),
           "advantage": dict(n=99, mean=3.3, sd=0.8, q1=3.0, median=3.5, q3=3.8)}
    for scale, values in pub.items():
        row = desc.loc[scale]
        assert row["kind"] == "scale" and row["n"] == values.pop("n")
        for stat, ref in values.items():
            assert published(row[stat], ref, 1), (scale, stat, row[stat], ref)
            assert close(row[stat], REF["descriptives"][scale][stat]), (scale, stat)
    freq = table(work[0], "frequencies.csv")
    adopter = freq[freq["variable"] == "adopter"]["n"].tolist()
    assert adopter == [15, 63, 22, 1]  # reference_idx.md, "Missings are skipped"
    assert freq[freq["variable"] == "sd_gender"]["n"].tolist() == [40, 60, 1]


@pytest.fixture(scope="module")
def hyp(work):
    return table(work[0], "hypotheses.csv").set_index("hypothesis")


@pytest.mark.slow
def test_pearson_age_private_use(hyp):
    r = hyp.loc["A1_pearson"]
    assert published(r["effect_size"], -0.19, 2) and published(r["p"], 0.063, 3) and r["n"] == 101
    assert published(r["statistic"], -1.88, 2) and r["df"] == 99
    assert published(r["ci_low"], -0.37, 2) and published(r["ci_high"], 0.01, 2)
    ref = REF["pearson_age_private"]
    for col, key in (("effect_size", "estimate"), ("statistic", "statistic"), ("p", "p"), ("ci_low", "ci_low"),
                     ("ci_high", "ci_high")):
        assert close(r[col], ref[key]), col
    s = hyp.loc["A1_spearman"]
    assert published(s["effect_size"], -0.20, 2) and published(s["p"], 0.043, 3)
    assert published(s["statistic"], 206410.07, 2) and s["n"] == 101
    assert close(s["p"], REF["spearman_age_private"]["p"]) and close(s["effect_size"], REF["spearman_age_private"]["estimate"])


@pytest.mark.slow
def test_chisq_gender_by_age_over_40_with_continuity_correction(hyp):
    r = hyp.loc["A2_chisq"]
    assert published(r["statistic"], 0.20, 2) and published(r["p"], 0.651, 3)
    assert r["n"] == 100 and r["df"] == 1 and published(r["effect_size"], 0.05, 2)  # Cramer's V
    ref = REF["chisq_gender_age40"]
    assert close(r["statistic"], ref["statistic"]) and close(r["p"], ref["p"]) and close(r["effect_size"], ref["cramers_v"])
    assert r["variables"] == "sd_gender x age_over_40 [where sd_gender ne diverse]"
    g = hyp.loc["A3_gof"]
    assert published(g["statistic"], 4.00, 2) and published(g["p"], 0.046, 3) and g["n"] == 100
    assert close(g["p"], REF["gof_gender"]["p"])


@pytest.mark.slow
def test_advantage_items_goodness_of_fit(hyp):
    pub_chi, pub_p = [43.47, 14.28, 47.01, 53.68], [0.000, 0.006, 0.000, 0.000]
    ref = REF["gof_advantage"]
    for i, item in enumerate(ADV):
        r = hyp.loc[f"A4_{item}"]
        assert published(r["statistic"], pub_chi[i], 2) and published(r["p_adjusted"], pub_p[i], 3)
        assert r["n"] == 99 and r["correction"] == "BH"
        assert close(r["statistic"], ref["statistic"][i]) and close(r["p_adjusted"], ref["p_bh"][i])


@pytest.mark.slow
def test_advantage_items_crossed_with_gender_and_use(hyp):
    """Chi-square and Cramer's V as published. volker's p values here are Monte Carlo
    (chisq.test(simulate.p.value = TRUE) whenever a cell count is below 5, hence no df in its table), so
    they are compared with R's asymptotic p instead."""
    pub = {"A5": ([3.76, 4.99, 3.78, 3.44], [0.14, 0.16, 0.14, 0.13], [f"A5_{a}" for a in ADV], "advantage_x_gender"),
           "A6": ([41.27, 23.46, 22.48, 53.99, 24.15, 34.57, 34.62, 16.23], [0.32, 0.24, 0.24, 0.37, 0.25, 0.30, 0.30, 0.20],
                  [f"A6_{a}_{u}" for a in ADV for u in ("private", "work")], "advantage_x_use")}
    for chis, vs, ids, key in pub.values():
        ref = REF[key]
        for i, hid in enumerate(ids):
            r = hyp.loc[hid]
            assert published(r["statistic"], chis[i], 2) and published(r["effect_size"], vs[i], 2), hid
            assert r["n"] == 99
            for col, k in (("statistic", "statistic"), ("df", "df"), ("p", "p"), ("p_adjusted", "p_bh"),
                           ("effect_size", "cramers_v")):
                assert close(r[col], ref[k][i]), (hid, col)


@pytest.mark.slow
def test_expectation_items_correlated_with_age(hyp):
    pub_r = [-0.12, -0.13, -0.09, -0.12, 0.18, 0.24, -0.10, 0.02, -0.17, -0.06, 0.09, -0.02]
    pub_t = [-1.22, -1.29, -0.86, -1.15, 1.76, 2.45, -0.93, 0.20, -1.73, -0.59, 0.87, -0.22]
    pub_p = [0.509, 0.509, 0.525, 0.509, 0.348, 0.194, 0.525, 0.846, 0.348, 0.668, 0.525, 0.846]
    pub_lo = [-0.32, -0.32, -0.28, -0.31, -0.02, 0.05, -0.29, -0.18, -0.36, -0.26, -0.11, -0.22]
    pub_hi = [0.08, 0.07, 0.11, 0.08, 0.36, 0.42, 0.11, 0.22, 0.03, 0.14, 0.28, 0.18]
    ref = REF["items_x_age"]
    for i, item in enumerate(ITEMS):
        r = hyp.loc[f"A7_{item}"]
        assert r["n"] == 97 and r["df"] == 95
        assert published(r["effect_size"], pub_r[i], 2) and published(r["statistic"], pub_t[i], 2), item
        assert published(r["p_adjusted"], pub_p[i], 3), item
        assert published(r["ci_low"], pub_lo[i], 2) and published(r["ci_high"], pub_hi[i], 2), item
        for col, k in (("effect_size", "r"), ("statistic", "t"), ("p", "p"), ("p_adjusted", "p_bh"),
                       ("ci_low", "ci_low"), ("ci_high", "ci_high")):
            assert close(r[col], ref[k][i]), (item, col)


@pytest.mark.slow
def test_every_claim_has_one_primary_row_and_tables_are_written(work, hyp):
    assert hyp.groupby("claim")["primary"].sum().eq(1).all()
    md = (work[0] / "results/survey/volker/hypotheses.md").read_text()
    assert "*Hypothesis tests of claims A1-A7 (volker)*" in md and "r = −.19 [−.37, .01]" in md


@pytest.mark.slow
def test_wave1_is_unaffected_by_the_new_wave(work):
    w, before, proc = work
    for t, content in before.items():
        assert (w / t).read_bytes() == content, f"{t} changed when the volker wave was added"
    assert "wave=wave1" not in proc.stdout + proc.stderr  # no wave1 job was re-run
    assert "wave=volker" in proc.stdout + proc.stderr
    assert not (w / "results/survey/wave1/volker").exists()


@pytest.mark.slow
def test_the_worked_example_gets_its_findings_report(work):
    """results/reports/volker.html: this example's claims A1-A7 in words (from its plan), each test with
    its hypothesis text and the published numbers; no synthetic-data banner (real data)."""
    import re

    work, _, _ = work
    html = (work / "results" / "reports" / "volker.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<body>"):]))
    plan = yaml.safe_load((ROOT / "config/examples/volker/analysis.yaml").read_text(encoding="utf-8"))
    for claim, spec in plan["claims"].items():
        assert f"{claim}. {spec['title']}" in text and spec["statement"] in text
    assert "Older respondents use ChatGPT less often in private (Pearson)" in text
    hyp = table(work, "hypotheses.csv").set_index("hypothesis")
    assert f"= {hyp.loc['A1_pearson', 'effect_size']:.2f} [" in text  # Pearson's r of A1, as in hypotheses.csv
    assert round(hyp.loc["A1_pearson", "effect_size"], 2) == -0.19  # the package's published r
    assert 'id="synthetic-banner"' not in html
