"""The findings report: one self-contained HTML file laid out as a paper's results section.

Figures are embedded as base64 PNG, the style sheet is inline, and nothing is fetched from the
network. Text is rendered by Jinja2 with auto-escaping (interview quotes are data, never markup).
Every number comes from a pipeline output; nothing is computed here that a table does not already
hold, except formatting and the caveats (:mod:`upskilling.integrate.caveats`).
"""
from __future__ import annotations

import base64
import json
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from . import caveats as caveat_rules
from . import fmt
from . import inputs as io
from .codebook import Codebook
from .settings import settings as integration_settings

#: Figure captions in the report (the Snakemake report's captions are in report/captions/*.rst).
CAPTIONS = {
    "participant_flow": "Participant flow. Each box gives the rows remaining after a cleaning step of the "
                        "survey export; boxes on the right give the rows removed and why. The last box is "
                        "the interview sample.",
    "likert_constructs": "Responses to every Likert item, grouped by construct. Bars are centred on the "
                         "neutral answer; reverse-coded items (R) are shown after reversal.",
    "motivation_survival_vs_growth": "Survival against growth motivation per respondent: (a) each "
                                     "respondent's two scale means against the line of equality (points "
                                     "jittered for visibility); (b) the paired differences.",
    "barrier_scales": "Barrier scale scores: respondents' scores (dots), means with 95% t-based confidence "
                      "intervals (diamonds) and the scale midpoint tested against.",
    "learning_resources_ai_use": "Learning resources and AI use: (a) the one primary resource with 95% "
                                 "Wilson intervals, generative AI highlighted; (b) how often each resource "
                                 "is used; (c) how often AI is used for work and for learning; (d) learning "
                                 "activities done with AI.",
    "topic_keywords": "Topics found in the interview segments, grouped by the theme each was mapped to, "
                      "with their size and top keywords.",
    "theme_prevalence_by_participant": "Theme prevalence by interviewee: colour is the share of the "
                                       "participant's segments, the number is the count of segments.",
    "joint_display": "The joint display: for each claim, the survey verdict of its primary test, the "
                     "prevalence of its interview themes, and the fit of the two strands.",
}

VALIDATION_LABELS = [
    ("kappa", "Cohen's kappa with the human coding"),
    ("ari", "Adjusted Rand index with the human coding"),
    ("coherence_npmi", "Topic coherence (NPMI)"),
    ("outlier_share_before", "Outlier share before reduction"),
    ("outlier_share_after", "Outlier share after reduction"),
    ("n_segments", "Segments analysed"),
    ("n_dropped_segments", "Segments dropped"),
]


def _embed(path: str | Path) -> tuple[str, int]:
    """(data URI, width in pixels) of a PNG file."""
    data = Path(path).read_bytes()
    if not data.startswith(b"\x89PNG") or len(data) < 24:
        raise io.InputError(f"{path}: not a PNG file; rerun the figure's rule")
    width = int.from_bytes(data[16:20], "big")  # IHDR: width is the first field
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), width


def _records(df: pd.DataFrame) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


