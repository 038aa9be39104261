"""The survey figures of claims C4 and C5 (issue 10): an odds-ratio forest plot of the plan's ordinal models
and the invisible-competencies figure, each planned only where the wave's codebook and plan allow it."""
import copy
import re
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.container import ErrorbarContainer
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.errors import InputError  # noqa: E402
from upskilling.integrate import figures  # noqa: E402
from upskilling.integrate.figures import forest, style  # noqa: E402
from upskilling.survey.codebook import load_codebook  # noqa: E402

NEW = ["ordinal_forest", "invisible_competencies"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("new_figures") / "p")
    support.build_figures(root, names=NEW)  # the rule's path: PNG and PDF written
    return root


def _make(root: Path, name: str, cfg: dict | None = None):
    p = support.paths(root)
    return figures.make(name, {k: p[k] for k in figures.FIGURES[name]}, cfg or support.config(root))


def _hypotheses(root: Path) -> pd.DataFrame:
    return pd.read_csv(support.paths(root)["hypotheses"])


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _by_gid(fig, gid: str) -> str:
    (text,) = [t for t in fig.findobj(Text) if t.get_gid() == gid]
    return text.get_text()


def test_both_figures_are_written_and_fit_the_report(project):
    for name in NEW:
        png = project / f"results/figures/{name}.png"
        assert png.stat().st_size > 10_000 and png.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
        fig = _make(project, name)
        try:
            assert style.text_inside(fig) == []
            assert fig.get_figwidth() <= style.MAX_WIDTH + 0.01
        finally:
            plt.close(fig)


