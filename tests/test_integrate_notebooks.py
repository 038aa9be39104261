"""Reviewer notebooks: jupytext .py sources executed with nbclient; every code cell leaves an output,
and a failing (or silent) cell fails the run."""
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.errors import InputError  # noqa: E402
from upskilling.integrate import notebooks  # noqa: E402
from upskilling.integrate.settings import settings  # noqa: E402

NOTEBOOKS = support.REPO / "notebooks"


def parameters(root: Path, name: str) -> dict:
    p = support.paths(root)
    s = {k: str(v) for k, v in p.items()}
    st = settings(support.config(root))
    return {
        "survey": dict(wave="wave1", flow_csv=s["flow"], reliability_csv=s["reliability"],
                       descriptives_csv=s["descriptives"], hypotheses_csv=s["hypotheses"], scored_csv=s["scored"],
                       codebook_yaml=s["codebook"], integration=st),
        "interviews": dict(segments_csv=s["segments"], topics_csv=s["topics"], quotes_csv=s["quotes"],
                           prevalence_csv=s["theme_prevalence"], validation_json=s["validation"],
                           coding_seeds_csv=s["coding_seeds"], themes_yaml=s["themes"], integration=st),
        "integration": dict(claims_csv=s["claims"], participants_csv=s["claims_participants"],
                            hypotheses_csv=s["hypotheses"], reliability_csv=s["reliability"],
                            prevalence_csv=s["theme_prevalence"], validation_json=s["validation"],
                            coding_seeds_csv=s["coding_seeds"], themes_yaml=s["themes"], integration=st),
    }[name]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = support.copy_project(tmp_path_factory.mktemp("nb") / "p")
    support.build_claims(root)
    return root


def test_sources_are_jupytext_percent_with_a_parameters_cell():
    for name in ("survey", "interviews", "integration"):
        src = NOTEBOOKS / f"{name}.py"
        assert src.read_text().startswith("# ---\n# jupyter:")
        nb = jupytext.read(src)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= 4, f"{name} explains too little"


@pytest.mark.parametrize("name", ["survey", "interviews", "integration"])
def test_notebook_executes_with_an_output_for_every_code_cell(project, tmp_path, name):
    out = tmp_path / f"{name}.ipynb"
    notebooks.execute(NOTEBOOKS / f"{name}.py", out, parameters(project, name), cwd=project)
    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs for c in code)
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    injected = [c for c in code if notebooks.INJECTED_TAG in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "execution" not in code[0].metadata  # no timings: executed notebooks diff cleanly


@pytest.fixture(scope="module")
def project_no_coding(tmp_path_factory):
    """The project when the interviews have no human coding (validation.json without agreement)."""
    root = support.copy_project(tmp_path_factory.mktemp("nb0") / "p", coding=False)
    support.build_claims(root)
    return root


def _outputs(nb) -> str:
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     + str(o.get("data", {}).get("text/markdown", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_interviews_notebook_compares_the_coding_modes(project, tmp_path):
    out = tmp_path / "interviews.ipynb"
    nb = notebooks.execute(NOTEBOOKS / "interviews.py", out, parameters(project, "interviews"), cwd=project)
    text = _outputs(nb)
    assert "uses the **few-shot** coding: test-half kappa 0.72 [0.61, 0.81]" in text
    assert "zero_shot" in text and "few_shot" in text and "krippendorff_alpha" in text
    assert "keep their human code" in text


@pytest.mark.parametrize("name", ["interviews", "integration"])
def test_notebooks_without_a_human_coding_say_so_and_run(project_no_coding, tmp_path, name):
    out = tmp_path / f"{name}.ipynb"
    nb = notebooks.execute(NOTEBOOKS / f"{name}.py", out, parameters(project_no_coding, name),
                           cwd=project_no_coding)
    text = _outputs(nb)
    if name == "interviews":
        assert "**No human coding**: no agreement with a human coding can be computed" in text
        assert "no per-theme agreement: there is no human coding" in text
    else:
        assert "no_human_coding" in text and "low_agreement" not in text
        assert "every k of n in the joint display re-derived" in text


def test_survey_notebook_shows_the_paired_figure(project, tmp_path):
    out = tmp_path / "survey.ipynb"
    notebooks.execute(NOTEBOOKS / "survey.py", out, parameters(project, "survey"), cwd=project)
    nb = nbformat.read(out, as_version=4)
    assert any("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def _write(tmp_path, body: str) -> Path:
    src = tmp_path / "nb.py"
    src.write_text("# %% tags=[\"parameters\"]\nx = 1\nx\n\n" + body)
    return src


def test_a_failing_cell_fails_the_run(tmp_path):
    src = _write(tmp_path, "# %%\nraise ValueError('boom in cell')\n")
    with pytest.raises(notebooks.NotebookError, match="boom in cell"):
        notebooks.execute(src, tmp_path / "out.ipynb", {"x": 2})
    assert not (tmp_path / "out.ipynb").exists()


def test_a_silent_cell_fails_the_run(tmp_path):
    src = _write(tmp_path, "# %%\ny = x + 1\n")
    with pytest.raises(notebooks.NotebookError, match="code cell 2 has no output"):
        notebooks.execute(src, tmp_path / "out.ipynb", {"x": 2})


def test_injected_parameters_override_the_defaults(tmp_path):
    src = _write(tmp_path, "# %%\nprint('x is', x)\n")
    nb = notebooks.execute(src, tmp_path / "out.ipynb", {"x": 41})
    assert "x is 41" in nb.cells[-1].outputs[0]["text"]


def test_a_source_without_parameters_cell_is_refused(tmp_path):
    src = tmp_path / "nb.py"
    src.write_text("# %%\n1\n")
    with pytest.raises(InputError, match="no cell tagged 'parameters'"):
        notebooks.prepare(src, {})
