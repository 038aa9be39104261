"""The interview rules end to end, on the session's small run (the whole DAG on .test/):

* personal details planted in every place (participant and interviewer turns, headers; .txt, .vtt
  and .docx; .test/make_data.py) are found nowhere under data/processed/, results/ or logs/ after a run;
* a re-run of the embedding rule with the same segments loads the cache and says so in its log;
* a change to topic parameters alone re-runs the topic rules and not the embedding rule;
* one transcript, a transcript without participant turns and too few segments give a result or a
  one-line message, never a crash inside UMAP / HDBSCAN.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import SMALL, run_small, run_snakemake
from upskilling.errors import InputError
from upskilling.interviews import steps

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "interviews"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (RAW / "transcripts" / "P01.txt").is_file(), reason="default transcripts not generated")]

def _planted() -> dict:
    """kind -> value planted in the small configuration's transcripts (.test/make_data.py)."""
    with (ROOT / SMALL / "data/raw/interviews/planted_pii.csv").open(encoding="utf-8") as fh:
        return {row["kind"]: row["value"] for row in csv.DictReader(fh)}


PLANTED = _planted()


def make_workdir(base: Path, pids=("P01", "P05")) -> Path:
    """A folder with the interview rules only (the real common.smk and interviews.smk) and the default
    config, on ``pids``' default transcripts."""
    work = base / "work"
    tdir = work / "data" / "raw" / "interviews" / "transcripts"
    tdir.mkdir(parents=True)
    for pid in pids:
        src = next((RAW / "transcripts").glob(f"{pid}.*"))
        shutil.copy(src, tdir / src.name)
    for name in ("redaction_list.txt", "human_coding.csv", "protocol.md"):
        shutil.copy(RAW / name, work / "data/raw/interviews" / name)
    shutil.copytree(ROOT / "config", work / "config")
    (work / "Snakefile").write_text(
        'configfile: "config/config.yaml"\n'
        f'include: "{ROOT / "rules" / "common.smk"}"\n'
        f'include: "{ROOT / "rules" / "interviews.smk"}"\n\n'
        "rule all:\n    input: interviews_targets()\n", encoding="utf-8")
    return work


@pytest.fixture(scope="module")
def run(small_run) -> Path:
    """The working directory of the session's small run (the whole DAG on .test/)."""
    return small_run / SMALL


def _leaks(work: Path) -> list[str]:
    found = []
    for folder in ("data/processed", "results", "logs"):
        for path in (work / folder).rglob("*"):
            if not path.is_file():
                continue
            text = path.read_bytes().decode("utf-8", errors="ignore")
            for kind, value in PLANTED.items():
                if "name" in kind:
                    hit = re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE)
                else:
                    hit = value.lower() in text.lower() or (kind.endswith("phone") and value[-8:] in text)
                if hit:
                    found.append(f"{kind} in {path.relative_to(work)}")
    return found


def test_outputs_and_contract(run):
    seg = pd.read_csv(run / "results/interviews/segments.csv")
    assert list(seg.columns) == ["segment_id", "participant_id", "turn_id", "start_char", "end_char", "text",
                                 "topic", "probability", "theme", "theme_score", "theme_source", "coding_mode",
                                 "theme_zero_shot", "score_zero_shot", "theme_few_shot", "score_few_shot",
                                 "human_theme", "split"]
    turns = pd.read_csv(run / "data/processed/interviews/turns.csv").set_index("turn_id")
    for row in seg.sample(20, random_state=1).itertuples():
        assert turns.loc[row.turn_id, "text"][row.start_char:row.end_char] == row.text
    assert {"txt", "vtt", "docx"} == set(pd.read_csv(run / "data/processed/interviews/transcripts.csv")["format"])
    validation = json.loads((run / "results/interviews/validation.json").read_text())
    for key in ("kappa", "mode_used", "split", "zero_shot", "few_shot", "budget", "robustness", "anchoring",
                "topics", "n_segments", "n_dropped_segments"):
        assert key in validation
    for key in ("stability", "coherence_npmi", "outlier_share_before", "outlier_share_after", "protocol_alignment"):
        assert key in validation["topics"]
    assert len(validation["topics"]["stability"]["seeds"]) == 2  # .test/config/config.yaml
    # training turns keep the human code; every other segment is the model's
    human = seg[seg["theme_source"] == "human"]
    assert len(human) and (human["theme"] == human["human_theme"]).all()
    assert set(human["split"]) == {"training"} and set(seg.loc[seg["split"] == "test", "theme_source"]) == {"model"}
    quotes = pd.read_csv(run / "results/interviews/quotes.csv")
    assert quotes.groupby("theme").size().max() == 5
    assert list((run / "results/interviews/topic_model").glob("*.safetensors"))


