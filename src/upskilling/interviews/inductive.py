"""Reading the inductive topics: which protocol question each segment answers, whether the topics just
follow the interview protocol, and which topics no codebook theme covers.

BERTopic (:mod:`upskilling.interviews.topics`) discovers topics without the codebook; the themes are
coded deductively elsewhere. What a researcher wants from the inductive topics is what the codebook
lacks, but a semi-structured interview gives clustering an easy answer that is not a theme: segments
answering the same protocol question share its vocabulary. The functions here measure that and list
the candidate new themes. They are pure (data frames and arrays in, data frames and dicts out).

* :func:`read_protocol` reads ``data/raw/interviews/protocol.md`` (lines ``- `id`: question text``);
* :func:`preceding_questions` finds, for every participant turn, the interviewer question before it;
* :func:`question_ids` maps those questions to protocol ids (``probe`` for follow-ups);
* :func:`dominant_questions` and :func:`protocol_alignment`: how much the topics follow the protocol;
* :func:`topic_theme_spread` and :func:`candidate_themes`: topics the deductive coding does not cover.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .themes import OTHER

PROBE = "probe"        # an interviewer question that is not one of the protocol's (a follow-up)
NO_QUESTION = "none"   # no interviewer turn before the participant turn
NOT_PROTOCOL = (PROBE, NO_QUESTION)

_PROTOCOL_LINE = re.compile(r"^\s*[-*]\s*`(?P<id>[^`]+)`\s*:\s*(?P<text>\S.*?)\s*$")


def read_protocol(path) -> dict[str, str]:
    """The protocol's questions ``{id: text}`` in file order, from lines ``- `id`: text``.

    A missing file (or ``None`` / empty path) gives an empty dict: the protocol is optional.
    """
    if not path or not Path(path).is_file():
        return {}
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = _PROTOCOL_LINE.match(line)
        if m:
            out.setdefault(m["id"].strip(), m["text"])
    return out


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, everything but letters and digits turned into single spaces."""
    text = str(text or "").lower().replace("\u2019", "'").replace("'", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def preceding_questions(turns: pd.DataFrame) -> pd.Series:
    """For each participant ``turn_id``, the text of the nearest interviewer turn before it.

    ``turns`` has turns.csv's columns (``participant_id, turn_id, turn_index, role, text``). Turns are
    ordered by ``turn_index`` within each participant; a participant turn that follows another
    participant turn gets the same question as that one (the answer continues), the first turns of an
    interview, before any interviewer turn, get ``''``. Returns a Series indexed by ``turn_id``.
    """
    if turns.empty:
        return pd.Series([], dtype=object, name="question", index=pd.Index([], name="turn_id"))
    t = turns.sort_values(["participant_id", "turn_index"], kind="stable")
    question = t["text"].fillna("").astype(str).where(t["role"] == "interviewer")
    question = question.groupby(t["participant_id"], sort=False).ffill()
    part = t["role"] == "participant"
    out = question[part].fillna("")
    out.index = pd.Index(t.loc[part, "turn_id"], name="turn_id")
    return out.rename("question")


def _question_hash(norm: str) -> str:
    return "q" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:10]


