"""Read the upstream outputs and write the joint display (results/claims.csv, .md) and the
interviewee table (results/claims_participants.csv)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..logs import get_logger
from ..survey.codebook import load_codebook
from ..survey.plan import claim_specs
from . import evidence as ev
from . import inputs as io
from . import joint
from .settings import narrow

log = get_logger("integrate")

#: The settings the joint display reads (dotted paths into the config, see
#: :func:`upskilling.integrate.settings.narrow`); rule integrate_claims gets only these as params.
READS = ["integration.contrasts", "integration.fit", "integration.prevalence", "integration.quotes_per_claim"]


def load(paths: dict, config: dict) -> dict:
    """Read everything the joint display needs. ``paths`` keys: hypotheses, analysis (the wave's plan:
    the claims in words), themes, theme_prevalence, quotes, scored, codebook and optionally roster and coding_seeds (without it the joint display has
    no robustness over seeds). ``config``: the whole config or its part ``narrow(config, READS)``."""
    st = narrow(config, READS)["integration"]
    roster = None
    if paths.get("roster"):
        roster = io.read_table(paths["roster"], "roster")
    seeds = None
    if paths.get("coding_seeds"):
        seeds = io.read_table(paths["coding_seeds"], "coding_seeds")
    cb = load_codebook(paths["codebook"])
    return {
        "settings": st,
        "hypotheses": io.read_hypotheses(paths["hypotheses"]),
        "themes": io.read_themes(paths["themes"]),
        "prevalence": io.read_table(paths["theme_prevalence"], "theme_prevalence"),
        "quotes": io.read_table(paths["quotes"], "quotes"),
        "scored": io.read_table(paths["scored"], "scored"),
        "roster": roster,
        "coding_seeds": seeds,
        "codebook": cb,
        "claims": claim_specs(paths["analysis"]),
        "segments": io.read_table(paths["segments"], "segments") if paths.get("segments") else None,
    }


def build(paths: dict, config: dict) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(claims, linked interviewees, themes naming claims outside the plan) from the upstream files."""
    claims, linked, unplanned, _ = _build(load(paths, config), paths)
    return claims, linked, unplanned


def _build(d: dict, paths: dict) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """:func:`build` on the data :func:`load` read, plus ``{quotes, people}``: every claim's exemplar quotes
    (agreed with the human coding where one exists, at least one per theme, counter-examples labelled)
    and its interviewees' survey score beside their share of its themes (:mod:`.evidence`)."""
    cb = d["codebook"]
    linked = joint.link_interviewees(d["roster"], d["scored"], d["prevalence"], list(cb.constructs),
                                     [*d["themes"]["theme"], "other"])
    found: dict = {}
    claims = joint.build_claims(d["hypotheses"], d["themes"], d["prevalence"], d["quotes"], linked,
                                d["settings"], cb.construct_labels(), coding_seeds=d["coding_seeds"],
                                claims=d["claims"], segments=d["segments"], evidence=found)
    unplanned = joint.unplanned_themes(d["themes"], list(d["claims"]))
    for claim, themes in unplanned.items():
        log.warning("joint display: themes %s name claim %s, which is not in %s; they bear on no claim",
                    themes, claim, paths["analysis"])

    def cat(frames, cols):
        frames = [f for f in frames if len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)

    return claims, linked, unplanned, {"quotes": cat(found.get("quotes", []), ev.QUOTE_COLUMNS),
                                       "people": cat(found.get("people", []), ev.PEOPLE_COLUMNS)}


def write(paths: dict, out_csv: str, out_md: str, out_participants: str, config: dict,
          out_quotes: str | None = None, out_people: str | None = None) -> pd.DataFrame:
    """Write claims.csv, claims.md and claims_participants.csv (and, when named, claims_quotes.csv and
    claims_people.csv); return the claims table."""
    claims, linked, unplanned, found = _build(load(paths, config), paths)
    for p in (out_csv, out_md, out_participants, out_quotes, out_people):
        if p:
            Path(p).parent.mkdir(parents=True, exist_ok=True)
    claims.to_csv(out_csv, index=False)
    linked.to_csv(out_participants, index=False, float_format="%.4g")
    if out_quotes:
        found["quotes"].to_csv(out_quotes, index=False)
    if out_people:
        found["people"].to_csv(out_people, index=False, float_format="%.4g")
    Path(out_md).write_text(joint.to_markdown(claims, linked, unplanned), encoding="utf-8")
    return claims
