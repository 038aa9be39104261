"""Expected values and tolerances of the claim statistics (C1-C5) for ``truth.json``.

The expected value of each statistic is computed on a very large simulated sample made with the same
generator as the default data: ``CHUNKS`` replicates of the clean sample, each ``N_POPULATION``
population respondents plus the 20 interviewees (their fixed roster answers, fresh noise elsewhere),
pooled. The tolerance is 3 standard errors at the clean n: 3 x the standard deviation of the statistic
across the replicates (each replicate has exactly the clean sample's size). For the ordinal-logit
coefficients (C5) the expected value is the fit on the first ``C5_CHUNKS`` replicates pooled, and the SE is
that fit's SE rescaled to the clean n (sqrt(N / n_clean)).
Power is the share of replicates in which the test is significant at alpha = .05 (two-sided for
Wilcoxon, Spearman and the regression; one-sided for the binomial tests; Friedman as usual);
for C5 it is the normal approximation Phi(|b| / SE_n - 1.96).
Each statistic also names the cell of the pipeline's result tables that reports it (:data:`PIPELINE`,
the ``pipeline`` key; null where the pipeline does not report it), so that tests and the report's
"planted vs recovered" table (:mod:`upskilling.integrate.truth_table`) read the mapping from the file.

Written by hand: the statistics are standard (scipy, statsmodels; the rank-biserial r and Kendall's W are
the survey stage's, :func:`upskilling.survey.effects.rank_biserial_paired` and
:func:`upskilling.survey.stats_rank.friedman`, which tests/test_survey_effectsize_r.py checks against R's
effectsize); only the simulation wrapper is ours.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from ..survey import effects, stats_rank
from . import population as pop
from . import respondents as resp

CHUNKS = 300
C5_CHUNKS = 60  # the ordinal logit is fitted on the first C5_CHUNKS replicates pooled (numerical gradients are slow)
ALPHA = 0.05
BARRIERS = ["barrier_inconsistency", "barrier_context", "barrier_verification"]


def scored(ans: dict) -> pd.DataFrame:
    """Scale means (answered items only, reverse-coded items already in the construct direction)
    plus the single items and profile variables the claims use."""
    df = pd.DataFrame({"ai_structures": ans["ai_structures"], "ai_learning_freq": ans["ai_learning_freq"],
                       "platform_share": ans["platform_share"], "years": ans["years"],
                       "ai_primary": ans["primary_resource"] == pop.AI_RESOURCE})
    for name, items in pop.CONSTRUCT_ITEMS.items():
        m = np.column_stack([ans[it] for it in items]).astype(float)
        m[m == 0] = np.nan
        df[name] = np.nanmean(m, axis=1)
    return df


def chunk_stats(df: pd.DataFrame) -> dict:
    """Point estimates and p values of the claim statistics on one sample."""
    n = len(df)
    s = {}
    d = (df["survival"] - df["growth"]).to_numpy()
    s["C1.mean_survival"], s["C1.mean_growth"] = df["survival"].mean(), df["growth"].mean()
    s["C1.mean_difference"], s["C1.rank_biserial"] = d.mean(), effects.rank_biserial_paired(d)[0]
    p = {"C1": stats.wilcoxon(d[d != 0]).pvalue}
    k_ai, k_st = int(df["ai_primary"].sum()), int((df["ai_structures"] >= 4).sum())
    s["C2.share_ai_primary"], s["C2.share_ai_structures_agree"] = k_ai / n, k_st / n
    p["C2.primary"] = stats.binomtest(k_ai, n, 0.5, alternative="less").pvalue
    p["C2.structures"] = stats.binomtest(k_st, n, 0.5, alternative="greater").pvalue
    for b in BARRIERS:
        s[f"C3.mean_{b}"] = df[b].mean()
        x = (df[b] - 3).to_numpy()
        s[f"C3.rank_biserial_{b}_vs_3"] = effects.rank_biserial_paired(x)[0]
        p[f"C3.{b}"] = stats.wilcoxon(x[x != 0]).pvalue
    fr = stats_rank.friedman(df[BARRIERS])
    s["C3.kendall_w"] = fr.effect_size
    p["C3.friedman"] = fr.p
    k_inv = int((df["invisible"] > 3).sum())
    s["C4.share_invisible_agree"], s["C4.mean_invisible"] = k_inv / n, df["invisible"].mean()
    p["C4.majority"] = stats.binomtest(k_inv, n, 0.5, alternative="greater").pvalue
    sp = stats.spearmanr(df["invisible"], df["ai_learning_freq"])
    s["C4.spearman_invisible_ai_learning_freq"] = sp.statistic
    p["C4.spearman"] = sp.pvalue
    return {"est": {k: float(v) for k, v in s.items()}, "p": {k: float(v) for k, v in p.items()}}


class _Logistic(type(stats.logistic)):
    """scipy's standard logistic distribution whose ``cdf`` is its ``_cdf``, :func:`scipy.special.expit`,
    without the generic argument checks around it: the same values to the bit (at loc 0, scale 1,
    including +-inf and NaN), about 3x faster, and ``OrderedModel``'s numerical gradients call it ~17,000
    times per fit (the generator's C5 fits took 5 of its 24 s)."""

    def cdf(self, x, *args, **kwds):
        if args or kwds:
            return super().cdf(x, *args, **kwds)
        return special.expit(np.asarray(x, dtype=float))


_LOGISTIC = _Logistic(name="logistic")


def ordinal_logit(df: pd.DataFrame) -> dict:
    """Proportional-odds logit of the survival scale mean (its distinct values as ordered categories)
    on platform share (per percentage point), perceived competition (per scale point) and years."""
    y = pd.Series(pd.Categorical(df["survival"].round(6), ordered=True))
    x = df[["platform_share", "competition", "years"]].astype(float)
    res = OrderedModel(y, x, distr=_LOGISTIC).fit(method="bfgs", disp=False, maxiter=2000)
    return {name: (float(res.params[name]), float(res.bse[name])) for name in x.columns}


def simulate(rng: np.random.Generator, roster: list[dict], n_population: int) -> list[pd.DataFrame]:
    """``CHUNKS`` simulated clean samples (population draws + interviewees), scored."""
    out = []
    for _ in range(CHUNKS):
        a = pop.draw(rng, n_population)
        b = resp.interviewees(rng, roster)
        keys = [k for k in a if not k.startswith("_")] + ["_a"]
        out.append(scored({k: np.concatenate([a[k], b[k]]) for k in keys}))
    return out


def _hyp(hid: str, transform: str | None = None) -> dict:
    cell = {"table": "hypotheses", "row": hid, "column": "effect_size"}
    return cell | ({"transform": transform} if transform else {})


def _desc(variable: str) -> dict:
    return {"table": "descriptives", "row": variable, "column": "mean"}


# Where the pipeline reports each statistic (the ``pipeline`` key of truth.json; see PIPELINE_TABLES):
# a cell of results/survey/<wave>/hypotheses.csv (row = its hypothesis id, config/analysis.yaml) or
# descriptives.csv (row = its variable), with ``transform: log`` where the table reports exp(statistic)
# (odds ratios); None: the pipeline does not report the statistic. Every statistic must be listed.
PIPELINE = {
    "C1.mean_survival": _desc("survival"),
    "C1.mean_growth": _desc("growth"),
    "C1.mean_difference": None,  # the Wilcoxon test reports the rank-biserial r, not the mean difference
    "C1.rank_biserial": _hyp("H1"),
    "C2.share_ai_primary": _hyp("H2a"),
    "C2.share_ai_structures_agree": _hyp("H2b"),
    **{f"C3.mean_{b}": _desc(b) for b in BARRIERS},
    **{f"C3.rank_biserial_{b}_vs_3": _hyp(h) for b, h in zip(BARRIERS, ("H3a", "H3b", "H3c"))},
    "C3.kendall_w": _hyp("H3d"),
    "C4.share_invisible_agree": _hyp("H4a"),
    "C4.mean_invisible": _desc("invisible"),
    "C4.spearman_invisible_ai_learning_freq": _hyp("H4b"),
    "C5.ologit_platform_share": _hyp("H5a", "log"),
    "C5.ologit_competition": _hyp("H5b", "log"),
    "C5.ologit_years": None,  # a covariate of H5a/H5b: the plan tests (and reports) no coefficient of years
}
PIPELINE_TABLES = {
    "hypotheses": "results/survey/<wave>/hypotheses.csv; 'row' is a value of its 'hypothesis' column",
    "descriptives": "results/survey/<wave>/descriptives.csv; 'row' is a value of its 'variable' column",
    "changes": "results/survey/comparison/changes.csv; 'row' gives the values of the columns that identify the row",
    "row": "a string (the table's id column, above) or an object {column: value} naming one row",
    "transform": "optional: 'log' where the table reports exp(statistic) (odds ratios of the ordinal logit)",
    "null": "'pipeline': null marks a statistic the pipeline does not report",
}


def pipeline_verdict(claim: str) -> dict:
    """The cell holding the pipeline's verdict of a claim: the verdict of its primary test."""
    return {"table": "hypotheses", "row": {"claim": claim, "primary": True}, "column": "verdict"}


def _r(x: float) -> float:
    return float(round(float(x), 4))


def compute(rng: np.random.Generator, roster: list[dict], n_population: int, observed: pd.DataFrame) -> dict:
    """The ``claims`` section of truth.json (expected, tolerance, se, power, observed per statistic)."""
    chunks = simulate(rng, roster, n_population)
    n = len(chunks[0])
    pooled = pd.concat(chunks, ignore_index=True)
    per = [chunk_stats(c) for c in chunks]
    expected = chunk_stats(pooled)["est"]
    obs = chunk_stats(observed)
    claims: dict = {}
    for key, value in expected.items():
        claim, name = key.split(".", 1)
        se = float(np.std([c["est"][key] for c in per], ddof=1))
        claims.setdefault(claim, {"statistics": {}, "power": {}})["statistics"][name] = {
            "expected": _r(value), "se": _r(se), "tolerance": _r(3 * se), "observed": _r(obs["est"][key]),
            "pipeline": PIPELINE[key]}
    for key in per[0]["p"]:
        claim, _, name = key.partition(".")
        power = float(np.mean([c["p"][key] < ALPHA for c in per]))
        claims[claim]["power"][name or "wilcoxon"] = _r(power)
    c5_pool = pd.concat(chunks[:C5_CHUNKS], ignore_index=True)
    big = ordinal_logit(c5_pool)
    small = ordinal_logit(observed)
    c5 = claims.setdefault("C5", {"statistics": {}, "power": {}})
    for name, (b, se_big) in big.items():
        se_n = se_big * np.sqrt(len(c5_pool) / n)
        c5["statistics"][f"ologit_{name}"] = {"expected": _r(b), "se": _r(se_n), "tolerance": _r(3 * se_n),
                                               "observed": _r(small[name][0]),
                                               "pipeline": PIPELINE[f"C5.ologit_{name}"]}
        c5["power"][name] = _r(stats.norm.cdf(abs(b) / se_n - stats.norm.ppf(1 - ALPHA / 2)))
    verdicts = {"C1": "supported", "C2": "supported", "C3": "supported", "C4": "supported", "C5": "supported"}
    for c, v in verdicts.items():
        claims[c]["expected_verdict"] = v
        claims[c]["pipeline_verdict"] = pipeline_verdict(c)
    claims["C5"]["note"] = ("years freelancing has no planted effect (b_years = 0); its coefficient should "
                            "be non-significant. C5 is supported by platform share and competition.")
    claims["_n_per_replicate"] = n
    return claims


MESS_DEFINITIONS = {
    "consent": "Consent answered 'No'; nothing else answered (the survey skips to the end); Finished True.",
    "freelancer": "Consent 'Yes', currently freelancing 'No'; nothing else answered; Finished True.",
    "unfinished": "Stopped after page k of 8 (k = 1-7): Finished False, Progress = round(100 k / 8), later "
                  "answers blank, RecordedDate one week after the last activity (session expiry).",
    "attention": "Both attention checks answered wrongly (attn_1 not 'Somewhat disagree', attn_2 not "
                 "'Strongly agree'); otherwise a normal complete response.",
    "speeders": "Duration 0.12-0.30 x the clean median (690 s); every clean response takes at least 0.55 x "
                "that median, so any rule 'duration < 0.4 x median' separates them.",
    "straightliners": "The same answer to every substantive item of every grid (attention checks answered "
                      "correctly); no other row is identical across all answered items of any grid.",
    "duplicates": "A second complete submission (same panel_id, StartDate 1-72 h later, a few answers moved "
                  "by one step) of a clean respondent; the earlier submission is the one to keep.",
}
STATISTICS = {
    "scales": "scale score = mean of the answered items' codes (1-5), reverse-coded items (grow_4, inv_4) reversed",
    "C1.rank_biserial": "matched-pairs rank-biserial r of survival - growth, zero differences dropped",
    "C2.share_ai_structures_agree": "share answering 'Somewhat agree' or 'Strongly agree' to ai_structures",
    "C3.rank_biserial_<barrier>_vs_3": "one-sample rank-biserial r of scale - 3, zeros dropped",
    "C3.kendall_w": "Kendall's W of the Friedman test across the three barrier scales",
    "C4.share_invisible_agree": "share with invisible scale mean > 3",
    "C4.spearman_invisible_ai_learning_freq": "Spearman rho of invisible scale and ai_learning_freq code (1-5)",
    "C5.ologit_<x>": "proportional-odds logit (statsmodels OrderedModel, distr='logit') of the survival scale "
                     "mean (its distinct values as ordered categories) on platform_share (percentage points), "
                     "competition (scale mean) and years_freelancing (years); coefficient per unit",
}


def document(seed: int, mess: dict, order: list[str], n_raw: int, n_clean: int, n_interviewees: int,
             params: dict, claims: dict) -> dict:
    """The whole truth.json document (see its ``about`` key)."""
    flow, remaining = [{"step": "raw", "n_removed": 0, "n_remaining": n_raw}], n_raw
    for step in order:
        remaining -= mess[step]
        flow.append({"step": step, "n_removed": mess[step], "n_remaining": remaining})
    n_rep = claims.pop("_n_per_replicate")
    return {
        "about": ("Ground truth of the synthetic default survey (data/raw/survey/wave1/export.csv), written by "
                  "upskilling-generate (src/upskilling/generate/). 'mess' counts the planted problem rows; each "
                  "messy row has exactly one problem, so the cleaning flow in the order of 'flow' removes exactly "
                  "these counts. 'claims' gives, per claim statistic, the expected (population) value, its "
                  "standard error at the clean n, and a tolerance (3 SE) within which the analysis of the default "
                  "data must recover it; 'observed' is the value in the committed default data; 'pipeline' the cell "
                  "of the pipeline's result tables that reports it (see 'pipeline_tables'; null: not reported). "
                  "'power' is the probability that the claim's test is significant at alpha = .05 at the clean n. "
                  "'expected_verdict' is the planted verdict of the claim, 'pipeline_verdict' the cell with the "
                  "pipeline's verdict (its primary test's)."),
        "seed": seed,
        "n_raw": n_raw,
        "n_clean": n_clean,
        "n_interviewees": n_interviewees,
        "mess": dict(mess),
        "mess_definitions": MESS_DEFINITIONS,
        "flow": flow,
        "parameters": params,
        "claims": claims,
        "statistics": STATISTICS,
        "pipeline_tables": PIPELINE_TABLES,
        "tolerance_method": (f"Expected value: the statistic on {CHUNKS} pooled replicate clean samples (each "
                             f"{n_rep} rows: population respondents + the interviewees) simulated with the same "
                             f"generator. SE: the SD of the statistic across the replicates (for C5: the pooled fit's "
                             f"SE on the first {C5_CHUNKS} replicates x sqrt(N / {n_rep})). Tolerance = 3 SE."),
    }
