"""GeoPackage export: one layer per geometry family, an attributes table for unlocated items, QGIS styles."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon
from shapely.geometry.base import BaseGeometry

from geotrack import vocab
from geotrack.export.metadata import json_compact, summary
from geotrack.export.qml import layer_qml
from geotrack.export.titles import field_title

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


def attributes(table: gpd.GeoDataFrame) -> pd.DataFrame:
    """The attribute columns of ``table`` (its geometry dropped), as a plain frame."""
    return pd.DataFrame(table.drop(columns=table.geometry.name))


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


#: The GeoPackage version written: 1.2 is what GDAL 3.6 (Debian 12, QGIS 3.22) and ArcGIS read without warnings
#: and what GDAL's validator checks (1.4 files carry R-tree triggers older readers do not know).
GPKG_VERSION = "1.2"
#: Columns holding ISO 8601 dates: declared DATE (GeoPackage stores dates as that text).
DATE_FIELDS: tuple[str, ...] = ("status_as_of", "funding_as_of")
#: Coded value lists (``gpkg_data_column_constraints`` enums) of the columns with a closed vocabulary.
CODED_FIELDS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "mode": vocab.MODE_LABELS,
    "status": vocab.STATUS_LABELS,
    "action": {a: (a, a) for a in vocab.ACTIONS},
    "location_precision": {p: (p, p) for p in vocab.LOCATION_PRECISIONS},
    "funding_unit": {"billion_vnd": ("tỷ đồng", "billion VND"), "million_usd": ("triệu USD", "million USD")},
}


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as a GeoPackage to ``path``: item layers, documents, fields, metadata."""
    description = summary(meta)
    counts: dict[str, int] = {}
    created: dict[str, str] = {"VERSION": GPKG_VERSION}  # dataset options apply to the first layer only

    def write_layer(frame: pd.DataFrame, name: str, **options: Any) -> None:
        nonlocal created
        pyogrio.write_dataframe(frame, path, driver="GPKG", layer=name, dataset_options=created or None, **options)
        created = {}

    layers = gpkg_layers(table)
    for name, part in layers.items():
        write_layer(part, name, layer_options={"IDENTIFIER": f"geotrack {name}", "DESCRIPTION": description})
        counts[name] = len(part)
    no_geometry = table[table.geometry.isna()]
    if len(no_geometry):
        write_layer(attributes(no_geometry), GPKG_NO_GEOMETRY,
                    layer_options={"IDENTIFIER": f"geotrack {GPKG_NO_GEOMETRY}", "DESCRIPTION": description})
        counts[GPKG_NO_GEOMETRY] = len(no_geometry)
    write_layer(_documents_table(meta), "documents")
    fields = meta.get("fields") or {}
    types = meta.get("field_types") or {}
    write_layer(
        pd.DataFrame({"name": list(fields), "type": [types.get(n, "text") for n in fields],
                      "title": [field_title(n) for n in fields], "description": list(fields.values())},
                     dtype=object),
        "fields",
    )
    write_layer(_metadata_table(meta, counts), "metadata")
    _describe_gpkg_columns(path, list(counts), fields, types)
    _add_styles(path, {name: list(zip(part["mode"], part["status"], strict=True)) for name, part in layers.items()},
                str(meta.get("as_of") or ""))


def _documents_table(meta: Mapping[str, Any]) -> pd.DataFrame:
    columns = ("number", "type", "title", "issuer", "date", "implements", "file", "url", "notes")
    rows = [{c: json_compact(d.get(c) or []) if c == "implements" else d.get(c) for c in columns}
            for d in meta.get("documents") or ()]
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def _metadata_table(meta: Mapping[str, Any], layers: Mapping[str, int]) -> pd.DataFrame:
    rows: dict[str, Any] = {k: v for k, v in meta.items() if k not in ("documents", "fields", "field_types")}
    rows["layers"] = dict(layers)
    rows["no_geometry"] = f"items whose location is unknown are in the attributes table {GPKG_NO_GEOMETRY}"
    values = [v if isinstance(v, str) else json_compact(v) for v in rows.values()]
    return pd.DataFrame({"key": list(rows), "value": values}, dtype=object)


