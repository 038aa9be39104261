"""Shared fixtures. ``e2e_runs`` runs the whole Snakemake workflow once per test session in a copy of
the repository (so tests never write into the checkout), plus once more on a reversed export."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GENERATED = {"results", "logs", ".snakemake", ".pytest_cache", "__pycache__", ".git", "processed"}


def copy_repo(dest: Path) -> Path:
    """Copy the checkout (sources, config and raw data, no generated outputs) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=lambda d, names: [n for n in names if n in GENERATED or n.endswith(".egg-info")])
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    return dest


def run_snakemake(workdir: Path, *args: str, check: bool = True, cores: int = 2) -> subprocess.CompletedProcess:
    """Run snakemake in ``workdir`` with the current interpreter; return the completed process."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", str(cores), *args]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stderr[-6000:]}")
    return proc


def swap_survival_and_growth(root: Path, export: str = "data/raw/survey/wave1/export.csv") -> int:
    """Swap the answers to the survival items and the growth items (columns from the codebook) in the
    Qualtrics export (three header rows) of the copy at ``root``. Returns the number of data rows."""
    path = root / export
    cb = yaml.safe_load((root / "config/codebook.yaml").read_text())
    cols = {i["id"]: i["column"] for i in cb["items"]}
    surv = [cols[i] for i in cb["constructs"]["survival"]["items"]]
    grow = [cols[i] for i in cb["constructs"]["growth"]["items"]]
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    pairs = [(rows[0].index(a), rows[0].index(b)) for a, b in zip(surv, grow)]
    for row in rows[3:]:
        for a, b in pairs:
            row[a], row[b] = row[b], row[a]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return len(rows) - 3


@pytest.fixture(scope="session")
def e2e_runs(tmp_path_factory) -> tuple[Path, Path]:
    """The README's run (`snakemake --cores 4`) on the shipped data in a fresh copy of the repository,
    and a second copy whose raw export has the survival and growth items swapped, re-run from the
    first copy's outputs (so only what depends on the survey is rebuilt). Returns both roots."""
    base = tmp_path_factory.mktemp("e2e")
    default = copy_repo(base / "default")
    run_snakemake(default, cores=4)
    reversed_ = base / "reversed"
    shutil.copytree(default, reversed_, symlinks=True)
    if swap_survival_and_growth(reversed_) <= 100:
        raise AssertionError("the reversed export has too few rows")
    run_snakemake(reversed_, cores=4)
    return default, reversed_
