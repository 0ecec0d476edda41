"""The WebGL map in Chromium (software GL): drawn offline, hover shows names as text, a click selects.

The app switches to it from ``$GEOTRACK_WEBGL_MIN_ITEMS`` items; here that is 1, so the six
fixture items (one named ``<img onerror=…>``) are drawn with deck.gl.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from mapfixtures import XSS_NAME
from playwright.sync_api import Page, expect

from geotrack.filters import Filter
from geotrack.store import GeoPackageStore
from geotrack.ui import deck as deckview
from geotrack.ui import i18n

from .browserkit import Offline, Server, hover_until_shown, start_server, stop_server, wait_idle

pytestmark = pytest.mark.browser
DECK = "[data-testid='stDeckGlJsonChart']"


@pytest.fixture(scope="module")
def webgl_server(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(fixture_store, tmp_path_factory.mktemp("webgl-log") / "streamlit.log",
                          env={"GEOTRACK_WEBGL_MIN_ITEMS": "1"})
    yield server
    stop_server(server)


def _screen_point(page: Page, store: Path, lon: float, lat: float, flt: Filter | None = None) -> tuple[float, float]:
    """Where (lon, lat) is on the page: deck.gl's Web Mercator (a 512-pixel world at zoom 0) around the
    initial view of the app's deck of the items ``flt`` keeps."""
    view = deckview.build_deck(deckview.deck_payload(GeoPackageStore(store).load(flt))).initial_view_state
    box = page.locator(f"{DECK} canvas").first.bounding_box()
    assert box is not None
    scale = 512 * 2**view.zoom

    def mercator_y(phi: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(phi) / 2))

    x = (lon - view.longitude) / 360 * scale
    y = -(mercator_y(lat) - mercator_y(view.latitude)) / (2 * math.pi) * scale
    return box["x"] + box["width"] / 2 + x, box["y"] + box["height"] / 2 + y


def test_webgl_map_draws_offline_and_a_click_selects(page: Page, offline: Offline, webgl_server: Server,
                                                     fixture_store: Path):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    fetched: list[str] = []
    page.context.on("request", lambda r: fetched.append(r.url) if deckview.DATA_URL in r.url else None)
    page.goto(webgl_server.url)
    expect(page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']")).to_have_count(1)
    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1, timeout=60_000)
    canvas = page.locator(f"{DECK} canvas").first
    expect(canvas).to_be_visible()
    assert not page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator("*").count()
    # the airport named XSS_NAME, shown as the text it is
    x, y = hover_until_shown(page, functools.partial(_screen_point, page, fixture_store, 105.55, 21.15),
                             page.locator(".deck-tooltip"), XSS_NAME)
    # drawn from rows it fetched by address (the page's JSON5 reading of a deck is slow), one file per kind of drawing
    drawn = deckview.deck_payload(GeoPackageStore(fixture_store).load())["layers"]
    assert len(set(fetched)) == sum(1 for rows in drawn.values() if rows) >= 2
    assert all(u.endswith(".json") for u in fetched)
    assert page.evaluate("() => window.__xss") is None and not page.locator("img[src='x']").count()
    page.mouse.click(x, y)
    page.wait_for_url("**sel=xss-airport**")  # the app put the selection in the link
    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1, timeout=30_000)
    expect(page.get_by_text("[xss-airport]").first).to_be_visible()  # the item list shows the selection
    assert page.evaluate("() => window.__xss") is None
    assert offline.blocked == [] and not [e for e in errors if "WebGL" in e or "deck" in e.lower()]


def test_a_new_selection_is_drawn_by_a_new_chart_that_still_selects(page: Page, offline: Offline,
                                                                      webgl_server: Server, fixture_store: Path):
    # a drawn chart given new rows kept the software GL busy for half a minute at 30,000 items: a new
    # selection gets a new chart (deck.chart_key), and a click on that one must still select
    page.goto(webgl_server.url)
    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1, timeout=60_000)
    expect(page.locator(f"{DECK} canvas").first).to_be_visible()
    page.evaluate(f"() => {{ document.querySelector(\"{DECK} canvas\").dataset.gtOld = '1'; }}")
    airports = i18n.mode_label("airport", i18n.DEFAULT_LANG)
    page.locator(".st-key-f_modes input").click()
    page.keyboard.type(airports)
    page.get_by_role("option", name=airports, exact=True).click()
    page.keyboard.press("Escape")
    # the old chart is gone, not updated (with one key for every selection its canvas stays)
    expect(page.locator(f"{DECK} canvas[data-gt-old]")).to_have_count(0, timeout=30_000)
    expect(page.locator(f"{DECK} canvas").first).to_be_visible()
    wait_idle(page)
    x, y = hover_until_shown(page, functools.partial(_screen_point, page, fixture_store, 105.55, 21.15,
                                                     Filter(modes=("airport",))),
                             page.locator(".deck-tooltip"), XSS_NAME)
    page.mouse.click(x, y)
    page.wait_for_url("**sel=xss-airport**")
    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1, timeout=30_000)
    expect(page.get_by_text("[xss-airport]").first).to_be_visible()
    assert offline.blocked == []
