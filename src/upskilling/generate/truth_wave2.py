"""Expected values and tolerances of the planted cross-wave changes (wave 1 -> wave 2) for ``wave2/truth.json``.

As for wave 1 (:mod:`.truth`): each statistic's expected value is computed on ``CHUNKS`` simulated
replicates of both clean samples, pooled, made with the same generator (wave 1: 200 population
respondents + the 20 interviewees; wave 2: :data:`.wave2.N_PANEL` panel members drawn from that
replicate's wave-1 respondents + the others); the tolerance is 3 x the standard deviation of the
statistic across the replicates (3 SE at the shipped sample sizes). Power is the share of replicates in
which the design's test is significant at alpha = .05, two-sided, without multiplicity correction.

The statistics are those of results/survey/comparison/changes.csv (:mod:`upskilling.survey.compare`),
per construct and design:

* ``independent`` (respondents in one wave only; wave-1 panel members and wave-2 panel members left out):
  ``mean_difference`` (mean wave 2 - mean wave 1), ``standardized_difference`` (that over
  sqrt((sd1^2 + sd2^2) / 2)), ``rank_biserial`` (2 U / (n1 n2) - 1, U of wave 2; Mann-Whitney);
* ``paired`` (panel members, complete pairs): ``mean_difference`` (mean of wave 2 - wave 1),
  ``standardized_difference`` (over the same average SD), ``rank_biserial`` (matched-pairs r, zeros
  dropped; paired Wilcoxon) and ``within_r`` (Pearson r of the two waves' scale scores).

Each statistic names its cell of changes.csv (``pipeline``: the row by from_wave, to_wave, construct and
design; :data:`STAT_COLUMN` the column); each construct its planted verdict (``expected_verdict``: the
paired design's ``change``: rise, fall or no significant change) and that cell (``pipeline_verdict``).

Written by hand: the statistics are scipy's, the rank-biserial r the survey stage's
(:mod:`upskilling.survey.effects`, checked against R's effectsize in tests/test_survey_effectsize_r.py);
only the simulation wrapper is ours.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..survey import effects
from ..survey.compare import avg_sd
from . import population as pop
from . import respondents as resp
from . import survey, truth, wave2

CHUNKS, ALPHA = truth.CHUNKS, truth.ALPHA  # the same replicates and level as wave 1's truth
CONSTRUCTS = list(pop.CONSTRUCT_ITEMS)
# the column of results/survey/comparison/changes.csv that reports each statistic
STAT_COLUMN = {"mean_difference": "mean_difference", "standardized_difference": "standardized_difference",
               "rank_biserial": "effect_size", "within_r": "within_r"}
# the planted direction as changes.csv's ``change`` column of the paired design states it
VERDICT = {"rise": "rise", "fall": "fall", "unchanged": "no significant change"}


def pipeline_cell(construct: str, design: str, column: str) -> dict:
    """A cell of changes.csv: the row of this wave pair, construct and design."""
    return {"table": "changes", "row": {"from_wave": wave2.PREVIOUS, "to_wave": wave2.WAVE, "construct": construct,
                                        "design": design}, "column": column}


def change_stats(w1: pd.DataFrame, w2: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame) -> dict:
    """Point estimates and p values of every change statistic: ``w1`` / ``w2`` the unlinked respondents of
    each wave (scored), ``before`` / ``after`` the panel members' scores in wave 1 / 2 (row by row)."""
    est, p = {}, {}
    for c in CONSTRUCTS:
        x, y = w2[c].dropna().to_numpy(), w1[c].dropna().to_numpy()
        mw = stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", method="asymptotic")
        diff = float(x.mean() - y.mean())
        est[f"{c}.independent.mean_difference"] = diff
        est[f"{c}.independent.standardized_difference"] = diff / avg_sd(x, y)
        est[f"{c}.independent.rank_biserial"] = effects.rank_biserial_independent(mw.statistic, x.size, y.size)[0]
        p[f"{c}.independent"] = float(mw.pvalue)
        ok = before[c].notna().to_numpy() & after[c].notna().to_numpy()
        a, b = after[c].to_numpy()[ok], before[c].to_numpy()[ok]
        d = a - b
        est[f"{c}.paired.mean_difference"] = float(d.mean())
        est[f"{c}.paired.standardized_difference"] = float(d.mean()) / avg_sd(a, b)
        est[f"{c}.paired.rank_biserial"] = effects.rank_biserial_paired(d)[0]
        est[f"{c}.paired.within_r"] = float(stats.pearsonr(a, b).statistic)
        p[f"{c}.paired"] = float(stats.wilcoxon(d[d != 0], correction=True, method="approx").pvalue)
    return {"est": est, "p": p}


