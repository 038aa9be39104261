"""Benchmark: run time of the interview stage on the real AnthropicInterviewer "creatives" transcripts.

Reads ../shared/realdata/interviewer-creatives/transcripts.csv (125 interviews; not part of the
repository, see its README), writes each interview as a .txt transcript into a temporary folder and
runs every interview step in turn as the DAG does (ingest, segment, embed without cache (segments and
their preceding questions), topics (no protocol: questions identified by their text), deductive coding
zero-shot (no human coding), the results segments table, stability, prevalence, quotes, validation),
printing the seconds per step, the segment counts, the coding mode, topic stability and coherence, and
peak memory. Speaker labels: "User:" (participant), "Assistant:" / "AI:" (interviewer).
Agreement with the reference coding: validation/realdata_creatives.py.

Usage (repository root):  python benchmarks/interviews_realdata.py [--limit N] [--seeds 5]
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from upskilling.config import validate
from upskilling.interviews import steps
from upskilling.interviews.topics import derive_seed

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata" / "interviewer-creatives" / "transcripts.csv"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use only the first N interviews")
    parser.add_argument("--seeds", type=int, default=5, help="stability seeds")
    args = parser.parse_args(argv)
    if not REALDATA.is_file():
        print(f"{REALDATA} not found: the real data are not available here", file=sys.stderr)
        return 2
    cfg = validate({"stability": {"n_seeds": args.seeds}}, "config_interviews.schema.yaml", "benchmark")
    data = pd.read_csv(REALDATA)
    if args.limit:
        data = data.head(args.limit)
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tdir = tmp / "transcripts"
        tdir.mkdir()
        files = []
        for i, text in enumerate(data["text"], start=1):
            path = tdir / f"C{i:03d}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(path)
        out = tmp / "out"

        def timed(name, fn, *a, **kw):
            t = time.perf_counter()
            fn(*a, **kw)
            times[name] = time.perf_counter() - t

        themes = ROOT / "config" / "themes.yaml"
        seed = 20260429  # the default master seed (config/config.yaml `seed`)
        timed("ingest", steps.ingest, files, None, cfg["speakers"], cfg["participant_header"], True,
              out / "turns.csv", out / "transcripts.csv", out / "ingest.json")
        seg = cfg["segmentation"]
        timed("segment", steps.segment, out / "turns.csv", seg["window"], seg["stride"], seg["min_words"],
              out / "segments.csv", out / "dropped.csv", out / "segmentation.json")
        timed("embed", steps.embed, out / "segments.csv", cfg["embedding"]["batch_size"], None, 1, 2,
              out / "emb.npy", out / "emb.json", out_context_npy=out / "context.npy")
        timed("topics", steps.topics, out / "segments.csv", out / "emb.npy", out / "emb.json", themes,
              cfg["topics"], cfg["theme_vectors"], derive_seed(seed, "interviews.topics"),
              out / "topic_assignments.csv", out / "topics.csv", out / "model", out / "fit.json", threads=2,
              protocol=None)
        timed("code", steps.code, out / "segments.csv", out / "emb.npy", out / "emb.json", out / "context.npy",
              themes, human_coding=None, turns_csv=out / "turns.csv", redaction_list=None, redaction={"name_parts": True},
              coding_cfg=cfg["coding"], master_seed=seed, out_coding=out / "coding.csv",
              out_seeds=out / "coding_seeds.csv", out_fit=out / "coding_fit.json", threads=1)
        timed("segments", steps.segments_table, out / "topic_assignments.csv", out / "coding.csv",
              out / "topics.csv", out_csv=out / "results.csv", out_spread=out / "topic_themes.csv",
              out_candidates=out / "candidate_themes.csv")
        timed("stability", steps.stability, out / "segments.csv", out / "emb.npy", out / "emb.json", themes,
              cfg["topics"], cfg["theme_vectors"], seed, args.seeds, [], out / "stab.csv", out / "stab.json",
              threads=2)
        timed("prevalence", steps.prevalence, out / "results.csv", themes, out / "theme_prevalence.csv")
        timed("quotes", steps.quotes, out / "results.csv", out / "emb.npy", out / "emb.json", themes,
              cfg["topics"]["center"], cfg["quotes"], out / "quotes.csv", out / "quotes.json")
        timed("validate", steps.validate, out / "results.csv", out / "topics.csv", out / "segmentation.json",
              out / "fit.json", out / "stab.json", coding_fit_json=out / "coding_fit.json",
              ngram_range=cfg["topics"]["ngram_range"], top_n=cfg["topics"]["top_n_words"],
              n_boot=cfg["coding"]["bootstrap"]["n_boot"], seed=derive_seed(seed, "interviews.validation.bootstrap"),
              out_json=out / "validation.json", out_csv=out / "validation.csv")
        validation = json.loads((out / "validation.json").read_text())
        n_turns = json.loads((out / "ingest.json").read_text())["n_participant_turns"]
        n_candidates = len(pd.read_csv(out / "candidate_themes.csv"))
    topics = validation["topics"]
    print(f"interviews: {len(files)}, participant turns: {n_turns}, segments: {validation['n_segments']} "
          f"(dropped {validation['n_dropped_segments']}), topics: {topics['n_topics']} "
          f"({n_candidates} candidate new themes), coding: {validation['mode_used']}")
    for name, seconds in times.items():
        print(f"  {name:<10} {seconds:7.1f} s")
    print(f"  {'total':<10} {sum(times.values()):7.1f} s")
    stab = topics["stability"]
    print(f"topic stability over {args.seeds} seeds (mean pairwise ARI): topics "
          f"{stab['mean_pairwise_ari_topics']}, nearest themes {stab['mean_pairwise_ari']}; "
          f"coherence NPMI: {topics['coherence_npmi']}; "
          f"outliers before/after reduction: {topics['outlier_share_before']}/{topics['outlier_share_after']}")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
