"""Benchmark: run time of the interview stage on the real AnthropicInterviewer "creatives" transcripts.

Reads ../shared/realdata/interviewer-creatives/transcripts.csv (125 interviews; not part of the
repository, see its README), writes each interview as a .txt transcript into a temporary folder and
runs every interview step in turn (ingest, segment, embed without cache, topics, stability, quotes,
validation without a human coding), printing the seconds per step, the segment counts, stability
and coherence, and peak memory. Speaker labels: "User:" (participant), "Assistant:" / "AI:" (interviewer).

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
        timed("ingest", steps.ingest, files, None, cfg["speakers"], cfg["participant_header"], True,
              out / "turns.csv", out / "transcripts.csv", out / "ingest.json")
        seg = cfg["segmentation"]
        timed("segment", steps.segment, out / "turns.csv", seg["window"], seg["stride"], seg["min_words"],
              out / "segments.csv", out / "dropped.csv", out / "segmentation.json")
        timed("embed", steps.embed, out / "segments.csv", cfg["embedding"]["batch_size"], None, 1, 2,
              out / "emb.npy", out / "emb.json")
        timed("topics", steps.topics, out / "segments.csv", out / "emb.npy", out / "emb.json", themes,
              cfg["topics"], cfg["theme_vectors"], 1, out / "results.csv", out / "topics.csv", out / "model",
              out / "fit.json", threads=2)
        timed("stability", steps.stability, out / "segments.csv", out / "emb.npy", out / "emb.json", themes,
              cfg["topics"], cfg["theme_vectors"], 20260429, args.seeds, [], out / "stab.csv", out / "stab.json",
              threads=2)
        timed("quotes", steps.quotes, out / "results.csv", out / "emb.npy", out / "emb.json", themes,
              cfg["topics"]["center"], cfg["quotes"], out / "quotes.csv", out / "quotes.json")
        timed("validate", steps.validate, out / "results.csv", out / "topics.csv", out / "segmentation.json",
              out / "fit.json", out / "stab.csv", out / "stab.json", None, themes, cfg["topics"]["ngram_range"],
              cfg["topics"]["top_n_words"], out / "validation.json", out / "validation.csv")
        validation = json.loads((out / "validation.json").read_text())
        n_turns = json.loads((out / "ingest.json").read_text())["n_participant_turns"]
    print(f"interviews: {len(files)}, participant turns: {n_turns}, segments: {validation['n_segments']} "
          f"(dropped {validation['n_dropped_segments']}), topics: {validation['n_topics']}")
    for name, seconds in times.items():
        print(f"  {name:<10} {seconds:7.1f} s")
    print(f"  {'total':<10} {sum(times.values()):7.1f} s")
    print(f"stability (mean pairwise ARI of themes over {args.seeds} seeds): "
          f"{validation['stability']['mean_pairwise_ari']}; coherence NPMI: {validation['coherence_npmi']}; "
          f"outliers before/after reduction: {validation['outlier_share_before']}/{validation['outlier_share_after']}")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
