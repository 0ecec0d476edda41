"""GeoParquet 1.1 export with a bbox covering column and the metadata in the key-value metadata."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyarrow.parquet as pq

from geotrack.export.metadata import METADATA_KEY, json_compact


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as GeoParquet 1.1 to ``path``, the metadata in its key-value metadata."""
    # OGC:CRS84 states the lon/lat axis order the coordinates are in; GeoParquet 1.1 with a bbox covering column.
    gdf = table.set_crs("OGC:CRS84", allow_override=True)
    staged = path.with_name(path.name + ".staged")
    try:
        gdf.to_parquet(staged, index=False, schema_version="1.1.0", write_covering_bbox=True)
        arrow = pq.read_table(staged)
        key_values = dict(arrow.schema.metadata or {})
        key_values[METADATA_KEY.encode()] = json_compact(dict(meta)).encode("utf-8")
        pq.write_table(arrow.replace_schema_metadata(key_values), path, compression="snappy")
    finally:
        staged.unlink(missing_ok=True)
