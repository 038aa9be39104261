"""Seeded generator of the default survey data: a Qualtrics-style export with planted mess.

``data/raw/survey/wave1/export.csv`` has three header rows (column ids; question text, for grid
items "<stem> - <statement>"; ImportId JSON) and choice text answers (multi-select choices joined
by ","). Rows are:

* ``N_POPULATION`` clean respondents drawn from :mod:`.population` (the planted effects);
* the 20 interviewees of ``corpus/roster.yaml`` (clean, answers agree with their profile);
* messy rows, each with exactly ONE problem, so that the cleaning flow in its default order
  (consent, freelancer, unfinished, attention, speeders, straightliners, duplicates) removes exactly
  ``MESS[step]`` rows at each step (see :data:`MESS` and the docstring of :func:`_plant_mess`).

Randomness: one ``numpy.random.Generator`` per purpose, from ``SeedSequence([seed, stream])``.
Output is byte-for-byte deterministic for a given seed and codebook. The follow-up wave (:mod:`.wave2`)
reuses the row-building helpers here (:func:`stamp_meta`, :func:`add_duplicates`, :func:`finish`,
:func:`export_csv` with ``fmt="qualtrics_numeric"``) on streams of its own (``wave2*`` in :data:`STREAMS`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numpy as np

from ..errors import InputError
from . import population as pop
from . import respondents as resp

MESS_ORDER = ["consent", "freelancer", "unfinished", "attention", "speeders", "straightliners", "duplicates"]
MESS = {"consent": 8, "freelancer": 12, "unfinished": 20, "attention": 15, "speeders": 10,
        "straightliners": 8, "duplicates": 7}
N_POPULATION = 200
MEDIAN_DURATION = 690  # seconds, clean respondents
WINDOW_START = dt.datetime(2026, 1, 12, 6, 0, 0)
WINDOW_DAYS = 25
STREAMS = {"population": 1, "interviewees": 2, "mess": 3, "meta": 4, "ids": 5, "truth": 6, "duplicates": 7,
           # the follow-up wave (:mod:`.wave2`): streams of their own, so wave 1 never changes with it
           "wave2": 21, "wave2_mess": 22, "wave2_meta": 23, "wave2_ids": 24, "wave2_truth": 25,
           "wave2_duplicates": 26, "wave2_extra": 27}
# QID of each question (Qualtrics numbers questions in creation order, not display order)
QIDS = {"Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4, "Q5": 5, "Q6": 6, "Q7": 7, "Q8": 8, "Q9": 9, "Q10": 10,
        "Q11": 11, "Q12": 12, "Q13": 13, "Q14": 14, "Q15": 31, "Q16": 15, "Q17": 16, "Q18": 17,
        "Q20": 19, "Q22": 21, "Q24": 23, "Q25": 32}
META_IMPORT = {"StartDate": ("startDate", True), "EndDate": ("endDate", True), "Status": ("status", False),
               "Progress": ("progress", False), "Duration (in seconds)": ("duration", False),
               "Finished": ("finished", False), "RecordedDate": ("recordedDate", True),
               "ResponseId": ("_recordId", False), "DistributionChannel": ("distributionChannel", False),
               "UserLanguage": ("userLanguage", False)}
PAGES = [
    ["consent", "freelancing", "domain"],
    ["platforms", "years_freelancing", "hours_week", "platform_share", "region", "age_band", "education"],
    ["ai_work_freq", "ai_learning_freq", "ai_tools", "ai_activities", "ai_structures"],
    ["primary_resource"] + pop.RES_ITEMS,
    pop.GRIDS["motivation"] + ["attn_1"],
    pop.GRIDS["barriers"] + ["attn_2"],
    pop.GRIDS["skills_market"],
    ["ai_learning_story", "interview_optin"],
]


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """The generator of one purpose, derived from the master seed."""
    return np.random.default_rng(np.random.SeedSequence([seed, STREAMS[stream]]))


def check_codebook(codebook: dict, source: str, pages: list[list[str]] = PAGES) -> None:
    """The generator's answer lists must match the codebook's scales; fail naming the scale if not.
    ``pages``: the item ids the survey shows, page by page (:data:`PAGES` for wave 1)."""
    scales = codebook["response_scales"]
    expect = {"platforms": pop.PLATFORMS, "region": pop.REGIONS, "resource": pop.RESOURCES}
    for name, labels in expect.items():
        if scales.get(name, {}).get("labels") != labels:
            raise InputError(f"{source}: key 'response_scales.{name}': labels differ from the generator's "
                             f"{labels}; update src/upskilling/generate/population.py or the codebook")
    if len(scales.get("domain", {}).get("labels", [])) != len(pop.DOMAINS):
        raise InputError(f"{source}: key 'response_scales.domain': needs {len(pop.DOMAINS)} labels in the "
                         f"order {pop.DOMAINS}")
    if codebook.get("grids") != pop.GRIDS:
        raise InputError(f"{source}: key 'grids' differs from the generator's grids {pop.GRIDS}; "
                         f"update src/upskilling/generate/population.py or the codebook")
    if [c["item"] for c in codebook["attention_checks"]] != ["attn_1", "attn_2"]:
        raise InputError(f"{source}: key 'attention_checks' must check items attn_1 and attn_2 (the generator's)")
    ids = {it["id"] for it in codebook["items"]}
    needed = {x for page in pages for x in page}
    if needed - ids:
        raise InputError(f"{source}: key 'items': missing item ids {sorted(needed - ids)} used by the generator")


def _columns(codebook: dict) -> list[dict]:
    """Export columns in Qualtrics order: metadata, questions, embedded data (the duplicate key)."""
    key = codebook["meta"]["duplicate_key"]
    items = codebook["items"]
    meta = [it for it in items if it["type"] == "meta" and it["column"] != key]
    questions = [it for it in items if it["type"] != "meta"]
    embedded = [it for it in items if it["type"] == "meta" and it["column"] == key]
    return meta + questions + embedded


def _import_id(item: dict, key: str) -> str:
    col = item["column"]
    if col in META_IMPORT:
        name, tz = META_IMPORT[col]
        d = {"ImportId": name, "timeZone": "America/Denver"} if tz else {"ImportId": name}
    elif col == key or item["type"] == "meta":
        d = {"ImportId": col}
    else:
        base, _, sub = col.partition("_")
        qid = f"QID{QIDS.get(base, int(''.join(c for c in base if c.isdigit())))}"
        if sub:
            qid += f"_{sub}"
        elif item["type"] in ("numeric", "text"):
            qid += "_TEXT"
        d = {"ImportId": qid}
    return json.dumps(d, separators=(",", ":"))


def _header_text(item: dict) -> str:
    return f"{item['stem']} - {item['text']}" if item.get("stem") else item["text"]


def _response_ids(rng, n: int) -> list[str]:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    ids: list[str] = []
    while len(ids) < n:
        rid = "R_" + "".join(rng.choice(alphabet, 15))
        if rid not in ids:
            ids.append(rid)
    return ids


def _panel_ids(rng, n: int) -> list[str]:
    ids: list[str] = []
    while len(ids) < n:
        pid = "".join(f"{b:02x}" for b in rng.integers(0, 256, 12))
        if pid not in ids:
            ids.append(pid)
    return ids


def is_straightlined(row: dict, grid: list[str]) -> bool:
    """True if all answered items of ``grid`` have the same (raw) answer."""
    answers = {row[it] for it in grid if row.get(it)}
    return len(answers) == 1 and sum(1 for it in grid if row.get(it)) >= 2


def _clean_duration(rng) -> int:
    d = np.exp(rng.normal(np.log(MEDIAN_DURATION), 0.38))
    if rng.random() < 0.03:  # a few leave the tab open
        d *= rng.uniform(3, 8)
    return int(round(max(d, 0.55 * MEDIAN_DURATION)))


def _plant_mess(rng, rows: list[dict], codebook: dict, mess: dict = MESS,
                pages: list[list[str]] = PAGES) -> list[str]:
    """Give each of ``rows`` (complete, clean answers) exactly one problem, in MESS order.

    consent: consent "No", nothing else answered (skip to end). freelancer: consent "Yes",
    freelancing "No", nothing else. unfinished: stopped after page k (1-7) of 8, later answers blank,
    Finished False, Progress = round(100 k / 8). attention: both attention checks answered wrongly.
    speeders: duration 0.12-0.30 x the clean median. straightliners: one identical answer across
    every grid (attention checks still right). Duplicates are added by :func:`add_duplicates`.
    Returns the kind of each row. ``mess`` (counts per kind) and ``pages`` default to wave 1's.
    """
    kinds = [k for k in MESS_ORDER if k != "duplicates" for _ in range(mess[k])]
    scales = codebook["response_scales"]
    agree, freq = scales["agree5"]["labels"], scales["freq5"]["labels"]
    for row, kind in zip(rows, kinds):
        if kind in ("consent", "freelancer", "unfinished"):
            keep = {"consent": 0, "freelancer": 1, "unfinished": int(rng.integers(1, 8))}[kind]
            answered = {"consent": {"consent"}, "freelancer": {"consent", "freelancing"}}.get(kind)
            blank = [x for page in pages[keep:] for x in page]
            if answered:  # screened out: display logic skips every later question, incl. domain
                blank = [x for page in pages for x in page if x not in answered]
            for x in blank:
                row[x] = ""
            if kind == "consent":
                row["consent"] = "No"
            if kind == "freelancer":
                row["freelancing"] = "No"
            row["_pages"] = keep
        elif kind == "attention":
            for check in codebook["attention_checks"]:
                wrong = [lab for lab in agree if lab != check["correct"]][1:]  # not the extreme opposite
                row[check["item"]] = wrong[int(rng.integers(len(wrong)))]
        elif kind == "straightliners":
            for name, grid in pop.GRIDS.items():
                lab = freq[1 + int(rng.integers(3))] if name == "resources" else agree[2 + int(rng.integers(3))]
                for it in grid:
                    row[it] = lab
    return kinds


def _nudge(rng, row: dict, codebook: dict) -> None:
    """Change 2-3 Likert answers of a duplicate submission by one step (people answer twice a bit
    differently), keeping every grid non-straight-lined."""
    agree = codebook["response_scales"]["agree5"]["labels"]
    items = [it for grid in ("motivation", "barriers", "skills_market") for it in pop.GRIDS[grid]]
    for it in rng.choice(items, size=int(rng.integers(2, 4)), replace=False):
        if not row[it]:
            continue
        old = row[it]
        k = agree.index(old)
        row[it] = agree[k - 1 if k == 4 or (k > 0 and rng.random() < 0.5) else k + 1]
        if any(is_straightlined(row, g) for g in pop.GRIDS.values()):
            row[it] = old


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def build(seed: int, codebook: dict, roster: list[dict], source: str = "config/codebook.yaml") -> dict:
    """Generate all survey rows. Returns ``{"rows": [...], "clean": answers dict, "kinds": [...],
    "interviewee_ids": {pid: ResponseId}, "clean_panel_ids": [...], "panel_ids": [...]}``; rows are dicts
    keyed by item id plus ``_meta``; ``clean_panel_ids`` are the panel ids of the rows of ``clean`` (in
    its order), ``panel_ids`` every panel id drawn."""
    check_codebook(codebook, source)
    prng = rng_for(seed, "population")
    clean_pop = pop.draw(prng, N_POPULATION)
    resp.add_profile(prng, clean_pop)
    inter = resp.interviewees(rng_for(seed, "interviewees"), roster)
    mrng = rng_for(seed, "mess")
    n_mess = sum(MESS.values()) - MESS["duplicates"]
    messy = pop.draw(mrng, n_mess)
    resp.add_profile(mrng, messy)
    rows_pop, rows_int, rows_mess = (resp.to_rows(x, codebook) for x in (clean_pop, inter, messy))
    kinds = ["clean"] * N_POPULATION + ["interviewee"] * len(roster) + _plant_mess(mrng, rows_mess, codebook)
    rows = rows_pop + rows_int + rows_mess
    meta_rng = rng_for(seed, "meta")
    ids_rng = rng_for(seed, "ids")
    n_total = len(rows) + MESS["duplicates"]
    rids, pids = _response_ids(ids_rng, n_total), _panel_ids(ids_rng, n_total)
    stamp_meta(meta_rng, rows, kinds, rids, pids, WINDOW_START)
    add_duplicates(rng_for(seed, "duplicates"), rows, kinds, N_POPULATION, MESS["duplicates"], rids, codebook)
    n_clean = N_POPULATION + len(roster)
    ids = {r["pid"]: rows[N_POPULATION + i]["_meta"]["rid"] for i, r in enumerate(roster)}
    out = finish(rows, kinds)
    out.update({"clean": resp.concat([clean_pop, inter]), "interviewee_ids": ids,
                "clean_panel_ids": pids[:n_clean], "panel_ids": list(pids)})
    return out


def stamp_meta(meta_rng, rows: list[dict], kinds: list[str], rids: list[str], pids: list[str],
               window_start: dt.datetime) -> None:
    """Give each row its metadata (``_meta``: start, duration, finished, progress, response and panel id):
    starts uniform over ``WINDOW_DAYS`` from ``window_start``, durations by kind of row."""
    for i, (row, kind) in enumerate(zip(rows, kinds)):
        start = window_start + dt.timedelta(seconds=int(meta_rng.integers(WINDOW_DAYS * 86400)))
        if kind == "consent":
            dur = int(meta_rng.integers(8, 46))
        elif kind == "freelancer":
            dur = int(meta_rng.integers(20, 71))
        elif kind == "speeders":
            dur = int(round(MEDIAN_DURATION * meta_rng.uniform(0.12, 0.30)))
        elif kind == "unfinished":
            dur = int(round(_clean_duration(meta_rng) * row["_pages"] / 8 * meta_rng.uniform(0.8, 1.2)))
        else:
            dur = _clean_duration(meta_rng)
        row["_meta"] = {"start": start, "duration": dur, "finished": kind != "unfinished",
                        "progress": round(100 * row["_pages"] / 8) if kind == "unfinished" else 100,
                        "rid": rids[i], "panel": pids[i]}


def add_duplicates(dup_rng, rows: list[dict], kinds: list[str], n_population: int, n_dup: int,
                   rids: list[str], codebook: dict) -> None:
    """Append ``n_dup`` second submissions of clean respondents (rows ``0 .. n_population - 1``): same
    panel id, started 1-72 h later, a few answers moved by one step; response ids continue ``rids``."""
    originals = dup_rng.choice(n_population, size=n_dup, replace=False)
    n_first = len(rows)
    for j, o in enumerate(sorted(int(x) for x in originals)):
        row = {k: v for k, v in rows[o].items() if k != "_meta"}
        _nudge(dup_rng, row, codebook)
        m = rows[o]["_meta"]
        row["_meta"] = {"start": m["start"] + dt.timedelta(seconds=int(dup_rng.integers(3600, 72 * 3600))),
                        "duration": _clean_duration(dup_rng), "finished": True, "progress": 100,
                        "rid": rids[n_first + j], "panel": m["panel"]}
        rows.append(row)
        kinds.append("duplicates")


def finish(rows: list[dict], kinds: list[str]) -> dict:
    """End and recorded times of every row; ``{"rows", "kinds"}`` in export order (by recorded date)."""
    for row in rows:
        m = row["_meta"]
        m["end"] = m["start"] + dt.timedelta(seconds=m["duration"])
        m["recorded"] = m["end"] + (dt.timedelta(days=7) if not m["finished"] else dt.timedelta(seconds=1))
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["_meta"]["recorded"], rows[i]["_meta"]["rid"]))
    return {"rows": [rows[i] for i in order], "kinds": [kinds[i] for i in order]}


def _as_codes(item: dict, scales: dict):
    """Function turning an answer (choice text; multi-select joined by ",") into the item's code(s)."""
    sc = scales.get(item.get("scale")) if item["type"] in ("likert", "single", "multi") else None
    if sc is None:
        return lambda v: v
    code = {lab: str(c) for lab, c in zip(sc["labels"], sc["codes"])}
    if item["type"] == "multi":
        return lambda v: ",".join(code[x] for x in v.split(",")) if v else ""
    return lambda v: code[v] if v else ""


