"""Screenshots of the key views for the README (``make screenshots``): desktop and phone, both languages.

Runs the app on the real store (``make store``) offline in headless Chromium and writes PNGs into
``docs/screenshots/``. Not a test: a tool that uses the browser tests' helpers.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from .browserkit import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    Offline,
    map_frame,
    open_app,
    show_timeline,
    start_server,
    stop_server,
    wait_idle,
)

expect.set_options(timeout=90_000)
OUT = ROOT / "docs" / "screenshots"


def _open_a_filter(page: Page) -> None:
    """A filter's list open, Streamlit's own "Select all" in the page's language, once it has faded in.

    Taken while the list faded in, the picture showed it see-through over the filters beneath.
    """
    page.locator(".st-key-f_modes input").click()
    dropdown = page.locator("[data-testid='stMultiSelectDropdown']")
    expect(dropdown.locator("[data-key='__select_all__']")).to_be_visible()
    page.wait_for_function(  # no animation left in it, and it and its ancestors wholly opaque
        "() => { const box = document.querySelector(\"[data-testid='stMultiSelectDropdown']\");"
        " if (!box || box.getAnimations({subtree: true}).length) { return false; }"
        " for (let e = box; e; e = e.parentElement) { if (getComputedStyle(e).opacity !== '1') { return false; } }"
        " return true; }")


def _timeline(page: Page) -> None:
    """The timeline's tab open, scrolled into view."""
    show_timeline(page).scroll_into_view_if_needed()


#: (file name, query, viewport, what to scroll into view first or None, what to do before the picture or None)
VIEWS: list[tuple[str, str, tuple[int, int], str | None, Callable[[Page], None] | None]] = [
    ("desktop-vi", "", (1440, 900), None, None),
    ("desktop-en", "lang=en", (1440, 900), None, None),
    ("desktop-filter-vi", "", (1440, 900), None, _open_a_filter),
    ("desktop-item-en", "lang=en&sel=ring-road-4-capital", (1440, 900), None, None),
    ("desktop-item-vi", "sel=port-lach-huyen", (1440, 900), None, None),
    ("desktop-reader-vi", "doc=14/NQ-CP&line=441&sel=ring-road-4-capital", (1440, 900), None, None),
    ("desktop-timeline-en", "lang=en&search=lach+huyen", (1440, 900), None, _timeline),
    ("phone-vi", "", (390, 844), None, None),
    ("phone-en", "lang=en", (390, 844), None, None),
    ("phone-item-en", "lang=en&sel=ring-road-4-capital", (390, 844), "#gt-item-anchor", None),
    ("phone-item-vi", "sel=port-lach-huyen", (390, 844), "#gt-item-anchor", None),
    ("phone-timeline-vi", "search=vanh+dai+4", (390, 844), None, _timeline),
]


#: Resolves once the map controls' icons (CSS background images, fetched only when first drawn) are loaded
#: and painted: the first view after the server starts was taken before the layer control's icon arrived.
_ICONS_LOADED = """() => Promise.all([...document.querySelectorAll('.leaflet-control-layers-toggle')].map(el => {
  const url = (getComputedStyle(el).backgroundImage.match(/url\\("?(.*?)"?\\)/) || [])[1];
  if (!url) { return true; }
  const icon = new Image(); icon.src = url; return icon.decode().catch(() => true);
})).then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))"""


def _small_png(path: Path) -> None:
    """Rewrite ``path`` with a 256-colour palette: a third of the size, no visible change for a UI picture."""
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main(store: Path) -> int:
    """Write every view of :data:`VIEWS` into :data:`OUT`."""
    OUT.mkdir(parents=True, exist_ok=True)
    server = start_server(store, Path(tempfile.gettempdir()) / "geotrack-screenshots.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, query, (width, height), target, action in VIEWS:
                context = browser.new_context(viewport={"width": width, "height": height},
                                              device_scale_factor=1, is_mobile=width < 500, has_touch=width < 500)
                context.route("**/*", Offline().route)
                page = context.new_page()
                page.set_default_timeout(60_000)
                frame = open_app(page, f"{server.url}/?{query}")
                wait_idle(page)
                if target:
                    page.locator(target).first.scroll_into_view_if_needed()
                if action:
                    action(page)
                expect(frame.locator(".leaflet-zoom-anim")).to_have_count(0)  # the map's fit has settled
                map_frame(page).evaluate(_ICONS_LOADED)
                page.screenshot(path=str(OUT / f"{name}.png"))
                _small_png(OUT / f"{name}.png")
                print(f"wrote {OUT / name}.png")
                context.close()
            browser.close()
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "store" / "geotrack.gpkg"))
