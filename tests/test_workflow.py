"""The workflow itself: lint-clean, snakefmt-clean, fails fast on a config typo, README's diagram
matches the rules."""
import re
import subprocess
import sys

import yaml

from conftest import ROOT, copy_repo, run_snakemake


def _snakemake(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=cwd, capture_output=True, text=True)


def test_lint_is_clean():
    proc = _snakemake("--lint")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Lints for rule" not in out and "Lints for snakefile" not in out, out[-4000:]


# The workflow's own files, formatted by snakefmt (pinned in the `test` extra of pyproject.toml, with the
# black it formats the Python parts with).
WORKFLOW_FILES = ["Snakefile", *sorted(f"rules/{p.name}" for p in (ROOT / "rules").glob("*.smk"))]


def _snakefmt(*args):
    return subprocess.run([sys.executable, "-m", "snakefmt", *args], cwd=ROOT, capture_output=True, text=True)


def test_workflow_files_are_snakefmt_clean():
    assert len(WORKFLOW_FILES) > 1, WORKFLOW_FILES
    proc = _snakefmt("--check", *WORKFLOW_FILES)
    if proc.returncode == 0:
        return
    assert "No module named snakefmt" not in proc.stderr, 'snakefmt is not installed: pip install -e ".[test]"'
    diff = _snakefmt("--compact-diff", *WORKFLOW_FILES).stdout  # --diff with only the changed lines
    message = (proc.stdout + proc.stderr).strip()
    raise AssertionError(
        f"{message}\nRun `snakefmt {' '.join(WORKFLOW_FILES)}` to format them; the changes it would make "
        f"(snakefmt --compact-diff):\n{diff[:8000]}"
    )


def test_every_rule_has_a_log_and_the_dag_builds():
    proc = _snakemake("--list-rules")
    assert proc.returncode == 0, proc.stderr[-3000:]
    rules = [r.strip() for r in proc.stdout.split() if r.strip()]
    assert "all" in rules and len(rules) > 10


def test_readme_diagram_is_the_current_rulegraph():
    """The README's Mermaid DAG is regenerated from `snakemake --rulegraph` (python -m upskilling.dag)."""
    from upskilling.dag import current_rulegraph, to_mermaid

    text = (ROOT / "README.md").read_text()
    block = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert block, "README has no mermaid block"
    expected = to_mermaid(current_rulegraph(str(ROOT)))
    assert block.group(1) == expected, "README diagram is stale: paste `python -m upskilling.dag` into it"


def test_rulegraph_to_mermaid_keeps_edges_and_drops_all():
    from upskilling.dag import to_mermaid

    dot = '0[label = "all"];\n1[label = "survey_clean"];\n2[label = "survey_tables"];\n1 -> 2\n2 -> 0\n'
    out = to_mermaid(dot)
    assert "survey_clean --> survey_tables" in out
    assert " all" not in out and "--> all" not in out


def test_config_typo_fails_before_any_job(tmp_path):
    work = copy_repo(tmp_path / "repo")
    cfg = yaml.safe_load((work / "config/config.yaml").read_text())
    cfg["wavez"] = cfg.pop("waves")
    (work / "config/config.yaml").write_text(yaml.safe_dump(cfg))
    proc = run_snakemake(work, "-n", check=False)
    assert proc.returncode != 0
    err = proc.stdout + proc.stderr
    assert "key 'wavez' is not allowed at the top level" in err
    assert not (work / "results" / "survey").exists()


def test_codebook_typo_fails_before_any_job(tmp_path):
    work = copy_repo(tmp_path / "repo")
    path = work / "config/codebook.yaml"
    path.write_text(path.read_text().replace("id_column:", "id_colum:", 1))
    proc = run_snakemake(work, "-n", check=False)
    assert proc.returncode != 0
    assert "config/codebook.yaml" in proc.stdout + proc.stderr
    assert "id_colum" in proc.stdout + proc.stderr
