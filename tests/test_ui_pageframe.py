"""The page's frame: what the page shows from it is what it showed from the whole working frame."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from mapfixtures import fixture_records

from geotrack import frames, history
from geotrack.filters import Filter, apply
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.ui import choices, pageframe, summary, timeline
from geotrack.ui import payload as mappayload
from geotrack.ui import tables as views
from geotrack.ui.style import DEFAULT_ZOOM

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    made = GeoPackageStore(tmp_path_factory.mktemp("page") / "s.gpkg")
    made.replace_all([Item.from_record(r) for r in fixture_records()], [], actor="t", source=None)
    return made


@pytest.fixture(scope="module")
def full(store):
    return store.load()


@pytest.fixture(scope="module")
def page(store):
    return pageframe.read(store, rows=3)  # several chunks


def test_the_page_frame_keeps_the_shown_columns_and_the_map_geometry(page, full):
    assert list(page.columns) == list(frames.PAGE_COLUMNS)
    assert "commitments" not in page and "funding" not in page
    for column in frames.PAGE_KEPT:
        assert page[column].tolist() == full[column].tolist(), column
    drawn = mappayload.simplify_all(full.geometry, DEFAULT_ZOOM)
    assert all((a is None and b is None) or a.equals_exact(b, 0) for a, b in zip(page.geometry, drawn, strict=True))
    assert page[frames.CONFLICTING].any()
    assert [i for i, c in zip(page["id"], page[frames.CONFLICTING], strict=True) if c] == [
        i for i, _ in history.conflicts(full)]
    assert page[frames.CITED_DOCUMENTS].tolist() == [
        tuple(dict.fromkeys(c["document"] for c in cs)) for cs in full["commitments"]]


def test_the_page_frame_counts_the_whole_geometrys_coordinates(page, full):
    # the page's own geometry is simplified: what full detail would draw is counted before
    whole = shapely.get_num_coordinates(full.geometry.values)
    assert page[frames.WHOLE_COORDINATES].tolist() == whole.tolist()
    assert pageframe.whole_coordinates(page) == pageframe.whole_coordinates(full) == whole.sum()
    assert pageframe.whole_coordinates(page) > shapely.get_num_coordinates(page.geometry.values).sum()


def test_a_small_store_read_at_once_keeps_each_geometry_whole(store, full, page):
    small = pageframe.read(store)  # one read, fewer items than the full-detail map draws
    assert pageframe.holds_whole_geometry(small) and not pageframe.holds_whole_geometry(page)
    assert all((a is None and b is None) or a.equals_exact(b, 0)
               for a, b in zip(small.geometry, full.geometry, strict=True))
    assert small.drop(columns="geometry").equals(page.drop(columns="geometry"))
    assert not pageframe.holds_whole_geometry(pageframe.read(store, whole_up_to=len(full) - 1))


def test_summary_table_and_choices_are_those_of_the_whole_frame(page, full):
    mine, whole = summary.summarise(page, TODAY), summary.summarise(full, TODAY)
    assert (mine.count, mine.by_status, mine.overdue, mine.conflicts, mine.investment) == (
        whole.count, whole.by_status, whole.overdue, whole.conflicts, whole.investment)
    assert mine.conflicts and mine.investment
    assert mine.lengths.equals(whole.lengths)
    for lang in ("vi", "en"):
        pd.testing.assert_frame_equal(views.table_frame(page, lang), views.table_frame(full, lang))
        pd.testing.assert_frame_equal(timeline.timeline_frame(page, lang, TODAY),
                                      timeline.timeline_frame(full, lang, TODAY))
        assert timeline.no_year_names(page, lang) == timeline.no_year_names(full, lang)
        assert timeline.chart(page, lang, TODAY) == timeline.chart(full, lang, TODAY)
    assert choices.cited_documents(page) == choices.cited_documents(full)
    assert views.province_options(page) == views.province_options(full)
    assert views.deadline_bounds(page) == views.deadline_bounds(full)


def _corridor(full):
    return next(c for cs in full["corridors"] for c in cs)


@pytest.mark.parametrize("name", ["documents", "funding", "provinces", "search", "corridor", "corridor_km", "mixed"])
def test_filters_keep_on_the_page_frame_what_they_keep_on_the_whole_frame(name, store, page, full):
    flt = {"documents": Filter(documents=("30-NQ/TW",)), "funding": Filter(funding_types=("ppp",)),
           "provinces": Filter(provinces=("hai phong",)), "search": Filter(search="cang"),
           "corridor": Filter(corridors=(_corridor(full),)),
           "corridor_km": Filter(corridors=(_corridor(full),), corridor_km=15.0),
           "mixed": Filter(modes=("seaport", "expressway"), deadline_max=2030, search="a")}[name]
    near = pageframe.near(store, flt.corridors, flt.corridor_km) if flt.corridor_km is not None else None
    kept = list(apply(page, flt, near=near)["id"])
    assert kept == list(apply(full, flt)["id"])
    assert 0 < len(kept) < len(full) or name == "mixed"


def test_the_distance_to_a_corridor_is_measured_on_the_whole_geometry(store, full):
    corridor = _corridor(full)
    for km in (0.5, 5.0, 30.0):
        wanted = set(apply(full, Filter(corridors=(corridor,), corridor_km=km))["id"])
        near = pageframe.near(store, (corridor,), km, rows=2)
        assert set(near) | set(full[[corridor in cs for cs in full["corridors"]]]["id"]) == wanted


def _dated(entries, before):
    """The store's history with the first ``before`` entries (the build) moved back to 2025."""
    return [dataclasses.replace(e, at="2025-01-01T00:00:00Z") if n < before else e for n, e in enumerate(entries)]


