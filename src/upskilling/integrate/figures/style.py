"""One colour-blind-safe style for every figure, and deterministic saving to PNG + PDF.

Categorical colours are the Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design");
ordered response scales use a ColorBrewer purple-orange diverging scheme (PuOr, colour-blind safe)
with a grey middle; frequencies (never -> daily) a single-hue blue ramp; continuous values use
matplotlib's ``cividis`` (designed for colour-vision deficiency). Themes get :func:`theme_styles`.
Saving strips timestamps from the file metadata so that two runs write identical files.

Figures are sized for the report, which shows them at most ~900 CSS px wide (about 9.3 in at
96 px/in): :data:`MAX_WIDTH` inches, fonts of 8 pt or more, and constrained layout; :func:`text_inside`
lists any text that would be cut off.
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
#: Theme colours, in theme order: the 7 Okabe-Ito colours (without black and grey), then Paul Tol's
#: "muted" indigo, wine, olive, green, purple and his "light" orange and pink (Tol 2021, "Colour
#: schemes", SRON/EPS/TN/09-002). Chosen so that every pair of the 14 and the grey of 'other' differs
#: by CIEDE2000 delta E >= :data:`MIN_DELTA_E` (smallest pair: 15.0, wine vs purple), and the first 8
#: (the ones told apart by colour alone) by >= 10 under simulated deuteranopia, protanopia and
#: tritanopia (Machado et al. 2009; smallest: 11.1, as for the Okabe-Ito 7 alone).
THEME_COLOURS = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "sky_blue",
                                        "reddish_purple", "yellow")] + [
    "#332288", "#882255", "#999933", "#117733", "#AA4499", "#EE8866", "#FFAABB"]
#: Smallest CIEDE2000 colour difference between two theme colours (normal vision), checked in the tests.
MIN_DELTA_E = 12.0
#: Themes 9-14 are hatched as well (one hatch each), so no two of them rely on colour alone.
THEME_HATCHES = ["//", "\\\\", "xx", "..", "++", "oo"]
#: Every theme has its own marker (for point plots), 'other' included.
THEME_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "p", "h", "*", "d", "H", "8"]
#: Most themes :func:`theme_styles` tells apart ('other' not counted).
MAX_THEMES = len(THEME_COLOURS)
#: Colours of 'other' (not a theme) and of generative AI wherever a figure highlights it.
OTHER_COLOUR = OKABE_ITO["grey"]
AI_COLOUR = OKABE_ITO["vermillion"]
#: Widest figure (inches) that the report shows at full size.
MAX_WIDTH = 9.2
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
    "figure.titlesize": 11, "figure.titleweight": "bold", "xtick.labelsize": 8.5, "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
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


def sequential(n: int) -> list[str]:
    """``n`` colours for an ordered frequency scale (never -> daily), light to dark blue."""
    cmap = matplotlib.colormaps["Blues"]
    return [matplotlib.colors.to_hex(cmap(0.2 + 0.75 * i / max(n - 1, 1))) for i in range(n)]


def theme_styles(themes) -> dict[str, dict]:
    """``{theme: {"color", "hatch", "marker"}}`` for the themes in ``themes`` (in order; pass the whole
    theme list so that a theme has the same style in every figure). 'other' is grey, unhatched.

    Themes 1-8 are told apart by colour (hatch ``None``), themes 9-14 by colour and a hatch; every
    theme has its own marker. More than :data:`MAX_THEMES` themes is a ValueError: beyond that no
    palette keeps neighbouring colours apart, and a figure with recycled colours would mislead.
    """
    themes = list(dict.fromkeys(themes))
    named = [t for t in themes if t != "other"]
    if len(named) > MAX_THEMES:
        raise ValueError(f"{len(named)} themes, but the figures tell at most {MAX_THEMES} apart (plus "
                         "'other'); merge themes in the themes file")
    out = {t: {"color": THEME_COLOURS[i], "hatch": THEME_HATCHES[i - 8] if i >= 8 else None,
               "marker": THEME_MARKERS[i]} for i, t in enumerate(named)}
    if "other" in themes:
        out["other"] = {"color": OTHER_COLOUR, "hatch": None, "marker": THEME_MARKERS[-1]}
    return out


def ink(colour) -> str:
    """Black or white, whichever contrasts more with ``colour`` (for text and hatches on it)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in matplotlib.colors.to_rgb(colour)]
    return "black" if 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] > 0.179 else "white"


def chars(inches: float, fontsize: float = 9) -> int:
    """About how many characters of ``fontsize`` pt fit in ``inches`` (for :func:`wrap`)."""
    return max(8, int(inches * 72 / (0.58 * fontsize)))


def text_inside(fig) -> list[str]:
    """Texts of ``fig`` that are cut off, after ``fig.canvas.draw()``: each visible, non-empty text
    whose window extent leaves the figure, and each table cell whose text is wider or taller than the
    cell. [] when nothing is cut off. (Tick labels of ticks outside the axis limits are not drawn and
    not checked.)"""
    from matplotlib.table import Table
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            eps = 1e-9 * max(abs(lo), abs(hi), 1.0)
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                if not lo - eps <= tick.get_loc() <= hi + eps:
                    undrawn.update({id(tick.label1), id(tick.label2)})
    cells = [c for table in fig.findobj(Table) for c in table.get_celld().values()]
    box, out = fig.bbox, []
    for t in [*fig.findobj(Text), *(c.get_text() for c in cells)]:
        if id(t) in undrawn or not t.get_visible() or not t.get_text().strip():
            continue
        e = t.get_window_extent(renderer)
        if e.x0 < box.x0 - 1 or e.y0 < box.y0 - 1 or e.x1 > box.x1 + 1 or e.y1 > box.y1 + 1:
            out.append(f"{t.get_text()!r} outside the figure")
    for cell in cells:
        e, c = cell.get_text().get_window_extent(renderer), cell.get_window_extent(renderer)
        if cell.get_text().get_text().strip() and (e.x0 < c.x0 or e.x1 > c.x1 or e.y0 < c.y0 or e.y1 > c.y1):
            out.append(f"{cell.get_text().get_text()!r} outside its table cell")
    return out


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
