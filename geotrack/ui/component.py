"""What the map's Streamlit component (streamlit-folium) is sent, made once per map.

``st_folium`` renders the whole folium map to Leaflet script on every call: on every rerun of
the page, although the map only changes with the language and the filter. Here
the same pieces are made once: the map itself once per language (:func:`map_base`),
its item layers once per filter (:func:`map_args`, both cached by the app), and each rerun
only passes them to the component (:func:`send_args`, which ``app.py`` hands to :data:`draw`);
the selected item is named in an argument of its own (``gt_selected``), which streamlit-folium
ignores and ``js/map.js`` reads to ring the item: a click changes nothing else, so the frontend
swaps no layers. The pieces are what ``st_folium`` itself would send, made with its own
helpers (``tests/test_ui_component.py`` compares the two), so the frontend cannot tell the
difference. No Streamlit call is made here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import folium
import streamlit_folium as sf

#: What a map click sends back (everything else the component can report would rerun the page for nothing).
RETURNED: tuple[str, ...] = ("last_object_clicked_tooltip", "last_object_clicked")


@dataclass(frozen=True)
class MapBase:
    """What ``st_folium`` sends for a map, apart from the layers added to it: made once per page.

    The map holds no item (``leaflet.build_map(..., items=False)``), so it depends only on the
    language, the background layers and the legend, never on the filter.
    """

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    defaults: dict[str, Any] = field(hash=False)
    #: (variable name, layer name, overlay) of each layer of the map the layer control lists
    layers: tuple[tuple[str, str, bool], ...] = ()


@dataclass(frozen=True)
class MapArgs:
    """Everything ``st_folium`` sends for one map and its item layers, but the per-call values."""

    base: MapBase
    feature_group: str
    layer_control: str | None
    #: the base's links and those of the layers' elements
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _links(fmap: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # st_folium's walk over the map for the CSS and JS its elements load (from our static folder)
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> None:
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def map_base(fmap: folium.Map, returned: Iterable[str] = RETURNED) -> MapBase:
    """The pieces ``st_folium(fmap, ...)`` sends that do not depend on the layers added to ``fmap``.

    ``fmap`` is rendered as ``st_folium`` renders it: pass a map made for this call only.
    """
    fmap.get_root().render()
    fmap.render()  # type: ignore[no-untyped-call]
    # in st_folium's order, which matters: the script renames the map (its id becomes "div")
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    map_id = sf.get_full_id(fmap)
    try:
        bounds = fmap.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    (south, west), (north, east) = bounds
    defaults = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
        "zoom": fmap.options.get("zoom"), "last_circle_radius": None, "last_circle_polygon": None,
        "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
    }
    wanted = set(returned)
    css, js = _links(fmap)
    layers = tuple((child.get_name(), child.layer_name, bool(child.overlay)) for child in fmap._children.values()
                   if isinstance(child, folium.map.Layer) and child.control)
    return MapBase(script=script, header=header, html=html, map_id=map_id, css_links=css, js_links=js,
                   defaults={k: v for k, v in defaults.items() if k in wanted}, layers=layers)


def _host(base: MapBase) -> folium.Map:
    """A stand-in for the map of ``base``: its name, and its controlled layers by name only.

    What the layers and the layer control are rendered against (they name the map, which the
    frontend replaces, and the control lists the map's layers): rendering the whole map again
    for every filter cost more than the layers themselves.
    """
    host = folium.Map(tiles=None)
    host._name, host._id = base.map_id.rsplit("_", 1)
    for name, layer_name, overlay in base.layers:
        stand_in = folium.FeatureGroup(name=layer_name, overlay=overlay, control=True)
        stand_in._name, stand_in._id = name.rsplit("_", 1)
        host.add_child(stand_in, name=name)
    return host


def map_args(base: MapBase, layers: Sequence[folium.FeatureGroup],
             layer_control: folium.LayerControl | None) -> MapArgs:
    """The pieces ``st_folium(fmap, feature_group_to_add=layers, layer_control=layer_control)`` sends.

    ``base`` is :func:`map_base` of ``fmap``, made once for every filter.
    """
    host = _host(base)
    groups = "".join(sf._get_feature_group_string(group, map=host, idx=idx) for idx, group in enumerate(layers))
    control = sf._get_layer_control_string(layer_control, host) if layer_control is not None else None
    css, js = base.css_links, base.js_links
    for group in layers:  # their elements' links count too
        more_css, more_js = _links(group)
        css, js = tuple(dict.fromkeys(css + more_css)), tuple(dict.fromkeys(js + more_js))
    return MapArgs(base=base, feature_group=groups, layer_control=control, css_links=css, js_links=js)


def send_args(args: MapArgs, *, key: str, height: int, selected: str | None = None,
              center: Sequence[float] | None = None, zoom: int | None = None,
              returned: Iterable[str] = RETURNED) -> dict[str, Any]:
    """What ``st_folium(..., key=key, use_container_width=True)`` passes its component, and the selection.

    ``on_change`` is left to the caller; ``selected`` is the item ``js/map.js`` rings.

    streamlit-folium reads the header only when it first draws the map, before ``js/map.js`` can hear
    the component's arguments: the selection a map starts with is written there as well.

    ``key`` of the result is the component's own key (a hash of the map's script and ``key``);
    ``st_folium`` copies the component's value from it into ``st.session_state[key]``.
    """
    return {
        "script": args.base.script, "html": args.base.html, "id": args.base.map_id,
        "header": args.base.header + (f'<meta name="gt-selected" content="{escape(selected)}">' if selected else ""),
        "key": sf.generate_js_hash(args.base.script, key, False), "height": height, "width": None,
        "returned_objects": list(returned), "default": args.base.defaults, "zoom": zoom, "center": center,
        "feature_group": args.feature_group, "return_on_hover": False, "layer_control": args.layer_control,
        "pixelated": False, "css_links": list(args.css_links), "js_links": list(args.js_links),
        "wrap_longitude": False, "gt_selected": selected,
    }


#: The component ``st_folium`` declares, called by the app with :func:`send_args`.
draw = sf._component_func
