"""Read a raw survey export into a typed table, driven by the codebook.

Four formats (``config.waves.<wave>.format``), by the number of header rows and how answers are recorded:

* ``qualtrics``: three header rows (column ids, question text, ``{"ImportId": ...}``), answers as choice
  text ("Somewhat agree"), multi-select answers joined by commas;
* ``qualtrics_numeric``: the same three header rows, answers as numeric codes ("4"; multi-select "1,3");
* ``labels``: one header row of column ids, answers as choice text (LimeSurvey, SurveyMonkey and Google
  Forms exports);
* ``numeric``: one header row of column ids, answers as numeric codes.

A codebook item may set ``answers: labels`` or ``answers: codes`` when the export records that item
differently from the rest of the file (e.g. a numeric export whose gender column holds words). A file
in another format than the wave's stops the run with the format to set: a three-header file read with
a one-header format (or the reverse), or a file whose first responses hold codes where the format
expects choice text (or the reverse); a single cell that is a code where a label is expected (or the
reverse) names the format and the item's ``answers`` key.

Reader options of the wave (``config.waves.<wave>``): ``sep`` (field separator; when not set it is
detected from the first lines, see :mod:`.sniff`), ``encoding`` (default ``utf-8-sig``: UTF-8 with or
without a byte-order mark; a file in another encoding stops the run with the ``encoding:`` to set) and
``missing_values`` (answers meaning "no answer", e.g. ``-9``). A codebook item may list its own
``missing_values`` (e.g. ``[99, "prefer not to say"]``), applied to that item in addition to the wave's.
A cell whose trimmed text equals one of them (case-folded), or that is a number equal to a numeric one
("-9.0" for -9), is read as an empty cell; the wave's apply to every codebook column except the
respondent id. The number of cells recoded per column is logged.

Only the export columns named in the codebook are read (a Qualtrics export has many more). Answer
labels are matched after trimming surrounding whitespace and case-folding. An empty cell is a
missing answer. Anything else that does not fit stops the run with one :class:`InputError` naming the
file, the row (numbered as a spreadsheet shows it, header rows included), the column and the value:
an unknown label, a code or number out of range, a column missing from or duplicated in the header,
an unreadable duration / progress / finished / start value, a missing or repeated respondent id, a row
with fewer fields than the header (a file cut short: pandas would read the missing answers as empty), a
quoted cell left open at the end of the file, a cell holding a NUL byte (:mod:`.sniff`). An
answer that may mean "no answer" (text in a coded column, a number out of range) is told to be
declared a missing-value code of the wave or of the item.

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
from . import sniff
from .codebook import Codebook, code_name, fold

log = get_logger("survey")

# format: (header rows, how the answers are recorded)
FORMATS = {"qualtrics": (3, "labels"), "qualtrics_numeric": (3, "codes"), "labels": (1, "labels"),
           "numeric": (1, "codes")}
HEADER_ROWS = {f: n for f, (n, _) in FORMATS.items()}
_FORMAT_OF = {shape: f for f, shape in FORMATS.items()}
_ANSWERS = {"labels": "choice text", "codes": "codes"}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _read_grid(path: Path, sep: str | None, encoding: str, wkey: str) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path}: file not found; check the wave's 'survey' path in config/config.yaml")
    codec, head, whole = sniff.resolve_encoding(path, encoding, wkey)
    explicit = sep is not None
    if not explicit:
        sep = sniff.detect_sep(path, head, whole, wkey) if head.strip() else ","
    try:
        grid = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, na_filter=False,
                           encoding=codec, skip_blank_lines=True, sep=sep)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: file is empty; export the survey responses again") from None
    except pd.errors.ParserError as exc:
        damaged = sniff.damaged_file(path, codec, str(exc), wkey)
        if damaged:
            raise damaged from None
        guess = sniff.best_sep(head, whole) if explicit else None
        hint = (f"the file looks {guess!r}-separated: set sep: {sniff.yaml_sep(guess)} under {wkey} in "
                "config/config.yaml (or remove sep to detect it)" if guess and guess != sep else
                f"sep {sep!r} {'set' if explicit else 'detected'}; sep: under {wkey} in config/config.yaml sets it")
        raise InputError(f"{path}: not a readable CSV ({str(exc).strip()}); check quoting and the number "
                         f"of fields on that line ({hint})") from None
    except UnicodeDecodeError:
        raise sniff.decode_error(path, codec, wkey) from None
    sniff.check_structure(path, grid, codec, sep, wkey)
    return grid


def _sep_hint(columns: list[str], sep: str | None, wkey: str) -> str:
    """A hint naming ``sep:`` when the header row was not split into columns."""
    if len(columns) > 1:
        return ""
    for d in sniff.CANDIDATES:
        if d in columns[0]:
            return (f"; the header row looks {d!r}-separated: set sep: {sniff.yaml_sep(d)} under {wkey} in "
                    "config/config.yaml" + ("" if sep is None else " (or remove sep to detect it)"))
    return (f"; the header row is a single column: set sep: to the file's field separator under {wkey} in "
            "config/config.yaml")


def _check_header(path: Path, grid: pd.DataFrame, fmt: str, codebook: Codebook, sep: str | None,
                  wkey: str) -> list[str]:
    n_head = HEADER_ROWS[fmt]
    if len(grid) < n_head:
        raise InputError(f"{path}: has {len(grid)} row(s) but a {fmt} export has {n_head} header row(s); "
                         f"check format: under {wkey} in config/config.yaml")
    columns = [str(c).strip() for c in grid.iloc[0].tolist()]
    looks_qualtrics = len(grid) >= 3 and str(grid.iloc[2, 0]).lstrip().startswith('{"ImportId"')
    if n_head != (3 if looks_qualtrics else 1):
        first = 3 if looks_qualtrics else 1            # header rows the file has
        data = grid.iloc[first:].set_axis(columns, axis=1)
        data = data.loc[:, ~data.columns.duplicated()]
        known = [it for it in codebook.items if it["column"] in data]
        found = sniff.answer_kind(data, np.arange(len(data)) + first + 1, known, codebook)
        if looks_qualtrics:
            which = f"; row {found[1]} holds {_ANSWERS[found[0]]}, so {_FORMAT_OF[(3, found[0])]}" if found else ""
            raise InputError(f"{path}: row 3 is a Qualtrics ImportId header row but the wave's format is {fmt} "
                             f"(one header row); set format: qualtrics or qualtrics_numeric under {wkey} in "
                             f"config/config.yaml{which}")
        got = str(grid.iloc[2, 0])[:40] if len(grid) >= 3 else ""
        fix = _FORMAT_OF[(1, found[0])] if found else "labels or numeric"
        raise InputError(f"{path}: row 3, column '{columns[0]}': expected the Qualtrics ImportId header row "
                         f"({{\"ImportId\": ...}}), got '{got}'; set format: {fix} under {wkey} in config/config.yaml "
                         "(one header row) or export from Qualtrics with three header rows")
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
                             f"column in the codebook{_sep_hint(columns, sep, wkey)}")
    if len(grid) == n_head:
        raise InputError(f"{path}: has header rows but no responses; export the responses again")
    return columns


def _check_answers(path: Path, data: pd.DataFrame, rows: np.ndarray, fmt: str, codebook: Codebook,
                   wkey: str) -> None:
    """Stop when the first responses record answers in the other way (codes / labels) than ``fmt``."""
    n_head, expected = FORMATS[fmt]
    found = sniff.answer_kind(data, rows, codebook.items, codebook)
    if found and found[0] != expected:
        kind, row, column, value = found
        raise InputError(f"{path}: row {row}, column '{column}': the answers are {_ANSWERS[kind]} ('{value}'), "
                         f"not {_ANSWERS[expected]} as format {fmt} expects; set format: "
                         f"{_FORMAT_OF[(n_head, kind)]} under {wkey} in config/config.yaml")


class _Ctx:
    def __init__(self, path: Path, rows: np.ndarray, cb: Codebook, fmt: str, wkey: str):
        self.path, self.rows, self.ids, self.cb, self.fmt, self.wkey = path, rows, None, cb, fmt, wkey

    def fail(self, pos: int, column: str, value: str, what: str, fix: str) -> None:
        who = f" (respondent {self.ids.iloc[pos]})" if self.ids is not None and self.ids.iloc[pos] else ""
        raise InputError(f"{self.path}: row {self.rows[pos]}{who}, column '{column}': {what} '{value}'; {fix}")

    def declare_missing(self, it: dict) -> str:
        """The fix for an answer that may mean "no answer"."""
        return (f"if it means no answer, declare it a missing-value code: {self.wkey}.missing_values in "
                f"config/config.yaml or missing_values of item '{it['id']}' in {self.cb.path}")

    def other_answers(self, it: dict, kind: str) -> str:
        """The fix for a cell that is a code where labels are expected (kind 'codes') or the reverse."""
        fmt = _FORMAT_OF[(HEADER_ROWS[self.fmt], kind)]
        return (f"it is {'a code' if kind == 'codes' else 'a label'} of scale '{it['scale']}': if the export "
                f"records {_ANSWERS[kind]}, set format: {fmt} under {self.wkey} in config/config.yaml, or "
                f"answers: {kind} for item '{it['id']}' in {self.cb.path}")


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
    """How the export records this item's answers ('labels' or 'codes'): the item's ``answers`` key, else
    the wave's format."""
    return it.get("answers") or FORMATS[fmt][1]


