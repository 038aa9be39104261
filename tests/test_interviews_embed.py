"""Per-segment embedding cache: only new or changed texts are embedded, the rest is read back in order."""
from __future__ import annotations

import hashlib
import json
import logging
import threading

import numpy as np
import pandas as pd
import pytest

from upskilling.errors import InputError
from upskilling.interviews import embed as embed_mod
from upskilling.interviews.embed import EmbeddingStore, embed_segments, store_key, text_keys, texts_sha256

SHA = "a" * 64


class Normalize:  # the class name is what model_settings looks for
    pass


class StubModel:
    """Enough of a SentenceTransformer for the cache logic: records every text it is asked to encode."""

    max_seq_length = 256

    def __init__(self, dimension=4):
        self.dimension = dimension
        self.encoded: list[list[str]] = []

    def __iter__(self):
        return iter([object(), Normalize()])

    def get_embedding_dimension(self):
        return self.dimension

    @property
    def calls(self):
        return len(self.encoded)

    @property
    def n_encoded(self):
        return sum(len(batch) for batch in self.encoded)

    def vector(self, text):
        raw = np.frombuffer(hashlib.sha256(text.encode()).digest(), dtype=np.uint8)[: self.dimension]
        v = raw.astype(np.float32) + 1.0
        return v / np.linalg.norm(v)

    def encode(self, texts, batch_size=32, **kw):
        self.encoded.append(list(texts))
        return np.array([self.vector(t) for t in texts], dtype=np.float32)


TEXTS = ["a first segment", "another one", "and a third", "a fourth, longer segment of the interview"]


def fresh(model, texts):
    return np.array([model.vector(t) for t in texts], dtype=np.float32)


def stores(cache):
    return sorted(p.name for p in cache.iterdir() if p.is_dir())


def test_keys():
    settings = {"max_seq_length": 256, "normalized": True, "dimension": 4}
    key = store_key(SHA, settings)
    assert key != store_key("b" * 64, settings)
    for change in ({"max_seq_length": 128}, {"normalized": False}, {"dimension": 8}):
        assert key != store_key(SHA, {**settings, **change})
    assert text_keys(["x", "y"], key) == text_keys(["x", "y"], key)
    assert text_keys(["x"], key) != text_keys(["x"], store_key("b" * 64, settings))
    assert len(set(text_keys(TEXTS, key))) == len(TEXTS) and all(len(k) == 32 for k in text_keys(TEXTS, key))
    assert texts_sha256(["ab", "c"]) != texts_sha256(["a", "bc"])


def test_rerun_reuses_everything_and_logs_counts(tmp_path, caplog):
    model = StubModel()
    first, info1 = embed_segments(TEXTS, model, SHA, tmp_path)
    assert model.n_encoded == 4 and info1["cache_hit"] is False
    assert (info1["n_reused"], info1["n_embedded"]) == (0, 4)
    with caplog.at_level(logging.INFO, logger="upskilling.interviews"):
        second, info2 = embed_segments(TEXTS, model, SHA, tmp_path, batch_size=7)  # batch size not in the key
    assert model.calls == 1, "nothing new: the model must not be called"
    assert info2["cache_hit"] is True and (info2["n_reused"], info2["n_embedded"]) == (4, 0)
    assert info2["cache_key"] == info1["cache_key"]
    np.testing.assert_array_equal(first, second)
    assert "4 of 4 segments reused, 0 embedded" in caplog.text and "not embedding again" in caplog.text
    assert not any(t in caplog.text for t in TEXTS), "no text in the log"


def test_one_new_text_embeds_exactly_one(tmp_path, caplog):
    model = StubModel()
    embed_segments(TEXTS, model, SHA, tmp_path)
    texts = TEXTS[:2] + ["a brand new segment"] + TEXTS[2:]
    with caplog.at_level(logging.INFO, logger="upskilling.interviews"):
        vectors, info = embed_segments(texts, model, SHA, tmp_path)
    assert model.encoded[-1] == ["a brand new segment"]
    assert (info["n_reused"], info["n_embedded"], info["cache_hit"]) == (4, 1, False)
    np.testing.assert_array_equal(vectors, fresh(model, texts))
    assert "4 of 5 segments reused, embedding 1" in caplog.text
    assert "a brand new segment" not in caplog.text


