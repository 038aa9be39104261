"""Interview figures: topic keywords per theme, and theme prevalence by participant (heatmap)."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import MAX_WIDTH, SEQUENTIAL, chars, ink, theme_styles, wrap

#: Up to this many participants the heatmap has one row per participant; beyond, rows are aggregated.
MAX_ROWS = 40


def topic_keywords(topics: pd.DataFrame, theme_order: list[str], labels: dict[str, str], k: int = 6):
    """Figure: one bar per topic (its size in segments), grouped and coloured by the theme it maps to,
    its first ``k`` keywords beside it. The outlier topic (-1) is left out and counted in the title."""
    t = topics.copy()
    outliers = int(t.loc[t["topic"] == -1, "size"].sum())
    t = t[t["topic"] != -1]
    order = {th: i for i, th in enumerate([*theme_order, "other"])}
    t["_o"] = t["theme"].map(order).fillna(len(order))
    t = t.sort_values(["_o", "size"], ascending=[True, False]).reset_index(drop=True)
    styles = theme_styles([*theme_order, "other"])
    fig, (ax, kw) = plt.subplots(1, 2, figsize=(MAX_WIDTH, 0.42 * len(t) + 1.3), sharey=True, layout="constrained",
                                 gridspec_kw={"width_ratios": [1, 1.25]})
    y = np.arange(len(t))[::-1]
    for yi, r in zip(y, t.to_dict("records")):
        s = styles.get(r["theme"], styles["other"])
        ax.barh(yi, r["size"], color=s["color"], hatch=s["hatch"], hatchcolor=ink(s["color"]), edgecolor="white")
        raw = str(r["keywords"])
        words = ", ".join([w.strip() for w in raw.split(";" if ";" in raw else ",") if w.strip()][:k])
        kw.text(0, yi, wrap(words, chars(4.6, 8.5)), va="center", fontsize=8.5)
    # no-break spaces keep "· topic 2" on the label's last line
    ax.set_yticks(y, [wrap(f"{labels.get(th, th)}\u00a0\u00b7\u00a0topic\u00a0{int(tp)}", 30)
                      for th, tp in zip(t["theme"], t["topic"])])
    ax.set_xlim(0, 1.05 * float(t["size"].max()) if len(t) else 1.0)
    ax.set_xlabel("Segments in topic")
    kw.axis("off")
    kw.set_xlim(0, 1)
    kw.set_title("Keywords", loc="left", fontsize=9)
    fig.suptitle(wrap(f"Topics and their keywords, grouped by theme ({len(t)} topics; {outliers} outlier "
                      "segments not shown)", chars(MAX_WIDTH, 11)), x=0.01, ha="left")
    return fig


def _rows(share: pd.DataFrame, count: pd.DataFrame, labels: dict[str, str]):
    """Rows of the heatmap: ``(share, count, row sizes, groups)``, aggregated beyond :data:`MAX_ROWS`
    participants: grouped by their dominant theme (the theme with the largest share of their segments),
    each group cut into rows of at most ``ceil(participants / MAX_ROWS)`` participants, ordered by that
    share; a row's share is the mean of its participants' (``groups``: (first row, last row, label) per
    dominant theme; ``row sizes``: participants per row; both empty when not aggregated)."""
    if len(share) <= MAX_ROWS:
        return share, count, [], []
    size = math.ceil(len(share) / MAX_ROWS)
    values, counts = share.to_numpy(), count.to_numpy()
    dominant, top = values.argmax(axis=1), values.max(axis=1)
    rows_s, rows_c, sizes, groups = [], [], [], []
    for j, theme in enumerate(share.columns):
        members = np.flatnonzero(dominant == j)
        if not len(members):
            continue
        members = members[np.lexsort((share.index[members], -top[members]))]
        first = len(rows_s)
        for start in range(0, len(members), size):
            part = members[start:start + size]
            rows_s.append(values[part].mean(axis=0))
            rows_c.append(counts[part].sum(axis=0))
            sizes.append(len(part))
        groups.append((first, len(rows_s) - 1, f"{labels.get(theme, theme)} ({len(members)})"))
    return pd.DataFrame(rows_s, columns=share.columns), pd.DataFrame(rows_c, columns=share.columns), sizes, groups


def theme_prevalence_heatmap(prevalence: pd.DataFrame, theme_order: list[str], labels: dict[str, str]):
    """Figure: participants (rows) by themes (columns); colour = share of the participant's segments,
    number = segments. Up to :data:`MAX_ROWS` participants one row each; beyond, rows group the
    participants by dominant theme (see :func:`_rows`), so the figure's height is bounded
    (at most ``MAX_ROWS`` + number of themes rows)."""
    themes = [t for t in [*theme_order, "other"] if t in set(prevalence["theme"]) or t in theme_order]
    share = prevalence.pivot_table(index="participant_id", columns="theme", values="share", aggfunc="sum",
                                   fill_value=0.0).reindex(columns=themes, fill_value=0.0)
    count = prevalence.pivot_table(index="participant_id", columns="theme", values="n_segments", aggfunc="sum",
                                   fill_value=0).reindex(columns=themes, fill_value=0)
    n_people = len(share)
    ids = list(share.index)
    share, count, sizes, groups = _rows(share, count, labels)
    fig, ax = plt.subplots(figsize=(min(MAX_WIDTH, 0.55 * len(themes) + 3.4), 0.28 * len(share) + 2.6),
                           layout="constrained")
    im = ax.imshow(share.to_numpy(), cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(0.3, float(share.max().max())))
    cmap, norm = im.get_cmap(), im.norm
    for i in range(share.shape[0]):
        for j in range(share.shape[1]):
            ax.text(j, i, str(int(count.iat[i, j])), ha="center", va="center", fontsize=7.5,
                    color=ink(cmap(norm(share.iat[i, j]))), in_layout=False)
    ax.set_xticks(range(len(themes)), [wrap(labels.get(t, t), 16) for t in themes], rotation=60, ha="right",
                  rotation_mode="anchor", fontsize=8)
    if groups:  # dominant theme (participants) at the left, participants per row at the right
        for first, _, _ in groups[1:]:
            ax.axhline(first - 0.5, color="white", lw=2)
        ax.set_yticks([(a + b) / 2 for a, b, _ in groups], [wrap(g, 26) for _, _, g in groups], fontsize=8)
        right = ax.secondary_yaxis("right")
        right.set_yticks(range(len(sizes)), [str(n) for n in sizes], fontsize=7)
        right.set_ylabel("Participants in the row", fontsize=8)
    else:
        ax.set_yticks(range(len(ids)), ids, fontsize=8)
    ax.spines[:].set_visible(False)
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02 if not groups else 0.01)
    cbar.set_label(wrap("Share of the participant's segments" if not groups
                        else "Mean share of the participants' segments", 30))
    if n_people <= MAX_ROWS:
        title = "Theme prevalence by participant (numbers = segments)"
    else:
        title = (f"Theme prevalence: {n_people} participants grouped by dominant theme, rows of up to "
                 f"{math.ceil(n_people / MAX_ROWS)} (colour = mean share, numbers = segments)")
    fig.suptitle(wrap(title, chars(fig.get_figwidth(), 12)), x=0.01, ha="left")
    return fig
