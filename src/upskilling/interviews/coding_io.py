"""Read a human coding (CSV or REFI-QDA ``.qdpx``) and anchor every code to its current transcript turn.

Turn ids (``<pid>-T<NNN>``) are positions, so a transcript that gains or loses a turn shifts every later
id and a coding keyed by id alone silently lands on the wrong text. A coding row therefore carries a
*fingerprint* of its turn's text (``text_start``: the first characters the coder saw) and
:func:`read_human_coding` re-points each row to the participant turn whose text starts that way:

``matched``     the row's ``turn_id`` still holds a turn with the row's fingerprint;
``moved``       the fingerprint is found at another participant turn of that participant; the row is
                re-pointed there;
``by_id_only``  the row has no fingerprint and its ``turn_id`` is a participant turn (kept as it is);
unmatched       the fingerprint matches no turn of that participant (or only turns other rows hold), or
                the ``turn_id`` does not exist or is not a participant turn: the row is left out and
                listed in the report.

Fingerprints are compared on the shorter of the two lengths. When several turns match (two answers
"Yes."), a participant's rows are aligned in order with the turns, as a diff aligns lines: the most rows
on a matching turn, then the most keeping their id, then the nearest ``turn_index``; every current turn
receives at most one row. A ``.qdpx`` project (QualCoder, NVivo, ATLAS.ti, MAXQDA, or our own export in
:mod:`upskilling.integrate.qdpx`) is anchored by the selected text instead: each coded
``PlainTextSelection`` is mapped to the participant turn that contains it.

The turns are redacted (:mod:`.redact`) while a coder saw the raw transcript, so the optional ``redact``
callable is applied to a row's text before it is fingerprinted. Messages, logs and the report name
files, rows, columns, ids and counts, never transcript text.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import InputError
from ..textio import read_utf8
from .themes import OTHER

LOG = logging.getLogger("upskilling.interviews")

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODING_COLUMNS = ["participant_id", "turn_id", "theme", "confidence", "original_turn_id", "status"]
FINGERPRINT_COLUMNS = ("text_start", "fingerprint")  # first one present is used
MAX_LISTED = 50
_TURN_NO = re.compile(r"-T(\d+)$")
_SEGMENT_NAME = re.compile(r"^(?P<turn>.+-T\d+)-S\d+$")  # our exporter names a selection <turn_id>-S<NN>
_LABEL = re.compile(r"^\s*[^:\n]{1,60}?:\s+")  # a speaker label at the start of a selection
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")
_THEME_ID_NOTE = re.compile(r"^\s*Theme id:\s*([A-Za-z0-9_-]+)\.")  # our exporter's code description
_PLACEHOLDER_WINDOW = 12  # a redaction placeholder ('[client] ') this close before the divergence

_CHARS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
})


# --- fingerprints --------------------------------------------------------------------------------

def normalise(text) -> str:
    """``text`` in the form fingerprints compare: Unicode NFKC (``…`` -> ``...``), typographic quotes
    and dashes as ASCII, invisible characters removed, whitespace collapsed, lower-cased."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_CHARS)
    return " ".join(text.split()).lower()


def _same_start(row_fp: str, turn_fp: str) -> bool:
    """Do the two fingerprints agree on the shorter of their lengths? (An empty one matches only empty.)"""
    n = min(len(row_fp), len(turn_fp))
    return row_fp == turn_fp if n == 0 else row_fp[:n] == turn_fp[:n]


def _same_start_redacted(row_fp: str, turn_fp: str) -> bool:
    """Tolerate a text_start cut inside a redacted detail: "...Brightline Den" (not on the list as such)
    against the turn's "...[CLIENT] ...". Agree up to the divergence, a placeholder starts just before or at
    it in the turn, and little of the row's text is left after it."""
    n = min(len(row_fp), len(turn_fp))
    k = next((i for i in range(n) if row_fp[i] != turn_fp[i]), n)
    if k == n or k < 8:
        return False
    rest = row_fp[k:]
    return "[" in turn_fp[max(0, k - _PLACEHOLDER_WINDOW):k + 1] and len(rest) <= 25 and len(rest.split()) <= 3


