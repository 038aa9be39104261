"""Look-ups in the survey codebook that the figures and the report need (items, scales, labels)."""
from __future__ import annotations

import pandas as pd

from ..errors import InputError


class Codebook:
    """Thin view on a codebook dict (config/codebook.yaml)."""

    def __init__(self, data: dict, source: str = "config/codebook.yaml"):
        self.data = data
        self.source = source
        self.items = {i["id"]: i for i in data.get("items", [])}
        self.scales = data.get("response_scales", {})
        self.constructs = data.get("constructs", {})

    def item(self, item_id: str) -> dict:
        if item_id not in self.items:
            raise InputError(f"{self.source}: no item {item_id!r}; fix the item id in "
                             "config/config.yaml (integration.figures)")
        return self.items[item_id]

    def scale(self, item_id: str) -> tuple[list, list[str]]:
        """(codes, labels) of an item's response scale."""
        item = self.item(item_id)
        name = item.get("scale")
        if name not in self.scales:
            raise InputError(f"{self.source}: item {item_id!r} has no known response scale ({name!r})")
        s = self.scales[name]
        return list(s["codes"]), list(s["labels"])

    def construct_label(self, construct: str) -> str:
        return self.constructs.get(construct, {}).get("label", construct)

    def construct_labels(self) -> dict[str, str]:
        return {c: spec.get("label", c) for c, spec in self.constructs.items()}

    def likert_constructs(self) -> dict[str, list[str]]:
        """Construct id -> its Likert items, in codebook order."""
        return {c: list(spec["items"]) for c, spec in self.constructs.items()}

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
