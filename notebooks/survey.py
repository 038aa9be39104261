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
# This notebook reads the survey stage's outputs and explains them: who was excluded and why, how
# reliable the scales are, the scale descriptives, and the hypothesis tests with their verdicts. Two
# sections do not take the pipeline's word for it: section 2 walks one respondent from the raw export
# row to their scale scores by hand (pandas and the codebook read as plain YAML, none of the
# package's readers), and section 7 recomputes each claim's headline test from `scored.csv` with
# scipy / statsmodels calls written here (not `upskilling.survey`), asserting equality with
# `hypotheses.csv`. Nothing the pipeline relies on is computed here. The pipeline executes it with the
# paths of one run (`snakemake` writes `results/notebooks/survey.ipynb`); run it by hand from the
# repository root.

# %% tags=["parameters"]
wave = "wave1"
flow_csv = f"results/survey/{wave}/flow.csv"
reliability_csv = f"results/survey/{wave}/reliability.csv"
descriptives_csv = f"results/survey/{wave}/descriptives.csv"
hypotheses_csv = f"results/survey/{wave}/hypotheses.csv"
scored_csv = f"data/processed/survey/{wave}/scored.csv"
codebook_yaml = "config/codebook.yaml"
analysis_yaml = "config/analysis.yaml"
# the raw export and the wave's reader options (config/config.yaml waves.<wave>: format, sep, encoding,
# missing_values; sep None = detected from the file)
export_csv = f"data/raw/survey/{wave}/export.csv"
export_format = "qualtrics"
export_sep = None
export_encoding = "utf-8-sig"
export_missing_values = []
integration = {}
seed = 0  # the config's master seed (`seed:`), set by the rule
(wave, scored_csv, export_csv)

# %%
import csv
import io as io_bytes
import math

import matplotlib

matplotlib.use("Agg")  # figures are shown as PNG images below, whatever the kernel's backend
import numpy as np
import pandas as pd
import yaml
from IPython.display import Image, Markdown, display

from upskilling.integrate import fmt
from upskilling.integrate import inputs as io
from upskilling.survey.codebook import load_codebook
from upskilling.integrate.figures import motivation
from upskilling.config import validate

settings = validate(dict(integration), "config_integration.schema.yaml", "notebook parameters")
codebook = load_codebook(codebook_yaml)
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
# ## 2. One respondent, from the raw export row to the scale scores
# The raw export is read here with pandas (every cell as text), not with the package's reader, and the
# codebook as plain YAML. The wave's `format` says how many header rows the export has (three for
# `qualtrics` / `qualtrics_numeric`: column ids, question text, ImportId; one for `labels` / `numeric`)
# and whether answers are choice text or numeric codes (an item's own `answers:` key overrides it).
# The wave's and the item's `missing_values` are read as empty cells.

# %%
with open(codebook_yaml, encoding="utf-8") as fh:
    book = yaml.safe_load(fh)  # the codebook as plain YAML (not upskilling's Codebook)
items = {it["id"]: it for it in book["items"]}
scales = book["response_scales"]
constructs = book["constructs"]
HEADER_ROWS = {"qualtrics": 3, "qualtrics_numeric": 3, "labels": 1, "numeric": 1}
ANSWERS = {"qualtrics": "labels", "qualtrics_numeric": "codes", "labels": "labels", "numeric": "codes"}
n_head = HEADER_ROWS[export_format]

with open(export_csv, "rb") as fh:
    bom = fh.read(2)
# a UTF-16 byte-order mark (Excel's "Unicode text") wins over a UTF-8 encoding, as in the pipeline
encoding = ("utf-16" if bom in (b"\xff\xfe", b"\xfe\xff") and export_encoding.lower().replace("_", "-")
            in ("utf-8", "utf-8-sig", "utf8") else export_encoding)


def detect_sep(path: str) -> str:
    """The candidate separator that splits the first 20 records into one common number (>= 2) of fields,
    the largest such number winning."""
    with open(path, encoding=encoding, newline="") as fh:
        text = fh.read(1 << 16)
    best, width = ",", 1
    for cand in (",", ";", "\t", "|"):
        records = list(csv.reader(io_bytes.StringIO(text), delimiter=cand))[:20]
        widths = {len(r) for r in records if r}
        common = widths.pop() if len(widths) == 1 else 0
        if common > width:
            best, width = cand, common
    return best


