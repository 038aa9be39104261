"""Internal consistency of multi-item scales: Cronbach's alpha (Feldt CI), McDonald's omega total,
alpha if item dropped and corrected item-total correlations.

Matches ``psych::alpha`` (``raw_alpha``, ``feldt`` interval, ``alpha.drop$raw_alpha``,
``item.stats$r.drop``) and ``psych::omega(x, nfactors = 1, fm = "minres")$omega.tot`` on complete
cases. Alpha comes from pingouin. Omega is written here because no maintained Python library offers
psych's definition: a one-factor minimum-residual (unweighted least squares) fit to the correlation
matrix R, then omega_total = (sum(R) - sum(u²)) / sum(R) with u² = 1 - λ² (psych's ``omegah``).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import optimize, stats

#: Columns of reliability.csv (docs/ARCHITECTURE.md) and of reliability_items.csv.
COLUMNS = ["scale", "n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total", "note"]
ITEM_COLUMNS = ["scale", "item", "alpha_if_dropped", "r_drop"]


def cronbach_alpha(items: pd.DataFrame, level: float = 0.95) -> tuple[float, float, float]:
    """Raw Cronbach's alpha of the complete rows of ``items`` and its Feldt interval (``psych::alpha.ci``).

    Alpha from pingouin; the interval is recomputed here because pingouin rounds it to 3 decimals:
    ``1 - (1 - alpha) * F_{1-a/2 | a/2}(n - 1, (n - 1)(k - 1))``.
    """
    complete = items.dropna()
    alpha, _ = pg.cronbach_alpha(data=complete, ci=level)
    n, k = complete.shape
    a = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    hi = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return float(alpha), float(lo), float(hi)


def _alpha_raw(x: np.ndarray) -> float:
    k = x.shape[1]
    c = np.cov(x, rowvar=False, ddof=1)
    return float(k / (k - 1) * (1 - np.trace(c) / c.sum()))


def minres_loadings(r: np.ndarray) -> np.ndarray:
    """One-factor minimum-residual loadings: minimise the sum of squared off-diagonal residuals of R - λλ'.

    Started from the first principal axis; solved by Levenberg-Marquardt least squares to 1e-14.
    """
    p = r.shape[0]
    iu = np.triu_indices(p, 1)
    vals, vecs = np.linalg.eigh(r)
    start = vecs[:, -1] * math.sqrt(max(vals[-1], 1e-6))
    if start.sum() < 0:
        start = -start

    def resid(lam):
        return (r - np.outer(lam, lam))[iu]

    sol = optimize.least_squares(resid, start, xtol=1e-15, ftol=1e-15, gtol=1e-15, method="lm")
    lam = sol.x
    return lam if lam.sum() >= 0 else -lam


def omega_total(items: pd.DataFrame) -> float:
    """McDonald's omega total from a one-factor minres model of the item correlations (complete rows).

    NaN for fewer than three items (a one-factor model is not identified from one correlation).
    """
    x = items.dropna().to_numpy(dtype=float)
    if x.shape[1] < 3:
        return math.nan
    r = np.corrcoef(x, rowvar=False)
    lam = minres_loadings(r)
    u2 = 1 - lam**2
    vt = r.sum()
    return float((vt - u2.sum()) / vt)


def _no_variance(x: np.ndarray) -> bool:
    return bool(x.size == 0 or np.ptp(x) == 0)


def _r_drop(item: np.ndarray, rest: np.ndarray) -> float:
    """Correlation of an item with the sum of the other items; NaN if either has no variance."""
    total = rest.sum(axis=1)
    if _no_variance(item) or _no_variance(total):
        return math.nan
    return float(np.corrcoef(item, total)[0, 1])


def _alpha_if_dropped(rest: np.ndarray) -> float:
    """Raw alpha of the remaining items; NaN when fewer than two remain or their sum has no variance."""
    if rest.shape[1] < 2 or _no_variance(rest.sum(axis=1)):
        return math.nan
    return _alpha_raw(rest)


def scale_reliability(items: pd.DataFrame, scale: str, level: float = 0.95) -> tuple[dict, pd.DataFrame]:
    """Reliability of one scale from its (reverse-coded) item columns.

    Returns ``(row, item_table)``: ``row`` has keys scale, n_items, n (complete cases), alpha,
    alpha_ci_low, alpha_ci_high, omega_total and note; ``item_table`` has columns scale, item,
    alpha_if_dropped (raw alpha of the other items; NaN when only one would remain) and r_drop
    (correlation of the item with the sum of the other items).

    What the data do not allow is NaN with a one-line ``note`` naming the scale, not an error: fewer
    than two complete cases (everything NaN); a sum score without variance (alpha NaN); an item
    without variance (omega NaN: its correlations are undefined; that item's r_drop NaN).
    """
    complete = items.dropna()
    x = complete.to_numpy(dtype=float)
    n, k = x.shape
    nan = math.nan
    cols = list(items.columns)
    if n < 2:
        note = (f"{scale}: {n} complete case{'' if n == 1 else 's'} (respondents who answered all {k} items); "
                "reliability needs at least 2")
        row = {"scale": scale, "n_items": k, "n": int(n), "alpha": nan, "alpha_ci_low": nan, "alpha_ci_high": nan,
               "omega_total": nan, "note": note}
        return row, pd.DataFrame([{"scale": scale, "item": c, "alpha_if_dropped": nan, "r_drop": nan} for c in cols],
                                 columns=ITEM_COLUMNS)
    notes = []
    constant = [c for j, c in enumerate(cols) if _no_variance(x[:, j])]
    if k < 2:
        alpha, lo, hi = nan, nan, nan
    elif _no_variance(x.sum(axis=1)):
        alpha, lo, hi = nan, nan, nan
        notes.append(f"the sum of the items has no variance across the {n} complete cases, so alpha is undefined")
    else:
        alpha, lo, hi = cronbach_alpha(complete, level)
    if constant and k >= 3:
        omega = nan
        notes.append(f"item{'s' if len(constant) > 1 else ''} {', '.join(constant)} "
                     f"{'have' if len(constant) > 1 else 'has'} no variance across the {n} complete cases, so "
                     "omega (from the item correlations) is undefined")
    else:
        omega = omega_total(complete)
    row = {"scale": scale, "n_items": k, "n": int(n), "alpha": alpha, "alpha_ci_low": lo, "alpha_ci_high": hi,
           "omega_total": omega, "note": f"{scale}: " + "; ".join(notes) if notes else ""}
    rows = []
    for j, item in enumerate(cols):
        rest = np.delete(x, j, axis=1)
        rows.append({"scale": scale, "item": item, "alpha_if_dropped": _alpha_if_dropped(rest),
                     "r_drop": _r_drop(x[:, j], rest)})
    return row, pd.DataFrame(rows, columns=ITEM_COLUMNS)


def reliability_tables(scored: pd.DataFrame, constructs: dict, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reliability of every construct with at least two items.

    ``constructs`` maps construct id -> list of item ids (columns of ``scored``, already reverse-coded).
    Returns ``(reliability, reliability_items)`` with the columns documented in
    :func:`scale_reliability` (:data:`COLUMNS`, :data:`ITEM_COLUMNS`).
    """
    rows, tables = [], []
    for name, item_ids in constructs.items():
        if len(item_ids) < 2:
            continue
        row, tab = scale_reliability(scored[list(item_ids)], name, level)
        rows.append(row)
        tables.append(tab)
    rel = pd.DataFrame(rows, columns=COLUMNS)
    items = (pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=ITEM_COLUMNS))
    return rel, items
