"""The survey rules end to end with Snakemake, in a copy of the repository: every wave in
config['waves'] gets its outputs (here a second wave in the numeric format), and a bad export stops
the run with the one-line message naming file, row, column and value."""
from __future__ import annotations

import csv

import pandas as pd
import pytest
import yaml

from conftest import copy_repo, run_snakemake
from upskilling.survey import synth
from upskilling.survey.codebook import load_codebook

OUTPUTS = ["flow.csv", "excluded.csv", "reliability.csv", "reliability_items.csv", "descriptives.csv",
           "frequencies.csv", "hypotheses.csv"] + [f"{t}.{e}" for t in ("flow", "reliability", "descriptives",
                                                                          "hypotheses") for e in ("md", "tex")]


def targets(wave: str) -> list[str]:
    return [f"data/processed/survey/{wave}/scored.csv"] + [f"results/survey/{wave}/{o}" for o in OUTPUTS]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    work = copy_repo(tmp_path_factory.mktemp("survey") / "repo")
    cb = load_codebook(work / "config" / "codebook.yaml")
    raw = work / "data" / "raw" / "survey" / "wave3"
    raw.mkdir(parents=True)
    synth.write_export(synth.synth_codes(cb, 500, seed=2, shift={"survival": 0.4}, mess=0.1), cb,
                       raw / "export.csv", "numeric")
    cfg = yaml.safe_load((work / "config" / "config.yaml").read_text())
    cfg["waves"]["wave3"] = {"survey": "data/raw/survey/wave3/export.csv", "format": "numeric"}
    (work / "config" / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    return work


@pytest.mark.slow
def test_every_wave_gets_its_survey_outputs(work):
    run_snakemake(work, *targets("wave1"), *targets("wave3"))
    for wave in ("wave1", "wave3"):
        for t in targets(wave):
            assert (work / t).stat().st_size > 0, t
        flow = pd.read_csv(work / f"results/survey/{wave}/flow.csv")
        scored = pd.read_csv(work / f"data/processed/survey/{wave}/scored.csv")
        assert flow["n_removed"].sum() + len(scored) == flow.iloc[0]["n_remaining"]
        hyp = pd.read_csv(work / f"results/survey/{wave}/hypotheses.csv")
        assert hyp.groupby("claim")["primary"].sum().eq(1).all()
    wave3 = pd.read_csv(work / "results/survey/wave3/hypotheses.csv").set_index("hypothesis")
    assert wave3.loc["H1", "verdict"] == "supported"  # survival shifted up by 0.4 in the synthetic wave
    assert (work / "logs/survey/wave3/hypotheses.log").read_text().count("claim C") == 5


@pytest.mark.slow
def test_a_bad_export_stops_the_run_with_a_readable_message(work):
    path = work / "data/raw/survey/wave3/export.csv"
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    rows[5][rows[0].index("Q20_4")] = "9"
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    proc = run_snakemake(work, "--forceall", *targets("wave3"), check=False)
    assert proc.returncode != 0
    err = proc.stdout + proc.stderr
    assert "export.csv: row 6" in err and "column 'Q20_4': code out of range '9'; use one of [1, 2, 3, 4, 5]" in err
    log = (work / "logs/survey/wave3/clean.log").read_text()
    assert "code out of range '9'" in log and "Traceback" not in log
