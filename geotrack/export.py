"""Exports of the working frame for GIS tools.

RFC 7946 GeoJSON is the reference export; GeoPackage, GeoParquet, FlatGeobuf,
KML and CSV carry the same properties as a flat attribute table (lists and
objects as JSON text) and are written by :mod:`geotrack.formats`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geotrack import __version__, formats, geo, vocab
from geotrack.errors import GeotrackError
from geotrack.filters import Filter
from geotrack.model import Document, commitment_conflicts

PUBLISHER = "geotrack"
LICENCE = "Data: CC BY 4.0 (geotrack); source document texts are Vietnamese state documents, not subject to copyright"

#: The export schema: every feature property and what it means. README.md documents the same.
FIELDS: Mapping[str, str] = {
    "id": "Stable item id (slug); also the GeoJSON feature id",
    "name_vi": "Name as the source document writes it (Vietnamese)",
    "name_en": "English name",
    "parent_id": "Id of the item this one belongs to (berth → port, terminal → airport), or null",
    "mode": "Mode: " + ", ".join(vocab.MODES),
    "sector": "OC4IDS projectSector of the mode",
    "action": "What is committed: " + ", ".join(vocab.ACTIONS),
    "status": "Status: " + ", ".join(vocab.STATUSES),
    "status_oc4ids": "OC4IDS projectStatus the status maps onto (null for suspended)",
    "status_as_of": "Date the status was true (ISO 8601), null when the status is the documents' intent",
    "status_source": "URL or document number backing the status",
    "start_year": "Planned start year (current)",
    "end_year": "Planned completion year (current deadline)",
    "deadline_text": "Deadline wording verbatim",
    "funding_types": "Funding source types: " + ", ".join(vocab.FUNDING_TYPES),
    "funding_amount": "Investment amount where a source gives one, else null (never estimated)",
    "funding_unit": "Unit of funding_amount: billion_vnd or million_usd",
    "funding_as_of": "Date of the funding figure",
    "funding_source": "URL or document of the funding figure",
    "lead_agency": "Lead agency as the document writes it",
    "lead_agency_current": "Lead agency's name after the 2025 reforms",
    "provinces": "Provinces (current, the 34 units from 1 July 2025)",
    "former_provinces": "Pre-July-2025 provinces the item lies in, where they differ",
    "corridors": "Ids of economic corridors / rings (layers/corridors.geojson)",
    "location_precision": "exact, approximate or representative_point",
    "location_precision_iati": "IATI/AidData location precision code (1 exact, 2 near, 4 province)",
    "geometry_source": "How the geometry was drawn and from what",
    "length_km": "Length of linear works in km, computed in VN-2000 / UTM 48N (EPSG:3405)",
    "stated_length_km": "Length a source states, or null",
    "documents": "Numbers of the documents that commit to the item",
    "commitments": "Per document: document, section, line, quote, deadline_text, start_year, end_year, "
    "lead_agency, funding_text",
    "conflicts": "Fields on which documents disagree: {field: {document: value}}",
    "sources": "External sources: url, title, as_of, supports",
    "notes": "Reviewer notes (e.g. why a field is empty)",
}


def _clean(value: Any) -> Any:
    """Make a value JSON-safe: NaN/Infinity → null, dates → ISO, tuples → lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    try:  # numpy scalars and pandas missing values
        if value != value:  # NaN-like
            return None
        return _clean(value.item())
    except (AttributeError, ValueError, TypeError):
        return str(value)


def feature_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    """The export-schema properties of one row of the working frame."""
    funding = row.get("funding") or {}
    commitments = list(row.get("commitments") or ())
    status = row.get("status")
    precision = row.get("location_precision")
    props = {
        "id": row.get("id"),
        "name_vi": row.get("name_vi"),
        "name_en": row.get("name_en"),
        "parent_id": row.get("parent_id"),
        "mode": row.get("mode"),
        "sector": vocab.MODE_SECTORS.get(str(row.get("mode"))),
        "action": row.get("action"),
        "status": status,
        "status_oc4ids": vocab.STATUS_OC4IDS.get(str(status)),
        "status_as_of": row.get("status_as_of"),
        "status_source": row.get("status_source"),
        "start_year": row.get("start_year"),
        "end_year": row.get("end_year"),
        "deadline_text": row.get("deadline_text"),
        "funding_types": list(funding.get("types") or ()),
        "funding_amount": funding.get("amount"),
        "funding_unit": funding.get("unit"),
        "funding_as_of": funding.get("as_of"),
        "funding_source": funding.get("source"),
        "lead_agency": row.get("lead_agency"),
        "lead_agency_current": row.get("lead_agency_current"),
        "provinces": list(row.get("provinces") or ()),
        "former_provinces": list(row.get("former_provinces") or ()),
        "corridors": list(row.get("corridors") or ()),
        "location_precision": precision,
        "location_precision_iati": vocab.PRECISION_IATI.get(str(precision)),
        "geometry_source": row.get("geometry_source"),
        "length_km": row.get("length_km"),
        "stated_length_km": row.get("stated_length_km"),
        "documents": list(dict.fromkeys(c.get("document") for c in commitments)),
        "commitments": commitments,
        "conflicts": commitment_conflicts(commitments),
        "sources": list(row.get("sources") or ()),
        "notes": row.get("notes"),
    }
    return {k: _clean(v) for k, v in props.items()}


