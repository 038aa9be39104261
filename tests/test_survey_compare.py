"""The cross-wave comparison (upskilling.survey.compare, compare_diff): its statistics against R
(tests/r/compare_reference.R -> compare_reference.json, to 4 decimals), the codebook diff on two tiny
codebooks (every kind of change), the settings and the one-line errors, and the planted cross-wave
effects of data/raw/survey/wave2/truth.json recovered from the two shipped waves within their tolerance.

The R script writes the fixture data and R's values into the json; this test does not run R.
"""
from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from upskilling.config import read_yaml, validate, validate_config
from upskilling.errors import InputError
from upskilling.survey import compare, compare_diff, stage
from upskilling.survey.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "tests" / "r" / "compare_reference.json").read_text())
TOL = 5e-5  # agreement to 4 decimals
METHODS = {"wilcoxon": {"exact": False, "correct": True}, "mann_whitney": {"exact": False, "correct": True},
           "alpha": 0.05, "ci_level": 0.95}


def close(a, b, tol=TOL) -> bool:
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=tol)


# ------------------------------------------------------------------------------------------- tiny codebooks
def tiny_codebook(**change) -> dict:
    """A minimal valid codebook: an id and a panel-id meta item, six likert items, three constructs."""
    cb = {
        "id_column": "rid",
        "response_scales": {"agree5": {"labels": ["SD", "D", "N", "A", "SA"], "codes": [1, 2, 3, 4, 5]},
                            "yesno": {"labels": ["Yes", "No"], "codes": [1, 0]}},
        "items": [{"id": "rid", "column": "rid", "text": "Response ID", "type": "meta"},
                  {"id": "panel_id", "column": "panel_id", "text": "panel_id", "type": "meta"},
                  {"id": "optin", "column": "Q9", "text": "Follow-up interview?", "type": "single", "scale": "yesno"}]
        + [{"id": f"i{k}", "column": f"Q1_{k}", "stem": "How much do you agree?", "text": f"Statement {k}.",
            "type": "likert", "scale": "agree5", "reverse": False} for k in range(1, 7)],
        "constructs": {"c1": {"label": "Construct one", "items": ["i1", "i2"]},
                       "c2": {"label": "Construct two", "items": ["i3", "i4"]},
                       "c3": {"label": "Construct three", "items": ["i5", "i6"]}},
        "meta": {"duplicate_key": "panel_id"},
    }
    for key, value in change.items():
        cb[key] = value
    return cb


def write_codebook(tmp_path: Path, name: str, cb: dict):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cb, sort_keys=False), encoding="utf-8")
    return load_codebook(path)


@pytest.fixture()
def codebook(tmp_path):
    return write_codebook(tmp_path, "cb", tiny_codebook())


def ref_waves(cb) -> list[compare.Wave]:
    return [compare.Wave(w, pd.DataFrame(REF["data"][w]).assign(respondent_id=lambda d: d["panel_id"]), cb, f"{w}.csv")
            for w in ("wave1", "wave2")]


# ------------------------------------------------------------------------------------------- against R
@pytest.mark.parametrize("design", ["independent", "paired"])
@pytest.mark.parametrize("construct", ["c1", "c2", "c3"])
def test_changes_match_r(codebook, design, construct):
    out = compare.changes(ref_waves(codebook), compare.settings({}), {"wave2": METHODS})
    row = out[(out["design"] == design) & (out["construct"] == construct)].iloc[0]
    ref = REF["expected"][design][construct]
    assert (row["n_from"], row["n_to"]) == (ref["n_from"], ref["n_to"])
    for col, key in [("statistic", "statistic"), ("p", "p"), ("p_adjusted", "p_adjusted"), ("effect_size", "effect"),
                     ("ci_low", "ci_low"), ("ci_high", "ci_high"), ("mean_difference", "mean_difference"),
                     ("mean_difference_ci_low", "md_ci_low"), ("mean_difference_ci_high", "md_ci_high")]:
        assert close(row[col], ref[key]), (design, construct, col, row[col], ref[key])
    if design == "paired":
        for col in ("within_r", "within_r_ci_low", "within_r_ci_high"):
            assert close(row[col], ref[col]), (construct, col, row[col], ref[col])
    else:
        assert math.isnan(row["within_r"])
    assert row["test"] == compare.TESTS[design] and row["statistic_name"] == ("W" if design == "independent" else "V")
    assert row["correction"] == "holm" and row["effect_size_name"] == "r_rank_biserial"


