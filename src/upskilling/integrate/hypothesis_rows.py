"""Every hypothesis test of a claim made explicit, for both reports: its hypothesis in words, direction
and sidedness, the named statistic, the effect size with its CI and unit, n, p and the adjusted p with the
correction and family actually used; codes in the variables shown with their labels; the summary of the
corrections and the definition of "agree". Read from hypotheses.csv, the analysis plan and the codebook.
"""
from __future__ import annotations

import re

import pandas as pd

from ..survey.codebook import Codebook
from ..survey.conditions import OP_SYMBOLS
from ..survey.tests_registry import COMBINATORS
from . import fmt
from . import inputs as io
from . import validation as V


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
    name = cb.by_id.get(item, {}).get("scale")
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
        return f"{var} {OP_SYMBOLS[op]} {shown}"

    text = _CONDITION.sub(cond, text)
    text = _GROUPS.sub(lambda m: f"{m[1]} by {m[2]} ({_coded(cb, m[2], m[3])} vs {_coded(cb, m[2], m[4])})", text)
    return _VERSUS.sub(lambda m: f"{m[1]} vs {_coded(cb, m[1], m[2])}", text)


def predictor_unit(var: str, cb: Codebook, derived: dict | None = None) -> tuple[str, str]:
    """(unit, where it comes from) of a predictor, for an odds ratio 'per <unit>'.

    The codebook item's ``unit`` when it has one (verbatim); a derived 0/1 variable: '1 (…) vs 0'; a construct:
    a scale point of its mean; an item with a response scale: a scale point (or its two answers);
    a numeric item: a percentage point, year, hour, … as its wording says, else one unit of it."""
    derived = derived or {}
    item = cb.by_id.get(var, {})
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
    if h.get("test") in COMBINATORS:
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
    combo = h.get("test") in COMBINATORS
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
    if t["test"] in COMBINATORS:
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
            for h in io.records(hypotheses[hypotheses["claim"] == claim])]
    by_id = {r["hypothesis"]: r for r in rows}
    p_adj = dict(zip(hypotheses["hypothesis"], pd.to_numeric(hypotheses["p_adjusted"], errors="coerce")))
    for r in rows:  # a combination's effect size is its deciding part's, in that part's unit
        if r["test"] in COMBINATORS and not r["deciding"]:
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
        if t in COMBINATORS or method in ("", "none"):
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
    for name in dict.fromkeys(cb.by_id.get(cb.constructs[s]["items"][0], {}).get("scale") for s in scales
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
