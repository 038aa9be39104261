"""Benchmarks (issue 12): one command that measures speed and memory and writes benchmarks/results.md.

    pip install -e ".[bench]"
    python benchmarks/run.py            # everything (about 50 minutes on 2 cores)
    python benchmarks/run.py --quick    # a smaller plan, to check the script itself

Every measurement runs Snakemake as a user would (`python -m snakemake`), in a scratch copy of the
repository under a temporary folder, and records the wall time and the peak memory of the whole
Snakemake process tree (summed RSS, sampled every 50 ms). Nothing here is a test: no threshold fails
the run; results.md puts each measurement beside the issue's floor.

What is measured
* default data: cold `snakemake --cores 4` (empty embedding cache; numba's cache of the environment
  as after a first run), a no-change re-run, a topic-setting change, warm (outputs deleted, embedding
  cache kept) and one added interview, medians of --repeats;
* survey stage at 1k, 10k, 100k generated respondents (benchmarks/survey_scale.py's generator);
* interview stage (embedding, topics, coding, the rest) at 20 (default), 125 (the real creatives
  corpus, if ../shared/realdata is present), 1,000 and 2,000 interviews (synthetic scale-up: each
  interview recombines the default interviews' answers question by question, so texts are distinct);
* ratios in the same run: embedding rule vs a bare SentenceTransformer.encode of the same texts, the
  topic rule's fit vs a plain BERTopic().fit_transform on the same embeddings, incremental vs cold.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
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
OUT = ROOT / "benchmarks"
REALDATA = ROOT.parent / "shared" / "realdata" / "interviewer-creatives" / "transcripts.csv"
SKIP = {"results", "logs", ".snakemake", ".pytest_cache", "__pycache__", ".git", "processed", "benchmarks", ".test"}
IV = "data/processed/interviews"


# ------------------------------------------------------------------ running and measuring
def snakemake(work: Path, *args: str, cores: int = 4) -> dict:
    """``args``: targets first (--configfile takes every following word as a file)."""
    return measure([sys.executable, "-m", "snakemake", "--cores", str(cores), *args], work)


def scratch_copy(base: Path, name: str) -> Path:
    work = base / name
    copy_checkout(ROOT, work, SKIP)
    return work


def clean_outputs(work: Path, keep_cache: bool) -> None:
    cache = work / IV / "embedding_cache"
    kept = None
    if keep_cache and cache.exists():
        kept = work.parent / f"{work.name}.cache"
        shutil.move(str(cache), kept)
    for d in ("results", "data/processed", "logs", ".snakemake"):
        shutil.rmtree(work / d, ignore_errors=True)
    (work / "data/processed").mkdir(parents=True)
    (work / "results").mkdir()
    if kept is not None:
        (work / IV).mkdir(parents=True, exist_ok=True)
        shutil.move(str(kept), cache)


def median(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]} | {"n": len(runs)}


def write_yaml(path: Path, obj) -> Path:
    path.write_text(yaml.safe_dump(obj, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------ default data
def default_data(base: Path, repeats: int) -> dict:
    work = scratch_copy(base, "default")
    snakemake(work)  # first run: fills numba's cache of this environment (as after any first run)
    cold, warm, noop = [], [], []
    for _ in range(repeats):
        clean_outputs(work, keep_cache=False)
        cold.append(snakemake(work))
        noop.append(snakemake(work))
        clean_outputs(work, keep_cache=True)
        warm.append(snakemake(work))
    # the cold interview stage alone (survey outputs present, embedding cache emptied)
    iv_cold = []
    for _ in range(repeats):
        for d in (IV, "results/interviews"):
            shutil.rmtree(work / d, ignore_errors=True)
        iv_cold.append(snakemake(work, *INTERVIEW_TARGETS))
    snakemake(work)  # everything up to date again
    topic = []
    for k in range(repeats):
        extra = write_yaml(base / f"topic{k}.yaml", {"interviews": {"topics": {"min_dist": 0.01 * (k + 1)}}})
        topic.append(snakemake(work, "--configfile", str(extra)))
    # one interview added (P01's answers with their sentences in reverse order, as P21, P22, ...):
    # ingest, segmentation and embedding, against the same targets from an empty cache
    emb_cold, add = [], []
    for k in range(repeats):
        shutil.rmtree(work / IV, ignore_errors=True)
        emb_cold.append(snakemake(work, f"{IV}/embeddings.npy"))
        src = (ROOT / "data/raw/interviews/transcripts/P01.txt").read_text(encoding="utf-8")
        new = work / "data/raw/interviews/transcripts" / f"P{21 + k}.txt"
        new.write_text(reverse_answers(src.replace("P01", f"P{21 + k}")), encoding="utf-8")
        add.append(snakemake(work, f"{IV}/embeddings.npy") | {"n_embedded": embedded(work)})
        new.unlink()
    return {"cold": median(cold), "no_change": median(noop), "warm": median(warm),
            "interview_stage_cold": median(iv_cold), "topic_setting_change": median(topic),
            "embedding_cold": median(emb_cold), "one_interview_added": median(add)}


INTERVIEW_TARGETS = ["results/interviews/validation.json", "results/interviews/quotes.csv",
                     "results/interviews/theme_prevalence.csv", "results/interviews/candidate_themes.csv"]


def reverse_answers(text: str) -> str:
    """The participant turns of a .txt transcript with their sentences in reverse order."""
    def flip(m):
        sentences = re.split(r"(?<=[.!?])\s+", m.group(2).strip())
        return m.group(1) + " ".join(reversed(sentences))
    return re.sub(r"^(P\d+: )(.+?)(?=\n\n|\Z)", flip, text, flags=re.MULTILINE | re.DOTALL)


def embedded(work: Path) -> int:
    return json.loads((work / IV / "embeddings.json").read_text())["n_embedded"]


def n_segments(work: Path) -> int:
    return len(json.loads((work / IV / "embeddings.json").read_text())["segment_ids"])


# ------------------------------------------------------------------ survey
def survey(sizes: list[int]) -> list[dict]:
    sys.path.insert(0, str(OUT))
    import survey_scale

    rows = []
    for n in sizes:
        r = survey_scale.main(n)
        rows.append({"n_respondents": n, "wall_s": r["snakemake"]["wall_s"], "peak_gib": r["snakemake"]["peak_tree_rss_gib"],
                     "n_analysed": r["n_analysed"]})
    return rows


# ------------------------------------------------------------------ interviews at scale
def default_turns(base: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """The default interviews as (participant id, [(role, text), ...]) from a run's turns.csv."""
    import pandas as pd

    turns = pd.read_csv(base / "default" / IV / "turns.csv", keep_default_na=False)
    turns = turns[turns["participant_id"] <= "P20"]  # the default interviews, not the ones added above
    return [(pid, list(zip(g["role"], g["text"]))) for pid, g in turns.groupby("participant_id", sort=True)]


