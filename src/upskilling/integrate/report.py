"""The findings report: one self-contained HTML file laid out as a paper's results section.

Figures are embedded as base64 PNG, the style sheet is inline, and nothing is fetched from the
network. Text is rendered by Jinja2 with auto-escaping (interview quotes are data, never markup).
Every number comes from a pipeline output; nothing is computed here that a table does not already
hold, except formatting and the caveats (:mod:`upskilling.integrate.caveats`).
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..survey.codebook import load_codebook
from ..survey.plan import claim_specs
from . import caveats as caveat_rules
from . import fit as fitrules
from . import fmt
from . import html
from . import inputs as io
from . import joint
from . import report_sections
from .hypothesis_rows import agree_note, claim_tests, corrections_summary, plan_view, scale_span
from . import validation as V
from .settings import narrow

CAPTION_FOLDER = "report/captions"  # beside the Snakefile: integrate_<figure>.rst, one per figure


def figure_captions(folder: str | Path, names) -> dict[str, str]:
    """Each figure's caption, read from ``<folder>/integrate_<name>.rst``: the one caption of a figure, shown
    by Snakemake's report (the rule's ``report(caption=...)``) and by results/report.html (its ``literals`` as
    plain text). A figure without
    its file is a one-line error naming the file to write."""
    out = {}
    for name in names:
        path = Path(folder) / f"integrate_{name}.rst"
        if not path.is_file():
            raise InputError(f"{path}: caption of figure {name!r} not found; write it (one paragraph of text)")
        text = " ".join(path.read_text(encoding="utf-8").split())
        out[name] = re.sub(r"``([^`]+)``", r"\1", text)  # reStructuredText literals as plain text
    return out

#: The settings the report reads (dotted paths into the config, see
#: :func:`upskilling.integrate.settings.narrow`); rule integrate_report gets only these as params. The
#: claims in words (titles, statements, figures per claim) come from the analysis plan (an input file).
#: The config the report shows is the one recorded in provenance.json.
READS = ["integration.caveats", "integration.figures.dpi", *report_sections.READS]

#: Rows of the side-by-side comparison of the coding modes (metric keys of an agreement summary).
COMPARE_ROWS = [
    ("Segments (participants)", None),
    ("Cohen's \u03ba [95% CI]", None),
    ("Krippendorff's \u03b1", "krippendorff_alpha"),
    ("Accuracy", "accuracy"),
    ("Macro F1", "macro_f1"),
    ("Lowest theme F1", "min_theme_f1"),
    ("Largest |share difference| (coded vs. predicted)", "max_abs_share_difference"),
]


def _embed(path: str | Path) -> tuple[str, int]:
    """(data URI, width in pixels) of a PNG file."""
    data = Path(path).read_bytes()
    if not data.startswith(b"\x89PNG") or len(data) < 24:
        raise io.InputError(f"{path}: not a PNG file; rerun the figure's rule")
    width = int.from_bytes(data[16:20], "big")  # IHDR: width is the first field
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), width



def _kappa_ci(s: dict | None) -> str:
    """'0.72 [0.60, 0.81]' from an agreement summary (the CI left out when absent)."""
    if not s:
        return "\u2013"
    text = fmt.num(s.get("kappa"), 2)
    if not (V.missing(s.get("kappa_ci_low")) or V.missing(s.get("kappa_ci_high"))):
        text += f" [{fmt.num(s['kappa_ci_low'], 2)}, {fmt.num(s['kappa_ci_high'], 2)}]"
    return text


def _compare(val: dict, split: str) -> list[dict]:
    """Rows of :data:`COMPARE_ROWS`, one value per coding mode (zero-shot first)."""
    rows = []
    for label, key in COMPARE_ROWS:
        values = []
        for m in V.modes(val):
            s = V.summary(val, m, split)
            if s is None:
                values.append("\u2013")
            elif label.startswith("Segments"):
                values.append(f"{_value(s.get('n'))} ({_value(s.get('n_participants'))})")
            elif label.startswith("Cohen"):
                values.append(_kappa_ci(s))
            else:
                values.append(fmt.num(s.get(key), 2))
        rows.append({"label": label, "values": values})
    return rows


def _flat(d, prefix: str = "") -> list[dict]:
    """Scalar entries of a (nested) dict as [{'label': 'a.b', 'value': text}] (lists joined)."""
    out = []
    for k, v in (d or {}).items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += _flat(v, key + ".")
        elif isinstance(v, list):
            if all(not isinstance(x, (dict, list)) for x in v):
                out.append({"label": key, "value": ", ".join(_value(x) for x in v) or "\u2013"})
        else:
            out.append({"label": key, "value": _value(v)})
    return out


def _value(x) -> str:
    if x is None or (isinstance(x, float) and V.missing(x)):
        return "\u2013"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return fmt.num(x, 3)
    return str(x)


def _count(x) -> str:
    return "\u2013" if V.missing(x) else str(int(float(x)))


# --- the tests of a claim ------------------------------------------------------------------------

#: Files beside the report (results/report.html) that it links to: (relative link, what it is).
FILES = [
    ("notebooks/survey.ipynb", "Survey notebook: the survey results re-derived from scored.csv"),
    ("notebooks/interviews.ipynb", "Interviews notebook: segments, topics, theme coding and its agreement"),
    ("notebooks/integration.ipynb", "Integration notebook: the joint display re-derived"),
    ("claims.csv", "The joint display as a table, one row per claim"),
    ("interviews/project.qdpx", "REFI-QDA project of the coded interviews (opens in QDA software)"),
    ("provenance.json", "Provenance: commit, inputs with SHA-256, package versions, configuration"),
]

def coding_context(val: dict, segments: pd.DataFrame | None, theme_label: dict[str, str]) -> dict:
    """What the report says about the theme coding: whether a human coding exists, the coding modes
    side by side (test half, and the development half), the mode the joint display uses, the human-coded
    training turns, the per-theme agreement, the labelling budget, the robustness over seeds and the
    topic model's diagnostics."""
    coding = V.has_coding(val)
    used = V.mode_used(val)
    theme_order = list(theme_label)

    def order(t):
        return (theme_order.index(t) if t in theme_order else len(theme_order), t)

    per_theme = []
    pt = V.per_theme(val)
    for t in sorted(pt.index, key=order):
        m = pt.loc[t].to_dict()
        per_theme.append({"theme": t, "label": theme_label.get(t, t),
                          "support": _count(m.get("support")), "n_predicted": _count(m.get("n_predicted")),
                          **{k: fmt.num(m.get(k), 2) for k in ("precision", "recall", "f1")},
                          **{k: fmt.pct(m.get(k), 1) for k in ("share_coded", "share_predicted")}})
    human = None
    if segments is not None:
        hs = segments[segments["theme_source"].astype(str) == "human"]
        turns = hs.drop_duplicates("turn_id").sort_values("turn_id")
        human = {"n_segments": int(len(hs)), "n_turns": int(len(turns)), "n_all": int(len(segments)),
                 "participants": ", ".join(sorted(turns["participant_id"].astype(str).unique())),
                 "turns": [{"participant": pid, "turns": ", ".join(g["turn_id"].astype(str))}
                           for pid, g in turns.groupby("participant_id", sort=True)],
                 "modes": ", ".join(f"{V.mode_label(m)} {n}" for m, n in
                                    segments["coding_mode"].astype(str).value_counts().sort_index().items())}
    split = V.split_ids(val)
    budget = [{"size": _value(b.get("size")), "mean": fmt.num(b.get("mean"), 2),
               "range": f"[{fmt.num(b.get('min'), 2)}, {fmt.num(b.get('max'), 2)}]",
               "n_repeats": _value(b.get("n_repeats"))} for b in (val.get("budget") or [])]
    rob = V.robustness(val)
    shares = rob.get("theme_share") or {}
    rob_rows = [{"label": theme_label.get(t, t), "min": fmt.pct(shares[t].get("min"), 1),
                 "max": fmt.pct(shares[t].get("max"), 1)} for t in sorted(shares, key=order)]
    rob_extra = [r for r in _flat({k: v for k, v in rob.items() if k not in ("seeds", "theme_share")})
                 if "." not in r["label"]]  # scalars only (per-theme counts are in the share table)
    top = V.topics(val)
    stab = top.get("stability") or {}
    align = top.get("protocol_alignment") or {}
    dropped = val.get("dropped_by_reason") or {}
    topic_rows = [
        ("Topics", top.get("n_topics")),
        ("Outlier share before reduction", top.get("outlier_share_before")),
        ("Outlier share after reduction", top.get("outlier_share_after")),
        ("Topic coherence (NPMI)", top.get("coherence_npmi")),
        ("Stability across seeds (mean pairwise ARI)", stab.get("mean_pairwise_ari")),
        ("Alignment with the protocol questions (AMI)", align.get("ami")),
        ("Topics follow the protocol", align.get("follows_protocol")),
        ("Segments analysed", val.get("n_segments")),
        ("Segments dropped", val.get("n_dropped_segments")),
    ]
    topic_rows = [{"label": lab, "value": _value(v)} for lab, v in topic_rows]
    if dropped:
        topic_rows[-1]["value"] += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(dropped.items())) + ")"
    return {
        "human_coding": coding, "note": V.note(val),
        "mode_used": used, "mode_label": V.mode_label(used),
        "kappa": _kappa_ci(V.summary(val)) if coding else "\u2013",
        "modes": [{"key": m, "label": V.mode_label(m).capitalize(), "used": m == used} for m in V.modes(val)],
        "compare_test": _compare(val, "test") if coding else [],
        "compare_dev": _compare(val, "development") if coding else [],
        "split": {k: {"n": len(v), "ids": ", ".join(map(str, v))} for k, v in split.items()},
        "human": human, "per_theme": per_theme, "budget": budget,
        "anchoring": _flat(val.get("anchoring")) if isinstance(val.get("anchoring"), dict) else [],
        "robustness": {"seeds": ", ".join(map(str, rob.get("seeds") or [])), "n_seeds": len(rob.get("seeds") or []),
                       "retrained": coding and used == "few_shot",
                       "rows": rob_rows, "extra": rob_extra},
        "topics": topic_rows,
    }


