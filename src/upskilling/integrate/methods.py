"""The codebook section of the findings report: a table of the interview themes and a methods
paragraph generated from the config and validation.json.

* :func:`codebook_table` -> template variable ``codebook_rows``: one row per theme of
  config/themes.yaml (and the reserved ``other`` code last) with its definition, the claim it bears
  on, how many segments a human coded with it, how many the model coded with it, and how many
  interviewees have it in the joint display;
* :func:`methods_paragraph` -> template variable ``methods_text``: segmentation, embeddings, the
  coding mode used, the training participants and their turns, the development/test split, the
  robustness re-trainings and the topic model's settings, each read from the config part declared
  in :data:`READS` or from validation.json (what the interview stage actually did).

Both are rendered by ``templates/methods.html.j2``.
"""
from __future__ import annotations

import copy

import pandas as pd

from ..config import validate
from ..errors import InputError
from . import validation as V
from .settings import narrow

#: The settings the methods paragraph reads (dotted paths into the config, see
#: :func:`upskilling.integrate.settings.narrow`): the report rule's params must include these.
READS = [
    "seed",
    "interviews.human_coding",
    "interviews.segmentation",
    "interviews.topics",
    "interviews.stability",
    "interviews.coding.use",
    "interviews.coding.context_weight",
    "interviews.coding.split",
    "interviews.coding.training",
    "interviews.coding.few_shot",
    "interviews.coding.zero_shot",
    "interviews.coding.robustness",
]

OTHER = "other"
SOURCE = "config/config.yaml (section 'interviews')"


# ------------------------------------------------------------------ the codebook table
def _theme_rows(themes) -> list[dict]:
    """[{id, label, claim, definition}] from the themes file as a dict (themes.yaml, with its optional
    ``other`` entry) or as the table of :func:`upskilling.integrate.inputs.read_themes`."""
    if isinstance(themes, pd.DataFrame):
        rows = [{"id": r["theme"], "label": r.get("label") or r["theme"], "claim": r.get("claim"),
                 "definition": r.get("definition") or ""} for r in themes.to_dict("records")]
        other = None
    else:
        rows = [{"id": t["id"], "label": t.get("label", t["id"]), "claim": t.get("claim"),
                 "definition": " ".join(str(t.get("definition", "")).split())} for t in themes.get("themes") or []]
        other = themes.get("other")
    if not rows:
        raise InputError("config/themes.yaml: no themes; list the themes under 'themes:'")
    o = other or {}
    rows.append({"id": OTHER, "label": o.get("label", "Other"), "claim": None,
                 "definition": " ".join(str(o.get("definition", "")).split()), "reserved": True})
    return rows


def human_codes(segments: pd.DataFrame) -> tuple[pd.Series, str]:
    """(the human code of each segment, '' where none; which segments carry one).

    segments.csv holds every human code in ``human_theme`` (training, development and test turns);
    without that column only the training turns' human codes are known: their ``theme`` with
    ``theme_source`` = human."""
    if "human_theme" in segments.columns:
        return segments["human_theme"].fillna("").astype(str), "all human-coded turns (segments.csv human_theme)"
    human = segments["theme_source"].astype(str) == "human"
    return (segments["theme"].where(human, "").fillna("").astype(str),
            "the human-coded training turns only (segments.csv has no human_theme column)")


def codebook_table(themes, segments: pd.DataFrame, validation: dict) -> list[dict]:
    """One row per theme of config/themes.yaml, then ``other``.

    Keys: ``id, label, claim, definition, reserved`` (True for ``other``), ``n_coded`` (segments a human
    coded with the theme; None without a human coding), ``n_predicted`` (segments whose theme in the
    joint display is the model's, ``theme_source`` = model), ``n_segments`` (all segments with the theme
    in the joint display: the human-coded training turns keep their human code), ``n_participants``
    (interviewees with at least one such segment), ``coded_scope`` (which human codes are counted) and
    text versions ``*_text`` for the template (\u2013 for unknown).
    ``themes``: the themes file as a dict (preferred: it gives the ``other`` definition) or the table of
    :func:`~upskilling.integrate.inputs.read_themes`; ``segments``: results/interviews/segments.csv;
    ``validation``: validation.json (whether a human coding exists).
    """
    rows = _theme_rows(themes)
    theme = segments["theme"].astype(str)
    model = segments["theme_source"].astype(str) == "model"
    coding = V.has_coding(validation)
    hum, scope = human_codes(segments)
    n_all = theme.value_counts()
    n_model = theme[model].value_counts()
    n_hum = hum[hum != ""].value_counts()
    people = segments.assign(theme=theme).groupby("theme")["participant_id"].nunique()
    out = []
    for r in rows:
        t = r["id"]
        row = {**r, "reserved": bool(r.get("reserved", False)), "claim": r["claim"] or None,
               "n_coded": int(n_hum.get(t, 0)) if coding else None,
               "n_predicted": int(n_model.get(t, 0)), "n_segments": int(n_all.get(t, 0)),
               "n_participants": int(people.get(t, 0)), "coded_scope": scope if coding else ""}
        row.update({f"{k}_text": "\u2013" if row[k] is None else str(row[k])
                    for k in ("n_coded", "n_predicted", "n_segments", "n_participants")})
        row["claim_text"] = row["claim"] or "\u2013"
        out.append(row)
    return out


