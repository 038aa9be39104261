"""Planted vs recovered: the planted statistics of a wave's truth file beside the pipeline's estimates.

A truth file (data/raw/survey/<wave>/truth.json, written by the seeded generator of the synthetic default
data, :mod:`upskilling.generate.truth` / :mod:`upskilling.generate.truth_wave2`) lists, per claim (wave 1:
``claims``) or per construct (wave 2: ``changes``), the planted statistics, each with its ``expected``
value, a ``tolerance`` (3 SE) and ``pipeline``: the cell of the pipeline's result tables that reports it,
or null where the pipeline does not report it::

    {"table": "hypotheses", "row": "H1", "column": "effect_size"}
    {"table": "hypotheses", "row": "H5a", "column": "effect_size", "transform": "log"}   # odds ratio
    {"table": "descriptives", "row": "survival", "column": "mean"}
    {"table": "changes", "row": {"from_wave": "wave1", "to_wave": "wave2", "construct": "survival",
                                 "design": "paired"}, "column": "mean_difference"}

``row`` is a value of the table's id column (:data:`ID_COLUMN`) or an object ``{column: value}`` naming
one row. Each claim / construct also has ``expected_verdict`` and ``pipeline_verdict`` (the cell with the
pipeline's verdict: for a claim the verdict of its primary test, ``{"claim": "C1", "primary": true}``).

:func:`planted_vs_recovered` reads these cells from the tables; :func:`template_rows` formats the result for
the partial template ``templates/truth.html.j2`` (variable ``truth_rows``).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import fmt

ID_COLUMN = {"hypotheses": "hypothesis", "descriptives": "variable"}
TRANSFORMS = {"log": math.log}
COLUMNS = ["claim", "statistic", "planted", "tolerance", "recovered", "within", "observed", "source", "note",
           "planted_verdict", "pipeline_verdict", "verdict_match", "verdict_note"]
SECTIONS = ("claims", "changes")  # wave 1's per-claim statistics, wave 2's per-construct changes


def _frame(df: pd.DataFrame | None, table: str) -> pd.DataFrame | None:
    """``df`` with its id column as a column (a table indexed by it, as tests build it, is reset)."""
    if df is None:
        return None
    key = ID_COLUMN.get(table)
    if key and key not in df.columns and df.index.name == key:
        return df.reset_index()
    return df


def _matches(col: pd.Series, value) -> pd.Series:
    if isinstance(value, bool):  # a bool column may come back from a CSV as text
        return col.map(lambda v: str(v).strip().lower() in ("true", "1")) == value
    return col.astype(str) == str(value)


def _describe(cell: dict) -> str:
    """The cell in words: 'hypotheses.csv H1: effect_size', 'log(hypotheses.csv H5a: effect_size)',
    'changes.csv construct=survival, design=paired, ...: mean_difference'."""
    row = cell["row"]
    row = ", ".join(f"{k}={v}" for k, v in row.items()) if isinstance(row, dict) else str(row)
    text = f"{cell['table']}.csv {row}: {cell['column']}"
    return f"{cell['transform']}({text})" if cell.get("transform") else text


def read_cell(cell: dict, tables: dict) -> tuple[object, str]:
    """The value of a declared pipeline cell and a note ('' when found). A table not given or a row it
    lacks gives NaN with a note; a malformed cell (unknown table or transform, a column the table lacks,
    a row that names several rows) raises ``ValueError``."""
    table = cell.get("table")
    if table not in tables:
        raise ValueError(f"pipeline cell {cell}: unknown table {table!r}; use one of {sorted(tables)}")
    if cell.get("transform") not in (None, *TRANSFORMS):
        raise ValueError(f"pipeline cell {cell}: unknown transform {cell['transform']!r}; use one of {sorted(TRANSFORMS)}")
    df = tables[table]
    if df is None:
        return math.nan, f"no {table} table given"
    row = cell["row"] if isinstance(cell["row"], dict) else {ID_COLUMN.get(table, "?"): cell["row"]}
    for col in [*row, cell["column"]]:
        if col not in df.columns:
            raise ValueError(f"pipeline cell {cell}: the {table} table has no column {col!r}")
    mask = pd.Series(True, index=df.index)
    for col, value in row.items():
        mask &= _matches(df[col], value)
    hits = df.loc[mask, cell["column"]]
    if len(hits) > 1:
        raise ValueError(f"pipeline cell {cell}: {len(hits)} rows of the {table} table match {row}; name one row")
    if hits.empty:
        return math.nan, f"no row {row} in the {table} table"
    value = hits.iloc[0]
    if cell.get("transform"):
        value = TRANSFORMS[cell["transform"]](float(value)) if pd.notna(value) and float(value) > 0 else math.nan
    return value, ""


def planted_vs_recovered(truth: dict, hypotheses: pd.DataFrame | None, descriptives: pd.DataFrame | None,
                         changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per planted statistic of ``truth`` (a truth.json document): ``claim`` (the claim, or the
    construct of a cross-wave change), ``statistic``, ``planted`` (expected value), ``tolerance``,
    ``recovered`` (the pipeline's value in the declared cell; NaN when the pipeline does not report it or the
    table lacks the row), ``within`` (|recovered - planted| <= tolerance; NA when not recovered),
    ``observed`` (the generator's own reading of the shipped data), ``source`` (the cell, or 'not reported'),
    ``note``, and per claim ``planted_verdict`` (expected_verdict), ``pipeline_verdict`` (the declared
    verdict cell: the claim's primary test), ``verdict_match`` and ``verdict_note``. ``hypotheses`` / ``descriptives`` /
    ``changes``: the wave's hypotheses.csv and descriptives.csv and the comparison's changes.csv as
    DataFrames (None: not available, its cells are NaN)."""
    tables = {"hypotheses": _frame(hypotheses, "hypotheses"), "descriptives": _frame(descriptives, "descriptives"),
              "changes": _frame(changes, "changes")}
    rows = []
    for section in SECTIONS:
        for claim, entry in (truth.get(section) or {}).items():
            if not isinstance(entry, dict) or "statistics" not in entry:
                continue
            planted_verdict = entry.get("expected_verdict")
            pipeline_verdict, verdict_note = (read_cell(entry["pipeline_verdict"], tables)
                                              if entry.get("pipeline_verdict") else (None, "no verdict cell declared"))
            if isinstance(pipeline_verdict, float) and math.isnan(pipeline_verdict):
                pipeline_verdict = None
            match = pd.NA if planted_verdict is None or pipeline_verdict is None else planted_verdict == pipeline_verdict
            for name, spec in entry["statistics"].items():
                cell = spec.get("pipeline")
                if cell:
                    recovered, note = read_cell(cell, tables)
                    recovered, source = float(recovered), _describe(cell)
                else:
                    recovered, note, source = math.nan, "", "not reported"
                within = pd.NA if np.isnan(recovered) else bool(abs(recovered - spec["expected"]) <= spec["tolerance"])
                rows.append({"claim": claim, "statistic": name, "planted": float(spec["expected"]),
                             "tolerance": float(spec["tolerance"]), "recovered": recovered, "within": within,
                             "observed": float(spec["observed"]) if spec.get("observed") is not None else math.nan,
                             "source": source, "note": note, "planted_verdict": planted_verdict,
                             "pipeline_verdict": pipeline_verdict, "verdict_match": match,
                             "verdict_note": verdict_note})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["within"] = out["within"].astype("boolean")
    out["verdict_match"] = out["verdict_match"].astype("boolean")
    return out


