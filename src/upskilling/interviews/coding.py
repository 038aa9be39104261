"""Deductive theme coding from the codebook: every segment gets a theme of config/themes.yaml or
``other``, with a score, in two modes that are always computed side by side.

Features of a segment (all from the shipped sentence embeddings, nothing else):

- its embedding ``E`` (unit length);
- the same embedding centred on the participant's mean (:func:`.topics.center_embeddings`), which
  removes what every turn of one speaker shares (domain, vocabulary, voice);
- the embedding of the interviewer's preceding question ``Q`` times ``context_weight``: a coder reads
  each answer with the question it answers (the reference coding of the real corpus was made so).

**zero-shot** (codebook only, :func:`zero_shot`): cosine similarity of the centred segment plus
``context_weight`` x the question's similarity to each *prototype*: the normalised mean of the
embeddings of a theme's label and definition, its inclusion criteria and its example quotes (the
researchers' own wording, :func:`codebook_texts`); ``other`` has a prototype of its own (the codebook's
``other`` entry), shifted by ``other_bias``. The best prototype wins; the score is a softmax over the
similarities (temperature ``temperature``).

**few-shot** (:func:`FewShotCoder`): a multinomial logistic regression (scikit-learn) on the three
feature blocks, trained ONLY on the human-coded turns of the declared training participants
(:func:`split_participants`); the score is the predicted probability of the chosen theme.
Codebook examples are not used as training rows (they did not help on the development halves).

Settings (``C``, ``class_weight``, ``context_weight``, prototypes) were chosen on the development
halves of the default corpus and of the real reference set; the closing note of issue 8 and
README "Theme coding" list what was tried.
"""
from __future__ import annotations

import logging
import random

import numpy as np
import pandas as pd

from ..errors import InputError
from .themes import OTHER
from .topics import center_embeddings, derive_seed

log = logging.getLogger("upskilling.interviews")

CODING_COLUMNS = ["segment_id", "participant_id", "turn_id", "theme", "theme_score", "theme_source",
                  "coding_mode", "theme_zero_shot", "score_zero_shot", "theme_few_shot", "score_few_shot",
                  "human_theme", "split"]


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(n == 0, 1, n)


# ------------------------------------------------------------------ codebook prototypes
def codebook_texts(themes: list[dict], other: dict | None) -> tuple[list[str], list[str]]:
    """The codebook texts of every label (themes in order, then ``other``) and their label.

    A theme contributes ``"<label>: <definition>"``, each inclusion criterion and each example quote;
    ``other`` its definition and examples (or a generic definition when the codebook has no ``other``
    entry). Returns ``(texts, labels)``.
    """
    texts, labels = [], []
    for t in themes:
        for text in [f"{t['label']}: {t['definition']}", *t.get("inclusion", []), *t.get("examples", [])]:
            texts.append(text)
            labels.append(t["id"])
    other = other or {"label": "Other", "definition": "Talk that fits none of the themes: greetings, job "
                      "descriptions, work history and anything the codebook does not cover."}
    for text in [f"{other['label']}: {other['definition']}", *other.get("examples", [])]:
        texts.append(text)
        labels.append(OTHER)
    return texts, labels


def prototypes(text_embeddings: np.ndarray, text_labels: list[str], label_order: list[str]) -> np.ndarray:
    """One unit-length prototype per label of ``label_order``: the mean of its unit text embeddings."""
    emb = _unit(text_embeddings)
    lab = np.asarray(text_labels)
    rows = []
    for label in label_order:
        if not (lab == label).any():
            raise InputError(f"config/themes.yaml: theme '{label}' has no definition text to build a prototype from")
        rows.append(emb[lab == label].mean(axis=0))
    return _unit(np.vstack(rows))


# ------------------------------------------------------------------ features
def features(embeddings: np.ndarray, groups, questions: np.ndarray, context_weight: float) -> np.ndarray:
    """``[E, participant-centred E, context_weight * Q]`` (one row per segment)."""
    e = _unit(embeddings)
    centred = center_embeddings(e, groups, "participant").astype(np.float64)
    q = _unit(questions) * float(context_weight)
    return np.hstack([e, centred, q])


