"""Reading the reviewed dataset under ``data/`` and the layers under ``layers/``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import yaml

from geotrack import settings
from geotrack.errors import DataFileError
from geotrack.model import Document

#: The project's root (where ``data/`` and ``layers/`` live).
PROJECT_ROOT = settings.PROJECT_ROOT
DATA_DIR = PROJECT_ROOT / "data"
LAYERS_DIR = PROJECT_ROOT / "layers"


@dataclass(frozen=True)
class RawRecord:
    """An item record as read from a file, with where it came from."""

    record: Mapping[str, Any]
    source: str
    index: int


@dataclass
class Dataset:
    """The reviewed dataset: item records, the document register and texts, targets."""

    records: list[RawRecord]
    documents: dict[str, Document]
    texts: dict[str, list[str]] = field(default_factory=dict)
    targets: list[Mapping[str, Any]] = field(default_factory=list)
    corridor_ids: frozenset[str] = frozenset()
    #: reviewed relations between items beyond parent_id (``data/related.yaml``)
    related: list[Mapping[str, Any]] = field(default_factory=list)
    #: reviewed host tiers of external sources (``data/source_tiers.yaml``)
    source_tiers: Mapping[str, Any] = field(default_factory=dict)
    #: mentions of works accounted for other than by an item (``data/coverage.yaml``)
    coverage: list[Mapping[str, Any]] = field(default_factory=list)
    #: where the context layers were read from (boundary checks use it), ``None`` when not from files
    layers_dir: Path | None = None


#: libyaml's safe loader when PyYAML was built with it (a third of the time of the pure-Python one).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning every failure into a :class:`DataFileError` naming the file.

    Raises
    ------
    DataFileError
        If the file is missing, not UTF-8 or not valid YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataFileError(f"{path}:{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc


def read_documents(data_dir: Path = DATA_DIR) -> tuple[dict[str, Document], dict[str, list[str]]]:
    """Read the document register and the stored texts (as lists of lines)."""
    path = data_dir / "documents.yaml"
    content = read_yaml(path)
    if not isinstance(content, Mapping) or not isinstance(content.get("documents"), list):
        raise DataFileError(f"{path}: expected a mapping with a 'documents' list")
    documents: dict[str, Document] = {}
    texts: dict[str, list[str]] = {}
    for index, entry in enumerate(content["documents"]):
        try:
            doc = Document.from_record(entry)
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(f"{path}: document {index}: invalid entry ({exc})") from exc
        documents[doc.number] = doc
        if doc.file:
            text_path = data_dir / "documents" / doc.file
            try:
                texts[doc.number] = text_path.read_text(encoding="utf-8").split("\n")
            except OSError as exc:
                raise DataFileError(f"{text_path}: cannot read the text of {doc.number}: {exc}") from exc
    return documents, texts


def read_item_records(data_dir: Path = DATA_DIR) -> list[RawRecord]:
    """Read every item record from ``data_dir/items/*.yaml`` in file-name order."""
    records: list[RawRecord] = []
    for path in sorted((data_dir / "items").glob("*.yaml")):
        content = read_yaml(path)
        if not isinstance(content, Mapping) or not isinstance(content.get("items"), list):
            raise DataFileError(f"{path}: expected a mapping with an 'items' list")
        rel = str(path.relative_to(data_dir.parent)) if path.is_relative_to(data_dir.parent) else str(path)
        for index, record in enumerate(content["items"]):
            records.append(RawRecord(record if isinstance(record, Mapping) else {}, rel, index))
    return records


def read_corridors(layers_dir: Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """Read the corridor layer (economic corridors, industrial corridors, rings)."""
    path = layers_dir / "corridors.geojson"
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        return gpd.GeoDataFrame.from_features(content["features"], crs="EPSG:4326")
    except (OSError, ValueError, KeyError) as exc:
        raise DataFileError(f"{path}: cannot read the corridor layer: {exc}") from exc


def read_dataset(data_dir: Path = DATA_DIR, layers_dir: Path = LAYERS_DIR) -> Dataset:
    """Read the whole reviewed dataset (not yet validated)."""
    documents, texts = read_documents(data_dir)
    targets_path = data_dir / "targets.yaml"
    targets = (read_yaml(targets_path) or {}).get("targets", []) if targets_path.exists() else []
    corridors = read_corridors(layers_dir) if (layers_dir / "corridors.geojson").exists() else None
    corridor_ids = frozenset(corridors["id"]) if corridors is not None and len(corridors) else frozenset()
    related_path, tiers_path = data_dir / "related.yaml", data_dir / "source_tiers.yaml"
    related = (read_yaml(related_path) or {}).get("related", []) if related_path.exists() else []
    tiers = (read_yaml(tiers_path) or {}) if tiers_path.exists() else {}
    coverage_path = data_dir / "coverage.yaml"
    coverage = (read_yaml(coverage_path) or {}).get("coverage", []) if coverage_path.exists() else []
    return Dataset(
        records=read_item_records(data_dir),
        documents=documents,
        texts=texts,
        targets=targets,
        corridor_ids=corridor_ids,
        related=related,
        source_tiers=tiers,
        coverage=coverage,
        layers_dir=layers_dir,
    )
