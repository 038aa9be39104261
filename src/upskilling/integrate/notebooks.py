"""Execute the reviewer notebooks (jupytext percent-format ``.py`` files) into ``.ipynb`` with outputs.

The ``.py`` file is the source under version control (clean diffs); this module converts it with
jupytext, injects the pipeline's paths after the cell tagged ``parameters`` (as papermill does),
runs every cell with nbclient in a kernel of the current interpreter, and writes the executed
notebook. A cell that raises fails the run (and so the Snakemake rule), and so does a code cell that
shows nothing: every cell of a reviewer notebook must leave a visible output.

The written notebook is the same byte for byte on every run of the same inputs (issue 11): cell ids
come from the cells' contents (:func:`stable_ids`; jupytext and nbformat draw random ones), no
execution timings are recorded (``record_timing=False``), and consecutive outputs of one stream are
merged (``coalesce_streams``: the kernel flushes stdout on a timer, so one print can otherwise arrive
as one output on one run and two on the next).

Why not papermill or Snakemake's ``notebook:`` directive (both would replace the parameter injection
and the execution): papermill writes the start and end time and the duration of the run and of every
cell into the notebook's metadata, so no two runs would be the same bytes; Snakemake's ``notebook:``
directive inserts a preamble cell holding the pickled ``snakemake`` object, with the run's absolute
paths, into the executed notebook and the ``sys.path`` of the run (the outputs would name the folder
they were made in, which tests/test_determinism.py forbids). The parts kept are the libraries' own: jupytext converts, nbclient executes.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ..errors import InputError

INJECTED_TAG = "injected-parameters"


class NotebookError(RuntimeError):
    """A notebook cell failed or left no output; the message names the notebook and the cell."""


def parameters_cell(parameters: dict) -> nbformat.NotebookNode:
    """A code cell assigning each parameter (``name = repr(value)``) and showing them."""
    lines = ["# Parameters injected by the pipeline (upskilling.integrate.notebooks)"]
    lines += [f"{k} = {v!r}" for k, v in parameters.items()]
    lines.append("{" + ", ".join(f"{k!r}: {k}" for k in parameters) + "}")
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = [INJECTED_TAG]
    return cell


def stable_ids(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give every cell an id derived from its type and source (the first 8 hex digits of their SHA-256;
    a repeated cell gets ``-1``, ``-2``, ... appended), so the same source gives the same ids on every run
    and an edit changes only the edited cell's id. Returns ``nb``, changed in place."""
    seen: dict[str, int] = {}
    for cell in nb.cells:
        base = hashlib.sha256(f"{cell.cell_type}\0{cell.source}".encode()).hexdigest()[:8]
        n = seen.get(base, 0)
        seen[base] = n + 1
        cell["id"] = base if n == 0 else f"{base}-{n}"
    return nb


def prepare(py_path: str | Path, parameters: dict) -> nbformat.NotebookNode:
    """Read a percent-format ``.py`` notebook and insert the parameters cell after the ``parameters`` cell."""
    py_path = Path(py_path)
    if not py_path.exists():
        raise InputError(f"{py_path}: notebook source not found")
    nb = jupytext.read(py_path, fmt="py:percent")
    at = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None)
    if at is None:
        raise InputError(f"{py_path}: no cell tagged 'parameters'; mark the defaults cell with "
                         "'# %% tags=[\"parameters\"]'")
    nb.cells.insert(at + 1, parameters_cell(parameters))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.pop("jupytext", None)
    return stable_ids(nb)


def execute(py_path: str | Path, out_path: str | Path, parameters: dict, kernel: str = "python3",
            timeout: int = 600, cwd: str | Path | None = None) -> nbformat.NotebookNode:
    """Execute the notebook and write it to ``out_path``; raise :class:`NotebookError` on a failing or silent cell.

    ``cwd`` is the kernel's working directory (default: the current one, i.e. the repository root
    under Snakemake), so relative paths in ``parameters`` resolve as in the pipeline.
    """
    nb = prepare(py_path, parameters)
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, allow_errors=False, record_timing=False,
                            coalesce_streams=True, resources={"metadata": {"path": str(cwd or os.getcwd())}})
    try:
        client.execute()
    except CellExecutionError as exc:
        first = str(exc).strip().splitlines()
        raise NotebookError(f"{py_path}: a cell failed: {first[-1] if first else exc}") from exc
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if not cell.get("outputs"):
            raise NotebookError(f"{py_path}: code cell {i} has no output; end it with an expression or a "
                                "print so that a reviewer sees what it did")
        if any(o.get("output_type") == "error" for o in cell["outputs"]):
            raise NotebookError(f"{py_path}: code cell {i} has an error output")
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(out_path))
    return nb
