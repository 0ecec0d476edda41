"""The page for people, on the real dataset, in Chromium offline: framing, item page, summary, timeline.

Each flow is checked by what a reader sees (bounding boxes, texts, links) and, where the CLI
reports the same figure, against the CLI's own output for the same filter.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from geotrack.ui import frontend, i18n, style

from .browserkit import MAP_FRAME, ROOT, Offline, Server, map_frame, open_app, show_table, show_timeline, wait_idle

pytestmark = pytest.mark.browser
GEOTRACK = [sys.executable, "-m", "geotrack.cli"]


def _page(browser: Browser, width: int, height: int) -> Page:
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    context.route("**/*", Offline().route)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    page = _page(browser, 1440, 900)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    page = _page(browser, 390, 844)
    yield page
    page.context.close()


def _cli(store: Path, *args: str) -> str:
    return subprocess.run([*GEOTRACK, "--store", str(store), *args], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout


def _view(page: Page) -> tuple[float, float, float, float]:
    """(south, west, north, east) the map shows once its fit has settled."""
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-zoom-anim")).to_have_count(0)
    return tuple(map_frame(page).evaluate(
        "() => { const b = window.map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"))


def _in_region(view: tuple[float, float, float, float], margin: float = 0.6) -> bool:
    (south, west), (north, east) = style.REGION_BOUNDS
    return (view[0] > south - margin and view[2] < north + margin and view[1] > west - margin
            and view[3] < east + margin)


def test_the_map_opens_on_the_delta_and_rail_does_not_zoom_out_to_the_country(desktop: Page, real_server: Server):
    open_app(desktop, real_server.url)
    assert _in_region(_view(desktop))
    frame = open_app(desktop, f"{real_server.url}/?modes=rail")
    rail = _view(desktop)
    assert _in_region(rail), rail  # the North–South line runs to 10.8° N: it does not decide the frame
    frame.locator(".gt-whole").click()
    expect(frame.locator(".leaflet-zoom-anim")).to_have_count(0)
    desktop.wait_for_function("() => true")
    whole = map_frame(desktop).evaluate("() => window.map.getBounds().getSouth()")
    assert whole < 12, whole  # the whole extent reaches Hồ Chí Minh City


def _in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return bool(box and size and box["y"] >= -1 and box["y"] < size["height"] - 40)


def _click_item(page: Page, item_id: str) -> None:
    """Click the point of ``item_id`` on the map, where the map draws it."""
    point = map_frame(page).evaluate(
        """(id) => { let pt = null; window.map.eachLayer(l => {
             if (!pt && l.feature && l.feature.id === id && l.getLatLng) {
               const p = window.map.latLngToContainerPoint(l.getLatLng()); pt = [p.x, p.y]; } });
           return pt; }""", item_id)
    assert point, f"{item_id} is drawn"
    box = page.locator(MAP_FRAME).bounding_box()
    assert box
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


_WATCH_MAP_TOP = """
window.__mapTops = [];
(function watch() {
  const frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
  const box = frame && frame.getBoundingClientRect();
  if (box && box.height > 0) {  // a frame not yet sized is not seen
    const top = Math.round(box.top);
    if (window.__mapTops[window.__mapTops.length - 1] !== top) { window.__mapTops.push(top); }
  }
  requestAnimationFrame(watch);
})();
"""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_map_does_not_move_when_the_header_comes_after_it(desktop: Page, phone: Page, real_server: Server,
                                                               lang: str):
    # the map is sent before the header: the header's place keeps its height, so the map never jumps down (held
    # back a second on the server, the header made a map without that height jump 56 px; on a phone, 1 px)
    for page in (desktop, phone):
        page.add_init_script(_WATCH_MAP_TOP)
        open_app(page, f"{real_server.url}/?lang={lang}")
        wait_idle(page)
        tops = page.evaluate("() => window.__mapTops")
        assert tops and max(tops) - min(tops) <= 1, tops  # one place (to the pixel) from the frame it was first seen in


def test_a_map_click_opens_the_item_page_in_view(desktop: Page, real_server: Server):
    frame = open_app(desktop, f"{real_server.url}/?lang=en&search=cat+bi")
    _click_item(desktop, "airport-cat-bi")
    expect(desktop.locator(".gt-item .gt-id")).to_have_text("airport-cat-bi")
    wait_idle(desktop)
    assert _in_viewport(desktop, ".gt-item")
    assert frame.locator(".leaflet-container").count() == 1


_RING_AT = """(id) => {
    let item = null;
    window.map.eachLayer(l => { if (!item && l.feature && l.feature.id === id && l.getLatLng) item = l; });
    const ring = window.gtRing && window.gtRing.getLayers()[0];
    if (!item || !ring) return null;
    return [ring.feature.properties.ring, item.getLatLng().distanceTo(ring.getLatLng()),
            ring.options.color, ring.options.interactive];
}"""


def test_the_selected_item_is_ringed_where_it_is_drawn_and_a_click_swaps_no_layers(desktop: Page, real_server: Server):
    open_app(desktop, f"{real_server.url}/?lang=en&search=lach+huyen&sel=port-lach-huyen")
    frame = map_frame(desktop)
    # selected from the address: the map's first render rings it (berths are spread around the port's point)
    frame.wait_for_function(f"() => ({_RING_AT})('port-lach-huyen') !== null")
    ring_id, apart, colour, interactive = frame.evaluate(_RING_AT, "port-lach-huyen")
    assert (ring_id, colour, interactive) == ("port-lach-huyen", style.HIGHLIGHT, False) and apart < 1
    frame.evaluate("() => { window.feature_group.gtBefore = true; }")
    _click_item(desktop, "lach-huyen-berth-3")
    expect(desktop.locator(".gt-item .gt-id")).to_have_text("lach-huyen-berth-3")
    frame.wait_for_function(f"() => ({_RING_AT})('lach-huyen-berth-3') !== null")
    # where it is drawn now (a spread point may sit off its true place)
    assert frame.evaluate(_RING_AT, "lach-huyen-berth-3")[1] < 1
    assert frame.evaluate("() => window.gtRing.getLayers().length") == 1
    assert frame.evaluate("() => window.feature_group.gtBefore === true")  # the item layers were not sent again


_POINTS_ON_SCREEN = """() => {
  // every drawn point item's place on the screen and whether it was moved off its true place
  const out = [];
  Object.keys(window.gtLayers).forEach(function (mode) {
    const layer = window.gtLayers[mode].layer;
    if (!window.map.hasLayer(layer)) { return; }
    layer.eachLayer(function (l) {
      if (!l.options || !l.options.gtHome) { return; }
      const p = window.map.latLngToContainerPoint(l.getLatLng());
      out.push([l.feature.id, p.x, p.y, !l.getLatLng().equals(l.options.gtHome)]);
    });
  });
  return {points: out, legs: window.gtLegs ? window.gtLegs.getLayers().length : 0};
}"""


def test_points_drawn_on_one_another_are_spread_apart_with_a_leg_to_their_place(desktop: Page, real_server: Server):
    # berths of Lạch Huyện lie within a few pixels of one another even at the fitted zoom: each is drawn
    # apart, joined to its place by a leg
    open_app(desktop, f"{real_server.url}/?lang=en&search=lach+huyen")
    frame = map_frame(desktop)
    frame.wait_for_function("() => window.gtLegs && window.gtLegs.getLayers().length > 0")
    drawn = frame.evaluate(_POINTS_ON_SCREEN)
    points = drawn["points"]
    moved = [p for p in points if p[3]]
    assert len(moved) >= 3 and drawn["legs"] == len(moved)
    assert {"lach-huyen-berth-3", "lach-huyen-berth-4"} <= {p[0] for p in moved}
    closest = min(((a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) ** 0.5 for a, b in itertools.combinations(points, 2))
    assert closest >= 10, closest


def test_a_map_click_is_reported_at_once_not_after_the_debounce_of_map_moves(desktop: Page, real_server: Server):
    open_app(desktop, f"{real_server.url}/?lang=en&search=cat+bi")
    # streamlit-folium's own report of a click waits 250 ms (a debounce it shares with map moves): with
    # every delayed timer of the map's frame dropped, only the map's immediate report can open the item
    map_frame(desktop).evaluate("""() => { const later = window.setTimeout;
        window.setTimeout = (f, ms, ...rest) => ((ms || 0) >= 100 ? 0 : later(f, ms, ...rest)); }""")
    _click_item(desktop, "airport-cat-bi")
    expect(desktop.locator(".gt-item .gt-id")).to_have_text("airport-cat-bi")


def test_the_permalink_and_the_citation_are_full_addresses_that_copy(desktop: Page, real_server: Server):
    desktop.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_app(desktop, f"{real_server.url}/?lang=en&sel=airport-cat-bi")
    end = desktop.locator(".gt-item .gt-item-end")
    address = f"{real_server.url}/?lang=en&sel=airport-cat-bi"
    codes = end.locator(".gt-copy code")
    expect(codes.first).to_have_text(address)  # made absolute where it is shown, not "?lang=…"
    expect(codes.nth(1)).to_contain_text(address)
    assert "recorded from the documents" in end.locator(".gt-story").inner_text()
    buttons = end.locator(".gt-copy-button")
    buttons.first.click()
    expect(buttons.first).to_have_text("Copied")
    assert desktop.evaluate("() => navigator.clipboard.readText()") == address
    buttons.nth(1).click()
    cited = desktop.evaluate("() => navigator.clipboard.readText()")
    assert cited.startswith("“Cat Bi International Airport") and address in cited
    assert desktop.locator("[data-testid='stCode']").count() == 0


def test_a_table_row_click_opens_the_item_page_with_quotes_links_and_sources(desktop: Page, real_server: Server):
    open_app(desktop, f"{real_server.url}/?lang=en&search=vanh+dai+4")
    table = show_table(desktop)
    table.scroll_into_view_if_needed()
    first = table.locator("canvas").first
    box = first.bounding_box()
    desktop.mouse.click(box["x"] + 15, box["y"] + 52)  # the selection box of the first row
    item = desktop.locator(".gt-item")
    expect(item).to_be_visible()
    wait_idle(desktop)
    assert _in_viewport(desktop, ".gt-item") or _in_viewport(desktop, "#gt-item-anchor")
    quotes = item.locator("blockquote").all_inner_texts()
    assert quotes and all(not q.endswith("…") for q in quotes)
    sources = item.locator(".gt-sources a[href^='http']")
    assert sources.count() >= 1 and sources.first.get_attribute("rel") == "noopener noreferrer"
    # each source names its host's tier (data/source_tiers.yaml): Ring Road 4's are all press of record
    tiers = item.locator(".gt-sources .gt-tier").all_inner_texts()
    assert len(tiers) == sources.count() and set(tiers) == {"(press of record)"}
    line_link = item.locator("a.gt-line").first
    href = line_link.get_attribute("href") or ""
    number = re.search(r"line=(\d+)", href).group(1)
    quote = quotes[0]
    line_link.click()
    hit = desktop.locator(".gt-reader .gt-hit")
    expect(hit).to_have_count(1)
    expect(hit.locator(".gt-ln")).to_have_text(number)
    assert quote.split()[0] in hit.inner_text() + desktop.locator(".gt-reader").inner_text()
    # seen without scrolling: the reader scrolls its cited line into view a moment after it draws
    desktop.wait_for_function("""() => {
        const reader = document.querySelector('.gt-reader'), hit = document.querySelector('.gt-reader .gt-hit');
        if (!reader || !hit) return false;
        const box = reader.getBoundingClientRect(), line = hit.getBoundingClientRect();
        return box.top <= line.top && line.top <= box.bottom;
    }""", timeout=20000)


def _metric(page: Page, label: str) -> int:
    figure = page.locator("dl.gt-figures > div").filter(has=page.locator("dt", has_text=label))
    return int(figure.locator("dd").inner_text())


def _drawn(page: Page) -> set[str]:
    ids = page.frame_locator(MAP_FRAME).locator(".leaflet-container").get_attribute("data-gt-ids") or ""
    return set(ids.split())


def _overdue_ids(out: str) -> list[str]:
    """Ids of ``geotrack overdue``'s table, in its order."""
    rows = out.split("\n\n")[0].splitlines()[2:]  # after the header and its rule
    return [line.split()[0] for line in rows if line.strip()]


