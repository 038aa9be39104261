"""Read a raw survey export into a typed table, driven by the codebook.

Two formats (``config.waves.<wave>.format``):

* ``qualtrics``: three header rows (column ids, question text, ``{"ImportId": ...}``), answers as
  choice text ("Somewhat agree"), multi-select answers joined by commas;
* ``numeric``: one header row of column ids, answers as numeric codes ("4"; multi-select "1,3").

A codebook item may set ``answers: labels`` or ``answers: codes`` when the export records that item
differently from the rest of the file (e.g. a numeric export whose gender column holds words).

Reader options of the wave (``config.waves.<wave>``): ``sep`` (field separator, default ``,``) and
``missing_values`` (answers meaning "no answer", e.g. ``-9``): a cell whose trimmed text equals one of
them, or that is a number equal to a numeric one ("-9.0" for -9), is read as an empty cell in every
codebook column except the respondent id; the number of cells recoded per column is logged.

Only the export columns named in the codebook are read (a Qualtrics export has many more). Answer
labels are matched after trimming surrounding whitespace and case-folding. An empty cell is a
missing answer. Anything else that does not fit stops the run with one :class:`InputError` naming the
file, the row (numbered as a spreadsheet shows it, header rows included), the column and the value:
an unknown label, a code or number out of range, a column missing from or duplicated in the header,
an unreadable duration / progress / finished / start value, a missing or repeated respondent id.

The returned table has one row per data row, in file order, with columns ``respondent_id``,
``source_row`` and one column per codebook item named by item id: likert and single items as codes
(float), numeric items as floats, multi-select items expanded into ``<id>_<code>`` 0/1 columns,
text items as strings, meta items as strings except duration / progress (float), finished (bool)
and start (datetime).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..logs import get_logger
from .codebook import Codebook, code_name, fold

log = get_logger("survey")

HEADER_ROWS = {"qualtrics": 3, "numeric": 1}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _read_grid(path: Path, sep: str = ",") -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path}: file not found; check the wave's 'survey' path in config/config.yaml")
    try:
        return pd.read_csv(path, header=None, dtype=str, keep_default_na=False, na_filter=False,
                           encoding="utf-8-sig", skip_blank_lines=True, sep=sep)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: file is empty; export the survey responses again") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: not a readable CSV ({str(exc).strip()}); check quoting and the number "
                         "of fields on that line") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: byte {exc.start} is not UTF-8; export the survey as UTF-8 CSV") from None


def _check_header(path: Path, grid: pd.DataFrame, fmt: str, codebook: Codebook) -> list[str]:
    n_head = HEADER_ROWS[fmt]
    if len(grid) < n_head:
        raise InputError(f"{path}: has {len(grid)} row(s) but a {fmt} export has {n_head} header row(s); "
                         "check the wave's 'format' in config/config.yaml")
    columns = [str(c).strip() for c in grid.iloc[0].tolist()]
    looks_qualtrics = len(grid) >= 3 and str(grid.iloc[2, 0]).lstrip().startswith('{"ImportId"')
    if fmt == "qualtrics" and not looks_qualtrics:
        got = str(grid.iloc[2, 0])[:40] if len(grid) >= 3 else ""
        raise InputError(f"{path}: row 3, column '{columns[0]}': expected the Qualtrics ImportId header row "
                         f"({{\"ImportId\": ...}}), got '{got}'; set format: numeric for this wave or export "
                         "from Qualtrics with three header rows")
    if fmt == "numeric" and looks_qualtrics:
        raise InputError(f"{path}: row 3 is a Qualtrics ImportId header row but the wave's format is numeric; "
                         "set format: qualtrics for this wave in config/config.yaml")
    seen: dict[str, int] = {}
    for j, c in enumerate(columns):
        if c in seen:
            raise InputError(f"{path}: row 1: column '{c}' appears twice in the header (columns {seen[c] + 1} "
                             f"and {j + 1}); remove or rename one of them")
        seen[c] = j
    for it in codebook.items:
        if it["column"] not in seen:
            raise InputError(f"{path}: row 1: column '{it['column']}' (item '{it['id']}' in {codebook.path}) "
                             "is missing from the header; re-export including it or correct the item's "
                             "column in the codebook")
    if len(grid) == n_head:
        raise InputError(f"{path}: has header rows but no responses; export the responses again")
    return columns


class _Ctx:
    def __init__(self, path: Path, rows: np.ndarray, ids: pd.Series | None = None):
        self.path, self.rows, self.ids = path, rows, ids

    def fail(self, pos: int, column: str, value: str, what: str, fix: str) -> None:
        who = f" (respondent {self.ids.iloc[pos]})" if self.ids is not None and self.ids.iloc[pos] else ""
        raise InputError(f"{self.path}: row {self.rows[pos]}{who}, column '{column}': {what} '{value}'; {fix}")


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


class _Factor:
    """A column as its distinct values (trimmed) plus one index per row: every check and mapping is done
    once per distinct value, which keeps 100,000-row exports fast."""

    def __init__(self, raw: pd.Series):
        self.raw = raw
        codes, uniq = pd.factorize(raw.to_numpy(dtype=object))
        self.codes = codes
        self.uniq = [str(u).strip() for u in uniq]
        self.empty_u = np.array([u == "" for u in self.uniq], dtype=bool)

    @property
    def empty(self) -> np.ndarray:
        return self.empty_u[self.codes]

    def spread(self, per_unique) -> np.ndarray:
        return np.asarray(per_unique)[self.codes]

    def first_row(self, bad_u: np.ndarray) -> int:
        return int(np.flatnonzero(bad_u[self.codes])[0])


def _item_format(it: dict, fmt: str) -> str:
    """How the export records this item's answers: the item's ``answers`` key, else the wave's format."""
    answers = it.get("answers")
    if answers == "labels":
        return "qualtrics"
    if answers == "codes":
        return "numeric"
    return fmt


