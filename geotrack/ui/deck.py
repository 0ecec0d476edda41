"""The WebGL map for large selections: deck.gl layers (through pydeck) of the working frame.

Leaflet draws every item as a DOM or canvas object and redraws them all on each pan
and zoom; above :func:`geotrack.settings.webgl_min_items` items that no longer keeps up (see
``bench/results.md``), so the app draws the selection on the GPU instead, behind the
same filters. deck.gl comes with Streamlit's own frontend, so nothing loads from a CDN;
there is no basemap (``map_provider=None``), so no tile server is asked either.

The rows of each layer are written to a file the app serves (:mod:`geotrack.ui.served`) and deck.gl
fetches them by address: Streamlit's page reads a deck's JSON with a JSON5 parser written in
JavaScript, which took 10 of the 26 s a first visit at 100,000 items took (34 MB); the browser's
own JSON parser reads the same rows in a fraction of a second.

Colours come from :data:`geotrack.look.MODE_COLOURS` (grey for stopped work) and
the line width from :data:`geotrack.look.STATUS_STYLES`; deck.gl draws no dashes,
so planned work is drawn lighter instead. Hover texts are plain text (deck.gl puts
them in with ``innerText``): nothing in them is read as HTML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import orjson
import pydeck as pdk
import shapely
from pydeck.bindings.json_tools import default_serialize

from geotrack.ui import i18n, served
from geotrack.ui import payload as mappayload
from geotrack.ui import style as look

#: Layer ids (a click reports the layer and the item's row).
LAYERS: Final = ("gt-polygons", "gt-lines", "gt-points")
#: Hover text; deck.gl fills ``{field}`` from the item's row.
TOOLTIP: Final = "{name}\n{mode} · {status} · {deadline}\n[{id}]"
#: The folder of the app's static files (``static/`` beside ``app.py``) that holds the layers' rows, and its address.
DATA_FOLDER: Final = "gt-deck"
DATA_URL: Final = served.STATIC_URL + "/" + DATA_FOLDER
#: Opacity (0–255) by how far along the work is, in place of Leaflet's dash patterns.
_ALPHA: Final = {"dashed": 150, "dashdot": 200, "solid": 255, "bold": 255, "grey": 170}


def _rgba(mode: str, status: str) -> list[int]:
    style = look.item_style(mode, status)
    colour = str(style["color"]).lstrip("#")
    legend = look.STATUS_STYLES[status].legend if status in look.STATUS_STYLES else "solid"
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)] + [_ALPHA[legend]]


def deck_payload(gdf: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG) -> dict[str, Any]:
    """Plain, cacheable rows of the three layers (polygons, lines, points) for :func:`build_deck`.

    Geometry is simplified and rounded for the default view (:func:`look.level_of_detail`);
    multi-part items give one row per part, all with the item's id.

    Returns
    -------
    dict
        ``layers``: layer id → list of rows (``id``; ``name``, ``mode``, ``status``, ``deadline``
        as plain text for the hover; ``colour`` RGBA, ``width`` in pixels, and ``path``, ``polygon`` or
        ``position``); ``bounds``: ``[[south, west], [north, east]]`` or ``None``; ``count``:
        items drawn.
    """
    _, decimals = look.level_of_detail(look.DEFAULT_ZOOM)
    shapes = mappayload.simplify_all(gdf.geometry, look.DEFAULT_ZOOM)
    located = ~shapely.is_missing(shapes)
    shapes = shapely.transform(shapes[located], lambda xy: np.round(xy, decimals))
    rows = gdf.loc[located, ["id", "name_vi", "name_en", "mode", "status", "end_year", "deadline_text"]]
    texts = []
    for r in rows.to_dict("records"):
        status = str(r["status"])
        texts.append({
            "id": str(r["id"]), "name": look.main_name(r, lang)[0], "mode": i18n.mode_label(r["mode"], lang),
            "status": i18n.status_label(status, lang), "deadline": look.deadline_label(r, lang),
            "colour": _rgba(str(r["mode"]), status),
            "width": float(look.STATUS_STYLES[status].weight if status in look.STATUS_STYLES else 3),
        })
    layers: dict[str, list[dict[str, Any]]] = {name: [] for name in LAYERS}
    parts, part_of = shapely.get_parts(shapes, return_index=True)
    types = shapely.get_type_id(parts)
    for part, at, kind in zip(parts, part_of, types, strict=True):
        base = texts[at]
        # coordinates stay arrays until the JSON is written (:meth:`CompactDeck.to_json`): as lists of
        # Python floats they took five times the memory, at 100,000 items a quarter of the server's
        if kind == 0:
            layers["gt-points"].append({**base, "position": [part.x, part.y]})
        elif kind == 1:
            layers["gt-lines"].append({**base, "path": shapely.get_coordinates(part)})
        else:
            rings = [shapely.get_coordinates(r) for r in (part.exterior, *part.interiors)]
            layers["gt-polygons"].append({**base, "polygon": rings})
    bounds = None
    if len(shapes):
        west, south, east, north = shapely.total_bounds(shapes)
        bounds = [[float(south), float(west)], [float(north), float(east)]]
    return {"layers": layers, "bounds": bounds, "count": len(texts)}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is compact and made once.

    pydeck indents its JSON, which triples a large map (59 MB instead of about 20 at
    50,000 items), and Streamlit asks for it on every rerun.
    """

    def to_json(self) -> str:
        """The Deck as compact JSON (computed on the first call)."""
        cached = self.__dict__.get("_compact_json")
        if cached is None:
            cached = json.dumps(self, sort_keys=True, default=_serialize, separators=(",", ":"))
            self.__dict__["_compact_json"] = cached  # after dumping: never part of the JSON itself
            for layer in self.layers:  # the rows are in the JSON now: kept as objects too they took 5× its memory
                layer.data = None
        return str(cached)

    def __repr__(self) -> str:
        return self.to_json()


