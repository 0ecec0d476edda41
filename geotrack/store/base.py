"""The store interface: what every backend offers, and the skeleton they share.

A backend implements a few primitives — read items (with or without their stored
Feature texts), read texts alone, read documents/history/meta, and one locked write —
and :class:`Store` builds the public interface on them once, so the GeoPackage and
PostGIS stores answer alike.
"""

from __future__ import annotations

import abc
import dataclasses
import hashlib
import operator
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from geotrack import filters as _filters
from geotrack.changes import HistoryEntry
from geotrack.errors import NotFoundError
from geotrack.frames import empty_frame, frame_to_items
from geotrack.model import FRAME_COLUMNS, Commitment, Document, Funding, Item, Source
from geotrack.wkb import WKBBuffer, wkb_buffer

#: Version of the stored layout, the same number in both backends: 3 = items keep their Feature text
#: (:func:`geotrack.features.feature_texts`), PostGIS keeps folded province keys; 4 = the texts carry
#: ``stated_length_source``. An older GeoPackage is rebuilt by ``geotrack build --if-stale``; an older
#: PostGIS database is migrated in place.
SCHEMA_VERSION = 4
#: Item column holding the item's GeoJSON Feature text; never part of the working frame.
FEATURE_COLUMN = "feature"
#: Item column holding the folded text the search filter matches.
SEARCH_COLUMN = "search_text"
#: Columns of the documents table, in order.
DOCUMENT_COLUMNS: tuple[str, ...] = ("number", "type", "title", "issuer", "date", "implements", "file", "url", "notes")

#: Merges a rebuild (:mod:`geotrack.rebuild`): given the frame built from ``data/``, the stored frame, the
#: store's edits since the last build (:func:`geotrack.rebuild.edits_since_build`) and the meta, the frame
#: to store and the meta to add (run under the write lock). A store may pass only the rows of the items
#: that changed in ``data/`` and those :func:`geotrack.rebuild.involved_ids` names, both frames alike.
Merge = Callable[[gpd.GeoDataFrame, gpd.GeoDataFrame, list[HistoryEntry], dict[str, str]],
                 tuple[gpd.GeoDataFrame, dict[str, str]]]
#: Reads the stored rows of the given item ids as the working frame (inside a write).
ReadRows = Callable[[Sequence[str]], gpd.GeoDataFrame]
#: Makes the items a write upserts, given a reader of the stored rows; raises to refuse the write.
MakeUpserts = Callable[[ReadRows], Sequence[Item]]


def _getter(cls: type) -> operator.attrgetter[Any]:
    return operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))


#: Item fields read as they are, and the getters of its nested values' fields (all of them, in order).
_PLAIN = operator.attrgetter(*(f.name for f in dataclasses.fields(Item)
                               if f.name not in ("geometry", "funding", "commitments", "sources")))
_FUNDING, _COMMITMENT, _SOURCE = _getter(Funding), _getter(Commitment), _getter(Source)


def content_hashes(items: Sequence[Item], wkb: WKBBuffer | None = None) -> list[str]:
    """A digest of each item's content: two items with the same digest are the same item.

    A rebuild compares these with the digests stored beside the items (GeoPackage) and reads,
    merges and writes only the items whose digest differs. The converse need not hold (``12``
    and ``12.0`` differ here): such an item is compared field by field, and found unchanged.

    Each digests the item's fields, pickled, then the WKB of its geometry (with any Z), from
    ``wkb`` (:func:`geotrack.wkb.wkb_buffer` of the items' geometries) when the caller made it
    to write it, as a first build does.
    """
    if not items:
        return []
    if wkb is None:
        wkb = wkb_buffer([item.geometry for item in items])
    elif len(wkb) != len(items):
        raise ValueError(f"the WKB of {len(wkb)} geometries for {len(items)} items")
    data = memoryview(wkb.data)
    digests = []
    for item, start, end in zip(items, wkb.offsets[:-1].tolist(), wkb.offsets[1:].tolist(), strict=True):
        key = (_PLAIN(item), _FUNDING(item.funding), tuple(map(_COMMITMENT, item.commitments)),
               tuple(map(_SOURCE, item.sources)))
        # a pickle ends where it says: the geometry's bytes after it cannot be read as part of it
        digest = hashlib.sha1(pickle.dumps(key, 5), usedforsecurity=False)  # not a secret: a change detector
        digest.update(data[start:end])  # none for no geometry; an empty one has its WKB
        digests.append(digest.hexdigest())
    return digests


