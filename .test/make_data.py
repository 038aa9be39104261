"""Derive the small test data under .test/data/raw/ from the shipped default data (data/raw/).

Deterministic (no randomness, no clock): running it again writes the same bytes, except the .docx's
zip metadata (its text is the same; tests/test_small_config.py checks both). Run from the repository
root after the default data changes:

    python .test/make_data.py [OUT]   (default .test/data/raw)

What it writes (see .test/README.md):
* survey/wave1/export.csv: the three Qualtrics header rows, the first SURVEY_ROWS data rows and every
  interviewee's row (from the roster) if it is not among them, in file order;
* interviews/transcripts/: PARTICIPANTS' transcripts, one of them converted to .docx, with personal
  details planted in a .txt, the .vtt and the .docx (PLANTED), so the small run is also a privacy check;
* interviews/redaction_list.txt: the default list plus the planted names;
* interviews/human_coding.csv, roster.csv: the rows of PARTICIPANTS only;
* interviews/planted_pii.csv: what was planted (kind, value), for the leak scan.
"""
from __future__ import annotations

import csv
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
OUT = ROOT / ".test" / "data" / "raw"

SURVEY_ROWS = 120
# two training participants and a third development participant, three test participants (config)
PARTICIPANTS = ("P01", "P02", "P03", "P04", "P05", "P19")
DOCX = "P02"  # written as .docx (the default corpus has .txt and .vtt only)

# kind -> value planted (never in the default data)
PLANTED = {
    "name": "Zara Quillon",
    "first_name": "Zara",
    "client": "Quillfeather Media",
    "email": "zara.quillon@example.org",
    "phone": "+44 20 7946 0958",
    "url": "zaraquillon.studio/portfolio",
    "handle": "@zara.quillon",
    "vtt_name": "Odile Brackwater",
    "vtt_email": "odile@brackwater.co.uk",
    "docx_name": "Tamsin Averill",
    "docx_phone": "(555) 014-2233",
    "docx_handle": "@tamsin.averill",
}


def _write_csv(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def survey(out: Path = OUT) -> None:
    rows = _read_csv(RAW / "survey/wave1/export.csv")
    header, data = rows[:3], rows[3:]
    roster = {r[0]: r[1] for r in _read_csv(RAW / "interviews/roster.csv")[1:]}
    wanted = {roster[p] for p in PARTICIPANTS}
    id_col = header[0].index("ResponseId")
    kept = [r for i, r in enumerate(data) if i < SURVEY_ROWS or r[id_col] in wanted]
    missing = wanted - {r[id_col] for r in kept}
    if missing:
        raise SystemExit(f"make_data: interviewees' responses {sorted(missing)} are not in the export")
    _write_csv(out / "survey/wave1/export.csv", header + kept)


def _plant_txt(text: str) -> str:
    lines = text.splitlines()
    lines.insert(lines.index(""), f"Interviewee: {PLANTED['name']}")
    text = "\n".join(lines) + "\n"
    # the first interviewer turn and the first participant turn
    text = text.replace("Interviewer: ", f"Interviewer: Thanks, {PLANTED['first_name']}. ", 1)
    return re.sub(r"\n(P\d+: )", lambda m: (
        f"\n{m.group(1)}My client {PLANTED['client']} found me through {PLANTED['url']}, you can write to "
        f"{PLANTED['email']} or call {PLANTED['phone']}, I'm {PLANTED['handle']} on Instagram and "
        f"{PLANTED['name']} on LinkedIn. "), text, count=1)


def _plant_vtt(text: str) -> str:
    return re.sub(r"\n(P\d+: )", lambda m: f"\n{m.group(1)}{PLANTED['vtt_name']} ({PLANTED['vtt_email']}) said so. ",
                  text, count=1)


def _docx(text: str, path: Path) -> None:
    import docx

    text = re.sub(r"\n(P\d+: )", lambda m: (f"\n{m.group(1)}Ask {PLANTED['docx_name']} on {PLANTED['docx_phone']} "
                                            f"or {PLANTED['docx_handle']}. "), text, count=1)
    document = docx.Document()
    document.core_properties.author = "upskilling .test/make_data.py"
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))


def interviews(out: Path = OUT) -> None:
    src, dest = RAW / "interviews", out / "interviews"
    tdir = dest / "transcripts"
    if tdir.exists():
        shutil.rmtree(tdir)
    tdir.mkdir(parents=True)
    planted_txt = False
    for pid in PARTICIPANTS:
        path = next((src / "transcripts").glob(f"{pid}.*"))
        text = path.read_text(encoding="utf-8")
        if pid == DOCX:
            _docx(text, tdir / f"{pid}.docx")
        elif path.suffix == ".vtt":
            (tdir / path.name).write_text(_plant_vtt(text), encoding="utf-8")
        elif not planted_txt:
            (tdir / path.name).write_text(_plant_txt(text), encoding="utf-8")
            planted_txt = True
        else:
            shutil.copyfile(path, tdir / path.name)
    listed = [PLANTED["name"], f"client: {PLANTED['client']}", PLANTED["vtt_name"], PLANTED["docx_name"]]
    (dest / "redaction_list.txt").write_text(
        (src / "redaction_list.txt").read_text(encoding="utf-8") + "\n".join(listed) + "\n", encoding="utf-8")
    for name in ("human_coding.csv", "roster.csv"):
        rows = _read_csv(src / name)
        _write_csv(dest / name, [rows[0]] + [r for r in rows[1:] if r[0] in PARTICIPANTS])
    _write_csv(dest / "planted_pii.csv", [["kind", "value"], *PLANTED.items()])


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    out = Path(args[0]) if args else OUT  # another folder: for the test that compares with the committed data
    survey(out)
    interviews(out)
    print(f"make_data: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
