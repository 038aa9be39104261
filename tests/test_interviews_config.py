"""The `interviews:` config section and its schema; the stability summary."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from upskilling.config import load_schema, validate
from upskilling.errors import InputError
from upskilling.interviews.stability import pairwise_ari, stability_seeds, summarise
from upskilling.interviews.themes import load_themes

ROOT = Path(__file__).resolve().parents[1]


def _walk(schema, path="interviews"):
    for key, sub in schema.get("properties", {}).items():
        yield f"{path}.{key}", sub
        yield from _walk(sub, f"{path}.{key}")


def test_every_key_has_description_and_default_and_no_extras():
    schema = load_schema("config_interviews.schema.yaml")
    assert schema["additionalProperties"] is False
    for key, sub in _walk(schema):
        assert sub.get("description"), f"{key} has no description"
        assert "default" in sub, f"{key} has no default"
        if sub.get("type") == "object":
            assert sub.get("additionalProperties") is False, key


def test_repository_config_section_is_valid_and_commented():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    section = validate(config["interviews"], "config_interviews.schema.yaml", "config/config.yaml")
    assert section["stability"]["n_seeds"] >= 5
    assert section["segmentation"]["min_words"] >= 1
    lines = (ROOT / "config" / "config.yaml").read_text().splitlines()
    first = lines.index("interviews:")
    block = []
    for line in lines[first + 1:]:
        if line and not line.startswith(" "):
            break
        block.append(line)
    last_comment = -10
    for i, line in enumerate(block):
        if line.strip().startswith("#"):
            last_comment = i
        elif line.strip():
            # every key sits under a comment (a comment may cover a small group of keys)
            assert i - last_comment <= 3, f"config.yaml interviews: key without comment: {line.strip()}"


def test_typo_in_section_is_one_line_error():
    with pytest.raises(InputError, match="min_cluster_sise"):
        validate({"topics": {"min_cluster_sise": 5}}, "config_interviews.schema.yaml", "config/config.yaml")


def test_themes_file_is_valid():
    themes = load_themes(ROOT / "config" / "themes.yaml")
    assert {t["id"] for t in themes} >= {"survival", "growth", "precarity"}


def test_stability_seeds_and_summary():
    seeds = stability_seeds(20260429, 5)
    assert len(set(seeds)) == 5 and seeds == stability_seeds(20260429, 5)
    assert stability_seeds(1, 5, [3, 4]) == [3, 4]
    with pytest.raises(InputError):
        stability_seeds(1, 1)
    runs = pd.DataFrame({"seed": [1] * 4 + [2] * 4 + [3] * 4, "segment_index": list(range(4)) * 3,
                         "topic": [0, 0, 1, 1, 5, 5, 7, 7, 0, 1, 0, 1],
                         "theme": ["a", "a", "b", "b", "a", "a", "b", "b", "a", "b", "a", "b"]})
    ari = pairwise_ari(runs, "topic")
    assert len(ari) == 3 and ari.loc[0, "ari"] == pytest.approx(1.0)
    summary = summarise(runs, [{"seed": s, "n_topics": 2, "outlier_share_before": 0.1, "outlier_share_after": 0.0}
                               for s in (1, 2, 3)])
    assert summary["seeds"] == [1, 2, 3] and summary["n_runs"] == 3
    assert summary["min_pairwise_ari"] < summary["mean_pairwise_ari"] < 1
