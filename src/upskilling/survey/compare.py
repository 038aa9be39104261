"""Cross-wave comparison: how each survey construct changed between two consecutive waves.

For each pair of consecutive waves (``comparison.waves`` in config/config.yaml, default every wave in
the order listed) and each construct both codebooks define, two designs:

* ``independent``: the respondents of each wave who are not linked to the other wave (no shared panel
  id), as independent samples: Mann-Whitney U (:func:`.stats_rank.mann_whitney`, R ``wilcox.test(to,
  from, exact =, correct =)``) with the rank-biserial r and its CI; mean difference with the Welch CI
  (R ``t.test(to, from)$conf.int``);
* ``paired``: the respondents with the same panel id (``comparison.link``, a column of scored.csv) in
  both waves, complete pairs: paired Wilcoxon signed-rank test (:func:`.stats_rank.wilcoxon_paired`, R
  ``wilcox.test(to, from, paired = TRUE, exact =, correct =)``) with the matched rank-biserial r and its
  CI; mean difference with the paired t CI (R ``t.test(to, from, paired = TRUE)$conf.int``); the
  within-person Pearson r of the two waves' scores (:func:`.stats_metric.pearson`, R ``cor.test``).

Every difference is later wave minus earlier wave (r > 0: the construct rose). Tests are two-sided;
``exact`` / ``correct`` are those of ``methods.wilcoxon`` / ``methods.mann_whitney`` and alpha / CI level
those of ``defaults`` in the later wave's analysis plan (:func:`plan_methods`), so the comparison uses
the same methods as the plan's hypotheses. p values are adjusted (``comparison.correction``, Holm by
default) over the constructs, separately for each wave pair and design. A design the data do not allow
(no linked respondents, an empty sample, every value equal) gives a row with NaN statistics and a
``note``, never an error.

The codebook changes that matter for a construct's comparability (items reworded or rescaled, item set
changed; :func:`.compare_diff.construct_notes`) are listed in ``codebook_changes``.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import load_validated, validate
from ..errors import InputError
from .codebook import Codebook, load_codebook

SOURCE = "config/config.yaml (section 'comparison')"
DESIGNS = ("independent", "paired")
#: Columns of changes.csv.
COLUMNS = ["from_wave", "to_wave", "construct", "label", "design", "n_from", "n_to", "mean_from", "mean_to",
           "mean_difference", "mean_difference_ci_low", "mean_difference_ci_high", "standardized_difference",
           "test", "statistic_name", "statistic", "p", "p_adjusted", "correction", "effect_size_name",
           "effect_size", "ci_low", "ci_high", "within_r", "within_r_ci_low", "within_r_ci_high", "alpha",
           "ci_level", "significant", "change", "codebook_changes", "note"]
TESTS = {"independent": "mann_whitney", "paired": "wilcoxon_paired"}


@dataclass
class Wave:
    """One wave's analysed data: ``name``, ``scored`` (scored.csv), ``codebook``, ``path`` (of scored.csv,
    for messages)."""

    name: str
    scored: pd.DataFrame
    codebook: Codebook
    path: str = "scored.csv"


def settings(config: dict) -> dict:
    """``config['comparison']`` validated against ``config_comparison.schema.yaml`` (defaults filled)."""
    return validate(copy.deepcopy(config.get("comparison") or {}), "config_comparison.schema.yaml", SOURCE)


def waves(config: dict) -> list[str]:
    """The waves to compare, in order: ``comparison.waves``, or (``[]``) every wave listed under ``waves``
    whose codebook shares a construct with the first wave's (a wave of another study, with other
    constructs, is not compared with this study's waves).

    An empty list means nothing to compare (a single wave). Names that are not waves, or an explicit
    list of fewer than two waves, stop with an :class:`InputError` naming the key.
    """
    listed = list(config.get("waves") or {})
    chosen = settings(config)["waves"]
    if not chosen:
        same = _same_study(config, listed)
        return same if len(same) >= 2 else []
    unknown = [w for w in chosen if w not in listed]
    if unknown:
        raise InputError(f"{SOURCE}: key 'waves' names {unknown}, which are not waves; use names from {listed}")
    if len(chosen) < 2:
        raise InputError(f"{SOURCE}: key 'waves' lists {chosen}; list at least two waves to compare, or [] for all")
    return list(chosen)


def _same_study(config: dict, listed: list[str]) -> list[str]:
    """The waves of ``listed`` whose codebook has a construct in common with the first one's."""
    from ..config import wave_spec
    from .codebook import SCHEMA

    def constructs(w):  # validated once per process (load_validated), as validate_config read them
        return set(load_validated(wave_spec(config, w)["codebook"], SCHEMA).get("constructs") or {})

    if not listed:
        return []
    first = constructs(listed[0])
    return [w for w in listed if w == listed[0] or constructs(w) & first]