def split(w1_clean: dict, w2_clean: dict, idx: np.ndarray, n_panel: int) -> tuple:
    """``(w1 unlinked, w2 unlinked, panel in wave 1, panel in wave 2)`` as scored tables; the panel members
    are rows ``idx`` of the wave-1 answers and the first ``n_panel`` rows of the wave-2 answers."""
    s1, s2 = truth.scored(w1_clean), truth.scored(w2_clean)
    linked = np.isin(np.arange(len(s1)), idx)
    return (s1[~linked].reset_index(drop=True), s2.iloc[n_panel:].reset_index(drop=True),
            s1.iloc[idx].reset_index(drop=True), s2.iloc[:n_panel].reset_index(drop=True))


def simulate(rng: np.random.Generator, roster: list[dict]) -> list[tuple]:
    """``CHUNKS`` simulated pairs of clean samples, split as :func:`split` does."""
    out = []
    for _ in range(CHUNKS):
        a = pop.draw(rng, survey.N_POPULATION)
        b = resp.interviewees(rng, roster)
        keys = [k for k in a if not k.startswith("_") or k.startswith("_res_")] + ["_a"]
        w1 = {k: np.concatenate([a[k], b[k]]) for k in keys}
        idx = np.sort(rng.choice(survey.N_POPULATION, size=wave2.N_PANEL, replace=False))
        panel = pop.draw(rng, wave2.N_PANEL, shift=wave2.SHIFT, panel=resp.take(a, idx), rho=wave2.PANEL_RHO)
        fresh = pop.draw(rng, wave2.N_POPULATION - wave2.N_PANEL, shift=wave2.SHIFT)
        out.append(split(w1, resp.concat([panel, fresh]), idx, wave2.N_PANEL))
    return out


def compute(rng: np.random.Generator, roster: list[dict], observed: tuple) -> dict:
    """The ``changes`` section of truth.json: per construct its planted shift, direction, and per statistic
    expected, se, tolerance (3 SE) and observed (the shipped data), plus the power of each design."""
    chunks = simulate(rng, roster)
    per = [change_stats(*c) for c in chunks]
    pooled = change_stats(*(pd.concat([c[k] for c in chunks], ignore_index=True) for k in range(4)))["est"]
    obs = change_stats(*observed)
    out: dict = {}
    for c in CONSTRUCTS:
        shift = float(wave2.SHIFT.get(c, 0.0))
        direction = "rise" if shift > 0 else ("fall" if shift < 0 else "unchanged")
        entry = {"planted_shift_sd": shift, "direction": direction, "statistics": {}, "power": {},
                 "expected_verdict": VERDICT[direction], "pipeline_verdict": pipeline_cell(c, "paired", "change")}
        for key in (k for k in pooled if k.startswith(f"{c}.")):
            name = key.split(".", 1)[1]
            design, stat = name.split(".")
            se = float(np.std([r["est"][key] for r in per], ddof=1))
            entry["statistics"][name] = {"expected": truth._r(pooled[key]), "se": truth._r(se),
                                         "tolerance": truth._r(3 * se), "observed": truth._r(obs["est"][key]),
                                         "pipeline": pipeline_cell(c, design, STAT_COLUMN[stat])}
        for design in ("independent", "paired"):
            entry["power"][design] = truth._r(np.mean([r["p"][f"{c}.{design}"] < ALPHA for r in per]))
        out[c] = entry
    return out


STATISTICS = {
    "scales": "scale score = mean of the answered items' codes (1-5), reverse-coded items (grow_4, inv_4) reversed",
    "independent": "respondents of one wave only (linked panel members of both waves left out): wave 1 "
                   "(population + interviewees not in the panel) against wave 2 (not in the panel)",
    "paired": "panel members (same panel_id in both waves' analysed samples), complete pairs, wave 2 - wave 1",
    "mean_difference": "mean of wave 2 - mean of wave 1 (paired: mean of the differences)",
    "standardized_difference": "mean_difference / sqrt((sd_wave1^2 + sd_wave2^2) / 2), sd with ddof 1",
    "independent.rank_biserial": "2 U / (n1 n2) - 1 with U the Mann-Whitney U of wave 2 (> 0: wave 2 higher)",
    "paired.rank_biserial": "matched-pairs rank-biserial r of wave 2 - wave 1, zero differences dropped",
    "paired.within_r": "Pearson r of the panel members' wave-1 and wave-2 scale scores",
}


