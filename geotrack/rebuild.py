"""A rebuild from ``data/`` that keeps the edits made in the store since: a three-way merge, field by field.

``data/`` (reviewed YAML) and the store both take edits: ``geotrack update`` and
``geotrack import`` write the store, a pull request writes ``data/``. A rebuild applies
what changed in ``data/`` since the last build and keeps what changed in the store since
the last build. The *base* of each field is what ``data/`` held at the last build:

- the store kept it unchanged unless a store edit came after the build; the store's history
  since the build gives the value the first such edit replaced;
- where the last build kept a store edit over ``data/``, the build recorded ``data/``'s value
  (the *divergence*, kept in the store's meta) and that is the base.

Per field: store = data → that value; store = base → data's (``data/`` changed it); data =
base → the store's (an edit ``data/`` does not touch); all three differ → a *conflict*: the
store's value is kept and both are reported, never silently overwritten. Items added or
removed in the store are kept added or removed the same way. Only the items the store's
history or the divergence names are compared; every other item is taken from ``data/`` as is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from geotrack.changes import ADDED, ITEM_FIELD, TRACKED_FIELDS, HistoryEntry, encode_value
from geotrack.frames import empty_frame, normalise_numbers
from geotrack.model import CRS, FRAME_COLUMNS

#: Meta key: the JSON divergence, ``{item_id: {field: data value encoded}}``, ``"item"`` for presence.
DIVERGENCE_KEY = "data_divergence"
#: Meta key: how many history rows there were right after the last build (edits since come after).
HISTORY_ROWS_KEY = "data_history_rows"
#: Divergence ``"item"`` values: ``data/`` had the item, or did not.
PRESENT, ABSENT = "present", "absent"

Encoded = str | None


@dataclass(frozen=True)
class Conflict:
    """One field both ``data/`` and the store changed since the last build, differently: the store's value was kept."""

    item_id: str
    field: str
    store: Encoded
    data: Encoded

    def __str__(self) -> str:
        return (f"{self.item_id} {self.field}: kept the store's {_short(self.store)}; "
                f"data/ says {_short(self.data)} (edit data/ to match, or update the store)")


@dataclass
class MergeResult:
    """The merged working frame, what was kept from the store, and the divergence to record."""

    frame: gpd.GeoDataFrame
    conflicts: list[Conflict] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    divergence: dict[str, dict[str, Encoded]] = field(default_factory=dict)

    def meta(self) -> dict[str, str]:
        """The meta the build records beside the merged items."""
        return {DIVERGENCE_KEY: json.dumps(self.divergence, ensure_ascii=False, sort_keys=True)}


def edits_since_build(history: Sequence[HistoryEntry], meta: Mapping[str, str], build_source: str | None
                      ) -> list[HistoryEntry]:
    """The store edits made after the last build, from its history and meta.

    A store built before rebuilds merged has no row count; then every entry that did not come
    from a build (``source`` other than ``build_source``) counts.
    """
    rows = meta.get(HISTORY_ROWS_KEY, "")
    if rows.isdigit():
        return list(history[int(rows):])
    return [e for e in history if e.source != build_source]


