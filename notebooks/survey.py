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
# # The survey strand, for reviewers
#
# This notebook reads the survey stage's outputs (it computes nothing the pipeline relies on) and
# explains them: who was excluded and why, how reliable the scales are, the scale descriptives, and
# the hypothesis tests with their verdicts. The pipeline executes it with the paths of one run
# (`snakemake` writes `results/notebooks/survey.ipynb`); run it by hand from the repository root.

# %% tags=["parameters"]
wave = "wave1"
flow_csv = f"results/survey/{wave}/flow.csv"
reliability_csv = f"results/survey/{wave}/reliability.csv"
descriptives_csv = f"results/survey/{wave}/descriptives.csv"
hypotheses_csv = f"results/survey/{wave}/hypotheses.csv"
scored_csv = f"data/processed/survey/{wave}/scored.csv"
codebook_yaml = "config/codebook.yaml"
integration = {}
(wave, scored_csv)

# %%
import io as io_bytes

import matplotlib

matplotlib.use("Agg")  # figures are shown as PNG images below, whatever the kernel's backend
import pandas as pd
from IPython.display import Image, Markdown, display

from upskilling.integrate import fmt
from upskilling.integrate import inputs as io
from upskilling.integrate.codebook import Codebook
from upskilling.integrate.figures import motivation
from upskilling.config import validate

settings = validate(dict(integration), "config_integration.schema.yaml", "notebook parameters")
codebook = Codebook(io.read_yaml(codebook_yaml), codebook_yaml)
pd.set_option("display.max_colwidth", 80)
print(f"wave {wave}: {len(codebook.constructs)} constructs in the codebook")

# %% [markdown]
# ## 1. Participant flow
# Every raw row is accounted for: each step removes rows for one reason, and the last row is the
# analysed sample. The first row (`raw`) is the export as downloaded.

# %%
flow = io.read_table(flow_csv, "flow")
removed = int(flow["n_removed"].sum())
raw, final = int(flow["n_remaining"].iloc[0]), int(flow["n_remaining"].iloc[-1])
display(Markdown(f"**{raw}** raw rows; **{removed}** removed in {len(flow) - 1} steps; **{final}** analysed "
                 f"({fmt.pct(final / raw)})."))
flow

# %% [markdown]
# The counts must add up: the rows removed plus the rows analysed equal the raw rows.

# %%
assert raw - removed == final, "flow.csv does not add up"
print(f"{raw} - {removed} = {final}: the flow adds up")

# %% [markdown]
# ## 2. Reliability
# Cronbach's alpha (with its confidence interval) and McDonald's omega per scale. Values below .70
# are flagged in the report as a caveat.

# %%
rel = io.read_table(reliability_csv, "reliability")
rel["label"] = rel["scale"].map(codebook.construct_labels())
rel["flag"] = (rel["alpha"] < settings["caveats"]["min_alpha"]).map({True: "low alpha", False: ""})
rel[["scale", "label", "n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total", "flag"]].round(3)

# %% [markdown]
# ## 3. Scale descriptives
# Scale scores are item means on the 1-5 agreement scale, after reverse-coding. `pct_agree` is the
# share of respondents at or above "Somewhat agree".

# %%
desc = io.read_table(descriptives_csv, "descriptives")
desc[desc["kind"] == "scale"].round(2)

# %% [markdown]
# ## 4. Survival against growth, respondent by respondent (claim C1)
# The paired design of C1's test: each respondent has a survival and a growth score. The figure is
# the one in the report. A wave of another study without these two constructs skips this section
# (`integration.figures.paired_constructs` names them).

# %%
scored = io.read_table(scored_csv, "scored")
first, second = settings["figures"]["paired_constructs"]
lacking = [c for c in (first, second) if c not in scored.columns]
if lacking:
    print(f"skipped: wave {wave} has no construct(s) {lacking} (integration.figures.paired_constructs)")
else:
    fig = motivation.survival_vs_growth(scored, first, second, codebook.construct_labels())
    diff = scored[first] - scored[second]
    print(f"{(diff > 0).mean():.0%} of {diff.notna().sum()} respondents score higher on {first} than on {second}; "
          f"median difference {diff.median():+.2f}")
    buffer = io_bytes.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    display(Image(buffer.getvalue()))

# %% [markdown]
# ## 5. Hypothesis tests and verdicts
# One row per test in the analysis plan. `primary` marks the test that decides the claim's verdict
# (*supported*, *not supported*, or *contradicted* = significant in the opposite direction).

# %%
hyp = io.read_hypotheses(hypotheses_csv)
table = hyp.assign(estimate=[fmt.estimate(r) for r in hyp.to_dict("records")],
                   p_adj=[fmt.pvalue(p) for p in hyp["p_adjusted"]])
table[["hypothesis", "claim", "test", "variables", "estimate", "p_adj", "correction", "n", "verdict", "primary"]]

# %% [markdown]
# Every claim has exactly one primary test; its verdict is the claim's survey verdict in the joint display.

# %%
primary = hyp[hyp["primary"]].groupby("claim")["hypothesis"].count()
assert (primary == 1).all(), f"claims without exactly one primary test: {primary[primary != 1].to_dict()}"
hyp[hyp["primary"]][["claim", "hypothesis", "verdict"]].reset_index(drop=True)
