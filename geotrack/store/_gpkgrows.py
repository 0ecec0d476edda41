"""The GeoPackage store's rows: the stored form of the working frame, and what a write keeps or computes."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geotrack import filters as _filters
from geotrack.changes import ADDED, HISTORY_COLUMNS, ITEM_FIELD, Change, diff_frames
from geotrack.errors import StoreError
from geotrack.features import clean, feature_utf8, json_text
from geotrack.frames import empty_frame, normalise_numbers
from geotrack.jsontext import string_lists_text
from geotrack.model import CRS, FRAME_COLUMNS, NESTED_COLUMNS, Document, Item
from geotrack.store._gpkgsql import DIGESTS_TABLE
from geotrack.store.base import DOCUMENT_COLUMNS, FEATURE_COLUMN, SEARCH_COLUMN
from geotrack.vocab import fold

ITEMS_LAYER = "items"
#: Keep the digests true whoever writes the items (QGIS opens the store as it is): a row added, changed or
#: removed outside geotrack gets no digest, or loses it, so the next rebuild compares it field by field.
DIGEST_TRIGGERS = (
    f"CREATE TRIGGER {DIGESTS_TABLE}_insert AFTER INSERT ON items BEGIN"
    f" INSERT OR REPLACE INTO {DIGESTS_TABLE} (item_fid, id, digest) VALUES (NEW.fid, NEW.id, NULL); END",
    f"CREATE TRIGGER {DIGESTS_TABLE}_update AFTER UPDATE ON items BEGIN"
    f" UPDATE {DIGESTS_TABLE} SET id = NEW.id, digest = NULL WHERE item_fid = NEW.fid; END",
    f"CREATE TRIGGER {DIGESTS_TABLE}_delete AFTER DELETE ON items BEGIN"
    f" DELETE FROM {DIGESTS_TABLE} WHERE item_fid = OLD.fid; END",
)

#: One row of the history table: its :data:`HISTORY_COLUMNS` values in order.
HistoryRow = tuple["str | None", ...]


def decode_frame(raw: pd.DataFrame) -> gpd.GeoDataFrame:
    """Turn a stored items table (nested columns as JSON text) into the working frame."""
    gdf = gpd.GeoDataFrame(raw, geometry="geometry", crs=CRS) if "geometry" in raw else gpd.GeoDataFrame(raw)
    for column in NESTED_COLUMNS:
        empty: Any = {} if column == "funding" else []
        gdf[column] = [json.loads(v) if isinstance(v, str) and v else empty for v in gdf[column]]
    normalise_numbers(gdf)
    ordered = [*FRAME_COLUMNS[:-1], SEARCH_COLUMN, "geometry"] if SEARCH_COLUMN in gdf else list(FRAME_COLUMNS)
    return gdf[ordered]


def read_batches(path: Path, columns: Sequence[str], rows: int) -> Iterator[gpd.GeoDataFrame]:
    """The items of the store file ``path`` in stored order, ``rows`` at a time, as :func:`decode_batch` makes them."""
    try:
        with pyogrio.open_arrow(path, layer=ITEMS_LAYER, columns=list(columns), batch_size=rows,
                                use_pyarrow=True) as (info, batches):
            for batch in batches:
                yield decode_batch(batch, columns, str(info["geometry_name"] or "wkb_geometry"))
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
        raise StoreError(f"{path}: cannot read the items: {exc}") from exc


def read_fids(path: Path, fids: Sequence[int], columns: Sequence[str]) -> gpd.GeoDataFrame:
    """The rows ``fids`` of the store file ``path`` as the working frame (of ``columns`` and the geometry).

    ``columns`` of ``["id"]`` alone reads the ids and geometries only.
    """
    if not fids:
        return empty_frame()
    try:
        raw = pyogrio.read_dataframe(path, layer=ITEMS_LAYER, fids=list(fids), columns=list(columns))
    except Exception as exc:
        raise StoreError(f"{path}: cannot read the items: {exc}") from exc
    if list(columns) == ["id"]:  # the ids and geometries alone: nothing to decode
        return gpd.GeoDataFrame(raw, geometry="geometry", crs=CRS)
    return decode_frame(raw)


def read_by_fid(path: Path, ids: Iterable[str], columns: Sequence[str]) -> gpd.GeoDataFrame:
    """The items ``ids`` (those there are) of the store file ``path`` in stored order, read by row number."""
    return read_fids(path, fids_of(path, ids), columns)


def fids_of(path: Path, ids: Iterable[str]) -> list[int]:
    """The row numbers of the items ``ids`` (those there are) in the store file ``path``, in stored order."""
    wanted = list(dict.fromkeys(ids))
    fids: list[int] = []
    try:
        with contextlib.closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as con:
            for start in range(0, len(wanted), 10_000):  # SQL of a bounded length
                part = wanted[start:start + 10_000]
                fids.extend(fid for (fid,) in con.execute(
                    f"SELECT fid FROM {ITEMS_LAYER} WHERE id IN ({', '.join('?' * len(part))})", part))
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot read the store: {exc}") from exc
    return sorted(fids)


def decode_batch(batch: Any, columns: Sequence[str], geometry_name: str) -> gpd.GeoDataFrame:
    """A record batch of the items table (``columns`` and the geometry's WKB) as working-frame columns.

    Values as :func:`decode_frame` makes them: Python numbers or ``None``, nested values decoded.
    """
    raw = pd.DataFrame({c: pd.Series(batch.column(c).to_pylist(), dtype=object) for c in columns},
                       columns=list(columns))
    geometry = shapely.from_wkb(np.array(batch.column(geometry_name).to_pylist(), dtype=object))
    gdf = gpd.GeoDataFrame(raw, geometry=gpd.GeoSeries(geometry, crs=CRS), crs=CRS)
    for column in NESTED_COLUMNS.intersection(columns):
        gdf[column] = decode_texts(gdf[column].tolist(), "{}" if column == "funding" else "[]")
    return normalise_numbers(gdf)


def decode_texts(texts: Sequence[Any], empty: str) -> list[Any]:
    """The JSON values of a nested column's texts (``empty``'s for a missing one), decoded in one call.

    One decode of them all joined: a call per value cost most of a chunk's reading. A text
    that is not one JSON value makes them decoded one by one (and fail as that one does).
    """
    shown = [t if isinstance(t, str) and t else empty for t in texts]
    try:
        values = json.loads("[" + ",".join(shown) + "]")
    except ValueError:
        values = None
    if not isinstance(values, list) or len(values) != len(shown):
        values = [json.loads(t) for t in shown]
    return values


#: Text columns :func:`geotrack.filters.search_text` reads, in its order.
_SEARCH_SCALARS = ("id", "name_vi", "name_en", "lead_agency", "lead_agency_current", "deadline_text", "notes")


@functools.lru_cache(maxsize=1)
def _combining() -> np.ndarray:
    """Which code points are combining characters (what :func:`geotrack.vocab.fold` strips), by code point."""
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    # every combining character lies below U+20000 (a test holds the whole range to it); a tenth of the scan
    table[[c for c in range(_COMBINING_BELOW) if unicodedata.combining(chr(c))]] = True
    return table


#: Code points below which every combining character lies.
_COMBINING_BELOW = 0x20000


#: Texts :func:`fold_all` folds in one pass: a pass makes several copies of its texts (four bytes a character
#: in one), and over all 100,000 search texts those were 440 MB of new memory, 0.8 s of the system's time.
_FOLD_BATCH = 5_000


def fold_all(texts: Sequence[str]) -> list[str]:
    """:func:`geotrack.vocab.fold` of every text, decomposed and stripped a batch of texts at a time, not one by one."""
    return [folded for start in range(0, len(texts), _FOLD_BATCH)
            for folded in _fold_batch(texts[start:start + _FOLD_BATCH])]


def _fold_batch(texts: Sequence[str]) -> list[str]:
    """:func:`fold_all` of a few thousand texts, in one pass."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):  # a text holds the separator: one by one
        return [fold(t) for t in texts]
    decomposed = unicodedata.normalize("NFD", joined.replace("đ", "d").replace("Đ", "D"))
    try:
        points = np.frombuffer(decomposed.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate: one by one, as fold takes it
        return [fold(t) for t in texts]
    stripped = points[~_combining()[points]].tobytes().decode("utf-32-le")
    return [" ".join(part.split()) for part in stripped.lower().split("\x00")] if texts else []


def search_texts(gdf: gpd.GeoDataFrame) -> list[str]:
    """:func:`geotrack.filters.search_text` of every row of the working frame, column by column."""
    scalars = [[str(v or "") for v in gdf[name]] for name in _SEARCH_SCALARS]
    rows = []
    for n, (provinces, former, commitments) in enumerate(zip(gdf["provinces"], gdf["former_provinces"],
                                                              gdf["commitments"], strict=True)):
        parts = [column[n] for column in scalars]
        parts.extend(provinces or ())
        parts.extend(former or ())
        for c in commitments or ():
            parts.append(str(c.get("quote") or ""))
            parts.append(str(c.get("document") or ""))
        rows.append(" | ".join(parts))
    return fold_all(rows)


#: Nested columns holding lists of strings (names and ids that repeat across items: each list encoded once).
_STRING_LISTS = frozenset({"provinces", "former_provinces", "corridors"})
#: The stored text of an empty nested value of each column.
_EMPTY = {column: "{}" if column == "funding" else "[]" for column in NESTED_COLUMNS}


def encode_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The stored form of a working frame: nested columns as JSON text, plus ``search_text``."""
    out = gdf.copy()
    out.insert(len(out.columns) - 1, SEARCH_COLUMN, search_texts(gdf))
    for column in NESTED_COLUMNS:  # compact, as the exports write them; by orjson (600,000 texts per 100,000 items)
        values = out[column].tolist()
        if column in _STRING_LISTS and not any(v is None for v in values):
            out[column] = string_lists_text(values, clean)
        else:
            out[column] = [_EMPTY[column] if (type(v) is list or type(v) is dict) and not v else json_text(v)
                           for v in values]
    for column in ("start_year", "end_year"):
        out[column] = pd.array(out[column].tolist(), dtype="Int64")
    for column in ("stated_length_km", "length_km"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out


def digests(ids: Iterable[str], items: Sequence[Item], hashes: Sequence[str], involved: set[str]
             ) -> list[str | None]:
    """The content digest to store beside each of ``ids``: its item's, none for an item a merge involves.

    An item merged from the store's edits, or kept only in the store, is not ``items``'
    item: without a digest the next rebuild compares it field by field.
    """
    by_id = {item.id: digest for item, digest in zip(items, hashes, strict=True)}
    return [None if i in involved else by_id.get(i) for i in ids]


def documents_frame(documents: Sequence[Document]) -> pd.DataFrame:
    """The ``documents`` table's rows."""
    return pd.DataFrame([{**d.to_record(), "implements": json.dumps(list(d.implements))} for d in documents],
                        columns=list(DOCUMENT_COLUMNS))


def kept_feature_texts(old: gpd.GeoDataFrame, old_features: Sequence[str] | None, new: gpd.GeoDataFrame,
                       changes: Sequence[Change], geometries: Sequence[bytes | None] | None = None,
                       ) -> Iterator[bytes]:
    """The Feature texts of ``new``'s rows as UTF-8: ``old``'s stored one where the item did not change, else computed.

    A whole-file write (a first build, a rebuild of a reordered or mostly changed dataset)
    keeps the unchanged items' texts: recomputing every text would cost seconds at 100,000
    items. An item is unchanged when ``changes`` (:func:`diff_frames` of the two frames)
    names none of its fields and its ``length_km``, the one frame column the history does
    not track, is equal. ``old_features`` is ``None`` when there are none to keep. ``geometries``
    are the geometry texts of ``new``'s rows when made before (:func:`geotrack.features.geometry_utf8_of`).
    The texts computed are made as UTF-8 (:func:`geotrack.features.feature_utf8`), the form the file takes;
    on a first build each is made as it is asked for (see there).
    """
    texts: list[bytes | None] = [None] * len(new)
    if old_features is not None and old["id"].is_unique and new["id"].is_unique:
        changed = {item_id for item_id, *_ in changes}
        before = {i: (text, length) for i, text, length in zip(old["id"], old_features, old["length_km"], strict=True)}
        for position, (item_id, length) in enumerate(zip(new["id"], new["length_km"], strict=True)):
            kept = before.get(item_id)
            if kept is not None and item_id not in changed and kept[1] == length:
                texts[position] = kept[0].encode()
    missing = [position for position, text in enumerate(texts) if text is None]
    if len(missing) == len(new):  # a first build: every text computed, from the frame itself (no copy of its rows)
        return feature_utf8(new, geometries)
    made = feature_utf8(new.iloc[missing], None if geometries is None else [geometries[p] for p in missing])
    for position, text in zip(missing, made, strict=True):
        texts[position] = text
    return iter(cast(list[bytes], texts))  # every position is filled now


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a plain table as dicts, missing values as ``None``."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict("records")]


def sql_where(flt: _filters.Filter) -> str | None:
    """The part of a filter that SQL can answer on the items table (the rest runs in Python)."""
    clauses = []
    for column, values in (("mode", flt.modes), ("status", flt.statuses), ("id", flt.ids)):
        if values:
            quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
            clauses.append(f"{column} IN ({quoted})")
    if flt.deadline_min is not None:
        clauses.append(f"end_year >= {int(flt.deadline_min)}")
    if flt.deadline_max is not None:
        clauses.append(f"end_year <= {int(flt.deadline_max)}")
    return " AND ".join(clauses) or None


def history_rows(table: pd.DataFrame) -> list[HistoryRow]:
    """The rows of a history table read as a frame, as text or ``None`` (what GDAL stored) per column."""
    texts = table.reindex(columns=HISTORY_COLUMNS).astype("string")
    return list(zip(*(texts[c].to_numpy(dtype=object, na_value=None) for c in HISTORY_COLUMNS), strict=True))


def owns(store: Path, path: Path) -> bool:
    """Tell whether writing ``path`` would overwrite the store file ``store``, its lock, journal or temporary files."""
    target = Path(os.path.realpath(path))
    if target.parent == store.parent and (
            target.name.startswith(store.name) or target.name.startswith(f".{store.name}.")):
        return True  # the store, "<store>.lock", "-wal", "-journal", and the writers' ".<store>.*.tmp"
    if any(parent.name.startswith(f".{store.name}.") and parent.parent == store.parent for parent in target.parents):
        return True
    with contextlib.suppress(OSError):
        return target.exists() and store.exists() and os.path.samefile(target, store)
    return False


def read_ids(path: Path, ids: Iterable[str], columns: Sequence[str]) -> pd.DataFrame:
    """The stored ``columns`` (and geometry) of the items ``ids`` of the store file ``path``, in stored order."""
    wanted = sorted(set(ids))
    parts = []
    for start in range(0, len(wanted), 500):  # SQL of a bounded length
        quoted = ", ".join("'" + i.replace("'", "''") + "'" for i in wanted[start:start + 500])
        parts.append(pyogrio.read_dataframe(path, layer=ITEMS_LAYER, where=f"id IN ({quoted})", columns=list(columns),
                                            fid_as_index=True))
    return pd.concat(parts).sort_index().reset_index(drop=True) if parts else pd.DataFrame()


def table_frame(frame: gpd.GeoDataFrame, features: Sequence[str], blobs: Sequence[bytes | None]) -> pd.DataFrame:
    """The rows of the items table for ``frame``: its stored form, geometry blobs and Feature texts."""
    if not len(frame):
        return pd.DataFrame()
    stored = pd.DataFrame(encode_frame(frame).drop(columns="geometry"))
    stored["geom"] = list(blobs)
    stored[FEATURE_COLUMN] = pd.Series(list(features), index=stored.index, dtype=object)
    return stored


def changes_between(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> list[Change]:
    """:func:`geotrack.changes.diff_frames`, without reading a row when nothing was stored (a first build)."""
    if len(old) == 0 and new["id"].is_unique:
        return [(item_id, ITEM_FIELD, None, ADDED) for item_id in new["id"]]
    return diff_frames(old, new)
