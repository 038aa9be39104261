"""Reading text files the researcher supplies (transcripts, redaction list, human coding): UTF-8, an
optional byte-order mark, and a one-line error naming the file, line and byte, and what to do, for a
NUL byte (UTF-16 or binary) or bytes that are not UTF-8. The one decoder of the package.

Python's ``str.decode`` does the decoding; what no library does is the message in the project's voice
(file, line, byte, fix), so that part is written here once.

Built on it, the package's one YAML reader (:func:`read_yaml`), one JSON reader (:func:`read_json`) and
one JSON writer (:func:`write_json`, :func:`json_text`): PyYAML and :mod:`json` do the work; the
one-line messages and the JSON format of every output file are ours.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

BOM = b"\xef\xbb\xbf"


def read_utf8(path: str | Path, fix: str) -> str:
    """The text of ``path`` (UTF-8, byte-order mark removed). ``fix`` ends the error message, e.g.
    "re-save the redaction list as UTF-8 (e.g. iconv -f latin1 -t utf-8)".

    Raises :class:`InputError` ``"<path>: line L (byte B) is a NUL byte (a UTF-16 or binary file?); <fix>"``
    or ``"<path>: line L (byte B) is not UTF-8; <fix>"`` (B counted from the start of the file).
    """
    path = Path(path)
    raw = path.read_bytes()
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: line {_line(raw, nul)} (byte {nul}) is a NUL byte (a UTF-16 or binary file?); {fix}")
    skip = len(BOM) if raw.startswith(BOM) else 0
    try:
        return raw[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + skip
        raise InputError(f"{path}: line {_line(raw, at)} (byte {at}) is not UTF-8; {fix}") from None


def _line(raw: bytes, at: int) -> int:
    return raw.count(b"\n", 0, at) + 1


# --- YAML -----------------------------------------------------------------------------------------------

class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader (its libyaml parser where PyYAML has it: about 10x faster; every job and every
    Snakefile parse reads the config, codebooks and schemas), refusing a key written twice in one mapping
    (PyYAML keeps the last one silently: a second ``waves:`` block would replace the first without a word)."""


class _UniqueKeyPyLoader(yaml.SafeLoader):
    """The same loader on PyYAML's pure-Python parser: a file that fails is read again with it, so the
    error message (line, column, problem) is the same whether or not libyaml is installed."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        try:
            first = seen.setdefault(key, key_node.start_mark)
        except TypeError:  # an unhashable key: PyYAML reports it itself
            continue
        if first is not key_node.start_mark:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' appears twice in one mapping (also line {first.line + 1}; YAML would "
                "silently keep the last); keep one of them", key_node.start_mark)
    return loader.construct_mapping(node, deep=deep)


for _loader in (_UniqueKeyLoader, _UniqueKeyPyLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _yaml_message(path: Path, exc: yaml.YAMLError, text: str) -> str:
    """The one-line message of a PyYAML error: file, line and column, the problem in words (a tab and a
    repeated key named) and the fix."""
    mark = getattr(exc, "problem_mark", None)
    where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if isinstance(exc, yaml.constructor.ConstructorError) and "appears twice" in problem:
        return f"{path}:{where} {problem}"
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if (mark is not None and mark.column < len(line) and line[mark.column] == "\t") or "'\\t'" in problem:
        return (f"{path}:{where} YAML syntax error: a tab character (YAML indents with spaces only); replace "
                "the tab by spaces")
    context, cmark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and cmark is not None and (mark is None or cmark.line != mark.line):
        problem += f" ({context} at line {cmark.line + 1}, column {cmark.column + 1})"
    return f"{path}:{where} YAML syntax error: {problem}; fix the file"


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file; a syntax error (line and column; a tab named), a key written twice in one
    mapping or a file that is not UTF-8 becomes a one-line :class:`InputError` naming the file."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path in config/config.yaml")
    text = read_utf8(path, "re-save the file as UTF-8")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as fast:
        try:
            yaml.load(text, Loader=_UniqueKeyPyLoader)  # noqa: S506 (the same error, PyYAML's words)
            exc = fast
        except yaml.YAMLError as slow:
            exc = slow
        raise InputError(_yaml_message(path, exc, text)) from None


# --- JSON -----------------------------------------------------------------------------------------------

def read_json(path: str | Path) -> Any:
    """Read a JSON file the pipeline wrote (validation.json, provenance.json, truth.json, a step's summary).

    Raises :class:`InputError` ``"<path>: file not found; run the stage that writes it first"``,
    ``"<path>: line L, column C: invalid JSON (<problem>); rerun the stage that writes it"`` or
    :func:`read_utf8`'s message for bytes that are not UTF-8 (a byte-order mark is skipped)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; run the stage that writes it first")
    text = read_utf8(path, "rerun the stage that writes it")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}); rerun the "
                         "stage that writes it") from None


def _plain(obj):
    """``obj`` with NaN as None and numpy scalars and arrays as Python numbers and lists (tuples as lists)."""
    import numpy as np  # here, not at the top: the Snakefile imports this module to read the config

    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, (float, np.floating)):
        return None if math.isnan(obj) else float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def _unwritable(o):
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def json_text(obj: Any, *, indent: int | None = None, sort_keys: bool = False, ensure_ascii: bool = True,
              default=None) -> str:
    """The project's JSON text of ``obj``, without a final newline: NaN (an undefined statistic) becomes
    ``null``, numpy scalars and arrays plain numbers and lists; infinity is refused (``ValueError``: not
    JSON). One line unless ``indent``; ``indent``, ``sort_keys``, ``ensure_ascii`` as in :func:`json.dumps`;
    ``default(o)`` returns a stand-in for any other object JSON cannot write (without it: ``TypeError``)."""
    return json.dumps(_plain(obj), indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii,
                      allow_nan=False, default=default or _unwritable)


def write_json(obj: Any, path: str | Path, *, sort_keys: bool = False, ensure_ascii: bool = True,
               default=None) -> None:
    """Write ``obj`` to ``path`` in the format of every JSON file of the pipeline: :func:`json_text`
    indented by 2, a final newline, UTF-8, ``\\n`` line ends on every platform; parent folders created.
    The options are :func:`json_text`'s (e.g. ``sort_keys=True`` for provenance.json and truth.json)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json_text(obj, indent=2, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=default) + "\n"
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
