"""The GeoJSON Feature of an item: its properties (the export schema) and its text.

Every export, both stores (which keep each item's Feature text) and the importer
(which reads the same properties back) share this one mapping.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geotrack import geo, vocab
from geotrack.conflicts import conflict_map
from geotrack.errors import GeotrackError
from geotrack.jsontext import encode, encode_utf8, geometry_utf8, string_lists_text
from geotrack.model import Document

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
    "stated_length_source": "URL or document number stating stated_length_km (needed when it is given)",
    "documents": "Numbers of the documents that commit to the item",
    "commitments": "Per document: document, section, line, quote, deadline_text, start_year, end_year, "
    "lead_agency, funding_text",
    "conflicts": "Fields on which documents disagree: {field: {document: value}}",
    "sources": "External sources: url, title, as_of, supports",
    "notes": "Reviewer notes (e.g. why a field is empty)",
}


def clean(value: Any) -> Any:
    """Make a value JSON-safe: NaN/Infinity → null, dates → ISO, tuples → lists."""
    # the exact plain types first: this runs for every value of every exported feature
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(k): clean(v) for k, v in value.items()}
    if kind is list:
        return [clean(v) for v in value]
    return _clean_other(value)


def _clean_other(value: Any) -> Any:
    """:func:`clean` of anything but the exact plain types (subclasses, dates, numpy and pandas values)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (str, int, bool)):
        return value
    try:  # numpy scalars and pandas missing values
        if value != value:  # NaN-like
            return None
        return clean(value.item())
    except (AttributeError, ValueError, TypeError):
        return str(value)


#: Working-frame columns a feature's properties are made of, in the order :func:`feature_texts` reads them.
_PROPERTY_COLUMNS: tuple[str, ...] = (
    "id", "name_vi", "name_en", "parent_id", "mode", "action", "status", "status_as_of", "status_source",
    "start_year", "end_year", "deadline_text", "funding", "lead_agency", "lead_agency_current", "provinces",
    "former_provinces", "corridors", "location_precision", "geometry_source", "length_km", "stated_length_km",
    "stated_length_source", "sources", "commitments", "notes",
)


def _properties(item_id: Any, name_vi: Any, name_en: Any, parent_id: Any, mode: Any, action: Any, status: Any,
                status_as_of: Any, status_source: Any, start_year: Any, end_year: Any, deadline_text: Any,
                funding: Any, lead_agency: Any, lead_agency_current: Any, provinces: Any, former_provinces: Any,
                corridors: Any, precision: Any, geometry_source: Any, length_km: Any, stated_length_km: Any,
                stated_length_source: Any, sources: Any, commitments: Any, notes: Any) -> dict[str, Any]:
    """The export-schema properties of one item, from its :data:`_PROPERTY_COLUMNS` values in order.

    The values as they are: :func:`clean` of the result is what :func:`feature_properties` gives.
    """
    funding = funding or {}
    commitments = list(commitments or ())
    return {
        "id": item_id,
        "name_vi": name_vi,
        "name_en": name_en,
        "parent_id": parent_id,
        "mode": mode,
        "sector": vocab.MODE_SECTORS.get(str(mode)),
        "action": action,
        "status": status,
        "status_oc4ids": vocab.STATUS_OC4IDS.get(str(status)),
        "status_as_of": status_as_of,
        "status_source": status_source,
        "start_year": start_year,
        "end_year": end_year,
        "deadline_text": deadline_text,
        "funding_types": list(funding.get("types") or ()),
        "funding_amount": funding.get("amount"),
        "funding_unit": funding.get("unit"),
        "funding_as_of": funding.get("as_of"),
        "funding_source": funding.get("source"),
        "lead_agency": lead_agency,
        "lead_agency_current": lead_agency_current,
        "provinces": list(provinces or ()),
        "former_provinces": list(former_provinces or ()),
        "corridors": list(corridors or ()),
        "location_precision": precision,
        "location_precision_iati": vocab.PRECISION_IATI.get(str(precision)),
        "geometry_source": geometry_source,
        "length_km": length_km,
        "stated_length_km": stated_length_km,
        "stated_length_source": stated_length_source,
        "documents": list(dict.fromkeys(c.get("document") for c in commitments)),
        "commitments": commitments,
        # one commitment cannot disagree with itself: skip the comparison for most items
        "conflicts": conflict_map(commitments) if len(commitments) > 1 else {},
        "sources": list(sources or ()),
        "notes": notes,
    }


