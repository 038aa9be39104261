"""Load and validate the pipeline's YAML files against the JSON schemas in ``upskilling/schemas``.

Schemas are JSON Schema (draft 2020-12) written in YAML so that every key can carry a
``description``. Validation fills in ``default`` values and reports the first problem as one line
that names the file and the key path, e.g.::

    config/config.yaml: key 'wavez' is not allowed at the top level (allowed: codebook, interviews, ...)

The ``jsonschema`` library does the validation; only the error wording and the default-filling
(the recipe from the jsonschema FAQ) are ours, because Snakemake's ``validate`` prints multi-line
errors and cannot validate the codebook, analysis plan and themes files, which are not the config.
"""
from __future__ import annotations

import copy
import functools
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import InputError

SCHEMA_PACKAGE = "upskilling.schemas"


def _schema_text(name: str) -> str:
    return resources.files(SCHEMA_PACKAGE).joinpath(name).read_text(encoding="utf-8")


@functools.cache
def _parsed_schema(name: str) -> dict:
    return yaml.safe_load(_schema_text(name))


def load_schema(name: str) -> dict:
    """Return the schema ``name`` (e.g. ``"config.schema.yaml"``) as a dict (a fresh copy: parsed once
    per process, as the workflow validates and narrows the config many times while it is parsed)."""
    return copy.deepcopy(_parsed_schema(name))


def sorted_keys(value):
    """``value`` with every mapping's keys sorted (lists keep their order): a rule's params that do not
    depend on the order in which config files and command-line overrides were merged."""
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


def _retrieve(uri: str) -> Resource:
    name = uri.rsplit("/", 1)[-1]
    schema = load_schema(name)
    # Without its own $schema the sub-schema is validated by the caller's (default-filling)
    # validator class; with it, jsonschema would pick a plain validator and skip the defaults.
    schema.pop("$schema", None)
    return Resource.from_contents(schema, default_specification=DRAFT202012)


def _extend_with_default(validator_class):
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for prop, subschema in properties.items():
                if "default" in subschema and prop not in instance:
                    instance[prop] = copy.deepcopy(subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


_DefaultFilling = _extend_with_default(jsonschema.Draft202012Validator)


def _key_path(error: jsonschema.ValidationError) -> str:
    parts = []
    for p in error.absolute_path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "(top level)"


def _describe(error: jsonschema.ValidationError, source: str) -> str:
    where = _key_path(error)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        at = "at the top level" if where == "(top level)" else f"under '{where}'"
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"{source}: key '{'.'.join(extra)}' is not allowed {at}{hint}; fix the spelling or remove it"
    if error.validator == "required":
        return f"{source}: '{where}' is missing a required key: {error.message}; add it"
    if error.validator == "enum":
        return (f"{source}: key '{where}' has value {error.instance!r}; "
                f"use one of {error.validator_value}")
    return f"{source}: key '{where}': {error.message}; fix this value"


def validate(data: Any, schema_name: str, source: str) -> Any:
    """Validate ``data`` against schema ``schema_name``, fill defaults, and return it.

    Raises :class:`InputError` with a one-line message naming ``source`` and the key path.
    """
    schema = load_schema(schema_name)
    registry = Registry(retrieve=_retrieve)
    validator = _DefaultFilling(schema, registry=registry)
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(list(e.absolute_path)), str(e.path)))
    if errors:
        best = jsonschema.exceptions.best_match(errors) if len(errors) > 1 else errors[0]
        # additionalProperties at the shallowest level is the most useful message for a typo
        for e in errors:
            if e.validator == "additionalProperties":
                best = e
                break
        raise InputError(_describe(best, source))
    return data


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file; a syntax error becomes a one-line :class:`InputError`."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path in config/config.yaml")
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{path}:{where}: YAML syntax error: {problem}; fix the file") from None


def load_validated(path: str | Path, schema_name: str) -> Any:
    """Read ``path`` and validate it against ``schema_name``."""
    data = read_yaml(path)
    if data is None:
        raise InputError(f"{path}: file is empty; see the example in the README")
    return validate(data, schema_name, str(path))


def validate_config(config: dict, source: str = "config/config.yaml") -> dict:
    """Validate the Snakemake config (in place, defaults filled) and the files it points to.

    Returns the config. The codebook, analysis plan and themes files named in it are validated too,
    so that a typo anywhere fails before any job runs.
    """
    validate(config, "config.schema.yaml", source)
    for wave, spec in config["waves"].items():
        load_validated(spec.get("codebook", config["codebook"]), "codebook.schema.yaml")
        load_validated(spec.get("analysis", config["analysis"]), "analysis.schema.yaml")
    load_validated(config["themes"], "themes.schema.yaml")
    return config
