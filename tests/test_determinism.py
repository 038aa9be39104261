"""Determinism to the byte (issue 11): two clean runs of the small configuration, in copies at different
paths (and so with other absolute paths, other times and other hash seeds), write the same bytes to
every file under results/, data/processed/ and logs/, apart from the timing and environment fields
declared in upskilling.determinism.VOLATILE (masked before comparing).

The first run is the shared ``small_run``; the test makes one more (about 90 s on 2 cores)."""
from __future__ import annotations

import difflib
import json
import re

import nbformat
import pytest

from conftest import ROOT, SMALL, prepare_small, run_small
from upskilling import determinism
from upskilling.determinism import COMPARED, MASK, VOLATILE, Volatile, differences, mask, snapshot
from upskilling.integrate import notebooks


def _explain(a, b, paths, limit=8) -> str:
    """The first lines that differ in each of ``paths`` (masked), for the failure message."""
    sa, sb = snapshot(a), snapshot(b)
    out = []
    for p in paths[:limit]:
        if p not in sa or p not in sb:
            out.append(f"{p}: only in the {'second' if p not in sa else 'first'} run")
            continue
        try:
            la, lb = sa[p].decode("utf-8").splitlines(), sb[p].decode("utf-8").splitlines()
        except UnicodeDecodeError:
            out.append(f"{p}: binary, {len(sa[p])} vs {len(sb[p])} bytes")
            continue
        diff = [d for d in difflib.unified_diff(la, lb, lineterm="", n=0) if d[:1] in "+-"][2:8]
        out.append(f"{p}:\n  " + "\n  ".join(d[:200] for d in diff))
    return "\n".join(out)


# --- the declared fields and the masking (fast) ---

def test_mask_blanks_only_the_declared_json_fields_and_keeps_the_key_order():
    declared = (Volatile("x/*.json", "json:seconds", "timing", ""),
                Volatile("x/*.json", "json:shards.*.seconds", "timing", ""))
    a = json.dumps({"z": 1, "seconds": 1.5, "shards": [{"seconds": 2, "n": 3}], "a": 2}).encode()
    b = json.dumps({"z": 1, "seconds": 9.0, "shards": [{"seconds": 7, "n": 3}], "a": 2}).encode()
    assert mask("x/run.json", a, declared) == mask("x/run.json", b, declared)
    masked = {"z": 1, "seconds": MASK, "shards": [{"seconds": MASK, "n": 3}], "a": 2}
    assert json.loads(mask("x/run.json", a, declared)) == masked
    other_n = json.dumps({"z": 1, "seconds": 1.5, "shards": [{"seconds": 2, "n": 4}], "a": 2}).encode()
    assert mask("x/run.json", a, declared) != mask("x/run.json", other_n, declared)
    reordered = json.dumps({"a": 2, "seconds": 1.5, "shards": [{"seconds": 2, "n": 3}], "z": 1}).encode()
    assert mask("x/run.json", a, declared) != mask("x/run.json", reordered, declared), "key order must still count"
    assert mask("y/run.json", a, declared) == a, "an undeclared file is compared as it is"


def test_log_masks_hide_the_clock_and_the_durations_but_not_the_counts():
    one = (b"2026-12-01 15:51:49,696 INFO [upskilling.interviews] topic model: 14 topics, 7.4 s\n"
           b"2026-12-01 15:51:50,001 INFO [upskilling.interviews] embedded 153 segments in 12.0 s (13 segments/s)\n")
    two = (b"2027-01-02 09:00:00,000 INFO [upskilling.interviews] topic model: 14 topics, 16.2 s\n"
           b"2027-01-02 09:00:01,123 INFO [upskilling.interviews] embedded 153 segments in 9.0 s (17 segments/s)\n")
    assert mask("logs/interviews/topics.log", one) == mask("logs/interviews/topics.log", two)
    fifteen = one.replace(b"14 topics", b"15 topics")
    assert mask("logs/interviews/topics.log", one) != mask("logs/interviews/topics.log", fifteen)


def test_every_declaration_is_well_formed():
    for v in VOLATILE:
        assert v.kind in {"timing", "environment"}, v
        assert v.field.startswith(("json:", "re:")), v
        assert v.why, v
        if v.field.startswith("re:"):
            re.compile(v.field[3:])
        assert v.glob.split("/")[0] in {c.split("/")[0] for c in COMPARED}, v


def test_notebook_cell_ids_come_from_the_cells():
    source = ROOT / "notebooks" / "integration.py"
    one = notebooks.prepare(source, {"claims_csv": "results/claims.csv"})
    two = notebooks.prepare(source, {"claims_csv": "results/claims.csv"})
    ids = [c["id"] for c in one.cells]
    assert ids == [c["id"] for c in two.cells]
    assert len(set(ids)) == len(ids)
    nbformat.validate(one)
    other = notebooks.prepare(source, {"claims_csv": "elsewhere/claims.csv"})
    changed = [a != b for a, b in zip(ids, (c["id"] for c in other.cells))]
    assert sum(changed) == 1, "only the parameters cell differs"


def test_repeated_cells_get_distinct_ids():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x"), nbformat.v4.new_code_cell("x"),
                                         nbformat.v4.new_markdown_cell("x")])
    ids = [c["id"] for c in notebooks.stable_ids(nb).cells]
    assert len(set(ids)) == 3 and ids[1] == ids[0] + "-1"
    nbformat.validate(nb)


# --- two clean runs (slow) ---

@pytest.fixture(scope="module")
def second_run(tmp_path_factory):
    """A second clean run of the small configuration, in a copy one folder deeper than ``small_run``'s."""
    root = prepare_small(tmp_path_factory.mktemp("determinism") / "another" / "place" / "repo")
    run_small(root)
    return root


@pytest.mark.slow
def test_two_clean_runs_are_identical_apart_from_the_declared_fields(small_run, second_run):
    a, b = small_run / SMALL, second_run / SMALL
    files = snapshot(a)
    assert len(files) > 150 and any(p.startswith("logs/") for p in files), sorted(files)[:20]
    differ = differences(a, b)
    assert not differ, f"{len(differ)} file(s) differ between two clean runs:\n{_explain(a, b, differ)}"


@pytest.mark.slow
def test_no_output_names_the_folder_it_was_made_in(small_run, second_run):
    """Absolute paths of the run's own folder would make every copy's outputs differ."""
    for root in (small_run, second_run):
        needle = str(root).encode()
        leaked = [p for p, data in snapshot(root / SMALL, declared=()).items() if needle in data]
        assert not leaked, f"{root} written into {leaked}"


@pytest.mark.slow
def test_every_declared_field_is_in_a_run(small_run):
    """No stale declaration: each declared field is found in some output of the small configuration."""
    outputs = snapshot(small_run / SMALL, declared=())
    for v in VOLATILE:
        matched = [p for p in outputs if determinism.volatile_fields(p, (v,))]
        assert matched, f"no file matches {v.glob}"
        assert any(MASK.encode() in mask(p, outputs[p], (v,)) for p in matched), \
            f"{v.field} is in none of {matched}"