def test_one_changed_text_embeds_one_and_order_embeds_none(tmp_path):
    model = StubModel()
    embed_segments(TEXTS, model, SHA, tmp_path)
    changed = [TEXTS[0], "another one, edited", *TEXTS[2:]]
    vectors, info = embed_segments(changed, model, SHA, tmp_path)
    assert model.encoded[-1] == ["another one, edited"] and info["n_embedded"] == 1
    np.testing.assert_array_equal(vectors, fresh(model, changed))

    calls = model.calls
    shuffled = [TEXTS[3], TEXTS[1], TEXTS[0], TEXTS[2]]
    vectors, info = embed_segments(shuffled, model, SHA, tmp_path)
    assert model.calls == calls and info["cache_hit"] is True and info["n_embedded"] == 0
    np.testing.assert_array_equal(vectors, fresh(model, shuffled))


def test_duplicates_are_embedded_once(tmp_path):
    model = StubModel()
    texts = ["same", "other", "same", "same"]
    vectors, info = embed_segments(texts, model, SHA, tmp_path)
    assert model.encoded == [["same", "other"]] and info["n_embedded"] == 2
    np.testing.assert_array_equal(vectors, fresh(model, texts))


def test_other_model_or_settings_get_other_store(tmp_path):
    model = StubModel()
    _, a = embed_segments(TEXTS, model, SHA, tmp_path)
    _, b = embed_segments(TEXTS, model, "b" * 64, tmp_path)
    assert a["cache_key"] != b["cache_key"] and model.n_encoded == 8
    model.max_seq_length = 128
    _, c = embed_segments(TEXTS, model, SHA, tmp_path)
    assert model.n_encoded == 12 and c["cache_key"] not in (a["cache_key"], b["cache_key"])
    assert stores(tmp_path) == sorted([a["cache_key"], b["cache_key"], c["cache_key"]])


def test_assembled_vectors_equal_fresh_encode(tmp_path):
    model = StubModel(dimension=8)
    rng = np.random.default_rng(0)
    corpus = [f"segment {i} " + "word " * int(n) for i, n in enumerate(rng.integers(1, 30, 300))]
    embed_segments(corpus[:200], model, SHA, tmp_path)
    embed_segments(corpus[150:], model, SHA, tmp_path)
    order = [corpus[i] for i in rng.permutation(len(corpus))]
    vectors, info = embed_segments(order, model, SHA, tmp_path)
    assert info["cache_hit"] is True and vectors.dtype == np.float32 and vectors.shape == (300, 8)
    np.testing.assert_array_equal(vectors, model.encode(order))
    assert 1 <= len(list((tmp_path / info["cache_key"]).glob("*.npz"))) <= 256


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong_dimension", "wrong_shard"])
def test_corrupt_shard_is_ignored_with_warning_and_rewritten(tmp_path, caplog, damage):
    model = StubModel()
    _, info = embed_segments(TEXTS, model, SHA, tmp_path)
    store = EmbeddingStore(tmp_path, info["cache_key"], 4)
    victim_key = text_keys([TEXTS[1]], info["cache_key"])[0]
    path = store.shard_path(victim_key[0])
    if damage == "garbage":
        path.write_bytes(b"not a zip file")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:40])
    elif damage == "wrong_dimension":
        with open(path, "wb") as fh:
            np.savez(fh, keys=np.frombuffer(victim_key, np.uint8).reshape(1, 32), vectors=np.ones((1, 3), np.float32))
    else:  # a valid file with keys of another shard
        other = bytes([(victim_key[0] + 1) % 256]) + victim_key[1:]
        with open(path, "wb") as fh:
            np.savez(fh, keys=np.frombuffer(other, np.uint8).reshape(1, 32), vectors=np.ones((1, 4), np.float32))
    with caplog.at_level(logging.INFO, logger="upskilling.interviews"):
        vectors, info2 = embed_segments(TEXTS, model, SHA, tmp_path)
    assert "unreadable or inconsistent" in caplog.text and str(path) in caplog.text
    assert TEXTS[1] in model.encoded[-1] and info2["n_embedded"] >= 1
    np.testing.assert_array_equal(vectors, fresh(model, TEXTS))
    calls = model.calls
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="upskilling.interviews"):
        _, info3 = embed_segments(TEXTS, model, SHA, tmp_path)
    assert model.calls == calls and info3["cache_hit"] is True and not caplog.text, "shard rewritten whole"


