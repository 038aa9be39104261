"""The student's guide docs/adding-a-wave.md stays true: every message quoted under "Errors you will meet"
is re-triggered here with the package functions the pipeline runs, and must be part of the real message.

Each entry of that section is a bold "**E<n>. ...**" line followed by a ```text block holding the message,
with the paths shortened to placeholders: ``<export>`` (the wave's survey file), ``<codebook>`` (the
wave's codebook), ``<plan>`` (its analysis plan); data/processed/... paths are relative to the project.
The wave is called ``remote`` in the guide, as here. When a message changes, the entry's test fails:
update the guide (``python tests/test_docs_adding_a_wave.py`` prints every current message with the
placeholders, in the guide's order).
"""
from __future__ import annotations

import copy
import csv
import re
import sys
from pathlib import Path

import pytest
import yaml

from upskilling.config import validate_config
from upskilling.errors import InputError
from upskilling.integrate.settings import wave as integration_wave
from upskilling.survey import stage
from upskilling.survey.codebook import load_codebook
from upskilling.survey.io import read_export
from upskilling.survey.plan import load_plan
from upskilling.survey.settings import wave_settings

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adding-a-wave.md"
WAVE = "remote"

# The guide's running example: a small remote-work survey (cf. tests/fixtures/wave_labels/) with a consent
# question, an age screen and a last-page progress column.
CODEBOOK = {
    "id_column": "response",
    "response_scales": {
        "agree5": {"labels": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
                   "codes": [1, 2, 3, 4, 5]},
        "role": {"labels": ["Manager", "Individual contributor"], "codes": [1, 2]},
        "yesno": {"labels": ["Yes", "No"], "codes": [1, 0]},
    },
    "items": [
        {"id": "response", "column": "response", "text": "Response number", "type": "meta"},
        {"id": "consent", "column": "consent", "text": "I agree to take part.", "type": "single", "scale": "yesno"},
        {"id": "role", "column": "role", "text": "Your role", "type": "single", "scale": "role"},
        {"id": "aut_1", "column": "aut_1", "text": "I decide how to do my work.", "type": "likert",
         "scale": "agree5", "construct": "autonomy"},
        {"id": "aut_2", "column": "aut_2", "text": "I set my own schedule.", "type": "likert", "scale": "agree5",
         "construct": "autonomy"},
        {"id": "aut_3", "column": "aut_3", "text": "Others decide my tasks for me.", "type": "likert",
         "scale": "agree5", "construct": "autonomy", "reverse": True},
        {"id": "age", "column": "age", "text": "Your age", "type": "numeric", "min": 16, "max": 99},
        {"id": "lastpage", "column": "lastpage", "text": "Last page reached", "type": "meta"},
    ],
    "constructs": {"autonomy": {"label": "Job autonomy", "items": ["aut_1", "aut_2", "aut_3"]}},
    "screening": [
        {"name": "consent", "item": "consent", "keep": ["Yes"], "reason": "did not consent"},
        {"name": "adult", "item": "age", "op": "ge", "value": 18, "reason": "younger than 18"},
    ],
    "meta": {"progress": {"column": "lastpage", "unit": "page", "complete_at": 5}},
    "grids": {"work": ["aut_1", "aut_2", "aut_3"]},
}
HEADER = ["response", "consent", "role", "aut_1", "aut_2", "aut_3", "age", "lastpage"]
ROWS = [
    ["R001", "Yes", "Manager", "Agree", "Neutral", "Disagree", "34", "5"],
    ["R002", "Yes", "Individual contributor", "Strongly agree", "Agree", "Neutral", "41", "5"],
    ["R003", "Yes", "Manager", "Disagree", "Neutral", "Agree", "29", "5"],
    ["R004", "No", "Individual contributor", "Neutral", "Agree", "Disagree", "52", "3"],
]
PLAN = {
    "families": {"roles": {"correction": "holm"}},
    "claims": {
        "W1": {"title": "Autonomy is high", "statement": "Remote workers report high job autonomy.",
               "headline": "W1a"},
        "W2": {"title": "Managers have more autonomy", "statement": "Managers report more autonomy."},
    },
    "hypotheses": [
        {"id": "W1a", "claim": "W1", "label": "Autonomy above the scale midpoint", "test": "wilcoxon_one_sample",
         "variables": {"x": "autonomy"}, "mu": "midpoint", "alternative": "greater", "primary": True},
        {"id": "W2a", "claim": "W2", "label": "Managers score higher on autonomy", "test": "mann_whitney",
         "variables": {"x": "autonomy", "group": "role"}, "groups": ["Manager", "Individual contributor"],
         "alternative": "greater", "family": "roles", "primary": True},
    ],
}
# The default config's survey settings a new wave inherits (config/config.yaml), as far as the guide uses them.
SURVEY = {"exclusions": {"order": ["consent", "freelancer", "unfinished", "attention", "speeders",
                                   "straightliners", "duplicates"]},
          "descriptives": {"extra_items": []}}