def export_csv(rows: list[dict], codebook: dict, fmt: str = "qualtrics") -> str:
    """The Qualtrics-style CSV text (three header rows, '\\n' line endings).

    ``fmt``: ``qualtrics`` writes choice text (Finished True/False, Status "IP Address"), as Qualtrics'
    "choice text" download; ``qualtrics_numeric`` writes the codebook's codes (multi-select codes joined
    by ","; Finished 1/0, Status 0), as its "numeric values" download.
    """
    if fmt not in ("qualtrics", "qualtrics_numeric"):
        raise ValueError(f"unknown export format {fmt!r}")
    numeric = fmt == "qualtrics_numeric"
    cols = _columns(codebook)
    key = codebook["meta"]["duplicate_key"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c["column"] for c in cols])
    w.writerow([_header_text(c) for c in cols])
    w.writerow([_import_id(c, key) for c in cols])
    meta_value = {
        "StartDate": lambda m: _stamp(m["start"]), "EndDate": lambda m: _stamp(m["end"]),
        "Status": lambda m: "0" if numeric else "IP Address", "Progress": lambda m: str(m["progress"]),
        "Duration (in seconds)": lambda m: str(m["duration"]),
        "Finished": lambda m: ("1" if m["finished"] else "0") if numeric else ("True" if m["finished"] else "False"),
        "RecordedDate": lambda m: _stamp(m["recorded"]), "ResponseId": lambda m: m["rid"],
        "DistributionChannel": lambda m: "anonymous", "UserLanguage": lambda m: "EN",
        key: lambda m: m["panel"]}
    answer = {c["id"]: (_as_codes(c, codebook["response_scales"]) if numeric else (lambda v: v)) for c in cols}
    for row in rows:
        w.writerow([meta_value[c["column"]](row["_meta"]) if c["type"] == "meta" else answer[c["id"]](row.get(c["id"], ""))
                    for c in cols])
    return buf.getvalue()


def roster_csv(roster: list[dict], ids: dict) -> str:
    """``participant_id,response_id,domain,role,years,platform_share,region,primary_resource``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["participant_id", "response_id", "domain", "role", "years", "platform_share", "region",
                "primary_resource"])
    for r in roster:
        w.writerow([r["pid"], ids[r["pid"]], r["domain"], r["role"], r["years"], r["platform_share"],
                    r["region"], r["primary_resource"]])
    return buf.getvalue()
