"""The theme coding end to end, on copies of the README run (the session's ``e2e_runs`` fixture):

* one added neutral question-and-answer pair in the middle of an interview moves no theme's share by
  more than 2 points, and the human coding still finds every coded turn by its fingerprint (the run
  says how many moved) instead of silently misaligning;
* with ``human_coding: ""`` (on a copy of the small run, ``small_run``) the whole DAG runs (exit 0), the
  coding is zero-shot, and validation.json and the report say that no agreement can be computed.
"""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from conftest import SMALL, run_small, run_snakemake

pytestmark = pytest.mark.slow

NEUTRAL = ("Interviewer: Sorry, my screen froze for a second there. Can you still hear me?\n\n"
           "{pid}: Yes, I can hear you fine now, no worries at all, the connection here drops now and then "
           "when the neighbours start streaming something in the evening.\n\n")


def _copy(src, dest):
    shutil.copytree(src, dest, symlinks=True)  # copy2 keeps mtimes: only what changed is rebuilt
    return dest


def _insert_neutral_turn(path, pid: str, before_question: str) -> None:
    text = path.read_text(encoding="utf-8")
    at = text.index(f"Interviewer: {before_question}")
    path.write_text(text[:at] + NEUTRAL.format(pid=pid) + text[at:], encoding="utf-8")


def test_one_neutral_turn_moves_no_theme_share_by_more_than_two_points(e2e_runs, tmp_path):
    default, _ = e2e_runs
    work = _copy(default, tmp_path / "neutral")
    base = pd.read_csv(default / "data/processed/interviews/coding.csv", keep_default_na=False)
    _insert_neutral_turn(work / "data/raw/interviews/transcripts/P05.txt", "P05",
                         "When you need to learn something new for work")
    run_snakemake(work, "data/processed/interviews/coding.csv")
    new = pd.read_csv(work / "data/processed/interviews/coding.csv", keep_default_na=False)
    assert len(new) == len(base) + 1
    shares = pd.concat({"base": base["theme"].value_counts(normalize=True),
                        "new": new["theme"].value_counts(normalize=True)}, axis=1).fillna(0.0)
    moved = (shares["new"] - shares["base"]).abs()
    assert moved.max() <= 0.02, moved.sort_values().tail(3).to_dict()
    fit = json.loads((work / "data/processed/interviews/coding_fit.json").read_text())
    anchoring = fit["anchoring"]
    # every code after the inserted pair moved by two turn ids; none is lost
    assert anchoring["n_unmatched"] == 0
    assert anchoring["n_moved"] > 0
    assert anchoring["n_matched"] + anchoring["n_moved"] == anchoring["n_rows"] == 511
    moved_ids = {m["original_turn_id"]: m["turn_id"] for m in anchoring["moved"]}
    assert all(old.startswith("P05-") and int(new_id[-3:]) == int(old[-3:]) + 2 for old, new_id in moved_ids.items())


def test_run_without_human_coding_completes_and_says_no_agreement(small_run, tmp_path):
    """On a copy of the small run (.test/): the DAG does not depend on the data's size."""
    work = _copy(small_run, tmp_path / "nocoding") / SMALL
    # targets first: --config takes every following word as a key=value
    proc = run_small(work.parent, "results/interviews/validation.json", "results/interviews/segments.csv",
                     "results/report.html", "--config", 'interviews={"human_coding": ""}', check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    validation = json.loads((work / "results/interviews/validation.json").read_text())
    assert validation["human_coding"] is False
    assert validation["kappa"] is None and validation["few_shot"] is None and validation["zero_shot"] is None
    assert "cannot be computed" in validation["note"]
    segments = pd.read_csv(work / "results/interviews/segments.csv", keep_default_na=False)
    assert set(segments["coding_mode"]) == {"zero_shot"}
    assert set(segments["theme_source"]) == {"model"}
    report = (work / "results/report.html").read_text(encoding="utf-8")
    assert "no agreement" in report.lower() or "cannot be computed" in report.lower()


def test_readme_agreement_table_matches_the_run(e2e_runs):
    """The README's agreement table is copied from a run: it must equal what the shipped run computes."""
    import re
    from pathlib import Path

    default, _ = e2e_runs
    validation = json.loads((default / "results/interviews/validation.json").read_text())
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for mode, name in (("few_shot", "few-shot"), ("zero_shot", "zero-shot")):
        s = validation[mode]["test"]
        row = re.search(rf"^\| {name} \| ([0-9.]+) \[([0-9.]+), ([0-9.]+)\] \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) points \|$",
                        readme, re.M)
        assert row, f"README has no agreement row for {name}"
        got = [float(v) for v in row.groups()]
        want = [round(s[k], 3) for k in ("kappa", "kappa_ci_low", "kappa_ci_high", "krippendorff_alpha",
                                          "min_theme_f1")] + [round(100 * s["max_abs_share_difference"], 1)]
        assert got == pytest.approx(want, abs=1e-9), (name, got, want)


def test_default_floors_on_the_test_half(e2e_runs):
    """Issue 8's floors, on the held-out half of the default data (training: a quarter of participants)."""
    default, _ = e2e_runs
    v = json.loads((default / "results/interviews/validation.json").read_text())
    assert len(v["split"]["training"]) <= 20 // 4
    assert not set(v["split"]["training"]) & set(v["split"]["test"])
    few, zero = v["few_shot"]["test"], v["zero_shot"]["test"]
    assert few["kappa"] >= 0.80 and few["kappa_ci_low"] >= 0.70
    assert few["min_theme_f1"] >= 0.65
    assert few["max_abs_share_difference"] <= 0.03
    assert zero["kappa"] >= 0.55
    # robustness: no theme below half its coded count under any re-draw of training participants
    assert min(r for r in v["robustness"]["min_count_ratio"].values() if r is not None) >= 0.5
    # C1's interview strand follows the human coding's direction: survival over growth
    counts = v["theme_counts"]
    assert counts["survival"] > counts["growth"]


def test_topic_keywords_have_no_stop_words_or_fragments(e2e_runs):
    """Inductive topics on the default data: c-TF-IDF and KeyBERT keywords are content words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    default, _ = e2e_runs
    topics = pd.read_csv(default / "results/interviews/topics.csv", keep_default_na=False)
    words = [w for col in ("keywords", "keybert") for cell in topics[col] for kw in cell.split(";")
             for w in kw.split() if kw.strip()]
    assert len(words) >= 5 * len(topics)
    bad = sorted({w for w in words if w.lower() in ENGLISH_STOP_WORDS or len(w) <= 2})
    assert not bad, bad