# ------------------------------------------------------------------ the methods paragraph
def interview_settings(config: dict) -> dict:
    """The ``interviews`` settings of :data:`READS` with every default filled (a config without an
    ``interviews`` section gets the schema's defaults): ``config`` is the whole config or its part
    ``narrow(config, READS)``."""
    full = {**config, "interviews": validate(copy.deepcopy(config.get("interviews") or {}),
                                             "config_interviews.schema.yaml", SOURCE)}
    return narrow(full, READS)


def _ids(ids) -> str:
    return ", ".join(map(str, ids)) if ids else "none"


def _n(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else (many or one + 's')}"


def _num(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def _segmentation(seg: dict, validation: dict) -> str:
    if seg["window"] == 0:
        unit = ("Each participant turn was one segment (interviews.segmentation.window = 0, the unit the human "
                "coder coded)")
    else:
        stride = seg["stride"] or seg["window"]
        unit = (f"Participant turns were cut into windows of {_n(seg['window'], 'sentence')} starting every "
                f"{_n(stride, 'sentence')} (interviews.segmentation.window, stride)")
    text = f"{unit}; segments shorter than {_n(seg['min_words'], 'word')} were dropped"
    kept, dropped = validation.get("n_segments"), validation.get("n_dropped_segments")
    if kept is not None and dropped is not None:
        text += f" ({dropped} dropped, {kept} analysed)"
    return text + "."


def _coding(st: dict, validation: dict, segments: pd.DataFrame | None) -> list[str]:
    iv, coding = st["interviews"], st["interviews"]["coding"]
    used = V.mode_used(validation)
    rule = (": few-shot when a human coding with training participants exists, else zero-shot"
            if coding["use"] == "auto" else "")
    out = [f"Each segment was coded deductively with a theme of config/themes.yaml or 'other', in two modes "
           f"that are both always computed; the joint display uses the {V.mode_label(used)} coding "
           f"(interviews.coding.use = {coding['use']}{rule})."]
    zs = coding["zero_shot"]
    out.append(f"The zero-shot coder assigns the most similar codebook prototype (the participant-centred "
               f"answer plus {_num(coding['context_weight'])} times the interviewer's preceding question; "
               f"'other' bias {_num(zs['other_bias'])}, softmax temperature {_num(zs['temperature'])}).")
    if not V.has_coding(validation):
        source = iv["human_coding"] or "none (interviews.human_coding is empty)"
        out.append(f"There is no human coding (interviews.human_coding: {source}; validation.json: "
                   f"\u201c{V.note(validation)}\u201d), so no coder was trained and no agreement with a human "
                   "coder can be computed.")
        return out
    split = V.split_ids(validation)
    train = split["training"]
    tr_cfg = coding["training"]
    declared = list(tr_cfg["participants"])
    if declared:
        how = "as declared in interviews.coding.training.participants"
        if sorted(declared) != sorted(train):
            how += (f" (but validation.json records {_ids(train)}, the config declares {_ids(declared)}: "
                    "rerun the interview stage)")
    else:
        how = (f"drawn from the development half as a share of {_num(tr_cfg['share'])} of the coded "
               f"participants with seed {_seed(tr_cfg['seed'], validation, 'training')} "
               "(interviews.coding.training.share)")
    turns = ""
    if segments is not None and "theme_source" in segments:
        hs = segments[segments["theme_source"].astype(str) == "human"]
        if len(hs):
            turns = (f"; their {_n(int(hs['turn_id'].nunique()), 'human-coded turn')} "
                     f"({_n(len(hs), 'segment')}) keep the human code in the joint display")
    elif (validation.get("theme_source_counts") or {}).get("human") is not None:
        turns = (f"; {_n(int(validation['theme_source_counts']['human']), 'segment')} of their turns keep "
                 "the human code in the joint display")
    fs = coding["few_shot"]
    out.append(f"The few-shot coder (multinomial logistic regression on the answer, its participant-centred "
               f"version and the preceding question; C = {_num(fs['C'])}, class weights {fs['class_weight']}) "
               f"was trained only on the human codes of {_n(len(train), 'training participant')}, "
               f"{_ids(train)}, {how}{turns}.")
    sp = coding["split"]
    if sp["development"]:
        how = "declared in interviews.coding.split.development; the test half is every other coded participant"
    else:
        how = (f"a share of {_num(sp['share'])} of the coded participants drawn with seed "
               f"{_seed(sp['seed'], validation, 'split')} (interviews.coding.split)")
    dev, test = split["development"], split["test"]
    out.append(f"Agreement with the human coding was measured by participant, never by turn, on participants "
               f"whose codes the coder did not see: a development half of {len(dev)} ({_ids(dev)}; every "
               f"setting was chosen on it, its training participants not scored) and a test half of "
               f"{len(test)} ({_ids(test)}), {how}.")
    tried = validation.get("n_configurations_tried")
    if tried is None:
        out.append("The number of coding configurations tried while choosing these settings is not recorded "
                   "in validation.json.")
    else:
        out.append(f"{_n(int(tried), 'configuration')} of the coding were tried on the development half "
                   "(validation.json).")
    seeds = V.robustness(validation).get("seeds") or []
    if used == "few_shot":
        k = len(seeds) or coding["robustness"]["n_seeds"]
        listed = f"; seeds {_ids(seeds)}" if seeds else ""
        out.append(f"For robustness the few-shot coder was re-trained on "
                   f"{_n(k, 'seeded participant-level bootstrap resample')} of the training participants "
                   f"(interviews.coding.robustness{listed}).")
    return out


def _seed(value, validation: dict, key: str):
    """The declared seed, or the one derived from the master seed as validation.json records it."""
    if value is not None:
        return value
    derived = ((validation.get("split") or {}).get("seeds") or {}).get(key)
    return f"{derived}, derived from the master seed" if derived is not None else "derived from the master seed"


def _topics(st: dict, validation: dict, provenance: dict | None) -> list[str]:
    from ..interviews.topics import scaled_params  # the rule the topic stage applies

    tp = st["interviews"]["topics"]
    top = V.topics(validation)
    if tp["min_cluster_size"]:
        mcs = f"a minimum cluster size of {tp['min_cluster_size']} (interviews.topics.min_cluster_size)"
    else:
        mcs = (f"a minimum cluster size scaled to the corpus: {_num(tp['min_cluster_share'])} times the "
               f"number of segments, at least {tp['min_cluster_floor']}")
    n = validation.get("n_segments")
    effective = ""
    if n:
        try:
            p = scaled_params(int(n), tp)
        except InputError:
            p = None
        if p:
            mcs += f" ({p['min_cluster_size']} for the {n} segments)"
            capped = [f"{k} {tp[k]} \u2192 {p[k]}" for k in ("n_neighbors", "n_components") if p[k] != tp[k]]
            if capped:
                effective = f" (capped for the {n} segments: {', '.join(capped)})"
    samples = (f"min_samples {tp['min_samples']} (at most the minimum cluster size)" if tp["min_samples"]
               else "min_samples half the minimum cluster size")
    centre = {"participant": "centred on each participant's mean embedding",
              "corpus": "centred on the corpus mean", "none": "not centred"}[tp["center"]]
    guidance = {"none": "purely inductive (the themes only name each topic's nearest theme)",
                "zeroshot": "guided by the themes as zero-shot topics",
                "guided": "guided by the themes' seed words"}[tp["guidance"]]
    model = (provenance or {}).get("model") or {}
    emb = f" ({model['name']})" if model.get("name") else ""
    out = [f"Inductive topics were found with BERTopic on the same sentence embeddings{emb}, {centre}, "
           f"{guidance}: UMAP with n_neighbors = {tp['n_neighbors']}, n_components = {tp['n_components']} and "
           f"min_dist = {_num(tp['min_dist'])}{effective}, then HDBSCAN with {mcs}, {samples} and "
           f"cluster selection '{tp['cluster_selection']}'."]
    oc = tp["outliers"]
    if oc["strategy"] == "none":
        text = "Outliers were kept as their own topic (mapped to 'other')"
    else:
        text = (f"Outliers were reassigned with BERTopic's '{oc['strategy']}' strategy "
                f"(threshold {_num(oc['threshold'])})")
    before, after = top.get("outlier_share_before"), top.get("outlier_share_after")
    if before is not None and after is not None:
        text += f": the outlier share went from {100 * before:.1f}% to {100 * after:.1f}%"
    out.append(text + ".")
    seeds = (provenance or {}).get("seeds") or {}
    stab = top.get("stability") or {}
    text = f"Seeds derive from the master seed {st['seed']}" if "seed" in st else "Seeds derive from the master seed"
    if seeds.get("interviews.topics") is not None:
        text += f" (topic model: {seeds['interviews.topics']})"
    declared = st["interviews"]["stability"]
    n_stab = len(stab.get("seeds") or declared["seeds"]) or declared["n_seeds"]
    text += f"; the topic model was re-fitted with {_n(n_stab, 'seed')} to measure its stability"
    if stab.get("mean_pairwise_ari") is not None:
        text += f" (mean pairwise ARI {stab['mean_pairwise_ari']:.2f})"
    out.append(text + ".")
    return out


def methods_paragraph(config: dict, validation: dict, segments: pd.DataFrame | None = None,
                      provenance: dict | None = None) -> str:
    """The methods paragraph of the interview analysis (template variable ``methods_text``).

    ``config``: the whole config or its part ``narrow(config, READS)`` (the report rule's params);
    ``validation``: validation.json (what the interview stage did: mode used, split, seeds, outlier
    shares); optional ``segments`` (results/interviews/segments.csv: counts the human-coded training
    turns) and ``provenance`` (provenance.json: the embedding model's name and the topic model's seed).
    """
    st = interview_settings(config)
    parts = [_segmentation(st["interviews"]["segmentation"], validation)]
    parts += _coding(st, validation, segments)
    parts += _topics(st, validation, provenance)
    return " ".join(parts)