def question_ids(questions: pd.Series, protocol_questions: dict[str, str] | None, embed=None,
                 min_similarity: float = 0.6, min_contained_words: int = 5) -> pd.Series:
    """Map each interviewer question to a protocol question id (same index as ``questions``).

    With a protocol (``{id: text}``, :func:`read_protocol`), in order:

    1. containment after :func:`normalise`: the protocol question inside the interviewer turn (which
       may add a greeting or a transition), or the interviewer turn inside the protocol question when it
       has at least ``min_contained_words`` words (a shortened question); the longest match wins;
    2. with ``embed`` (``embed(list_of_texts) -> array``, e.g. the segment embedding model), the
       protocol question of highest cosine similarity if it is at least ``min_similarity`` (a
       rephrased question);
    3. else ``probe`` (a follow-up of the interviewer's own).

    Without a protocol (``None`` or empty), the id is a hash of the normalised question (``q`` + 10 hex
    digits): identical questions share an id, so protocol-following is measured on whatever questions
    repeat across interviews. An empty question is ``none`` in both cases.
    """
    texts = questions.fillna("").astype(str)
    norms = texts.map(normalise)
    if not protocol_questions:
        return norms.map(lambda q: _question_hash(q) if q else NO_QUESTION).rename("question_id")
    proto = {pid: normalise(text) for pid, text in protocol_questions.items()}
    by_length = sorted(proto.items(), key=lambda kv: -len(kv[1]))

    def contained(q: str) -> str | None:
        padded = f" {q} "
        for pid, p in by_length:
            if p and f" {p} " in padded:
                return pid
        if len(q.split()) >= min_contained_words:
            for pid, p in by_length:
                if f" {q} " in f" {p} ":
                    return pid
        return None

    unique = sorted(set(norms) - {""})
    found = {q: contained(q) for q in unique}
    rest = [q for q in unique if found[q] is None]
    if rest and embed is not None:
        # embed the original wording (the first occurrence) of each unmatched question
        original = {}
        for q, text in zip(norms, texts):
            original.setdefault(q, text)
        ids = list(protocol_questions)
        qv = _unit(np.asarray(embed([original[q] for q in rest]), dtype=np.float64))
        pv = _unit(np.asarray(embed([protocol_questions[i] for i in ids]), dtype=np.float64))
        sims = qv @ pv.T
        for q, row in zip(rest, sims):
            j = int(np.argmax(row))
            if row[j] >= min_similarity:
                found[q] = ids[j]
    return norms.map(lambda q: NO_QUESTION if not q else (found[q] or PROBE)).rename("question_id")


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def dominant_questions(topics, qids) -> pd.DataFrame:
    """Per topic: the most frequent question id among its segments and the share of segments with it.

    Returns ``topic, protocol_question, protocol_share`` (ties: the id first in sort order).
    """
    df = pd.DataFrame({"topic": np.asarray(topics, dtype=int), "q": np.asarray(qids, dtype=object).astype(str)})
    if df.empty:
        return pd.DataFrame(columns=["topic", "protocol_question", "protocol_share"])
    counts = df.groupby(["topic", "q"]).size().rename("n").reset_index()
    counts = counts.sort_values(["topic", "n", "q"], ascending=[True, False, True])
    top = counts.groupby("topic").head(1).set_index("topic")
    sizes = df.groupby("topic").size()
    return pd.DataFrame({"topic": top.index.astype(int), "protocol_question": top["q"].to_numpy(),
                         "protocol_share": (top["n"] / sizes.loc[top.index]).round(4).to_numpy()})


def protocol_alignment(topics: np.ndarray, qids: pd.Series, ami_threshold: float = 0.3, dominance: float = 0.5,
                       majority: float = 0.5, ignore=NOT_PROTOCOL) -> dict:
    """How much the topic assignment follows the interview protocol rather than themes.

    Outliers (topic -1) are excluded throughout.

    * ``ami`` / ``nmi``: adjusted / normalised mutual information (scikit-learn) between topic and
      question id over the segments whose question id is not in ``ignore`` (``probe``, ``none``:
      follow-ups and turns without a question belong to no protocol question); NaN when either side has
      fewer than two distinct values;
    * ``share_topics_dominated``: the share of topics whose most frequent question id (all of the
      topic's segments counted) is a protocol question (not in ``ignore``) answered by at least
      ``dominance`` of its segments;
    * ``follows_protocol``: ``ami >= ami_threshold`` or ``share_topics_dominated > majority``.
      AMI 0.3 is a clear, not a chance, dependence (AMI is 0 for independent labelings, 1 for equal
      ones); the second rule catches corpora with few segments per question, where AMI is noisy.
    """
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    t = np.asarray(topics, dtype=int)
    q = np.asarray(qids, dtype=object).astype(str)
    if len(t) != len(q):
        raise ValueError(f"{len(t)} topic labels but {len(q)} question ids")
    keep = t != -1
    protocol = keep & ~np.isin(q, list(ignore))
    if len(set(t[protocol])) > 1 and len(set(q[protocol])) > 1:
        ami = float(adjusted_mutual_info_score(q[protocol], t[protocol]))
        nmi = float(normalized_mutual_info_score(q[protocol], t[protocol]))
    else:
        ami = nmi = float("nan")
    dom = dominant_questions(t[keep], q[keep])
    dominated = (dom["protocol_share"] >= dominance) & ~dom["protocol_question"].isin(list(ignore))
    share = float(dominated.mean()) if len(dom) else float("nan")
    follows = bool((not np.isnan(ami) and ami >= ami_threshold) or (not np.isnan(share) and share > majority))
    return {
        "ami": ami,
        "nmi": nmi,
        "share_topics_dominated": share,
        "follows_protocol": follows,
        "n_segments": int(protocol.sum()),
        "n_segments_not_protocol": int((keep & ~protocol).sum()),
        "n_topics": int(len(dom)),
        "n_question_ids": int(len(set(q[protocol]))),
        "dominated_topics": {int(r.topic): r.protocol_question for r in dom[dominated].itertuples()},
        "thresholds": {"ami_threshold": ami_threshold, "dominance": dominance, "majority": majority,
                       "ignore": list(ignore)},
    }


