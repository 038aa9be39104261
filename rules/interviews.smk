# Interview stage: transcripts -> redacted turns -> segments -> embeddings (cached; with the codebook's and the
# protocol's reference texts) -> inductive topics, their stability over seeds and deductive theme coding (three
# jobs side by side, none of which loads the embedding model for a text already embedded) -> coded segments
# (no topic) -> prevalence, quotes; segments table (coding and topics) -> validation against the human coding.
# What reads only the themes reads the coded segments, so a topic setting re-runs none of it.
# Logic in src/upskilling/interviews/ (one function per rule in upskilling.interviews.steps); settings in
# the `interviews:` section of config/config.yaml (schema src/upskilling/schemas/config_interviews.schema.yaml).
#
# The embedding rule depends only on the segments, the codebook / protocol texts and the embedding settings: a
# change to the topic parameters re-runs the topic and stability rules and what reads them, never the embedding.
from upskilling.interviews.topics import derive_seed as _derive_seed

# Validated, with every default filled, by validate_config in rules/common.smk.
INTERVIEWS = config["interviews"]

_IV_PROCESSED = "data/processed/interviews"
_IV_RESULTS = "results/interviews"
_IV_LOGS = "logs/interviews"
_IV_TOPIC_SEED = _derive_seed(config["seed"], "interviews.topics")
# The DAG's longest chain (ingest -> segment -> embed -> topics / coding): when a core is free these
# jobs are started before the survey and figure jobs that are ready from the start.
_IV_CRITICAL_PATH = 10


rule interviews_ingest:
    input:
        transcripts=interviews_transcripts(),
        redaction_list=_iv_optional("redaction_list"),
    output:
        turns=f"{_IV_PROCESSED}/turns.csv",
        transcripts=f"{_IV_PROCESSED}/transcripts.csv",
        report=f"{_IV_PROCESSED}/ingest.json",
        name_candidates=f"{_IV_PROCESSED}/name_candidates.csv",
    log:
        f"{_IV_LOGS}/ingest.log",
    priority: _IV_CRITICAL_PATH
    conda:
        "../envs/interviews.yaml"
    params:
        speakers=_sorted_keys(INTERVIEWS["speakers"]),
        participant_header=INTERVIEWS["participant_header"],
        redaction=_sorted_keys(INTERVIEWS["redaction"]),
        max_transcript_share=INTERVIEWS["max_transcript_share"],
    script:
        "../scripts/interviews_ingest.py"


rule interviews_segment:
    input:
        turns=rules.interviews_ingest.output.turns,
    output:
        segments=f"{_IV_PROCESSED}/segments.csv",
        dropped=f"{_IV_PROCESSED}/segments_dropped.csv",
        summary=f"{_IV_PROCESSED}/segmentation.json",
    log:
        f"{_IV_LOGS}/segment.log",
    priority: _IV_CRITICAL_PATH
    conda:
        "../envs/interviews.yaml"
    params:
        **_sorted_keys(INTERVIEWS["segmentation"]),
    script:
        "../scripts/interviews_segment.py"


scattergather:
    embed=INTERVIEWS["embedding"]["shards"],


rule interviews_embed_shard:
    input:
        segments=rules.interviews_segment.output.segments,
        themes=config["themes"],
        protocol=_iv_optional("protocol"),
    output:
        shard=temp(f"{_IV_PROCESSED}/embedding_shards/{{scatteritem}}.npz"),
    log:
        f"{_IV_LOGS}/embed_{{scatteritem}}.log",
    wildcard_constraints:
        scatteritem=r"\d+-of-\d+",
    priority: _IV_CRITICAL_PATH
    conda:
        "../envs/interviews.yaml"
    threads: 2
    resources:
        mem_mb=_mem_mb(1500, per_input_mb=2),
        runtime=_runtime_min(2, per_input_mb=0.5 / INTERVIEWS["embedding"]["shards"]),
    params:
        batch_size=INTERVIEWS["embedding"]["batch_size"],
        cache_dir=INTERVIEWS["embedding"]["cache_dir"],
        cache_keep=INTERVIEWS["embedding"]["cache_keep"],
    script:
        "../scripts/interviews_embed_shard.py"


