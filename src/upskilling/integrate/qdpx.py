"""Export the interview themes and coded segments for qualitative-analysis tools (REFI-QDA 1.5).

Writes two files that QualCoder, NVivo, ATLAS.ti and MAXQDA import:

- ``codebook.qdc``: the theme codebook, a ``CodeBook`` element (namespace ``urn:QDA-XML:codebook:1.0``);
  themes are grouped under one non-codable parent code per claim.
- ``project.qdpx``: a zip holding ``project.qde`` (a ``Project``, namespace ``urn:QDA-XML:project:1.0``,
  valid against the REFI ``Project.xsd``) and ``sources/<guid>.txt``, one redacted transcript per
  interviewee. Each analysed segment is a ``PlainTextSelection`` at its character offsets in that
  text, coded with its theme.

No maintained Python library writes REFI-QDA projects (the format is XML; lxml builds it). GUIDs
are UUID5s of the ids, and zip entries carry a fixed date, so two runs write identical bytes.
"""
from __future__ import annotations

import io as _io
import uuid
import zipfile
from pathlib import Path

import pandas as pd
from lxml import etree

from ..errors import InputError
from .figures.style import CATEGORICAL

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "upskilling pipeline (arXiv 2604.27231 reproduction)"
_NAMESPACE = uuid.UUID("6f1d2f3e-2b1c-4c55-9a0e-7d0c2e1b5a90")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: The settings the export reads (see :func:`upskilling.integrate.settings.narrow`); rule
#: integrate_qdpx gets only these as params.
READS: list[str] = []  # the claim titles come from the analysis plan (an input file)


def guid(kind: str, key: str) -> str:
    """Deterministic GUID (upper-case UUID5) for an object of ``kind`` with id ``key``."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}")).upper()


def _codes(parent: etree._Element, themes: pd.DataFrame, claim_titles: dict[str, str], ns: str) -> dict[str, str]:
    """Append Code elements (claims as non-codable parents, themes as codable children); theme -> guid."""
    q = f"{{{ns}}}"
    codes = etree.SubElement(parent, q + "Codes")
    out = {}
    groups: dict[str | None, list[dict]] = {}
    for t in themes.to_dict("records"):
        groups.setdefault(t["claim"] if isinstance(t["claim"], str) else None, []).append(t)
    colours = {t: CATEGORICAL[i % len(CATEGORICAL)] for i, t in enumerate(themes["theme"])}

    def code(el, t):
        c = etree.SubElement(el, q + "Code", guid=guid("code", t["theme"]), name=str(t["label"]),
                             isCodable="true", color=colours.get(t["theme"], "#999999"))
        etree.SubElement(c, q + "Description").text = f"Theme id: {t['theme']}. {t['definition']}".strip()
        out[t["theme"]] = c.get("guid")

    for claim in sorted(k for k in groups if k is not None):
        title = claim_titles.get(claim, "")
        p = etree.SubElement(codes, q + "Code", guid=guid("claim", claim),
                             name=f"{claim}: {title}" if title else claim, isCodable="false")
        etree.SubElement(p, q + "Description").text = f"Claim {claim}; its themes are the codes below."
        for t in groups[claim]:
            code(p, t)
    for t in groups.get(None, []):
        code(codes, t)
    return out


def codebook_xml(themes: pd.DataFrame, claim_titles: dict[str, str]) -> bytes:
    """The ``.qdc`` codebook (UTF-8 XML)."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    _codes(root, themes, claim_titles, CODEBOOK_NS)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def with_other(themes: pd.DataFrame) -> pd.DataFrame:
    """Themes plus the catch-all 'other' theme (coded segments may carry it)."""
    if "other" in set(themes["theme"]):
        return themes
    extra = pd.DataFrame([{"theme": "other", "label": "Other", "claim": None,
                           "definition": "Small talk, logistics or off-topic talk (no study theme)."}])
    return pd.concat([themes, extra], ignore_index=True)


