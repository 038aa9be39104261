"""Diverging stacked bars for every Likert construct (items grouped by construct).

Bars are centred on the neutral category (half of it each side), the usual layout of Heiberger and
Robbins (2014, "Design of diverging stacked bar charts for Likert scales"). Matplotlib's ``barh``
with computed left offsets does it; no plotting library in our stack has a Likert chart.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...survey.codebook import Codebook
from .style import diverging, wrap


def likert_percentages(scored: pd.DataFrame, items: list[str], codes: list) -> pd.DataFrame:
    """Percentage of answers in each code per item (rows items, columns codes; missing ignored).

    Returns a DataFrame indexed by item with one column per code and a column ``n``.
    """
    rows = {}
    for item in items:
        v = pd.to_numeric(scored[item], errors="coerce").dropna()
        counts = v.value_counts().reindex([float(c) for c in codes], fill_value=0)
        pct = 100 * counts / max(len(v), 1)
        rows[item] = list(pct.to_numpy()) + [len(v)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[*codes, "n"])


def likert_constructs(scored: pd.DataFrame, codebook: Codebook):
    """Figure: one panel per construct, one diverging bar per item (reverse-coded items after reversal)."""
    constructs = codebook.construct_items()
    if not constructs:
        raise ValueError("codebook has no constructs")
    sizes = [len(v) for v in constructs.values()]
    fig, axes = plt.subplots(len(constructs), 1, figsize=(8.5, 0.42 * sum(sizes) + 0.8 * len(sizes) + 1.2),
                             gridspec_kw={"height_ratios": sizes}, sharex=True, layout="constrained")
    axes = np.atleast_1d(axes)
    legend_handles = None
    for ax, (construct, items) in zip(axes, constructs.items()):
        codes, labels = codebook.scale(items[0])
        pct = likert_percentages(scored, items, codes)
        colours = diverging(len(codes))
        k = len(codes)
        mid = k // 2 if k % 2 else None
        neg = pct[codes[: k // 2]].sum(axis=1) + (pct[codes[mid]] / 2 if mid is not None else 0)
        left = -neg.to_numpy()
        y = np.arange(len(items))[::-1]
        bars = []
        for j, code in enumerate(codes):
            width = pct[code].to_numpy()
            bars.append(ax.barh(y, width, left=left, color=colours[j], edgecolor="white", linewidth=0.5,
                                label=labels[j]))
            left = left + width
        agree = pct[codes[-(k // 2):]].sum(axis=1)
        for yi, item, a, n_ in zip(y, items, agree, pct["n"]):
            ax.text(101, yi, f"{a:.0f}% agree", va="center", fontsize=8)
        ticks = []
        for item in items:
            meta = codebook.item(item)
            rev = " (R)" if meta.get("reverse") else ""
            ticks.append(wrap(f"{meta.get('text', item)}{rev}", 50))
        ax.set_yticks(y, ticks, fontsize=8)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(wrap(f"{codebook.construct_label(construct)} (n = {int(pct['n'].max())})", 60), loc="left")
        ax.set_xlim(-100, 100)
        legend_handles = bars
    axes[-1].set_xticks(range(-100, 101, 25), [f"{abs(t)}%" for t in range(-100, 101, 25)])
    axes[-1].set_xlabel("Share of respondents (disagree left, agree right; neutral split at 0)")
    # the figure's title is the legend's (a suptitle and an 'outside' legend overlap in constrained layout)
    fig.legend([b[0] for b in legend_handles], [wrap(b.get_label(), 16) for b in legend_handles],
               loc="outside upper center", ncol=len(legend_handles), fontsize=8,
               title="Likert items by construct; (R) = reverse-coded, shown after reversal",
               title_fontproperties={"weight": "bold", "size": 11})
    return fig
