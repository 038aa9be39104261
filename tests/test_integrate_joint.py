"""The joint display (results/claims.csv) on the synthetic project in tests/fixtures/integrate/."""
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "integrate"))
import support  # noqa: E402

from upskilling.errors import InputError  # noqa: E402
from upskilling.integrate import joint  # noqa: E402


@pytest.fixture()
def project(tmp_path):
    return support.copy_project(tmp_path / "p")


def test_one_row_per_claim_with_both_strands(project):
    claims = support.build_claims(project)
    assert list(claims.columns) == joint.CLAIM_COLUMNS
    assert list(claims["claim"]) == ["C1", "C2", "C3", "C4", "C5"]
    hyp = pd.read_csv(support.paths(project)["hypotheses"])
    primary = hyp[hyp["primary"]].set_index("claim")
    for r in claims.to_dict("records"):
        assert r["hypothesis"] == primary.loc[r["claim"], "hypothesis"]
        assert r["verdict"] == primary.loc[r["claim"], "verdict"]
        assert r["quote_1"] and r["quote_1_source"].startswith("P")
        assert r["n_interviewees"] == 8
    c1 = claims.set_index("claim").loc["C1"]
    assert c1["themes"] == "survival; growth"
    assert c1["qual_direction"] == "supports" and c1["fit"] == "confirmation"
    assert "(survival)" in c1["quote_1_source"]  # quotes come from the required theme, not the counter-theme
    # the combined primary rows list their parts
    assert claims.set_index("claim").loc["C3", "parts"].count(";") == 3


def test_quotes_are_the_redacted_quotes_with_participant_and_turn(project):
    claims = support.build_claims(project)
    quotes = pd.read_csv(support.paths(project)["quotes"])
    known = set(quotes["text"])
    for r in claims.to_dict("records"):
        for i in (1, 2):
            if r[f"quote_{i}"]:
                assert r[f"quote_{i}"] in known
                pid, turn = r[f"quote_{i}_source"].split(" (")[0].split(", ")
                assert turn.startswith(pid + "-T")


def test_interviewees_in_the_survey_get_their_scores(project):
    support.build_claims(project)
    linked = pd.read_csv(support.paths(project)["claims_participants"]).set_index("participant_id")
    scored = pd.read_csv(support.paths(project)["scored"]).set_index("respondent_id")
    assert not linked.loc["P08", "in_survey"]            # its response was excluded
    assert pd.isna(linked.loc["P08", "survival"])
    rid = linked.loc["P01", "respondent_id"]
    assert linked.loc["P01", "survival"] == pytest.approx(scored.loc[rid, "survival"])
    assert "share_survival" in linked.columns


def test_reversed_survival_and_growth_change_c1_only(project):
    """Swap the survival and growth data (as the survey stage would report it): C1's row changes."""
    before = support.build_claims(project).set_index("claim")
    p = support.paths(project)
    scored = pd.read_csv(p["scored"])
    scored[["survival", "growth"]] = scored[["growth", "survival"]].to_numpy()
    scored.to_csv(p["scored"], index=False)
    hyp = pd.read_csv(p["hypotheses"])
    hyp.loc[hyp["hypothesis"] == "H1", ["verdict", "effect_size", "ci_low", "ci_high"]] = \
        ["contradicted", -0.78, -0.86, -0.66]
    hyp.to_csv(p["hypotheses"], index=False)
    after = support.build_claims(project).set_index("claim")
    assert after.loc["C1", "verdict"] == "contradicted"
    assert after.loc["C1", "fit"] == "discordance"
    assert after.loc["C1", "effect_size"] == pytest.approx(-0.78)
    assert after.loc["C1", "linked_scores"] != before.loc["C1", "linked_scores"]
    pd.testing.assert_frame_equal(after.drop(index="C1").drop(columns="linked_scores"),
                                  before.drop(index="C1").drop(columns="linked_scores"))


def test_interviews_that_favour_growth_oppose_c1(project):
    p = support.paths(project)
    prev = pd.read_csv(p["theme_prevalence"])
    swap = {"survival": "growth", "growth": "survival"}
    prev["theme"] = prev["theme"].map(lambda t: swap.get(t, t))
    prev.to_csv(p["theme_prevalence"], index=False)
    c1 = support.build_claims(project).set_index("claim").loc["C1"]
    assert c1["qual_direction"] == "opposes"
    assert c1["fit"] == "discordance"


def test_missing_primary_row_is_named(project):
    p = support.paths(project)
    hyp = pd.read_csv(p["hypotheses"])
    hyp.loc[hyp["claim"] == "C4", "primary"] = False
    hyp.to_csv(p["hypotheses"], index=False)
    with pytest.raises(InputError, match=r"no row with primary == True for claim C4"):
        support.build_claims(project)


def test_two_primary_rows_are_named(project):
    p = support.paths(project)
    hyp = pd.read_csv(p["hypotheses"])
    hyp.loc[hyp["hypothesis"] == "H2a", "primary"] = True
    hyp.to_csv(p["hypotheses"], index=False)
    with pytest.raises(InputError, match=r"2 rows with primary == True for claim C2 \(H2a, H2\)"):
        support.build_claims(project)


def test_missing_contract_column_names_file_and_column(project):
    p = support.paths(project)
    pd.read_csv(p["theme_prevalence"]).drop(columns="share").to_csv(p["theme_prevalence"], index=False)
    with pytest.raises(InputError, match=r"theme_prevalence.csv: missing column\(s\) \['share'\]"):
        support.build_claims(project)


