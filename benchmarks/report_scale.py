"""Benchmark (not a test): the integration side of the findings report at N interview participants.

Issue 10 asks for the size and memory of the report at 1,000 participants. Running the interview stage
on 1,000 interviews takes many minutes (benchmarks/results.md), so this measures only what follows it:
the joint display, the figures and the report, on integration inputs *replicated* from the default run.

1. In a scratch folder (/tmp/report_scale_*) it copies config/, the survey outputs of the integration
   wave (results/survey/<wave>/, scored.csv, the truth file) and results/provenance.json unchanged, and
   writes the interview outputs of an N-participant study: participant P0001..P<N> is a copy of default
   interviewee number ((i - 1) mod 20) + 1 (P0001 = P01, P0021 = P01 again, ...) with every id rewritten
   consistently (participant_id, turn_id ``P0001-T002``, segment_id ``P0001-T002-S01``, the transcript
   name): segments.csv, theme_prevalence.csv, coding_seeds.csv, turns.csv (rows copied per
   participant); quotes.csv (the same 5 quotes per theme, pointing at the first copy: the quote stage
   picks ``quotes.per_theme`` quotes whatever N); topics.csv (representatives renamed, sizes recounted
   from the replicated segments); validation.json (the development / test / training lists and the
   matching config lists expanded to every copy, segment and participant counts recounted or scaled
   by N / 20; kappas, F1s and shares unchanged). The roster links copy i to the analysed survey
   respondent number ((i - 1) mod 220) + 1, the 20 default interviewees' respondents first, so N = 20
   reproduces the default links and N = 1,000 reuses each of the 220 analysed respondents 4 or 5 times
   (every analysed respondent is then an interviewee). claims*.csv are not replicated: step 1 writes
   them, as the rule does.
2. It runs each step in its own Python process, as Snakemake's script jobs do, measured with
   benchmarks/measure.py's ``measure()`` (wall time; peak summed RSS of the process tree, 50 ms
   samples): an import-only baseline, the joint display (``claims.write`` with ``out_quotes`` and
   ``out_people``, rule integrate_claims), every figure the wave's codebook and plan allow
   (``figures.write``, one process per figure as one rule per figure), and the report (``report.write``
   with the inputs, params and skipped figures of rule integrate_report); then, if Chromium is
   installed, headless Chromium rendering the report at 1280 and 760 px (page height, elements wider
   than the window, a screenshot).
3. It writes benchmarks/report_scale.md (table, machine, what was replicated and what was not
   measured) and prints it.

Usage: python benchmarks/report_scale.py [--n 20 1000] [--screenshots DIR] [--keep] [--no-chromium]
(default --n 20 1000: the default size for comparison and 1,000). A few minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from measure import GIB, measure

MIB = 1024**2
IV = "results/interviews"
TURNS = "data/processed/interviews/turns.csv"
OUT_MD = HERE / "report_scale.md"


# --------------------------------------------------------------------------------------------------
# what the rules give each job (rules/integrate.smk), computed from the scratch copy's config


def _rule_inputs() -> dict:
    """Run in the scratch folder: the config (validated, defaults filled, as Snakemake's), the file of
    every integration input by name (rules/integrate.smk _INTEGRATION_FILES) and the figure plan."""
    from upskilling.config import read_yaml, validate_config
    from upskilling.integrate import figures
    from upskilling.integrate.settings import settings, wave

    config = read_yaml("config/config.yaml")
    validate_config(config)
    w = wave(config)
    spec = {"codebook": config["codebook"], "analysis": config["analysis"], **config["waves"][w]}
    survey = f"results/survey/{w}"
    files = {
        "flow": f"{survey}/flow.csv", "reliability": f"{survey}/reliability.csv",
        "descriptives": f"{survey}/descriptives.csv", "hypotheses": f"{survey}/hypotheses.csv",
        "scored": f"data/processed/survey/{w}/scored.csv", "codebook": spec["codebook"],
        "analysis": spec["analysis"], "export": spec["survey"], "themes": config["themes"],
        "segments": f"{IV}/segments.csv", "topics": f"{IV}/topics.csv", "quotes": f"{IV}/quotes.csv",
        "theme_prevalence": f"{IV}/theme_prevalence.csv", "validation": f"{IV}/validation.json",
        "coding_seeds": f"{IV}/coding_seeds.csv", "turns": TURNS,
        "claims": "results/claims.csv", "claims_participants": "results/claims_participants.csv",
        "claims_quotes": "results/claims_quotes.csv", "claims_people": "results/claims_people.csv",
        "provenance": "results/provenance.json",
    }
    roster = settings(config)["roster"]
    drawn, skipped = figures.plan(read_yaml(spec["codebook"]), config, spec["codebook"],
                                  analysis=read_yaml(spec["analysis"]), analysis_source=spec["analysis"])
    return {"config": config, "wave": w, "spec": spec, "files": files, "roster": roster,
            "figures": drawn, "skipped": skipped,
            "synthetic": bool(spec.get("truth")) or spec.get("data_origin") == "synthetic"}


def run_step(step: str, figure: str | None = None) -> None:
    """One measured step, run in the scratch folder (``--step``): what the rule's script does."""
    sys.path.insert(0, str(ROOT / "src"))
    from upskilling.integrate import claims, figures, report
    from upskilling.integrate.settings import narrow

    if step == "baseline":
        return
    r = _rule_inputs()
    config, files = r["config"], r["files"]

    def pick(*names):
        return {n: files[n] for n in names}

    roster = {"roster": r["roster"]} if r["roster"] else {}
    if step == "claims":  # rule integrate_claims
        paths = {**pick("hypotheses", "analysis", "themes", "theme_prevalence", "coding_seeds", "quotes", "scored",
                        "codebook", "segments"), **roster}
        claims.write(paths, "results/claims.csv", "results/claims.md", "results/claims_participants.csv",
                     narrow(config, claims.READS), "results/claims_quotes.csv", "results/claims_people.csv")
    elif step == "figure":  # rule integrate_figure_<name>
        figures.write(figure, pick(*figures.FIGURES[figure]), f"results/figures/{figure}.png",
                      f"results/figures/{figure}.pdf", narrow(config, figures.reads(figure)))
    elif step == "report":  # rule integrate_report + scripts/integrate_report.py
        paths = {**pick("flow", "reliability", "descriptives", "hypotheses", "claims", "claims_participants",
                        "theme_prevalence", "topics", "validation", "segments", "provenance", "themes", "codebook",
                        "analysis", "scored", "claims_people", "claims_quotes"), **roster,
                 **({"truth": r["spec"]["truth"]} if r["spec"].get("truth") else {})}
        paths["wave"], paths["synthetic"] = r["wave"], r["synthetic"]
        figs = {n: f"results/figures/{n}.png" for n in r["figures"]}
        report.write(paths, figs, "results/report.html", narrow(config, report.READS), r["skipped"])
    else:
        raise SystemExit(f"unknown step {step!r}")


# --------------------------------------------------------------------------------------------------
# the scratch study


def _copy(rel: str, work: Path) -> None:
    src, dst = ROOT / rel, work / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)


