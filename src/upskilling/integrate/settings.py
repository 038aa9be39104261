"""The integration settings with defaults filled, the survey wave the integration uses, and the part of
the config one integration rule reads (:func:`narrow`)."""
from __future__ import annotations

import copy

from ..config import sorted_keys, validate
from ..errors import InputError

SOURCE = "config/config.yaml (section 'integration')"


def settings(config: dict) -> dict:
    """Return ``config['integration']`` validated against ``config_integration.schema.yaml``.

    The section is validated on its own (on a copy) so that every default of the schema is filled in,
    whatever the caller did before.
    """
    return validate(copy.deepcopy(config.get("integration") or {}), "config_integration.schema.yaml", SOURCE)


def wave(config: dict) -> str:
    """The survey wave used by the integration: ``integration.wave`` or the first wave listed in the
    config (adding a later wave never moves the joint display off the study's first wave)."""
    waves = list(config.get("waves") or {})
    chosen = settings(config)["wave"]
    if chosen is None:
        if not waves:
            raise InputError("config/config.yaml: 'waves' is empty; add a survey wave")
        return waves[0]
    if chosen not in waves:
        raise InputError(f"{SOURCE}: key 'wave' is {chosen!r}, which is not a wave; use one of {waves}")
    return chosen


def narrow(config: dict, reads) -> dict:
    """The part of ``config`` that a rule reads: only the keys named in ``reads``, in the config's shape.

    ``reads`` are dotted key paths into the config: ``"seed"``, ``"integration.caveats"`` (the whole
    block), ``"integration.figures.dpi"`` (one key) or ``"integration.fit.*.supports"`` (``*``: every key
    at that level). The ``integration`` section is validated first, so a key left at its default is
    picked with the default's value; a path that is not in the config is left out. Keys are sorted, so
    that the same settings always give the same dict (Snakemake compares a rule's params by their repr).

    The rules pass each job only this dict as its params (rules/integrate.smk), so that a change to any
    other setting does not re-run the job; the functions that read the settings narrow what they are
    given with the same ``reads`` (narrowing twice gives the same dict), so that reading a key that is
    not declared fails with a ``KeyError`` whether they get the whole config or the narrowed one.
    """
    # Snakemake's recursive merge, as in survey.settings.deep_merge
    from snakemake.utils import update_config

    full = {**config, "integration": settings(config)}
    out: dict = {}
    for path in reads:  # update_config merges into its first argument: out, a new dict; _pick returns copies
        update_config(out, _pick(full, path.split("."), path))
    return sorted_keys(out)


def _pick(source, parts: list[str], path: str) -> dict:
    head, rest = parts[0], parts[1:]
    if not isinstance(source, dict):
        raise TypeError(f"cannot narrow the config to {path!r}: {head!r} is not under a mapping")
    keys = sorted(source) if head == "*" else ([head] if head in source else [])
    return {k: (_pick(source[k], rest, path) if rest else copy.deepcopy(source[k])) for k in keys}
