"""The integration rules (rules/integrate.smk) in the whole DAG, on a copy of the session's small run
(.test/): every target is made, nothing is left to do, `snakemake --report` builds Snakemake's own
report with a caption for every figure and table, and a failing notebook fails its rule."""
import json
import shutil

import nbformat
import pytest

from conftest import ROOT, SMALL, run_small

pytestmark = pytest.mark.slow  # runs Snakemake


def snakemake(root, *args, cores: int = 2):
    """The small configuration in the copy at ``root``; the caller checks the exit code."""
    return run_small(root, *args, check=False, cores=cores)


@pytest.fixture(scope="module")
def run(small_run, tmp_path_factory):
    """A copy of the small run; returns the copy's root (outputs under root/.test)."""
    root = tmp_path_factory.mktemp("smk") / "p"
    shutil.copytree(small_run, root, symlinks=True)
    return root


def test_integration_rules_make_every_target(run):
    listed = snakemake(run, "--list-rules")
    rules = set(listed.stdout.split())
    assert {"integrate_claims", "integrate_report", "integrate_notebook", "integrate_qdpx"} <= rules
    from upskilling.integrate.figures import FIGURES

    assert sum(r.startswith("integrate_figure_") for r in rules) == len(FIGURES)  # one rule per figure
    for name in ("claims.csv", "claims.md", "claims_participants.csv", "report.html",
                 "interviews/project.qdpx", "interviews/codebook.qdc"):
        assert (run / SMALL / "results" / name).stat().st_size > 0, name
    for nb in ("survey", "interviews", "integration"):
        book = nbformat.read(run / SMALL / f"results/notebooks/{nb}.ipynb", as_version=4)
        assert all(c.outputs for c in book.cells if c.cell_type == "code")
    assert (run / SMALL / "logs/integrate/report.log").read_text().strip()


def test_nothing_left_to_do_after_a_run(run):
    dry = snakemake(run, "-n", "--quiet", "rules")
    assert dry.returncode == 0
    assert "integrate_" not in dry.stdout


def test_snakemake_report_has_a_caption_for_every_figure_and_table(run):
    res = snakemake(run, "--report", "results/workflow-report.html")
    assert res.returncode == 0, res.stderr[-3000:]
    html = (run / SMALL / "results/workflow-report.html").read_text(encoding="utf-8", errors="replace")
    for caption in sorted((ROOT / "report/captions").glob("integrate_*.rst")):
        first_words = " ".join(caption.read_text().split("``")[0].split()[:4])  # before any RST markup
        assert json.dumps(first_words)[1:-1] in html, caption.name
    for name in ("claims.csv", "claims_participants.csv", "report.html", "joint_display.png"):
        assert f'"name": "{name}"' in html, name


def test_a_failing_notebook_fails_its_rule(run):
    """A cell error in a notebook source makes `snakemake` exit non-zero for that rule."""
    source = run / "notebooks/integration.py"
    text = source.read_text()
    source.write_text(text + "\n# %%\nraise RuntimeError('reviewer cell broke')\n")
    try:
        res = snakemake(run, "results/notebooks/integration.ipynb", cores=1)
        assert res.returncode != 0
        assert "reviewer cell broke" in (run / SMALL / "logs/integrate/notebook_integration.log").read_text()
        assert not (run / SMALL / "results/notebooks/integration.ipynb").exists()
    finally:
        source.write_text(text)
