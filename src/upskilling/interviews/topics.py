"""BERTopic on precomputed segment embeddings: inductive topic discovery.

The codebook's themes are coded deductively elsewhere; the topics here are what a researcher reads to
find themes the codebook lacks (:mod:`upskilling.interviews.inductive` lists the candidates and checks
whether the topics merely follow the interview protocol). :func:`fit_topics` runs, in order:

1. parameter scaling to the corpus size (:func:`scaled_params`): UMAP neighbours and components, the
   HDBSCAN minimum cluster size (a share of the segments, with a floor), the vectorizer's ``min_df``;
   too few segments stop with a one-line :class:`InputError` before UMAP or HDBSCAN can fail;
2. participant centring of the embeddings (:func:`center_embeddings`, ``center``);
3. BERTopic (seeded UMAP, HDBSCAN, CountVectorizer + c-TF-IDF). ``guidance: none`` (the default) lets
   the clusters form on their own; ``zeroshot`` (the theme vectors of
   :func:`upskilling.interviews.themes.theme_vectors` as ``zeroshot_topic_list``: a segment at least
   ``zeroshot_min_similarity`` similar to a theme joins that theme's topic) and ``guided``
   (``seed_topic_list``) remain available;
4. outlier reduction (``reduce_outliers``, strategy configurable), then ``update_topics`` so that the
   c-TF-IDF keywords and the KeyBERTInspired aspect describe the final assignment;
5. the topic table (:data:`TOPIC_COLUMNS`): a label, keywords, representative segments, the nearest
   codebook theme and its similarity (:func:`upskilling.interviews.themes.map_topics`, for reading
   only), and, when the segments' protocol question ids are given, the dominant question.

Keywords (:func:`keyword_vectorizer`) are words of three or more letters that are not stop words
(:data:`STOP_WORDS`: scikit-learn's English list, contraction fragments, spoken fillers, the
domain-generic ``ai``) nor redaction placeholders; n-grams are built from such words only. The token
pattern never yields a contraction (``doesn't``, ``I've`` give no token, ``client's`` gives ``client``)
and skips words written inside brackets (the redactor's ``[NAME]``, ``[CLIENT]``, ``[EMAIL]`` ...), so
that ``client`` as a placeholder does not count while ``client`` as a word does. Words frequent in every
topic (``learn``, ``work``, ``clients`` in this corpus) are damped rather than dropped, with
``ClassTfidfTransformer(reduce_frequent_words=True)`` (``interviews.topics.reduce_frequent_words``):
they stay in the vocabulary, so a topic really about them can still show them. Corpus-specific words
can be added with ``interviews.topics.extra_stop_words``. Both the c-TF-IDF keywords and the KeyBERT
words (which BERTopic draws from the same vocabulary) are checked again by :func:`keyword_ok`.

Segment embeddings are never recomputed here: BERTopic's embedding backend answers segment texts and
theme texts from the precomputed vectors and embeds only KeyBERT's candidate words.

``probability`` of a segment is its cosine similarity to its topic's centroid (centred space), clipped
to [0, 1] (HDBSCAN membership strengths do not exist for zero-shot or reassigned segments, so one scale
is used for all). Outliers left after reduction have topic -1 and probability 0. ``TopicFit.theme`` (the
nearest theme of the segment's topic, or ``other``) is kept as a placeholder for the results table and
the stability runs until the deductive coding replaces it.
"""
from __future__ import annotations

import hashlib
import logging
import random
import re
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError
from .inductive import dominant_questions
from .segment import LOCATOR_COLUMNS
from .themes import OTHER, map_topics, topic_centroids, zeroshot_text

log = logging.getLogger("upskilling.interviews")

SEGMENT_RESULT_COLUMNS = [*LOCATOR_COLUMNS, "topic", "theme", "probability"]
TOPIC_COLUMNS = ["topic", "size", "label", "keywords", "keybert", "representative", "origin", "nearest_theme",
                 "theme_similarity", "protocol_question", "protocol_share",
                 # kept for the readers of the earlier table (integration, notebook) until the deductive
                 # coding replaces them: the nearest theme above theme_min_similarity, else 'other'
                 "theme", "runner_up_similarity"]
