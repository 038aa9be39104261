"""Shared fixtures, each run once per test session in a copy of the repository (so tests never write
into the checkout):

* ``e2e_runs``: the one full-data acceptance run (the README's `snakemake --cores 4` on the shipped
  data), plus a re-run on an export with survival and growth swapped;
* ``small_run``: the whole DAG on the small test configuration ``.test/`` (six transcripts with
  planted personal details, 124 survey rows, two seeds; see .test/README.md), the privacy canary planted
  in its copy (tests/canary.py), for every end-to-end test that checks behaviour rather than the study's
  numbers.

Under pytest-xdist (pyproject: ``-n``), the tests of each run are one group of one worker
(``xdist_group``), so each run is made once; the other tests are grouped by module.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "integrate"))
from support import FIGURE_CACHE_VARIABLE  # noqa: E402  (the session's figure cache, made below)
GENERATED = {"results", "logs", ".snakemake", ".pytest_cache", "__pycache__", ".git", "processed"}


def _not_copied(folder: str, names: list[str]) -> list[str]:
    """Generated outputs, egg-info and any virtual environment inside the checkout (a `.venv` beside the
    sources is common; copied into every test run it would cost gigabytes per copy)."""
    return [n for n in names if n in GENERATED or n.endswith(".egg-info")
            or (Path(folder, n) / "pyvenv.cfg").is_file()]


def copy_repo(dest: Path) -> Path:
    """Copy the checkout (sources, config and raw data, no generated outputs or virtualenvs) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=_not_copied)
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    return dest


def run_snakemake(workdir: Path, *args: str, check: bool = True, cores: int = 2) -> subprocess.CompletedProcess:
    """Run snakemake in ``workdir`` with the current interpreter; return the completed process."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", str(cores), *args]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stderr[-6000:]}")
    return proc


REVERSED_TARGETS = ("results/survey/wave1/hypotheses.csv", "results/claims.csv", "results/report.html")
SMALL = ".test"  # the small configuration's working directory (snakemake --directory .test)


def run_small(root: Path, *args: str, check: bool = True, cores: int = 2) -> subprocess.CompletedProcess:
    """Run snakemake on the small test configuration of the copy at ``root``; outputs under root/.test."""
    return run_snakemake(root, "--directory", SMALL, *args, check=check, cores=cores)


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
    first copy's outputs (so only what depends on the survey is rebuilt; only REVERSED_TARGETS, which the
    tests read). Returns both roots."""
    base = tmp_path_factory.mktemp("e2e")
    default = copy_repo(base / "default")
    run_snakemake(default, cores=4)
    reversed_ = base / "reversed"
    shutil.copytree(default, reversed_, symlinks=True)
    if swap_survival_and_growth(reversed_) <= 100:
        raise AssertionError("the reversed export has too few rows")
    # what the reversed-export tests read (the notebooks and the .qdpx are not re-made)
    run_snakemake(reversed_, *REVERSED_TARGETS, cores=4)
    return default, reversed_


def prepare_small(dest: Path) -> Path:
    """A copy of the checkout at ``dest`` whose small configuration carries the privacy canary (a seeded,
    generated subset of personal details planted in a .txt, a .vtt and a .docx transcript and in the kept
    open-ended survey answers; tests/canary.py), so that one small run serves every end-to-end test."""
    from canary import plant_small

    root = copy_repo(dest)
    plant_small(root)
    return root


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """`snakemake --cores 2 --directory .test` in a fresh copy of the repository, the canary planted
    (prepare_small). Returns the copy's root; the run's outputs are under root/.test (results/,
    data/processed/, logs/)."""
    root = prepare_small(tmp_path_factory.mktemp("small") / "repo")
    run_small(root)
    return root


def pytest_configure(config):
    """The controller process (not an xdist worker) writes the package's bytecode (so that no worker or job
    compiles it again where PYTHONDONTWRITEBYTECODE is set: upskilling.imports.compile_package) and makes
    the session's figure cache; the workers it starts inherit its path (tests/fixtures/integrate/support.py:
    FIGURE_CACHE_VARIABLE)."""
    if not hasattr(config, "workerinput"):
        from upskilling.imports import compile_package

        compile_package()
        os.environ[FIGURE_CACHE_VARIABLE] = tempfile.mkdtemp(prefix="upskilling-test-figures-")


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        cache = os.environ.pop(FIGURE_CACHE_VARIABLE, None)
        if cache:
            shutil.rmtree(cache, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """pytest-xdist groups (``--dist loadgroup``): the tests of each session run share a group (one worker
    makes the run); every other test is grouped by its module, so a module-scoped fixture is made once
    (as with ``--dist loadfile``), not once per worker."""
    for item in items:
        group = next((g for fixture, g in (("e2e_runs", "e2e"), ("small_run", "small"))
                      if fixture in getattr(item, "fixturenames", ())), None)
        item.add_marker(pytest.mark.xdist_group(group or item.nodeid.split("::")[0]))
