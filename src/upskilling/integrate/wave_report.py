"""The findings report of one survey wave: results/reports/<wave>.html.

Every wave listed under ``waves`` gets one, whatever its study: the claims, their statements, their
tests and the headline test come from the wave's analysis plan (:func:`upskilling.survey.plan.claim_specs`),
the numbers from the wave's result tables (flow, reliability, descriptives, hypotheses). It is the
survey strand only; the integration wave's report with the joint display and the interviews is
results/report.html, and this page links to it. A wave with a planted-truth file, or one that declares
``data_origin: synthetic``, carries a banner saying that its data are synthetic.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..survey.codebook import load_codebook
from ..survey.plan import claim_specs
from . import fmt
from . import html
from . import inputs as io
from .hypothesis_rows import agree_note, claim_tests, corrections_summary, plan_view, scale_span

#: Files the wave report links to, relative to results/reports/<wave>.html: (link, what it is).
FILES = [
    ("../survey/{wave}/hypotheses.csv", "Every test of this wave, one row per test (hypotheses.csv)"),
    ("../survey/{wave}/descriptives.csv", "Descriptive statistics of items and scales"),
    ("../survey/{wave}/reliability.csv", "Internal consistency of the scales"),
    ("../survey/{wave}/flow.csv", "Participant flow through the exclusion rules"),
]



def build_context(wave: str, paths: dict, integration_wave: str, synthetic: bool = False) -> dict:
    """What the wave report shows. ``paths``: flow, reliability, descriptives, hypotheses, codebook,
    analysis; ``integration_wave``: the wave of the joint display (results/report.html, linked from
    here); ``synthetic``: show the synthetic-data banner."""
    integration = {"wave": integration_wave, "this_wave": wave == integration_wave, "report": "../report.html"}
    cb = load_codebook(paths["codebook"])
    labels = cb.construct_labels()
    survey = io.survey_tables(paths)
    flow, reliability, descriptives, hypotheses = (survey[k] for k in ("flow", "reliability", "descriptives",
                                                                       "hypotheses"))
    specs = claim_specs(paths["analysis"])
    plan = plan_view(paths["analysis"])
    ids = set(hypotheses["hypothesis"])
    claims = []
    for cid, spec in specs.items():
        missing = [h for h in spec["hypotheses"] if h not in ids]
        if missing:
            raise io.InputError(f"{paths['hypotheses']}: hypotheses {missing} of claim {cid} in {paths['analysis']} "
                                "are missing; rerun the survey hypotheses rule")
        tests = claim_tests(hypotheses, cid, cb, plan, spec["headline"], spec["primary"])
        primary = next(t for t in tests if t["hypothesis"] == spec["primary"])
        headline = next(t for t in tests if t["hypothesis"] == spec["headline"])
        claims.append({"claim": cid, "title": spec["title"], "statement": spec["statement"],
                       "verdict": primary["verdict"], "primary": primary, "headline": headline,
                       "headline_is_primary": spec["headline"] == spec["primary"], "tests": tests})
    scales = []
    for r in io.records(reliability):
        d = descriptives[(descriptives["variable"] == r["scale"]) & (descriptives["kind"] == "scale")]
        dd = d.iloc[0].to_dict() if len(d) else {}
        scales.append({"label": labels.get(r["scale"], r["scale"]), "scale": r["scale"], "n_items": r["n_items"],
                       "n": r["n"], "alpha": fmt.num(r["alpha"], 2, lead=False),
                       "alpha_ci": f"[{fmt.num(r['alpha_ci_low'], 2, lead=False)}, {fmt.num(r['alpha_ci_high'], 2, lead=False)}]",
                       "omega": fmt.num(r.get("omega_total"), 2, lead=False),
                       "mean": fmt.num(dd.get("mean")), "sd": fmt.num(dd.get("sd")),
                       "pct_agree": fmt.percent(dd.get("pct_agree"))})
    verdicts = pd.Series([c["verdict"] for c in claims]).value_counts().to_dict() if claims else {}
    return {"title": f"Survey wave {wave}: findings", "wave": wave, "synthetic": synthetic,
            "integration": integration, "raw": int(flow["n_remaining"].iloc[0]),
            "analysed": int(flow["n_remaining"].iloc[-1]), "steps": io.records(flow.iloc[1:-1]),
            "scales": scales, "claims": claims,
            "agree_note": agree_note(cb, [r["scale"] for r in scales]),
            "scale_span": scale_span(cb, [r["scale"] for r in scales]),
            "corrections": corrections_summary(hypotheses, plan),
            "files": [{"href": h.format(wave=wave), "what": w} for h, w in FILES]
            + [{"href": integration["report"], "what": f"The full report of wave {integration_wave}, with the "
                "interviews and the joint display"}],
            "verdict_summary": ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())),
            "analysis": str(paths["analysis"]), "codebook": str(paths["codebook"])}


def render(context: dict) -> str:
    """Render the wave report template with ``context``."""
    return html.render("wave_report.html.j2", context)


def write(wave: str, paths: dict, out: str, integration_wave: str, synthetic: bool = False) -> dict:
    """Build, render and write ``out``; returns the context (for the log)."""
    ctx = build_context(wave, paths, integration_wave, synthetic)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(render(ctx), encoding="utf-8")
    return ctx
