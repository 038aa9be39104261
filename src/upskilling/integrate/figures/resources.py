"""Learning resources and AI use (claim C2): primary resource, use of each resource, AI use frequency,
and what respondents did with AI to learn."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...survey.codebook import Codebook
from .style import AI_COLOUR, MAX_WIDTH, OTHER_COLOUR, sequential, wrap


def primary_shares(values: pd.Series, order: list[str]) -> pd.DataFrame:
    """Share naming each resource as primary, with Wilson 95% CIs.

    Returns ``label, count, n, share, ci_low, ci_high`` (one row per label in ``order``).
    """
    v = values.dropna().astype(str)
    n = len(v)
    from statsmodels.stats.proportion import proportion_confint  # here: every figure job imports this module

    rows = []
    for lab in order:
        k = int((v == lab).sum())
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson") if n else (np.nan, np.nan)
        rows.append({"label": lab, "count": k, "n": n, "share": k / n if n else np.nan, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def _stacked(ax, table: pd.DataFrame, labels: list[str], title: str, highlight: str | None = None):
    """Horizontal 100% stacked bars; ``table`` rows are bars, columns are ordered frequency categories
    (percent), light to dark blue. The row named ``highlight`` (generative AI) has its label in the AI colour."""
    colours = sequential(len(labels))
    y = np.arange(len(table))[::-1]
    left = np.zeros(len(table))
    for j, lab in enumerate(labels):
        w = table[lab].to_numpy()
        ax.barh(y, w, left=left, color=colours[j], edgecolor="white", linewidth=0.5, label=lab)
        left += w
    ax.set_yticks(y, [wrap(i, 34) for i in table.index])
    for tick, name in zip(ax.get_yticklabels(), table.index):
        if highlight and _is_ai(name, highlight):
            tick.set_color(AI_COLOUR)
            tick.set_fontweight("bold")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of respondents")
    ax.set_title(title, loc="left")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), labels=[wrap(x, 14) for x in labels],
              reverse=True, handlelength=1.2)


def _is_ai(name: str, ai_label: str) -> bool:
    """Whether a resource's name is the AI resource (its label without the parenthesis, any case)."""
    return str(name).split(" (")[0].strip().lower() == str(ai_label).split(" (")[0].strip().lower()


def _percent_table(scored: pd.DataFrame, items: list[str], codebook: Codebook, names: dict[str, str]):
    codes, labels = codebook.scale(items[0])
    out = {}
    for item in items:
        lab = codebook.decode(item, scored[item]).dropna().astype(str)
        counts = lab.value_counts().reindex(labels, fill_value=0)
        out[names.get(item, item)] = 100 * counts / max(len(lab), 1)
    return pd.DataFrame(out).T, labels


def learning_resources_ai_use(scored: pd.DataFrame, codebook: Codebook, primary_item: str, ai_label: str,
                              resource_items: list[str], ai_use_items: list[str],
                              activities_item: str | None):
    """Figure with four panels, sized to be read at the report's width (~900 px): (a) primary resource
    shares with Wilson 95% CIs and (d) share of respondents who did each learning activity with AI side
    by side; (b) how often each resource is used and (c) how often AI is used for work and for learning
    across the width. One colour, one meaning: generative AI is the one colour highlighted (AI bar,
    AI activities, the AI resource's label), frequencies are a light-to-dark blue scale, grey is any
    other resource."""
    present_b = [i for i in resource_items if i in scored.columns]
    present_c = [i for i in ai_use_items if i in scored.columns]
    n_top = max(len(codebook.scale(primary_item)[1]), 8)
    heights = [0.45 * n_top + 1.2, 0.42 * max(len(present_b), 1) + 1.1, 0.45 * max(len(present_c), 2) + 1.1]
    fig, axes = plt.subplot_mosaic([["a", "d"], ["b", "b"], ["c", "c"]], figsize=(MAX_WIDTH, sum(heights) + 0.4),
                                   height_ratios=heights, layout="constrained")
    a, b, c, d = (axes[k] for k in "abcd")
    _, res_labels = codebook.scale(primary_item)
    shares = primary_shares(codebook.decode(primary_item, scored[primary_item]), res_labels)
    shares = shares.sort_values("share")
    colours = [AI_COLOUR if lab == ai_label else OTHER_COLOUR for lab in shares["label"]]
    y = np.arange(len(shares))
    a.barh(y, 100 * shares["share"], color=colours)
    a.errorbar(100 * shares["share"], y, xerr=[100 * (shares["share"] - shares["ci_low"]),
                                               100 * (shares["ci_high"] - shares["share"])],
               fmt="none", color="black", capsize=3, lw=1)
    a.axvline(50, color="black", ls=":", lw=0.8)
    a.set_xlim(0, max(55.0, 100 * float(shares["ci_high"].max()) + 3))
    a.set_yticks(y, [wrap(lab, 22) for lab in shares["label"]])
    a.set_xlabel(wrap("% naming it their primary resource (95% Wilson CI; dotted: 50%)", 36))
    a.set_title(wrap(f"(a) Primary learning resource, n\u00a0=\u00a0{int(shares['n'].iloc[0])}", 30), loc="left")

    if present_b:
        names = {i: codebook.item(i).get("text", i) for i in present_b}
        table, labels = _percent_table(scored, present_b, codebook, names)
        _stacked(b, table, labels, "(b) How often each resource is used", highlight=ai_label)
    else:
        b.text(0.5, 0.5, "resource-use items not in scored.csv", ha="center", transform=b.transAxes)
        b.axis("off")

    if present_c:
        short = {i: ("AI for work" if "work" in i else "AI for learning" if "learn" in i else i) for i in present_c}
        table, labels = _percent_table(scored, present_c, codebook, short)
        _stacked(c, table, labels, "(c) How often generative AI is used")
    else:
        c.text(0.5, 0.5, "AI-use items not in scored.csv", ha="center", transform=c.transAxes)
        c.axis("off")

    multi = codebook.split_multi(activities_item, scored) if activities_item else None
    if multi is not None:
        share = (100 * multi.mean()).sort_values()
        yy = np.arange(len(share))
        d.barh(yy, share.to_numpy(), color=AI_COLOUR)
        for yi, v in zip(yy, share.to_numpy()):
            d.text(v + 1, yi, f"{v:.0f}%", va="center")
        d.set_yticks(yy, [wrap(x, 24) for x in share.index])
        d.set_xlim(0, min(100.0, float(share.max()) + 12))
        d.set_xlabel("% of respondents")
        d.set_title(wrap("(d) Learning activities done with AI", 30), loc="left")
    else:
        d.text(0.5, 0.5, "activities item not available", ha="center", transform=d.transAxes)
        d.axis("off")
    return fig
