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
# This notebook reads the interview stage's outputs and explains them: the analysed segments and how
# each was coded, the inductive topics, how prevalent each theme is across interviewees (and how much
# that moves over the robustness seeds of the coding), how well the coding agrees with a human coder's
# (when there is a human coding), and the exemplar quotes. All text shown is the redacted text the
# pipeline wrote to `results/`.

# %% tags=["parameters"]
segments_csv = "results/interviews/segments.csv"
topics_csv = "results/interviews/topics.csv"
quotes_csv = "results/interviews/quotes.csv"
prevalence_csv = "results/interviews/theme_prevalence.csv"
validation_json = "results/interviews/validation.json"
coding_seeds_csv = "results/interviews/coding_seeds.csv"
themes_yaml = "config/themes.yaml"
integration = {}
(segments_csv, themes_yaml)

# %%
import pandas as pd
from IPython.display import Markdown, display

from upskilling.config import validate
from upskilling.integrate import fit, fmt
from upskilling.integrate import inputs as io
from upskilling.integrate import validation

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
# Each segment's `theme` is the deductive coding used downstream: `coding_mode` says whether it came
# from the few-shot or the zero-shot coder, and `theme_source` is `human` for the turns of the training
# participants, which keep their human code (they trained the coder, so they are not predictions).
# `split` is the participant's part of the human coding (empty without one).

# %%
seg["split"] = seg["split"].astype(object).fillna("")
seg.groupby(["coding_mode", "theme_source", "split"], dropna=False).agg(
    segments=("segment_id", "count"), turns=("turn_id", "nunique"), participants=("participant_id", "nunique"))

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
# ## 4. Agreement with the human coding
# The human coding is used only to train the few-shot coder (training participants) and to validate
# (held-out participants, split into a development and a test half). The test half is reported: for
# each coding mode Cohen's kappa with its 95% CI, Krippendorff's alpha and the lowest per-theme F1.
# Without a human coding no agreement can be computed, and this section says so.

# %%
val = validation.read(validation_json)
mode = validation.mode_label(validation.mode_used(val))
if validation.has_coding(val):
    s = validation.summary(val) or {}
    display(Markdown(f"The joint display uses the **{mode}** coding: test-half kappa {fmt.num(s.get('kappa'))} "
                     f"[{fmt.num(s.get('kappa_ci_low'))}, {fmt.num(s.get('kappa_ci_high'))}] on {s.get('n')} "
                     f"segments of {s.get('n_participants')} participants."))
    shown = validation.mode_table(val, "test")
else:
    display(Markdown(f"**No human coding**: no agreement with a human coding can be computed. The themes "
                     f"are the model's {mode} codes, not validated against a human coder."))
    shown = pd.Series({k: val.get(k) for k in ("human_coding", "mode_used", "note", "kappa")}, name="value",
                      dtype=object).to_frame()
shown

# %%
per_theme = validation.per_theme(val)
if per_theme.empty:
    shown = "no per-theme agreement: there is no human coding"
else:
    per_theme["weak"] = per_theme["f1"].astype(float) < settings["caveats"]["min_theme_f1"]
    shown = per_theme.round(3)
shown

# %% [markdown]
# The human-coded training turns: their segments keep the human code in the joint display.

# %%
human = seg[seg["theme_source"] == "human"]
print(f"{len(human)} of {len(seg)} segments ({human['turn_id'].nunique()} turns) keep their human code")
if human.empty:
    shown = "no human-coded training turns: every segment carries the model's code"
else:
    shown = human.groupby("participant_id").agg(turns=("turn_id", "nunique"), segments=("segment_id", "count"),
                                                first_turn=("turn_id", "min"), last_turn=("turn_id", "max"))
shown

# %% [markdown]
# ## 5. Robustness over seeds and the topic model
# The coding is repeated with other seeds (the few-shot coder re-trained on another seeded draw of
# training participants): each theme's share of all segments per seed. The topic model's diagnostics
# follow: outliers, coherence (NPMI), stability across seeds (mean pairwise adjusted Rand index) and
# whether the topics merely follow the interview protocol.

# %%
seeds = io.read_table(coding_seeds_csv, "coding_seeds")
per_seed = seeds.pivot_table(index="theme", columns="seed", values="n_segments", aggfunc="sum", fill_value=0)
print(f"{per_seed.shape[1]} seed(s): {list(per_seed.columns)}")
(per_seed / per_seed.sum()).round(3)

# %%
top = validation.topics(val)
overview = {k: top.get(k) for k in ("n_topics", "outlier_share_before", "outlier_share_after", "coherence_npmi")}
overview["stability_mean_pairwise_ari"] = validation.stability_ari(val)
overview.update({f"protocol_{k}": v for k, v in validation.protocol_alignment(val).items()
                 if not isinstance(v, (dict, list))})
overview.update({k: val.get(k) for k in ("n_segments", "n_dropped_segments")})
pd.Series(overview, name="value", dtype=object).to_frame()

# %% [markdown]
# ## 6. Exemplar quotes
# The highest-ranked quote per theme, with participant and turn id (redacted text).

# %%
quotes = io.read_table(quotes_csv, "quotes")
best = quotes.sort_values(["theme", "rank"]).groupby("theme").head(1)
for r in best.to_dict("records"):
    display(Markdown(f"**{labels.get(r['theme'], r['theme'])}** ({r['participant_id']}, {r['turn_id']}): "
                     f"\u201c{r['text']}\u201d"))
print(f"{len(quotes)} quotes for {quotes['theme'].nunique()} themes")
