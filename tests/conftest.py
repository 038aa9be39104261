"""Shared fixtures. ``pipeline_run`` runs the whole Snakemake workflow once per test session in a
copy of the repository (so tests never write into the checkout) and returns the copy's path."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATED = {"results", "logs", ".snakemake", ".pytest_cache", "__pycache__", ".git", "processed"}


def copy_repo(dest: Path) -> Path:
    """Copy the checkout (sources, config and raw data, no generated outputs) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=lambda d, names: [n for n in names if n in GENERATED or n.endswith(".egg-info")])
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    return dest


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run snakemake in ``workdir`` with the current interpreter; return the completed process."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stderr[-6000:]}")
    return proc


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory) -> Path:
    """A complete run of the default pipeline in a fresh copy of the repository."""
    work = copy_repo(tmp_path_factory.mktemp("pipeline") / "repo")
    run_snakemake(work)
    return work
