"""The map built from a frame: layers per mode, fixed colours, status styles, escaping, no CDN."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from mapfixtures import SCRIPT_AGENCY, XSS_NAME, fixture_records
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    shape,
)

from geotrack import settings, testing, vocab
from geotrack.errors import GeotrackError
from geotrack.frames import items_to_frame
from geotrack.io import read_corridors
from geotrack.model import Item
from geotrack.ui import i18n
from geotrack.ui import leaflet as mapview
from geotrack.ui import payload as mappayload
from geotrack.ui import style as look


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return items_to_frame([Item.from_record(r) for r in fixture_records()])


@pytest.fixture(scope="module")
def payload(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    return mappayload.map_payload(frame, "vi", mappayload.corridor_names(read_corridors()))


@pytest.fixture(scope="module")
def page(payload: dict[str, Any]) -> str:
    m = mapview.build_map(payload, corridors=mappayload.corridor_payload(read_corridors()), tiles=False)
    return mapview.rendered_html(m)


def test_one_collection_per_mode_with_exactly_the_located_items(frame, payload):
    located = frame[frame.geometry.notna()]
    assert list(payload["modes"]) == [m for m in vocab.MODES if m in set(located["mode"])]
    for mode in payload["modes"]:
        assert [f["id"] for f in testing.decode_features(payload, mode)] == list(located[located["mode"] == mode]["id"])
    assert payload["count"] == len(located) == 5
    assert payload["missing"] == ["social-nowhere"]


def test_a_feature_group_per_mode_in_the_map(payload, page):
    for mode, entry in payload["modes"].items():
        label = f"{i18n.mode_label(mode, 'vi')} ({len(entry['ids'])})"
        assert json.dumps(label) in page  # the layer control names the group
    assert testing.feature_ids_in_script(page) == [
        f["id"] for mode in payload["modes"] for f in testing.decode_features(payload, mode)
    ]


def test_colours_come_from_the_fixed_table(payload):
    assert set(look.MODE_COLOURS) == set(vocab.MODES)
    assert len(set(look.MODE_COLOURS.values())) == len(vocab.MODES)
    for key, style in payload["styles"].items():
        mode, status = key.split("|")
        expected = look.GREY if look.STATUS_STYLES[status].grey else look.MODE_COLOURS[mode]
        assert style["color"] == expected


def test_a_colour_in_the_data_is_ignored(frame):
    painted = frame.copy()
    painted["color"] = "#000000"
    styles = mappayload.map_payload(painted)["styles"]
    assert all(s["color"] != "#000000" for s in styles.values())


def test_unknown_mode_has_no_colour():
    with pytest.raises(GeotrackError):
        look.mode_colour("spaceport")


@pytest.mark.parametrize(("status", "dash", "bold", "grey"), [
    ("study", "6 6", False, False),
    ("planned", "6 6", False, False),
    ("preparation", "10 5 2 5", False, False),
    ("approved", "10 5 2 5", False, False),
    ("under_construction", None, False, False),
    ("partly_open", None, True, False),
    ("operational", None, True, False),
    ("suspended", "4 6", False, True),
    ("cancelled", "2 6", False, True),
])
def test_status_shows_in_the_line_style(status, dash, bold, grey):
    style = look.item_style("expressway", status)
    assert style["dashArray"] == dash
    assert (style["weight"] > 4) is bold
    assert (style["color"] == look.GREY) is grey
    assert set(vocab.STATUSES) == set(look.STATUS_STYLES)


def test_hostile_texts_appear_only_escaped(page):
    assert "<img" not in page
    assert "onerror=\"" not in page
    assert "<script>window" not in page
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in page
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in page.replace("\\u003c", "<")
    # the only </script> are the page's own closing tags
    assert page.count("</script>") == page.count("<script")


def test_tooltip_and_popup_escape_every_text(frame):
    rows = {r["id"]: r for r in frame.to_dict("records")}
    tooltip = mappayload.tooltip_html(rows["xss-airport"])
    popup = mappayload.popup_html(rows["rail-script-agency"])
    assert XSS_NAME not in tooltip and "&lt;img" in tooltip
    assert SCRIPT_AGENCY not in popup and "&lt;script&gt;" in popup


def test_popup_holds_the_facts(frame):
    row = next(r for r in frame.to_dict("records") if r["id"] == "ring-road-4-capital")
    popup = mappayload.popup_html(row, "en", {"ring-4-capital": ("Vành đai 4", "Ring Road 4")})
    for text in ("Ring Road 4 – Capital Region", "Đường vành đai 4", "Under construction", "2025-06-30",
                 "Đến năm 2027", "State budget", "85,813 billion VND", "Bộ Giao thông vận tải", "Bộ Xây dựng",
                 "Hưng Yên", "Bắc Giang", "Ring Road 4", "30-NQ/TW · Mục III.3 · line 114",
                 "14/NQ-CP · II.4.a(i) · line 441"):
        assert text in popup, text


def test_no_cdn_in_the_rendered_page(page):
    assert testing.external_urls(page) == []
    assert "cdn" not in page.lower()
    assert not re.search(r"https?://", page)  # nothing at all leaves the app without the basemap
    assert f'src="{mapview.LEAFLET_JS}"' in page
    assert f'href="{mapview.LEAFLET_CSS}"' in page
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()


def test_only_tile_urls_with_the_basemap(payload):
    page = mapview.rendered_html(mapview.build_map(payload, tiles=True))
    assert testing.external_urls(page) == []
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", page))
    assert hosts <= {"tile.openstreetmap.org", "www.openstreetmap.org"}


def test_the_basemap_is_an_overlay_off_until_turned_on(payload):
    page = mapview.rendered_html(mapview.build_map({**payload, "lang": "en"}, tiles=True))
    tiles = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(", page)
    assert tiles, "no tile layer"
    assert f"{tiles.group(1)}.addTo(" not in page  # Leaflet asks for no tile until it is on
    assert re.search(r'"OpenStreetMap basemap \(needs internet\)" : ' + tiles.group(1), page)  # in the control


def test_prefer_canvas_and_legend(page, payload):
    assert '"preferCanvas": true' in page
    legend = mappayload.legend_html(payload["modes"], "en")
    for mode in payload["modes"]:
        assert i18n.mode_label(mode, "en") in legend


def test_coordinates_rounded_and_lines_simplified():
    wiggly = LineString([(105.0 + i * 1e-6, 21.0 + (i % 2) * 1e-6) for i in range(200)] + [(105.1234567, 21.1)])
    simple = mappayload.simplify_for_map(wiggly)
    assert simple is not None and len(simple.coords) < 10
    point = mappayload.simplify_for_map(Point(105.123456789, 21.987654321))
    assert point is not None and (point.x, point.y) == (105.12346, 21.98765)
    assert mappayload.simplify_for_map(None) is None


def test_payload_coordinates_have_at_most_five_decimals(payload):
    assert {entry["geometry"]["scale"] for entry in payload["modes"].values()} == {10**look.MAP_DECIMALS}
    text = json.dumps([f["geometry"] for mode in payload["modes"] for f in testing.decode_features(payload, mode)])
    assert not re.search(r"\d\.\d{6,}", text)


def test_item_id_from_tooltip_text(frame):
    row = next(r for r in frame.to_dict("records") if r["id"] == "xss-airport")
    text = re.sub(r"<[^>]+>", "", mappayload.tooltip_html(row))  # what the map returns: the text content
    assert mappayload.item_id_from_tooltip(text) == "xss-airport"
    assert mappayload.item_id_from_tooltip("Ring Road 4") is None
    assert mappayload.item_id_from_tooltip(None) is None


def test_js_json_cannot_close_the_script():
    text = mappayload.js_json({"a": "</script><!-- \u2028"})
    assert "</" not in text and "<!" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028"}


def test_focus_view():
    view = look.focus_view(Point(106.0, 21.0))
    assert view == ((21.0, 106.0), look.FOCUS_MAX_ZOOM)
    wide = look.focus_view(LineString([(105.0, 20.5), (106.5, 21.5)]))
    assert wide is not None and 7 <= wide[1] <= 10
    assert look.focus_view(None) is None


def test_empty_frame_gives_an_empty_map(frame):
    payload = mappayload.map_payload(frame.iloc[0:0])
    assert payload["count"] == 0 and payload["bounds"] is None
    page = mapview.rendered_html(mapview.build_map(payload))
    assert testing.feature_ids_in_script(page) == []


def test_level_of_detail_follows_the_pixel_size():
    tol8, dec8 = look.level_of_detail(8)
    tol12, dec12 = look.level_of_detail(12)
    assert tol8 == pytest.approx(360 / (256 * 2**8)) and tol12 < tol8 and dec8 <= dec12
    assert look.level_of_detail(None) == (look.SIMPLIFY_DEGREES, look.MAP_DECIMALS)
    assert look.payload_zoom(100, 1_000) is None
    assert look.payload_zoom(settings.detail_max_items + 1, 1_000) == look.DEFAULT_ZOOM
    # few items of many coordinates are drawn at the default view's detail too
    assert look.payload_zoom(100, settings.detail_max_coordinates) is None
    assert look.payload_zoom(100, settings.detail_max_coordinates + 1) == look.DEFAULT_ZOOM


def test_coarse_payload_draws_the_same_items_lighter():
    from bench import synthetic

    frame = synthetic.frame(50)
    fine = mappayload.map_payload(frame, "en")
    coarse = mappayload.map_payload(frame, "en", zoom=8, popups=False)
    ids = [[f["id"] for mode in p["modes"] for f in testing.decode_features(p, mode)] for p in (fine, coarse)]
    assert ids[0] == ids[1] and len(ids[0]) == 50
    assert len(json.dumps(coarse)) < len(json.dumps(fine)) / 2
    assert all(f["properties"]["pp"] == "" for mode in coarse["modes"] for f in testing.decode_features(coarse, mode))


def test_template_syntax_in_item_text_is_not_rendered_on_the_server():
    record = fixture_records()[0] | {
        "name_vi": "{{7*7}} {% if 1 %}x{% endif %} {# c #} {{ cycler.__init__.__globals__.os.getpid() }}"}
    frame = items_to_frame([Item.from_record(record)])
    html = mapview.rendered_html(mapview.build_map(mappayload.map_payload(frame, "vi")))
    # the texts reach the page as written (their "{" escaped), not as what a template made of them
    assert "u007b{7*7}}" in html and "u007b{ cycler.__init__.__globals__.os.getpid() }}" in html
    assert "u007b% if 1 %}x" in html and "u007b# c #}" in html


GEOMETRIES = [
    Point(105.123456, 21.5),
    LineString([(105.0, 21.0), (105.01, 21.02), (105.03, 20.99)]),
    Polygon([(105, 21), (105.1, 21), (105.1, 21.1), (105, 21)], [[(105.02, 21.01), (105.05, 21.01), (105.05, 21.04),
                                                                  (105.02, 21.01)]]),
    MultiPoint([(105.2, 21.2), (105.3, 21.3)]),
    MultiLineString([[(105, 21), (105.5, 21.5)], [(106, 22), (106.2, 22.1), (106.4, 22.0)]]),
    MultiPolygon([Polygon([(105, 21), (105.1, 21), (105.1, 21.1), (105, 21)]),
                  Polygon([(106, 22), (106.1, 22), (106.1, 22.1), (106, 22)])]),
]


@pytest.mark.parametrize("decimals", [3, 5])
def test_compact_geometries_decode_to_the_rounded_geometries(decimals):
    encoded = mappayload.encode_geometries(np.array(GEOMETRIES, dtype=object), decimals)
    decoded = testing.decode_geometries(encoded)
    for geom, back in zip(GEOMETRIES, decoded, strict=True):
        rounded = shapely.transform(geom, lambda xy: np.round(xy, decimals))
        assert shapely.equals_exact(shape(back), rounded, tolerance=1e-9), (geom.geom_type, back)
        assert back["type"] == geom.geom_type
    assert all(isinstance(v, int) for v in encoded["xy"])


def test_a_collection_cannot_be_drawn():
    with pytest.raises(GeotrackError, match="collections"):
        mappayload.encode_geometries(np.array([GeometryCollection([Point(105, 21)])], dtype=object), 5)


def test_tooltips_from_the_payload_equal_the_reference(frame, payload):
    rows = {r["id"]: r for r in frame.to_dict("records")}
    for mode in payload["modes"]:
        for feature in testing.decode_features(payload, mode):
            assert feature["properties"]["tt"] == mappayload.tooltip_html(rows[feature["id"]], "vi")


def test_the_map_script_decodes_what_python_decodes(payload):
    """The decoder of the page (run in node) makes the same features as :func:`testing.decode_features`."""
    script = mapview.setup_script(payload["lang"])
    program = (f"var window = {{}};\n{script}\nvar payload = {mappayload.js_json(payload)};\n"
               "process.stdout.write(JSON.stringify(Object.keys(payload.modes).map("
               "function (m) { return window.gtFeatures(m, payload.modes[m]).features; })));")
    node = shutil.which("node")
    assert node, "node is part of the machine (see README: set-up)"
    result = subprocess.run([node, "-e", program], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(result.stdout) == [testing.decode_features(payload, mode) for mode in payload["modes"]]


def test_page_files_are_package_data_with_no_template_syntax(tmp_path):
    """The script and style ship in the wheel, are valid JavaScript, and hold nothing Jinja would run."""
    for name in ("js/map.js", "css/map.css"):
        text = (Path(mapview.__file__).parent / name).read_text(encoding="utf-8")
        assert not re.search(r"\{[{%#]", text), name
    assert mapview.MAP_JS in mapview.setup_script("vi") and mapview.MAP_CSS in mapview.rendered_html(
        mapview.build_map({"modes": {}, "lang": "vi"}))
    node = shutil.which("node")
    assert node
    subprocess.run([node, "--check", str(Path(mapview.__file__).parent / "js" / "map.js")], check=True, timeout=60)
    config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["setuptools"]["package-data"]["geotrack.ui"]) >= {"js/*.js", "css/*.css"}
