"""The history record: one change of one field of one item, its value codec, and frame diffs.

Both stores write these records, the history reports (:mod:`geotrack.history`) read
them and the app shows them; none of them depends on a storage backend.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geotrack.frames import empty_frame, normalise_numbers
from geotrack.model import CRS, FRAME_COLUMNS, ITEM_KEYS

#: Fields whose changes the history records: every field but the id, so that
#: what the tracker said on any day can be rebuilt (:mod:`geotrack.history`).
TRACKED_FIELDS: tuple[str, ...] = tuple(k for k in ITEM_KEYS if k != "id")
#: History ``field`` of a whole item's arrival or removal.
ITEM_FIELD = "item"
#: History ``new`` value of an item's arrival.
ADDED = "added"
#: Columns of the history table, in order.
HISTORY_COLUMNS: tuple[str, ...] = ("at", "item_id", "field", "old", "new", "actor", "source", "note")

#: One change found by :func:`diff_frames`: ``(item_id, field, old, new)``, values encoded.
Change = tuple[str, str, "str | None", "str | None"]


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of one field of one item."""

    at: str
    item_id: str
    field: str
    old: str | None
    new: str | None
    actor: str
    source: str | None
    note: str | None = None


def now() -> str:
    """The current time as history records it: UTC, whole seconds, ISO 8601."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def entries(changes: Sequence[Change], *, at: str, actor: str, source: str | None) -> list[HistoryEntry]:
    """The history entries recording ``changes``, all made at ``at`` by ``actor``."""
    return [HistoryEntry(at, item_id, field, old, new, actor, source) for item_id, field, old, new in changes]


def encode_value(value: Any) -> str | None:
    """Serialise a field value for the history table: geometry as WKT, the rest as JSON."""
    if value is None:
        return None
    if hasattr(value, "wkt"):
        return str(value.wkt)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def decode_value(field: str, text: str | None) -> Any:
    """Inverse of :func:`encode_value` for ``field``."""
    if text is None:
        return None
    if field == "geometry":
        return shapely.from_wkt(text)
    return json.loads(text)


def encode_row(row: Mapping[str, Any]) -> str:
    """Encode a whole item row as JSON (geometry as WKT): what a removal keeps in the history."""
    return json.dumps({k: encode_value(row.get(k)) for k in ITEM_KEYS}, ensure_ascii=False)


def decode_row(text: str) -> dict[str, Any]:
    """Inverse of :func:`encode_row`."""
    encoded = json.loads(text)
    return {k: decode_value(k, v) if k != "id" else json.loads(v) for k, v in encoded.items()}


def diff_frames(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> list[Change]:
    """Find the changes between two working frames: ``(item_id, field, old, new)`` per tracked field.

    Added items appear with field ``"item"``, old ``None`` and new ``"added"``; removed ones
    with new ``None`` and the whole removed row (:func:`encode_row`) as old.
    """
    old_rows = {r["id"]: r for r in old.to_dict("records")}
    new_rows = {r["id"]: r for r in new.to_dict("records")}
    changes: list[Change] = []
    for item_id, row in new_rows.items():
        before = old_rows.get(item_id)
        if before is None:
            changes.append((item_id, ITEM_FIELD, None, ADDED))
            continue
        for field in TRACKED_FIELDS:
            a, b = encode_value(before.get(field)), encode_value(row.get(field))
            if a != b:
                changes.append((item_id, field, a, b))
    for item_id, row in old_rows.items():
        if item_id not in new_rows:
            changes.append((item_id, ITEM_FIELD, encode_row(row), None))
    return changes


def merge_frames(old: gpd.GeoDataFrame, upserts: gpd.GeoDataFrame, removals: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Return ``old`` with ``upserts`` replacing same-id rows in place (new ids appended) and ``removals`` dropped."""
    replacing = {r["id"]: r for r in upserts.to_dict("records")}
    gone = set(removals)
    rows = [replacing.pop(r["id"], r) for r in old.to_dict("records") if r["id"] not in gone]
    rows.extend(replacing.values())
    if not rows:
        return empty_frame()
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=list(FRAME_COLUMNS)), geometry="geometry", crs=CRS)
    return normalise_numbers(frame)
