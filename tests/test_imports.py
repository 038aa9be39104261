"""upskilling.imports.absent: a library's optional import is skipped only inside the block; the ingest
job's redactor works without transformers or torch loaded."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from upskilling.imports import absent


def test_a_package_not_imported_is_absent_inside_the_block_only():
    name = "upskilling_never_imported_package_xyz"
    assert name not in sys.modules
    with absent(name, "json") as marked:
        assert marked == [name]  # json is imported already: left alone
        assert sys.modules["json"] is json
        with pytest.raises(ModuleNotFoundError):
            __import__(name)
    assert name not in sys.modules
    with pytest.raises(ModuleNotFoundError, match="No module named"):  # the ordinary message again
        __import__(name)


def test_the_redactor_runs_without_loading_transformers_or_torch():
    code = (
        "import sys, json\n"
        "from upskilling.interviews.redact import Redactor\n"
        "text = Redactor()('Mail maya.okafor@gmail.com or call +44 20 7946 0958.')\n"
        "print(json.dumps({'text': text,\n"
        "                  'loaded': sorted(m for m in ('transformers', 'torch') if m in sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["text"] == "Mail [EMAIL] or call [PHONE]."
    assert result["loaded"] == []
    import transformers  # noqa: F401  (importable normally in this process)


def test_compile_package_writes_bytecode_that_python_then_loads(tmp_path, monkeypatch):
    import importlib

    from upskilling.imports import compile_package

    pkg = tmp_path / "pkg_compiled"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("VALUE = 41 + 1\n", encoding="utf-8")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # as under PYTHONDONTWRITEBYTECODE=1
    assert compile_package(pkg) is True
    cached = sorted(p.name for p in (pkg / "__pycache__").iterdir())
    assert cached == [f"__init__.{sys.implementation.cache_tag}.pyc"]
    before = (pkg / "__pycache__" / cached[0]).stat().st_mtime_ns
    assert compile_package(pkg) is True  # up to date: not written again
    assert (pkg / "__pycache__" / cached[0]).stat().st_mtime_ns == before
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("pkg_compiled")
    assert module.VALUE == 42 and module.__spec__.cached.endswith(cached[0])


def test_compile_package_where_bytecode_cannot_be_written_returns_false(tmp_path):
    from upskilling.imports import compile_package

    folder = tmp_path / "unwritable"
    folder.mkdir()
    (folder / "mod.py").write_text("X = 1\n", encoding="utf-8")
    (folder / "__pycache__").write_text("", encoding="utf-8")  # a file where the folder would go: even root fails
    assert compile_package(folder) is False
    assert (folder / "__pycache__").is_file() and (folder / "__pycache__").read_text() == ""


def test_the_snakefile_writes_the_package_bytecode_before_any_job():
    from pathlib import Path

    snakefile = (Path(__file__).resolve().parents[1] / "Snakefile").read_text(encoding="utf-8")
    assert "compile_package()" in snakefile.split("include:")[0]