rule interviews_embed:
    input:
        segments=rules.interviews_segment.output.segments,
        shards=gather.embed(rules.interviews_embed_shard.output.shard),
    output:
        embeddings=f"{_IV_PROCESSED}/embeddings.npy",
        meta=f"{_IV_PROCESSED}/embeddings.json",
        context=f"{_IV_PROCESSED}/context_embeddings.npy",
        reference=f"{_IV_PROCESSED}/codebook_embeddings.npz",
    log:
        f"{_IV_LOGS}/embed.log",
    priority: _IV_CRITICAL_PATH
    conda:
        "../envs/interviews.yaml"
    resources:
        mem_mb=_mem_mb(500, per_input_mb=4),
    script:
        "../scripts/interviews_embed.py"


rule interviews_topics:
    input:
        segments=rules.interviews_segment.output.segments,
        embeddings=rules.interviews_embed.output.embeddings,
        meta=rules.interviews_embed.output.meta,
        context=rules.interviews_embed.output.context,
        reference=rules.interviews_embed.output.reference,
        themes=config["themes"],
        protocol=_iv_optional("protocol"),
    output:
        segments=f"{_IV_PROCESSED}/topic_assignments.csv",
        topics=report(
            f"{_IV_RESULTS}/topics.csv",
            caption="../report/captions/interviews_topics.rst",
            category="Interviews",
        ),
        model=directory(f"{_IV_RESULTS}/topic_model"),
        info=f"{_IV_PROCESSED}/topics_fit.json",
    log:
        f"{_IV_LOGS}/topics.log",
    priority: _IV_CRITICAL_PATH
    conda:
        "../envs/interviews.yaml"
    threads: 1  # UMAP is seeded (one thread): the stability and coding jobs run beside it
    resources:
        mem_mb=_mem_mb(1500, per_input_mb=150),
        runtime=_runtime_min(5, per_input_mb=1),
        large_fit=_large_fit,
    params:
        topics=_sorted_keys(INTERVIEWS["topics"]),
        theme_vectors=_sorted_keys(INTERVIEWS["theme_vectors"]),
        seed=_IV_TOPIC_SEED,
        cache_dir=INTERVIEWS["embedding"]["cache_dir"],
    script:
        "../scripts/interviews_topics.py"


rule interviews_stability:
    input:
        segments=rules.interviews_segment.output.segments,
        embeddings=rules.interviews_embed.output.embeddings,
        meta=rules.interviews_embed.output.meta,
        reference=rules.interviews_embed.output.reference,
        themes=config["themes"],
    output:
        stability=f"{_IV_PROCESSED}/stability.csv",
        stability_summary=f"{_IV_PROCESSED}/stability.json",
    log:
        f"{_IV_LOGS}/stability.log",
    priority: _IV_CRITICAL_PATH
    conda:
        "../envs/interviews.yaml"
    threads: 1  # seeded UMAP, one thread per fit
    resources:
        mem_mb=_mem_mb(1500, per_input_mb=150),
        runtime=_runtime_min(5, per_input_mb=INTERVIEWS["stability"]["n_seeds"]),
        large_fit=_large_fit,
    params:
        topics=_sorted_keys(INTERVIEWS["topics"]),
        theme_vectors=_sorted_keys(INTERVIEWS["theme_vectors"]),
        stability=_sorted_keys(INTERVIEWS["stability"]),
        master_seed=config["seed"],
        cache_dir=INTERVIEWS["embedding"]["cache_dir"],
    script:
        "../scripts/interviews_stability.py"


rule interviews_code:
    input:
        segments=rules.interviews_segment.output.segments,
        embeddings=rules.interviews_embed.output.embeddings,
        meta=rules.interviews_embed.output.meta,
        context=rules.interviews_embed.output.context,
        reference=rules.interviews_embed.output.reference,
        themes=config["themes"],
        turns=rules.interviews_ingest.output.turns,
        human_coding=_iv_optional("human_coding"),
        redaction_list=_iv_optional("redaction_list"),
    output:
        coding=f"{_IV_PROCESSED}/coding.csv",
        seeds=report(
            f"{_IV_RESULTS}/coding_seeds.csv",
            caption="../report/captions/interviews_coding_seeds.rst",
            category="Interviews",
        ),
        fit=f"{_IV_PROCESSED}/coding_fit.json",
    log:
        f"{_IV_LOGS}/code.log",
    priority: _IV_CRITICAL_PATH
    conda:
        "../envs/interviews.yaml"
    threads: 1
    resources:
        mem_mb=_mem_mb(1500, per_input_mb=50),
        runtime=_runtime_min(5, per_input_mb=0.5),
    params:
        coding=_sorted_keys(INTERVIEWS["coding"]),
        redaction=_sorted_keys(INTERVIEWS["redaction"]),
        master_seed=config["seed"],
        cache_dir=INTERVIEWS["embedding"]["cache_dir"],
    script:
        "../scripts/interviews_code.py"