def _conflict_ids(out: str) -> list[str]:
    """Ids of the items ``geotrack conflicts`` lists (not the related works after them), in its order."""
    head = out.split("\nRelated works")[0]
    ids = [line.split()[0] for line in head.splitlines()
           if line.strip() and not line.startswith(" ") and not re.match(r"\d+ conflict\(s\)", line)]
    return list(dict.fromkeys(ids))


def _km(text: str) -> float | None:
    """A km figure as the page and ``geotrack lengths`` write it: ``None`` for "—", a mode with no length."""
    return None if text == "—" else float(text.replace(",", ""))


def _lengths(page: Page) -> dict[str, tuple[int, float | None]]:
    """Mode → (items, km) of the summary's length table."""
    rows = page.locator("table.gt-lengths tbody tr")
    expect(rows.first).to_be_visible()
    out = {}
    for row in rows.all():
        mode, n, km = (t.strip() for t in row.locator("th, td").all_inner_texts())
        out[mode] = (int(n), _km(km))
    return out


def _one_click_view(page: Page, button: str, ids: list[str]) -> None:
    """Clicking ``button`` shows exactly ``ids``: in the link, the count and the summary."""
    page.get_by_role("button", name=re.compile(button)).click()
    page.wait_for_url(re.compile(r"[?&]ids="))
    wait_idle(page)
    shown = parse_qs(urlsplit(page.url).query)["ids"][0].split(",")
    assert sorted(shown) == sorted(ids)
    expect(page.locator("h3").filter(has_text=re.compile(rf"^{len(ids)} of \d+ items match"))).to_have_count(1)
    assert _metric(page, "Items") == len(ids)
    assert _drawn(page) <= set(ids)