class Study:
    """The running example's files in ``root``; every writer returns the path it wrote."""

    def __init__(self, root: Path):
        self.root = root
        self.export = root / "export.csv"
        self.codebook = root / "codebook.yaml"
        self.plan = root / "analysis.yaml"

    @staticmethod
    def _write_yaml(path: Path, base: dict, change=None) -> Path:
        """``base`` (deep-copied, then ``change``d in place if given) written to ``path`` as YAML."""
        data = copy.deepcopy(base)
        if change:
            change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    def write_codebook(self, change=None) -> Path:
        return self._write_yaml(self.codebook, CODEBOOK, change)

    def write_plan(self, change=None) -> Path:
        return self._write_yaml(self.plan, PLAN, change)

    def write_export(self, rows=None, header=None, sep=",", encoding="utf-8", qualtrics=False,
                     codes=False) -> Path:
        header = list(header or HEADER)
        rows = [list(r) for r in (rows if rows is not None else ROWS)]
        if codes:
            rows = [self._codes(header, r) for r in rows]
        with self.export.open("w", newline="", encoding=encoding) as fh:
            w = csv.writer(fh, delimiter=sep)
            w.writerow(header)
            if qualtrics:
                w.writerow(header)
                w.writerow(['{"ImportId":"%s"}' % h for h in header])
            w.writerows(rows)
        return self.export

    @staticmethod
    def _codes(header, row):
        by_column = {it["column"]: it for it in CODEBOOK["items"]}
        out = []
        for column, cell in zip(header, row):
            sc = CODEBOOK["response_scales"].get(by_column[column].get("scale"))
            out.append(str(sc["codes"][sc["labels"].index(cell)]) if sc and cell in sc["labels"] else cell)
        return out

    def coded(self, **cells) -> list[list[str]]:
        """ROWS as codes, then cells replaced: ``role="Manager"`` in every row, ``R003__aut_1="-9"`` in one."""
        rows = [self._codes(HEADER, r) for r in ROWS]
        for key, value in cells.items():
            rid, column = key.split("__") if "__" in key else (None, key)
            for r in rows:
                if rid is None or r[0] == rid:
                    r[HEADER.index(column)] = value
        return rows

    def rows(self, **cells) -> list[list[str]]:
        """ROWS with cells replaced: ``R003__aut_1="x"`` sets column aut_1 of respondent R003."""
        rows = [list(r) for r in ROWS]
        for key, value in cells.items():
            rid, column = key.split("__")
            next(r for r in rows if r[0] == rid)[HEADER.index(column)] = value
        return rows

    def settings(self, **own):
        """The wave's survey settings: ``own`` (its ``settings:``) merged over the default config's SURVEY."""
        cfg = {"waves": {WAVE: {"survey": str(self.export), "settings": own}}, "survey": copy.deepcopy(SURVEY)}
        return wave_settings(cfg, WAVE)

    def read(self, fmt: str, **kw):
        return read_export(self.export, fmt, load_codebook(self.write_codebook()), wave=WAVE, **kw)

    def clean(self, fmt: str = "labels", settings=None):
        s = settings if settings is not None else self.settings(
            exclusions={"order": ["consent", "adult", "unfinished", "attention", "speeders", "straightliners",
                                  "duplicates"]})
        return stage.clean(self.export, fmt, self.codebook, s, wave=WAVE)

    def placeholders(self, message: str) -> str:
        for path, name in ((self.export, "<export>"), (self.codebook, "<codebook>"), (self.plan, "<plan>")):
            message = message.replace(str(path), name)
        return message.replace(f"{self.root}/", "")


