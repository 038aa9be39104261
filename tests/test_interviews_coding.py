"""Deductive theme coding (upskilling.interviews.coding) on small synthetic embeddings, no model loaded:
participant splits, codebook prototypes, the zero-shot and few-shot coders, the coding table and the
robustness re-draws of the training participants."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from upskilling.config import validate
from upskilling.errors import InputError
from upskilling.interviews.coding import (CODING_COLUMNS, FewShotCoder, code_segments, codebook_texts, features,
                                          prevalence_over_seeds, prototypes, resample_training, split_participants,
                                          zero_shot)
from upskilling.interviews.topics import center_embeddings, derive_seed

LABELS = ["a", "b", "other"]
DIM = 8
CODER = {"use": "auto", "few_shot": {"C": 30.0, "class_weight": "balanced"}}
CODED = [f"P{i:02d}" for i in range(1, 9)]
#: interviews.coding with the schema defaults (as the workflow passes it)
CODING = validate({}, "config_interviews.schema.yaml", "test")["coding"]


def split_settings(**kw) -> dict:
    return {**CODING["split"], **kw}


def training_settings(**kw) -> dict:
    return {**CODING["training"], **kw}


# ------------------------------------------------------------------ split_participants
def test_split_declared_development_and_training():
    split = split_participants(CODED, split_settings(development=["P03", "P01", "P02", "P05"]),
                               training_settings(participants=["P05", "P01"]), master_seed=42)
    assert split["development"] == ["P01", "P02", "P03", "P05"]
    assert split["test"] == ["P04", "P06", "P07", "P08"]
    assert split["training"] == ["P01", "P05"]
    assert split["seeds"] == {"split": derive_seed(42, "interviews.coding.split"),
                              "training": derive_seed(42, "interviews.coding.training")}


def test_split_drawn_by_share_is_seeded():
    split_cfg, training_cfg = {"development": [], "share": 0.5, "seed": 7}, {"participants": [], "share": 0.25,
                                                                                "seed": 3}
    split = split_participants(CODED, split_cfg, training_cfg, master_seed=1)
    # the documented draw: random.Random(seed).sample(sorted coded participants, k)
    assert split["development"] == sorted(random.Random(7).sample(CODED, 4))
    assert split["test"] == sorted(set(CODED) - set(split["development"]))
    # training share is of ALL 8 coded participants (2, not 1 = a quarter of the development half)
    assert len(split["training"]) == 2 and set(split["training"]) <= set(split["development"])
    assert split["training"] == sorted(random.Random(3).sample(split["development"], 2))
    assert split["seeds"] == {"split": 7, "training": 3}
    assert split_participants(list(reversed(CODED)), split_cfg, training_cfg, master_seed=99) == split
    # seeds null: derived from the master seed, reproducible
    auto = split_participants(CODED, {"share": 0.5, "seed": None}, {"share": 0.25, "seed": None}, master_seed=5)
    assert auto == split_participants(CODED, {"share": 0.5}, {"share": 0.25}, master_seed=5)
    assert auto["seeds"] == {"split": derive_seed(5, "interviews.coding.split"),
                             "training": derive_seed(5, "interviews.coding.training")}
    # a training share larger than the development half takes the whole half; share 0 = zero-shot only
    big = split_participants(CODED, split_cfg, {"share": 0.75, "seed": 3}, master_seed=1)
    assert big["training"] == split["development"]
    assert split_participants(CODED, split_cfg, {"share": 0}, master_seed=1)["training"] == []


def test_split_errors_name_the_config_key():
    with pytest.raises(InputError, match=r"interviews\.coding\.split\.development.*P99"):
        split_participants(CODED, split_settings(development=["P01", "P99"]),
                           training_settings(participants=["P01"]), 0)
    with pytest.raises(InputError, match=r"interviews\.coding\.training\.participants.*P04"):
        split_participants(CODED, split_settings(development=["P01", "P02"]),
                           training_settings(participants=["P01", "P04"]), 0)


# ------------------------------------------------------------------ prototypes
def test_codebook_texts_and_prototypes():
    themes = [{"id": "a", "label": "A", "definition": "about a", "inclusion": ["a1"], "examples": ["qa"]},
              {"id": "b", "label": "B", "definition": "about b"}]
    texts, labels = codebook_texts(themes, {"label": "Other", "definition": "none", "examples": ["hi"]})
    assert texts == ["A: about a", "a1", "qa", "B: about b", "Other: none", "hi"]
    assert labels == ["a", "a", "a", "b", "other", "other"]
    assert codebook_texts(themes, None)[1][-1] == "other"  # a generic other entry

    rng = np.random.default_rng(0)
    emb = rng.normal(size=(len(texts), DIM)) * rng.uniform(0.5, 3, size=(len(texts), 1))
    protos = prototypes(emb, labels, LABELS)
    assert protos.shape == (3, DIM)
    np.testing.assert_allclose(np.linalg.norm(protos, axis=1), 1.0)
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    mean_a = unit[:3].mean(axis=0)
    np.testing.assert_allclose(protos[0], mean_a / np.linalg.norm(mean_a))
    with pytest.raises(InputError, match="'c' has no definition text"):
        prototypes(emb, labels, ["a", "b", "c"])


# ------------------------------------------------------------------ synthetic corpus
def _corpus(n_participants: int = 6, per_label: int = 4, seed: int = 0):
    """Segments of ``n_participants`` participants, ``per_label`` per label, in 3 well-separated clusters
    (cluster k around basis vector k, plus a participant offset); returns segments, embeddings, questions,
    true labels and the cluster centres."""
    rng = np.random.default_rng(seed)
    centres = np.eye(DIM)[:3]
    rows, emb, truth = [], [], []
    for p in range(n_participants):
        pid = f"P{p + 1:02d}"
        offset = rng.normal(scale=0.3, size=DIM)  # what every turn of the speaker shares
        for j in range(per_label * 3):
            k = j % 3
            emb.append(centres[k] + offset + rng.normal(scale=0.05, size=DIM))
            truth.append(LABELS[k])
            rows.append({"segment_id": f"{pid}-S{j}", "participant_id": pid, "turn_id": f"{pid}-T{j:03d}"})
    questions = rng.normal(size=(len(rows), DIM))
    return pd.DataFrame(rows), np.asarray(emb), questions, np.asarray(truth, dtype=object), centres


# ------------------------------------------------------------------ features
def test_features_blocks_and_shape():
    seg, emb, q, _, _ = _corpus(n_participants=2)
    groups = seg["participant_id"].to_numpy()
    x = features(emb, groups, q, 0.5)
    assert x.shape == (len(seg), 3 * DIM)
    np.testing.assert_allclose(np.linalg.norm(x[:, :DIM], axis=1), 1.0)
    np.testing.assert_allclose(x[:, DIM:2 * DIM], center_embeddings(emb / np.linalg.norm(emb, axis=1, keepdims=True),
                                                                    groups, "participant"), atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(x[:, 2 * DIM:], axis=1), 0.5)
    assert np.all(features(emb, groups, q, 0.0)[:, 2 * DIM:] == 0)


# ------------------------------------------------------------------ zero_shot
def test_zero_shot_codes_clusters_to_their_prototype():
    seg, emb, q, truth, centres = _corpus()
    groups = seg["participant_id"].to_numpy()
    theme, score, sims = zero_shot(emb, groups, q, centres, LABELS, context_weight=0.0)
    assert theme.tolist() == truth.tolist()
    assert sims.shape == (len(seg), 3)
    assert np.all(score > 1 / 3) and np.all(score <= 1)
    # the score is the softmax of the winning similarity
    z = np.exp((sims - sims.max(axis=1, keepdims=True)) / 0.05)
    np.testing.assert_allclose(score, (z / z.sum(axis=1, keepdims=True)).max(axis=1))
    # a large bias on other takes everything
    theme, _, biased = zero_shot(emb, groups, q, centres, LABELS, context_weight=0.0, other_bias=10.0)
    assert set(theme) == {"other"}
    np.testing.assert_allclose(biased[:, 2], sims[:, 2] + 10.0)


def test_zero_shot_reads_the_question():
    seg, emb, _, truth, centres = _corpus(n_participants=2)
    groups = seg["participant_id"].to_numpy()
    # every question points to the prototype of 'b': a heavy context weight moves every segment there
    q = np.tile(centres[1], (len(seg), 1))
    theme, _, _ = zero_shot(emb, groups, q, centres, LABELS, context_weight=5.0)
    assert set(theme) == {"b"}
    theme, _, _ = zero_shot(emb, groups, q, centres, LABELS, context_weight=0.1)
    assert theme.tolist() == truth.tolist()


# ------------------------------------------------------------------ FewShotCoder
def test_few_shot_coder_fits_separable_data():
    seg, emb, q, truth, _ = _corpus(n_participants=3)
    x = features(emb, seg["participant_id"].to_numpy(), q, 0.0)
    coder = FewShotCoder(C=30.0, class_weight="balanced").fit(x, truth)
    theme, prob = coder.predict(x)
    assert theme.tolist() == truth.tolist()
    assert np.all(prob > 0.5) and np.all(prob <= 1)
    assert sorted(coder.model.classes_) == LABELS


def test_few_shot_coder_needs_two_codes():
    x = np.random.default_rng(0).normal(size=(5, 4))
    with pytest.raises(InputError, match="fewer than 2 distinct codes"):
        FewShotCoder().fit(x, ["a"] * 5)


# ------------------------------------------------------------------ code_segments
SPLIT = {"development": ["P01", "P02", "P03", "P04"], "test": ["P05", "P06"], "training": ["P01", "P02"],
         "seeds": {"split": 1, "training": 2}}


def _coded_corpus():
    """The synthetic corpus coded by a human: all turns but the first of P01 (a training participant) and
    the first of P06 (test); one of P02's codes disagrees with its embedding."""
    seg, emb, q, truth, centres = _corpus()
    groups = seg["participant_id"].to_numpy()
    zs_theme, zs_score, _ = zero_shot(emb, groups, q, centres, LABELS, context_weight=0.0)
    human = pd.Series(truth, index=seg["turn_id"].to_numpy())
    human = human.drop(["P01-T000", "P06-T000"])
    human["P02-T001"] = "other"  # its embedding is in cluster b
    x = features(emb, groups, q, 0.5)
    return seg, x, zs_theme, zs_score, human