def test_the_forest_has_one_row_per_ordinal_term_at_the_odds_ratios_of_hypotheses_csv(project):
    rows = _hypotheses(project).query("test == 'ordinal_logit'")
    assert list(rows["hypothesis"]) == ["H5a", "H5b"]
    fig = _make(project, "ordinal_forest")
    try:
        (ax,) = fig.axes
        assert ax.get_xscale() == "log"
        (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        x, y = bars.lines[0].get_xdata(), bars.lines[0].get_ydata()
        assert list(x) == pytest.approx(list(rows["effect_size"]))
        assert list(y) == [1.0, 0.0]  # first hypothesis on top
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert len(ticks) == len(rows) == len(ax.get_yticks())
        # the CI whiskers span ci_low..ci_high
        segments = bars.lines[2][0].get_segments()
        assert [(s[0][0], s[1][0]) for s in segments] == pytest.approx(list(zip(rows["ci_low"], rows["ci_high"])))
        # reference line at OR = 1, inside the axis; the axis fits the intervals
        refs = [ln for ln in ax.get_lines() if isinstance(ln, Line2D) and list(ln.get_xdata()) == [1, 1]]
        assert len(refs) == 1
        lo, hi = ax.get_xlim()
        assert lo < min(rows["ci_low"].min(), 1) and hi > rows["ci_high"].max() and hi < 2 * rows["ci_high"].max()
        shown = [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]
        assert style.text_inside(fig) == []
    finally:
        plt.close(fig)
    # labels in words with their unit, from the codebook; hypothesis id, OR, p and verdict beside each row
    assert ticks[0].startswith("Roughly what percentage of your") and ticks[0].endswith("OR per percentage point")
    assert ticks[1] == "Perceived competition\nOR per scale point"
    assert not any(re.search(r"platform_share|years_freelancing", t) for t in shown)  # words, not ids
    right = [t for t in shown if t.startswith(("H5a:", "H5b:"))]
    assert right == ["H5a: OR 1.02 [1.00, 1.04]\np = .020 (one-sided)\nsupported",
                     "H5b: OR 2.40 [1.40, 4.10]\np = .001 (one-sided)\nsupported"]


def test_term_words_come_from_the_codebook():
    cb = load_codebook(support.PROJECT / "config/codebook.yaml")
    assert forest.term_words("platform_share", cb) == (cb.item("platform_share")["text"], "per percentage point")
    assert forest.term_words("years_freelancing", cb)[1] == "per year"
    assert forest.term_words("competition", cb) == ("Perceived competition", "per scale point")
    assert forest.term_words("competition", cb, standardized=True)[1] == "per standard deviation"
    plan = {"derived": {"senior": {"from": "years_freelancing", "op": "gt", "value": 10}}}
    label, unit = forest.term_words("senior", cb, plan)
    assert label.endswith("gt 10") and unit == "yes vs. no"


def test_two_ordinal_models_name_their_outcome_and_a_failed_model_has_no_marker():
    cb = load_codebook(support.PROJECT / "config/codebook.yaml")
    hyp = pd.DataFrame({
        "hypothesis": ["A", "B", "C"], "test": ["ordinal_logit"] * 3, "alternative": ["greater", "two-sided", "less"],
        "variables": ["survival ~ platform_share + competition [platform_share]", "growth ~ competition [competition]",
                      "growth ~ years_freelancing [years_freelancing]"],
        "effect_size": [1.5, 0.4, np.nan], "ci_low": [1.1, 0.2, np.nan], "ci_high": [2.0, 0.9, np.nan],
        "p": [0.01, 0.02, np.nan], "p_adjusted": [0.02, 0.02, np.nan], "correction": ["holm", "none", "none"],
        "n": [100, 100, 100], "verdict": ["supported", "supported", "not supported"]})
    rows = forest.ordinal_rows(hyp)
    assert list(rows["term"]) == ["platform_share", "competition", "years_freelancing"]
    assert list(rows["outcome"]) == ["survival", "growth", "growth"]
    fig = forest.ordinal_forest(rows, cb)
    try:
        ax = fig.axes[0]
        (bars,) = ax.containers
        assert list(bars.lines[0].get_xdata()) == [1.5, 0.4]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        texts = [t.get_text() for t in fig.findobj(Text)]
        assert style.text_inside(fig) == []
    finally:
        plt.close(fig)
    assert ticks[1].endswith("OR per scale point, on Growth motivation")
    assert "A: OR 1.50 [1.10, 2.00]\np = .020 (one-sided, Holm-adjusted)\nsupported" in texts
    assert "C: not estimable\nnot supported" in texts


def test_the_c4_figure_prints_h4a_and_h4b_of_hypotheses_csv_and_draws_every_respondent(project):
    hyp = _hypotheses(project).set_index("hypothesis")
    scored = pd.read_csv(support.paths(project)["scored"])
    fig = _make(project, "invisible_competencies")
    try:
        share, assoc = _by_gid(fig, "proportion"), _by_gid(fig, "association")
        a = fig.axes[0]
        bars = [p for p in a.patches if isinstance(p, Rectangle) and p.get_height() > 0]
        lines = [ln for ln in a.get_lines() if list(ln.get_xdata()) == [3, 3]]
    finally:
        plt.close(fig)
    h4a, h4b = hyp.loc["H4a"], hyp.loc["H4b"]
    m = re.search(r"= (\d+\.\d)% agree", share)
    assert m and float(m[1]) == pytest.approx(100 * h4a["effect_size"], abs=0.05)
    assert f"{int(h4a['statistic'])} of {int(h4a['n'])}" in share
    assert f"95% CI {100 * h4a['ci_low']:.1f}% to {100 * h4a['ci_high']:.1f}%" in share
    assert "binomial test against 50%" in share and "p = .004 (one-sided)" in share
    assert assoc.startswith(f"H4b: Spearman rho = {h4b['effect_size']:.2f} [{h4b['ci_low']:.2f}, {h4b['ci_high']:.2f}]")
    assert "p = .003 (one-sided), n = 80" in assoc
    # (a): one bar per distinct scale mean, all respondents; 'agree' as H4a counts it: above the midpoint 3
    assert sum(b.get_height() for b in bars) == scored["invisible"].notna().sum()
    assert len(lines) == 1


def test_a_codebook_without_the_c4_construct_or_item_skips_the_figure_with_the_reason():
    cb, cfg = _yaml(support.PROJECT / "config/codebook.yaml"), support.config(support.PROJECT)
    plan = _yaml(support.PROJECT / "config/analysis.yaml")
    assert figures.plan(cb, cfg, "wave.yaml", analysis=plan) == (list(figures.FIGURES), {})
    no_scale = copy.deepcopy(cb)
    del no_scale["constructs"]["invisible"]
    drawn, skipped = figures.plan(no_scale, cfg, "wave.yaml", analysis=plan)
    assert skipped == {"invisible_competencies":
                       "needs construct invisible (integration.figures.c4_construct), which wave.yaml does not define"}
    assert "ordinal_forest" in drawn and "invisible_competencies" not in drawn
    no_item = copy.deepcopy(cb)
    no_item["items"] = [i for i in cb["items"] if i["id"] != "ai_learning_freq"]
    assert figures.plan(no_item, cfg, "wave.yaml")[1]["invisible_competencies"] == (
        "needs item ai_learning_freq (integration.figures.c4_frequency_item), which wave.yaml does not define")


def test_a_plan_without_an_ordinal_model_skips_the_forest():
    cb, cfg = _yaml(support.PROJECT / "config/codebook.yaml"), support.config(support.PROJECT)
    plan = _yaml(support.PROJECT / "config/analysis.yaml")
    plan["hypotheses"] = [h for h in plan["hypotheses"] if h["test"] != "ordinal_logit"]
    drawn, skipped = figures.plan(cb, cfg, "wave.yaml", analysis=plan, analysis_source="analysis.yaml")
    assert skipped == {
        "ordinal_forest": "needs a hypothesis with test ordinal_logit, which analysis.yaml does not define"}
    assert figures.plan(cb, cfg, analysis=plan)[1] == {
        "ordinal_forest": "needs a hypothesis with test ordinal_logit, which the analysis plan does not define"}
    # without the plan, its tests are not checked
    assert "ordinal_forest" in figures.plan(cb, cfg)[0]
    # codebook and plan both lacking: both reasons, each naming its file
    no_cb = {"items": [], "constructs": {}}
    reason = figures.plan(no_cb, cfg, "wave.yaml", analysis={"hypotheses": []})[1]["invisible_competencies"]
    assert reason == ("needs construct invisible (integration.figures.c4_construct), item ai_learning_freq "
                      "(integration.figures.c4_frequency_item), which wave.yaml does not define")


def test_hypotheses_without_an_ordinal_row_name_the_files(project, tmp_path):
    p = support.paths(project)
    hyp = _hypotheses(project)
    hyp[hyp["test"] != "ordinal_logit"].to_csv(tmp_path / "hypotheses.csv", index=False)
    paths = {k: p[k] for k in figures.FIGURES["ordinal_forest"]} | {"hypotheses": tmp_path / "hypotheses.csv"}
    with pytest.raises(InputError, match=r"hypotheses.csv: no ordinal_logit row; rerun the survey stage"):
        figures.make("ordinal_forest", paths, support.config(project))


def test_the_c4_settings_are_declared_and_have_defaults(project):
    assert figures.reads("invisible_competencies") == [
        "integration.figures.dpi", "integration.figures.c4_construct", "integration.figures.c4_frequency_item", "seed"]
    assert figures.reads("ordinal_forest") == ["integration.figures.dpi"]
    fig_cfg = figures.narrow(support.config(project), figures.reads("invisible_competencies"))["integration"]["figures"]
    assert fig_cfg["c4_construct"] == "invisible"  # schema defaults (config_integration.schema.yaml)
    assert fig_cfg["c4_frequency_item"] == "ai_learning_freq"
    with pytest.raises(KeyError):
        fig_cfg["barrier_constructs"]  # not read by this figure