def test_changes_table_is_tidy_with_stable_columns(codebook):
    out = compare.changes(ref_waves(codebook), compare.settings({}), {"wave2": METHODS})
    assert list(out.columns) == compare.COLUMNS
    assert list(out["design"]) == ["independent"] * 3 + ["paired"] * 3
    assert list(out["construct"]) == ["c1", "c2", "c3"] * 2
    assert set(out["label"]) == {"Construct one", "Construct two", "Construct three"}
    assert out["significant"].dtype == bool
    assert (out["significant"] == (out["p_adjusted"] < out["alpha"])).all()
    sig = out[out["significant"]]
    assert ((sig["change"] == "rise") == (sig["effect_size"] > 0)).all()
    assert set(out.loc[~out["significant"], "change"]) <= {"no significant change"}


def test_correction_none_and_selected_constructs(codebook):
    cfg = compare.settings({"comparison": {"correction": "none", "constructs": ["c2"]}})
    out = compare.changes(ref_waves(codebook), cfg, {"wave2": METHODS})
    assert list(out["construct"]) == ["c2", "c2"]
    assert (out["p_adjusted"] == out["p"]).all() and set(out["correction"]) == {"none"}


def test_methods_come_from_the_analysis_plan():
    m = compare.plan_methods(ROOT / "config" / "analysis.yaml")
    assert m == {"wilcoxon": {"exact": False, "correct": True}, "mann_whitney": {"exact": False, "correct": True},
                 "alpha": 0.05, "ci_level": 0.95}


def test_without_link_every_respondent_is_independent(codebook):
    out = compare.changes(ref_waves(codebook), compare.settings({"comparison": {"link": ""}}), {"wave2": METHODS})
    assert set(out["design"]) == {"independent"}
    a, b = (pd.DataFrame(REF["data"][w]) for w in ("wave1", "wave2"))
    row = out[out["construct"] == "c3"].iloc[0]
    assert (row["n_from"], row["n_to"]) == (len(a), len(b))


def test_no_shared_panel_ids_gives_not_computable_paired_rows(codebook):
    w1, w2 = ref_waves(codebook)
    w2.scored["panel_id"] = "x" + w2.scored["panel_id"]
    out = compare.changes([w1, w2], compare.settings({}), {"wave2": METHODS})
    paired = out[out["design"] == "paired"]
    assert (paired["change"] == "not computable").all() and paired["p"].isna().all()
    assert paired["note"].str.contains("no respondent of wave wave1 has the same panel_id in wave wave2").all()
    independent = out[out["design"] == "independent"].set_index("construct")
    assert independent.loc["c3", "n_from"] == len(w1.scored) and independent.loc["c3", "n_to"] == len(w2.scored)


def test_constant_scores_are_not_computable_not_an_error(codebook):
    w1, w2 = ref_waves(codebook)
    w1.scored["c3"], w2.scored["c3"] = 3.0, 3.0
    out = compare.changes([w1, w2], compare.settings({}), {"wave2": METHODS}).set_index(["design", "construct"])
    for design in ("independent", "paired"):
        assert out.loc[(design, "c3"), "change"] == "not computable"
        assert out.loc[(design, "c3"), "note"]
    assert out.loc[("independent", "c1"), "change"] != "not computable"


def test_missing_link_column_is_one_line(codebook):
    w1, w2 = ref_waves(codebook)
    w2.scored = w2.scored.drop(columns="panel_id")
    with pytest.raises(InputError, match=r"wave2.csv: no column 'panel_id' \(comparison.link in config/config.yaml\)"
                                         r".*comparison.link: ''"):
        compare.changes([w1, w2], compare.settings({}), {"wave2": METHODS})


