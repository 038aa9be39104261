"""What changed in the codebook between two survey waves: a tidy table and readable Markdown.

Items are matched by item id (a wave that renames an item id has dropped one item and added another).
Kinds of change, in this order (:data:`KINDS`):

==================  ==========================================================================
added               an item id only in the later wave
dropped             an item id only in the earlier wave
reworded            same id, the question as shown changed (``stem`` or ``text``)
rescaled            same id, the answers changed: scale labels or codes (compared by content, not by
                    scale name), item type, or reverse-coding
renamed             same id, another export column (first header row)
construct_added     a construct only in the later wave
construct_dropped   a construct only in the earlier wave
construct_items     a construct in both waves whose item set changed
==================  ==========================================================================

A change of ``rescaled`` or ``construct_items`` means a construct's scores are not measured the same
way in both waves; ``reworded`` that they may not be (:func:`construct_notes` lists them per construct
for the comparison table).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .codebook import Codebook, load_codebook

KINDS = ["added", "dropped", "reworded", "rescaled", "renamed", "construct_added", "construct_dropped",
         "construct_items"]
#: Columns of codebook_diff.csv.
COLUMNS = ["from_wave", "to_wave", "change", "item", "construct", "column_from", "column_to", "from_value",
           "to_value", "detail"]
#: Summary phrase of each kind: (singular, plural).
_COUNTED = {"added": ("item added", "items added"), "dropped": ("item dropped", "items dropped"),
            "reworded": ("item reworded", "items reworded"), "rescaled": ("item rescaled", "items rescaled"),
            "renamed": ("export column renamed", "export columns renamed"),
            "construct_added": ("construct added", "constructs added"),
            "construct_dropped": ("construct dropped", "constructs dropped"),
            "construct_items": ("construct with changed items", "constructs with changed items")}
_TITLES = {"added": "Items added", "dropped": "Items dropped", "reworded": "Items reworded",
           "rescaled": "Items rescaled (answers coded differently)", "renamed": "Export columns renamed",
           "construct_added": "Constructs added", "construct_dropped": "Constructs dropped",
           "construct_items": "Constructs whose items changed"}


def _shown(it: dict) -> str:
    return f"{it['stem']} - {it['text']}" if it.get("stem") else str(it["text"])


def _answers(cb: Codebook, it: dict) -> str:
    """The item's answers in words: type, scale as 'code = label' pairs, reverse-coding."""
    parts = [it["type"]]
    sc = cb.scales.get(it.get("scale")) if it.get("scale") else None
    if sc:
        parts.append(", ".join(f"{c} = {lab}" for lab, c in zip(sc["labels"], sc["codes"])))
    if it.get("reverse"):
        parts.append("reverse-coded")
    return "; ".join(parts)


def _rescaled(ca: Codebook, a: dict, cb: Codebook, b: dict) -> str:
    """'' when the answers are coded alike, else what changed (in words)."""
    what = []
    if a["type"] != b["type"]:
        what.append(f"type {a['type']} -> {b['type']}")
    sa = ca.scales.get(a.get("scale")) if a.get("scale") else None
    sb = cb.scales.get(b.get("scale")) if b.get("scale") else None
    la, lb = (list(sa["labels"]) if sa else None), (list(sb["labels"]) if sb else None)
    ka, kb = (list(sa["codes"]) if sa else None), (list(sb["codes"]) if sb else None)
    if la != lb:
        what.append("labels changed")
    if ka != kb:
        what.append(f"codes {ka} -> {kb}" if la == lb else "codes changed")
    if bool(a.get("reverse")) != bool(b.get("reverse")):
        what.append(f"reverse-coding {bool(a.get('reverse'))} -> {bool(b.get('reverse'))}")
    return ", ".join(what)


def _construct_of(cb: Codebook) -> dict[str, str]:
    return {i: name for name, c in cb.constructs.items() for i in c["items"]}


