"""TextEncoder: precomputed vectors first, then the per-text cache, then the model, loaded only for a new text."""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from test_interviews_embed import SHA, StubModel
from upskilling.errors import InputError
from upskilling.interviews.coding import codebook_texts
from upskilling.interviews.embed import EmbeddingStore, model_settings, store_key, text_keys
from upskilling.interviews.encoder import THEME_TEXT_MODES, TextEncoder, read_known, reference_texts
from upskilling.interviews.themes import load_codebook, theme_texts

from conftest import ROOT


def meta_for(model) -> dict:
    return {"cache_key": store_key(SHA, model_settings(model)), "dimension": model.dimension, "model": {"sha256": SHA}}


def never():
    raise AssertionError("the model was loaded although every text was known or cached")


def test_known_texts_need_no_model():
    stub = StubModel()
    enc = TextEncoder(meta_for(stub), known={"a": stub.vector("a"), "b": stub.vector("b")}, loader=never)
    out = enc(["b", "a", "b"])
    np.testing.assert_array_equal(out, np.vstack([stub.vector("b"), stub.vector("a"), stub.vector("b")]))
    assert enc.counts == {"known": 3, "cached": 0, "embedded": 0}
    assert not enc.model_loaded and "model not loaded" in enc.summary()


def test_new_texts_load_the_model_once_and_go_to_the_cache(tmp_path):
    stub = StubModel()
    enc = TextEncoder(meta_for(stub), tmp_path, known={"a": stub.vector("a")}, loader=lambda: stub)
    out = enc(["a", "new word", "other word", "new word"])
    np.testing.assert_allclose(out[1], stub.vector("new word"))
    np.testing.assert_array_equal(out[1], out[3])
    assert stub.encoded == [["new word", "other word"]]  # each distinct new text once, sorted
    assert enc.counts == {"known": 1, "cached": 0, "embedded": 2} and enc.model_loaded
    enc(["new word"])  # asked again in the same job: no second encode
    assert stub.calls == 1
    # a later job finds them in the cache, without a model
    later = TextEncoder(meta_for(stub), tmp_path, loader=never)
    np.testing.assert_array_equal(later(["other word", "new word"]), out[[2, 1]])
    assert later.counts == {"known": 0, "cached": 2, "embedded": 0}


def test_cached_vectors_are_read_back_bit_for_bit(tmp_path):
    stub = StubModel()
    meta = meta_for(stub)
    stored = np.array([[0.1, 0.2, 0.3, 0.4]], dtype=np.float32)
    EmbeddingStore(tmp_path, meta["cache_key"], 4).add(text_keys(["w"], meta["cache_key"]), stored)
    enc = TextEncoder(meta, tmp_path, loader=never)
    np.testing.assert_array_equal(enc(["w"]), stored)


def test_without_a_cache_every_unknown_text_is_embedded():
    stub = StubModel()
    enc = TextEncoder(meta_for(stub), None, loader=lambda: stub)
    enc(["x", "y"])
    assert enc.counts["embedded"] == 2 and stub.n_encoded == 2


def test_a_model_with_other_settings_stops_with_what_to_rerun():
    stub, other = StubModel(), StubModel()
    other.max_seq_length = 128  # another store key than the embeddings were made with
    enc = TextEncoder(meta_for(stub), None, loader=lambda: other)
    with pytest.raises(InputError, match="re-run the embedding rule"):
        enc(["x"])


def test_embeddings_json_without_a_cache_key_is_a_clear_error():
    with pytest.raises(InputError, match="embeddings.json: no cache_key"):
        TextEncoder({"dimension": 4, "model": {"sha256": SHA}})


def test_reference_texts_hold_every_codebook_and_protocol_text(tmp_path):
    themes_yaml = ROOT / "config" / "themes.yaml"
    protocol = tmp_path / "protocol.md"
    protocol.write_text("- `q1`: How did you start?\n- `q2`: What helped you learn?\n", encoding="utf-8")
    texts = reference_texts(themes_yaml, protocol)
    themes, other = load_codebook(themes_yaml)
    assert texts == sorted(set(texts))
    for theme in themes:
        for mode in THEME_TEXT_MODES:
            assert set(theme_texts(theme, mode)) <= set(texts), (theme["id"], mode)
    assert set(codebook_texts(themes, other)[0]) <= set(texts)
    assert {"How did you start?", "What helped you learn?"} <= set(texts)
    without = reference_texts(themes_yaml)
    assert set(texts) - set(without) == {"How did you start?", "What helped you learn?"}
    # the schema's modes are the ones covered
    schema = yaml.safe_load((ROOT / "src/upskilling/schemas/config_interviews.schema.yaml").read_text())
    assert set(schema["properties"]["theme_vectors"]["properties"]["text"]["enum"]) == set(THEME_TEXT_MODES)


def test_read_known_pairs_texts_with_their_vectors(tmp_path):
    npz = tmp_path / "codebook_embeddings.npz"
    np.savez(npz, texts=np.array(["t1", "t2"]), vectors=np.eye(2, dtype=np.float32))
    ctx = tmp_path / "context.npy"
    np.save(ctx, np.array([[1, 1], [2, 2], [3, 3]], dtype=np.float32))
    known = read_known(npz, ["q", float("nan"), "q"], ctx)
    assert set(known) == {"t1", "t2", "q"}
    np.testing.assert_array_equal(known["t2"], [0, 1])
    np.testing.assert_array_equal(known["q"], [1, 1])  # the first row of a repeated question
    with pytest.raises(InputError, match="3 rows for 2 segments"):
        read_known(None, ["q", "r"], ctx)