def test_repeated_panel_id_in_one_wave_is_one_line(codebook):
    w1, w2 = ref_waves(codebook)
    w1.scored.loc[1, "panel_id"] = w1.scored.loc[0, "panel_id"]
    with pytest.raises(InputError, match=r"wave1.csv: panel_id 'p001' is in 2 rows of wave wave1.*survey.exclusions.duplicates"):
        compare.changes([w1, w2], compare.settings({}), {"wave2": METHODS})


def test_unknown_construct_is_named(codebook):
    with pytest.raises(InputError, match=r"key 'constructs' names \['c9'\]"):
        compare.changes(ref_waves(codebook), compare.settings({"comparison": {"constructs": ["c9"]}}), {"wave2": METHODS})


def test_three_waves_give_two_pairs(codebook):
    w1, w2 = ref_waves(codebook)
    w3 = compare.Wave("wave3", w2.scored.copy(), codebook, "wave3.csv")
    out = compare.changes([w1, w2, w3], compare.settings({}), {"wave2": METHODS, "wave3": METHODS})
    assert list(dict.fromkeys(zip(out["from_wave"], out["to_wave"]))) == [("wave1", "wave2"), ("wave2", "wave3")]
    same = out[(out["to_wave"] == "wave3") & (out["design"] == "paired")]
    assert (same["mean_difference"] == 0).all() and (same["change"] == "not computable").all()  # every difference 0


# ------------------------------------------------------------------------------------------- settings
def _config(**comparison) -> dict:
    """Three waves of the shipped codebook, validated (defaults filled); ``comparison`` set afterwards, so
    that compare.settings is what checks it."""
    cfg = validate({"waves": {"a": {"survey": "a.csv"}, "b": {"survey": "b.csv"}, "c": {"survey": "c.csv"}}},
                   "config.schema.yaml", "test")
    if comparison:
        cfg["comparison"] = comparison
    return cfg


def test_waves_default_to_every_wave_in_listed_order():
    assert compare.waves(_config()) == ["a", "b", "c"]
    assert compare.waves(_config(waves=["c", "a"])) == ["c", "a"]
    assert compare.pairs(["a", "b", "c"]) == [("a", "b"), ("b", "c")]
    one = validate({"waves": {"a": {"survey": "a.csv"}}}, "config.schema.yaml", "test")
    assert compare.waves(one) == []  # one wave: nothing to compare
    assert compare.settings({}) == {"waves": [], "link": "panel_id", "correction": "holm", "constructs": []}


@pytest.mark.parametrize("comparison, message", [
    ({"waves": ["a", "x"]}, r"key 'waves' names \['x'\], which are not waves"),
    ({"waves": ["a"]}, r"list at least two waves to compare"),
    ({"correction": "tukey"}, r"key 'correction' has value 'tukey'"),
    ({"wavez": []}, r"key 'wavez' is not allowed"),
])
def test_bad_settings_are_one_line(comparison, message):
    with pytest.raises(InputError, match=message):
        compare.waves(_config(**comparison))


def test_shipped_config_validates_with_the_comparison_section():
    cfg = validate_config(read_yaml(ROOT / "config" / "config.yaml"))
    assert compare.settings(cfg)["link"] == "panel_id"
    assert compare.waves(cfg)[:2] == ["wave1", "wave2"]
    bad = copy.deepcopy(cfg)
    bad["comparison"] = {"lnk": "panel_id"}
    with pytest.raises(InputError, match=r"key 'lnk' is not allowed under 'comparison'"):
        validate_config(bad)


