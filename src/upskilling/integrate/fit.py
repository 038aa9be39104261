"""How far the interviews bear out each claim, and how the two strands fit.

The rules are data, kept in ``config.yaml`` (section ``integration``): when a theme is *prevalent*
(``prevalence``), which claims are a comparison of two themes (``contrasts``), and the fit matrix
(``fit``) that turns the survey verdict and the qualitative direction into *confirmation*,
*expansion* or *discordance* (Fetters, Curry and Creswell 2013, "Achieving integration in
mixed methods designs"). Nothing here is fitted to data, and nothing reads the human coding.
"""
from __future__ import annotations

import pandas as pd

from ..errors import InputError

DIRECTIONS = ("supports", "partial", "absent", "opposes")
#: Direction of a claim that no theme of themes.yaml bears on: the interviews say nothing about it, and
#: its fit is SURVEY_ONLY (not a discordance: there is no second strand to disagree).
NO_THEMES = "no themes"
SURVEY_ONLY = "survey only"
#: Fit of a claim whose survey test could not be computed (degenerate data).
NOT_COMPUTABLE = "not computable"
FIT_ROW = {"supported": "supported", "not supported": "not_supported", "contradicted": "contradicted"}


def theme_summary(prevalence: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """Prevalence of every theme across interviews.

    Parameters
    ----------
    prevalence : theme_prevalence.csv (``participant_id, theme, n_segments, share``).
    themes : theme ids to report (themes with no segment get zeros); other themes in the table
        (e.g. ``other``) count in the denominator but are reported too.

    Returns
    -------
    DataFrame with one row per theme: ``theme, n_segments, share`` (of all analysed segments),
    ``n_participants`` (with at least one segment), ``participant_share`` (of all interviewees),
    ``mean_participant_share`` (mean over interviewees of the theme's share of their segments).
    """
    total = float(prevalence["n_segments"].sum())
    participants = sorted(prevalence["participant_id"].unique())
    n_people = len(participants)
    present = prevalence[prevalence["n_segments"] > 0]
    order = list(dict.fromkeys(list(themes) + sorted(set(prevalence["theme"]) - set(themes))))
    rows = []
    for theme in order:
        sub = prevalence[prevalence["theme"] == theme]
        n_seg = int(sub["n_segments"].sum())
        per_person = sub.set_index("participant_id")["share"].reindex(participants).fillna(0.0)
        n_part = int(present.loc[present["theme"] == theme, "participant_id"].nunique())
        rows.append({
            "theme": theme,
            "n_segments": n_seg,
            "share": n_seg / total if total else 0.0,
            "n_participants": n_part,
            "participant_share": n_part / n_people if n_people else 0.0,
            "mean_participant_share": float(per_person.mean()) if n_people else 0.0,
        })
    return pd.DataFrame(rows)


def prevalent(summary: pd.DataFrame, rules: dict) -> pd.Series:
    """Boolean Series (index theme): share >= min_share and participant_share >= min_participants."""
    s = summary.set_index("theme")
    return (s["share"] >= rules["min_share"]) & (s["participant_share"] >= rules["min_participants"])


def required_themes(claim: str, claim_themes: list[str], contrasts: list[dict]) -> tuple[list[dict], list[str]]:
    """``(mine, required)``: the contrasts of ``claim`` (integration.contrasts) and its themes that are not the
    counter-theme of one of them (the themes whose talk bears the claim out)."""
    mine = [c for c in contrasts if c["claim"] == claim]
    counter = {c["over"] for c in mine}
    return mine, [t for t in claim_themes if t not in counter]


def qualitative_direction(claim: str, claim_themes: list[str], summary: pd.DataFrame,
                          contrasts: list[dict], rules: dict) -> tuple[str, str]:
    """Direction of the interview evidence for one claim, with a one-line reason.

    The claim's themes (from themes.yaml) minus the counter-themes of its contrasts are the
    *required* themes. Then, in this order:

    - ``opposes``: a contrast is reversed (the counter-theme's share exceeds the theme's by at
      least ``min_difference``);
    - ``supports``: every required theme is prevalent and every contrast holds (the theme's share
      exceeds the counter-theme's by at least ``min_difference``);
    - ``partial``: at least one required theme is prevalent, or every contrast holds although its
      theme falls short of the prevalence thresholds;
    - ``absent``: no required theme is prevalent and no contrast holds;
    - :data:`NO_THEMES`: no theme of themes.yaml names this claim (e.g. a claim of another study's plan).
    """
    mine, required = required_themes(claim, claim_themes, contrasts)
    for c in mine:
        for key in ("theme", "over"):
            if c[key] not in set(summary["theme"]):
                raise InputError(f"config/config.yaml: integration.contrasts: theme {c[key]!r} of claim "
                                 f"{claim} is not a theme in themes.yaml; fix the theme id")
    if not claim_themes:
        return NO_THEMES, "no theme in themes.yaml names this claim; the claim rests on the survey alone"
    if not required:
        return "absent", "every theme of this claim is a counter-theme of a contrast"
    share = summary.set_index("theme")["share"]
    is_prev = prevalent(summary, rules)
    margin = rules["min_difference"]
    for c in mine:
        diff = share[c["theme"]] - share[c["over"]]
        if diff <= -margin and diff < 0:
            return "opposes", (f"'{c['over']}' ({share[c['over']]:.0%} of segments) is more prevalent than "
                               f"'{c['theme']}' ({share[c['theme']]:.0%})")
    holds = all(share[c["theme"]] - share[c["over"]] >= margin and
                share[c["theme"]] > share[c["over"]] for c in mine)
    n_prev = int(sum(bool(is_prev.get(t, False)) for t in required))
    listed = ", ".join(f"'{t}' {share.get(t, 0.0):.0%}" for t in required)
    if n_prev == len(required) and holds:
        extra = "".join(f"; '{c['theme']}' > '{c['over']}' ({share[c['over']]:.0%})" for c in mine)
        return "supports", f"all {len(required)} claim theme(s) prevalent ({listed}){extra}"
    if n_prev > 0:
        why = f"{n_prev} of {len(required)} claim theme(s) prevalent ({listed})"
        if not holds:
            why += "; contrast within the tie margin"
        return "partial", why
    if mine and holds:
        extra = "; ".join(f"'{c['theme']}' > '{c['over']}' ({share[c['over']]:.0%})" for c in mine)
        return "partial", f"no claim theme prevalent ({listed}), but {extra}"
    return "absent", f"no claim theme prevalent ({listed})"


def fit(verdict: str, direction: str, matrix: dict) -> str:
    """Fit of the strands from the fit matrix: ``matrix[verdict row][direction]``; :data:`SURVEY_ONLY`
    for a claim without themes, :data:`NOT_COMPUTABLE` when the survey test could not be computed."""
    if direction == NO_THEMES:
        return SURVEY_ONLY
    if verdict == NOT_COMPUTABLE:
        return NOT_COMPUTABLE
    if verdict not in FIT_ROW:
        raise InputError(f"hypotheses.csv: verdict {verdict!r}; use one of {list(FIT_ROW)}")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown qualitative direction {direction!r}")
    return matrix[FIT_ROW[verdict]][direction]