def codebook_diff(before: Codebook, after: Codebook, from_wave: str = "before", to_wave: str = "after") -> pd.DataFrame:
    """Every change from codebook ``before`` (wave ``from_wave``) to ``after`` (wave ``to_wave``).

    Returns one row per change with columns (:data:`COLUMNS`): ``from_wave``, ``to_wave``, ``change``
    (one of :data:`KINDS`), ``item`` (item id; the construct id for construct changes), ``construct``
    (the item's construct in either wave, "" if none), ``column_from`` / ``column_to`` (export columns,
    "" where absent), ``from_value`` / ``to_value`` (what changed: the wording, the answers, the column or
    the construct's items; "" where absent) and ``detail`` (a short description). Rows are ordered by
    kind (:data:`KINDS`), then by the item's position in the later (for dropped: the earlier) codebook.
    """
    a = {it["id"]: it for it in before.items}
    b = {it["id"]: it for it in after.items}
    con_a, con_b = _construct_of(before), _construct_of(after)
    rows: dict[str, list] = {k: [] for k in KINDS}

    def row(kind, item, construct, col_a, col_b, va, vb, detail):
        rows[kind].append({"from_wave": from_wave, "to_wave": to_wave, "change": kind, "item": item,
                           "construct": construct or "", "column_from": col_a or "", "column_to": col_b or "",
                           "from_value": va, "to_value": vb, "detail": detail})

    for iid, it in b.items():
        if iid not in a:
            row("added", iid, con_b.get(iid), "", it["column"], "", _shown(it), f"new {it['type']} item")
    for iid, it in a.items():
        if iid not in b:
            row("dropped", iid, con_a.get(iid), it["column"], "", _shown(it), "", f"{it['type']} item no longer asked")
    for iid in (i for i in b if i in a):
        x, y = a[iid], b[iid]
        construct = con_b.get(iid) or con_a.get(iid)
        if _shown(x) != _shown(y):
            if x.get("stem") and x.get("stem") == y.get("stem"):  # a grid statement: show the statements
                row("reworded", iid, construct, x["column"], y["column"], x["text"], y["text"],
                    "statement changed (its grid question unchanged)")
            else:
                row("reworded", iid, construct, x["column"], y["column"], _shown(x), _shown(y), "question text changed")
        what = _rescaled(before, x, after, y)
        if what:
            row("rescaled", iid, construct, x["column"], y["column"], _answers(before, x), _answers(after, y), what)
        if x["column"] != y["column"]:
            row("renamed", iid, construct, x["column"], y["column"], x["column"], y["column"],
                f"column {x['column']} -> {y['column']}")
    for name, c in after.constructs.items():
        if name not in before.constructs:
            row("construct_added", name, name, "", "", "", ", ".join(c["items"]), "new construct")
    for name, c in before.constructs.items():
        if name not in after.constructs:
            row("construct_dropped", name, name, "", "", ", ".join(c["items"]), "", "construct no longer scored")
        else:
            ia, ib = list(c["items"]), list(after.constructs[name]["items"])
            if set(ia) != set(ib):
                plus, minus = [i for i in ib if i not in ia], [i for i in ia if i not in ib]
                detail = "; ".join(p for p in (f"added {', '.join(plus)}" if plus else "",
                                               f"removed {', '.join(minus)}" if minus else "") if p)
                row("construct_items", name, name, "", "", ", ".join(ia), ", ".join(ib), detail)
    out = [r for k in KINDS for r in rows[k]]
    return pd.DataFrame(out, columns=COLUMNS)


def construct_notes(diff: pd.DataFrame) -> dict[str, str]:
    """Per construct, its changes that matter for comparing scores (items reworded or rescaled, item set
    changed), e.g. ``{"competition": "reworded: comp_3"}``; constructs without such changes are absent."""
    notes: dict[str, list[str]] = {}
    for kind in ("construct_items", "rescaled", "reworded"):
        sub = diff[(diff["change"] == kind) & (diff["construct"] != "")]
        for construct, g in sub.groupby("construct", sort=False):
            text = f"items changed ({g['detail'].iloc[0]})" if kind == "construct_items" else \
                f"{kind}: {', '.join(g['item'])}"
            notes.setdefault(construct, []).append(text)
    return {k: "; ".join(v) for k, v in notes.items()}


