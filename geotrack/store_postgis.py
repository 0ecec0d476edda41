"""The shared store: PostgreSQL + PostGIS, for many editors on one database.

Chosen by a ``postgresql://`` (or ``postgres://``) location, usually
``$GEOTRACK_DATABASE_URL`` (:func:`geotrack.store.open_store`). It offers the
same :class:`~geotrack.store.Store` interface as the GeoPackage with the same
results; what differs is how writers meet:

* every write is ONE transaction: a writer that dies leaves the database as it was;
* writers serialise on a transaction-level advisory lock (:data:`WRITE_LOCK`), taken
  first, at ``READ COMMITTED``, so each writer reads, diffs and records history against
  the rows as the previous writer committed them: no update and no history row is lost;
* a writer waits at most ``lock_timeout`` seconds for another, then gets
  :class:`~geotrack.errors.StoreBusyError`; readers never wait (MVCC).

The schema is built and upgraded in place by the ordered :data:`MIGRATIONS`,
recorded in ``schema_migrations`` and applied under the same lock when a store is
first written, or read by a newer geotrack.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import geopandas as gpd
import pandas as pd
import psycopg
import shapely
from psycopg import errors as pg_errors
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from geotrack import filters as _filters
from geotrack.errors import NotFoundError, StoreBusyError, StoreError
from geotrack.export import feature_texts
from geotrack.model import (
    COMMITMENT_KEYS,
    CRS,
    FRAME_COLUMNS,
    FUNDING_KEYS,
    NESTED_COLUMNS,
    SOURCE_KEYS,
    Document,
    Item,
    empty_frame,
    frame_to_items,
    items_to_frame,
    normalise_numbers,
)
from geotrack.store import (
    DOCUMENT_COLUMNS,
    FEATURE_COLUMN,
    HISTORY_COLUMNS,
    ITEM_FIELD,
    HistoryEntry,
    diff_frames,
    get_item,
    merge_frames,
    sql_answers,
)
from geotrack.vocab import fold

#: Key of the advisory lock every writer (and every migration) holds for its transaction.
WRITE_LOCK = 0x67656F747261636B  # "geotrack"
#: Stored item columns besides the working frame's: the folded search text and province names
#: (and the GeoJSON Feature text, :data:`geotrack.store.FEATURE_COLUMN`).
SEARCH_COLUMN = "search_text"
PROVINCE_KEYS_COLUMN = "province_keys"
#: Item columns in the order they are written (geometry last).
_ITEM_COLUMNS: tuple[str, ...] = (*FRAME_COLUMNS[:-1], SEARCH_COLUMN, PROVINCE_KEYS_COLUMN, FEATURE_COLUMN,
                                  "geometry")
#: Extra metres on ``corridor_km`` for the SQL pre-filter (geodesic vs VN-2000 / UTM 48N distance).
_CORRIDOR_SLACK = (1.02, 100.0)


# -- migrations -------------------------------------------------------------------------------------
def _in_check(name: str, column: str, values: Sequence[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"CONSTRAINT {name} CHECK ({column} IN ({quoted}))"


# The vocabularies as of version 1, written out: a migration never changes once released. A change
# to geotrack.vocab needs a new migration that replaces the constraint (a test compares the two).
_V1_MODES = ("expressway", "road", "ring_road", "bridge", "rail", "urban_rail", "inland_waterway", "seaport",
             "berth", "airport", "logistics", "economic_zone", "industrial_park", "energy", "water",
             "flood_control", "social", "digital", "urban")
_V1_ACTIONS = ("build", "upgrade", "expand", "complete", "study")
_V1_STATUSES = ("study", "planned", "preparation", "approved", "under_construction", "partly_open", "completed",
                "operational", "suspended", "cancelled")
_V1_PRECISIONS = ("exact", "approximate", "representative_point")

_V1_SQL = f"""
CREATE TABLE items (
    position bigint NOT NULL,
    id text PRIMARY KEY
        CONSTRAINT items_id_slug CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 120),
    name_vi text NOT NULL,
    name_en text,
    parent_id text,
    mode text NOT NULL {_in_check("items_mode_known", "mode", _V1_MODES)},
    action text NOT NULL {_in_check("items_action_known", "action", _V1_ACTIONS)},
    status text NOT NULL {_in_check("items_status_known", "status", _V1_STATUSES)},
    status_as_of text,
    status_source text,
    start_year integer,
    end_year integer,
    deadline_text text,
    funding jsonb NOT NULL DEFAULT '{{}}',
    lead_agency text,
    lead_agency_current text,
    provinces jsonb NOT NULL DEFAULT '[]',
    former_provinces jsonb NOT NULL DEFAULT '[]',
    corridors jsonb NOT NULL DEFAULT '[]',
    location_precision text {_in_check("items_precision_known", "location_precision", _V1_PRECISIONS)},
    geometry_source text,
    stated_length_km double precision,
    stated_length_source text,
    sources jsonb NOT NULL DEFAULT '[]',
    commitments jsonb NOT NULL DEFAULT '[]',
    notes text,
    length_km double precision,
    search_text text NOT NULL DEFAULT '',
    geometry geometry(Geometry, 4326),
    CONSTRAINT items_years_ordered CHECK (end_year >= start_year)
);
CREATE INDEX items_position_idx ON items (position);
CREATE INDEX items_geometry_gix ON items USING gist (geometry);
CREATE TABLE documents (
    position integer NOT NULL,
    number text PRIMARY KEY,
    type text NOT NULL,
    title text NOT NULL,
    issuer text NOT NULL,
    date text NOT NULL,
    implements jsonb NOT NULL DEFAULT '[]',
    file text,
    url text,
    notes text
);
CREATE TABLE history (
    id bigserial PRIMARY KEY,
    at text NOT NULL,
    item_id text NOT NULL,
    field text NOT NULL,
    old text,
    new text,
    actor text NOT NULL,
    source text,
    note text
);
CREATE TABLE meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
"""

_V2_SQL = """
ALTER TABLE items ADD COLUMN province_keys jsonb NOT NULL DEFAULT '[]';
CREATE INDEX items_province_keys_gin ON items USING gin (province_keys);
CREATE INDEX items_corridors_gin ON items USING gin (corridors);
CREATE INDEX items_geography_gix ON items USING gist (geography(geometry));
CREATE INDEX history_item_idx ON history (item_id, id);
"""


def _province_keys(provinces: Sequence[str] | None, former: Sequence[str] | None) -> list[str]:
    """Folded current and former province names: what :attr:`Filter.provinces` matches against."""
    return sorted({fold(str(p)) for p in [*(provinces or ()), *(former or ())]})


def _backfill_province_keys(conn: psycopg.Connection[Any]) -> None:
    rows = conn.execute("SELECT id, provinces, former_provinces FROM items").fetchall()
    with conn.cursor() as cur:
        cur.executemany("UPDATE items SET province_keys = %s WHERE id = %s",
                        [(Jsonb(_province_keys(p, f)), i) for i, p, f in rows])


_V3_SQL = f"""
ALTER TABLE items ADD COLUMN {FEATURE_COLUMN} text;
"""


def _backfill_features(conn: psycopg.Connection[Any]) -> None:
    """Compute every stored item's Feature text, then require one of every item."""
    frame = _select_items(conn, None)
    with conn.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE feature_backfill (id text PRIMARY KEY, feature text NOT NULL) "
                    "ON COMMIT DROP")
        with cur.copy("COPY feature_backfill (id, feature) FROM STDIN") as copy:
            for row in zip(frame["id"], feature_texts(frame), strict=True):
                copy.write_row(row)
        cur.execute(f"UPDATE items SET {FEATURE_COLUMN} = b.feature FROM feature_backfill AS b WHERE items.id = b.id")
        cur.execute(f"ALTER TABLE items ALTER COLUMN {FEATURE_COLUMN} SET NOT NULL")


