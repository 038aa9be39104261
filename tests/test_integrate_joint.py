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
