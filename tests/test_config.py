"""The config schema fills defaults and rejects typos before any job runs, naming the key."""
import copy
from pathlib import Path

import pytest
import yaml

from upskilling.config import load_validated, read_yaml, validate, validate_config
from upskilling.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text())


def test_shipped_config_validates_and_gets_defaults(config, monkeypatch):
    monkeypatch.chdir(ROOT)
    cfg = validate_config(copy.deepcopy(config))
    assert cfg["waves"]["wave1"]["format"] == "qualtrics"
    assert isinstance(cfg["seed"], int)


def test_unknown_top_level_key_is_named(config):
    config["wavez"] = {}
    with pytest.raises(InputError, match=r"config/config.yaml: key 'wavez' is not allowed at the top level"):
        validate(config, "config.schema.yaml", "config/config.yaml")


def test_unknown_wave_key_names_its_path(config):
    config["waves"]["wave1"]["fromat"] = "qualtrics"
    with pytest.raises(InputError, match=r"key 'fromat' is not allowed under 'waves.wave1'"):
        validate(config, "config.schema.yaml", "config/config.yaml")


def test_bad_enum_value_lists_the_choices(config):
    config["waves"]["wave1"]["format"] = "xlsx"
    with pytest.raises(InputError, match=r"waves.wave1.format.*'xlsx'.*qualtrics"):
        validate(config, "config.schema.yaml", "config/config.yaml")


def test_missing_waves_is_reported(config):
    del config["waves"]
    with pytest.raises(InputError, match=r"missing a required key.*waves"):
        validate(config, "config.schema.yaml", "config/config.yaml")


def test_bad_wave_name_is_reported(config):
    config["waves"]["wave 2"] = {"survey": "x.csv"}
    with pytest.raises(InputError, match=r"'waves'.*wave 2"):
        validate(config, "config.schema.yaml", "config/config.yaml")


@pytest.mark.parametrize("section", ["survey", "interviews", "integration"])
def test_typo_inside_a_stage_section_is_named(config, section):
    config[section] = dict(config.get(section) or {})
    config[section]["no_such_setting"] = 1
    with pytest.raises(InputError, match=rf"key 'no_such_setting' is not allowed under '{section}'"):
        validate(config, "config.schema.yaml", "config/config.yaml")


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("waves:\n  wave1: [unclosed\n")
    with pytest.raises(InputError, match=r"bad.yaml: line \d+, column \d+: YAML syntax error"):
        read_yaml(bad)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"nope.yaml: file not found"):
        load_validated(tmp_path / "nope.yaml", "themes.schema.yaml")