@dataclass(frozen=True)
class Migration:
    """One step of the schema: SQL, then an optional Python backfill, in the same transaction."""

    version: int
    description: str
    sql: str
    backfill: Callable[[psycopg.Connection[Any]], None] | None = None


#: Every schema step, oldest first. Append; never edit a released one.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: items (GiST on geometry, vocabulary and id checks), documents, history, meta",
              _V1_SQL),
    Migration(2, "folded province keys for the province filter; corridor, geography and history indexes",
              _V2_SQL, _backfill_province_keys),
    Migration(3, "each item's GeoJSON Feature text, for exports without per-item work", _V3_SQL,
              _backfill_features),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


# -- the store --------------------------------------------------------------------------------------
def redact(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages and logs)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            netloc = userinfo.split(":", 1)[0] + ":***@" + host
    query = re.sub(r"(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class PostGISStore:
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

    def __init__(self, url: str, *, lock_timeout: float = 30.0, connect_timeout: int = 10):
        #: The location, as :func:`~geotrack.store.open_store` takes it (the app re-opens stores by it).
        self.path = url
        self.lock_timeout = lock_timeout
        self.connect_timeout = connect_timeout

    def __repr__(self) -> str:
        return f"PostGISStore({redact(self.path)!r})"

    def __str__(self) -> str:
        return redact(self.path)

    # -- connections --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            conn = psycopg.connect(self.path, autocommit=True, connect_timeout=self.connect_timeout,
                                   application_name="geotrack")
        except psycopg.Error as exc:
            raise StoreError(f"{self}: cannot connect to the database: {exc}".strip()) from exc
        try:
            with conn:
                yield conn
        except pg_errors.LockNotAvailable as exc:
            raise StoreBusyError(
                f"{self}: store busy — another process is writing it (waited {self.lock_timeout:g} s)"
            ) from exc
        except psycopg.Error as exc:
            raise StoreError(f"{self}: {type(exc).__name__}: {exc}".strip()) from exc

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
        with self._connect() as conn:
            if conn.execute("SELECT to_regclass('meta')").fetchone() == (None,):
                return False
            return conn.execute("SELECT 1 FROM meta WHERE key = 'built_at'").fetchone() is not None

    def meta(self) -> dict[str, str]:
        with self._reading() as conn:
            return {k: v for k, v in conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall()}

    def load(self, flt: _filters.Filter | None = None) -> gpd.GeoDataFrame:
        with self._reading() as conn:
            gdf = _select_items(conn, flt)
        return _filters.apply(gdf, flt) if flt else gdf

    def get(self, item_id: str) -> gpd.GeoDataFrame:
        return get_item(self, item_id)

    def feature_texts(self, flt: _filters.Filter | None = None) -> list[str]:
        with self._reading() as conn:
            if flt is None or sql_answers(flt):  # SQL alone selects exactly: read the texts and nothing else
                where, params = sql_where(flt) if flt is not None else ("", [])
                sql = f"SELECT {FEATURE_COLUMN} FROM items {'WHERE ' + where if where else ''} ORDER BY position"
                return [text for (text,) in conn.execute(sql, params).fetchall()]
            frame = _select_items(conn, flt, features=True)  # one read: the frame the filter needs and the texts
        return [] if frame.empty else list(_filters.apply(frame, flt)[FEATURE_COLUMN])

    def needs_rebuild(self) -> bool:
        """Never: an older schema is upgraded in place by the :data:`MIGRATIONS`."""
        return False

    def documents(self) -> list[Document]:
        columns = ", ".join(DOCUMENT_COLUMNS)
        with self._reading() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(f"SELECT {columns} FROM documents ORDER BY position").fetchall()
        return [Document.from_record(r) for r in rows]

    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        columns = ", ".join(HISTORY_COLUMNS)
        where, params = ("WHERE item_id = %s", (item_id,)) if item_id is not None else ("", ())
        with self._reading() as conn:
            rows = conn.execute(f"SELECT {columns} FROM history {where} ORDER BY id", params).fetchall()
        return [HistoryEntry(*row) for row in rows]

    # -- writing ------------------------------------------------------------------------------------
    def replace_all(
        self, items: Sequence[Item], documents: Sequence[Document], *, actor: str, source: str | None,
        meta: Mapping[str, str] | None = None,
    ) -> list[HistoryEntry]:
        """Replace every item and document (a build) in one transaction, recording what changed."""
        new = items_to_frame(items)
        rows = _encode_rows(new)
        with self._writing() as conn:
            old = _select_items(conn, None)
            at = _now()
            entries = [HistoryEntry(at, i, f, a, b, actor, source) for i, f, a, b in diff_frames(old, new)]
            conn.execute("DELETE FROM items")
            self._copy_items(conn, rows)
            conn.execute("DELETE FROM documents")
            with conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO documents (position, {', '.join(DOCUMENT_COLUMNS)}) "
                    f"VALUES (%s, {', '.join(['%s'] * len(DOCUMENT_COLUMNS))})",
                    [(n, *_document_values(d)) for n, d in enumerate(documents)],
                )
            self._insert_history(conn, entries)
            conn.execute("DELETE FROM meta")
            self._set_meta(conn, {"schema_version": str(SCHEMA_VERSION), "built_at": at, **(meta or {})})
        return entries

    def apply_changes(
        self, upserts: Sequence[Item], removals: Sequence[str] = (), *, actor: str, source: str | None,
        check: Callable[[gpd.GeoDataFrame], None] | None = None,
    ) -> list[HistoryEntry]:
        """Add or replace ``upserts`` and remove ``removals`` in one transaction under the writers' lock.

        The history is diffed inside the transaction against the rows as locked. ``check``
        sees the whole resulting frame before anything is written and raises to refuse it.
        """
        incoming = items_to_frame(upserts)
        with self._writing() as conn:
            return self._apply(conn, incoming, removals, actor=actor, source=source, check=check)

    def update_item(
        self, item_id: str, change: Callable[[dict[str, Any]], Mapping[str, Any]], *, actor: str,
        source: str | None,
    ) -> list[HistoryEntry]:
        """Read-modify-write one item in one transaction under the writers' lock.

        ``change`` gets the stored record (as :meth:`Item.to_record` writes it) and returns the
        new record; it runs while the lock is held, so no concurrent update is lost. It raises
        to refuse the change (nothing is written).

        Raises
        ------
        NotFoundError
            If no item has that id.
        """
        with self._writing() as conn:
            current = _select_items(conn, None, ids=[item_id])
            if current.empty:
                raise NotFoundError(f"no item with id {item_id!r}")
            record = frame_to_items(current[list(FRAME_COLUMNS)])[0].to_record()
            incoming = items_to_frame([Item.from_record(change(record))])
            return self._apply(conn, incoming, (), actor=actor, source=source, check=None, old=current)

    def _apply(self, conn: psycopg.Connection[Any], incoming: gpd.GeoDataFrame, removals: Sequence[str], *,
               actor: str, source: str | None, check: Callable[[gpd.GeoDataFrame], None] | None,
               old: gpd.GeoDataFrame | None = None) -> list[HistoryEntry]:
        """Merge, check, diff and write inside the caller's locked transaction."""
        if old is None:
            # the whole frame only when a check must see it; else just the rows touched
            touched = None if check is not None else [*incoming["id"], *removals]
            old = _select_items(conn, None, ids=touched)
        new = merge_frames(old[list(FRAME_COLUMNS)] if len(old) else empty_frame(), incoming, removals)
        if check is not None:
            check(new)
        at = _now()
        changes = diff_frames(old, new)
        entries = [HistoryEntry(at, i, f, a, b, actor, source) for i, f, a, b in changes]
        removed = sorted({i for i, f, _, b in changes if f == ITEM_FIELD and b is None})
        written = {i for i, _, _, b in changes if b is not None}
        if removed:
            conn.execute("DELETE FROM items WHERE id = ANY(%s)", (removed,))
        if written:
            self._upsert_items(conn, _encode_rows(new[new["id"].isin(written)]))
        self._insert_history(conn, entries)
        if entries:
            self._set_meta(conn, {"schema_version": str(SCHEMA_VERSION), "built_at": at})
        return entries

    # Each write step is a method of its own, so that tests can fail or stall a writer between them.
    def _copy_items(self, conn: psycopg.Connection[Any], rows: list[tuple[Any, ...]]) -> None:
        columns = ", ".join(("position", *_ITEM_COLUMNS))
        with conn.cursor() as cur, cur.copy(f"COPY items ({columns}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                copy.write_row((position, *row[:-1], _ewkb_hex(row[-1])))

    def _upsert_items(self, conn: psycopg.Connection[Any], rows: list[tuple[Any, ...]]) -> None:
        columns = ", ".join(_ITEM_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _ITEM_COLUMNS if c != "id")
        placeholders = ", ".join(["%s"] * (len(_ITEM_COLUMNS) - 1) + ["ST_GeomFromWKB(%s, 4326)"])
        sql = (f"INSERT INTO items (position, {columns}) "
               f"VALUES ((SELECT coalesce(max(position), -1) + 1 FROM items), {placeholders}) "
               f"ON CONFLICT (id) DO UPDATE SET {updates}")
        with conn.cursor() as cur:
            for row in rows:  # one by one: each new item's position follows the one before
                cur.execute(sql, (*row[:-1], None if row[-1] is None else shapely.to_wkb(row[-1])))

    def _insert_history(self, conn: psycopg.Connection[Any], entries: Sequence[HistoryEntry]) -> None:
        if not entries:
            return
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO history ({', '.join(HISTORY_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(HISTORY_COLUMNS))})",
                [tuple(getattr(e, c) for c in HISTORY_COLUMNS) for e in entries],
            )

    @staticmethod
    def _set_meta(conn: psycopg.Connection[Any], meta: Mapping[str, str]) -> None:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO meta (key, value) VALUES (%s, %s) "
                            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                            [(k, str(v)) for k, v in meta.items()])


