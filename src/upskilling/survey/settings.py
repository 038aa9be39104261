"""Per-wave survey settings: the top-level ``survey`` section with the wave's own ``settings`` merged over
it, and the wave's reader options (``format``, ``sep``, ``encoding``, ``missing_values``; defaults
:data:`READER_DEFAULTS`: format ``qualtrics``, ``sep`` None = detected from the file by
:mod:`upskilling.survey.sniff`, encoding ``utf-8-sig``, no missing-value codes). The reader options are
passed to :func:`upskilling.survey.io.read_export`.

A wave of a different survey often needs a few settings of its own (e.g. other ``descriptives.extra_items``
because its codebook has other items); ``config.waves.<wave>.settings`` holds them. The merge is
recursive for mappings; lists and scalars in the wave's block replace the top-level value. The merged
block is validated against ``config_survey.schema.yaml``, so a typo fails before any job runs and the
message names the wave.
"""
from __future__ import annotations

import copy

from ..config import validate

# sep None: detected from the file (upskilling.survey.sniff)
READER_DEFAULTS = {"format": "qualtrics", "sep": None, "missing_values": [], "encoding": "utf-8-sig"}


def deep_merge(base: dict, over: dict) -> dict:
    """A new dict: ``base`` with ``over`` merged in (mappings merged recursively, other values replaced),
    by Snakemake's own ``update_config`` (how it merges --configfile over config.yaml); inputs unchanged."""
    from snakemake.utils import update_config

    out = copy.deepcopy(base)
    update_config(out, copy.deepcopy(over))
    return out


def wave_settings(config: dict, wave: str) -> dict:
    """The survey settings of ``wave`` (defaults filled, validated); see the module docstring."""
    base = config.get("survey") or {}
    over = config["waves"][wave].get("settings") or {}
    merged = deep_merge(base, over)
    return validate(merged, "config_survey.schema.yaml", f"config/config.yaml (waves.{wave}.settings over 'survey')")


def reader_options(config: dict, wave: str) -> dict:
    """``{format, sep, encoding, missing_values}`` of ``wave`` with the schema defaults filled in (``sep`` None:
    not set, detected from the file)."""
    spec = config["waves"][wave]
    return {k: copy.deepcopy(spec.get(k, v)) for k, v in READER_DEFAULTS.items()}
