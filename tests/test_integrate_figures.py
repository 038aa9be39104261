"""Figures: every one renders from the contract-shaped inputs, as PNG and PDF, in one colour-blind-safe style."""
import inspect
import sys
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.errors import InputError  # noqa: E402
from upskilling.integrate import figures  # noqa: E402
from upskilling.integrate.figures import barriers, invisible, likert, motivation, resources, style  # noqa: E402
from upskilling.survey.codebook import load_codebook  # noqa: E402

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("fig") / "p")
    support.build_claims(root)
    return root, support.build_figures(root, reuse=False)  # drawn here: this module tests the drawing


def test_every_figure_is_a_nonblank_png_and_a_pdf(built):
    root, pngs = built
    assert set(pngs) == set(figures.FIGURES)
    for name, png in pngs.items():
        img = imread(png)
        assert img.shape[0] > 200 and img.shape[1] > 300, name
        assert img[..., :3].std() > 0.05, f"{name} looks blank"
        pdf = png.with_suffix(".pdf")
        assert pdf.read_bytes().startswith(b"%PDF"), name


def test_figures_are_reproducible_byte_for_byte(built, tmp_path):
    root, pngs = built
    again = support.build_figures(root, names=["barrier_scales", "joint_display"], reuse=False)
    for name in ("barrier_scales", "joint_display"):
        assert again[name].read_bytes() == pngs[name].read_bytes()
    pdf1 = (root / "results/figures/barrier_scales.pdf").read_bytes()
    assert b"CreationDate" not in pdf1


def test_palette_is_okabe_ito_and_diverging_scale_is_ordered():
    assert {c.upper() for c in style.CATEGORICAL} <= OKABE_ITO
    assert {c.upper() for c in style.VERDICT_COLOURS.values()} <= OKABE_ITO
    assert {c.upper() for c in style.FIT_COLOURS.values()} <= OKABE_ITO
    div = style.diverging(5)
    assert div[2] == "#d9d9d9"  # neutral is grey
    # lightness falls towards both ends: the scale reads as ordered in greyscale too
    light = [np.mean(mcolors.to_rgb(c)) for c in div]
    assert light[0] < light[1] < light[2] > light[3] > light[4]
    assert len(style.diverging(7)) == 7


def test_likert_percentages_sum_to_100_and_ignore_missing():
    scored = pd.DataFrame({"a": [1, 2, 2, 5, None], "b": [3, 3, 3, 3, 3]})
    pct = likert.likert_percentages(scored, ["a", "b"], [1, 2, 3, 4, 5])
    assert pct.loc["a", "n"] == 4 and pct.loc["a", 2] == pytest.approx(50)
    assert pct.drop(columns="n").sum(axis=1).tolist() == pytest.approx([100, 100])


def test_mean_ci_matches_a_t_interval():
    s = barriers.mean_ci(pd.Series([1, 2, 3, 4, 5]))
    assert s["mean"] == 3 and s["n"] == 5
    # t(0.975, 4) = 2.7764; sd = 1.5811
    assert s["ci_high"] - s["mean"] == pytest.approx(2.7764451 * 1.5811388 / np.sqrt(5), rel=1e-6)


def test_primary_shares_have_wilson_intervals():
    t = resources.primary_shares(pd.Series(["AI"] * 2 + ["Video"] * 8), ["AI", "Video", "Books"])
    ai = t.set_index("label").loc["AI"]
    assert ai["share"] == pytest.approx(0.2)
    # Wilson 95% for 2/10: [0.0567, 0.5098]
    assert (ai["ci_low"], ai["ci_high"]) == pytest.approx((0.0567, 0.5098), abs=1e-3)
    assert t.set_index("label").loc["Books", "count"] == 0


def test_multi_select_columns_in_either_layout(built):
    root, _ = built
    cb = load_codebook(root / "config/codebook.yaml")
    joined = pd.DataFrame({"ai_activities": ["1;5", "2", None]})
    wide = pd.DataFrame({f"ai_activities_{c}": v for c, v in zip(range(1, 9), [[1, 0, 0], [0, 1, 0], [0, 0, 0],
                                                                              [0, 0, 0], [1, 0, 0], [0, 0, 0],
                                                                              [0, 0, 0], [0, 0, 0]])})
    a = cb.split_multi("ai_activities", joined)
    b = cb.split_multi("ai_activities", wide)
    assert a.iloc[0]["Explored an unfamiliar topic"] == 1 and a.iloc[1]["Asked for a study plan or learning roadmap"] == 1
    assert a.iloc[:2].sum().sum() == 3 and a.iloc[2].isna().all()
    assert b.iloc[0]["Asked it to explain a concept"] == 1 and b.sum().sum() == 3


def test_missing_construct_column_names_the_file(built, tmp_path):
    root, _ = built
    p = support.paths(root)
    scored = pd.read_csv(p["scored"]).drop(columns="barrier_context")
    bad = tmp_path / "scored.csv"
    scored.to_csv(bad, index=False)
    with pytest.raises(InputError, match=r"scored.csv: missing column\(s\) \['barrier_context'\]"):
        figures.make("barrier_scales", {"scored": bad, "codebook": p["codebook"]}, support.config(root))


def test_unknown_figure_name_is_refused():
    with pytest.raises(KeyError, match="unknown figure"):
        figures.make("pie_chart", {}, {})


def test_one_registry_entry_per_figure():
    """FIGURES (the rules' inputs) and reads (the rules' params) are derived from REGISTRY's entries."""
    assert list(figures.FIGURES) == list(figures.REGISTRY)
    for name, fig in figures.REGISTRY.items():
        assert figures.FIGURES[name] == fig.inputs and set(fig.inputs) <= set(figures.LOADERS), name
        assert figures.reads(name) == ["integration.figures.dpi", *fig.reads]
        assert callable(fig.draw)


def test_a_jittered_figure_takes_the_seed_from_the_settings_only(built):
    root, _ = built
    p = support.paths(root)
    cfg = support.config(root)
    del cfg["seed"]
    jittered = [n for n in figures.REGISTRY if "seed" in figures.reads(n)]
    assert jittered == ["motivation_survival_vs_growth", "barrier_scales", "invisible_competencies"]
    for name in jittered:
        with pytest.raises(ValueError, match=r"^figure settings lack 'seed'"):
            figures.make(name, {k: p[k] for k in figures.FIGURES[name]}, cfg)
    for draw in (motivation.survival_vs_growth, barriers.barrier_scales, invisible.invisible_competencies):
        assert inspect.signature(draw).parameters["seed"].default is inspect.Parameter.empty  # no default of its own


def test_every_figure_has_one_caption_both_reports_show(tmp_path):
    """The caption of a figure is its report/captions/integrate_<name>.rst: Snakemake's report shows the
    file, results/report.html its text (report.figure_captions); a figure added without one fails here."""
    from upskilling.integrate.figures import REGISTRY
    from upskilling.integrate.report import CAPTION_FOLDER, figure_captions

    root = Path(__file__).resolve().parents[1]
    captions = figure_captions(root / CAPTION_FOLDER, list(REGISTRY))
    assert set(captions) == set(REGISTRY)
    for name, text in captions.items():
        assert len(text.split()) >= 10 and "\n" not in text, (name, text)
    assert "Odds ratios" in captions["ordinal_forest"] and "Invisible competencies" in captions["invisible_competencies"]
    with pytest.raises(InputError, match=r"integrate_new_figure\.rst: caption of figure 'new_figure' not found"):
        figure_captions(tmp_path, ["new_figure"])