def pairs(names: list[str]) -> list[tuple[str, str]]:
    """Consecutive pairs ``[(w1, w2), (w2, w3), ...]``."""
    return list(zip(names[:-1], names[1:]))


def plan_methods(analysis: str | Path) -> dict:
    """What the comparison reads from an analysis plan: ``{wilcoxon: {exact, correct}, mann_whitney:
    {exact, correct}, alpha, ci_level}`` (the plan's ``methods`` and ``defaults``, defaults filled)."""
    plan = load_validated(analysis, "analysis.schema.yaml")
    m, d = plan["methods"], plan["defaults"]
    return {"wilcoxon": dict(m["wilcoxon"]), "mann_whitney": dict(m["mann_whitney"]),
            "alpha": float(d["alpha"]), "ci_level": float(d["ci_level"])}


def read_scored(path: str | Path, link: str = "") -> pd.DataFrame:
    """scored.csv with respondent_id and the link column as text."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; run the survey cleaning rule of this wave first")
    dtype = {"respondent_id": str, **({link: str} if link else {})}
    return pd.read_csv(path, dtype=dtype, keep_default_na=True)


def _link_ids(w: Wave, link: str) -> pd.Series:
    if link not in w.scored.columns:
        raise InputError(f"{w.path}: no column '{link}' (comparison.link in config/config.yaml) to link wave "
                         f"{w.name} to the other waves; re-run the survey cleaning (scored.csv keeps the codebook's "
                         "meta.duplicate_key item) or set comparison.link: '' to compare the waves as independent samples")
    ids = pd.Series([None if pd.isna(v) else (str(v).strip() or None) for v in w.scored[link]],
                    index=w.scored.index, dtype=object)
    counts = ids.dropna().value_counts()
    if (counts > 1).any():
        dup = counts.index[counts > 1][0]
        raise InputError(f"{w.path}: {link} '{dup}' is in {int(counts[dup])} rows of wave {w.name}, so respondents "
                         "cannot be linked across waves; enable survey.exclusions.duplicates (one response per "
                         "person) for this wave or set comparison.link: ''")
    return ids


def _scores(w: Wave, construct: str) -> np.ndarray:
    if construct not in w.scored.columns:
        raise InputError(f"{w.path}: no column '{construct}' (a construct of {w.codebook.path}); re-run the survey "
                         f"cleaning of wave {w.name}")
    return pd.to_numeric(w.scored[construct], errors="coerce").to_numpy(dtype=float)


def avg_sd(a: np.ndarray, b: np.ndarray) -> float:
    """The standardiser of a change: the root mean of the two samples' variances (NaN below 2 values each)."""
    if a.size < 2 or b.size < 2:
        return math.nan
    return float(np.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2))


def _mean_ci(x: np.ndarray, y: np.ndarray, paired: bool, level: float) -> tuple[float, float]:
    """t interval of mean(x) - mean(y): Welch (independent) or of the paired differences; NaN when undefined."""
    from scipy import stats

    if paired:
        d = x - y
        if d.size < 2 or np.ptp(d) == 0:
            return (math.nan, math.nan)
        ci = stats.ttest_rel(x, y).confidence_interval(level)
    else:
        if x.size < 2 or y.size < 2 or (np.ptp(x) == 0 and np.ptp(y) == 0):
            return (math.nan, math.nan)
        ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(level)
    return float(ci.low), float(ci.high)


