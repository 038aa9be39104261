"""What may differ between two clean runs of the pipeline on the same inputs, and nothing else (issue 11).

Two clean runs of the same command on the same inputs -- in other folders, at other times, under other
hash seeds -- write the same bytes to every file under ``results/``, ``data/processed/`` and ``logs/``
(:data:`COMPARED`), except the fields declared in :data:`VOLATILE`: wall-clock timings, and a few facts
about the environment the run happened in (interpreter, platform, package versions, git state, where the
embedding weights are installed). ``tests/test_determinism.py`` runs the small configuration twice and
compares every file after :func:`mask` has blanked those fields; anything else that differs is a bug
to fix where the file is written (random ids, unrounded floating noise, timestamps in file metadata,
absolute paths, set or dict order), not a line to add here.

How the outputs are kept stable where they are written:

* notebooks: cell ids derived from the cells' contents, no execution timings, stdout chunks merged
  (:mod:`upskilling.integrate.notebooks`);
* the topic model's KeyBERT / c-TF-IDF keyword scores rounded before they are saved
  (:func:`upskilling.interviews.topics.save_model`), as are the tables' similarities and probabilities;
* figures saved without creation dates or software versions in the PNG / PDF metadata
  (:func:`upskilling.integrate.figures.style.save`);
* the ``.qdpx`` zipped with sorted entries and a fixed date (:func:`upskilling.integrate.qdpx.zip_bytes`);
* paths written relative to the working directory; JSON written with the keys in a fixed order.
"""
from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import NamedTuple

#: The folders of a run's outputs (relative to its working directory) that two clean runs must agree on.
COMPARED = ("results", "data/processed", "logs")

#: The value written in place of a volatile field by :func:`mask`.
MASK = "<volatile>"


class Volatile(NamedTuple):
    """One declared volatile field.

    ``glob``: the files it is in, relative to the run's working directory (:func:`fnmatch.fnmatch`, so
    ``*`` also matches ``/``). ``field``: ``json:<dotted path>`` (a key of a JSON file; ``*`` is any key or
    list item) or ``re:<regex>`` (every match in a text file). ``kind``: ``timing`` or ``environment``.
    """

    glob: str
    field: str
    kind: str
    why: str


_EMBEDDINGS = "data/processed/interviews/embeddings.json"
_TOPICS_FIT = "data/processed/interviews/topics_fit.json"

#: Every field allowed to differ between two clean runs: ``(file glob, json path or regex, kind, why)``.
VOLATILE: tuple[Volatile, ...] = (
    # --- results/provenance.json: what the run happened in (it has no clock time) ---
    Volatile("results/provenance.json", "json:python", "environment", "the interpreter's version"),
    Volatile("results/provenance.json", "json:platform", "environment", "the operating system and machine"),
    Volatile("results/provenance.json", "json:packages", "environment", "installed package versions"),
    Volatile("results/provenance.json", "json:git", "environment",
             "the checkout's commit and whether it has uncommitted changes (none outside a checkout)"),
    Volatile("results/provenance.json", "json:model.path", "environment",
             "where the embedding weights are installed (their sha256 is compared)"),
    # --- the embedding and topic steps' summaries: timings and the weights' location ---
    Volatile(_EMBEDDINGS, "json:seconds", "timing", "wall-clock time of the embedding step"),
    Volatile(_EMBEDDINGS, "json:shards.*.seconds", "timing", "wall-clock time of each embedding shard"),
    Volatile(_EMBEDDINGS, "json:shards.*.encode_seconds", "timing", "time spent in the encoder, per shard"),
    Volatile(_EMBEDDINGS, "json:shards.*.texts_per_second", "timing", "encoder throughput, per shard"),
    Volatile(_EMBEDDINGS, "json:model.path", "environment", "where the embedding weights are installed"),
    Volatile(_TOPICS_FIT, "json:seconds", "timing", "wall-clock time of the topic-model fit"),
    Volatile(_TOPICS_FIT, "json:model.path", "environment", "where the embedding weights are installed"),
    # --- notebooks ---
    Volatile("results/notebooks/*.ipynb", "json:metadata.language_info.version", "environment",
             "the kernel's Python version"),
    # --- logs: one line per message, each prefixed with the wall-clock time (upskilling.logs.FORMAT) ---
    Volatile("logs/*.log", r"re:(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}(?= )", "timing",
             "the timestamp that starts every log line"),
    Volatile("logs/*.log", r"re:(?<![\w.])\d+(?:\.\d+)? s\b", "timing", "durations ('7.4 s', '(0.2 s)')"),
    Volatile("logs/*.log", r"re:\(\d+(?:\.\d+)? [^()\n]*/s\)", "timing", "throughputs ('(13 segments/s)')"),
    Volatile("logs/*.log", r"re:(?<=Loading SentenceTransformer model from )\S+", "environment",
             "where the embedding weights are installed"),
)


