"""The flat attribute table every non-JSON format is written from: one row per item, JSON text for lists."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geotrack import geo
from geotrack.features import FIELDS, field_type, flat_columns


def to_flat_frame(gdf: gpd.GeoDataFrame, *, normalised: bool = True) -> gpd.GeoDataFrame:
    """The flat attribute table of ``gdf`` for the non-JSON formats, one row per item, in row order.

    Columns are the :data:`FIELDS` (nullable ``Int32``/``Float64`` for numbers,
    JSON text for lists and objects, text elsewhere) and ``geometry``: lon/lat
    WGS 84 rounded to :data:`geotrack.geo.COORDINATE_PRECISION` decimals,
    polygons counter-clockwise, ``None`` where the location is unknown. Without
    ``normalised``, the geometries as they are (``None`` for an empty one), for a
    writer that normalises them itself.
    """
    flat = flat_columns(gdf)
    columns: dict[str, Any] = {}
    for name in FIELDS:
        dtype = {"integer": "Int32", "real": "Float64"}.get(field_type(name), object)
        columns[name] = pd.Series(flat[name], dtype=dtype)
    return gpd.GeoDataFrame(pd.DataFrame(columns, index=range(len(gdf))),
                            geometry=gpd.GeoSeries(_export_geometries(gdf, normalised), crs="EPSG:4326"),
                            crs="EPSG:4326")


#: Geometry type ids that may hold a polygon (Polygon, MultiPolygon, GeometryCollection): the ones to wind.
_POLYGONAL = (3, 6, 7)


def _export_geometries(gdf: gpd.GeoDataFrame, normalised: bool = True) -> np.ndarray:
    """Every row's geometry rounded and wound for RFC 7946 in one vectorised pass; ``None`` if missing or empty.

    As :func:`geotrack.geo.normalise_array`, winding only the geometries that may hold a polygon
    (GEOS copies every geometry it is given to wind, a point or a line too). Without
    ``normalised``, as they are (``None`` if missing or empty).
    """
    geoms = np.array(gdf.geometry.values, dtype=object)  # a copy, geometries or None: the frame is not touched
    if not len(geoms):
        return geoms
    geoms[shapely.is_empty(geoms)] = None
    if not normalised:
        return geoms
    rounded: np.ndarray = shapely.transform(geoms, lambda xy: xy.round(geo.COORDINATE_PRECISION))
    polygonal = np.isin(shapely.get_type_id(rounded), _POLYGONAL)
    if polygonal.any():
        rounded[polygonal] = shapely.orient_polygons(rounded[polygonal], exterior_cw=False)
    return rounded


