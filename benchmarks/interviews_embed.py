"""Benchmark: throughput of the embedding rule's code path against a bare SentenceTransformer.encode.

Both run in the same process, on the same segments, with the same model object and batch size; the
rounds alternate (bare, pipeline, bare, pipeline, ...) so that load on the machine affects both alike.
The pipeline path is ``upskilling.interviews.embed.embed_segments`` with a fresh cache folder each
round (a cold cache: hashing each text, encoding, writing the per-segment cache shards), i.e. what
the rule does on new segments. A full cache hit (every segment reused) is timed separately. Prints
segments/s, the ratio (target >= 0.90) and peak memory.

Usage (repository root):
    python benchmarks/interviews_embed.py [segments.csv] [--rounds 3] [--batch-size 32] [--limit N]

Without a segments file, the default transcripts are ingested and segmented into a temporary folder.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from upskilling.config import validate
from upskilling.interviews import steps
from upskilling.interviews.embed import embed_segments, encode
from upskilling.model import load_model, model_info

ROOT = Path(__file__).resolve().parents[1]


def default_segments(tmp: Path) -> Path:
    cfg = validate({}, "config_interviews.schema.yaml", "benchmark")
    files = sorted((ROOT / cfg["transcripts"]).glob("*.*"))
    steps.ingest(files, ROOT / cfg["redaction_list"], cfg["speakers"], cfg["participant_header"], {"name_parts": True},
                 tmp / "turns.csv", tmp / "transcripts.csv", tmp / "ingest.json")
    seg = cfg["segmentation"]
    steps.segment(tmp / "turns.csv", seg["window"], seg["stride"], seg["min_words"], tmp / "segments.csv",
                  tmp / "dropped.csv", tmp / "segmentation.json")
    return tmp / "segments.csv"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("segments", nargs="?", help="segments.csv (default: segment the default transcripts)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N segments")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = Path(args.segments) if args.segments else default_segments(tmp)
        texts = steps.read_csv(path, dtype={"text": str})["text"].tolist()
        if args.limit:
            texts = texts[: args.limit]
        info = model_info()
        model = load_model()
        encode(model, texts[:16], args.batch_size)  # warm-up (first call allocates)
        bare, pipeline = [], []
        for r in range(args.rounds):
            t = time.perf_counter()
            encode(model, texts, args.batch_size)
            bare.append(len(texts) / (time.perf_counter() - t))
            t = time.perf_counter()
            _, meta = embed_segments(texts, model, info["sha256"], tmp / f"cache{r}", batch_size=args.batch_size)
            pipeline.append(len(texts) / (time.perf_counter() - t))
            assert meta["cache_hit"] is False
        t = time.perf_counter()
        _, meta = embed_segments(texts, model, info["sha256"], tmp / "cache0", batch_size=args.batch_size)
        hit_seconds = time.perf_counter() - t

    words = sum(len(x.split()) for x in texts) / len(texts)
    b, p = statistics.median(bare), statistics.median(pipeline)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"segments: {len(texts)} (mean {words:.0f} words), batch size {args.batch_size}, "
          f"torch threads {args.threads}, rounds {args.rounds}")
    print(f"bare SentenceTransformer.encode : {b:8.1f} segments/s  (rounds: {', '.join(f'{x:.1f}' for x in bare)})")
    print(f"embedding rule (cache miss)     : {p:8.1f} segments/s  (rounds: {', '.join(f'{x:.1f}' for x in pipeline)})")
    print(f"ratio rule / bare               : {p / b:8.3f}  (target >= 0.90)")
    print(f"embedding rule (cache hit)      : {hit_seconds:8.3f} s for {len(texts)} segments (cache_hit={meta['cache_hit']})")
    print(f"peak resident memory            : {peak_mb:8.0f} MB")
    return 0 if p / b >= 0.90 else 1


if __name__ == "__main__":
    sys.exit(main())