def volatile_fields(relpath: str, declared=VOLATILE) -> list[Volatile]:
    """The declared fields of the file at ``relpath`` (POSIX, relative to the run's working directory)."""
    return [v for v in declared if fnmatch.fnmatchcase(relpath, v.glob)]


def _mask_json(obj, keys: list[str]):
    """``obj`` with the value at the dotted path ``keys`` replaced by :data:`MASK` (where it exists)."""
    if not keys:
        return MASK
    head, rest = keys[0], keys[1:]
    if isinstance(obj, dict):
        for k in (list(obj) if head == "*" else [head]):
            if k in obj:
                obj[k] = _mask_json(obj[k], rest)
    elif isinstance(obj, list):
        idx = range(len(obj)) if head == "*" else ([int(head)] if head.isdigit() and int(head) < len(obj) else [])
        for i in idx:
            obj[i] = _mask_json(obj[i], rest)
    return obj


def mask(relpath: str, data: bytes, declared=VOLATILE) -> bytes:
    """The content of the output file at ``relpath`` with its declared volatile fields replaced by
    :data:`MASK`; the bytes unchanged for a file with none. JSON fields are masked in the parsed document
    (re-written with its keys in their original order, so a changed key order still shows); regexes in
    the text (undecodable bytes kept as they are)."""
    fields = volatile_fields(relpath, declared)
    if not fields:
        return data
    text = data.decode("utf-8", errors="surrogateescape")
    paths = [v.field[len("json:"):] for v in fields if v.field.startswith("json:")]
    if paths:
        obj = json.loads(text)
        for p in paths:
            obj = _mask_json(obj, p.split("."))
        # not textio.write_json on purpose: this text is only compared with the other run's, never written,
        # and must keep what the file holds (NaN stays NaN, not null; Infinity is kept, not refused)
        text = json.dumps(obj, indent=1, ensure_ascii=False) + "\n"
    for v in fields:
        if v.field.startswith("re:"):
            text = re.sub(v.field[len("re:"):], MASK, text)
    return text.encode("utf-8", errors="surrogateescape")


def snapshot(workdir: str | Path, folders=COMPARED, declared=VOLATILE) -> dict[str, bytes]:
    """Every file under ``folders`` of the run in ``workdir``, by POSIX path relative to ``workdir``,
    with its volatile fields masked."""
    workdir = Path(workdir)
    out = {}
    for folder in folders:
        for path in sorted((workdir / folder).rglob("*")):
            if path.is_file():
                rel = path.relative_to(workdir).as_posix()
                out[rel] = mask(rel, path.read_bytes(), declared)
    return out


def differences(a: str | Path, b: str | Path, folders=COMPARED, declared=VOLATILE) -> list[str]:
    """The output files in which the runs in working directories ``a`` and ``b`` differ once the declared
    fields are masked (a file only one run wrote counts too), sorted."""
    sa, sb = snapshot(a, folders, declared), snapshot(b, folders, declared)
    return sorted(p for p in sa.keys() | sb.keys() if sa.get(p) != sb.get(p))