def _row(a: Wave, b: Wave, construct: str, design: str, x: np.ndarray, y: np.ndarray, res, methods: dict,
         within=None) -> dict:
    """One changes.csv row (before correction): ``x`` the later wave's scores, ``y`` the earlier wave's."""
    level = methods["ci_level"]
    nan = math.nan
    diff = float(x.mean() - y.mean()) if x.size and y.size else nan
    lo, hi = _mean_ci(x, y, design == "paired", level)
    sd = avg_sd(x, y)
    labels = {n: c.get("label", n) for n, c in b.codebook.constructs.items()}
    row = {"from_wave": a.name, "to_wave": b.name, "construct": construct, "label": labels.get(construct, construct),
           "design": design, "n_from": int(y.size), "n_to": int(x.size),
           "mean_from": float(y.mean()) if y.size else nan, "mean_to": float(x.mean()) if x.size else nan,
           "mean_difference": diff, "mean_difference_ci_low": lo, "mean_difference_ci_high": hi,
           "standardized_difference": diff / sd if sd and math.isfinite(sd) and sd > 0 else nan,
           "test": TESTS[design], "statistic_name": res.statistic_name, "statistic": res.statistic, "p": res.p,
           "effect_size_name": res.effect_size_name, "effect_size": res.effect_size, "ci_low": res.ci_low,
           "ci_high": res.ci_high, "within_r": nan, "within_r_ci_low": nan, "within_r_ci_high": nan,
           "alpha": methods["alpha"], "ci_level": level, "note": getattr(res, "note", "") or ""}
    if within is not None:
        row.update(within_r=within.effect_size, within_r_ci_low=within.ci_low, within_r_ci_high=within.ci_high)
        if getattr(within, "note", ""):
            row["note"] = "; ".join(n for n in (row["note"], f"within-person r: {within.note}") if n)
    return row


def compare_pair(a: Wave, b: Wave, cfg: dict, methods: dict) -> list[dict]:
    """The rows of :func:`changes` for waves ``a`` (earlier) and ``b`` (later), before correction."""
    from . import stats_metric as sm
    from . import stats_rank as sr

    common = [c for c in a.codebook.constructs if c in b.codebook.constructs]
    if cfg["constructs"]:
        missing = [c for c in cfg["constructs"] if c not in common]
        if missing:
            raise InputError(f"{SOURCE}: key 'constructs' names {missing}, which waves {a.name} and {b.name} do not "
                             f"both define; use some of {common} or [] for all")
        common = [c for c in common if c in cfg["constructs"]]
    link = cfg["link"]
    level, mw, wx = methods["ci_level"], methods["mann_whitney"], methods["wilcoxon"]
    if link:
        ids_a, ids_b = _link_ids(a, link), _link_ids(b, link)
        shared = set(ids_a.dropna()) & set(ids_b.dropna())
        linked_a = ids_a.isin(shared).to_numpy()
        linked_b = ids_b.isin(shared).to_numpy()
        order = sorted(shared)  # the pairs, by panel id; ia / ib: their rows in each wave
        pos_a = {v: i for i, v in enumerate(ids_a) if v is not None}
        pos_b = {v: i for i, v in enumerate(ids_b) if v is not None}
        ia = np.array([pos_a[k] for k in order], dtype=int)
        ib = np.array([pos_b[k] for k in order], dtype=int)
    else:
        linked_a, linked_b = np.zeros(len(a.scored), bool), np.zeros(len(b.scored), bool)
    rows = []
    scores = {c: (_scores(a, c), _scores(b, c)) for c in common}  # read once, for both designs
    for c in common:
        sa, sb = scores[c]
        x, y = sb[~linked_b], sa[~linked_a]
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        res = sr.mann_whitney(x, y, "two-sided", mw["exact"], mw["correct"], level,
                              names=(f"{b.name} (not linked)", f"{a.name} (not linked)"))
        rows.append(_row(a, b, c, "independent", x, y, res, methods))
    if link:
        for c in common:
            sa, sb = scores[c][0][ia], scores[c][1][ib]
            ok = np.isfinite(sa) & np.isfinite(sb)
            x, y = sb[ok], sa[ok]
            names = (f"{c} in {b.name}", f"{c} in {a.name}")
            res = sr.wilcoxon_paired(x, y, "two-sided", wx["exact"], wx["correct"], level, names=names)
            within = sm.pearson(x, y, "two-sided", level, names=names) if order else None
            if not order:
                res.note = f"no respondent of wave {a.name} has the same {link} in wave {b.name}"
            rows.append(_row(a, b, c, "paired", x, y, res, methods, within))
    return rows