def feature_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    """The export-schema properties of one row of the working frame."""
    props: dict[str, Any] = clean(_properties(*(row.get(name) for name in _PROPERTY_COLUMNS)))
    return props


def column_values(gdf: gpd.GeoDataFrame, name: str) -> list[Any]:
    """The values of column ``name`` as a list (``None`` each when the frame lacks it, as ``row.get`` gives)."""
    return gdf[name].tolist() if name in gdf.columns else [None] * len(gdf)


def dataset_as_of(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = ()) -> str | None:
    """The newest date any fact in ``gdf`` (or any document) is stated as of (ISO), or None."""
    # column by column: building a dict per row cost seconds at 100,000 items
    dates: list[str] = [d.date.isoformat() for d in documents]
    dates.extend(str(v) for v in column_values(gdf, "status_as_of") if v)
    dates.extend(str(v) for f in column_values(gdf, "funding") if (v := (f or {}).get("as_of")))
    dates.extend(str(s.get("as_of")) for ss in column_values(gdf, "sources") for s in ss or () if s.get("as_of"))
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


#: The JSON encoder of every export: compact UTF-8, never NaN or Infinity.
dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


#: What a Feature text holds around its id, geometry and properties (:func:`feature_texts`).
_OPEN, _GEOMETRY, _PROPERTIES, _CLOSE = '{"type":"Feature","id":', ',"geometry":', ',"properties":', "}"


def feature_texts(gdf: gpd.GeoDataFrame) -> list[str]:
    """The GeoJSON Feature text of every row of the working frame, in row order.

    Each is exactly what :func:`geotrack.export.to_geojson` writes for the row,
    ``{"type":"Feature","id":…,"geometry":…,"properties":…}`` with the
    :func:`feature_properties` of the row, and depends on that row alone: stores
    keep it beside the item and exports splice it in. It is :func:`feature_utf8`
    decoded (as quick as making it as ``str``, and one way of making it).

    A change to this text must come with a new store ``SCHEMA_VERSION`` and a
    PostGIS migration that recomputes the stored texts.
    """
    return [text.decode("utf-8") for text in feature_utf8(gdf)]


def feature_utf8(gdf: gpd.GeoDataFrame, geometries: Sequence[bytes | None] | None = None) -> Iterator[bytes]:
    """:func:`feature_texts` as UTF-8, each joined from its parts made as UTF-8: what a GeoPackage store writes.

    Geometries go through one vectorised pass (:func:`geotrack.jsontext.geometry_utf8`); the
    properties are read column by column and written by orjson (:func:`geotrack.jsontext.encode_utf8`).
    orjson writes UTF-8 and the geometry, most of a text, is ASCII: nothing is decoded to
    ``str`` and encoded back (a whole text whose name is Vietnamese is held by Python two
    bytes a character and encoded one character at a time: at 100,000 items, a second of a
    build's 350 MB of texts). Each is made when asked for: a caller that copies them into
    one buffer (:func:`geotrack.store._gpkgfile.text_array`) holds one at a time, not 350 MB.

    ``geometries``, if given, are :func:`geometry_utf8_of` the rows' geometries, made before.
    """
    if len(gdf) == 0:
        return iter(())
    if geometries is None:
        geometries = geometry_utf8_of(gdf.geometry.values)
    elif len(geometries) != len(gdf):
        raise ValueError(f"{len(geometries)} geometry texts for {len(gdf)} rows")
    join, null = b"".join, b"null"
    opening, geometry_key, properties_key, closing = (part.encode() for part in (_OPEN, _GEOMETRY, _PROPERTIES, _CLOSE))
    return (join((opening, _json_id(values[0]).encode(), geometry_key, geometry or null, properties_key,
                  encode_utf8(_properties(*values), clean), closing))
            for values, geometry in zip(_property_rows(gdf), geometries, strict=True))


