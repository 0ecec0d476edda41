"""The record over time: what the tracker said on a day, and the reports built on it.

Pure functions over the working frame and the store's history entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geotrack import vocab
from geotrack.changes import ADDED, ITEM_FIELD, HistoryEntry, decode_row, decode_value
from geotrack.conflicts import conflict_map
from geotrack.frames import empty_frame, normalise_numbers
from geotrack.geo import lengths_km
from geotrack.model import CRS, FRAME_COLUMNS


def _day(entry: HistoryEntry) -> str:
    return entry.at[:10]


def as_of(current: gpd.GeoDataFrame, history: Sequence[HistoryEntry], day: dt.date) -> gpd.GeoDataFrame:
    """What the tracker said at the end of ``day``: undo, newest first, every change recorded after it.

    Items added after ``day`` disappear; items removed after it come back as they were.
    """
    rows: dict[str, dict[str, Any]] = {r["id"]: r for r in current.to_dict("records")}
    order = list(rows)
    cutoff = day.isoformat()
    # the history is in recording order; undo newest first (timestamps can tie within a second)
    for entry in reversed([e for e in history if _day(e) > cutoff]):
        if entry.field == ITEM_FIELD:
            if entry.new == ADDED:
                rows.pop(entry.item_id, None)
            elif entry.old is not None:
                rows[entry.item_id] = decode_row(entry.old)
                if entry.item_id not in order:
                    order.append(entry.item_id)
        elif entry.item_id in rows:
            rows[entry.item_id][entry.field] = decode_value(entry.field, entry.old)
    kept = [rows[i] for i in order if i in rows]
    if not kept:
        return empty_frame()
    frame = gpd.GeoDataFrame(pd.DataFrame(kept).reindex(columns=list(FRAME_COLUMNS)), geometry="geometry", crs=CRS)
    frame["length_km"] = lengths_km(frame.geometry)
    return normalise_numbers(frame)


def overdue(frame: gpd.GeoDataFrame, today: dt.date | None = None) -> gpd.GeoDataFrame:
    """Items whose deadline year has passed and that are not completed, in service or cancelled."""
    year = (today or dt.date.today()).year
    end = pd.to_numeric(frame["end_year"], errors="coerce")
    return frame[(end < year) & ~frame["status"].isin(vocab.DONE_STATUSES)]


def conflicts(frame: gpd.GeoDataFrame) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    """Items whose documents give different deadlines, start years or lead agencies."""
    found = [(r["id"], conflict_map(r["commitments"] or [])) for r in frame.to_dict("records")]
    return [(item_id, c) for item_id, c in found if c]


def changes_since(history: Sequence[HistoryEntry], since: dt.date) -> list[HistoryEntry]:
    """History entries recorded on or after ``since``, oldest first."""
    return sorted((e for e in history if _day(e) >= since.isoformat()), key=lambda e: e.at)


def lengths_by_mode(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Count of items and total length (km, VN-2000 / UTM 48N) per mode, longest first.

    The length of a mode is the sum over its items that have one (lines); a mode none of
    whose items has a length (ports, airports, zones: points and areas) has none (NaN),
    not 0 km, and comes after the measured ones.
    """
    # counted with numpy: a pandas groupby with named aggregations took 10 ms for a few rows, on every filter
    # change of the page (its summary); modes sorted first, as groupby's keys, so ties keep that order
    codes, modes = pd.factorize(frame["mode"], sort=True)
    known = codes >= 0  # an item without a mode is in no row, as groupby leaves out a missing key
    km = pd.to_numeric(frame["length_km"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[known]
    measured = np.bincount(codes[known], weights=~np.isnan(km), minlength=len(modes)) > 0
    total = np.bincount(codes[known], weights=np.nan_to_num(km, nan=0.0), minlength=len(modes)).round(1)
    out = pd.DataFrame({
        "mode": np.asarray(modes, dtype=object),
        "items": np.bincount(codes[known], minlength=len(modes)).astype(np.int64),
        "length_km": np.where(measured, total, np.nan),
    })
    return out.sort_values(["length_km", "items"], ascending=False, ignore_index=True)