# ------------------------------------------------------------------------------------------- codebook diff
def test_codebook_diff_detects_every_kind_of_change(tmp_path):
    before = tiny_codebook()
    after = tiny_codebook()
    items = {it["id"]: it for it in after["items"]}
    items["i1"]["column"] = "Q2_1"                              # renamed
    items["i2"]["text"] = "Statement two, reworded."            # reworded
    items["i6"]["reverse"] = True                               # rescaled: reverse-coding
    after["response_scales"]["yesno"] = {"labels": ["Yes", "No"], "codes": [1, 2]}  # rescaled: codes (optin)
    after["items"] = [it for it in after["items"] if it["id"] != "i4"]               # dropped
    after["items"].append({"id": "i7", "column": "Q1_7", "stem": "How much do you agree?", "text": "Statement 7.",
                           "type": "likert", "scale": "agree5", "reverse": False})  # added
    after["constructs"] = {"c1": {"label": "Construct one", "items": ["i1", "i2"]},
                           "c2": {"label": "Construct two", "items": ["i3", "i7"]},  # item set changed
                           "c3": {"label": "Construct three", "items": ["i5", "i6"]},
                           "c4": {"label": "Construct four", "items": ["i5"]}}     # construct added
    before["constructs"]["c0"] = {"label": "Gone", "items": ["i1"]}                 # construct dropped
    a, b = write_codebook(tmp_path, "a", before), write_codebook(tmp_path, "b", after)
    diff = compare_diff.codebook_diff(a, b, "w1", "w2")
    assert list(diff.columns) == compare_diff.COLUMNS
    got = {(r.change, r.item) for r in diff.itertuples()}
    assert got == {("added", "i7"), ("dropped", "i4"), ("reworded", "i2"), ("rescaled", "i6"), ("rescaled", "optin"),
                   ("renamed", "i1"), ("construct_added", "c4"), ("construct_dropped", "c0"), ("construct_items", "c2")}
    assert list(dict.fromkeys(diff["change"])) == [k for k in compare_diff.KINDS if k in set(diff["change"])]
    row = diff.set_index(["change", "item"])
    assert row.loc[("renamed", "i1"), "column_from"] == "Q1_1" and row.loc[("renamed", "i1"), "column_to"] == "Q2_1"
    assert row.loc[("reworded", "i2"), "from_value"] == "Statement 2."  # same grid stem: the statements
    assert row.loc[("reworded", "i2"), "to_value"] == "Statement two, reworded."
    assert row.loc[("rescaled", "optin"), "detail"] == "codes [1, 0] -> [1, 2]"
    assert row.loc[("rescaled", "i6"), "detail"] == "reverse-coding False -> True"
    assert row.loc[("construct_items", "c2"), "detail"] == "added i7; removed i4"
    assert row.loc[("dropped", "i4"), "construct"] == "c2"
    notes = compare_diff.construct_notes(diff)
    assert notes == {"c2": "items changed (added i7; removed i4)", "c3": "rescaled: i6", "c1": "reworded: i2"}
    md = compare_diff.to_markdown(diff, {"w1": "a.yaml", "w2": "b.yaml"})
    for title in ("## w1 → w2", "### Items added (1)", "### Items dropped (1)", "### Items reworded (1)",
                  "### Items rescaled (answers coded differently) (2)", "### Export columns renamed (1)",
                  "### Constructs added (1)", "### Constructs dropped (1)", "### Constructs whose items changed (1)",
                  "Codebooks: `a.yaml` → `b.yaml`.", "| i1 | c1 | Q1_1 | Q2_1 |"):
        assert title in md, title


def test_codebook_diff_labels_and_type_changes(tmp_path):
    after = tiny_codebook()
    after["response_scales"]["agree5"] = {"labels": ["Never", "Rarely", "Sometimes", "Often", "Always"],
                                          "codes": [1, 2, 3, 4, 5]}
    after["items"][2] = {"id": "optin", "column": "Q9", "text": "Follow-up interview?", "type": "likert",
                         "scale": "agree5", "reverse": False}
    diff = compare_diff.codebook_diff(write_codebook(tmp_path, "a", tiny_codebook()), write_codebook(tmp_path, "b", after))
    detail = diff.set_index("item")["detail"]
    assert detail["i1"] == "labels changed"
    assert detail["optin"] == "type single -> likert, labels changed, codes changed"
    assert set(diff["change"]) == {"rescaled"}


