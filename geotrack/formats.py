"""Writers of the flat export formats: GeoPackage, GeoParquet, FlatGeobuf, KML and CSV.

Each writer takes the flat table of :func:`geotrack.export.to_flat_frame` and
the metadata of :func:`geotrack.export.metadata` (plus ``field_types``) and
writes one file through GDAL (pyogrio) or pyarrow. :func:`write_atomic_with`
makes any of them atomic. This module knows nothing of items; it only lays
tables out in files.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon
from shapely.geometry.base import BaseGeometry

#: Key of the dataset metadata (JSON) in a GeoParquet file's key-value metadata and a FlatGeobuf header.
METADATA_KEY = "geotrack"

#: GeoPackage layer of each geometry type; items of one layer share ONE geometry type (ArcGIS asks for that).
GPKG_LAYERS: Mapping[str, str] = {
    "LineString": "items_lines",
    "MultiLineString": "items_lines",
    "Point": "items_points",
    "MultiPoint": "items_points",
    "Polygon": "items_polygons",
    "MultiPolygon": "items_polygons",
}
#: GeoPackage layer of any other geometry type (GeometryCollection; none in the dataset today).
GPKG_OTHER_LAYER = "items_collections"
#: GeoPackage attributes table of the items whose location is unknown.
GPKG_NO_GEOMETRY = "items_no_geometry"

_MULTI: Mapping[str, Callable[[BaseGeometry], BaseGeometry]] = {
    "Point": lambda g: MultiPoint([g]),
    "LineString": lambda g: MultiLineString([g]),
    "Polygon": lambda g: MultiPolygon([g]),
}


def write_atomic_with(path: Path, writer: Callable[[Path], None]) -> None:
    """Run ``writer(target)`` on a temporary path in ``path``'s folder, then rename the result to ``path``.

    The temporary folder (``.<name>.*.tmp``) also catches any journal or side
    file a driver makes; it is removed whatever happens, so a failure leaves
    the old ``path`` (or none) and no temporary file.
    """
    path = Path(path)
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        target = folder / path.name
        writer(target)
        with open(target, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(target, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write(fmt: str, path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` and its metadata ``meta`` to ``path`` (not atomic) in format ``fmt``.

    Parameters
    ----------
    fmt
        ``gpkg``, ``parquet``, ``fgb``, ``kml`` or ``csv``.
    path
        The file to create (overwritten if it exists).
    table
        One row per item: the export properties and a lon/lat ``geometry`` (EPSG:4326).
    meta
        The dataset metadata, with ``fields`` (name → description) and ``field_types``.
    """
    writers: Mapping[str, Callable[[Path, gpd.GeoDataFrame, Mapping[str, Any]], None]] = {
        "gpkg": _write_gpkg,
        "parquet": _write_parquet,
        "fgb": _write_fgb,
        "kml": _write_kml,
        "csv": _write_csv,
    }
    Path(path).unlink(missing_ok=True)
    writers[fmt](Path(path), table, meta)


