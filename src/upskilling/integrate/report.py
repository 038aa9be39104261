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
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from ..survey.plan import claim_specs
from . import caveats as caveat_rules
from . import fit as fitrules
from . import fmt
from . import inputs as io
from . import joint
from . import report_sections
from . import validation as V
from .codebook import Codebook
from .settings import narrow

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


def _records(df: pd.DataFrame) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


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

_OPS = {"eq": "=", "ne": "\u2260", "gt": ">", "ge": "\u2265", "lt": "<", "le": "\u2264", "in": "in",
        "not_in": "not in"}
_NUM = r"-?\d+(?:\.\d+)?"
_CONDITION = re.compile(rf"\b([a-z][a-z0-9_]*) (eq|ne|gt|ge|lt|le|in|not_in) (\[{_NUM}(?:, {_NUM})*\]|{_NUM})(?![\w.])")
_VERSUS = re.compile(rf"\b([a-z][a-z0-9_]*) vs ({_NUM})(?![\w.])")
_GROUPS = re.compile(rf"\b([a-z][a-z0-9_]*) by ([a-z][a-z0-9_]*) \(({_NUM}) vs ({_NUM})\)")

#: What an effect size is measured in (keys: its name in hypotheses.csv with everything but letters
#: dropped, lower case). Odds ratios and proportions get a unit from the plan and the codebook.
EFFECT_SCALES = {
    "rrankbiserial": "no unit, \u22121 to 1", "rankbiserialr": "no unit, \u22121 to 1",
    "rankbiserial": "no unit, \u22121 to 1", "rho": "no unit, \u22121 to 1", "spearmanrho": "no unit, \u22121 to 1",
    "pearsonr": "no unit, \u22121 to 1", "kendallw": "no unit, 0 to 1", "cramersv": "no unit, 0 to 1",
    "epsilonsquared": "no unit, 0 to 1", "cohensw": "no unit, 0 or more", "cohend": "in standard deviations",
}


def _key(name) -> str:
    return re.sub(r"[^a-z]", "", str(name or "").lower())


def plan_view(path) -> dict:
    """What the test rows need from an analysis plan: hypotheses by id, families, derived variables."""
    data = io.read_yaml(path)
    return {"hypotheses": {h["id"]: h for h in data.get("hypotheses") or []},
            "families": data.get("families") or {}, "derived": data.get("derived") or {}}


def _scale(cb: Codebook, var: str) -> dict | None:
    """The response scale that gives ``var`` (an item or a construct, whose items share a scale) its labels."""
    item = cb.constructs[var]["items"][0] if var in cb.constructs else var
    name = cb.items.get(item, {}).get("scale")
    return cb.scales.get(name) if name else None


def _label_of(cb: Codebook, var: str, code: float) -> str | None:
    sc = _scale(cb, var)
    if not sc:
        return None
    for c, lab in zip(sc["codes"], sc["labels"]):
        if float(c) == float(code):
            return lab
    return None


def _coded(cb: Codebook, var: str, value: str) -> str:
    """'“Somewhat agree” (4)' for a code with a label on ``var``'s scale, else the number."""
    lab = _label_of(cb, var, float(value))
    return f"\u201c{lab}\u201d ({value})" if lab else value


def decode_variables(text, cb: Codebook) -> str:
    """hypotheses.csv's ``variables`` with every answer code named by its label: 'primary_resource eq 6'
    becomes 'primary_resource = “Generative AI tools (e.g. ChatGPT)” (6)', 'barrier_context vs 3' becomes
    'barrier_context vs “Neither agree nor disagree” (3)'."""
    if not isinstance(text, str):
        return ""

    def cond(m):
        var, op, val = m.groups()
        if val.startswith("["):
            shown = "[" + ", ".join(_coded(cb, var, v.strip()) for v in val[1:-1].split(",")) + "]"
        else:
            shown = _coded(cb, var, val)
        return f"{var} {_OPS[op]} {shown}"

    text = _CONDITION.sub(cond, text)
    text = _GROUPS.sub(lambda m: f"{m[1]} by {m[2]} ({_coded(cb, m[2], m[3])} vs {_coded(cb, m[2], m[4])})", text)
    return _VERSUS.sub(lambda m: f"{m[1]} vs {_coded(cb, m[1], m[2])}", text)