sep = export_sep if export_sep is not None else detect_sep(export_csv)
grid = pd.read_csv(export_csv, header=None, dtype=str, keep_default_na=False, na_filter=False, sep=sep,
                   encoding=encoding, skip_blank_lines=True)
header = [str(c).strip() for c in grid.iloc[0]]
export = grid.iloc[n_head:].set_axis(header, axis=1)  # index = row of the file, 0-based
print(f"{export_csv}: {len(export)} responses below {n_head} header row(s), {len(header)} columns; "
      f"sep {sep!r} ({'set' if export_sep is not None else 'detected'}), encoding {encoding}, "
      f"answers as {ANSWERS[export_format]} (format {export_format})")
assert len(export) == raw, f"the export has {len(export)} responses, flow.csv counts {raw} raw rows"
print(f"the {len(export)} responses are flow.csv's {raw} raw rows")

# %% [markdown]
# The respondent: the first analysed respondent in `scored.csv` with a score on the constructs shown
# (the codebook's first construct and the first one with a reverse-coded item, so that the reversal
# is shown). Their row is found in the export by the codebook's `id_column`; `scored.csv`'s
# `source_row` must name the same row. Each cell becomes a code (a label by the item's response
# scale, matched after trimming and case-folding; a code read as a number), a reverse-coded item
# becomes `min + max - code` of its scale, and the construct score is the mean of the answered items.

# %%
scored_plain = pd.read_csv(scored_csv, dtype={"respondent_id": str})  # pandas, not the package's reader
with_reversal = [c for c in constructs if any(items[i].get("reverse") for i in constructs[c]["items"])]
shown = [c for c in constructs if c in (list(constructs)[:1] + with_reversal[:1])]
if len(shown) < 2:
    shown = list(constructs)[:2]
who = scored_plain.dropna(subset=shown).iloc[0]
rid = who["respondent_id"]
id_cells = export[book["id_column"]].str.strip()
at = export.index[id_cells == rid]
assert len(at) == 1, f"respondent {rid}: {len(at)} rows of the export have this id"
raw_row = export.loc[at[0]]
assert at[0] + 1 == int(who["source_row"]), f"scored.csv source_row {who['source_row']} vs export row {at[0] + 1}"
missing_codes = list(export_missing_values)


def is_missing(text: str, item: dict) -> bool:
    for v in missing_codes + list(item.get("missing_values") or []):
        if text.casefold() == str(v).strip().casefold():
            return True
        try:
            if float(text) == float(v):
                return True
        except ValueError:
            pass
    return False


def to_code(cell: str, item: dict) -> float:
    """The code of one raw cell of a scale item (NaN for an empty or missing-value cell)."""
    text = str(cell).strip()
    if text == "" or is_missing(text, item):
        return math.nan
    scale = scales[item["scale"]]
    if (item.get("answers") or ANSWERS[export_format]) == "labels":
        by_label = {str(lab).strip().casefold(): code for lab, code in zip(scale["labels"], scale["codes"])}
        return float(by_label[text.casefold()])
    code = float(text)
    assert code in [float(c) for c in scale["codes"]], f"{item['column']}: {text} is not a code of {item['scale']}"
    return code


def by_hand(row, construct: str) -> list[dict]:
    out = []
    for i in constructs[construct]["items"]:
        it = items[i]
        codes = [float(c) for c in scales[it["scale"]]["codes"]]
        code = to_code(row[it["column"]], it)
        scored_as = min(codes) + max(codes) - code if it.get("reverse") else code
        out.append({"construct": construct, "item": i, "column": it["column"], "raw cell": row[it["column"]],
                    "code": code, "reverse": bool(it.get("reverse")), "scored as": scored_as})
    return out


walk = pd.DataFrame([r for c in shown for r in by_hand(raw_row, c)])
walk["scored.csv"] = [float(who[i]) for i in walk["item"]]
assert all(math.isclose(a, b) or (math.isnan(a) and math.isnan(b))
           for a, b in zip(walk["scored as"], walk["scored.csv"])), "item codes differ from scored.csv"
print(f"respondent {rid}: row {at[0] + 1} of {export_csv} (scored.csv source_row {int(who['source_row'])})")
walk

