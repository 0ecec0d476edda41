"""Building a store from the reviewed dataset under ``data/``.

A build never silently reverts an edit made in the store (``geotrack update``, ``import``):
it applies what changed in ``data/`` since the last build and keeps the store's edits,
reporting every field both changed (:mod:`geotrack.rebuild`). ``fresh=True`` makes the
store exactly ``data/`` again, every edit since recorded in the history as undone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from geotrack import rebuild
from geotrack.changes import ITEM_FIELD, HistoryEntry
from geotrack.errors import ValidationError
from geotrack.frames import empty_frame, frame_to_items
from geotrack.io import DATA_DIR, LAYERS_DIR, Dataset, read_dataset
from geotrack.model import Document, Item
from geotrack.store import Store
from geotrack.validate import Context, check_dataset, check_record, errors_only


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    items: int
    documents: int
    changes: list[HistoryEntry]
    fingerprint: str
    #: Fields both ``data/`` and the store changed since the last build: the store's value was kept.
    conflicts: list[rebuild.Conflict] = dataclasses.field(default_factory=list)
    #: ``(item_id, field)`` store edits kept over ``data/`` (``data/`` did not change them).
    kept: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def data_fingerprint(data_dir: Path = DATA_DIR, layers_dir: Path = LAYERS_DIR) -> str:
    """SHA-256 over every data and layer file (names and bytes): changes when the data does."""
    digest = hashlib.sha256()
    for folder in (data_dir, layers_dir):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def parse_items(dataset: Dataset) -> list[Item]:
    """Validate the dataset and return its items.

    Raises
    ------
    ValidationError
        With every problem, if any is an error.
    """
    problems = check_dataset(dataset)
    if errors_only(problems):
        raise ValidationError(problems)
    return [Item.from_record(raw.record) for raw in dataset.records]


def build(store: Store, *, data_dir: Path = DATA_DIR, layers_dir: Path = LAYERS_DIR,
          actor: str = "geotrack build", source: str | None = "data/", fresh: bool = False) -> BuildReport:
    """Validate ``data_dir`` and rebuild the store from it (all or nothing), keeping the store's edits.

    What changed in ``data/`` since the last build is applied; what was edited in the store
    since is kept, and where both changed a field the store's value is kept and the field
    is reported in :attr:`BuildReport.conflicts` (:mod:`geotrack.rebuild`). With ``fresh``
    the store becomes exactly ``data/`` (the history records every edit undone).
    """
    fingerprint = data_fingerprint(data_dir, layers_dir)
    dataset = read_dataset(data_dir, layers_dir)
    items = parse_items(dataset)
    ctx = Context(dataset.texts, dataset.corridor_ids)
    return build_items(store, items, list(dataset.documents.values()), fingerprint=fingerprint,
                       valid=lambda row: _valid(row, ctx), actor=actor, source=source, fresh=fresh)


def build_items(store: Store, items: Sequence[Item], documents: Sequence[Document], *, fingerprint: str = "",
                valid: Callable[[Mapping[str, Any]], bool] = lambda row: True, actor: str = "geotrack build",
                source: str | None = "data/", fresh: bool = False) -> BuildReport:
    """The store step of :func:`build`: write validated ``items``, keeping the store's edits unless ``fresh``.

    ``valid`` tells whether a merged row is a valid item (:func:`geotrack.rebuild.merge`).
    A store built by this geotrack reads and writes only the items that changed and those
    the merge involves (:meth:`Store.replace_all`).
    """
    outcome: list[rebuild.MergeResult] = []

    def merge(data: gpd.GeoDataFrame, stored: gpd.GeoDataFrame, since: list[HistoryEntry],
              meta: dict[str, str]) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
        result = rebuild.merge(data, stored, since, rebuild.divergence_of(meta), valid=valid)
        outcome.append(result)
        return result.frame, result.meta()

    with _collector_off():
        changes = store.replace_all(items, documents, actor=actor, source=source,
                                    meta={"data_fingerprint": fingerprint, rebuild.DIVERGENCE_KEY: "{}"},
                                    merge=None if fresh else merge)
    merged = outcome[-1] if outcome else rebuild.MergeResult(empty_frame())
    # the items kept added in the store (data/ has none) or kept removed from it (data/ has one) count too
    presence = [d.get(ITEM_FIELD) for d in merged.divergence.values()]
    count = len(items) + presence.count(rebuild.ABSENT) - presence.count(rebuild.PRESENT)
    return BuildReport(count, len(documents), changes, fingerprint, merged.conflicts, merged.kept)


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """Keep Python's cycle collector off until the block ends (and on again after, if it was).

    A build of 100,000 items makes millions of objects that live until it ends (the frame's
    lists and dicts, the texts), and the collector walked them again and again: a tenth of a
    build's CPU time, at first the million objects the items hold too, for next to no cycles
    (a 20,000-item build peaks at the same memory without it). What cycles there are go at the
    next collection after the block.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _valid(row: Mapping[str, Any], ctx: Context) -> bool:
    """Tell whether a merged working-frame row is a valid item."""
    record = frame_to_items(gpd.GeoDataFrame([dict(row)], geometry="geometry", crs="EPSG:4326"))[0].to_record()
    return not errors_only(check_record(record, ctx))


def is_stale(store: Store, *, data_dir: Path = DATA_DIR, layers_dir: Path = LAYERS_DIR) -> bool:
    """True when the store must be (re)built.

    It is missing, was built from other data than ``data_dir`` holds now, or was written by
    an older geotrack in a form only a rebuild brings up to date (:meth:`Store.needs_rebuild`).
    """
    if not store.exists() or store.needs_rebuild():
        return True
    return store.meta().get("data_fingerprint") != data_fingerprint(data_dir, layers_dir)
