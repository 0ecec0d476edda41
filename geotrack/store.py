"""Stores: where the built dataset lives. The GeoPackage is the embedded default.

The shared PostGIS store (:mod:`geotrack.store_postgis`) offers the same interface;
:func:`open_store` picks it for a ``postgresql://`` location or ``$GEOTRACK_DATABASE_URL``.

Every store offers the same small interface (:class:`Store`), so the CLI and
the app do not care which backend holds the data. A GeoPackage store is one
file; every write builds the new file beside it and renames it into place
under an exclusive lock, so a reader or a crash never sees half a write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geotrack import filters as _filters
from geotrack.errors import NotFoundError, StoreBusyError, StoreError
from geotrack.export import feature_texts
from geotrack.io import PROJECT_ROOT
from geotrack.model import (
    CRS,
    FRAME_COLUMNS,
    ITEM_KEYS,
    NESTED_COLUMNS,
    Document,
    Item,
    empty_frame,
    frame_to_items,
    items_to_frame,
    normalise_numbers,
)

#: Version of the GeoPackage's layout and of the Feature texts it keeps: an older store is refused
#: by readers and rebuilt by ``geotrack build --if-stale``. 2: items keep their Feature text.
SCHEMA_VERSION = 2
DEFAULT_STORE = PROJECT_ROOT / "store" / "geotrack.gpkg"
ITEMS_LAYER = "items"
#: Item column holding the item's GeoJSON Feature text (:func:`geotrack.export.feature_texts`); never loaded.
FEATURE_COLUMN = "feature"
#: Item column holding the folded text the search filter matches.
SEARCH_COLUMN = "search_text"
#: Item columns :meth:`GeoPackageStore.load` reads (the geometry besides).
_LOAD_COLUMNS: tuple[str, ...] = (*FRAME_COLUMNS[:-1], SEARCH_COLUMN)
#: Fields whose changes the history records: every field but the id, so that
#: what the tracker said on any day can be rebuilt (:mod:`geotrack.history`).
TRACKED_FIELDS: tuple[str, ...] = tuple(k for k in ITEM_KEYS if k != "id")
#: History ``field`` of a whole item's arrival or removal.
ITEM_FIELD = "item"
ADDED = "added"
DOCUMENT_COLUMNS: tuple[str, ...] = ("number", "type", "title", "issuer", "date", "implements", "file", "url", "notes")
HISTORY_COLUMNS: tuple[str, ...] = ("at", "item_id", "field", "old", "new", "actor", "source", "note")


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


class Store(Protocol):
    """What every backend offers."""

    def exists(self) -> bool:
        """True when the store has been built."""
        ...

    def load(self, flt: _filters.Filter | None = None) -> gpd.GeoDataFrame:
        """The working frame of the items ``flt`` keeps (all items without a filter)."""
        ...

    def get(self, item_id: str) -> gpd.GeoDataFrame:
        """The one-row working frame of an item; :class:`NotFoundError` if there is none."""
        ...

    def documents(self) -> list[Document]:
        """The document register."""
        ...

    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        """Recorded changes, oldest first, of one item or of all."""
        ...

    def meta(self) -> dict[str, str]:
        """Build metadata: schema version, when built, the data fingerprint."""
        ...

    def feature_texts(self, flt: _filters.Filter | None = None) -> list[str]:
        """The stored GeoJSON Feature texts of exactly the items ``load(flt)`` returns, in its order.

        Each is :func:`geotrack.export.feature_texts` of the item, computed when it was written.
        """
        ...

    def needs_rebuild(self) -> bool:
        """True when an older geotrack wrote the store in a form only a rebuild brings up to date."""
        ...

    def replace_all(
        self, items: Sequence[Item], documents: Sequence[Document], *, actor: str, source: str | None,
        meta: Mapping[str, str] | None = None,
    ) -> list[HistoryEntry]:
        """Replace every item (a build), recording what changed; return the new history rows."""
        ...

    def apply_changes(
        self, upserts: Sequence[Item], removals: Sequence[str] = (), *, actor: str, source: str | None,
        check: Callable[[gpd.GeoDataFrame], None] | None = None,
    ) -> list[HistoryEntry]:
        """Add or replace ``upserts`` and remove ``removals`` in one all-or-nothing write.

        ``check`` sees the resulting frame before anything is written and raises to refuse it.
        """
        ...

    def update_item(
        self, item_id: str, change: Callable[[dict[str, Any]], Mapping[str, Any]], *, actor: str,
        source: str | None,
    ) -> list[HistoryEntry]:
        """Read-modify-write one item under the write lock, so no concurrent update is lost.

        ``change`` gets the stored record (:meth:`Item.to_record`) and returns the new one;
        it raises to refuse the change. :class:`NotFoundError` if there is no such item.
        """
        ...


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


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
    """A whole item row as JSON (geometry as WKT): what a removal keeps in the history."""
    return json.dumps({k: encode_value(row.get(k)) for k in ITEM_KEYS}, ensure_ascii=False)


def decode_row(text: str) -> dict[str, Any]:
    """Inverse of :func:`encode_row`."""
    encoded = json.loads(text)
    return {k: decode_value(k, v) if k != "id" else json.loads(v) for k, v in encoded.items()}


def diff_frames(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> list[tuple[str, str, str | None, str | None]]:
    """Changes between two working frames: ``(item_id, field, old, new)`` per tracked field.

    Added items appear with field ``"item"``, old ``None`` and new ``"added"``; removed ones
    with new ``None`` and the whole removed row (:func:`encode_row`) as old.
    """
    old_rows = {r["id"]: r for r in old.to_dict("records")}
    new_rows = {r["id"]: r for r in new.to_dict("records")}
    changes: list[tuple[str, str, str | None, str | None]] = []
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


def decode_frame(raw: pd.DataFrame) -> gpd.GeoDataFrame:
    """Turn a stored items table (nested columns as JSON text) into the working frame."""
    gdf = gpd.GeoDataFrame(raw, geometry="geometry", crs=CRS) if "geometry" in raw else gpd.GeoDataFrame(raw)
    for column in NESTED_COLUMNS:
        empty: Any = {} if column == "funding" else []
        gdf[column] = [json.loads(v) if isinstance(v, str) and v else empty for v in gdf[column]]
    normalise_numbers(gdf)
    ordered = [*FRAME_COLUMNS[:-1], SEARCH_COLUMN, "geometry"] if SEARCH_COLUMN in gdf else list(FRAME_COLUMNS)
    return gdf[ordered]


def encode_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The stored form of a working frame: nested columns as JSON text, plus ``search_text``."""
    out = gdf.copy()
    out.insert(len(out.columns) - 1, SEARCH_COLUMN, [_filters.search_text(r) for r in gdf.to_dict("records")])
    for column in NESTED_COLUMNS:
        out[column] = out[column].map(lambda v: json.dumps(v, ensure_ascii=False, default=str))
    for column in ("start_year", "end_year"):
        out[column] = pd.array(out[column].tolist(), dtype="Int64")
    for column in ("stated_length_km", "length_km"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out


class GeoPackageStore:
    """The embedded store: one GeoPackage file (QGIS and ArcGIS open it as it is).

    Layers: ``items`` (every item, nested fields as JSON text), and the plain
    tables ``documents``, ``history`` and ``meta``.

    Parameters
    ----------
    path
        The ``.gpkg`` file.
    lock_timeout
        Seconds a writer waits for another writer before :class:`StoreBusyError`.
    """

    def __init__(self, path: Path | str = DEFAULT_STORE, *, lock_timeout: float = 30.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self.path)!r})"

    def __str__(self) -> str:
        return str(self.path)

    # -- reading ------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.is_file()

    def _require(self) -> None:
        if not self.exists():
            raise StoreError(f"{self.path}: no store here; run 'geotrack build' first")

    def _read_table(self, layer: str) -> pd.DataFrame:
        self._require()
        try:
            return pyogrio.read_dataframe(self.path, layer=layer, read_geometry=False)
        except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
            raise StoreError(f"{self.path}: cannot read layer {layer!r}: {exc}") from exc

    def meta(self) -> dict[str, str]:
        table = self._read_table("meta")
        return dict(zip(table["key"], table["value"], strict=True))

    def _check_version(self) -> None:
        version = self.meta().get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise StoreError(
                f"{self.path}: store schema version {version!r}, this geotrack reads {SCHEMA_VERSION}; rebuild it"
            )

    def needs_rebuild(self) -> bool:
        """True when the store's schema version is older than :data:`SCHEMA_VERSION` (a newer one is not)."""
        if not self.exists():
            return False
        version = self.meta().get("schema_version") or ""
        return version.isdigit() and int(version) < SCHEMA_VERSION

    def _read_items(self, flt: _filters.Filter | None, *, features: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
        """The items the SQL part of ``flt`` keeps as the working frame, and their Feature texts if ``features``."""
        where = _sql_where(flt) if flt else None
        columns = [*_LOAD_COLUMNS, FEATURE_COLUMN] if features else list(_LOAD_COLUMNS)
        try:
            raw = pyogrio.read_dataframe(self.path, layer=ITEMS_LAYER, where=where, columns=columns)
        except Exception as exc:
            raise StoreError(f"{self.path}: cannot read the items: {exc}") from exc
        texts = raw.pop(FEATURE_COLUMN).tolist() if features else []
        return (decode_frame(raw) if len(raw) else empty_frame()), texts

    def _read_texts(self, where: str | None) -> list[str]:
        """The Feature texts of the items ``where`` keeps, in the order :meth:`_read_items` reads them (fid).

        Straight from SQLite, read-only: GDAL adds nothing to one text column but a quarter
        of a second per 100,000 items.
        """
        sql = f"SELECT {FEATURE_COLUMN} FROM {ITEMS_LAYER} {'WHERE ' + where if where else ''} ORDER BY fid"
        try:
            with contextlib.closing(sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)) as con:
                return [text for (text,) in con.execute(sql)]
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the items: {exc}") from exc

    def load(self, flt: _filters.Filter | None = None) -> gpd.GeoDataFrame:
        self._require()
        self._check_version()
        gdf, _ = self._read_items(flt, features=False)
        return _filters.apply(gdf, flt) if flt else gdf

    def feature_texts(self, flt: _filters.Filter | None = None) -> list[str]:
        self._require()
        self._check_version()
        if flt is None or sql_answers(flt):  # SQL alone selects exactly: read the texts and nothing else
            return self._read_texts(_sql_where(flt) if flt else None)
        gdf, texts = self._read_items(flt, features=True)  # one read: the frame the filter needs and the texts
        return [text for text, keep in zip(texts, _filters.mask(gdf, flt), strict=True) if keep]

    def documents(self) -> list[Document]:
        return [Document.from_record({**r, "implements": json.loads(r["implements"] or "[]")})
                for r in _records(self._read_table("documents"))]

    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        rows = _records(self._read_table("history"))
        entries = [HistoryEntry(**{k: r[k] for k in HISTORY_COLUMNS}) for r in rows]
        return [e for e in entries if item_id is None or e.item_id == item_id]

    def get(self, item_id: str) -> gpd.GeoDataFrame:
        return get_item(self, item_id)

    # -- writing ------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+") as lock:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise StoreBusyError(
                            f"{self.path}: store busy — another process is writing it (waited {self.lock_timeout:g} s)"
                        ) from exc
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _write(self, gdf: gpd.GeoDataFrame, features: Sequence[str], documents: Sequence[Document],
               history: pd.DataFrame, meta: Mapping[str, str]) -> None:
        # the caller holds the write lock, so any temporary file left here is a killed writer's
        for stale in self.path.parent.glob(f".{self.path.stem}.*.tmp.gpkg*"):
            stale.unlink(missing_ok=True)
        tmp = self.path.with_name(f".{self.path.stem}.{os.getpid()}.tmp.gpkg")
        try:
            stored = encode_frame(gdf)
            stored.insert(len(stored.columns) - 1, FEATURE_COLUMN, pd.Series(list(features), index=stored.index,
                                                                              dtype=object))
            pyogrio.write_dataframe(stored, tmp, layer=ITEMS_LAYER, driver="GPKG", geometry_type="Unknown",
                                    layer_options={"SPATIAL_INDEX": "YES"})
            docs = pd.DataFrame([{**d.to_record(), "implements": json.dumps(list(d.implements))} for d in documents],
                                columns=list(DOCUMENT_COLUMNS))
            pyogrio.write_dataframe(docs, tmp, layer="documents", driver="GPKG", append=True)
            hist = history.reindex(columns=HISTORY_COLUMNS).astype(object)
            if hist.empty:  # GDAL needs a row to learn column types; write one and delete it
                hist = pd.DataFrame([dict.fromkeys(HISTORY_COLUMNS, "")])
                pyogrio.write_dataframe(hist, tmp, layer="history", driver="GPKG", append=True)
                _execute(tmp, "DELETE FROM history")
            else:
                pyogrio.write_dataframe(hist.astype("string"), tmp, layer="history", driver="GPKG", append=True)
            meta_df = pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]})
            pyogrio.write_dataframe(meta_df, tmp, layer="meta", driver="GPKG", append=True)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)

    def _history_frame(self) -> pd.DataFrame:
        if not self.exists():
            return pd.DataFrame(columns=HISTORY_COLUMNS)
        return self._read_table("history")

    def replace_all(
        self, items: Sequence[Item], documents: Sequence[Document], *, actor: str, source: str | None,
        meta: Mapping[str, str] | None = None,
    ) -> list[HistoryEntry]:
        new = items_to_frame(items)
        with self._locked():
            old, old_features = self._current(older=True)
            return self._commit(old, old_features, new, documents, actor=actor, source=source, meta=meta or {})

    def apply_changes(
        self, upserts: Sequence[Item], removals: Sequence[str] = (), *, actor: str, source: str | None,
        check: Callable[[gpd.GeoDataFrame], None] | None = None,
    ) -> list[HistoryEntry]:
        with self._locked():
            old, old_features = self._current()
            new = merge_frames(old, items_to_frame(upserts), removals)
            if check is not None:
                check(new)
            meta = {k: v for k, v in self.meta().items() if k not in ("schema_version", "built_at")}
            return self._commit(old, old_features, new, self.documents(), actor=actor, source=source, meta=meta)

    def update_item(
        self, item_id: str, change: Callable[[dict[str, Any]], Mapping[str, Any]], *, actor: str,
        source: str | None,
    ) -> list[HistoryEntry]:
        """Read-modify-write one item under the write lock (see :meth:`Store.update_item`).

        Raises
        ------
        NotFoundError
            If no item has that id.
        """
        with self._locked():
            old, old_features = self._current()
            current = old[old["id"] == item_id]
            if current.empty:
                raise NotFoundError(f"no item with id {item_id!r}")
            record = frame_to_items(current[list(FRAME_COLUMNS)])[0].to_record()
            new = merge_frames(old, items_to_frame([Item.from_record(change(record))]))
            meta = {k: v for k, v in self.meta().items() if k not in ("schema_version", "built_at")}
            return self._commit(old, old_features, new, self.documents(), actor=actor, source=source, meta=meta)

    def _current(self, *, older: bool = False) -> tuple[gpd.GeoDataFrame, list[str] | None]:
        """The stored items and their Feature texts: what a writer starts from (the caller holds the lock).

        With ``older``, a store of an older schema is read too (a rebuild replaces it),
        without its texts; any other version is refused as :meth:`load` refuses it.
        """
        if not self.exists():
            return empty_frame(), []
        if older and self.needs_rebuild():
            return self._read_items(None, features=False)[0], None
        self._check_version()
        # two reads, faster than one through GDAL; the lock keeps the file from changing between them
        return self._read_items(None, features=False)[0], self._read_texts(None)

    def _commit(self, old: gpd.GeoDataFrame, old_features: Sequence[str] | None, new: gpd.GeoDataFrame,
                documents: Sequence[Document], *, actor: str, source: str | None,
                meta: Mapping[str, str]) -> list[HistoryEntry]:
        """Write ``new`` with the history of its differences from ``old`` (caller holds the lock)."""
        history = self._history_frame()
        at = _now()
        changes = diff_frames(old, new)
        entries = [HistoryEntry(at, i, f, a, b, actor, source) for i, f, a, b in changes]
        if entries:
            added = pd.DataFrame([e.__dict__ for e in entries], columns=HISTORY_COLUMNS)
            history = pd.concat([history, added], ignore_index=True) if len(history) else added
        full_meta = {"schema_version": str(SCHEMA_VERSION), "built_at": at, **meta}
        self._write(new, _kept_feature_texts(old, old_features, new, changes), documents, history, full_meta)
        return entries


