"""Each rule's params are only the settings it reads (issue 12), so that a config change re-runs only the
jobs that read the changed setting (Snakemake re-runs a job when its params change).

The fast tests check :func:`upskilling.integrate.settings.narrow`. The slow ones copy the default run of
the session fixture ``e2e_runs`` (outputs, mtimes and the .snakemake metadata that holds each job's
params; in the e2e test group, which balances the two pytest-xdist workers) and dry-run it with a config change given as an extra ``--configfile`` (merged over
config/config.yaml, like ``--config`` but with typed values); the planned jobs are read from the dry
run's job table. provenance always follows a config change (it records the whole config) and the report
follows provenance (it prints that record): see rules/provenance.smk.
"""
from __future__ import annotations

import ast
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_snakemake
from upskilling.config import validate_config
from upskilling.integrate import claims, qdpx, report
from upskilling.integrate.figures import FIGURES, reads
from upskilling.integrate.settings import narrow

SURVEY_FIGURES = {f"integrate_figure_{n}" for n in ("likert_constructs", "motivation_survival_vs_growth",
                                                       "barrier_scales", "learning_resources_ai_use")}
# interview rules upstream of the topic model and quotes (never re-run by a topic or quotes setting)
EMBEDDING_AND_BEFORE = {"interviews_ingest", "interviews_segment", "interviews_embed_shard", "interviews_embed"}