def _missing_matcher(missing_values) -> "callable":
    """A function telling whether a (trimmed) cell text is one of the wave's missing-value codes."""
    texts = {str(v).strip() for v in missing_values}
    numbers = set()
    for v in missing_values:
        try:
            numbers.add(float(v))
        except (TypeError, ValueError):
            pass

    def is_missing(cell: str) -> bool:
        if cell in texts:
            return True
        if numbers and cell:
            try:
                return float(cell) in numbers
            except ValueError:
                return False
        return False

    return is_missing


def blank_missing_values(data: pd.DataFrame, columns: list[str], missing_values) -> dict[str, int]:
    """Replace, in place, the cells of ``columns`` that hold one of ``missing_values`` by "" (empty).

    Returns ``{column: number of cells replaced}`` for the columns where something was replaced.
    """
    if not missing_values:
        return {}
    is_missing = _missing_matcher(missing_values)
    counts = {}
    for c in columns:
        f = _Factor(data[c])
        hit_u = np.array([is_missing(u) for u in f.uniq], dtype=bool)
        if hit_u.any():
            hit = hit_u[f.codes]
            data.loc[hit, c] = ""
            counts[c] = int(hit.sum())
    return counts


def _labels(raw: pd.Series, it: dict, cb: Codebook, fmt: str, ctx: _Ctx) -> pd.Series:
    """Codes of a likert/single item (NaN for empty cells)."""
    sc = cb.scale_of(it["id"])
    fmt = _item_format(it, fmt)
    f = _Factor(raw)
    if fmt == "qualtrics":
        mapping = {fold(lab): float(code) for lab, code in zip(sc["labels"], sc["codes"])}
        vals = np.array([mapping.get(fold(u), np.nan) for u in f.uniq], dtype=float)
        bad = ~f.empty_u & np.isnan(vals)
        if bad.any():
            pos = f.first_row(bad)
            ctx.fail(pos, it["column"], raw.iloc[pos], "unknown label",
                     f"use one of {sc['labels']} (scale '{it['scale']}') or add the label to the codebook")
    else:
        allowed = {float(c) for c in sc["codes"]}
        vals = pd.to_numeric(pd.Series(f.uniq, dtype=object).where(~f.empty_u, None), errors="coerce").to_numpy(dtype=float)
        bad = ~f.empty_u & (np.isnan(vals) | ~np.isin(vals, list(allowed)))
        if bad.any():
            pos = f.first_row(bad)
            what = "code out of range" if np.isfinite(vals[f.codes[pos]]) else "not a code"
            ctx.fail(pos, it["column"], raw.iloc[pos], what, f"use one of {sorted(sc['codes'])} (scale '{it['scale']}')")
    vals = np.where(f.empty_u, np.nan, vals)
    return pd.Series(f.spread(vals), index=raw.index, dtype=float)