def _missing_matcher(missing_values) -> "callable":
    """A function telling whether a (trimmed) cell text is one of the missing-value codes."""
    texts = {fold(v) for v in missing_values}
    numbers = set()
    for v in missing_values:
        try:
            numbers.add(float(v))
        except (TypeError, ValueError):
            pass

    def is_missing(cell: str) -> bool:
        if fold(cell) in texts:
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
    f = _Factor(raw)
    if _item_format(it, fmt) == "labels":
        mapping = {fold(lab): float(code) for lab, code in zip(sc["labels"], sc["codes"])}
        vals = np.array([mapping.get(fold(u), np.nan) for u in f.uniq], dtype=float)
        bad = ~f.empty_u & np.isnan(vals)
        if bad.any():
            pos = f.first_row(bad)
            hint = (ctx.other_answers(it, "codes") if sniff.cell_kind(raw.iloc[pos], it, cb) == "codes"
                    else ctx.declare_missing(it))
            ctx.fail(pos, it["column"], raw.iloc[pos], "unknown label",
                     f"use one of {sc['labels']} (scale '{it['scale']}') or add the label to the codebook; {hint}")
    else:
        allowed = {float(c) for c in sc["codes"]}
        vals = pd.to_numeric(pd.Series(f.uniq, dtype=object).where(~f.empty_u, None), errors="coerce").to_numpy(dtype=float)
        bad = ~f.empty_u & (np.isnan(vals) | ~np.isin(vals, list(allowed)))
        if bad.any():
            pos = f.first_row(bad)
            what = "code out of range" if np.isfinite(vals[f.codes[pos]]) else "not a code"
            hint = (ctx.other_answers(it, "labels") if sniff.cell_kind(raw.iloc[pos], it, cb) == "labels"
                    else ctx.declare_missing(it))
            ctx.fail(pos, it["column"], raw.iloc[pos], what,
                     f"use one of {sorted(sc['codes'])} (scale '{it['scale']}'); {hint}")
    vals = np.where(f.empty_u, np.nan, vals)
    return pd.Series(f.spread(vals), index=raw.index, dtype=float)


