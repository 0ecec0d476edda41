"""Writing a built GeoPackage store in place: only the rows that changed, in one SQLite transaction.

A rebuild after one item changed, or an edit of one item, writes that item's row, its
history rows and the meta, not the whole file. SQLite's rollback journal keeps the write
all or nothing: a killed writer leaves a *hot* journal that the next connection able to
write rolls back (:func:`recover`), so the store holds the old state or the new one.

GDAL's R-tree triggers on the items table call the GeoPackage SQL functions
``ST_IsEmpty``/``ST_MinX``…; :func:`connect` provides them, read from the envelope
every geometry blob written here carries (:func:`geometry_blobs`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import sqlite3
import struct
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geotrack.errors import StoreBusyError

#: SRS id of every stored geometry (WGS 84 lon/lat).
SRS_ID = 4326
#: GeoPackage binary header flags: little-endian, envelope ``[minx, maxx, miny, maxy]``.
_FLAGS = 0b0000_0011
_HEADER = struct.Struct("<2sBBi4d")
#: Attributes table of each item's content digest (:func:`geotrack.store.base.content_hashes`) by its fid.
DIGESTS_TABLE = "item_digests"
#: The OS error each SQLite primary result code of a failed write stands for: FULL, READONLY, PERM, CANTOPEN.
OS_ERRORS = {13: errno.ENOSPC, 8: errno.EROFS, 3: errno.EACCES, 14: errno.EACCES}


def geometry_blobs(geometries: Sequence[Any]) -> list[bytes | None]:
    """GeoPackage geometry blobs (header with envelope, then WKB) of lon/lat geometries; ``None`` if none or empty."""
    geoms = np.array(list(geometries), dtype=object)
    if len(geoms) == 0:
        return []
    missing = np.array([g is None for g in geoms]) | shapely.is_empty(geoms)
    geoms[missing] = None
    wkbs = shapely.to_wkb(geoms, byte_order=1)
    bounds = shapely.bounds(geoms)
    return [None if wkb is None else _HEADER.pack(b"GP", 0, _FLAGS, SRS_ID, b[0], b[2], b[1], b[3]) + wkb
            for wkb, b in zip(wkbs, bounds, strict=True)]


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """``(minx, maxx, miny, maxy)`` of a GeoPackage geometry blob, ``None`` when empty or missing."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    if flags & 0b0001_0000:  # the empty-geometry flag
        return None
    kind = (flags >> 1) & 0b111
    if kind:
        order = "<" if flags & 1 else ">"
        minx, maxx, miny, maxy = struct.unpack_from(f"{order}4d", blob, 8)
        return minx, maxx, miny, maxy
    geometry = shapely.from_wkb(bytes(blob[8:]))
    if geometry is None or geometry.is_empty:
        return None
    x0, y0, x1, y1 = geometry.bounds
    return x0, x1, y0, y1


def _part(index: int) -> Any:
    def value(blob: bytes | None) -> float | None:
        envelope = _envelope(blob)
        return None if envelope is None else envelope[index]
    return value


def _register(con: sqlite3.Connection) -> None:
    """Provide the GeoPackage SQL functions GDAL's R-tree triggers call."""
    con.create_function("ST_IsEmpty", 1, lambda blob: int(_envelope(blob) is None), deterministic=True)
    for index, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        con.create_function(name, 1, _part(index), deterministic=True)


@contextlib.contextmanager
def write_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the store's writers' lock (``<store>.lock``), waiting up to ``timeout`` seconds for another writer.

    Raises
    ------
    StoreBusyError
        If another writer holds it that long.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"{path}: store busy — another process is writing it (waited {timeout:g} s)") from exc
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def connect(path: Path, timeout: float) -> Iterator[sqlite3.Connection]:
    """A read-write connection with the GeoPackage functions, in autocommit mode (the caller begins)."""
    con = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        _register(con)
        yield con
    finally:
        con.close()