# %%
lines = []
for c in shown:
    part = walk[walk["construct"] == c]
    answered = part["scored as"].dropna()
    mean = sum(answered) / len(answered)
    assert math.isclose(mean, float(who[c]), rel_tol=1e-9), f"{c}: {mean} by hand, {who[c]} in scored.csv"
    terms = " + ".join(f"{v:g}" for v in answered)
    lines.append(f"- **{c}** = ({terms}) / {len(answered)} = **{mean:.4g}**; scored.csv: {float(who[c]):.4g} (equal)")
display(Markdown(f"Respondent `{rid}`:\n" + "\n".join(lines)))

# %% [markdown]
# The same hand computation for every construct of this respondent. A construct with fewer answered
# items than its minimum has no score in `scored.csv` (the codebook's `min_items`, or the pipeline's
# `survey.scoring` share); it is shown, not compared.

# %%
rows = []
for c in constructs:
    part = pd.DataFrame(by_hand(raw_row, c))
    answered = part["scored as"].dropna()
    mean = sum(answered) / len(answered) if len(answered) else math.nan
    in_scored = float(who[c])
    same = math.isclose(mean, in_scored, rel_tol=1e-9) if not math.isnan(in_scored) else None
    rows.append({"construct": c, "items": len(part), "answered": len(answered), "by hand": mean,
                 "scored.csv": in_scored, "equal": {True: "equal", False: "DIFFERS", None: "no score"}[same]})
every = pd.DataFrame(rows)
assert "DIFFERS" not in set(every["equal"]), f"differ: {every[every['equal'] == 'DIFFERS'].to_dict('records')}"
print(f"respondent {rid}: {int((every['equal'] == 'equal').sum())} of {len(every)} construct scores re-derived "
      "from the raw export equal scored.csv")
every

# %% [markdown]
# ## 3. Reliability
# Cronbach's alpha (with its confidence interval) and McDonald's omega per scale. Values below .70
# are flagged in the report as a caveat.

# %%
rel = io.read_table(reliability_csv, "reliability")
rel["label"] = rel["scale"].map(codebook.construct_labels())
rel["flag"] = (rel["alpha"] < settings["caveats"]["min_alpha"]).map({True: "low alpha", False: ""})
rel[["scale", "label", "n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total", "flag"]].round(3)

# %% [markdown]
# ## 4. Scale descriptives
# Scale scores are means of the construct's items on their response scale (codes, after
# reverse-coding; 1-5 for a five-point agreement scale). **Agree** is the definition
# `src/upskilling/survey/descriptives.py` computes: `pct_agree` is the percentage of the non-missing
# values *above the midpoint* of the response scale, `pct_disagree` of those below it. For an item
# on a five-point agreement scale that is "Somewhat agree" or "Strongly agree"; for a scale score it
# is a mean above the midpoint (above 3 on 1-5: a mean of 3.25 counts as agree, a mean of exactly 3
# as neither).

# %%
desc = io.read_table(descriptives_csv, "descriptives")
desc[desc["kind"] == "scale"].round(2)

# %% [markdown]
# That definition, recomputed from `scored.csv` for every scale (midpoint = (min + max) / 2 of the
# codes of the scale of the construct's items):

# %%
agree_rows = []
for _, d in desc[desc["kind"] == "scale"].iterrows():
    codes = [float(c) for c in scales[items[constructs[d["variable"]]["items"][0]]["scale"]]["codes"]]
    mid = (min(codes) + max(codes)) / 2
    x = pd.to_numeric(scored_plain[d["variable"]], errors="coerce").dropna()
    here = 100 * float((x > mid).mean())
    agree_rows.append({"scale": d["variable"], "midpoint": mid, "pct_agree (descriptives.csv)": d["pct_agree"],
                       "pct_agree (mean > midpoint, here)": here,
                       "equal": math.isclose(here, d["pct_agree"], rel_tol=1e-9, abs_tol=1e-9)
                       or (math.isnan(here) and math.isnan(d["pct_agree"]))})
agree = pd.DataFrame(agree_rows)
assert agree["equal"].all(), f"pct_agree differs: {agree[~agree['equal']].to_dict('records')}"
print(f"pct_agree of all {len(agree)} scales = share of scale means above the midpoint: equal to descriptives.csv")
agree.round(2)

