"""Inductive topics: preceding interviewer questions, protocol ids, protocol alignment, candidate themes."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from upskilling.interviews.inductive import (NO_QUESTION, PROBE, candidate_themes, dominant_questions,
                                             preceding_questions, protocol_alignment, question_ids, read_protocol,
                                             topic_theme_spread)

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = {"intro_work": "To start, could you tell me a bit about your freelance work?",
            "bar_verify": "How do you check whether what AI tells you is right?"}


def test_read_protocol_parses_the_shipped_protocol(tmp_path):
    protocol = read_protocol(ROOT / "data/raw/interviews/protocol.md")
    source = yaml.safe_load((ROOT / "src/upskilling/generate/corpus/protocol.yaml").read_text())
    expected = {q["id"]: q["text"] for s in source["sections"] for q in s["questions"]}
    assert protocol == expected and len(protocol) == 20  # the generator's questions, in order
    assert list(protocol)[0] == "intro_work" and list(protocol)[-1] == "close_else"
    assert protocol["path"] == "How did you end up freelancing?"
    assert read_protocol(tmp_path / "missing.md") == {} and read_protocol("") == {} and read_protocol(None) == {}


def test_preceding_questions():
    turns = pd.DataFrame({
        "participant_id": ["P1"] * 5 + ["P2"] * 2,
        "turn_id": ["P1-T1", "P1-T2", "P1-T3", "P1-T4", "P1-T5", "P2-T1", "P2-T2"],
        "turn_index": [1, 2, 3, 4, 5, 1, 2],
        "role": ["interviewer", "participant", "interviewer", "participant", "participant", "participant",
                 "interviewer"],
        "n_words": 3,
        "text": ["Q one?", "a1", "Q two?", "a2", "a2 continued", "first words", "late question"],
    }).sample(frac=1, random_state=1)  # order comes from turn_index, not from the rows
    before = preceding_questions(turns)
    assert before.to_dict() == {"P1-T2": "Q one?", "P1-T4": "Q two?", "P1-T5": "Q two?", "P2-T1": ""}


def test_question_ids_containment_embedding_probe_and_hash():
    asked = pd.Series(["Hi [NAME], thanks. To start, could you tell me a bit about your freelance work?",
                       "how do you CHECK whether what AI tells you is right",      # normalised containment
                       "How can you tell the AI's answer is correct?",              # rephrased: by embedding
                       "What did you do then?",                                     # a probe
                       ""])

    def embed(texts):  # a toy embedding: the rephrased question points where bar_verify points
        return np.array([[1.0, 0, 0] if ("correct" in t or "right" in t) else
                         [0, 1.0, 0] if "freelance" in t else [0, 0, 1.0] for t in texts])

    ids = question_ids(asked, PROTOCOL, embed=embed)
    assert ids.tolist() == ["intro_work", "bar_verify", "bar_verify", PROBE, NO_QUESTION]
    assert question_ids(asked, PROTOCOL).tolist()[2] == PROBE  # no embedding: no similarity match
    hashed = question_ids(pd.Series(["Why?", "why", "How?", ""]), None)
    assert hashed[0] == hashed[1] != hashed[2] and hashed[3] == NO_QUESTION and hashed[0].startswith("q")


def test_protocol_alignment_detects_topics_that_are_the_questions():
    rng = np.random.default_rng(0)
    qids = pd.Series(np.repeat([f"q{i}" for i in range(6)], 20))
    topics = pd.factorize(qids)[0].copy()
    topics[:5] = -1  # outliers are left out
    same = protocol_alignment(topics, qids)
    assert same["ami"] > 0.95 and same["share_topics_dominated"] == 1.0 and same["follows_protocol"]
    assert same["n_segments"] == 115
    shuffled = protocol_alignment(rng.integers(0, 6, len(qids)), qids)
    assert abs(shuffled["ami"]) < 0.1 and shuffled["share_topics_dominated"] == 0 and not shuffled["follows_protocol"]
    # probes do not count as a protocol question
    probes = protocol_alignment(np.zeros(10, dtype=int), pd.Series([PROBE] * 10))
    assert np.isnan(probes["ami"]) and probes["share_topics_dominated"] == 0 and not probes["follows_protocol"]


def test_dominant_questions():
    dom = dominant_questions([0, 0, 0, 1, 1], ["a", "b", "a", "c", "c"]).set_index("topic")
    assert dom.loc[0, "protocol_question"] == "a" and abs(dom.loc[0, "protocol_share"] - 0.6667) < 1e-4
    assert dom.loc[1, "protocol_share"] == 1.0


def test_spread_and_candidate_themes_find_an_other_dominated_topic():
    topics = np.array([0] * 10 + [1] * 10 + [2] * 10 + [-1] * 4)
    coded = np.array(["fear"] * 9 + ["other"] + ["other"] * 7 + ["growth"] * 3 + ["growth"] * 10 + ["other"] * 4)
    spread = topic_theme_spread(topics, coded)
    assert list(spread.columns) == ["topic", "theme", "n", "share"]
    assert spread.groupby("topic")["share"].sum().round(6).eq(1).all()
    assert spread.set_index(["topic", "theme"]).loc[(1, "other"), "n"] == 7
    table = pd.DataFrame({"topic": [-1, 0, 1, 2], "size": [4, 10, 10, 10], "label": ["", "a", "b", "c"],
                          "keywords": ["", "x", "y", "z"], "nearest_theme": ["", "fear", "growth", "growth"],
                          "theme_similarity": [np.nan, 0.6, 0.5, 0.2]})
    cands = candidate_themes(spread, table, max_theme_similarity=0.35)
    assert list(cands.columns) == ["topic", "size", "label", "keywords", "other_share", "nearest_theme",
                                   "theme_similarity", "reason"]
    assert cands["topic"].tolist() == [1, 2]
    assert cands.set_index("topic").loc[1, "reason"] == "mostly_other"
    assert cands.set_index("topic").loc[1, "other_share"] == 0.7
    assert cands.set_index("topic").loc[2, "reason"] == "far_from_themes"
    assert candidate_themes(spread, table, min_other_share=0.8, max_theme_similarity=0.1).empty
