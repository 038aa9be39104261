"""Agreement between a human coding and a model coding of interview segments (nominal labels).

The labels are theme ids plus ``other``. Every function takes the human codes (``truth``) and the
model's labels (``pred``) as equal-length sequences, one value per segment, and, where it says so, the
list of ``labels`` (the label set; its order fixes the order of table rows and columns). A value that
is not in ``labels`` raises :class:`ValueError` (scikit-learn would silently drop such items).

=========================  ===================================  ============================================
function                   returns                              reference
=========================  ===================================  ============================================
cohen_kappa                float (NaN when undefined)           ``psych::cohen.kappa``, ``irr::kappa2``
krippendorff_alpha         float, nominal, two coders           ``irr::kripp.alpha(x, "nominal")``
clustered_bootstrap_kappa  dict: kappa and its percentile CI    participants resampled with replacement
per_theme                  DataFrame, one row per label         precision / recall / F1 and label shares
agreement_summary          dict, JSON-serialisable              all of the above in one record, with the
                                                                human x model counts (``table(human, model)``)
budget_curve               DataFrame: size, repeat, n_train,    kappa as a function of the labelling budget
                           kappa
budget_summary             DataFrame: size, mean, min, max,     the curve summarised per size
                           n_repeats
=========================  ===================================  ============================================

Kappa and alpha are checked against R in tests/test_interviews_agreement.py
(tests/r/agreement.R -> tests/r/agreement_expected.json).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

__all__ = ["cohen_kappa", "krippendorff_alpha", "clustered_bootstrap_kappa", "per_theme",
           "agreement_summary", "budget_curve", "budget_summary",
           "PER_THEME_COLUMNS", "BUDGET_COLUMNS", "BUDGET_SUMMARY_COLUMNS",
           "BOOTSTRAP_METHOD"]

PER_THEME_COLUMNS = ["theme", "precision", "recall", "f1", "support", "n_predicted", "share_coded",
                     "share_predicted", "share_difference"]
BUDGET_COLUMNS = ["size", "repeat", "n_train", "kappa"]
BUDGET_SUMMARY_COLUMNS = ["size", "mean", "min", "max", "n_repeats"]
BOOTSTRAP_METHOD = "participant-clustered percentile bootstrap"


# --------------------------------------------------------------------------------------- helpers
def _as_array(values) -> np.ndarray:
    return values.ravel() if isinstance(values, np.ndarray) else np.asarray(list(values), dtype=object).ravel()


def _codes(truth, pred, labels: Sequence) -> tuple[np.ndarray, np.ndarray, list]:
    """Integer codes (positions in ``labels``) of ``truth`` and ``pred``; checks lengths and values."""
    labels = list(labels)
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels: duplicated label(s) in {labels}; give each label once")
    t, p = _as_array(truth), _as_array(pred)
    if t.shape != p.shape:
        raise ValueError(f"truth and pred differ in length ({t.size} vs {p.size}); give one label per segment in each")
    index = {lab: i for i, lab in enumerate(labels)}
    out = []
    for name, arr in (("truth", t), ("pred", p)):
        try:
            out.append(np.fromiter((index[v] for v in arr.tolist()), dtype=np.intp, count=arr.size))
        except KeyError as err:
            raise ValueError(f"{name}: label {err.args[0]!r} is not in labels {labels}; "
                             "add it to labels or recode it") from None
    return out[0], out[1], labels


def _confusion_counts(t_codes: np.ndarray, p_codes: np.ndarray, k: int) -> np.ndarray:
    """k x k counts, rows = human (truth), columns = model (pred)."""
    return np.bincount(t_codes * k + p_codes, minlength=k * k).reshape(k, k)


def _kappa_from_tables(tables: np.ndarray) -> np.ndarray:
    """Cohen's kappa of each k x k table in ``tables`` (shape (..., k, k)); NaN where undefined.

    kappa = (n * sum_i o_ii - sum_i r_i c_i) / (n^2 - sum_i r_i c_i), r and c the row and column totals;
    undefined when the expected agreement is 1 (both raters use the same single label) or n = 0.
    """
    tables = np.asarray(tables, dtype=float)
    n = tables.sum(axis=(-2, -1))
    observed = np.trace(tables, axis1=-2, axis2=-1)
    chance = (tables.sum(axis=-1) * tables.sum(axis=-2)).sum(axis=-1)
    denom = n * n - chance
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = (n * observed - chance) / denom
    return np.where(denom > 0, kappa, np.nan)


def _num(x) -> float | None:
    """A plain float rounded to 4 decimals, or None where undefined (JSON has no NaN)."""
    x = float(x)
    return None if math.isnan(x) else round(x, 4)


# ------------------------------------------------------------------------------ point statistics
def cohen_kappa(truth, pred, labels: Sequence) -> float:
    """Cohen's kappa between the human coding and the model coding.

    Parameters
    ----------
    truth, pred : sequences of labels, one per segment (human codes, model labels).
    labels : the label set (theme ids and ``other``); every value must be one of them.

    Returns
    -------
    float
        ``sklearn.metrics.cohen_kappa_score``; NaN when kappa is undefined, i.e. when the expected
        agreement is 1 (both raters use one and the same label) or there are no segments.
    """
    t, p, labels = _codes(truth, pred, labels)
    if t.size == 0 or np.unique(np.concatenate([t, p])).size < 2:
        return float("nan")
    return float(cohen_kappa_score(t, p, labels=np.arange(len(labels)), replace_undefined_by=np.nan))


def krippendorff_alpha(truth, pred) -> float:
    """Krippendorff's alpha, nominal metric, for two coders and no missing values.

    Computed with the maintained ``krippendorff`` package (PyPI, numpy 2 compatible) on the 2 x N
    reliability matrix of integer codes; equal to ``irr::kripp.alpha(rbind(truth, pred), "nominal")``
    and to the coincidence-matrix formula of Krippendorff (2011), see tests/r/agreement.R.

    Parameters
    ----------
    truth, pred : sequences of labels, one per segment; no missing values.

    Returns
    -------
    float
        alpha = 1 - D_o / D_e; NaN when undefined (fewer than two distinct values in the pooled
        codes, or no segments).
    """
    t, p = _as_array(truth), _as_array(pred)
    if t.shape != p.shape:
        raise ValueError(f"truth and pred differ in length ({t.size} vs {p.size}); give one label per segment in each")
    values = list(dict.fromkeys(t.tolist() + p.tolist()))
    if len(values) < 2:
        return float("nan")
    tc, pc, _ = _codes(t, p, values)
    return float(krippendorff.alpha(reliability_data=np.vstack([tc, pc]).astype(float),
                                    value_domain=np.arange(len(values), dtype=float),
                                    level_of_measurement="nominal"))


def clustered_bootstrap_kappa(truth, pred, groups, labels: Sequence, n_boot: int = 2000, seed: int = 0,
                              level: float = 0.95) -> dict:
    """Participant-clustered percentile bootstrap confidence interval for Cohen's kappa.

    Each resample draws as many groups (participants) as there are, with replacement, and keeps all
    segments of every drawn group (a group drawn twice counts twice). Kappa is computed per resample
    from the summed human x model tables (vectorised numpy; equal to scikit-learn's kappa). Resamples in
    which kappa is undefined (e.g. all drawn segments carry one label for both raters) are skipped and
    counted; the interval is the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the rest.

    Parameters
    ----------
    truth, pred : sequences of labels, one per segment.
    groups : sequence, one participant id per segment.
    labels : the label set.
    n_boot : number of resamples.
    seed : seed of the ``numpy.random.default_rng`` that draws the resamples.
    level : confidence level of the interval.

    Returns
    -------
    dict
        ``kappa`` (full sample), ``ci_low``, ``ci_high`` (NaN if no resample has a kappa), ``n_boot``
        (requested resamples), ``n_skipped`` (resamples with undefined kappa), ``n_groups``, ``level``,
        ``method`` (``'participant-clustered percentile bootstrap'``).
    """
    if not 0 < level < 1:
        raise ValueError(f"level: {level} is not between 0 and 1; use e.g. 0.95")
    if int(n_boot) < 1:
        raise ValueError(f"n_boot: {n_boot}; use a positive number of resamples, e.g. 2000")
    t, p, labels = _codes(truth, pred, labels)
    g = _as_array(groups)
    if g.size != t.size:
        raise ValueError(f"groups has {g.size} values for {t.size} segments; give one participant id per segment")
    k = len(labels)
    _, g_codes = np.unique(g.astype(str), return_inverse=True)
    n_groups = int(g_codes.max()) + 1 if g_codes.size else 0
    # per-group tables, flattened: (n_groups, k * k)
    per_group = np.zeros((n_groups, k * k))
    np.add.at(per_group, (g_codes, t * k + p), 1)
    kappa = float(_kappa_from_tables(per_group.sum(axis=0).reshape(k, k)))
    rng = np.random.default_rng(seed)
    n_boot = int(n_boot)
    if n_groups:
        draws = rng.integers(0, n_groups, size=(n_boot, n_groups))
        # how often each group is drawn in each resample: (n_boot, n_groups)
        weights = np.zeros((n_boot, n_groups))
        np.add.at(weights, (np.repeat(np.arange(n_boot), n_groups), draws.ravel()), 1)
        boot = _kappa_from_tables((weights @ per_group).reshape(n_boot, k, k))
    else:
        boot = np.full(n_boot, np.nan)
    ok = boot[~np.isnan(boot)]
    alpha = (1 - level) / 2
    lo, hi = (np.quantile(ok, [alpha, 1 - alpha]) if ok.size else (np.nan, np.nan))
    return {"kappa": kappa, "ci_low": float(lo), "ci_high": float(hi), "n_boot": n_boot,
            "n_skipped": int(n_boot - ok.size), "n_groups": n_groups, "level": float(level),
            "method": BOOTSTRAP_METHOD}


# ------------------------------------------------------------------------------------- tables
def per_theme(truth, pred, labels: Sequence) -> pd.DataFrame:
    """Per-label precision, recall and F1 (model against human), counts and label shares.

    Returns
    -------
    pandas.DataFrame
        One row per label, in ``labels`` order, columns:
        ``theme``; ``precision``, ``recall``, ``f1`` (scikit-learn, 0 where undefined);
        ``support`` (segments the human coded with the label); ``n_predicted`` (segments the model
        gave it); ``share_coded`` = support / n and ``share_predicted`` = n_predicted / n (each column
        sums to 1); ``share_difference`` = share_predicted - share_coded (proportion units; positive
        when the model over-assigns the label).
    """
    t, p, labels = _codes(truth, pred, labels)
    k, n = len(labels), t.size
    codes = np.arange(k)
    if n:
        prec, rec, f1, _ = precision_recall_fscore_support(t, p, labels=codes, zero_division=0)
    else:
        prec = rec = f1 = np.zeros(k)
    support = np.bincount(t, minlength=k)
    n_pred = np.bincount(p, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_c = support / n if n else np.full(k, np.nan)
        share_p = n_pred / n if n else np.full(k, np.nan)
    return pd.DataFrame({"theme": labels, "precision": prec.astype(float), "recall": rec.astype(float),
                         "f1": f1.astype(float), "support": support.astype(int),
                         "n_predicted": n_pred.astype(int), "share_coded": share_c,
                         "share_predicted": share_p, "share_difference": share_p - share_c},
                        columns=PER_THEME_COLUMNS)


# ------------------------------------------------------------------------------------- summary
def agreement_summary(truth, pred, groups, labels: Sequence, n_boot: int = 2000, seed: int = 0) -> dict:
    """All agreement statistics in one JSON-serialisable record.

    Returns
    -------
    dict
        ``n`` (segments), ``n_participants``; ``kappa``, ``kappa_ci_low``, ``kappa_ci_high`` (95%
        participant-clustered percentile bootstrap, ``n_boot`` resamples from ``seed``),
        ``kappa_ci_level``, ``kappa_ci_method``, ``n_boot``, ``n_boot_skipped``;
        ``krippendorff_alpha`` (nominal); ``accuracy`` (share of segments with the same label);
        ``macro_f1`` (mean F1 over the labels that occur in either coding, scikit-learn's default);
        ``min_theme_f1`` (over labels the human used, support > 0); ``max_abs_share_difference`` (over
        all labels); ``per_theme``: {label: {precision, recall, f1, support, n_predicted, share_coded,
        share_predicted, share_difference}}; ``labels`` and ``confusion`` (list of rows: human, in
        ``labels`` order; columns: model). Floats are rounded to 4 decimals; undefined values are None.
    """
    t, p, labels = _codes(truth, pred, labels)
    boot = clustered_bootstrap_kappa(t, p, groups, range(len(labels)), n_boot=n_boot, seed=seed)
    table = per_theme(t, p, range(len(labels)))
    table["theme"] = labels
    present = (table["support"] > 0) | (table["n_predicted"] > 0)
    used = table["support"] > 0
    n = int(t.size)
    rows = {}
    for rec in table.to_dict(orient="records"):
        theme = rec.pop("theme")
        rows[theme] = {key: (int(val) if key in ("support", "n_predicted") else _num(val)) for key, val in rec.items()}
    return {
        "n": n,
        "n_participants": boot["n_groups"],
        "kappa": _num(boot["kappa"]),
        "kappa_ci_low": _num(boot["ci_low"]),
        "kappa_ci_high": _num(boot["ci_high"]),
        "kappa_ci_level": boot["level"],
        "kappa_ci_method": boot["method"],
        "n_boot": boot["n_boot"],
        "n_boot_skipped": boot["n_skipped"],
        "krippendorff_alpha": _num(krippendorff_alpha(t, p)),
        "accuracy": _num(np.mean(t == p) if n else np.nan),
        "macro_f1": _num(table.loc[present, "f1"].mean() if present.any() else np.nan),
        "min_theme_f1": _num(table.loc[used, "f1"].min() if used.any() else np.nan),
        "max_abs_share_difference": _num(table["share_difference"].abs().max() if n else np.nan),
        "per_theme": rows,
        "labels": list(labels),
        "confusion": _confusion_counts(t, p, len(labels)).astype(int).tolist(),
    }


# -------------------------------------------------------------------------------- budget curve
def budget_curve(fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray], pool: pd.DataFrame,
                 eval_idx, eval_truth, sizes: Sequence[int] = (0, 2, 4, 8, 16), repeats: int = 10,
                 seed: int = 0, labels: Sequence | None = None) -> pd.DataFrame:
    """Cohen's kappa as a function of the labelling budget (human-coded turns per label).

    For every repeat ``r`` a ``numpy.random.default_rng([seed, r])`` shuffles, once, the pool rows of
    each label (labels in sorted order); the training set of size ``k`` takes the first ``min(k,
    available)`` rows of every label, so the sets of one repeat are nested (size 2 within size 4, ...)
    and labels with fewer available turns contribute all of them. ``fit_predict(train_idx,
    train_labels)`` is called for every size and repeat, with empty arrays for ``k = 0`` (zero-shot),
    and must return one predicted label per ``eval_idx``; kappa is computed against ``eval_truth``.

    Parameters
    ----------
    fit_predict : callable ``(train_idx: np.ndarray, train_labels: np.ndarray) -> np.ndarray`` of
        predicted labels for ``eval_idx`` (the callable knows the feature matrix and ``eval_idx``).
    pool : DataFrame with columns ``label`` and ``index`` (positions into the feature matrix the
        callable understands) of the candidate training turns.
    eval_idx : positions of the evaluation turns (only their number is used here).
    eval_truth : human codes of the evaluation turns, one per ``eval_idx``.
    sizes : budgets, turns per label.
    repeats : draws per size.
    seed : master seed.
    labels : the label set for kappa; default: every label in ``eval_truth``, the pool and the
        predictions (kappa does not depend on unused labels or their order).

    Returns
    -------
    pandas.DataFrame
        Columns ``size``, ``repeat``, ``n_train`` (training turns actually drawn), ``kappa`` (NaN where
        undefined); one row per size and repeat.
    """
    missing = {"label", "index"} - set(pool.columns)
    if missing:
        raise ValueError(f"pool: missing column(s) {sorted(missing)}; expected label,index")
    eval_idx = np.asarray(eval_idx)
    eval_truth = np.asarray(eval_truth, dtype=object)
    if eval_truth.size != eval_idx.size:
        raise ValueError(f"eval_truth has {eval_truth.size} labels for {eval_idx.size} eval_idx; give one per turn")
    if any(int(k) < 0 for k in sizes):
        raise ValueError(f"sizes: {list(sizes)}; budgets must be >= 0 turns per label")
    pool_labels = pool["label"].to_numpy(dtype=object)
    pool_index = pool["index"].to_numpy()
    by_label = {lab: np.flatnonzero(pool_labels == lab) for lab in sorted(set(pool_labels.tolist()), key=str)}
    rows = []
    for r in range(int(repeats)):
        rng = np.random.default_rng([int(seed), r])
        order = {lab: rng.permutation(pos) for lab, pos in by_label.items()}
        for k in sizes:
            k = int(k)
            take = np.concatenate([pos[:k] for pos in order.values()] + [np.array([], dtype=np.intp)]).astype(np.intp)
            take.sort()
            pred = np.asarray(fit_predict(pool_index[take], pool_labels[take]), dtype=object).ravel()
            if pred.size != eval_truth.size:
                raise ValueError(f"fit_predict returned {pred.size} labels for {eval_truth.size} evaluation turns")
            labs = (list(labels) if labels is not None else
                    list(dict.fromkeys(eval_truth.tolist() + pool_labels.tolist() + pred.tolist())))
            rows.append({"size": k, "repeat": r, "n_train": int(take.size),
                         "kappa": cohen_kappa(eval_truth, pred, labs)})
    return pd.DataFrame(rows, columns=BUDGET_COLUMNS).astype({"size": int, "repeat": int, "n_train": int,
                                                               "kappa": float})


def budget_summary(curve: pd.DataFrame) -> pd.DataFrame:
    """Summarise :func:`budget_curve` per size.

    Returns
    -------
    pandas.DataFrame
        Columns ``size``, ``mean``, ``min``, ``max`` (of kappa over repeats, NaN kappas left out) and
        ``n_repeats`` (repeats with a defined kappa), one row per size in increasing order.
    """
    grouped = curve.groupby("size", sort=True)["kappa"]
    out = grouped.agg(["mean", "min", "max", "count"]).reset_index()
    out = out.rename(columns={"count": "n_repeats"})
    out["n_repeats"] = out["n_repeats"].astype(int)
    return out[BUDGET_SUMMARY_COLUMNS]
