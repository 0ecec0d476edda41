"""The map component sends what ``st_folium`` would send, made once instead of on every rerun."""

from __future__ import annotations

from typing import Any

import folium
import pytest
import streamlit_folium as sf
from mapfixtures import fixture_records

from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.ui import component, leaflet, payload


@pytest.fixture()
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What st_folium passes its component (``on_change`` left out)."""
    calls: list[dict[str, Any]] = []

    def capture(**kwargs: Any) -> None:
        kwargs.pop("on_change")
        calls.append(kwargs)

    monkeypatch.setattr(sf, "_component_func", capture)
    return calls


def _map() -> tuple[folium.Map, list[folium.FeatureGroup]]:
    gdf = items_to_frame([Item.from_record(r) for r in fixture_records()])
    data = payload.map_payload(gdf, "en", {}, zoom=None, popups=True)
    fmap = leaflet.build_map(data, corridors=None, tiles=False, legend_modes=["road", "rail"], items=False)
    return fmap, leaflet.item_layers(data)


def test_show_sends_what_st_folium_sends(sent):
    fmap, layers = _map()
    sf.st_folium(fmap, key="map", height=540, use_container_width=True, returned_objects=list(component.RETURNED),
                 feature_group_to_add=layers,
                 layer_control=folium.LayerControl(collapsed=True, position="topright"), center=(21.0, 106.0), zoom=9)
    fmap, layers = _map()
    args = component.map_args(fmap, layers, folium.LayerControl(collapsed=True, position="topright"))
    ours = component.send_args(args, key="map", height=540, center=(21.0, 106.0), zoom=9)
    [theirs] = sent
    assert ours.pop("gt_selected") is None
    assert ours == theirs
    assert "feature_group_0" in ours["feature_group"] and ours["layer_control"]


def test_a_selection_changes_only_its_own_argument_and_the_first_header():
    fmap, layers = _map()
    args = component.map_args(fmap, layers, None)
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
    args = component.map_args(fmap, layers, None)
    first, again = (component.send_args(args, key="map", height=540) for _ in range(2))
    assert first == again
    assert first["key"] == sf.generate_js_hash(args.script, "map", False)  # the frontend keeps its map
