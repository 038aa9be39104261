"""Topic model: scaled parameters, participant centring, seeded and reproducible fits, keywords, theme mapping."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from upskilling.config import validate
from upskilling.errors import InputError
from upskilling.interviews.themes import map_topics, prevalence, theme_texts, theme_vectors
from upskilling.interviews.topics import (TOPIC_COLUMNS, center_embeddings, derive_seed, fit_topics, keyword_ok,
                                          keyword_vectorizer, scaled_params, stop_words)

CFG = validate({}, "config_interviews.schema.yaml", "test")
THEMES = [{"id": f"t{i}", "label": f"Theme {i}", "definition": f"Definition of theme {i}: one, two words.",
           "seed_words": [f"w{i}a", f"w{i}b"]} for i in range(4)]


def synthetic(n_participants=8, per_theme=4, seed=0, dim=32):
    """Segments whose embedding = theme direction + a strong participant (domain) offset + noise."""
    rng = np.random.default_rng(seed)
    themes = rng.normal(size=(4, dim))
    people = rng.normal(size=(n_participants, dim)) * 1.5
    rows, vecs = [], []
    for p in range(n_participants):
        for t in range(4):
            for k in range(per_theme):
                vecs.append(themes[t] + people[p] + rng.normal(scale=0.3, size=dim))
                rows.append({"participant_id": f"P{p:02d}", "truth": f"t{t}", "text": f"segment {p} {t} {k} w{t}a"})
    x = np.asarray(vecs)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    tm = themes / np.linalg.norm(themes, axis=1, keepdims=True)
    return pd.DataFrame(rows), x.astype(np.float32), tm


def topics_cfg(**kw):
    cfg = {**CFG["topics"], "guidance": "none", "min_df_from": 10_000}
    cfg.update(kw)
    return cfg


def test_derive_seed_is_deterministic_and_label_specific():
    assert derive_seed(20260429, "interviews.topics") == derive_seed(20260429, "interviews.topics")
    assert derive_seed(20260429, "interviews.topics") != derive_seed(20260429, "interviews.stability.0")
    assert 0 <= derive_seed(1, "x") < 2**31


def test_scaled_params():
    cfg = topics_cfg()
    big = scaled_params(500, cfg)
    assert big["min_cluster_size"] == 10 and big["n_neighbors"] == 15 and big["min_df"] == 1
    small = scaled_params(25, cfg)
    assert small["min_cluster_size"] == 3 and small["n_neighbors"] == 15 and small["umap_init"] == "random"
    tiny = scaled_params(20, {**cfg, "n_neighbors": 50, "n_components": 30})
    assert tiny["n_neighbors"] == 19 and tiny["n_components"] == 18
    with pytest.raises(InputError, match="only 7 segment"):
        scaled_params(7, cfg)


def test_participant_centring_removes_the_speaker_signal():
    segments, x, tm = synthetic()
    groups = segments["participant_id"].to_numpy()
    truth = segments["truth"].to_numpy()
    raw_acc = np.mean(np.array([f"t{i}" for i in (x @ tm.T).argmax(1)]) == truth)
    centred = center_embeddings(x, groups, "participant")
    cen_acc = np.mean(np.array([f"t{i}" for i in (centred @ tm.T).argmax(1)]) == truth)
    assert cen_acc > raw_acc and cen_acc > 0.9
    np.testing.assert_allclose(np.linalg.norm(centred, axis=1), 1, atol=1e-5)
    np.testing.assert_array_equal(center_embeddings(x, groups, "none"), x)
    with pytest.raises(InputError, match="center"):
        center_embeddings(x, groups, "speaker")


def test_fit_recovers_themes_and_is_reproducible():
    segments, x, tm = synthetic()
    args = (segments["text"].tolist(), x, segments["participant_id"].to_numpy(), THEMES, tm, topics_cfg())
    fit = fit_topics(*args, seed=7)
    agreement = np.mean(fit.theme == segments["truth"].to_numpy())
    assert agreement > 0.9
    assert fit.info["outlier_share_after"] <= fit.info["outlier_share_before"]
    assert list(fit.topic_table.columns) == TOPIC_COLUMNS
    assert set(fit.topic_table.columns) >= {"topic", "size", "keywords", "keybert", "theme", "theme_similarity"}
    assert fit.topic_table["size"].sum() == len(segments)
    assert ((fit.probability >= 0) & (fit.probability <= 1)).all()
    again = fit_topics(*args, seed=7)
    np.testing.assert_array_equal(fit.topics, again.topics)
    np.testing.assert_array_equal(fit.theme, again.theme)


def test_too_few_segments_is_a_message_not_a_umap_crash():
    segments, x, tm = synthetic(n_participants=1, per_theme=2)
    with pytest.raises(InputError, match="only 8 segment"):
        fit_topics(segments["text"].tolist(), x, segments["participant_id"], THEMES, tm, topics_cfg(), seed=1)


def test_map_topics_threshold_and_other():
    tm = np.eye(3)
    cents = np.array([[1.0, 0.1, 0], [0.05, 0.05, 0.05], [0, 0.2, 1.0]])
    out = map_topics(cents, tm, ["a", "b", "c"], min_similarity=0.6)
    assert out["theme"].tolist() == ["a", "other", "c"]
    assert out["nearest_theme"].tolist()[1] in {"a", "b", "c"}


def test_theme_texts_and_vectors():
    theme = {"id": "x", "label": "X", "definition": "Fear of being replaced, keeping up: a race.",
             "seed_words": ["afloat", "survive"]}
    assert theme_texts(theme, "clauses+seeds") == ["X: Fear of being replaced, keeping up: a race.",
                                                   "Fear of being replaced", "keeping up", "a race", "afloat", "survive"]
    fake = lambda texts: np.array([[len(t), 1.0] for t in texts])  # noqa: E731
    vec = theme_vectors([theme], fake, "clauses+seeds")
    assert vec.shape == (1, 2) and abs(np.linalg.norm(vec) - 1) < 1e-9
    with pytest.raises(InputError, match="unknown mode"):
        theme_texts(theme, "words")


def test_prevalence_shares():
    seg = pd.DataFrame({"participant_id": ["P1", "P1", "P1", "P2"], "theme": ["a", "a", "other", "b"]})
    prev = prevalence(seg, ["a", "b"])
    assert len(prev) == 6  # every participant x theme, zeros kept
    assert prev.groupby("participant_id")["share"].sum().round(6).eq(1).all()
    assert prev.set_index(["participant_id", "theme"]).loc[("P1", "a"), "n_segments"] == 2


# ------------------------------------------------------------------ keywords
def test_tokens_drop_contractions_placeholders_and_short_words():
    analyse = keyword_vectorizer((1, 2)).build_analyzer()
    tokens = analyse("I told [CLIENT] it doesn't work, we've tried the client\u2019s GPT-4 tool. Don\u2019t [NAME]'s "
                     "B2B e-mail, um, yeah, I think it's like really just AI stuff, you know")
    assert "doesn" not in tokens and "ve" not in tokens and "don" not in tokens
    assert not any("'" in t or "\u2019" in t for t in tokens)
    assert "name" not in tokens and tokens.count("client") == 1  # the possessive, not the placeholder
    assert {"tried", "client", "gpt", "tool", "e-mail"} <= set(tokens)
    assert "tried client" in tokens  # n-grams of kept words only
    unigrams = [t for t in tokens if " " not in t]
    assert not set(unigrams) & {"um", "yeah", "think", "like", "really", "just", "ai", "stuff", "know", "told"}
    stop = set(stop_words(["tool"]))
    assert "tool" in stop and {"doesn", "ve", "ll", "gonna", "okay"} <= stop
    assert keyword_ok("prompt engineering", stop) and not keyword_ok("prompt ve", stop)
    assert not keyword_ok("ai tools", stop) and not keyword_ok("doesn know", stop)


VOCAB = {
    "t0": "pricing rates invoice budget quote hourly raise charge".split(),
    "t1": "python script coding debugging library function deploy server".split(),
    "t2": "course tutorial youtube lesson certificate exercises practice quiz".split(),
    "t3": "anxiety worry replaced competition platform fees upwork bidding".split(),
}
FILLER = ["I think it's like, you know, really just the thing, doesn't it?",
          "Yeah, um, I've sort of done that with AI.",
          "Honestly [CLIENT] didn't mind, we'll see, I'm not sure.",
          "[NAME] said it's basically okay, don't you think?"]


def _word_segments(n_participants=5, per_theme=4, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_participants):
        for t, words in VOCAB.items():
            for k in range(per_theme):
                picked = " and ".join(rng.choice(words, size=4, replace=False))
                rows.append({"participant_id": f"P{p:02d}", "segment_id": f"P{p:02d}-{t}-{k}", "truth": t,
                             "text": f"{FILLER[(p + k) % 4]} With AI I learn {picked}. {FILLER[k % 4]}"})
    return pd.DataFrame(rows)


def test_keywords_of_a_small_fit_are_content_words():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from upskilling.interviews.embed import encode
    from upskilling.model import load_model

    model = load_model()
    segments = _word_segments()
    x = encode(model, segments["text"].tolist())
    tm = np.vstack([encode(model, [" ".join(w)])[0] for w in VOCAB.values()])
    fit = fit_topics(segments["text"].tolist(), x, segments["participant_id"].to_numpy(), THEMES, tm,
                     topics_cfg(ngram_range=[1, 2]), seed=3, embedding_model=model,
                     segment_ids=segments["segment_id"].to_numpy(), question_ids=np.array(["q"] * len(segments)))
    table = fit.topic_table
    assert (table["topic"] != -1).sum() >= 2
    terms = [w.strip() for col in ("keywords", "keybert") for cell in table[col].fillna("")
             for w in str(cell).split(";") if w.strip()]
    assert terms
    assert table["keybert"].fillna("").str.len().gt(0).any()  # KeyBERT ran
    for term in terms:
        for word in term.split():
            assert word not in ENGLISH_STOP_WORDS and len(word) > 2, term
            assert word not in {"doesn", "don", "ve", "ll", "like", "just", "think", "know", "ai", "client",
                                "name"}, term
    for row in table.itertuples():
        assert row.label and len(row.label.split(", ")) <= 3
        reps = row.representative.split("; ")
        assert 1 <= len(reps) <= 3 and set(reps) <= set(segments["segment_id"])
        assert row.protocol_question == "q" and row.protocol_share == 1.0
        assert row.origin == ("outliers" if row.topic == -1 else "cluster")
