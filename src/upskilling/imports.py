"""Keep a library from importing optional packages a job does not use.

Some libraries import every optional backend at import time when it is installed. Presidio's analyzer
imports its ``TransformersNlpEngine`` (``transformers``, about 3 s here) and probes for a GPU with
``torch`` (2 s) even when, as in the ingest job, only its regular-expression recognizers run on
``spacy.blank("en")``. Inside :func:`absent`, each listed package that is not imported yet is marked absent (``sys.modules[name] = None``: Python then
raises ``ModuleNotFoundError`` for it, the documented way to block an import), so the library takes its
own "not installed" branch; on exit the marks are removed and the packages import normally again.

A package already imported is left alone, so nothing that has loaded it loses it. Written by hand:
neither Presidio nor the standard library offers a switch for it.
"""
from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def absent(*names: str):
    """Within the block, ``import name`` fails as "not installed" for each ``name`` not imported yet."""
    marked = [name for name in names if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None
    try:
        yield marked
    finally:
        for name in marked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


def compile_package(folder=None) -> bool:
    """Write the bytecode (``__pycache__``) of the modules under ``folder`` (None: this package) that lack it
    or whose source changed; return whether every module was compiled.

    Python writes it on first import unless ``PYTHONDONTWRITEBYTECODE`` is set, as it is in many containers
    (and on this project's CI machine). Then every job process compiles the package's ~100 modules from
    source again (about 0.1 s of CPU per job, ~50 jobs a run, many more in the test suite), since an editable
    install (``pip install -e``) compiles nothing ahead. Explicit compilation is not affected by that
    variable. Called by the Snakefile (every Snakemake invocation; a few milliseconds when nothing changed)
    and by the tests' conftest. A folder that cannot be written (an installed, read-only package, which pip
    compiled at install) gives False and changes nothing."""
    import compileall
    from pathlib import Path

    folder = Path(__file__).resolve().parent if folder is None else Path(folder)
    try:
        return bool(compileall.compile_dir(folder, quiet=2))
    except OSError:
        return False