def changes(data: list[Wave], cfg: dict, methods: dict[str, dict]) -> pd.DataFrame:
    """The change of every construct between consecutive waves of ``data`` (in order), both designs.

    ``cfg`` is :func:`settings`; ``methods[wave]`` is :func:`plan_methods` of the analysis plan of each
    later wave of a pair. Returns one row per wave pair, design and construct (independent rows first,
    then paired; constructs in the earlier codebook's order) with columns (:data:`COLUMNS`):

    ``from_wave``, ``to_wave``, ``construct``, ``label`` (the later codebook's label), ``design``
    (independent / paired), ``n_from`` / ``n_to`` (scores compared; paired: complete pairs, both the same),
    ``mean_from`` / ``mean_to``, ``mean_difference`` (to - from; paired: mean of the differences) with
    ``mean_difference_ci_low`` / ``_ci_high`` (Welch / paired t interval), ``standardized_difference``
    (mean_difference / sqrt((sd_from² + sd_to²) / 2)), ``test`` (mann_whitney / wilcoxon_paired),
    ``statistic_name`` (W / V, as R reports them) and ``statistic``, ``p`` (two-sided), ``p_adjusted`` and
    ``correction`` (over the constructs of the pair and design), ``effect_size_name`` (r_rank_biserial),
    ``effect_size`` with ``ci_low`` / ``ci_high``, ``within_r`` with ``within_r_ci_low`` / ``_ci_high``
    (paired rows: Pearson r of the two waves' scores; NaN for independent rows), ``alpha``, ``ci_level``,
    ``significant`` (p_adjusted < alpha), ``change`` (rise / fall / no significant change / not
    computable), ``codebook_changes`` (items of the construct reworded or rescaled, item set changed; ""
    if none) and ``note`` (why a test was not computable; "" otherwise).
    """
    from . import compare_diff
    from . import verdict as vd

    rows = []
    for a, b in pairs(data):
        notes = compare_diff.construct_notes(compare_diff.codebook_diff(a.codebook, b.codebook, a.name, b.name))
        part = compare_pair(a, b, cfg, methods[b.name])
        for design in DESIGNS:
            group = [r for r in part if r["design"] == design]
            for r, padj in zip(group, vd.adjust([r["p"] for r in group], cfg["correction"])):
                r["p_adjusted"], r["correction"] = padj, cfg["correction"]
                r["codebook_changes"] = notes.get(r["construct"], "")
                if not math.isfinite(r["p"]):
                    r["significant"], r["change"] = False, "not computable"
                else:
                    r["significant"] = bool(padj < r["alpha"])
                    r["change"] = ("rise" if r["effect_size"] > 0 else "fall") if r["significant"] and r["effect_size"] != 0 \
                        else "no significant change"
            rows.extend(group)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["significant"] = out["significant"].astype(bool)
    return out


def changes_from_files(names: list[str], scored: list[str | Path], codebooks: list[str | Path], cfg: dict,
                       methods: dict[str, dict]) -> pd.DataFrame:
    """:func:`changes` of the waves ``names`` from their scored.csv and codebook files (same order);
    ``cfg`` the comparison settings, ``methods`` :func:`plan_methods` per later wave (the rule's params)."""
    if len(names) != len(scored) or len(names) != len(codebooks):
        raise ValueError("one scored table and one codebook per wave")
    cfg = validate(dict(cfg), "config_comparison.schema.yaml", SOURCE)
    data = [Wave(n, read_scored(s, cfg["link"]), load_codebook(c), str(s)) for n, s, c in zip(names, scored, codebooks)]
    return changes(data, cfg, methods)
