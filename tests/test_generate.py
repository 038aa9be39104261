"""The default-data generator: byte-for-byte reproducible, planted mess and effects as documented in
truth.json, interviewees consistent with the roster, and an interview corpus that meets the brief."""
from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import re
import shutil
import statistics
from pathlib import Path

import pytest
import webvtt
import yaml

from upskilling.errors import InputError
from upskilling.generate import cli, interviews, survey, truth, truth_wave2, wave2

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CORPUS = ROOT / "src" / "upskilling" / "generate" / "corpus"
CODEBOOK = yaml.safe_load((ROOT / "config" / "codebook.yaml").read_text(encoding="utf-8"))
ROSTER = yaml.safe_load((CORPUS / "roster.yaml").read_text(encoding="utf-8"))["participants"]
ITEMS = {it["id"]: it for it in CODEBOOK["items"]}
CODEBOOK2_PATH = ROOT / "config" / "waves" / "wave2" / "codebook.yaml"
CODEBOOK2 = yaml.safe_load(CODEBOOK2_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw")
    assert cli.main(["--out", str(out), "--codebook", str(ROOT / "config" / "codebook.yaml"),
                     "--codebook-wave2", str(CODEBOOK2_PATH)]) == 0
    return out


def _files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _export(root: Path) -> list[dict]:
    """Rows of the export as {item id: text} plus the metadata columns under their column ids."""
    text = (root / "survey" / "wave1" / "export.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    col_to_id = {it["column"]: it["id"] for it in CODEBOOK["items"]}
    return [{col_to_id[c]: v for c, v in zip(rows[0], r)} | dict(zip(rows[0], r)) for r in rows[3:]]


def _truth(root: Path) -> dict:
    return json.loads((root / "survey" / "wave1" / "truth.json").read_text(encoding="utf-8"))


# --- reproducibility --------------------------------------------------------------------------

def test_regenerating_reproduces_committed_files_byte_for_byte(generated):
    committed, fresh = _files(RAW), _files(generated)
    assert committed, "data/raw is empty: run upskilling-generate"
    assert sorted(fresh) == sorted(committed)
    assert {k for k in fresh if fresh[k] != committed[k]} == set()


def test_output_is_lf_only_and_seed_matters(generated):
    for p in generated.rglob("*"):
        if p.is_file():
            assert b"\r" not in p.read_bytes(), p
    a = survey.export_csv(survey.build(1, CODEBOOK, ROSTER)["rows"], CODEBOOK)
    b = survey.export_csv(survey.build(2, CODEBOOK, ROSTER)["rows"], CODEBOOK)
    assert a != b
    assert a == survey.export_csv(survey.build(1, CODEBOOK, ROSTER)["rows"], CODEBOOK)


# --- survey export -----------------------------------------------------------------------------

def test_export_has_three_qualtrics_header_rows():
    rows = list(csv.reader(io.StringIO((RAW / "survey/wave1/export.csv").read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["StartDate", "EndDate"] and rows[0][-1] == "panel_id"
    assert set(rows[0]) == {it["column"] for it in CODEBOOK["items"]}
    i = rows[0].index("Q18_1")
    assert rows[1][i] == f"{ITEMS['surv_1']['stem']} - {ITEMS['surv_1']['text']}"
    assert json.loads(rows[2][i]) == {"ImportId": "QID17_1"}
    assert json.loads(rows[2][0]) == {"ImportId": "startDate", "timeZone": "America/Denver"}
    assert len(rows) - 3 == _truth(RAW)["n_raw"]


def test_every_answer_is_a_codebook_label():
    scales = CODEBOOK["response_scales"]
    for n, row in enumerate(_export(RAW), start=4):
        for it in CODEBOOK["items"]:
            v = row[it["id"]]
            if not v or it["type"] in ("meta", "text"):
                continue
            if it["type"] == "numeric":
                assert it["min"] <= float(v) <= it["max"], (n, it["id"], v)
            else:
                labels = scales[it["scale"]]["labels"]
                values = v.split(",") if it["type"] == "multi" else [v]
                assert set(values) <= set(labels), (n, it["id"], v)


def _straightlined(row, grid):
    answered = [row[g] for g in grid if row[g]]
    return len(answered) >= 2 and len(set(answered)) == 1


def _reference_flow(rows, median_of="remaining", attention_rule="any"):
    """An independent cleaning in the default order; returns n_removed per step."""
    removed = {}

    def step(name, bad):
        nonlocal rows
        keep = [r for r in rows if not bad(r)]
        removed[name] = len(rows) - len(keep)
        rows = keep

    step("consent", lambda r: r["consent"] != "Yes")
    step("freelancer", lambda r: r["freelancing"] != "Yes")
    step("unfinished", lambda r: r["Finished"] != "True")
    checks = CODEBOOK["attention_checks"]
    combine = any if attention_rule == "any" else all
    step("attention", lambda r: combine(r[c["item"]] != c["correct"] for c in checks))
    med = statistics.median(float(r["Duration (in seconds)"]) for r in (rows if median_of == "remaining" else ALL))
    step("speeders", lambda r: float(r["Duration (in seconds)"]) < 0.4 * med)
    step("straightliners", lambda r: any(_straightlined(r, g) for g in CODEBOOK["grids"].values()))
    first = {}
    for r in sorted(rows, key=lambda r: r["StartDate"]):
        first.setdefault(r["panel_id"], r["ResponseId"])
    step("duplicates", lambda r: first[r["panel_id"]] != r["ResponseId"])
    return removed, rows


ALL: list = []


@pytest.mark.parametrize("median_of, attention_rule", [("remaining", "any"), ("raw", "all"), ("raw", "any")])
def test_reference_cleaning_removes_exactly_the_planted_counts(median_of, attention_rule):
    truth = _truth(RAW)
    ALL[:] = _export(RAW)
    removed, kept = _reference_flow(list(ALL), median_of, attention_rule)
    assert removed == truth["mess"]
    assert len(kept) == truth["n_clean"]


def test_truth_counts_add_up():
    t = _truth(RAW)
    assert sum(t["mess"].values()) == t["n_raw"] - t["n_clean"]
    assert [f["step"] for f in t["flow"]] == ["raw"] + survey.MESS_ORDER
    assert t["flow"][-1]["n_remaining"] == t["n_clean"]
    assert all(t["mess"][k] > 0 for k in survey.MESS_ORDER)


def test_truth_documents_recoverable_effects():
    t = _truth(RAW)
    for claim in ("C1", "C2", "C3", "C4", "C5"):
        stats_ = t["claims"][claim]["statistics"]
        for name, s in stats_.items():
            assert s["tolerance"] > 0 and s["se"] > 0, (claim, name)
            assert abs(s["observed"] - s["expected"]) <= s["tolerance"], (claim, name)
            assert s["pipeline"] == truth.PIPELINE[f"{claim}.{name}"], (claim, name)  # where the pipeline reports it
        assert t["claims"][claim]["pipeline_verdict"]["row"] == {"claim": claim, "primary": True}
    assert set(truth.PIPELINE) == {f"{c}.{n}" for c in ("C1", "C2", "C3", "C4", "C5") for n in t["claims"][c]["statistics"]}
    c = t["claims"]
    assert c["C1"]["statistics"]["mean_difference"]["expected"] > 0
    assert c["C2"]["statistics"]["share_ai_primary"]["expected"] < 0.5
    assert c["C2"]["statistics"]["share_ai_structures_agree"]["expected"] > 0.5
    assert all(c["C3"]["statistics"][f"mean_{b}"]["expected"] > 3 for b in
               ("barrier_inconsistency", "barrier_context", "barrier_verification"))
    assert c["C4"]["statistics"]["share_invisible_agree"]["expected"] > 0.5
    assert abs(c["C5"]["statistics"]["ologit_years"]["expected"]) < c["C5"]["statistics"]["ologit_years"]["se"]
    powers = [p for k in ("C1", "C2", "C3", "C4") for p in c[k]["power"].values()]
    powers += [c["C5"]["power"]["platform_share"], c["C5"]["power"]["competition"]]
    assert min(powers) >= 0.9
    assert c["C5"]["power"]["years"] < 0.2


# --- interviewees -------------------------------------------------------------------------------

def test_interviewees_answer_as_their_roster_profile():
    rows = {r["ResponseId"]: r for r in _export(RAW)}
    scales = CODEBOOK["response_scales"]
    roster_csv = list(csv.DictReader(io.StringIO((RAW / "interviews/roster.csv").read_text(encoding="utf-8"))))
    assert [r["participant_id"] for r in roster_csv] == [p["pid"] for p in ROSTER]
    agree = scales["agree5"]["labels"]
    for p, rc in zip(ROSTER, roster_csv):
        r = rows[rc["response_id"]]
        assert r["Finished"] == "True" and r["consent"] == "Yes" and r["interview_optin"] == "Yes"
        assert scales["domain"]["labels"].index(r["domain"]) == \
            ["writing", "design", "software", "data", "marketing", "translation", "admin", "other"].index(p["domain"])
        assert int(r["years_freelancing"]) == p["years"] == int(rc["years"])
        assert int(r["platform_share"]) == p["platform_share"] == int(rc["platform_share"])
        assert r["region"] == p["region"] == rc["region"]
        assert r["primary_resource"] == p["primary_resource"] == rc["primary_resource"]
        assert r["ai_learning_freq"] == p["ai_learning_freq"]
        assert set(r["platforms"].split(",")) == set(p["platforms"])
        assert agree.index(r["ai_structures"]) + 1 == p["ai_structures"]
        for construct, key in (("survival", "survival"), ("growth", "growth"), ("invisible", "invisible"),
                               ("competition", "competition")):
            codes = []
            for item in CODEBOOK["constructs"][construct]["items"]:
                c = agree.index(r[item]) + 1
                codes.append(6 - c if ITEMS[item]["reverse"] else c)
            assert abs(sum(codes) / len(codes) - p[key]) <= 0.17, (p["pid"], construct)


def test_transcripts_carry_the_roster_response_ids():
    ids = {r["participant_id"]: r["response_id"] for r in
           csv.DictReader(io.StringIO((RAW / "interviews/roster.csv").read_text(encoding="utf-8")))}
    for path in sorted((RAW / "interviews/transcripts").iterdir()):
        assert f"Respondent ID: {ids[path.stem]}" in path.read_text(encoding="utf-8")


# --- interview corpus -------------------------------------------------------------------------

def parse_transcript(path: Path) -> list[tuple[str, str]]:
    """(speaker, text) turns of a .txt or .vtt transcript (independent of the pipeline's importer)."""
    if path.suffix == ".vtt":
        turns: list[list[str]] = []
        for cap in webvtt.read(str(path)).captions:
            if cap.voice:
                speaker, text = cap.voice, cap.text
            else:
                speaker, _, text = cap.text.partition(": ")
            if turns and turns[-1][0] == speaker:
                turns[-1][1] += " " + text
            else:
                turns.append([speaker, text])
        return [(s, " ".join(t.split())) for s, t in turns]
    body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    turns = []
    for line in body.splitlines():
        m = re.match(r"^(Interviewer|P\d\d): (.*)$", line)
        if m:
            turns.append([m.group(1), m.group(2)])
        elif line.strip():
            turns[-1][1] += " " + line.strip()
    return [(s, t) for s, t in turns]


@pytest.fixture(scope="module")
def corpus():
    return {p.stem: parse_transcript(p) for p in sorted((RAW / "interviews/transcripts").iterdir())}


def test_vtt_and_txt_render_the_same_turns():
    protocol = interviews.load_protocol(CORPUS / "protocol.yaml")
    ids = {p["pid"] for p in ROSTER}
    for pid in interviews.VTT_PARTICIPANTS:
        src = CORPUS / f"{pid}.yaml"
        if not src.exists():
            continue
        d = interviews.load_source(src, protocol, ids)
        assert parse_transcript(RAW / f"interviews/transcripts/{pid}.vtt") == d["rendered"]


def test_corpus_size_and_length(corpus):
    utterances = {t for turns in corpus.values() for s, t in turns if s != "Interviewer"}
    assert len(utterances) >= 400
    for pid, turns in corpus.items():
        words = sum(len(t.split()) for _, t in turns)
        assert 1500 <= words <= 3000, (pid, words)


def test_every_participant_turn_is_coded(corpus):
    coding = list(csv.DictReader(io.StringIO((RAW / "interviews/human_coding.csv").read_text(encoding="utf-8"))))
    coded = {(r["participant_id"], r["turn_id"]) for r in coding}
    expected = {(pid, f"{pid}-T{i:03d}") for pid, turns in corpus.items()
                for i, (s, _) in enumerate(turns, start=1) if s == pid}
    assert coded == expected
    themes = {r["theme"] for r in coding}
    assert len(themes - {"other"}) >= 8
    assert themes <= interviews.THEMES


def test_planted_pii_is_in_its_turn(corpus):
    rows = list(csv.DictReader(io.StringIO((RAW / "interviews/planted_pii.csv").read_text(encoding="utf-8"))))
    assert rows
    for r in rows:
        turns = corpus[r["participant_id"]]
        k = int(r["turn_id"].split("-T")[1])
        assert r["value"] in turns[k - 1][1], r
    redact = [ln for ln in (RAW / "interviews/redaction_list.txt").read_text(encoding="utf-8").splitlines()
              if ln and not ln.startswith("#")]
    listed = {(r["kind"], r["value"]) for r in rows if r["kind"] in ("name", "client")}
    assert {f"client: {v}" if k == "client" else v for k, v in listed} == set(redact)


def test_few_near_duplicate_utterances(corpus):
    utts = [t for turns in corpus.values() for s, t in turns if s != "Interviewer"]
    toks = [set(re.findall(r"[a-z']+", u.lower())) for u in utts]
    dup = set()
    for i, j in itertools.combinations(range(len(toks)), 2):
        if len(toks[i] & toks[j]) / max(1, len(toks[i] | toks[j])) > 0.8:
            dup.update((i, j))
    assert len(dup) / len(utts) <= 0.2


# --- bad corpus sources fail with one line ---------------------------------------------------

@pytest.fixture()
def bad_corpus(tmp_path):
    for name in ("protocol.yaml", "roster.yaml", "P01.yaml"):
        shutil.copy(CORPUS / name, tmp_path / name)
    return tmp_path


def test_unknown_protocol_question_is_named(bad_corpus):
    src = bad_corpus / "P01.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace("ask: path", "ask: pathh", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"P01.yaml: turns\[\d+\]: key 'ask' has unknown question id 'pathh'"):
        interviews.render_all(bad_corpus, ROSTER, {p["pid"]: "R_x" for p in ROSTER})


def test_pii_value_missing_from_text_is_named(bad_corpus):
    src = bad_corpus / "P01.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace('value: "Brightline Dental"', 'value: "Brightlyne"', 1),
                   encoding="utf-8")
    with pytest.raises(InputError, match="pii value 'Brightlyne'"):
        interviews.render_all(bad_corpus, ROSTER, {p["pid"]: "R_x" for p in ROSTER})


# --- wave 2: the follow-up, a Qualtrics numeric export ------------------------------------------

def _export2(root: Path) -> list[dict]:
    """Rows of the wave-2 export as {item id: choice text} (codes turned back into the codebook's labels)
    plus the metadata columns under their column ids (Finished as True/False), so that the reference
    cleaning above applies unchanged."""
    rows = list(csv.reader(io.StringIO((root / "survey" / "wave2" / "export.csv").read_text(encoding="utf-8"))))
    scales = CODEBOOK2["response_scales"]
    items = {it["column"]: it for it in CODEBOOK2["items"]}
    out = []
    for r in rows[3:]:
        row = dict(zip(rows[0], r))
        for col, v in zip(rows[0], r):
            it = items[col]
            if it["type"] in ("likert", "single", "multi") and v:
                label = dict(zip(map(str, scales[it["scale"]]["codes"]), scales[it["scale"]]["labels"]))
                v = ",".join(label[c] for c in v.split(",")) if it["type"] == "multi" else label[v]
            row[it["id"]] = v
        row["Finished"] = {"1": "True", "0": "False"}[row["Finished"]]
        out.append(row)
    return out


def _truth2(root: Path) -> dict:
    return json.loads((root / "survey" / "wave2" / "truth.json").read_text(encoding="utf-8"))


def test_wave2_same_seed_same_bytes_other_seed_other_bytes():
    cb2 = yaml.safe_load(CODEBOOK2_PATH.read_text(encoding="utf-8"))

    def text(seed):
        return wave2.export_csv(wave2.build(seed, cb2, survey.build(seed, CODEBOOK, ROSTER))["rows"], cb2)

    a = text(1)
    assert a == text(1)
    assert a != text(2)


def test_wave1_does_not_depend_on_wave2(tmp_path, monkeypatch):
    """Other wave-2 settings (sizes, shifts, panel correlation) leave every wave-1 and interview file as it is."""
    for mod, name in ((truth, "CHUNKS"), (truth, "C5_CHUNKS"), (truth_wave2, "CHUNKS")):
        monkeypatch.setattr(mod, name, 2)  # a quick truth simulation: its numbers are not compared here
    monkeypatch.setattr(wave2, "N_POPULATION", 150)
    monkeypatch.setattr(wave2, "N_PANEL", 40)
    monkeypatch.setattr(wave2, "PANEL_RHO", 0.2)
    monkeypatch.setattr(wave2, "SHIFT", {"growth": 1.0})
    cli.generate(tmp_path, codebook=ROOT / "config" / "codebook.yaml", codebook_wave2=CODEBOOK2_PATH)
    fresh, committed = _files(tmp_path), _files(RAW)
    for rel in ["survey/wave1/export.csv"] + [k for k in committed if k.startswith("interviews/")]:
        assert fresh[rel] == committed[rel], rel
    assert fresh["survey/wave2/export.csv"] != committed["survey/wave2/export.csv"]
    assert _truth2(tmp_path)["n_clean"] == 150


def test_wave2_export_is_a_qualtrics_numeric_export():
    rows = list(csv.reader(io.StringIO((RAW / "survey/wave2/export.csv").read_text(encoding="utf-8"))))
    items2 = {it["id"]: it for it in CODEBOOK2["items"]}
    assert rows[0][:2] == ["StartDate", "EndDate"] and rows[0][-1] == "panel_id"
    assert set(rows[0]) == {it["column"] for it in CODEBOOK2["items"]}
    i = rows[0].index(items2["bar_inc_1"]["column"])
    assert rows[0][i] == "Q21_1" and json.loads(rows[2][i]) == {"ImportId": "QID21_1"}
    assert rows[1][i] == f"{items2['bar_inc_1']['stem']} - {items2['bar_inc_1']['text']}"
    assert len(rows) - 3 == _truth2(RAW)["n_raw"]
    scales = CODEBOOK2["response_scales"]
    for n, r in enumerate(rows[3:], start=4):
        row = dict(zip(rows[0], r))
        assert row["Finished"] in ("1", "0") and row["Status"] == "0", n
        for it in CODEBOOK2["items"]:
            v = row[it["column"]]
            if not v or it["type"] in ("meta", "text"):
                continue
            if it["type"] == "numeric":
                assert it["min"] <= float(v) <= it["max"], (n, it["id"], v)
            else:
                codes = {str(c) for c in scales[it["scale"]]["codes"]}
                assert set(v.split(",") if it["type"] == "multi" else [v]) <= codes, (n, it["id"], v)


def test_wave2_reference_cleaning_removes_exactly_the_planted_counts():
    t = _truth2(RAW)
    ALL[:] = _export2(RAW)
    removed, kept = _reference_flow(list(ALL))
    assert removed == t["mess"]
    assert len(kept) == t["n_clean"] == wave2.N_POPULATION
    assert sum(t["mess"].values()) == t["n_raw"] - t["n_clean"]
    assert [f["step"] for f in t["flow"]] == ["raw"] + survey.MESS_ORDER and t["flow"][-1]["n_remaining"] == t["n_clean"]
    wave1_kept = _reference_flow(_export(RAW))[1]
    linked = [r for r in kept if r["panel_id"] in {k["panel_id"] for k in wave1_kept}]
    assert len(linked) == t["n_panel"] == wave2.N_PANEL
    reused = {r["panel_id"] for r in ALL} & {r["panel_id"] for r in _export(RAW)}
    assert reused == {r["panel_id"] for r in linked}  # no other wave-2 row carries a wave-1 panel id
    assert t["n_unlinked"] == {"wave1": len(wave1_kept) - t["n_panel"], "wave2": t["n_clean"] - t["n_panel"]}


def test_wave2_panel_members_keep_their_profile():
    w1 = {r["panel_id"]: r for r in _reference_flow(_export(RAW))[1]}
    ALL[:] = _export2(RAW)
    for r in _reference_flow(list(ALL))[1]:
        if r["panel_id"] in w1:
            before = w1[r["panel_id"]]
            assert (r["domain"], r["region"], r["platform_share"]) == \
                (before["domain"], before["region"], before["platform_share"])
            assert int(r["years_freelancing"]) == min(int(before["years_freelancing"]) + 1, 40)


def test_wave2_truth_documents_the_planted_changes():
    t = _truth2(RAW)
    assert t["wave"] == "wave2" and t["compared_with"] == "wave1" and t["format"] == "qualtrics_numeric"
    assert set(t["changes"]) == set(CODEBOOK2["constructs"]) == set(CODEBOOK["constructs"])
    directions = {c: e["direction"] for c, e in t["changes"].items()}
    assert directions["survival"] == "rise" and t["changes"]["survival"]["planted_shift_sd"] == 0.3
    assert "fall" in directions.values() and "unchanged" in directions.values()
    for c, e in t["changes"].items():
        assert set(e["statistics"]) == {f"independent.{s}" for s in ("mean_difference", "standardized_difference",
                                                                       "rank_biserial")} | \
            {f"paired.{s}" for s in ("mean_difference", "standardized_difference", "rank_biserial", "within_r")}
        for name, s in e["statistics"].items():
            assert s["tolerance"] > 0 and s["se"] > 0, (c, name)
            assert abs(s["observed"] - s["expected"]) <= s["tolerance"], (c, name)
            assert s["pipeline"] == {"table": "changes", "column": truth_wave2.STAT_COLUMN[name.split(".")[1]],
                                     "row": {"from_wave": "wave1", "to_wave": "wave2", "construct": c,
                                             "design": name.split(".")[0]}}, (c, name)
        assert e["expected_verdict"] == truth_wave2.VERDICT[e["direction"]]
        assert e["pipeline_verdict"]["row"]["design"] == "paired" and e["pipeline_verdict"]["column"] == "change"
        shift = e["planted_shift_sd"]
        paired = e["statistics"]["paired.mean_difference"]["expected"]
        assert (paired > 0.1) if shift > 0 else (paired < -0.1) if shift < 0 else abs(paired) < 0.05, c
        if shift:
            assert e["power"]["paired"] >= 0.75, c
        assert 0.3 < e["statistics"]["paired.within_r"]["expected"] < t["parameters"]["panel_rho"], c
    cc = t["codebook_changes"]
    assert cc["added"] == ["ai_policy"] and cc["dropped"] == ["education"] and cc["reworded"] == ["comp_3"]
    assert len(cc["renamed"]) >= 3 and cc["rescaled"]


def test_wave2_codebook_must_differ_as_planted():
    cb2 = yaml.safe_load(CODEBOOK2_PATH.read_text(encoding="utf-8"))
    wave2.check_changes(CODEBOOK, cb2, "wave2.yaml")
    bad = yaml.safe_load(CODEBOOK2_PATH.read_text(encoding="utf-8"))
    next(it for it in bad["items"] if it["id"] == "grow_1")["text"] = "Something else."
    with pytest.raises(InputError, match=r"wave2.yaml: items reworded relative to wave 1 are \['comp_3', 'grow_1'\]"):
        wave2.check_changes(CODEBOOK, bad, "wave2.yaml")



def test_the_fast_logistic_cdf_is_scipys_to_the_bit():
    import numpy as np
    from scipy import stats

    from upskilling.generate.truth import _LOGISTIC

    x = np.array([-np.inf, -800.0, -36.9, -3.2, -1e-300, 0.0, 1e-300, 0.7, 5.5, 36.9, 800.0, np.inf, np.nan])
    expected = stats.logistic.cdf(x)
    got = _LOGISTIC.cdf(x)
    assert got.dtype == expected.dtype and np.array_equal(got, expected, equal_nan=True)
    assert _LOGISTIC.cdf(0.7, loc=1.0, scale=2.0) == stats.logistic.cdf(0.7, loc=1.0, scale=2.0)
    assert _LOGISTIC.ppf(0.25) == stats.logistic.ppf(0.25) and _LOGISTIC.pdf(0.3) == stats.logistic.pdf(0.3)