def test_half_written_temp_file_is_never_read(tmp_path, caplog):
    model = StubModel()
    _, info = embed_segments(TEXTS, model, SHA, tmp_path)
    store = tmp_path / info["cache_key"]
    for shard in {k[0] for k in text_keys(TEXTS, info["cache_key"])}:
        (store / f".{shard:02x}.abc123.tmp").write_bytes(b"PK\x03\x04 half written")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="upskilling.interviews"):
        vectors, info2 = embed_segments(TEXTS, model, SHA, tmp_path)
    assert info2["cache_hit"] is True
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    np.testing.assert_array_equal(vectors, fresh(model, TEXTS))


@pytest.mark.skipif(embed_mod.fcntl is None, reason="no fcntl: concurrent writers may lose (not corrupt) entries")
def test_concurrent_writers_keep_every_entry(tmp_path):
    corpus = [f"text number {i}" for i in range(400)]
    parts = [corpus[i::4] for i in range(4)]
    errors = []

    def run(texts):
        try:
            embed_segments(texts, StubModel(), SHA, tmp_path)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    model = StubModel()
    vectors, info = embed_segments(corpus, model, SHA, tmp_path)
    assert model.calls == 0 and info["n_reused"] == 400
    np.testing.assert_array_equal(vectors, fresh(model, corpus))


def test_cache_keep_prunes_old_stores_and_former_format(tmp_path):
    model = StubModel()
    (tmp_path / ("c" * 64 + ".npy")).write_bytes(b"old whole-list cache file")
    keys = [embed_segments(TEXTS, model, sha * 64, tmp_path, cache_keep=2)[1]["cache_key"] for sha in "abc"]
    assert stores(tmp_path) == sorted(keys[1:])
    assert not list(tmp_path.glob("*.npy"))
    embed_segments(TEXTS, model, "b" * 64, tmp_path, cache_keep=1)  # a hit keeps its own store
    assert stores(tmp_path) == [keys[1]]


def test_no_cache_dir_and_empty_input(tmp_path):
    model = StubModel()
    _, info = embed_segments(TEXTS, model, SHA, None)
    embed_segments(TEXTS, model, SHA, None)
    assert model.calls == 2 and info["cache_hit"] is False and info["n_reused"] == 0
    with pytest.raises(InputError, match="no segments"):
        embed_segments([], model, SHA, tmp_path)
    with pytest.raises(InputError, match="not a string"):
        embed_segments(["ok", float("nan")], model, SHA, tmp_path)


def test_embed_step_context_questions_share_the_cache(tmp_path, monkeypatch):
    import torch

    from upskilling import model as model_mod
    from upskilling.interviews import steps

    stub = StubModel()
    monkeypatch.setattr(model_mod, "load_model", lambda: stub)
    monkeypatch.setattr(model_mod, "model_info", lambda: {"name": "stub", "sha256": SHA})
    threads = torch.get_num_threads()
    segments = pd.DataFrame({"segment_id": ["s1", "s2", "s3"], "text": TEXTS[:3],
                             "context": ["What do you do?", None, "What do you do?"]})
    segments.to_csv(tmp_path / "segments.csv", index=False)
    cache = tmp_path / "cache"
    out = {"out_npy": tmp_path / "e.npy", "out_json": tmp_path / "e.json", "out_context_npy": tmp_path / "c.npy"}
    try:
        steps.embed(tmp_path / "segments.csv", 32, cache, 3, 1, **out)
        assert stub.encoded == [TEXTS[:3], [" ", "What do you do?"]]
        # a question that is now also a segment text is read from the same cache
        segments.loc[len(segments)] = ["s4", "What do you do?", "and a third"]
        segments.to_csv(tmp_path / "segments.csv", index=False)
        steps.embed(tmp_path / "segments.csv", 32, cache, 3, 1, **out)
    finally:
        torch.set_num_threads(threads)
    assert stub.calls == 2, "segment texts and context questions all reused"
    meta = json.loads((tmp_path / "e.json").read_text())
    assert (meta["n_reused"], meta["n_embedded"], meta["cache_hit"]) == (4, 0, True)
    assert meta["context"]["n_embedded"] == 0 and meta["context"]["cache_key"] == meta["cache_key"]
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy")[3], stub.vector("and a third"))
    assert stores(cache) == [meta["cache_key"]]


