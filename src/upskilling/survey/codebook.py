"""The survey codebook as the survey stage uses it: loaded, schema-validated, cross-checked.

:func:`load_codebook` validates ``config/codebook.yaml`` against ``codebook.schema.yaml`` and then checks
what a JSON schema cannot: every item's scale exists, item ids and export columns are unique, each
construct's items exist and are Likert items on one scale, only Likert items are ``reverse: true``,
screening criteria have unique names that are not another rule's and answers / values that are labels
of the item's scale (or numbers), attention-check answers are labels of the item's scale, the meta
columns and grid items exist. Each problem is one :class:`~upskilling.errors.InputError` naming the codebook file and key.
:meth:`Codebook.from_dict` does the same for a codebook already read into a dict.

This is the package's one codebook model: the survey stage and the integration stage (figures, reports,
joint display) both read the codebook through :class:`Codebook`. Besides the look-ups by item id and
column it gives an item's response scale as ``(codes, labels)`` (:meth:`Codebook.scale`), construct
labels, the answer labels of coded values (:meth:`Codebook.decode`) and a multi-select item as one 0/1
column per option (:meth:`Codebook.split_multi`).

Screening criteria (:attr:`Codebook.screening`) are resolved like the analysis plan's ``where``
conditions: ``keep`` labels become ``op: in`` with their codes, a label ``value`` becomes its code. The
earlier mapping form ``screening: {consent: {item, keep}, freelancer: {item, keep}}`` is read as the
criteria named consent and freelancer. ``meta.progress`` may be a column name (a percentage) or
``{column, unit: percent|page, complete_at}``; :attr:`Codebook.meta` gives every meta key's column and
:attr:`Codebook.progress` the declared progress semantics.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import load_validated, validate
from ..errors import InputError

SCHEMA = "codebook.schema.yaml"


def fold(label) -> str:
    """Normalise an answer label for matching: surrounding whitespace trimmed, case folded."""
    return str(label).strip().casefold()


@dataclass
class Codebook:
    """A validated codebook. ``items`` keeps the YAML order; lookups by item id and export column."""

    path: str
    data: dict
    items: list[dict] = field(default_factory=list)
    by_id: dict = field(default_factory=dict)
    by_column: dict = field(default_factory=dict)
    screening: list = field(default_factory=list)

    @property
    def id_column(self) -> str:
        return self.data["id_column"]

    @property
    def scales(self) -> dict:
        return self.data["response_scales"]

    @property
    def constructs(self) -> dict:
        return self.data["constructs"]

    @property
    def grids(self) -> dict:
        return self.data["grids"]

    @property
    def meta(self) -> dict:
        """Meta key -> export column (``meta.progress`` given as a mapping contributes its ``column``)."""
        return {k: (v["column"] if isinstance(v, dict) else v) for k, v in self.data["meta"].items()}

    @property
    def progress(self) -> dict | None:
        """``{column, unit, complete_at}`` of ``meta.progress`` (unit ``percent`` unless declared), or None."""
        spec = self.data["meta"].get("progress")
        if spec is None:
            return None
        spec = spec if isinstance(spec, dict) else {"column": spec}
        return {"column": spec["column"], "unit": spec.get("unit", "percent"), "complete_at": spec.get("complete_at")}

    @classmethod
    def from_dict(cls, data: dict, source: str = "the codebook") -> Codebook:
        """The codebook of an already-read dict ``data`` (``source`` names it in messages), validated and
        cross-checked as :func:`load_codebook` does; ``data`` itself is left unchanged."""
        return _build(validate(copy.deepcopy(data), SCHEMA, source), source)

    def item(self, item_id: str) -> dict:
        """The item ``item_id``; an id the codebook lacks is an :class:`InputError` naming the file and the id."""
        if item_id not in self.by_id:
            raise InputError(f"{self.path}: no item {item_id!r}; fix the item id in "
                             "config/config.yaml (integration.figures)")
        return self.by_id[item_id]

    def scale_of(self, item_id: str) -> dict | None:
        name = self.by_id[item_id].get("scale")
        return self.scales[name] if name else None

    def label_to_code(self, item_id: str) -> dict:
        """Folded label -> code for the item's scale."""
        sc = self.scale_of(item_id)
        return {fold(lab): code for lab, code in zip(sc["labels"], sc["codes"])}

    def code_of(self, item_id: str, label: str):
        """Code of ``label`` on the item's scale (matched after trimming and case-folding) or None."""
        return self.label_to_code(item_id).get(fold(label))

    def code_range(self, item_id: str) -> tuple[float, float]:
        codes = self.scale_of(item_id)["codes"]
        return float(min(codes)), float(max(codes))

    def midpoint(self, item_id: str) -> float:
        lo, hi = self.code_range(item_id)
        return (lo + hi) / 2

    def scale(self, item_id: str) -> tuple[list, list[str]]:
        """(codes, labels) of an item's response scale (an item without one is an :class:`InputError`)."""
        name = self.item(item_id).get("scale")
        if name not in self.scales:
            raise InputError(f"{self.path}: item {item_id!r} has no known response scale ({name!r})")
        s = self.scales[name]
        return list(s["codes"]), list(s["labels"])

    def construct_items(self) -> dict[str, list[str]]:
        """Construct id -> its (Likert) items, in codebook order."""
        return {name: list(c["items"]) for name, c in self.constructs.items()}

    def construct_label(self, construct: str) -> str:
        """The construct's label (its id when the codebook has no such construct)."""
        return self.constructs.get(construct, {}).get("label", construct)

    def construct_labels(self) -> dict[str, str]:
        """Construct id -> label, in codebook order."""
        return {c: spec.get("label", c) for c, spec in self.constructs.items()}

    def decode(self, item_id: str, values: pd.Series) -> pd.Series:
        """Response labels of a single-choice item whose values are codes (labels pass through)."""
        codes, labels = self.scale(item_id)
        by_code = {float(c): lab for c, lab in zip(codes, labels)}

        def one(v):
            if pd.isna(v):
                return pd.NA
            if isinstance(v, str) and v in labels:
                return v
            try:
                return by_code.get(float(v), str(v))
            except (TypeError, ValueError):
                return str(v)
        return values.map(one)

    def split_multi(self, item_id: str, scored: pd.DataFrame) -> pd.DataFrame | None:
        """One 0/1 column per option of a multiple-choice item, labelled with the option text.

        Accepts the layouts a scored table may use: one column ``<id>`` of codes or labels joined by
        ',' or ';', or one indicator column per option named ``<id>_<code>``. Returns None when the
        item is not in the table.
        """
        codes, labels = self.scale(item_id)
        wide = [f"{item_id}_{c}" for c in codes]
        if all(c in scored.columns for c in wide):
            out = scored[wide].fillna(0).astype(float).clip(0, 1)
            out.columns = labels
            return out
        if item_id not in scored.columns:
            return None
        lookup = {str(c): lab for c, lab in zip(codes, labels)} | {lab: lab for lab in labels}

        def chosen(v):
            if pd.isna(v):
                return set()
            text = str(v)
            if text in labels:
                parts = [text]
            else:
                parts = text.split(";") if ";" in text else text.split(",")
            return {lookup.get(p.strip().removesuffix(".0"), p.strip()) for p in parts if p.strip()}
        sets = scored[item_id].map(chosen)
        answered = scored[item_id].notna()
        return pd.DataFrame({lab: [float(lab in s) if a else float("nan") for s, a in zip(sets, answered)]
                             for lab in labels}, index=scored.index)

    def has_meta(self, key: str) -> bool:
        """True if the codebook names a metadata column for ``key`` (meta sections are optional)."""
        return key in self.meta

    def meta_item(self, key: str) -> dict:
        """The item whose export column is ``meta[key]`` (duration, finished, progress, start, duplicate_key)."""
        return self.by_column[self.meta[key]]


