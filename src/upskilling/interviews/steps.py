"""One function per Snakemake rule of the interview stage: read the rule's inputs, run the step, write
its outputs. The thin scripts in ``scripts/interviews_*.py`` call exactly one of these.

Nothing here logs transcript text: only counts, ids, paths and timings.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..textio import json_text, read_json, write_json  # the package's one JSON reader and writer
from .themes import OTHER

log = logging.getLogger("upskilling.interviews")


# ---------------------------------------------------------------- small I/O helpers
def _out(path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_csv(df: pd.DataFrame, path) -> None:
    df.to_csv(_out(path), index=False, lineterminator="\n")


def read_csv(path, **kw) -> pd.DataFrame:
    """CSV with text kept as text (no 'NA' -> NaN)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""], **kw)


def _segments_and_embeddings(segments_csv, embeddings_npy, embeddings_json):
    segments = read_csv(segments_csv, dtype={"text": str})
    vectors = np.load(embeddings_npy)
    meta = read_json(embeddings_json)
    if meta.get("segment_ids") != segments["segment_id"].tolist() or len(vectors) != len(segments):
        raise InputError(f"{embeddings_npy}: embeddings do not match {segments_csv} (other segments or order); "
                         f"re-run the embedding rule")
    return segments, vectors, meta


def _threads(n) -> None:
    """Use the rule's ``threads`` in torch and in the BLAS / OpenMP pools numpy, scipy and scikit-learn
    call (threadpoolctl). Without the second limit OpenBLAS starts one thread per core for every small
    matrix product: the coding job's 50 budget-curve fits took 18 s instead of 7 s on 2 cores, with the
    same results to the byte (OpenBLAS gives identical products here; tests check the outputs).
    torch is limited only if this process has imported it (a :class:`.encoder.TextEncoder` that loads the
    model sets its own threads): the jobs that never need the model do not import it."""
    import sys

    from threadpoolctl import threadpool_limits

    n = max(1, int(n or 1))
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    threadpool_limits(n)


def _theme_matrix(themes, encoder, theme_cfg):
    """Theme vectors; ``encoder(texts) -> array`` (a :class:`.encoder.TextEncoder`)."""
    from .themes import theme_vectors

    return theme_vectors(themes, encoder, theme_cfg["text"], theme_cfg["definition_weight"])


def _encoder(meta: dict, segments: pd.DataFrame, context_npy, reference_npz, cache_dir, threads: int):
    """A :class:`.encoder.TextEncoder` that knows the reference texts and the segments' context questions."""
    from .encoder import TextEncoder, read_known

    contexts = segments["context"].tolist() if "context" in segments.columns else None
    known = read_known(reference_npz, contexts, context_npy if contexts is not None else None)
    return TextEncoder(meta, cache_dir, known=known, batch_size=int(meta.get("batch_size") or 32), threads=threads)


# ---------------------------------------------------------------- rules
def ingest(transcripts: list, redaction_list, speakers: dict, participant_header: str, redaction: dict,
           out_turns, out_transcripts, out_report, max_transcript_share: float = 0.5,
           out_name_candidates=None) -> None:
    """Read + redact every transcript; write turns.csv, transcripts.csv and ingest.json (counts only).
    Transcripts holding more than ``max_transcript_share`` of all participant words are reported."""
    from .ingest import compile_speakers, dominant_transcripts, ingest_transcripts
    from .redact import make_redactor, redaction_report

    redactor = make_redactor(redaction_list or None, **redaction)
    turns, meta = ingest_transcripts([Path(p) for p in transcripts], compile_speakers(speakers), redactor,
                                     participant_key=participant_header.strip().lower().replace(" ", "_"),
                                     name_candidates=out_name_candidates)
    empty = meta.loc[meta["status"] != "ok", "source"].tolist()
    for source in empty:
        log.warning("%s: no participant turns (check interviews.speakers.participant); it contributes no segments",
                    source)
    report = {
        "n_transcripts": int(len(meta)),
        "n_transcripts_without_participant_turns": len(empty),
        "transcripts_without_participant_turns": empty,
        "formats": {k: int(v) for k, v in meta["format"].value_counts().sort_index().items()},
        "n_turns": int(len(turns)),
        "n_participant_turns": int((turns["role"] == "participant").sum()),
        "n_interviewer_turns": int((turns["role"] == "interviewer").sum()),
        "n_unattributed_lines": int(meta["n_unattributed_lines"].sum()),
        "redaction": redaction_report(redactor),
        "max_transcript_share": max_transcript_share,
        "dominant_transcripts": dominant_transcripts(turns, max_transcript_share),
    }
    for d in report["dominant_transcripts"]:
        log.warning("%s holds %.0f%% of all participant words (more than interviews.max_transcript_share = %s): "
                    "it will dominate the theme shares and topics; check that it is one interview (not several "
                    "joined) or raise the setting", d["source"], 100 * d["share"], max_transcript_share)
    log.info("ingested %d transcripts: %d turns (%d participant); redactions %s", report["n_transcripts"],
             report["n_turns"], report["n_participant_turns"], report["redaction"]["replacements"])
    write_csv(turns, out_turns)
    write_csv(meta, out_transcripts)
    write_json(report, out_report)