rule interviews_coded_segments:
    input:
        segments=rules.interviews_segment.output.segments,
        coding=rules.interviews_code.output.coding,
    output:
        segments=f"{_IV_PROCESSED}/coded_segments.csv",
    log:
        f"{_IV_LOGS}/coded_segments.log",
    conda:
        "../envs/interviews.yaml"
    script:
        "../scripts/interviews_coded_segments.py"


rule interviews_segments:
    input:
        assignments=rules.interviews_topics.output.segments,
        coded=rules.interviews_coded_segments.output.segments,
        topics=rules.interviews_topics.output.topics,
    output:
        segments=report(
            f"{_IV_RESULTS}/segments.csv",
            caption="../report/captions/interviews_segments.rst",
            category="Interviews",
        ),
        spread=report(
            f"{_IV_RESULTS}/topic_themes.csv",
            caption="../report/captions/interviews_topic_themes.rst",
            category="Interviews",
        ),
        candidates=report(
            f"{_IV_RESULTS}/candidate_themes.csv",
            caption="../report/captions/interviews_candidate_themes.rst",
            category="Interviews",
        ),
    log:
        f"{_IV_LOGS}/segments.log",
    conda:
        "../envs/interviews.yaml"
    script:
        "../scripts/interviews_segments.py"


rule interviews_prevalence:
    input:
        segments=rules.interviews_coded_segments.output.segments,
        themes=config["themes"],
    output:
        prevalence=report(
            f"{_IV_RESULTS}/theme_prevalence.csv",
            caption="../report/captions/interviews_theme_prevalence.rst",
            category="Interviews",
        ),
    log:
        f"{_IV_LOGS}/prevalence.log",
    conda:
        "../envs/interviews.yaml"
    script:
        "../scripts/interviews_prevalence.py"


rule interviews_quotes:
    input:
        segments=rules.interviews_coded_segments.output.segments,
        embeddings=rules.interviews_embed.output.embeddings,
        meta=rules.interviews_embed.output.meta,
        themes=config["themes"],
    output:
        quotes=report(
            f"{_IV_RESULTS}/quotes.csv",
            caption="../report/captions/interviews_quotes.rst",
            category="Interviews",
        ),
        summary=f"{_IV_PROCESSED}/quotes_summary.json",
    log:
        f"{_IV_LOGS}/quotes.log",
    conda:
        "../envs/interviews.yaml"
    resources:
        mem_mb=_mem_mb(1000, per_input_mb=20),
    params:
        center=INTERVIEWS["topics"]["center"],
        quotes=_sorted_keys(INTERVIEWS["quotes"]),
    script:
        "../scripts/interviews_quotes.py"


rule interviews_validate:
    input:
        segments=rules.interviews_segments.output.segments,
        topics=rules.interviews_topics.output.topics,
        segmentation=rules.interviews_segment.output.summary,
        fit=rules.interviews_topics.output.info,
        stability_summary=rules.interviews_stability.output.stability_summary,
        coding_fit=rules.interviews_code.output.fit,
        embeddings_meta=rules.interviews_embed.output.meta,
    output:
        validation=f"{_IV_RESULTS}/validation.json",
        table=report(
            f"{_IV_RESULTS}/validation.csv",
            caption="../report/captions/interviews_validation.rst",
            category="Interviews",
        ),
    log:
        f"{_IV_LOGS}/validate.log",
    conda:
        "../envs/interviews.yaml"
    params:
        ngram_range=INTERVIEWS["topics"]["ngram_range"],
        top_n=INTERVIEWS["topics"]["top_n_words"],
        n_boot=INTERVIEWS["coding"]["bootstrap"]["n_boot"],
        seed=_derive_seed(config["seed"], "interviews.validation.bootstrap"),
    script:
        "../scripts/interviews_validate.py"
