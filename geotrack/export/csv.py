"""CSV export for spreadsheets: WKT geometry first, UTF-8 with a byte order mark, CRLF line ends."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as CSV to ``path`` (metadata goes in the sidecar)."""
    # WKT first; a UTF-8 byte order mark so Excel reads Vietnamese; CRLF line ends as RFC 4180 asks.
    pyogrio.write_dataframe(
        table, path, driver="CSV", layer="items",
        layer_options={"GEOMETRY": "AS_WKT", "WRITE_BOM": "YES", "LINEFORMAT": "CRLF"},
    )
