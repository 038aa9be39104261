"""Interview figures: topic keywords per theme, and theme prevalence by participant (heatmap)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import CATEGORICAL, SEQUENTIAL, wrap


def topic_keywords(topics: pd.DataFrame, theme_order: list[str], labels: dict[str, str], k: int = 6):
    """Figure: one bar per topic (its size in segments), grouped and coloured by the theme it maps to,
    labelled with its first ``k`` keywords. The outlier topic (-1) is left out and counted in the title."""
    t = topics.copy()
    outliers = int(t.loc[t["topic"] == -1, "size"].sum())
    t = t[t["topic"] != -1]
    order = {th: i for i, th in enumerate([*theme_order, "other"])}
    t["_o"] = t["theme"].map(order).fillna(len(order))
    t = t.sort_values(["_o", "size"], ascending=[True, False]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.36 * len(t) + 1.4))
    y = np.arange(len(t))[::-1]
    colours = {th: CATEGORICAL[i % len(CATEGORICAL)] for i, th in enumerate(dict.fromkeys(t["theme"]))}
    ax.barh(y, t["size"], color=[colours[th] for th in t["theme"]], edgecolor="white")
    xmax = float(t["size"].max()) if len(t) else 1.0
    for yi, r in zip(y, t.to_dict("records")):
        raw = str(r["keywords"])
        words = ", ".join([w.strip() for w in raw.split(";" if ";" in raw else ",") if w.strip()][:k])
        ax.text(r["size"] + 0.01 * xmax, yi, words, va="center", fontsize=7.5)
    ax.set_yticks(y, [f"{labels.get(th, th)} \u00b7 topic {int(tp)}" for th, tp in zip(t["theme"], t["topic"])],
                  fontsize=7.5)
    ax.set_xlim(0, xmax * 2.2)
    ax.set_xlabel("Segments in topic")
    ax.set_title(f"Topics and their keywords, grouped by theme ({len(t)} topics; {outliers} outlier segments "
                 "not shown)", loc="left")
    fig.tight_layout()
    return fig


def theme_prevalence_heatmap(prevalence: pd.DataFrame, theme_order: list[str], labels: dict[str, str]):
    """Figure: participants (rows) by themes (columns); colour = share of the participant's segments,
    number = segments."""
    themes = [t for t in [*theme_order, "other"] if t in set(prevalence["theme"]) or t in theme_order]
    share = prevalence.pivot_table(index="participant_id", columns="theme", values="share", aggfunc="sum",
                                   fill_value=0.0).reindex(columns=themes, fill_value=0.0)
    count = prevalence.pivot_table(index="participant_id", columns="theme", values="n_segments", aggfunc="sum",
                                   fill_value=0).reindex(columns=themes, fill_value=0)
    fig, ax = plt.subplots(figsize=(0.75 * len(themes) + 2.5, 0.32 * len(share) + 2.2))
    im = ax.imshow(share.to_numpy(), cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(0.3, float(share.max().max())))
    vmax = im.get_clim()[1]
    for i in range(share.shape[0]):
        for j in range(share.shape[1]):
            v = share.iat[i, j]
            ax.text(j, i, str(int(count.iat[i, j])), ha="center", va="center", fontsize=7,
                    color="black" if v > 0.55 * vmax else "white")
    ax.set_xticks(range(len(themes)), [wrap(labels.get(t, t), 16) for t in themes], rotation=60, ha="right",
                  fontsize=7.5)
    ax.set_yticks(range(len(share)), share.index, fontsize=7.5)
    ax.spines[:].set_visible(False)
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label("Share of the participant's segments")
    ax.set_title("Theme prevalence by participant (numbers = segments)", loc="left")
    fig.tight_layout()
    return fig