def transcripts(turns: pd.DataFrame, participant_turns: set[str], source: str = "turns.csv") -> dict:
    """Build each interviewee's plain text from the redacted turns.

    Returns ``{participant_id: (text, {turn_id: offset of the turn's text in the document})}``.
    Turns are ordered by ``turn_index`` (else ``turn_id``); each is written as ``<speaker>: <text>``
    (speaker = the participant id when ``role`` is ``participant``, ``Interviewer`` otherwise; without a
    ``role`` column, turns with segments are the participant's), turns separated by a blank line.
    """
    out = {}
    order = ["turn_index", "turn_id"] if "turn_index" in turns.columns else ["turn_id"]
    for pid, grp in turns.groupby("participant_id", sort=True):
        parts, offsets, pos = [], {}, 0
        for r in grp.sort_values(order).to_dict("records"):
            role = r.get("role", r.get("speaker"))
            if isinstance(role, str) and role:
                is_participant = role.lower() in ("participant", str(pid).lower())
            else:
                is_participant = r["turn_id"] in participant_turns
            label = str(pid) if is_participant else "Interviewer"
            text = "" if pd.isna(r["text"]) else str(r["text"])
            prefix = f"{label}: "
            offsets[r["turn_id"]] = pos + len(prefix)
            parts.append(prefix + text)
            pos += len(prefix) + len(text) + 2
        out[pid] = ("\n\n".join(parts), offsets)
    return out


def _place(doc: str, offsets: dict, seg: dict, source: str) -> tuple[int, int]:
    """Character offsets of a segment in its participant's document."""
    if seg["turn_id"] not in offsets:
        raise InputError(f"{source}: segment {seg['segment_id']}: turn {seg['turn_id']} is not in turns.csv; "
                         "rerun the interview stage so that segments and turns agree")
    base = offsets[seg["turn_id"]]
    start, end = base + int(seg["start_char"]), base + int(seg["end_char"])
    want = " ".join(str(seg["text"]).split())
    if " ".join(doc[start:end].split()) == want:
        return start, end
    found = doc.find(str(seg["text"]), base)
    if found >= 0:
        return found, found + len(str(seg["text"]))
    raise InputError(f"{source}: segment {seg['segment_id']}: its text is not at characters "
                     f"{seg['start_char']}-{seg['end_char']} of turn {seg['turn_id']} (nor elsewhere in it); "
                     "segments must be cut from the redacted turn text")


