"""The flat attribute table every non-JSON format is written from: one row per item, JSON text for lists."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from geotrack import geo
from geotrack.features import FIELDS, field_type, flat_properties


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


