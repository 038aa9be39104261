"""Embedding cache: keyed by model checksum and text hash; a hit never calls the model and says so."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from upskilling.errors import InputError
from upskilling.interviews.embed import cache_key, embed_segments, texts_sha256


class Normalize:  # the class name is what model_settings looks for
    pass


class StubModel:
    """Enough of a SentenceTransformer for the cache logic; counts encode calls."""

    max_seq_length = 256

    def __init__(self):
        self.calls = 0

    def __iter__(self):
        return iter([object(), Normalize()])

    def get_embedding_dimension(self):
        return 4

    def encode(self, texts, batch_size=32, **kw):
        self.calls += 1
        return np.array([[len(t), t.count("a"), 1.0, 0.0] for t in texts], dtype=np.float32)


TEXTS = ["a first segment", "another one", "and a third"]


def test_texts_hash_is_order_and_boundary_sensitive():
    assert texts_sha256(["ab", "c"]) != texts_sha256(["a", "bc"])
    assert texts_sha256(["a", "b"]) != texts_sha256(["b", "a"])
    assert texts_sha256(TEXTS) == texts_sha256(list(TEXTS))


def test_cache_key_depends_on_model_and_settings():
    h = texts_sha256(TEXTS)
    settings = {"max_seq_length": 256, "normalized": True, "dimension": 4}
    assert cache_key(h, "a" * 64, settings) != cache_key(h, "b" * 64, settings)
    assert cache_key(h, "a" * 64, settings) != cache_key(h, "a" * 64, {**settings, "max_seq_length": 128})


def test_second_run_uses_cache_and_logs_it(tmp_path, caplog):
    model = StubModel()
    first, info1 = embed_segments(TEXTS, model, "a" * 64, tmp_path, batch_size=2)
    assert model.calls == 1 and info1["cache_hit"] is False
    with caplog.at_level(logging.INFO, logger="upskilling.interviews"):
        second, info2 = embed_segments(TEXTS, model, "a" * 64, tmp_path, batch_size=2)
    assert model.calls == 1, "a cache hit must not embed again"
    assert info2["cache_hit"] is True and info2["cache_key"] == info1["cache_key"]
    np.testing.assert_array_equal(first, second)
    assert "cache hit" in caplog.text and "not embedding again" in caplog.text
    # other texts, another model or another batch size (other float rounding): embedded again
    embed_segments(TEXTS[:2], model, "a" * 64, tmp_path, batch_size=2)
    embed_segments(TEXTS, model, "b" * 64, tmp_path, batch_size=2)
    embed_segments(TEXTS, model, "a" * 64, tmp_path, batch_size=3)
    assert model.calls == 4


def test_cache_keeps_only_recent_files(tmp_path):
    model = StubModel()
    for i in range(4):
        embed_segments([f"text {i}"], model, "a" * 64, tmp_path, cache_keep=2)
    assert len(list(tmp_path.glob("*.npy"))) == 2


def test_no_cache_dir_and_empty_input(tmp_path):
    model = StubModel()
    embed_segments(TEXTS, model, "a" * 64, None)
    embed_segments(TEXTS, model, "a" * 64, None)
    assert model.calls == 2
    with pytest.raises(InputError, match="no segments"):
        embed_segments([], model, "a" * 64, tmp_path)