def segment(turns_csv, window: int, stride: int, min_words: int, out_segments, out_dropped, out_summary) -> None:
    """Cut participant turns into segments; write segments.csv, segments_dropped.csv, segmentation.json."""
    from .segment import segment_turns, segmentation_summary

    turns = read_csv(turns_csv, dtype={"text": str})
    turns["text"] = turns["text"].fillna("")
    segments, dropped = segment_turns(turns, window=window, stride=stride, min_words=min_words)
    from .inductive import preceding_questions

    # the interviewer's preceding question (redacted like every turn): context for the theme coder
    segments["context"] = segments["turn_id"].map(preceding_questions(turns)).fillna("")
    summary = segmentation_summary(segments, dropped, turns)
    summary["settings"] = {"window": window, "stride": stride or window, "min_words": min_words}
    log.info("%d segments from %d participant turns; %d dropped %s", summary["n_segments"],
             summary["n_participant_turns"], summary["n_dropped_segments"], summary["dropped_by_reason"])
    write_csv(segments, out_segments)
    write_csv(dropped, out_dropped)
    write_json(summary, out_summary)


def _embed_rows(segments: pd.DataFrame, segments_csv, model, model_sha256: str, batch_size: int, cache_dir,
                cache_keep: int, with_context: bool) -> tuple:
    """Embed ``segments``' texts (and, if ``with_context``, each distinct preceding question once) with the
    per-text cache. Returns (vectors, context vectors or None, info, context info or None)."""
    from .embed import embed_segments, model_settings

    if with_context and "context" not in segments.columns:
        raise InputError(f"{segments_csv}: no 'context' column; re-run the segmentation rule")
    settings = model_settings(model)
    if segments.empty:  # a shard beyond the last segment (more shards than segments)
        empty = np.zeros((0, settings["dimension"]), dtype=np.float32)
        info = {"n": 0, "n_reused": 0, "n_embedded": 0, "cache_hit": True, "dimension": settings["dimension"],
                "window": _window(segments, model, settings["max_seq_length"])}
        return empty, (empty if with_context else None), info, (dict(info) if with_context else None)
    vectors, info = embed_segments(segments["text"].tolist(), model, model_sha256, cache_dir or None,
                                   batch_size=batch_size, cache_keep=cache_keep)
    info["window"] = _window(segments, model, settings["max_seq_length"])
    if not with_context:
        return vectors, None, info, None
    # the same question precedes several segments: embed each distinct question once
    questions = segments["context"].fillna("").tolist()
    unique = sorted(set(questions))
    # same per-text cache as the segments (a question already embedded in a former run is reused)
    qvec, context_info = embed_segments([q or " " for q in unique], model, model_sha256, cache_dir or None,
                                        batch_size=batch_size, cache_keep=cache_keep, label="context questions")
    row = {q: i for i, q in enumerate(unique)}
    return vectors, qvec[[row[q] for q in questions]], info, context_info


def _window(segments: pd.DataFrame, model, max_seq_length: int) -> dict:
    """Segments longer than the model's token window (cut by encode): counted and logged, never silent."""
    from .embed import token_lengths, window_report

    ids = segments["segment_id"].astype(str).tolist()
    report = window_report(ids, token_lengths(model, segments["text"].tolist()), max_seq_length)
    if report["n_truncated"]:
        log.warning("interviews: %d of %d segments exceed the model's %d-token window (longest %d tokens) and are "
                    "embedded from their first %d tokens; lower interviews.segmentation.window to split them "
                    "(ids in embeddings.json 'window' and validation.json 'embedding_window')", report["n_truncated"],
                    len(ids), report["max_seq_length"], report["max_tokens"], report["max_seq_length"])
    return report


