"""Change of each survey construct between consecutive waves, both designs (results/survey/comparison)."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import fmt
from . import style
from .style import OKABE_ITO, wrap

#: Marker and colour of each design.
DESIGN_STYLE = {"independent": {"color": OKABE_ITO["blue"], "marker": "o", "name": "independent samples (not linked)"},
                "paired": {"color": OKABE_ITO["orange"], "marker": "s", "name": "linked respondents (paired)"}}
#: The two panels of a wave pair: estimate, CI columns, x label.
PANELS = [("mean_difference", "mean_difference_ci_low", "mean_difference_ci_high", "mean difference (scale points)"),
          ("effect_size", "ci_low", "ci_high", "rank-biserial r")]
WIDTH = getattr(style, "MAX_WIDTH", 9.2)


def _n_text(g: pd.DataFrame, design: str) -> str:
    d = g[g["design"] == design]
    if d.empty:
        return ""
    if design == "paired":
        return f"n = {int(d['n_to'].max())} pairs"
    return f"n = {int(d['n_from'].max())} ({d['from_wave'].iloc[0]}) vs {int(d['n_to'].max())} ({d['to_wave'].iloc[0]})"


def _finite(x) -> bool:
    return isinstance(x, (int, float, np.floating)) and math.isfinite(float(x))


def _significant(value) -> bool:
    return value == "True" if isinstance(value, str) else bool(value)


def survey_comparison(changes: pd.DataFrame):
    """Figure: per wave pair (one row of panels), each construct's change (later - earlier wave) with its
    CI for both designs: (a) mean difference in scale points, (b) rank-biserial r (Mann-Whitney for the
    independent samples, matched for the linked respondents). Filled markers: significant after the
    correction in ``changes``; open: not; constructs with items reworded, rescaled or changed between the
    waves (``codebook_changes``) are marked †. A test that was not computable has no marker.

    ``changes`` is results/survey/comparison/changes.csv (:func:`upskilling.survey.compare.changes`).
    """
    pair_keys = list(dict.fromkeys(zip(changes["from_wave"], changes["to_wave"])))
    per_pair = [list(dict.fromkeys(changes[(changes["from_wave"] == a) & (changes["to_wave"] == b)]["construct"]))
                for a, b in pair_keys]
    height = 1.4 + sum(0.9 + 0.42 * len(c) for c in per_pair) if pair_keys else 2.5
    fig = plt.figure(figsize=(WIDTH, height), layout="constrained")
    if not pair_keys:
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "nothing to compare (fewer than two waves,\nor no construct common to them)",
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    axes = fig.subplots(len(pair_keys), 2, squeeze=False, gridspec_kw={"height_ratios": [len(c) for c in per_pair]})
    single = len(pair_keys) == 1
    designs_all: list[str] = []
    for row, ((fw, tw), constructs) in enumerate(zip(pair_keys, per_pair)):
        g = changes[(changes["from_wave"] == fw) & (changes["to_wave"] == tw)]
        first = g.drop_duplicates("construct").set_index("construct")
        ypos = {c: i for i, c in enumerate(reversed(constructs))}
        labels = []
        for c in reversed(constructs):
            lab = first.loc[c, "label"] if isinstance(first.loc[c, "label"], str) else c
            flagged = isinstance(first.loc[c, "codebook_changes"], str) and first.loc[c, "codebook_changes"] != ""
            labels.append(wrap(lab + (" \u2020" if flagged else ""), 28))
        designs = [d for d in DESIGN_STYLE if (g["design"] == d).any()]
        designs_all += [d for d in designs if d not in designs_all]
        offsets = dict(zip(designs, np.linspace(0.15, -0.15, len(designs)) if len(designs) > 1 else [0.0]))
        for col, (est, lo, hi, what) in enumerate(PANELS):
            ax = axes[row, col]
            ax.axvline(0, color=OKABE_ITO["black"], lw=0.8)
            for design in designs:
                st = DESIGN_STYLE[design]
                for r in g[g["design"] == design].itertuples():
                    y = ypos[r.construct] + offsets[design]
                    x, a, b = getattr(r, est), getattr(r, lo), getattr(r, hi)
                    if not _finite(x):
                        continue
                    if _finite(a) and _finite(b):
                        ax.plot([a, b], [y, y], color=st["color"], lw=1.4, solid_capstyle="butt")
                    ax.plot([x], [y], marker=st["marker"], ms=6, color=st["color"], ls="none", markeredgewidth=1.3,
                            markerfacecolor=st["color"] if _significant(r.significant) else "white")
            ax.set_yticks(range(len(constructs)))
            ax.set_yticklabels(labels if col == 0 else [""] * len(labels))
            ax.set_ylim(-0.6, len(constructs) - 0.4)
            ax.set_xlabel(f"{what}, {tw} \u2212 {fw}")
            if col == 1:
                ax.set_xlim(min(-0.6, ax.get_xlim()[0]), max(0.6, ax.get_xlim()[1]))
            tag = "ab"[col] if single else f"{'ab'[col]}{row + 1}"
            title = f"({tag}) {fw} \u2192 {tw}: {what.split(' (')[0]}"
            design = ("independent", "paired")[col]
            if not single and design in designs:  # n of the pair (one pair: in the legend)
                title += f"\n{design}: {_n_text(g, design)}"
            ax.set_title(title, loc="left")
    corr = str(changes["correction"].dropna().iloc[0]) if changes["correction"].notna().any() else "none"
    adjusted = "unadjusted p" if corr == "none" else f"{fmt.CORRECTIONS.get(corr, corr)}-adjusted p"
    ci = changes["ci_level"].dropna()
    level = f"{100 * float(ci.iloc[0]):g}%" if len(ci) else "95%"
    g = changes
    handles = [plt.Line2D([], [], color=DESIGN_STYLE[d]["color"], marker=DESIGN_STYLE[d]["marker"], lw=1.4,
                          label=DESIGN_STYLE[d]["name"] + (f", {_n_text(g, d)}" if single else "")) for d in designs_all]
    handles += [plt.Line2D([], [], color=OKABE_ITO["grey"], marker="o", markerfacecolor="white", ls="none",
                           label=f"open marker: not significant ({adjusted} \u2265 alpha)"),
                plt.Line2D([], [], ls="none", label=f"lines: two-sided {level} CIs; \u2020 items reworded or rescaled")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8)
    return fig


def write(changes_csv: str | Path, png: str | Path, pdf: str | Path, dpi: int = 150) -> None:
    """Draw results/figures/survey_comparison (:func:`survey_comparison`) from the cross-wave comparison's
    changes.csv (rule survey_compare) and save it as PNG and PDF."""
    table = pd.read_csv(changes_csv, keep_default_na=False, na_values=[""])
    style.save(survey_comparison(table), png, pdf, dpi=dpi)
