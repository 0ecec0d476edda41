"""Screenshots of the key views for the README (``make screenshots``): desktop and phone, both languages.

Runs the app on the real store (``make store``) offline in headless Chromium and writes PNGs into
``docs/screenshots/``. Not a test: a tool that uses the browser tests' helpers.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from .browserkit import CHROMIUM, CHROMIUM_ARGS, ROOT, Offline, open_app, start_server, stop_server, wait_idle

expect.set_options(timeout=90_000)
OUT = ROOT / "docs" / "screenshots"
#: (file name, query, viewport, what to scroll into view first or None)
VIEWS = [
    ("desktop-vi", "", (1440, 900), None),
    ("desktop-en", "lang=en", (1440, 900), None),
    ("desktop-item-en", "lang=en&sel=ring-road-4-capital", (1440, 900), None),
    ("desktop-reader-vi", "doc=14/NQ-CP&line=441&sel=ring-road-4-capital", (1440, 900), None),
    ("desktop-timeline-en", "lang=en&search=lach+huyen", (1440, 900), "[data-testid='stVegaLiteChart']"),
    ("phone-vi", "", (390, 844), None),
    ("phone-en", "lang=en", (390, 844), None),
    ("phone-item-en", "lang=en&sel=ring-road-4-capital", (390, 844), "#gt-item-anchor"),
    ("phone-item-vi", "sel=port-lach-huyen", (390, 844), "#gt-item-anchor"),
]


def main(store: Path) -> int:
    """Write every view of :data:`VIEWS` into :data:`OUT`."""
    OUT.mkdir(parents=True, exist_ok=True)
    server = start_server(store, Path(tempfile.gettempdir()) / "geotrack-screenshots.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, query, (width, height), target in VIEWS:
                context = browser.new_context(viewport={"width": width, "height": height},
                                              device_scale_factor=1, is_mobile=width < 500, has_touch=width < 500)
                context.route("**/*", Offline().route)
                page = context.new_page()
                page.set_default_timeout(60_000)
                open_app(page, f"{server.url}/?{query}")
                wait_idle(page)
                if target:
                    page.locator(target).first.scroll_into_view_if_needed()
                page.wait_for_timeout(1500)  # let the map finish its fit animation before the picture
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"wrote {OUT / name}.png")
                context.close()
            browser.close()
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "store" / "geotrack.gpkg"))
