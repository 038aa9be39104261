"""The integration settings with defaults filled, and the survey wave the integration uses."""
from __future__ import annotations

import copy

from ..config import validate
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