def predictor_unit(var: str, cb: Codebook, derived: dict | None = None) -> tuple[str, str]:
    """(unit, where it comes from) of a predictor, for an odds ratio 'per <unit>'.

    The codebook item's ``unit`` when it has one (verbatim); a derived 0/1 variable: '1 (…) vs 0'; a construct:
    a scale point of its mean; an item with a response scale: a scale point (or its two answers);
    a numeric item: a percentage point, year, hour, … as its wording says, else one unit of it."""
    derived = derived or {}
    item = cb.items.get(var, {})
    if item.get("unit"):  # as the codebook says it, e.g. "percentage point of platform income"
        return str(item["unit"]), f"codebook item {var}: \u201c{item.get('text', var)}\u201d"
    if var in derived:
        d = derived[var]
        what = d.get("label") or f"{d.get('from')} {d.get('op')} {d.get('value')}"
        return f"{var} = 1 vs 0", f"derived variable {var}: {what}"
    sc = _scale(cb, var)
    if var in cb.constructs:
        c = cb.constructs[var]
        span = f"{min(sc['codes']):g}\u2013{max(sc['codes']):g}" if sc else ""
        return (f"scale point of {var} ({c.get('label', var)}, mean of {len(c['items'])} items{', ' + span if span else ''})",
                "")
    if sc:
        codes, labels = list(sc["codes"]), list(sc["labels"])
        source = f"codebook item {var}: \u201c{item.get('text', var)}\u201d"
        if len(codes) == 2:
            hi, lo = (0, 1) if codes[0] > codes[1] else (1, 0)
            return f"{var} \u201c{labels[hi]}\u201d vs \u201c{labels[lo]}\u201d", source
        return (f"scale point of {var} ({min(codes):g} = \u201c{labels[codes.index(min(codes))]}\u201d to "
                f"{max(codes):g} = \u201c{labels[codes.index(max(codes))]}\u201d)"), source
    text = str(item.get("text", ""))
    low = text.lower()
    if "percent" in low or "%" in low:
        unit = "percentage point"
    else:
        unit = next((u for u in ("year", "month", "week", "day", "hour", "minute") if re.search(rf"\b{u}s?\b", low)),
                    "unit")
    if item:
        return f"{unit} of {var}", f"codebook item {var}: \u201c{text}\u201d"
    return f"unit of {var}", f"{var} (not in the codebook)"


def effect_unit(h: dict, cb: Codebook, plan: dict) -> tuple[str, str]:
    """(unit, where it comes from) of a test's effect size: 'per percentage point of platform_share' for
    an odds ratio, 'share of respondents with …' for a proportion, the range of a unit-free index."""
    key = _key(h.get("effect_size_name"))
    if h.get("test") in ("all_of", "any_of"):
        return "", ""  # its deciding part's (claim_tests)
    spec = plan["hypotheses"].get(h.get("hypothesis"), {})
    variables = str(h.get("variables") or "")
    if key == "oddsratio":
        term = (spec.get("variables") or {}).get("term")
        if term is None:
            m = re.search(r"\[([a-z][a-z0-9_]*)\]", variables) or re.search(r"~ ([a-z][a-z0-9_]*)", variables)
            term = m.group(1) if m else None
        if term is None:
            return "", ""
        unit, source = predictor_unit(term, cb, plan["derived"])
        return f"per {unit}", source
    if key == "proportion":
        return "share of respondents", ""  # the condition that counts is shown with the variables
    scale = EFFECT_SCALES.get(key, "")
    m = re.match(r"([a-z][a-z0-9_]*) vs (\S+)", variables)
    if key in ("rrankbiserial", "rankbiserialr", "rankbiserial") and m and \
            h.get("test") in ("wilcoxon_paired", "wilcoxon_one_sample"):
        other = decode_variables(m.group(0), cb).split(" vs ", 1)[1]
        return f"{scale}; > 0: {m.group(1)} above {other}", ""
    return scale, ""