def _property_rows(gdf: gpd.GeoDataFrame) -> Iterator[tuple[Any, ...]]:
    """Each row's :data:`_PROPERTY_COLUMNS` values, read column by column."""
    return zip(*(column_values(gdf, name) for name in _PROPERTY_COLUMNS), strict=True)


def geometry_utf8_of(geometries: Sequence[Any]) -> list[bytes | None]:
    """The ``geometry`` member of each Feature text (:func:`feature_texts`) as ASCII, ``None`` for a missing one.

    An empty geometry is missing too. Made by :func:`geotrack.jsontext.geometry_utf8`.
    """
    return geometry_utf8(_non_empty(geometries), geo.COORDINATE_PRECISION)


def _non_empty(geometries: Sequence[Any]) -> np.ndarray:
    """``geometries`` as a new array, an empty one as ``None``: RFC 7946 has no empty geometry, only null."""
    geoms = np.array(list(geometries), dtype=object)  # a copy: the caller's geometries are not touched
    geoms[shapely.is_empty(geoms)] = None
    return geoms


def _json_id(value: Any) -> str:
    """:func:`dumps` of a Feature id: a string (every item id) written without a call of the encoder."""
    return _json_string(value) if type(value) is str else dumps(clean(value))


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
        if text is None or not text.startswith(f'{{"type":"Feature","id":{dumps(item_id)},'):
            raise GeotrackError(f"stored feature {position} is not item {item_id!r}: the store changed while "
                                "it was read, or the texts belong to other items; try again")


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
    return encode(value, clean)


def flat_columns(gdf: gpd.GeoDataFrame) -> dict[str, list[Any]]:
    """:func:`flat_properties` of every row of the working frame, as one list per property, in row order.

    Made column by column, as :func:`_properties` makes each row's: plain values are taken
    as they are where every one is a string, a whole number or missing (``clean`` would keep
    each), and a list or object is cleaned and encoded once.
    """
    col = {name: column_values(gdf, name) for name in _PROPERTY_COLUMNS}
    out: dict[str, list[Any]] = {}
    for name in FIELDS:
        if name in col and name not in JSON_FIELDS:
            out[name] = _plain(col[name])
    for name, table, key in (("sector", vocab.MODE_SECTORS, "mode"), ("status_oc4ids", vocab.STATUS_OC4IDS, "status"),
                             ("location_precision_iati", vocab.PRECISION_IATI, "location_precision")):
        out[name] = _plain(list(map(dict(table).get, map(str, col[key]))))  # a dict: a mapping proxy's get is slow
    fundings = [f or {} for f in col["funding"]]
    out["funding_types"] = string_lists_text([f.get("types") for f in fundings], clean)
    for key in ("amount", "unit", "as_of", "source"):
        out[f"funding_{key}"] = _plain([f.get(key) for f in fundings])
    for name in ("provinces", "former_provinces", "corridors"):
        out[name] = string_lists_text(col[name], clean)
    out["sources"] = [json_text(list(v)) if v else "[]" for v in col["sources"]]
    commitments = [list(c or ()) for c in col["commitments"]]
    out["documents"] = string_lists_text([[cs[0].get("document")] if len(cs) == 1
                                           else list(dict.fromkeys(c.get("document") for c in cs))
                                           for cs in commitments], clean)
    out["commitments"] = [json_text(cs) for cs in commitments]
    out["conflicts"] = [json_text(conflict_map(cs)) if len(cs) > 1 else "{}" for cs in commitments]
    return {name: out[name] for name in FIELDS}


#: Types :func:`clean` keeps as they are.
_PLAIN_TYPES = frozenset({str, int, type(None)})


def _plain(values: list[Any]) -> list[Any]:
    """``clean`` of every value; the values themselves when each is a string, an ``int`` or ``None``."""
    if set(map(type, values)) <= _PLAIN_TYPES:
        return values
    return [clean(v) for v in values]


#: A JSON string literal as :func:`dumps` writes it (UTF-8, no ASCII escapes).
_json_string = json.encoder.encode_basestring


def flat_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`feature_properties` of one row with list and object values as JSON text."""
    props = feature_properties(row)
    for name in JSON_FIELDS:
        props[name] = json_text(props[name])
    return props