def _kept_feature_texts(old: gpd.GeoDataFrame, old_features: Sequence[str] | None, new: gpd.GeoDataFrame,
                        changes: Sequence[tuple[str, str, str | None, str | None]]) -> list[str]:
    """The Feature texts of ``new``'s rows: ``old``'s stored one where the item did not change, else computed.

    The file is rewritten on every write, but recomputing every text would cost seconds at
    100,000 items. An item is unchanged when ``changes`` (:func:`diff_frames` of the two
    frames) names none of its fields and its ``length_km``, the one frame column the
    history does not track, is equal. ``old_features`` is ``None`` when there are none to keep.
    """
    texts: list[str | None] = [None] * len(new)
    if old_features is not None and old["id"].is_unique and new["id"].is_unique:
        changed = {item_id for item_id, *_ in changes}
        before = {i: (text, length) for i, text, length in zip(old["id"], old_features, old["length_km"], strict=True)}
        for position, (item_id, length) in enumerate(zip(new["id"], new["length_km"], strict=True)):
            kept = before.get(item_id)
            if kept is not None and item_id not in changed and kept[1] == length:
                texts[position] = kept[0]
    missing = [position for position, text in enumerate(texts) if text is None]
    for position, text in zip(missing, feature_texts(new.iloc[missing]), strict=True):
        texts[position] = text
    return cast(list[str], texts)  # every position is filled now