def project_files(segments: pd.DataFrame, turns: pd.DataFrame, themes: pd.DataFrame,
                  claim_titles: dict[str, str], name: str = "Upskilling interviews",
                  source: str = "segments.csv") -> dict[str, bytes]:
    """The files of the ``.qdpx`` zip: ``project.qde`` and ``sources/<guid>.txt`` (name -> bytes)."""
    themes = with_other(themes)
    unknown = sorted(set(segments["theme"]) - set(themes["theme"]))
    if unknown:
        raise InputError(f"{source}: theme(s) {unknown} are not in themes.yaml; fix the theme ids")
    q = f"{{{PROJECT_NS}}}"
    user = guid("user", "pipeline")
    root = etree.Element(q + "Project", nsmap={None: PROJECT_NS}, name=name, origin=ORIGIN,
                         creatingUserGUID=user, modifyingUserGUID=user)
    users = etree.SubElement(root, q + "Users")
    etree.SubElement(users, q + "User", guid=user, name="upskilling pipeline")
    # human-coded training turns keep the human code: their codings are the human coder's, not the model's
    human_user = guid("user", "human coder")
    human_rows = segments["theme_source"].astype(str).eq("human") if "theme_source" in segments.columns else None
    if human_rows is not None and human_rows.any():
        etree.SubElement(users, q + "User", guid=human_user, name="human coder (training turns)")
    book = etree.SubElement(root, q + "CodeBook")
    code_guid = _codes(book, themes, claim_titles, PROJECT_NS)
    docs = transcripts(turns, set(segments["turn_id"]))
    missing = sorted(set(segments["participant_id"]) - set(docs))
    if missing:
        raise InputError(f"{source}: participants {missing} have segments but no turns in turns.csv; "
                         "rerun the interview stage")
    files: dict[str, bytes] = {}
    sources = etree.SubElement(root, q + "Sources")
    cases = []
    for pid in sorted(set(segments["participant_id"])):
        doc, offsets = docs[pid]
        sguid = guid("source", pid)
        src = etree.SubElement(sources, q + "TextSource", guid=sguid, name=str(pid),
                               plainTextPath=f"internal://{sguid}.txt", creatingUser=user)
        etree.SubElement(src, q + "Description").text = f"Redacted interview transcript of {pid}."
        segs = segments[segments["participant_id"] == pid].sort_values(["start_char", "segment_id"])
        placed = [(seg, *_place(doc, offsets, seg, source)) for seg in segs.to_dict("records")]
        for seg, start, end in sorted(placed, key=lambda x: (x[1], x[2], x[0]["segment_id"])):
            sel = etree.SubElement(src, q + "PlainTextSelection", guid=guid("selection", seg["segment_id"]),
                                   name=str(seg["segment_id"]), startPosition=str(start), endPosition=str(end),
                                   creatingUser=user)
            by_human = str(seg.get("theme_source", "")) == "human"
            coded_by = "human code (training turn)" if by_human else f"model code ({seg.get('coding_mode', 'model')})"
            etree.SubElement(sel, q + "Description").text = (
                f"Segment {seg['segment_id']} (turn {seg['turn_id']}, topic {seg['topic']}; {coded_by}).")
            coding = etree.SubElement(sel, q + "Coding", guid=guid("coding", seg["segment_id"]),
                                      creatingUser=human_user if by_human else user)
            etree.SubElement(coding, q + "CodeRef", targetGUID=code_guid[seg["theme"]])
        files[f"sources/{sguid}.txt"] = doc.encode("utf-8")
        cases.append((pid, sguid))
    cs = etree.Element(q + "Cases")
    for pid, sguid in cases:
        case = etree.SubElement(cs, q + "Case", guid=guid("case", pid), name=str(pid))
        etree.SubElement(case, q + "SourceRef", targetGUID=sguid)
    sources.addprevious(cs)  # schema order: CodeBook, Variables, Cases, Sources
    files["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A deterministic zip of ``files`` (sorted entries, fixed dates)."""
    buf = _io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files, key=lambda n: (n != "project.qde", n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()


def write(segments_path: str, turns_path: str, themes_path: str, qdc: str, qdpx: str,
          analysis_path: str | None = None) -> dict:
    """Read the redacted segments and turns and the themes; write the codebook and the project.

    The claim titles (the parent codes' names) come from the analysis plan at ``analysis_path``
    (:func:`upskilling.survey.plan.claim_specs`; a theme's claim that is not in it is named by its id).
    Returns counts: ``{"codes": n, "sources": n, "selections": n}``.
    """
    from ..survey.plan import claim_specs
    from . import inputs as io

    segments = io.read_table(segments_path, "topic_segments")
    turns = io.read_table(turns_path, "turns")
    themes = io.read_themes(themes_path)
    titles = {k: v["title"] for k, v in claim_specs(analysis_path).items()} if analysis_path else {}
    Path(qdc).parent.mkdir(parents=True, exist_ok=True)
    Path(qdc).write_bytes(codebook_xml(with_other(themes), titles))
    files = project_files(segments, turns, themes, titles, source=str(segments_path))
    Path(qdpx).write_bytes(zip_bytes(files))
    return {"codes": len(with_other(themes)), "sources": len(files) - 1, "selections": len(segments)}


def read(path: str | Path) -> dict:
    """Read a ``.qdpx`` back (for round-trip checks).

    Returns ``{"codes": {guid: name}, "parents": {guid: parent name or None}, "sources": {name: text},
    "selections": DataFrame(source, name, start, end, code, text)}``.
    """
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("project.qde"))
        ns = {"q": PROJECT_NS}
        codes, parents = {}, {}
        for c in root.iterfind(".//q:CodeBook//q:Code", ns):
            codes[c.get("guid")] = c.get("name")
            par = c.getparent()
            parents[c.get("guid")] = par.get("name") if par.tag == f"{{{PROJECT_NS}}}Code" else None
        sources, rows = {}, []
        for s in root.iterfind(".//q:Sources/q:TextSource", ns):
            text = z.read("sources/" + s.get("plainTextPath").removeprefix("internal://")).decode("utf-8")
            sources[s.get("name")] = text
            for sel in s.iterfind("q:PlainTextSelection", ns):
                a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                for ref in sel.iterfind("q:Coding/q:CodeRef", ns):
                    rows.append({"source": s.get("name"), "name": sel.get("name"), "start": a, "end": b,
                                 "code": codes.get(ref.get("targetGUID")), "text": text[a:b]})
    return {"codes": codes, "parents": parents, "sources": sources, "selections": pd.DataFrame(rows)}