@pytest.mark.parametrize("query, args", [("", []), ("modes=rail", ["--mode", "rail"])], ids=["all", "rail"])
def test_summary_figures_equal_the_cli_and_open_exactly_those_items(desktop: Page, real_server: Server,
                                                                    real_store: Path, query: str, args: list[str]):
    url = f"{real_server.url}/?lang=en&{query}"
    open_app(desktop, url)
    overdue = _overdue_ids(_cli(real_store, "overdue", *args))
    disputed = _conflict_ids(_cli(real_store, "conflicts", *args))
    assert disputed  # both selections have documents that disagree
    assert _metric(desktop, "Overdue") == len(overdue) and _metric(desktop, "Docs disagree") == len(disputed)
    listed = _cli(real_store, "list", *args)
    assert _metric(desktop, "Items") == int(re.search(r"(\d+) item\(s\)\s*$", listed).group(1))
    cli_km = {i18n.mode_label(line.split()[0], "en"): (int(line.split()[1]), _km(line.split()[2]))
              for line in _cli(real_store, "lengths", *args).splitlines()[1:] if line.strip()}
    assert cli_km and _lengths(desktop) == cli_km
    assert (None in [km for _, km in cli_km.values()]) == (not args)  # all modes: some of points (rail: none)
    if overdue:
        _one_click_view(desktop, rf"Show the {len(overdue)} overdue", overdue)
        open_app(desktop, url)
    else:
        expect(desktop.get_by_role("button", name=re.compile(r"Show the 0 overdue"))).to_be_disabled()
    _one_click_view(desktop, rf"Show the {len(disputed)} disputed", disputed)


