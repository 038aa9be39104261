"""Figures a referee accepts: a distinct colour (and a second cue) per theme, labels instead of ids,
no text cut off, and a theme heatmap whose size does not grow with the number of participants."""
import itertools
import re
import sys
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.image import AxesImage
from matplotlib.text import Text

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.integrate import figures  # noqa: E402
from upskilling.integrate import inputs as io  # noqa: E402
from upskilling.integrate.figures import joint, style, themes  # noqa: E402

# --- colour science for the checks: sRGB -> CIELAB (D65) and CIEDE2000 (Sharma, Wu & Dalal 2005) ---


def lab(colours) -> np.ndarray:
    rgb = np.array([mcolors.to_rgb(c) for c in colours])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = lin @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    f = np.cbrt(xyz / [0.95047, 1.0, 1.08883])
    f = np.where(f > 6 / 29, f, (xyz / [0.95047, 1.0, 1.08883]) / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def ciede2000(lab1, lab2) -> float:
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    cbar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c, d_h = L2 - L1, c2 - c1, 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    lbar, cbar_p = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        hbar = h1 + h2
    elif abs(h1 - h2) <= 180:
        hbar = (h1 + h2) / 2
    else:
        hbar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(hbar - 30)) + 0.24 * np.cos(np.radians(2 * hbar))
         + 0.32 * np.cos(np.radians(3 * hbar + 6)) - 0.20 * np.cos(np.radians(4 * hbar - 63)))
    s_l = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cbar_p, 1 + 0.015 * cbar_p * t
    r_t = (-np.sin(np.radians(60 * np.exp(-(((hbar - 275) / 25) ** 2))))
           * 2 * np.sqrt(cbar_p ** 7 / (cbar_p ** 7 + 25 ** 7)))
    return float(np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)))


#: Colour-vision deficiency simulation, severity 1 (Machado, Oliveira & Fernandes 2009), on linear RGB.
CVD = {
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def simulate(colour, matrix) -> str:
    rgb = np.array(mcolors.to_rgb(colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    out = np.clip(np.array(matrix) @ lin, 0, 1)
    return mcolors.to_hex(np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055))


def min_delta_e(colours) -> float:
    labs = lab(colours)
    return min(ciede2000(a, b) for a, b in itertools.combinations(labs, 2))


FOURTEEN = [f"theme_{i}" for i in range(14)]


def test_ciede2000_matches_sharmas_reference_pairs():
    # Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 17 and 25
    for l1, l2, expected in [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
                             ((50, 0, 0), (50, -1, 2), 2.3669),
                             ((50, 2.5, 0), (73, 25, -18), 27.1492),
                             ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644)]:
        assert ciede2000(l1, l2) == pytest.approx(expected, abs=1e-4)


def test_fourteen_themes_and_other_have_distinct_styles():
    styles = style.theme_styles([*FOURTEEN, "other"])
    assert list(styles) == [*FOURTEEN, "other"]
    pairs = [(s["color"].upper(), s["hatch"]) for s in styles.values()]
    assert len(set(pairs)) == 15
    assert len({s["color"].upper() for s in styles.values()}) == 15  # even the colours alone differ
    assert len({s["marker"] for s in styles.values()}) == 15
    assert styles["other"]["color"] == style.OTHER_COLOUR and styles["other"]["hatch"] is None
    # the first 8 by colour, the next 6 by colour and each its own hatch
    assert [styles[t]["hatch"] for t in FOURTEEN[:8]] == [None] * 8
    hatches = [styles[t]["hatch"] for t in FOURTEEN[8:]]
    assert all(hatches) and len(set(hatches)) == 6


def test_theme_colours_differ_by_the_stated_delta_e():
    colours = [s["color"] for s in style.theme_styles([*FOURTEEN, "other"]).values()]
    assert style.MIN_DELTA_E >= 12
    assert min_delta_e(colours) >= style.MIN_DELTA_E
    # the old 8-colour cycle gave the 9th theme the 1st theme's blue: now they are far apart
    assert ciede2000(*lab([colours[0], colours[8]])) > 30


def test_themes_told_apart_by_colour_alone_stay_apart_for_colour_blind_readers():
    first8 = [s["color"] for s in style.theme_styles(FOURTEEN[:8]).values()]
    for name, matrix in CVD.items():
        assert min_delta_e([simulate(c, matrix) for c in first8]) >= 10, name


def test_a_theme_keeps_its_style_and_too_many_themes_are_refused():
    full = style.theme_styles([*FOURTEEN[:10], "other"])
    assert style.theme_styles(FOURTEEN[:3]) == {t: full[t] for t in FOURTEEN[:3]}
    assert "other" not in style.theme_styles(FOURTEEN[:3])
    with pytest.raises(ValueError, match=r"15 themes, but the figures tell at most 14 apart"):
        style.theme_styles([f"t{i}" for i in range(15)] + ["other"])


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("style") / "p")
    support.build_claims(root)
    return root


