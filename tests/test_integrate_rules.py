"""rules/integrate.smk runs on the synthetic project (upstream outputs present as files), and
`snakemake --report` builds Snakemake's own report with a caption for every figure and table."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

pytestmark = pytest.mark.slow  # runs Snakemake (about half a minute)

SNAKEFILE = """\
configfile: "config/config.yaml"
include: "{common}"
include: "{rules}"
rule all:
    input: integration_targets()
    default_target: True
"""


def snakemake(root: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=root, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("smk") / "p")
    (root / "notebooks").symlink_to(support.REPO / "notebooks")
    (root / "Snakefile").write_text(SNAKEFILE.format(common=support.REPO / "rules/common.smk", rules=support.REPO / "rules/integrate.smk"))
    res = snakemake(root, "--cores", "4")
    assert res.returncode == 0, res.stderr[-3000:]
    return root


def test_integration_rules_make_every_target(run):
    listed = snakemake(run, "--list-rules")
    rules = set(listed.stdout.split())
    assert {"integrate_claims", "integrate_report", "integrate_notebook", "integrate_qdpx"} <= rules
    assert sum(r.startswith("integrate_figure_") for r in rules) == 8  # one rule per figure
    for name in ("claims.csv", "claims.md", "claims_participants.csv", "report.html",
                 "interviews/project.qdpx", "interviews/codebook.qdc"):
        assert (run / "results" / name).stat().st_size > 0, name
    for nb in ("survey", "interviews", "integration"):
        book = nbformat.read(run / f"results/notebooks/{nb}.ipynb", as_version=4)
        assert all(c.outputs for c in book.cells if c.cell_type == "code")
    assert (run / "logs/integrate/report.log").read_text().strip()


def test_nothing_left_to_do_after_a_run(run):
    dry = snakemake(run, "-n", "--quiet", "rules")
    assert dry.returncode == 0
    assert "integrate_" not in dry.stdout


def test_snakemake_report_has_a_caption_for_every_figure_and_table(run):
    res = snakemake(run, "--report", "results/workflow-report.html")
    assert res.returncode == 0, res.stderr[-3000:]
    html = (run / "results/workflow-report.html").read_text(encoding="utf-8", errors="replace")
    for caption in sorted((support.REPO / "report/captions").glob("integrate_*.rst")):
        first_words = " ".join(caption.read_text().split("``")[0].split()[:4])  # before any RST markup
        assert json.dumps(first_words)[1:-1] in html, caption.name
    for name in ("claims.csv", "claims_participants.csv", "report.html", "joint_display.png"):
        assert f'"name": "{name}"' in html, name


def test_a_failing_notebook_fails_its_rule(run, tmp_path):
    """A cell error in a notebook source makes `snakemake` exit non-zero for that rule."""
    broken = tmp_path / "notebooks"
    broken.mkdir()
    for name in ("survey", "interviews"):
        (broken / f"{name}.py").symlink_to(support.REPO / f"notebooks/{name}.py")
    text = (support.REPO / "notebooks/integration.py").read_text()
    (broken / "integration.py").write_text(text + "\n# %%\nraise RuntimeError('reviewer cell broke')\n")
    (run / "notebooks").unlink()
    (run / "notebooks").symlink_to(broken)
    try:
        res = snakemake(run, "--cores", "1", "results/notebooks/integration.ipynb")
        assert res.returncode != 0
        assert "reviewer cell broke" in (run / "logs/integrate/notebook_integration.log").read_text()
        assert not (run / "results/notebooks/integration.ipynb").exists()
    finally:
        (run / "notebooks").unlink()
        (run / "notebooks").symlink_to(support.REPO / "notebooks")