def test_as_of_and_changed_since_equal_the_cli(desktop: Page, real_server: Server, real_store: Path):
    listed = _cli(real_store, "list", "--as-of", "2020-01-01")
    count = int(re.search(r"(\d+) item", listed.splitlines()[-1]).group(1)) if listed.strip() else 0
    open_app(desktop, f"{real_server.url}/?lang=en&as_of=2020-01-01")
    expect(desktop.get_by_text(re.compile(r"Showing the data as of 2020-01-01"))).to_be_visible()
    assert f"{count} of" in desktop.locator("h3").filter(has_text=" of ").first.inner_text()
    since = "2020-01-01"
    changes = _cli(real_store, "changes", "--since", since)
    n = int(re.search(r"(\d+) change\(s\) since", changes).group(1))
    open_app(desktop, f"{real_server.url}/?lang=en&since={since}")
    assert n > 0
    expect(desktop.get_by_role("button", name=re.compile(r"\d+ change\(s\) since " + since))).to_be_visible()


def _label_boxes(page: Page) -> list[dict[str, float]]:
    chart = show_timeline(page)
    chart.scroll_into_view_if_needed()
    return chart.evaluate(
        r"""(el) => [...el.querySelectorAll('g.role-axis')]
                     .filter(g => ![...g.querySelectorAll('.role-axis-label text')]
                                     .every(t => /^\d+$/.test(t.textContent)))  // not the years' axis
                     .flatMap(g => [...g.querySelectorAll('.role-axis-label text')])
                     .map(t => t.getBoundingClientRect())
                     .filter(b => b.width > 0).map(b => ({x: b.x, y: b.y, w: b.width, h: b.height}))""")