def _make(root: Path, name: str):
    p = support.paths(root)
    return figures.make(name, {k: p[k] for k in figures.FIGURES[name]}, support.config(root))


def _texts(fig) -> list[str]:
    from matplotlib.table import Table

    out = [t.get_text() for t in fig.findobj(Text)]
    out += [c.get_text().get_text() for tb in fig.findobj(Table) for c in tb.get_celld().values()]
    return [t for t in out if t.strip()]


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_no_text_is_cut_off_and_the_figure_fits_the_report(project, name):
    fig = _make(project, name)
    try:
        assert style.text_inside(fig) == []
        # the report shows figures at most ~900 CSS px wide; the joint display's table may be a little wider
        assert fig.get_figwidth() <= (11 if name == "joint_display" else style.MAX_WIDTH + 0.01)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_figures_show_labels_not_ids(project, name):
    ids = [t for t in io.read_themes(support.paths(project)["themes"])["theme"] if "_" in t]
    fig = _make(project, name)
    try:
        shown = "\n".join(_texts(fig)).replace("\u00a0", " ")
    finally:
        plt.close(fig)
    assert [i for i in ids if re.search(rf"\b{i}\b", shown)] == []


def test_text_inside_reports_text_outside_the_figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_yticks([0.5], ["a tick label far too long for a figure three inches wide, so it leaves it"])
    fig.text(0.5, 0.5, "inside")
    try:
        out = style.text_inside(fig)
    finally:
        plt.close(fig)
    assert len(out) == 1 and "far too long" in out[0] and "outside the figure" in out[0]


def test_joint_display_fits_a_long_combined_test_and_uses_theme_labels(project):
    p = support.paths(project)
    claims = pd.read_csv(p["claims"])
    claims.loc[claims["claim"] == "C3", "variables"] = "H3a & H3b & H3c & H3d & H3e"
    labels = io.theme_labels(io.read_themes(p["themes"]))
    fig = joint.joint_display(claims, labels)
    try:
        assert style.text_inside(fig) == []
        cells = [" ".join(t.replace("\u00a0", " ").split()) for t in _texts(fig)]
    finally:
        plt.close(fig)
    assert "all of: H3a & H3b & H3c & H3d & H3e" in cells
    assert any("Barrier: lack of contextual relevance 9.8% (6/8)" in c for c in cells)
    assert not any("barrier_context" in c for c in cells)


def test_joint_display_clips_no_text_without_a_human_coding_or_themes(project):
    claims = pd.read_csv(support.paths(project)["claims"])
    claims.loc[claims["claim"] == "C5", ["theme_shares", "theme_participants"]] = np.nan  # a survey-only claim
    fig = joint.joint_display(claims)
    try:
        assert style.text_inside(fig) == []
    finally:
        plt.close(fig)