def _family_of(h: dict, plan: dict):
    """The correction family of a row: hypotheses.csv's ``family``, else the plan's (a post-hoc pair of
    a Friedman test: its ``posthoc.family``)."""
    fam = h.get("family")
    if isinstance(fam, str) and fam:
        return fam
    hid = str(h.get("hypothesis"))
    spec = plan["hypotheses"].get(hid)
    if spec is None and "." in hid:
        parent = plan["hypotheses"].get(hid.split(".", 1)[0], {})
        return (parent.get("posthoc") or {}).get("family")
    return (spec or {}).get("family")


def test_row(h: dict, cb: Codebook, plan: dict, family_sizes: dict, headline: str | None = None,
             primary: str | None = None) -> dict:
    """One sub-test as both reports show it: hypothesis in words, test, variables with labels,
    sidedness, named statistic, effect size with CI and unit, n, p, adjusted p with the correction
    used and its family, verdict, note."""
    spec = plan["hypotheses"].get(h["hypothesis"], {})
    label = h.get("label") or spec.get("label") or ""
    if not label and "." in str(h["hypothesis"]):  # a post-hoc pair of a plan without labels
        label = "post-hoc: " + str(h.get("variables") or "")
    combo = h.get("test") in ("all_of", "any_of")
    fam = None if combo else _family_of(h, plan)
    unit, unit_source = effect_unit(h, cb, plan)
    n = None if V.missing(h.get("n")) else int(float(h["n"]))
    if combo:
        name = h.get("statistic_name")
        deciding = name.removeprefix("deciding: ").strip() if isinstance(name, str) and name.startswith("deciding") else ""
        correction = ("none: its p is the largest adjusted p of its parts" if h["test"] == "all_of"
                      else "none: its p is the smallest adjusted p of its parts")
        if deciding:
            correction += f" ({deciding})"
    else:
        deciding = ""
        correction = fmt.correction(h.get("correction"), fam, family_sizes.get(fam))
    fam_desc = (plan["families"].get(fam) or {}).get("description", "") if fam else ""
    note = h.get("note")
    row = {
        "hypothesis": h["hypothesis"], "label": label, "test": h["test"], "test_name": fmt.test_name(h["test"]),
        "variables": decode_variables(h.get("variables"), cb), "sidedness": fmt.sidedness(h),
        "statistic": fmt.statistic(h), "statistic_name": fmt.statistic_name(h), "n": n if n is not None else "\u2013",
        "estimate": fmt.estimate(h), "unit": unit, "unit_source": unit_source,
        "p": fmt.pvalue(h.get("p")), "p_adjusted": fmt.pvalue(h.get("p_adjusted")),
        "one_sided": not combo and str(h.get("alternative")) in ("greater", "less"),
        "p_text": fmt.p_named(h.get("p"), h), "p_adjusted_text": fmt.p_named(h.get("p_adjusted"), h, "adjusted p"),
        "correction": correction, "family": fam or "", "family_description": fam_desc, "deciding": deciding,
        "verdict": h["verdict"], "primary": h["hypothesis"] == primary if primary else bool(h.get("primary")),
        "headline": h["hypothesis"] == headline,
        "note": note.strip() if isinstance(note, str) else "",
    }
    row["sentence"] = test_sentence(row)
    return row