def test_code_segments_few_shot_keeps_training_codes():
    seg, x, zs_theme, zs_score, human = _coded_corpus()
    out = code_segments(seg, x, zs_theme, zs_score, human, SPLIT, CODER)
    assert out.columns.tolist() == CODING_COLUMNS and len(out) == len(seg)
    assert set(out["coding_mode"]) == {"few_shot"}
    pid = out["participant_id"]
    train = pid.isin(SPLIT["training"]) & (out["human_theme"] != "")
    assert train.sum() == 2 * 12 - 1
    t = out[train]
    assert (t["theme"] == t["human_theme"]).all() and (t["theme_source"] == "human").all()
    assert (t["theme_score"] == 1.0).all()
    assert out.set_index("turn_id").loc["P02-T001", "theme"] == "other"  # the human code, whatever the model says
    rest = out[~train]
    assert (rest["theme"] == rest["theme_few_shot"]).all() and (rest["theme_source"] == "model").all()
    np.testing.assert_allclose(rest["theme_score"], rest["score_few_shot"])
    # the uncoded turn of a training participant gets the model's theme
    first = out.set_index("turn_id").loc["P01-T000"]
    assert first["human_theme"] == "" and first["theme_source"] == "model" and first["theme"] == first["theme_few_shot"]
    assert out["theme_few_shot"].isin(LABELS).all() and out["score_few_shot"].between(0, 1).all()
    np.testing.assert_allclose(out["score_zero_shot"], np.round(zs_score, 4))
    roles = out.groupby("participant_id")["split"].unique().map(list).to_dict()
    assert roles == {"P01": ["training"], "P02": ["training"], "P03": ["development"], "P04": ["development"],
                     "P05": ["test"], "P06": ["test"]}
    # human codes follow the turn; uncoded turns are ""
    assert out["human_theme"].tolist() == seg["turn_id"].map(human).fillna("").tolist()