COLUMNS = ["respondent_id", "source_row", "consent", "role", "aut_1", "aut_2", "aut_3", "age", "lastpage", "autonomy"]


def _plan(s: Study, change):
    return load_plan(s.write_plan(change), load_codebook(s.write_codebook()), COLUMNS)


def _set(path: str, value):
    """A change function setting the dotted ``path`` ("hypotheses.1.groups") of a YAML document to ``value``."""
    def change(data):
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        cur = data
        for k in keys[:-1]:
            cur = cur[k]
        cur[keys[-1]] = value
    return change


def _zero_respondents(s: Study):
    s.write_codebook(_set("screening.0.keep", ["No"]))
    s.write_export()
    scored, flow, _ = s.clean()
    path = s.root / "data" / "processed" / "survey" / WAVE / "scored.csv"
    path.parent.mkdir(parents=True)
    scored.to_csv(path, index=False)
    stage.reliability(stage.read_scored(path), s.codebook, s.settings())


def _extra_items(s: Study):
    s.write_codebook()
    s.write_export()
    scored, _, _ = s.clean()
    settings = s.settings(exclusions={"order": ["screening", "unfinished", "attention", "speeders", "straightliners",
                                                "duplicates"]})
    settings["descriptives"]["extra_items"] = ["ai_work_freq", "ai_learning_freq"]  # the study's, inherited
    from upskilling.survey.codebook import load_codebook
    from upskilling.survey.settings import check_against_codebook

    check_against_codebook(settings, load_codebook(s.codebook), WAVE)


def _config(**wave):
    return {"waves": {WAVE: {"survey": "data/raw/survey/remote/export.csv", "format": "labels", **wave}}}


#: Entry id of the guide -> a function that makes the pipeline raise the entry's error.
TRIGGERS = {
    # reading the export (job survey_clean)
    "E1": lambda s: (s.write_export(qualtrics=True), s.read("labels")),
    "E2": lambda s: (s.write_export(), s.read("qualtrics")),
    "E3": lambda s: (s.write_export(codes=True), s.read("labels")),
    "E4": lambda s: (s.write_export(s.coded(role="Manager")), s.read("numeric")),
    "E5": lambda s: (s.write_export(sep=";"), s.read("labels", sep=",")),
    "E6": lambda s: (s.write_export(s.rows(R001__role="Manager’s assistant"), encoding="cp1252"), s.read("labels")),
    "E7": lambda s: (s.write_export(s.rows(R003__aut_1="Agree strongly")), s.read("labels")),
    "E8": lambda s: (s.write_export(s.coded(R003__aut_1="-9")), s.read("numeric")),
    "E9": lambda s: (s.write_export(s.rows(R002__age="prefer not to say")), s.read("labels")),
    "E10": lambda s: (s.write_export([r[:6] + r[7:] for r in ROWS], [h for h in HEADER if h != "age"]),
                      s.read("labels")),
    "E11": lambda s: (s.write_export(s.rows(R004__response="R002")), s.read("labels")),
    # the config (before any job runs)
    "E12": lambda s: validate_config(_config(seperator=";")),
    "E13": lambda s: integration_wave({"waves": {"wave1": {}, WAVE: {}}, "integration": {"wave": "remot"}}),
    "E14": _extra_items,
    # the codebook
    "E15": lambda s: (s.write_export(), s.write_codebook(_set("screening.0.keep", ["yes please"])), s.clean()),
    "E16": lambda s: load_codebook(s.write_codebook(_set("meta.progress.unit", "pages"))),
    "E17": lambda s: (s.write_export(), s.write_codebook(_set("meta.progress", "lastpage")), s.clean()),
    # the exclusion order
    "E18": lambda s: (s.write_export(), s.write_codebook(), s.clean(settings=s.settings())),
    "E19": lambda s: (s.write_export(), s.write_codebook(), s.clean(settings=s.settings(exclusions={"order": [
        "consent", "adults", "unfinished", "attention", "speeders", "straightliners", "duplicates"]}))),
    # the analysis plan (job survey_hypotheses)
    "E20": lambda s: _plan(s, _set("hypotheses.0.variables.x", "autonomie")),
    "E21": lambda s: _plan(s, _set("hypotheses.1.groups", ["Manager", "Contributor"])),
    "E22": lambda s: _plan(s, _set("hypotheses.1.primary", False)),
    "E23": lambda s: _plan(s, _set("claims.W3", {"title": "Autonomy protects"})),
    "E24": lambda s: _plan(s, _set("claims.W1.headline", "W2a")),
    # after the exclusions
    "E25": _zero_respondents,
}