# %% [markdown]
# ## 5. Survival against growth, respondent by respondent (claim C1)
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
    fig = motivation.survival_vs_growth(scored, first, second, codebook.construct_labels(), seed=seed)
    diff = scored[first] - scored[second]
    print(f"{(diff > 0).mean():.0%} of {diff.notna().sum()} respondents score higher on {first} than on {second}; "
          f"median difference {diff.median():+.2f}")
    buffer = io_bytes.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    display(Image(buffer.getvalue()))

# %% [markdown]
# ## 6. Hypothesis tests and verdicts
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

# %% [markdown]
# ## 7. Each claim's headline test, recomputed from `scored.csv`
# The analysis plan (read here as plain YAML) names each claim's headline test (`claims.<C>.headline`,
# else the claim's primary test). Each is recomputed below from `scored.csv` with scipy / statsmodels
# calls written in this notebook, not through `upskilling.survey`: labels and `midpoint` translated
# to codes with the codebook, the plan's `derived` variables and `where` conditions applied, complete
# cases of the test's variables, and the plan's `methods:` (continuity correction, exact or normal
# approximation, Yates, standardised predictors). A combination (`all_of` / `any_of`) is recomputed
# through its parts: its p is the largest (all_of) or smallest (any_of) adjusted p of the parts. A
# part in a correction family brings the whole family, so that its adjusted p (statsmodels'
# `multipletests`, R's `p.adjust`) can be recomputed too.
#
# Tolerance: relative 1e-9 for the scipy tests (the same computation, so equal to rounding). The
# ordinal model is fitted here with statsmodels' `OrderedModel` (BFGS, numerical Hessian), while the
# pipeline fits it by Newton-Raphson with the analytic Hessian as `ordinal::clm` does: z and p agree to
# a relative 1e-4 (observed: about 1e-7). A test kind this notebook cannot recompute, or a test
# `hypotheses.csv` marks not computable, is listed as *not recomputed* with the reason.

# %%
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.multitest import multipletests

with open(analysis_yaml, encoding="utf-8") as fh:
    plan = yaml.safe_load(fh)
plan_defaults = {"alpha": 0.05, "ci_level": 0.95, "correction": "none", **(plan.get("defaults") or {})}
# the schema's defaults of `methods:` (src/upskilling/schemas/analysis.schema.yaml), overridden by the plan
METHODS = {"wilcoxon": {"exact": False, "correct": True}, "mann_whitney": {"exact": False, "correct": True},
           "chisq": {"correct": True}, "ordinal_logit": {"standardize": False}}
methods = {k: {**v, **((plan.get("methods") or {}).get(k) or {})} for k, v in METHODS.items()}
families = {name: (f or {}).get("correction", plan_defaults["correction"])
            for name, f in (plan.get("families") or {}).items()}
hyps = {h["id"]: {"alternative": "two-sided", "p0": 0.5, **h} for h in plan["hypotheses"]}
for h in list(hyps.values()):  # a Friedman test's post-hoc pairs: paired two-sided Wilcoxon, own family
    if h["test"] == "friedman" and "posthoc" in h:
        within = h["variables"]["within"]
        for j, a in enumerate(within):
            for b in within[j + 1:]:
                hid = f"{h['id']}.{a}-{b}"
                hyps[hid] = {"id": hid, "claim": h["claim"], "test": "wilcoxon_paired", "alternative": "two-sided",
                             "variables": {"x": a, "y": b}, "family": h["posthoc"]["family"],
                             **({"where": h["where"]} if "where" in h else {})}
claim_order = list(dict.fromkeys(h["claim"] for h in plan["hypotheses"]))
declared = plan.get("claims") or {}
headline = {c: (declared.get(c) or {}).get("headline")
            or next(h["id"] for h in plan["hypotheses"] if h["claim"] == c and h.get("primary")) for c in claim_order}
COMBINATIONS = ("all_of", "any_of")

# which tests to recompute: each headline, the parts of a combination, the families of those parts
todo: dict[str, str] = {}


def need(hid: str, role: str) -> None:
    if hyps[hid]["test"] in COMBINATIONS:
        for part in hyps[hid]["variables"]["of"]:
            need(part, f"part of {hid}")
    todo.setdefault(hid, role)


for c in claim_order:
    need(headline[c], "headline")
for hid in list(todo):
    fam = hyps[hid].get("family")
    if fam:
        for other, h in hyps.items():
            if h.get("family") == fam:
                todo.setdefault(other, f"same family as {hid} ({fam})")
