"""Theme coding on real interviews: the AnthropicInterviewer "creatives" transcripts and their reference coding.

Reads ../shared/realdata/interviewer-creatives/ (125 real interviews and a single coder's reference
coding of 45 of them; not part of the repository, see that folder's README), writes every interview
as ``<transcript_id>.txt`` (``Participant: <id>``, a blank line, the text) into a temporary copy of
the repository, and runs the pipeline's own interview targets there with Snakemake and this overlay:

- ``human_coding``: the reference coding (anchored by its ``text_start`` fingerprints);
- the coded participants split by participant into a development half (22, drawn with ``--seed``)
  and a test half (23); the few-shot coder is trained on the whole development half (22 of 45
  coded interviews, under half); agreement is reported on the test half only;
- no redaction list and no protocol (the interviewer is an AI model whose questions vary).

Every other setting is the shipped default, chosen on the development halves. Prints the agreement per
mode and half (clear-only turns too) and writes the summary (numbers only, no text) to
``validation/results/creatives.json``.

Usage (repository root):  python validation/realdata_creatives.py [--seed 20261201] [--cores 2]
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata" / "interviewer-creatives"
SKIP = {"results", "logs", ".snakemake", ".pytest_cache", "__pycache__", ".git", "processed", "validation"}


def write_corpus(folder: Path) -> int:
    csv.field_size_limit(1 << 30)
    folder.mkdir(parents=True)
    n = 0
    with (REAL / "transcripts.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (folder / f"{row['transcript_id']}.txt").write_text(
                f"Participant: {row['transcript_id']}\n\n{row['text']}", encoding="utf-8")
            n += 1
    return n


def clear_only(segments: pd.DataFrame, reference: pd.DataFrame, mode: str, column: str, half: str) -> dict:
    from upskilling.interviews.agreement import agreement_summary
    from upskilling.interviews.validate import HALVES

    clear = set(reference.loc[reference["confidence"] == "clear", "turn_id"])
    sub = segments[segments["split"].isin(HALVES[mode][half]) & segments["turn_id"].isin(clear)
                   & (segments["human_theme"].fillna("") != "")]
    labels = sorted(set(sub["human_theme"]) | set(sub[column]))
    s = agreement_summary(sub["human_theme"].to_numpy(object), sub[column].to_numpy(object),
                          sub["participant_id"].to_numpy(), labels, n_boot=2000, seed=0)
    return {k: s[k] for k in ("n", "n_participants", "kappa", "kappa_ci_low", "kappa_ci_high", "krippendorff_alpha")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261201, help="seed of the development/test draw")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print its path")
    args = parser.parse_args(argv)
    if not (REAL / "reference_coding.csv").is_file():
        print(f"{REAL} not found: the real data are not available here", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="creatives-"))
    work = tmp / "repo"
    shutil.copytree(ROOT, work, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")])
    n = write_corpus(tmp / "transcripts")
    overlay = {"interviews": {
        "transcripts": str(tmp / "transcripts"), "human_coding": str(REAL / "reference_coding.csv"),
        "redaction_list": "", "protocol": "",
        # 0.48 x 45 rounds to 22 development interviews; 0.49 x 45 floors to 22 training (all of them)
        "coding": {"split": {"development": [], "share": 0.48, "seed": args.seed},
                   "training": {"participants": [], "share": 0.49, "seed": args.seed}}}}
    (work / "creatives.yaml").write_text(yaml.safe_dump(overlay), encoding="utf-8")
    targets = ["results/interviews/validation.json", "results/interviews/theme_prevalence.csv"]
    # --configfile takes several values: it goes last, after the targets
    cmd = [sys.executable, "-m", "snakemake", "--cores", str(args.cores), *targets, "--configfile", "creatives.yaml"]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr[-4000:], file=sys.stderr)
        return 1
    validation = json.loads((work / "results/interviews/validation.json").read_text())
    segments = pd.read_csv(work / "results/interviews/segments.csv", keep_default_na=False)
    reference = pd.read_csv(REAL / "reference_coding.csv", keep_default_na=False)
    summary = {"n_interviews": n, "n_segments": validation["n_segments"], "split_seed": args.seed,
               "n_development": len(validation["split"]["development"]), "n_test": len(validation["split"]["test"]),
               "n_training": len(validation["split"]["training"]), "anchoring": {
                   k: validation["anchoring"][k] for k in ("n_rows", "n_matched", "n_moved", "n_unmatched")},
               "topics": {k: validation["topics"][k] for k in ("n_topics", "outlier_share_after")},
               "protocol_alignment": validation["topics"]["protocol_alignment"]}
    for mode, column in (("zero_shot", "theme_zero_shot"), ("few_shot", "theme_few_shot")):
        for half, s in (validation.get(mode) or {}).items():
            other = s["per_theme"]["other"]
            summary[f"{mode}.{half}"] = {
                **{k: s[k] for k in ("n", "n_participants", "kappa", "kappa_ci_low", "kappa_ci_high",
                                     "krippendorff_alpha", "macro_f1")},
                "other_share_coded": other["share_coded"], "other_share_predicted": other["share_predicted"],
                "clear_only": clear_only(segments, reference, mode, column, half)}
    uncoded = segments[segments["split"] == ""]
    summary["uncoded_interviews"] = {"n_segments": int(len(uncoded)),
                                     "theme_shares": uncoded["theme"].value_counts(normalize=True).round(4).to_dict()}
    out = ROOT / "validation" / "results" / "creatives.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
