"""The map component sends what ``st_folium`` would send, made once instead of on every rerun."""

from __future__ import annotations

import copy
from typing import Any

import folium
import pytest
import streamlit_folium as sf
from mapfixtures import fixture_records

from geotrack.frames import items_to_frame
from geotrack.io import read_corridors
from geotrack.model import Item
from geotrack.ui import background, component, leaflet, payload


@pytest.fixture()
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What st_folium passes its component (``on_change`` left out)."""
    calls: list[dict[str, Any]] = []

    def capture(**kwargs: Any) -> None:
        kwargs.pop("on_change")
        calls.append(kwargs)

    monkeypatch.setattr(sf, "_component_func", capture)
    return calls


def _map(modes: tuple[str, ...] = ()) -> tuple[folium.Map, list[folium.FeatureGroup]]:
    gdf = items_to_frame([Item.from_record(r) for r in fixture_records()])
    if modes:
        gdf = gdf[gdf["mode"].isin(modes)]
    data = payload.map_payload(gdf, "en", {}, zoom=None, popups=True)
    fmap = leaflet.build_map(data, corridors=None, tiles=False, legend_modes=["road", "rail"], items=False)
    return fmap, leaflet.item_layers(data)


def _with_background(modes: tuple[str, ...] = ()) -> tuple[folium.Map, list[folium.FeatureGroup]]:
    """A map with the page's background layers (in the layer control; one of them hidden at first)."""
    current, former = background.load_layers(background.default_loader())
    gdf = items_to_frame([Item.from_record(r) for r in fixture_records()])
    data = payload.map_payload(gdf[gdf["mode"].isin(modes)] if modes else gdf, "en", {}, zoom=None, popups=True)
    fmap = leaflet.build_map(data, corridors=payload.corridor_payload(read_corridors(), "en"), tiles=False,
                             legend_modes=["road", "rail"], items=False,
                             boundaries=background.boundary_payload(current, "en"),
                             former_boundaries=background.boundary_payload(former, "en"))
    return fmap, leaflet.item_layers(data)


@pytest.mark.parametrize("modes", [(), ("seaport",), ("rail", "road")])
def test_show_sends_what_st_folium_sends(sent, modes):
    fmap, layers = _with_background(modes)
    # the same elements (ids included) for both: st_folium changes what it is given
    our_map, our_layers = copy.deepcopy((fmap, layers))
    sf.st_folium(fmap, key="map", height=540, use_container_width=True, returned_objects=list(component.RETURNED),
                 feature_group_to_add=layers,
                 layer_control=folium.LayerControl(collapsed=True, position="topright"), center=(21.0, 106.0), zoom=9)
    control = folium.LayerControl(collapsed=True, position="topright")
    args = component.map_args(component.map_base(our_map), our_layers, control)
    ours = component.send_args(args, key="map", height=540, center=(21.0, 106.0), zoom=9)
    [theirs] = sent
    assert ours.pop("gt_selected") is None
    assert ours == theirs
    assert "feature_group_0" in ours["feature_group"]
    # the control lists the background layers of the page made once, beside this call's items
    for name in ("Province boundaries (since July 2025)", "Former province", "Corridors", "feature_group_0"):
        assert name in ours["layer_control"]


def test_one_base_serves_every_filter():
    fmap, _ = _with_background()
    base = component.map_base(fmap)
    ports, rail = (component.map_args(base, _with_background(modes)[1], None) for modes in (("seaport",), ("rail",)))
    sent_ports, sent_rail = (component.send_args(a, key="map", height=540) for a in (ports, rail))
    # the same map script and key: the frontend keeps its map and swaps the layers
    assert sent_ports["script"] == sent_rail["script"] and sent_ports["key"] == sent_rail["key"]
    assert "port-alpha" in ports.feature_group and "port-alpha" not in rail.feature_group


def test_a_selection_changes_only_its_own_argument_and_the_first_header():
    fmap, layers = _map()
    args = component.map_args(component.map_base(fmap), layers, None)
    plain = component.send_args(args, key="map", height=540)
    chosen = component.send_args(args, key="map", height=540, selected='rail-"script"-agency')
    assert chosen["gt_selected"] == 'rail-"script"-agency'
    # the header is read once, when the map is first drawn, before js/map.js can hear the arguments
    meta = '<meta name="gt-selected" content="rail-&quot;script&quot;-agency">'
    assert chosen.pop("header") == plain.pop("header") + meta
    chosen.pop("gt_selected"), plain.pop("gt_selected")
    assert chosen == plain  # the layers, the key and the script: nothing the frontend would redraw


def test_made_once_the_args_serve_every_rerun():
    fmap, layers = _map()
    args = component.map_args(component.map_base(fmap), layers, None)
    first, again = (component.send_args(args, key="map", height=540) for _ in range(2))
    assert first == again
    assert first["key"] == sf.generate_js_hash(args.base.script, "map", False)  # the frontend keeps its map