def test_planted_details_are_in_the_raw_transcripts(run):
    import docx

    tdir = run / "data/raw/interviews/transcripts"
    raw = " ".join(p.read_text(encoding="utf-8") for p in tdir.glob("*.txt"))
    raw += " ".join(p.read_text(encoding="utf-8") for p in tdir.glob("*.vtt"))
    raw += " ".join(par.text for p in tdir.glob("*.docx") for par in docx.Document(str(p)).paragraphs)
    assert all(value in raw for value in PLANTED.values())  # so that finding none later means something


def test_no_planted_detail_anywhere(run):
    ingest = json.loads((run / "data/processed/interviews/ingest.json").read_text())
    counts = ingest["redaction"]["replacements"]
    assert all(counts[k] >= 1 for k in ("email", "url", "handle", "phone", "name", "client"))
    assert _leaks(run) == []


def test_rerun_with_same_segments_uses_cache(small_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(small_run, copy, symlinks=True)
    run_small(copy, "--forcerun", "interviews_embed_shard", "--until", "interviews_embed")
    log = (copy / SMALL / "logs/interviews/embed_1-of-1.log").read_text()
    gathered = (copy / SMALL / "logs/interviews/embed.log").read_text()
    assert "1 shard(s)" in gathered and "0 embedded" in gathered
    assert "cache hit" in log and "not embedding again" in log


def test_topic_parameter_change_does_not_re_embed(small_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(small_run, copy, symlinks=True)
    config = copy / SMALL / "config/config.yaml"
    cfg = yaml.safe_load(config.read_text())
    cfg["interviews"]["topics"] = {"min_cluster_share": 0.03}
    config.write_text(yaml.safe_dump(cfg))
    out = run_small(copy, "-n")
    planned = set(re.findall(r"^rule (\w+):", out.stdout + out.stderr, re.MULTILINE))
    assert "interviews_topics" in planned
    assert "interviews_embed" not in planned and "interviews_segment" not in planned


# ------------------------------------------------------------------ small corpora, without Snakemake
def _steps(work: Path, files: list[Path]) -> Path:
    out = work / "out"
    cfg = __import__("upskilling.config", fromlist=["validate"]).validate({}, "config_interviews.schema.yaml", "test")
    steps.ingest(files, RAW / "redaction_list.txt", cfg["speakers"], "Participant", {"name_parts": True},
                 out / "turns.csv", out / "transcripts.csv", out / "ingest.json")
    steps.segment(out / "turns.csv", 0, 0, 8, out / "segments.csv", out / "dropped.csv", out / "seg.json")
    steps.embed(out / "segments.csv", 64, work / "cache", 5, 2, out / "emb.npy", out / "emb.json")
    steps.topics(out / "segments.csv", out / "emb.npy", out / "emb.json", ROOT / "config/themes.yaml",
                 cfg["topics"], cfg["theme_vectors"], 1, out / "res.csv", out / "topics.csv", out / "model",
                 out / "fit.json")
    return out


@pytest.mark.parametrize("pids", [["P01"], ["P01", "P02", "P19"]])
def test_one_or_three_transcripts_give_a_result(tmp_path, pids):
    files = [next((RAW / "transcripts").glob(f"{pid}.*")) for pid in pids]
    out = _steps(tmp_path, files)
    result = pd.read_csv(out / "res.csv")
    assert len(result) > 20 * len(pids) and result["theme"].notna().all()
    assert set(result["participant_id"]) == set(pids)


def test_transcript_without_participant_turns_is_reported(tmp_path):
    empty = tmp_path / "P99.txt"
    empty.write_text("Participant: P99\n\nInterviewer: Hello?\n\nInterviewer: Can you hear me?\n", encoding="utf-8")
    out = _steps(tmp_path, [RAW / "transcripts" / "P01.txt", empty])
    assert json.loads((out / "ingest.json").read_text())["transcripts_without_participant_turns"] == ["P99.txt"]
    with pytest.raises(InputError, match="no participant turns in any"):
        _steps(tmp_path / "alone", [empty])


def test_too_few_segments_is_a_clear_message(tmp_path):
    short = tmp_path / "P98.txt"
    turns = "\n\n".join(f"Interviewer: Question {i}?\n\nP98: I mostly learn from videos and from peers, honestly."
                        for i in range(6))
    short.write_text(f"Participant: P98\n\n{turns}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"only 6 segment\(s\).*interviews.topics.min_segments"):
        _steps(tmp_path, [short])


def test_transcript_suffix_in_capitals_is_read(tmp_path):
    """A transcript named P05.TXT is one of the interviews (the rule's file list and the reader agree)."""
    work = make_workdir(tmp_path, pids=("P01", "P05"))
    tdir = work / "data/raw/interviews/transcripts"
    src = next(tdir.glob("P05.*"))
    src.rename(src.with_name("P05.TXT"))
    run_snakemake(work, "data/processed/interviews/turns.csv")
    turns = pd.read_csv(work / "data/processed/interviews/turns.csv")
    assert "P05" in set(turns["participant_id"])
