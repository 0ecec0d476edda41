"""The floor of the browser bench: the least a Streamlit + ``st_folium`` page can do.

One sidebar multiselect (the real app's mode label and options, so the bench drives it the same
way) and the same vendored-Leaflet ``st_folium`` map with one feature, served with the same
settings as the other apps. Nothing is read from the store: what this page costs to open and to
rerun after a widget change is what the stack itself costs on this machine, the limit below which
no page built on it can go.

The one feature's id names the choice, so a change gives the map new HTML and ``st_folium``
redraws it, as it does for the apps measured against this one.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from geotrack import profiling, vocab
from geotrack.ui import i18n

LEAFLET_JS = "/app/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/vendor/leaflet/leaflet.css"
LANG = i18n.DEFAULT_LANG


class _LocalLeafletMap(folium.Map):
    """``folium.Map`` with Leaflet from this machine, as in the naive app."""

    default_js = [("leaflet", LEAFLET_JS)]  # noqa: RUF012 — folium reads these class attributes
    default_css = [("leaflet_css", LEAFLET_CSS)]  # noqa: RUF012


with profiling.script_run():  # the script time, logged as geotrack logs its own (GEOTRACK_PROFILE=1)
    chosen = st.sidebar.multiselect(i18n.t("mode", LANG), list(vocab.MODES),
                                    format_func=lambda m: i18n.mode_label(m, LANG))
    profiling.mark("map")
    m = _LocalLeafletMap(location=[21.03, 105.85], zoom_start=8, tiles=None)
    feature = {"type": "Feature", "id": "floor-" + "-".join(chosen),
               "properties": {"name": "floor"}, "geometry": {"type": "Point", "coordinates": [105.85, 21.03]}}
    folium.GeoJson({"type": "FeatureCollection", "features": [feature]}).add_to(m)
    st_folium(m, height=600, returned_objects=[])