pd.DataFrame([{"claim": c, "headline": headline[c], "test": hyps[headline[c]]["test"],
               "recomputed with it": ", ".join(k for k in todo if hyps[k]["claim"] == c and k != headline[c])}
              for c in claim_order])

# %% [markdown]
# The recomputation, one function per test kind of the plan. `x` is a column of `scored.csv` as numbers
# (missing as NaN). Each returns the statistic as `hypotheses.csv` reports it, p and n, and the call made.

# %%
def FOLD(s) -> str:
    return str(s).strip().casefold()


def scale_codes(var: str):
    """The codes and labels of the response scale of an item or a construct (its first item), or None."""
    item = constructs[var]["items"][0] if var in constructs else var
    if item in items and items[item].get("scale"):
        sc = scales[items[item]["scale"]]
        return [float(c) for c in sc["codes"]], list(sc["labels"])
    return None


def value(v, var: str):
    """A number stays; 'midpoint' is (min + max) / 2 of the codes of var's scale; a label is its code."""
    if isinstance(v, list):
        return [value(x, var) for x in v]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    codes, labels = scale_codes(var)
    if FOLD(v) == "midpoint":
        return (min(codes) + max(codes)) / 2
    return dict(zip(map(FOLD, labels), codes))[FOLD(v)]


OPS = {"eq": np.equal, "ne": np.not_equal, "gt": np.greater, "ge": np.greater_equal, "lt": np.less,
       "le": np.less_equal}


def holds(x: np.ndarray, op: str, val=None) -> np.ndarray:
    """Where x meets `op val` (a missing x never does)."""
    ok = np.isfinite(x)
    if op == "present":
        return ok
    if op in ("in", "not_in"):
        hit = np.isin(x, val)
        return ok & (hit if op == "in" else ~hit)
    with np.errstate(invalid="ignore"):
        return ok & OPS[op](x, val)


data_all = scored_plain.copy()
for name, d in (plan.get("derived") or {}).items():
    src = pd.to_numeric(data_all[d["from"]], errors="coerce").to_numpy(dtype=float)
    data_all[name] = np.where(np.isfinite(src), holds(src, d["op"], value(d["value"], d["from"])).astype(float),
                              np.nan)


def rows_of(h: dict) -> pd.DataFrame:
    keep = np.ones(len(data_all), dtype=bool)
    for cond in h.get("where") or []:
        x = pd.to_numeric(data_all[cond["variable"]], errors="coerce").to_numpy(dtype=float)
        keep &= holds(x, cond["op"], value(cond["value"], cond["variable"]) if "value" in cond else None)
    return data_all[keep]