def test_shards_gathered_in_order_equal_one_embedding_job(tmp_path, monkeypatch):
    """Scatter/gather (interviews.embedding.shards): the shards, gathered in any file order, give the
    vectors, context vectors and counts of one job; more shards than segments leave empty shards."""
    import torch

    from upskilling import model as model_mod
    from upskilling.interviews import steps

    stub = StubModel()
    monkeypatch.setattr(model_mod, "load_model", lambda: stub)
    monkeypatch.setattr(model_mod, "model_info", lambda: {"name": "stub", "sha256": SHA})
    texts = [f"segment number {i} of the interview" for i in range(7)]
    segments = pd.DataFrame({"segment_id": [f"s{i}" for i in range(7)], "text": texts,
                             "context": ["Q one?", "Q one?", "Q two?", None, "Q two?", "Q three?", "Q one?"]})
    segments.to_csv(tmp_path / "segments.csv", index=False)
    threads = torch.get_num_threads()
    try:
        steps.embed(tmp_path / "segments.csv", 32, "", 3, 1, tmp_path / "one.npy", tmp_path / "one.json",
                    tmp_path / "one_c.npy")
        for n in (3, 9):
            files = [tmp_path / f"{i}-of-{n}.npz" for i in range(1, n + 1)]
            for i, f in enumerate(files, start=1):
                steps.embed_shard(tmp_path / "segments.csv", f"{i}-of-{n}", 32, tmp_path / "cache", 3, 1, f)
            steps.embed_gather(tmp_path / "segments.csv", list(reversed(files)), tmp_path / f"g{n}.npy",
                               tmp_path / f"g{n}.json", tmp_path / f"g{n}_c.npy")
            np.testing.assert_array_equal(np.load(tmp_path / f"g{n}.npy"), np.load(tmp_path / "one.npy"))
            np.testing.assert_array_equal(np.load(tmp_path / f"g{n}_c.npy"), np.load(tmp_path / "one_c.npy"))
            meta = json.loads((tmp_path / f"g{n}.json").read_text())
            assert meta["segment_ids"] == segments["segment_id"].tolist() and meta["n_shards"] == n
            assert [s["n"] for s in meta["shards"]] == [len(b) for b in np.array_split(np.arange(7), n)]
        # the second sharding found every text in the cache the first one wrote
        assert (meta["n"], meta["n_reused"], meta["n_embedded"], meta["cache_hit"]) == (7, 7, 0, True)
        # a missing shard is an error that says what to re-run, not a silently shorter matrix
        with pytest.raises(InputError, match=r"do not hold its 7 segments in order.*interviews_embed_shard"):
            steps.embed_gather(tmp_path / "segments.csv", files[:-3], tmp_path / "x.npy", tmp_path / "x.json",
                               tmp_path / "x_c.npy")
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("item", ["0-of-3", "4-of-3", "two-of-3", "3"])
def test_a_bad_shard_name_is_a_clear_error(item):
    from upskilling.interviews.steps import shard_rows

    with pytest.raises(InputError, match="embedding shard"):
        shard_rows(10, item)


class WordTokenizer:
    """Stands in for the model's tokenizer: one token per word plus [CLS] and [SEP]."""

    def __call__(self, texts, add_special_tokens=True, truncation=False):
        assert truncation is False  # the lengths must be the untruncated ones
        return {"input_ids": [[0] * (len(t.split()) + 2 * add_special_tokens) for t in texts]}


