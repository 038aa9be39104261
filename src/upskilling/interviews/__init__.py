"""Interview stage: ingest, redaction, segmentation, embeddings, topic model, themes, quotes, validation.

One small module per step; the thin scripts in ``scripts/interviews_*.py`` call one function each.
Interview text is redacted in :mod:`.ingest` before anything is written, and no function here logs
transcript text (only counts, ids and positions), so logs stay free of personal details too.
"""