def merge_frames(old: gpd.GeoDataFrame, upserts: gpd.GeoDataFrame, removals: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """``old`` with rows of ``upserts`` replacing same-id rows in place (new ids appended) and ``removals`` dropped."""
    replacing = {r["id"]: r for r in upserts.to_dict("records")}
    gone = set(removals)
    rows = [replacing.pop(r["id"], r) for r in old.to_dict("records") if r["id"] not in gone]
    rows.extend(replacing.values())
    if not rows:
        return empty_frame()
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, columns=list(FRAME_COLUMNS)), geometry="geometry", crs=CRS)
    return normalise_numbers(frame)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a plain table as dicts, missing values as ``None``."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict("records")]


def _execute(path: Path, sql: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute(sql)
        con.commit()


def sql_answers(flt: _filters.Filter) -> bool:
    """True when both stores' SQL alone selects exactly what ``flt`` keeps: ids, modes, statuses, year bounds.

    Then no working frame is needed to find the items (:meth:`Store.feature_texts`).
    """
    rest = flt.with_(ids=(), modes=(), statuses=(), deadline_min=None, deadline_max=None)
    whole_years = all(v is None or type(v) is int for v in (flt.deadline_min, flt.deadline_max))
    return rest.is_empty() and whole_years


def _sql_where(flt: _filters.Filter) -> str | None:
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


#: URL schemes that select the PostGIS store.
DATABASE_URL_SCHEMES: tuple[str, ...] = ("postgresql://", "postgres://")


def is_database_url(location: str | Path) -> bool:
    """True when ``location`` names a PostgreSQL database rather than a GeoPackage file."""
    return isinstance(location, str) and location.startswith(DATABASE_URL_SCHEMES)


def get_item(store: Store, item_id: str) -> gpd.GeoDataFrame:
    """The one-row working frame of an item, whichever the backend.

    Raises
    ------
    NotFoundError
        If no item has that id.
    """
    frame = store.load(_filters.Filter(ids=(item_id,)))
    if frame.empty:
        raise NotFoundError(f"no item with id {item_id!r}")
    return frame


def open_store(location: str | Path | None = None) -> Store:
    """The store at ``location``, else ``$GEOTRACK_DATABASE_URL``, else ``$GEOTRACK_STORE``, else the default.

    A ``postgresql://`` or ``postgres://`` URL opens the shared PostGIS store
    (:class:`geotrack.store_postgis.PostGISStore`); anything else is a GeoPackage path.
    """
    location = (location or os.environ.get("GEOTRACK_DATABASE_URL") or os.environ.get("GEOTRACK_STORE")
                or DEFAULT_STORE)
    if is_database_url(location):
        from geotrack.store_postgis import PostGISStore

        return PostGISStore(str(location))
    return GeoPackageStore(location)