def _serialize(value: Any) -> Any:
    """The JSON form of ``value`` as pydeck writes it; an array of coordinates as nested lists."""
    return value.tolist() if isinstance(value, np.ndarray) else default_serialize(value)


def layer_texts(payload: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, served.File]]:
    """A :func:`deck_payload` without its rows, and each non-empty layer's rows as a JSON file (to :func:`deck_of`).

    The texts take less than a third of the rows' memory as Python objects (about 34 MB against 115 MB at
    100,000 items): a cache holds these two.
    """
    texts = {name: orjson.dumps(rows, option=orjson.OPT_SERIALIZE_NUMPY)
             for name, rows in payload["layers"].items() if rows}
    return {**payload, "layers": {name: [] for name in payload["layers"]}}, served.files(texts)


def chart_key(files: Mapping[str, served.File]) -> str:
    """The widget key of the chart drawing the rows ``files`` (:func:`layer_texts`): one per set of rows.

    A new selection is drawn by a new chart, not by the chart already on the page given new rows:
    in Chromium without a GPU, a drawn chart given new layers kept the software GL busy for
    25–40 s at 30,000 items, where a new chart drew them in 2 s (``bench/results.md``).
    """
    names = "".join(sorted(name for name, _ in files.values()))
    return "deck-" + hashlib.sha256(names.encode()).hexdigest()[:16]


def deck_of(light: Mapping[str, Any], files: Mapping[str, served.File], folder: Path, *,
            height: int = 600) -> CompactDeck:
    """The Deck of :func:`layer_texts`'s two parts, its rows published in ``folder`` (in the deck if it cannot be)."""
    urls = served.publish(files, folder, DATA_URL)
    if urls is None:
        inline = {name: orjson.loads(text) for name, (_, text) in files.items()}
        return build_deck({**light, "layers": {**light["layers"], **inline}}, height=height)
    return build_deck(light, height=height, urls=urls)


def build_deck(payload: Mapping[str, Any], *, height: int = 600, urls: Mapping[str, str] | None = None) -> CompactDeck:
    """A pydeck Deck of a :func:`deck_payload`: pickable layers, plain-text hover, plain background.

    ``urls`` (from :func:`geotrack.ui.served.publish`) gives layers' rows by address instead of in the deck.
    """
    layers: dict[str, Any] = {**payload["layers"], **(urls or {})}
    common = {"pickable": True, "auto_highlight": True, "get_fill_color": "colour", "get_line_color": "colour"}
    deck_layers = [
        pdk.Layer("PolygonLayer", layers["gt-polygons"], id="gt-polygons", get_polygon="polygon", stroked=True,
                  filled=True, opacity=0.55, line_width_min_pixels=1, **common),
        pdk.Layer("PathLayer", layers["gt-lines"], id="gt-lines", get_path="path", get_color="colour",
                  get_width="width", width_units=pdk.types.String("pixels"), width_min_pixels=1, **common),
        pdk.Layer("ScatterplotLayer", layers["gt-points"], id="gt-points", get_position="position",
                  get_radius=5, radius_units=pdk.types.String("pixels"), stroked=False, **common),
    ]
    bounds = payload.get("bounds")
    view = None
    if bounds:
        (south, west), (north, east) = bounds
        view = look.focus_view(shapely.box(west, south, east, north), height_px=height)
    (lat, lon), zoom = view or (look.DEFAULT_CENTER, look.DEFAULT_ZOOM)
    zoom -= 1  # deck.gl's world is 512 pixels wide at zoom 0, Leaflet's (focus_view's) 256
    return CompactDeck(
        layers=deck_layers, map_provider=None,  # no basemap: nothing to fetch (Streamlit would add Carto's)
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=min(zoom, 12)),
        tooltip={"text": TOOLTIP},
    )


def selected_id(event: Any) -> str | None:
    """The id of the item a click on the WebGL map selected (from ``st.pydeck_chart``'s event), or ``None``."""
    objects = ((getattr(event, "selection", None) or {}).get("objects") or {}) if event is not None else {}
    for layer in LAYERS:
        for obj in objects.get(layer) or ():
            if obj.get("id"):
                return str(obj["id"])
    return None