def _embed_job(segments_csv, threads: int, batch_size: int, cache_dir, cache_keep: int, with_context: bool,
               scatteritem: str | None = None, reference: list[str] | None = None) -> tuple:
    """One embedding job: the segments (all, or shard ``scatteritem``'s rows), their vectors, context vectors,
    the vectors of the ``reference`` texts (:func:`.encoder.reference_texts`; None: none) and the job's meta
    (model, cache counts, context and reference counts, torch threads). An empty segments table stops."""
    import torch

    from ..model import load_model, model_info
    from .embed import embed_segments

    segments = read_csv(segments_csv, dtype={"text": str, "context": str})
    if segments.empty:
        raise InputError(f"{segments_csv}: no segments to embed; check the transcripts and interviews.segmentation")
    _threads(threads)  # torch is imported above, so its threads are set too
    rows = segments if scatteritem is None else segments.iloc[shard_rows(len(segments), scatteritem)]
    info_model = model_info()
    model = load_model()
    vectors, context, info, context_info = _embed_rows(rows, segments_csv, model, info_model["sha256"],
                                                       batch_size, cache_dir, cache_keep, with_context)
    ref_vectors, ref_info = None, None
    if reference:
        ref_vectors, ref_info = embed_segments(list(reference), model, info_model["sha256"], cache_dir or None,
                                               batch_size=batch_size, cache_keep=cache_keep, label="reference texts")
        ref_info = {k: ref_info[k] for k in ("n", "n_reused", "n_embedded", "cache_hit")}
    meta = {"model": info_model, **info, "context": context_info, "reference": ref_info,
            "torch_threads": torch.get_num_threads()}
    return rows, vectors, context, meta, ref_vectors


def embed(segments_csv, batch_size: int, cache_dir, cache_keep: int, threads: int, out_npy, out_json,
          out_context_npy=None) -> None:
    """Embed the segments and their context questions in one process, reusing the per-segment cache for
    texts already embedded (``cache_keep`` = model/settings stores kept); write embeddings.npy,
    context_embeddings.npy and embeddings.json (with ``n_reused`` / ``n_embedded``). The pipeline does
    the same in shards: :func:`embed_shard` and :func:`embed_gather`."""
    rows, vectors, context, meta, _ = _embed_job(segments_csv, threads, batch_size, cache_dir, cache_keep,
                                                 out_context_npy is not None)
    np.save(_out(out_npy), vectors)
    if out_context_npy is not None:
        np.save(_out(out_context_npy), context)
    write_json({**meta, "segment_ids": rows["segment_id"].tolist()}, out_json)


def parse_shard(scatteritem: str) -> tuple[int, int]:
    """``"2-of-4"`` (Snakemake's scatter item) -> (2, 4)."""
    try:
        i, n = (int(x) for x in str(scatteritem).split("-of-"))
    except ValueError:
        raise InputError(f"embedding shard {scatteritem!r}: expected 'i-of-n' (Snakemake's scatteritem)") from None
    if not 1 <= i <= n:
        raise InputError(f"embedding shard {scatteritem!r}: i must lie between 1 and n")
    return i, n


def shard_rows(n_rows: int, scatteritem: str) -> np.ndarray:
    """Row positions of shard ``scatteritem`` ("i-of-n"): the i-th of n contiguous, near-equal blocks, so that
    the shards concatenated in order give the segments' order."""
    i, n = parse_shard(scatteritem)
    return np.array_split(np.arange(n_rows), n)[i - 1]


