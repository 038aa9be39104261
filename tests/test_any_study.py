"""Any wave, any study (issue 9): a third wave of a different study, added by config alone.

A fictitious remote-work survey (tests/fixtures/wave_labels/: one header row, text answers = format
`labels`, its own codebook and plan with claims W1-W3, none of the study's C1-C5) is added to the small
test configuration and made the integration wave. The whole DAG must run with exit 0, write its wave
report with that plan's claims, and the integration (joint display, report) must use that plan's
claims, skip the figures whose constructs the wave lacks with a visible note, and say that the
interview themes name claims that are not in this plan.
"""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
import yaml

from conftest import ROOT, SMALL, run_small

FIXTURE = ROOT / "tests" / "fixtures" / "wave_labels"
PLAN = yaml.safe_load((FIXTURE / "analysis.yaml").read_text(encoding="utf-8"))


def _text(html: str) -> str:
    body = html[html.index("<body>"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def remote(small_run, tmp_path_factory):
    """A copy of the small run with the remote-work wave added as integration wave, re-run."""
    root = tmp_path_factory.mktemp("any_study") / "repo"
    shutil.copytree(small_run, root, symlinks=True)
    over = {"waves": {"remote": {"survey": "../tests/fixtures/wave_labels/export.csv", "format": "labels",
                                 "codebook": "../tests/fixtures/wave_labels/codebook.yaml",
                                 "analysis": "../tests/fixtures/wave_labels/analysis.yaml"}},
            "integration": {"wave": "remote"}}
    extra = root / SMALL / "config" / "remote.yaml"  # merged over the small configuration's config.yaml
    extra.write_text(yaml.safe_dump(over), encoding="utf-8")
    proc = run_small(root, "--configfile", str(extra), check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Traceback" not in proc.stderr
    return root / SMALL


@pytest.mark.slow
def test_the_new_wave_gets_its_own_report_with_its_plans_claims(remote):
    html = (remote / "results/reports/remote.html").read_text(encoding="utf-8")
    text = _text(html)
    for claim, spec in PLAN["claims"].items():
        assert f"{claim}. {spec['title']}" in text
        assert spec["statement"] in text
    for h in PLAN["hypotheses"]:
        assert h["label"] in text  # every test's hypothesis in words
    assert not re.search(r"\bC[1-5]\b", text)  # nothing of the freelancer study's claims
    hyp = pd.read_csv(remote / "results/survey/remote/hypotheses.csv")
    assert list(hyp["hypothesis"]) == ["W1a", "W2a", "W3a"]
    # planted in make_export.py: autonomy above exhaustion, managers more exhausted, negative correlation
    assert set(hyp["verdict"]) == {"supported"}
    flow = pd.read_csv(remote / "results/survey/remote/flow.csv")
    assert flow["n_remaining"].iloc[0] == 80
    # the study's own wave keeps its report, which now links to the integration wave's full report
    wave1 = (remote / "results/reports/wave1.html").read_text(encoding="utf-8")
    assert "uses wave remote" in _text(wave1)
    # the small configuration declares its wave synthetic (data_origin); the fixture wave declares nothing
    assert 'id="synthetic-banner"' in wave1 and 'id="synthetic-banner"' not in html


@pytest.mark.slow
def test_the_integration_follows_the_new_plan(remote):
    claims = pd.read_csv(remote / "results/claims.csv")
    assert list(claims["claim"]) == ["W1", "W2", "W3"]
    assert list(claims["title"]) == [PLAN["claims"][c]["title"] for c in ("W1", "W2", "W3")]
    # no theme of themes.yaml names W1-W3: the interviews say nothing, which is not a discordance
    assert set(claims["qual_direction"]) == {"no themes"} and set(claims["fit"]) == {"survey only"}
    md = (remote / "results/claims.md").read_text(encoding="utf-8")
    assert "name claim C1, which is not in this wave's analysis plan" in md
    report = _text((remote / "results/report.html").read_text(encoding="utf-8"))
    assert "W2. Managers are more exhausted" in report
    assert "name claim C1, which is not in this wave's analysis plan" in report
    # figures that need constructs the wave lacks are not drawn, and the report says why
    assert "motivation_survival_vs_growth : needs constructs survival, growth (integration.figures.paired_constructs)" in report
    nb = (remote / "results/notebooks/survey.ipynb").read_text(encoding="utf-8")
    assert "remote" in nb
