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
