"""The GeoPackage store written as a whole new file: a first build, or a rebuild of a mostly changed dataset.

The file is made beside the store and renamed into place (:func:`write_whole`); the items'
frame and the parts of their Feature texts that need no length are made while the lengths
are projected in a worker thread (:func:`fresh_frame`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio

from geotrack import geo
from geotrack._files import unsynced_sqlite, write_atomic_with
from geotrack.changes import ADDED, HISTORY_COLUMNS, ITEM_FIELD
from geotrack.errors import StoreError
from geotrack.features import geometry_utf8_of
from geotrack.frames import items_to_frame
from geotrack.model import Document, Item
from geotrack.store._gpkgrows import DIGEST_TRIGGERS, ITEMS_LAYER, HistoryRow, documents_frame, encode_frame
from geotrack.store._gpkgsql import DIGESTS_TABLE, SRS_ID
from geotrack.store.base import FEATURE_COLUMN, content_hashes
from geotrack.wkb import WKBBuffer, wkb_buffer


@dataclass(frozen=True)
class Made:
    """What a whole-file write of new items makes beside the lengths' projection (:func:`fresh_frame`)."""

    #: The geometry of each row's Feature text as ASCII (:func:`geotrack.features.geometry_utf8_of`).
    geometries: list[bytes | None]
    #: The rows' stored form (:func:`geotrack.store._gpkgrows.encode_frame`).
    stored: gpd.GeoDataFrame
    #: The WKB of the rows' geometries (:func:`geotrack.wkb.wkb_buffer`), which their digests read too.
    wkb: WKBBuffer


def fresh_frame(items: Sequence[Item], hashes: Sequence[str] | None, *, texts: bool,
                ) -> tuple[gpd.GeoDataFrame, list[str], Made | None]:
    """The working frame of ``items``, their content digests and, if ``texts``, what a new file needs (:class:`Made`).

    ``hashes`` are the digests when already made. The lengths are projected in a worker
    thread meanwhile (:func:`geotrack.geo.lengths_in_background`): the Feature texts'
    geometries, the WKB (and the digests, read from it), the frame's other columns and their
    stored form are the Python work that runs beside it, and only the lengths are set after.
    """
    geoms = [item.geometry for item in items]
    with geo.lengths_in_background(geoms) as lengths:
        if not texts:
            hashes = list(hashes) if hashes is not None else content_hashes(items)
            return items_to_frame(items, lengths=lengths), hashes, None
        geometries = geometry_utf8_of(geoms)
        wkb = wkb_buffer(geoms)
        hashes = list(hashes) if hashes is not None else content_hashes(items, wkb)
        frame = items_to_frame(items, lengths=[None] * len(items))
        stored = encode_frame(frame)
        length_km = lengths()
    # as items_to_frame makes the column (Python floats or None), and as encode_frame stores it
    frame["length_km"] = pd.Series(length_km, index=frame.index, dtype=object)
    stored["length_km"] = pd.to_numeric(frame["length_km"], errors="coerce").astype("float64")
    return frame, hashes, Made(geometries, stored, wkb)


def write_whole(path: Path, location: str, gdf: gpd.GeoDataFrame, features: pa.Array,
                digests: Sequence[str | None], documents: Sequence[Document], history: Sequence[HistoryRow],
                meta: Mapping[str, str], made: Made | None = None) -> None:
    """Write the whole store to a new file and rename it into place at ``path`` (shown as ``location``).

    ``features``: the items' Feature texts (:func:`text_array` of :func:`geotrack.store._gpkgrows.kept_feature_texts`).

    ``made``: the stored form of ``gdf`` and its WKB, when made before (:func:`fresh_frame`).
    """
    try:
        write_atomic_with(path, lambda tmp: write_file(tmp, gdf, features, digests, documents, history, meta,
                                                       made))
    except OSError:
        raise  # disk full, read-only: the command line names the path and what to do
    except Exception as exc:  # GDAL reports a full disk as its own error ("database or disk is full")
        raise StoreError(f"{location}: cannot write the store ({exc}); it is unchanged. "
                         "Free disk space or check that the folder is writable, then retry") from exc


#: SQLite page size of a new store file: the rows (a Feature text and a geometry of kilobytes each) fill
#: 64 KiB pages rather than chains of 4 KiB overflow pages; a build writes and syncs less (3 % fewer bytes,
#: the sync a third shorter at 100,000 items).
PAGE_SIZE = 65536


