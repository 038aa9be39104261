"""Read and redact the interview transcripts (thin wrapper around upskilling.interviews.steps.ingest)."""
from upskilling import logs
from upskilling.interviews import steps

log = logs.setup(snakemake, "interviews")
steps.ingest(
    transcripts=list(snakemake.input.transcripts),
    redaction_list=snakemake.input.redaction_list[0] if snakemake.input.redaction_list else None,
    speakers=dict(snakemake.params.speakers),
    participant_header=snakemake.params.participant_header,
    redaction=dict(snakemake.params.redaction),
    out_turns=snakemake.output.turns,
    out_transcripts=snakemake.output.transcripts,
    out_report=snakemake.output.report,
    out_name_candidates=snakemake.output.name_candidates,
    max_transcript_share=snakemake.params.max_transcript_share,
)
