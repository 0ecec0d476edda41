"""GeoParquet 1.1 export with a bbox covering column and the metadata in the key-value metadata."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from geopandas.io.arrow import _create_metadata, _encode_metadata

from geotrack import geo
from geotrack.export.metadata import METADATA_KEY, json_compact

#: GeoParquet version written.
SCHEMA_VERSION = "1.1.0"


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as GeoParquet 1.1 to ``path``, the metadata in its key-value metadata."""
    # OGC:CRS84 states the lon/lat axis order the coordinates are in; GeoParquet 1.1 with a bbox covering column.
    gdf = table.set_crs("OGC:CRS84", allow_override=True)
    arrow = to_arrow(gdf)
    key_values = dict(arrow.schema.metadata or {})
    geo = json.loads(key_values[b"geo"])
    # the flat table winds every polygon as RFC 7946 asks: exterior rings counter-clockwise
    geo["columns"][gdf.geometry.name]["orientation"] = "counterclockwise"
    key_values[b"geo"] = json_compact(geo).encode("utf-8")
    key_values[METADATA_KEY.encode()] = json_compact(dict(meta)).encode("utf-8")
    pq.write_table(arrow.replace_schema_metadata(key_values), path, compression="snappy")


def to_arrow(gdf: gpd.GeoDataFrame) -> pa.Table:
    """The Arrow table ``GeoDataFrame.to_parquet`` writes for ``gdf`` normalised (GeoParquet 1.1, WKB, bbox column).

    The geometries are written rounded to :data:`geotrack.geo.COORDINATE_PRECISION` decimals and
    wound for RFC 7946, as :func:`geotrack.geo.normalise_array` makes them (:func:`wkb_and_bounds`),
    so the flat table may hold them as they are (:attr:`~geotrack.export.formats.Format.normalises`);
    ``bbox`` is null where the geometry is (GeoParquet 1.1 asks for no value; geopandas writes a
    struct of null coordinates).
    """
    name = gdf.geometry.name
    if "bbox" in gdf.columns:
        raise ValueError("the table has a column named 'bbox', the name of the bbox covering column")
    attributes = pd.DataFrame(gdf.copy(deep=False))
    attributes[name] = None  # an Arrow null column, replaced by the WKB below
    arrow = pa.Table.from_pandas(attributes, preserve_index=False)
    geoms = np.asarray(gdf.geometry.array)
    wkb, bounds = wkb_and_bounds(geoms)
    crs = {"crs": gdf.crs.to_json_dict()} if gdf.crs is not None else {}
    field = pa.field(name, pa.binary(), nullable=True,
                     metadata={"ARROW:extension:name": "geoarrow.wkb", "ARROW:extension:metadata": json.dumps(crs)})
    arrow = arrow.set_column(arrow.schema.get_field_index(name), field, wkb)
    boxes = pa.StructArray.from_arrays([pa.array(bounds[:, i], from_pandas=True) for i in range(4)],
                                       names=["xmin", "ymin", "xmax", "ymax"], mask=pa.array(shapely.is_missing(geoms)))
    arrow = arrow.append_column("bbox", boxes)
    geo = _create_metadata(gdf, schema_version=SCHEMA_VERSION, geometry_encoding={name: "WKB"},
                           write_covering_bbox=True)
    # the types and extent of the geometries as written: two-dimensional (normalise_array drops any Z), rounded
    column = geo["columns"][name]
    column["geometry_types"] = sorted({kind.removesuffix(" Z") for kind in column["geometry_types"]})
    extent = ([float(np.nanmin(bounds[:, 0])), float(np.nanmin(bounds[:, 1])), float(np.nanmax(bounds[:, 2])),
               float(np.nanmax(bounds[:, 3]))] if np.isfinite(bounds).all(axis=1).any() else None)
    written = {key: value for key, value in column.items() if key not in ("bbox", "covering")}  # geopandas' order
    if extent is not None:
        written["bbox"] = extent
    geo["columns"][name] = {**written, "covering": column["covering"]}
    metadata = dict(arrow.schema.metadata or {})
    metadata[b"geo"] = _encode_metadata(geo)
    if gdf.attrs:
        metadata[b"PANDAS_ATTRS"] = json.dumps(gdf.attrs).encode("utf-8")
    return arrow.replace_schema_metadata(metadata)


#: WKB of a two-dimensional point (little-endian): byte order, type 1, x, y.
_POINT_WKB = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])
#: What precedes a two-dimensional line's coordinates in its WKB: byte order, type 2, number of points.
_LINE_HEAD = np.dtype([("order", "u1"), ("type", "<u4"), ("count", "<u4")])