def _multi(raw: pd.Series, it: dict, cb: Codebook, fmt: str, ctx: _Ctx) -> pd.DataFrame:
    """0/1 columns ``<id>_<code>`` of a multi-select item (all NaN where the cell is empty)."""
    sc = cb.scale_of(it["id"])
    fmt = _item_format(it, fmt)
    codes = sc["codes"]
    if fmt == "qualtrics":
        mapping = {fold(lab): code for lab, code in zip(sc["labels"], codes)}
    else:
        mapping = {fold(str(c)): c for c in codes}
        mapping.update({fold(f"{float(c)}"): c for c in codes})
    f = _Factor(raw)
    empty = f.empty
    out = np.zeros((len(raw), len(codes)), dtype=float)
    out[empty] = np.nan
    index = {c: j for j, c in enumerate(codes)}
    uniq = pd.unique(raw[~empty])
    rows_of = pd.Series(np.arange(len(raw))).groupby(raw.to_numpy()).indices
    for u in uniq:
        chosen = []
        for part in str(u).split(","):
            if part.strip() == "":
                continue
            code = mapping.get(fold(part))
            if code is None:
                pos = int(rows_of[u][0])
                what = "unknown choice" if fmt == "qualtrics" else "code out of range"
                allowed = sc["labels"] if fmt == "qualtrics" else sorted(codes)
                ctx.fail(pos, it["column"], part.strip(), what,
                         f"use choices from {allowed} (scale '{it['scale']}') separated by commas")
            chosen.append(index[code])
        out[np.asarray(rows_of[u])[:, None], np.asarray(chosen, dtype=int)[None, :]] = 1.0
    return pd.DataFrame(out, columns=[f"{it['id']}_{code_name(c)}" for c in codes], index=raw.index)


def _number(raw: pd.Series, it: dict, ctx: _Ctx, what: str = "not a number") -> pd.Series:
    f = _Factor(raw)
    vals = pd.to_numeric(pd.Series(f.uniq, dtype=object).where(~f.empty_u, None), errors="coerce").to_numpy(dtype=float)
    bad = ~f.empty_u & np.isnan(vals)
    if bad.any():
        pos = f.first_row(bad)
        ctx.fail(pos, it["column"], raw.iloc[pos], what, "enter a number (digits, '.' as decimal mark) or leave it empty")
    lo, hi = it.get("min", -np.inf), it.get("max", np.inf)
    with np.errstate(invalid="ignore"):
        out = (vals < lo) | (vals > hi)
    if out.any():
        pos = f.first_row(out)
        ctx.fail(pos, it["column"], raw.iloc[pos], "value out of range",
                 f"the codebook allows {it.get('min', '-inf')} to {it.get('max', 'inf')} for item '{it['id']}'; "
                 "correct the answer or the item's min/max")
    return pd.Series(f.spread(vals), index=raw.index, dtype=float)


def _boolean(raw: pd.Series, it: dict, ctx: _Ctx) -> pd.Series:
    f = _Factor(raw)
    folded = [u.casefold() for u in f.uniq]
    ok = np.array([u in _TRUE | _FALSE for u in folded], dtype=bool)
    if not ok.all():
        pos = f.first_row(~ok)
        ctx.fail(pos, it["column"], raw.iloc[pos], "not True/False", "write True or False (or 1 / 0)")
    return pd.Series(f.spread(np.array([u in _TRUE for u in folded], dtype=bool)), index=raw.index, dtype=bool)


