"""Sentence embeddings of the segments, with a per-segment, content-addressed cache.

Cache keys
----------
- **store key** = sha256 of the model's weights checksum and the settings of the loaded model that
  change the vectors (``max_seq_length``, normalisation, dimension; :func:`model_settings`).
- **text key** = sha256 of the store key and one segment's UTF-8 text (:func:`text_keys`).

A text whose key is in the store is read from it; only new or changed texts are embedded (each
distinct text once), and the vectors for the whole list are assembled in its order. So adding one
interview embeds only its segments, and reordering the segments embeds nothing. The log (logger
``upskilling.interviews``) gives the counts reused and embedded, never a text.

The batch size is *not* in the key. Measured with the bundled all-MiniLM-L6-v2 on the 511 default
segments (CPU, 2 torch threads): batch sizes 1, 8, 16, 64 and 128 give vectors within 2.3e-7 (max
absolute difference per component) of batch size 32, and embedding a subset of the texts (other
batch-mates, other padding) differs by the same 1.8e-7. A per-segment cache cannot make a vector
independent of the batch it was computed in, so the key promises equality to within float tolerance
(< 1e-6), not bit-identity with a cold run. It does promise that re-runs on the same cache are
bit-identical: a stored vector is never overwritten (the first writer of a key wins).

Store layout
------------
``cache_dir/<store key>/<xx>.npz`` with ``xx`` the first two hex digits of the text key (at most 256
shard files per store, never one file per segment). A shard holds ``keys`` (uint8, n x 32: the text
keys' digests) and ``vectors`` (float32, n x dimension). A run reads only the shards its texts fall
in, one at a time. Writes take an advisory lock on ``<store>/.lock`` (where the OS has ``fcntl``),
re-read the shard, add the new rows and write a temporary file in the same folder that
``os.replace`` puts in place, so a reader sees the old or the new shard, never a half-written one
(temporary files are named ``.xx.*.tmp`` and never read). A shard that cannot be read or is
inconsistent (keys / vectors shapes, dimension, non-finite values, keys of another shard) is ignored
with a warning; its segments are embedded again and the shard is written anew. A cache that cannot
be written (read-only, disk full) costs a warning, not the run.

``keep`` (config ``interviews.embedding.cache_keep``) is the number of stores (model + settings)
kept, most recently used first; older stores are deleted.

The embedding itself is a plain ``SentenceTransformer.encode`` call on the texts to embed (which
already sorts by length to limit padding); the wrapper adds hashing and shard input/output, so its
throughput stays that of ``encode`` (see ``benchmarks/interviews_embed.py``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..errors import InputError

try:  # advisory lock between concurrent writers; os.replace alone already prevents corruption
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

log = logging.getLogger("upskilling.interviews")

_STORE_NAME = re.compile(r"^[0-9a-f]{64}$")
_LEGACY_FILE = re.compile(r"^[0-9a-f]{64}\.npy$")  # whole-list cache files of the former design
_STALE_TMP_SECONDS = 3600


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


def store_key(model_sha256: str, settings: dict) -> str:
    """sha256 of the model checksum and the vector-changing settings: names the store folder."""
    payload = json.dumps({"model": model_sha256, "settings": settings}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def text_keys(texts: list[str], store: str) -> list[bytes]:
    """The 32-byte sha256 digest of (store key, text) for each text."""
    prefix = hashlib.sha256(store.encode("ascii") + b"\0")
    keys = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"segment {i}: text is {type(text).__name__}, not a string; check segments.csv")
        digest = prefix.copy()
        digest.update(text.encode("utf-8"))
        keys.append(digest.digest())
    return keys


def token_lengths(model, texts: list[str]) -> list[int] | None:
    """Token count of each text with the model's own tokenizer (special tokens included), or None when the
    model has no tokenizer. A text longer than ``model.max_seq_length`` tokens is cut by ``encode``."""
    tokenizer = getattr(model, "tokenizer", None)
    if tokenizer is None or not texts:
        return None if tokenizer is None else []
    return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]]


def window_report(ids: list[str], lengths: list[int] | None, max_seq_length: int) -> dict:
    """``{max_seq_length, n_truncated, max_tokens, truncated_segment_ids}`` (ids, never text): the segments the
    model's window cuts. ``n_truncated`` is None when the lengths are unknown."""
    if lengths is None:
        return {"max_seq_length": int(max_seq_length), "n_truncated": None, "max_tokens": None,
                "truncated_segment_ids": []}
    cut = [i for i, n in zip(ids, lengths) if n > max_seq_length]
    return {"max_seq_length": int(max_seq_length), "n_truncated": len(cut),
            "max_tokens": int(max(lengths)) if lengths else 0, "truncated_segment_ids": cut}


