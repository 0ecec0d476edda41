"""The Streamlit script on a fixture store, run headless by AppTest (no browser)."""

from __future__ import annotations

import ast
import html
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from mapfixtures import XSS_NAME, build_fixture_store
from streamlit.testing.v1 import AppTest

from geotrack import settings, testing
from geotrack.ui import cached
from geotrack.ui import leaflet as mapview
from geotrack.ui import style as look

pytestmark = pytest.mark.slow  # each test runs the whole page script

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CACHED = Path(__file__).resolve().parent.parent / "geotrack" / "ui" / "cached.py"
LOCATED = {"ring-road-4-capital", "port-alpha", "port-bravo", "xss-airport", "rail-script-agency"}


@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """AppTest runs the script as ``__main__`` and leaves it there; multiprocessing's spawn in
    later tests would then re-run the app. Put the real ``__main__`` back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_store(tmp_path_factory.mktemp("appstore"))


@pytest.fixture
def run_app(store_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GEOTRACK_STORE", str(store_path))

    def run(**params: str) -> AppTest:
        """The page at a link with ``params``, its item table and downloads menu opened (each made on demand)."""
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.session_state["table_shown"] = True
        at.session_state["downloads"] = True
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def _count(at: AppTest) -> str:
    """The heading that counts the items the filter keeps, as text."""
    found = re.search(r"<h3 class='gt-count'>(.*?)</h3>", _html(at))
    assert found, "no count heading"
    return html.unescape(found.group(1))


def _items(at: AppTest) -> Any:
    """The item table (its last column is the id)."""
    return next(d for d in at.dataframe if d.key == "table").value


def _ids_in_table(at: AppTest) -> list[str]:
    return sorted(_items(at).iloc[:, -1])


def _html(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def _map_args(at: AppTest) -> dict[str, Any]:
    components = [c for c in at.get("component_instance") if "streamlit_folium" in c.proto.component_name]
    assert len(components) == 1
    return json.loads(components[0].proto.json_args)


def _map_ids(at: AppTest) -> list[str]:
    args = _map_args(at)
    return testing.feature_ids_in_script(args["script"] + (args.get("feature_group") or ""))


def test_runs_and_shows_everything(run_app):
    at = run_app()
    assert _count(at) == "6 / 6 công trình khớp bộ lọc"
    assert sorted(_map_ids(at)) == sorted(LOCATED)
    assert len(_items(at)) == 6 and _items(at).columns[0] == "Tên"  # name first, id last
    assert any("chưa có vị trí nên không hiện trên bản đồ: 1." in c.value for c in at.caption)
    assert at.get("download_button")


def test_the_table_and_the_downloads_are_made_only_once_asked_for(store_path, monkeypatch):
    monkeypatch.setenv("GEOTRACK_STORE", str(store_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception and not at.dataframe and not at.selectbox and not at.get("download_button")
    at.button(key="table_show").click().run()
    assert set(_items(at).iloc[:, -1]) == LOCATED | {"social-nowhere"}
    assert set(at.selectbox(key="pick_item").options) == {at.selectbox(key="pick_item").format_func(i)
                                                          for i in LOCATED | {"social-nowhere"}}
    assert "table_show" not in [b.key for b in at.button]  # the button is gone once the table is shown
    at.run()  # it stays for the session
    assert len(_items(at)) == 6


def test_the_date_pickers_are_made_when_their_fold_is_opened_or_a_date_is_set(run_app):
    assert not run_app(lang="en").date_input  # folded and no date: nothing made
    at = run_app(lang="en", as_of="2020-01-01", since="2020-01-02")
    assert at.date_input(key="f_as_of").value.isoformat() == "2020-01-01"
    assert at.date_input(key="f_since").value.isoformat() == "2020-01-02"
    at.run()  # the dates stay through reruns (a widget not made would lose its value)
    assert at.query_params["as_of"] == "2020-01-01" and at.query_params["since"] == "2020-01-02"
    at.date_input(key="f_as_of").set_value(None).run()
    at.date_input(key="f_since").set_value(None).run()
    assert "as_of" not in at.query_params and not at.date_input  # no date, fold not opened: not made


def test_funding_and_document_are_made_when_their_fold_is_opened_or_one_is_chosen(run_app, store_path, monkeypatch):
    folded = [m.key for m in run_app(lang="en").multiselect]
    assert "f_modes" in folded and "f_funding" not in folded and "f_documents" not in folded
    monkeypatch.setenv("GEOTRACK_STORE", str(store_path))
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.session_state["more_open"] = True  # as the browser reports the fold opened
    opened.run()
    assert {"f_funding", "f_documents"} <= {m.key for m in opened.multiselect} and len(opened.date_input) == 2
    chosen = run_app(lang="en", funding_types="state_budget")  # folded, but one is set: made, and kept
    assert chosen.multiselect(key="f_funding").value == ["state_budget"]
    chosen.session_state["more_open"] = False  # the reader folds it again: the choice stays, and with it the widget
    chosen.run()
    chosen.run()
    assert chosen.query_params["funding_types"] == "state_budget"
    assert chosen.multiselect(key="f_funding").value == ["state_budget"]


def test_map_loads_leaflet_only_from_the_app(run_app):
    args = _map_args(run_app())
    assert args["js_links"] == [mapview.LEAFLET_JS]
    assert args["css_links"] == [mapview.LEAFLET_CSS]
    items = args["feature_group"]
    assert "<img" not in args["script"] + items and "&lt;img" in items


def test_a_filter_change_swaps_the_items_in_the_same_map_page(run_app):
    """The map page (and so streamlit-folium's component key) stays; only the item layers change."""
    everything, ports = _map_args(run_app()), _map_args(run_app(modes="seaport"))
    assert everything["script"] == ports["script"]
    assert everything["feature_group"] != ports["feature_group"]
    assert sorted(testing.feature_ids_in_script(ports["feature_group"])) == ["port-alpha", "port-bravo"]
    assert "port-alpha" not in everything["script"]


def test_query_params_become_filters(run_app):
    at = run_app(modes="seaport")
    assert at.multiselect(key="f_modes").value == ["seaport"]
    assert _count(at).startswith("2 / 6")
    assert sorted(_map_ids(at)) == ["port-alpha", "port-bravo"]
    assert _ids_in_table(at) == ["port-alpha", "port-bravo"]


def test_former_province_without_diacritics_matches(run_app):
    at = run_app(provinces="hai duong", lang="en")
    assert at.multiselect(key="f_provinces").value == ["Hải Dương"]
    assert _count(at) == "1 of 6 items match"
    assert _map_ids(at) == ["port-bravo"]
    assert "Committed infrastructure tracker" in _html(at)


def test_deadline_and_search_from_the_url(run_app):
    at = run_app(search="vanh dai")  # the name of one, a quote in the other
    assert sorted(_map_ids(at)) == ["rail-script-agency", "ring-road-4-capital"]
    at = run_app(deadline_min="2025", search="vanh dai")
    assert _map_ids(at) == ["ring-road-4-capital"]
    assert at.text_input(key="f_search").value == "vanh dai"
    assert at.slider(key="f_years").value == (2025, 2030)


def test_widget_changes_are_written_to_the_url(run_app):
    at = run_app()
    at.multiselect(key="f_statuses").select("under_construction").run()
    assert at.query_params["statuses"] == "under_construction"
    assert sorted(_map_ids(at)) == ["port-bravo", "ring-road-4-capital"]
    at.text_input(key="f_search").input("bravo").run()
    assert at.query_params["search"] == "bravo"
    assert _map_ids(at) == ["port-bravo"]
    at.button(key="reset").click().run()
    assert "statuses" not in at.query_params and "search" not in at.query_params
    assert len(_map_ids(at)) == 5


def test_selected_item_shows_its_page_escaped(run_app):
    at = run_app(sel="xss-airport")
    assert at.selectbox(key="pick_item").value == "xss-airport"
    page = _html(at)
    assert "gt-item" in page and "&lt;img src=x" in page and "<img" not in page
    args = _map_args(at)
    assert args["center"] is not None and args["zoom"] == look.FOCUS_MAX_ZOOM
    assert args["gt_selected"] == "xss-airport" and 'content="xss-airport"' in args["header"]
    assert at.query_params["sel"] == "xss-airport"


def test_item_page_has_full_quotes_reader_links_and_a_story(run_app):
    at = run_app(sel="ring-road-4-capital", lang="en")
    page = _html(at)
    full_quote = ("Đến năm 2030, hoàn chỉnh các tuyến đường bộ cao tốc hướng tâm và các tuyến vành đai vùng Thủ đô "
                  "(ưu tiên vành đai 4, vành đai 5)")
    assert full_quote in page  # never cut
    assert "href='?doc=30-NQ%2FTW&amp;line=114&amp;sel=ring-road-4-capital&amp;lang=en'" in page
    assert "the documents disagree on: deadline" in page
    assert 'href="https://example.org/status"' in page and 'rel="noopener noreferrer"' in page
    end = page[page.index("<section class='gt-item-end'"):]
    assert "recorded from the documents" in end and "status changed" not in end
    permalink = "?lang=en&amp;sel=ring-road-4-capital"
    assert f"data-link='{permalink}'" in end and f"<code>{permalink}</code>" in end
    assert f"data-copy='{permalink}'" in end
    assert "<code>“Ring Road 4 – Capital Region” (ring-road-4-capital)" in end
    assert not at.code  # no code blocks: the page would load a syntax highlighter for them
    assert XSS_NAME not in "".join(m.value for m in at.markdown)


def test_the_reader_opens_the_document_at_the_cited_line(run_app):
    at = run_app(doc="14/NQ-CP", line="441", sel="ring-road-4-capital")
    page = _html(at)
    hit = re.search(r"<div id='gt-L441' class='gt-hit'[^>]*><span class='gt-ln'>441</span>"
                    r"<span class='gt-lt'>(.*?)</span>", page)
    assert hit and "Đến năm 2027, hoàn thành tuyến đường vành đai 4 - Vùng" in hit.group(1)
    assert at.query_params["doc"] == "14/NQ-CP" and at.query_params["line"] == "441"
    at.button(key="close_reader").click().run()
    assert "doc" not in at.query_params and "class='gt-hit'" not in _html(at)


def test_summary_equals_the_cli_reports_and_its_views_select_exactly_them(run_app, store_path):
    from geotrack import history
    from geotrack.filters import Filter
    from geotrack.store import open_store

    frame = open_store(str(store_path)).load(Filter())
    overdue = sorted(history.overdue(frame)["id"])
    disputed = sorted(i for i, _ in history.conflicts(frame))
    assert overdue and disputed
    at = run_app(lang="en")
    shown = _html(at)
    metrics = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", shown))
    assert metrics == {"Items": "6", "Overdue": str(len(overdue)), "Docs disagree": str(len(disputed))}
    lengths = re.findall(r"<tr><th scope='row'>[^<]+</th><td>([^<]+)</td><td>([^<]+)</td></tr>", shown)
    cli = history.lengths_by_mode(frame)
    assert [None if km == "—" else float(km.replace(",", "")) for _, km in lengths] == \
        [None if pd.isna(km) else km for km in cli["length_km"]]  # a mode of points: no length, not 0 km
    assert "—" in [km for _, km in lengths]
    assert [int(n) for n, _ in lengths] == list(cli["items"])
    at.button(key="only_overdue").click().run()
    assert _ids_in_table(at) == overdue and at.query_params["ids"] == ",".join(overdue)
    at.button(key="chip_ids").click().run()  # the chip removes the URL-only filter
    assert len(_items(at)) == 6 and "ids" not in at.query_params
    at.button(key="only_conflicts").click().run()
    assert _ids_in_table(at) == disputed


def test_link_values_are_cleaned_and_what_is_ignored_is_said(run_app):
    at = run_app(modes="foo,seaport,seaport," + ",".join(f"m{i}" for i in range(120)), deadline_min="2000",
                 deadline_max="1800", colour="red", lang="en")
    assert at.multiselect(key="f_modes").value == ["seaport"]
    shown = " ".join(w.value for w in at.warning)
    # capped at the values a link may hold (settings.max_query_values), and what was left out counted
    assert "modes=foo" in shown and "colour=red" in shown and "m97" in shown and "m98" not in shown
    assert "modes=… \\(\\+22\\)" in shown  # m98–m119 (Markdown-escaped)
    assert "deadline\\_max=1800" in shown  # no year at all: named as ignored (Markdown-escaped)
    assert any("2000 is outside the data (2024–2030); using 2024" in i.value for i in at.info)
    assert at.query_params["deadline_min"] == "2024" and at.query_params["modes"] == "seaport"


def test_empty_values_read_as_a_dash(run_app):
    at = run_app(lang="en", sel="social-nowhere")
    assert "None" not in _html(at)
    assert "<dd>—</dd>" in _html(at)


def test_missing_store_tells_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOTRACK_STORE", str(tmp_path / "nothing.gpkg"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "make store" in at.error[0].value


def test_switching_language_keeps_the_filters(run_app):
    at = run_app(modes="seaport")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.multiselect(key="f_modes").value == ["seaport"]
    assert _count(at) == "2 of 6 items match"
    assert at.query_params["lang"] == "en" and at.query_params["modes"] == "seaport"


def test_year_bounds_from_the_url_stand_as_written(run_app):
    at = run_app(deadline_max="2030")  # the data's last year: still leaves out the item with no deadline
    assert at.slider(key="f_years").value == (2024, 2030)
    assert "social-nowhere" not in _ids_in_table(at)
    assert _count(at).startswith("5 / 6")
    assert at.query_params["deadline_max"] == "2030"
    at.slider(key="f_years").set_value((2025, 2030)).run()
    assert at.query_params["deadline_min"] == "2025" and "deadline_max" not in at.query_params


def test_every_export_format_is_offered_for_the_filtered_set(run_app):
    at = run_app(modes="seaport", lang="en")
    formats = at.selectbox(key="download_fmt")
    assert formats.options == ["GeoPackage", "GeoParquet", "FlatGeobuf", "KML (Google Earth)", "CSV (Excel, WKT)"]
    n = _count(at).split()[0]
    labels = [b.proto.label for b in at.get("download_button")]
    assert f"GeoJSON ({n})" in labels and f"GeoPackage ({n})" in labels


def test_database_password_is_not_shown(monkeypatch):
    monkeypatch.delenv("GEOTRACK_STORE", raising=False)
    monkeypatch.setenv("GEOTRACK_DATABASE_URL", "postgresql://ed:s3cret@127.0.0.1:1/none")
    at = AppTest.from_file(APP, default_timeout=60).run()
    shown = " ".join(e.value for e in [*at.error, *at.exception])
    assert "s3cret" not in shown
    assert shown.strip() and "postgresql://" not in shown  # a notice, never the connection string, even redacted


def test_large_selections_get_the_webgl_map(run_app, monkeypatch):
    monkeypatch.setenv("GEOTRACK_WEBGL_MIN_ITEMS", "3")
    at = run_app()
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1 and not [c for c in at.get("component_instance")
                                     if "streamlit_folium" in c.proto.component_name]
    spec = json.loads(charts[0].proto.json)
    served = Path(APP).parent / "static"  # the rows are files the app serves there (deck.gl fetches them)

    def rows(data: str | list) -> list:
        return json.loads((served / data.removeprefix("/app/static/")).read_text()) if isinstance(data, str) else data

    assert all(isinstance(layer["data"], str) for layer in spec["layers"] if rows(layer["data"]))
    drawn = {row["id"] for layer in spec["layers"] for row in rows(layer["data"])}
    assert drawn == LOCATED
    assert any("WebGL" in c.value for c in at.caption)
    small = run_app(modes="seaport")  # below the threshold: Leaflet again, same filters
    assert not small.get("deck_gl_json_chart") and sorted(_map_ids(small)) == ["port-alpha", "port-bravo"]


def _streamlit_caches(source: str) -> dict[str, ast.expr]:
    """Function name → its ``st.cache_data``/``st.cache_resource`` decorator, in ``source``."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
                    found[node.name] = deco
    return found


def _bound(deco: ast.expr) -> int | None:
    keywords = deco.keywords if isinstance(deco, ast.Call) else []
    value = next((k.value for k in keywords if k.arg == "max_entries"), None)
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, int) else None


def test_every_cache_of_the_page_is_bounded():
    """A link is input from anyone: each distinct URL is a new cache key, so an unbounded cache grows with
    every no-op URL a visitor invents (1,500 of them once doubled the server's memory)."""
    caches = _streamlit_caches(CACHED.read_text(encoding="utf-8"))
    assert "payload" in caches and len(caches) >= 10
    unbounded = [name for name, deco in caches.items() if not (_bound(deco) or 0) > 0]
    assert unbounded == []
    # the check itself sees a cache without a bound, bare or called
    assert [_bound(d) for d in _streamlit_caches(
        "@st.cache_data\ndef a(): ...\n@st.cache_data(show_spinner=False)\ndef b(): ...\n"
        "@st.cache_resource(max_entries=4)\ndef c(): ...\n").values()] == [None, None, 4]


def test_the_script_makes_no_cache_of_its_own():
    # Streamlit runs the script anew on every rerun: a cache decorated there is made again each time, its
    # function's source read and hashed (17–21 ms of every rerun with the page's thirty); imported, once
    assert _streamlit_caches(Path(APP).read_text(encoding="utf-8")) == {}
    assert "@st.cache_resource" not in Path(APP).read_text(encoding="utf-8")


def test_the_table_holds_the_first_rows_of_a_large_selection(run_app, monkeypatch):
    monkeypatch.setattr(settings, "table_max_rows", 4)
    at = run_app()
    assert len(_items(at)) == 4  # the rest are on the map and in the downloads
    assert any("4 công trình đầu tiên trong 6" in c.value for c in at.caption)
    small = run_app(modes="seaport")
    assert len(_items(small)) == 2 and not any("đầu tiên" in c.value for c in small.caption)


def test_a_small_store_draws_each_selection_from_the_page_frame(run_app, monkeypatch):
    # every selection of a small store is drawn at full detail, from the geometry the page already holds:
    # no selection's records are read from the store again; the items opened come from one whole read of it
    from geotrack.store import GeoPackageStore

    read: list[list[str]] = []
    whole: list[object] = []
    load_ids, load = GeoPackageStore.load_ids, GeoPackageStore.load
    monkeypatch.setattr(GeoPackageStore, "load_ids", lambda self, ids: read.append(list(ids)) or load_ids(self, ids))
    monkeypatch.setattr(GeoPackageStore, "load", lambda self, flt=None: whole.append(flt) or load(self, flt))
    cached.small_store.clear()
    at = run_app(lang="en", statuses="planned")
    at.multiselect(key="f_modes").set_value(["seaport"]).run()
    assert _map_ids(at) == ["port-alpha"] and read == [] and whole == []
    at.session_state["sel"] = "port-alpha"
    at.run()
    assert "gt-item" in _html(at) and "port-alpha" in _html(at)  # its page is shown
    at.multiselect(key="f_statuses").set_value([]).run()
    at.session_state["sel"] = "port-bravo"
    at.run()
    assert "gt-item" in _html(at) and "port-bravo" in _html(at)
    assert read == [] and whole == [None]
