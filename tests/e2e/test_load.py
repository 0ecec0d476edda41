"""Ten browser sessions at once against one app on the project's real dataset.

One Chromium, ten contexts (asyncio Playwright). Each session opens its own filtered URL,
downloads the GeoJSON, then narrows its filter with the search box and downloads again: every
download must hold exactly that session's selection (as :func:`geotrack.filters.apply` gives it
on the store's frame), no page may show an exception, and the server's resident memory stays
bounded. At most 10 sessions × 2 rounds, one global timeout, loopback only.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright, expect

from geotrack.filters import Filter, apply
from geotrack.store import open_store
from geotrack.ui import i18n

from .browserkit import CHROMIUM, CHROMIUM_ARGS, LOCAL, MAP_FRAME, Server, start_server, stop_server

pytestmark = pytest.mark.browser

SESSIONS = 10
# ceilings that keep the test bounded, not speed goals (those live in make bench): ten sessions each run
# the whole page (summary, map, table, timeline) at once on a 2-core machine others share
GLOBAL_TIMEOUT_S = 600
RSS_LIMIT_KB = 1_500_000  # 1.5 GB
WAIT_MS = 240_000  # one page's wait while ten sessions share the server

#: (first filter, search typed in the second round): distinct modes, provinces, statuses, documents, search.
PLANS: tuple[tuple[Filter, str], ...] = (
    (Filter(modes=("expressway",)), "cao toc"),
    (Filter(modes=("rail", "urban_rail")), "ha noi"),
    (Filter(provinces=("Hải Phòng",)), "cang"),
    (Filter(provinces=("Hưng Yên",)), "duong"),
    (Filter(statuses=("planned",)), "benh vien"),
    (Filter(modes=("seaport", "berth"), provinces=("Hải Phòng",)), "lach huyen"),
    (Filter(search="vanh dai"), "4"),
    (Filter(documents=("14/NQ-CP",)), "san bay"),
    (Filter(modes=("airport",)), "quoc te"),
    (Filter(funding_types=("state_budget",)), "2030"),
)


@dataclass
class Outcome:
    """What one session saw."""

    downloads: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (got, wanted)
    exceptions: int = 0


@pytest.fixture(scope="module")
def load_server(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(real_store, tmp_path_factory.mktemp("load-log") / "streamlit.log")
    yield server
    stop_server(server)


def _rss_kb(pid: int, key: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {key} for process {pid}")


async def _offline(route: Route) -> None:
    url = route.request.url
    if LOCAL.match(url) or url.startswith(("data:", "blob:", "about:")):
        await route.continue_()
    else:
        await route.abort()


async def _idle(page: Page) -> None:
    await expect(page.locator("[data-test-script-state='notRunning']")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=WAIT_MS)


async def _download_ids(page: Page, n: int, target: Path) -> list[str]:
    """Open the downloads (a popover beside the count), download the GeoJSON of ``n`` items, return its ids."""
    button = page.get_by_role("button", name=re.compile(rf"GeoJSON \({n}\)$"))
    if not await button.is_visible():
        await page.get_by_role("button", name=re.compile(re.escape(i18n.t("download", "vi")))).click()
    await expect(button).to_be_visible(timeout=WAIT_MS)
    async with page.expect_download() as info:
        await button.click()
    download = await info.value
    await download.save_as(target)
    doc = json.loads(target.read_text(encoding="utf-8"))
    return sorted(f["id"] for f in doc["features"])


async def _session(browser: Browser, server: Server, index: int, frame_ids: dict[Filter, list[str]],
                   out: Path) -> Outcome:
    first, typed = PLANS[index]
    second = first.with_(search=typed)  # the search box replaces any search of the URL
    outcome = Outcome()
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    await context.route("**/*", _offline)
    try:
        page = await context.new_page()
        page.set_default_timeout(WAIT_MS)
        await page.goto(f"{server.url}/?{urlencode(first.to_query())}")
        connected = page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
        await expect(connected).to_have_count(1, timeout=WAIT_MS)
        await _idle(page)
        drawn = page.frame_locator(MAP_FRAME).locator(".leaflet-container[data-gt-features]")
        await expect(drawn).to_have_count(1, timeout=WAIT_MS)
        wanted = frame_ids[first]
        outcome.downloads.append((await _download_ids(page, len(wanted), out / f"s{index}-1.geojson"), wanted))
        outcome.exceptions += await page.locator("[data-testid='stException']").count()

        await page.keyboard.press("Escape")  # close the downloads popover
        search = page.get_by_label(re.compile(i18n.t("search", "vi").split(" (")[0]))
        await search.fill(typed)
        await search.press("Enter")
        await page.wait_for_url(re.compile(r"[?&]search="))
        await _idle(page)
        wanted = frame_ids[second]
        outcome.downloads.append((await _download_ids(page, len(wanted), out / f"s{index}-2.geojson"), wanted))
        outcome.exceptions += await page.locator("[data-testid='stException']").count()
    finally:
        await context.close()
    return outcome


async def _run(server: Server, frame_ids: dict[Filter, list[str]], out: Path) -> tuple[list[Outcome], list[int]]:
    samples: list[int] = []

    async def watch() -> None:
        while True:
            samples.append(_rss_kb(server.process.pid))
            await asyncio.sleep(0.25)  # memory sampling interval, not a wait for the page

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watcher = asyncio.create_task(watch())
        try:
            outcomes = await asyncio.wait_for(
                asyncio.gather(*(_session(browser, server, i, frame_ids, out) for i in range(SESSIONS))),
                GLOBAL_TIMEOUT_S,
            )
        finally:
            watcher.cancel()
            await browser.close()
    samples.append(_rss_kb(server.process.pid))
    return list(outcomes), samples


def test_ten_sessions_filter_and_download_their_own_selection(load_server: Server, real_store: Path,
                                                              tmp_path: Path):
    if not Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps)")
    frame = open_store(real_store).load()
    filters = [f for first, typed in PLANS[:SESSIONS] for f in (first, first.with_(search=typed))]
    frame_ids = {f: sorted(apply(frame, f)["id"]) for f in filters}
    assert len(set(filters)) == 2 * SESSIONS  # every session has its own selections
    assert all(frame_ids[first] for first, _ in PLANS)  # and the first one is never empty

    started = time.monotonic()
    # a thread of its own: the sync Playwright of the other browser tests may hold this thread's event loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        outcomes, samples = pool.submit(asyncio.run, _run(load_server, frame_ids, tmp_path)).result()
    elapsed = time.monotonic() - started
    peak = max(samples)
    high_water = _rss_kb(load_server.process.pid, "VmHWM")

    assert len(outcomes) == SESSIONS
    assert sum(o.exceptions for o in outcomes) == 0
    downloads = [d for o in outcomes for d in o.downloads]
    assert len(downloads) == 2 * SESSIONS
    for i, outcome in enumerate(outcomes):
        for got, wanted in outcome.downloads:
            assert got == wanted, (i, PLANS[i])
    print(f"\n{SESSIONS} sessions, {len(downloads)} downloads in {elapsed:.1f} s; streamlit RSS peak "
          f"{peak / 1024:.0f} MiB sampled ({len(samples)} samples), VmHWM {high_water / 1024:.0f} MiB")
    assert peak < RSS_LIMIT_KB and high_water < RSS_LIMIT_KB, (peak, high_water)
