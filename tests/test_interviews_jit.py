"""numba's on-disk cache for UMAP (issue 12, compile once): a second process loads the compiled code
from the cache instead of compiling, and its UMAP layout is bit-for-bit the first process's."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPT = """
import sys, numpy as np
from upskilling.interviews.jit import enable_numba_cache
n = enable_numba_cache()
assert enable_numba_cache() == 0  # idempotent
from umap import UMAP
x = np.random.default_rng(3).normal(size=(80, 16)).astype("float32")
y = UMAP(n_neighbors=10, n_components=2, random_state=7, n_jobs=1).fit_transform(x)
np.save(sys.argv[1], y)
import umap.layouts as layouts
print(layouts._nb_optimize_layout_euclidean_single_epoch._cache._cache_path, n)
"""


def _run(tmp_path, name: str) -> tuple[np.ndarray, Path]:
    """Fit in a new process (the environment's cache folder, as the pipeline uses it)."""
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / name)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    cache_path, n = proc.stdout.split()[-2:]
    assert int(n) > 100  # every UMAP / pynndescent dispatcher switched on
    return np.load(tmp_path / name), Path(cache_path)


def test_a_second_process_loads_umap_from_the_cache_with_identical_results(tmp_path):
    first, cache = _run(tmp_path, "first.npy")
    # the layout optimiser's compiled code is on disk after the first process
    assert any(p.name.startswith("layouts._optimize_layout_euclidean_single_epoch") for p in cache.glob("*.nbi")), cache
    second, _ = _run(tmp_path, "second.npy")
    assert np.array_equal(first, second)
