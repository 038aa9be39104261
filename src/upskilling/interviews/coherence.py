"""Topic coherence: normalised pointwise mutual information (NPMI) of topic keywords over the corpus.

For two keywords ``a`` and ``b`` with document probabilities ``P(a)``, ``P(b)`` and co-occurrence
probability ``P(a, b)`` (a document = one segment, presence counted once)::

    NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / -log P(a, b)

with NPMI = -1 when the two never co-occur and 1 when both occur in every document (Bouma 2009).
A topic's coherence is the mean NPMI over all pairs of its top ``top_n`` keywords; the model's is the
unweighted mean over topics (the outlier topic -1 excluded). Range -1 .. 1; higher is better.

Why by hand: gensim's ``CoherenceModel`` is not a dependency (its sliding-window counting and
tokeniser differ from the c-TF-IDF vectorizer); here keywords, including bigrams such as "use ai", are
counted with a CountVectorizer configured like the topic model's, so every keyword is found exactly
as BERTopic extracted it. Checked against a base-R computation (tests/r/interviews_agreement.R).
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer


def document_presence(documents: list[str], vocabulary: list[str], ngram_range=(1, 2),
                      stop_words="english") -> np.ndarray:
    """Boolean matrix documents x vocabulary: does the (stop-word-filtered) n-gram occur?"""
    vocab = sorted(set(vocabulary))
    vectorizer = CountVectorizer(vocabulary=vocab, ngram_range=tuple(ngram_range), stop_words=stop_words,
                                 binary=True, lowercase=True)
    matrix = vectorizer.transform(documents).toarray().astype(bool)
    order = [vocab.index(w) for w in vocabulary]
    return matrix[:, order]


def npmi_matrix(presence: np.ndarray) -> np.ndarray:
    """NPMI between all columns of a boolean documents x words matrix (diagonal 1)."""
    x = presence.astype(float)
    n = x.shape[0]
    p = x.sum(axis=0) / n
    joint = (x.T @ x) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(joint) - np.log(np.outer(p, p))
        npmi = pmi / -np.log(joint)
    npmi[joint == 0] = -1.0
    npmi[np.isclose(joint, 1.0)] = 1.0
    return npmi


def topic_coherence(topic_words: dict[int, list[str]], documents: list[str], top_n: int = 10,
                    ngram_range=(1, 2), stop_words="english") -> pd.DataFrame:
    """NPMI coherence of each topic.

    Returns ``topic, n_words, npmi`` (one row per topic other than -1; ``npmi`` NaN if fewer than two
    keywords).
    """
    rows = []
    for topic, words in sorted(topic_words.items()):
        if topic == -1:
            continue
        words = [w for w in dict.fromkeys(words) if w][:top_n]
        if len(words) < 2:
            rows.append({"topic": topic, "n_words": len(words), "npmi": np.nan})
            continue
        presence = document_presence(documents, words, ngram_range, stop_words)
        m = npmi_matrix(presence)
        pairs = [m[i, j] for i, j in itertools.combinations(range(len(words)), 2)]
        rows.append({"topic": topic, "n_words": len(words), "npmi": float(np.mean(pairs))})
    return pd.DataFrame(rows, columns=["topic", "n_words", "npmi"])


def mean_coherence(per_topic: pd.DataFrame) -> float | None:
    """Unweighted mean NPMI over topics (None if there is none)."""
    values = per_topic["npmi"].dropna()
    return round(float(values.mean()), 4) if len(values) else None
