"""Descriptive statistics per item and per scale, and answer frequencies of choice items.

Quantiles are R's default (type 7, numpy's 'linear'); SD uses n - 1. ``pct_agree`` / ``pct_disagree``
are the percentages (0-100, of non-missing answers) above / below the midpoint of the item's response
scale (for agree5: "Somewhat agree" or "Strongly agree" / the two disagree options; for a scale mean,
a mean above / below the midpoint); they are empty for numeric items.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import Codebook, code_name

COLUMNS = ["variable", "kind", "n", "mean", "sd", "median", "q1", "q3", "iqr", "pct_agree", "pct_disagree"]
FREQ_COLUMNS = ["variable", "code", "label", "n", "pct"]


def describe(values, midpoint: float | None) -> dict:
    """n, mean, sd, median, q1, q3, iqr, pct_agree, pct_disagree of one variable (NaNs dropped)."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    n = x.size
    if n == 0:
        return {"n": 0, **{k: np.nan for k in COLUMNS[3:]}}
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    out = {"n": int(n), "mean": float(x.mean()), "sd": float(x.std(ddof=1)) if n > 1 else np.nan,
           "median": float(med), "q1": float(q1), "q3": float(q3), "iqr": float(q3 - q1)}
    if midpoint is None:
        out["pct_agree"] = out["pct_disagree"] = np.nan
    else:
        out["pct_agree"] = float(100 * np.mean(x > midpoint))
        out["pct_disagree"] = float(100 * np.mean(x < midpoint))
    return out


def descriptives_table(scored: pd.DataFrame, cb: Codebook, extra_items: list[str]) -> pd.DataFrame:
    """Descriptives of every likert item (attention checks left out), numeric item, the single items in
    ``extra_items`` (ordered scales such as frequencies) and every construct. Columns: see :data:`COLUMNS`."""
    rows = []
    checks = {c["item"] for c in cb.data["attention_checks"]}
    for it in cb.items:
        if it["id"] in checks:
            continue
        if it["type"] == "likert" or (it["type"] == "single" and it["id"] in extra_items):
            rows.append({"variable": it["id"], "kind": "item", **describe(scored[it["id"]], cb.midpoint(it["id"]))})
        elif it["type"] == "numeric":
            rows.append({"variable": it["id"], "kind": "item", **describe(scored[it["id"]], None)})
    for name, c in cb.constructs.items():
        rows.append({"variable": name, "kind": "scale", **describe(scored[name], cb.midpoint(c["items"][0]))})
    return pd.DataFrame(rows, columns=COLUMNS)


def frequencies_table(scored: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Answer counts of single and multi-select items: variable, code, label, n, pct (of respondents
    who answered the question)."""
    rows = []
    for it in cb.items:
        if it["type"] not in ("single", "multi"):
            continue
        sc = cb.scale_of(it["id"])
        if it["type"] == "single":
            col = scored[it["id"]]
            base = int(col.notna().sum())
            counts = col.value_counts()
            for lab, code in zip(sc["labels"], sc["codes"]):
                k = int(counts.get(code, 0))
                rows.append({"variable": it["id"], "code": code, "label": lab, "n": k,
                             "pct": 100 * k / base if base else np.nan})
        else:
            for lab, code in zip(sc["labels"], sc["codes"]):
                col = scored[f"{it['id']}_{code_name(code)}"]
                base = int(col.notna().sum())
                k = int((col == 1).sum())
                rows.append({"variable": it["id"], "code": code, "label": lab, "n": k,
                             "pct": 100 * k / base if base else np.nan})
    return pd.DataFrame(rows, columns=FREQ_COLUMNS)