def _multi(raw: pd.Series, it: dict, cb: Codebook, fmt: str, ctx: _Ctx) -> pd.DataFrame:
    """0/1 columns ``<id>_<code>`` of a multi-select item (all NaN where the cell is empty)."""
    sc = cb.scale_of(it["id"])
    labels = _item_format(it, fmt) == "labels"
    codes = sc["codes"]
    if labels:
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
                what = ("unknown choice" if labels else
                        "code out of range" if sniff.num(part.strip()) is not None else "not a code")
                allowed = sc["labels"] if labels else sorted(codes)
                other = sniff.cell_kind(part, it, cb)
                hint = (f"; {ctx.other_answers(it, other)}" if other and other != _item_format(it, fmt)
                        else f"; {ctx.declare_missing(it)}" if part.strip() == str(u).strip() else "")
                ctx.fail(pos, it["column"], part.strip(), what,
                         f"use choices from {allowed} (scale '{it['scale']}') separated by commas{hint}")
            chosen.append(index[code])
        out[np.asarray(rows_of[u])[:, None], np.asarray(chosen, dtype=int)[None, :]] = 1.0
    return pd.DataFrame(out, columns=[f"{it['id']}_{code_name(c)}" for c in codes], index=raw.index)


def _number(raw: pd.Series, it: dict, ctx: _Ctx, what: str = "not a number") -> pd.Series:
    f = _Factor(raw)
    vals = pd.to_numeric(pd.Series(f.uniq, dtype=object).where(~f.empty_u, None), errors="coerce").to_numpy(dtype=float)
    bad = ~f.empty_u & np.isnan(vals)
    if bad.any():
        pos = f.first_row(bad)
        ctx.fail(pos, it["column"], raw.iloc[pos], what, "enter a number (digits, '.' as decimal mark) or leave it "
                 f"empty; {ctx.declare_missing(it)}")
    lo, hi = it.get("min", -np.inf), it.get("max", np.inf)
    with np.errstate(invalid="ignore"):
        out = (vals < lo) | (vals > hi)
    if out.any():
        pos = f.first_row(out)
        ctx.fail(pos, it["column"], raw.iloc[pos], "value out of range",
                 f"the codebook allows {it.get('min', '-inf')} to {it.get('max', 'inf')} for item '{it['id']}'; "
                 f"correct the answer or the item's min/max; {ctx.declare_missing(it)}")
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