def dataset_as_of(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = ()) -> str | None:
    """The newest date any fact in ``gdf`` (or any document) is stated as of (ISO), or None."""
    dates: list[str] = [d.date.isoformat() for d in documents]
    for row in gdf.to_dict("records"):
        for value in (row.get("status_as_of"), (row.get("funding") or {}).get("as_of")):
            if value:
                dates.append(str(value))
        dates.extend(str(s.get("as_of")) for s in row.get("sources") or () if s.get("as_of"))
    return max(dates) if dates else None


def _now() -> str:
    """The generation time stamped on exports (UTC, whole seconds, ISO 8601)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def metadata(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None) -> dict[str, Any]:
    """Dataset metadata that every export carries (as-of date, documents, filter, field dictionary)."""
    return {
        "title": "geotrack — committed infrastructure of the Red River Delta, Hà Nội and Hải Phòng",
        "publisher": PUBLISHER,
        "licence": LICENCE,
        "version": __version__,
        "as_of": dataset_as_of(gdf, documents),
        "generated": _now(),
        "feature_count": len(gdf),
        "coordinate_precision": geo.COORDINATE_PRECISION,
        "crs": "OGC:CRS84 (WGS 84 longitude, latitude)",
        "filter": (flt or Filter()).to_query(),
        "documents": [d.to_record() for d in documents],
        "fields": dict(FIELDS),
    }


def to_geojson_dict(
    gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None
) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of ``gdf`` with the metadata as a foreign member.

    Coordinates are lon/lat WGS 84 rounded to :data:`geotrack.geo.COORDINATE_PRECISION`
    decimals, polygons wound counter-clockwise, no ``crs`` member, no NaN.
    """
    return dict(json.loads(to_geojson(gdf, documents, flt)))


def to_geojson(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None) -> str:
    """The FeatureCollection of :func:`to_geojson_dict` as compact UTF-8 JSON text.

    Geometries are serialised in one vectorised GEOS call and spliced in as
    text; the properties go through :func:`feature_properties`, row by row.
    """
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
    geometries = geo.geojson_geometries(gdf.geometry)
    rows = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    features = ",".join(
        f'{{"type":"Feature","id":{dumps(row.get("id"))},"geometry":{geometry or "null"},'
        f'"properties":{dumps(feature_properties(row))}}}'
        for row, geometry in zip(rows, geometries, strict=True)
    )
    head = dumps({"type": "FeatureCollection", "metadata": metadata(gdf, documents, flt)})
    return f'{head[:-1]},"features":[{features}]}}'


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader never sees a half-written file, and a crash leaves the old file (or none).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: Properties whose values are lists or objects: JSON text in the flat (non-JSON) formats.
JSON_FIELDS: tuple[str, ...] = (
    "funding_types", "provinces", "former_provinces", "corridors", "documents", "commitments", "conflicts",
    "sources",
)
#: Properties holding whole numbers (nullable 32-bit integers in the flat formats).
INT_FIELDS: tuple[str, ...] = ("start_year", "end_year", "location_precision_iati")
#: Properties holding decimal numbers (nullable doubles in the flat formats).
FLOAT_FIELDS: tuple[str, ...] = ("funding_amount", "length_km", "stated_length_km")


def field_type(name: str) -> str:
    """The flat-table type of property ``name``: ``integer``, ``real``, ``json`` (JSON text) or ``text``."""
    if name in INT_FIELDS:
        return "integer"
    if name in FLOAT_FIELDS:
        return "real"
    return "json" if name in JSON_FIELDS else "text"


