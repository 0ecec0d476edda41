"""CSV export for spreadsheets and GIS: WKT geometry first, UTF-8 with a byte order mark, CRLF line ends.

Beside it GDAL writes ``.csvt`` (each column's type, WKT for the geometry) and ``.prj`` (WGS 84), so GDAL and
QGIS's "Add Vector Layer" read every geometry type with its CRS. Text that a spreadsheet would run as a
formula is guarded by default (:func:`guard_formulas`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

#: Side files GDAL writes beside the CSV (the column types and the CRS).
SIDE_FILES: tuple[str, ...] = (".csvt", ".prj")
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def guard_formulas(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``table`` with a ``'`` put before every text value a spreadsheet would run as a formula (OWASP).

    Numbers, JSON text (which starts with ``[`` or ``{``) and the geometry are left as they are.
    """
    guarded = table.copy()
    for name in guarded.columns:
        if name == guarded.geometry.name or guarded[name].dtype != object:
            continue
        guarded[name] = pd.Series([_guarded(v) for v in guarded[name]], index=guarded.index, dtype=object)
    return guarded


def _guarded(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the CSV with formulas guarded (the default CSV export)."""
    write_raw(path, guard_formulas(table), meta)


def write_raw(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the CSV with every value as it is stored (for scripts; never open it in a spreadsheet)."""
    # WKT first; a UTF-8 byte order mark so Excel reads Vietnamese; CRLF line ends as RFC 4180 asks.
    pyogrio.write_dataframe(
        table, path, driver="CSV", layer="items",
        layer_options={"GEOMETRY": "AS_WKT", "WRITE_BOM": "YES", "LINEFORMAT": "CRLF", "CREATE_CSVT": "YES"},
    )