def _yes_no(v) -> str:
    return "\u2013" if pd.isna(v) else ("yes" if v else "no")


def _text(v) -> str:
    return "\u2013" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def template_rows(table: pd.DataFrame, digits: int = 3) -> list[dict]:
    """The rows of :func:`planted_vs_recovered` as strings for ``templates/truth.html.j2`` (``truth_rows``):
    the numbers with ``digits`` decimals, within / verdict_match as yes / no / –, and ``first``: True on the
    first row of each claim (where the template shows the claim's verdicts)."""
    out, previous = [], object()
    for r in table.to_dict("records"):
        out.append({"claim": str(r["claim"]), "statistic": str(r["statistic"]),
                    "planted": fmt.num(r["planted"], digits), "tolerance": fmt.num(r["tolerance"], digits),
                    "recovered": fmt.num(r["recovered"], digits), "within": _yes_no(r["within"]),
                    "source": str(r["source"]), "note": "" if pd.isna(r["note"]) else str(r["note"]),
                    "verdict_note": "" if pd.isna(r["verdict_note"]) else str(r["verdict_note"]),
                    "planted_verdict": _text(r["planted_verdict"]), "pipeline_verdict": _text(r["pipeline_verdict"]),
                    "verdict_match": _yes_no(r["verdict_match"]), "first": r["claim"] != previous})
        previous = r["claim"]
    return out