LABEL_WORDS = 3        # words in a topic's label
N_REPRESENTATIVE = 3   # representative segment ids per topic

# ------------------------------------------------------------------ keyword vocabulary
# A token: 3+ letters (inner hyphens allowed), starting at a word start that is not inside brackets
# ([NAME], [CLIENT] ... are the redactor's placeholders), ending where the word ends; a word with an
# apostrophe gives no token unless the apostrophe starts a possessive 's (client's -> client). So
# "doesn't" never becomes "doesn" + "t" and "I've" never becomes "ve". A plain string, so the saved
# model's vectorizer (BERTopic keeps the pattern, not callables) is rebuilt identically.
TOKEN_PATTERN = r"(?<![\w'\u2019\[-])[a-zA-Z][a-zA-Z-]+[a-zA-Z](?:(?=['\u2019]s\b)|(?![\w'\u2019]))"
CONTRACTION_FRAGMENTS = frozenset("""
    doesn don ve ll didn isn wasn weren couldn wouldn shouldn aren haven hasn hadn won re mustn needn ain
    dont doesnt didnt isnt wasnt werent couldnt wouldnt shouldnt arent havent hasnt hadnt cant wont
    ive youve weve theyve youre theyre thats whats theres heres itll youll theyll hed shed lets
""".split())
SPOKEN_FILLERS = frozenset("""
    um umm uh uhm erm hmm mhm yeah yep yes okay like just really kind kinda sort sorta thing things lot
    lots actually basically honestly pretty stuff know knew knowing think thinking mean means meant gonna
    wanna gotta dunno guess maybe bit got gets getting going goes say says said saying want wants wanted
    way right sure oh also even still probably definitely literally totally obviously exactly course
    able let something anything everything someone somebody anyone everyone tell told did does doing
    little
""".split())
# Shared by (nearly) every segment of this study: on the stop list rather than in the keywords.
DOMAIN_STOP_WORDS = frozenset({"ai"})


def _sklearn_stop_words() -> frozenset:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def stop_words(extra=()) -> list[str]:
    """The keyword stop list (sorted): scikit-learn's English stop words, contraction fragments, spoken
    fillers, :data:`DOMAIN_STOP_WORDS` and ``extra`` (``interviews.topics.extra_stop_words``)."""
    return sorted(_sklearn_stop_words() | CONTRACTION_FRAGMENTS | SPOKEN_FILLERS | DOMAIN_STOP_WORDS
                  | {str(w).strip().lower() for w in extra if str(w).strip()})


_WORD = re.compile(r"[a-z][a-z-]+[a-z]")


def keyword_ok(term: str, stop: frozenset | set) -> bool:
    """A keyword (one word or an n-gram of distinct words) every word of which is a 3+ letter token not
    in ``stop``. (An n-gram can join words that stop words separated in the text, e.g. ``mind mind``.)"""
    words = str(term).lower().split()
    if not words or len(set(words)) < len(words):
        return False
    return all(_WORD.fullmatch(w) and sum(c.isalpha() for c in w) >= 3 and w not in stop for w in words)