def _softmax(s: np.ndarray, temperature: float) -> np.ndarray:
    z = (s - s.max(axis=1, keepdims=True)) / temperature
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def zero_shot(embeddings: np.ndarray, groups, questions: np.ndarray, protos: np.ndarray, labels: list[str],
              context_weight: float, other_bias: float = 0.0,
              temperature: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codebook-only coding.

    Returns ``(theme, score, similarities)``: the label with the highest
    ``cos(centred segment, prototype) + context_weight * cos(question, prototype)`` (``other``'s
    similarity shifted by ``other_bias``), its softmax score, and the similarity matrix.
    """
    centred = center_embeddings(_unit(embeddings), groups, "participant").astype(np.float64)
    sims = centred @ protos.T + float(context_weight) * (_unit(questions) @ protos.T)
    if OTHER in labels:
        sims[:, labels.index(OTHER)] += float(other_bias)
    best = sims.argmax(axis=1)
    prob = _softmax(sims, temperature)
    return np.asarray(labels, dtype=object)[best], prob[np.arange(len(best)), best], sims


class FewShotCoder:
    """Logistic regression on :func:`features`, trained on human-coded turns only.

    ``C`` is the inverse regularisation strength, ``class_weight`` ``None`` or ``"balanced"``.
    """

    def __init__(self, C: float = 30.0, class_weight: str | None = "balanced", max_iter: int = 5000):
        # the config spells "no weighting" as the string "none"
        self.C, self.max_iter = float(C), int(max_iter)
        self.class_weight = None if class_weight in (None, "none") else class_weight
        self.model = None

    def fit(self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> "FewShotCoder":
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y, dtype=object)
        if len(set(y.tolist())) < 2:
            raise InputError("human coding: the training participants' turns carry fewer than 2 distinct codes; "
                             "declare more or other training participants (interviews.coding.training)")
        self.model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
        self.model.fit(x, y, sample_weight=sample_weight)
        return self

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(theme, probability of that theme)`` per row."""
        prob = self.model.predict_proba(x)
        best = prob.argmax(axis=1)
        return self.model.classes_[best].astype(object), prob[np.arange(len(best)), best]


# ------------------------------------------------------------------ participant splits
def _draw(pool: list[str], k: int, seed: int) -> list[str]:
    return sorted(random.Random(int(seed)).sample(sorted(pool), k))


def split_participants(coded: list[str], split_cfg: dict, training_cfg: dict, master_seed: int) -> dict:
    """The development half, the test half and the training participants of the few-shot coder.

    ``coded`` are the participants with a human coding. ``split_cfg``: ``development`` (a list; empty
    = draw ``share`` of the coded participants with ``seed``). ``training_cfg``: ``participants`` (a
    list, all in the development half) or ``share`` (of ALL coded participants, drawn from the
    development half with ``seed``). Seeds ``null`` derive from the master seed.

    Returns ``{"development", "test", "training", "seeds": {...}}`` (sorted id lists).
    Raises :class:`InputError` naming the config key when a listed participant has no coding or a
    training participant is outside the development half.
    """
    coded = sorted(set(coded))
    split_seed, train_seed = config_seed(split_cfg, "split", master_seed), config_seed(training_cfg, "training", master_seed)
    n_dev = int(np.floor(float(split_cfg["share"]) * len(coded) + 0.5))  # half up, not to even
    dev = _declared_or_drawn(split_cfg.get("development"), coded, max(1, min(n_dev, len(coded) - 1)), split_seed,
                             "split.development", "have no human coding; list coded participants only")
    n_train = int(np.floor(float(training_cfg["share"]) * len(coded) + 1e-9))
    train = _declared_or_drawn(training_cfg.get("participants"), dev, max(0, min(n_train, len(dev))), train_seed,
                               "training.participants", "are not in the development half; training "
                               "participants must come from it")
    return {"development": dev, "test": sorted(set(coded) - set(dev)), "training": train,
            "seeds": {"split": split_seed, "training": train_seed}}


def config_seed(cfg: dict, label: str, master_seed: int) -> int:
    """``cfg['seed']``, or the seed derived from the master seed for ``interviews.coding.<label>``."""
    seed = cfg.get("seed")
    return derive_seed(master_seed, f"interviews.coding.{label}") if seed is None else int(seed)


def _declared_or_drawn(declared, pool: list[str], k: int, seed: int, key: str, problem: str) -> list[str]:
    """The declared participants (all in ``pool``), or ``k`` drawn from ``pool`` with ``seed``."""
    declared = sorted(set(declared or []))
    if not declared:
        return _draw(pool, k, seed) if len(pool) > 1 or k < len(pool) else list(pool)
    outside = sorted(set(declared) - set(pool))
    if outside:
        raise InputError(f"config/config.yaml: key 'interviews.coding.{key}': {outside[:5]} {problem}")
    return declared


def resample_training(training: list[str], seed: int) -> dict[str, int]:
    """A participant-level bootstrap of the declared training participants: ``{participant: times
    drawn}`` (as many draws as participants, with replacement). Only declared training participants
    ever train the coder; the resample measures how much the coding depends on which of them were
    labelled."""
    rng = np.random.default_rng(int(seed))
    drawn = rng.choice(sorted(training), size=len(training), replace=True)
    ids, counts = np.unique(drawn, return_counts=True)
    return {str(p): int(c) for p, c in zip(ids, counts)}


# ------------------------------------------------------------------ the coding table
def code_segments(segments: pd.DataFrame, x: np.ndarray, zs_theme, zs_score, human: pd.Series | None,
                  split: dict | None, coder_cfg: dict, weights: dict[str, int] | None = None) -> pd.DataFrame:
    """Code every segment; return the table of :data:`CODING_COLUMNS`.

    ``human``: human code per ``turn_id`` (anchored), or ``None``. With a human coding and at least one
    training participant the few-shot coder is fitted on the training participants' segments and
    ``coding_mode`` is ``few_shot`` (unless ``coder_cfg['use'] == 'zero_shot'``); training turns keep
    their human code (``theme_source = human``), every other segment gets the model's theme.
    """
    training = list(split["training"]) if split else []
    out = segments[["segment_id", "participant_id", "turn_id"]].copy().reset_index(drop=True)
    out["theme_zero_shot"] = np.asarray(zs_theme, dtype=object)
    out["score_zero_shot"] = np.round(np.asarray(zs_score, dtype=float), 4)
    hum = segments["turn_id"].map(human).fillna("").to_numpy(dtype=object) if human is not None \
        else np.full(len(segments), "", dtype=object)
    out["human_theme"] = hum
    pid = segments["participant_id"].to_numpy()
    train_mask = np.isin(pid, training) & (hum != "")
    use = coder_cfg["use"]
    few = human is not None and train_mask.any() and use != "zero_shot"
    if use == "few_shot" and not few:
        raise InputError("config/config.yaml: key 'interviews.coding.use' is few_shot, but there is no human "
                         "coding with training participants; set interviews.human_coding and "
                         "interviews.coding.training, or use auto / zero_shot")
    if few:
        coder = FewShotCoder(coder_cfg["few_shot"]["C"], coder_cfg["few_shot"]["class_weight"])
        # weights: a bootstrap resample of the training participants (robustness runs); default all once
        w = np.array([(weights or {}).get(p, 0 if weights else 1) for p in pid], dtype=float)
        fit_rows = train_mask & (w > 0)
        coder.fit(x[fit_rows], hum[fit_rows], sample_weight=w[fit_rows])
        fs_theme, fs_score = coder.predict(x)
        out["theme_few_shot"] = fs_theme
        out["score_few_shot"] = np.round(fs_score, 4)
        out["theme"] = np.where(train_mask, hum, fs_theme)
        out["theme_score"] = np.where(train_mask, 1.0, np.round(fs_score, 4))
        out["coding_mode"] = "few_shot"
    else:
        out["theme_few_shot"] = ""
        out["score_few_shot"] = np.nan
        out["theme"] = out["theme_zero_shot"]
        out["theme_score"] = out["score_zero_shot"]
        out["coding_mode"] = "zero_shot"
    out["theme_source"] = np.where(train_mask & few, "human", "model")
    if split:
        role = {p: "development" for p in split["development"]}
        role.update({p: "test" for p in split["test"]})
        role.update({p: "training" for p in training})
        out["split"] = [role.get(p, "") for p in pid]
    else:
        out["split"] = ""
    return out[CODING_COLUMNS]


def prevalence_over_seeds(segments: pd.DataFrame, x: np.ndarray, zs_theme, zs_score, human, split, coder_cfg,
                          seeds: list[int], theme_ids: list[str]) -> tuple[pd.DataFrame, list[dict]]:
    """Re-train the few-shot coder once per seed on a participant-level bootstrap resample of the
    declared training participants (:func:`resample_training`).

    Returns ``(prevalence, runs)``: ``seed, participant_id, theme, n_segments, share`` for every seed
    (the downstream coding: the training turns' human codes, the re-trained model elsewhere), and per
    run ``seed, training`` (participant -> times drawn) and ``table`` (that run's coding table).
    Without a few-shot coder one run (seed 0) of the zero-shot coding is returned.
    """
    from .themes import prevalence

    runs, tables = [], []
    few = human is not None and split is not None and split["training"] and coder_cfg["use"] != "zero_shot"
    for seed in (seeds if few and seeds else [0]):
        weights = resample_training(split["training"], seed) if few else None
        table = code_segments(segments, x, zs_theme, zs_score, human, split, coder_cfg, weights=weights)
        prev = prevalence(table, theme_ids)
        prev.insert(0, "seed", int(seed))
        tables.append(prev)
        runs.append({"seed": int(seed), "training": weights or {}, "table": table})
    return pd.concat(tables, ignore_index=True), runs


def robustness_seeds(master_seed: int, n_seeds: int) -> list[int]:
    """The seeds of the robustness resamples, derived from the master seed (also in provenance.json)."""
    return [derive_seed(master_seed, f"interviews.coding.robustness.{i}") for i in range(int(n_seeds))]


def robustness_runs(runs: list[dict], table: pd.DataFrame, labels: list[str]) -> list[dict]:
    """Per robustness run of :func:`prevalence_over_seeds`: ``seed, training, theme_counts`` and, with a
    few-shot coder and a coded test half, ``test_kappa`` (against the human codes of the test half)."""
    from .agreement import cohen_kappa

    hum = table["human_theme"].to_numpy(dtype=object)
    test = (table["split"] == "test").to_numpy() & (hum != "")
    out = []
    for run in runs:
        counts = run["table"]["theme"].value_counts()
        info = {"seed": run["seed"], "training": run["training"],
                "theme_counts": {lab: int(counts.get(lab, 0)) for lab in labels}}
        if test.any() and run["training"]:
            info["test_kappa"] = round(float(cohen_kappa(hum[test], run["table"]["theme"].to_numpy()[test], labels)), 4)
        out.append(info)
    return out


def labelling_budget(table: pd.DataFrame, x: np.ndarray, zs_theme, coder_cfg: dict, labels: list[str],
                     seed: int) -> list[dict] | None:
    """The labelling-budget curve on the test half (:func:`.agreement.budget_curve`): kappa against the
    number of labelled turns per theme, drawn from the declared training participants' turns only (size
    0 = zero-shot). Returns the per-size summary records, or ``None`` without a coded test half or
    training participants."""
    from .agreement import budget_curve, budget_summary

    hum = table["human_theme"].to_numpy(dtype=object)
    eval_idx = np.flatnonzero((table["split"] == "test").to_numpy() & (hum != ""))
    pool_idx = np.flatnonzero((table["split"] == "training").to_numpy() & (hum != ""))
    if len(eval_idx) == 0 or len(pool_idx) == 0:
        return None
    zs_theme = np.asarray(zs_theme, dtype=object)

    def fit_predict(train_idx, train_labels):
        if len(train_idx) == 0:
            return zs_theme[eval_idx]
        if len(set(train_labels.tolist())) < 2:
            return np.full(len(eval_idx), train_labels[0], dtype=object)
        coder = FewShotCoder(coder_cfg["few_shot"]["C"], coder_cfg["few_shot"]["class_weight"])
        return coder.fit(x[train_idx], train_labels).predict(x[eval_idx])[0]

    curve = budget_curve(fit_predict, pd.DataFrame({"label": hum[pool_idx], "index": pool_idx}), eval_idx,
                         hum[eval_idx], sizes=tuple(coder_cfg["budget"]["sizes"]),
                         repeats=coder_cfg["budget"]["repeats"], seed=seed, labels=labels)
    return budget_summary(curve).round(4).to_dict("records")