def build_context(paths: dict, figures: dict[str, str], config: dict) -> dict:
    """Everything the template shows. ``paths`` keys: flow, reliability, descriptives, hypotheses,
    claims, claims_participants, theme_prevalence, topics, validation, provenance, themes, codebook;
    ``figures`` maps figure name -> PNG path."""
    st = integration_settings(config)
    cb = Codebook(io.read_yaml(paths["codebook"]), str(paths["codebook"]))
    labels = cb.construct_labels()
    flow = io.read_table(paths["flow"], "flow")
    reliability = io.read_table(paths["reliability"], "reliability")
    descriptives = io.read_table(paths["descriptives"], "descriptives")
    hypotheses = io.read_hypotheses(paths["hypotheses"])
    claims = pd.read_csv(paths["claims"], keep_default_na=False, na_values=[""])
    linked = pd.read_csv(paths["claims_participants"])
    prevalence = io.read_table(paths["theme_prevalence"], "theme_prevalence")
    validation = io.read_json(paths["validation"])
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
                "width": css_width, "caption": CAPTIONS.get(name, name)}

    sample = {
        "raw": int(flow["n_remaining"].iloc[0]), "analysed": int(flow["n_remaining"].iloc[-1]),
        "steps": _records(flow.iloc[1:]),
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
    for r in _records(reliability):
        d = descriptives[(descriptives["variable"] == r["scale"]) & (descriptives["kind"] == "scale")]
        dd = d.iloc[0].to_dict() if len(d) else {}
        rel.append({
            "scale": r["scale"], "label": labels.get(r["scale"], r["scale"]), "n_items": r["n_items"],
            "n": r["n"], "alpha": fmt.num(r["alpha"], 2, lead=False),
            "alpha_ci": f"[{fmt.num(r['alpha_ci_low'], 2, lead=False)}, {fmt.num(r['alpha_ci_high'], 2, lead=False)}]",
            "omega": fmt.num(r["omega_total"], 2, lead=False), "low": r["scale"] in low_alpha,
            "mean": fmt.num(dd.get("mean")), "sd": fmt.num(dd.get("sd")), "median": fmt.num(dd.get("median")),
            "pct_agree": fmt.num(dd.get("pct_agree"), 0) + "%" if dd.get("pct_agree") is not None else "\u2013",
        })

    claim_blocks = []
    for r in _records(claims):
        cid = r["claim"]
        tests = []
        for h in _records(hypotheses[hypotheses["claim"] == cid]):
            tests.append({"hypothesis": h["hypothesis"], "test": h["test"], "variables": h["variables"],
                          "alternative": h["alternative"], "statistic": fmt.statistic(h),
                          "estimate": fmt.estimate(h), "p": fmt.pvalue(h["p"]),
                          "p_adjusted": fmt.pvalue(h["p_adjusted"]), "correction": h["correction"],
                          "verdict": h["verdict"], "primary": bool(h["primary"])})
        themes_here = [t for t in str(r["themes"] or "").split("; ") if t]
        shares = dict(s.rsplit(" ", 1) for s in str(r["theme_shares"] or "").split("; ") if s)
        people = dict(s.rsplit(" ", 1) for s in str(r["theme_participants"] or "").split("; ") if s)
        quotes = [{"text": r[f"quote_{i}"], "source": r[f"quote_{i}_source"]}
                  for i in (1, 2) if r.get(f"quote_{i}")]
        figs = [f for f in (figure(n) for n in st["claims"].get(cid, {}).get("figures", [])) if f]
        claim_blocks.append({
            **r, "estimate": fmt.estimate(r), "p_fmt": fmt.pvalue(r["p"]), "p_adj_fmt": fmt.pvalue(r["p_adjusted"]),
            "p_sentence": f"{fmt.p_text(r['p'])}, {fmt.p_text(r['p_adjusted'], 'adjusted p')}",
            "p_deciding": fmt.p_text(r["p_adjusted"]),
            "statistic_fmt": fmt.statistic(r), "tests": tests,
            "test_label": fmt.test_label(r),
            "parts_list": [x for x in str(r.get("parts") or "").split("; ") if x], "quotes": quotes, "figures": figs,
            "theme_rows": [{"id": t, "label": theme_label.get(t, t), "share": shares.get(t, "\u2013"),
                            "participants": people.get(t, "\u2013")} for t in themes_here],
            "fit_rule": f"integration.fit.{r['verdict'].replace(' ', '_')}.{r['qual_direction']}",
            "caveats": list(cav.loc[(cav["subject"] == cid) | (cav["subject"].isin(
                list(hypotheses.loc[hypotheses["claim"] == cid, "hypothesis"])) | cav["subject"].isin(themes_here)),
                "message"]),
        })

    constructs = [c for c in cb.constructs if c in linked.columns]
    share_cols = [c for c in linked.columns if c.startswith("share_")]
    people_rows = []
    for r in _records(linked):
        people_rows.append({
            "participant_id": r["participant_id"], "in_survey": bool(r.get("in_survey")),
            "scores": [fmt.num(r.get(c)) for c in constructs],
            "shares": [fmt.pct(r.get(c)) if r.get(c) is not None else "\u2013" for c in share_cols]})

    val_rows = [{"label": lab, "value": validation.get(k)} for k, lab in VALIDATION_LABELS]
    stability = validation.get("stability") or {}
    val_rows.insert(2, {"label": "Stability across seeds (mean pairwise ARI)",
                        "value": stability.get("mean_pairwise_ari")})
    kos = validation.get("kappa_over_seeds") or {}
    if kos.get("mean") is not None:
        val_rows.insert(1, {"label": f"Kappa across {kos.get('n_runs', '')} seeds: mean [min, max]",
                            "value": f"{fmt.num(kos['mean'], 3)} [{fmt.num(kos.get('min'), 3)}, "
                                     f"{fmt.num(kos.get('max'), 3)}]"})
    for v in val_rows:
        x = v["value"]
        v["value"] = "\u2013" if x is None else (str(x) if isinstance(x, (int, str)) else fmt.num(x, 3))
    theme_order = list(theme_label)
    per_theme = []
    for t, m in sorted((validation.get("per_theme") or {}).items(),
                       key=lambda kv: (theme_order.index(kv[0]) if kv[0] in theme_order else len(theme_order), kv[0])):
        per_theme.append({"theme": t, "label": theme_label.get(t, t), "support": m.get("support"),
                          **{k: fmt.num(m.get(k), 2) for k in ("precision", "recall", "f1")}})

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
        "sample": sample, "reliability": rel, "claims": claim_blocks,
        "joint_figure": joint_figure,
        "people": {"constructs": [labels.get(c, c) for c in constructs],
                   "themes": [theme_label.get(c[6:], c[6:]) for c in share_cols], "rows": people_rows},
        "interview_figures": interview_figures,
        "validation": val_rows, "per_theme": per_theme,
        "caveats": _records(cav),
        "provenance": {"git": git, "python": provenance.get("python"), "platform": provenance.get("platform"),
                       "seeds": ", ".join(f"{k}: {v}" for k, v in sorted((provenance.get("seeds") or {}).items())),
                       "model": provenance.get("model"),
                       "inputs": prov_inputs, "packages": prov_packages,
                       "config": json.dumps(provenance.get("config", config), indent=2, sort_keys=True, default=str)},
        "other_figures": other_figures,
        "figure_order": order,
    }


def render(context: dict) -> str:
    """Render the report template with ``context``."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: resources.files("upskilling.integrate").joinpath(
            "templates", name).read_text(encoding="utf-8")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(**context)


def write(paths: dict, figures: dict[str, str], out: str, config: dict) -> None:
    """Build the context, render and write ``out`` (UTF-8)."""
    html = render(build_context(paths, figures, config))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(html, encoding="utf-8")