@pytest.mark.parametrize("query", ["search=lach+huyen", "search=vanh+dai+4", "search=cat+bi", ""])
def test_timeline_rows_never_overlap_and_yearless_items_are_listed(desktop: Page, real_server: Server, query: str):
    open_app(desktop, f"{real_server.url}/?lang=en&{query}")
    boxes = _label_boxes(desktop)
    ys = sorted(b["y"] for b in boxes)
    assert ys, "the timeline has row labels"
    gaps = [b - a for a, b in itertools.pairwise(ys)]
    heights = max(b["h"] for b in boxes)
    assert all(gap >= heights - 0.5 for gap in gaps), (gaps, heights)


def _page_text(page: Page, lang: str) -> str:
    """What the page shows (the whole document, the dropdowns and pickers Streamlit adds outside the app
    too), without what the data says in another language (names, quotes, notes: marked ``lang``) and
    without icon ligatures ("download", "expand_more": drawn as icons)."""
    return page.evaluate(
        "(lang) => { const copy = document.body.cloneNode(true);"
        " copy.querySelectorAll('script, style, [data-testid=stIconMaterial]').forEach(e => e.remove());"
        " copy.querySelectorAll('[lang]').forEach(e => { if (e.getAttribute('lang') !== lang) e.remove(); });"
        " copy.style.cssText = 'position:absolute;left:0;top:0;width:1440px';"
        " document.documentElement.appendChild(copy); const text = copy.innerText; copy.remove(); return text; }",
        lang)


def _page_attributes(page: Page) -> list[str]:
    """Tool tips, placeholders and accessible names on the page (outside the map's frame)."""
    return page.evaluate(
        "() => { const names = ['title', 'placeholder', 'aria-label', 'aria-roledescription'];"
        " return Array.from(document.querySelectorAll(names.map(n => `[${n}]`).join(',')))"
        ".filter(e => !e.closest('[lang]:not(html)'))"
        ".flatMap(e => names.map(a => e.getAttribute(a)).filter(Boolean)); }")


def _walk_the_widgets(page: Page, lang: str) -> str:
    """Open what holds Streamlit's own strings; return everything shown along the way.

    A multiselect's list ("Select all"), the same list after a search that matches nothing ("No
    results"), a text input being typed in ("Press Enter to apply"), the date picker (month and
    weekday names, the date field's empty segments), the map's controls (zoom titles, scale).
    """
    seen = [_page_text(page, lang), *_page_attributes(page)]
    page.locator(".st-key-f_modes input").click()
    expect(page.locator("[data-testid='stMultiSelectDropdown'] [data-key='__select_all__']")).to_be_visible()
    seen.append(_page_text(page, lang))
    page.keyboard.type("zzzq")
    expect(page.locator("[data-testid='stMultiSelectDropdown'] [role='listbox'][data-empty='true']")).to_be_visible()
    seen += [_page_text(page, lang), *_page_attributes(page)]
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.locator(".st-key-more_open summary").click()  # the fold of more filters, made when opened
    wait_idle(page)
    date = page.locator(".st-key-f_as_of")
    date.scroll_into_view_if_needed()
    date.locator("[data-testid='stDateInputCalendarButton']").click()
    expect(page.locator("[role='dialog'] [role='grid']")).to_be_visible()
    seen += [_page_text(page, lang), *_page_attributes(page)]
    page.keyboard.press("Escape")
    search = page.locator(".st-key-f_search input")
    search.focus()
    page.keyboard.type("abc")
    expect(page.locator(".st-key-f_search [data-testid='InputInstructions']")).not_to_be_empty()
    seen.append(_page_text(page, lang))
    search.fill("")  # typed, never applied: the page stays as it was
    search.blur()
    wait_idle(page)
    seen.append(map_frame(page).evaluate(
        "() => [document.querySelector('.leaflet-control-scale').innerText,"
        " ...Array.from(document.querySelectorAll('.leaflet-control a[title]')).map(a => a.title)].join('\\n')"))
    return "\n".join(seen)


