"""The map's offline background: province boundaries with their names.

Drawn from the boundary layers (:func:`geotrack.boundaries.load_provinces`), so the map reads
without internet; the online basemap stays optional. The layers are read through a loader
that this module is given, so that the background works (and is tested) with any layer of
the same columns, and the map simply has no background while the layers are missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import orjson
import shapely

from geotrack import boundaries
from geotrack.errors import GeotrackError
from geotrack.ui import i18n, served
from geotrack.ui.payload import geojson_geometry
from geotrack.ui.style import REGION_BOUNDS, escape

#: Douglas–Peucker tolerance (degrees, about 500 m) for boundaries drawn under the items.
BOUNDARY_DEGREES: Final = 0.005
#: Provinces further than this (degrees) from the Delta region are left out of the background.
REGION_MARGIN: Final = 1.5

Loader = Callable[[bool], gpd.GeoDataFrame]


def default_loader() -> Loader:
    """The package's province loader: the layers of ``layers/`` (:func:`geotrack.boundaries.load_provinces`)."""
    return lambda current: boundaries.load_provinces(current=current)


def load_layers(loader: Loader | None) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """(current provinces, former provinces) read by ``loader``; ``None`` for a layer it cannot read."""
    out: list[gpd.GeoDataFrame | None] = []
    for current in (True, False):
        try:
            out.append(loader(current) if loader else None)
        except (GeotrackError, OSError, ValueError):
            out.append(None)  # no background is better than no map
    return out[0], out[1]


def boundary_payload(provinces: gpd.GeoDataFrame | None, lang: str = i18n.DEFAULT_LANG) -> dict[str, Any] | None:
    """A FeatureCollection of the provinces near the Delta, simplified, for the map's background.

    Each with an escaped ``name`` (English where the layer has it and ``lang`` is English) and
    a label point ``at`` ``[lat, lon]``.

    ``None`` when there is no layer.
    """
    if provinces is None or provinces.empty:
        return None
    (south, west), (north, east) = REGION_BOUNDS
    near = shapely.box(west - REGION_MARGIN, south - REGION_MARGIN, east + REGION_MARGIN, north + REGION_MARGIN)
    frame = provinces.to_crs(4326) if provinces.crs and provinces.crs.to_epsg() != 4326 else provinces
    features = []
    for row in frame.to_dict("records"):
        geom = row.get("geometry")
        if geom is None or geom.is_empty or not geom.intersects(near):
            continue
        shape = shapely.simplify(geom, BOUNDARY_DEGREES, preserve_topology=True)
        shape = shapely.set_precision(shape, 1e-4)
        name = (row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name")) or ""
        point = geom.representative_point()
        features.append({"type": "Feature", "geometry": geojson_geometry(shape),
                         "properties": {"name": escape(name), "at": [round(point.y, 4), round(point.x, 4)]}})
    return {"type": "FeatureCollection", "features": features} if features else None


#: The folder of the app's static files that holds the boundary layers, and its address.
SERVED_FOLDER: Final = "gt-bounds"
SERVED_URL: Final = served.STATIC_URL + "/" + SERVED_FOLDER


def by_address(layers: Mapping[str, Mapping[str, Any] | None], folder: Path) -> dict[str, Mapping[str, Any] | None]:
    """Each of ``layers`` (:func:`boundary_payload`) as ``{"url": …}``, its file written in ``folder``.

    The map (``js/map.js``) fetches a layer given so after its items are drawn: the boundaries were
    most of the map's script (300 of 340 KB), read before any item showed. Where ``folder``
    cannot be written the layers are given as they are.
    """
    texts = {name: orjson.dumps(data) for name, data in layers.items() if data is not None}
    urls = served.publish(served.files(texts), folder, SERVED_URL)
    if urls is None:
        return dict(layers)
    return {name: {"url": urls[name]} if name in urls else None for name in layers}
