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


def scale_reliability(items: pd.DataFrame, scale: str, level: float = 0.95) -> tuple[dict, pd.DataFrame]:
    """Reliability of one scale from its (reverse-coded) item columns.

    Returns ``(row, item_table)``: ``row`` has keys scale, n_items, n (complete cases), alpha,
    alpha_ci_low, alpha_ci_high, omega_total; ``item_table`` has columns scale, item,
    alpha_if_dropped (raw alpha of the other items; NaN when only one would remain) and r_drop
    (correlation of the item with the sum of the other items).
    """
    complete = items.dropna()
    x = complete.to_numpy(dtype=float)
    k = x.shape[1]
    alpha, lo, hi = cronbach_alpha(complete, level) if k >= 2 else (math.nan, math.nan, math.nan)
    row = {"scale": scale, "n_items": k, "n": int(len(complete)), "alpha": alpha, "alpha_ci_low": lo,
           "alpha_ci_high": hi, "omega_total": omega_total(complete)}
    rows = []
    for j, item in enumerate(items.columns):
        rest = np.delete(x, j, axis=1)
        a_drop = _alpha_raw(rest) if rest.shape[1] >= 2 else math.nan
        r_drop = float(np.corrcoef(x[:, j], rest.sum(axis=1))[0, 1])
        rows.append({"scale": scale, "item": item, "alpha_if_dropped": a_drop, "r_drop": r_drop})
    return row, pd.DataFrame(rows)


def reliability_tables(scored: pd.DataFrame, constructs: dict, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reliability of every construct with at least two items.

    ``constructs`` maps construct id -> list of item ids (columns of ``scored``, already reverse-coded).
    Returns ``(reliability, reliability_items)`` with the columns documented in
    :func:`scale_reliability`.
    """
    rows, tables = [], []
    for name, item_ids in constructs.items():
        if len(item_ids) < 2:
            continue
        row, tab = scale_reliability(scored[list(item_ids)], name, level)
        rows.append(row)
        tables.append(tab)
    rel = pd.DataFrame(rows, columns=["scale", "n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total"])
    items = (pd.concat(tables, ignore_index=True) if tables
             else pd.DataFrame(columns=["scale", "item", "alpha_if_dropped", "r_drop"]))
    return rel, items
