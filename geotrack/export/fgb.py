"""FlatGeobuf export, rows in the order written, the metadata in its header."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio

from geotrack.export.metadata import METADATA_KEY, json_compact, summary


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as FlatGeobuf to ``path``, the metadata in its header."""
    # No spatial index: the file keeps the rows in the order written (and null geometries are allowed).
    pyogrio.write_dataframe(
        table, path, driver="FlatGeobuf", layer="items",
        layer_options={"SPATIAL_INDEX": "NO", "TITLE": str(meta.get("title")), "DESCRIPTION": summary(meta)},
        layer_metadata={"as_of": str(meta.get("as_of") or ""), METADATA_KEY: json_compact(dict(meta))},
    )
