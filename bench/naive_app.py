"""The naive baseline of the browser bench: the map page as a first version would write it.

Served by :mod:`bench.browser` with ``GEOTRACK_STORE=<store.gpkg>``, from a copy beside a link to
the project's ``static/`` (Streamlit serves ``/app/static`` from the script's folder). Every run reads the
whole GeoPackage with :func:`geopandas.read_file` (no caching), filters in pandas, and draws
full-resolution geometry with ``folium.GeoJson`` and a ``GeoJsonTooltip`` (SVG paths and
default markers) through ``st_folium`` with its default returned objects.

The only departures from a first version keep the comparison fair and offline: Leaflet
loads from the app's own static folder (like the real app), there are no tiles, the
mode multiselect has the real app's label and option texts so the bench drives both
pages the same way, and each feature carries the item id (for the bench's checks).
"""

from __future__ import annotations

import os

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geotrack import profiling
from geotrack.ui import i18n

#: Served by Streamlit's static serving (``.streamlit/config.toml``) from the vendored copy.
LEAFLET_JS = "/app/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/vendor/leaflet/leaflet.css"
LANG = i18n.DEFAULT_LANG


class _LocalLeafletMap(folium.Map):
    """``folium.Map`` with Leaflet from this machine instead of folium's CDNs (jQuery, Bootstrap
    and the awesome-markers plugin are left out: plain GeoJSON does not use them)."""

    default_js = [("leaflet", LEAFLET_JS)]  # noqa: RUF012 — folium reads these class attributes
    default_css = [("leaflet_css", LEAFLET_CSS)]  # noqa: RUF012


with profiling.script_run():  # the script time, logged as geotrack logs its own (GEOTRACK_PROFILE=1)
    profiling.mark("data")
    gdf = gpd.read_file(os.environ["GEOTRACK_STORE"], layer="items")
    # the id as the index makes it each GeoJSON feature's id
    gdf = gdf.set_index("id", drop=False)

    profiling.mark("filters")
    modes = sorted(gdf["mode"].dropna().unique())
    chosen = st.sidebar.multiselect(i18n.t("mode", LANG), modes, format_func=lambda m: i18n.mode_label(m, LANG))
    shown = gdf[gdf["mode"].isin(chosen)] if chosen else gdf

    st.title("geotrack (naive)")
    st.write(f"{len(shown)} / {len(gdf)}")
    profiling.mark("map")
    m = _LocalLeafletMap(location=[21.03, 105.85], zoom_start=8, tiles=None)
    folium.GeoJson(
        shown[["id", "name_vi", "mode", "status", "geometry"]],
        tooltip=folium.GeoJsonTooltip(fields=["name_vi", "mode", "status"]),
    ).add_to(m)
    st_folium(m, height=600)
