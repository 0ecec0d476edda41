"""Map payload bytes and Python build time, beside plain folium on full-resolution geometry."""

from __future__ import annotations

import folium
import geopandas as gpd

from bench.run import Row, best_of
from geotrack import mapview


def _ours(gdf: gpd.GeoDataFrame) -> str:
    zoom = mapview.payload_zoom(len(gdf))  # as the app does
    payload = mapview.map_payload(gdf, "en", zoom=zoom, popups=zoom is None)
    return mapview.rendered_html(mapview.build_map(payload))


def _naive(gdf: gpd.GeoDataFrame) -> str:
    m = folium.Map(location=mapview.DEFAULT_CENTER, zoom_start=mapview.DEFAULT_ZOOM)
    shown = gdf[["id", "name_vi", "mode", "status", "geometry"]].copy()
    folium.GeoJson(shown, tooltip=folium.GeoJsonTooltip(fields=["name_vi", "mode", "status"])).add_to(m)
    return m.get_root().render()


def bench_map(size: int, gdf: gpd.GeoDataFrame, repeat: int) -> list[Row]:
    """Bytes sent to the browser and seconds of Python to build them, at the default view."""
    ours_s, ours_html = best_of(lambda: _ours(gdf), repeat)
    naive_s, naive_html = best_of(lambda: _naive(gdf), max(1, repeat - 1))
    drawn = mapview.feature_ids_in_script(ours_html)
    assert sorted(drawn) == sorted(gdf.loc[gdf.geometry.notna(), "id"])  # same items as the naive path
    target = "≤ 3 MB, ≤ 1 s at 10,000" if size == 10_000 else ""
    return [
        Row(size, "map payload (HTML + data sent to the browser)", "MB", len(ours_html.encode()) / 1e6,
            len(naive_html.encode()) / 1e6, target=target,
            notes="simplified and rounded geometry, escaped tooltip per item (and popup up to 2,000 items); "
                  "baseline: folium.GeoJson of full-resolution geometry with a GeoJsonTooltip"),
        Row(size, "map build (Python: payload + folium render)", "s", ours_s, naive_s, target=target),
    ]