_SCHEMA_TABLES = (
    "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,"
    " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
    " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
    "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
    " name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT,"
    " CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),"
    " CONSTRAINT gdc_tn UNIQUE (table_name, name))",
    "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL,"
    " constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC,"
    " max_is_inclusive BOOLEAN, description TEXT,"
    " CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))",
)


def _describe_gpkg_columns(path: Path, tables: list[str], fields: Mapping[str, str],
                           types: Mapping[str, str]) -> None:
    """Describe each column in ``gpkg_data_columns`` (the GeoPackage schema extension) and declare dates DATE.

    Each column gets a Vietnamese / English title (the alias GIS tools show), its description,
    ``application/json`` for JSON text and a coded value list for the closed vocabularies.
    """
    if not tables:
        return
    with closing(sqlite3.connect(path)) as db, db:
        for statement in _SCHEMA_TABLES:
            db.execute(statement)
        db.executemany(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)"
            " VALUES (?, NULL, 'gpkg_schema', 'http://www.geopackage.org/spec120/#extension_schema', 'read-write')",
            [("gpkg_data_columns",), ("gpkg_data_column_constraints",)],
        )
        db.executemany(
            "INSERT OR REPLACE INTO gpkg_data_column_constraints (constraint_name, constraint_type, value,"
            " description) VALUES (?, 'enum', ?, ?)",
            [(f"geotrack_{name}", code, f"{vi} / {en}")
             for name, codes in CODED_FIELDS.items() for code, (vi, en) in codes.items()],
        )
        db.executemany(
            "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description,"
            " mime_type, constraint_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(table, name, name, field_title(name), text,
              "application/json" if types.get(name) == "json" else None,
              f"geotrack_{name}" if name in CODED_FIELDS else None)
             for table in tables for name, text in fields.items()],
        )
        _declare_dates(db, tables)


def _declare_dates(db: sqlite3.Connection, tables: list[str]) -> None:
    """Declare the :data:`DATE_FIELDS` columns DATE: their ISO 8601 text is GeoPackage's DATE form already."""
    db.execute("PRAGMA writable_schema = ON")
    for table in tables:
        for name in DATE_FIELDS:
            db.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
                       (f'"{name}" TEXT', f'"{name}" DATE', table))
    db.execute("PRAGMA writable_schema = OFF")


#: QGIS symbol kind of each styled layer (a GeometryCollection layer has no single symbol: left unstyled).
STYLED_LAYERS: Mapping[str, str] = {"items_lines": "line", "items_points": "point", "items_polygons": "polygon"}

_LAYER_STYLES = (
    # the table QGIS creates when it saves a style into a GeoPackage, registered as QGIS registers it
    "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),"
    " f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30),"
    " styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),"
    " update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
    " VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS styles of the item layers',"
    " strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
)


def _add_styles(path: Path, pairs: Mapping[str, list[tuple[str, str]]], as_of: str) -> None:
    """Store each item layer's QGIS style (:func:`geotrack.export.qml.layer_qml`) as its default in ``layer_styles``.

    Stamped with the data's ``as_of`` rather than the clock, so two exports of the same data agree.
    """
    styled = {name: kind for name, kind in STYLED_LAYERS.items() if pairs.get(name)}
    if not styled:
        return
    stamp = f"{as_of[:10]}T00:00:00.000Z" if as_of else None  # a DATETIME column: GDAL warns on a bare date
    with closing(sqlite3.connect(path)) as db, db:
        columns = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        for statement in _LAYER_STYLES:
            db.execute(statement)
        db.executemany(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,"
            " styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)"
            " VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '', ?)",
            [(name, columns[name], f"geotrack {name}", layer_qml(kind, pairs[name]),
              "mode colour, status line weight and dash, as on the geotrack map", stamp)
             for name, kind in styled.items()],
        )