def summary(meta: Mapping[str, Any]) -> str:
    """One paragraph of plain text on what an export holds: title, as-of date, filter, licence."""
    flt = ", ".join(f"{k}={v}" for k, v in (meta.get("filter") or {}).items()) or "none (all items)"
    return (
        f"{meta.get('title')}. Data as of {meta.get('as_of') or 'unknown'}; generated {meta.get('generated')}; "
        f"{meta.get('feature_count')} item(s); filter: {flt}. Publisher: {meta.get('publisher')}, "
        f"version {meta.get('version')}. Licence: {meta.get('licence')}."
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _attributes(table: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(table.drop(columns=table.geometry.name))


# --- GeoPackage --------------------------------------------------------------------------------------------


def gpkg_layers(table: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Split ``table`` into one GeoDataFrame per GeoPackage layer, each with ONE geometry type.

    Single and multi geometries of one family (LineString and MultiLineString)
    share a layer; where both occur the single ones are promoted to multi.
    Items without geometry are left out (they go to :data:`GPKG_NO_GEOMETRY`).
    """
    located = table[table.geometry.notna()]
    names = [GPKG_LAYERS.get(t, GPKG_OTHER_LAYER) for t in located.geom_type]
    layers: dict[str, gpd.GeoDataFrame] = {}
    for name in dict.fromkeys(sorted(names)):
        part = located[[n == name for n in names]].copy()
        if part.geom_type.nunique() > 1 and name != GPKG_OTHER_LAYER:
            part[part.geometry.name] = [_MULTI[g.geom_type](g) if g.geom_type in _MULTI else g
                                        for g in part.geometry]
        layers[name] = part
    return layers


def _write_gpkg(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    description = summary(meta)
    counts: dict[str, int] = {}
    for name, part in gpkg_layers(table).items():
        pyogrio.write_dataframe(part, path, driver="GPKG", layer=name,
                                layer_options={"IDENTIFIER": f"geotrack {name}", "DESCRIPTION": description})
        counts[name] = len(part)
    no_geometry = table[table.geometry.isna()]
    if len(no_geometry):
        pyogrio.write_dataframe(_attributes(no_geometry), path, driver="GPKG", layer=GPKG_NO_GEOMETRY,
                                layer_options={"IDENTIFIER": f"geotrack {GPKG_NO_GEOMETRY}",
                                               "DESCRIPTION": description})
        counts[GPKG_NO_GEOMETRY] = len(no_geometry)
    pyogrio.write_dataframe(_documents_table(meta), path, driver="GPKG", layer="documents")
    fields = meta.get("fields") or {}
    types = meta.get("field_types") or {}
    pyogrio.write_dataframe(
        pd.DataFrame({"name": list(fields), "type": [types.get(n, "text") for n in fields],
                      "description": list(fields.values())}, dtype=object),
        path, driver="GPKG", layer="fields",
    )
    pyogrio.write_dataframe(_metadata_table(meta, counts), path, driver="GPKG", layer="metadata")
    _describe_gpkg_columns(path, list(counts), fields)


def _documents_table(meta: Mapping[str, Any]) -> pd.DataFrame:
    columns = ("number", "type", "title", "issuer", "date", "implements", "file", "url", "notes")
    rows = [{c: _json(d.get(c) or []) if c == "implements" else d.get(c) for c in columns}
            for d in meta.get("documents") or ()]
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def _metadata_table(meta: Mapping[str, Any], layers: Mapping[str, int]) -> pd.DataFrame:
    rows: dict[str, Any] = {k: v for k, v in meta.items() if k not in ("documents", "fields", "field_types")}
    rows["layers"] = dict(layers)
    rows["no_geometry"] = f"items whose location is unknown are in the attributes table {GPKG_NO_GEOMETRY}"
    values = [v if isinstance(v, str) else _json(v) for v in rows.values()]
    return pd.DataFrame({"key": list(rows), "value": values}, dtype=object)


def _describe_gpkg_columns(path: Path, tables: list[str], fields: Mapping[str, str]) -> None:
    """Record each column's description in ``gpkg_data_columns`` (the GeoPackage schema extension)."""
    if not tables:
        return
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,"
            " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
            " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
            " name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT,"
            " CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),"
            " CONSTRAINT gdc_tn UNIQUE (table_name, name))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL,"
            " constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC,"
            " max_is_inclusive BOOLEAN, description TEXT,"
            " CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))"
        )
        db.executemany(
            "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)"
            " VALUES (?, NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write')",
            [("gpkg_data_columns",), ("gpkg_data_column_constraints",)],
        )
        db.executemany(
            "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description)"
            " VALUES (?, ?, ?, ?, ?)",
            [(table, name, name, name, text) for table in tables for name, text in fields.items()],
        )


# --- GeoParquet ----------------------------------------------------------------------------------------------


def _write_parquet(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    # OGC:CRS84 states the lon/lat axis order the coordinates are in; GeoParquet 1.1 with a bbox covering column.
    gdf = table.set_crs("OGC:CRS84", allow_override=True)
    staged = path.with_name(path.name + ".staged")
    try:
        gdf.to_parquet(staged, index=False, schema_version="1.1.0", write_covering_bbox=True)
        arrow = pq.read_table(staged)
        key_values = dict(arrow.schema.metadata or {})
        key_values[METADATA_KEY.encode()] = _json(dict(meta)).encode("utf-8")
        pq.write_table(arrow.replace_schema_metadata(key_values), path, compression="snappy")
    finally:
        staged.unlink(missing_ok=True)


# --- FlatGeobuf ----------------------------------------------------------------------------------------------


def _write_fgb(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    # No spatial index: the file keeps the rows in the order written (and null geometries are allowed).
    pyogrio.write_dataframe(
        table, path, driver="FlatGeobuf", layer="items",
        layer_options={"SPATIAL_INDEX": "NO", "TITLE": str(meta.get("title")), "DESCRIPTION": summary(meta)},
        layer_metadata={"as_of": str(meta.get("as_of") or ""), METADATA_KEY: _json(dict(meta))},
    )


# --- KML -----------------------------------------------------------------------------------------------------


def kml_name(row: Mapping[str, Any]) -> str:
    """The placemark name: the Vietnamese name, then the English one in brackets where it differs."""
    name_vi, name_en = _text(row.get("name_vi")), _text(row.get("name_en"))
    return f"{name_vi} ({name_en})" if name_en and name_en != name_vi else name_vi


def kml_description(row: Mapping[str, Any]) -> str:
    """A short readable summary of one item for the Google Earth balloon (HTML; every value escaped)."""
    status = _text(row.get("status"))
    if _text(row.get("status_as_of")):
        status += f" (as of {_text(row.get('status_as_of'))})"
    deadline = _text(row.get("deadline_text")) or _text(row.get("end_year")) or "none given"
    agency = _text(row.get("lead_agency")) or "not named"
    if _text(row.get("lead_agency_current")) and row.get("lead_agency_current") != row.get("lead_agency"):
        agency += f" (now {_text(row.get('lead_agency_current'))})"
    funding = ", ".join(_json_list(row.get("funding_types"))) or "not stated"
    if _text(row.get("funding_amount")):
        funding += f"; {_text(row.get('funding_amount'))} {_text(row.get('funding_unit'))}"
    lines = [
        ("English name", _text(row.get("name_en"))),
        ("Status", status),
        ("Deadline", deadline),
        ("Lead agency", agency),
        ("Funding", funding),
        ("Documents", ", ".join(_json_list(row.get("documents")))),
        ("Provinces", ", ".join(_json_list(row.get("provinces")))),
        ("geotrack id", _text(row.get("id"))),
    ]
    return "<br>".join(f"<b>{html.escape(label)}:</b> {html.escape(value)}" for label, value in lines if value)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_list(text: Any) -> list[str]:
    values = json.loads(text) if isinstance(text, str) and text else []
    return [str(v) for v in values]


def _write_kml(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    # LIBKML: `name`/`description` become <name>/<description>, `id` the Placemark id, the rest ExtendedData.
    rows = table.to_dict("records")
    kml = table.copy()
    kml.insert(1, "name", pd.Series([kml_name(r) for r in rows], index=kml.index, dtype=object))
    kml.insert(2, "description", pd.Series([kml_description(r) for r in rows], index=kml.index, dtype=object))
    pyogrio.write_dataframe(
        kml, path, driver="LIBKML", layer="items",
        dataset_options={"DOCUMENT_ID": "geotrack"},
        layer_options={"NAME": str(meta.get("title")), "DESCRIPTION": html.escape(summary(meta))},
    )


# --- CSV -----------------------------------------------------------------------------------------------------


def _write_csv(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    # WKT first; a UTF-8 byte order mark so Excel reads Vietnamese; CRLF line ends as RFC 4180 asks.
    pyogrio.write_dataframe(
        table, path, driver="CSV", layer="items",
        layer_options={"GEOMETRY": "AS_WKT", "WRITE_BOM": "YES", "LINEFORMAT": "CRLF"},
    )
