"""Integration of the survey and interview strands: joint display, figures, report, notebooks and
the REFI-QDA export. Each module is small and single-purpose; the thin scripts in ``scripts/``
call one function each.
"""