def topic_theme_spread(topics, themes_coded) -> pd.DataFrame:
    """How each topic's segments spread over the deductively coded themes.

    ``themes_coded``: the theme of each segment (same order as ``topics``). Returns the long table
    ``topic, theme, n, share`` (share of the topic's segments; only observed pairs; sorted by topic, then
    by decreasing n).
    """
    df = pd.DataFrame({"topic": np.asarray(topics, dtype=int), "theme": np.asarray(themes_coded, dtype=object)})
    df["theme"] = df["theme"].fillna(OTHER).astype(str)
    if df.empty:
        return pd.DataFrame(columns=["topic", "theme", "n", "share"])
    out = df.groupby(["topic", "theme"]).size().rename("n").reset_index()
    out["share"] = (out["n"] / out.groupby("topic")["n"].transform("sum")).round(4)
    out = out.sort_values(["topic", "n", "theme"], ascending=[True, False, True]).reset_index(drop=True)
    out["n"] = out["n"].astype(int)
    return out[["topic", "theme", "n", "share"]]


CANDIDATE_COLUMNS = ["topic", "size", "label", "keywords", "other_share", "nearest_theme", "theme_similarity",
                     "reason"]


def candidate_themes(spread: pd.DataFrame, topic_table: pd.DataFrame, min_other_share: float = 0.5,
                     max_theme_similarity: float = 0.10) -> pd.DataFrame:
    """Topics no codebook theme covers: candidates for new themes.

    A topic (outliers excluded) is a candidate when at least ``min_other_share`` of its segments were
    coded ``other`` by the deductive coder (``spread`` from :func:`topic_theme_spread`), or when its
    centroid's cosine similarity to the nearest theme vector (``theme_similarity`` of the topic table)
    is below ``max_theme_similarity``. ``reason`` names the rule(s) met (``mostly_other``,
    ``far_from_themes``, joined by ``+``). Sorted by decreasing ``other_share``, then size.
    """
    table = topic_table[topic_table["topic"] != -1].copy()
    other = spread[spread["theme"] == OTHER].set_index("topic")["share"] if len(spread) else pd.Series(dtype=float)
    table["other_share"] = table["topic"].map(other).fillna(0.0).astype(float).round(4)
    if "label" not in table:
        table["label"] = ""
    sim = pd.to_numeric(table.get("theme_similarity", pd.Series(np.nan, index=table.index)), errors="coerce")
    mostly_other = table["other_share"] >= min_other_share
    far = sim < max_theme_similarity
    reasons = [("+".join(r for r, hit in (("mostly_other", a), ("far_from_themes", b)) if hit))
               for a, b in zip(mostly_other, far)]
    table["reason"] = reasons
    table["theme_similarity"] = sim
    for col in ("nearest_theme", "keywords"):
        if col not in table:
            table[col] = ""
    out = table[mostly_other | far].sort_values(["other_share", "size"], ascending=[False, False])
    return out[CANDIDATE_COLUMNS].reset_index(drop=True)
