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
# # The interview strand, for reviewers
#
# This notebook reads the interview stage's outputs and explains them: the analysed segments, the
# topics and the themes they were mapped to, how prevalent each theme is across interviewees, how
# well the model's themes agree with a human coder's, and the exemplar quotes. All text shown is the
# redacted text the pipeline wrote to `results/`.

# %% tags=["parameters"]
segments_csv = "results/interviews/segments.csv"
topics_csv = "results/interviews/topics.csv"
quotes_csv = "results/interviews/quotes.csv"
prevalence_csv = "results/interviews/theme_prevalence.csv"
validation_json = "results/interviews/validation.json"
themes_yaml = "config/themes.yaml"
integration = {}
(segments_csv, themes_yaml)

# %%
import pandas as pd
from IPython.display import Markdown, display

from upskilling.config import validate
from upskilling.integrate import fit
from upskilling.integrate import inputs as io

settings = validate(dict(integration), "config_integration.schema.yaml", "notebook parameters")
themes = io.read_themes(themes_yaml)
labels = io.theme_labels(themes)
pd.set_option("display.max_colwidth", 120)
themes[["theme", "label", "claim"]]

# %% [markdown]
# ## 1. Segments
# The unit of analysis is a segment of a participant turn (interviewer turns are not modelled).

# %%
seg = io.read_table(segments_csv, "segments")
words = seg["text"].str.split().str.len()
display(Markdown(f"**{len(seg)}** segments from **{seg['participant_id'].nunique()}** interviewees and "
                 f"**{seg['turn_id'].nunique()}** turns; median {words.median():.0f} words per segment "
                 f"(range {words.min()}-{words.max()})."))
seg.groupby("participant_id").agg(segments=("segment_id", "count"), turns=("turn_id", "nunique"))

# %% [markdown]
# ## 2. Topics and their themes
# Each topic found by the topic model is mapped to the closest theme of the codebook (or to `other`).
# Topic -1 holds the outliers.

# %%
topics = io.read_table(topics_csv, "topics")
topics.sort_values(["theme", "size"], ascending=[True, False])[["topic", "size", "theme", "theme_similarity", "keywords"]]

# %% [markdown]
# ## 3. Theme prevalence
# The share of all segments coded with each theme, and how many interviewees voiced it at least once.
# A theme is *prevalent* under the configured rule (share >= `min_share` and participant share >=
# `min_participants`); the joint display uses this rule.

# %%
prev = io.read_table(prevalence_csv, "theme_prevalence")
summary = fit.theme_summary(prev, list(themes["theme"]))
summary["prevalent"] = summary["theme"].map(fit.prevalent(summary, settings["prevalence"]))
summary["label"] = summary["theme"].map(labels)
print("rule:", settings["prevalence"])
summary.round(3)

# %% [markdown]
# ## 4. Agreement with the human coding and stability
# The human coding is used only here, to validate: Cohen's kappa and per-theme precision, recall and
# F1 against the model's themes; stability is the mean pairwise adjusted Rand index of the topic
# assignments across seeds.

# %%
val = io.read_json(validation_json)
overview = {k: val.get(k) for k in ("kappa", "ari", "coherence_npmi", "outlier_share_before",
                                    "outlier_share_after", "n_segments", "n_dropped_segments")}
overview["stability_mean_pairwise_ari"] = (val.get("stability") or {}).get("mean_pairwise_ari")
pd.Series(overview, name="value").to_frame()

# %%
per_theme = pd.DataFrame(val.get("per_theme") or {}).T
per_theme["weak"] = per_theme["f1"] < settings["caveats"]["min_theme_f1"]
per_theme.round(3)

# %% [markdown]
# ## 5. Exemplar quotes
# The highest-ranked quote per theme, with participant and turn id (redacted text).

# %%
quotes = io.read_table(quotes_csv, "quotes")
best = quotes.sort_values(["theme", "rank"]).groupby("theme").head(1)
for r in best.to_dict("records"):
    display(Markdown(f"**{labels.get(r['theme'], r['theme'])}** ({r['participant_id']}, {r['turn_id']}): "
                     f"\u201c{r['text']}\u201d"))
print(f"{len(quotes)} quotes for {quotes['theme'].nunique()} themes")
