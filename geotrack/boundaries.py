"""Administrative boundaries vendored in ``layers/``: provinces (now and before 1 July 2025) and communes.

The layers are made by ``layers/make_layers.py`` (``make layers``) from
``thanglequoc/vietnamese-provinces-database`` (MIT); ``layers/README.md`` gives the
source commit, how they were simplified and how they were checked.

==========================  =====================================================================
file                        columns (besides ``geometry``, EPSG:4326 MultiPolygons)
==========================  =====================================================================
``provinces.geojson``       ``code``, ``name`` (as :data:`geotrack.vocab.PROVINCES` spells it),
                            ``full_name``, ``name_en``, ``former`` (list), ``area_km2``
``provinces_former.geojson`` ``code``, ``name`` (the 63 units before 1 July 2025), ``current``
                            (the unit it is part of now), ``area_km2``
``communes.geojson``        ``code``, ``name``, ``full_name``, ``province``, ``former_province``,
                            ``area_km2`` (Red River Delta provinces only)
==========================  =====================================================================

Loaders cache the parsed file and hand out copies, so callers may change what they get.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd

from geotrack.errors import DataFileError
from geotrack.io import LAYERS_DIR

PROVINCES_FILE = "provinces.geojson"
FORMER_PROVINCES_FILE = "provinces_former.geojson"
COMMUNES_FILE = "communes.geojson"


@functools.cache
def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise DataFileError(f"{path}: boundary layer missing (made by `make layers`, see layers/README.md)")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataFileError(f"{path}: not a readable GeoJSON boundary layer: {exc}") from exc
    if "name" not in gdf.columns or gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise DataFileError(f"{path}: a boundary layer needs a 'name' column and EPSG:4326 coordinates")
    return gdf


def load_provinces(current: bool = True, layers_dir: Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """Province boundaries: the 34 units from 1 July 2025, or the 63 before it.

    Parameters
    ----------
    current
        ``True`` for the 34 current units (``name``, ``full_name``, ``name_en``, ``former``),
        ``False`` for the 63 former ones (``name``, ``current``).
    layers_dir
        Folder holding the layer files (default ``layers/``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per province, EPSG:4326, with ``code``, ``name`` and ``area_km2`` columns.

    Raises
    ------
    geotrack.errors.DataFileError
        When the layer file is missing or unreadable.
    """
    name = PROVINCES_FILE if current else FORMER_PROVINCES_FILE
    return _read(Path(layers_dir) / name).copy()


def load_communes(layers_dir: Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """Commune and ward boundaries from 1 July 2025 in the tracked provinces.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name`` (without "Xã"/"Phường"), ``full_name``, ``province`` (current),
        ``former_province`` (before 1 July 2025), ``area_km2``, EPSG:4326.
    """
    return _read(Path(layers_dir) / COMMUNES_FILE).copy()
