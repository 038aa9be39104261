"""``upskilling-generate``: write the default data under ``data/raw/`` (survey exports of both waves and
their truth files, interview transcripts and their companions) from a seed. Deterministic: same seed,
same bytes; wave 2 (:mod:`.wave2`) uses random streams of its own, so wave 1's files do not depend on it.

Usage: ``upskilling-generate [--out data/raw] [--seed 20260429] [--codebook config/codebook.yaml]
[--codebook-wave2 config/waves/wave2/codebook.yaml]`` (or ``python -m upskilling.generate``).
"""
from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from .. import logs
from ..config import load_schema, load_validated
from ..errors import InputError
from ..textio import read_yaml, write_json
from . import interviews, survey, truth, truth_wave2, wave2
from .population import PARAMS

#: the master seed's default, from the config schema (``seed``): the data and the pipeline share one default
DEFAULT_SEED = load_schema("config.schema.yaml")["properties"]["seed"]["default"]
WAVE = "wave1"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def generate(out: Path, seed: int = DEFAULT_SEED, codebook: Path = Path("config/codebook.yaml"),
             corpus: Path | None = None, codebook_wave2: Path = Path("config/waves/wave2/codebook.yaml")) -> dict:
    """Write every default-data file under ``out``; returns a summary (counts, missing transcripts)."""
    corpus = Path(corpus) if corpus else Path(str(resources.files("upskilling.generate").joinpath("corpus")))
    cb = load_validated(codebook, "codebook.schema.yaml")
    roster_doc = read_yaml(corpus / "roster.yaml")
    if not roster_doc or "participants" not in roster_doc:
        raise InputError(f"{corpus / 'roster.yaml'}: key 'participants' is missing; list the interviewees")
    roster = roster_doc["participants"]
    built = survey.build(seed, cb, roster, str(codebook))
    observed = truth.scored(built["clean"])
    claims = truth.compute(survey.rng_for(seed, "truth"), roster, survey.N_POPULATION, observed)
    n_raw = len(built["rows"])
    doc = truth.document(seed, survey.MESS, survey.MESS_ORDER, n_raw, len(observed), len(roster), PARAMS, claims)
    wave_dir = out / "survey" / WAVE
    _write(wave_dir / "export.csv", survey.export_csv(built["rows"], cb))
    write_json(doc, wave_dir / "truth.json", sort_keys=True, ensure_ascii=False)
    idir = out / "interviews"
    _write(idir / "roster.csv", survey.roster_csv(roster, built["interviewee_ids"]))
    files = interviews.render_all(corpus, roster, built["interviewee_ids"])
    missing = files.pop("_missing")
    tdir = idir / "transcripts"
    if tdir.exists():  # drop transcripts this run does not produce (e.g. a participant switched to .vtt)
        for old in sorted(tdir.iterdir()):
            if old.suffix in (".txt", ".vtt") and f"transcripts/{old.name}" not in files:
                old.unlink()
    for rel, text in files.items():
        _write(idir / rel, text)
    w2 = generate_wave2(out, seed, cb, codebook_wave2, built, roster)
    return {"n_raw": n_raw, "n_clean": len(observed), "mess": dict(survey.MESS),
            "transcripts": sorted(k for k in files if k.startswith("transcripts/")), "missing": missing,
            "wave2": w2}


def generate_wave2(out: Path, seed: int, cb1: dict, codebook: Path, wave1: dict, roster: list[dict]) -> dict:
    """Write ``survey/wave2/export.csv`` and ``truth.json`` under ``out``; ``wave1`` is wave 1's
    :func:`.survey.build` result. Returns ``{"n_raw", "n_clean", "n_panel"}``."""
    cb = load_validated(codebook, "codebook.schema.yaml")
    wave2.check_changes(cb1, cb, str(codebook))
    built = wave2.build(seed, cb, wave1, str(codebook))
    observed = truth_wave2.split(wave1["clean"], built["clean"], built["panel_index"], wave2.N_PANEL)
    changes = truth_wave2.compute(survey.rng_for(seed, "wave2_truth"), roster, observed)
    n_raw, n_clean = len(built["rows"]), wave2.N_POPULATION
    unlinked = {wave2.PREVIOUS: len(observed[0]), wave2.WAVE: len(observed[1])}
    doc = truth_wave2.document(seed, n_raw, n_clean, unlinked, changes)
    wave_dir = out / "survey" / wave2.WAVE
    _write(wave_dir / "export.csv", wave2.export_csv(built["rows"], cb))
    write_json(doc, wave_dir / "truth.json", sort_keys=True, ensure_ascii=False)
    return {"n_raw": n_raw, "n_clean": n_clean, "n_panel": wave2.N_PANEL}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="upskilling-generate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="output folder (default data/raw)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"master seed (default {DEFAULT_SEED})")
    parser.add_argument("--codebook", type=Path, default=Path("config/codebook.yaml"),
                        help="survey codebook (default config/codebook.yaml)")
    parser.add_argument("--codebook-wave2", type=Path, default=Path("config/waves/wave2/codebook.yaml"),
                        help="survey codebook of wave 2 (default config/waves/wave2/codebook.yaml)")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="folder of the interview sources (default: the package's generate/corpus)")
    args = parser.parse_args(argv)
    log = logs.setup(stage="generate")
    summary = generate(args.out, args.seed, args.codebook, args.corpus, args.codebook_wave2)
    log.info("wrote %s: %d raw survey rows (%d clean), %d transcripts", args.out, summary["n_raw"],
             summary["n_clean"], len(summary["transcripts"]))
    w2 = summary["wave2"]
    log.info("wave 2: %d raw survey rows (%d clean, %d of them panel members of wave 1)", w2["n_raw"],
             w2["n_clean"], w2["n_panel"])
    if summary["missing"]:
        log.warning("no interview source yet for: %s", ", ".join(summary["missing"]))
    return 0
