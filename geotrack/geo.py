"""Geometry helpers: metric lengths, plausibility checks, RFC 7946 normalisation."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

#: VN-2000 / UTM zone 48N: Vietnam's national metric CRS; covers the Red River Delta.
METRIC_CRS = "EPSG:3405"

#: Vietnam's extent including the offshore islands (lon_min, lat_min, lon_max, lat_max).
VIETNAM_BBOX = (102.1, 8.3, 117.9, 23.4)

#: Coordinate decimals written to GeoJSON (1e-6 degree ≈ 0.1 m).
COORDINATE_PRECISION = 6


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """Project a lon/lat geometry to :data:`METRIC_CRS` (metres)."""
    transformer = _to_metric()

    def _project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _project)


def length_km(geom: BaseGeometry | None) -> float | None:
    """Length of a linear geometry in kilometres, measured in VN-2000 / UTM 48N.

    Returns ``None`` for missing geometries and for points and polygons, whose
    length is not a property users ask for.
    """
    if geom is None or geom.is_empty or not isinstance(geom, (LineString, MultiLineString)):
        return None
    return round(float(to_metric(geom).length) / 1000.0, 3)


def lengths_km(geometries: gpd.GeoSeries) -> list[float | None]:
    """:func:`length_km` of every geometry at once (one vectorised projection)."""
    if len(geometries) == 0:
        return []
    linear = geometries.geom_type.isin(["LineString", "MultiLineString"]) & geometries.notna()
    out: list[float | None] = [None] * len(geometries)
    if linear.any():
        metres = gpd.GeoSeries(geometries[linear], crs="EPSG:4326").to_crs(METRIC_CRS).length
        for position, value in zip(linear.to_numpy().nonzero()[0], metres, strict=True):
            out[position] = round(float(value) / 1000.0, 3)
    return out


def outside_vietnam(geom: BaseGeometry) -> bool:
    """True when any vertex of ``geom`` lies outside :data:`VIETNAM_BBOX`."""
    lon_min, lat_min, lon_max, lat_max = VIETNAM_BBOX
    coords = shapely.get_coordinates(geom)
    if coords.size == 0:
        return False
    lon, lat = coords[:, 0], coords[:, 1]
    return bool(((lon < lon_min) | (lon > lon_max) | (lat < lat_min) | (lat > lat_max)).any())


def swapped_inside_vietnam(geom: BaseGeometry) -> bool:
    """True when swapping every (x, y) pair would put ``geom`` inside Vietnam."""
    swapped = shapely.transform(geom, lambda xy: xy[:, ::-1])
    return not outside_vietnam(swapped)


def normalise_for_geojson(geom: BaseGeometry, precision: int = COORDINATE_PRECISION) -> BaseGeometry:
    """Round coordinates and wind polygons counter-clockwise, as RFC 7946 §3.1.6 asks.

    Parameters
    ----------
    geom
        A lon/lat geometry.
    precision
        Decimal places to keep.
    """
    return normalise_array(np.array([geom], dtype=object), precision)[0]


def normalise_array(geoms: np.ndarray, precision: int = COORDINATE_PRECISION) -> np.ndarray:
    """:func:`normalise_for_geojson` for an array of geometries at once (``None`` stays ``None``)."""
    rounded = shapely.transform(geoms, lambda xy: xy.round(precision))
    oriented: np.ndarray = shapely.orient_polygons(rounded, exterior_cw=False)
    return oriented


def geojson_geometries(geometries: gpd.GeoSeries, precision: int = COORDINATE_PRECISION) -> list[str | None]:
    """RFC 7946 geometry JSON text of every geometry (rounded, CCW), ``None`` for missing or empty ones."""
    geoms = np.array(geometries.values, dtype=object)  # a copy: the frame is not touched
    geoms[shapely.is_empty(geoms)] = None  # RFC 7946 has no empty geometry: null
    texts = shapely.to_geojson(normalise_array(geoms, precision))
    return [None if t is None else str(t) for t in texts]


def within_km(geometries: gpd.GeoSeries, target: BaseGeometry, km: float) -> pd.Series:
    """Which of ``geometries`` (lon/lat) lie within ``km`` kilometres of ``target``, measured in metres."""
    metric = geometries.to_crs(METRIC_CRS)
    reach = to_metric(target)
    return metric.distance(reach).le(km * 1000.0).fillna(False).astype(bool)
