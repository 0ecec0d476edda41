"""Classic XSS, template and Markdown payloads in every text the app shows: none runs, each shows as text.

One store (:mod:`tests.e2e.hostile`) gives each payload its own item, with the payload as its
names, agencies, status source, source title, notes, deadline text and commitment section. The
app shows them in the map's tooltips, the item table, the item selectbox, the item
page (title, other-language name, facts, commitment card, source link), the timeline (axis labels
and tooltips) and the search box (from the URL). After all of it no marker ``window.__xss`` is set
in any frame, no dialog opened and no element a payload would inject exists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Dialog, Page, expect

from .browserkit import (
    MAP_FRAME,
    Offline,
    Server,
    hover_until_shown,
    item_screen_point,
    show_table,
    show_timeline,
    start_server,
    stop_server,
    wait_idle,
)
from .hostile import PAYLOADS, STREAMLIT_MARKUP_MARKERS, TEMPLATE_MARKERS, build_hostile_store, item_id, name_en

pytestmark = pytest.mark.browser

#: Elements a payload would leave behind had it been parsed as HTML (in any frame).
INJECTED = ("img[src='x'], svg[onload], iframe[srcdoc], details[ontoggle], b[onmouseover], [onerror], "
            "a[href^='javascript' i], math img")
PLAIN = [(m, p) for m, p in PAYLOADS if m not in TEMPLATE_MARKERS + STREAMLIT_MARKUP_MARKERS]
TEMPLATES = [(m, p) for m, p in PAYLOADS if m in TEMPLATE_MARKERS]
MARKUP = [(m, p) for m, p in PAYLOADS if m in STREAMLIT_MARKUP_MARKERS]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = build_hostile_store(tmp_path_factory.mktemp("hostile-store"))
    server = start_server(store, tmp_path_factory.mktemp("hostile-log") / "streamlit.log")
    yield server
    stop_server(server)


def _url(server: Server, markers: list[tuple[int, str]], **extra: str) -> str:
    ids = ",".join(item_id(m) for m, _ in markers)
    return f"{server.url}/?ids={ids}" + "".join(f"&{k}={quote(v)}" for k, v in extra.items())


def _open(page: Page, url: str) -> None:
    """Load ``url``; fail with the app's exception text if the script raised; wait for the map."""
    page.goto(url)
    expect(page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']")).to_have_count(1)
    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0)
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, f"the app raised: {errors.first.inner_text()[:600]}"
    expect(page.frame_locator(MAP_FRAME).locator(".leaflet-container[data-gt-features]")).to_have_count(1)


def _select(page: Page, ident: str, payload: str) -> None:
    """Pick the item in the item selectbox (typing its id to find it); check the option shows the payload."""
    show_table(page)  # the picker is made with the table, once asked for
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=re.compile("Chọn công trình"))
    box.locator("input").click()
    page.keyboard.type(ident)
    option = page.get_by_role("option").filter(has_text=f"[{ident}]")
    expect(option).to_have_count(1)
    expect(option).to_contain_text(payload)
    option.click()
    wait_idle(page)


def _assert_nothing_ran(page: Page, dialogs: list[str]) -> None:
    assert dialogs == [], dialogs
    for frame in page.frames:
        assert frame.evaluate("() => window.__xss") is None, (frame.url, frame.evaluate("() => window.__xss"))
        assert frame.locator(INJECTED).count() == 0, (frame.url, frame.locator(INJECTED).first.evaluate(
            "e => e.outerHTML"))


