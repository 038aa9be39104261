"""Compile once per environment: numba's on-disk cache for UMAP and pynndescent.

UMAP's jitted functions are not declared ``cache=True``, so every new process compiles them again:
about 7 s of each topic job here (measured: first fit 7.0 s, the same fit with a warm cache 0.4 s).
numba's own :meth:`~numba.core.dispatcher.Dispatcher.enable_caching` switches its on-disk cache on for
an existing dispatcher; this module does that for every dispatcher of the listed packages before the
first fit. The cache lives where numba puts it (``NUMBA_CACHE_DIR`` if set, else beside the package's
sources or in the user's cache folder) and is invalidated by numba when a package's source changes.
Cached machine code is the code numba would compile, so results are unchanged (a test checks that).

Written by hand because no library option does it: UMAP (0.5) has no setting for it (its functions
are decorated when the module is imported), and numba offers only the per-dispatcher call used here.
"""
from __future__ import annotations

import importlib
import logging
import sys

log = logging.getLogger("upskilling.interviews.jit")

PACKAGES = ("umap", "pynndescent")
_done: set[str] = set()


def enable_numba_cache(packages=PACKAGES) -> int:
    """Switch numba's on-disk cache on for every jitted function of ``packages`` (imported here).

    Returns the number of functions switched on in this call (0 on later calls: idempotent). A
    function numba cannot cache (no writable cache folder) is left uncached and logged once: the fit
    then only compiles as before.
    """
    from numba.core.dispatcher import Dispatcher

    for package in packages:
        importlib.import_module(package)
    enabled, failed = 0, []
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in packages or name in _done:
            continue
        for obj in list(vars(module).values()):
            if isinstance(obj, Dispatcher) and type(obj._cache).__name__ == "NullCache":
                try:
                    obj.enable_caching()
                    enabled += 1
                except RuntimeError as exc:  # numba: "cannot cache function ...: no locator available"
                    failed.append(f"{obj.py_func.__module__}.{obj.py_func.__qualname__}: {exc}")
        _done.add(name)
    if failed:
        log.warning("interviews: numba cache unavailable for %d function(s) (they compile in each process), "
                    "e.g. %s; set NUMBA_CACHE_DIR to a writable folder", len(failed), failed[0])
    if enabled:
        log.info("interviews: numba on-disk cache on for %d UMAP / pynndescent functions", enabled)
    return enabled