# -- rows in and out --------------------------------------------------------------------------------
def _document_values(document: Document) -> tuple[Any, ...]:
    record = document.to_record()
    return tuple(Jsonb(record[c], dumps=_dumps) if c == "implements" else record[c] for c in DOCUMENT_COLUMNS)


def _encode_rows(gdf: gpd.GeoDataFrame) -> list[tuple[Any, ...]]:
    """Stored values of each row, in :data:`_ITEM_COLUMNS` order (geometry as a shapely object)."""
    rows = []
    for record, feature in zip(gdf.to_dict("records"), feature_texts(gdf), strict=True):
        values: list[Any] = []
        for column in FRAME_COLUMNS[:-1]:
            value = record.get(column)
            if column in NESTED_COLUMNS:
                value = Jsonb(value if value is not None else ({} if column == "funding" else []), dumps=_dumps)
            elif value is not None and pd.isna(value):
                value = None
            values.append(value)
        values.append(_filters.search_text(record))
        values.append(Jsonb(_province_keys(record.get("provinces"), record.get("former_provinces"))))
        values.append(feature)
        geometry = record.get("geometry")
        values.append(geometry if geometry is not None and not geometry.is_empty else None)
        rows.append(tuple(values))
    return rows


def _ewkb_hex(geometry: Any) -> str | None:
    if geometry is None:
        return None
    return str(shapely.to_wkb(shapely.set_srid(geometry, 4326), hex=True, include_srid=True))


