"""The findings report of one survey wave: results/reports/<wave>.html.

Every wave listed under ``waves`` gets one, whatever its study: the claims, their statements, their
tests and the headline test come from the wave's analysis plan (:func:`upskilling.survey.plan.claim_specs`),
the numbers from the wave's result tables (flow, reliability, descriptives, hypotheses). It is the
survey strand only; the integration wave's report with the joint display and the interviews is
results/report.html, and this page links to it. A wave with a planted-truth file, or one that declares
``data_origin: synthetic``, carries a banner saying that its data are synthetic.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from ..survey.plan import claim_specs
from . import fmt
from . import inputs as io
from .codebook import Codebook


def _records(df: pd.DataFrame) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


def _test_row(h: dict) -> dict:
    side = {"greater": "one-sided (greater)", "less": "one-sided (less)"}.get(str(h.get("alternative")), "two-sided")
    return {"hypothesis": h["hypothesis"], "label": h.get("label") or "", "test": fmt.test_label(h),
            "variables": h.get("variables") or "", "sidedness": side, "statistic": fmt.statistic(h),
            "estimate": fmt.estimate(h), "p": fmt.pvalue(h.get("p")), "p_adjusted": fmt.pvalue(h.get("p_adjusted")),
            "p_text": fmt.p_text(h.get("p")), "p_adjusted_text": fmt.p_text(h.get("p_adjusted"), "adjusted p"),
            "correction": h.get("correction") or "none", "family": h.get("family") or "",
            "verdict": h["verdict"], "primary": bool(h.get("primary")), "note": h.get("note") or ""}


def build_context(wave: str, paths: dict, integration_wave: str, synthetic: bool = False) -> dict:
    """What the wave report shows. ``paths``: flow, reliability, descriptives, hypotheses, codebook,
    analysis; ``integration_wave``: the wave of the joint display (results/report.html, linked from
    here); ``synthetic``: show the synthetic-data banner."""
    integration = {"wave": integration_wave, "this_wave": wave == integration_wave, "report": "../report.html"}
    cb = Codebook(io.read_yaml(paths["codebook"]), str(paths["codebook"]))
    labels = cb.construct_labels()
    flow = io.read_table(paths["flow"], "flow")
    reliability = io.read_table(paths["reliability"], "reliability")
    descriptives = io.read_table(paths["descriptives"], "descriptives")
    hypotheses = io.read_hypotheses(paths["hypotheses"])
    specs = claim_specs(paths["analysis"])
    by_id = {h["hypothesis"]: h for h in _records(hypotheses)}
    claims = []
    for cid, spec in specs.items():
        rows = [by_id[h] for h in spec["hypotheses"] if h in by_id]
        missing = [h for h in spec["hypotheses"] if h not in by_id]
        if missing:
            raise io.InputError(f"{paths['hypotheses']}: hypotheses {missing} of claim {cid} in {paths['analysis']} "
                                "are missing; rerun the survey hypotheses rule")
        primary = by_id[spec["primary"]]
        headline = by_id[spec["headline"]]
        claims.append({"claim": cid, "title": spec["title"], "statement": spec["statement"],
                       "verdict": primary["verdict"], "primary": _test_row(primary), "headline": _test_row(headline),
                       "headline_is_primary": spec["headline"] == spec["primary"],
                       "tests": [_test_row(h) for h in rows]})
    scales = []
    for r in _records(reliability):
        d = descriptives[(descriptives["variable"] == r["scale"]) & (descriptives["kind"] == "scale")]
        dd = d.iloc[0].to_dict() if len(d) else {}
        scales.append({"label": labels.get(r["scale"], r["scale"]), "scale": r["scale"], "n_items": r["n_items"],
                       "n": r["n"], "alpha": fmt.num(r["alpha"], 2, lead=False),
                       "alpha_ci": f"[{fmt.num(r['alpha_ci_low'], 2, lead=False)}, {fmt.num(r['alpha_ci_high'], 2, lead=False)}]",
                       "omega": fmt.num(r.get("omega_total"), 2, lead=False),
                       "mean": fmt.num(dd.get("mean")), "sd": fmt.num(dd.get("sd"))})
    verdicts = pd.Series([c["verdict"] for c in claims]).value_counts().to_dict() if claims else {}
    return {"title": f"Survey wave {wave}: findings", "wave": wave, "synthetic": synthetic,
            "integration": integration, "raw": int(flow["n_remaining"].iloc[0]),
            "analysed": int(flow["n_remaining"].iloc[-1]), "steps": _records(flow.iloc[1:-1]),
            "scales": scales, "claims": claims,
            "verdict_summary": ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())),
            "analysis": str(paths["analysis"]), "codebook": str(paths["codebook"])}


def render(context: dict) -> str:
    """Render the wave report template with ``context``."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: resources.files("upskilling.integrate").joinpath(
            "templates", name).read_text(encoding="utf-8")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("wave_report.html.j2").render(**context)


def write(wave: str, paths: dict, out: str, integration_wave: str, synthetic: bool = False) -> dict:
    """Build, render and write ``out``; returns the context (for the log)."""
    ctx = build_context(wave, paths, integration_wave, synthetic)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(render(ctx), encoding="utf-8")
    return ctx
