"""The Leaflet map: a folium map of a :func:`~geotrack.ui.payload.map_payload`, with no Streamlit in it.

The map loads Leaflet only from the app's own static folder (``/app/static``), never from a
CDN. Items are drawn by a script of ours (``js/map.js``, package data) from the compact
payload: one feature group per mode, the colour of a mode from the fixed
:data:`~geotrack.ui.style.MODE_COLOURS`, the line style from
:data:`~geotrack.ui.style.STATUS_STYLES`. Texts are escaped by :mod:`geotrack.ui.payload`;
folium puts the page together as raw HTML and branca renders it as a Jinja template, so what
goes in is escaped for both (:func:`~geotrack.ui.payload.js_json`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from geotrack import vocab
from geotrack.ui import assets, i18n, served
from geotrack.ui.payload import (
    TOOLTIP_TEMPLATE,
    js_json,
    label_texts,
    legend_html,
)
from geotrack.ui.style import (
    CORRIDOR_COLOUR,
    DEFAULT_CENTER,
    DEFAULT_ZOOM,
    HIGHLIGHT,
    LEGEND_OPEN_MAX,
    REGION_BOUNDS,
    escape,
    item_style,
)

#: Where the app serves the vendored Leaflet (``make static``; Streamlit's ``enableStaticServing``).
STATIC_URL: Final = served.STATIC_URL + "/vendor/leaflet"
LEAFLET_JS: Final = f"{STATIC_URL}/leaflet.js"
LEAFLET_CSS: Final = f"{STATIC_URL}/leaflet.css"
#: OpenStreetMap's standard tiles: used only when asked for (they need the internet).
TILE_URL: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION: Final = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


#: The map page's script and style, package data read once at import.
MAP_JS: Final = assets.MAP_JS
MAP_CSS: Final = assets.MAP_CSS
#: The app page's style.
PAGE_CSS: Final = assets.PAGE_CSS


# -- folium elements -------------------------------------------------------------
class _OfflineMap(folium.Map):
    """A folium Map that loads Leaflet from the app's static folder and nothing else.

    No jQuery, Bootstrap, awesome-markers or Font Awesome.
    """

    default_js = [("leaflet", LEAFLET_JS)]  # noqa: RUF012 — folium reads these class attributes
    default_css = [("leaflet_css", LEAFLET_CSS)]  # noqa: RUF012


class _Verbatim(Element):
    """Text that goes into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        """The text, unchanged."""
        return self._text


