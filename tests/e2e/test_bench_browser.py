"""The browser bench at a tiny synthetic size: both apps draw exactly the expected items (no timings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from bench import browser as bench_browser
from bench.run import Row

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
    assert [d.step for d in run.drawn] == ["open:first", "open", f"change:{tiny.changes[0].mode}"]
    for drawn in run.drawn:
        assert drawn.features == drawn.expected, drawn
        assert drawn.ids_match, drawn
    assert run.drawn[0].expected == len(tiny.ids) and 0 < len(tiny.changes[0].ids) < len(tiny.ids)
    assert run.first_open_ms and len(run.open_ms) == 1 and len(run.change_ms) == 1
    assert run.peak_rss_mb and run.peak_rss_mb > 0


def test_rows_are_well_formed(tiny: bench_browser.Dataset, browser: Browser, tmp_path: Path):
    ours, naive = (bench_browser.measure_app(browser, app, tiny, 1, tmp_path, timeout_s=120)
                   for app in bench_browser.APPS)
    rows = bench_browser.rows(tiny, ours, naive)
    assert [r.unit for r in rows] == ["ms", "ms", "ms", "MB"]
    for row in rows:
        assert isinstance(row, Row) and row.size == SIZE and row.what.startswith("browser: ")
        assert row.optimised > 0 and row.baseline is not None and row.baseline > 0
        assert "failed" not in row.notes
