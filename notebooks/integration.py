# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Integration of the two strands, for reviewers
#
# The joint display (`results/claims.csv`) puts, for each claim, the survey's primary test and
# verdict beside the prevalence of the claim's interview themes, and classifies the fit of the two
# strands as *confirmation*, *expansion* or *discordance*. The rules are configuration, not code:
# this notebook shows them, re-derives each row's interview direction and fit from the inputs (once
# for the coding used and once per robustness seed of the coding), and shows the automatic caveats.

# %% tags=["parameters"]
claims_csv = "results/claims.csv"
participants_csv = "results/claims_participants.csv"
hypotheses_csv = "results/survey/wave1/hypotheses.csv"
reliability_csv = "results/survey/wave1/reliability.csv"
prevalence_csv = "results/interviews/theme_prevalence.csv"
validation_json = "results/interviews/validation.json"
coding_seeds_csv = "results/interviews/coding_seeds.csv"
themes_yaml = "config/themes.yaml"
integration = {}
(claims_csv, hypotheses_csv)

# %%
import pandas as pd
from IPython.display import Markdown, display

from upskilling.config import validate
from upskilling.integrate import caveats, fit, joint, validation
from upskilling.integrate import inputs as io

settings = validate(dict(integration), "config_integration.schema.yaml", "notebook parameters")
claims = pd.read_csv(claims_csv, keep_default_na=False, na_values=[""])
pd.set_option("display.max_colwidth", 100)
claims[["claim", "title", "test", "effect_size_name", "effect_size", "ci_low", "ci_high", "p_adjusted",
        "verdict", "theme_shares", "qual_direction", "fit", "fit_over_seeds"]]

# %% [markdown]
# ## 1. The rules
# **Prevalence**: a theme is prevalent when its share of all segments and the share of interviewees
# voicing it reach the thresholds. **Contrasts**: claims whose interview evidence is a comparison.
# **Fit matrix**: rows are the survey verdict, columns the direction of the interview evidence.

# %%
print("prevalence:", settings["prevalence"])
print("contrasts:", settings["contrasts"])
pd.DataFrame(settings["fit"]).T.rename_axis("survey verdict")

# %% [markdown]
# ## 2. Re-deriving each row
# The interview direction and the fit are recomputed here from theme_prevalence.csv, themes.yaml and
# hypotheses.csv; they must equal the joint display's.

# %%
themes = io.read_themes(themes_yaml)
prev = io.read_table(prevalence_csv, "theme_prevalence")
summary = fit.theme_summary(prev, list(themes["theme"]))
rows = []
for r in claims.to_dict("records"):
    claim_themes = list(themes.loc[themes["claim"] == r["claim"], "theme"])
    direction, reason = fit.qualitative_direction(r["claim"], claim_themes, summary, settings["contrasts"],
                                                  settings["prevalence"])
    rows.append({"claim": r["claim"], "verdict": r["verdict"], "direction": direction,
                 "fit": fit.fit(r["verdict"], direction, settings["fit"]), "reason": reason})
check = pd.DataFrame(rows)
same = (check["direction"].to_numpy() == claims["qual_direction"].to_numpy()).all() and \
       (check["fit"].to_numpy() == claims["fit"].to_numpy()).all()
assert same, "the joint display does not follow its rules"
print("every row follows the configured rules")
check

# %% [markdown]
# ## 3. Robustness over the coding seeds
# coding_seeds.csv holds the theme prevalence once per seed of the coding (the few-shot coder
# re-trained on another seeded draw of training participants). The same rules give a direction and a
# fit per seed; the joint display counts the seeds that agree with the coding used ("k of n").

# %%
seeds = io.read_table(coding_seeds_csv, "coding_seeds")
per_seed = []
for seed, table in seeds.groupby("seed", sort=True):
    s = fit.theme_summary(table, list(themes["theme"]))
    for r in claims.to_dict("records"):
        claim_themes = list(themes.loc[themes["claim"] == r["claim"], "theme"])
        d, _ = fit.qualitative_direction(r["claim"], claim_themes, s, settings["contrasts"], settings["prevalence"])
        per_seed.append({"claim": r["claim"], "seed": seed, "direction": d,
                         "fit": fit.fit(r["verdict"], d, settings["fit"])})
per_seed = pd.DataFrame(per_seed, columns=["claim", "seed", "direction", "fit"])
if per_seed.empty:
    shown = "coding_seeds.csv has no seed: the joint display has no robustness over seeds"
else:
    k = per_seed.merge(claims[["claim", "fit"]], on="claim", suffixes=("", "_main")).assign(
        same=lambda t: t["fit"] == t["fit_main"]).groupby("claim")["same"].sum()
    assert (k.reindex(claims["claim"]).to_numpy() == claims["fit_agreement_seeds"].to_numpy()).all(), \
        "the joint display's seed counts do not follow the rules"
    print(f"{seeds['seed'].nunique()} seed(s); every k of n in the joint display re-derived")
    shown = per_seed.pivot(index="claim", columns="seed", values="fit").assign(
        **{"same fit": claims.set_index("claim").apply(joint.k_of_n, axis=1)})
shown

# %% [markdown]
# ## 4. Quotes per claim
# Exemplar quotes (redacted), by rank, alternating over the claim's themes.

# %%
for r in claims.to_dict("records"):
    for i in (1, 2):
        if r.get(f"quote_{i}"):
            display(Markdown(f"**{r['claim']}** \u201c{r[f'quote_{i}']}\u201d \u2014 {r[f'quote_{i}_source']}"))
n_quotes = sum(int((claims[f"quote_{i}"].fillna("").astype(str) != "").sum()) for i in (1, 2))
print(f"{n_quotes} quotes for {len(claims)} claims")

# %% [markdown]
# ## 5. Interviewees who also answered the survey
# Their scale means beside the share of their segments per theme. With ~20 interviewees this is
# illustration, not inference: a rank correlation is shown only to see whether the people who talk
# most about survival also score highest on it.

# %%
people = pd.read_csv(participants_csv)
inside = people[people["in_survey"]]
print(f"{len(inside)} of {len(people)} interviewees have an analysed survey response")
first, second = settings["figures"]["paired_constructs"]
if len(inside) >= 3 and {first, second, f"share_{first}", f"share_{second}"} <= set(people.columns):
    score_gap = inside[first] - inside[second]
    talk_gap = inside[f"share_{first}"] - inside[f"share_{second}"]
    print(f"Spearman rho(score {first}-{second}, share {first}-{second}) = "
          f"{score_gap.corr(talk_gap, method='spearman'):.2f} (n = {len(inside)})")
people.round(2)

# %% [markdown]
# ## 6. Automatic caveats
# Thresholds from `integration.caveats`. Without a human coding, a caveat says that no agreement with
# a human coding can be computed.

# %%
cav = caveats.caveats(io.read_table(reliability_csv, "reliability"), io.read_hypotheses(hypotheses_csv),
                      validation.read(validation_json), prev, claims, settings["caveats"])
print(f"{len(cav)} caveat(s)")
cav