def load_codebook(path: str | Path) -> Codebook:
    """Read, validate and cross-check the codebook at ``path``."""
    return _build(load_validated(path, SCHEMA), str(path))


def _build(data: dict, src: str) -> Codebook:
    """The :class:`Codebook` of ``data`` (validated against the schema, defaults filled), cross-checked."""
    cb = Codebook(path=src, data=data, items=list(data["items"]))
    for i, it in enumerate(cb.items):
        key = f"items[{i}] (id '{it['id']}')"
        if it["id"] in cb.by_id:
            raise InputError(f"{src}: {key}: item id '{it['id']}' is used twice; give each item a unique id")
        if it["column"] in cb.by_column:
            raise InputError(f"{src}: {key}: column '{it['column']}' is used by item "
                             f"'{cb.by_column[it['column']]['id']}' too; each export column belongs to one item")
        if it.get("scale") and it["scale"] not in cb.scales:
            raise InputError(f"{src}: {key}: scale '{it['scale']}' is not defined; add it under response_scales "
                             f"or use one of {sorted(cb.scales)}")
        sc = cb.scales.get(it.get("scale")) if it.get("scale") else None
        if sc and len(sc["labels"]) != len(sc["codes"]):
            raise InputError(f"{src}: response_scales.{it['scale']}: {len(sc['labels'])} labels but "
                             f"{len(sc['codes'])} codes; give one code per label")
        if sc and len({fold(x) for x in sc["labels"]}) != len(sc["labels"]):
            raise InputError(f"{src}: response_scales.{it['scale']}: two labels differ only in case or "
                             "surrounding spaces; labels are matched case-insensitively, make them distinct")
        if it["type"] == "multi" and any("," in lab for lab in sc["labels"]):
            raise InputError(f"{src}: response_scales.{it['scale']}: a label contains a comma, but the "
                             f"multi-select item '{it['id']}' joins choices with commas; remove the comma")
        if "answers" in it and it["type"] not in ("likert", "single", "multi"):
            raise InputError(f"{src}: {key}: 'answers' is only for likert, single and multi items (this one is "
                             f"'{it['type']}'); remove it")
        if it.get("reverse") and it["type"] != "likert":
            raise InputError(f"{src}: {key}: reverse: true on a {it['type']} item; only likert items are "
                             "reverse-coded (code becomes min + max - code), so it would be ignored: remove "
                             "reverse, or make the item a likert item on a scale")
        if it["type"] == "numeric" and "min" in it and "max" in it and it["min"] > it["max"]:
            raise InputError(f"{src}: {key}: min {it['min']} is larger than max {it['max']}; swap them")
        if it.get("construct") and it["construct"] not in cb.constructs:
            raise InputError(f"{src}: {key}: construct '{it['construct']}' is not defined under constructs; "
                             f"add it or use one of {sorted(cb.constructs)}")
        cb.by_id[it["id"]] = it
        cb.by_column[it["column"]] = it
    for name, c in cb.constructs.items():
        scales = set()
        for item_id in c["items"]:
            if item_id not in cb.by_id:
                raise InputError(f"{src}: constructs.{name}.items: unknown item '{item_id}'; "
                                 "list item ids defined under items")
            it = cb.by_id[item_id]
            if it["type"] != "likert":
                raise InputError(f"{src}: constructs.{name}.items: item '{item_id}' has type '{it['type']}'; "
                                 "scale scores need likert items")
            scales.add(it["scale"])
        if len(scales) > 1:
            raise InputError(f"{src}: constructs.{name}: items use different scales {sorted(scales)}; "
                             "a scale mean needs one response scale")
        if c.get("min_items", 1) > len(c["items"]):
            raise InputError(f"{src}: constructs.{name}.min_items is {c['min_items']} but the construct has "
                             f"{len(c['items'])} items; lower min_items")
    cb.screening = _screening(cb, src)
    for i, chk in enumerate(cb.data["attention_checks"]):
        _check_labels(cb, src, f"attention_checks[{i}]", chk["item"], [chk["correct"]])
    if cb.id_column not in cb.by_column:
        raise InputError(f"{src}: id_column '{cb.id_column}' is not the column of any item; add a meta item for it")
    for key, column in cb.meta.items():
        if column not in cb.by_column:
            raise InputError(f"{src}: meta.{key}: column '{column}' is not the column of any item; "
                             "add a meta item with this column")
    prog = cb.progress
    if prog and prog["unit"] == "percent" and prog["complete_at"] is not None:
        raise InputError(f"{src}: meta.progress.complete_at is only for unit: page (a last-page column); "
                         "remove it or set unit: page")
    for name, ids in cb.grids.items():
        for item_id in ids:
            if item_id not in cb.by_id:
                raise InputError(f"{src}: grids.{name}: unknown item '{item_id}'; list item ids defined under items")
            if cb.by_id[item_id]["type"] != "likert":
                raise InputError(f"{src}: grids.{name}: item '{item_id}' is not a likert item; grids hold likert items")
    return cb


