"""The browser bench at a tiny synthetic size: every app draws exactly what it must, every row and
breakdown is reported (no timed assertions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from bench import browser as bench_browser
from bench.run import Report, Row, machine, write

pytestmark = pytest.mark.browser

SIZE = 200


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> bench_browser.Dataset:
    work = tmp_path_factory.mktemp("bench-browser")
    return bench_browser.prepare(SIZE, work, changes=1)


@pytest.mark.parametrize("app", list(bench_browser.APPS))
def test_app_draws_the_expected_items_at_open_and_after_a_filter_change(
        app: str, tiny: bench_browser.Dataset, browser: Browser, tmp_path: Path):
    run = bench_browser.measure_app(browser, app, tiny, 1, tmp_path, timeout_s=120, verify=True)
    assert run.error is None, run.error
    steps = ["open:first", "open", f"change:{tiny.changes[0].mode}"]
    item_steps = ["open:item", "click"] if app == "geotrack" else []
    assert [d.step for d in run.drawn] == steps + item_steps[:1]
    for drawn in run.drawn:
        assert drawn.features == drawn.expected, drawn
        assert drawn.ids_match, drawn
    if app == bench_browser.FLOOR:  # one feature, named after the modes chosen
        assert [d.expected for d in run.drawn] == [1, 1, 1]
    else:
        assert run.drawn[0].expected == len(tiny.ids) and 0 < len(tiny.changes[0].ids) < len(tiny.ids)
    assert run.first_open_ms and len(run.open_ms) == 1 and len(run.change_ms) == 1
    assert run.peak_rss_mb and run.peak_rss_mb > 0
    assert run.warm_s is not None  # the server ran the script once before the first visit
    # where the time went: every step has the page's milestones and the server's timed script run
    assert [t.step for t in run.timings] == steps + item_steps
    if app == "geotrack":  # the item page (a map click) and one slider drag
        assert run.item_error is None, run.item_error
        assert len(run.click_ms) == 1 and run.slider_runs is not None and run.slider_runs >= 1
    for timing in run.timings:
        assert timing.server and all("total" in r for r in timing.server), timing
        milestones = ("running", "idle") if timing.step == "click" else ("running", "idle", "drawn")
        assert all(timing.page[k] is not None for k in milestones), timing
        assert timing.page["running"] <= timing.page["idle"], timing
    sections = set(run.timings[-1].server[0]) - {"total"}
    assert "map" in sections


def test_rows_and_breakdown_are_well_formed(tiny: bench_browser.Dataset, browser: Browser, tmp_path: Path):
    runs = {app: bench_browser.measure_app(browser, app, tiny, 1, tmp_path, timeout_s=120)
            for app in bench_browser.APPS}
    rows = bench_browser.rows(tiny, runs["geotrack"], runs["naive"], runs[bench_browser.FLOOR])
    assert [r.unit for r in rows] == ["ms", "ms", "ms", "ms", "runs", "MB"]
    for row in rows:
        assert isinstance(row, Row) and row.size == SIZE and row.what.startswith("browser: ")
        assert row.optimised > 0 and "failed" not in row.notes
        if "geotrack only" not in row.notes:
            assert row.baseline is not None and row.baseline > 0
            assert row.floor is not None and row.floor > 0
    parts = bench_browser.breakdown(tiny, list(runs.values()))
    assert [(b.app, b.kind) for b in parts] == [
        (app, kind) for app in bench_browser.APPS
        for kind in ("first open", "open", "change", *(("click",) if app == "geotrack" else ()))]
    for part in parts:
        assert part.server_ms is not None and part.server_ms > 0 and "map" in part.sections, part
        assert part.round_trip_ms is not None, part
        # a click draws no new items: it ends when the item's page shows, on the page's clock from the pointer
        # down in the map, before the driver's own wall time
        assert part.drawn_ms is not None, part
        if part.kind == "click":
            assert 0 < part.drawn_ms < part.wall_ms, part
    clicks = runs["geotrack"].click_page_ms
    assert clicks and all(ms > 0 for ms in clicks)
    click_row = next(r for r in rows if "map click" in r.what)
    assert "on the page's own clock" in click_row.notes
    report = Report(machine(), rows, parts)
    md, _ = write(report, tmp_path)
    text = md.read_text(encoding="utf-8")
    assert "| floor |" in text
    assert sum(line.startswith(f"| {tiny.label} | {app} |") for line in text.splitlines()
               for app in bench_browser.APPS) == len(parts)


def test_the_memory_scenario_changes_the_filter_and_opens_an_item(tiny: bench_browser.Dataset, browser: Browser,
                                                                  tmp_path: Path):
    run = bench_browser.measure_app(browser, "geotrack", tiny, 0, tmp_path, timeout_s=120, verify=True, memory=True)
    assert run.error is None and run.item_error is None, (run.error, run.item_error)
    assert len(run.change_ms) == len(tiny.changes) and not run.open_ms
    assert run.item_link_ms is not None and run.item_link_ms > 0 and run.peak_rss_mb
    rows = {r.what: r for r in bench_browser.rows(tiny, run, None)}
    assert "browser: item link opened → item page shown (synthetic)" in rows
    memory = rows["browser: server peak memory (VmHWM) (synthetic)"]
    assert "1 filter changes and 1 item opened by its link" in memory.notes and memory.baseline is None


def test_the_bench_browser_reaches_only_this_machine_and_keeps_its_cache(playwright_instance, tmp_path: Path):
    # offline by name resolution, not by a Playwright route (which turns the HTTP cache off): a repeat visit
    # must find the page's files in the cache, as a returning visitor's browser does
    import http.server
    import threading

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the standard library names it
            if self.path == "/favicon.ico":
                self.send_error(404)
                return
            hits.append(self.path)
            body = b"<script src='/lib.js'></script>" if self.path == "/" else b"window.loaded = 1;"
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if self.path == "/" else "application/javascript")
            if self.path != "/":
                self.send_header("Cache-Control", "public, immutable, max-age=31536000")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = playwright_instance.chromium.launch(executable_path=bench_browser.CHROMIUM,
                                                  args=bench_browser.CHROMIUM_ARGS)
    try:
        page = browser.new_context().new_page()
        url = f"http://127.0.0.1:{server.server_port}/"
        for _ in range(2):
            page.goto(url)
            page.wait_for_function("() => window.loaded === 1")
        assert hits == ["/", "/lib.js", "/"]  # the script came from the cache the second time
        with pytest.raises(PlaywrightError, match="ERR_NAME_NOT_RESOLVED"):  # even a name for this machine
            page.goto(f"http://localhost:{server.server_port}/")
        assert hits == ["/", "/lib.js", "/"]
    finally:
        browser.close()
        server.shutdown()