def _rename(series, old_to_new: dict[str, str]):
    """Rewrite the leading participant id of ids like ``P01-T002-S01``."""
    import pandas as pd

    s = series.astype("string")
    head = s.str.extract(r"^([^-]+)(.*)$", expand=True)
    return (head[0].map(old_to_new).fillna(head[0]) + head[1].fillna("")).astype(object).where(s.notna(), pd.NA)


def _replicate(df, n: int, originals: list[str], id_cols: list[str]):
    """Rows of ``df`` copied once per new participant P0001..P<n> (copy i of original (i-1) mod 20), the
    participant id and every id column in ``id_cols`` rewritten."""
    import pandas as pd

    parts = []
    for i in range(1, n + 1):
        orig, new = originals[(i - 1) % len(originals)], f"P{i:04d}"
        part = df[df["participant_id"] == orig].copy()
        part["participant_id"] = new
        for c in id_cols:
            part[c] = part[c].astype(str).str.replace(rf"^{re.escape(orig)}(?=-|\.|$)", new, regex=True)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def build(work: Path, n: int) -> dict:
    """Write the N-participant integration inputs under ``work``; return what was built."""
    import pandas as pd

    sys.path.insert(0, str(ROOT / "src"))
    from upskilling.config import read_yaml

    _copy("config", work)
    config = read_yaml(work / "config/config.yaml")
    os.chdir(work)
    try:
        r = _rule_inputs()
    finally:
        os.chdir(ROOT)
    files = r["files"]
    for key in ("flow", "reliability", "descriptives", "hypotheses", "scored", "provenance"):
        _copy(files[key], work)
    if r["spec"].get("truth"):
        _copy(r["spec"]["truth"], work)
    for rel in (f"{IV}/topics.csv",):
        (work / rel).parent.mkdir(parents=True, exist_ok=True)

    seg = pd.read_csv(ROOT / files["segments"], dtype={"participant_id": str})
    originals = sorted(seg["participant_id"].unique())
    first = {o: f"P{j + 1:04d}" for j, o in enumerate(originals)}  # the first copy of each original
    copies: dict[str, list[str]] = {o: [] for o in originals}
    for i in range(1, n + 1):
        copies[originals[(i - 1) % len(originals)]].append(f"P{i:04d}")

    def expand(ids):
        return [c for o in ids for c in copies.get(str(o), [])]

    out = {}
    seg_n = _replicate(seg, n, originals, ["segment_id", "turn_id"])
    seg_n.to_csv(work / files["segments"], index=False)
    out["segments"] = len(seg_n)
    for key in ("theme_prevalence", "coding_seeds"):
        df = pd.read_csv(ROOT / files[key], dtype={"participant_id": str})
        _replicate(df, n, originals, []).to_csv(work / files[key], index=False)
    turns = pd.read_csv(ROOT / TURNS, dtype={"participant_id": str})
    turns_n = _replicate(turns, n, originals, ["turn_id", "source"])
    (work / TURNS).parent.mkdir(parents=True, exist_ok=True)
    turns_n.to_csv(work / TURNS, index=False)
    out["turns"] = len(turns_n)

    quotes = pd.read_csv(ROOT / files["quotes"], dtype={"participant_id": str})
    for c in ("participant_id", "segment_id", "turn_id"):
        quotes[c] = _rename(quotes[c], first)
    quotes.to_csv(work / files["quotes"], index=False)
    out["quotes"] = len(quotes)

    topics = pd.read_csv(ROOT / files["topics"])
    topics["representative"] = topics["representative"].map(
        lambda s: s if pd.isna(s) else "; ".join(_rename(pd.Series(str(s).split("; ")), first)))
    sizes = seg_n["topic"].value_counts()
    topics["size"] = topics["topic"].map(sizes).fillna(0).astype(int)
    topics.to_csv(work / files["topics"], index=False)

    # validation.json: participant lists expanded, counts recounted (segments) or scaled by N / 20
    val = json.loads((ROOT / files["validation"]).read_text(encoding="utf-8"))
    f = n / len(originals)
    sp = val.get("split") or {}
    for k in ("development", "test", "training"):
        if isinstance(sp.get(k), list):
            sp[k] = expand(sp[k])
    per_seg = seg_n.groupby("participant_id").size()
    for mode in ("zero_shot", "few_shot"):
        for half in ("development", "test"):
            block = (val.get(mode) or {}).get(half)
            if not isinstance(block, dict):
                continue
            people = set(sp.get(half) or [])
            if mode == "few_shot" and half == "development":
                people -= set(sp.get("training") or [])
            block["n_participants"] = len(people)
            block["n"] = int(per_seg.reindex(sorted(people)).fillna(0).sum())
            for t in (block.get("per_theme") or {}).values():
                for k in ("support", "n_predicted"):
                    if k in t:
                        t[k] = round(t[k] * f)
            if "confusion" in block:
                block["confusion"] = [[round(x * f) for x in row] for row in block["confusion"]]
    settings_block = val.get("settings") or {}
    if isinstance((settings_block.get("split") or {}).get("development"), list):
        settings_block["split"]["development"] = expand(settings_block["split"]["development"])
    if isinstance((settings_block.get("training") or {}).get("participants"), list):
        settings_block["training"]["participants"] = expand(settings_block["training"]["participants"])
    val["n_segments"] = len(seg_n)
    val["theme_counts"] = {k: int(v) for k, v in seg_n["theme"].value_counts().items()}
    val["theme_source_counts"] = {k: int(v) for k, v in seg_n["theme_source"].value_counts().items()}
    for counts in ((val.get("robustness") or {}).get("theme_count") or {}).values():
        for k in list(counts):
            counts[k] = round(counts[k] * f)
    anch = val.get("anchoring") or {}
    for k in ("n_rows", "n_matched"):
        if k in anch:
            anch[k] = round(anch[k] * f)
    pa = (val.get("topics") or {}).get("protocol_alignment") or {}
    for k in ("n_segments", "n_segments_not_protocol"):
        if k in pa:
            pa[k] = round(pa[k] * f)
    (work / files["validation"]).write_text(json.dumps(val, indent=2), encoding="utf-8")

    # the config lists that name participants (the methods paragraph prints them)
    coding = ((config.get("interviews") or {}).get("coding") or {})
    if isinstance((coding.get("split") or {}).get("development"), list):
        coding["split"]["development"] = expand(coding["split"]["development"])
    if isinstance((coding.get("training") or {}).get("participants"), list):
        coding["training"]["participants"] = expand(coding["training"]["participants"])
    import yaml

    (work / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    # roster: copy i -> analysed respondent (i - 1) mod 220, the default interviewees' respondents first
    scored = pd.read_csv(ROOT / files["scored"], dtype={"respondent_id": str}, usecols=["respondent_id"])
    analysed = list(scored["respondent_id"])
    if r["roster"]:
        roster = pd.read_csv(ROOT / r["roster"], dtype=str)
        default_links = [x for x in roster.set_index("participant_id").reindex(originals)["response_id"]
                         if x in set(analysed)]
        order = default_links + [x for x in analysed if x not in set(default_links)]
        rows = []
        for i in range(1, n + 1):
            row = roster[roster["participant_id"] == originals[(i - 1) % len(originals)]].iloc[0].copy()
            row["participant_id"], row["response_id"] = f"P{i:04d}", order[(i - 1) % len(order)]
            rows.append(row)
        (work / r["roster"]).parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(work / r["roster"], index=False)
        out["respondents_linked"] = len(set(order[:n]))
    out.update({"participants": n, "originals": len(originals), "analysed": len(analysed),
                "figures": r["figures"], "skipped": r["skipped"], "wave": r["wave"]})
    return out


# --------------------------------------------------------------------------------------------------
# measuring


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels from the PNG header."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    return struct.unpack(">II", head[16:24])


def _step(work: Path, label: str, args: list[str], outputs: list[str]) -> dict:
    run = measure([sys.executable, str(Path(__file__).resolve()), "--step", *args], work)
    row = {"step": label, "wall_s": run["wall_s"], "peak_mib": run["peak_gib"] * GIB / MIB,
           "bytes": sum((work / o).stat().st_size for o in outputs), "outputs": {}}
    for o in outputs:
        row["outputs"][o] = (work / o).stat().st_size
    png = [o for o in outputs if o.endswith(".png")]
    if png:
        row["px"] = png_size(work / png[0])
    return row


def report_anatomy(html: Path) -> dict:
    text = html.read_text(encoding="utf-8")
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    return {"bytes": len(text.encode("utf-8")), "image_bytes": sum(len(i) for i in images), "images": len(images),
            "table_rows": text.count("<tr"), "tables": text.count("<table")}


def chromium_layout(html: Path, shots: Path, n: int) -> list[dict]:
    """Headless Chromium at 1280 and 760 px: page height, elements wider than the window, a screenshot
    (tests/fixtures/integrate/support.py chromium(), the report tests' probe); the 1280 px screenshot
    run alone is also measured."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "integrate"))
    from support import CHROMIUM, chromium

    rows = []
    for width in (1280, 760):
        shot = shots / f"report_n{n}_{width}.png"
        t = time.perf_counter()
        res = chromium(html, screenshot=shot, height=2400, width=width)
        lay = res["layout"]
        rows.append({"width": width, "height": res["height"], "images": res["images"], "broken": res["broken"],
                     "too_wide": lay["n_too_wide"], "scroll_width": lay["scroll_width"],
                     "tables_scrolling": sum(1 for x in lay["tables"] if x["scrolls"]),
                     "tables": len(lay["tables"]), "screenshot": str(shot),
                     "probe_and_shot_s": time.perf_counter() - t})
    with tempfile.TemporaryDirectory() as tmp:
        flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp}/profile", "--hide-scrollbars", "--virtual-time-budget=10000",
                 "--window-size=1280,2400", f"--screenshot={tmp}/shot.png", html.as_uri()]
        run = measure(flags, Path(tmp))
    rows[0]["shot_wall_s"], rows[0]["shot_peak_mib"] = run["wall_s"], run["peak_gib"] * GIB / MIB
    return rows


def run_n(n: int, shots: Path | None, keep: bool, use_chromium: bool) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"report_scale_n{n}_"))
    t = time.perf_counter()
    built = build(work, n)
    built["build_s"] = time.perf_counter() - t
    rows = [_step(work, "baseline: python + upskilling.integrate imports, no work", ["baseline"], [])]
    rows.append(_step(work, "joint display (claims.write, 5 files)", ["claims"],
                      ["results/claims.csv", "results/claims.md", "results/claims_participants.csv",
                       "results/claims_quotes.csv", "results/claims_people.csv"]))
    for name in built["figures"]:
        rows.append(_step(work, f"figure {name}", ["figure", "--figure", name],
                          [f"results/figures/{name}.png", f"results/figures/{name}.pdf"]))
    rows.append(_step(work, "report (report.write, figures embedded)", ["report"], ["results/report.html"]))
    anatomy = report_anatomy(work / "results/report.html")
    import pandas as pd

    claims = pd.read_csv(work / "results/claims.csv")
    verdicts = {r["claim"]: f"{r['verdict']} / {r['fit']}" for r in claims.to_dict("records")}
    same = None
    if n == built["originals"]:  # the default size: the joint display must be the default run's, ids aside
        same = all(re.sub(r"P00(\d\d)", r"P\1", (work / "results" / f).read_text(encoding="utf-8"))
                   == (ROOT / "results" / f).read_text(encoding="utf-8")
                   for f in ("claims.csv", "claims_participants.csv", "claims_people.csv", "claims_quotes.csv",
                             "claims.md") if (ROOT / "results" / f).exists())
    layout = []
    if use_chromium and Path("/usr/bin/chromium").exists():
        layout = chromium_layout(work / "results/report.html", shots or work, n)
    result = {"n": n, "work": str(work), "built": built, "rows": rows, "report": anatomy, "verdicts": verdicts,
              "chromium": layout, "same_as_default": same}
    if keep:
        print(f"kept {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
        result["work"] = None
    return result


# --------------------------------------------------------------------------------------------------
# the table


def _machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor() or "unknown CPU")
    import matplotlib
    import pandas

    return (f"{cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / GIB:.1f} GiB, Python "
            f"{platform.python_version()}, pandas {pandas.__version__}, matplotlib {matplotlib.__version__}")


def _fmt_bytes(b: int) -> str:
    return f"{b:,}" + (f" ({b / MIB:.1f} MiB)" if b >= MIB else "")


def markdown(results: list[dict], argv: list[str]) -> str:
    ns = [r["n"] for r in results]
    lines = [
        "# The findings report at 1,000 interview participants: size and memory (integration side only)",
        "",
        f"Written by `{' '.join(['python benchmarks/report_scale.py', *argv])}`" +
        f" on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: {_machine()}. "
        "Each step is its own Python process (as a Snakemake script job), measured with "
        "benchmarks/measure.py `measure()`: wall time and the peak summed RSS of the process tree (50 ms "
        "samples), interpreter and imports included (the baseline row is that fixed part). One run, no "
        "repeats. Nothing here is a test.",
        "",
        "| step | n | wall (s) | peak (MiB) | output (bytes) | PNG (px, w x h) |",
        "|---|---|---|---|---|---|",
    ]
    labels = list(dict.fromkeys(row["step"] for r in results for row in r["rows"]))
    for label in labels:
        for r in results:
            row = next((x for x in r["rows"] if x["step"] == label), None)
            if row is None:
                continue
            px = f"{row['px'][0]:,} x {row['px'][1]:,}" if "px" in row else ""
            out = _fmt_bytes(row["bytes"]) if row["bytes"] else "-"
            lines.append(f"| {label} | {r['n']:,} | {row['wall_s']:.1f} | {row['peak_mib']:.0f} | {out} | {px} |")
    lines += ["", "Output bytes of a figure are PNG + PDF; of the joint display the five files together.", ""]

    lines += ["## The report and the files behind it", "",
              ("| n | report.html (bytes) | of it embedded PNG (base64) | the rest | images | tables | table rows | "
              "claims_people.csv | claims_participants.csv | segments.csv rows | verdict / fit per claim |"),
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        a, claims_row = r["report"], next(x for x in r["rows"] if x["step"].startswith("joint display"))
        lines.append(
            f"| {r['n']:,} | {_fmt_bytes(a['bytes'])} | {_fmt_bytes(a['image_bytes'])} | "
            f"{_fmt_bytes(a['bytes'] - a['image_bytes'])} | {a['images']} | "
            f"{a['tables']} | {a['table_rows']:,} | {_fmt_bytes(claims_row['outputs']['results/claims_people.csv'])} | "
            f"{_fmt_bytes(claims_row['outputs']['results/claims_participants.csv'])} | "
            f"{r['built']['segments']:,} | " + "; ".join(f"{k} {v}" for k, v in r["verdicts"].items()) + " |")
    lines.append("")
    for r in results:
        heat = next((x for x in r["rows"] if x["step"] == "figure theme_prevalence_by_participant"), None)
        rep = next(x for x in r["rows"] if x["step"].startswith("report"))
        if heat and "px" in heat:
            lines.append(f"- n = {r['n']:,}: heatmap (theme_prevalence_by_participant) {heat['px'][0]:,} x "
                         f"{heat['px'][1]:,} px, peak {heat['peak_mib']:.0f} MiB; report.html "
                         f"{rep['bytes']:,} bytes, peak {rep['peak_mib']:.0f} MiB.")
    if len(results) > 1:
        lo, hi = results[0], results[-1]
        dn = hi["n"] - lo["n"]
        if dn:
            rest = [r["report"]["bytes"] - r["report"]["image_bytes"] for r in (lo, hi)]
            grow = f"- From n = {lo['n']:,} to {hi['n']:,}: report.html without its images grows by " \
                   f"{(rest[1] - rest[0]) / dn:,.0f} bytes per interviewee"
            if lo["chromium"] and hi["chromium"]:
                dh = hi["chromium"][0]["height"] - lo["chromium"][0]["height"]
                grow += f", the page at 1280 px by {dh / dn:.0f} px"
            lines.append(grow + " (one table row per interviewee in the joint display's tables of scale means and "
                         "theme shares, which are open, and in each claim's per-interviewee table, which sits in a "
                         "closed `<details>` and adds bytes, not height; and the participant lists of the methods "
                         "text).")
    lines.append("- Before the heatmap's aggregation (issue 10) it was 48,000 px tall and took 3.2 GB at 1,000 "
                 "participants; the issue's target is under 300 MB. Peaks above include the interpreter and "
                 "imports (baseline row).")
    if any(r["chromium"] for r in results):
        lines += ["", "## Read in headless Chromium (not a pipeline step)", "",
                  ("tests/fixtures/integrate/support.py `chromium()` (the report tests' probe): page height, "
                  "elements whose right edge (or that of the box they scroll in) lies beyond the window; the "
                  "1280 px screenshot run alone measured with `measure()` (Chromium's processes share memory, "
                  "so summed RSS over-counts)."), "",
                  ("| n | window (px) | page height (px) | images (broken) | tables (scrolling inside their box) | "
                  "elements wider than the window | page scroll width | screenshot run: wall (s), peak (MiB) |"),
                  "|---|---|---|---|---|---|---|---|"]
        for r in results:
            for c in r["chromium"]:
                shot = (f"{c['shot_wall_s']:.1f}, {c['shot_peak_mib']:.0f}" if "shot_wall_s" in c else "")
                lines.append(f"| {r['n']:,} | {c['width']} | {c['height']:,} | {c['images']} ({c['broken']}) | "
                             f"{c['tables']} ({c['tables_scrolling']}) | {c['too_wide']} | {c['scroll_width']} | "
                             f"{shot} |")
    for r in results:
        if r["same_as_default"] is not None:
            lines += ["", f"Check at n = {r['n']}: the five joint-display files "
                      + ("equal the default run's results/claims*.csv byte for byte once P00xx is read as Pxx."
                         if r["same_as_default"] else "DIFFER from the default run's results/claims*.csv.")]
    b = results[-1]["built"]
    kept = "kept: --keep" if any(r["work"] for r in results) else "deleted afterwards"
    lines += [
        "", "## What was replicated", "",
        (f"Scratch copies under /tmp ({kept}). Participants P0001..P{max(ns):04d}: participant i is a copy of default "
        f"interviewee number ((i - 1) mod {b['originals']}) + 1 of the default run (P0001 = P01, P0021 = P01 again), "
        "ids rewritten consistently (participant_id, turn_id `P0001-T002`, segment_id `P0001-T002-S01`, "
        "transcript name)."),
        "",
        ("- results/interviews/segments.csv, theme_prevalence.csv, coding_seeds.csv and "
        "data/processed/interviews/turns.csv: rows copied per participant "
        f"(at n = {b['participants']:,}: {b['segments']:,} segments, {b['turns']:,} turns)."),
        (f"- quotes.csv: the default {b['quotes']} quotes (5 per theme), pointing at the first copy: the quote "
        "stage picks `interviews.quotes.per_theme` quotes whatever the number of participants."),
        "- topics.csv: the default topics, representatives renamed, sizes recounted from the replicated segments.",
        ("- validation.json: the development / test / training participant lists expanded to every copy (and "
        "`interviews.coding.split.development` / `training.participants` in the scratch config likewise); segment "
        "and participant counts recounted, support / predicted / confusion / robustness counts scaled by n / 20; "
        "kappas, F1s, shares and the topic-model figures are the default run's, unchanged."),
        (f"- roster (data/raw/interviews/roster.csv): copy i linked to analysed respondent ((i - 1) mod "
        f"{b['analysed']}) + 1, the 20 default interviewees' respondents first, so n = 20 reproduces the default "
        f"links and n = 1,000 reuses each of the {b['analysed']} analysed respondents 4 or 5 times "
        f"({b.get('respondents_linked', 0)} distinct respondents linked at n = {b['participants']:,}). Every "
        "analysed respondent is then an interviewee, so the report's interview-sample comparison has no "
        "'other respondents' at n = 1,000, and the per-interviewee correlations pair copied talk with other "
        "people's scores: the numbers in that report mean nothing; only its size and cost do. The roster's "
        "profile columns are the copied interviewee's."),
        ("- Survey inputs (results/survey/<wave>/, scored.csv, the truth file), config/ and "
        "results/provenance.json: the default run's, unchanged (the report's provenance section still lists "
        "the default run's input hashes)."),
        "- claims*.csv: not replicated; the joint-display step writes them, as rule integrate_claims does.",
        "",
        f"Figures drawn (figures.plan for the wave's codebook and plan): {', '.join(b['figures'])}."
        + (f" Not drawn: {', '.join(f'{k} ({v})' for k, v in b['skipped'].items())}." if b["skipped"] else ""),
        "",
        "## What was not measured", "",
        ("- The interview stage at 1,000 interviews (ingest, embedding, topics, coding, quotes, validation): "
        "benchmarks/results.md measures it (synthetic 1,000 interviews, 25,550 segments: 447 s, 2.29 GiB)."),
        ("- The REFI-QDA export, the reviewer notebooks and provenance (other integration rules), and Snakemake "
        "itself (DAG building, job scheduling): the steps are run directly, one process each, one after the "
        "other."),
        ("- Real variety: every copy is identical to its original, so e.g. the heatmap's dominant-theme groups, "
        "topic keywords and quotes are those of the 20 default interviewees repeated."),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[20, 1000], help="participant counts (default 20 1000)")
    ap.add_argument("--screenshots", type=Path, help="save the Chromium screenshots here (default: not kept)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folders")
    ap.add_argument("--no-chromium", action="store_true", help="skip rendering in headless Chromium")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--figure", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.step:
        run_step(args.step, args.figure)
        return
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    results = [run_n(n, args.screenshots, args.keep, not args.no_chromium) for n in args.n]
    md = markdown(results, argv)
    OUT_MD.write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main(sys.argv[1:])