def num(df: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


def exact_rank_test(exact, small: bool, ties: bool) -> bool:
    """R's rule: the exact distribution when asked (True, or 'auto' and small) and there are no ties or zeros."""
    return (exact is True or (exact == "auto" and small)) and not ties


def signed_rank(d: np.ndarray, alt: str):
    d = d[np.isfinite(d)]
    nz = d[d != 0]  # zeros dropped, as R's wilcox.test
    # ranked at 10 significant digits, as R's wilcox.test(digits.rank = 10): a difference of scale means
    # carries floating-point noise (13/3 - 3 != 3 - 5/3 in binary) that would otherwise break ties
    nz = np.array([float(f"{v:.10g}") for v in nz])
    w = methods["wilcoxon"]
    absd = np.abs(nz)
    exact = exact_rank_test(w["exact"], nz.size < 50, np.unique(absd).size < absd.size or nz.size < d.size)
    method = "exact" if exact else "approx"
    v = float(stats.rankdata(absd)[nz > 0].sum())  # V = sum of the ranks of the positive differences
    p = stats.wilcoxon(nz, zero_method="wilcox", correction=w["correct"], alternative=alt, method=method).pvalue
    call = f"wilcoxon(d, zero_method='wilcox', correction={w['correct']}, method='{method}', alternative='{alt}')"
    return v, float(p), int(d.size), call


def t_wilcoxon_one_sample(h, df):
    mu = value(h["mu"], h["variables"]["x"])
    return signed_rank(num(df, h["variables"]["x"]) - mu, h["alternative"])


def t_wilcoxon_paired(h, df):
    return signed_rank(num(df, h["variables"]["x"]) - num(df, h["variables"]["y"]), h["alternative"])


def t_mann_whitney(h, df):
    v = h["variables"]
    x, g = num(df, v["x"]), num(df, v["group"])
    a, b = value(h["groups"], v["group"])
    xa, xb = x[(g == a) & np.isfinite(x)], x[(g == b) & np.isfinite(x)]
    mw = methods["mann_whitney"]
    both = np.concatenate([xa, xb])
    exact = exact_rank_test(mw["exact"], xa.size < 50 and xb.size < 50, np.unique(both).size < both.size)
    method = "exact" if exact else "asymptotic"
    res = stats.mannwhitneyu(xa, xb, use_continuity=mw["correct"], alternative=h["alternative"], method=method)
    return (float(res.statistic), float(res.pvalue), int(both.size),
            f"mannwhitneyu(x[g == {a:g}], x[g == {b:g}], use_continuity={mw['correct']}, method='{method}', "
            f"alternative='{h['alternative']}')")


def t_kruskal_wallis(h, df):
    v = h["variables"]
    x, g = num(df, v["x"]), num(df, v["group"])
    levels = value(h["groups"], v["group"]) if h.get("groups") else sorted(np.unique(g[np.isfinite(g)]))
    groups = [x[(g == lev) & np.isfinite(x)] for lev in levels]
    groups = [grp for grp in groups if grp.size]
    res = stats.kruskal(*groups)
    return float(res.statistic), float(res.pvalue), int(sum(grp.size for grp in groups)), \
        f"kruskal(*{len(groups)} groups)"


def t_friedman(h, df):
    m = np.column_stack([num(df, c) for c in h["variables"]["within"]])
    m = m[np.all(np.isfinite(m), axis=1)]
    res = stats.friedmanchisquare(*m.T)
    return float(res.statistic), float(res.pvalue), int(m.shape[0]), f"friedmanchisquare(*{m.shape[1]} columns)"


def t_binomial(h, df):
    x = num(df, h["variables"]["x"])
    x = x[np.isfinite(x)]
    s = h["success"]
    k = int(holds(x, s["op"], value(s["value"], h["variables"]["x"])).sum())
    res = stats.binomtest(k, x.size, h["p0"], alternative=h["alternative"])
    return float(k), float(res.pvalue), int(x.size), \
        f"binomtest({k}, {x.size}, p={h['p0']:g}, alternative='{h['alternative']}')"


def t_chisq_gof(h, df):
    x = num(df, h["variables"]["x"])
    known = scale_codes(h["variables"]["x"])
    codes = known[0] if known else sorted(np.unique(x[np.isfinite(x)]))
    counts = np.array([(x == c).sum() for c in codes], dtype=float)
    p = np.asarray(h.get("expected", [1.0] * len(codes)), dtype=float)
    res = stats.chisquare(counts, counts.sum() * p / p.sum())
    return float(res.statistic), float(res.pvalue), int(counts.sum()), f"chisquare({len(codes)} counts, expected)"


def t_chisq_independence(h, df):
    x, y = num(df, h["variables"]["x"]), num(df, h["variables"]["y"])
    ok = np.isfinite(x) & np.isfinite(y)
    table = pd.crosstab(x[ok], y[ok]).to_numpy()
    corr = methods["chisq"]["correct"]
    chi, p, _, _ = stats.chi2_contingency(table, correction=corr)
    return (float(chi), float(p), int(table.sum()),
            f"chi2_contingency({table.shape[0]}x{table.shape[1]} table, correction={corr})")


def pairs(h, df):
    x, y = num(df, h["variables"]["x"]), num(df, h["variables"]["y"])
    ok = np.isfinite(x) & np.isfinite(y)
    return x[ok], y[ok]


def t_spearman(h, df):
    x, y = pairs(h, df)
    res = stats.spearmanr(x, y, alternative=h["alternative"])
    n, rho = x.size, float(res.statistic)
    return (n**3 - n) * (1 - rho) / 6, float(res.pvalue), int(n), \
        f"spearmanr(x, y, alternative='{h['alternative']}'); S = (n^3 - n)(1 - rho) / 6"


def t_pearson(h, df):
    x, y = pairs(h, df)
    res = stats.pearsonr(x, y, alternative=h["alternative"])
    n, r = x.size, float(res.statistic)
    return r * math.sqrt((n - 2) / (1 - r**2)), float(res.pvalue), int(n), \
        f"pearsonr(x, y, alternative='{h['alternative']}'); t = r sqrt((n - 2) / (1 - r^2))"


def t_ordinal_logit(h, df):
    v = h["variables"]
    d = pd.DataFrame({c: num(df, c) for c in [v["outcome"], *v["predictors"]]}).dropna()
    X = d[v["predictors"]]
    if methods["ordinal_logit"]["standardize"]:
        X = (X - X.mean()) / X.std(ddof=1)
    model = OrderedModel(d[v["outcome"]], X, distr="logit")
    fit = model.fit(method="bfgs", gtol=1e-6, maxiter=10000, disp=False)  # gtol: on the mean log-likelihood
    assert fit.mle_retvals["converged"], f"{h['id']}: OrderedModel did not converge"
    z = float(fit.tvalues[v["term"]])
    alt = h["alternative"]
    p = stats.norm.sf(z) if alt == "greater" else stats.norm.cdf(z) if alt == "less" else 2 * stats.norm.sf(abs(z))
    return z, float(p), int(len(d)), f"OrderedModel(distr='logit').fit(method='bfgs'); Wald z of {v['term']}"


RECOMPUTE = {"wilcoxon_one_sample": t_wilcoxon_one_sample, "wilcoxon_paired": t_wilcoxon_paired,
             "mann_whitney": t_mann_whitney, "kruskal_wallis": t_kruskal_wallis, "friedman": t_friedman,
             "binomial": t_binomial, "chisq_gof": t_chisq_gof, "chisq_independence": t_chisq_independence,
             "spearman": t_spearman, "pearson": t_pearson, "ordinal_logit": t_ordinal_logit}
TOLERANCE = {kind: 1e-9 for kind in RECOMPUTE} | {"ordinal_logit": 1e-4}
CALLS = {"wilcoxon_one_sample": "scipy.stats.wilcoxon (x - mu)", "wilcoxon_paired": "scipy.stats.wilcoxon (x - y)",
         "mann_whitney": "scipy.stats.mannwhitneyu", "kruskal_wallis": "scipy.stats.kruskal",
         "friedman": "scipy.stats.friedmanchisquare", "binomial": "scipy.stats.binomtest",
         "chisq_gof": "scipy.stats.chisquare", "chisq_independence": "scipy.stats.chi2_contingency",
         "spearman": "scipy.stats.spearmanr", "pearson": "scipy.stats.pearsonr",
         "ordinal_logit": "statsmodels OrderedModel (logit)"}
in_plan = sorted({h["test"] for h in hyps.values()} - set(COMBINATIONS))
pd.DataFrame({"test kind": list(RECOMPUTE), "call": [CALLS[k] for k in RECOMPUTE],
              "rtol": [TOLERANCE[k] for k in RECOMPUTE], "in this plan": [k in in_plan for k in RECOMPUTE]})

# %% [markdown]
# The recomputation against `hypotheses.csv`, one row per test recomputed (`equal` = statistic, p,
# adjusted p and n all within the tolerance).

# %%
csv_rows = pd.read_csv(hypotheses_csv).set_index("hypothesis")  # pandas, not the package's reader


def close(a, b, tol: float) -> bool:
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=tol, abs_tol=0.0)