def synthetic_prevalence(n: int, n_themes: int = 12, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    names = [f"theme_{i}" for i in range(n_themes)]
    counts = rng.poisson(2.0, size=(n, n_themes + 1))
    counts[np.arange(n), rng.integers(n_themes + 1, size=n)] += 6  # every participant has a dominant theme
    shares = counts / counts.sum(axis=1, keepdims=True)
    ids = [f"P{i:04d}" for i in range(n)]
    rows = [(pid, t, int(counts[i, j]), float(shares[i, j]))
            for i, pid in enumerate(ids) for j, t in enumerate([*names, "other"])]
    return pd.DataFrame(rows, columns=["participant_id", "theme", "n_segments", "share"]), names


def test_heatmap_of_1000_participants_is_bounded_and_keeps_every_participant():
    prev, names = synthetic_prevalence(1000)
    labels = {t: f"Theme {t[-2:]} with a longer label" for t in names}
    fig = themes.theme_prevalence_heatmap(prev, names, labels)
    try:
        w, h = fig.canvas.get_width_height()  # pixels at the figure's dpi (100)
        assert w <= 920 and h <= 1800
        image = next(a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)).get_array()
        assert image.shape[1] == 13 and image.shape[0] <= themes.MAX_ROWS + 13
        # rows are bins of the participants by dominant theme: the per-row counts add up to all 1000
        right = fig.axes[0].child_axes[0]
        assert sum(int(t.get_text()) for t in right.get_yticklabels()) == 1000
        assert style.text_inside(fig) == []
        title = " ".join(fig.get_suptitle().split())
    finally:
        plt.close(fig)
    assert "1000 participants grouped by dominant theme, rows of up to 25" in title


def test_heatmap_up_to_40_participants_has_one_row_each():
    prev, names = synthetic_prevalence(40)
    fig = themes.theme_prevalence_heatmap(prev, names, {})
    try:
        image = next(a for a in fig.axes[0].get_children() if isinstance(a, AxesImage)).get_array()
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        title = " ".join(fig.get_suptitle().split())
    finally:
        plt.close(fig)
    assert image.shape == (40, 13)
    assert ticks == sorted(prev["participant_id"].unique())
    assert title == "Theme prevalence by participant (numbers = segments)"


def test_topic_bars_take_their_theme_style(project):
    p = support.paths(project)
    th = io.read_themes(p["themes"])
    topics = pd.read_csv(p["topics"])
    fig = themes.topic_keywords(topics, list(th["theme"]), io.theme_labels(th))
    try:
        bars = [b for b in fig.axes[0].patches]
        styles = style.theme_styles([*th["theme"], "other"])
        order = [t for t in [*th["theme"], "other"] if t in set(topics.loc[topics["topic"] != -1, "theme"])]
        expected = [styles[t] for t in order for _ in range(int((topics["theme"] == t).sum()))]
        assert [mcolors.to_hex(b.get_facecolor()) for b in bars] == [s["color"].lower() for s in expected]
        assert [b.get_hatch() for b in bars] == [s["hatch"] for s in expected]
        assert any(b.get_hatch() for b in bars)  # the fixture has 10 themes: the 9th and 10th are hatched
    finally:
        plt.close(fig)


def test_learning_resources_use_one_colour_for_ai_and_none_for_two_meanings(project):
    fig = _make(project, "learning_resources_ai_use")
    try:
        a = fig.axes[0]
        labels = [t.get_text().replace("\n", " ") for t in a.get_yticklabels()]
        colours = [mcolors.to_hex(b.get_facecolor()) for b in a.patches]
        used = {mcolors.to_hex(b.get_facecolor()) for ax in fig.axes for b in ax.patches}
        highlighted = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()
                       if mcolors.to_hex(t.get_color()) == style.AI_COLOUR.lower()]
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
    finally:
        plt.close(fig)
    ai = style.AI_COLOUR.lower()
    assert [lab for lab, c in zip(labels, colours) if c == ai] == ["Generative AI tools (e.g. ChatGPT)"]
    assert used <= {ai, style.OTHER_COLOUR.lower(), *style.sequential(5)}
    assert ai not in style.sequential(5)
    assert highlighted == ["Generative AI tools"]
    assert min(sizes) >= 8  # at the report's width (1 in = 96 px) no text is under ~11 px
