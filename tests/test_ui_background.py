"""The offline background: province boundaries and names from a layer, framing that ignores country-long lines."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from geotrack.errors import DataFileError
from geotrack.ui import background, payload, style
from geotrack.ui import leaflet as mapview


@pytest.fixture
def provinces() -> gpd.GeoDataFrame:
    """A small layer with the loader's columns: two provinces in the Delta, one far south."""
    return gpd.GeoDataFrame(
        {"code": ["01", "31", "79"], "name": ["Hà Nội", "Hải Phòng", "Hồ Chí Minh"],
         "name_en": ["Hanoi", "Haiphong", "Ho Chi Minh City"]},
        geometry=[box(105.3, 20.6, 106.0, 21.4), box(106.4, 20.6, 107.1, 21.0), box(106.5, 10.4, 107.0, 11.1)],
        crs=4326)


def test_boundaries_near_the_delta_with_escaped_names(provinces):
    provinces.loc[0, "name"] = "<b>Hà Nội</b>"
    data = background.boundary_payload(provinces, "vi")
    assert [f["properties"]["name"] for f in data["features"]] == ["&lt;b&gt;Hà Nội&lt;/b&gt;", "Hải Phòng"]
    assert [f["properties"]["name"] for f in background.boundary_payload(provinces, "en")["features"]] == [
        "Hanoi", "Haiphong"]
    (lat, lon) = data["features"][1]["properties"]["at"]
    assert 20.6 < lat < 21.0 and 106.4 < lon < 107.1


def test_a_loader_that_fails_leaves_the_map_without_background(provinces):
    def missing(current: bool) -> gpd.GeoDataFrame:
        raise DataFileError("layers/provinces.geojson: missing")

    assert background.load_layers(missing) == (None, None)
    assert background.load_layers(None) == (None, None)
    current, former = background.load_layers(lambda current: provinces if current else provinces.iloc[:1])
    assert len(current) == 3 and len(former) == 1
    assert background.boundary_payload(None) is None


def test_the_map_draws_both_layers_former_hidden(provinces):
    data = background.boundary_payload(provinces, "en")
    html = mapview.rendered_html(mapview.build_map({"modes": {}, "lang": "en"}, boundaries=data,
                                                   former_boundaries=data))
    assert html.count("window.gtBoundaries(") == 2
    # the former provinces come as JSON text, read by the page only when they are turned on
    assert html.count('"{\\"type\\":\\"FeatureCollection\\"') == 1
    assert "Former province boundaries (before July 2025)" in html and "Haiphong" in html


def test_the_frame_is_the_part_of_the_selection_inside_the_delta():
    rail = LineString([(105.8, 21.0), (106.7, 10.8)])  # Hà Nội → Hồ Chí Minh City
    port = Point(106.9, 20.8)
    frame, whole = payload.frame_bounds(np.array([rail, port], dtype=object))
    (south, west), (north, east) = style.REGION_BOUNDS
    assert south <= frame[0][0] and frame[1][0] <= north and west <= frame[0][1] and frame[1][1] <= east
    assert whole[0][0] == pytest.approx(10.8) and whole[1][0] == pytest.approx(21.0)
    far, far_whole = payload.frame_bounds(np.array([Point(106.7, 10.8)], dtype=object))
    assert far == far_whole  # nothing in the region: the selection is framed whole
    assert payload.frame_bounds(np.array([], dtype=object)) == (None, None)


def test_layers_by_address_are_files_the_map_fetches(provinces, tmp_path):
    data = background.boundary_payload(provinces, "en")
    folder = tmp_path / background.SERVED_FOLDER
    given = background.by_address({"current": data, "former": data, "none": None}, folder)
    assert given["none"] is None and given["current"] == given["former"]  # one file for the same layer
    url = given["current"]["url"]
    assert url.startswith(background.SERVED_URL + "/")
    assert json.loads((folder / url.rsplit("/", 1)[1]).read_text(encoding="utf-8")) == json.loads(json.dumps(data))
    html = mapview.rendered_html(mapview.build_map({"modes": {}, "lang": "en"}, boundaries=given["current"],
                                                   former_boundaries=given["former"]))
    assert html.count("window.gtBoundaries(") == 2 and html.count(url) == 2
    assert '"FeatureCollection"' not in html and "Haiphong" not in html  # the shapes and names are in the file
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert background.by_address({"current": data}, blocked / "x") == {"current": data}