class _Macro(MacroElement):
    """A MacroElement whose rendered parts go into the page as they are.

    branca's own ``render`` compiles each rendered part as a new Jinja template: for a
    map of thousands of items that parse costs more than everything else (0.6 s at 10,000),
    and item text in it would be template source.
    """

    def render(self, **kwargs: Any) -> str:
        """Add the header, html and script parts to the page, then render the children (returns ``""``)."""
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Verbatim(str(macros[part](self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""

class _Setup(_Macro):
    """Page style (``css/map.css``) and the shared drawing helpers (``js/map.js``).

    Configured with the styles and labels of every mode and status in the page's language.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.script_js }}
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "GtSetup"
        self.css = MAP_CSS
        self.script_js = setup_script(lang)


def setup_script(lang: str) -> str:
    """The page's drawing helpers (``js/map.js``) and their configuration for ``lang``.

    Every style and label, not only the selection's: the page stays the same across filter
    changes, so streamlit-folium keeps it and swaps only the item layers.
    """
    config = {"styles": {f"{m}|{s}": item_style(m, s) for m in vocab.MODES for s in vocab.STATUSES},
              "labels": label_texts(vocab.MODES, vocab.STATUSES, lang), "tooltip": TOOLTIP_TEMPLATE,
              "region": [list(corner) for corner in REGION_BOUNDS], "highlight": HIGHLIGHT}
    return f"{MAP_JS}\nwindow.gtConfigure({js_json(config)});"

class _Items(_Macro):
    """The items of one mode (a :func:`map_payload` entry), decoded and shown with the parent layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.gtItemLayer({{ this._parent._parent.get_name() }},
          {{ this._parent.get_name() }}, {{ this.mode_js }}, {{ this.key_js }}, function () {
            return L.geoJSON(window.gtFeatures({{ this.mode_js }}, {{ this.data_js }}), window.gtLayerOptions);
          });
        {% endmacro %}
    """)

    def __init__(self, mode: str, entry: Mapping[str, Any]):
        super().__init__()
        self._name = "GtItems"
        self.mode_js = js_json(mode)
        # "ids" first: feature_ids_in_script finds the drawn items by it
        self.data_js = js_json({"ids": entry["ids"], **{k: v for k, v in entry.items() if k != "ids"}})
        self.key_js = js_json(hashlib.sha1(self.data_js.encode("utf-8")).hexdigest()[:20])


class _Show(_Macro):
    """After the item layers: forget modes no longer selected, fit a changed selection, count."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.gtShow({{ this._parent._parent.get_name() }}, {{ this.bounds_js }}, {{ this.modes_js }},
          {{ this.full_js }});
        {% endmacro %}
    """)

    def __init__(self, bounds: Sequence[Sequence[float]] | None, modes: Sequence[str],
                 full: Sequence[Sequence[float]] | None = None) -> None:
        super().__init__()
        self._name = "GtShow"
        self.bounds_js = js_json(bounds)
        self.full_js = js_json(full)
        self.modes_js = js_json(list(modes))


class _Corridors(_Macro):
    """The corridors as a GeoJSON FeatureCollection in the background of the items."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data_js }}, window.gtCorridorOptions({{ this.colour_js }}));
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: Mapping[str, Any]):
        super().__init__()
        self._name = "GtCorridors"
        self.data_js = js_json(data)
        self.colour_js = js_json(CORRIDOR_COLOUR)


class _Legend(_Macro):
    """The legend as a Leaflet control (HTML built and escaped by :func:`legend_html`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: 'bottomleft'});
        {{ this.get_name() }}.onAdd = function () {
          var div = L.DomUtil.create('div', 'gt-legend');
          div.innerHTML = {{ this.html_js }};
          L.DomEvent.disableScrollPropagation(div);
          return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, legend: str):
        super().__init__()
        self._name = "GtLegend"
        self.html_js = js_json(legend)


class _Finish(_Macro):
    """Keep the fit, spread close points, add the extent buttons, and count the drawn items.

    The fit is kept while the frame is resized before the view moved; the counts of drawn
    features onto the map container (``data-gt-features``, ``data-gt-ids``) when a layer is toggled.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          map.on('movestart zoomstart', function () { if (!window.gtView.fitting) { window.gtView.moved = true; } });
          if (window.ResizeObserver) {
            new ResizeObserver(function () { map.invalidateSize(); window.gtFit(map); }).observe(map.getContainer());
          }
          map.on('overlayadd overlayremove', function () {
            setTimeout(function () { window.gtCount(map); window.gtSpread(map); }, 0);
          });
          map.on('zoomend', function () { window.gtSpread(map); });
          window.gtExtentControl(map, {{ this.labels_js }});
          if (!window.gtView.bounds) { map.fitBounds(window.gtRegion, {animate: false}); }
          window.gtCount(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "GtFinish"
        self.labels_js = js_json({"frame": i18n.t("frame_selection", lang), "whole": i18n.t("whole_extent", lang),
                                  "zoomIn": i18n.t("zoom_in", lang), "zoomOut": i18n.t("zoom_out", lang),
                                  "layers": i18n.t("layers", lang)})


class _Boundaries(_Macro):
    """Province boundaries and names under everything (:func:`geotrack.ui.background.boundary_payload`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.gtBoundaries({{ this._parent.get_name() }}, {{ this.data_js }}, {{ this.former_js }});
        {% endmacro %}
    """)

    def __init__(self, data: Mapping[str, Any], *, former: bool) -> None:
        super().__init__()
        self._name = "GtBoundaries"
        # given by address ({"url": …}) the page fetches them (js/map.js); given whole, the former provinces
        # come as JSON text in a string, parsed only if the reader shows them
        as_text = former and "url" not in data
        self.data_js = js_json(json.dumps(data, ensure_ascii=False, separators=(",", ":")) if as_text else data)
        self.former_js = js_json(former)


def build_map(
    payload: Mapping[str, Any],
    *,
    corridors: Mapping[str, Any] | None = None,
    tiles: bool = False,
    legend: bool = True,
    legend_modes: Sequence[str] | None = None,
    height: int | str = "100%",
    items: bool = True,
    boundaries: Mapping[str, Any] | None = None,
    former_boundaries: Mapping[str, Any] | None = None,
) -> folium.Map:
    """A folium Map of a :func:`map_payload`: a feature group per mode, corridors underneath.

    Parameters
    ----------
    payload
        From :func:`map_payload`.
    corridors
        From :func:`corridor_payload`: drawn as light dotted lines under the items.
    tiles
        Offer OpenStreetMap tiles in the layer control, off until the reader turns them on (they
        load only when the browser is online; the map stays readable without them).
    legend
        Add the legend control.
    legend_modes
        The modes the legend lists (default: those of the payload).
    height
        The map's CSS height.
    boundaries, former_boundaries
        From :func:`geotrack.ui.background.boundary_payload`: the provinces since July 2025
        (shown) and before it (in the layer control, hidden until asked for), with their names.
    items
        Put the item layers (:func:`item_layers`) and a layer control in the map, for a page of its
        own. ``False`` leaves a map that depends only on the language, the corridors and
        ``legend_modes``: an app hands it to streamlit-folium together with ``item_layers(payload)``
        as ``feature_group_to_add``, so that a filter change swaps the items in the page already
        there instead of loading a new one.
    """
    lang = str(payload.get("lang") or i18n.DEFAULT_LANG)
    m = _OfflineMap(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, zoom_snap=0.25, tiles=None, prefer_canvas=True,
                    control_scale=False, height=height)  # metric only: js/map.js adds it
    if tiles:  # an overlay the reader turns on: Leaflet asks for no tile until it is shown (offline, none)
        folium.TileLayer(TILE_URL, attr=TILE_ATTRIBUTION, name=escape(i18n.t("basemap", lang)), max_zoom=19,
                         overlay=True, control=True, show=False).add_to(m)
    _Setup(lang).add_to(m)
    for data, former in ((boundaries, False), (former_boundaries, True)):
        if data and (data.get("features") or data.get("url")):  # given whole, or by address (background.by_address)
            name = i18n.t("provinces_former_layer" if former else "provinces_layer", lang)
            group = folium.FeatureGroup(name=escape(name), control=True, show=not former)
            _Boundaries(data, former=former).add_to(group)
            group.add_to(m)
    if corridors and corridors.get("features"):
        group = folium.FeatureGroup(name=escape(i18n.t("corridors", lang)), control=True)
        _Corridors(corridors).add_to(group)
        group.add_to(m)
    shown = list(legend_modes if legend_modes is not None else (payload.get("modes") or {}))
    if legend and shown:
        _Legend(legend_html(shown, lang, open_=len(shown) <= LEGEND_OPEN_MAX)).add_to(m)
    _Finish(lang).add_to(m)
    if items:
        for group in item_layers(payload):
            group.add_to(m)
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def item_layers(payload: Mapping[str, Any]) -> list[folium.FeatureGroup]:
    """The items of a :func:`map_payload` as feature groups.

    One per mode (in the layer control), then one that fits the view to them and counts them.
    """
    lang = str(payload.get("lang") or i18n.DEFAULT_LANG)
    groups = []
    for mode, entry in (payload.get("modes") or {}).items():
        group = folium.FeatureGroup(name=escape(f"{i18n.mode_label(mode, lang)} ({len(entry['ids'])})"), control=True)
        _Items(mode, entry).add_to(group)
        groups.append(group)
    show = folium.FeatureGroup(name="gt-show", control=False)
    _Show(payload.get("bounds"), list(payload.get("modes") or {}), payload.get("full_bounds")).add_to(show)
    return [*groups, show]


def rendered_html(m: folium.Map) -> str:
    """The whole standalone HTML page of ``m`` (what a saved map would be)."""
    return str(m.get_root().render())

