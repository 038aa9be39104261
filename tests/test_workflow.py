"""The workflow itself: lint-clean, fails fast on a config typo, README's diagram matches the rules."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_repo, run_snakemake


def _snakemake(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=cwd, capture_output=True, text=True)


def test_lint_is_clean():
    proc = _snakemake("--lint")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Lints for rule" not in out and "Lints for snakefile" not in out, out[-4000:]


def test_every_rule_has_a_log_and_the_dag_builds():
    proc = _snakemake("--list-rules")
    assert proc.returncode == 0, proc.stderr[-3000:]
    rules = [r.strip() for r in proc.stdout.split() if r.strip()]
    assert "all" in rules and len(rules) > 10


def test_readme_diagram_names_only_real_rules():
    text = (ROOT / "README.md").read_text()
    mermaid = re.search(r"```mermaid\n(.*?)```", text, re.S).group(1)
    names = set(re.findall(r"\b([a-z][a-z0-9_]+)\b", mermaid)) - {
        "flowchart", "lr", "subgraph", "end", "survey", "interviews", "integration", "per", "wave"}
    proc = _snakemake("--list-rules")
    rules = set(proc.stdout.split())
    missing = sorted(names - rules)
    assert not missing, f"README diagram names rules that do not exist: {missing}"


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