def _assert_zero_shot(out, zs_theme, zs_score):
    assert set(out["coding_mode"]) == {"zero_shot"}
    assert (out["theme_few_shot"] == "").all() and out["score_few_shot"].isna().all()
    assert out["theme"].tolist() == list(zs_theme)
    np.testing.assert_allclose(out["theme_score"], np.round(zs_score, 4))
    assert (out["theme_source"] == "model").all()


def test_code_segments_zero_shot_modes():
    seg, x, zs_theme, zs_score, human = _coded_corpus()
    out = code_segments(seg, x, zs_theme, zs_score, human, SPLIT, {**CODER, "use": "zero_shot"})
    _assert_zero_shot(out, zs_theme, zs_score)
    assert out.groupby("participant_id")["split"].first().to_dict()["P01"] == "training"
    assert (out["human_theme"] != "").sum() == len(human)
    # no human coding at all
    out = code_segments(seg, x, zs_theme, zs_score, None, None, CODER)
    _assert_zero_shot(out, zs_theme, zs_score)
    assert (out["split"] == "").all() and (out["human_theme"] == "").all()
    # a human coding but no training participants: auto falls back to zero-shot
    out = code_segments(seg, x, zs_theme, zs_score, human, {**SPLIT, "training": []}, CODER)
    _assert_zero_shot(out, zs_theme, zs_score)
    assert set(out["split"]) == {"development", "test"}


