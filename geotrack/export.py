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
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from geotrack import __version__, formats, geo, vocab
from geotrack.errors import GeotrackError
from geotrack.filters import Filter
from geotrack.model import Document, commitment_conflicts

if TYPE_CHECKING:  # geotrack.store imports this module
    from geotrack.store import Store

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
    # the exact plain types first: this runs for every value of every exported feature
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(k): _clean(v) for k, v in value.items()}
    if kind is list:
        return [_clean(v) for v in value]
    return _clean_other(value)


def _clean_other(value: Any) -> Any:
    """:func:`_clean` of anything but the exact plain types (subclasses, dates, numpy and pandas values)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (str, int, bool)):
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


def _column(gdf: gpd.GeoDataFrame, name: str) -> list[Any]:
    """The values of column ``name`` as a list (``None`` each when the frame lacks it, as ``row.get`` gives)."""
    return gdf[name].tolist() if name in gdf.columns else [None] * len(gdf)


def dataset_as_of(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = ()) -> str | None:
    """The newest date any fact in ``gdf`` (or any document) is stated as of (ISO), or None."""
    # column by column: building a dict per row cost seconds at 100,000 items
    dates: list[str] = [d.date.isoformat() for d in documents]
    dates.extend(str(v) for v in _column(gdf, "status_as_of") if v)
    dates.extend(str(v) for f in _column(gdf, "funding") if (v := (f or {}).get("as_of")))
    dates.extend(str(s.get("as_of")) for ss in _column(gdf, "sources") for s in ss or () if s.get("as_of"))
    return max(dates) if dates else None


#: What precedes the value of a dated property in a Feature text: ``status_as_of``, ``funding_as_of`` and a
#: source's ``as_of`` are the export schema's only keys ending in ``as_of``, and inside a JSON string (the id,
#: any value) every quote is escaped, so this is found nowhere else.
_AS_OF_KEY_END = 'as_of":"'
#: The rest of a JSON string value, after its opening quote.
_STRING_REST = re.compile(r'((?:[^"\\]|\\.)*)"')


def texts_as_of(texts: Sequence[str], documents: Sequence[Document] = ()) -> str | None:
    """:func:`dataset_as_of` of the items whose Feature texts (:func:`feature_texts`) are ``texts``.

    Read from the texts themselves, so an export from a store's texts needs no working frame.
    """
    dates: list[str] = [d.date.isoformat() for d in documents]
    marker, rest = _AS_OF_KEY_END, _STRING_REST.match
    for text in texts:
        # a plain search, not a pattern over the whole text: the geometry is most of it
        at = text.find(marker)
        while at >= 0:
            found = rest(text, at + len(marker))
            value = found.group(1) if found else ""
            if value:
                dates.append(json.loads(f'"{value}"') if "\\" in value else value)
            at = text.find(marker, at + len(marker))
    return max(dates) if dates else None


def _now() -> str:
    """The generation time stamped on exports (UTC, whole seconds, ISO 8601)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def metadata(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None) -> dict[str, Any]:
    """Dataset metadata that every export carries (as-of date, documents, filter, field dictionary)."""
    return _metadata(len(gdf), dataset_as_of(gdf, documents), documents, flt)


def _metadata(count: int, as_of: str | None, documents: Sequence[Document], flt: Filter | None) -> dict[str, Any]:
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


