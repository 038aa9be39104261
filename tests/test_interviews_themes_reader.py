"""The package's one themes reader (upskilling.interviews.themes.load_themes_file): the interview stage,
the integration's table view (integrate.inputs.read_themes) and the report's codebook table all read the
themes file through it, validated once."""
from pathlib import Path

import pytest
import yaml

from upskilling.errors import InputError
from upskilling.integrate import inputs
from upskilling.interviews import themes

ROOT = Path(__file__).resolve().parents[1]
THEMES = ROOT / "config" / "themes.yaml"


def test_codebook_is_read_and_validated_once(monkeypatch):
    calls = []
    real = themes.load_validated
    monkeypatch.setattr(themes, "load_validated", lambda *a: calls.append(a) or real(*a))
    found, other = themes.load_codebook(THEMES)
    assert len(calls) == 1
    raw = yaml.safe_load(THEMES.read_text(encoding="utf-8"))
    assert found == raw["themes"] and other == raw.get("other")


def test_read_themes_is_a_table_of_load_themes():
    table = inputs.read_themes(THEMES)
    listed = themes.load_themes(THEMES)
    assert list(table.columns) == ["theme", "label", "claim", "definition"]
    assert table["theme"].tolist() == [t["id"] for t in listed]
    assert table["label"].tolist() == [t["label"] for t in listed]
    assert table["claim"].tolist() == [t.get("claim") for t in listed]
    assert table["definition"].tolist() == [" ".join(t["definition"].split()) for t in listed]
    assert inputs.load_themes_file(THEMES) == yaml.safe_load(THEMES.read_text(encoding="utf-8"))


def test_read_themes_validates(tmp_path):
    data = yaml.safe_load(THEMES.read_text(encoding="utf-8"))
    data["themes"][1]["id"] = data["themes"][0]["id"]
    dup = tmp_path / "themes.yaml"
    dup.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"themes\.yaml: key 'themes\[1\]\.id': duplicate theme id"):
        inputs.read_themes(dup)
    del data["themes"][0]["seed_words"]
    dup.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"themes\.yaml: 'themes\[0\]' is missing a required key"):
        inputs.read_themes(dup)
