"""The survey evidence of invisible competencies (claim C4).

(a) The distribution of the scale's means, coloured by the rule of the plan's binomial test on the scale
(H4a: "agree" = scale mean above the midpoint), with that test's proportion, its 95% CI and p; (b) the
scale by how often AI is used to learn (box and jittered points per answer label), with the plan's
rank correlation (H4b: Spearman's rho). The numbers printed are the rows of hypotheses.csv, so the
figure says what the report and the verdict say.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...survey.codebook import Codebook
from ...survey.conditions import OP_SYMBOLS, meets
from .. import fmt
from .style import DIVERGING5, OKABE_ITO, wrap

#: Tests of the association of the scale with the frequency item that panel (b) reports.
ASSOCIATION_TESTS = ("spearman", "pearson")


def plan_tests(plan: dict | None, construct: str, item: str) -> tuple[dict | None, dict | None]:
    """The plan's hypotheses behind the two panels: the first binomial test of ``construct`` and the first
    spearman / pearson test of ``construct`` with ``item`` (either order), each without ``where``
    conditions; None where the plan has none."""
    share = assoc = None
    for h in (plan or {}).get("hypotheses") or []:
        v = h.get("variables") or {}
        if h.get("where"):
            continue
        if share is None and h.get("test") == "binomial" and v.get("x") == construct and h.get("success"):
            share = h
        if assoc is None and h.get("test") in ASSOCIATION_TESTS and {v.get("x"), v.get("y")} == {construct, item}:
            assoc = h
    return share, assoc


def _rule_words(rule: dict) -> str:
    given = rule.get("given", rule["value"])
    shown = f"{rule['value']:g}"
    if isinstance(given, str) and given.strip().casefold() == "midpoint":
        shown += ", the midpoint"
    elif isinstance(given, str):
        shown += f", \u201c{given}\u201d"
    return f"mean {OP_SYMBOLS.get(rule['op'], rule['op'])} {shown}"


def _row(hypotheses: pd.DataFrame | None, hid: str | None) -> dict | None:
    if hypotheses is None or hid is None:
        return None
    hit = hypotheses[hypotheses["hypothesis"] == hid]
    return None if hit.empty else hit.iloc[0].to_dict()


def invisible_competencies(scored: pd.DataFrame, cb: Codebook, construct: str, item: str,
                           hypotheses: pd.DataFrame | None = None, plan: dict | None = None,
                           rule: dict | None = None, *, seed: int):
    """Figure of claim C4 from the scored table and the plan's tests.

    ``rule`` is the binomial test's success rule resolved to codes (``{op, value, given}``, see
    :func:`upskilling.survey.plan.resolve_condition`); without it "agree" is a scale mean above the
    midpoint of the construct's response scale. ``hypotheses`` (hypotheses.csv) gives the printed
    proportion, CI and p (H4a) and rho (H4b); a test the plan lacks is said to be untested. ``seed`` only
    jitters the points.
    """
    share_h, assoc_h = plan_tests(plan, construct, item)
    codes, labels = cb.scale(cb.construct_items()[construct][0])
    lo_code, hi_code = float(min(codes)), float(max(codes))
    midpoint = (lo_code + hi_code) / 2
    rule = rule or {"op": "gt", "value": midpoint, "given": "midpoint"}
    x = pd.to_numeric(scored[construct], errors="coerce")
    c_label = cb.construct_label(construct)

    fig, (a, b) = plt.subplots(1, 2, figsize=(9.1, 4.9), gridspec_kw={"width_ratios": [1, 1.15]},
                               layout="constrained")
    # (a) distribution of the scale means, one bar per distinct value
    values = x.dropna()
    counts = values.value_counts().sort_index()
    gaps = np.diff(counts.index.to_numpy(dtype=float))
    width = min(0.2, 0.8 * gaps.min()) if len(gaps) else 0.2
    hit = meets(counts.index.to_numpy(dtype=float), rule["op"], rule["value"])
    at = np.isclose(counts.index.to_numpy(dtype=float), float(rule["value"])) & ~hit \
        if not isinstance(rule["value"], list) else np.zeros(len(counts), bool)
    n_hit = int(counts[hit].sum())
    groups = [(hit, DIVERGING5[4], f"agree ({_rule_words(rule)}): {n_hit}"),
              (~hit & ~at, DIVERGING5[0], f"not agree: {int(counts[~hit & ~at].sum())}")]
    if at.any():
        groups.append((at, DIVERGING5[2], f"at {rule['value']:g}, not agree: {int(counts[at].sum())}"))
    for mask, colour, name in groups:
        a.bar(counts.index[mask], counts[mask], width=width, color=colour, edgecolor="#555555", lw=0.4,
              label=name)
    if not isinstance(rule["value"], list):
        a.axvline(float(rule["value"]), color="black", ls="--", lw=1)
    a.set_xlim(lo_code - 0.25, hi_code + 0.25)
    a.set_ylim(0, (counts.max() if len(counts) else 1) * 2.1)  # room for the test and the legend
    a.set_xlabel(wrap(f"{c_label} (scale mean; {codes[0]:g} = {labels[0].lower()}, {codes[-1]:g} = "
                      f"{labels[-1].lower()})", 55))
    a.set_ylabel("Respondents")
    a.set_title(wrap(f"(a) {c_label}: who agrees", 50), loc="left")
    row = _row(hypotheses, share_h["id"] if share_h else None)
    if row is not None and not pd.isna(row.get("effect_size")):
        k = row.get("statistic")
        count = (f"{int(k)} of {int(row['n'])} = " if not pd.isna(k) and not pd.isna(row.get("n")) else "")
        p0 = share_h.get("p0", 0.5)
        text = (f"{row['hypothesis']}: {count}{100 * float(row['effect_size']):.1f}% agree\n"
                f"95% CI {100 * float(row['ci_low']):.1f}% to {100 * float(row['ci_high']):.1f}%\n"
                f"binomial test against {100 * float(p0):g}%:\n{fmt.p_note(row)}")
    else:
        share = n_hit / len(values) if len(values) else float("nan")
        text = f"{n_hit} of {len(values)} = {100 * share:.1f}% agree\n(no binomial test of the scale in the plan)"
    a.text(0.03, 0.97, text, transform=a.transAxes, va="top", ha="left", fontsize=8.5, gid="proportion",
           bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#bbbbbb"})
    a.legend(loc="upper left", bbox_to_anchor=(0.0, 0.74), fontsize=8)

    # (b) the scale by the frequency of using AI to learn
    f_codes, f_labels = cb.scale(item)
    by_label = {lab: c for c, lab in zip(f_codes, f_labels)}
    freq = pd.to_numeric(scored[item].map(lambda v: by_label.get(v, v)), errors="coerce")
    rng = np.random.default_rng(seed)
    data, ticks = [], []
    for pos, (c, lab) in enumerate(zip(f_codes, f_labels)):
        v = x[(freq == float(c)) & x.notna()].to_numpy(dtype=float)
        data.append(v)
        ticks.append(f"{wrap(lab, 11)}\nn = {len(v)}")
        if len(v):
            b.scatter(pos + rng.uniform(-0.18, 0.18, len(v)), v + rng.uniform(-0.04, 0.04, len(v)), s=9,
                      color=OKABE_ITO["blue"], alpha=0.35, edgecolor="none", zorder=1)
    filled = [i for i, v in enumerate(data) if len(v)]
    if filled:
        b.boxplot([data[i] for i in filled], positions=filled, widths=0.55, showfliers=False, zorder=2,
                  patch_artist=True, boxprops={"facecolor": "none", "edgecolor": "black"},
                  medianprops={"color": OKABE_ITO["vermillion"], "lw": 2}, whiskerprops={"color": "black"},
                  capprops={"color": "black"})
    b.axhline(midpoint, color="black", ls="--", lw=0.8)
    b.set_xticks(range(len(f_codes)), ticks)
    b.set_xlim(-0.6, len(f_codes) - 0.4)
    b.set_ylim(lo_code - 0.2, hi_code + 1.1)
    b.set_yticks(codes)
    b.set_ylabel(wrap(f"{c_label} (scale mean)", 40))
    b.set_xlabel(wrap(str(cb.item(item).get("text") or item), 60))
    b.set_title(wrap(f"(b) {c_label} by the answer below", 55), loc="left")
    arow = _row(hypotheses, assoc_h["id"] if assoc_h else None)
    if arow is not None and not pd.isna(arow.get("effect_size")):
        name = fmt.effect_name(arow.get("effect_size_name"))
        ci = (f" [{fmt.num(arow['ci_low'])}, {fmt.num(arow['ci_high'])}]"
              if not pd.isna(arow.get("ci_low")) and not pd.isna(arow.get("ci_high")) else "")
        n = f", n = {int(arow['n'])}" if not pd.isna(arow.get("n")) else ""
        assoc = f"{arow['hypothesis']}: {name} = {fmt.num(arow['effect_size'])}{ci}\n{fmt.p_note(arow)}{n}"
    else:
        assoc = "no rank correlation of the two in the plan"
    b.text(0.03, 0.97, assoc, transform=b.transAxes, va="top", ha="left", fontsize=8.5, gid="association",
           bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#bbbbbb"})
    b.text(0.97, 0.97, "box: median and quartiles\ndots: respondents (jittered)", transform=b.transAxes,
           va="top", ha="right", fontsize=8, color="#444444")
    return fig