def embed_shard(segments_csv, scatteritem: str, batch_size: int, cache_dir, cache_keep: int, threads: int,
                out_npz, themes_yaml=None, protocol=None) -> None:
    """Embed one shard of the segments (rows :func:`shard_rows`), their preceding questions and the shard's
    block of the codebook / protocol reference texts (:func:`.encoder.reference_texts`, split like the rows;
    ``themes_yaml=None``: none) with the per-text cache; write ``out_npz`` (segment_ids, embeddings, context,
    reference_texts, reference, info as JSON text)."""
    reference = []
    if themes_yaml is not None:
        from .encoder import reference_texts

        i, n = parse_shard(scatteritem)
        reference = [str(t) for t in np.array_split(np.array(reference_texts(themes_yaml, protocol), dtype=object),
                                                     n)[i - 1]]
    rows, vectors, context, meta, ref = _embed_job(segments_csv, threads, batch_size, cache_dir, cache_keep, True,
                                                   scatteritem, reference)
    log.info("embedding shard %s: %d segments (%d reused, %d embedded), %d reference texts", scatteritem, len(rows),
             meta["n_reused"], meta["n_embedded"], len(reference))
    dim = vectors.shape[1]
    np.savez(_out(out_npz), segment_ids=np.array(rows["segment_id"].tolist(), dtype=str), embeddings=vectors,
             context=context, reference_texts=np.array(reference, dtype=str),
             reference=ref if ref is not None else np.zeros((0, dim), dtype=np.float32),
             info=np.array(json_text({"shard": scatteritem, **meta})))


def _gather_windows(windows: list) -> dict | None:
    windows = [w for w in windows if w]
    if not windows:
        return None
    known = [w for w in windows if w["n_truncated"] is not None]
    return {"max_seq_length": windows[0]["max_seq_length"],
            "n_truncated": sum(w["n_truncated"] for w in known) if len(known) == len(windows) else None,
            "max_tokens": max((w["max_tokens"] for w in known), default=None),
            "truncated_segment_ids": [i for w in windows for i in w["truncated_segment_ids"]]}


def embed_gather(segments_csv, shard_files: list, out_npy, out_json, out_context_npy, out_reference_npz=None) -> None:
    """Concatenate the embedding shards in order (1-of-n, 2-of-n, ...) into embeddings.npy,
    context_embeddings.npy, codebook_embeddings.npz (the reference texts and their vectors; written when
    ``out_reference_npz`` is given) and embeddings.json (totals over the shards, and each shard's counts and
    times under ``shards``). Stops if the shards do not cover the segments in order."""
    segments = read_csv(segments_csv, usecols=["segment_id"])  # the ids are all the gather checks
    parts = []
    for path in shard_files:
        with np.load(path, allow_pickle=False) as z:
            parts.append({k: z[k] for k in ("segment_ids", "embeddings", "context", "reference_texts", "reference")}
                         | {"info": json.loads(str(z["info"]))})
    parts.sort(key=lambda p: parse_shard(p["info"]["shard"])[0])
    ids = [str(x) for p in parts for x in p["segment_ids"]]
    if ids != segments["segment_id"].tolist():
        raise InputError(f"{segments_csv}: the embedding shards ({len(parts)}) do not hold its {len(segments)} "
                         f"segments in order; re-run the embedding shards (snakemake --forcerun interviews_embed_shard)")
    shas = {p["info"]["model"]["sha256"] for p in parts}
    if len(shas) != 1:
        raise InputError(f"embedding shards were made with different models ({sorted(shas)}); re-run them")
    np.save(_out(out_npy), np.vstack([p["embeddings"] for p in parts]).astype(np.float32, copy=False))
    np.save(_out(out_context_npy), np.vstack([p["context"] for p in parts]).astype(np.float32, copy=False))
    if out_reference_npz is not None:
        np.savez(_out(out_reference_npz), texts=np.concatenate([p["reference_texts"] for p in parts]).astype(str),
                 vectors=np.vstack([p["reference"] for p in parts]).astype(np.float32, copy=False))
    infos = [p["info"] for p in parts]
    first = next((i for i in infos if i["n"]), infos[0])

    def total(key, sub=None):
        return int(sum((i.get(sub) or {}).get(key, 0) if sub else i.get(key, 0) for i in infos))

    context = {k: total(k, "context") for k in ("n", "n_reused", "n_embedded")}
    summary = {"model": first["model"], **{k: v for k, v in first.items() if k in ("cache_key", "dimension",
                                                                                   "batch_size", "settings")},
               "n": total("n"), "n_reused": total("n_reused"), "n_embedded": total("n_embedded"),
               "cache_hit": all(i["cache_hit"] for i in infos),
               "seconds": max(i.get("seconds", 0.0) for i in infos),
               "context": {**context, "cache_hit": all((i["context"] or {}).get("cache_hit", True) for i in infos)},
               "reference": {k: total(k, "reference") for k in ("n", "n_reused", "n_embedded")},
               "torch_threads": first["torch_threads"],
               "window": _gather_windows([i.get("window") for i in infos]),
               "n_shards": len(parts),
               "shards": [{k: i.get(k) for k in ("shard", "n", "n_reused", "n_embedded", "seconds", "encode_seconds",
                                                 "texts_per_second")} for i in infos],
               "segment_ids": ids}
    log.info("embeddings gathered from %d shard(s): %d segments, %d reused from the cache, %d embedded",
             len(parts), summary["n"], summary["n_reused"], summary["n_embedded"])
    write_json(summary, out_json)


