"""A shared link is untrusted input: the page answers hostile URLs with what it used and what it left out.

On the real dataset, in Chromium offline. One corridor id repeated 20,000 times is read once and the
repeat named; years outside the data, an inverted range, a number no year can be and a NUL in an id
each show a visible notice and never a traceback, the store's path or SQL; a filter only a URL can set
(``ids``, ``corridor_km``) shows as a chip that one click removes. Counts are compared with the CLI's
for the same filter.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from geotrack import settings

from .browserkit import ROOT, Server, open_app, serve_long_query, wait_idle

pytestmark = pytest.mark.browser
GEOTRACK = [sys.executable, "-m", "geotrack.cli"]
CORRIDOR = "ic-hanoi-haiphong"
#: What a page must never show a visitor, whatever the link.
INTERNALS = re.compile(r"Traceback|File \"|\b[A-Z]\w*(?:Error|Exception)\b|\bSELECT\b|\bWHERE\b")


def _cli_count(store: Path, *args: str) -> int:
    out = subprocess.run([*GEOTRACK, "--store", str(store), "list", *args], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return int(re.search(r"(\d+) item\(s\)\s*$", out).group(1))


def _count(page: Page) -> tuple[int, int]:
    """(items shown, items in the store) from the page's count heading."""
    heading = page.locator("h3").filter(has_text=re.compile(r"\d+ of \d+ items match"))
    expect(heading).to_have_count(1)
    shown, total = re.search(r"(\d+) of (\d+) items match", heading.inner_text()).groups()
    return int(shown), int(total)


def _notices(page: Page) -> str:
    return " ".join(page.locator("[data-testid='stAlert']").all_inner_texts())


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _chip(page: Page, name: str) -> Locator:
    """The chip of the URL-only filter ``name`` (Streamlit draws a hidden copy of a button with help)."""
    return page.locator(f".st-key-chip_{name}").get_by_role("button")


def _assert_no_internals(page: Page, store: Path) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    text = page.locator("[data-testid='stApp']").inner_text()
    assert str(store.parent) not in text and store.name not in text
    assert INTERNALS.findall(text) == []


def test_one_corridor_repeated_20000_times_is_read_once_and_what_was_left_out_is_named(
        page: Page, real_server: Server, real_store: Path):
    others = [f"no-such-corridor-{i}" for i in range(300)]
    url = f"{real_server.url}/?lang=en&corridor_km=5&corridors=" + ",".join([CORRIDOR] * 20_000 + others)
    assert len(url) > 300_000
    serve_long_query(page, real_server)
    open_app(page, url)
    # the de-duplicated selection, as the CLI gives it for the corridor once
    assert _count(page)[0] == _cli_count(real_store, "--corridor", CORRIDOR, "--near-corridor", "5")
    assert _query(page)["corridors"] == [CORRIDOR] and len(page.url) < 500  # the link the page keeps
    notice = _notices(page)
    assert f"corridors={CORRIDOR} (×20,000)" in notice  # the repeat is named, not silently dropped
    assert f"… (+{len(others) + 1 - settings.max_query_values})" in notice  # so are the values past the cap
    assert "corridors=no-such-corridor-0" in notice  # and each unknown id the cap kept
    expect(_chip(page, "corridor_km")).to_contain_text("Within 5.0 km of the corridors")
    _assert_no_internals(page, real_store)


@pytest.mark.parametrize("query, named, clamped", [
    ("deadline_max=2020", re.compile(r"Year 2020 is outside the data \((\d{4})–\d{4}\); using \1\."), True),
    ("deadline_min=2040", re.compile(r"Year 2040 is outside the data \(\d{4}–(\d{4})\); using \1\."), True),
    ("deadline_min=2030&deadline_max=2025", re.compile(r"ignored: .*deadline_min=2030, deadline_max=2025"), False),
    ("deadline_max=9007199254740993", re.compile(r"ignored: .*deadline_max=9007199254740993"), False),
    ("ids=airport-cat-bi%00x", re.compile(r"ignored: .*ids=airport-cat-bi\\x00x"), False),
], ids=["max-before-data", "min-after-data", "inverted", "huge", "nul-in-id"])
def test_a_bad_year_or_id_shows_a_notice_and_no_traceback_path_or_sql(page: Page, real_server: Server,
                                                                       real_store: Path, query: str,
                                                                       named: re.Pattern[str], clamped: bool):
    open_app(page, f"{real_server.url}/?lang=en&{query}")
    expect(page.locator("[data-testid='stAlert']").filter(has_text=named)).to_have_count(1)
    shown, total = _count(page)
    if clamped:  # the data's edge year filters
        assert shown < total
    else:  # left out: nothing filters
        assert shown == total == _cli_count(real_store)
    _assert_no_internals(page, real_store)


@pytest.mark.parametrize("query, chip, without", [
    ("ids=airport-cat-bi,port-lach-huyen", "Only the items: airport-cat-bi, port-lach-huyen", ()),
    (f"corridors={CORRIDOR}&corridor_km=5", "Within 5.0 km of the corridors", ("--corridor", CORRIDOR)),
], ids=["ids", "corridor_km"])
def test_a_url_only_filter_is_a_chip_one_click_removes(page: Page, real_server: Server, real_store: Path,
                                                       query: str, chip: str, without: tuple[str, ...]):
    name = query.split("&")[-1].split("=")[0]
    open_app(page, f"{real_server.url}/?lang=en&{query}")
    with_filter = (["--id", "airport-cat-bi,port-lach-huyen"] if name == "ids"
                   else [*without, "--near-corridor", "5"])
    assert _count(page)[0] == _cli_count(real_store, *with_filter)
    button = _chip(page, name)
    expect(button).to_be_visible()
    expect(button).to_contain_text(chip)
    button.click()
    page.wait_for_url(lambda url: f"{name}=" not in url)
    wait_idle(page)
    expect(page.locator(f".st-key-chip_{name}")).to_have_count(0)
    assert name not in _query(page)
    expect(page.locator("h3").filter(has_text=re.compile(
        rf"^{_cli_count(real_store, *without)} of \d+ items match"))).to_have_count(1)
