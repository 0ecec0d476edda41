"""Map payload bytes and Python build time, beside plain folium on full-resolution geometry.

The app draws a selection with Leaflet below :func:`geotrack.settings.webgl_min_items` items and
with deck.gl (WebGL) from there on; both are measured at every size so the switch shows.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from bench.run import Row, best_of
from geotrack import settings, testing
from geotrack.ui import deck as deckview
from geotrack.ui import leaflet as mapview
from geotrack.ui import pageframe
from geotrack.ui import payload as mappayload
from geotrack.ui import style as look


def _leaflet(gdf: gpd.GeoDataFrame) -> str:
    zoom = look.payload_zoom(len(gdf), pageframe.whole_coordinates(gdf))  # as the app does
    payload = mappayload.map_payload(gdf, "en", zoom=zoom, popups=False)  # as the app: a click opens the item page
    return mapview.rendered_html(mapview.build_map(payload))


def _webgl(gdf: gpd.GeoDataFrame) -> str:
    return str(deckview.build_deck(deckview.deck_payload(gdf, "en")).to_json())


def _naive(gdf: gpd.GeoDataFrame) -> str:
    m = folium.Map(location=look.DEFAULT_CENTER, zoom_start=look.DEFAULT_ZOOM)
    shown = gdf[["id", "name_vi", "mode", "status", "geometry"]].copy()
    folium.GeoJson(shown, tooltip=folium.GeoJsonTooltip(fields=["name_vi", "mode", "status"])).add_to(m)
    return m.get_root().render()


def bench_map(size: int, gdf: gpd.GeoDataFrame, repeat: int) -> list[Row]:
    """Bytes sent to the browser and seconds of Python to build them, at the default view."""
    leaflet_s, leaflet_html = best_of(lambda: _leaflet(gdf), repeat)
    webgl_s, webgl_json = best_of(lambda: _webgl(gdf), repeat)
    naive_s, naive_html = best_of(lambda: _naive(gdf), max(1, repeat - 1))
    located = sorted(gdf.loc[gdf.geometry.notna(), "id"])
    assert sorted(testing.feature_ids_in_script(leaflet_html)) == located  # same items as the naive path
    used = "WebGL" if size >= settings.webgl_min_items() else "Leaflet"
    target = "≤ 3 MB, ≤ 1 s at 10,000" if size == 10_000 else ""
    naive_note = "baseline: folium.GeoJson of full-resolution geometry with a GeoJsonTooltip"
    return [
        Row(size, "map payload, Leaflet (HTML + data sent to the browser)", "MB", len(leaflet_html.encode()) / 1e6,
            len(naive_html.encode()) / 1e6, target=target,
            notes=f"{'the app draws this' if used == 'Leaflet' else 'not used at this size'}; integer coordinate "
                  "steps at the default view's detail, escaped tooltip pieces; "
                  + naive_note),
        Row(size, "map build, Leaflet (Python: payload + folium render)", "s", leaflet_s, naive_s, target=target),
        Row(size, "map payload, WebGL (deck.gl JSON sent to the browser)", "MB", len(webgl_json.encode()) / 1e6,
            len(naive_html.encode()) / 1e6,
            notes=f"{'the app draws this' if used == 'WebGL' else 'not used at this size'} (from "
                  f"{settings.webgl_min_items():,} items); " + naive_note),
        Row(size, "map build, WebGL (Python: layers + JSON)", "s", webgl_s, naive_s),
    ]