def topics(segments_csv, embeddings_npy, embeddings_json, themes_yaml, topics_cfg: dict, theme_cfg: dict,
           seed: int, out_segments, out_topics, out_model_dir, out_info, threads: int = 1,
           protocol=None, stability_cfg: dict | None = None, master_seed: int | None = None,
           out_stability_csv=None, out_stability_json=None, context_npy=None, reference_npz=None,
           cache_dir=None) -> None:
    """Fit the topic model; write results segments.csv, topics.csv, the safetensors model, topics_fit.json.

    Each segment's preceding interviewer question (the ``context`` column of segments.csv) is matched to the
    ``protocol`` questions (:mod:`.inductive`; no protocol file: questions identified by their text):
    topics.csv gets ``protocol_question`` / ``protocol_share`` and topics_fit.json
    ``protocol_alignment``. Texts other than the segments (codebook, questions, KeyBERT's words) are
    embedded by a :class:`.encoder.TextEncoder` (``context_npy``, ``reference_npz`` and ``cache_dir``
    first; the model only for new texts). With ``out_stability_csv`` the seed re-fits of :func:`stability`
    run in this process too (the pipeline runs them in their own rule, beside this one).
    """
    from ..model import MODEL_NAME, model_info
    from .inductive import protocol_alignment, question_ids, read_protocol
    from .themes import load_themes
    from .topics import fit_topics, save_model, segment_table

    _threads(threads)
    segments, vectors, meta = _segments_and_embeddings(segments_csv, embeddings_npy, embeddings_json)
    themes = load_themes(themes_yaml)
    encoder = _encoder(meta, segments, context_npy, reference_npz, cache_dir, threads)
    log.info("segment embeddings read from %s (%d x %d): not embedding again", embeddings_npy, *vectors.shape)
    matrix = _theme_matrix(themes, encoder, theme_cfg)
    qids, questions = None, {}
    if "context" in segments.columns:
        questions = read_protocol(protocol)
        asked = segments["context"].fillna("").astype(str)
        qids = question_ids(asked, questions, embed=encoder).to_numpy()
        log.info("preceding questions: %d protocol questions read, %d distinct question ids, %.1f%% probes",
                 len(questions), len(set(qids)), 100 * float(np.mean(qids == "probe")))
    fit = fit_topics(segments["text"].tolist(), vectors, segments["participant_id"].to_numpy(), themes, matrix,
                     topics_cfg, seed, encoder, segment_ids=segments["segment_id"].to_numpy(), question_ids=qids)
    log.info("topic model: %d topics (%d zero-shot), outliers %.1f%% -> %.1f%% after reduction, %.1f s",
             fit.info["n_topics"], fit.info["n_zeroshot_topics"], 100 * fit.info["outlier_share_before"],
             100 * fit.info["outlier_share_after"], fit.info["seconds"])
    alignment = None
    if qids is not None:
        alignment = {"protocol": str(protocol or ""), "n_protocol_questions": len(questions),
                     **protocol_alignment(fit.topics, qids)}
        log.info("protocol alignment: AMI %.3f, %.0f%% of topics dominated by one question -> follows protocol: %s",
                 alignment["ami"], 100 * alignment["share_topics_dominated"], alignment["follows_protocol"])
    write_csv(segment_table(segments, fit), out_segments)
    write_csv(fit.topic_table, out_topics)
    save_model(fit.model, out_model_dir, MODEL_NAME)
    write_json({**fit.info, "model": model_info(), "theme_ids": [t["id"] for t in themes],
                "protocol_alignment": alignment, "topics": topics_cfg, "theme_vectors": theme_cfg}, out_info)
    if out_stability_csv is not None:
        _stability_fits(segments, vectors, themes, matrix, encoder, topics_cfg, master_seed,
                        stability_cfg["n_seeds"], stability_cfg["seeds"], out_stability_csv, out_stability_json)
    log.info("topics: %s", encoder.summary())


