"""Stability of the topic model over random seeds.

The topic model is re-fitted with each of ``n_seeds`` seeds (derived from the master seed, or listed in
``interviews.stability.seeds``) on the same segments and embeddings and with the same parameters; the
agreement between every pair of runs is the adjusted Rand index (scikit-learn) of their theme
assignments and, separately, of their topic assignments. Keywords are not computed in these re-fits
(only assignments are compared), which keeps them fast.
"""
from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd

from ..errors import InputError
from .topics import derive_seed, fit_topics

log = logging.getLogger("upskilling.interviews")


def stability_seeds(master: int, n_seeds: int, seeds: list[int] | None = None) -> list[int]:
    """The seeds of the stability runs: ``seeds`` if given, else ``n_seeds`` derived from ``master``."""
    if seeds:
        if len(set(seeds)) < 2:
            raise InputError("config/config.yaml: key 'interviews.stability.seeds': give at least 2 distinct seeds")
        return [int(s) for s in seeds]
    if n_seeds < 2:
        raise InputError("config/config.yaml: key 'interviews.stability.n_seeds': use at least 2 (5 or more recommended)")
    return [derive_seed(master, f"interviews.stability.{i}") for i in range(n_seeds)]


def run_seeds(texts, embeddings, groups, themes, theme_matrix, cfg, seeds,
              embedding_model) -> tuple[pd.DataFrame, list[dict]]:
    """Fit once per seed.

    Returns ``(assignments, runs)``: a long table ``seed, segment_index, topic, theme`` and one dict per
    run (``seed, n_topics, outlier_share_before, outlier_share_after``).
    """
    rows, runs = [], []
    for seed in seeds:
        fit = fit_topics(texts, embeddings, groups, themes, theme_matrix, cfg, seed, embedding_model,
                         reduce=True, representations=False)
        log.info("stability run seed %d: %d topics, outliers %.1f%% before / %.1f%% after reduction (%.1f s)",
                 seed, fit.info["n_topics"], 100 * fit.info["outlier_share_before"],
                 100 * fit.info["outlier_share_after"], fit.info["seconds"])
        rows.append(pd.DataFrame({"seed": seed, "segment_index": np.arange(len(texts)),
                                  "topic": fit.topics, "theme": fit.theme}))
        runs.append({k: fit.info[k] for k in ("seed", "n_topics", "outlier_share_before", "outlier_share_after")})
    return pd.concat(rows, ignore_index=True), runs


def pairwise_ari(assignments: pd.DataFrame, column: str) -> pd.DataFrame:
    """ARI between every pair of seeds for ``column`` (``theme`` or ``topic``).

    Returns ``seed_a, seed_b, ari``.
    """
    from sklearn.metrics import adjusted_rand_score  # here: provenance imports this module for its seeds only

    wide = assignments.pivot(index="segment_index", columns="seed", values=column)
    rows = [{"seed_a": a, "seed_b": b, "ari": float(adjusted_rand_score(wide[a], wide[b]))}
            for a, b in itertools.combinations(wide.columns, 2)]
    return pd.DataFrame(rows, columns=["seed_a", "seed_b", "ari"])


def summarise(assignments: pd.DataFrame, runs: list[dict]) -> dict:
    """``seeds, n_runs, mean_pairwise_ari`` (themes), ``min_pairwise_ari``, ``mean_pairwise_ari_topics``,
    ``runs`` (per-seed topics and outlier shares)."""
    themes = pairwise_ari(assignments, "theme")
    topics = pairwise_ari(assignments, "topic")
    return {
        "seeds": sorted(int(s) for s in assignments["seed"].unique()),
        "n_runs": int(assignments["seed"].nunique()),
        "unit": "theme assignments of the segments",
        "mean_pairwise_ari": round(float(themes["ari"].mean()), 4),
        "min_pairwise_ari": round(float(themes["ari"].min()), 4),
        "mean_pairwise_ari_topics": round(float(topics["ari"].mean()), 4),
        "n_topics": [int(r["n_topics"]) for r in runs],
        "outlier_share_after": [round(float(r["outlier_share_after"]), 4) for r in runs],
    }
