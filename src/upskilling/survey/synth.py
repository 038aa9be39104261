"""Synthetic survey exports of any size from the codebook alone, for tests and benchmarks.

Not the default data (that is :mod:`upskilling.generate`, with the study's planted effects): this is a
small, vectorised generator so that a test can build a valid export in memory, break one cell, and
check the error message, and so that the benchmark can time the stage on 100,000 respondents.

Model: each construct has a latent N(0, 1) score per respondent; its Likert items are
``clip(round(mid + shift + 0.8 * latent + 0.6 * e))`` on the item's scale (reverse-coded items are
written reversed, as respondents see them). Other Likert items are uniform, attention checks are
answered correctly, screening questions pass, single / multi-select / numeric answers are uniform on
their range, text is empty. ``mess`` adds a share of unfinished, inattentive and duplicate rows.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook


def synth_codes(cb: Codebook, n: int, seed: int = 0, shift: dict | None = None, mess: float = 0.0) -> pd.DataFrame:
    """Answers of ``n`` respondents as codes (0/1 columns for multi-select are joined later).

    Returns a DataFrame keyed by item id: codes for likert / single items (raw, as displayed), lists of
    codes for multi items, numbers for numeric items, strings for text and meta items.
    """
    rng = np.random.default_rng(seed)
    shift = shift or {}
    out: dict = {}
    latent = {name: rng.standard_normal(n) for name in cb.constructs}
    screen = {r["item"]: cb.code_of(r["item"], r["keep"][0]) for r in cb.screening if "keep" in r}
    attn = {c["item"]: cb.code_of(c["item"], c["correct"]) for c in cb.data["attention_checks"]}
    for it in cb.items:
        iid, kind = it["id"], it["type"]
        if kind == "likert":
            lo, hi = cb.code_range(iid)
            if iid in attn:
                out[iid] = np.full(n, attn[iid], dtype=float)
            elif it.get("construct"):
                mid = (lo + hi) / 2
                y = mid + shift.get(it["construct"], 0.0) + 0.8 * latent[it["construct"]] + 0.6 * rng.standard_normal(n)
                code = np.clip(np.rint(y), lo, hi)
                out[iid] = lo + hi - code if it.get("reverse") else code
            else:
                out[iid] = rng.choice(cb.scale_of(iid)["codes"], size=n).astype(float)
        elif kind == "single":
            out[iid] = (np.full(n, screen[iid], dtype=float) if iid in screen
                        else rng.choice(cb.scale_of(iid)["codes"], size=n).astype(float))
        elif kind == "multi":
            codes = np.asarray(cb.scale_of(iid)["codes"])
            pick = rng.random((n, codes.size)) < 0.35
            pick[~pick.any(axis=1), 0] = True
            out[iid] = [codes[row].tolist() for row in pick]
        elif kind == "numeric":
            lo, hi = it.get("min", 0), it.get("max", 100)
            out[iid] = rng.integers(int(lo), int(hi) + 1, size=n).astype(float)
        elif kind == "text":
            out[iid] = np.full(n, "", dtype=object)
    meta = {k: cb.meta_item(k)["id"] for k in cb.meta}
    start = pd.Timestamp("2026-01-12 06:00:00") + pd.to_timedelta(np.sort(rng.integers(0, 25 * 86400, n)), unit="s")
    dur = np.rint(np.exp(rng.normal(np.log(690), 0.35, n))).astype(int)
    for it in cb.items:
        if it["type"] == "meta":
            out[it["id"]] = np.full(n, "", dtype=object)
    out[meta["start"]] = start.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object)
    out[meta["duration"]] = dur.astype(str).astype(object)
    out[meta["finished"]] = np.full(n, "True", dtype=object)
    out[meta["progress"]] = np.full(n, "100", dtype=object)
    out[cb.by_column[cb.id_column]["id"]] = np.array([f"R_{i:015d}" for i in range(n)], dtype=object)
    out[meta["duplicate_key"]] = np.array([f"p{i:012x}" for i in range(n)], dtype=object)
    df = pd.DataFrame(out)
    if mess > 0:
        k = int(round(mess * n / 3))
        idx = rng.permutation(n)
        unf, inat, dup = idx[:k], idx[k:2 * k], idx[2 * k:3 * k]
        df.loc[unf, meta["finished"]] = "False"
        df.loc[unf, meta["progress"]] = "60"
        first_check = cb.data["attention_checks"][0]
        wrong = [c for c in cb.scale_of(first_check["item"])["codes"] if c != attn[first_check["item"]]][0]
        df.loc[inat, first_check["item"]] = float(wrong)
        df.loc[dup, meta["duplicate_key"]] = df.loc[idx[3 * k:4 * k], meta["duplicate_key"]].to_numpy()
    return df


def _cell(value, it: dict, cb: Codebook, fmt: str) -> str:
    kind = it["type"]
    if kind in ("likert", "single"):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if fmt == "numeric":
            return f"{value:g}"
        sc = cb.scale_of(it["id"])
        return sc["labels"][sc["codes"].index(value)]
    if kind == "multi":
        if not isinstance(value, list) or not value:
            return ""
        sc = cb.scale_of(it["id"])
        return ",".join(f"{c:g}" if fmt == "numeric" else sc["labels"][sc["codes"].index(c)] for c in value)
    if kind == "numeric":
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else f"{value:g}"
    return "" if value is None else str(value)


def export_text(df: pd.DataFrame, cb: Codebook, fmt: str = "qualtrics") -> str:
    """CSV text of ``df`` (from :func:`synth_codes`) as a Qualtrics (3 header rows, labels) or numeric export."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([it["column"] for it in cb.items])
    if fmt == "qualtrics":
        w.writerow([f"{it['stem']} - {it['text']}" if it.get("stem") else it["text"] for it in cb.items])
        w.writerow([json.dumps({"ImportId": it["column"]}) for it in cb.items])
    cols = [df[it["id"]].tolist() for it in cb.items]
    for values in zip(*cols):
        w.writerow([_cell(v, it, cb, fmt) for v, it in zip(values, cb.items)])
    return buf.getvalue()


def write_export(df: pd.DataFrame, cb: Codebook, path: str | Path, fmt: str = "qualtrics") -> Path:
    """Write :func:`export_text` to ``path`` and return it."""
    path = Path(path)
    path.write_text(export_text(df, cb, fmt), encoding="utf-8")
    return path