def synthetic_corpus(interviews, n: int, folder: Path, seed: int = 20260429) -> None:
    """``n`` .txt transcripts: each takes a default interview's questions in order and, for each answer,
    the sentences of that answer and of the same-position answer of another interview, shuffled and one
    dropped (distinct texts, the corpus's vocabulary and themes)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    answers = {}
    for _, turns in interviews:
        for j, (role, text) in enumerate(turns):
            if role == "participant":
                answers.setdefault(j, []).append(text)
    for k in range(n):
        pid = f"P{1001 + k}"
        _, turns = interviews[k % len(interviews)]
        lines = [f"Participant: {pid}", ""]
        for j, (role, text) in enumerate(turns):
            if role == "interviewer":
                lines += [f"Interviewer: {text}", ""]
                continue
            other = rng.choice(answers.get(j) or [text])
            sentences = re.split(r"(?<=[.!?])\s+", text) + re.split(r"(?<=[.!?])\s+", other)
            rng.shuffle(sentences)
            keep = sentences[: max(2, len(sentences) // 2)]
            lines += [f"{pid}: {' '.join(keep)}", ""]
        (folder / f"{pid}.txt").write_text("\n".join(lines), encoding="utf-8")


def creatives_corpus(folder: Path) -> bool:
    import pandas as pd

    if not REALDATA.is_file():
        return False
    folder.mkdir(parents=True)
    for i, text in enumerate(pd.read_csv(REALDATA)["text"], start=1):
        (folder / f"C{i:03d}.txt").write_text(text, encoding="utf-8")
    return True


STAGES = {  # stage -> Snakemake targets (each stage run after the previous one)
    "ingest + segment": [f"{IV}/segments.csv"],
    "embedding": [f"{IV}/embeddings.npy"],
    "topics (+ stability)": ["results/interviews/topics.csv", f"{IV}/stability.json"],  # two rules, side by side
    "coding": [f"{IV}/coding.csv"],
    "segments, prevalence, quotes, validation": ["results/interviews/validation.json", "results/interviews/quotes.csv",
                                                 "results/interviews/theme_prevalence.csv"],
}


def interview_scale(base: Path, name: str, corpus, repeats: int, ratios: bool) -> dict | None:
    work = scratch_copy(base, f"iv_{name}")
    tdir = work / "data/raw/interviews/transcripts"
    shutil.rmtree(tdir)
    if corpus(tdir) is False:
        return None
    cfg = write_yaml(work / "bench.yaml", {"interviews": {"human_coding": ""}})
    stages = {}
    bare_before = None
    for k in range(repeats):
        clean_outputs(work, keep_cache=False)
        for stage, targets in STAGES.items():
            if ratios and k == 0 and stage == "embedding":  # bare encode just before the rule (and again after)
                bare_before = bare_encode(work)
            stages.setdefault(stage, []).append(snakemake(work, *targets, "--configfile", str(cfg), cores=2))
    result = {"n_interviews": len(list(tdir.iterdir())), "n_segments": n_segments(work),
              "stages": {k: median(v) for k, v in stages.items()}}
    result["total_s"] = sum(v["wall_s"] for v in result["stages"].values())
    result["peak_gib"] = max(v["peak_gib"] for v in result["stages"].values())
    if ratios:
        result["ratios"] = measure_ratios(work, result, bare_before)
        # one interview added to the corpus: only its segments are embedded
        src = next(iter(sorted(tdir.iterdir()))).read_text(encoding="utf-8")
        (tdir / "P9999.txt").write_text(reverse_answers(re.sub(r"P\d+", "P9999", src)), encoding="utf-8")
        inc = snakemake(work, *STAGES["ingest + segment"], *STAGES["embedding"], "--configfile", str(cfg), cores=2)
        result["one_added"] = inc | {"n_embedded": embedded(work), "n_segments": n_segments(work)}
    return result


RATIO_SCRIPT = r"""
import json, sys, time
import numpy as np, pandas as pd
from upskilling.model import load_model
from upskilling.interviews.encoder import reference_texts
work, mode = sys.argv[1], sys.argv[2]
segments = pd.read_csv(f"{work}/data/processed/interviews/segments.csv", keep_default_na=False)
texts = segments["text"].tolist()
# the texts the embedding rule embeds: the distinct segments, the distinct preceding questions and the
# codebook's reference texts, each list one encode call as in the rule
lists = [list(dict.fromkeys(texts)), sorted({q or " " for q in segments["context"].tolist()}),
         reference_texts(f"{work}/config/themes.yaml")]
