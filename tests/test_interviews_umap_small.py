"""upskilling.interviews.umap_small: UMAP's small-corpus distance matrix, compiled, equals scikit-learn's
pairwise_distances with UMAP's numba cosine to the bit; other calls are passed through unchanged."""
from __future__ import annotations

import numpy as np
import pytest
import umap.distances as dist
import umap.umap_ as umap_module
from sklearn.metrics import pairwise_distances

from upskilling.interviews import umap_small


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_matrix_is_scikit_learns_to_the_bit(dtype):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(120, 24)).astype(dtype)
    x[5] = 0.0  # a zero vector: distance 0 to itself and to the other zero vector, 1 to the rest
    x[9] = 0.0
    x[11] = x[3] * 2.5  # same direction: distance 0 (up to rounding)
    expected = pairwise_distances(x, metric=dist.cosine)
    got = umap_small.cosine_matrix(x)
    assert got.dtype == expected.dtype == dtype
    assert np.array_equal(got, expected) and np.array_equal(np.signbit(got), np.signbit(expected))
    assert got[5, 9] == 0.0 and got[5, 1] == 1.0


def test_only_umaps_own_small_data_call_is_routed(monkeypatch):
    calls = []
    monkeypatch.setattr(umap_module, "pairwise_distances", lambda *a, **k: calls.append((a, k)) or "sklearn")
    monkeypatch.setattr(umap_small, "cosine_matrix", lambda x: "compiled")
    umap_small.install()
    routed = umap_module.pairwise_distances
    assert routed.upskilling_small_data
    x = np.ones((4, 3), dtype=np.float32)
    assert routed(x, metric=dist.cosine) == "compiled"
    assert routed(x, metric=dist.euclidean) == "sklearn"  # another metric
    assert routed(x, x, metric=dist.cosine) == "sklearn"  # with Y
    assert routed(x, metric=dist.cosine, n_jobs=2) == "sklearn"  # with keywords
    bad = x.copy()
    bad[0, 0] = np.nan
    assert routed(bad, metric=dist.cosine) == "sklearn"  # scikit-learn's own error for a NaN
    assert len(calls) == 4
    umap_small.install()
    assert umap_module.pairwise_distances is routed  # idempotent