def test_segments_longer_than_the_token_window_are_counted_per_shard_and_gathered(tmp_path, monkeypatch):
    import torch

    from upskilling import model as model_mod
    from upskilling.interviews import steps

    stub = StubModel()
    stub.max_seq_length = 6  # a 5-word segment is 7 tokens: cut
    stub.tokenizer = WordTokenizer()
    monkeypatch.setattr(model_mod, "load_model", lambda: stub)
    monkeypatch.setattr(model_mod, "model_info", lambda: {"name": "stub", "sha256": SHA})
    texts = ["one two three", "one two three four five", "a b", "w x y z v u", "short one"]
    pd.DataFrame({"segment_id": [f"s{i}" for i in range(5)], "text": texts, "context": ["Q?"] * 5}).to_csv(
        tmp_path / "segments.csv", index=False)
    threads = torch.get_num_threads()
    try:
        files = [tmp_path / f"{i}-of-2.npz" for i in (1, 2)]
        for i, f in enumerate(files, start=1):
            steps.embed_shard(tmp_path / "segments.csv", f"{i}-of-2", 32, "", 3, 1, f)
        steps.embed_gather(tmp_path / "segments.csv", files, tmp_path / "e.npy", tmp_path / "e.json", tmp_path / "c.npy")
    finally:
        torch.set_num_threads(threads)
    window = json.loads((tmp_path / "e.json").read_text())["window"]
    assert window == {"max_seq_length": 6, "n_truncated": 2, "max_tokens": 8, "truncated_segment_ids": ["s1", "s3"]}


def test_a_model_without_a_tokenizer_reports_the_window_as_unknown():
    from upskilling.interviews.embed import token_lengths, window_report

    assert token_lengths(StubModel(), ["a b"]) is None
    assert window_report(["s1"], None, 256)["n_truncated"] is None


def test_an_empty_segments_table_stops_every_embedding_job(tmp_path, monkeypatch):
    """No segments at all (every turn dropped) is a message naming the settings, not empty shards."""
    from upskilling import model as model_mod
    from upskilling.interviews import steps

    monkeypatch.setattr(model_mod, "load_model", lambda: StubModel())
    monkeypatch.setattr(model_mod, "model_info", lambda: {"name": "stub", "sha256": SHA})
    pd.DataFrame(columns=["segment_id", "text", "context"]).to_csv(tmp_path / "segments.csv", index=False)
    for call in (lambda: steps.embed_shard(tmp_path / "segments.csv", "1-of-2", 32, "", 3, 1, tmp_path / "s.npz"),
                 lambda: steps.embed(tmp_path / "segments.csv", 32, "", 3, 1, tmp_path / "e.npy", tmp_path / "e.json")):
        with pytest.raises(InputError, match=r"no segments to embed.*interviews\.segmentation"):
            call()


def test_shards_embed_the_reference_texts_in_blocks_and_the_gather_writes_them(tmp_path, monkeypatch):
    """The codebook's and the protocol's reference texts (encoder.reference_texts) are split over the shards
    like the rows; the gather writes each text once beside its vector (codebook_embeddings.npz)."""
    import torch

    from upskilling import model as model_mod
    from upskilling.interviews import steps
    from upskilling.interviews.encoder import reference_texts

    from conftest import ROOT

    stub = StubModel()
    monkeypatch.setattr(model_mod, "load_model", lambda: stub)
    monkeypatch.setattr(model_mod, "model_info", lambda: {"name": "stub", "sha256": SHA})
    segments = pd.DataFrame({"segment_id": ["s0", "s1"], "text": ["one segment here", "and another"],
                             "context": ["Q?", "Q?"]})
    segments.to_csv(tmp_path / "segments.csv", index=False)
    themes = ROOT / "config" / "themes.yaml"
    expected = reference_texts(themes)
    threads = torch.get_num_threads()
    try:
        files = [tmp_path / f"{i}-of-3.npz" for i in (1, 2, 3)]
        for i, f in enumerate(files, start=1):
            steps.embed_shard(tmp_path / "segments.csv", f"{i}-of-3", 32, "", 3, 1, f, themes_yaml=themes)
        with np.load(files[0]) as z:
            first = [str(t) for t in z["reference_texts"]]
        assert first == [str(t) for t in np.array_split(np.array(expected, dtype=object), 3)[0]]
        steps.embed_gather(tmp_path / "segments.csv", files, tmp_path / "e.npy", tmp_path / "e.json",
                           tmp_path / "c.npy", tmp_path / "codebook.npz")
    finally:
        torch.set_num_threads(threads)
    with np.load(tmp_path / "codebook.npz") as z:
        texts, vectors = [str(t) for t in z["texts"]], z["vectors"]
    assert texts == expected and vectors.shape == (len(expected), stub.dimension)
    np.testing.assert_allclose(vectors[5], stub.vector(expected[5]))
    meta = json.loads((tmp_path / "e.json").read_text())
    assert meta["reference"] == {"n": len(expected), "n_reused": 0, "n_embedded": len(expected)}