# --- turns ---------------------------------------------------------------------------------------

class _Turns:
    """Participant turns of ``turns`` indexed for anchoring."""

    def __init__(self, turns: pd.DataFrame, fp_chars: int):
        missing = {"participant_id", "turn_id", "text"} - set(turns.columns)
        if missing:
            raise InputError(f"turns table: missing column(s) {sorted(missing)}; pass turns.csv of the ingest step")
        t = turns.copy()
        if "role" not in t.columns:
            t["role"] = "participant"
        if "turn_index" not in t.columns:
            t["turn_index"] = [_turn_no(x, i) for i, x in enumerate(t["turn_id"], start=1)]
        t["participant_id"] = t["participant_id"].astype(str)
        t["turn_id"] = t["turn_id"].astype(str)
        self.pids = set(t["participant_id"])
        self.info = {r.turn_id: (r.participant_id, str(r.role), int(r.turn_index))
                     for r in t.itertuples(index=False)}
        part = t[t["role"].astype(str) == "participant"]
        self.by_pid: dict[str, list[tuple[str, int, str]]] = {}
        self.text: dict[str, str] = {}
        for r in part.itertuples(index=False):
            norm = normalise(r.text)
            self.by_pid.setdefault(r.participant_id, []).append((r.turn_id, int(r.turn_index), norm[:fp_chars]))
            self.text[r.turn_id] = norm
        for rows in self.by_pid.values():
            rows.sort(key=lambda x: x[1])

    def index(self, pid: str, turn_id: str) -> float:
        info = self.info.get(turn_id)
        if info is not None and info[0] == pid:
            return info[2]
        m = _TURN_NO.search(turn_id)
        return int(m.group(1)) if m else float("inf")


def _turn_no(turn_id: str, default: int) -> int:
    m = _TURN_NO.search(str(turn_id))
    return int(m.group(1)) if m else default


# --- anchoring -----------------------------------------------------------------------------------

def _align(origins: list[float], cands: list[set[str]], seq: list[tuple[str, int]], ids: list[str]) -> dict[int, str]:
    """Order-preserving alignment of coding rows (sorted by original turn number ``origins``) with the
    participant's turns ``seq`` (``(turn_id, turn_index)`` in order), like a diff: as many rows as possible
    on a turn their text matches (``cands``), then as many keeping their id (``ids``), then the least
    distance. Returns ``{row position: turn_id}``."""
    n, m = len(origins), len(seq)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = max(score[i - 1][j], score[i][j - 1])
            turn_id, index = seq[j - 1]
            if turn_id in cands[i - 1]:
                gain = 1_000_000 + 1_000 * (turn_id == ids[i - 1]) - min(999, abs(index - origins[i - 1]))
                best = max(best, score[i - 1][j - 1] + gain)
            score[i][j] = best
    out, i, j = {}, n, m
    while i and j:
        if score[i][j] == score[i - 1][j]:
            i -= 1
        elif score[i][j] == score[i][j - 1]:
            j -= 1
        else:
            out[i - 1] = seq[j - 1][0]
            i, j = i - 1, j - 1
    return out