def test_bad_verdict_names_row_and_column(project):
    p = support.paths(project)
    hyp = pd.read_csv(p["hypotheses"])
    hyp.loc[2, "verdict"] = "maybe"
    hyp.to_csv(p["hypotheses"], index=False)
    with pytest.raises(InputError, match=r"hypotheses.csv: row 4, column 'verdict': 'maybe'"):
        support.build_claims(project)


def test_markdown_lists_every_claim_quote_and_interviewee(project):
    support.build_claims(project)
    md = support.paths(project)["claims_md"].read_text()
    for c in ("C1", "C2", "C3", "C4", "C5"):
        assert f"| {c}: " in md
    assert "## Exemplar quotes" in md and "| P08 | False |" in md


def test_markdown_escapes_pipes_in_quotes():
    claims = pd.DataFrame([{c: "" for c in joint.CLAIM_COLUMNS}])
    claims.loc[0, ["claim", "title", "quote_1", "quote_1_source"]] = ["C1", "t", "a | b", "P01, P01-T002 (x)"]
    md = joint.to_markdown(claims, pd.DataFrame({"participant_id": ["P01"]}))
    assert "a \\| b" in md


def test_robustness_over_seeds_counts_the_seeds_that_agree(project):
    """coding_seeds.csv with five seeds: three equal to the coding used, one with survival and growth
    swapped, one without any precarity segment. Worked out by hand from the fit rules:

    - seeds 1-3: every claim as in the joint display (supports -> confirmation);
    - seed 4: growth (17.3% of segments) now exceeds survival (9.8%) by more than min_difference, so
      C1's contrast is reversed: 'opposes', and supported x opposes = discordance. No other claim has
      survival or growth among its themes, and the total number of segments is unchanged;
    - seed 5: precarity, C5's only theme, has no segment: 'absent', and supported x absent = discordance.
      The other themes keep their counts (the segments become 'other').

    So C1 and C5: 4 of 5 seeds; C2, C3, C4: 5 of 5.
    """
    p = support.paths(project)
    prev = pd.read_csv(p["theme_prevalence"])
    swap = {"survival": "growth", "growth": "survival"}
    swapped = prev.assign(theme=prev["theme"].map(lambda t: swap.get(t, t)))
    no_precarity = prev.assign(theme=prev["theme"].replace("precarity", "other")).groupby(
        ["participant_id", "theme"], as_index=False)[["n_segments", "share"]].sum()
    seeds = pd.concat([prev.assign(seed=s) for s in (1, 2, 3)] + [swapped.assign(seed=4), no_precarity.assign(seed=5)])
    seeds[["seed", "participant_id", "theme", "n_segments", "share"]].to_csv(p["coding_seeds"], index=False)
    claims = support.build_claims(project).set_index("claim")
    assert (claims["fit"] == "confirmation").all() and (claims["qual_direction"] == "supports").all()
    assert claims.loc["C1", "direction_over_seeds"] == "supports in 4 of 5 seeds; opposes in 1"
    assert claims.loc["C1", "fit_over_seeds"] == "confirmation in 4 of 5 seeds; discordance in 1"
    assert claims.loc["C5", "direction_over_seeds"] == "supports in 4 of 5 seeds; absent in 1"
    assert claims.loc["C5", "fit_over_seeds"] == "confirmation in 4 of 5 seeds; discordance in 1"
    for c in ("C2", "C3", "C4"):
        assert claims.loc[c, "direction_over_seeds"] == "supports in 5 of 5 seeds"
        assert claims.loc[c, "fit_over_seeds"] == "confirmation in 5 of 5 seeds"
    assert claims["fit_agreement_seeds"].tolist() == [4, 5, 5, 5, 4]
    assert claims["direction_agreement_seeds"].tolist() == [4, 5, 5, 5, 4]
    assert claims["n_seeds"].tolist() == [5] * 5
    md = p["claims_md"].read_text()
    assert "| confirmation | 4 of 5 |" in md and "| confirmation | 5 of 5 |" in md
    assert "- **C1** interviews: supports in 4 of 5 seeds; opposes in 1; fit: confirmation in 4 of 5 seeds" in md


def test_agreement_text_counts_against_the_main_value():
    assert joint.agreement_text("expansion", ["confirmation", "expansion", "confirmation"]) == \
        (1, "expansion in 1 of 3 seeds; confirmation in 2")
    assert joint.agreement_text("supports", ["supports"]) == (1, "supports in 1 of 1 seed")
    assert joint.agreement_text("supports", []) == (0, "")


def test_without_coding_seeds_the_robustness_columns_are_empty(project):
    from upskilling.integrate import claims as claims_mod

    p = support.paths(project)
    keys = ("hypotheses", "themes", "theme_prevalence", "quotes", "scored", "codebook", "analysis", "roster")
    table, _, unplanned = claims_mod.build({k: p[k] for k in keys}, support.config(project))
    assert unplanned == {}  # every theme of themes.yaml names a claim of the plan
    assert (table["n_seeds"] == 0).all() and (table["fit_over_seeds"] == "").all()
    assert table["fit_agreement_seeds"].isna().all()
    assert joint.k_of_n(table.iloc[0].to_dict()) == ""


def test_coding_seeds_missing_a_column_is_named(project):
    p = support.paths(project)
    pd.read_csv(p["coding_seeds"]).drop(columns="seed").to_csv(p["coding_seeds"], index=False)
    with pytest.raises(InputError, match=r"coding_seeds.csv: missing column\(s\) \['seed'\]"):
        support.build_claims(project)