def test_identical_codebooks_have_no_changes(codebook):
    diff = compare_diff.codebook_diff(codebook, codebook, "w1", "w2")
    assert diff.empty and list(diff.columns) == compare_diff.COLUMNS
    md = compare_diff.to_markdown(diff, pairs=[("w1", "w2")])
    assert "## w1 → w2" in md and "No changes" in md


def test_shipped_codebook_diff_is_the_planted_one():
    truth = json.loads((ROOT / "data/raw/survey/wave2/truth.json").read_text())
    table, md = compare_diff.diff_from_files(["wave1", "wave2"], [ROOT / "config/codebook.yaml",
                                                                    ROOT / "config/waves/wave2/codebook.yaml"])
    planted = truth["codebook_changes"]
    by = {k: sorted(table.loc[table["change"] == k, "item"]) for k in compare_diff.KINDS}
    assert by["added"] == planted["added"] and by["dropped"] == planted["dropped"]
    assert by["reworded"] == planted["reworded"] and by["rescaled"] == planted["rescaled"]
    renamed = table[table["change"] == "renamed"]
    assert sorted(zip(renamed["item"], renamed["column_from"], renamed["column_to"])) == \
        sorted((r["item"], r["from"], r["to"]) for r in planted["renamed"])
    assert not by["construct_items"] and not by["construct_added"] and not by["construct_dropped"]
    assert "## wave1 → wave2" in md and "comp_3" in md


# ------------------------------------------------------------------------------------------- shipped waves
@pytest.fixture(scope="module")
def shipped():
    """Both shipped waves through the survey stage (stage.clean: import, exclusions, scoring) and the
    comparison with the shipped settings, as the Snakemake rules run them."""
    cfg = validate_config(read_yaml(ROOT / "config" / "config.yaml"))
    from upskilling.survey.settings import reader_options, wave_settings

    data = []
    for w in ("wave1", "wave2"):
        spec = cfg["waves"][w]
        reader = reader_options(cfg, w)
        codebook = spec.get("codebook", cfg["codebook"])
        scored = stage.clean(ROOT / spec["survey"], reader["format"], ROOT / codebook, wave_settings(cfg, w))[0]
        data.append(compare.Wave(w, scored, load_codebook(ROOT / codebook), f"{w}/scored.csv"))
    methods = {"wave2": compare.plan_methods(ROOT / cfg["waves"]["wave2"].get("analysis", cfg["analysis"]))}
    return data, compare.changes(data, compare.settings(cfg), methods)


STAT_COLUMN = {"mean_difference": "mean_difference", "standardized_difference": "standardized_difference",
               "rank_biserial": "effect_size", "within_r": "within_r"}


def _truth_rows():
    truth = json.loads((ROOT / "data/raw/survey/wave2/truth.json").read_text())
    return [(c, name, s) for c, entry in truth["changes"].items() for name, s in entry["statistics"].items()]


def test_scored_tables_keep_the_panel_id(shipped):
    data, _ = shipped
    for w in data:
        assert list(w.scored.columns[:3]) == ["respondent_id", "source_row", "panel_id"]
        assert w.scored["panel_id"].notna().all() and not w.scored["panel_id"].duplicated().any()
    truth = json.loads((ROOT / "data/raw/survey/wave2/truth.json").read_text())
    assert len(set(data[0].scored["panel_id"]) & set(data[1].scored["panel_id"])) == truth["n_panel"]
    assert len(data[1].scored) == truth["n_clean"]


@pytest.mark.parametrize("construct, statistic, spec", _truth_rows(),
                         ids=[f"{c}.{n}" for c, n, _ in _truth_rows()])