def test_sentence(t: dict) -> str:
    """A test in one sentence, without its verdict: 'H2a – Fewer than half …: exact binomial test of
    primary_resource = “Generative AI tools (e.g. ChatGPT)” (6) (p0 = 0.5), one-sided, less; k = 47,
    n = 220; proportion = 0.21 [0.16, 0.27] (share of …); one-sided p < .001, one-sided adjusted p < .001
    (no correction).' A combination says which part decides its p."""
    head = f"{t['hypothesis']}" + (f" \u2013 {t['label']}" if t["label"] else "")
    est = t["estimate"] + (f" ({t['unit']})" if t["unit"] else "")
    if t["test"] in ("all_of", "any_of"):
        which = "largest" if t["test"] == "all_of" else "smallest"
        dec = f", that of {t['deciding']}" if t["deciding"] else ""
        return (f"{head}: {t['test_name']} over {t['variables']} ({t['sidedness']}); its p is the {which} adjusted p "
                f"of its parts{dec}, {t['p_text']}; the deciding part's {est}, n = {t['n']}.")
    what = f"{t['test_name']} of {t['variables']}" if t["variables"] else t["test_name"]
    stat = ", ".join(x for x in (t["statistic"] if t["statistic"] != "\u2013" else "", f"n = {t['n']}") if x)
    return f"{head}: {what}, {t['sidedness']}; {stat}; {est}; {t['p_text']}, {t['p_adjusted_text']} ({t['correction']})."


def claim_tests(hypotheses: pd.DataFrame, claim: str, cb: Codebook, plan: dict, headline: str | None,
                primary: str | None = None) -> list[dict]:
    """Every row of hypotheses.csv of ``claim`` (post-hoc pairs included) as :func:`test_row`, the
    headline test first, then in the order of hypotheses.csv."""
    fam_col = hypotheses["family"] if "family" in hypotheses else pd.Series([None] * len(hypotheses))
    families = [_family_of({"hypothesis": h, "family": f}, plan) for h, f in zip(hypotheses["hypothesis"], fam_col)]
    sizes = pd.Series([f for f in families if f]).value_counts().to_dict()
    rows = [test_row(h, cb, plan, sizes, headline, primary)
            for h in _records(hypotheses[hypotheses["claim"] == claim])]
    by_id = {r["hypothesis"]: r for r in rows}
    p_adj = dict(zip(hypotheses["hypothesis"], pd.to_numeric(hypotheses["p_adjusted"], errors="coerce")))
    for r in rows:  # a combination's effect size is its deciding part's, in that part's unit
        if r["test"] in ("all_of", "any_of") and not r["deciding"]:
            # a hypotheses.csv without statistic_name "deciding: ...": the part whose p it takes
            parts = [x for x in re.split(r" [&|] ", str(r["variables"])) if x in by_id and p_adj.get(x) == p_adj.get(x)]
            if parts:
                pick = max if r["test"] == "all_of" else min
                r["deciding"] = pick(parts, key=lambda x: p_adj[x])
                r["correction"] += f" ({r['deciding']})"
        part = by_id.get(r["deciding"])
        if part and not r["unit"]:
            r["unit"] = f"of {part['hypothesis']}" + (f": {part['unit']}" if part["unit"] else "")
            r["unit_source"] = part["unit_source"]
        r["sentence"] = test_sentence(r)
    return sorted(rows, key=lambda r: not r["headline"])


def corrections_summary(hypotheses: pd.DataFrame, plan: dict) -> str:
    """Which p values are adjusted, how and over which family, in one sentence (from hypotheses.csv)."""
    fam_col = hypotheses["family"] if "family" in hypotheses else pd.Series([None] * len(hypotheses))
    used = {}
    for h, f, c, t in zip(hypotheses["hypothesis"], fam_col, hypotheses["correction"], hypotheses["test"]):
        fam = _family_of({"hypothesis": h, "family": f}, plan)
        method = c.strip() if isinstance(c, str) else ""
        if t in ("all_of", "any_of") or method in ("", "none"):
            continue
        used.setdefault((fmt.CORRECTIONS.get(method, method), fam or "a family not recorded"), []).append(str(h))
    if not used:
        return "No p value is adjusted for multiple testing: every adjusted p equals its p."
    parts = []
    for (name, fam), ids in used.items():
        what = (plan["families"].get(fam) or {}).get("description") or ", ".join(ids)
        parts.append(f"{name} over {fam} ({len(ids)} test{'s' if len(ids) != 1 else ''}: {what})")
    return ("Adjusted p values: " + "; ".join(parts) + ". Every other test is not corrected (its adjusted p "
            "equals its p); a combination of tests (all of / any of) takes the largest / smallest adjusted p "
            "of its parts.")


