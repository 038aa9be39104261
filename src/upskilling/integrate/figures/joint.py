"""The joint display as a figure: a table with one row per claim, verdict and fit colour-coded."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..fmt import estimate, pvalue, test_label
from ..joint import k_of_n
from .style import FIT_COLOURS, VERDICT_COLOURS, wrap


def joint_display(claims: pd.DataFrame):
    """Figure: claims (rows) x survey evidence, interview evidence, fit and verdict (columns); under
    the fit, in how many coding seeds it comes out the same ('4 of 5 seeds')."""
    header = ["Claim", "Survey test", "Estimate [95% CI]", "p (adj.)", "Verdict",
              "Themes: % of segments (participants)",
              "Interviews", "Fit"]
    cells, fits = [], []
    for r in claims.to_dict("records"):
        shares = str(r["theme_shares"]).split("; ") if r["theme_shares"] else []
        people = str(r["theme_participants"]).split("; ") if r["theme_participants"] else []
        themes = "\n".join(f"{s} ({p.rsplit(' ', 1)[-1]})" for s, p in zip(shares, people))
        cells.append([
            wrap(f"{r['claim']}: {r['title']}", 26), wrap(test_label(r).replace("_", " "), 16),
            wrap(estimate(r), 21), pvalue(r["p_adjusted"]), r["verdict"],
            themes, r["qual_direction"], r["fit"] + (f"\n{k_of_n(r)} seeds" if k_of_n(r) else "")])
        fits.append(r["fit"])
    heights = [max(c.count("\n") + 1 for c in row) for row in cells]
    lines = sum(heights) + 0.7 * len(cells) + 1.6
    unit = 1.0 / lines
    fig, ax = plt.subplots(figsize=(13, 0.45 + 0.19 * lines))
    ax.axis("off")
    table = ax.table(cellText=cells, colLabels=header, loc="upper center", cellLoc="left",
                     colWidths=[0.17, 0.1, 0.15, 0.07, 0.09, 0.24, 0.08, 0.09])
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    for (i, j), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if i == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#eeeeee")
            cell.set_height(1.6 * unit)
            continue
        cell.set_height((heights[i - 1] + 0.7) * unit)
        if j == 4:
            cell.set_facecolor(VERDICT_COLOURS.get(cells[i - 1][4], "white"))
            cell.set_alpha(0.55)
        if j == 7:
            cell.set_facecolor(FIT_COLOURS.get(fits[i - 1], "white"))
            cell.set_alpha(0.55)
    ax.set_title("Joint display: survey verdict, interview evidence and fit of the strands", loc="left",
                 fontsize=11, fontweight="bold")
    return fig
