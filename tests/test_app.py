"""The Streamlit script on a fixture store, run headless by AppTest (no browser)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mapfixtures import XSS_NAME, build_fixture_store
from streamlit.testing.v1 import AppTest

from geotrack.ui import leaflet as mapview

APP = str(Path(__file__).resolve().parent.parent / "app.py")
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
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def _count(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


def _map_args(at: AppTest) -> dict[str, Any]:
    components = [c for c in at.get("component_instance") if "streamlit_folium" in c.proto.component_name]
    assert len(components) == 1
    return json.loads(components[0].proto.json_args)


def _map_ids(at: AppTest) -> list[str]:
    args = _map_args(at)
    return mapview.feature_ids_in_script(args["script"] + (args.get("feature_group") or ""))


def test_runs_and_shows_everything(run_app):
    at = run_app()
    assert _count(at) == "### 6 / 6 công trình khớp bộ lọc"
    assert sorted(_map_ids(at)) == sorted(LOCATED)
    assert len(at.dataframe) >= 1 and len(at.dataframe[0].value) == 6
    assert any("chưa có vị trí nên không hiện trên bản đồ: 1." in c.value for c in at.caption)
    assert at.get("download_button")


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
    assert sorted(mapview.feature_ids_in_script(ports["feature_group"])) == ["port-alpha", "port-bravo"]
    assert "port-alpha" not in everything["script"]


def test_query_params_become_filters(run_app):
    at = run_app(modes="seaport")
    assert at.multiselect(key="f_modes").value == ["seaport"]
    assert _count(at).startswith("### 2 / 6")
    assert sorted(_map_ids(at)) == ["port-alpha", "port-bravo"]
    assert sorted(at.dataframe[0].value.iloc[:, 0]) == ["port-alpha", "port-bravo"]


def test_former_province_without_diacritics_matches(run_app):
    at = run_app(provinces="hai duong", lang="en")
    assert at.multiselect(key="f_provinces").value == ["Hải Dương"]
    assert _count(at) == "### 1 of 6 items match"
    assert _map_ids(at) == ["port-bravo"]
    assert at.title[0].value.startswith("Committed infrastructure tracker")


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


def test_selected_item_shows_its_detail_escaped(run_app):
    at = run_app(sel="xss-airport")
    assert at.selectbox(key="sel").value == "xss-airport"
    detail = [s.value for s in at.subheader if s.value.startswith("Chi tiết")]
    assert detail and r"\<img" in detail[0] and not re.search(r"(?<!\\)<img", detail[0])
    args = _map_args(at)
    assert args["center"] is not None and args["zoom"] == 15
    assert "xss-airport" in (args["feature_group"] or "")
    assert at.query_params["sel"] == "xss-airport"


def test_conflicts_are_flagged(run_app):
    at = run_app(sel="ring-road-4-capital", lang="en")
    frames = [d.value for d in at.dataframe]
    side_by_side = next(f for f in frames if "14/NQ-CP" in f.columns)
    assert list(side_by_side.columns) == ["30-NQ/TW", "14/NQ-CP"]
    assert side_by_side.loc["End year", "30-NQ/TW"] == "⚠ differs: 2030"
    assert any("disagree on" in w.value and "deadline" in w.value for w in at.warning)
    assert XSS_NAME not in "".join(m.value for m in at.markdown)


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
    assert _count(at) == "### 2 of 6 items match"
    assert at.query_params["lang"] == "en" and at.query_params["modes"] == "seaport"


def test_year_bounds_from_the_url_stand_as_written(run_app):
    at = run_app(deadline_max="2030")  # the data's last year: still leaves out the item with no deadline
    assert at.slider(key="f_years").value == (2024, 2030)
    assert "social-nowhere" not in set(at.dataframe[0].value.iloc[:, 0])
    assert _count(at).startswith("### 5 / 6")
    assert at.query_params["deadline_max"] == "2030"
    at.slider(key="f_years").set_value((2025, 2030)).run()
    assert at.query_params["deadline_min"] == "2025" and "deadline_max" not in at.query_params


def test_every_export_format_is_offered_for_the_filtered_set(run_app):
    at = run_app(modes="seaport", lang="en")
    formats = at.selectbox(key="download_fmt")
    assert formats.options == ["GeoPackage", "GeoParquet", "FlatGeobuf", "KML (Google Earth)", "CSV (Excel, WKT)"]
    n = _count(at).split()[1]
    labels = [b.proto.label for b in at.get("download_button")]
    assert f"GeoJSON ({n} items)" in labels and f"GeoPackage ({n} items)" in labels


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
    drawn = {row["id"] for layer in spec["layers"] for row in layer["data"]}
    assert drawn == LOCATED
    assert any("WebGL" in c.value for c in at.caption)
    small = run_app(modes="seaport")  # below the threshold: Leaflet again, same filters
    assert not small.get("deck_gl_json_chart") and sorted(_map_ids(small)) == ["port-alpha", "port-bravo"]