_KEY_ORDER: dict[str, tuple[str, ...]] = {"funding": FUNDING_KEYS, "commitments": COMMITMENT_KEYS,
                                          "sources": SOURCE_KEYS}


def _in_order(value: Any, keys: tuple[str, ...]) -> Any:
    """``jsonb`` sorts object keys; put them back in the model's order (others after, as stored)."""
    if isinstance(value, dict):
        return {**{k: value[k] for k in keys if k in value}, **{k: v for k, v in value.items() if k not in keys}}
    if isinstance(value, list):
        return [_in_order(v, keys) for v in value]
    return value


def _select_items(conn: psycopg.Connection[Any], flt: _filters.Filter | None, *,
                  ids: Sequence[str] | None = None, features: bool = False) -> gpd.GeoDataFrame:
    """Items as the working frame (plus ``search_text``), in stored order, that the SQL part of ``flt`` keeps.

    With ``features``, also their Feature texts (column :data:`~geotrack.store.FEATURE_COLUMN`).
    """
    where, params = sql_where(flt) if flt is not None else ("", [])
    if ids is not None:
        where = f"({where}) AND id = ANY(%s)" if where else "id = ANY(%s)"
        params = [*params, list(ids)]
    # the Feature texts only when asked: they are most of a row's bytes
    selected = [*FRAME_COLUMNS[:-1], SEARCH_COLUMN, *([FEATURE_COLUMN] if features else [])]
    columns = ", ".join([*selected, "ST_AsBinary(geometry)"])
    sql = f"SELECT {columns} FROM items {'WHERE ' + where if where else ''} ORDER BY position"
    rows = conn.execute(sql, params).fetchall()
    if not rows:
        return empty_frame()
    frame = pd.DataFrame(rows, columns=[*selected, "geometry"])
    for column, keys in _KEY_ORDER.items():
        frame[column] = [_in_order(v, keys) for v in frame[column]]
    frame["geometry"] = shapely.from_wkb([bytes(g) if g is not None else None for g in frame["geometry"]])
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)
    return normalise_numbers(gdf)