def sql_answers(flt: _filters.Filter) -> bool:
    """Tell whether both stores' SQL alone selects exactly what ``flt`` keeps: ids, modes, statuses, year bounds.

    Then no working frame is needed to find the items (:meth:`Store.feature_texts`).
    """
    rest = flt.with_(ids=(), modes=(), statuses=(), deadline_min=None, deadline_max=None)
    whole_years = all(v is None or type(v) is int for v in (flt.deadline_min, flt.deadline_max))
    return rest.is_empty() and whole_years


class Store(abc.ABC):
    """What every backend offers; subclasses implement the ``_``-prefixed primitives.

    Attributes
    ----------
    location
        Where the store is, as :func:`geotrack.store.open_store` takes it (a path or a URL).
        It may hold a secret: show :meth:`describe` instead.
    """

    location: str

    # -- what a backend implements ----------------------------------------------------------------
    @abc.abstractmethod
    def exists(self) -> bool:
        """Tell whether the store has been built."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The store's location for messages and pages, with any secret removed."""

    @abc.abstractmethod
    def meta(self) -> dict[str, str]:
        """Build metadata: schema version, when built (``built_at``), the data fingerprint."""

    @abc.abstractmethod
    def documents(self) -> list[Document]:
        """The document register."""

    @abc.abstractmethod
    def history(self, item_id: str | None = None) -> list[HistoryEntry]:
        """Recorded changes, oldest first, of one item or of all."""

    @abc.abstractmethod
    def needs_rebuild(self) -> bool:
        """Tell whether an older geotrack wrote the store in a form only a rebuild brings up to date."""

    @abc.abstractmethod
    def replace_all(
        self, items: Sequence[Item], documents: Sequence[Document], *, actor: str, source: str | None,
        meta: Mapping[str, str] | None = None, merge: Merge | None = None,
    ) -> list[HistoryEntry]:
        """Replace every item and document (a build), recording what changed; return the new history rows.

        With ``merge``, the items stored are what ``merge`` makes of ``items`` and the store as it
        is under the write lock (so no edit made meanwhile is lost). Either way the meta records
        the history's length after the build (:data:`geotrack.rebuild.HISTORY_ROWS_KEY`).
        """

    @abc.abstractmethod
    def _read_items(self, flt: _filters.Filter | None, *,
                    features: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
        """The items the SQL part of ``flt`` keeps (a superset), in stored order, and their texts if ``features``."""

    @abc.abstractmethod
    def _read_chunks(self, columns: Sequence[str], rows: int) -> Iterator[gpd.GeoDataFrame]:
        """Every item in stored order, ``rows`` at a time: frames of ``columns`` (decoded) and the geometry."""

    @abc.abstractmethod
    def _read_texts(self, flt: _filters.Filter | None) -> list[str]:
        """The Feature texts of exactly the items ``flt`` keeps, for a filter :func:`sql_answers`."""

    @abc.abstractmethod
    def _write(self, make_upserts: MakeUpserts, removals: Sequence[str], *, actor: str, source: str | None,
               check: Callable[[gpd.GeoDataFrame], None] | None) -> list[HistoryEntry]:
        """Under the write lock: upsert what ``make_upserts`` gives, remove ``removals``, record the changes.

        Writes nothing, and leaves ``built_at`` as it is, when nothing changed.
        """

    def owns(self, path: Path | str) -> bool:
        """Tell whether writing the file ``path`` would overwrite any file of the store (a database: none)."""
        return False

    # -- the shared skeleton ------------------------------------------------------------------------
    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()!r})"

    def load(self, flt: _filters.Filter | None = None) -> gpd.GeoDataFrame:
        """The working frame of the items ``flt`` keeps (all items without a filter), in stored order."""
        frame, _ = self._read_items(flt, features=False)
        return _filters.apply(frame, flt) if flt else frame

    def read_chunks(self, columns: Sequence[str], *, rows: int = 10_000) -> Iterator[gpd.GeoDataFrame]:
        """Every item in stored order, ``rows`` at a time, as frames of the working-frame ``columns``.

        Each frame has those columns as :meth:`load` gives them (``search_text`` may be named
        too) and the geometry, and its own index from 0. A reader that keeps a little of every
        item (the page's frame) so never holds every field of every item at once.

        Raises
        ------
        ValueError
            If a column is not one of the working frame's or ``search_text``.
        """
        unknown = [c for c in columns if c not in (*FRAME_COLUMNS, SEARCH_COLUMN)]
        if unknown:
            raise ValueError(f"not columns of the items: {', '.join(unknown)}")
        return self._read_chunks([c for c in columns if c != "geometry"], rows)

    def load_ids(self, ids: Iterable[str], *, geometry_only: bool = False) -> gpd.GeoDataFrame:
        """The working frame of the items ``ids`` (those there are; none for none), in stored order.

        ``geometry_only`` keeps the ids and geometries alone (what a store may read much faster).
        """
        wanted = tuple(dict.fromkeys(ids))
        frame = self.load(_filters.Filter(ids=wanted)) if wanted else empty_frame()
        return frame[["id", frame.geometry.name]] if geometry_only else frame

    def get(self, item_id: str) -> gpd.GeoDataFrame:
        """The one-row working frame of an item.

        Raises
        ------
        NotFoundError
            If no item has that id.
        """
        frame = self.load(_filters.Filter(ids=(item_id,)))
        if frame.empty:
            raise NotFoundError(f"no item with id {item_id!r}")
        return frame

    def feature_texts(self, flt: _filters.Filter | None = None) -> list[str]:
        """The stored GeoJSON Feature texts of exactly the items ``load(flt)`` returns, in its order.

        Each is :func:`geotrack.features.feature_texts` of the item, computed when it was written.
        """
        if flt is None or sql_answers(flt):  # SQL alone selects exactly: read the texts and nothing else
            return self._read_texts(flt)
        frame, texts = self._read_items(flt, features=True)  # one read: the frame the filter needs and the texts
        return [text for text, keep in zip(texts, _filters.mask(frame, flt), strict=True) if keep]

    def apply_changes(
        self, upserts: Sequence[Item], removals: Sequence[str] = (), *, actor: str, source: str | None,
        check: Callable[[gpd.GeoDataFrame], None] | None = None,
    ) -> list[HistoryEntry]:
        """Add or replace ``upserts`` and remove ``removals`` in one all-or-nothing write.

        ``check`` sees the resulting frame before anything is written and raises to refuse it.
        """
        return self._write(lambda _read: upserts, removals, actor=actor, source=source, check=check)

    def update_item(
        self, item_id: str, change: Callable[[dict[str, Any]], Mapping[str, Any]], *, actor: str,
        source: str | None,
    ) -> list[HistoryEntry]:
        """Read-modify-write one item under the write lock, so no concurrent update is lost.

        ``change`` gets the stored record (:meth:`Item.to_record`) and returns the new one;
        it raises to refuse the change (nothing is written).

        Raises
        ------
        NotFoundError
            If no item has that id.
        """
        def upserts(read: ReadRows) -> list[Item]:
            current = read([item_id])
            if current.empty:
                raise NotFoundError(f"no item with id {item_id!r}")
            record = frame_to_items(current[list(FRAME_COLUMNS)])[0].to_record()
            return [Item.from_record(change(record))]

        return self._write(upserts, (), actor=actor, source=source, check=None)
