"""UMAP's small-corpus distance matrix in one compiled loop instead of one Python call per pair.

Below 4,096 segments UMAP computes every pairwise distance with ``sklearn.metrics.pairwise_distances``
and its numba ``cosine`` as a Python callable: scikit-learn then calls it once per pair from Python
(130,000 calls for 511 segments; quadratic in the corpus; six fits per topic job). Measured here on
384-dimensional vectors: 511 rows 0.33 -> 0.06 s, 1,070 rows 0.77 -> 0.26 s, 3,000 rows 6.6 -> 2.2 s.
:func:`install` routes exactly that call (no ``Y``, UMAP's own ``cosine``, no keywords, a finite dense
2-D array) to :func:`cosine_matrix`, which calls the same compiled ``cosine`` (``@njit`` without
fastmath: strict IEEE order, so the same bits) for the upper triangle and fills the matrix as
scikit-learn does (``out + out.T``, then the diagonal), in its dtype (float32 in, float32 out).
Every other call goes to scikit-learn unchanged. tests/test_interviews_umap_small.py checks the
matrix against scikit-learn's to the bit; the topic outputs are unchanged.

Written by hand: UMAP (0.5) offers no setting for it, and scikit-learn has no compiled path for a
numba metric.
"""
from __future__ import annotations

import numba
import numpy as np
import umap.distances as _dist
import umap.umap_ as _umap


@numba.njit(cache=True)
def _fill(x, out):
    n = x.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            # scikit-learn fills the upper triangle, then adds its transpose: each value plus 0.0
            d = _dist.cosine(x[i], x[j]) + 0.0
            out[i, j] = d
            out[j, i] = d
    for i in range(n):
        out[i, i] = _dist.cosine(x[i], x[i])


def cosine_matrix(x: np.ndarray) -> np.ndarray:
    """The matrix ``pairwise_distances(x, metric=umap.distances.cosine)`` returns, bit for bit."""
    out = np.zeros((x.shape[0], x.shape[0]), dtype=np.float32 if x.dtype == np.float32 else np.float64)
    _fill(np.ascontiguousarray(x), out)
    return out


def _applies(X, Y, metric, kwds) -> bool:
    return (Y is None and not kwds and metric is _dist.cosine and isinstance(X, np.ndarray) and X.ndim == 2
            and X.dtype in (np.float32, np.float64) and X.shape[0] > 1 and bool(np.isfinite(X).all()))


def install() -> None:
    """Route UMAP's small-data distance call to :func:`cosine_matrix` (idempotent)."""
    original = _umap.pairwise_distances
    if getattr(original, "upskilling_small_data", False):
        return

    def pairwise_distances(X, Y=None, metric="euclidean", **kwds):
        if _applies(X, Y, metric, kwds):
            return cosine_matrix(X)
        return original(X, Y, metric=metric, **kwds)

    pairwise_distances.upskilling_small_data = True
    pairwise_distances.original = original
    _umap.pairwise_distances = pairwise_distances
