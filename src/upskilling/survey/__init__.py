"""Survey stage: import, exclusions, scoring, reliability, descriptives, hypothesis tests, tables.

Modules are small and single-purpose; :mod:`upskilling.survey.stage` holds the functions that the thin
Snakemake scripts call (one per rule).
"""