def stability(segments_csv, embeddings_npy, embeddings_json, themes_yaml, topics_cfg: dict, theme_cfg: dict,
              master_seed: int, n_seeds: int, seeds: list, out_csv, out_json, threads: int = 1, reference_npz=None,
              cache_dir=None) -> None:
    """Re-fit the topic model over several seeds (its own rule, beside :func:`topics`: numba's on-disk cache
    compiles UMAP once per environment, not once per job); write the assignments and the pairwise-ARI
    summary. The re-fits compute no keywords, so they never need the embedding model."""
    from .themes import load_themes

    _threads(threads)
    segments, vectors, meta = _segments_and_embeddings(segments_csv, embeddings_npy, embeddings_json)
    themes = load_themes(themes_yaml)
    encoder = _encoder(meta, segments, None, reference_npz, cache_dir, threads)
    _stability_fits(segments, vectors, themes, _theme_matrix(themes, encoder, theme_cfg), encoder, topics_cfg,
                    master_seed, n_seeds, seeds, out_csv, out_json)
    log.info("stability: %s", encoder.summary())


def _stability_fits(segments, vectors, themes, matrix, encoder, topics_cfg, master_seed, n_seeds, seeds, out_csv,
                    out_json) -> None:
    from .stability import run_seeds, stability_seeds, summarise

    run_list = stability_seeds(master_seed, n_seeds, seeds)
    assignments, runs = run_seeds(segments["text"].tolist(), vectors, segments["participant_id"].to_numpy(), themes,
                                  matrix, topics_cfg, run_list, encoder)
    summary = summarise(assignments, runs)
    log.info("stability over %d seeds: mean pairwise ARI %.3f (themes), %.3f (topics)", summary["n_runs"],
             summary["mean_pairwise_ari"], summary["mean_pairwise_ari_topics"])
    assignments.insert(1, "segment_id", segments["segment_id"].to_numpy()[assignments["segment_index"].to_numpy()])
    write_csv(assignments, out_csv)
    write_json(summary, out_json)


def prevalence(results_segments, themes_yaml, out_csv) -> None:
    """Theme prevalence per participant (theme_prevalence.csv), with ``coded_by`` (human | model | mixed)."""
    from .themes import load_themes, prevalence as prevalence_table

    segments = read_csv(results_segments, dtype={"text": str, "theme_source": str})
    table = prevalence_table(segments, [t["id"] for t in load_themes(themes_yaml)])
    if "theme_source" in segments.columns:
        # who coded each interviewee: human (training participant), model, or mixed
        human = segments["theme_source"].eq("human").groupby(segments["participant_id"]).mean()
        table["coded_by"] = table["participant_id"].map(
            lambda p: "human" if human.get(p, 0) == 1 else ("model" if human.get(p, 0) == 0 else "mixed"))
    write_csv(table, out_csv)


def quotes(results_segments, embeddings_npy, embeddings_json, themes_yaml, center: str, quotes_cfg: dict,
           out_csv, out_json) -> None:
    """Representative, diverse quotes per theme (quotes.csv) and how well each quota was met."""
    from .quotes import select_quotes
    from .themes import load_themes
    from .topics import center_embeddings

    segments, vectors, _ = _segments_and_embeddings(results_segments, embeddings_npy, embeddings_json)
    centred = center_embeddings(vectors, segments["participant_id"].to_numpy(), center)
    table, summary = select_quotes(segments, centred, [t["id"] for t in load_themes(themes_yaml)], **quotes_cfg)
    short = {t: s for t, s in summary.items() if s["n_quotes"] < quotes_cfg["per_theme"]}
    if short:
        log.warning("themes with fewer than %d quotes: %s", quotes_cfg["per_theme"],
                    {t: s["n_quotes"] for t, s in short.items()})
    write_csv(table, out_csv)
    write_json(summary, out_json)


