"""Text vectors for the jobs after the embedding rule, loading the model only when a text is new.

The topic model, its stability re-fits and the theme coding embed a few texts besides the segments: the
codebook's texts (theme vectors, zero-shot topics, coding prototypes), the protocol questions, the
interviewers' preceding questions and KeyBERT's candidate words. Importing torch, transformers and
sentence-transformers and loading the model costs each such job about 4 s of CPU, more than most of them
spend on their own work. So the embedding shards also embed the **reference texts** of the codebook and
the protocol (:func:`reference_texts`, written to ``codebook_embeddings.npz`` by the gather rule), and a
:class:`TextEncoder` answers ``encode(texts)`` from, in order:

1. ``known`` vectors the embedding rule wrote (the reference texts, the context questions);
2. the per-text embedding cache (:mod:`.embed`) of the store key in embeddings.json (model checksum and
   settings), so that words embedded by a former run are reused;
3. the model, loaded at the first text found in neither; its vectors are added to the cache. The loaded
   model must give the store key of embeddings.json, else the embeddings are of another model and the job
   stops with what to re-run.

The counts (known, cached, embedded) are logged and kept in :attr:`TextEncoder.counts`. Vectors from the
cache or from another batch equal a fresh ``encode`` to within float tolerance (see :mod:`.embed`:
below 1e-6), and two runs from the same state give the same bits. Written by hand: sentence-transformers
has no lazily loading, cache-backed encoder.
"""
from __future__ import annotations

import logging

import numpy as np

from ..errors import InputError
from .embed import EmbeddingStore, encode, lookup_or_encode, model_settings, prune, store_key, text_keys

log = logging.getLogger("upskilling.interviews")

#: the theme-text modes of ``interviews.theme_vectors.text`` (config schema enum): each mode's texts are
#: reference texts, so that a change of mode needs no model either
THEME_TEXT_MODES = ("clauses+seeds", "definition+seeds", "definition", "joined")


def reference_texts(themes_yaml, protocol=None) -> list[str]:
    """Every codebook and protocol text a job after the embedding rule may embed, sorted and distinct:
    the theme texts of each mode (:func:`themes.theme_texts`, the zero-shot texts among them), the coding
    prototypes' texts (:func:`coding.codebook_texts`) and the protocol questions."""
    from .coding import codebook_texts
    from .inductive import read_protocol
    from .themes import load_codebook, theme_texts

    themes, other = load_codebook(themes_yaml)
    texts = {text for theme in themes for mode in THEME_TEXT_MODES for text in theme_texts(theme, mode)}
    texts.update(codebook_texts(themes, other)[0])
    texts.update(read_protocol(protocol).values())
    return sorted(texts)


def read_known(reference_npz=None, contexts=None, context_npy=None) -> dict[str, np.ndarray]:
    """``{text: vector}`` from codebook_embeddings.npz (``texts``, ``vectors``) and from the segments'
    context questions (``contexts``, a sequence of texts, beside the rows of context_embeddings.npy)."""
    known: dict[str, np.ndarray] = {}
    if reference_npz:
        with np.load(reference_npz, allow_pickle=False) as z:
            texts, vectors = [str(t) for t in z["texts"]], z["vectors"]
        if len(texts) != len(vectors):
            raise InputError(f"{reference_npz}: {len(texts)} texts for {len(vectors)} vectors; re-run the embedding rule")
        known.update(zip(texts, vectors))
    if context_npy is not None and contexts is not None:
        vectors = np.load(context_npy)
        contexts = ["" if c is None or c != c else str(c) for c in contexts]  # NaN: no preceding question
        if len(vectors) != len(contexts):
            raise InputError(f"{context_npy}: {len(vectors)} rows for {len(contexts)} segments; re-run the embedding rule")
        for text, vector in zip(contexts, vectors):
            if text:
                known.setdefault(text, vector)
    return known


class TextEncoder:
    """``encoder(texts) -> float32 array``: known vectors, then the cache, then the model (loaded once, lazily).

    ``meta`` is embeddings.json (``model.sha256``, ``cache_key``, ``dimension``); ``cache_dir`` the
    embedding cache (None or "": no cache); ``threads`` the torch threads if the model is loaded.
    """

    def __init__(self, meta: dict, cache_dir=None, known: dict | None = None, batch_size: int = 32,
                 cache_keep: int = 3, threads: int = 1, loader=None):
        try:
            self.key, self.dimension = str(meta["cache_key"]), int(meta["dimension"])
            self.model_sha256 = str(meta["model"]["sha256"])
        except (KeyError, TypeError):
            raise InputError("embeddings.json: no cache_key, dimension or model.sha256; re-run the embedding rule") from None
        self.known = dict(known or {})
        self.cache_dir = cache_dir or None
        self.store = EmbeddingStore(cache_dir, self.key, self.dimension) if cache_dir else None
        self.batch_size, self.cache_keep, self.threads = int(batch_size), int(cache_keep), int(threads)
        self._loader = loader
        self._model = None
        self.counts = {"known": 0, "cached": 0, "embedded": 0}

    @property
    def model_loaded(self) -> bool:
        return self._model is not None

    def model(self):
        """The verified model (loaded at the first call), checked against the store key of embeddings.json."""
        if self._model is None:
            if self._loader is not None:
                model = self._loader()
            else:
                import torch

                from ..model import load_model

                torch.set_num_threads(max(1, self.threads))
                model = load_model()
            key = store_key(self.model_sha256, model_settings(model))
            if key != self.key:
                raise InputError("embeddings.json: the embeddings were made with other model settings than the model "
                                 "loaded now; re-run the embedding rule (snakemake --forcerun interviews_embed_shard)")
            self._model = model
        return self._model

    def __call__(self, texts) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        todo = [i for i, t in enumerate(texts) if t not in self.known]
        for i, t in enumerate(texts):
            if t in self.known:
                out[i] = self.known[t]
        self.counts["known"] += len(texts) - len(todo)
        if not todo:
            return out
        unique = sorted({texts[i] for i in todo})  # each new text looked up (and embedded) once, in text order

        def encode_missing(missing: list[str]) -> np.ndarray:
            if not self.model_loaded:
                log.info("interviews: %d text(s) neither precomputed nor cached: loading the embedding model",
                         len(missing))
            return encode(self.model(), missing, batch_size=self.batch_size)

        vectors, n_reused, encoded, _ = lookup_or_encode(unique, text_keys(unique, self.key), self.store,
                                                         encode_missing, self.dimension, "texts")
        self.counts["cached"] += n_reused
        self.counts["embedded"] += len(encoded)
        if encoded and self.store is not None:
            prune(self.cache_dir, self.cache_keep, self.key)
        self.known.update(zip(unique, vectors))  # asked again (KeyBERT per fit): answered without a lookup
        for i in todo:
            out[i] = self.known[texts[i]]
        return out

    def summary(self) -> str:
        c = self.counts
        return (f"{c['known']} text vectors precomputed, {c['cached']} from the cache, {c['embedded']} embedded"
                f" ({'model loaded' if self.model_loaded else 'model not loaded'})")