def document(seed: int, n_raw: int, n_clean: int, n_unlinked: dict, changes: dict) -> dict:
    """The whole wave2/truth.json document (see its ``about`` key)."""
    flow, remaining = [{"step": "raw", "n_removed": 0, "n_remaining": n_raw}], n_raw
    for step in survey.MESS_ORDER:
        remaining -= wave2.MESS[step]
        flow.append({"step": step, "n_removed": wave2.MESS[step], "n_remaining": remaining})
    cc = wave2.CODEBOOK_CHANGES
    return {
        "about": ("Ground truth of the synthetic follow-up survey (data/raw/survey/wave2/export.csv, a Qualtrics "
                  "numeric export), written by upskilling-generate (src/upskilling/generate/wave2.py). 'mess' and "
                  "'flow' as in wave1/truth.json. 'codebook_changes' lists the planted differences of "
                  "config/waves/wave2/codebook.yaml from config/codebook.yaml. 'changes' gives, per construct, the "
                  "planted shift of its latent (in latent SD) and, per statistic of the cross-wave comparison "
                  "(results/survey/comparison/changes.csv), the expected value, its standard error at the shipped "
                  "sample sizes, a tolerance (3 SE) within which the comparison of the two shipped waves must "
                  "recover it, the observed value in the shipped data, and 'pipeline': the cell of changes.csv "
                  "that reports it (see 'pipeline_tables'); 'power': P(p < .05, two-sided, uncorrected) of each "
                  "design's test. 'expected_verdict': the planted direction as the paired design's 'change' states "
                  "it; 'pipeline_verdict': that cell."),
        "seed": seed,
        "wave": wave2.WAVE,
        "compared_with": wave2.PREVIOUS,
        "format": wave2.FORMAT,
        "n_raw": n_raw,
        "n_clean": n_clean,
        "n_panel": wave2.N_PANEL,
        "n_unlinked": n_unlinked,
        "n_interviewees": 0,
        "mess": dict(wave2.MESS),
        "mess_definitions": truth.MESS_DEFINITIONS,
        "flow": flow,
        "parameters": {
            "population": "the model of wave1/truth.json 'parameters', with each construct latent shifted by shift_sd",
            "shift_sd": {c: float(wave2.SHIFT.get(c, 0.0)) for c in CONSTRUCTS},
            "n_population": wave2.N_POPULATION,
            "n_panel": wave2.N_PANEL,
            "panel": ("panel members are wave-1 population respondents (not interviewees) drawn at random; they keep "
                      "domain, region and platform share, years freelancing + 1, and every latent residual is "
                      "panel_rho x their wave-1 residual + sqrt(1 - panel_rho^2) x a new one; item errors, item "
                      "nonresponse and the other profile answers are new"),
            "panel_rho": wave2.PANEL_RHO,
            "ai_policy_p": wave2.AI_POLICY_P,
            "field_start": wave2.WINDOW_START.strftime("%Y-%m-%d"),
        },
        "codebook_changes": {
            "renamed": [{"item": k, "from": v[0], "to": v[1]} for k, v in sorted(cc["renamed"].items())],
            "reworded": sorted(cc["reworded"]),
            "added": sorted(cc["added"]),
            "dropped": sorted(cc["dropped"]),
            "rescaled": sorted(cc["rescaled"]),
        },
        "changes": changes,
        "changes_note": ("The paired design recovers the planted shifts (attenuated by measurement error and the "
                         "1-5 scale). The independent design compares wave 1's unlinked respondents, who include "
                         "the 20 interviewees (chosen for their profiles: higher survival, invisible and "
                         "competition scores than the population), with wave 2's unlinked population "
                         "respondents, so its expected changes include that composition effect; both are "
                         "simulated, not assumed."),
        "statistics": STATISTICS,
        "pipeline_tables": truth.PIPELINE_TABLES,
        "tolerance_method": (f"Expected value: the statistic on {CHUNKS} pooled replicate pairs of clean samples "
                             f"simulated with the same generator (wave 1: {survey.N_POPULATION} population respondents "
                             f"+ the interviewees; wave 2: {wave2.N_PANEL} panel members drawn from that replicate's "
                             f"wave-1 population respondents + {wave2.N_POPULATION - wave2.N_PANEL} others). SE: the SD "
                             "of the statistic across the replicates. Tolerance = 3 SE."),
    }