def keyword_vectorizer(ngram_range=(1, 2), min_df=1, extra_stop_words=()):
    """The CountVectorizer of the topic keywords (see the module docstring)."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(token_pattern=TOKEN_PATTERN, lowercase=True, stop_words=stop_words(extra_stop_words),
                           ngram_range=tuple(ngram_range), min_df=min_df)


def derive_seed(master: int, label: str) -> int:
    """A sub-seed for ``label`` derived deterministically from the master seed (0 <= seed < 2**31)."""
    digest = hashlib.sha256(f"{int(master)}:{label}".encode()).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF


def center_embeddings(embeddings: np.ndarray, groups, mode: str = "participant") -> np.ndarray:
    """Remove what all segments of one speaker (or of the corpus) share, then re-normalise.

    ``participant``: subtract each participant's mean segment embedding from that participant's
    segments; ``corpus``: subtract the corpus mean; ``none``: unchanged. Within one interview everything
    shares the speaker's domain and vocabulary (a translator talks about translation whatever the
    theme), which otherwise dominates the clustering; centring per participant keeps what differs
    between a participant's turns, which is what themes are about. Only the segments themselves are
    used (no labels). A participant with a single segment is centred on the corpus mean instead.
    """
    x = np.asarray(embeddings, dtype=np.float64)
    if mode == "none":
        return x.astype(np.float32)
    if mode == "corpus":
        out = x - x.mean(axis=0)
    elif mode == "participant":
        groups = np.asarray(groups)
        out = x - x.mean(axis=0)
        for g in pd.unique(groups):
            idx = groups == g
            if idx.sum() > 1:
                out[idx] = x[idx] - x[idx].mean(axis=0)
    else:
        raise InputError(f"config/config.yaml: key 'interviews.topics.center': unknown value {mode!r}; "
                         f"use participant, corpus or none")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms == 0, 1, norms)).astype(np.float32)


def scaled_params(n: int, cfg: dict) -> dict:
    """Clustering parameters for ``n`` segments from the ``interviews.topics`` config.

    Returns ``n_neighbors, n_components, min_dist, min_cluster_size, min_samples, min_df, umap_init``.
    Raises :class:`InputError` when ``n`` is below ``min_segments``.
    """
    if n < cfg["min_segments"]:
        raise InputError(
            f"segments.csv: only {n} segment(s) to model; the topic model needs at least "
            f"{cfg['min_segments']} (interviews.topics.min_segments): add transcripts, or lower "
            f"interviews.segmentation.min_words / window"
        )
    mcs = cfg["min_cluster_size"] or max(cfg["min_cluster_floor"], int(round(cfg["min_cluster_share"] * n)))
    mcs = int(max(2, min(mcs, n // 2)))
    min_samples = cfg["min_samples"] or max(1, mcs // 2)
    return {
        "n_neighbors": int(max(2, min(cfg["n_neighbors"], n - 1))),
        "n_components": int(max(2, min(cfg["n_components"], n - 2))),
        "min_dist": float(cfg["min_dist"]),
        "min_cluster_size": mcs,
        "min_samples": int(min(min_samples, mcs)),
        "min_df": 1 if n < cfg["min_df_from"] else 2,
        # spectral initialisation needs a connected neighbour graph; tiny corpora start at random
        "umap_init": "spectral" if n >= 4 * cfg["n_neighbors"] else "random",
    }


@dataclass
class TopicFit:
    """Result of :func:`fit_topics`."""

    model: object
    topics: np.ndarray
    theme: np.ndarray
    probability: np.ndarray
    topic_table: pd.DataFrame
    info: dict = field(default_factory=dict)


def _theme_backend(embedding_model, fixed: dict):
    """A BERTopic embedding backend that answers known texts from ``fixed`` and embeds only the rest.

    ``fixed`` maps the zero-shot theme texts to the theme vectors of :func:`themes.theme_vectors`
    (definition and seed words averaged represent a theme better than one embedded text) and every
    segment text to its precomputed embedding, so BERTopic never embeds a segment again
    (KeyBERTInspired asks for its representative documents); only KeyBERT's candidate words go to
    ``embedding_model``: a :class:`.encoder.TextEncoder` (or any ``texts -> array`` callable), or a
    SentenceTransformer.
    """
    _import_bertopic()
    from bertopic.backend import BaseEmbedder

    if callable(getattr(embedding_model, "encode", None)):  # a SentenceTransformer
        from .embed import encode as st_encode

        def encode(texts):
            return st_encode(embedding_model, texts)
    else:
        encode = embedding_model

    class ThemeBackend(BaseEmbedder):
        def embed(self, documents, verbose=False):
            documents = list(documents)
            # sorted and unique: KeyBERT builds its word list from a set, whose order changes between
            # processes; a fixed order gives fixed batches and so bit-identical vectors run to run
            missing = sorted({d for d in documents if d not in fixed})
            encoded = dict(zip(missing, np.asarray(encode(missing), dtype=np.float32))) if missing else {}
            return np.vstack([fixed[d] if d in fixed else encoded[d] for d in documents])

    return ThemeBackend()


def _import_bertopic() -> None:
    """Import BERTopic without the optional packages it loads at import time and this package never uses
    through it: sentence-transformers (with transformers and torch, about 3 s; the segments' vectors are
    precomputed and other texts go through :class:`.encoder.TextEncoder`) and plotly (its plotting module,
    1.4 s). See :func:`upskilling.imports.absent`; a package already imported is left alone."""
    import sys

    if "bertopic" in sys.modules:
        return
    # scipy.stats first: its import runs array-API checks that look up sys.modules["torch"] and would find
    # the absence mark (they skip a package that is not there, not one marked absent)
    import scipy.stats  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401

    from ..imports import absent

    with absent("sentence_transformers", "transformers", "torch", "plotly"):
        import bertopic  # noqa: F401


def _build(params: dict, cfg: dict, seed: int, embedding_model, zeroshot_list, seed_list):
    _import_bertopic()
    from bertopic import BERTopic
    from bertopic.representation import KeyBERTInspired
    from bertopic.vectorizers import ClassTfidfTransformer
    from hdbscan import HDBSCAN
    from umap import UMAP

    from . import umap_small
    from .jit import enable_numba_cache

    enable_numba_cache()  # JIT compilation paid once per environment, not once per process
    umap_small.install()  # UMAP's small-corpus distance matrix compiled, not one Python call per pair
    umap_model = UMAP(n_neighbors=params["n_neighbors"], n_components=params["n_components"],
                      min_dist=params["min_dist"], metric="cosine", init=params["umap_init"],
                      random_state=seed, n_jobs=1, low_memory=False)  # seeded UMAP runs on one thread
    hdbscan_model = HDBSCAN(min_cluster_size=params["min_cluster_size"], min_samples=params["min_samples"],
                            metric="euclidean", cluster_selection_method=cfg["cluster_selection"],
                            prediction_data=True)
    vectorizer = keyword_vectorizer(cfg["ngram_range"], params["min_df"], cfg["extra_stop_words"])
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=cfg["reduce_frequent_words"])
    keybert = KeyBERTInspired(top_n_words=cfg["top_n_words"], random_state=seed)
    model = BERTopic(
        embedding_model=embedding_model,
        umap_model=umap_model,
        hdbscan_model=hdbscan_model,
        vectorizer_model=vectorizer,
        ctfidf_model=ctfidf,
        representation_model={"KeyBERT": keybert},
        top_n_words=cfg["top_n_words"],
        zeroshot_topic_list=zeroshot_list,
        seed_topic_list=seed_list,
        zeroshot_min_similarity=cfg["zeroshot_min_similarity"],
        calculate_probabilities=False,
        verbose=False,
    )
    return model, vectorizer, ctfidf, keybert


def fit_topics(texts: list[str], embeddings: np.ndarray, groups, themes: list[dict], theme_matrix: np.ndarray,
               cfg: dict, seed: int, embedding_model=None, reduce: bool = True,
               representations: bool = True, segment_ids=None, question_ids=None) -> TopicFit:
    """Fit the topic model and describe its topics.

    Parameters
    ----------
    texts, embeddings : redacted segment texts and their (unit-length) embeddings, same order.
    groups : participant id of each segment (for ``cfg['center']``, see :func:`center_embeddings`).
    themes, theme_matrix : the codebook and its theme vectors (:func:`themes.theme_vectors`).
    cfg : the validated ``interviews.topics`` config section.
    seed : UMAP / KeyBERT seed.
    embedding_model : ``texts -> array`` (a :class:`.encoder.TextEncoder`) or a SentenceTransformer, needed
        for zero-shot texts and KeyBERTInspired.
    reduce : reduce outliers (``cfg['outliers']``). representations : compute keywords (off for the
        stability re-fits, which only need assignments).
    segment_ids : ids for the ``representative`` column (default: the segment's position).
    question_ids : protocol question id of each segment (:func:`inductive.question_ids`) for the
        ``protocol_question`` / ``protocol_share`` columns (empty without).

    ``info`` holds the scaled parameters, outlier shares before/after reduction, numbers of topics and
    seconds.
    """
    n = len(texts)
    if embeddings.shape[0] != n:
        raise InputError(f"embeddings.npy: {embeddings.shape[0]} rows for {n} segments; re-run the embedding rule")
    params = scaled_params(n, cfg)
    raw_embeddings = embeddings
    embeddings = center_embeddings(embeddings, groups, cfg["center"])
    random.seed(seed)
    np.random.seed(seed % (2**32))
    zeroshot_list = [zeroshot_text(t) for t in themes] if cfg["guidance"] == "zeroshot" else None
    seed_list = [[zeroshot_text(t)] for t in themes] if cfg["guidance"] == "guided" else None
    if cfg["guidance"] != "none" and embedding_model is None:
        raise InputError(f"interviews.topics.guidance is '{cfg['guidance']}' but no embedding model was given")
    backend = None
    if embedding_model is not None:
        fixed = dict(zip(texts, np.asarray(raw_embeddings, dtype=np.float32)))
        fixed.update(zip([zeroshot_text(t) for t in themes], theme_matrix.astype(np.float32)))
        backend = _theme_backend(embedding_model, fixed)
    model, vectorizer, ctfidf, keybert = _build(params, cfg, seed, backend, zeroshot_list, seed_list)
    # KeyBERT keywords are computed once, on the final assignment (update_topics below)
    model.representation_model = None
    start = time.perf_counter()
    try:
        topics, _ = model.fit_transform(list(texts), embeddings.copy())  # guided mode edits in place
    except (ValueError, TypeError) as exc:  # UMAP / HDBSCAN / vectorizer failures on degenerate input
        raise InputError(
            f"segments.csv: the topic model could not be fitted on {n} segments ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:120]}); add transcripts or adjust interviews.topics"
        ) from None
    topics = np.asarray(topics, dtype=int)
    share_before = float(np.mean(topics == -1))
    n_clusters = len(set(topics.tolist()) - {-1})
    zeroshot_ids = set(getattr(model, "_topic_id_to_zeroshot_topic_idx", {}) or {})
    if n_clusters == 0:
        log.warning("no topic found among %d segments: every segment is an outlier (theme 'other')", n)
    elif reduce and cfg["outliers"]["strategy"] != "none" and share_before > 0:
        topics = np.asarray(model.reduce_outliers(list(texts), topics.tolist(), strategy=cfg["outliers"]["strategy"],
                                                  embeddings=embeddings, threshold=cfg["outliers"]["threshold"]),
                            dtype=int)
    if representations and n_clusters > 0:
        # KeyBERTInspired embeds candidate words: only with an embedding model
        aspects = {"KeyBERT": keybert} if backend is not None else None
        # update_topics falls back to a default c-TF-IDF model unless given ours
        model.update_topics(list(texts), topics=topics.tolist(), vectorizer_model=vectorizer, ctfidf_model=ctfidf,
                            representation_model=aspects, top_n_words=cfg["top_n_words"])
    else:
        model.topics_ = topics.tolist()
    share_after = float(np.mean(topics == -1))
    ids, cents = topic_centroids(embeddings, topics)
    theme_ids = [t["id"] for t in themes]
    mapping = map_topics(cents, theme_matrix, theme_ids, cfg["theme_min_similarity"])
    mapping.insert(0, "topic", ids)
    topic_theme = dict(zip(mapping["topic"], mapping["theme"]))
    theme = np.array([topic_theme.get(int(t), OTHER) for t in topics], dtype=object)
    cent_of = dict(zip(ids, cents))
    prob = np.array([float(np.clip(embeddings[i] @ cent_of[t], 0, 1)) if t != -1 else 0.0
                     for i, t in enumerate(topics)])
    # representative segments: the closest to their topic's centroid (the outliers' too)
    names = np.asarray(segment_ids if segment_ids is not None else np.arange(n)).astype(str)
    representative = {}
    for t in sorted(set(topics.tolist())):
        idx = np.flatnonzero(topics == t)
        order = idx[np.argsort(-(embeddings[idx] @ embeddings[idx].mean(axis=0)), kind="stable")]
        representative[int(t)] = "; ".join(names[order[:N_REPRESENTATIVE]])
    dominant = dominant_questions(topics, question_ids) if question_ids is not None else None
    stop = frozenset(stop_words(cfg["extra_stop_words"]))
    table = _topic_table(model, topics, mapping, zeroshot_ids, representations, representative, dominant, stop)
    info = {
        "seed": int(seed),
        "guidance": cfg["guidance"],
        "scaled_params": params,
        "n_segments": n,
        "n_topics": int(len(ids)),
        "n_zeroshot_topics": int(len([t for t in ids if t in zeroshot_ids])),
        "outlier_share_before": share_before,
        "outlier_share_after": share_after,
        "seconds": round(time.perf_counter() - start, 2),
    }
    return TopicFit(model=model, topics=topics, theme=theme, probability=prob, topic_table=table, info=info)


def _crude_stem(word: str) -> str:
    """``-ing``, ``-ed``, ``-s`` removed (only to compare label words, never shown)."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _label(keybert: list[str], keywords: list[str]) -> str:
    """The first :data:`LABEL_WORDS` KeyBERT terms (else c-TF-IDF keywords), joined with ', ', skipping a
    term that repeats a word already in the label (``ask``, ``asks``, ``asked``, ``asking`` count as one
    word), so that ``client; wrong client; clients; english`` gives ``client, english, ...``."""
    chosen, seen = [], set()
    for term in keybert or keywords:
        words = {_crude_stem(w) for w in term.split()}
        if words & seen:
            continue
        chosen.append(term)
        seen |= words
        if len(chosen) == LABEL_WORDS:
            break
    return ", ".join(chosen)


def _topic_table(model, topics, mapping, zeroshot_ids, representations, representative, dominant,
                 stop) -> pd.DataFrame:
    sizes = pd.Series(topics).value_counts()
    rows = []
    all_ids = sorted(set(int(t) for t in topics))
    mapped = mapping.set_index("topic")
    dom = dominant.set_index("topic") if dominant is not None else None
    aspect = (getattr(model, "topic_aspects_", {}) or {}).get("KeyBERT", {}) if representations else {}
    for t in all_ids:
        words = [w for w, _ in (model.get_topic(t) or [])] if representations else []
        words = [w for w in words if w and keyword_ok(w, stop)]
        kb = [w for w, _ in aspect.get(t, []) if w and keyword_ok(w, stop)]
        row = {"topic": t, "size": int(sizes.get(t, 0)), "label": _label(kb, words), "keywords": "; ".join(words),
               "keybert": "; ".join(kb), "representative": representative.get(t, ""),
               "origin": "outliers" if t == -1 else ("zeroshot" if t in zeroshot_ids else "cluster")}
        if t in mapped.index:
            row.update(mapped.loc[t].to_dict())
        else:
            row.update(theme=OTHER, theme_similarity=np.nan, nearest_theme="", runner_up_similarity=np.nan)
        if dom is not None and t in dom.index:
            row.update(protocol_question=dom.loc[t, "protocol_question"], protocol_share=dom.loc[t, "protocol_share"])
        else:
            row.update(protocol_question="", protocol_share=np.nan)
        rows.append(row)
    table = pd.DataFrame(rows, columns=TOPIC_COLUMNS)
    for col in ("theme_similarity", "runner_up_similarity", "protocol_share"):
        table[col] = table[col].astype(float).round(4)
    return table


def segment_table(segments: pd.DataFrame, fit: TopicFit) -> pd.DataFrame:
    """``results/interviews/segments.csv``: the segments with ``topic, theme, probability``.

    ``theme`` is, for now, the nearest-theme placeholder of :class:`TopicFit`; the deductive coding
    will write it."""
    out = segments[LOCATOR_COLUMNS].copy()
    out["topic"] = fit.topics
    out["theme"] = fit.theme
    out["probability"] = np.round(fit.probability, 4)
    return out[SEGMENT_RESULT_COLUMNS]


def save_model(model, path, embedding_model_name: str) -> None:
    """Save BERTopic with ``serialization='safetensors'`` (c-TF-IDF included, model saved by name).

    Keyword scores are rounded to 6 decimals first: KeyBERT's word embeddings vary in the last float
    bits between runs (CPU threading), which would otherwise make two runs' topics.json differ.
    """
    def _round(words):
        return [(w, round(float(score), 6)) for w, score in words]

    model.topic_representations_ = {t: _round(ws) for t, ws in model.topic_representations_.items()}
    for aspect, topics in (getattr(model, "topic_aspects_", None) or {}).items():
        model.topic_aspects_[aspect] = {t: _round(ws) for t, ws in topics.items()}
    model.save(str(path), serialization="safetensors", save_ctfidf=True, save_embedding_model=embedding_model_name)