def _anchor(rows: list[dict], turns: _Turns) -> list[dict]:
    """Give every row a ``status`` (matched | moved | by_id_only | unmatched), the current ``turn_id`` and,
    when unmatched, a ``reason``. Rows are dicts with ``row, participant_id, turn_id, fp`` (the normalised,
    redacted text_start; None: no fingerprint).

    Rows without a fingerprint claim their turn by id. Per participant, the rows with a fingerprint are
    then aligned in order with the unclaimed turns their text matches (:func:`_align`: an inserted or
    deleted turn shifts the rows after it, as in a diff); a row the alignment leaves out (turns reordered)
    takes the nearest matching turn still free, else it is unmatched."""
    claimed: dict[str, int] = {}
    waiting: dict[str, list[int]] = {}
    for k, r in enumerate(rows):
        r["original_turn_id"] = r["turn_id"]
        pid = r["participant_id"]
        if pid not in turns.pids:
            r.update(status="unmatched", reason="participant not in the transcripts")
            continue
        if r["fp"] is None:
            info = turns.info.get(r["turn_id"])
            if info is None:
                r.update(status="unmatched", reason="turn_id not in the transcripts")
            elif info[0] != pid:
                r.update(status="unmatched", reason="turn_id belongs to another participant")
            elif info[1] != "participant":
                r.update(status="unmatched", reason="turn_id is not a participant turn")
            else:
                r["status"] = "by_id_only"
                claimed[r["turn_id"]] = k
            continue
        own = turns.by_pid.get(pid, [])
        cands = {t[0] for t in own if _same_start(r["fp"], t[2])} or {
            t[0] for t in own if _same_start_redacted(r["fp"], t[2])}
        if not cands:
            r.update(status="unmatched", reason=f"text_start matches no participant turn of {pid}")
            continue
        r["_cands"] = cands
        waiting.setdefault(pid, []).append(k)
    for pid, ks in waiting.items():
        ks.sort(key=lambda k: (turns.index(pid, rows[k]["turn_id"]), k))
        origins = [turns.index(pid, rows[k]["turn_id"]) for k in ks]
        seq = [(t[0], t[1]) for t in turns.by_pid[pid] if t[0] not in claimed]
        placed = _align(origins, [rows[k]["_cands"] for k in ks], seq, [rows[k]["turn_id"] for k in ks])
        for i, turn_id in placed.items():
            claimed[turn_id] = ks[i]
        index = dict(seq)
        loose = sorted((abs(index[t] - origins[i]), index[t], i, t) for i in range(len(ks)) if i not in placed
                       for t in rows[ks[i]]["_cands"] if t in index)
        for _, _, i, turn_id in loose:
            if i not in placed and turn_id not in claimed:
                placed[i] = turn_id
                claimed[turn_id] = ks[i]
        for i, k in enumerate(ks):
            r = rows[k]
            del r["_cands"]
            if i not in placed:
                r.update(status="unmatched", reason="text_start matches only turns that other rows code")
            else:
                r.update(status="matched" if placed[i] == r["turn_id"] else "moved", turn_id=placed[i])
    return rows


def _result(rows: list[dict], path: Path, fmt: str, kept: list[dict] | None = None,
            n_merged: int = 0) -> tuple[pd.DataFrame, dict]:
    kept = [r for r in rows if r["status"] != "unmatched"] if kept is None else kept
    frame = pd.DataFrame([{c: r[c] for c in CODING_COLUMNS} for r in kept], columns=CODING_COLUMNS)
    unmatched = [r for r in rows if r["status"] == "unmatched"]
    moved, seen = [], set()
    for r in rows:
        pair = (r["original_turn_id"], r["turn_id"])
        if r["status"] == "moved" and pair not in seen:
            seen.add(pair)
            moved.append({"original_turn_id": pair[0], "turn_id": pair[1]})
    count = {s: sum(r["status"] == s for r in rows) for s in ("matched", "moved", "by_id_only")}
    report = {"path": str(path), "format": fmt, "n_rows": len(rows), "n_matched": count["matched"],
              "n_moved": count["moved"], "n_by_id_only": count["by_id_only"], "n_unmatched": len(unmatched),
              "n_merged": n_merged,
              "unmatched": [{"row": r["row"], "participant_id": r["participant_id"], "turn_id": r["original_turn_id"],
                             "reason": r["reason"]} for r in unmatched[:MAX_LISTED]],
              "moved": moved[:MAX_LISTED]}
    if report["n_moved"] or report["n_unmatched"]:
        LOG.warning("human coding %s: %d of %d rows re-pointed to a moved turn, %d unmatched and left out "
                    "(%d matched, %d by id only); see the coding report", path, report["n_moved"], len(rows),
                    report["n_unmatched"], report["n_matched"], report["n_by_id_only"])
    else:
        LOG.info("human coding %s: %d rows (%d matched by text, %d by id only)", path, len(rows),
                 report["n_matched"], report["n_by_id_only"])
    return frame, report


