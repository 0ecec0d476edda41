"""The shared store: PostgreSQL + PostGIS, for many editors on one database.

Chosen by a ``postgresql://`` (or ``postgres://``) location, usually
``$GEOTRACK_DATABASE_URL`` (:func:`geotrack.store.open_store`). It offers the
same :class:`~geotrack.store.base.Store` interface as the GeoPackage with the same
results; what differs is how writers meet:

* every write is ONE transaction: a writer that dies leaves the database as it was;
* writers serialise on a transaction-level advisory lock (:data:`WRITE_LOCK`), taken
  first, at ``READ COMMITTED``, so each writer reads, diffs and records history against
  the rows as the previous writer committed them: no update and no history row is lost;
* a writer waits at most ``lock_timeout`` seconds for another, then gets
  :class:`~geotrack.errors.StoreBusyError`; readers never wait (MVCC).

The schema is built and upgraded in place by the ordered migrations (:mod:`geotrack.store.migrations`),
recorded in ``schema_migrations`` and applied under the same lock when a store is
first written, or read by a newer geotrack.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import geopandas as gpd
import psycopg
import shapely
from psycopg import errors as pg_errors
from psycopg.rows import dict_row

from geotrack import filters as _filters
from geotrack import settings
from geotrack.changes import HISTORY_COLUMNS, ITEM_FIELD, HistoryEntry, diff_frames, entries, merge_frames, now
from geotrack.errors import StoreBusyError, StoreError
from geotrack.frames import empty_frame, items_to_frame
from geotrack.model import FRAME_COLUMNS, Document, Item
from geotrack.rebuild import HISTORY_ROWS_KEY, edits_since_build
from geotrack.store._pgrows import (
    ITEM_COLUMNS,
    document_values,
    encode_rows,
    ewkb_hex,
    select_chunks,
    select_items,
    sql_where,
)
from geotrack.store.base import (
    DOCUMENT_COLUMNS,
    FEATURE_COLUMN,
    SCHEMA_VERSION,
    MakeUpserts,
    Merge,
    Store,
)
from geotrack.store.location import redact, remember, scrub
from geotrack.store.migrations import MIGRATIONS

#: Key of the advisory lock every writer (and every migration) holds for its transaction.
WRITE_LOCK = 0x67656F747261636B  # "geotrack"


class PostGISStore(Store):
    """A store in a PostgreSQL database with PostGIS (see the module docs).

    Tables: ``items`` (geometry ``geometry(Geometry, 4326)`` with a GiST index, nested
    fields as ``jsonb``), ``documents``, ``history`` (a serial id in recording order),
    ``meta`` and ``schema_migrations``.

    Parameters
    ----------
    url
        A libpq URL, ``postgresql://user@host:port/dbname`` (passwords better in
        ``PGPASSWORD`` or ``~/.pgpass`` than in the URL).
    lock_timeout
        Seconds a writer waits for another writer before :class:`StoreBusyError`.
    connect_timeout
        Seconds to wait for the server.
    """

    def __init__(self, url: str, *, lock_timeout: float | None = None, connect_timeout: int | None = None):
        self.location = url
        remember(url)  # whatever a driver or traceback says later, its password is hidden
        self.lock_timeout = settings.lock_timeout if lock_timeout is None else lock_timeout
        self.connect_timeout = settings.connect_timeout if connect_timeout is None else connect_timeout

    def describe(self) -> str:
        """The URL with any password removed."""
        return redact(self.location)

    # -- connections --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            conn = psycopg.connect(self.location, autocommit=True, connect_timeout=self.connect_timeout,
                                   application_name="geotrack")
        except psycopg.Error as exc:
            raise StoreError(scrub(f"{self}: cannot connect to the database: {exc}".strip(), [self.location])) from None
        try:
            with conn:
                yield conn
        except pg_errors.LockNotAvailable as exc:
            raise StoreBusyError(
                f"{self}: store busy — another process is writing it (waited {self.lock_timeout:g} s)"
            ) from exc
        except psycopg.Error as exc:
            raise StoreError(scrub(f"{self}: {type(exc).__name__}: {exc}".strip(), [self.location])) from exc

    def _lock(self, conn: psycopg.Connection[Any]) -> None:
        """Take the writers' lock for the current transaction, waiting at most ``lock_timeout``."""
        conn.execute(f"SET LOCAL lock_timeout = {max(1, int(self.lock_timeout * 1000))}")
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))

    @staticmethod
    def _version(conn: psycopg.Connection[Any]) -> int | None:
        """The applied schema version; ``None`` when the database holds no geotrack schema."""
        if conn.execute("SELECT to_regclass('schema_migrations')").fetchone() == (None,):
            return None
        row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _refuse_newer(self, version: int | None) -> None:
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(f"{self}: store schema version {version}, this geotrack knows up to "
                             f"{SCHEMA_VERSION}; upgrade geotrack")

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        """Apply the missing :data:`MIGRATIONS` in one transaction under the writers' lock."""
        with conn.transaction():
            self._lock(conn)
            if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone() is None:
                try:
                    with conn.transaction():
                        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                except psycopg.Error as exc:
                    raise StoreError(f"{self}: the database lacks PostGIS and it cannot be added here ({exc}); "
                                     "ask its administrator to run CREATE EXTENSION postgis") from exc
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                         "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
            version = self._version(conn) or 0
            self._refuse_newer(version)
            pending = [m for m in MIGRATIONS if m.version > version]
            for migration in pending:
                conn.execute(migration.sql)
                if migration.backfill is not None:
                    migration.backfill(conn)
                conn.execute("INSERT INTO schema_migrations (version, description) VALUES (%s, %s)",
                             (migration.version, migration.description))
            if pending:
                conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    @contextlib.contextmanager
    def _reading(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection to a built, current schema (an older one is upgraded in place first)."""
        with self._connect() as conn:
            version = self._version(conn)
            if version is None:
                raise StoreError(f"{self}: no store here; run 'geotrack build' first")
            self._refuse_newer(version)
            if version < SCHEMA_VERSION:
                self._migrate(conn)
            yield conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[psycopg.Connection[Any]]:
        """One write transaction holding the writers' lock; committed on success, rolled back on error."""
        with self._connect() as conn:
            version = self._version(conn)
            self._refuse_newer(version)
            if version is None or version < SCHEMA_VERSION:
                self._migrate(conn)
            with conn.transaction():
                self._lock(conn)
                yield conn

    # -- reading ------------------------------------------------------------------------------------
    def exists(self) -> bool:
        """Tell whether the database holds a built store."""
        with self._connect() as conn:
            if conn.execute("SELECT to_regclass('meta')").fetchone() == (None,):
                return False
            return conn.execute("SELECT 1 FROM meta WHERE key = 'built_at'").fetchone() is not None

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        with self._reading() as conn:
            return {k: v for k, v in conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall()}

    def _read_items(self, flt: _filters.Filter | None, *,
                    features: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
        with self._reading() as conn:
            frame = select_items(conn, flt, features=features)
        if not features:
            return frame, []
        texts = [] if frame.empty else frame.pop(FEATURE_COLUMN).tolist()
        return frame, texts

    def _read_chunks(self, columns: Sequence[str], rows: int) -> Iterator[gpd.GeoDataFrame]:
        with self._reading() as conn:
            yield from select_chunks(conn, columns, rows)

    def _read_texts(self, flt: _filters.Filter | None) -> list[str]:
        where, params = sql_where(flt) if flt is not None else ("", [])
        sql = f"SELECT {FEATURE_COLUMN} FROM items {'WHERE ' + where if where else ''} ORDER BY position"
        with self._reading() as conn:
            return [text for (text,) in conn.execute(sql, params).fetchall()]

    def needs_rebuild(self) -> bool:
        """Never: an older schema is upgraded in place by the :data:`MIGRATIONS`."""
        return False

    def documents(self) -> list[Document]:
        """The ``documents`` table as :class:`Document` values, in stored order."""
        columns = ", ".join(DOCUMENT_COLUMNS)
        with self._reading() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"SELECT {columns} FROM documents ORDER BY position").fetchall()
        return [Document.from_record(r) for r in rows]

    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        """The ``history`` table in recording order, of one item or of all."""
        with self._reading() as conn:
            return self._history_in(conn, item_id)

    @staticmethod
    def _history_in(conn: psycopg.Connection[Any], item_id: str | None = None) -> list[HistoryEntry]:
        """:meth:`history` inside the caller's transaction."""
        columns = ", ".join(HISTORY_COLUMNS)
        where, params = ("WHERE item_id = %s", (item_id,)) if item_id is not None else ("", ())
        rows = conn.execute(f"SELECT {columns} FROM history {where} ORDER BY id", params).fetchall()
        return [HistoryEntry(*row) for row in rows]

    # -- writing ------------------------------------------------------------------------------------
    def replace_all(
        self, items: Sequence[Item], documents: Sequence[Document], *, actor: str, source: str | None,
        meta: Mapping[str, str] | None = None, merge: Merge | None = None,
    ) -> list[HistoryEntry]:
        """Replace every item and document (a build) in one transaction, recording what changed.

        See :meth:`Store.replace_all` for ``merge``.
        """
        new = items_to_frame(items)
        meta = dict(meta or {})
        with self._writing() as conn:
            old = select_items(conn, None)
            if merge is not None and conn.execute("SELECT 1 FROM meta WHERE key = 'built_at'").fetchone():
                stored_meta = {k: v for k, v in conn.execute("SELECT key, value FROM meta").fetchall()}
                since = edits_since_build(self._history_in(conn), stored_meta, source)
                new, extra = merge(new, old[list(FRAME_COLUMNS)] if len(old) else old, since, stored_meta)
                meta.update(extra)
            rows = encode_rows(new)
            at = now()
            recorded = entries(diff_frames(old, new), at=at, actor=actor, source=source)
            conn.execute("DELETE FROM items")
            self._copy_items(conn, rows)
            conn.execute("DELETE FROM documents")
            with conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO documents (position, {', '.join(DOCUMENT_COLUMNS)}) "
                    f"VALUES (%s, {', '.join(['%s'] * len(DOCUMENT_COLUMNS))})",
                    [(n, *document_values(d)) for n, d in enumerate(documents)],
                )
            self._insert_history(conn, recorded)
            (history_rows,) = conn.execute("SELECT count(*) FROM history").fetchone() or (0,)
            conn.execute("DELETE FROM meta")
            self._set_meta(conn, {"schema_version": str(SCHEMA_VERSION), "built_at": at, **meta,
                                  HISTORY_ROWS_KEY: str(history_rows)})
        return recorded

    def _write(self, make_upserts: MakeUpserts, removals: Sequence[str], *, actor: str, source: str | None,
               check: Callable[[gpd.GeoDataFrame], None] | None) -> list[HistoryEntry]:
        """One transaction under the writers' lock; the history is diffed against the rows as locked."""
        with self._writing() as conn:
            upserts = make_upserts(lambda ids: select_items(conn, None, ids=ids))
            return self._apply(conn, items_to_frame(upserts), removals, actor=actor, source=source, check=check)

    def _apply(self, conn: psycopg.Connection[Any], incoming: gpd.GeoDataFrame, removals: Sequence[str], *,
               actor: str, source: str | None, check: Callable[[gpd.GeoDataFrame], None] | None,
               ) -> list[HistoryEntry]:
        """Merge, check, diff and write inside the caller's locked transaction."""
        # the whole frame only when a check must see it; else just the rows touched
        touched = None if check is not None else [*incoming["id"], *removals]
        old = select_items(conn, None, ids=touched)
        new = merge_frames(old[list(FRAME_COLUMNS)] if len(old) else empty_frame(), incoming, removals)
        if check is not None:
            check(new)
        at = now()
        changes = diff_frames(old, new)
        recorded = entries(changes, at=at, actor=actor, source=source)
        removed = sorted({i for i, f, _, b in changes if f == ITEM_FIELD and b is None})
        written = {i for i, _, _, b in changes if b is not None}
        if removed:
            conn.execute("DELETE FROM items WHERE id = ANY(%s)", (removed,))
        if written:
            self._upsert_items(conn, encode_rows(new[new["id"].isin(written)]))
        self._insert_history(conn, recorded)
        if recorded:
            self._set_meta(conn, {"schema_version": str(SCHEMA_VERSION), "built_at": at})
        return recorded

    # Each write step is a method of its own, so that tests can fail or stall a writer between them.
    def _copy_items(self, conn: psycopg.Connection[Any], rows: list[tuple[Any, ...]]) -> None:
        columns = ", ".join(("position", *ITEM_COLUMNS))
        with conn.cursor() as cur, cur.copy(f"COPY items ({columns}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                copy.write_row((position, *row[:-1], ewkb_hex(row[-1])))

    def _upsert_items(self, conn: psycopg.Connection[Any], rows: list[tuple[Any, ...]]) -> None:
        columns = ", ".join(ITEM_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in ITEM_COLUMNS if c != "id")
        placeholders = ", ".join(["%s"] * (len(ITEM_COLUMNS) - 1) + ["ST_GeomFromWKB(%s, 4326)"])
        sql = (f"INSERT INTO items (position, {columns}) "
               f"VALUES ((SELECT coalesce(max(position), -1) + 1 FROM items), {placeholders}) "
               f"ON CONFLICT (id) DO UPDATE SET {updates}")
        with conn.cursor() as cur:
            for row in rows:  # one by one: each new item's position follows the one before
                cur.execute(sql, (*row[:-1], None if row[-1] is None else shapely.to_wkb(row[-1])))

    def _insert_history(self, conn: psycopg.Connection[Any], recorded: Sequence[HistoryEntry]) -> None:
        if not recorded:
            return
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO history ({', '.join(HISTORY_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(HISTORY_COLUMNS))})",
                [tuple(getattr(e, c) for c in HISTORY_COLUMNS) for e in recorded],
            )

    @staticmethod
    def _set_meta(conn: psycopg.Connection[Any], meta: Mapping[str, str]) -> None:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO meta (key, value) VALUES (%s, %s) "
                            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                            [(k, str(v)) for k, v in meta.items()])
