"""The embedded store: one GeoPackage file (QGIS and ArcGIS open it as it is).

Every write builds the new file beside it and renames it into place under an
exclusive lock, so a reader or a crash never sees half a write.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import pandas as pd
import pyogrio

from geotrack import filters as _filters
from geotrack import settings
from geotrack._files import remove_stale, write_atomic_with
from geotrack.changes import HISTORY_COLUMNS, Change, HistoryEntry, diff_frames, entries, merge_frames, now
from geotrack.errors import StoreBusyError, StoreError
from geotrack.features import feature_texts
from geotrack.frames import empty_frame, items_to_frame, normalise_numbers
from geotrack.model import CRS, FRAME_COLUMNS, NESTED_COLUMNS, Document, Item
from geotrack.rebuild import HISTORY_ROWS_KEY
from geotrack.store.base import (
    DOCUMENT_COLUMNS,
    FEATURE_COLUMN,
    SCHEMA_VERSION,
    SEARCH_COLUMN,
    MakeUpserts,
    Merge,
    Store,
)

ITEMS_LAYER = "items"
#: Item columns :meth:`GeoPackageStore._read_items` reads (the geometry besides).
_LOAD_COLUMNS: tuple[str, ...] = (*FRAME_COLUMNS[:-1], SEARCH_COLUMN)


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


class GeoPackageStore(Store):
    """The embedded store: one GeoPackage file (QGIS and ArcGIS open it as it is).

    Layers: ``items`` (every item, nested fields as JSON text), and the plain
    tables ``documents``, ``history`` and ``meta``.

    Parameters
    ----------
    path
        The ``.gpkg`` file (default :data:`geotrack.settings.default_store`).
    lock_timeout
        Seconds a writer waits for another writer before :class:`StoreBusyError`
        (default :data:`geotrack.settings.lock_timeout`).
    """

    def __init__(self, path: Path | str | None = None, *, lock_timeout: float | None = None):
        given = Path(path if path is not None else settings.default_store)
        self.location = str(given)
        # a symlinked store is written where the link points (the link stays a link) and locked there, so
        # writers through different links exclude each other
        self.path = Path(os.path.realpath(given))
        self.lock_timeout = settings.lock_timeout if lock_timeout is None else lock_timeout

    def describe(self) -> str:
        """The file's path (a path holds no secret)."""
        return self.location

    def owns(self, path: Path | str) -> bool:
        """Tell whether writing ``path`` would overwrite the store, its lock, journal or temporary files.

        Symlinks are followed and hard links recognised, so no other name of the store counts as free.
        """
        target = Path(os.path.realpath(path))
        if target.parent == self.path.parent and (
                target.name.startswith(self.path.name) or target.name.startswith(f".{self.path.name}.")):
            return True  # the store, "<store>.lock", "-wal", "-journal", and the writers' ".<store>.*.tmp"
        if any(parent.name.startswith(f".{self.path.name}.") and parent.parent == self.path.parent
               for parent in target.parents):
            return True
        with contextlib.suppress(OSError):
            return target.exists() and self.path.exists() and os.path.samefile(target, self.path)
        return False

    # -- reading ------------------------------------------------------------
    def exists(self) -> bool:
        """Tell whether the file is there.

        Raises
        ------
        StoreError
            If the path is a folder (no store can be written there either).
        """
        if self.path.is_dir():
            raise StoreError(f"{self.location}: is a folder, not a store; give a .gpkg file path")
        return self.path.is_file()

    def _require(self) -> None:
        if not self.exists():
            raise StoreError(f"{self.location}: no store here; run 'geotrack build' first")

    def _read_table(self, layer: str) -> pd.DataFrame:
        self._require()
        try:
            return pyogrio.read_dataframe(self.path, layer=layer, read_geometry=False)
        except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
            raise StoreError(f"{self.path}: cannot read layer {layer!r}: {exc}") from exc

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        table = self._read_table("meta")
        return dict(zip(table["key"], table["value"], strict=True))

    def _check_version(self) -> None:
        version = self.meta().get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise StoreError(
                f"{self.path}: store schema version {version!r}, this geotrack reads {SCHEMA_VERSION}; rebuild it"
            )

    def needs_rebuild(self) -> bool:
        """Tell whether the store's schema version is older than :data:`SCHEMA_VERSION` (a newer one is not)."""
        if not self.exists():
            return False
        version = self.meta().get("schema_version") or ""
        return version.isdigit() and int(version) < SCHEMA_VERSION

    def _read_items(self, flt: _filters.Filter | None, *, features: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
        self._require()
        self._check_version()
        return self._read_rows(_sql_where(flt) if flt else None, features=features)

    def _read_rows(self, where: str | None, *, features: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
        """The items ``where`` keeps as the working frame, and their Feature texts if ``features``."""
        columns = [*_LOAD_COLUMNS, FEATURE_COLUMN] if features else list(_LOAD_COLUMNS)
        try:
            raw = pyogrio.read_dataframe(self.path, layer=ITEMS_LAYER, where=where, columns=columns)
        except Exception as exc:
            raise StoreError(f"{self.path}: cannot read the items: {exc}") from exc
        texts = raw.pop(FEATURE_COLUMN).tolist() if features else []
        return (decode_frame(raw) if len(raw) else empty_frame()), texts

    def _read_texts(self, flt: _filters.Filter | None) -> list[str]:
        self._require()
        self._check_version()
        return self._select_texts(_sql_where(flt) if flt else None)

    def _select_texts(self, where: str | None) -> list[str]:
        """The Feature texts of the items ``where`` keeps, in the order :meth:`_read_rows` reads them (fid).

        Straight from SQLite, read-only: GDAL adds nothing to one text column but a quarter
        of a second per 100,000 items.
        """
        sql = f"SELECT {FEATURE_COLUMN} FROM {ITEMS_LAYER} {'WHERE ' + where if where else ''} ORDER BY fid"
        try:
            with contextlib.closing(sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)) as con:
                return [text for (text,) in con.execute(sql)]
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the items: {exc}") from exc

    def documents(self) -> list[Document]:
        """The ``documents`` table as :class:`Document` values, in stored order."""
        return [Document.from_record({**r, "implements": json.loads(r["implements"] or "[]")})
                for r in _records(self._read_table("documents"))]

    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        """The ``history`` table, oldest first, of one item or of all."""
        rows = _records(self._read_table("history"))
        found = [HistoryEntry(**{k: r[k] for k in HISTORY_COLUMNS}) for r in rows]
        return [e for e in found if item_id is None or e.item_id == item_id]

    # -- writing ------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self.path.is_dir():
            raise StoreError(f"{self.location}: is a folder, not a store; give a .gpkg file path")
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

    def _write_file(self, gdf: gpd.GeoDataFrame, features: Sequence[str], documents: Sequence[Document],
                    history: pd.DataFrame, meta: Mapping[str, str]) -> None:
        # the caller holds the write lock, so any temporary file left here is a killed writer's
        remove_stale(self.path)

        def write(tmp: Path) -> None:
            stored = encode_frame(gdf)
            stored.insert(len(stored.columns) - 1, FEATURE_COLUMN, pd.Series(list(features), index=stored.index,
                                                                              dtype=object))
            # GeoPackage 1.2: what GDAL 3.6 and its validator read without warnings (see geotrack.export.gpkg)
            pyogrio.write_dataframe(stored, tmp, layer=ITEMS_LAYER, driver="GPKG", geometry_type="Unknown",
                                    layer_options={"SPATIAL_INDEX": "YES"}, dataset_options={"VERSION": "1.2"})
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

        try:
            write_atomic_with(self.path, write)
        except OSError:
            raise  # disk full, read-only: the command line names the path and what to do
        except Exception as exc:  # GDAL reports a full disk as its own error ("database or disk is full")
            raise StoreError(f"{self.location}: cannot write the store ({exc}); it is unchanged. "
                             "Free disk space or check that the folder is writable, then retry") from exc

    def _history_frame(self) -> pd.DataFrame:
        if not self.exists():
            return pd.DataFrame(columns=HISTORY_COLUMNS)
        return self._read_table("history")

    def replace_all(
        self, items: Sequence[Item], documents: Sequence[Document], *, actor: str, source: str | None,
        meta: Mapping[str, str] | None = None, merge: Merge | None = None,
    ) -> list[HistoryEntry]:
        """Replace every item and document (a build), recording what changed (see :meth:`Store.replace_all`)."""
        new = items_to_frame(items)
        meta = dict(meta or {})
        with self._locked():
            old, old_features = self._current(older=True)
            if merge is not None and self.exists():
                new, extra = merge(new, old, self.history(), self.meta())
                meta.update(extra)
            changes = diff_frames(old, new)
            return self._commit(old, old_features, new, changes, documents, actor=actor, source=source,
                                meta=meta, count_history=True)

    def _write(self, make_upserts: MakeUpserts, removals: Sequence[str], *, actor: str, source: str | None,
               check: Callable[[gpd.GeoDataFrame], None] | None) -> list[HistoryEntry]:
        with self._locked():
            old, old_features = self._current()
            upserts = make_upserts(lambda ids: old[old["id"].isin(list(ids))])
            new = merge_frames(old, items_to_frame(upserts), removals)
            if check is not None:
                check(new)
            changes = diff_frames(old, new)
            if not changes:  # as PostGIS: nothing written, built_at (the app's cache key) unchanged
                return []
            meta = {k: v for k, v in self.meta().items() if k not in ("schema_version", "built_at")}
            return self._commit(old, old_features, new, changes, self.documents(), actor=actor, source=source,
                                meta=meta)

    def _current(self, *, older: bool = False) -> tuple[gpd.GeoDataFrame, list[str] | None]:
        """The stored items and their Feature texts: what a writer starts from (the caller holds the lock).

        With ``older``, a store of an older schema is read too (a rebuild replaces it),
        without its texts; any other version is refused as :meth:`load` refuses it.
        """
        if not self.exists():
            return empty_frame(), []
        if older and self.needs_rebuild():
            return self._read_rows(None, features=False)[0], None
        self._check_version()
        # two reads, faster than one through GDAL; the lock keeps the file from changing between them
        return self._read_rows(None, features=False)[0], self._select_texts(None)

    def _commit(self, old: gpd.GeoDataFrame, old_features: Sequence[str] | None, new: gpd.GeoDataFrame,
                changes: Sequence[Change], documents: Sequence[Document], *, actor: str, source: str | None,
                meta: Mapping[str, str], count_history: bool = False) -> list[HistoryEntry]:
        """Write ``new`` with the history of ``changes`` from ``old`` (caller holds the lock)."""
        history = self._history_frame()
        at = now()
        recorded = entries(changes, at=at, actor=actor, source=source)
        if recorded:
            added = pd.DataFrame([e.__dict__ for e in recorded], columns=HISTORY_COLUMNS)
            history = pd.concat([history, added], ignore_index=True) if len(history) else added
        full_meta = {"schema_version": str(SCHEMA_VERSION), "built_at": at, **meta}
        if count_history:
            full_meta[HISTORY_ROWS_KEY] = str(len(history))
        self._write_file(new, _kept_feature_texts(old, old_features, new, changes), documents, history, full_meta)
        return recorded


def _kept_feature_texts(old: gpd.GeoDataFrame, old_features: Sequence[str] | None, new: gpd.GeoDataFrame,
                        changes: Sequence[Change]) -> list[str]:
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


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a plain table as dicts, missing values as ``None``."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict("records")]


def _execute(path: Path, sql: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute(sql)
        con.commit()


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
