"""The frame the page holds: what it shows, filters by and counts, with each geometry at map resolution.

At 100,000 items the working frame is about 1 GB, most of it geometry and the commitments and
funding of every item. The page's frame (:func:`geotrack.frames.page_frame`) keeps the columns
the page shows, small columns derived from the nested ones, and each geometry simplified as the
map draws it at the default view (:data:`PAGE_ZOOM`): a selection too large for the full-detail
map (``settings.detail_max_items``, ``settings.detail_max_coordinates``) is drawn at that detail
anyway. What needs an item whole reads it from the store: the item page, the full-detail map of a
small selection, the exports and the distance to a corridor (:func:`near`).

Pure functions besides :func:`read` and :func:`near`, which read a store a chunk at a time; a
reader of whole records (``read_full``, :meth:`geotrack.store.base.Store.load_ids`) is passed in.
"""

from __future__ import annotations

import ctypes
import datetime as dt
from collections.abc import Callable, Collection, Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geotrack import filters, frames, history, settings
from geotrack.changes import ADDED, ITEM_FIELD, HistoryEntry
from geotrack.model import CRS
from geotrack.store.base import SEARCH_COLUMN, Store
from geotrack.ui.payload import simplify_all
from geotrack.ui.style import DEFAULT_ZOOM

#: The map zoom whose detail the page's geometry keeps (the default view's).
PAGE_ZOOM: Final = DEFAULT_ZOOM
#: Items read from the store at a time: the whole records of one chunk are all that is held at once.
READ_ROWS: Final = 2_500
#: The page frame's mark that it holds whole geometries.
_WHOLE: Final = "geotrack_whole_geometry"


def _glibc() -> ctypes.CDLL | None:
    """The C library if it is glibc (it has ``malloc_trim``), else ``None``."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC: Final = _glibc()
#: Reads the whole records of the given ids from the store, in stored order.
ReadFull = Callable[[Sequence[str]], gpd.GeoDataFrame]


def page_rows(frame: gpd.GeoDataFrame, *, whole: bool = False) -> gpd.GeoDataFrame:
    """The page's form of working-frame rows; their search text is computed when the store's is not there.

    ``whole`` keeps each geometry as it is, instead of at the detail of :data:`PAGE_ZOOM`.
    """
    if SEARCH_COLUMN not in frame:
        records = pd.DataFrame(frame.drop(columns=frame.geometry.name)).to_dict("records")
        frame = frame.assign(**{SEARCH_COLUMN: [filters.search_text(r) for r in records]})
    return frames.page_frame(frame, None if whole else simplify_all(frame.geometry, PAGE_ZOOM))


def read(store: Store, *, rows: int = READ_ROWS, whole_up_to: int | None = None) -> gpd.GeoDataFrame:
    """The page's frame of every item of ``store``, in stored order, read ``rows`` items at a time.

    A store of at most ``whole_up_to`` items (default ``settings.detail_max_items``) that fits in one
    read keeps each geometry whole: every selection of it is drawn at full detail, and the map then
    draws the page's own frame instead of reading each selection's records from the store again
    (:func:`holds_whole_geometry` tells which).
    """
    limit = settings.detail_max_items if whole_up_to is None else whole_up_to
    chunks = iter(store.read_chunks(frames.PAGE_SOURCE_COLUMNS, rows=rows))
    first, second = next(chunks, None), next(chunks, None)
    if first is None:
        return page_rows(frames.empty_frame())
    if second is None and len(first) <= limit:
        frame = page_rows(first, whole=True)
        frame.attrs[_WHOLE] = True
        return frame
    parts = [page_rows(first), page_rows(second)] if second is not None else [page_rows(first)]
    del first, second
    for chunk in chunks:
        parts.append(page_rows(chunk))
        del chunk
        _release_freed()
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=CRS)


def holds_whole_geometry(page: gpd.GeoDataFrame) -> bool:
    """Whether :func:`read` kept every geometry of ``page`` whole (a small store)."""
    return bool(page.attrs.get(_WHOLE))


def whole_coordinates(gdf: gpd.GeoDataFrame) -> int:
    """The number of coordinates of the whole geometries of ``gdf``'s items (a page's frame or a working frame)."""
    if frames.WHOLE_COORDINATES in gdf:
        return int(gdf[frames.WHOLE_COORDINATES].sum())
    return int(shapely.get_num_coordinates(gdf.geometry.values).sum())


def _release_freed() -> None:
    """Give the memory a chunk's whole records took back to the system (glibc keeps it otherwise).

    The page's frame is built among them: without this the server's memory stays as high as
    the read took it, and what the page makes next comes on top (at 100,000 items, 40 MB).
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def near(store: Store, corridors: Collection[str], km: float, *, rows: int = READ_ROWS) -> frozenset[str]:
    """Ids of the items within ``km`` of any of ``corridors``, measured on their whole stored geometry.

    What :attr:`geotrack.filters.Filter.corridor_km` measures on a working frame, for the page's
    frame (``filters.apply(..., near=...)``), whose geometry is simplified.
    """
    found: set[str] = set()
    for chunk in store.read_chunks(("id",), rows=rows):
        hit = filters.near_corridors(chunk.geometry, corridors, km)
        found.update(str(i) for i in chunk["id"][hit])
    return frozenset(found)