def test_planted_cross_wave_effects_are_recovered(shipped, construct, statistic, spec):
    _, changes = shipped
    design, stat = statistic.split(".")
    got = changes[(changes["construct"] == construct) & (changes["design"] == design)][STAT_COLUMN[stat]].iloc[0]
    assert abs(got - spec["expected"]) <= spec["tolerance"], (construct, statistic, got, spec)
    assert close(got, spec["observed"], 1e-4), "truth.json's observed value is not what the comparison computes"


def test_planted_rise_and_fall_are_detected_by_the_panel(shipped):
    _, changes = shipped
    truth = json.loads((ROOT / "data/raw/survey/wave2/truth.json").read_text())
    paired = changes[changes["design"] == "paired"].set_index("construct")
    for construct, entry in truth["changes"].items():
        want = {"rise": "rise", "fall": "fall", "unchanged": "no significant change"}[entry["direction"]]
        assert paired.loc[construct, "change"] == want, construct
    assert (paired["n_to"] == truth["n_panel"]).all()
    independent = changes[changes["design"] == "independent"]
    assert set(independent["n_from"]) == {truth["n_unlinked"]["wave1"]}
    assert set(independent["n_to"]) == {truth["n_unlinked"]["wave2"]}
    assert paired.loc["competition", "codebook_changes"] == "reworded: comp_3"


def test_figure_is_drawn_from_changes_csv(shipped, tmp_path):
    from upskilling.integrate.figures import comparison

    _, changes = shipped
    changes.to_csv(tmp_path / "changes.csv", index=False)
    comparison.write(tmp_path / "changes.csv", tmp_path / "f.png", tmp_path / "f.pdf", dpi=60)
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "f.pdf").stat().st_size > 0
    comparison.write(tmp_path / "changes.csv", tmp_path / "g.png", tmp_path / "g.pdf", dpi=60)
    assert (tmp_path / "f.png").read_bytes() == (tmp_path / "g.png").read_bytes()  # deterministic
    from upskilling.integrate.figures import style

    fig = comparison.survey_comparison(pd.read_csv(tmp_path / "changes.csv"))
    assert fig.get_size_inches()[0] <= getattr(style, "MAX_WIDTH", 9.2)
    if hasattr(style, "text_inside"):
        assert style.text_inside(fig) == []
    empty = comparison.survey_comparison(changes.iloc[:0])  # nothing to compare: a note, no error
    assert any("nothing to compare" in t.get_text() for t in empty.findobj(lambda a: hasattr(a, "get_text")))


def test_changes_from_files_reads_scored_csv_as_the_rule_does(shipped, tmp_path):
    data, changes = shipped
    paths = []
    for w in data:
        paths.append(tmp_path / f"{w.name}.csv")
        w.scored.to_csv(paths[-1], index=False)  # as scripts/survey_clean.py writes it
    cfg = compare.settings(validate_config(read_yaml(ROOT / "config" / "config.yaml")))
    again = compare.changes_from_files(["wave1", "wave2"], paths, [w.codebook.path for w in data],
                                       {k: cfg[k] for k in ("link", "correction", "constructs")},
                                       {"wave2": compare.plan_methods(ROOT / "config" / "analysis.yaml")})
    pd.testing.assert_frame_equal(again, changes, check_exact=False, atol=1e-12)


def test_by_default_a_wave_of_another_study_is_not_compared(tmp_path):
    """comparison.waves: [] compares the waves that share constructs with the first wave's codebook; a wave
    of another study (tests/fixtures/wave_labels: autonomy, exhaustion) is left out."""
    cfg = validate({"codebook": str(ROOT / "config/codebook.yaml"),
                    "waves": {"wave1": {"survey": "a.csv"},
                              "remote": {"survey": "b.csv",
                                         "codebook": str(ROOT / "tests/fixtures/wave_labels/codebook.yaml")},
                              "wave2": {"survey": "c.csv", "codebook": str(ROOT / "config/waves/wave2/codebook.yaml")}}},
                   "config.schema.yaml", "test")
    assert compare.waves(cfg) == ["wave1", "wave2"]
    del cfg["waves"]["wave2"]
    assert compare.waves(cfg) == []  # nothing of the same study to compare with
