"""GeoParquet 1.1 export with a bbox covering column and the metadata in the key-value metadata."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq
from geopandas.io.arrow import _geopandas_to_arrow

from geotrack.export.metadata import METADATA_KEY, json_compact


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as GeoParquet 1.1 to ``path``, the metadata in its key-value metadata."""
    # OGC:CRS84 states the lon/lat axis order the coordinates are in; GeoParquet 1.1 with a bbox covering column.
    gdf = table.set_crs("OGC:CRS84", allow_override=True)
    # the Arrow table GeoDataFrame.to_parquet would write, amended and written once (not written, read back
    # and written again)
    arrow = null_bbox_for_null_geometry(
        _geopandas_to_arrow(gdf, index=False, schema_version="1.1.0", write_covering_bbox=True), gdf.geometry.name)
    key_values = dict(arrow.schema.metadata or {})
    geo = json.loads(key_values[b"geo"])
    # the flat table winds every polygon as RFC 7946 asks: exterior rings counter-clockwise
    geo["columns"][gdf.geometry.name]["orientation"] = "counterclockwise"
    key_values[b"geo"] = json_compact(geo).encode("utf-8")
    key_values[METADATA_KEY.encode()] = json_compact(dict(meta)).encode("utf-8")
    pq.write_table(arrow.replace_schema_metadata(key_values), path, compression="snappy")


def null_bbox_for_null_geometry(arrow: pa.Table, geometry: str, bbox: str = "bbox") -> pa.Table:
    """``arrow`` with a null ``bbox`` struct wherever the geometry is null (GeoParquet 1.1 asks for no value).

    GeoPandas writes a struct of null coordinates for those rows instead.
    """
    boxes = arrow.column(bbox).combine_chunks()
    missing = arrow.column(geometry).is_null().combine_chunks()
    fields = [boxes.type.field(i) for i in range(boxes.type.num_fields)]
    fixed = pa.StructArray.from_arrays([boxes.field(i) for i in range(len(fields))], fields=fields, mask=missing)
    return arrow.set_column(arrow.schema.get_field_index(bbox), arrow.schema.field(bbox), fixed)