def _record_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def test_payloads_run_nowhere_and_show_as_text(page: Page, hostile_server: Server, offline: Offline):
    dialogs = _record_dialogs(page)
    places: dict[str, int] = {}

    def seen(place: str) -> None:
        places[place] = places.get(place, 0) + 1

    _open(page, _url(hostile_server, PLAIN))
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(f".leaflet-container[data-gt-features='{len(PLAIN)}']")).to_have_count(1)

    # the map: hover (tooltip) and click (it selects the item: its detail heading)
    for marker, payload in PLAIN:
        ident = item_id(marker)
        x, y = hover_until_shown(page, functools.partial(item_screen_point, page, ident),
                                 frame.locator(".leaflet-tooltip").filter(has_text=f"[{ident}]"), payload)
        seen("map tooltip")
        page.mouse.click(x, y)
        expect(page.locator("article.gt-item h3.gt-title")).to_contain_text(payload)
        wait_idle(page)
        seen("detail heading (map click)")
    _assert_nothing_ran(page, dialogs)

    # the selectbox, then the whole item page: names, facts, commitment cards and sources, each as text
    for marker, payload in PLAIN:
        ident = item_id(marker)
        _select(page, ident, payload)
        seen("item selectbox option")
        article = page.locator("article.gt-item")
        expect(article.locator("h3.gt-title")).to_have_text(payload)
        seen("item page title (selectbox)")
        expect(article.locator(".gt-muted").filter(has_text=name_en(payload)).first).to_have_text(name_en(payload))
        seen("item page other-language name")
        facts = article.locator("dl.gt-facts dd")
        for text in (payload, f"{payload} (now)"):
            expect(facts.filter(has_text=text).first).to_be_visible()
        seen("item page facts")
        expect(article.locator("dl.gt-facts dd span[lang='en']").filter(has_text=payload)).to_have_count(2)
        seen("item page notes and geometry source")
        expect(article.locator(".gt-card .gt-where")).to_contain_text("14/NQ-CP")
        expect(article.locator(".gt-card .gt-where")).to_contain_text(payload)
        seen("item page commitment card")
        source = article.locator(f".gt-sources a[href='https://example.org/{marker}']")
        expect(source).to_have_text(payload)
        seen("item page source link")
    _assert_nothing_ran(page, dialogs)

    # the item table (scrolled through) and the timeline (labels and every bar's tooltip)
    table = show_table(page)
    table.scroll_into_view_if_needed()
    shown: set[str] = set()
    for _ in range(len(PLAIN)):
        cells = table.locator("[role='gridcell']").all_inner_texts()
        shown.update(p for _, p in PLAIN if p in cells)
        if len(shown) == len(PLAIN):
            break
        table.hover()
        page.mouse.wheel(0, 120)
    assert len(shown) >= len(PLAIN) // 2, shown
    places["item table"] = len(shown)

    chart = show_timeline(page)
    chart.scroll_into_view_if_needed()
    labels = chart.locator("svg text").all_text_contents()
    places["timeline labels"] = sum(1 for _, p in PLAIN if any(p[:40] in label for label in labels))
    bars = chart.locator(".mark-rect path")
    expect(bars).to_have_count(len(PLAIN))
    tooltip = page.locator("#vg-tooltip-element")
    for i in range(bars.count()):
        bars.nth(i).hover(force=True)
        expect(tooltip).to_be_visible()
        expect(tooltip).to_contain_text("2024–2030")
        seen("timeline tooltip")
    _assert_nothing_ran(page, dialogs)

    # the search box, filled from the URL: the payload is its value and finds its item
    for marker, payload in PLAIN[:2]:
        _open(page, _url(hostile_server, PLAIN, search=payload))
        expect(page.get_by_label(re.compile("Tìm kiếm"))).to_have_value(payload)
        expect(page.frame_locator(MAP_FRAME).locator(".leaflet-container")).to_have_attribute(
            "data-gt-ids", re.compile(rf"\b{item_id(marker)}\b"))
        seen("search box (URL)")
    _assert_nothing_ran(page, dialogs)

    assert len(PLAIN) >= 12
    assert len(places) >= 10, places
    exercised = sum(places.values())
    assert exercised >= 12 * 5, places
    print(f"\n{len(PAYLOADS)} payloads ({len(PLAIN)} here) in {len(places)} places: {exercised} renderings {places}")
    assert {re.sub(r"^https?://([^/]+)/.*$", r"\1", u) for u in offline.blocked} <= {"tile.openstreetmap.org"}


def test_template_payloads_stay_text(page: Page, hostile_server: Server):
    """``{{ … }}`` in an item's text is neither evaluated (Jinja on the server, a template in the page)
    nor breaks the map: it shows as written."""
    dialogs = _record_dialogs(page)
    _open(page, _url(hostile_server, TEMPLATES))
    frame = page.frame_locator(MAP_FRAME)
    for marker, payload in TEMPLATES:
        hover_until_shown(page, functools.partial(item_screen_point, page, item_id(marker)),
                          frame.locator(".leaflet-tooltip").filter(has_text=f"[{item_id(marker)}]"), payload)
    _assert_nothing_ran(page, dialogs)


def test_streamlit_markup_payloads_stay_text(page: Page, hostile_server: Server):
    """Streamlit's own Markdown extensions (``:material/…:`` icons, ``:red[…]``, ``:smile:``) in an item's
    name show as written in the detail heading, not as an icon, a colour or an emoji."""
    dialogs = _record_dialogs(page)
    for marker, payload in MARKUP:
        _open(page, _url(hostile_server, MARKUP, sel=item_id(marker)))
        expect(page.locator("article.gt-item h3.gt-title")).to_contain_text(payload)
    _assert_nothing_ran(page, dialogs)