def _datetime(raw: pd.Series, it: dict, ctx: _Ctx) -> pd.Series:
    f = _Factor(raw)
    vals = pd.to_datetime(pd.Series(f.uniq, dtype=object).where(~f.empty_u, None), errors="coerce", format="mixed")
    bad = ~f.empty_u & vals.isna().to_numpy()
    if bad.any():
        pos = f.first_row(bad)
        ctx.fail(pos, it["column"], raw.iloc[pos], "not a date-time", "write it as YYYY-MM-DD HH:MM:SS")
    return pd.Series(vals.to_numpy()[f.codes], index=raw.index)


def read_export(path: str | Path, fmt: str, codebook: Codebook, sep: str = ",",
                missing_values=()) -> pd.DataFrame:
    """Read the export at ``path`` in format ``fmt`` ('qualtrics' or 'numeric') with field separator ``sep``,
    reading ``missing_values`` as empty cells; see the module docstring."""
    path = Path(path)
    if fmt not in HEADER_ROWS:
        raise InputError(f"config/config.yaml: waves format '{fmt}' is unknown; use one of {sorted(HEADER_ROWS)}")
    if not isinstance(sep, str) or len(sep) != 1 or sep in ('"', "\n", "\r"):
        raise InputError(f"config/config.yaml: waves sep {sep!r} is not a field separator; give one character "
                         "such as ',' or ';'")
    grid = _read_grid(path, sep)
    columns = _check_header(path, grid, fmt, codebook)
    n_head = HEADER_ROWS[fmt]
    data = grid.iloc[n_head:].reset_index(drop=True)
    data.columns = columns
    rows = np.arange(len(data)) + n_head + 1
    ids = pd.Series([str(x).strip() for x in data[codebook.id_column].to_numpy(dtype=object)], index=data.index,
                    dtype=object)
    ctx = _Ctx(path, rows, None)
    empty_id = (ids == "").to_numpy()
    if empty_id.any():
        pos = _first_bad(empty_id)
        ctx.fail(pos, codebook.id_column, "", "missing respondent id", "every response needs an id")
    dup = ids.duplicated().to_numpy()
    if dup.any():
        pos = _first_bad(dup)
        first = int(rows[np.flatnonzero((ids == ids.iloc[pos]).to_numpy())[0]])
        ctx.fail(pos, codebook.id_column, ids.iloc[pos], "repeated respondent id",
                 f"row {first} has the same id; each response needs a unique id, remove the copied row")
    ctx.ids = ids
    item_columns = [it["column"] for it in codebook.items if it["column"] != codebook.id_column]
    for column, k in blank_missing_values(data, item_columns, missing_values).items():
        log.info("%s: column '%s': %d answer(s) in %s read as missing", path, column, k, list(missing_values))
    meta_cols = {codebook.meta[k]: k for k in codebook.meta}
    parts = {"respondent_id": ids, "source_row": pd.Series(rows, index=data.index)}
    frames = []
    for it in codebook.items:
        raw = data[it["column"]]
        kind = it["type"]
        if kind in ("likert", "single"):
            parts[it["id"]] = _labels(raw, it, codebook, fmt, ctx)
        elif kind == "multi":
            frames.append(_multi(raw, it, codebook, fmt, ctx))
        elif kind == "numeric":
            parts[it["id"]] = _number(raw, it, ctx)
        elif kind == "meta" and it["column"] in meta_cols:
            role = meta_cols[it["column"]]
            if role in ("duration", "progress"):
                parts[it["id"]] = _number(raw, it, ctx)
            elif role == "finished":
                parts[it["id"]] = _boolean(raw, it, ctx)
            elif role == "start":
                parts[it["id"]] = _datetime(raw, it, ctx)
            else:
                f = _Factor(raw)
                parts[it["id"]] = pd.Series(f.spread(np.array(f.uniq, dtype=object)), index=raw.index, dtype=object)
        else:  # text and other meta
            parts[it["id"]] = raw
    out = pd.concat([pd.DataFrame(parts)] + frames, axis=1)
    log.info("%s: read %d responses (%s format, %d codebook columns of %d)", path, len(out), fmt,
             len(codebook.items), len(columns))
    return out
