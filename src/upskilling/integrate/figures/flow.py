"""Participant flow (CONSORT-style) from the survey's flow.csv.

Drawn with matplotlib patches: no library draws CONSORT diagrams from a table, and the layout is
simple (a column of boxes for the sample remaining, an exclusion box beside each step that removed
rows, sized to its text).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch

from .style import OKABE_ITO, wrap

LINE = 0.17   # height of one text line, in axis units
GAP = 0.32    # vertical gap between boxes (room for the arrows)


def participant_flow(flow: pd.DataFrame, n_interviewees: int | None = None):
    """Figure: one box per step with the sample remaining, an exclusion box per step that removed rows.

    ``flow`` has ``step, reason, n_removed, n_remaining`` (first row ``raw``). A last step that
    removed nothing is the analysed sample. When ``n_interviewees`` is given, a last box shows the
    interview sample drawn from the analysed respondents.
    """
    rows = flow.to_dict("records")
    boxes = []  # (left text, exclusion text or None, colour)
    for i, r in enumerate(rows):
        n = int(r["n_remaining"])
        if i == 0:
            boxes.append((f"Rows in the raw export\nn = {n}", None, OKABE_ITO["blue"]))
        elif i == len(rows) - 1 and int(r["n_removed"]) == 0:
            boxes.append((f"Analysed\nn = {n}", None, OKABE_ITO["blue"]))
        else:
            excl = None
            if int(r["n_removed"]) > 0:
                excl = wrap(f"Excluded: {int(r['n_removed'])} ({r['step']})\n{r['reason']}", 46)
            boxes.append((wrap(f"After step '{r['step']}'\nn = {n}", 38), excl, OKABE_ITO["blue"]))
    if n_interviewees is not None:
        boxes.append((f"Interviewed (opted in)\nn = {n_interviewees}", None, OKABE_ITO["bluish_green"]))

    heights = [max(t.count("\n") + 1, 2) * LINE + 0.12 for t, _, _ in boxes]
    ex_heights = [(e.count("\n") + 1) * LINE + 0.12 if e else 0.0 for _, e, _ in boxes]
    # the exclusion box of a step sits in the gap above that step's box
    gaps = [0.05] + [max(GAP, eh + 0.16) for eh in ex_heights[1:]]
    total = sum(heights) + sum(gaps)
    fig, ax = plt.subplots(figsize=(7.6, 0.6 + 1.1 * total))
    ax.set_xlim(0, 10)
    ax.set_ylim(-total - 0.05, 0.05)
    ax.axis("off")
    style = dict(boxstyle="round,pad=0.02,rounding_size=0.06", linewidth=1)
    bottom = 0.0
    for i, ((text, excl, colour), h, eh, gap) in enumerate(zip(boxes, heights, ex_heights, gaps)):
        prev_bottom = bottom
        top = prev_bottom - gap
        bottom = top - h
        ax.add_patch(FancyBboxPatch((0.3, bottom), 4.0, h, edgecolor=colour, facecolor="white", **style))
        ax.text(2.3, (top + bottom) / 2, text, ha="center", va="center", fontsize=8.5)
        if i == 0:
            continue
        ax.annotate("", xy=(2.3, top + 0.03), xytext=(2.3, prev_bottom - 0.03),
                    arrowprops=dict(arrowstyle="->", color="black", lw=1))
        if excl:
            mid = (prev_bottom + top) / 2
            ax.add_patch(FancyBboxPatch((5.1, mid - eh / 2), 4.7, eh, edgecolor=OKABE_ITO["vermillion"],
                                        facecolor="#fff5ee", **style))
            ax.text(7.45, mid, excl, ha="center", va="center", fontsize=7.8)
            ax.annotate("", xy=(5.05, mid), xytext=(2.3, mid),
                        arrowprops=dict(arrowstyle="->", color=OKABE_ITO["vermillion"], lw=1))
    final = int(rows[-1]["n_remaining"])
    ax.set_title(wrap(f"Participant flow: {int(rows[0]['n_remaining'])} rows, {final} analysed", 60), loc="left")
    return fig
