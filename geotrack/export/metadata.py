"""The dataset metadata every export carries, and the sidecar file that holds it for the flat formats."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from geotrack import __version__, geo
from geotrack.features import FIELDS, clean, dataset_as_of, field_type
from geotrack.filters import Filter
from geotrack.model import Document

PUBLISHER = "geotrack"
LICENCE = "Data: CC BY 4.0 (geotrack); source document texts are Vietnamese state documents, not subject to copyright"
#: Key of the dataset metadata (JSON) in a GeoParquet file's key-value metadata and a FlatGeobuf header.
METADATA_KEY = "geotrack"


def _now() -> str:
    """The generation time stamped on exports (UTC, whole seconds, ISO 8601)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def metadata(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None) -> dict[str, Any]:
    """Dataset metadata that every export carries (as-of date, documents, filter, field dictionary)."""
    return build_metadata(len(gdf), dataset_as_of(gdf, documents), documents, flt)


def build_metadata(count: int, as_of: str | None, documents: Sequence[Document],
                   flt: Filter | None) -> dict[str, Any]:
    """The metadata of an export of ``count`` items whose newest fact is dated ``as_of``."""
    return {
        "title": "geotrack — committed infrastructure of the Red River Delta, Hà Nội and Hải Phòng",
        "publisher": PUBLISHER,
        "licence": LICENCE,
        "version": __version__,
        "as_of": as_of,
        "generated": _now(),
        "feature_count": count,
        "coordinate_precision": geo.COORDINATE_PRECISION,
        "crs": "OGC:CRS84 (WGS 84 longitude, latitude)",
        "filter": (flt or Filter()).to_query(),
        "documents": [d.to_record() for d in documents],
        "fields": dict(FIELDS),
    }


def flat_metadata(
    gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None
) -> dict[str, Any]:
    """:func:`metadata` plus what a reader of a flat format needs: each field's type and the JSON convention."""
    meta = metadata(gdf, documents, flt)
    meta["field_types"] = {name: field_type(name) for name in FIELDS}
    meta["encoding"] = ("UTF-8; fields of type json hold lists/objects as JSON text; numbers are empty (null) "
                        "when unknown; dates are ISO 8601 text")
    return meta


def summary(meta: Mapping[str, Any]) -> str:
    """One paragraph of plain text on what an export holds: title, as-of date, filter, licence."""
    flt = ", ".join(f"{k}={v}" for k, v in (meta.get("filter") or {}).items()) or "none (all items)"
    return (
        f"{meta.get('title')}. Data as of {meta.get('as_of') or 'unknown'}; generated {meta.get('generated')}; "
        f"{meta.get('feature_count')} item(s); filter: {flt}. Publisher: {meta.get('publisher')}, "
        f"version {meta.get('version')}. Licence: {meta.get('licence')}."
    )


def sidecar_path(path: Path) -> Path:
    """The metadata sidecar written next to an export: ``<file>.meta.json``."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def sidecar_bytes(meta: Mapping[str, Any], fmt: str, media_type: str, name: str) -> bytes:
    """The sidecar's content: which file and format it describes, then the metadata (indented JSON)."""
    sidecar = {"file": name, "format": fmt, "media_type": media_type, **meta}
    return (json.dumps(clean(sidecar), ensure_ascii=False, allow_nan=False, indent=2) + "\n").encode("utf-8")


def json_compact(value: Any) -> str:
    """``value`` as compact UTF-8 JSON (the writers' form for metadata values)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
