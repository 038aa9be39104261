"""Render Snakemake's ``--rulegraph`` (Graphviz dot) as the Mermaid diagram kept in the README.

``python -m upskilling.dag`` prints the diagram for the current workflow; ``tests/test_workflow.py``
checks that the README's copy is identical, so the picture cannot drift from the real DAG.

Why not Snakemake's own ``snakemake --rulegraph mermaid-js`` (Snakemake 9; evaluated for issue 13):
its output is valid Mermaid (GitHub would render it: a front-matter title, ``style`` lines), but it
does not read well as the README's diagram:

- no stage grouping: 34 rules in one flat graph, where this module draws one subgraph per stage
  (survey, interviews, integration) by the rules' name prefix;
- it keeps the ``all`` target, with an edge from every rule that makes a final output (31 of its 114
  edges), so a third of the picture is lines converging on one box that says nothing;
- ``flowchart TB`` with that fan-in lays out as a strip about six times wider than high, which GitHub
  scales down to the width of the page until the rule names are unreadable;
- its edge order changes from run to run (it follows Python's string hashing), so the README would
  change on every regeneration and the test could only compare sets of lines;
- every node gets a hard-coded fill colour (one hue per rule) that carries no meaning.

This module's output is sorted (stable), without ``all``, grouped by stage, left to right.
"""
from __future__ import annotations

import re
import subprocess
import sys

STAGES = (("survey", "Survey, per wave"), ("interviews", "Interviews"), ("integrate", "Integration and outputs"))


def parse_rulegraph(dot: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return ``(nodes, edges)``: node id -> rule name, and (from rule, to rule) pairs."""
    nodes = dict(re.findall(r'^\s*(\d+)\[label = "([^"]+)"', dot, re.M))
    edges = [(nodes[a], nodes[b]) for a, b in re.findall(r"^\s*(\d+) -> (\d+)", dot, re.M)]
    return nodes, edges


def to_mermaid(dot: str) -> str:
    """Mermaid flowchart of the rule graph, without the ``all`` target, grouped by stage prefix."""
    nodes, edges = parse_rulegraph(dot)
    rules = sorted(n for n in nodes.values() if n != "all")
    lines = ["flowchart LR"]
    grouped = set()
    for prefix, title in STAGES:
        members = [r for r in rules if r.startswith(prefix + "_")]
        if members:
            lines.append(f'  subgraph {prefix}_stage ["{title}"]')
            lines += [f"    {r}" for r in members]
            lines.append("  end")
            grouped.update(members)
    lines += [f"  {r}" for r in rules if r not in grouped]
    for a, b in sorted(set(edges)):
        if "all" not in (a, b):
            lines.append(f"  {a} --> {b}")
    return "\n".join(lines) + "\n"


def current_rulegraph(cwd: str = ".") -> str:
    """The ``snakemake --rulegraph`` output of the workflow in ``cwd``."""
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--rulegraph", "--quiet", "all"],
                          cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout


if __name__ == "__main__":
    print(to_mermaid(current_rulegraph()), end="")