def _like_pattern(text: str) -> str:
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def sql_where(flt: _filters.Filter) -> tuple[str, list[Any]]:
    """The SQL ``WHERE`` clause (with parameters) that pre-selects what ``flt`` keeps.

    Every filter field is pushed down: ids, modes, statuses and deadlines exactly;
    provinces on the folded ``province_keys``; funding types, documents and corridors
    on the ``jsonb`` columns; the search with ``ILIKE`` on ``search_text``; and
    ``corridor_km`` with ``ST_DWithin`` on ``geography(geometry)`` (its GiST index),
    slightly widened. The result is a superset that :func:`geotrack.filters.apply`
    then narrows to exactly what the GeoPackage store returns.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for column, values in (("id", flt.ids), ("mode", flt.modes), ("status", flt.statuses)):
        if values:
            clauses.append(f"{column} = ANY(%s)")
            params.append(list(values))
    if flt.deadline_min is not None:
        clauses.append("end_year >= %s")
        params.append(int(flt.deadline_min))
    if flt.deadline_max is not None:
        clauses.append("end_year <= %s")
        params.append(int(flt.deadline_max))
    if flt.provinces:
        clauses.append(f"{PROVINCE_KEYS_COLUMN} ?| %s")
        params.append(sorted({fold(p) for p in flt.provinces}))
    if flt.funding_types:
        clauses.append("(funding -> 'types') ?| %s")
        params.append(list(flt.funding_types))
    if flt.documents:
        clauses.append("EXISTS (SELECT 1 FROM jsonb_array_elements(commitments) AS c "
                       "WHERE c ->> 'document' = ANY(%s))")
        params.append(list(flt.documents))
    if flt.search.strip():
        clauses.append(f"{SEARCH_COLUMN} ILIKE %s ESCAPE '!'")
        params.append(_like_pattern(fold(flt.search)))
    if flt.corridors:
        alternatives = ["corridors ?| %s"]
        params.append(list(flt.corridors))
        if flt.corridor_km is not None:
            lines = _filters._default_corridor_lines()
            factor, extra = _CORRIDOR_SLACK
            for corridor in flt.corridors:
                if corridor in lines:
                    alternatives.append("ST_DWithin(geography(geometry), geography(ST_GeomFromWKB(%s, 4326)), %s)")
                    params.extend([shapely.to_wkb(lines[corridor]), float(flt.corridor_km) * 1000.0 * factor + extra])
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses), params