def json_text(value: Any) -> str:
    """``value`` as compact UTF-8 JSON text (no ASCII escapes, never NaN or Infinity)."""
    return json.dumps(_clean(value), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def flat_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`feature_properties` of one row with list and object values as JSON text."""
    props = feature_properties(row)
    for name in JSON_FIELDS:
        props[name] = json_text(props[name])
    return props


def to_flat_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The flat attribute table of ``gdf`` for the non-JSON formats, one row per item, in row order.

    Columns are the :data:`FIELDS` (nullable ``Int32``/``Float64`` for numbers,
    JSON text for lists and objects, text elsewhere) and ``geometry``: lon/lat
    WGS 84 rounded to :data:`geotrack.geo.COORDINATE_PRECISION` decimals,
    polygons counter-clockwise, ``None`` where the location is unknown.
    """
    records = gdf.to_dict("records")
    columns: dict[str, Any] = {}
    flat = [flat_properties(r) for r in records]
    for name in FIELDS:
        values = [p[name] for p in flat]
        kind = field_type(name)
        dtype = {"integer": "Int32", "real": "Float64"}.get(kind, object)
        columns[name] = pd.Series(values, dtype=dtype)
    geometries = [_export_geometry(r.get("geometry")) for r in records]
    return gpd.GeoDataFrame(pd.DataFrame(columns, index=range(len(records))),
                            geometry=gpd.GeoSeries(geometries, crs="EPSG:4326"), crs="EPSG:4326")


def _export_geometry(geom: Any) -> Any:
    if geom is None or getattr(geom, "is_empty", True):
        return None
    return geo.normalise_for_geojson(geom)


def flat_metadata(
    gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None
) -> dict[str, Any]:
    """:func:`metadata` plus what a reader of a flat format needs: each field's type and the JSON convention."""
    meta = metadata(gdf, documents, flt)
    meta["field_types"] = {name: field_type(name) for name in FIELDS}
    meta["encoding"] = ("UTF-8; fields of type json hold lists/objects as JSON text; numbers are empty (null) "
                        "when unknown; dates are ISO 8601 text")
    return meta


class ExportFormatError(GeotrackError, ValueError):
    """An export format geotrack does not write was asked for."""


EXPORT_FORMATS: tuple[str, ...] = ("geojson", "gpkg", "parquet", "fgb", "kml", "csv")

#: Media type of each export format (for HTTP downloads).
MEDIA_TYPES: Mapping[str, str] = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "parquet": "application/vnd.apache.parquet",
    "fgb": "application/vnd.flatgeobuf",
    "kml": "application/vnd.google-earth.kml+xml",
    "csv": "text/csv",
}

#: File name extension of each export format.
FILE_EXTENSIONS: Mapping[str, str] = {
    "geojson": ".geojson",
    "gpkg": ".gpkg",
    "parquet": ".parquet",
    "fgb": ".fgb",
    "kml": ".kml",
    "csv": ".csv",
}

#: Formats whose file has no (or no full) slot for the metadata: it also goes in a ``.meta.json`` sidecar.
#: (FlatGeobuf carries it in its header too; KML only the summary with the as-of date; CSV nothing.)
SIDECAR_FORMATS: frozenset[str] = frozenset({"fgb", "kml", "csv"})


def sidecar_path(path: Path) -> Path:
    """The metadata sidecar written next to an export: ``<file>.meta.json``."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ExportFormatError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")


def export(
    gdf: gpd.GeoDataFrame, path: Path, fmt: str = "geojson", documents: Sequence[Document] = (),
    flt: Filter | None = None,
) -> None:
    """Write ``gdf`` to ``path`` in format ``fmt`` (one of :data:`EXPORT_FORMATS`), atomically.

    Every file is written to a temporary name in the target folder and renamed
    into place, so a reader never sees a half-written file and a failure keeps
    the old one. For the formats in :data:`SIDECAR_FORMATS` the metadata is
    also written to :func:`sidecar_path` (as JSON).

    Raises
    ------
    ExportFormatError
        If ``fmt`` is not one of :data:`EXPORT_FORMATS`.
    """
    _check_format(fmt)
    path = Path(path)
    if fmt == "geojson":
        write_atomic(path, to_geojson(gdf, documents, flt).encode("utf-8"))
        return
    meta = flat_metadata(gdf, documents, flt)
    table = to_flat_frame(gdf)
    formats.write_atomic_with(path, lambda target: formats.write(fmt, target, table, meta))
    if fmt in SIDECAR_FORMATS:  # after the main file, so a failed export leaves the old pair
        write_atomic(sidecar_path(path), _sidecar_bytes(meta, fmt, path.name))


def export_bytes(
    gdf: gpd.GeoDataFrame, fmt: str = "geojson", documents: Sequence[Document] = (), flt: Filter | None = None,
) -> bytes:
    """The content :func:`export` would write for ``fmt``, as bytes (for downloads; no sidecar).

    Raises
    ------
    ExportFormatError
        If ``fmt`` is not one of :data:`EXPORT_FORMATS`.
    """
    _check_format(fmt)
    if fmt == "geojson":
        return to_geojson(gdf, documents, flt).encode("utf-8")
    meta = flat_metadata(gdf, documents, flt)
    table = to_flat_frame(gdf)
    with tempfile.TemporaryDirectory(prefix="geotrack-export-") as folder:
        target = Path(folder) / f"export{FILE_EXTENSIONS[fmt]}"
        formats.write(fmt, target, table, meta)
        return target.read_bytes()


def _sidecar_bytes(meta: Mapping[str, Any], fmt: str, name: str) -> bytes:
    sidecar = {"file": name, "format": fmt, "media_type": MEDIA_TYPES[fmt], **meta}
    return (json.dumps(_clean(sidecar), ensure_ascii=False, allow_nan=False, indent=2) + "\n").encode("utf-8")
