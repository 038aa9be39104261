"""The interview evidence of a claim beside the human coding, per interviewee, and its exemplar quotes.

What the joint display adds to the aggregate prevalence (Guetterman, Fetters & Creswell 2015:
statistics-by-themes and side-by-side displays):

* :func:`human_prevalence`: the theme prevalence table of the *human* coding (segments.csv
  ``human_theme``), in the shape of theme_prevalence.csv, so the same fit rules give the direction the
  human coding implies;
* :func:`split_shares`: per theme, the model's and the human coding's share of the same segments,
  on the held-out test half (no training or development turn);
* :func:`person_link`: per interviewee, the claim's survey score beside their share of the claim's
  themes, and the Spearman correlation of the two, for the model and the human coding;
* :func:`claim_quotes`: exemplar quotes where the model and the human coding agree (when a coding
  exists), at least one per theme the claim names, and counter-examples (the counter-theme of a
  contrast) labelled as such.

Nothing here is fitted; it reads the pipeline's outputs only.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import fit as fitrules

OTHER = "other"
#: Direction of the human coding in claims.csv when no human coding exists.
NO_HUMAN_CODING = "no human coding"
#: Columns of results/claims_quotes.csv.
QUOTE_COLUMNS = ["claim", "order", "role", "theme", "rank", "segment_id", "participant_id", "turn_id", "text",
                 "theme_source", "human_theme", "agreement"]
#: Columns of results/claims_people.csv (one row per claim x interviewee).
PEOPLE_COLUMNS = ["claim", "participant_id", "in_survey", "score_name", "score", "talk_name", "share_model",
                  "share_human", "n_segments", "n_human"]


def has_human(segments: pd.DataFrame | None) -> bool:
    """True when segments.csv carries a human code for at least one segment."""
    return segments is not None and "human_theme" in segments and segments["human_theme"].notna().any()


def human_prevalence(segments: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """theme_prevalence.csv's shape (``participant_id, theme, n_segments, share``) for the human coding:
    the segments with a human code, every theme x participant (zeros kept)."""
    coded = segments[segments["human_theme"].notna()]
    order = [*themes, OTHER]
    counts = (coded.groupby(["participant_id", "human_theme"]).size().unstack(fill_value=0)
              .reindex(columns=order, fill_value=0))
    long = counts.stack().rename("n_segments").reset_index()
    long.columns = ["participant_id", "theme", "n_segments"]
    totals = long.groupby("participant_id")["n_segments"].transform("sum")
    long["share"] = np.where(totals > 0, long["n_segments"] / totals.where(totals > 0, 1), 0.0)
    return long


def split_shares(segments: pd.DataFrame, themes: list[str], split: str = "test") -> pd.DataFrame:
    """Per theme: ``theme, n, share_model, share_human`` over the segments of ``split`` that have a human
    code (the same segments for both codings; the model's theme is segments.csv ``theme``)."""
    sub = segments[(segments["split"].astype(str) == split) & segments["human_theme"].notna()]
    n = len(sub)
    rows = []
    for t in [*themes, OTHER]:
        rows.append({"theme": t, "n": n,
                     "share_model": float((sub["theme"] == t).mean()) if n else math.nan,
                     "share_human": float((sub["human_theme"] == t).mean()) if n else math.nan})
    return pd.DataFrame(rows)


def score_and_talk(claim: str, constructs: list[str], claim_themes: list[str], contrasts: list[dict]) -> dict | None:
    """How a claim is read per interviewee: ``{score: (a, b|None), talk: (themes, counter|None)}``.

    With a contrast (theme over counter-theme) and two constructs, the score is the difference of the
    two constructs and the talk the difference of the two themes' shares (C1: survival - growth); else
    the score is the claim's first construct and the talk the summed share of its themes (less any
    counter-theme). None when the claim has no construct or no theme.
    """
    mine, required = fitrules.required_themes(claim, claim_themes, contrasts)
    if not constructs or not required:
        return None
    if mine and len(constructs) == 2:
        return {"score": (constructs[0], constructs[1]), "talk": ([mine[0]["theme"]], mine[0]["over"])}
    return {"score": (constructs[0], None), "talk": (required, None)}


def _share(people: pd.DataFrame, talk: tuple) -> pd.Series:
    themes, counter = talk
    s = sum(people.get(t, pd.Series(0.0, index=people.index)).fillna(0.0) for t in themes)
    if counter:
        s = s - people.get(counter, pd.Series(0.0, index=people.index)).fillna(0.0)
    return s


def person_link(claim: str, spec: dict | None, linked: pd.DataFrame, model_prev: pd.DataFrame,
                human_prev: pd.DataFrame | None) -> tuple[pd.DataFrame, dict]:
    """The claim per interviewee and the correlation of survey score and talk.

    ``spec`` is :func:`score_and_talk`; ``linked`` is claims_participants.csv (scores per interviewee);
    ``model_prev`` / ``human_prev`` are prevalence tables. Returns the rows of :data:`PEOPLE_COLUMNS`
    for this claim (ordered by the score) and ``{n, rho_model, p_model, rho_human, p_human, score_name,
    talk_name}`` (Spearman over interviewees with a survey score; NaN below 3 of them).
    """
    empty = {"n": 0, "rho_model": math.nan, "p_model": math.nan, "rho_human": math.nan, "p_human": math.nan,
             "score_name": "", "talk_name": ""}
    if spec is None:
        return pd.DataFrame(columns=PEOPLE_COLUMNS), empty
    a, b = spec["score"]
    themes, counter = spec["talk"]
    score_name = f"{a} - {b}" if b else a
    talk_name = " + ".join(themes) + (f" - {counter}" if counter else "")

    def wide(prev):
        return prev.pivot_table(index="participant_id", columns="theme", values="share", aggfunc="sum", fill_value=0.0)

    m = wide(model_prev)
    h = wide(human_prev) if human_prev is not None and len(human_prev) else None
    people = linked.set_index("participant_id")
    score = people[a] - people[b] if b else people[a]
    ids = list(people.index)
    out = pd.DataFrame({
        "claim": claim, "participant_id": ids, "in_survey": people["in_survey"].to_numpy(),
        "score_name": score_name, "score": score.reindex(ids).to_numpy(dtype=float), "talk_name": talk_name,
        "share_model": _share(m.reindex(ids), spec["talk"]).to_numpy(dtype=float),
        "share_human": (_share(h.reindex(ids), spec["talk"]).to_numpy(dtype=float) if h is not None
                        else np.full(len(ids), np.nan)),
        "n_segments": model_prev.groupby("participant_id")["n_segments"].sum().reindex(ids).fillna(0).astype(int).to_numpy(),
        "n_human": (human_prev.groupby("participant_id")["n_segments"].sum().reindex(ids).fillna(0).astype(int).to_numpy()
                    if h is not None else np.zeros(len(ids), dtype=int)),
    })
    if h is not None:  # a participant without any human code has no human share
        out.loc[out["n_human"] == 0, "share_human"] = np.nan
    out = out.sort_values(["score", "participant_id"], na_position="last").reset_index(drop=True)
    res = {**empty, "score_name": score_name, "talk_name": talk_name}
    ok = out["score"].notna()
    res["n"] = int(ok.sum())
    for which in ("model", "human"):
        x, y = out.loc[ok, "score"], out.loc[ok, f"share_{which}"]
        keep = y.notna()
        if keep.sum() >= 3 and x[keep].nunique() > 1 and y[keep].nunique() > 1:
            from scipy import stats  # here, not at import: the figure jobs import this module

            r = stats.spearmanr(x[keep], y[keep])
            res[f"rho_{which}"], res[f"p_{which}"] = float(r.statistic), float(r.pvalue)
    return out[PEOPLE_COLUMNS], res


def claim_quotes(claim: str, claim_themes: list[str], contrasts: list[dict], quotes: pd.DataFrame,
                 segments: pd.DataFrame | None, k: int) -> pd.DataFrame:
    """Exemplar quotes of a claim (rows of :data:`QUOTE_COLUMNS`), best rank first.

    At least one quote per theme of the claim (``k`` is raised to the number of themes), alternating
    over the themes; a contrast's counter-theme gives one quote labelled ``counter-example``. When a
    human coding exists, only segments whose human code equals the theme are used (``agreement`` =
    ``agree``; a turn the coder trained on keeps its human code, ``theme_source`` = human); without one,
    every quote is the model's (``agreement`` = ``no human code``).
    """
    mine, required = fitrules.required_themes(claim, claim_themes, contrasts)
    q = quotes.copy()
    coded = has_human(segments)
    if coded:
        human = segments.set_index("segment_id")["human_theme"]
        q["human_theme"] = q["segment_id"].map(human)
        q = q[q["human_theme"] == q["theme"]]
        q["agreement"] = "agree"
    else:
        q["human_theme"] = None
        q["agreement"] = "no human code"
    pools = {t: q[q["theme"] == t].sort_values(["rank", "segment_id"]).to_dict("records") for t in required}
    picked, depth = [], 0
    k = max(k, len(required))
    while len(picked) < k and any(len(p) > depth for p in pools.values()):
        for t in required:
            if len(picked) < k and len(pools[t]) > depth:
                picked.append({**pools[t][depth], "role": "example"})
        depth += 1
    for t in [c["over"] for c in mine]:  # the counter-themes, in the contrasts' order
        pool = q[q["theme"] == t].sort_values(["rank", "segment_id"])
        if len(pool):
            picked.append({**pool.iloc[0].to_dict(), "role": "counter-example"})
    rows = [{"claim": claim, "order": i + 1, **{c: r.get(c) for c in QUOTE_COLUMNS if c not in ("claim", "order")}}
            for i, r in enumerate(picked)]
    for r in rows:
        r["text"] = " ".join(str(r["text"]).split())
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def interpretation(claim: dict) -> str:
    """One sentence from the claim row's verdict, direction, fit and robustness (nothing else)."""
    verdict, direction, fit = claim["verdict"], claim["qual_direction"], claim["fit"]
    survey = {"supported": "supports", "not supported": "does not support", "contradicted": "contradicts",
              "not computable": "cannot test"}.get(verdict, verdict)
    text = f"The survey {survey} {claim['claim']} ({claim['hypothesis']})"
    if direction == fitrules.NO_THEMES:
        return text + "; no interview theme bears on it, so the claim rests on the survey alone."
    inter = {"supports": "support it", "partial": "partly support it", "absent": "do not show its themes",
             "opposes": "oppose it"}.get(direction, direction)
    text += f" and the interviews {inter}: {fit}"
    seeds = claim.get("fit_over_seeds") or ""
    if seeds:
        text += f" ({seeds})"
    human = claim.get("qual_direction_human") or ""
    if human and human != NO_HUMAN_CODING:
        same = "the same direction" if human == direction else f"'{human}' instead"
        text += f"; the human coding gives {same}"
    return text + "."
