"""Proportional-odds (ordinal logistic) regression, as ``ordinal::clm`` / ``MASS::polr``.

Model: logit P(Y <= j | x) = theta_j - x'beta (j = 1..J-1), R's parametrisation. The maximum-likelihood
fit is a Newton-Raphson iteration with the analytic gradient and Hessian (the algorithm of
``ordinal::clm``), with step halving, until the largest absolute gradient is below 1e-10; standard
errors come from the inverse of the analytic observed information, as in ``summary(clm(...))``.

Written here rather than taken from statsmodels: ``OrderedModel`` fits the same model and gives the
same estimates (a unit test checks this), but with numerical derivatives only, so one fit with a
converged Hessian took ~24 s for 220 respondents and would not scale to the 100,000-respondent
benchmark. The odds-ratio interval is the Wald interval ``exp(beta ± z * SE)`` (R:
``exp(confint.default(fit))``); profile intervals are not used, so CI and Wald p tell the same story.

Data that do not identify the model raise :class:`~upskilling.survey.result.NotComputable` (a
ValueError) in :func:`fit_ordinal_logit`; :func:`ordinal_logit` returns them as a not-computable result
with the reason as its ``note``: fewer than two outcome levels, a constant predictor, collinear
predictors, complete or quasi-complete separation and too few respondents for the parameters. The last
three are found as ``ordinal::clm`` finds them ("Hessian is numerically singular: parameters are not
uniquely determined"): the information matrix at the optimum has an eigenvalue below sqrt(machine
epsilon), or cannot be inverted (Cholesky).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

from .result import OPPOSITE, NotComputable, TestResult, count, not_computable, sign_of

#: ``ordinal::clm``'s tolerance for a numerically zero eigenvalue of the Hessian (sqrt(.Machine$double.eps)).
SINGULAR_TOL = float(np.sqrt(np.finfo(float).eps))


def _loglik_parts(params: np.ndarray, y: np.ndarray, X: np.ndarray, n_thr: int, hessian: bool):
    theta, beta = params[:n_thr], params[n_thr:]
    eta = X @ beta
    big = 1e300
    th = np.concatenate([[-big], theta, [big]])
    a = th[y + 1] - eta  # upper cut (category y, 0-based)
    b = th[y] - eta      # lower cut
    Fa, Fb = special.expit(a), special.expit(b)
    fa, fb = Fa * (1 - Fa), Fb * (1 - Fb)
    p = Fa - Fb
    ll = float(np.sum(np.log(p)))
    n, q = X.shape[0], n_thr + X.shape[1]
    # u = d a / d params, v = d b / d params (threshold part is an indicator, beta part is -x)
    rows = np.arange(n)
    U = np.zeros((n, q))
    V = np.zeros((n, q))
    up, lo = y, y - 1  # index of the upper / lower threshold among theta
    mu, ml = up < n_thr, lo >= 0
    U[rows[mu], up[mu]] = 1.0
    V[rows[ml], lo[ml]] = 1.0
    U[:, n_thr:] = -X
    V[:, n_thr:] = -X
    g_obs = (fa[:, None] * U - fb[:, None] * V) / p[:, None]
    grad = g_obs.sum(axis=0)
    if not hessian:
        return ll, grad, None
    dfa, dfb = fa * (1 - 2 * Fa), fb * (1 - 2 * Fb)
    H = (U.T @ ((dfa / p)[:, None] * U)) - (V.T @ ((dfb / p)[:, None] * V)) - g_obs.T @ g_obs
    return ll, grad, H


def fit_ordinal_logit(y, X: pd.DataFrame, standardize: bool = False, tol: float = 1e-10, max_iter: int = 100):
    """Fit the proportional-odds model of ordered outcome ``y`` on the numeric columns of ``X``.

    Complete cases only; the outcome's distinct observed values, sorted, are its ordered levels.
    Returns a dict: ``coef`` and ``se`` (Series by predictor), ``thresholds`` (array), ``loglik``,
    ``n``, ``levels``, ``iterations``. Raises :class:`NotComputable` (a ValueError) if the data do not
    identify the model (see the module docstring) or the fit does not converge.
    """
    data = pd.concat([pd.Series(np.asarray(y, dtype=float), index=X.index, name="__y"), X.astype(float)], axis=1)
    data = data.dropna()
    names = list(X.columns)
    n = len(data)
    if n == 0:
        raise NotComputable("no respondent has the outcome and every predictor")
    levels, codes = np.unique(data["__y"].to_numpy(), return_inverse=True)
    n_thr = len(levels) - 1
    if n_thr < 1:
        raise NotComputable(f"the outcome has a single value ({levels[0]:g}) in {count(n, 'complete case')}; an "
                            "ordinal model needs at least two outcome levels")
    for c in names:
        if np.ptp(data[c].to_numpy()) == 0:
            raise NotComputable(f"predictor '{c}' is constant ({data[c].iloc[0]:g} in all "
                                f"{count(n, 'complete case')}), so its slope is not identified")
    if standardize:
        for c in names:
            data[c] = (data[c] - data[c].mean()) / data[c].std(ddof=1)
    singular = (f"the information matrix is numerically singular ({count(n, 'complete case')} for {n_thr + len(names)} "
                "parameters: complete or quasi-complete separation, collinear predictors or too few respondents), "
                "so the slopes are not uniquely determined")
    Xm = data[names].to_numpy(dtype=float)
    cum = np.cumsum(np.bincount(codes, minlength=len(levels)))[:-1] / len(codes)
    params = np.concatenate([special.logit(cum), np.zeros(len(names))])
    ll, grad, H = _loglik_parts(params, codes, Xm, n_thr, True)
    for it in range(1, max_iter + 1):
        try:
            step = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            raise NotComputable(singular) from None
        t = 1.0
        while True:
            new = params - t * step
            thr = new[:n_thr]
            if np.all(np.diff(thr) > 0):
                ll_new, g_new, H_new = _loglik_parts(new, codes, Xm, n_thr, True)
                if np.isfinite(ll_new) and ll_new >= ll - 1e-12:
                    break
            t /= 2
            if t < 1e-10:
                raise NotComputable("Newton-Raphson could not improve the likelihood (a singular or degenerate "
                                    "model); check the predictors")
        params, ll, grad, H = new, ll_new, g_new, H_new
        if np.max(np.abs(grad)) < tol:
            break
    else:
        raise NotComputable(f"the ordinal model did not converge in {max_iter} Newton-Raphson iterations")
    info = -H
    if not np.all(np.isfinite(info)) or np.linalg.eigvalsh(info).min() < SINGULAR_TOL:
        raise NotComputable(singular)
    try:
        np.linalg.cholesky(info)
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise NotComputable(singular) from None
    se = np.sqrt(np.diag(cov))
    return {"coef": pd.Series(params[n_thr:], index=names), "se": pd.Series(se[n_thr:], index=names),
            "thresholds": params[:n_thr], "loglik": ll, "n": int(len(codes)), "levels": levels, "iterations": it}


def _p(z: float, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.norm.sf(z))
    if alternative == "less":
        return float(stats.norm.cdf(z))
    return float(2 * stats.norm.sf(abs(z)))


def ordinal_logit(y, X: pd.DataFrame, term: str, alternative: str = "two-sided", standardize: bool = False,
                  level: float = 0.95) -> TestResult:
    """Test the slope of ``term`` in the proportional-odds model of ``y`` on ``X``.

    Statistic: Wald z = beta / SE; effect: odds ratio exp(beta) with Wald CI; ``details`` holds every
    slope (log-odds) and SE so the whole model can be reported. Data that do not identify the model give
    a not-computable result whose ``note`` says why (see the module docstring).
    """
    try:
        fit = fit_ordinal_logit(y, X, standardize)
    except NotComputable as exc:
        ok = np.isfinite(np.asarray(y, dtype=float)) & np.all(np.isfinite(X.to_numpy(dtype=float)), axis=1)
        return not_computable("z", "odds_ratio", int(ok.sum()), f"ordinal logistic regression: {exc}")
    b, se = float(fit["coef"][term]), float(fit["se"][term])
    z = b / se
    q = float(stats.norm.ppf(1 - (1 - level) / 2))
    p = _p(z, alternative)
    p_opp = _p(z, OPPOSITE[alternative]) if alternative != "two-sided" else math.nan
    return TestResult(z, "z", math.nan, p, p_opp, sign_of(b), "odds_ratio", math.exp(b),
                      math.exp(b - q * se), math.exp(b + q * se), fit["n"],
                      {"coef": {k: float(v) for k, v in fit["coef"].items()},
                       "se": {k: float(v) for k, v in fit["se"].items()}, "n_levels": int(len(fit["levels"])),
                       "loglik": fit["loglik"]})
