"""The small test configuration (.test/, issue 12): its data is what .test/make_data.py derives from the
shipped data. That the whole DAG on it is deterministic (two clean runs give the same bytes, tables and
every other output, apart from declared timing fields) is tests/test_determinism.py."""
from __future__ import annotations

import hashlib
import importlib.util

import docx

from conftest import ROOT, SMALL

COMMITTED = ROOT / SMALL / "data" / "raw"


def _make_data():
    spec = importlib.util.spec_from_file_location("make_data", ROOT / SMALL / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digest(path):
    if path.suffix == ".docx":  # zip metadata differs between writes: compare the text
        return [p.text for p in docx.Document(str(path)).paragraphs]
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_committed_small_data_is_what_make_data_derives(tmp_path):
    make_data = _make_data()
    assert make_data.main([str(tmp_path)]) == 0
    made = {p.relative_to(tmp_path).as_posix(): _digest(p) for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    committed = {p.relative_to(COMMITTED).as_posix(): _digest(p) for p in sorted(COMMITTED.rglob("*"))
                 if p.is_file()}
    assert made == committed, "re-run `python .test/make_data.py` after changing the default data"
    assert {p.split("/")[-1].split(".")[-1] for p in made if "/transcripts/" in p} == {"txt", "vtt", "docx"}


def test_a_virtualenv_inside_the_checkout_is_not_copied_into_test_runs(tmp_path):
    """`python -m venv .venv` beside the sources is common; every end-to-end copy would carry it."""
    from conftest import _not_copied

    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "env2").mkdir()
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "config").mkdir()
    assert sorted(_not_copied(str(tmp_path), [".venv", "env2", "config", "results", "x.egg-info"])) == \
        [".venv", "env2", "results", "x.egg-info"]
