"""The follow-up survey wave (``wave2``, January 2027, a year after wave 1) from the same seeded generator.

``data/raw/survey/wave2/export.csv`` is a Qualtrics *numeric* export (three header rows as in wave 1,
answers as the codes of ``config/waves/wave2/codebook.yaml``; multi-select codes joined by ","; Finished
1/0). What differs from wave 1, each planted here and recorded in ``wave2/truth.json``:

* the codebook (:data:`CODEBOOK_CHANGES`, checked by :func:`check_changes`): export columns renamed
  (same item ids), one item reworded, one added (``ai_policy``), one dropped (``education``), the yes/no
  codes rescaled (1/0 -> 1/2, Qualtrics' recode values);
* the sample: :data:`N_POPULATION` clean respondents (wave 1: 200 + 20 interviewees), of whom
  :data:`N_PANEL` are wave-1 population respondents answering again under their wave-1 ``panel_id``;
  no interviews (the 20 interviewees of wave 1, chosen for their profiles, are not in the panel, so they
  stay in wave 1's unlinked respondents: the independent comparison's expected changes include that
  composition effect, see truth.json); planted mess in the same kinds as wave 1 with the counts of
  :data:`MESS`;
* the population: construct latents shifted by :data:`SHIFT` (latent SD units; every other construct
  unchanged); a panel member keeps domain, region and platform share, is a year more experienced, and
  each latent residual correlates :data:`PANEL_RHO` with their wave-1 residual
  (:func:`.population.draw` with ``panel``); item errors are new.

Randomness: the streams ``wave2*`` of :func:`.survey.rng_for`, none of wave 1's, so wave 1's files stay
byte-identical whatever is planted here. Expected values and tolerances: :mod:`.truth_wave2`.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from ..errors import InputError
from . import population as pop
from . import respondents as resp
from . import survey

WAVE = "wave2"
PREVIOUS = "wave1"
FORMAT = "qualtrics_numeric"
N_POPULATION = 280
N_PANEL = 100
PANEL_RHO = 0.6
#: Planted change of each construct latent from wave 1 to wave 2, in latent SD (unlisted: 0, unchanged).
SHIFT = {"survival": 0.3, "barrier_inconsistency": -0.4}
MESS = {"consent": 6, "freelancer": 9, "unfinished": 16, "attention": 11, "speeders": 8,
        "straightliners": 6, "duplicates": 5}
WINDOW_START = dt.datetime(2027, 1, 11, 6, 0, 0)
#: P(yes) of the added item ai_policy ("Do any of your clients set rules about ... AI ...?").
AI_POLICY_P = 0.4
ADDED_ITEM = "ai_policy"
DROPPED_ITEM = "education"
#: Wave 2's pages: wave 1's without the dropped item, the added one after ai_structures.
PAGES = [[x for x in page if x != DROPPED_ITEM] + ([ADDED_ITEM] if "ai_structures" in page else [])
         for page in survey.PAGES]
#: The planted codebook differences (wave 1 -> wave 2), by item id.
CODEBOOK_CHANGES = {
    "renamed": {"hours_week": ["Q6", "Q6_1"], "platform_share": ["Q7", "Q7_1"],
                **{it: [f"Q20_{k}", f"Q21_{k}"] for k, it in enumerate(
                    ["bar_inc_1", "bar_inc_2", "bar_inc_3", "bar_ctx_1", "bar_ctx_2", "bar_ctx_3", "attn_2",
                     "bar_ver_1", "bar_ver_2", "bar_ver_3"], start=1)}},
    "reworded": ["comp_3"],
    "added": [ADDED_ITEM],
    "dropped": [DROPPED_ITEM],
    "rescaled": ["consent", "freelancing", "interview_optin"],
}


def _scale(cb: dict, item: dict):
    sc = cb["response_scales"].get(item.get("scale")) if item.get("scale") else None
    return (list(sc["labels"]), list(sc["codes"])) if sc else None


def _shown(item: dict) -> tuple:
    return item.get("stem"), item["text"]


def check_changes(before: dict, after: dict, source: str) -> None:
    """Wave 2's codebook must differ from wave 1's exactly as :data:`CODEBOOK_CHANGES` says (so that
    truth.json tells the truth); fail naming the first item that differs otherwise."""
    a = {it["id"]: it for it in before["items"]}
    b = {it["id"]: it for it in after["items"]}
    found = {"added": sorted(set(b) - set(a)), "dropped": sorted(set(a) - set(b)), "renamed": {},
             "reworded": [], "rescaled": []}
    for iid in (i for i in a if i in b):
        if a[iid]["column"] != b[iid]["column"]:
            found["renamed"][iid] = [a[iid]["column"], b[iid]["column"]]
        if _shown(a[iid]) != _shown(b[iid]):
            found["reworded"].append(iid)
        if _scale(before, a[iid]) != _scale(after, b[iid]):
            found["rescaled"].append(iid)
    want = {k: (dict(v) if isinstance(v, dict) else sorted(v)) for k, v in CODEBOOK_CHANGES.items()}
    got = {k: (v if isinstance(v, dict) else sorted(v)) for k, v in found.items()}
    for kind in want:
        if got[kind] != want[kind]:
            raise InputError(f"{source}: items {kind} relative to wave 1 are {got[kind]}, but the generator plants "
                             f"{want[kind]}; update CODEBOOK_CHANGES in src/upskilling/generate/wave2.py or the codebook")
    if before["constructs"] != after["constructs"]:
        raise InputError(f"{source}: key 'constructs' differs from wave 1's; the generator keeps the constructs")


def _ai_policy(rng, rows: list[dict]) -> None:
    for row in rows:
        row[ADDED_ITEM] = "Yes" if rng.random() < AI_POLICY_P else "No"


def build(seed: int, codebook: dict, wave1: dict, source: str = "config/waves/wave2/codebook.yaml") -> dict:
    """Generate all wave-2 rows. ``wave1`` is :func:`.survey.build`'s result for the same seed.

    Returns ``{"rows", "kinds", "clean", "panel_index"}``: rows in export order (as :func:`.survey.build`);
    ``clean`` the clean respondents' answers (the :data:`N_PANEL` panel members first, in the order of
    ``panel_index``, their rows in ``wave1["clean"]``).
    """
    survey.check_codebook(codebook, source, PAGES)
    rng = survey.rng_for(seed, WAVE)
    idx = np.sort(rng.choice(survey.N_POPULATION, size=N_PANEL, replace=False))
    panel = pop.draw(rng, N_PANEL, shift=SHIFT, panel=resp.take(wave1["clean"], idx), rho=PANEL_RHO)
    resp.add_profile(rng, panel)
    fresh = pop.draw(rng, N_POPULATION - N_PANEL, shift=SHIFT)
    resp.add_profile(rng, fresh)
    mrng = survey.rng_for(seed, "wave2_mess")
    messy = pop.draw(mrng, sum(MESS.values()) - MESS["duplicates"], shift=SHIFT)
    resp.add_profile(mrng, messy)
    rows_clean = resp.to_rows(resp.concat([panel, fresh]), codebook)
    rows_mess = resp.to_rows(messy, codebook)
    _ai_policy(survey.rng_for(seed, "wave2_extra"), rows_clean + rows_mess)
    kinds = (["panel"] * N_PANEL + ["clean"] * (N_POPULATION - N_PANEL)
             + survey._plant_mess(mrng, rows_mess, codebook, MESS, PAGES))
    rows = rows_clean + rows_mess
    ids_rng = survey.rng_for(seed, "wave2_ids")
    n_total = len(rows) + MESS["duplicates"]
    rids = survey._response_ids(ids_rng, n_total)
    taken = set(wave1["panel_ids"])
    new_ids = [p for p in survey._panel_ids(ids_rng, n_total) if p not in taken]
    pids = [wave1["clean_panel_ids"][i] for i in idx] + new_ids[:len(rows) - N_PANEL]
    survey.stamp_meta(survey.rng_for(seed, "wave2_meta"), rows, kinds, rids, pids, WINDOW_START)
    survey.add_duplicates(survey.rng_for(seed, "wave2_duplicates"), rows, kinds, N_POPULATION, MESS["duplicates"],
                          rids, codebook)
    out = survey.finish(rows, kinds)
    out.update({"clean": resp.concat([panel, fresh]), "panel_index": idx})
    return out


def export_csv(rows: list[dict], codebook: dict) -> str:
    """Wave 2's export text: a Qualtrics numeric export (:func:`.survey.export_csv`)."""
    return survey.export_csv(rows, codebook, FORMAT)
