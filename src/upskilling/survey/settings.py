"""Per-wave survey settings: the top-level ``survey`` section with the wave's own ``settings`` merged over
it, and the wave's reader options (``format``, ``sep``, ``encoding``, ``missing_values``; their defaults
are the schema's, ``config.schema.yaml``, filled in by :func:`upskilling.config.validate_config`; ``sep``
has none: not set = detected from the file by :mod:`upskilling.survey.sniff`). The reader options are
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


def check_against_codebook(settings: dict, codebook, wave: str) -> None:
    """Check the settings of ``wave`` that name codebook entries against the wave's codebook, before any
    job runs: the exclusion order and switches (screening criteria by name), the straight-lining grids
    and the items described like Likert items. A mismatch is one :class:`InputError` naming the wave and
    both places to fix it (the top-level ``survey`` key for every wave, or ``waves.<wave>.settings`` for
    this wave only). ``codebook`` is a :class:`.codebook.Codebook`."""
    from ..errors import InputError
    from . import exclusions

    here = f"waves.{wave}.settings"
    try:
        exclusions.steps(settings["exclusions"], codebook)
    except InputError as exc:
        raise InputError(f"wave {wave}: {exc}") from None
    for g in unknown_grids(settings, codebook)[:1]:
        raise InputError(f"config/config.yaml: wave {wave}: survey.exclusions.straightliners.grids: '{g}' is not a "
                         f"grid of {codebook.path} (grids: {sorted(codebook.grids)}); fix it, or set this wave's "
                         f"own list under {here}.exclusions.straightliners.grids")
    singles = [i for i, it in codebook.by_id.items() if it["type"] == "single"]
    for item in not_single_choice(settings, codebook)[:1]:
        raise InputError(f"config/config.yaml: wave {wave}: survey.descriptives.extra_items: '{item}' is not a "
                         f"single-choice item of {codebook.path}; set this wave's own list under "
                         f"{here}.descriptives.extra_items (single-choice items: {singles}, or [])")


def unknown_grids(settings: dict, codebook) -> list[str]:
    """The straight-lining grids of ``settings`` (survey.exclusions.straightliners.grids) the codebook lacks:
    checked for every wave when the Snakefile is read, and again by the cleaning itself."""
    return [g for g in settings["exclusions"]["straightliners"]["grids"] if g not in codebook.grids]


def not_single_choice(settings: dict, codebook) -> list[str]:
    """The items of survey.descriptives.extra_items that are not single-choice items of the codebook."""
    return [i for i in settings["descriptives"]["extra_items"]
            if i not in codebook.by_id or codebook.by_id[i]["type"] != "single"]


def reader_options(config: dict, wave: str) -> dict:
    """``{format, sep, missing_values, encoding}`` of ``wave`` of a validated config (schema defaults filled in;
    ``sep`` None: not set, detected from the file)."""
    spec = config["waves"][wave]
    return {"format": spec["format"], "sep": spec.get("sep"), "missing_values": copy.deepcopy(spec["missing_values"]),
            "encoding": spec["encoding"]}