def write_file(tmp: Path, gdf: gpd.GeoDataFrame, features: pa.Array, digests: Sequence[str | None],
               documents: Sequence[Document], history: Sequence[HistoryRow], meta: Mapping[str, str],
               made: Made | None = None) -> None:
    """Write a whole new store file at ``tmp``: items with their Feature texts and digests, documents, history, meta.

    ``features`` are the items' Feature texts (:func:`text_array`). ``history`` holds the history table's
    rows, values in :data:`HISTORY_COLUMNS` order. Without a sync per transaction: the caller syncs the new
    file once, before it is renamed into place (:func:`geotrack._files.write_atomic_with`).
    """
    with unsynced_sqlite(), _gdal_option("OGR_SQLITE_PRAGMA", f"page_size={PAGE_SIZE}"):
        _write_file(tmp, gdf, features, digests, documents, history, meta, made)


@contextlib.contextmanager
def _gdal_option(name: str, value: str) -> Iterator[None]:
    """GDAL configuration option ``name`` set to ``value`` until the block ends."""
    before = pyogrio.get_gdal_config_option(name)
    pyogrio.set_gdal_config_options({name: value})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({name: before})


def _execute(path: Path, sql: str) -> None:
    """Run ``sql`` on the new store file ``path`` (synced once, before it is renamed into place)."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA synchronous = OFF")
        con.execute(sql)
        con.commit()


def _write_file(tmp: Path, gdf: gpd.GeoDataFrame, features: pa.Array, digests: Sequence[str | None],
                documents: Sequence[Document], history: Sequence[HistoryRow], meta: Mapping[str, str],
                made: Made | None) -> None:
    if made is None:
        _write_items(encode_frame(gdf), features, wkb_buffer(gdf.geometry.values), tmp)
    else:
        _write_items(made.stored, features, made.wkb, tmp)
    with _synced_meanwhile(tmp):  # most of the file, the items, goes to the disk while the other tables are written
        _write_tables(tmp, gdf, digests, documents, history, meta)


@contextlib.contextmanager
def _synced_meanwhile(path: Path) -> Iterator[None]:
    """Sync what the file ``path`` holds now in a worker thread while the block runs.

    The sync before the rename (:func:`geotrack._files.write_atomic_with`) then has only the
    block's writes left: a second of waiting for the disk at 100,000 items, spent while the
    history and digests go in instead (``os.fsync`` waits without holding the GIL). Its error, if
    any, is raised when the block ends, as that sync would raise it.
    """
    def sync() -> None:
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="geotrack-sync") as pool:
        synced = pool.submit(sync)
        yield
        synced.result()


def _write_tables(tmp: Path, gdf: gpd.GeoDataFrame, digests: Sequence[str | None], documents: Sequence[Document],
                  history: Sequence[HistoryRow], meta: Mapping[str, str]) -> None:
    """Write the tables beside the items layer into the new store file ``tmp``: documents, history, meta, digests."""
    pyogrio.write_dataframe(documents_frame(documents), tmp, layer="documents", driver="GPKG", append=True)
    # GDAL makes the table from one row of text, deleted; the rows go in by one executemany below (GDAL took a
    # second per 100,000 rows)
    pyogrio.write_dataframe(pd.DataFrame([dict.fromkeys(HISTORY_COLUMNS, "")]), tmp, layer="history", driver="GPKG",
                            append=True)
    _execute(tmp, "DELETE FROM history")
    meta_df = pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]})
    pyogrio.write_dataframe(meta_df, tmp, layer="meta", driver="GPKG", append=True)
    with contextlib.closing(sqlite3.connect(tmp)) as con, con:
        con.execute("PRAGMA synchronous = OFF")  # a new file: write_atomic_with syncs it once, before the rename
        # nor a rollback journal: a failed write leaves only the temporary folder, which is removed (with one, the
        # inserts below copied 64 KiB pages into it and took three times as long)
        con.execute("PRAGMA journal_mode = OFF")
        # a new layer numbers its rows from 1 in order: the digests table names them so
        if con.execute("SELECT min(fid), max(fid), count(*) FROM items").fetchone() not in ((1, len(gdf), len(gdf)),
                                                                                          (None, None, 0)):
            raise StoreError(f"{tmp}: the items were not numbered in order; cannot record their digests")
        # GDAL's trigger counts rows in gpkg_ogr_contents, an UPDATE per insert: off while the history goes in
        counters = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'history'"
                               " AND name LIKE 'trigger_insert_feature_count_%'").fetchall()
        con.executescript("".join(f'DROP TRIGGER "{name}";' for name, _ in counters))
        columns = ", ".join(HISTORY_COLUMNS)
        if _one_arrival_each(history, gdf["id"].tolist()):  # a first build: the rows from the items, in SQL
            at, _, *rest = history[0]
            con.execute(f"INSERT INTO history (fid, {columns}) SELECT fid, ?, id, {', '.join('?' * len(rest))}"
                        " FROM items ORDER BY fid", (at, *rest))
        else:
            con.executemany(f"INSERT INTO history (fid, {columns}) VALUES (?, {', '.join('?' * len(HISTORY_COLUMNS))})",
                            ((fid, *row) for fid, row in enumerate(history, start=1)))
        con.executescript("".join(f"{statement};" for _, statement in counters))  # made again as they were
        if counters:  # and the count added once
            con.execute("UPDATE gpkg_ogr_contents SET feature_count = feature_count + ?"
                        " WHERE lower(table_name) = 'history'", (len(history),))
        con.execute(f"CREATE TABLE {DIGESTS_TABLE} (item_fid INTEGER PRIMARY KEY, id TEXT NOT NULL, digest TEXT)")
        for statement in DIGEST_TRIGGERS:
            con.execute(statement)
        con.executemany(f"INSERT INTO {DIGESTS_TABLE} VALUES (?, ?, ?)",
                        zip(range(1, len(gdf) + 1), gdf["id"].tolist(), digests, strict=True))
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
                    " VALUES (?, 'attributes', ?, 'content digest of each item, by its fid',"
                    " strftime('%Y-%m-%dT%H:%M:%fZ','now'))", (DIGESTS_TABLE, DIGESTS_TABLE))


def _one_arrival_each(history: Sequence[HistoryRow], ids: Sequence[str]) -> bool:
    """Tell whether ``history`` is one arrival per item of ``ids``, in their order, all made alike: a first build's.

    Then the history table's rows are the items' rows with the same values beside each id:
    one ``INSERT … SELECT`` writes them (0.02 s at 100,000 items; inserting 100,000 rows
    one by one took 0.19 s).
    """
    if len(history) != len(ids) or not history:
        return False
    at, _, field, old, new, *rest = history[0]
    if (field, old, new) != (ITEM_FIELD, None, ADDED):
        return False
    alike = (at, field, old, new, *rest)
    return all(item_id == row[1] and (row[0], *row[2:]) == alike for row, item_id in zip(history, ids, strict=True))


def _write_items(stored: gpd.GeoDataFrame, features: pa.Array, wkb: WKBBuffer, tmp: Path) -> None:
    """Write the items layer of a new store file: ``stored`` (its stored form), ``features`` and ``wkb``, by Arrow.

    The rows, tables and spatial index are what ``pyogrio.write_dataframe`` writes a feature at a
    time (a test compares the files table by table) for a quarter less CPU time; the table is
    made here as its Arrow path makes it, the Feature texts (after the other columns, before the
    geometry) by :func:`text_array`, the geometries' WKB (:func:`geotrack.wkb.wkb_buffer`) as they are.
    """
    table = pa.Table.from_pandas(pd.DataFrame(stored.drop(columns="geometry")), preserve_index=False)
    for index, field in enumerate(table.schema):
        if pa.types.is_null(field.type):  # a column of no value: text, as GDAL has no null type
            table = table.set_column(index, field.with_type(pa.string()), table[index].cast(pa.string()))
    table = table.append_column(FEATURE_COLUMN, features)
    table = table.append_column("geometry", wkb.to_arrow())
    # GeoPackage 1.2: what GDAL 3.6 and its validator read without warnings (see geotrack.export.gpkg)
    pyogrio.write_arrow(table, tmp, layer=ITEMS_LAYER, driver="GPKG", geometry_name="geometry",
                        geometry_type="Unknown", crs=f"EPSG:{SRS_ID}", layer_options={"SPATIAL_INDEX": "YES"},
                        dataset_options={"VERSION": "1.2"})


def text_array(texts: Iterable[bytes]) -> pa.Array:
    """``texts``, each UTF-8 (:func:`geotrack.features.feature_utf8`), as an Arrow string array.

    Each is copied into one buffer as it comes, beside its end: nothing is converted text by
    text (Arrow's conversion of the 350 MB of Vietnamese ``str`` at 100,000 items took 1.8 s,
    docs/speed.md), and texts made one at a time are never all held at once as well (joining a
    list of them took a second more, most of it the system zeroing 350 MB of new memory).
    """
    buffer, ends = bytearray(), [0]
    for text in texts:
        buffer += text
        ends.append(len(buffer))
    offsets = np.array(ends, dtype=np.int64)
    small = offsets[-1] < 2**31  # a string array's offsets are 32-bit
    return pa.Array.from_buffers(pa.string() if small else pa.large_string(), len(ends) - 1,
                                 [None, pa.py_buffer(offsets.astype(np.int32) if small else offsets),
                                  pa.py_buffer(buffer)])