def recover(path: Path, timeout: float) -> None:
    """Roll back what a killed in-place writer left (a hot journal), so read-only readers can open the store.

    Opening the file read-write and reading is what rolls a hot journal back; a live
    writer's journal is not hot and is left alone (the read waits for its commit).
    """
    if not Path(f"{path}-journal").exists():
        return
    with contextlib.suppress(sqlite3.Error, OSError), contextlib.closing(
            sqlite3.connect(path, timeout=timeout)) as con:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()


def column_names(con: sqlite3.Connection, table: str) -> list[str]:
    """The columns of ``table`` in order."""
    return [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]


def table_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """``frame``'s values for ``columns`` as plain Python row tuples, missing values as ``None``."""
    values = []
    for name in columns:
        column = frame[name]
        plain = column.astype(object).where(column.notna(), None).tolist()
        values.append([v.item() if isinstance(v, np.generic) else v for v in plain])
    return list(zip(*values, strict=True)) if values else []


def stored_digests(con: sqlite3.Connection) -> list[tuple[str, str | None]]:
    """``(item id, content digest)`` of every stored item, in stored order (from :data:`DIGESTS_TABLE`).

    A table of its own: reading the items table's id column alone reads every row's geometry too.
    """
    return con.execute(f"SELECT id, digest FROM {DIGESTS_TABLE} ORDER BY item_fid").fetchall()


def write_rows(con: sqlite3.Connection, stored: pd.DataFrame, digests: Sequence[str | None],
               removals: Sequence[str], history: Sequence[Mapping[str, Any]], meta: Mapping[str, str] | None,
               documents: pd.DataFrame | None, stamp: str) -> None:
    """Inside the caller's transaction: upsert ``stored`` (stored form, geometry as blobs), remove, record.

    An item already stored is updated where it is (its place in the stored order kept),
    a new one appended; :data:`DIGESTS_TABLE` follows (its triggers clear a digest whenever
    the row changes, so each is set after its row). ``meta`` replaces the meta table
    when given, ``documents`` the documents table.
    """
    fids: dict[str, int] = dict(con.execute(f"SELECT id, item_fid FROM {DIGESTS_TABLE}"))
    gone = [(fids[i],) for i in removals if i in fids]
    con.executemany("DELETE FROM items WHERE fid = ?", gone)
    con.executemany(f"DELETE FROM {DIGESTS_TABLE} WHERE item_fid = ?", gone)
    if len(stored):
        columns = [c for c in column_names(con, "items") if c != "fid"]
        assignments = ", ".join(f'"{c}" = ?' for c in columns)
        insert = f"INSERT INTO items ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) " \
                 f"VALUES ({', '.join('?' * len(columns))})"
        for item_id, row, digest in zip(stored["id"], table_rows(stored, columns), digests, strict=True):
            if item_id in fids:
                con.execute(f"UPDATE items SET {assignments} WHERE fid = ?", (*row, fids[item_id]))
                con.execute(f"UPDATE {DIGESTS_TABLE} SET digest = ? WHERE item_fid = ?", (digest, fids[item_id]))
            else:
                fid = con.execute(insert, row).lastrowid
                con.execute(f"INSERT OR REPLACE INTO {DIGESTS_TABLE} (item_fid, id, digest) VALUES (?, ?, ?)",
                            (fid, item_id, digest))
    if history:
        names = [c for c in column_names(con, "history") if c != "fid"]
        con.executemany(f"INSERT INTO history ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                        [tuple(entry[n] for n in names) for entry in history])
    if documents is not None:
        con.execute("DELETE FROM documents")
        names = [c for c in column_names(con, "documents") if c != "fid"]
        con.executemany(f"INSERT INTO documents ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                        table_rows(documents, names))
    if meta is not None:
        con.execute("DELETE FROM meta")
        con.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])
    extent = con.execute("SELECT min(minx), min(miny), max(maxx), max(maxy) FROM rtree_items_geom").fetchone()
    con.execute("UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, max_y = ?"
                " WHERE table_name = 'items'", (stamp, *extent))
    con.execute("UPDATE gpkg_contents SET last_change = ? WHERE table_name IN ('history', 'meta', 'documents', ?)",
                (stamp, DIGESTS_TABLE))
