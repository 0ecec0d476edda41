"""The app served by a real `streamlit run` and driven by headless Debian Chromium, offline.

A missing browser or an app that does not start FAILS the tests: they never skip.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mapfixtures import build_fixture_store
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from geotrack.build import build
from geotrack.store import GeoPackageStore

from .browserkit import CHROMIUM, CHROMIUM_ARGS, Offline, Server, start_server, stop_server

# a ceiling on waiting for the page, not a speed goal: a cold app start (imports, first caches) on a
# busy 2-core machine can take longer than Playwright's default of 5 s
expect.set_options(timeout=60_000)


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_store(tmp_path_factory.mktemp("e2e-store"))


@pytest.fixture(scope="session")
def app_server(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(fixture_store, tmp_path_factory.mktemp("e2e-log") / "streamlit.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps)")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def offline() -> Offline:
    return Offline()


@pytest.fixture
def page(browser: Browser, offline: Offline) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.route("**/*", offline.route)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the shipped ``data/``, one per test module (each module's server writes nothing)."""
    path = tmp_path_factory.mktemp("real-store") / "geotrack.gpkg"
    build(GeoPackageStore(path))
    return path


@pytest.fixture(scope="module")
def real_server(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app serving :func:`real_store`."""
    server = start_server(real_store, tmp_path_factory.mktemp("real-log") / "streamlit.log")
    yield server
    stop_server(server)
