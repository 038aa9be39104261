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


def test_yaml_tab_and_repeated_key_are_named(tmp_path):
    tab = tmp_path / "tab.yaml"
    tab.write_text("seed: 1\nwaves:\n\twave1: {}\n")
    with pytest.raises(InputError, match=r"tab.yaml: line 3, column 1: YAML syntax error: a tab character \(YAML "
                                         r"indents with spaces only\); replace the tab by spaces$"):
        read_yaml(tab)
    twice = tmp_path / "twice.yaml"
    twice.write_text("waves: {a: 1}\nseed: 1\nwaves: {b: 2}\n")
    with pytest.raises(InputError, match=r"twice.yaml: line 3, column 1: key 'waves' appears twice in one mapping "
                                         r"\(also line 1; YAML would silently keep the last\); keep one of them"):
        read_yaml(twice)


def test_check_configfile_raises_snakemakes_workflow_error_in_our_words(tmp_path):
    from snakemake.exceptions import WorkflowError

    from upskilling.config import check_configfile

    bad = tmp_path / "config.yaml"
    bad.write_text("waves:\n  wave1: [unclosed\n")
    with pytest.raises(WorkflowError, match=r"^Invalid configuration: .*config.yaml: line 3, column 1: YAML syntax "
                                            r"error: expected ',' or ']'"):
        check_configfile(bad)
    check_configfile(tmp_path / "absent.yaml")  # left to Snakemake (--configfile may give every key)


def test_every_path_the_config_names_is_checked_naming_its_key(config, monkeypatch):
    from upskilling.config import check_config_paths, config_paths

    monkeypatch.chdir(ROOT)
    cfg = validate_config(copy.deepcopy(config))
    keys = [k for k, *_ in config_paths(cfg)]
    assert keys == ["waves.wave1.survey", "waves.wave1.truth", "waves.wave2.survey", "waves.wave2.codebook",
                    "waves.wave2.truth", "codebook", "analysis", "themes", "interviews.transcripts",
                    "interviews.protocol", "interviews.human_coding", "interviews.redaction_list", "integration.roster"]
    check_config_paths(cfg)
    cfg["waves"]["wave2"]["survey"] = "data/raw/survey/wave2/exprt.csv"
    with pytest.raises(InputError, match=r"^config/config.yaml: waves.wave2.survey: file data/raw/survey/wave2/"
                                         r"exprt.csv not found; fix the path"):
        check_config_paths(cfg)