def _cell(x) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


def to_markdown(diff: pd.DataFrame, sources: dict[str, str] | None = None, pairs: list[tuple[str, str]] | None = None) -> str:
    """Readable Markdown of :func:`codebook_diff` rows (one or more wave pairs): per pair a summary line and
    one table per kind of change present. ``sources`` maps wave -> codebook path (shown in the summary);
    ``pairs`` lists the wave pairs to show (default: those in ``diff``), so that a pair without changes
    still gets its line."""
    sources = sources or {}
    if pairs is None:
        pairs = list(dict.fromkeys(zip(diff["from_wave"], diff["to_wave"])))
    lines = ["# Codebook changes between consecutive waves", ""]
    if not pairs:
        lines += ["Fewer than two waves: nothing to compare.", ""]
    for fw, tw in pairs:
        d = diff[(diff["from_wave"] == fw) & (diff["to_wave"] == tw)]
        lines += [f"## {fw} → {tw}", ""]
        if fw in sources and tw in sources:
            lines += [f"Codebooks: `{sources[fw]}` → `{sources[tw]}`.", ""]
        counts = [(int((d["change"] == k).sum()), k) for k in KINDS if (d["change"] == k).any()]
        text = "; ".join(f"{n} {_COUNTED[k][n != 1]}" for n, k in counts)
        lines += [f"Changes: {text}." if counts else "No changes: the codebooks define the same items.", ""]
        if counts:
            lines += ["Renamed columns only change where the export holds an item; items reworded or rescaled "
                      "and constructs whose items changed may make scores incomparable between the waves "
                      "(column `codebook_changes` of changes.csv).", ""]
        for kind in KINDS:
            g = d[d["change"] == kind]
            if g.empty:
                continue
            lines += [f"### {_TITLES[kind]} ({len(g)})", ""]
            if kind == "added":
                t = _md_table(["item", "construct", "column", "question"],
                              [[r.item, r.construct, r.column_to, r.to_value] for r in g.itertuples()])
            elif kind == "dropped":
                t = _md_table(["item", "construct", "column", "question"],
                              [[r.item, r.construct, r.column_from, r.from_value] for r in g.itertuples()])
            elif kind == "reworded":
                t = _md_table(["item", "construct", f"{fw}", f"{tw}"],
                              [[r.item, r.construct, r.from_value, r.to_value] for r in g.itertuples()])
            elif kind == "rescaled":
                t = _md_table(["item", "construct", "what changed", f"{fw}", f"{tw}"],
                              [[r.item, r.construct, r.detail, r.from_value, r.to_value] for r in g.itertuples()])
            elif kind == "renamed":
                t = _md_table(["item", "construct", f"column in {fw}", f"column in {tw}"],
                              [[r.item, r.construct, r.column_from, r.column_to] for r in g.itertuples()])
            else:
                t = _md_table(["construct", f"items in {fw}", f"items in {tw}", "what changed"],
                              [[r.item, r.from_value, r.to_value, r.detail] for r in g.itertuples()])
            lines += t + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def diff_from_files(waves: list[str], codebooks: list[str | Path]) -> tuple[pd.DataFrame, str]:
    """Codebook diff of each pair of consecutive ``waves`` (their ``codebooks``, in the same order):
    ``(table, markdown)`` as :func:`codebook_diff` and :func:`to_markdown`."""
    cbs = [load_codebook(p) for p in codebooks]
    pairs = list(zip(waves[:-1], waves[1:]))
    parts = [codebook_diff(cbs[i], cbs[i + 1], waves[i], waves[i + 1]) for i in range(len(pairs))]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    return table, to_markdown(table, {w: str(p) for w, p in zip(waves, codebooks)}, pairs)