got: dict[str, dict] = {}
for hid in todo:
    h = hyps[hid]
    if h["test"] in COMBINATIONS:
        continue
    ref = csv_rows.loc[hid]
    if h["test"] not in RECOMPUTE:
        got[hid] = {"result": f"not recomputed: no recomputation written for test kind {h['test']}"}
    elif not math.isfinite(ref["p"]):
        got[hid] = {"result": f"not recomputed: hypotheses.csv marks it not computable ({ref.get('note', '')})"}
    else:
        stat, p, n, call = RECOMPUTE[h["test"]](h, rows_of(h))
        got[hid] = {"statistic": stat, "p": p, "n": n, "call": call}
for fam in {hyps[k].get("family") for k in got} - {None}:  # the adjusted p, per correction family
    members = [k for k in csv_rows.index if hyps.get(k, {}).get("family") == fam]
    done = [k for k in members if "p" in got.get(k, {})]
    method = families.get(fam, plan_defaults["correction"])
    padj = multipletests([got[k]["p"] for k in done], method={"holm": "holm", "hochberg": "simes-hochberg",
                         "bonferroni": "bonferroni", "BH": "fdr_bh", "BY": "fdr_by"}[method])[1] \
        if method != "none" else [got[k]["p"] for k in done]
    # a member hypotheses.csv marks not computable (p NaN) is left out of the adjustment, as R's p.adjust
    # does with NA; a member that could not be recomputed leaves the family's adjusted p unknown
    skipped = [k for k in members if k not in done and math.isfinite(csv_rows.loc[k, "p"])]
    for k, a in zip(done, padj):
        got[k]["p_adjusted"] = float(a) if not skipped else math.nan
        got[k]["correction"] = f"{method} over {len(done)} ({fam})"
