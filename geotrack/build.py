"""Building a store from the reviewed dataset under ``data/``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from geotrack.changes import HistoryEntry
from geotrack.errors import ValidationError
from geotrack.io import DATA_DIR, LAYERS_DIR, Dataset, read_dataset
from geotrack.model import Item
from geotrack.store import Store
from geotrack.validate import check_dataset, errors_only


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    items: int
    documents: int
    changes: list[HistoryEntry]
    fingerprint: str


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
          actor: str = "geotrack build", source: str | None = "data/") -> BuildReport:
    """Validate ``data_dir`` and replace the store's items with it (all or nothing)."""
    fingerprint = data_fingerprint(data_dir, layers_dir)
    dataset = read_dataset(data_dir, layers_dir)
    items = parse_items(dataset)
    documents = list(dataset.documents.values())
    changes = store.replace_all(items, documents, actor=actor, source=source,
                                meta={"data_fingerprint": fingerprint})
    return BuildReport(len(items), len(documents), changes, fingerprint)


def is_stale(store: Store, *, data_dir: Path = DATA_DIR, layers_dir: Path = LAYERS_DIR) -> bool:
    """True when the store must be (re)built.

    It is missing, was built from other data than ``data_dir`` holds now, or was written by
    an older geotrack in a form only a rebuild brings up to date (:meth:`Store.needs_rebuild`).
    """
    if not store.exists() or store.needs_rebuild():
        return True
    return store.meta().get("data_fingerprint") != data_fingerprint(data_dir, layers_dir)