def build_context(paths: dict, figures: dict[str, str], config: dict,
                  skipped: dict[str, str] | None = None, captions: dict[str, str] | None = None) -> dict:
    """Everything the template shows. ``paths`` keys: flow, reliability, descriptives, hypotheses,
    analysis, claims, claims_participants, theme_prevalence, topics, validation, provenance, themes,
    codebook and optionally segments (to name the human-coded training turns); ``figures`` maps figure
    name -> PNG path; ``skipped`` maps a figure not drawn to the reason (shown where it would be);
    ``config`` is the whole config or its part ``narrow(config, READS)`` (the rule's params)."""
    st = narrow(config, READS)["integration"]
    skipped = dict(skipped or {})
    captions = dict(captions or {})  # figure name -> caption (figure_captions); the name where none is given
    specs = claim_specs(paths["analysis"])
    cb = load_codebook(paths["codebook"])
    labels = cb.construct_labels()
    survey = io.survey_tables(paths)
    flow, reliability, descriptives, hypotheses = (survey[k] for k in ("flow", "reliability", "descriptives",
                                                                       "hypotheses"))
    claims = pd.read_csv(paths["claims"], keep_default_na=False, na_values=[""])
    linked = pd.read_csv(paths["claims_participants"], dtype={"respondent_id": str, "participant_id": str})
    prevalence = io.read_table(paths["theme_prevalence"], "theme_prevalence")
    validation = V.read(paths["validation"])
    segments = io.read_table(paths["segments"], "segments") if paths.get("segments") else None
    provenance = io.read_json(paths["provenance"])
    themes = io.read_themes(paths["themes"])
    theme_label = io.theme_labels(themes)
    cav = caveat_rules.caveats(reliability, hypotheses, validation, prevalence, claims, st["caveats"])

    order = []

    def figure(name):
        """A figure to show; one already shown is returned as a reference (repeat=True, no image)."""
        if name not in figures:
            return None
        repeat = name in order
        if not repeat:
            order.append(name)
        src, width = (None, 0) if repeat else _embed(figures[name])
        # show the figure at its drawn size (inches x 96 CSS px), never wider than the page
        css_width = round(width / st["figures"]["dpi"] * 96)
        return {"name": name, "number": order.index(name) + 1, "repeat": repeat, "src": src,
                "width": css_width, "caption": captions.get(name, name)}

    extra = report_sections.context(paths, config, claims, linked, segments, validation, provenance,
                                    hypotheses, descriptives, cb)
    sample = {
        **extra["sample_extra"],
        "raw": int(flow["n_remaining"].iloc[0]), "analysed": int(flow["n_remaining"].iloc[-1]),
        "steps": io.records(flow.iloc[1:]),
        "n_steps": int(((flow["n_removed"] > 0) & (flow.index > 0)).sum()),
        "n_interviewees": int(prevalence["participant_id"].nunique()),
        "n_linked": int(linked["in_survey"].sum()) if "in_survey" in linked else 0,
        "n_segments": int(prevalence["n_segments"].sum()),
        "n_dropped": validation.get("n_dropped_segments"),
        "figure": figure("participant_flow"),
    }
    sample["share_analysed"] = fmt.pct(sample["analysed"] / sample["raw"]) if sample["raw"] else "\u2013"
    low_alpha = set(cav.loc[cav["kind"] == "low_alpha", "subject"])
    rel = []
    for r in io.records(reliability):
        d = descriptives[(descriptives["variable"] == r["scale"]) & (descriptives["kind"] == "scale")]
        dd = d.iloc[0].to_dict() if len(d) else {}
        rel.append({
            "scale": r["scale"], "label": labels.get(r["scale"], r["scale"]), "n_items": r["n_items"],
            "n": r["n"], "alpha": fmt.num(r["alpha"], 2, lead=False),
            "alpha_ci": f"[{fmt.num(r['alpha_ci_low'], 2, lead=False)}, {fmt.num(r['alpha_ci_high'], 2, lead=False)}]",
            "omega": fmt.num(r["omega_total"], 2, lead=False), "low": r["scale"] in low_alpha,
            "mean": fmt.num(dd.get("mean")), "sd": fmt.num(dd.get("sd")), "median": fmt.num(dd.get("median")),
            "pct_agree": fmt.percent(dd.get("pct_agree")),
        })

    claim_blocks = []
    plan = plan_view(paths["analysis"])
    for r in io.records(claims):
        cid = r["claim"]
        headline = r.get("headline") or specs.get(cid, {}).get("headline") or r["hypothesis"]
        tests = claim_tests(hypotheses, cid, cb, plan, headline, r["hypothesis"])
        themes_here = [t for t in str(r["themes"] or "").split("; ") if t]
        shares = dict(s.rsplit(" ", 1) for s in str(r["theme_shares"] or "").split("; ") if s)
        people = dict(s.rsplit(" ", 1) for s in str(r["theme_participants"] or "").split("; ") if s)
        quotes = [{"text": r[f"quote_{i}"], "source": r[f"quote_{i}_source"]}
                  for i in (1, 2) if r.get(f"quote_{i}")]
        wanted = specs.get(cid, {}).get("figures", [])
        figs = [f for f in (figure(n) for n in wanted) if f]
        figure_notes = [f"Figure {n} not drawn: {skipped[n]}." for n in wanted if n in skipped]
        claim_blocks.append({
            **r, "estimate": fmt.estimate(r), "p_fmt": fmt.pvalue(r["p"]), "p_adj_fmt": fmt.pvalue(r["p_adjusted"]),
            "p_sentence": f"{fmt.p_text(r['p'])}, {fmt.p_text(r['p_adjusted'], 'adjusted p')}",
            "p_deciding": fmt.p_text(r["p_adjusted"]),
            "statistic_fmt": fmt.statistic(r), "tests": tests, "headline": headline,
            "headline_test": next((t for t in tests if t["headline"]), None),
            "primary_test": next((t for t in tests if t["hypothesis"] == r["hypothesis"]), None),
            "test_label": fmt.test_label(r),
            "parts_list": [x for x in str(r.get("parts") or "").split("; ") if x], "quotes": quotes, "figures": figs,
            "figure_notes": figure_notes, "statement": r.get("statement") or specs.get(cid, {}).get("statement", ""),
            "theme_rows": [{"id": t, "label": theme_label.get(t, t), "share": shares.get(t, "\u2013"),
                            "participants": people.get(t, "\u2013")} for t in themes_here],
            "fit_rule": (f"integration.fit.{r['verdict'].replace(' ', '_')}.{r['qual_direction']}"
                         if r["qual_direction"] in fitrules.DIRECTIONS else "no fit rule: " + r["fit"]),
            "seeds": joint.k_of_n(r), "fit_over_seeds": r.get("fit_over_seeds") or "",
            "seeds_split": ";" in str(r.get("fit_over_seeds") or ""),
            "direction_over_seeds": r.get("direction_over_seeds") or "",
            "caveats": list(cav.loc[(cav["subject"] == cid) | (cav["subject"].isin(
                list(hypotheses.loc[hypotheses["claim"] == cid, "hypothesis"])) | cav["subject"].isin(themes_here)),
                "message"]),
        })

    constructs = [c for c in cb.constructs if c in linked.columns]
    share_cols = [c for c in linked.columns if c.startswith("share_")]
    people_rows = []
    for r in io.records(linked):
        people_rows.append({
            "participant_id": r["participant_id"], "in_survey": bool(r.get("in_survey")),
            "scores": [fmt.num(r.get(c)) for c in constructs],
            "shares": [fmt.pct(r.get(c)) if r.get(c) is not None else "\u2013" for c in share_cols]})

    coding = coding_context(validation, segments, theme_label)

    joint_figure = figure("joint_display")
    interview_figures = [f for f in (figure("topic_keywords"), figure("theme_prevalence_by_participant")) if f]
    other_figures = [figure(n) for n in sorted(figures) if n not in order]

    prov_inputs = [{"path": p, "sha256": v.get("sha256", ""), "bytes": v.get("bytes")}
                   for p, v in sorted((provenance.get("inputs") or {}).items())]
    prov_packages = sorted((provenance.get("packages") or {}).items())
    git = provenance.get("git") or {}
    return {
        "title": "Upskilling with Generative AI: results",
        "wave": paths.get("wave", ""),
        "synthetic": bool(paths.get("synthetic", False)),
        "sample": sample, "reliability": rel, "claims": claim_blocks,
        "files": [{"href": h, "what": w} for h, w in FILES],
        "agree_note": agree_note(cb, [r["scale"] for r in rel]),
        "scale_span": scale_span(cb, [r["scale"] for r in rel]),
        "corrections": corrections_summary(hypotheses, plan),
        "joint_figure": joint_figure,
        "people": {"constructs": [labels.get(c, c) for c in constructs],
                   "themes": [theme_label.get(c[6:], c[6:]) for c in share_cols], "rows": people_rows},
        "interview_figures": interview_figures,
        "coding": coding,
        "caveats": io.records(cav),
        "provenance": {"git": git, "python": provenance.get("python"), "platform": provenance.get("platform"),
                       "seeds": ", ".join(f"{k}: {v}" for k, v in sorted((provenance.get("seeds") or {}).items())),
                       "model": provenance.get("model"),
                       "inputs": prov_inputs, "packages": prov_packages,
                       "config": json.dumps(provenance.get("config", config), indent=2, sort_keys=True, default=str)},
        "other_figures": other_figures,
        "figure_order": order,
        "skipped_figures": [{"name": n, "reason": why} for n, why in skipped.items()],
        "unplanned": [{"claim": c, "themes": ", ".join(theme_label.get(t, t) for t in ts)}
                      for c, ts in sorted(joint.unplanned_themes(themes, list(specs)).items())],
        **{k: v for k, v in extra.items() if k != "sample_extra"},
    }


def render(context: dict) -> str:
    """Render the findings report template with ``context``."""
    return html.render("report.html.j2", context)


def write(paths: dict, figures: dict[str, str], out: str, config: dict,
          skipped: dict[str, str] | None = None, captions: dict[str, str] | None = None) -> None:
    """Build the context, render and write ``out`` (UTF-8)."""
    html = render(build_context(paths, figures, config, skipped, captions))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(html, encoding="utf-8")
