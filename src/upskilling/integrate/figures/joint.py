"""The joint display as a figure: a table with one row per claim, verdict and fit colour-coded.

Matplotlib's table sizes each column to its widest (wrapped) cell (``auto_set_column_width``); the
figure is then sized to the table, so no cell text is cut off however long a test or theme label is.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..fmt import estimate, pvalue, test_label
from ..joint import k_of_n
from .style import FIT_COLOURS, VERDICT_COLOURS, wrap

FONT = 8.5
LINE = 0.2  # inches per text line in a cell, spacing included
TOP = 0.4  # inches above the table, for the title
#: Column headers and the width (characters) each column's text is wrapped to.
COLUMNS = [("Claim", 24), ("Survey test", 18), ("Estimate [95% CI]", 18), ("p (adj.)", 8), ("Verdict", 13),
           ("Themes: % of segments (participants)", 34), ("Interviews", 12), ("Fit", 13)]


def _themes(r: dict, labels: dict[str, str]) -> str:
    """'<label> 17.3% (6/8)' per theme of the claim, one a line (labels wrapped)."""
    shares = str(r["theme_shares"]).split("; ") if isinstance(r["theme_shares"], str) and r["theme_shares"] else []
    people = str(r["theme_participants"]).split("; ") if isinstance(r["theme_participants"], str) else []
    people = people + [""] * (len(shares) - len(people))
    out = []
    for s, p in zip(shares, people):
        theme, _, pct = s.rpartition(" ")
        n = f"\u00a0({p.rsplit(' ', 1)[-1]})" if p else ""  # no-break spaces: "9.8% (6/8)" stays together
        out.append(wrap(f"{labels.get(theme, theme)} {pct}{n}", COLUMNS[5][1]))
    return "\n".join(out) or "\u2013"


def joint_display(claims: pd.DataFrame, labels: dict[str, str] | None = None):
    """Figure: claims (rows) x survey evidence, interview evidence, fit and verdict (columns); under
    the fit, in how many coding seeds it comes out the same ('4 of 5 seeds'). ``labels`` maps theme
    ids to their labels (ids are shown where a label is missing)."""
    labels = labels or {}
    cells, fits = [], []
    for r in claims.to_dict("records"):
        k = k_of_n(r)
        row = [f"{r['claim']}: {r['title']}", test_label(r).replace("_", " "), estimate(r), pvalue(r["p_adjusted"]),
               str(r["verdict"]), None, str(r["qual_direction"]), str(r["fit"]) + (f"\n{k} seeds" if k else "")]
        row = [wrap(v, w) if v is not None else _themes(r, labels) for v, (_, w) in zip(row, COLUMNS)]
        cells.append(row)
        fits.append(r["fit"])
    header = [wrap(h, max(w, 12)) for h, w in COLUMNS]
    lines = [max(c.count("\n") + 1 for c in row) + 0.6 for row in [header, *cells]]
    height = LINE * sum(lines)
    fig = plt.figure(figsize=(10, height + TOP))
    ax = fig.add_axes((0, 0, 1, height / (height + TOP)))
    ax.axis("off")
    table = ax.table(cellText=cells, colLabels=header, loc="upper left", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(FONT)
    for (i, j), cell in table.get_celld().items():
        cell.PAD = 0.06  # of the cell's width, each side (matplotlib's default 0.1 makes wide columns wider)
        cell.set_edgecolor("#bbbbbb")
        cell.set_height(lines[i] / sum(lines) * (1 - 2 * table.AXESPAD))
        if i == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#eeeeee")
        elif j == 4:
            cell.set_facecolor(VERDICT_COLOURS.get(cells[i - 1][4], "white"))
            cell.set_alpha(0.55)
        elif j == 7:
            cell.set_facecolor(FIT_COLOURS.get(fits[i - 1], "white"))
            cell.set_alpha(0.55)
    table.auto_set_column_width(list(range(len(COLUMNS))))
    fig.canvas.draw()  # column widths are known (in pixels) only once drawn: fit the figure to them
    width = table.get_window_extent(fig.canvas.get_renderer()).width / fig.dpi
    fig.set_figwidth(width / (1 - 2 * table.AXESPAD))
    fig.suptitle(wrap("Joint display: survey verdict, interview evidence and fit of the strands",
                      int(width * 72 / (0.6 * 11))), x=0.005, ha="left", y=1 - 0.04 / (height + TOP), va="top")
    return fig