def to_geojson_dict(
    gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None
) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of ``gdf`` with the metadata as a foreign member.

    Coordinates are lon/lat WGS 84 rounded to :data:`geotrack.geo.COORDINATE_PRECISION`
    decimals, polygons wound counter-clockwise, no ``crs`` member, no NaN.
    """
    return dict(json.loads(to_geojson(gdf, documents, flt)))


#: The JSON encoder of every export: compact UTF-8, never NaN or Infinity.
_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode

#: Working-frame columns a feature's properties are made of, in the order :func:`feature_texts` reads them.
_PROPERTY_COLUMNS: tuple[str, ...] = (
    "id", "name_vi", "name_en", "parent_id", "mode", "action", "status", "status_as_of", "status_source",
    "start_year", "end_year", "deadline_text", "funding", "lead_agency", "lead_agency_current", "provinces",
    "former_provinces", "corridors", "location_precision", "geometry_source", "length_km", "stated_length_km",
    "sources", "commitments", "notes",
)


def feature_texts(gdf: gpd.GeoDataFrame) -> list[str]:
    """The GeoJSON Feature text of every row of the working frame, in row order.

    Each is exactly what :func:`to_geojson` writes for the row,
    ``{"type":"Feature","id":…,"geometry":…,"properties":…}`` with the
    :func:`feature_properties` of the row, and depends on that row alone: stores
    keep it beside the item and exports splice it in. Geometries go through one
    vectorised GEOS call; the properties are read column by column.

    A change to this text must come with a new GeoPackage ``SCHEMA_VERSION`` and a
    PostGIS migration that recomputes the stored texts.
    """
    if len(gdf) == 0:
        return []
    geometries = geo.geojson_geometries(gdf.geometry)
    columns = [_column(gdf, name) for name in _PROPERTY_COLUMNS]
    clean, dumps = _clean, _dumps
    sectors, oc4ids, iati = vocab.MODE_SECTORS, vocab.STATUS_OC4IDS, vocab.PRECISION_IATI
    texts = []
    # the same properties as feature_properties() (a test holds them equal), without its row dict and lookups
    for (item_id, name_vi, name_en, parent_id, mode, action, status, status_as_of, status_source, start_year,
         end_year, deadline_text, funding, lead_agency, lead_agency_current, provinces, former_provinces, corridors,
         precision, geometry_source, length_km, stated_length_km, sources, commitments, notes), geometry in zip(
            zip(*columns, strict=True), geometries, strict=True):
        funding = funding or {}
        commitments = list(commitments or ())
        props = {
            "id": clean(item_id),
            "name_vi": clean(name_vi),
            "name_en": clean(name_en),
            "parent_id": clean(parent_id),
            "mode": clean(mode),
            "sector": clean(sectors.get(str(mode))),
            "action": clean(action),
            "status": clean(status),
            "status_oc4ids": clean(oc4ids.get(str(status))),
            "status_as_of": clean(status_as_of),
            "status_source": clean(status_source),
            "start_year": clean(start_year),
            "end_year": clean(end_year),
            "deadline_text": clean(deadline_text),
            "funding_types": clean(list(funding.get("types") or ())),
            "funding_amount": clean(funding.get("amount")),
            "funding_unit": clean(funding.get("unit")),
            "funding_as_of": clean(funding.get("as_of")),
            "funding_source": clean(funding.get("source")),
            "lead_agency": clean(lead_agency),
            "lead_agency_current": clean(lead_agency_current),
            "provinces": clean(list(provinces or ())),
            "former_provinces": clean(list(former_provinces or ())),
            "corridors": clean(list(corridors or ())),
            "location_precision": clean(precision),
            "location_precision_iati": clean(iati.get(str(precision))),
            "geometry_source": clean(geometry_source),
            "length_km": clean(length_km),
            "stated_length_km": clean(stated_length_km),
            "documents": clean(list(dict.fromkeys(c.get("document") for c in commitments))),
            "commitments": clean(commitments),
            # one commitment cannot disagree with itself: skip the comparison for most items
            "conflicts": clean(commitment_conflicts(commitments)) if len(commitments) > 1 else {},
            "sources": clean(list(sources or ())),
            "notes": clean(notes),
        }
        texts.append(f'{{"type":"Feature","id":{dumps(item_id)},"geometry":{geometry or "null"},'
                     f'"properties":{dumps(props)}}}')
    return texts


def to_geojson(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None,
               features: Sequence[str] | None = None) -> str:
    """The FeatureCollection of :func:`to_geojson_dict` as compact UTF-8 JSON text.

    Parameters
    ----------
    gdf
        The working frame to export.
    documents, flt
        The document register and the filter, for the metadata.
    features
        The :func:`feature_texts` of ``gdf``'s rows, in row order, as a store keeps them:
        spliced in as they are. Computed when not given.

    Raises
    ------
    GeotrackError
        If ``features`` are not the texts of ``gdf``'s items, in its order.
    """
    if features is None:
        features = feature_texts(gdf)
    else:
        check_aligned(_column(gdf, "id"), features)
    return _collection(features, _metadata(len(gdf), dataset_as_of(gdf, documents), documents, flt))


def _collection(features: Sequence[str], meta: Mapping[str, Any]) -> str:
    """The FeatureCollection text of Feature texts and the metadata."""
    head = _dumps({"type": "FeatureCollection", "metadata": meta})[:-1] + ',"features":['
    if not features:
        return head + "]}"
    # one join writes the whole text: joining the features, then adding the head, would copy it all twice
    parts = list(features)
    parts[0] = head + parts[0]
    parts[-1] = parts[-1] + "]}"
    return ",".join(parts)


def check_aligned(ids: Sequence[Any], features: Sequence[str]) -> None:
    """Check that ``features`` are Feature texts of the items ``ids``, one each, in that order.

    Raises
    ------
    GeotrackError
        If they are not (a store changed between two reads, or texts of another frame).
    """
    if len(ids) != len(features):
        raise GeotrackError(f"{len(features)} stored feature(s) for {len(ids)} item(s): the store changed "
                            "while it was read, or the texts belong to other items; try again")
    for position, (item_id, text) in enumerate(zip(ids, features, strict=True)):
        if text is None or not text.startswith(f'{{"type":"Feature","id":{_dumps(item_id)},'):
            raise GeotrackError(f"stored feature {position} is not item {item_id!r}: the store changed while "
                                "it was read, or the texts belong to other items; try again")


def store_geojson(store: Store, flt: Filter | None = None, documents: Sequence[Document] = (),
                  frame: gpd.GeoDataFrame | None = None) -> str:
    """The GeoJSON export (:func:`to_geojson`) of what ``flt`` keeps of ``store``, from its stored Feature texts.

    Nothing is computed per item: the texts are read (:meth:`Store.feature_texts`) and joined,
    and the metadata's as-of date is read from them, so no working frame is loaded.

    Parameters
    ----------
    store
        The store.
    flt
        What to export (everything when ``None``).
    documents
        The document register, for the metadata.
    frame
        ``store.load(flt)`` when the caller holds it already (the app caches it): the
        metadata then comes from it, as :func:`to_geojson` makes it, and the texts are
        checked to be its items' in its order.

    Raises
    ------
    GeotrackError
        If ``frame`` is given and the stored texts are not its items'.
    """
    return _stored_collection(store, flt, documents, frame)[0]


def _stored_collection(store: Store, flt: Filter | None, documents: Sequence[Document],
                       frame: gpd.GeoDataFrame | None) -> tuple[str, int]:
    """:func:`store_geojson` and the number of features in it."""
    features = store.feature_texts(flt)
    if frame is not None:
        return to_geojson(frame, documents, flt, features=features), len(features)
    meta = _metadata(len(features), texts_as_of(features, documents), documents, flt)
    return _collection(features, meta), len(features)


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


def export_store(store: Store, path: Path, fmt: str = "geojson", documents: Sequence[Document] = (),
                 flt: Filter | None = None) -> int:
    """:func:`export` of what ``flt`` keeps of ``store``; return the number of items written.

    GeoJSON is spliced from the store's Feature texts (:func:`store_geojson`); the
    other formats are written from the working frame.

    Raises
    ------
    ExportFormatError
        If ``fmt`` is not one of :data:`EXPORT_FORMATS`.
    """
    _check_format(fmt)
    if fmt == "geojson":
        text, count = _stored_collection(store, flt, documents, None)
        write_atomic(Path(path), text.encode("utf-8"))
        return count
    gdf = store.load(flt)
    export(gdf, path, fmt, documents, flt)
    return len(gdf)


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
