"""The embedded store: one GeoPackage file (QGIS and ArcGIS open it as it is).

Writers take an exclusive lock. A build of a new store (or of one an older geotrack
wrote) makes the new file beside it and renames it into place; every other write
changes only the rows it touches, in one SQLite transaction (:mod:`._gpkgsql`).
Either way a reader or a crash never sees half a write.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geotrack import filters as _filters
from geotrack import settings
from geotrack._files import remove_stale
from geotrack._pages import small_pages
from geotrack.changes import HISTORY_COLUMNS, ITEM_FIELD, Change, HistoryEntry, diff_frames, entries, merge_frames, now
from geotrack.errors import StoreError
from geotrack.features import feature_texts
from geotrack.frames import empty_frame, items_to_frame
from geotrack.model import FRAME_COLUMNS, Document, Item
from geotrack.rebuild import HISTORY_ROWS_KEY, edits_since_build, involved_ids
from geotrack.store import _gpkgfile, _gpkgrows, _gpkgsql
from geotrack.store.base import (
    FEATURE_COLUMN,
    SCHEMA_VERSION,
    SEARCH_COLUMN,
    MakeUpserts,
    Merge,
    Store,
    content_hashes,
)

ITEMS_LAYER = _gpkgrows.ITEMS_LAYER
#: Item columns :meth:`GeoPackageStore._read_items` reads (the geometry besides).
_LOAD_COLUMNS: tuple[str, ...] = (*FRAME_COLUMNS[:-1], SEARCH_COLUMN)


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
        return _gpkgrows.owns(self.path, Path(path))

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
        _gpkgsql.recover(self.path, self.lock_timeout)  # a killed writer's journal: read-only readers need it gone

    def _read_table(self, layer: str) -> pd.DataFrame:
        self._require()
        try:
            return pyogrio.read_dataframe(self.path, layer=layer, read_geometry=False)
        except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
            raise StoreError(f"{self.path}: cannot read layer {layer!r}: {exc}") from exc

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        # straight from SQLite: through GDAL (open the GeoPackage, a frame of its rows) it took 8 ms, and the
        # page reads it on every rerun (its build time keys the page's caches)
        self._require()
        with self._reading() as con:
            try:
                rows = con.execute("SELECT key, value FROM meta").fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot read layer 'meta': {exc}") from exc
        return {str(key): value for key, value in rows}

    def _check_version(self) -> None:
        version = self.meta().get("schema_version")
        if version != str(SCHEMA_VERSION):
            raise StoreError(f"{self.path}: store schema version {version!r}, this geotrack reads {SCHEMA_VERSION}; "
                             "rebuild it")

    def needs_rebuild(self) -> bool:
        """Tell whether the store's schema version is older than :data:`SCHEMA_VERSION` (a newer one is not)."""
        if not self.exists():
            return False
        version = self.meta().get("schema_version") or ""
        return version.isdigit() and int(version) < SCHEMA_VERSION

    def _read_items(self, flt: _filters.Filter | None, *, features: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
        self._check_version()
        return self._read_rows(_gpkgrows.sql_where(flt) if flt else None, features=features)

    def _read_rows(self, where: str | None, *, features: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
        """The items ``where`` keeps as the working frame, and their Feature texts if ``features``."""
        columns = [*_LOAD_COLUMNS, FEATURE_COLUMN] if features else list(_LOAD_COLUMNS)
        try:
            raw = pyogrio.read_dataframe(self.path, layer=ITEMS_LAYER, where=where, columns=columns)
        except Exception as exc:
            raise StoreError(f"{self.path}: cannot read the items: {exc}") from exc
        texts = raw.pop(FEATURE_COLUMN).tolist() if features else []
        return (_gpkgrows.decode_frame(raw) if len(raw) else empty_frame()), texts

    def _read_chunks(self, columns: Sequence[str], rows: int) -> Iterator[gpd.GeoDataFrame]:
        self._check_version()  # which finds the store (_require) first
        yield from _gpkgrows.read_batches(self.path, columns, rows)

    def load_ids(self, ids: Iterable[str], *, geometry_only: bool = False) -> gpd.GeoDataFrame:
        """The working frame of the items ``ids`` (those there are), in stored order, read by row number."""
        self._check_version()  # a filter on ids would make GDAL pass over every row per 500 ids
        return _gpkgrows.read_by_fid(self.path, ids, ["id"] if geometry_only else _LOAD_COLUMNS)

    def _read_texts(self, flt: _filters.Filter | None) -> list[str]:
        self._check_version()
        return self._select_texts(_gpkgrows.sql_where(flt) if flt else None)

    def _select_texts(self, where: str | None) -> list[str]:
        """The Feature texts of the items ``where`` keeps, in the order :meth:`_read_rows` reads them (fid).

        Straight from SQLite, read-only: GDAL adds nothing to one text column but a quarter
        of a second per 100,000 items.
        """
        with self._reading() as con:
            sql = f"SELECT {FEATURE_COLUMN} FROM {ITEMS_LAYER} {'WHERE ' + where if where else ''} ORDER BY fid"
            return [text for (text,) in con.execute(sql)]

    def documents(self) -> list[Document]:
        """The ``documents`` table as :class:`Document` values, in stored order."""
        return [Document.from_record({**r, "implements": json.loads(r["implements"] or "[]")})
                for r in _gpkgrows.records(self._read_table("documents"))]

    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        """The ``history`` table, oldest first, of one item or of all."""
        # one item's rows by SQL: the item page asks on every selection (the whole table took 0.65 s at 10,000)
        return self._history_rows("WHERE item_id = ?", "", (item_id,)) if item_id else self._history_rows("", "", ())

    def _history_rows(self, where: str, tail: str, args: tuple[object, ...]) -> list[HistoryEntry]:
        self._require()
        with self._reading() as con:
            found = con.execute(f"SELECT {', '.join(HISTORY_COLUMNS)} FROM history {where} ORDER BY fid {tail}",
                                args).fetchall()
        return [HistoryEntry(*row) for row in found]

    # -- writing ------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self.path.is_dir():
            raise StoreError(f"{self.location}: is a folder, not a store; give a .gpkg file path")
        with _gpkgsql.write_lock(self.path, self.lock_timeout):
            # the caller holds the write lock, so a journal or temporary file left here is a killed writer's
            _gpkgsql.recover(self.path, self.lock_timeout)
            remove_stale(self.path)
            yield

    def _write_in_place(self, new: gpd.GeoDataFrame, digests: Sequence[str | None], write: Sequence[bool],
                        removals: Sequence[str], recorded: Sequence[HistoryEntry], meta: Mapping[str, str],
                        documents: Sequence[Document] | None) -> None:
        """Write the rows of ``new`` that ``write`` marks, remove ``removals``, add ``recorded``: one transaction."""
        frame = new.iloc[[n for n, w in enumerate(write) if w]]
        digests = [d for d, w in zip(digests, write, strict=True) if w]
        stored = _gpkgrows.table_frame(frame, feature_texts(frame), _gpkgsql.geometry_blobs(frame.geometry))
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        try:
            with _gpkgsql.connect(self.path, self.lock_timeout) as con:
                con.execute("BEGIN IMMEDIATE")
                try:
                    _gpkgsql.write_rows(con, stored, digests, removals, [e.__dict__ for e in recorded], meta,
                                        None if documents is None else _gpkgrows.documents_frame(documents), stamp)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:  # SQLite rolled the transaction back: name the cause as the OS would
            code = _gpkgsql.OS_ERRORS.get((getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF)
            if code is not None:
                raise OSError(code, os.strerror(code), str(self.path)) from exc
            raise StoreError(f"{self.location}: cannot write the store ({exc}); it is unchanged. "
                             "Free disk space or check that the folder is writable, then retry") from exc

    def _in_place(self) -> bool:
        """Tell whether a write may change rows in place: a store of this version holding content digests."""
        if not self.exists() or self.needs_rebuild():
            return False
        self._check_version()
        with self._reading() as con:
            return bool(_gpkgsql.column_names(con, _gpkgsql.DIGESTS_TABLE))

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read-only SQLite connection to the store."""
        try:
            with contextlib.closing(sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True,
                                                    timeout=self.lock_timeout)) as con:
                yield con
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read the store: {exc}") from exc

    def _read_ids(self, ids: Iterable[str]) -> gpd.GeoDataFrame:
        """The stored rows of the items ``ids`` (those there are) as the working frame, in stored order."""
        try:
            raw = _gpkgrows.read_ids(self.path, ids, _LOAD_COLUMNS)
        except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
            raise StoreError(f"{self.path}: cannot read the items: {exc}") from exc
        return _gpkgrows.decode_frame(raw)[list(FRAME_COLUMNS)] if len(raw) else empty_frame()

    def _history_since(self, rows: int) -> list[HistoryEntry]:
        """The history after its first ``rows`` entries, oldest first."""
        return self._history_rows("", "LIMIT -1 OFFSET ?", (rows,))

    def replace_all(
        self, items: Sequence[Item], documents: Sequence[Document], *, actor: str, source: str | None,
        meta: Mapping[str, str] | None = None, merge: Merge | None = None,
    ) -> list[HistoryEntry]:
        """Replace every item and document (a build), recording what changed (see :meth:`Store.replace_all`).

        A store this geotrack built is changed in place: only the items whose content digest
        (:func:`~geotrack.store.base.content_hashes`) differs from the stored one, those the
        merge involves and those gone from ``items`` are read, merged, diffed and written.
        """
        meta = dict(meta or {})
        with self._locked(), small_pages():  # gigabytes of short-lived arrays at national scale (see there)
            hashes = None
            if self._in_place():
                hashes = content_hashes(items)
                recorded = self._rebuild_in_place(items, hashes, documents, actor=actor, source=source, meta=meta,
                                                  merge=merge)
                if recorded is not None:
                    return recorded
            old, old_features = self._current(older=True)
            # the whole file: nothing stored, every Feature text is made, its geometries beside the lengths
            new, hashes, made = _gpkgfile.fresh_frame(items, hashes, texts=not self.exists())
            involved: set[str] = set()
            if merge is not None and self.exists():
                stored_meta = self.meta()
                since = edits_since_build(self.history(), stored_meta, source)
                involved = involved_ids(since, stored_meta)
                new, extra = merge(new, old, since, stored_meta)
                meta.update(extra)
            digests = _gpkgrows.digests(new["id"], items, hashes, involved)
            changes = _gpkgrows.changes_between(old, new)
            return self._commit(old, old_features, new, digests, changes, documents, actor=actor, source=source,
                                meta=meta, count_history=True, made=made)

    def _rebuild_in_place(self, items: Sequence[Item], hashes: Sequence[str], documents: Sequence[Document], *,
                          actor: str, source: str | None, meta: dict[str, str], merge: Merge | None,
                          ) -> list[HistoryEntry] | None:
        """:meth:`replace_all` writing only what changed; ``None`` when the whole file is to be rewritten.

        It is when the items come in another order than stored (the store keeps ``data/``'s
        order), when more than half of them (and over 1,000) changed, or when the store does
        not know which of its history rows a merge must consider.
        """
        stored_meta = self.meta()
        with self._reading() as con:
            stored = _gpkgsql.stored_digests(con)
        since: list[HistoryEntry] = []
        if merge is not None:
            rows = stored_meta.get(HISTORY_ROWS_KEY, "")
            if not rows.isdigit():
                return None
            since = self._history_since(int(rows))
        involved = involved_ids(since, stored_meta) if merge is not None else set()
        stored_hash: dict[str, str | None] = dict(stored)
        ids = [item.id for item in items]
        in_data = set(ids)
        if len(in_data) != len(ids) or [i for i, _ in stored if i in in_data] != [i for i in ids if i in stored_hash]:
            return None
        hash_of = dict(zip(ids, hashes, strict=True))
        touched = {i for i, h in hash_of.items() if stored_hash.get(i) != h}
        touched |= (stored_hash.keys() - in_data) | involved
        if len(touched) > max(1000, len(ids) // 2):
            return None
        data_items = [item for item in items if item.id in touched]
        old = self._read_ids(touched)
        new = items_to_frame(data_items)
        if merge is not None:
            new, extra = merge(new, old, since, stored_meta)
            meta.update(extra)
        changes = diff_frames(old, new)
        digests = _gpkgrows.digests(new["id"], data_items, [hash_of[i] for i in ids if i in touched], involved)
        changed = {item_id for item_id, *_ in changes}
        # a changed row, or one whose stored digest is stale (an unchanged row a merge involves keeps its own)
        write = [i in changed or (i not in involved and stored_hash.get(i) != d)
                 for i, d in zip(new["id"], digests, strict=True)]
        kept = set(new["id"])
        at = now()
        recorded = entries(changes, at=at, actor=actor, source=source)
        with self._reading() as con:
            (history_rows,) = con.execute("SELECT count(*) FROM history").fetchone()
        full_meta = {"schema_version": str(SCHEMA_VERSION), "built_at": at, **meta,
                     HISTORY_ROWS_KEY: str(history_rows + len(recorded))}
        self._write_in_place(new, digests, write, [i for i in old["id"] if i not in kept], recorded, full_meta,
                             documents)
        return recorded

    def _write(self, make_upserts: MakeUpserts, removals: Sequence[str], *, actor: str, source: str | None,
               check: Callable[[gpd.GeoDataFrame], None] | None) -> list[HistoryEntry]:
        with self._locked():
            in_place = self._in_place()
            if in_place and check is None:  # only the rows touched: no check needs the whole frame
                upserts = make_upserts(self._read_ids)
                old, old_features = self._read_ids([*(u.id for u in upserts), *removals]), None
            else:
                old, old_features = self._current()
                upserts = make_upserts(lambda ids: old[old["id"].isin(list(ids))])
            new = merge_frames(old, items_to_frame(upserts), removals)
            if check is not None:
                check(new)
            changes = diff_frames(old, new)
            if not changes:  # as PostGIS: nothing written, built_at (the app's cache key) unchanged
                return []
            meta = {k: v for k, v in self.meta().items() if k not in ("schema_version", "built_at")}
            digests = _gpkgrows.digests(new["id"], upserts, content_hashes(upserts), set())
            if not in_place:
                return self._commit(old, old_features, new, digests, changes, self.documents(), actor=actor,
                                    source=source, meta=meta)
            at = now()
            recorded = entries(changes, at=at, actor=actor, source=source)
            gone = {i for i, name, _, after in changes if name == ITEM_FIELD and after is None}
            write = new["id"].isin({i for i, *_ in changes} - gone).tolist()
            self._write_in_place(new, digests, write, sorted(gone), recorded,
                                 {"schema_version": str(SCHEMA_VERSION), "built_at": at, **meta}, None)
            return recorded

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
                digests: Sequence[str | None], changes: Sequence[Change], documents: Sequence[Document], *,
                actor: str, source: str | None, meta: Mapping[str, str],
                count_history: bool = False, made: _gpkgfile.Made | None = None) -> list[HistoryEntry]:
        """Write ``new`` as a new file with the history of ``changes`` from ``old`` (caller holds the lock).

        ``made``: its rows' texts and stored form, when made before (:func:`._gpkgfile.fresh_frame`).
        """
        history = _gpkgrows.history_rows(self._read_table("history")) if self.exists() else []
        at = now()
        recorded = entries(changes, at=at, actor=actor, source=source)
        history.extend((e.at, e.item_id, e.field, e.old, e.new, e.actor, e.source, e.note) for e in recorded)
        full_meta = {"schema_version": str(SCHEMA_VERSION), "built_at": at, **meta}
        if count_history:
            full_meta[HISTORY_ROWS_KEY] = str(len(history))
        texts = _gpkgfile.text_array(_gpkgrows.kept_feature_texts(old, old_features, new, changes,
                                                                  made.geometries if made else None))
        _gpkgfile.write_whole(self.path, self.location, new, texts, digests, documents, history, full_meta, made)
        return recorded
