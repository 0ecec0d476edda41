"""The app in headless Chromium with every request off this machine blocked."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from mapfixtures import SCRIPT_AGENCY, XSS_NAME
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from geotrack import testing

from .browserkit import (
    MAP_FRAME,
    ROOT,
    Offline,
    Server,
    hover_until_shown,
    item_screen_point,
    map_frame,
    open_app,
    show_table,
    wait_idle,
)

pytestmark = pytest.mark.browser

LOCATED = {"ring-road-4-capital", "port-alpha", "port-bravo", "xss-airport", "rail-script-agency"}
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"}


def _drawn_ids(page: Page) -> list[str]:
    """Ids of the item features Leaflet has on the map (counted in the map, not from our attribute)."""
    return map_frame(page).evaluate(
        "() => { const ids = []; window.map.eachLayer(l => { if (l.feature && l.feature.id) ids.push(l.feature.id); });"
        " return ids; }"
    )


def _count_text(page: Page) -> str:
    return page.locator("h3").filter(has_text=re.compile(r"\d+ (/|of) \d+")).inner_text()


def _table_grid(page: Page) -> Any:
    return show_table(page).locator("[role='grid']").first


def _table_rows(page: Page) -> int:
    return int(_table_grid(page).get_attribute("aria-rowcount") or 0) - 1  # minus the header row


def _expect_table_rows(page: Page, rows: int) -> None:
    # the grid redraws a moment after the script ends: wait for it rather than read it at once
    expect(_table_grid(page)).to_have_attribute("aria-rowcount", str(rows + 1))


def _assert_map_shows(page: Page, ids: set[str]) -> None:
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(f".leaflet-container[data-gt-features='{len(ids)}']")).to_have_count(1)
    drawn = _drawn_ids(page)
    assert sorted(drawn) == sorted(ids)


def test_map_draws_every_item_offline(page: Page, app_server: Server, offline: Offline):
    frame = open_app(page, app_server.url)
    _assert_map_shows(page, LOCATED)
    assert map_frame(page).evaluate("() => L.version") == "1.9.4"
    assert map_frame(page).evaluate("() => document.querySelectorAll('.leaflet-overlay-pane canvas').length") >= 1
    scripts = map_frame(page).evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    assert all(s.startswith(app_server.url) for s in scripts), scripts
    expect(frame.locator(".gt-legend")).to_be_visible()
    assert "6 / 6" in _count_text(page)
    assert _table_rows(page) == 6
    assert offline.blocked == []  # nothing asked to leave the machine: the basemap is off until turned on


def test_the_basemap_is_a_layer_turned_on_in_the_map(page: Page, app_server: Server, offline: Offline):
    open_app(page, f"{app_server.url}/?lang=en")
    _assert_map_shows(page, LOCATED)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-control-layers").hover()  # the control opens as a pointer comes over it
    basemap = frame.get_by_label("OpenStreetMap basemap (needs internet)")
    expect(basemap).not_to_be_checked()
    assert offline.blocked == []
    with page.expect_request(lambda request: "tile.openstreetmap.org" in request.url):
        basemap.check()  # Leaflet asks for tiles once it is on (refused here, offline)
    assert {re.sub(r"^https?://([^/]+)/.*$", r"\1", u) for u in offline.blocked} == {"tile.openstreetmap.org"}
    expect(basemap).to_be_checked()
    _assert_map_shows(page, LOCATED)


def test_filter_by_widget_changes_map_table_and_url(page: Page, app_server: Server):
    open_app(page, app_server.url)
    search = page.get_by_label(re.compile("Tìm kiếm"))
    search.fill("bravo")
    search.press("Enter")
    expect(page.locator("h3").filter(has_text="1 / 6")).to_have_count(1)
    wait_idle(page)
    _assert_map_shows(page, {"port-bravo"})
    _expect_table_rows(page, 1)
    page.wait_for_url(re.compile(r"[?&]search=bravo"))


def test_url_restores_the_filters(page: Page, app_server: Server):
    open_app(page, f"{app_server.url}/?lang=en&modes=seaport&provinces={quote('Hải Dương')}")
    _assert_map_shows(page, {"port-bravo"})
    assert "1 of 6" in _count_text(page)
    expect(page.get_by_text("Hải Dương (former, now Hải Phòng) · Hai Duong")).to_be_visible()
    expect(page.get_by_text("Seaport", exact=True).first).to_be_visible()
    assert _table_rows(page) == 1


def _valid_position(p: Any) -> bool:
    return (isinstance(p, list) and len(p) in (2, 3) and all(isinstance(v, int | float) for v in p)
            and -180 <= p[0] <= 180 and -90 <= p[1] <= 90)


def _assert_rfc7946(doc: dict[str, Any]) -> None:
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geom = feature["geometry"]
        if geom is None:
            continue
        assert geom["type"] in GEOMETRY_TYPES
        coords = geom["coordinates"]
        if geom["type"] == "Point":
            assert _valid_position(coords)
        elif geom["type"] in ("LineString", "MultiPoint"):
            assert all(_valid_position(p) for p in coords) and (geom["type"] == "MultiPoint" or len(coords) >= 2)
        elif geom["type"] == "MultiLineString":
            assert all(len(line) >= 2 and all(_valid_position(p) for p in line) for line in coords)


def test_download_holds_exactly_the_filtered_items(page: Page, app_server: Server, tmp_path: Path):
    open_app(page, f"{app_server.url}/?statuses=under_construction")
    page.get_by_role("button", name=re.compile("Tải dữ liệu")).click()  # the downloads' menu
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("GeoJSON")).click()
    download = info.value
    # the name says what was filtered
    assert download.suggested_filename == f"geotrack-under-construction-{dt.date.today():%Y%m%d}.geojson"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    doc = json.loads(target.read_text(encoding="utf-8"))
    _assert_rfc7946(doc)
    assert sorted(f["id"] for f in doc["features"]) == ["port-bravo", "ring-road-4-capital"]
    assert doc["metadata"]["filter"] == {"statuses": "under_construction"}


def test_hostile_texts_run_nothing_and_show_as_text(page: Page, app_server: Server):
    frame = open_app(page, app_server.url)
    tooltip = frame.locator(".leaflet-tooltip:not(.gt-prov)")  # not the province names of the background
    x, y = hover_until_shown(page, functools.partial(item_screen_point, page, "xss-airport"), tooltip, XSS_NAME)
    assert frame.locator(".leaflet-tooltip img").count() == 0
    page.mouse.click(x, y)
    # the click selects the item: its page beside the map shows the name as text (the map opens no popup)
    expect(page.locator(".gt-item h3.gt-title")).to_have_text(XSS_NAME)
    assert page.locator(".gt-item img").count() == 0 and frame.locator(".leaflet-popup").count() == 0
    wait_idle(page)
    page.mouse.click(*item_screen_point(page, "rail-script-agency"))
    expect(page.locator(".gt-item").filter(has_text=SCRIPT_AGENCY)).to_have_count(1)
    wait_idle(page)
    assert map_frame(page).evaluate("() => window.__xss") is None
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0


def test_screenshot(page: Page, app_server: Server):
    """A picture of the app for people: artifacts/app.png (the test data)."""
    open_app(page, f"{app_server.url}/?lang=en&sel=ring-road-4-capital")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-zoom-anim")).to_have_count(0)
    show_table(page)
    out = ROOT / "artifacts" / "app.png"
    out.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(out))
    assert out.stat().st_size > 10_000
    docs = ROOT / "docs" / "screenshot.png"
    if not docs.exists():
        docs.parent.mkdir(exist_ok=True)
        shutil.copy(out, docs)


def test_feature_ids_helper_matches_the_page(page: Page, app_server: Server):
    """The ids the map reports on its container are the ids Leaflet drew (what other tests rely on)."""
    frame = open_app(page, f"{app_server.url}/?modes=seaport,airport")
    ids = frame.locator(".leaflet-container").get_attribute("data-gt-ids") or ""
    assert sorted(ids.split()) == sorted(_drawn_ids(page)) == ["port-alpha", "port-bravo", "xss-airport"]
    assert testing.feature_ids_in_script("") == []


def _boundary_layers(page: Page) -> list[dict[str, Any]]:
    """Province polygons Leaflet drew, with their name and whether they are the former (pre-2025) set."""
    return map_frame(page).evaluate(
        "() => { const out = []; window.map.eachLayer(l => { const f = l.feature;"
        " if (f && !f.id && f.properties && f.properties.name && l.getBounds)"
        "   out.push({name: f.properties.name, dashed: !!(l.options && l.options.dashArray)}); });"
        " return out; }"
    )


def test_the_province_boundaries_are_drawn_offline_with_their_names(page: Page, app_server: Server,
                                                                      offline: Offline):
    frame = open_app(page, app_server.url)  # Vietnamese: the names as written there
    drawn = _boundary_layers(page)
    current = {d["name"] for d in drawn if not d["dashed"]}
    assert {"Hà Nội", "Hải Phòng", "Hưng Yên", "Ninh Bình", "Bắc Ninh", "Quảng Ninh"} <= current
    assert not any(d["dashed"] for d in drawn)  # the former provinces wait behind their toggle
    # each name is centred on its province's label point (measured where the browser drew it), inside the
    # map, and comes from the package's layers, not the network
    expect(frame.locator(".gt-prov", has_text="Hải Phòng").first).to_be_visible()
    off_centre = (
        "() => { const off = []; window.map.eachLayer(l => { if (l instanceof L.Tooltip && l.options.permanent) {"
        " const r = l.getElement().getBoundingClientRect(), p = window.map.latLngToContainerPoint(l.getLatLng());"
        " const dx = r.left + r.width / 2 - p.x, dy = r.top + r.height / 2 - p.y;"
        " if (Math.hypot(dx, dy) > 3) off.push([l.getContent(), Math.round(dx), Math.round(dy)]); } });"
        " return off; }")
    with contextlib.suppress(PlaywrightTimeoutError):  # the names are centred again a moment after they are drawn
        map_frame(page).wait_for_function(f"() => ({off_centre})().length === 0", timeout=5_000)
    assert map_frame(page).evaluate(off_centre) == []
    box = page.locator(MAP_FRAME).bounding_box()
    at = frame.locator(".gt-prov", has_text="Hải Phòng").first.bounding_box()
    assert box["x"] <= at["x"] and at["x"] + at["width"] <= box["x"] + box["width"]
    assert {re.sub(r"^https?://([^/]+)/.*$", r"\1", u) for u in offline.blocked} <= {"tile.openstreetmap.org"}
    # the former provinces (before 1 July 2025) come on with their layer's toggle
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays label", has_text="tỉnh cũ").locator("input").check()
    expect(frame.locator(".gt-prov-former").first).to_be_attached()
    former = {d["name"] for d in _boundary_layers(page) if d["dashed"]}
    assert {"Hải Dương", "Thái Bình", "Hà Nam", "Nam Định"} <= former