model = load_model()
out = {"n": len(texts), "n_texts": sum(len(x) for x in lists)}
t = time.perf_counter()
for batch in lists:
    model.encode(batch, batch_size=32, normalize_embeddings=True)
out["bare_encode_s"] = time.perf_counter() - t
if mode == "both":
    from bertopic import BERTopic
    from umap import UMAP
    emb = np.load(f"{work}/data/processed/interviews/embeddings.npy")
    t = time.perf_counter()
    BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                             random_state=1)).fit_transform(texts, emb)
    out["plain_bertopic_s"] = time.perf_counter() - t
print(json.dumps(out))
"""


def bare_encode(work: Path, mode: str = "encode") -> dict:
    """A bare ``SentenceTransformer.encode`` of the texts the embedding rule embeds (model loaded first, not
    timed); ``mode='both'`` also times a plain BERTopic fit on the rule's embeddings."""
    proc = subprocess.run([sys.executable, "-c", RATIO_SCRIPT, str(work), mode], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_ratios(work: Path, result: dict, bare_before: dict | None = None) -> dict:
    """Embedding rule (the whole Snakemake call: start, imports, model load, cache, gather) vs bare encode of
    the same texts, timed just before and just after the rule (their mean: this machine's speed drifts
    by 15-20 % within a day); topic rule's fit vs a plain BERTopic fit."""
    bare = bare_encode(work, "both")
    fit = json.loads((work / IV / "topics_fit.json").read_text())
    embed_wall = result["stages"]["embedding"]["wall_s"]
    times = [b["bare_encode_s"] for b in (bare_before, bare) if b]
    return {**bare, "bare_encode_runs_s": times, "bare_encode_s": statistics.mean(times), "embedding_rule_s": embed_wall,
            "embedding_throughput_ratio": statistics.mean(times) / embed_wall,
            "topic_rule_fit_s": fit["seconds"], "topic_rule_wall_s": result["stages"]["topics (+ stability)"]["wall_s"],
            "topic_fit_vs_plain": fit["seconds"] / bare["plain_bertopic_s"],
            "n_stability_seeds": 5}


RESULTS_JSON = OUT / "out" / "results.json"


def load_results() -> dict:
    """benchmarks/out/results.json of the last full run (which the re-measuring modes update)."""
    return json.loads(RESULTS_JSON.read_text())


def save_results(res: dict) -> None:
    """Write benchmarks/out/results.json and results.md from ``res``."""
    RESULTS_JSON.write_text(json.dumps(res, indent=2), encoding="utf-8")
    (OUT / "results.md").write_text(render(res), encoding="utf-8")


def ratio_again(n: int) -> int:
    """The embedding-rule vs bare-encode ratio on the ``n``-interview corpus, measured on a quiet machine."""
    res = load_results()
    name = f"synthetic ({n:,})"
    base = Path(tempfile.mkdtemp(prefix="upskilling_ratio_"))
    snakemake(scratch_copy(base, "default"), f"{IV}/turns.csv")
    work = scratch_copy(base, "ratio")
    tdir = work / "data/raw/interviews/transcripts"
    shutil.rmtree(tdir)
    synthetic_corpus(default_turns(base), n, tdir)
    cfg = write_yaml(work / "bench.yaml", {"interviews": {"human_coding": ""}})
    snakemake(work, *STAGES["ingest + segment"], "--configfile", str(cfg), cores=2)
    before = bare_encode(work)
    embed = snakemake(work, *STAGES["embedding"], "--configfile", str(cfg), cores=2)
    snakemake(work, *STAGES["topics (+ stability)"], "--configfile", str(cfg), cores=2)
    stages = {"embedding": embed, "topics (+ stability)": res["interviews"][name]["stages"]["topics (+ stability)"]}
    again = measure_ratios(work, {"stages": stages}, before)
    meta = json.loads((work / IV / "embeddings.json").read_text())
    again["shard_encode_s"] = sum(s_["encode_seconds"] or 0 for s_ in meta["shards"])
    again["remeasured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    # the embedding jobs' logs (timestamps of model load, encode calls, gather): where the rule's time went
    logs = OUT / "out" / f"ratio_logs_{n}"
    shutil.rmtree(logs, ignore_errors=True)
    shutil.copytree(work / "logs" / "interviews", logs, ignore=lambda d, names: [x for x in names if "embed" not in x])
    for f in sorted((work / ".snakemake" / "log").glob("*.log")):
        shutil.copy2(f, logs / f"snakemake_{f.name}")
    res["interviews"][name]["ratios_first"] = res["interviews"][name]["ratios"]
    res["interviews"][name]["ratios"] = again
    save_results(res)
    shutil.rmtree(base, ignore_errors=True)
    return 0


def corpus_again(n: int) -> int:
    """Measure the ``n``-interview synthetic corpus again (after a change that affects only the interview
    stage at that size) and put it in benchmarks/out/results.json and results.md, dated."""
    res = load_results()
    base = Path(tempfile.mkdtemp(prefix="upskilling_bench_"))
    snakemake(scratch_copy(base, "default"), f"{IV}/turns.csv")
    interviews = default_turns(base)
    name = f"synthetic ({n:,})"
    res["interviews"][name] = interview_scale(base, re.sub(r"\W+", "_", name),
                                              lambda f: synthetic_corpus(interviews, n, f), 1, n == 1000)
    res["interviews"][name]["remeasured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    res["projection"] = projection(res)
    save_results(res)
    shutil.rmtree(base, ignore_errors=True)
    return 0


def speed_index() -> float:
    """Seconds a fixed CPU workload takes in a fresh process (best of 3): 2e7 pure-Python additions and ten
    1500x1500 NumPy matrix products on one thread. It puts runs of different days side by side: this
    machine's speed varies by 50 % and more within a day (the same commit ran cold in 50 s and in 75 s)."""
    code = ("import os, time; os.environ['OMP_NUM_THREADS'] = '1'  # before NumPy: one BLAS thread\n"
            "import numpy as np\n"
            "x = np.random.default_rng(0).random((1500, 1500)); t = time.perf_counter(); s = 0\n"
            "for i in range(20_000_000): s += i\n"
            "[x @ x for _ in range(10)]\n"
            "print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout.strip()) for _ in range(3)]
    return round(min(runs), 2)


def default_again(repeats: int) -> int:
    """Measure the default data again (after a change that affects it) and put it in
    benchmarks/out/results.json and results.md, dated, with the machine's speed index before and after."""
    res = load_results()
    before = speed_index()
    base = Path(tempfile.mkdtemp(prefix="upskilling_bench_"))
    res["default"] = default_data(base, repeats) | {
        "remeasured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "speed_index_s": [before, speed_index()]}
    save_results(res)
    shutil.rmtree(base, ignore_errors=True)
    return 0


# ------------------------------------------------------------------ report
def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    import snakemake as sm
    import torch

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / GIB, 1),
            "python": platform.python_version(), "torch": torch.__version__, "snakemake": sm.__version__,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "speed_index_s": speed_index()}


def render(res: dict) -> str:
    m, d = res["machine"], res["default"]
    lines = ["# Benchmarks", "", f"Written by `python benchmarks/run.py{' --quick' if res['quick'] else ''}` on "
             f"{m['date']}: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, torch "
             f"{m['torch']}, Snakemake {m['snakemake']}. Wall times are medians of {res['repeats']} repeats; peak memory "
             "is the largest summed RSS of the Snakemake process tree (50 ms samples). Nothing here is a test.", "",
             "Speed index (seconds of a fixed one-thread CPU workload, `speed_index()`; lower is a faster machine): "
             + (f"{m['speed_index_s']:.2f} s at the start of this run." if m.get("speed_index_s") else
                "not measured in this run (added later)."), "",
             "## Default data (the shipped data, the README run)", "",
             *([f"Measured again on {d['remeasured']} (`--default-again`), speed index {d['speed_index_s'][0]:.2f} s "
                f"before and {d['speed_index_s'][1]:.2f} s after.", ""] if d.get("remeasured") else []),
             "| run | wall (s) | peak (GiB) | floor |", "|---|---|---|---|"]
    cold = d["cold"]["wall_s"]
    iv = d["interview_stage_cold"]["wall_s"]
    rows = [("cold `snakemake --cores 4` (empty embedding cache)", d["cold"], f"<= 45 s: {'met' if cold <= 45 else 'NOT met'}"),
            ("no-change re-run", d["no_change"], f"<= 3 s: {'met' if d['no_change']['wall_s'] <= 3 else 'NOT met'}"),
            ("warm (outputs deleted, embedding cache kept)", d["warm"], ""),
            ("cold interview stage alone", d["interview_stage_cold"], ""),
            ("topic-setting change (re-runs topics and what reads them)", d["topic_setting_change"],
             f"<= 25 % of the cold interview stage: {100 * d['topic_setting_change']['wall_s'] / iv:.0f} %"),
            ("ingest, segmentation, embedding from an empty cache", d["embedding_cold"], ""),
            (f"the same after one interview is added ({d['one_interview_added']['n_embedded']} texts embedded)",
             d["one_interview_added"], "only its segments embedded")]
    lines += [f"| {name} | {r['wall_s']:.1f} | {r['peak_gib']:.2f} | {floor} |" for name, r, floor in rows]
    lines += ["", "## Survey stage (generated respondents, 5 % messy rows)", "",
              "| respondents | analysed | wall (s) | peak (GiB) |", "|---|---|---|---|"]
    lines += [f"| {r['n_respondents']:,} | {r['n_analysed']:,} | {r['wall_s']:.1f} | {r['peak_gib']:.2f} |"
              for r in res["survey"]]
    lines += ["", "## Interview stage (no human coding: zero-shot; 5 stability seeds; `--cores 2`)", "",
              "Wall seconds per stage (each a Snakemake call after the previous one), total and peak memory.", ""]
    stages = list(STAGES)
    lines += ["| corpus | interviews | segments | " + " | ".join(stages) + " | total (s) | peak (GiB) |",
              "|---" * (len(stages) + 5) + "|"]
    for name, r in res["interviews"].items():
        if r is None:
            lines.append(f"| {name} | not available here | | " + " | " * len(stages) + " |")
            continue
        cells = " | ".join(f"{r['stages'][s]['wall_s']:.1f}" for s in stages)
        lines.append(f"| {name}{' (measured again ' + r['remeasured'] + ')' if r.get('remeasured') else ''} | "
                     f"{r['n_interviews']:,} | {r['n_segments']:,} | {cells} | {r['total_s']:.1f} | {r['peak_gib']:.2f} |")
    lines += ["", "## Ratios (same run)", ""]
    for name, r in res["interviews"].items():
        if not r or "ratios" not in r:
            continue
        q, a = r["ratios"], r["one_added"]
        lines += [f"At {r['n_interviews']:,} interviews ({r['n_segments']:,} segments):", "",
                  f"- embedding rule (the whole Snakemake call: process start, model load, cache, context questions, "
                  f"reference texts, gather) {q['embedding_rule_s']:.1f} s vs a bare `encode` of the same "
                  f"{q.get('n_texts', q['n']):,} texts {q['bare_encode_s']:.1f} s"
                  + (f" (mean of {len(q['bare_encode_runs_s'])} timings just before and after the rule: "
                     f"{', '.join(f'{t:.1f}' for t in q['bare_encode_runs_s'])} s)" if "bare_encode_runs_s" in q else "")
                  + f": **{100 * q['embedding_throughput_ratio']:.1f} %** of bare throughput (floor 95 %)",
                  f"- topic rule's fit {q['topic_rule_fit_s']:.1f} s vs a plain `BERTopic().fit_transform` on the same "
                  f"embeddings {q['plain_bertopic_s']:.1f} s: **{q['topic_fit_vs_plain']:.2f}x** (floor 1.5x); with the "
                  f"stability rule ({q['n_stability_seeds']} seed re-fits; on one machine after the topic rule for a "
                  f"corpus this size, see `large_fit` in rules/common.smk) the stage takes {q['topic_rule_wall_s']:.1f} s",
                  *([f"- the embedding ratio above was measured again by itself ({q['remeasured']}; `--ratio-again`, "
                     f"the shards' own encode time {q['shard_encode_s']:.1f} s); the full run's first measurement was "
                     f"{100 * r['ratios_first']['embedding_throughput_ratio']:.1f} % "
                     f"(rule {r['ratios_first']['embedding_rule_s']:.1f} s, bare `encode` "
                     f"{r['ratios_first']['bare_encode_s']:.1f} s)"] if "ratios_first" in r else []),
                  f"- one interview added: {a['n_embedded']} texts embedded of {a['n_segments']:,} segments, "
                  f"{a['wall_s']:.1f} s (segmentation + embedding) vs {r['stages']['ingest + segment']['wall_s'] + r['stages']['embedding']['wall_s']:.1f} s cold", ""]
    lines += ["## Running on a cluster: projection", "", res.get("projection", ""), ""]
    return "\n".join(lines) + "\n"


def projection(res: dict) -> str:
    big = max((r for r in res["interviews"].values() if r), key=lambda r: r["n_segments"])
    st = big["stages"]
    emb = st["embedding"]["wall_s"]
    rest = sum(v["wall_s"] for k, v in st.items() if k != "embedding")
    seg_per_s = big["n_segments"] / emb
    n100 = 100 * 1000  # a corpus a hundred times the 1,000-interview one: about 100,000 interviews
    segs = big["n_segments"] / big["n_interviews"] * n100
    return (f"Measured at {big['n_interviews']:,} interviews: embedding {seg_per_s:.0f} segments/s on this machine's "
            f"2 cores, the other interview stages {rest:.0f} s. For {n100:,} interviews (about {segs:,.0f} segments) "
            f"one machine like this would embed for {segs / seg_per_s / 3600:.1f} h; with `profiles/slurm` and "
            f"`interviews.embedding.shards: 10` on 10 such nodes, {segs / seg_per_s / 10 / 3600:.1f} h plus queueing. "
            "The topic model and the coding are single jobs (not sharded): their time grows faster than linearly "
            "with the corpus (UMAP's nearest-neighbour graph) and is not projected from these sizes.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 repeat; 1k/10k respondents; 20 and 200 interviews")
    parser.add_argument("--repeats", type=int, default=3,
                        help="repeats of the default-data runs and of the 20- and 125-interview corpora (the "
                             "1,000- and 2,000-interview runs are made once)")
    parser.add_argument("--only", default="default,survey,interviews",
                        help="sections to run, comma-separated (a partial run writes benchmarks/out/ only)")
    parser.add_argument("--ratio-again", metavar="N", type=int, default=0,
                        help="measure the embedding ratio again on the N-interview synthetic corpus (embedding stage "
                             "from an empty cache, then a bare encode) and update benchmarks/out/results.json")
    parser.add_argument("--corpus", metavar="N", type=int, default=0,
                        help="measure the N-interview synthetic corpus again (1000 with its ratios) and update "
                             "benchmarks/out/results.json and results.md (a dated line says so)")
    parser.add_argument("--default-again", action="store_true",
                        help="measure the default data again and update benchmarks/out/results.json and results.md")
    parser.add_argument("--render", action="store_true",
                        help="only write results.md again from benchmarks/out/results.json")
    args = parser.parse_args(argv)
    if args.render:
        save_results(load_results())
        return 0
    if args.ratio_again:
        return ratio_again(args.ratio_again)
    if args.corpus:
        return corpus_again(args.corpus)
    if args.default_again:
        return default_again(args.repeats)
    only = set(args.only.split(","))
    repeats = 1 if args.quick else args.repeats
    base = Path(tempfile.mkdtemp(prefix="upskilling_bench_"))
    res = {"machine": machine(), "quick": args.quick, "repeats": repeats}
    print("benchmark: default data", file=sys.stderr)
    res["default"] = default_data(base, repeats) if "default" in only else None
    print("benchmark: survey", file=sys.stderr)
    res["survey"] = (survey([1000, 10000] if args.quick else [1000, 10000, 100000])) if "survey" in only else None
    if "interviews" not in only:
        (OUT / "out").mkdir(exist_ok=True)
        (OUT / "out" / "partial.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
        return 0
    if res["default"] is None:  # the synthetic corpora are made from a default run's turns
        snakemake(scratch_copy(base, "default"), f"{IV}/turns.csv")
    interviews = default_turns(base)
    plan = {"default (20)": (lambda f: synthetic_corpus(interviews, 20, f), False)}
    plan["real creatives (125)"] = (creatives_corpus, False)
    for n in ([200] if args.quick else [1000, 2000]):
        plan[f"synthetic ({n:,})"] = (lambda f, n=n: synthetic_corpus(interviews, n, f), n == (200 if args.quick else 1000))
    res["interviews"] = {}
    for name, (corpus, ratios) in plan.items():
        print(f"benchmark: interviews {name}", file=sys.stderr)
        once = any(k in name for k in ("1,000", "2,000"))
        res["interviews"][name] = interview_scale(base, re.sub(r"\W+", "_", name), corpus, 1 if once else repeats,
                                                  ratios)
        res["projection"] = projection(res)
        (OUT / "out").mkdir(exist_ok=True)  # saved after each corpus: an interrupted run can still be rendered
        (OUT / "out" / "results.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
    if only == {"default", "survey", "interviews"}:
        (OUT / "results.md").write_text(render(res), encoding="utf-8")
    shutil.rmtree(base, ignore_errors=True)
    print(f"benchmark: wrote {OUT / 'results.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