def divergence_of(meta: Mapping[str, str]) -> dict[str, dict[str, Encoded]]:
    """The divergence the last build recorded in the store's meta (:data:`DIVERGENCE_KEY`), ``{}`` if none."""
    try:
        value = json.loads(meta.get(DIVERGENCE_KEY) or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def involved_ids(since: Sequence[HistoryEntry], meta: Mapping[str, str]) -> set[str]:
    """The items whose merged row may differ from ``data/``'s: edited in the store since, or diverging.

    :func:`merge` takes every other item from ``data/`` as it is, so a store may hand it
    only these and the items that changed in ``data/``.
    """
    return {entry.item_id for entry in since} | set(divergence_of(meta))


def merge(data: gpd.GeoDataFrame, store: gpd.GeoDataFrame, since: Sequence[HistoryEntry],
          divergence: Mapping[str, Mapping[str, Encoded]],
          valid: Callable[[Mapping[str, Any]], bool] = lambda row: True) -> MergeResult:
    """Merge ``data`` (the frame built from ``data/``) into ``store`` (the stored frame), three-way.

    Parameters
    ----------
    data, store
        Working frames.
    since
        Store history entries after the last build (:func:`edits_since_build`), oldest first.
    divergence
        What the last build recorded (:data:`DIVERGENCE_KEY`).
    valid
        Tells whether a merged row is a valid item; a row that is not (fields from both sides
        that do not fit together) is kept whole from the store, as a conflict of every field merged.
    """
    if not since and not divergence:  # no store edit since the last build: data/ as it is
        return MergeResult(data)
    base: dict[str, dict[str, Encoded]] = {i: dict(f) for i, f in divergence.items()}
    edited: dict[str, set[str]] = {}
    for entry in since:
        fields_base = base.setdefault(entry.item_id, {})
        edited.setdefault(entry.item_id, set()).add(entry.field)
        if entry.field not in fields_base:  # the first edit after the build replaced the base value
            if entry.field == ITEM_FIELD:
                fields_base[ITEM_FIELD] = ABSENT if entry.new == ADDED else PRESENT
            else:
                fields_base[entry.field] = entry.old
    data_rows = {r["id"]: r for r in data.to_dict("records")}
    store_rows = {r["id"]: r for r in store.to_dict("records")}
    result = MergeResult(empty_frame())
    merged: dict[str, dict[str, Any] | None] = {}
    for item_id, fields_base in base.items():
        merged[item_id] = _merge_item(item_id, data_rows.get(item_id), store_rows.get(item_id), fields_base,
                                      item_id in edited, valid, result)
    rows = [merged.get(i, row) if i in merged else row for i, row in data_rows.items()]
    rows = [r for r in rows if r is not None]
    rows.extend(r for i, r in merged.items() if r is not None and i not in data_rows)
    if rows:
        frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=list(FRAME_COLUMNS)), geometry="geometry", crs=CRS)
        result.frame = normalise_numbers(frame)
    return result


def _merge_item(item_id: str, data: dict[str, Any] | None, store: dict[str, Any] | None,
                base: Mapping[str, Encoded], edited: bool, valid: Callable[[Mapping[str, Any]], bool],
                result: MergeResult) -> dict[str, Any] | None:
    """One item's merged row (``None``: not there), recording conflicts, kept edits and divergence."""
    in_base = base.get(ITEM_FIELD, PRESENT) == PRESENT
    if data is None or store is None:
        if store is None and data is None:
            return None
        if store is None:  # removed in the store (kept removed) unless it never was in the base
            if in_base:
                result.kept.append((item_id, ITEM_FIELD))
                result.divergence[item_id] = {ITEM_FIELD: PRESENT}
                return None
            return data
        if not in_base:  # added in the store since: kept
            result.kept.append((item_id, ITEM_FIELD))
            result.divergence[item_id] = {ITEM_FIELD: ABSENT}
            return store
        if edited:  # removed from data/ but edited in the store: kept, reported
            result.conflicts.append(Conflict(item_id, ITEM_FIELD, "edited in the store", "removed from data/"))
            result.divergence[item_id] = {ITEM_FIELD: ABSENT}
            return store
        return None  # removed from data/, untouched in the store
    row = dict(data)
    divergence: dict[str, Encoded] = {}
    conflicts: list[Conflict] = []
    for name in TRACKED_FIELDS:
        if in_base and name not in base:
            continue  # not edited in the store since the build: data's value
        ours, theirs = encode_value(store.get(name)), encode_value(data.get(name))
        # an item both sides added since the build has no base: every difference is a conflict
        if ours == theirs or (in_base and ours == base[name]):
            continue  # the same, or only data/ changed it: data's value
        row[name] = store.get(name)
        if name == "geometry":
            row["length_km"] = store.get("length_km")
        divergence[name] = theirs
        if in_base and theirs == base[name]:
            result.kept.append((item_id, name))
        else:
            conflicts.append(Conflict(item_id, name, ours, theirs))
    if divergence and not valid(row):
        row = dict(store)
        conflicts = [Conflict(item_id, name, encode_value(store.get(name)), encode_value(data.get(name)))
                     for name in TRACKED_FIELDS if encode_value(store.get(name)) != encode_value(data.get(name))]
        divergence = {c.field: c.data for c in conflicts}
    result.conflicts.extend(conflicts)
    if divergence:
        result.divergence[item_id] = divergence
    return row


def _short(value: Encoded, limit: int = 80) -> str:
    text = "(none)" if value is None else value
    return text if len(text) <= limit else text[: limit - 1] + "…"