def undone(page: gpd.GeoDataFrame, entries: Sequence[HistoryEntry], day: dt.date,
           read_full: ReadFull) -> tuple[frozenset[str], gpd.GeoDataFrame]:
    """The items with a change recorded after ``day``, and their whole records at the end of ``day``.

    :func:`geotrack.history.as_of` of those items alone (it undoes each item's changes on its
    own row): the current record is read only for an item the page has and that existed on
    ``day``. The records are in the order ``as_of`` gives them.
    """
    cutoff = day.isoformat()
    later = [e for e in entries if e.at[:10] > cutoff]
    oldest: dict[str, HistoryEntry] = {}
    for entry in later:  # recording order: the first is the oldest
        oldest.setdefault(entry.item_id, entry)
    present = set(page["id"]) if oldest else set()
    wanted = [i for i, e in oldest.items() if i in present and not (e.field == ITEM_FIELD and e.new == ADDED)]
    current = read_full(wanted) if wanted else frames.empty_frame()
    return frozenset(oldest), history.as_of(current, later, day) if oldest else frames.empty_frame()


def as_of(page: gpd.GeoDataFrame, touched: Collection[str], then: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The page's frame of what the tracker said on a day, from :func:`undone`'s ``touched`` and ``then``.

    The same rows in the same order as :func:`geotrack.history.as_of` of the whole working frame:
    an unchanged item where it was, a changed one in its place with its record of the day, one
    added since left out, one removed since after the rest (in ``then``'s order).
    """
    if not touched:
        return page
    kept = page[~page["id"].isin(touched)]
    position = {item_id: n for n, item_id in enumerate(page["id"])}
    restored = page_rows(then)
    keys = [position[i] for i in kept["id"]]
    keys += [position.get(i, len(page) + k) for k, i in enumerate(restored["id"])]
    joined = pd.concat([kept, restored], ignore_index=True)
    ordered = joined.iloc[np.argsort(np.array(keys, dtype=np.int64), kind="stable")].reset_index(drop=True)
    return gpd.GeoDataFrame(ordered, geometry="geometry", crs=CRS)


def near_as_of(now: Collection[str], touched: Collection[str], then: gpd.GeoDataFrame, corridors: Collection[str],
               km: float) -> frozenset[str]:
    """:func:`near` of the items on a day: ``now``'s for those unchanged since, measured on ``then`` for the rest."""
    hit = filters.near_corridors(then.geometry, corridors, km) if len(then) else pd.Series([], dtype=bool)
    return frozenset(i for i in now if i not in touched) | frozenset(str(i) for i in then["id"][hit])


def with_whole_geometry(page: gpd.GeoDataFrame, read_geometry: ReadFull) -> gpd.GeoDataFrame:
    """``page`` (rows of the page's frame) with each item's whole stored geometry, for the full-detail map.

    ``read_geometry`` reads the ids and geometries of the given ids (``Store.load_ids(..., geometry_only=True)``):
    a third of the time of reading their whole records, which the map does not draw.
    """
    stored = read_geometry(list(page["id"]))
    by_id = dict(zip(stored["id"], stored.geometry, strict=True))
    return page.set_geometry(gpd.GeoSeries([by_id.get(i) for i in page["id"]], index=page.index, crs=CRS))


def full_rows(ids: Sequence[str], read_full: ReadFull, entries: Sequence[HistoryEntry] = (),
              day: dt.date | None = None) -> gpd.GeoDataFrame:
    """The whole records of ``ids``, in that order: as stored, or as the tracker had them at the end of ``day``."""
    frame = read_full(ids)
    if day is not None:
        frame = history.as_of(frame, entries, day)
    position = {item_id: n for n, item_id in enumerate(frame["id"])}
    return frame.iloc[[position[i] for i in ids if i in position]]
