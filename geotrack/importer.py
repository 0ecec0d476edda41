"""Imports of GIS teams' edits: GeoJSON or GeoPackage in, a checked change list out.

Reading and checking are separate from applying: :func:`geotrack.import_file.read_import` turns a
file into item records (reprojecting a declared CRS, refusing projected
coordinates that declare none), :func:`plan_import` validates every feature
and lists the changes; the store applies a plan all or nothing.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import shapely

from geotrack.changes import encode_value
from geotrack.errors import Problem
from geotrack.frames import frame_to_items
from geotrack.io import RawRecord
from geotrack.model import ITEM_KEYS, Item
from geotrack.text import terminal_safe
from geotrack.validate import Context, check_records


@dataclass(frozen=True)
class Change:
    """One item's change: ``kind`` is added, changed or removed; ``fields`` lists (field, old, new)."""

    item_id: str
    kind: str
    fields: tuple[tuple[str, Any, Any], ...] = ()


@dataclass
class ImportPlan:
    """The checked content of an import file and what applying it would change."""

    source: str
    records: list[RawRecord]
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    #: What applying the plan writes (:func:`plan_import`): each added item, and each changed item as stored
    #: with only its changed fields from the file. A value the plan finds equal (85813.0 from a GDAL real
    #: column for 85813) stays as stored, so the history records exactly the changes :func:`describe` lists.
    to_write: list[Item] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that block applying the plan."""
        return [p for p in self.problems if p.severity == "error"]

    def items(self) -> list[Item]:
        """The imported items as the file gives them (only meaningful when there are no errors)."""
        return [Item.from_record(r.record) for r in self.records]


def plan_import(
    records: list[RawRecord], read_problems: list[Problem], current: gpd.GeoDataFrame, ctx: Context, *,
    source: str, remove_missing: bool = False,
) -> ImportPlan:
    """Validate imported records against the store's items and list what applying them would change."""
    plan = ImportPlan(source, records, list(read_problems))
    known = {r["id"]: r for r in current.to_dict("records")}
    # parents may live in the store rather than in the file
    stand_ins = [RawRecord({"id": i}, "(store)", -1) for i in known if i not in {r.record.get("id") for r in records}]
    found = check_records([*records, *stand_ins], ctx)
    plan.problems.extend(p for p in found if p.source != "(store)" and not (p.field == "" and p.index == -1))
    if plan.errors:
        return plan
    incoming: dict[str, Item] = {}
    for raw in records:
        item = Item.from_record(raw.record)
        incoming[item.id] = item
    stored: dict[str, Item] = {}
    for item_id, item in incoming.items():
        new_record = item.to_record()
        old = known.get(item_id)
        if old is None:
            plan.changes.append(Change(item_id, "added"))
            plan.to_write.append(item)
            continue
        diffs = []
        for key in ITEM_KEYS:
            if key == "id":
                continue
            before = old.get(key)
            after = item.geometry if key == "geometry" else new_record[key]
            if key == "geometry":
                same = (before is None and after is None) or (
                    before is not None and after is not None and shapely.equals_exact(before, after, tolerance=1e-7))
            else:
                same = encode_value(_canonical(before)) == encode_value(_canonical(after))
            if not same:
                diffs.append((key, _shown(before), _shown(after)))
        if diffs:
            plan.changes.append(Change(item_id, "changed", tuple(diffs)))
            stored = stored or {i.id: i for i in frame_to_items(current)}
            plan.to_write.append(dataclasses.replace(stored[item_id], **{key: getattr(item, key)
                                                                         for key, _, _ in diffs}))
    if remove_missing:
        plan.changes.extend(Change(i, "removed") for i in known if i not in incoming)
    return plan


def _canonical(value: Any) -> Any:
    """A value as JSON would carry it, with 85813.0 and 85813 the same (GDAL stores some ints as reals)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _shown(value: Any) -> Any:
    return value.wkt if hasattr(value, "wkt") else value


def describe(plan: ImportPlan) -> str:
    """The plan as text, item by item: ``+ id`` added, ``~ id`` with ``field: old → new``, ``- id`` removed."""
    lines = []
    marks = {"added": "+", "changed": "~", "removed": "-"}
    for change in plan.changes:
        lines.append(f"{marks[change.kind]} {change.item_id} ({change.kind})")
        for name, old, new in change.fields:
            lines.append(f"    {name}: {_short(old)} → {_short(new)}")
    counts = {kind: sum(c.kind == kind for c in plan.changes) for kind in marks}
    lines.append(f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed")
    return "\n".join(lines)


def _short(value: Any, limit: int = 100) -> str:
    """``value`` on one line, control characters shown as escapes, cut at ``limit`` with the length said.

    A cut value says how long it is, so two values that differ past the cut do not look alike.
    """
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    text = terminal_safe(text, one_line=True)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


__all__ = ["Change", "ImportPlan", "describe", "plan_import"]
