"""Seeded generator of the default data under ``data/raw/`` (see :mod:`upskilling.generate.cli`)."""
