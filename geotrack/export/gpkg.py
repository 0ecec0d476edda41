"""GeoPackage export: one layer per geometry family, an attributes table for unlocated items."""

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

from geotrack.export.metadata import json_compact, summary

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


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as a GeoPackage to ``path``: item layers, documents, fields, metadata."""
    description = summary(meta)
    counts: dict[str, int] = {}
    for name, part in gpkg_layers(table).items():
        pyogrio.write_dataframe(part, path, driver="GPKG", layer=name,
                                layer_options={"IDENTIFIER": f"geotrack {name}", "DESCRIPTION": description})
        counts[name] = len(part)
    no_geometry = table[table.geometry.isna()]
    if len(no_geometry):
        pyogrio.write_dataframe(attributes(no_geometry), path, driver="GPKG", layer=GPKG_NO_GEOMETRY,
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
    rows = [{c: json_compact(d.get(c) or []) if c == "implements" else d.get(c) for c in columns}
            for d in meta.get("documents") or ()]
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def _metadata_table(meta: Mapping[str, Any], layers: Mapping[str, int]) -> pd.DataFrame:
    rows: dict[str, Any] = {k: v for k, v in meta.items() if k not in ("documents", "fields", "field_types")}
    rows["layers"] = dict(layers)
    rows["no_geometry"] = f"items whose location is unknown are in the attributes table {GPKG_NO_GEOMETRY}"
    values = [v if isinstance(v, str) else json_compact(v) for v in rows.values()]
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