#: Streamlit's own frontend strings, and the English the page must never show in Vietnamese.
ENGLISH_FRONTEND = [*[s for s in frontend.STREAMLIT_VI if len(s) > 4], "Choose an option", "Press Enter",
                    "Zoom in", "Zoom out", "Layers", "X-axis", "Y-axis", "legend", "mark container", "overdue"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
#: Vietnamese that the English page must never show: its own labels, the frontend table, section words.
VIETNAMESE_ONLY = [*[s for s in frontend.STREAMLIT_VI.values() if len(s) > 4], "Tháng", "Mục", "Phụ lục", "dòng"]


def _labels(index: int) -> list[str]:
    """The page's own labels in one language that differ from the other's (a few words at least)."""
    return [pair[index] for key, pair in i18n.LABELS.items()
            if pair[0] != pair[1] and len(pair[index]) > 6 and "{" not in pair[index] and not key.startswith("lang_")]


def _words(text: str, words: list[str]) -> list[str]:
    return sorted({w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)})


def test_one_language_at_a_time(desktop: Page, real_server: Server):
    """No English on the Vietnamese page and no Vietnamese-only words on the English page (names and
    quotes apart), Streamlit's own widgets included; switching language in the page switches them too."""
    open_app(desktop, f"{real_server.url}/?sel=ring-road-4-capital")
    expect(desktop.locator(".gt-item")).to_be_visible()
    vi_page = _walk_the_widgets(desktop, "vi")
    assert _words(vi_page, [*ENGLISH_FRONTEND, *_labels(1), *MONTHS_EN, "None", "nan", "mi"]) == []
    # what the walk opened was there, in Vietnamese
    for shown in ("Chọn tất cả", "Không có kết quả", "Nhấn Enter để áp dụng", "Tháng", "Phóng to", "nnnn"):
        assert shown in vi_page
    # the same page switched to English in place: Streamlit's own strings are its own again
    desktop.locator("[data-testid='stSidebar'] [role='radiogroup'] label").filter(has_text="English").click()
    wait_idle(desktop)
    expect(desktop.locator(".gt-item h3.gt-title")).to_have_text("Ring Road 4 – Capital Region")
    wait_idle(desktop)  # the title is drawn early in the run: the elements after it change until the run ends
    en_page = _walk_the_widgets(desktop, "en")
    assert _words(en_page, [*VIETNAMESE_ONLY, *_labels(0)]) == []
    for shown in ("Select all", "No results", "Press Enter to apply", "Skip to main content", "Zoom in", "yyyy"):
        assert shown in en_page
    assert any(month in en_page for month in MONTHS_EN)


def test_the_phone_scrolls_past_the_map_and_shows_the_item_page(phone: Page, real_server: Server):
    open_app(phone, f"{real_server.url}/?lang=en&sel=port-lach-huyen")
    wait_idle(phone)
    expect(phone.locator(".gt-item")).to_be_visible()
    phone.wait_for_function("() => { const a = document.getElementById('gt-item-anchor');"
                            " return a && a.getBoundingClientRect().top < window.innerHeight / 2; }")
    map_box = phone.locator(MAP_FRAME).bounding_box()
    assert map_box and map_box["height"] <= 360  # the map leaves the page room to scroll
    names = show_table(phone)
    names.scroll_into_view_if_needed()
    assert names.bounding_box()["width"] <= 390