for k, g in got.items():
    if "p" in g and "p_adjusted" not in g:
        g["p_adjusted"], g["correction"] = g["p"], "none"


def combined(hid: str) -> dict:
    h = hyps[hid]
    parts = [got[p] if hyps[p]["test"] not in COMBINATIONS else combined(p) for p in h["variables"]["of"]]
    if any("p_adjusted" not in g or not math.isfinite(g["p_adjusted"]) for g in parts):
        return {"result": "not recomputed: a part is not recomputed"}
    pick = max if h["test"] == "all_of" else min
    return {"p": pick(g["p_adjusted"] for g in parts), "p_adjusted": pick(g["p_adjusted"] for g in parts),
            "call": f"{pick.__name__} of the adjusted p of {', '.join(h['variables']['of'])}", "correction": "none"}


for hid in todo:
    if hyps[hid]["test"] in COMBINATIONS:
        got[hid] = combined(hid)



def tolerance(hid: str) -> float:
    h = hyps[hid]
    if h["test"] in COMBINATIONS:
        return max(tolerance(p) for p in h["variables"]["of"])
    return TOLERANCE.get(h["test"], 1e-9)


recomputed = []
for hid, role in todo.items():
    h, g, ref = hyps[hid], got[hid], csv_rows.loc[hid]
    tol = tolerance(hid)
    if "result" not in g:
        checks = {"p": close(g["p"], ref["p"], tol), "p_adjusted": close(g["p_adjusted"], ref["p_adjusted"], tol)}
        if h["test"] not in COMBINATIONS:
            checks |= {"statistic": close(g["statistic"], ref["statistic"], tol), "n": g["n"] == int(ref["n"])}
        bad = [k for k, ok in checks.items() if not ok]
        g["result"] = "equal" if not bad else f"DIFFERS ({', '.join(bad)})"
    recomputed.append({"claim": h["claim"], "hypothesis": hid, "role": role, "test": h["test"],
                       "statistic (hypotheses.csv)": ref["statistic"], "statistic (here)": g.get("statistic", math.nan),
                       "p (hypotheses.csv)": ref["p"], "p (here)": g.get("p", math.nan),
                       "p_adjusted (hypotheses.csv)": ref["p_adjusted"],
                       "p_adjusted (here)": g.get("p_adjusted", math.nan),
                       "n (hypotheses.csv)": ref["n"], "n (here)": g.get("n", math.nan), "rtol": tol,
                       "correction (here)": g.get("correction", ""), "call": g.get("call", ""), "result": g["result"]})
recomputation = pd.DataFrame(recomputed)
with pd.option_context("display.float_format", "{:.10g}".format, "display.max_colwidth", 120):
    display(recomputation)

# %% [markdown]
# Every recomputed test must equal `hypotheses.csv`; a test not recomputed is named with its reason.

# %%
differ = recomputation[recomputation["result"].str.startswith("DIFFERS")]
assert differ.empty, ("recomputed tests differ from hypotheses.csv: "
                      f"{differ[['hypothesis', 'result']].to_dict('records')}")
for c in claim_order:
    r = recomputation[recomputation["hypothesis"] == headline[c]].iloc[0]
    print(f"{c}: headline {headline[c]} ({r['test']}): {r['result']}")
not_done = recomputation[recomputation["result"].str.startswith("not recomputed")]
for r in not_done.itertuples():
    print(f"  {r.hypothesis}: {r.result}")
print(f"{int((recomputation['result'] == 'equal').sum())} of {len(recomputation)} tests recomputed from scored.csv "
      f"equal hypotheses.csv; {len(not_done)} not recomputed")
