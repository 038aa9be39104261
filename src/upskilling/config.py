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
from .textio import read_yaml  # the package's one YAML reader (also imported from here by many callers)

SCHEMA_PACKAGE = "upskilling.schemas"


def _schema_text(name: str) -> str:
    return resources.files(SCHEMA_PACKAGE).joinpath(name).read_text(encoding="utf-8")


@functools.cache
def _parsed_schema(name: str) -> dict:
    return yaml.load(_schema_text(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


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


def check_configfile(path: str | Path = "config/config.yaml") -> None:
    """For the Snakefile, before its ``configfile:`` directive: read ``path`` with :func:`read_yaml`, so a
    YAML syntax error (line and column, a tab named), a repeated key, a file that is not UTF-8 or not a
    mapping stops the run with one line in the project's voice (a Snakemake ``WorkflowError``
    ``Invalid configuration: ...``) instead of Snakemake's "Config file is not valid JSON or YAML".

    A missing file is left to Snakemake (with ``--configfile`` it is not needed). Files given with
    ``--configfile`` are read by Snakemake's command line before the Snakefile runs: their syntax errors
    keep Snakemake's own message.
    """
    path = Path(path)
    if not path.is_file():
        return
    try:
        data = read_yaml(path)
        if data is None:
            raise InputError(f"{path}: the file is empty; it needs at least a waves: section (see the README)")
        if not isinstance(data, dict):
            raise InputError(f"{path}: the file holds a {type(data).__name__}, not keys such as waves: and "
                             "interviews:; write it as 'key: value' lines (see the README)")
    except InputError as exc:
        from snakemake.exceptions import WorkflowError

        raise WorkflowError(f"Invalid configuration: {exc}") from None


_VALIDATED: dict[tuple, Any] = {}


def load_validated(path: str | Path, schema_name: str) -> Any:
    """Read ``path`` and validate it against ``schema_name`` (defaults filled in).

    Read and validated once per process for the same file contents (keyed by the resolved path, its size
    and modification time, and the schema; a fresh copy is returned each time): a Snakefile parse asks for
    each wave's codebook and plan from several places (the config check, the rules' settings checks, the
    cross-wave comparison)."""
    stat = Path(path).stat() if Path(path).is_file() else None
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, schema_name) if stat else None
    if key is None or key not in _VALIDATED:
        data = read_yaml(path)
        if data is None:
            raise InputError(f"{path}: file is empty; see the example in the README")
        data = validate(data, schema_name, str(path))
        if key is None:
            return data
        _VALIDATED[key] = data
    return copy.deepcopy(_VALIDATED[key])


def validate_config(config: dict, source: str = "config/config.yaml") -> dict:
    """Validate the Snakemake config (in place, defaults filled) and the files it points to.

    Returns the config. The codebook, analysis plan and themes files named in it are validated too,
    so that a typo anywhere fails before any job runs; one of them missing names its config key.
    """
    validate(config, "config.schema.yaml", source)
    check_config_paths(config, source, only=_YAML_FILES)
    for wave in config["waves"]:
        spec = wave_spec(config, wave)
        load_validated(spec["codebook"], "codebook.schema.yaml")
        load_validated(spec["analysis"], "analysis.schema.yaml")
    load_validated(config["themes"], "themes.schema.yaml")
    return config


def wave_spec(config: dict, wave: str) -> dict:
    """The config block of ``wave`` (a copy) with its files filled in: a wave without its own ``codebook`` /
    ``analysis`` uses the top-level one (the one place that says so; ``config`` validated)."""
    spec = dict(config["waves"][wave])
    for key in ("codebook", "analysis"):
        if key not in spec:
            spec[key] = config[key]
    return spec


# --- the files and folders a config names -------------------------------------------------------------

#: the entries of config_paths that validate_config reads (and so checks itself)
_YAML_FILES = ("codebook", "analysis", "themes", "wave codebook", "wave analysis")
#: what to do, besides fixing the path, when the file a key names is missing
_IF_MISSING = {
    "survey": "or put the wave's survey export there",
    "codebook": "or create the file",
    "analysis": "or create the file",
    "themes": "or create the file",
    "wave codebook": "or remove the wave's codebook: to use the top-level codebook",
    "wave analysis": "or remove the wave's analysis: to use the top-level analysis plan",
    "truth": "or remove truth: (it is only for synthetic data with planted effects)",
    "transcripts": "to the folder that holds the .txt, .vtt or .docx transcripts",
    "protocol": 'or set interviews.protocol: "" (no protocol: questions are then told apart by their text)',
    "human_coding": 'or set interviews.human_coding: "" (no human coding: zero-shot coding, no agreement '
                    "statistics)",
    "redaction_list": 'or set interviews.redaction_list: "" (no list: the names of people are then not '
                      "redacted)",
    "roster": "or set integration.roster: null (interviewees not linked to survey responses)",
}


def config_paths(config: dict) -> list[tuple[str, str, str, str]]:
    """``(key, path, kind, what)`` of every file (``kind`` "file") or folder ("folder") a validated config
    names, in the order of the config file; ``what`` is the entry of :data:`_IF_MISSING`. Optional keys
    left empty ("" or null) are not listed."""
    out = []
    for wave, spec in config["waves"].items():
        key = f"waves.{wave}"
        out.append((f"{key}.survey", spec["survey"], "file", "survey"))
        for name in ("codebook", "analysis"):
            if spec.get(name):
                out.append((f"{key}.{name}", spec[name], "file", f"wave {name}"))
        if spec.get("truth"):
            out.append((f"{key}.truth", spec["truth"], "file", "truth"))
    for name in ("codebook", "analysis", "themes"):
        out.append((name, config[name], "file", name))
    iv = config.get("interviews") or {}
    if iv.get("transcripts"):
        out.append(("interviews.transcripts", iv["transcripts"], "folder", "transcripts"))
    for name in ("protocol", "human_coding", "redaction_list"):
        if iv.get(name):
            out.append((f"interviews.{name}", iv[name], "file", name))
    roster = (config.get("integration") or {}).get("roster")
    if roster:
        out.append(("integration.roster", roster, "file", "roster"))
    return out


def check_config_paths(config: dict, source: str = "config/config.yaml", only=None) -> None:
    """Stop, with one line naming the config key, at the first file or folder the (validated) config names
    that does not exist (paths are relative to the working directory), e.g.
    ``config/config.yaml: waves.wave1.survey: file data/raw/survey/wave1/export.csv not found; fix the path
    (relative to the working directory) or put the wave's survey export there``. ``only``: check just these :func:`config_paths` entries (``what``)."""
    for key, path, kind, what in config_paths(config):
        if only is not None and what not in only:
            continue
        p = Path(path)
        fix = _IF_MISSING[what]
        if not p.exists():
            raise InputError(f"{source}: {key}: {kind} {path} not found; fix the path (relative to the working "
                             f"directory) {fix}")
        if kind == "file" and p.is_dir():
            raise InputError(f"{source}: {key}: {path} is a folder, not a file; give the file's path {fix}")
        if kind == "folder" and not p.is_dir():
            raise InputError(f"{source}: {key}: {path} is a file, not a folder; give the folder that holds the "
                             "transcripts")