def code(segments_csv, embeddings_npy, embeddings_json, context_npy, themes_yaml, human_coding, turns_csv,
         redaction_list, redaction: dict, coding_cfg: dict, master_seed: int, out_coding, out_seeds, out_fit,
         threads: int = 1, reference_npz=None, cache_dir=None) -> None:
    """Deductive theme coding (zero-shot and few-shot): coding.csv, coding_seeds.csv, coding_fit.json.
    The codebook's texts come from ``reference_npz`` / ``cache_dir`` (:class:`.encoder.TextEncoder`; the model
    is loaded only for a text in neither)."""
    from .coding import (code_segments, codebook_texts, features, labelling_budget, prevalence_over_seeds,
                         prototypes, robustness_runs, robustness_seeds, split_participants, zero_shot)
    from .coding_io import read_human_coding
    from .redact import make_redactor
    from .themes import load_codebook
    from .topics import derive_seed

    _threads(threads)
    segments, vectors, meta = _segments_and_embeddings(segments_csv, embeddings_npy, embeddings_json)
    questions = np.load(context_npy)
    if len(questions) != len(segments):
        raise InputError(f"{context_npy}: {len(questions)} rows for {len(segments)} segments; re-run the embedding rule")
    themes, other = load_codebook(themes_yaml)
    theme_ids = [t["id"] for t in themes]
    labels = theme_ids + [OTHER]
    texts, text_labels = codebook_texts(themes, other)
    encoder = _encoder(meta, segments, None, reference_npz, cache_dir, threads)
    protos = prototypes(encoder(texts), text_labels, labels)
    log.info("coding: %s", encoder.summary())
    groups = segments["participant_id"].to_numpy()
    w = coding_cfg["context_weight"]
    zs = coding_cfg["zero_shot"]
    zs_theme, zs_score, _ = zero_shot(vectors, groups, questions, protos, labels, w, zs["other_bias"], zs["temperature"])
    x = features(vectors, groups, questions, w)

    human, anchoring, split = None, None, None
    if human_coding:
        turns = read_csv(turns_csv, dtype={"text": str})
        redactor = make_redactor(redaction_list or None, **redaction)
        coding, anchoring = read_human_coding(human_coding, theme_ids, turns, redact=redactor,
                                              labels={t["id"]: t["label"] for t in themes})
        human = coding.set_index("turn_id")["theme"]
        coded = sorted(set(coding["participant_id"]))
        split = split_participants(coded, coding_cfg["split"], coding_cfg["training"], master_seed)
        log.info("human coding %s: %d rows (%d matched, %d moved, %d unmatched); development %d, test %d, "
                 "training %d participants", human_coding, anchoring["n_rows"], anchoring["n_matched"],
                 anchoring["n_moved"], anchoring["n_unmatched"], len(split["development"]), len(split["test"]),
                 len(split["training"]))
    table = code_segments(segments, x, zs_theme, zs_score, human, split, coding_cfg)
    seeds = robustness_seeds(master_seed, coding_cfg["robustness"]["n_seeds"])
    prevalence_seeds, runs = prevalence_over_seeds(segments, x, zs_theme, zs_score, human, split, coding_cfg, seeds,
                                                   theme_ids)
    run_info = robustness_runs(runs, table, labels)
    budget = labelling_budget(table, x, zs_theme, coding_cfg, labels, derive_seed(master_seed, "interviews.coding.budget"))
    mode = table["coding_mode"].iloc[0]
    log.info("coded %d segments; joint display uses %s (%d human-coded training segments)", len(table), mode,
             int((table["theme_source"] == "human").sum()))
    write_csv(table, out_coding)
    write_csv(prevalence_seeds, out_seeds)
    write_json({"mode_used": mode, "labels": labels, "settings": coding_cfg, "split": split, "anchoring": anchoring,
                "robustness": {"seeds": [r["seed"] for r in run_info], "runs": run_info}, "budget": budget,
                "n_codebook_texts": len(texts)}, out_fit)


_CODING_DTYPES = {c: str for c in ("theme", "theme_source", "coding_mode", "theme_zero_shot", "theme_few_shot",
                                   "human_theme", "split")}