def scale_span(cb: Codebook, scales: list[str]) -> str:
    """'1–5': the range of the response codes of the scales shown (several ranges joined by '/')."""
    spans = []
    for s in scales:
        sc = _scale(cb, s) if s in cb.constructs else None
        if sc:
            spans.append(f"{min(sc['codes']):g}–{max(sc['codes']):g}")
    return " / ".join(dict.fromkeys(spans)) or "scale means"


def agree_note(cb: Codebook, scales: list[str]) -> str:
    """What descriptives.csv's ``pct_agree`` is (:func:`upskilling.survey.descriptives.describe`): the
    percentage of respondents whose score lies above the midpoint of the scale's response codes, said
    with the codebook's labels of the scales shown."""
    parts = []
    for name in dict.fromkeys(cb.items.get(cb.constructs[s]["items"][0], {}).get("scale") for s in scales
                              if s in cb.constructs):
        sc = cb.scales.get(name)
        if not sc:
            continue
        codes = [float(c) for c in sc["codes"]]
        mid = (min(codes) + max(codes)) / 2
        at = next((lab for c, lab in zip(codes, sc["labels"]) if c == mid), None)
        above = [(c, lab) for c, lab in sorted(zip(codes, sc["labels"])) if c > mid]
        named = f" (\u201c{at}\u201d)" if at else ""
        text = (f"above {mid:g}{named}, the midpoint of the {min(codes):g}\u2013{max(codes):g} scale; a mean of "
                f"exactly {mid:g} does not count, a mean of {mid + 0.25:g} does")
        if above:
            text += (f". On a single item of the scale this is an answer of \u201c{above[0][1]}\u201d "
                     f"({above[0][0]:g}) or higher")
        parts.append(text)
    where = ". For another scale: ".join(parts) if parts else "above the midpoint of its response scale"
    return f"% agree is the percentage of respondents whose scale mean is {where} (descriptives.csv, pct_agree)."


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
                  skipped: dict[str, str] | None = None) -> dict:
    """Everything the template shows. ``paths`` keys: flow, reliability, descriptives, hypotheses,
    analysis, claims, claims_participants, theme_prevalence, topics, validation, provenance, themes,
    codebook and optionally segments (to name the human-coded training turns); ``figures`` maps figure
    name -> PNG path; ``skipped`` maps a figure not drawn to the reason (shown where it would be);
    ``config`` is the whole config or its part ``narrow(config, READS)`` (the rule's params)."""
    st = narrow(config, READS)["integration"]
    skipped = dict(skipped or {})
    specs = claim_specs(paths["analysis"])
    cb = Codebook(io.read_yaml(paths["codebook"]), str(paths["codebook"]))
    labels = cb.construct_labels()
    flow = io.read_table(paths["flow"], "flow")
    reliability = io.read_table(paths["reliability"], "reliability")
    descriptives = io.read_table(paths["descriptives"], "descriptives")
    hypotheses = io.read_hypotheses(paths["hypotheses"])
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
                "width": css_width, "caption": CAPTIONS.get(name, name)}

    extra = report_sections.context(paths, config, claims, linked, segments, validation, provenance,
                                    hypotheses, descriptives)
    sample = {
        **extra["sample_extra"],
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
            "pct_agree": fmt.percent(dd.get("pct_agree")),
        })

    claim_blocks = []
    plan = plan_view(paths["analysis"])
    for r in _records(claims):
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
    for r in _records(linked):
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
        "caveats": _records(cav),
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
    """Render the report template with ``context``."""
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: resources.files("upskilling.integrate").joinpath(
            "templates", name).read_text(encoding="utf-8")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(**context)


def write(paths: dict, figures: dict[str, str], out: str, config: dict,
          skipped: dict[str, str] | None = None) -> None:
    """Build the context, render and write ``out`` (UTF-8)."""
    html = render(build_context(paths, figures, config, skipped))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(html, encoding="utf-8")