#: Step names a screening criterion may not take (the other exclusion rules, the order token, flow rows).
#: The built-in rules are exclusions.BUILTIN (kept in step by tests/test_survey_codebook.py).
RESERVED_NAMES = ("unfinished", "attention", "speeders", "straightliners", "duplicates", "screening", "raw",
                  "analysed")


def _screening(cb: Codebook, src: str) -> list[dict]:
    """The screening criteria in codebook order, resolved to codes: ``{name, item, op, value, given, reason,
    key}`` (+ ``keep`` for the keep form); ``reason`` None = generated; ``key`` is the codebook key."""
    from .plan import resolve_condition  # plan imports this module

    raw = cb.data["screening"]
    if isinstance(raw, dict):  # the earlier form {consent: {item, keep}, freelancer: {item, keep}}
        raw = [{"name": name, **rule} for name, rule in raw.items()]
        keys = [(f"screening.{c['name']}", "") for c in raw]
    else:
        keys = [(f"screening[{i}]", f" (name '{c['name']}')") for i, c in enumerate(raw)]
    out, seen = [], set()
    for (key, named), crit in zip(keys, raw):
        where = f"{src}: {key}{named}"
        if crit["name"] in RESERVED_NAMES:
            raise InputError(f"{where}: the name '{crit['name']}' is taken by another exclusion step; choose "
                             f"another name (not one of {list(RESERVED_NAMES)})")
        if crit["name"] in seen:
            raise InputError(f"{where}: the name '{crit['name']}' is used twice; give each criterion a unique name")
        seen.add(crit["name"])
        if crit["item"] not in cb.by_id:
            raise InputError(f"{where}.item: unknown item '{crit['item']}'; use an item id defined under items")
        cond = "op" in crit or "value" in crit
        if ("keep" in crit) == cond:
            raise InputError(f"{where}: give either keep: [labels] or a condition op: ... value: ..., not "
                             f"{'both' if cond else 'neither'}")
        kind = cb.by_id[crit["item"]]["type"]
        if kind == "multi" or (kind not in ("likert", "single", "numeric") and crit.get("op") != "present"):
            raise InputError(f"{where}.item: item '{crit['item']}' is a {kind} item; screen on a likert, single or "
                             "numeric item (any item but a multi-select one with op: present)")
        c = {"name": crit["name"], "item": crit["item"], "reason": crit.get("reason"), "key": key}
        if "keep" in crit:
            _check_labels(cb, src, key + named, crit["item"], crit["keep"])
            c.update(op="in", value=[float(cb.code_of(crit["item"], lab)) for lab in crit["keep"]],
                     given=list(crit["keep"]), keep=list(crit["keep"]))
        else:
            c.update(resolve_condition(crit, crit["item"], cb, where))
        out.append(c)
    return out


def _check_labels(cb: Codebook, src: str, key: str, item_id: str, labels: list) -> None:
    if item_id not in cb.by_id:
        raise InputError(f"{src}: {key}.item: unknown item '{item_id}'; use an item id defined under items")
    sc = cb.scale_of(item_id)
    if sc is None:
        raise InputError(f"{src}: {key}.item: item '{item_id}' has no scale; give it one")
    allowed = {fold(x) for x in sc["labels"]}
    for lab in labels:
        if fold(lab) not in allowed:
            raise InputError(f"{src}: {key}: '{lab}' is not a label of scale '{cb.item(item_id)['scale']}'; "
                             f"use one of {sc['labels']}")


def code_name(code) -> str:
    """Suffix of a multi-select 0/1 column for ``code``: ``platforms_3`` (integers) or ``x_2_5`` (2.5)."""
    return str(int(code)) if float(code).is_integer() else str(code).replace(".", "_")