def coded_segments(segments_csv, coding_csv, out_csv) -> None:
    """data/processed/interviews/coded_segments.csv: each segment with its deductive coding and no topic.

    What reads only the themes (prevalence, quotes, the joint display) reads this table, so that a topic
    setting re-runs none of them; results/interviews/segments.csv (:func:`segments_table`) adds the topics."""
    from .coding import CODING_COLUMNS
    from .segment import LOCATOR_COLUMNS

    segments = read_csv(segments_csv, dtype={"text": str, "context": str})
    coding = read_csv(coding_csv, dtype=_CODING_DTYPES)
    if segments["segment_id"].tolist() != coding["segment_id"].tolist():
        raise InputError(f"{coding_csv}: segments differ from {segments_csv}; re-run the coding rule")
    keep = [c for c in CODING_COLUMNS if c not in ("segment_id", "participant_id", "turn_id")]
    out = pd.concat([segments[LOCATOR_COLUMNS].reset_index(drop=True), coding[keep].reset_index(drop=True)], axis=1)
    write_csv(out, out_csv)


def segments_table(assignments_csv, coded_csv, topics_csv, out_csv, out_spread, out_candidates) -> None:
    """results/interviews/segments.csv (the topic assignment beside the deductive coding of
    :func:`coded_segments`), how each inductive topic spreads over the coded themes, and the topics no
    theme covers (candidate themes)."""
    from .inductive import candidate_themes, topic_theme_spread

    topics = read_csv(assignments_csv, dtype={"text": str})
    coded = read_csv(coded_csv, dtype={"text": str, **_CODING_DTYPES})
    if topics["segment_id"].tolist() != coded["segment_id"].tolist():
        raise InputError(f"{coded_csv}: segments differ from {assignments_csv}; re-run the coding rule")
    at = coded.columns.get_loc("text") + 1
    out = pd.concat([coded.iloc[:, :at].reset_index(drop=True), topics[["topic", "probability"]].reset_index(drop=True),
                     coded.iloc[:, at:].reset_index(drop=True)], axis=1)
    write_csv(out, out_csv)
    spread = topic_theme_spread(out["topic"].to_numpy(), out["theme"].to_numpy())
    topic_table = read_csv(topics_csv, dtype={"keywords": str, "label": str})
    candidates = candidate_themes(spread, topic_table)
    log.info("%d of %d topics are candidate new themes (mostly 'other' or far from every theme)",
             len(candidates), int((topic_table["topic"] != -1).sum()))
    write_csv(spread, out_spread)
    write_csv(candidates, out_candidates)


def validate(results_segments, topics_csv, segmentation_json, topics_info_json, stability_json,
             coding_fit_json, ngram_range, top_n: int, n_boot: int, seed: int, out_json,
             out_csv, embeddings_json=None) -> None:
    """Agreement per mode and split, robustness, topic diagnostics: validation.json + validation.csv."""
    from .coherence import mean_coherence, topic_coherence
    from .validate import validation_report

    segments = read_csv(results_segments, dtype={c: str for c in ("text", "human_theme", "theme_few_shot",
                                                                  "theme_zero_shot", "split", "theme_source")})
    topic_table = read_csv(topics_csv, dtype={"keywords": str, "keybert": str})
    words = {int(r.topic): [w.strip() for w in str(r.keywords).split(";") if w.strip()]
             for r in topic_table.fillna({"keywords": ""}).itertuples()}
    per_topic = topic_coherence(words, segments["text"].tolist(), top_n=top_n, ngram_range=ngram_range)
    coding_fit = read_json(coding_fit_json)
    report, table = validation_report(
        segments, topic_table, read_json(segmentation_json), read_json(topics_info_json), read_json(stability_json),
        per_topic, mean_coherence(per_topic), coding_fit, n_boot=n_boot, seed=seed)
    for mode in ("zero_shot", "few_shot"):
        for half, s in (report.get(mode) or {}).items():
            log.info("%s, %s half: kappa %s [%s, %s] on %d segments", mode, half, s["kappa"], s["kappa_ci_low"],
                     s["kappa_ci_high"], s["n"])
    if embeddings_json is not None:  # segments the model's token window cut (counted, never silent)
        report["embedding_window"] = read_json(embeddings_json).get("window")
    write_json(report, out_json)
    write_csv(table, out_csv)