def _config() -> dict:
    return validate_config(yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8")))


# ------------------------------------------------------------------------------ narrow (fast)
def test_narrow_keeps_only_the_named_settings_with_defaults_filled():
    cfg = _config()
    got = narrow(cfg, ["seed", "integration.figures.dpi", "integration.prevalence.min_share", "integration.caveats"])
    assert set(got) == {"seed", "integration"}
    assert set(got["integration"]) == {"figures", "prevalence", "caveats"}
    assert got["integration"]["figures"] == {"dpi": 150}  # a schema default (not in config.yaml)
    assert got["integration"]["prevalence"] == {"min_share": cfg["integration"]["prevalence"]["min_share"]}
    assert got["integration"]["caveats"]["min_alpha"] == cfg["integration"]["caveats"]["min_alpha"]
    assert narrow(got, ["seed", "integration.figures.dpi", "integration.prevalence.min_share",
                        "integration.caveats"]) == got  # narrowing twice: the same dict
    assert "interviews" not in got and "survey" not in got


def test_narrow_is_independent_of_key_order_and_of_unrelated_settings():
    cfg = _config()
    shuffled = {k: cfg[k] for k in reversed(list(cfg))}
    shuffled["integration"] = {k: cfg["integration"][k] for k in reversed(list(cfg["integration"]))}
    other = {**cfg, "interviews": {**cfg["interviews"], "quotes": {**cfg["interviews"]["quotes"], "per_theme": 1}}}
    for read in (claims.READS, qdpx.READS, report.READS, *(reads(n) for n in FIGURES)):
        assert repr(narrow(shuffled, read)) == repr(narrow(cfg, read)) == repr(narrow(other, read))


def test_a_function_reads_only_its_declared_settings():
    """Given its narrowed settings, a reader finds every key it uses; a key not in its READS is a KeyError
    (so a new setting read but not declared fails in the unit tests instead of being silently ignored)."""
    cfg = _config()
    st = narrow(cfg, claims.READS)["integration"]
    assert st["prevalence"]["min_share"] == cfg["integration"]["prevalence"]["min_share"]
    with pytest.raises(KeyError):
        st["caveats"]
    assert narrow(cfg, qdpx.READS) == {}  # the REFI-QDA export reads no setting (claim titles: the plan)
    assert "keywords_per_topic" not in narrow(cfg, reads("barrier_scales"))["integration"]["figures"]


# ------------------------------------------------------------------------------ dry runs (slow)
@pytest.fixture(scope="module")
def built(e2e_runs, tmp_path_factory) -> Path:
    """A copy of the default end-to-end run (copy2 keeps the mtimes; .snakemake keeps the params)."""
    default, _ = e2e_runs
    root = tmp_path_factory.mktemp("rule_params") / "run"
    shutil.copytree(default, root, symlinks=True)
    return root


def planned(root: Path, tmp_path: Path, override: dict | None = None) -> Counter:
    """Jobs per rule that `snakemake -n` plans in ``root`` with ``override`` merged over the config
    (``all`` left out)."""
    args = ["-n", "--quiet", "rules"]
    if override:
        extra = tmp_path / "override.yaml"
        extra.write_text(yaml.safe_dump(override), encoding="utf-8")
        args += ["--configfile", str(extra)]
    out = run_snakemake(root, *args).stdout
    jobs = Counter()
    lines = out.splitlines()
    at = next((i for i, line in enumerate(lines) if line.split() == ["job", "count"]), None)
    if at is None:
        assert "Nothing to be done" in out, out
        return jobs
    for line in lines[at + 2:]:
        parts = line.split()
        if len(parts) != 2 or parts[0] == "total":
            break
        jobs[parts[0]] = int(parts[1])
    jobs.pop("all", None)
    return jobs


@pytest.mark.slow
def test_a_rerun_without_changes_plans_nothing(built, tmp_path):
    assert planned(built, tmp_path) == Counter()
    # the same config given again on the command line is no change either, whatever order the keys
    # end up in after Snakemake merges the override over config.yaml (the params' keys are sorted)
    assert planned(built, tmp_path, {"interviews": {"quotes": {"per_theme": 5}}}) == Counter()
    assert planned(built, tmp_path, {"integration": {"caveats": {"min_kappa": 0.6}, "figures": {"dpi": 150}},
                                     "seed": 20260429}) == Counter()


@pytest.mark.slow
def test_a_quotes_setting_reruns_the_quotes_and_what_reads_them_only(built, tmp_path):
    jobs = planned(built, tmp_path, {"interviews": {"quotes": {"per_theme": 4}}})
    # quotes.csv -> claims (-> the joint-display figure) and the interviews / integration notebooks
    assert jobs == Counter({"interviews_quotes": 1, "integrate_claims": 1, "integrate_figure_joint_display": 1,
                            "integrate_notebook": 2, "integrate_report": 1, "provenance": 1}), jobs
    assert not set(jobs) & (EMBEDDING_AND_BEFORE | SURVEY_FIGURES | {"interviews_topics", "integrate_qdpx"})
    assert not any(r.startswith("survey_") for r in jobs)


@pytest.mark.slow
def test_a_topic_setting_never_reembeds_nor_touches_the_survey(built, tmp_path):
    jobs = planned(built, tmp_path, {"interviews": {"topics": {"min_dist": 0.05}}})
    assert jobs["interviews_topics"] == 1 and jobs["interviews_stability"] == 1, jobs
    assert not set(jobs) & (EMBEDDING_AND_BEFORE | SURVEY_FIGURES), jobs
    # what reads only the themes reads the coded segments (no topic): none of it is re-run
    assert not set(jobs) & {"interviews_code", "interviews_coded_segments", "interviews_prevalence",
                            "interviews_quotes", "integrate_claims", "integrate_figure_joint_display"}, jobs
    assert not any(r.startswith("survey_") for r in jobs), jobs
    assert jobs["integrate_notebook"] == 2, jobs  # not the survey notebook


@pytest.mark.slow
@pytest.mark.parametrize("override, expected", [
    # a figure-only setting: that figure and the report
    ({"figures": {"keywords_per_topic": 4}}, {"integrate_figure_topic_keywords": 1}),
    ({"figures": {"scale_midpoint": 2.5}}, {"integrate_figure_barrier_scales": 1}),
    # read by a figure and by the survey and integration notebooks
    ({"figures": {"paired_constructs": ["growth", "survival"]}},
     {"integrate_figure_motivation_survival_vs_growth": 1, "integrate_notebook": 2}),
    # a caveat threshold: the report and the integration notebook (which recomputes the caveats)
    ({"caveats": {"min_kappa": 0.5}}, {"integrate_notebook": 1}),
    # the number of quotes per claim: the joint display and what reads it
    ({"quotes_per_claim": 1}, {"integrate_claims": 1, "integrate_figure_joint_display": 1, "integrate_notebook": 1}),
], ids=["keywords_per_topic", "scale_midpoint", "paired_constructs", "min_kappa", "quotes_per_claim"])
def test_an_integration_setting_reruns_only_its_readers(built, tmp_path, override, expected):
    jobs = planned(built, tmp_path, {"integration": override})
    assert jobs == Counter({**expected, "integrate_report": 1, "provenance": 1}), jobs


@pytest.mark.slow
def test_a_setting_no_result_reads_reruns_its_rule_provenance_and_the_report_only(built, tmp_path):
    """The notebooks' cell timeout is read by the notebook rule only; provenance records it, and the
    report, which prints the provenance record, follows (the documented choice in rules/provenance.smk)."""
    jobs = planned(built, tmp_path, {"integration": {"notebooks": {"timeout": 300}}})
    assert jobs == Counter({"integrate_notebook": 3, "provenance": 1, "integrate_report": 1}), jobs


@pytest.mark.slow
def test_a_survey_table_setting_reruns_the_tables_only(built, tmp_path):
    jobs = planned(built, tmp_path, {"survey": {"tables": {"decimals": 3}}})
    # one tables job per wave (the setting is the top-level survey section every wave inherits)
    assert jobs == Counter({"survey_tables": 2, "provenance": 1, "integrate_report": 1}), jobs


@pytest.mark.slow
def test_a_survey_reliability_setting_never_reruns_cleaning_descriptives_or_tests(built, tmp_path):
    jobs = planned(built, tmp_path, {"survey": {"reliability": {"ci_level": 0.9}}})
    assert jobs["survey_reliability"] == 2 and jobs["survey_tables"] == 2, jobs  # one per wave
    assert not set(jobs) & {"survey_clean", "survey_descriptives", "survey_hypotheses"}, jobs
    assert not any(r.startswith("interviews_") for r in jobs), jobs


@pytest.mark.slow
def test_each_notebook_is_given_every_setting_it_reads(built):
    """Every `settings[...]` a notebook source reads is in the `integration` parameter the pipeline
    injected (a notebook validates that parameter with defaults filled, so a missing key would be
    silently replaced by its default)."""
    import nbformat

    for name in ("survey", "interviews", "integration"):
        source = (ROOT / f"notebooks/{name}.py").read_text(encoding="utf-8")
        uses = {tuple(re.findall(r'\["(\w+)"\]', m)) for m in re.findall(r'settings((?:\["\w+"\])+)', source)}
        assert uses, name
        assert not re.search(r"\bsettings\b(?!\s*\[|\s*=\s*validate)", source), f"{name}: settings used whole"
        nb = nbformat.read(built / f"results/notebooks/{name}.ipynb", as_version=4)
        cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        injected = next(ast.literal_eval(n.value) for n in ast.parse(cell.source).body
                        if isinstance(n, ast.Assign) and n.targets[0].id == "integration")
        for path in uses:
            node = injected
            for key in path:
                assert isinstance(node, dict) and key in node, f"{name}: settings{list(path)} not injected"
                node = node[key]
        # and nothing beyond what it reads: no top-level block it does not use
        assert set(injected) == {p[0] for p in uses}, name