def test_code_segments_few_shot_requested_without_training():
    seg, x, zs_theme, zs_score, human = _coded_corpus()
    cfg = {**CODER, "use": "few_shot"}
    with pytest.raises(InputError, match=r"interviews\.coding\.use"):
        code_segments(seg, x, zs_theme, zs_score, human, {**SPLIT, "training": []}, cfg)
    with pytest.raises(InputError, match=r"interviews\.coding\.use"):
        code_segments(seg, x, zs_theme, zs_score, None, None, cfg)
    assert set(code_segments(seg, x, zs_theme, zs_score, human, SPLIT, cfg)["coding_mode"]) == {"few_shot"}


def test_code_segments_weights_resample_only_declared_training_participants():
    seg, x, zs_theme, zs_score, human = _coded_corpus()
    base = code_segments(seg, x, zs_theme, zs_score, human, SPLIT, CODER)
    # a weight for a participant outside the training set is ignored: only declared training turns train
    outside = code_segments(seg, x, zs_theme, zs_score, human, SPLIT, CODER,
                            weights={p: 1 for p in SPLIT["training"]} | {"P03": 5})
    pd.testing.assert_frame_equal(base, outside)
    out = code_segments(seg, x, zs_theme, zs_score, human, SPLIT, CODER, weights={SPLIT["training"][0]: 2})
    # the training turns keep their human codes whatever the resample
    assert set(out.loc[out["theme_source"] == "human", "participant_id"]) == set(SPLIT["training"])
    assert (out.loc[out["theme_source"] == "human", "theme"] == out.loc[out["theme_source"] == "human", "human_theme"]).all()


# ------------------------------------------------------------------ prevalence_over_seeds
def test_resample_training_is_a_seeded_participant_bootstrap():
    training = ["P01", "P02", "P03", "P04", "P05"]
    w = resample_training(training, 7)
    assert sum(w.values()) == len(training) and set(w) <= set(training)
    assert w == resample_training(training, 7)
    assert len({tuple(sorted(resample_training(training, s).items())) for s in range(20)}) > 5


def test_prevalence_over_seeds_without_few_shot():
    seg, x, zs_theme, zs_score, _ = _coded_corpus()
    prev, runs = prevalence_over_seeds(seg, x, zs_theme, zs_score, None, None, CODER, [5, 6, 7], ["a", "b"])
    assert len(runs) == 1 and runs[0]["seed"] == 0 and runs[0]["training"] == {}
    assert set(prev["seed"]) == {0}
    assert prev.columns.tolist() == ["seed", "participant_id", "theme", "n_segments", "share"]
    assert (runs[0]["table"]["theme"].tolist() == list(zs_theme))


def test_prevalence_over_seeds_resamples_training():
    seg, x, zs_theme, zs_score, human = _coded_corpus()
    seeds = [1, 2, 3]
    prev, runs = prevalence_over_seeds(seg, x, zs_theme, zs_score, human, SPLIT, CODER, seeds, ["a", "b"])
    assert [r["seed"] for r in runs] == seeds
    for run in runs:
        assert run["training"] == resample_training(SPLIT["training"], run["seed"])
        assert set(run["training"]) <= set(SPLIT["training"])
        table = run["table"]
        assert set(table["coding_mode"]) == {"few_shot"}
        # whatever the resample, the human codes are those of the declared training participants
        assert set(table.loc[table["theme_source"] == "human", "participant_id"]) == set(SPLIT["training"])
    assert sorted(set(prev["seed"])) == sorted(seeds)
    sums = prev.groupby(["seed", "participant_id"])["share"].sum()
    np.testing.assert_allclose(sums, 1.0, atol=1e-5)
    assert len(sums) == 3 * seg["participant_id"].nunique()
    assert (prev.groupby("seed")["n_segments"].sum() == len(seg)).all()
    assert set(prev["theme"]) == set(LABELS)
    # the same seeds give the same result
    again, _ = prevalence_over_seeds(seg, x, zs_theme, zs_score, human, SPLIT, CODER, seeds, ["a", "b"])
    pd.testing.assert_frame_equal(prev, again)


def test_prevalence_over_seeds_zero_shot_use_ignores_training():
    seg, x, zs_theme, zs_score, human = _coded_corpus()
    prev, runs = prevalence_over_seeds(seg, x, zs_theme, zs_score, human, SPLIT, {**CODER, "use": "zero_shot"},
                                       [1, 2], ["a", "b"])
    assert len(runs) == 1 and runs[0]["training"] == {} and set(prev["seed"]) == {0}
    assert set(runs[0]["table"]["coding_mode"]) == {"zero_shot"}