def test_as_of_on_the_page_frame_is_the_whole_frames_as_of(tmp_path):
    store = GeoPackageStore(tmp_path / "s.gpkg")
    records = fixture_records()
    store.replace_all([Item.from_record(r) for r in records], [], actor="t", source=None)
    built = len(store.history())
    changed, removed = records[1]["id"], records[2]["id"]
    store.update_item(changed, lambda r: r | {"commitments": [*r["commitments"], {**r["commitments"][0],
                                                                                    "end_year": 2041}],
                                               "notes": "sau nam 2040"}, actor="t", source=None)
    store.apply_changes([Item.from_record({**records[0], "id": "added-later"})], [removed], actor="t", source=None)
    entries = _dated(store.history(), built)
    day = dt.date(2025, 6, 1)
    full, page = store.load(), pageframe.read(store, whole_up_to=0)
    touched, then = pageframe.undone(page, entries, day, store.load_ids)
    assert {changed, removed, "added-later"} <= set(touched)
    mine = pageframe.as_of(page, touched, then)
    whole = pageframe.page_rows(history.as_of(full, entries, day))
    assert list(mine["id"]) == list(whole["id"]) == [r["id"] for r in records if r["id"] != removed] + [removed]
    for column in frames.PAGE_COLUMNS[:-1]:
        assert mine[column].tolist() == whole[column].tolist(), column
    assert all(a.equals_exact(b, 0) for a, b in zip(mine.geometry.dropna(), whole.geometry.dropna(), strict=True))
    assert apply(mine, Filter(search="sau nam 2040")).empty  # the notes of the day, not today's
    assert not apply(pageframe.as_of(page, frozenset(), then), Filter(search="sau nam 2040")).empty


def test_full_rows_are_the_whole_records_in_the_order_asked(store, full):
    ids = [str(i) for i in full["id"]][::-1][:3]
    rows = pageframe.full_rows(ids, store.load_ids)
    assert list(rows["id"]) == ids
    assert rows["commitments"].tolist() == [full.set_index("id").loc[i, "commitments"] for i in ids]
    assert pageframe.full_rows(["nowhere"], store.load_ids).empty


def test_the_full_detail_map_draws_the_page_rows_with_their_whole_stored_geometry(store, page, full):
    rows = page.iloc[::-1]
    whole = pageframe.with_whole_geometry(rows, functools.partial(store.load_ids, geometry_only=True))
    assert list(whole["id"]) == list(rows["id"]) and list(whole.index) == list(rows.index)
    stored = full.set_index("id").geometry
    assert all((g is None and stored[i] is None) or g.equals_exact(stored[i], 0)
               for i, g in zip(whole["id"], whole.geometry, strict=True))
    assert whole.drop(columns="geometry").equals(rows.drop(columns="geometry"))


def test_a_large_selection_draws_on_the_page_frame_as_on_the_whole_frame(page, full):
    # past the full-detail map's size the map is drawn at the default view's detail, which the page keeps
    assert mappayload.map_payload(page, "en", zoom=DEFAULT_ZOOM, popups=False) == mappayload.map_payload(
        full, "en", zoom=DEFAULT_ZOOM, popups=False)


def test_the_distance_to_a_corridor_counts_what_the_map_geometry_leaves_out(tmp_path):
    from shapely.geometry import LineString

    from geotrack import geo
    from geotrack.io import read_corridors
    from geotrack.testing import base_record

    corridors = read_corridors()
    corridor, line = str(corridors["id"].iloc[0]), corridors.geometry.iloc[0]
    half = line.length / 2
    a, b = line.interpolate(half - 0.003), line.interpolate(half + 0.003)
    along = ((b.x - a.x) / 0.006, (b.y - a.y) / 0.006)
    across = (-along[1], along[0])

    def at(t: float, off: float) -> tuple[float, float]:
        return (a.x + b.x) / 2 + t * along[0] + off * across[0], (a.y + b.y) / 2 + t * along[1] + off * across[1]

    # 2 km off the corridor and along it, with a bend 400 m towards it: less than the default view's pixel
    item_line = LineString([at(-0.003, 0.02), at(0, 0.0165), at(0.003, 0.02)])
    drawn = mappayload.simplify_all(gpd.GeoSeries([item_line], crs="EPSG:4326"), pageframe.PAGE_ZOOM)[0]
    reach = geo.to_metric(line)
    near_m, drawn_m = (gpd.GeoSeries([g], crs="EPSG:4326").to_crs(geo.METRIC_CRS).distance(reach).iloc[0]
                       for g in (item_line, drawn))
    assert near_m < drawn_m  # the bend is simplified away
    record = {**base_record(), "id": "bent-line", "corridors": [],
              "geometry": {"type": "LineString", "coordinates": [list(c) for c in item_line.coords]}}
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.replace_all([Item.from_record(record)], [], actor="t", source=None)
    flt = Filter(corridors=(corridor,), corridor_km=(near_m + drawn_m) / 2000)
    page = pageframe.read(store, whole_up_to=0)  # at the map's detail, as a large store is read
    assert list(apply(store.load(), flt)["id"]) == ["bent-line"]
    assert apply(page, flt).empty  # measured on the page's geometry it would be left out
    assert list(apply(page, flt, near=pageframe.near(store, flt.corridors, flt.corridor_km or 0))["id"]) == [
        "bent-line"]
