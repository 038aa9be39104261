"""Learning resources and AI use (claim C2): primary resource, use of each resource, AI use frequency,
and what respondents did with AI to learn."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from ..codebook import Codebook
from .style import OKABE_ITO, diverging, wrap


def primary_shares(values: pd.Series, order: list[str]) -> pd.DataFrame:
    """Share naming each resource as primary, with Wilson 95% CIs.

    Returns ``label, count, n, share, ci_low, ci_high`` (one row per label in ``order``).
    """
    v = values.dropna().astype(str)
    n = len(v)
    rows = []
    for lab in order:
        k = int((v == lab).sum())
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson") if n else (np.nan, np.nan)
        rows.append({"label": lab, "count": k, "n": n, "share": k / n if n else np.nan, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def _stacked(ax, table: pd.DataFrame, labels: list[str], title: str, legend_title: str):
    """Horizontal 100% stacked bars; ``table`` rows are bars, columns are ordered categories (percent)."""
    colours = diverging(len(labels))
    y = np.arange(len(table))[::-1]
    left = np.zeros(len(table))
    for j, lab in enumerate(labels):
        w = table[lab].to_numpy()
        ax.barh(y, w, left=left, color=colours[j], edgecolor="white", linewidth=0.5, label=lab)
        left += w
    ax.set_yticks(y, [wrap(i, 30) for i in table.index], fontsize=7.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of respondents")
    ax.set_title(title, loc="left")
    ax.legend(title=legend_title, fontsize=6.5, title_fontsize=7, ncol=3, loc="upper center",
              bbox_to_anchor=(0.5, -0.28))


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
    """Figure with four panels: (a) primary resource shares with Wilson 95% CIs (AI highlighted);
    (b) how often each resource is used; (c) how often AI is used for work and for learning;
    (d) share of respondents who did each learning activity with AI."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.4))
    (a, b), (c, d) = axes
    _, res_labels = codebook.scale(primary_item)
    shares = primary_shares(codebook.decode(primary_item, scored[primary_item]), res_labels)
    shares = shares.sort_values("share")
    colours = [OKABE_ITO["vermillion"] if lab == ai_label else OKABE_ITO["blue"] for lab in shares["label"]]
    y = np.arange(len(shares))
    a.barh(y, 100 * shares["share"], color=colours)
    a.errorbar(100 * shares["share"], y, xerr=[100 * (shares["share"] - shares["ci_low"]),
                                               100 * (shares["ci_high"] - shares["share"])],
               fmt="none", color="black", capsize=3, lw=1)
    a.axvline(50, color="black", ls=":", lw=0.8)
    a.set_yticks(y, [wrap(lab, 30) for lab in shares["label"]], fontsize=7.5)
    a.set_xlabel("% naming it their primary resource (95% Wilson CI)")
    a.set_title(f"(a) Primary learning resource, n = {int(shares['n'].iloc[0])}", loc="left")

    present = [i for i in resource_items if i in scored.columns]
    if present:
        names = {i: codebook.item(i).get("text", i) for i in present}
        table, labels = _percent_table(scored, present, codebook, names)
        _stacked(b, table, labels, "(b) How often each resource is used", "")
    else:
        b.text(0.5, 0.5, "resource-use items not in scored.csv", ha="center", transform=b.transAxes)
        b.axis("off")

    present = [i for i in ai_use_items if i in scored.columns]
    if present:
        names = {i: wrap(codebook.item(i).get("text", i), 45) for i in present}
        short = {i: ("AI for work" if "work" in i else "AI for learning" if "learn" in i else i) for i in present}
        table, labels = _percent_table(scored, present, codebook, short)
        _stacked(c, table, labels, "(c) How often generative AI is used", "")
    else:
        c.text(0.5, 0.5, "AI-use items not in scored.csv", ha="center", transform=c.transAxes)
        c.axis("off")

    multi = codebook.split_multi(activities_item, scored) if activities_item else None
    if multi is not None:
        share = (100 * multi.mean()).sort_values()
        yy = np.arange(len(share))
        d.barh(yy, share.to_numpy(), color=OKABE_ITO["bluish_green"])
        for yi, v in zip(yy, share.to_numpy()):
            d.text(v + 1, yi, f"{v:.0f}%", va="center", fontsize=7.5)
        d.set_yticks(yy, [wrap(x, 32) for x in share.index], fontsize=7.5)
        d.set_xlim(0, 100)
        d.set_xlabel("% of respondents")
        d.set_title("(d) Learning activities done with AI", loc="left")
    else:
        d.text(0.5, 0.5, "activities item not available", ha="center", transform=d.transAxes)
        d.axis("off")
    fig.tight_layout()
    return fig
