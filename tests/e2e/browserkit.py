"""Helpers of the browser tests: start and stop the app, block the network, wait for the map."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Frame, FrameLocator, Locator, Page, Route, expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL = re.compile(r"^(?:https?|wss?)://127\.0\.0\.1(?::\d+)?/")
START_TIMEOUT_S = 60
#: How long one hover waits for its tooltip before the pointer leaves and comes back: a pointer that
#: came to rest over a map still loading its drawings (or redrawn since) shows nothing until it moves.
HOVER_TRY_MS = 3_000
HOVER_TIMEOUT_S = 90


@dataclass
class Server:
    """A running app: its base URL, process and log file."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(store: Path, log: Path, env: Mapping[str, str] | None = None) -> Server:
    """Start `streamlit run app.py` on a free port with ``store`` (and ``env`` added to the environment);
    wait until it is healthy (or fail)."""
    port = _free_port()
    env = {**os.environ, "GEOTRACK_STORE": str(store), **(env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--global.developmentMode", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app exited with {process.returncode}:\n{server.tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.2)  # polling interval while the server starts, not a wait for the page
    stop_server(server)
    pytest.fail(f"the app did not answer /_stcore/health within {START_TIMEOUT_S} s:\n{server.tail()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@dataclass
class Offline:
    """Requests the page tried to make off this machine (all were aborted)."""

    blocked: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        if LOCAL.match(url) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def open_app(page: Page, url: str) -> FrameLocator:
    """Load ``url``, wait for the script to finish and the map to draw; return the map's frame.

    The map draws its items first and then the province boundaries it fetches: both are waited for.
    """
    page.goto(url)
    expect(page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']")).to_have_count(1)
    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-container[data-gt-features]")).to_have_count(1)
    expect(frame.locator(".gt-prov").first).to_be_attached()
    return frame


def show_timeline(page: Page) -> Locator:
    """Open the timeline's tab below the map (it is made only when shown); return the chart."""
    page.locator("[data-testid='stTabs'] [role='tab']").nth(1).click()
    wait_idle(page)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    expect(chart).to_be_visible()
    return chart


def show_table(page: Page) -> Locator:
    """Show the item table below the map (made once asked for in the session); return it."""
    table = page.locator(".st-key-table [data-testid='stDataFrame']")
    button = page.locator(".st-key-table_show button")
    if button.count():
        button.click()
        wait_idle(page)
    expect(table).to_be_visible()
    return table


def wait_idle(page: Page) -> None:
    """Wait for the app's rerun to finish."""
    expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1)


def map_frame(page: Page) -> Frame:
    """The map's iframe as a Frame (for evaluating script in it)."""
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert frame is not None
    return frame


def item_screen_point(page: Page, item_id: str) -> tuple[float, float]:
    """Close any popup, centre the map on the item and return page coordinates of a point on its drawing.

    The point is a marker's centre or a line's middle vertex.
    """
    xy = map_frame(page).evaluate(
        """(id) => { let pt = null; window.map.closePopup();
             window.map.eachLayer(l => {
               if (!l.feature || l.feature.id !== id || pt) return;
               let ll = l.getLatLng ? l.getLatLng() : null;
               if (!ll) { const lls = l.getLatLngs().flat(3); ll = lls[Math.floor(lls.length / 2)]; }
               window.map.setView(ll, window.map.getZoom(), {animate: false});
               const p = window.map.latLngToContainerPoint(ll);
               pt = [p.x, p.y];
             });
             return pt; }""",
        item_id,
    )
    assert xy is not None, item_id
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    return box["x"] + xy[0], box["y"] + xy[1]


def hover_until_shown(page: Page, point: Callable[[], tuple[float, float]], tooltip: Locator,
                      text: str) -> tuple[float, float]:
    """Rest the pointer on ``point()`` until ``tooltip`` contains ``text``; the point it showed at.

    Between tries the pointer moves away to the page's corner and the point is asked for again (the
    map may have moved), as a user moves the mouse again when nothing shows.
    """
    deadline = time.monotonic() + HOVER_TIMEOUT_S
    while True:
        x, y = point()
        page.mouse.move(x, y)
        try:
            expect(tooltip).to_contain_text(text, timeout=HOVER_TRY_MS)
            return x, y
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.mouse.move(1, 1)


def serve_long_query(page: Page, server: Server) -> None:
    """Let ``page`` open app URLs whose query is past the HTTP server's request-line limit.

    Uvicorn refuses a request line over 16 KB, but the page's query reaches the app over the
    websocket (as anyone may send it there, whatever its size): the page is fetched from ``/``
    while the browser keeps the long address, so the app reads the whole query.
    """
    limit = 8_000
    page.route(lambda url: url.startswith(f"{server.url}/?") and len(url) > limit,
               lambda route: route.continue_(url=f"{server.url}/"))