def wkb_and_bounds(geoms: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """The WKB (an Arrow binary array, null for ``None``) and bounds of every geometry normalised for RFC 7946.

    Each is ``shapely.to_wkb`` (little-endian, ISO) and ``shapely.bounds`` of
    :func:`geotrack.geo.normalise_array` of the geometry. Two-dimensional points and lines with
    finite coordinates, most of the rows, are rounded and written from one coordinate array
    (new geometries and shapely's writer took several times as long); the others by shapely.
    The array's bytes are joined once, from views of those arrays.
    """
    pieces: list[Any] = [b""] * (2 * len(geoms))  # two per row, in row order: what its WKB is joined from
    sizes = np.zeros(len(geoms), dtype=np.int64)
    bounds = np.full((len(geoms), 4), np.nan)
    types = shapely.get_type_id(geoms)  # -1: None
    counts = shapely.get_num_coordinates(geoms)
    simple = ((types == 0) | (types == 1)) & (counts > 0) & ~shapely.has_z(geoms)
    for kind, write in ((0, _point_wkbs), (1, _line_wkbs)):
        picked = np.nonzero(simple & (types == kind))[0]
        if not len(picked):
            continue
        coords = shapely.get_coordinates(geoms[picked])
        np.round(coords, geo.COORDINATE_PRECISION, out=coords)  # in place: a copy is 165 MB of new memory per 100k
        if not np.isfinite(coords).all():  # rare: the rows with a NaN or infinite coordinate are written by shapely
            finite = np.isfinite(coords).all(axis=1)
            rows_finite = np.logical_and.reduceat(finite, np.cumsum(counts[picked]) - counts[picked])
            simple[picked[~rows_finite]] = False
            picked, coords = picked[rows_finite], coords[np.repeat(rows_finite, counts[picked])]
        if not len(picked):
            continue
        starts = np.cumsum(counts[picked]) - counts[picked]
        for axis in (0, 1):
            bounds[picked, axis] = np.minimum.reduceat(coords[:, axis], starts)
            bounds[picked, axis + 2] = np.maximum.reduceat(coords[:, axis], starts)
        heads, bodies, row_sizes = write(coords, counts[picked])
        sizes[picked] = row_sizes
        for position, head, body in zip(picked.tolist(), heads, bodies, strict=True):
            pieces[2 * position], pieces[2 * position + 1] = head, body
    rest = np.nonzero(~simple & (types >= 0))[0]
    normalised = geo.normalise_array(geoms[rest])
    bounds[rest] = shapely.bounds(normalised)
    for position, wkb in zip(rest.tolist(), shapely.to_wkb(normalised, byte_order=1, flavor="iso"), strict=True):
        pieces[2 * position] = wkb
        sizes[position] = len(wkb)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    if offsets[-1] >= 2**31:  # beyond 32-bit offsets: Arrow splits the array in chunks
        return pa.array([b"".join(pieces[2 * n:2 * n + 2]) if t >= 0 else None for n, t in enumerate(types)],
                        pa.binary()), bounds
    valid = types >= 0
    array = pa.Array.from_buffers(pa.binary(), len(geoms), [
        pa.py_buffer(np.packbits(valid, bitorder="little")), pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(b"".join(pieces))], null_count=int((~valid).sum()))
    return array, bounds


def _point_wkbs(coords: np.ndarray, counts: np.ndarray) -> tuple[list[Any], list[bytes], np.ndarray]:
    """The WKB of the points at ``coords`` (one row each), as views of one buffer; nothing after; their sizes."""
    records = np.empty(len(coords), dtype=_POINT_WKB)
    records["order"], records["type"], records["x"], records["y"] = 1, 1, coords[:, 0], coords[:, 1]
    data, size = memoryview(records.tobytes()), _POINT_WKB.itemsize
    return ([data[start:start + size] for start in range(0, len(data), size)], [b""] * len(coords),
            np.full(len(coords), size))


def _line_wkbs(coords: np.ndarray, counts: np.ndarray) -> tuple[list[Any], list[Any], np.ndarray]:
    """The WKB of the lines whose coordinates ``coords`` holds one after the other, ``counts`` each.

    Each as its head (byte order, type, number of points) and its coordinates, views of two buffers; their sizes.
    """
    heads = np.empty(len(counts), dtype=_LINE_HEAD)
    heads["order"], heads["type"], heads["count"] = 1, 2, counts
    head, size = memoryview(heads.tobytes()), _LINE_HEAD.itemsize
    data = np.ascontiguousarray(coords, dtype="<f8").data.cast("B")
    ends = (np.cumsum(counts) * 16).tolist()
    return ([head[n * size:(n + 1) * size] for n in range(len(counts))],
            [data[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)], size + counts * 16)
