"""Wall time and peak memory of a command's whole process tree (summed RSS, sampled every 50 ms): the
one measuring helper of the benchmarks (run.py, survey_scale.py)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

GIB = 1024**3


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc] + proc.children(recursive=True):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run ``cmd`` in ``cwd``; return ``{wall_s, peak_gib}``. Stops with the output's tail if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ps, peak = psutil.Process(proc.pid), [0]

    def sample():
        while proc.poll() is None:
            try:
                peak[0] = max(peak[0], tree_rss(ps))
            except psutil.Error:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    thread.join()
    if proc.returncode != 0:
        sys.stderr.write(out[-5000:])
        raise SystemExit(f"benchmark: {' '.join(cmd)} failed in {cwd}")
    return {"wall_s": wall, "peak_gib": peak[0] / GIB}


def copy_checkout(root: Path, dest: Path, skip: set[str]) -> Path:
    """Copy the checkout at ``root`` to ``dest`` without the names in ``skip``, egg-info and any virtual
    environment inside it (a `.venv` beside the sources would cost gigabytes per copy)."""
    shutil.copytree(root, dest, ignore=lambda d, names: [
        n for n in names if n in skip or n.endswith(".egg-info") or (Path(d, n) / "pyvenv.cfg").is_file()])
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    return dest
