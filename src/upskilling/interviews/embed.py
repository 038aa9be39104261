"""Sentence embeddings of the segments, cached by model checksum and text hash.

The cache key is the sha256 of: the model's weights checksum, the settings that change the vectors
(max sequence length, normalisation, batch size) and the sha256 of the segment texts in order. A run
whose key is already in the cache folder copies the vectors instead of embedding again and logs
``cache hit``. The batch size is in the key because it changes the padding of each batch and so the
last float bits of some vectors (about 1e-7), which is enough to move UMAP / HDBSCAN: the same key must
mean bit-identical vectors.

The embedding itself is a plain ``SentenceTransformer.encode`` call (which already sorts by length to
limit padding); the wrapper only hashes the texts and reads or writes one ``.npy`` file, so its
throughput stays that of ``encode`` (see ``benchmarks/interviews_embed.py``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path

import numpy as np

from ..errors import InputError

log = logging.getLogger("upskilling.interviews")


def texts_sha256(texts: list[str]) -> str:
    """sha256 over the texts in order (each UTF-8 encoded, length-prefixed so boundaries count)."""
    digest = hashlib.sha256()
    for text in texts:
        raw = text.encode("utf-8")
        digest.update(len(raw).to_bytes(8, "little"))
        digest.update(raw)
    return digest.hexdigest()


def model_settings(model) -> dict:
    """Settings of a loaded SentenceTransformer that change the vectors."""
    # sentence-transformers 6 renamed get_sentence_embedding_dimension to get_embedding_dimension
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return {
        "max_seq_length": int(getattr(model, "max_seq_length", 0) or 0),
        "normalized": any(type(m).__name__ == "Normalize" for m in model),
        "dimension": int(dimension()),
    }


def cache_key(texts_hash: str, model_sha256: str, settings: dict) -> str:
    """sha256 of the texts hash, the model checksum and the vector-changing settings."""
    payload = json.dumps({"texts": texts_hash, "model": model_sha256, "settings": settings}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def encode(model, texts: list[str], batch_size: int = 32) -> np.ndarray:
    """``model.encode`` as float32, unit-length rows (the model's Normalize layer)."""
    vectors = model.encode(list(texts), batch_size=batch_size, show_progress_bar=False,
                           convert_to_numpy=True, normalize_embeddings=False)
    return np.asarray(vectors, dtype=np.float32)


def _prune(cache_dir: Path, keep: int) -> None:
    files = sorted(cache_dir.glob("*.npy"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in files[keep:]:
        stale.unlink(missing_ok=True)


def embed_segments(texts: list[str], model, model_sha256: str, cache_dir: str | Path | None,
                   batch_size: int = 32, cache_keep: int = 5) -> tuple[np.ndarray, dict]:
    """Embed ``texts`` with ``model``, or load them from ``cache_dir`` when the key is there.

    Returns ``(vectors, info)``; ``info`` has ``cache_key, cache_hit, texts_sha256, n, dimension,
    seconds, texts_per_second, batch_size`` (no text). ``cache_dir=None`` disables the cache.
    """
    if len(texts) == 0:
        raise InputError("segments.csv: no segments to embed; check the transcripts and interviews.segmentation")
    settings = {**model_settings(model), "batch_size": int(batch_size)}
    t_hash = texts_sha256(texts)
    key = cache_key(t_hash, model_sha256, settings)
    info = {"cache_key": key, "texts_sha256": t_hash, "n": len(texts), "dimension": settings["dimension"],
            "batch_size": int(batch_size), "settings": settings}
    cached = Path(cache_dir) / f"{key}.npy" if cache_dir else None
    start = time.perf_counter()
    if cached is not None and cached.is_file():
        vectors = np.load(cached)
        if vectors.shape == (len(texts), settings["dimension"]):
            os.utime(cached)  # most recently used
            info.update(cache_hit=True, seconds=time.perf_counter() - start, texts_per_second=None)
            log.info("cache hit: %d segment embeddings loaded from %s; not embedding again", len(texts), cached)
            return vectors, info
        log.warning("cache file %s has shape %s, expected %s; embedding again", cached, vectors.shape,
                    (len(texts), settings["dimension"]))
    log.info("cache miss (key %s): embedding %d segments, batch size %d", key[:12], len(texts), batch_size)
    vectors = encode(model, texts, batch_size=batch_size)
    seconds = time.perf_counter() - start
    info.update(cache_hit=False, seconds=seconds, texts_per_second=len(texts) / seconds if seconds > 0 else None)
    log.info("embedded %d segments in %.1f s (%.0f segments/s)", len(texts), seconds, len(texts) / max(seconds, 1e-9))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        os.replace(tmp, cached)
        _prune(cached.parent, cache_keep)
    return vectors, info