def real_message(entry: str, root: Path) -> str:
    s = Study(root)
    with pytest.raises(InputError) as err:
        TRIGGERS[entry](s)
    return s.placeholders(str(err.value))


def guide_entries() -> dict[str, str]:
    """``{entry id: quoted message}`` of the guide's section "Errors you will meet"."""
    text = GUIDE.read_text(encoding="utf-8")
    assert "\n## Errors you will meet" in text, "the guide lost its section 'Errors you will meet'"
    section = text.split("\n## Errors you will meet", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^\*\*(E\d+)\.", section, flags=re.M)
    out = {}
    for entry, body in zip(parts[1::2], parts[2::2]):
        block = re.search(r"```text\n(.*?)\n```", body, re.S)
        assert block, f"{entry}: no ```text block with the message"
        assert entry not in out, f"{entry} appears twice"
        out[entry] = block.group(1)
    return out


ENTRIES = guide_entries() if GUIDE.exists() else {}


def test_the_guide_quotes_between_15_and_25_errors_each_tested_here():
    assert 15 <= len(ENTRIES) <= 25
    assert set(ENTRIES) == set(TRIGGERS), "every quoted error needs its trigger in TRIGGERS (and vice versa)"
    for entry, quoted in ENTRIES.items():
        assert "\n" not in quoted, f"{entry}: the message is one line"


@pytest.mark.parametrize("entry", sorted(TRIGGERS, key=lambda e: int(e[1:])))
def test_the_quoted_message_is_what_the_pipeline_says(entry, tmp_path):
    real = real_message(entry, tmp_path)
    assert ENTRIES.get(entry), f"{entry} is not quoted in {GUIDE.name}"
    assert ENTRIES[entry] in real, f"{entry}: the guide quotes\n  {ENTRIES[entry]}\nbut the pipeline says\n  {real}"


def test_the_running_example_is_clean_without_the_mistakes(tmp_path):
    """The example files the triggers break are valid as they stand: each error comes from its one change."""
    s = Study(tmp_path)
    s.write_codebook()
    s.write_export()
    scored, flow, _ = s.clean()
    assert list(flow["step"]) == ["raw", "consent", "adult", "unfinished", "attention", "speeders", "straightliners",
                                  "duplicates", "analysed"]
    assert list(scored["respondent_id"]) == ["R001", "R002", "R003"]
    plan = _plan(s, None)
    assert [h["id"] for h in plan.hypotheses] == ["W1a", "W2a"]


if __name__ == "__main__":  # print the current messages, to update the guide
    import tempfile

    for entry in sorted(TRIGGERS, key=lambda e: int(e[1:])):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                TRIGGERS[entry](Study(Path(tmp)))
            except InputError as exc:
                print(f"{entry}: {Study(Path(tmp)).placeholders(str(exc))}")
            else:
                print(f"{entry}: NO ERROR", file=sys.stderr)