# --- CSV -----------------------------------------------------------------------------------------

def _read_csv_rows(path: Path, allowed: set[str]) -> list[dict]:
    reader = csv.reader(io.StringIO(read_utf8(path, "re-save the file as CSV UTF-8"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: the file is empty; expected a header participant_id,turn_id,theme") from None
    except csv.Error as exc:
        raise InputError(f"{path}: row 1: not readable as CSV ({exc}); fix the header") from None
    cols = [c.strip().lower() for c in header]
    missing = [c for c in ("turn_id", "theme") if c not in cols]
    if missing:
        raise InputError(f"{path}: missing column(s) {missing}; expected participant_id,turn_id,theme "
                         f"(optional text_start, confidence)")
    fp_col = next((c for c in FINGERPRINT_COLUMNS if c in cols), None)
    rows, first_row = [], {}
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(f"{path}: row {reader.line_num}: not readable as CSV ({exc}); fix the quoting") from None
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(cols):
            raise InputError(f"{path}: row {line}: {len(values)} fields but the header has {len(cols)}; "
                             "fix the row (quote text that contains commas)")
        rec = dict(zip(cols, values))
        turn_id, theme = rec["turn_id"].strip(), rec["theme"].strip()
        if not turn_id:
            raise InputError(f"{path}: row {line}, column 'turn_id': empty; give the turn id (e.g. P01-T004)")
        if theme not in allowed:
            raise InputError(f"{path}: row {line}, column 'theme': unknown theme '{theme}'; use one of "
                             f"{sorted(allowed)}")
        if turn_id in first_row:
            raise InputError(f"{path}: row {line}, column 'turn_id': turn '{turn_id}' is coded twice (also row "
                             f"{first_row[turn_id]}); keep one code per turn")
        first_row[turn_id] = line
        pid = rec.get("participant_id", "").strip() or turn_id.rsplit("-T", 1)[0]
        text = rec[fp_col] if fp_col else ""
        rows.append({"row": line, "participant_id": pid, "turn_id": turn_id, "theme": theme,
                     "confidence": rec.get("confidence", "").strip(), "text": text if text.strip() else None})
    return rows


# --- REFI-QDA .qdpx ------------------------------------------------------------------------------

def _theme_map(codes: dict[str, tuple[str, str]], allowed: set[str], labels: dict[str, str] | None):
    by_label = {normalise(lbl): tid for tid, lbl in (labels or {}).items() if tid in allowed}
    by_label.setdefault(normalise("Other"), OTHER)
    by_id = {normalise(t): t for t in allowed}

    def theme(guid: str) -> str | None:
        name, note = codes[guid]
        if name in allowed:
            return name
        key = normalise(name)
        if key in by_id or key in by_label:
            return by_id.get(key) or by_label[key]
        m = _THEME_ID_NOTE.match(note or "")
        return m.group(1) if m and m.group(1) in allowed else None
    return theme


def _source_text(z: zipfile.ZipFile, src, path: Path, q: str) -> str:
    content = src.find(q + "PlainTextContent")
    if content is not None:
        return content.text or ""
    ref = src.get("plainTextPath") or ""
    name = re.sub(r"^[a-z]+://", "", ref).replace("\\", "/")
    members = {m.lower(): m for m in z.namelist()}
    for cand in (f"sources/{name}", name, f"sources/{name.rsplit('/', 1)[-1]}"):
        if cand.lower() in members:
            data = z.read(members[cand.lower()])
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: {members[cand.lower()]}: byte {exc.start} is not UTF-8; "
                                 "re-export the project") from None
    raise InputError(f"{path}: text source '{src.get('name')}': its text ({ref or 'no plainTextPath'}) is not in "
                     "the .qdpx; export the project with its sources")


def _participant(name: str, pids: set[str]) -> str | None:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", (name or "").strip())
    if stem in pids:
        return stem
    folded = {p.lower(): p for p in pids}
    if stem.lower() in folded:
        return folded[stem.lower()]
    inside = [p for p in pids if re.search(rf"(?<![A-Za-z0-9]){re.escape(p)}(?![A-Za-z0-9])", stem, re.IGNORECASE)]
    return inside[0] if len(inside) == 1 else None


class _Doc:
    """A source's text with its blank-line-separated paragraphs (a transcript's turns, as written)."""

    def __init__(self, text: str, norm: Callable[[str], str]):
        self.text, self._norm, self._keys = text, norm, None
        bounds = [0] + [x for m in _PARAGRAPH.finditer(text) for x in (m.start(), m.end())] + [len(text)]
        self.paragraphs = list(zip(bounds[::2], bounds[1::2]))

    def variants(self, text: str) -> list[str]:
        """``text`` normalised (redacted first), as is and without a leading speaker label."""
        out = [self._norm(text)]
        stripped = _LABEL.sub("", text, count=1)
        if stripped != text:
            out.append(self._norm(stripped))
        return [v for v in out if v]

    def paragraph_at(self, offset: int) -> int:
        return next((i for i, (_, b) in enumerate(self.paragraphs) if offset < b), len(self.paragraphs) - 1)

    def key(self, i: int) -> str:
        """Paragraph ``i`` normalised, speaker label included (identical answers of one speaker agree)."""
        if self._keys is None:
            self._keys = [self._norm(self.text[a:b]) for a, b in self.paragraphs]
        return self._keys[i]


def _locate(doc: _Doc, start: int, end: int, pool: list[str], turns: _Turns) -> tuple[str | None, str]:
    """The participant turn (of ``pool``, in turn order) holding ``doc.text[start:end]``: ``(turn_id, "")``
    or ``(None, reason)``. Each blank-line-separated piece of the selection is tried (longest first; a
    leading speaker label may be included). When the text is in several turns, the enclosing paragraph
    decides; when that paragraph occurs several times too (two answers "Yes."), its rank among the identical
    paragraphs of the source picks the turn of the same rank, if there are as many such turns."""
    selected = doc.text[start:end]
    pieces = sorted((p for p in _PARAGRAPH.split(selected) if p.strip()), key=len, reverse=True)
    if not pieces:
        return None, "empty selection"
    several = False
    for piece in pieces:
        cands = []
        for v in doc.variants(piece):
            cands = [t for t in pool if v in turns.text[t]]
            if cands:
                break
        if len(cands) == 1:
            return cands[0], ""
        if not cands:
            continue
        several = True
        i = doc.paragraph_at(start + selected.find(piece))
        a, b = doc.paragraphs[i]
        fps = doc.variants(doc.text[a:b])
        narrowed = [t for t in cands if any(_same_start(f[:80], turns.text[t][:80]) for f in fps)]
        if len(narrowed) == 1:
            return narrowed[0], ""
        if narrowed:
            same = [j for j in range(len(doc.paragraphs)) if doc.key(j) == doc.key(i)]
            if len(same) == len(narrowed):
                return narrowed[same.index(i)], ""
    if several:
        return None, "selected text occurs in several participant turns"
    return None, "selected text is in no participant turn"


def _read_qdpx(path: Path, allowed: set[str], turns: _Turns, redact, labels) -> tuple[list[dict], list[dict], int]:
    from lxml import etree

    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a .qdpx (zip) file; export the project from the QDA tool as REFI-QDA") from None
    with z:
        qde = next((m for m in z.namelist() if m.lower() == "project.qde"), None) or next(
            (m for m in z.namelist() if m.lower().endswith(".qde")), None)
        if qde is None:
            raise InputError(f"{path}: no project.qde in the .qdpx; export the project as REFI-QDA")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
        try:
            root = etree.fromstring(z.read(qde), parser)
        except etree.XMLSyntaxError as exc:
            raise InputError(f"{path}: {qde}: line {exc.lineno}: not well-formed XML; re-export the project") from None
        q = f"{{{PROJECT_NS}}}"
        if root.tag != q + "Project":
            raise InputError(f"{path}: {qde}: root element is not a REFI-QDA Project ({PROJECT_NS}); "
                             "export the project as REFI-QDA 1.0")
        codes = {c.get("guid"): (c.get("name") or "", c.findtext(q + "Description") or "")
                 for c in root.iter(q + "Code")}
        theme_of = _theme_map(codes, allowed, labels)

        def norm(text: str) -> str:
            return normalise(redact(text) if redact else text)
        rows, n = [], 0
        for src in root.iter(q + "TextSource"):
            sels = []
            for sel in src.iterfind(q + "PlainTextSelection"):
                for ref in sel.iterfind(f"{q}Coding/{q}CodeRef"):
                    sels.append((sel, ref.get("targetGUID")))
            if not sels:
                continue
            doc = None
            pid = _participant(src.get("name") or "", turns.pids)
            for sel, target in sels:
                n += 1
                if target not in codes:
                    raise InputError(f"{path}: {qde}: selection {sel.get('guid')}: CodeRef targetGUID {target} "
                                     "is not a Code of the project; re-export the project")
                theme = theme_of(target)
                if theme is None:
                    raise InputError(f"{path}: code '{codes[target][0]}' is neither a theme id nor a theme label; "
                                     f"rename it to one of {sorted(allowed)} or its theme's label")
                if doc is None:
                    doc = _Doc(_source_text(z, src, path, q), norm)
                name_m = _SEGMENT_NAME.match(sel.get("name") or "")
                rec = {"row": n, "participant_id": pid or "", "turn_id": name_m.group("turn") if name_m else "",
                       "theme": theme, "confidence": ""}
                rec["original_turn_id"] = rec["turn_id"]
                try:
                    a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    raise InputError(f"{path}: {qde}: selection {sel.get('guid')}: startPosition/endPosition are "
                                     "not integers; re-export the project") from None
                if not 0 <= a < b <= len(doc.text):
                    rec.update(status="unmatched", reason="selection lies outside its source text")
                    rows.append(rec)
                    continue
                pool = [t[0] for p in ([pid] if pid else sorted(turns.pids)) for t in turns.by_pid.get(p, [])]
                turn_id, reason = _locate(doc, a, b, pool, turns)
                if turn_id is None:
                    if not pid:
                        reason += " (the source name matches no participant id)"
                    rec.update(status="unmatched", reason=reason)
                else:
                    rec.update(participant_id=turns.info[turn_id][0], turn_id=turn_id,
                               status="moved" if rec["original_turn_id"] not in ("", turn_id) else "matched",
                               weight=len(normalise(doc.text[a:b])))
                rows.append(rec)
    kept, n_merged = _merge(rows)
    return rows, kept, n_merged


def _merge(rows: list[dict]) -> tuple[list[dict], int]:
    """One row per turn: the theme with the most selected characters (ties: the earliest selection);
    confidence ``ambiguous`` when the turn carries several themes; ``moved`` if any selection moved."""
    by_turn: dict[str, list[dict]] = {}
    for r in rows:
        if r["status"] != "unmatched":
            by_turn.setdefault(r["turn_id"], []).append(r)
    kept = []
    for group in by_turn.values():
        weight: dict[str, int] = {}
        for r in group:
            weight[r["theme"]] = weight.get(r["theme"], 0) + r["weight"]
        best = max(weight, key=lambda t: (weight[t], -next(i for i, r in enumerate(group) if r["theme"] == t)))
        first = next(r for r in group if r["theme"] == best)
        kept.append({**first, "confidence": "ambiguous" if len(weight) > 1 else "",
                     "original_turn_id": next((r["original_turn_id"] for r in group if r["original_turn_id"]), ""),
                     "status": "moved" if any(r["status"] == "moved" for r in group) else "matched"})
    kept.sort(key=lambda r: r["row"])
    return kept, sum(len(g) - 1 for g in by_turn.values())


# --- entry point ---------------------------------------------------------------------------------

def read_human_coding(path: str | Path, theme_ids: list[str], turns: pd.DataFrame,
                      redact: Callable[[str], str] | None = None,
                      labels: dict[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """Read a human coding and anchor it to the current participant turns of ``turns``.

    ``path`` is a CSV (``participant_id, turn_id, theme``; optional ``text_start`` or ``fingerprint``: the
    start of the coded turn's text as the coder saw it; optional ``confidence``) or a REFI-QDA ``.qdpx``
    (suffix, any case). ``theme_ids`` are the allowed codes (``other`` is always allowed); for a .qdpx, a
    code is a theme when its name is a theme id or, case-insensitively, a label in ``labels``
    (``{theme id: label}``; our exporter's ``Theme id: <id>.`` descriptions are understood too). ``turns`` is
    turns.csv (``participant_id, turn_id, turn_index, role, text``; text redacted); ``redact`` (e.g. the
    ingest :class:`~upskilling.interviews.redact.Redactor`) is applied to a row's text before comparing.

    Returns
    -------
    coding : DataFrame
        The rows kept, in file order, one per current turn: ``participant_id, turn_id`` (current),
        ``theme, confidence`` ("" if absent; for a .qdpx ``ambiguous`` when a turn carries several
        themes), ``original_turn_id`` (the file's; "" when a .qdpx selection names none), ``status``
        (``matched | moved | by_id_only``).
    report : dict
        ``path, format`` (``csv | qdpx``), ``n_rows`` (CSV rows; .qdpx: coded selections), ``n_matched,
        n_moved, n_by_id_only, n_unmatched``, ``n_merged`` (.qdpx selections folded into a turn that an
        earlier selection codes; 0 for CSV), ``unmatched`` (first 50: ``row, participant_id, turn_id,
        reason``) and ``moved`` (first 50: ``original_turn_id, turn_id``). No transcript text.

    Raises :class:`InputError` (one line naming file, row and column) for a missing file, a file that is not
    UTF-8 or holds NUL bytes, missing columns, unknown themes or codes, and turns coded twice.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: human coding not found; set interviews.human_coding (or '' to skip validation)")
    counts = getattr(redact, "counts", None)
    saved = counts.copy() if isinstance(counts, Counter) else None
    try:
        return _read(path, set(theme_ids) | {OTHER}, turns, redact, labels)
    finally:
        if saved is not None:  # a Redactor's replacement counts describe the transcripts, not this file
            counts.clear()
            counts.update(saved)


def _read(path: Path, allowed: set[str], turns: pd.DataFrame, redact, labels) -> tuple[pd.DataFrame, dict]:
    if path.suffix.lower() == ".qdpx":
        index = _Turns(turns, 80)
        rows, kept, n_merged = _read_qdpx(path, allowed, index, redact, labels)
        return _result(rows, path, "qdpx", kept, n_merged)
    rows = _read_csv_rows(path, allowed)
    for r in rows:  # redact once per row: a Redactor counts its replacements
        text = r.pop("text")
        r["fp"] = (normalise(redact(text) if redact else text) or None) if text is not None else None
    index = _Turns(turns, max([40] + [len(r["fp"]) for r in rows if r["fp"]]))
    return _result(_anchor(rows, index), path, "csv")
