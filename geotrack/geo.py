"""Geometry helpers: metric lengths, plausibility checks, RFC 7946 normalisation."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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


#: Coordinates a vectorised pass over many geometries reads at a time (:func:`coordinate_blocks`): its arrays
#: stay near 24 MB, memory the allocator gives back to the next block. An array of all 10 million coordinates
#: of 100,000 items is new memory the system zeroes first, a fifth of a second or more each time.
COORDINATE_BLOCK = 1_000_000


def coordinate_blocks(counts: np.ndarray, size: int = COORDINATE_BLOCK) -> list[tuple[int, int]]:
    """Runs ``(start, stop)`` of consecutive geometries whose ``counts`` of coordinates add up to about ``size``.

    Every geometry is in one run; one with more than ``size`` coordinates is a run alone.
    """
    ends = np.cumsum(counts)
    runs, start = [], 0
    while start < len(counts):
        before = int(ends[start - 1]) if start else 0
        stop = max(int(np.searchsorted(ends, before + size, side="right")), start + 1)
        runs.append((start, stop))
        start = stop
    return runs


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
    """:func:`length_km` of every line (``None`` for anything else; ``0.0`` for an empty line), all at once.

    The vertices of every line go through one projection, and each line's length is the sum
    of its segments' lengths taken in order, as GEOS sums them: equal to the length of each
    projected geometry, without making 100,000 new geometries.
    """
    lines = _Lines.of(np.asarray(geometries.values, dtype=object))
    return lines.lengths_km(lines.project())


@contextlib.contextmanager
def lengths_in_background(geometries: Sequence[BaseGeometry | None]) -> Iterator[Callable[[], list[float | None]]]:
    """:func:`lengths_km` of ``geometries``, made in a worker thread while the block runs.

    The block gets a function that waits for the lengths and returns them (or raises what
    making them raised). PROJ's transform, most of the time, runs without holding the GIL
    (pyproj 3.7.2, ``_transformer.pyx``: ``_transform`` calls ``proj_trans_generic`` inside
    ``with nogil``), and so do numpy's steps over whole arrays, so the lengths take a second
    core while the block's Python work goes on. The steps after the projection stay in the
    worker too: made in the calling thread they cost a build 0.8 s at 100,000 items, most of
    it the system giving the segments' arrays their first pages.
    The thread has ended when the block is left, whether it ended or raised.
    """
    lines = _Lines.of(np.array(list(geometries), dtype=object))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="geotrack-lengths") as pool:
        future = pool.submit(lambda: lines.lengths_km(lines.project()))
        try:
            yield future.result
        finally:
            future.cancel()  # not started yet: it never will; started: the pool's exit waits for it


_LINESTRING, _MULTILINESTRING = 1, 5


@dataclass(frozen=True)
class _Lines:
    """The lines and multi-lines among some geometries, as coordinate arrays: what their lengths are made of."""

    size: int  # of the geometries
    positions: np.ndarray  # the lines' places among them
    groups: tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]  # per Z or not: lines, parts, …

    @classmethod
    def of(cls, geoms: np.ndarray) -> _Lines:
        types = shapely.get_type_id(geoms)
        positions = np.nonzero((types == _LINESTRING) | (types == _MULTILINESTRING))[0]
        has_z = shapely.has_z(geoms[positions])
        groups = []
        for z in (False, True):  # with Z, the heights go into the projection too, as GeoSeries.to_crs passes them
            subset = np.nonzero(has_z == z)[0]
            if len(subset):
                parts, owner = _line_parts(geoms[positions[subset]])
                groups.append((subset, owner, shapely.get_num_coordinates(parts),
                               shapely.get_coordinates(parts, include_z=z)))
        return cls(len(geoms), positions, tuple(groups))

    def project(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The metric x and y of every group's coordinates: one PROJ call per group."""
        transformer = _to_metric()
        return [tuple(transformer.transform(*coords.T)[:2]) for *_, coords in self.groups]

    def lengths_km(self, projected: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[float | None]:
        """Each geometry's ``length_km`` from :meth:`project`'s coordinates."""
        metres = np.zeros(len(self.positions))
        for (subset, owner, counts, _), (x, y) in zip(self.groups, projected, strict=True):
            segments, dy = np.diff(x), np.diff(y)
            # sqrt(dx * dx + dy * dy) as GEOS computes each one (not hypot: the same bits), in place: four
            # arrays of every segment fewer
            np.multiply(segments, segments, out=segments)
            np.multiply(dy, dy, out=dy)
            np.add(segments, dy, out=segments)
            np.sqrt(segments, out=segments)
            parts = _sums_in_order(segments, np.cumsum(counts) - counts, np.maximum(counts - 1, 0))
            first_parts = np.searchsorted(owner, np.arange(len(subset)))
            metres[subset] = _sums_in_order(parts, first_parts, np.bincount(owner, minlength=len(subset)))
        out: list[float | None] = [None] * self.size
        for position, value in zip(self.positions.tolist(), metres.tolist(), strict=True):
            out[position] = round(value / 1000.0, 3)
        return out


def _line_parts(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``shapely.get_parts(lines, return_index=True)`` of lines and multi-lines: a line is its own one part.

    Only the multi-lines are taken apart: ``get_parts`` returns a copy of every geometry, a line
    too, and at 100,000 items copying the lines cost a build 0.1–0.7 s of the calling thread
    (the lengths are prepared there, before their worker starts).
    """
    multi = shapely.get_type_id(lines) == _MULTILINESTRING
    owner = np.repeat(np.arange(len(lines)), shapely.get_num_geometries(lines))  # an empty multi-line: no part
    parts = np.empty(len(owner), dtype=object)
    of_multi = multi[owner]
    parts[~of_multi] = lines[~multi]
    parts[of_multi] = shapely.get_parts(lines[multi])
    return parts, owner


def _sums_in_order(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The sum of each run ``values[starts[i]:starts[i] + counts[i]]``, added left to right from 0.0.

    The order a C loop adds them in (numpy's own sums pair them up, which may differ in the
    last bit): one vectorised step per position, over the runs that reach it.
    """
    order = np.argsort(-counts, kind="stable")  # longest first: the runs reaching position k are a prefix
    lengths, firsts = counts[order], starts[order]
    totals = np.zeros(len(counts))
    for k in range(int(lengths[0]) if len(lengths) else 0):
        reaching = int(np.searchsorted(-lengths, -k, side="left"))
        totals[:reaching] += values[firsts[:reaching] + k]
    out = np.empty_like(totals)
    out[order] = totals
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
