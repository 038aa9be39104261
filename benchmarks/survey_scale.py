"""Benchmark (not a test): the survey stage on 100,000 generated respondents.

Generates a Qualtrics-style export of N respondents from the codebook (upskilling.survey.synth, with
5% messy rows so that every exclusion rule has work), then

1. runs the survey rules with Snakemake (--cores 2) in a scratch copy of the repository, as a user
   would: wall time, and peak memory as the largest summed RSS of the Snakemake process tree
   (sampled every 50 ms);
2. times each step of the stage in one process (import, exclusions, scoring, writing, reliability,
   descriptives, hypothesis tests, tables) and reports that process's peak RSS.

Targets: under 30 s and under 2 GiB. Usage: python benchmarks/survey_scale.py [N] (default 100000).
Results are printed and written to benchmarks/out/survey_scale.json.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import GIB, copy_checkout, measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"results", "logs", ".snakemake", ".pytest_cache", "__pycache__", ".git", "processed", "benchmarks"}


def in_process(work: Path, export: Path) -> dict:
    code = f"""
import json, resource, time
t0 = time.perf_counter()
from upskilling.config import read_yaml, validate
from upskilling.survey import exclusions, scoring, stage
from upskilling.survey.codebook import load_codebook
from upskilling.survey.io import read_export
cfg = validate(read_yaml('config/config.yaml'), 'config.schema.yaml', 'config/config.yaml')
s = cfg['survey']; cb = load_codebook('config/codebook.yaml')
steps = {{'python imports + config': time.perf_counter() - t0}}
def step(name, fn):
    t = time.perf_counter(); out = fn(); steps[name] = time.perf_counter() - t; return out
raw = step('read export', lambda: read_export({str(export)!r}, 'qualtrics', cb))
kept, flow, exc = step('exclusions', lambda: exclusions.apply_exclusions(raw, cb, s['exclusions']))
scored = step('scoring', lambda: scoring.score(kept, cb, s['scoring']))
step('write scored.csv', lambda: scored.to_csv('scored_bench.csv', index=False))
scored = step('read scored.csv', lambda: stage.read_scored('scored_bench.csv'))
rel = step('reliability', lambda: stage.reliability(scored, cb, s))
desc = step('descriptives', lambda: stage.descriptives(scored, cb, s))
hyp = step('hypotheses', lambda: stage.hypotheses(scored, cb, 'config/analysis.yaml'))
step('tables', lambda: stage.tables(flow, rel[0], desc[0], hyp, 'bench'))
steps['total'] = time.perf_counter() - t0
print(json.dumps({{'steps': steps, 'peak_rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                   'n_raw': int(flow.iloc[0]['n_remaining']), 'n_analysed': len(scored),
                   'verdicts': dict(zip(hyp[hyp['primary']]['claim'], hyp[hyp['primary']]['verdict']))}}))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(n: int = 100_000) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from upskilling.survey import synth
    from upskilling.survey.codebook import load_codebook

    scratch = Path(tempfile.mkdtemp(prefix="survey_bench_"))
    work = scratch / "repo"
    copy_checkout(ROOT, work, SKIP)
    cb = load_codebook(work / "config" / "codebook.yaml")
    export = work / "data" / "raw" / "survey" / "bench" / "export.csv"
    export.parent.mkdir(parents=True)
    t = time.perf_counter()
    synth.write_export(synth.synth_codes(cb, n, seed=20260429, shift={"survival": 0.3}, mess=0.05), cb, export)
    gen = time.perf_counter() - t
    cfg = yaml.safe_load((work / "config" / "config.yaml").read_text())
    cfg["waves"] = {"bench": {"survey": "data/raw/survey/bench/export.csv", "format": "qualtrics"}}
    (work / "config" / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    outs = ["flow.csv", "excluded.csv", "reliability.csv", "reliability_items.csv", "descriptives.csv",
            "frequencies.csv", "hypotheses.csv"] + [f"{x}.{e}" for x in ("flow", "reliability", "descriptives",
                                                                          "hypotheses") for e in ("md", "tex")]
    targets = ["data/processed/survey/bench/scored.csv"] + [f"results/survey/bench/{o}" for o in outs]
    run = measure([sys.executable, "-m", "snakemake", "--cores", "2", *targets], work)
    wall, peak_gib = run["wall_s"], run["peak_gib"]
    steps = in_process(work, export)
    result = {
        "n_respondents": n, "export_mb": round(export.stat().st_size / 1e6, 1), "generation_s": round(gen, 1),
        "snakemake": {"wall_s": round(wall, 2), "peak_tree_rss_gib": round(peak_gib, 3), "cores": 2},
        "in_process": {"steps_s": {k: round(v, 2) for k, v in steps["steps"].items()},
                       "peak_rss_gib": round(steps["peak_rss"] / GIB, 3)},
        "n_analysed": steps["n_analysed"], "verdicts": steps["verdicts"],
        "machine": {"cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / GIB, 1),
                    "python": platform.python_version()},
        "targets": {"wall_s": 30, "peak_gib": 2},
    }
    result["pass"] = wall < 30 and peak_gib < 2
    out_dir = ROOT / "benchmarks" / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "survey_scale.json").write_text(json.dumps(result, indent=2))
    shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
