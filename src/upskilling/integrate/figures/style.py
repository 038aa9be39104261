"""One colour-blind-safe style for every figure, and deterministic saving to PNG + PDF.

Categorical colours are the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design");
ordered response scales use a ColorBrewer purple-orange diverging scheme (PuOr, colour-blind safe)
with a grey middle; continuous values use matplotlib's ``cividis`` (designed for colour-vision
deficiency). Saving strips timestamps from the file metadata so that two runs write identical files.
"""
from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: Okabe-Ito colours by name.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}
#: Categorical cycle (black last: it is for text and reference lines).
CATEGORICAL = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "sky_blue",
                                      "reddish_purple", "yellow", "grey")]
#: Diverging colours for a 5-point scale, disagree -> agree (ColorBrewer PuOr-5, reversed, grey middle).
DIVERGING5 = ["#e66101", "#fdb863", "#d9d9d9", "#b2abd2", "#5e3c99"]
#: Sequential colour map for shares and counts.
SEQUENTIAL = "cividis"
#: Colours of verdicts and fits in the joint display.
VERDICT_COLOURS = {"supported": OKABE_ITO["bluish_green"], "not supported": OKABE_ITO["grey"],
                   "contradicted": OKABE_ITO["vermillion"]}
FIT_COLOURS = {"confirmation": OKABE_ITO["bluish_green"], "expansion": OKABE_ITO["sky_blue"],
               "discordance": OKABE_ITO["orange"]}

RC = {
    "figure.dpi": 100, "savefig.bbox": "tight", "font.size": 9, "axes.titlesize": 10,
    "axes.titleweight": "bold", "axes.labelsize": 9, "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=CATEGORICAL), "legend.frameon": False,
    "svg.hashsalt": "upskilling", "pdf.fonttype": 42,
}


def apply() -> None:
    """Apply the shared style (idempotent)."""
    plt.rcParams.update(RC)


def diverging(n: int) -> list[str]:
    """``n`` colours for an ordered scale from disagree to agree (grey in the middle when n is odd)."""
    if n == 5:
        return list(DIVERGING5)
    cmap = matplotlib.colormaps["PuOr"]
    cols = [matplotlib.colors.to_hex(cmap(1 - i / max(n - 1, 1))) for i in range(n)]
    if n % 2:
        cols[n // 2] = "#d9d9d9"
    return cols


def wrap(text: str, width: int = 40) -> str:
    """Wrap a label onto several lines (existing line breaks are kept)."""
    lines = []
    for line in str(text).split("\n"):
        lines.extend(textwrap.wrap(line, width) or [""])
    return "\n".join(lines)


def save(fig, png: str | Path, pdf: str | Path | None = None, dpi: int = 150) -> None:
    """Save ``fig`` as PNG (and PDF) without timestamps, then close it."""
    Path(png).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=dpi, metadata={"Software": None})
    if pdf is not None:
        fig.savefig(pdf, metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None})
    plt.close(fig)


apply()
# matplotlib's PDF backend subsets fonts with fontTools, which logs every table at INFO level.
logging.getLogger("fontTools").setLevel(logging.WARNING)