def encode(model, texts: list[str], batch_size: int = 32) -> np.ndarray:
    """``model.encode`` as float32, unit-length rows (the model's Normalize layer)."""
    vectors = model.encode(list(texts), batch_size=batch_size, show_progress_bar=False,
                           convert_to_numpy=True, normalize_embeddings=False)
    return np.asarray(vectors, dtype=np.float32)


class EmbeddingStore:
    """The shard files of one store key (see the module docstring)."""

    def __init__(self, cache_dir: str | Path, key: str, dimension: int):
        self.root = Path(cache_dir) / key
        self.key = key
        self.dimension = int(dimension)

    def shard_path(self, shard: int) -> Path:
        return self.root / f"{shard:02x}.npz"

    def _read(self, shard: int) -> tuple[np.ndarray, np.ndarray, str | None]:
        """(keys, vectors, problem); empty arrays when the shard is missing or unusable."""
        empty = np.zeros((0, 32), np.uint8), np.zeros((0, self.dimension), np.float32)
        path = self.shard_path(shard)
        if not path.is_file():
            return (*empty, None)
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except Exception as exc:  # truncated zip, bad header, missing array, ...
            return (*empty, f"{type(exc).__name__}: {exc}")
        if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != 32:
            return (*empty, f"keys have dtype {keys.dtype} and shape {keys.shape}")
        if vectors.dtype != np.float32 or vectors.shape != (len(keys), self.dimension):
            return (*empty, f"vectors have dtype {vectors.dtype} and shape {vectors.shape}, "
                            f"expected float32 ({len(keys)}, {self.dimension})")
        if len(keys) and (np.any(keys[:, 0] != shard) or not np.isfinite(vectors).all()):
            return (*empty, "keys of another shard or non-finite vectors")
        return keys, vectors, None

    def lookup(self, keys: list[bytes], out: np.ndarray) -> np.ndarray:
        """Fill ``out[i]`` for every key found; return the boolean mask of the keys found."""
        found = np.zeros(len(keys), dtype=bool)
        by_shard: dict[int, list[int]] = {}
        for i, k in enumerate(keys):
            by_shard.setdefault(k[0], []).append(i)
        for shard, positions in sorted(by_shard.items()):
            stored_keys, vectors, problem = self._read(shard)
            if problem:
                log.warning("embedding cache shard %s is unreadable or inconsistent (%s); ignoring it, its "
                            "segments are embedded again and the shard rewritten", self.shard_path(shard), problem)
                continue
            if not len(stored_keys):
                continue
            row = {k.tobytes(): j for j, k in enumerate(stored_keys)}
            hits = [(i, row[keys[i]]) for i in positions if keys[i] in row]
            if hits:
                dst, src = np.array(hits).T
                out[dst] = vectors[src]
                found[dst] = True
        return found

    @contextmanager
    def _lock(self):
        if fcntl is None:
            yield
            return
        with open(self.root / ".lock", "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX)
            except OSError:  # file system without locks: os.replace still keeps the shards whole
                pass
            try:
                yield
            finally:
                try:
                    fcntl.flock(fh, fcntl.LOCK_UN)
                except OSError:
                    pass

    def add(self, keys: list[bytes], vectors: np.ndarray) -> None:
        """Add new rows; keys already stored keep their stored vector."""
        self.root.mkdir(parents=True, exist_ok=True)
        by_shard: dict[int, list[int]] = {}
        for i, k in enumerate(keys):
            by_shard.setdefault(k[0], []).append(i)
        with self._lock():
            for shard, positions in sorted(by_shard.items()):
                old_keys, old_vectors, _ = self._read(shard)  # unusable shard: written anew
                known = {k.tobytes() for k in old_keys}
                new = [i for i in positions if keys[i] not in known]
                if not new:
                    continue
                new_keys = np.frombuffer(b"".join(keys[i] for i in new), dtype=np.uint8).reshape(-1, 32)
                self._write(shard, np.concatenate([old_keys, new_keys]),
                            np.concatenate([old_vectors, vectors[new].astype(np.float32, copy=False)]))
        self.touch()

    def _write(self, shard: int, keys: np.ndarray, vectors: np.ndarray) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{shard:02x}.", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as fh:
                if hasattr(os, "fchmod"):  # mkstemp makes 0600; the cache may be shared
                    os.fchmod(fh.fileno(), 0o644)
                np.savez(fh, keys=keys, vectors=vectors)
            os.replace(tmp, self.shard_path(shard))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def touch(self) -> None:
        try:
            os.utime(self.root)  # most recently used (for cache_keep)
        except OSError:  # missing or not ours: only the pruning order is affected
            pass


def prune(cache_dir: str | Path, keep: int, current: str | None = None) -> None:
    """Keep the ``keep`` most recently used stores (always ``current``); remove stale temporary files
    and the whole-list ``<key>.npy`` files of the former cache design."""
    cache_dir = Path(cache_dir)
    if not cache_dir.is_dir():
        return
    now = time.time()
    stores, legacy = [], []
    for entry in cache_dir.iterdir():
        if entry.is_dir() and _STORE_NAME.match(entry.name):
            stores.append(entry)
        elif entry.is_file() and _LEGACY_FILE.match(entry.name):
            legacy.append(entry)
    for old in legacy:
        try:
            old.unlink()
        except OSError:
            pass
    if legacy:
        log.info("embedding cache: removed %d whole-list cache files of the former format from %s",
                 len(legacy), cache_dir)

    def used(p: Path) -> tuple[bool, float]:
        try:
            return p.name == current, p.stat().st_mtime
        except OSError:  # removed by a concurrent run
            return p.name == current, 0.0

    stores.sort(key=used, reverse=True)
    for stale in stores[max(1, int(keep)):]:
        shutil.rmtree(stale, ignore_errors=True)
        log.info("embedding cache: removed store %s (not among the %d most recently used)", stale.name[:12], keep)
    for store in stores[: max(1, int(keep))]:
        for tmp in store.glob(".*.tmp"):
            try:
                if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                    tmp.unlink()
            except OSError:
                pass


def lookup_or_encode(texts: list[str], keys: list[bytes], store: "EmbeddingStore | None", encode_missing,
                     dimension: int, label: str = "texts") -> tuple[np.ndarray, int, list[int], float]:
    """The vectors of ``texts`` (``keys``: their :func:`text_keys`): read from ``store`` (None: no cache)
    where found, else made by ``encode_missing(texts) -> array``, called once with each distinct missing
    text in order of first appearance (not called when every text is found). The new vectors are added to
    the store; a store that cannot be written is logged and the vectors are still returned. Logs how many
    ``label`` were reused and how many are embedded.

    Returns ``(vectors, n_reused, encoded, seconds)``: float32 ``(len(texts), dimension)``; the number of
    texts read from the store; the positions of the texts encoded (first appearances); the seconds
    ``encode_missing`` took. The one cache step of the embedding shards (:func:`embed_segments`) and of the
    jobs after them (:class:`.encoder.TextEncoder`)."""
    vectors = np.zeros((len(texts), dimension), dtype=np.float32)
    found = store.lookup(keys, vectors) if store is not None else np.zeros(len(texts), dtype=bool)
    first: dict[bytes, int] = {}
    for i in np.flatnonzero(~found):
        first.setdefault(keys[i], int(i))
    todo = list(first.values())
    n_reused = int(found.sum())
    where = f"embedding cache {store.key[:12]}" if store is not None else "embedding cache off"
    if not todo:
        log.info("%s: %d of %d %s reused, 0 embedded (cache hit; not embedding again)", where, n_reused,
                 len(texts), label)
        return vectors, n_reused, todo, 0.0
    log.info("%s: %d of %d %s reused, embedding %d", where, n_reused, len(texts), label, len(todo))
    t = time.perf_counter()
    new = np.asarray(encode_missing([texts[i] for i in todo]), dtype=np.float32)
    seconds = time.perf_counter() - t
    if new.shape != (len(todo), dimension):
        raise InputError(f"embedding model returned shape {new.shape} for the {label}, expected "
                         f"{(len(todo), dimension)}")
    row = {keys[i]: j for j, i in enumerate(todo)}
    missing = np.flatnonzero(~found)
    vectors[missing] = new[[row[keys[i]] for i in missing]]
    if store is not None:
        try:
            store.add([keys[i] for i in todo], new)
        except OSError as exc:
            log.warning("embedding cache %s could not be written (%s); the vectors are used but not cached",
                        store.root, exc)
    return vectors, n_reused, todo, seconds


def embed_segments(texts: list[str], model, model_sha256: str, cache_dir: str | Path | None,
                   batch_size: int = 32, cache_keep: int = 3, label: str = "segments") -> tuple[np.ndarray, dict]:
    """Embed ``texts`` with ``model``, reusing the vectors of the texts already in the cache
    (:func:`lookup_or_encode`).

    Returns ``(vectors, info)``: vectors float32 ``(len(texts), dimension)`` in the order of
    ``texts``; ``info`` (no text) has ``cache_key`` (the store key), ``cache_hit`` (True when nothing
    was embedded), ``n``, ``n_reused`` (texts read from the cache), ``n_embedded`` (distinct texts
    embedded), ``texts_sha256``, ``dimension``, ``batch_size``, ``settings``, ``seconds`` (whole
    call), ``encode_seconds`` and ``texts_per_second`` (of the encode call; None when nothing was
    embedded). ``cache_dir=None``
    disables the cache; ``cache_keep`` is the number of stores kept; ``label`` names the texts in the log.
    """
    if len(texts) == 0:
        raise InputError("segments.csv: no segments to embed; check the transcripts and interviews.segmentation")
    start = time.perf_counter()
    settings = model_settings(model)
    key = store_key(model_sha256, settings)
    dim = settings["dimension"]
    keys = text_keys(texts, key)  # first: checks that every text is a string
    store = EmbeddingStore(cache_dir, key, dim) if cache_dir else None
    vectors, n_reused, todo, seconds = lookup_or_encode(
        texts, keys, store, lambda missing: encode(model, missing, batch_size=batch_size), dim, label)
    if todo:
        log.info("embedded %d %s in %.1f s (%.0f %s/s)", len(todo), label, seconds, len(todo) / max(seconds, 1e-9),
                 label)
    if store is not None:
        if not todo:
            store.touch()
        prune(cache_dir, cache_keep, key)
    return vectors, {"cache_key": key, "texts_sha256": texts_sha256(texts), "n": len(texts), "dimension": dim,
                     "batch_size": int(batch_size), "settings": settings, "n_reused": n_reused,
                     "n_embedded": len(todo), "cache_hit": store is not None and not todo,
                     "seconds": time.perf_counter() - start, "encode_seconds": seconds,
                     "texts_per_second": len(todo) / seconds if todo and seconds > 0 else None}