def read_export(path: str | Path, fmt: str, codebook: Codebook, sep: str | None = None, missing_values=(),
                encoding: str = "utf-8-sig", wave: str | None = None) -> pd.DataFrame:
    """Read the export at ``path`` in format ``fmt`` (one of :data:`FORMATS`) with field separator ``sep``
    (None: detected) and text ``encoding``, reading ``missing_values`` (and each item's own) as empty cells;
    ``wave`` names the config key in messages. See the module docstring."""
    path = Path(path)
    wkey = f"waves.{wave}" if wave else "waves.<wave>"
    if fmt not in FORMATS:
        raise InputError(f"config/config.yaml: {wkey}.format '{fmt}' is unknown; use one of {list(FORMATS)}")
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1 or sep in ('"', "\n", "\r")):
        raise InputError(f"config/config.yaml: {wkey}.sep {sep!r} is not a field separator; give one character "
                         "such as ',' or ';', or leave sep out to detect it")
    for it in codebook.items:
        if it.get("missing_values") and it["column"] == codebook.id_column:
            raise InputError(f"{codebook.path}: item '{it['id']}': missing_values on the respondent id column "
                             f"'{it['column']}'; remove them (every response needs an id)")
    grid = _read_grid(path, sep, encoding, wkey)
    columns = _check_header(path, grid, fmt, codebook, sep, wkey)
    n_head = HEADER_ROWS[fmt]
    data = grid.iloc[n_head:].reset_index(drop=True)
    data.columns = columns
    rows = np.arange(len(data)) + n_head + 1
    ids = pd.Series([str(x).strip() for x in data[codebook.id_column].to_numpy(dtype=object)], index=data.index,
                    dtype=object)
    ctx = _Ctx(path, rows, codebook, fmt, wkey)
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
        log.info("%s: column '%s': %d answer(s) in %s (%s.missing_values) read as missing", path, column, k,
                 list(missing_values), wkey)
    for it in codebook.items:
        if it.get("missing_values"):
            for column, k in blank_missing_values(data, [it["column"]], it["missing_values"]).items():
                log.info("%s: column '%s': %d answer(s) in %s (item '%s' missing_values) read as missing", path,
                         column, k, list(it["missing_values"]), it["id"])
    _check_answers(path, data, rows, fmt, codebook, wkey)
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
