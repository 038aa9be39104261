"""The rules that turn theme prevalence and the survey verdict into the fit of the two strands."""
import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from upskilling.config import validate
from upskilling.errors import InputError
from upskilling.integrate import fit
from upskilling.integrate.settings import settings, wave

ROOT = Path(__file__).resolve().parents[1]
RULES = {"min_share": 0.05, "min_participants": 0.5, "min_difference": 0.02}
CONTRAST = [{"claim": "C1", "theme": "survival", "over": "growth"}]


def prevalence(counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    """theme_prevalence.csv from {participant: {theme: n_segments}}."""
    rows = []
    for pid, by_theme in counts.items():
        total = sum(by_theme.values())
        rows += [{"participant_id": pid, "theme": t, "n_segments": n, "share": n / total}
                 for t, n in by_theme.items() if n]
    return pd.DataFrame(rows)


def summary(counts, themes=("survival", "growth", "precarity", "other")):
    return fit.theme_summary(prevalence(counts), list(themes))


def test_theme_summary_counts_segments_and_participants():
    s = summary({"P1": {"survival": 3, "other": 1}, "P2": {"survival": 1, "growth": 2, "other": 1}}).set_index("theme")
    assert s.loc["survival", "n_segments"] == 4
    assert s.loc["survival", "share"] == pytest.approx(4 / 8)
    assert s.loc["growth", "n_participants"] == 1
    assert s.loc["growth", "participant_share"] == pytest.approx(0.5)
    assert s.loc["precarity", "n_segments"] == 0  # listed themes with no segment are reported as zeros
    assert s.loc["survival", "mean_participant_share"] == pytest.approx((3 / 4 + 1 / 4) / 2)


def test_prevalent_needs_share_and_spread():
    # 'precarity' has a big share but from one of four people: not prevalent
    s = summary({"P1": {"precarity": 9, "survival": 1}, "P2": {"survival": 2, "other": 1},
                 "P3": {"survival": 1, "other": 2}, "P4": {"other": 3}})
    prev = fit.prevalent(s, RULES)
    assert prev["survival"] and not prev["precarity"]


@pytest.mark.parametrize("counts, expected", [
    ({"P1": {"survival": 5, "growth": 1}, "P2": {"survival": 4, "growth": 1}}, "supports"),
    ({"P1": {"survival": 1, "growth": 5}, "P2": {"survival": 1, "growth": 4}}, "opposes"),
    ({"P1": {"survival": 3, "growth": 3}, "P2": {"survival": 3, "growth": 3}}, "partial"),   # tie
    ({"P1": {"other": 9, "survival": 0, "growth": 0}, "P2": {"other": 9}}, "absent"),
])
def test_direction_of_a_contrast_claim(counts, expected):
    direction, reason = fit.qualitative_direction("C1", ["survival", "growth"], summary(counts), CONTRAST, RULES)
    assert direction == expected
    assert reason


def test_partial_when_only_some_claim_themes_are_prevalent():
    s = summary({"P1": {"survival": 5, "precarity": 0, "other": 5}, "P2": {"survival": 4, "other": 5}})
    direction, reason = fit.qualitative_direction("C9", ["survival", "precarity"], s, [], RULES)
    assert direction == "partial"
    assert "1 of 2" in reason


def test_unknown_contrast_theme_names_the_config_key():
    s = summary({"P1": {"survival": 1}})
    with pytest.raises(InputError, match=r"integration.contrasts.*'nosuch'"):
        fit.qualitative_direction("C1", ["survival"], s, [{"claim": "C1", "theme": "survival", "over": "nosuch"}],
                                  RULES)


def test_fit_matrix_from_the_shipped_config():
    cfg = yaml.safe_load(open(ROOT / "config/config.yaml"))
    matrix = settings(cfg)["fit"]
    assert fit.fit("supported", "supports", matrix) == "confirmation"
    assert fit.fit("contradicted", "supports", matrix) == "discordance"
    assert fit.fit("supported", "partial", matrix) == "expansion"
    assert fit.fit("not supported", "absent", matrix) == "confirmation"
    with pytest.raises(InputError, match="verdict 'maybe'"):
        fit.fit("maybe", "supports", matrix)


def test_fit_follows_the_config_not_the_code():
    cfg = {"waves": {"w": {"survey": "x"}}, "integration": {"fit": {
        "supported": {"supports": "expansion", "partial": "expansion", "absent": "expansion", "opposes": "expansion"}}}}
    matrix = settings(cfg)["fit"]
    assert fit.fit("supported", "supports", matrix) == "expansion"
    assert fit.fit("contradicted", "opposes", matrix) == "confirmation"  # default row kept


def test_settings_fill_every_default_and_reject_typos():
    st = settings({"waves": {"w": {"survey": "x"}}})
    assert st["caveats"]["min_alpha"] == 0.70 and st["caveats"]["min_kappa"] == 0.60
    assert st["prevalence"]["min_share"] == 0.05
    assert "claims" not in st  # the claims in words live in the analysis plan, not here
    with pytest.raises(InputError, match=r"key 'claims' is not allowed"):
        settings({"integration": {"claims": {"C1": {"title": "x"}}}})
    with pytest.raises(InputError, match=r"key 'min_alpah' is not allowed under 'caveats'"):
        settings({"integration": {"caveats": {"min_alpah": 0.7}}})
    with pytest.raises(InputError, match=r"fit.supported.supports.*'agreement'"):
        settings({"integration": {"fit": {"supported": {"supports": "agreement", "partial": "expansion",
                                                         "absent": "expansion", "opposes": "expansion"}}}})


def test_shipped_config_section_validates_and_every_schema_key_has_description_and_default():
    cfg = yaml.safe_load(open(ROOT / "config/config.yaml"))
    validate(copy.deepcopy(cfg), "config.schema.yaml", "config/config.yaml")
    schema = yaml.safe_load(open(ROOT / "src/upskilling/schemas/config_integration.schema.yaml"))
    assert schema["additionalProperties"] is False
    for key, spec in schema["properties"].items():
        assert "description" in spec and "default" in spec, key
        for sub, subspec in (spec.get("properties") or {}).items():
            assert "description" in subspec and "default" in subspec, f"{key}.{sub}"


def test_wave_defaults_to_the_first_and_rejects_unknown():
    assert wave({"waves": {"b": {}, "a": {}}}) == "b"  # the first listed, not the first by name
    with pytest.raises(InputError, match=r"'wave' is 'c'"):
        wave({"waves": {"a": {}}, "integration": {"wave": "c"}})


def test_a_holding_contrast_below_the_thresholds_is_partial_evidence():
    # survival beats growth clearly but stays under min_share: partial, not absent
    s = summary({"P1": {"survival": 1, "growth": 0, "other": 30}, "P2": {"survival": 1, "other": 30}})
    direction, reason = fit.qualitative_direction("C1", ["survival", "growth"], s, CONTRAST, RULES)
    assert direction == "partial" and "'survival' > 'growth'" in reason
