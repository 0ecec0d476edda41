import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geotrack import history
from geotrack.build import build
from geotrack.changes import HistoryEntry
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.testing import base_record, point_record


def _entry(at, item_id, field, old, new):
    return HistoryEntry(at, item_id, field, old, new, "tester", "src")


@pytest.fixture
def store(make_store, make_dataset):
    data, layers = make_dataset([base_record(), point_record("port-a")])
    store = make_store()
    build(store, data_dir=data, layers_dir=layers)
    return store


def test_as_of_undoes_later_changes_and_additions(store):
    current = store.load()
    built_on = store.history()[0].at[:10]
    entries = [
        *store.history(),
        _entry("2099-01-02T00:00:00+00:00", "ring-road-4-capital", "status", '"planned"', '"under_construction"'),
        _entry("2099-01-03T00:00:00+00:00", "port-a", "item", None, "added"),
    ]
    said = history.as_of(current, entries, dt.date(2099, 1, 1))
    assert list(said["id"]) == ["ring-road-4-capital"]
    assert said.iloc[0]["status"] == "planned"
    assert said.iloc[0]["end_year"] == 2027
    assert history.as_of(current, entries, dt.date(2099, 1, 5))["status"].tolist() == ["under_construction", "planned"]
    before_build = dt.date.fromisoformat(built_on) - dt.timedelta(days=1)
    assert history.as_of(current, store.history(), before_build).empty


def test_as_of_brings_back_a_removed_item_whole(store, make_dataset, tmp_path):
    before = store.load()
    data, layers = make_dataset([base_record()])
    build(store, data_dir=data, layers_dir=layers)
    today = dt.date.today()
    restored = history.as_of(store.load(), store.history(), today - dt.timedelta(days=1))
    assert restored.empty  # nothing existed before today's build
    # shift the removal into the future to ask "what did we say just before it"
    entries = [e if e.new is not None or e.field != "item" else HistoryEntry("2099-01-01T00:00:00+00:00", *[
        e.item_id, e.field, e.old, e.new, e.actor, e.source]) for e in store.history()]
    said = history.as_of(store.load(), entries, today)
    row = said[said["id"] == "port-a"].iloc[0]
    expected = before[before["id"] == "port-a"].iloc[0]
    assert row["name_vi"] == expected["name_vi"] and row["geometry"].equals(expected["geometry"])
    assert row["commitments"] == expected["commitments"]


def test_overdue_ignores_done_and_future_items():
    records = [
        point_record("late", end_year=2024, status="under_construction", status_as_of="2024-01-01",
                     status_source="x"),
        point_record("done", end_year=2024, status="operational", status_as_of="2024-01-01", status_source="x"),
        point_record("future", end_year=2030),
        point_record("undated", end_year=None),
    ]
    frame = items_to_frame([Item.from_record(r) for r in records])
    assert list(history.overdue(frame, dt.date(2026, 11, 23))["id"]) == ["late"]


def test_conflicts_lists_only_disagreeing_items():
    agreeing = point_record("agree")
    disagreeing = base_record()
    disagreeing["commitments"].append(disagreeing["commitments"][0] | {"document": "30-NQ/TW", "line": 114,
                                                                       "end_year": 2030})
    frame = items_to_frame([Item.from_record(r) for r in (agreeing, disagreeing)])
    (found,) = history.conflicts(frame)
    assert found[0] == "ring-road-4-capital" and set(found[1]["deadline"]) == {"14/NQ-CP", "30-NQ/TW"}


def test_lengths_by_mode_count_as_a_groupby_does():
    frame = pd.DataFrame({"mode": ["rail", "road", None, "rail", "port", "road", "port"],
                          "length_km": [1.25, None, 5.0, 2.5, 0.0, 3.0, "n/a"]})
    table = history.lengths_by_mode(frame)
    lengths = pd.to_numeric(frame["length_km"], errors="coerce")
    expected = (pd.DataFrame({"mode": frame["mode"], "length_km": lengths}).groupby("mode")
                .agg(items=("mode", "size"), length_km=("length_km", "sum")).reset_index())
    expected["length_km"] = expected["length_km"].round(1)
    expected = expected.sort_values(["length_km", "items"], ascending=False, ignore_index=True)
    assert table.equals(expected)  # an item without a mode in no row; one without a length counted, 0 km
    assert table.to_dict("list") == {"mode": ["rail", "road", "port"], "items": [2, 2, 2], "length_km": [3.8, 3.0, 0.0]}


def test_a_mode_with_no_length_has_none_and_comes_after_the_measured_ones():
    frame = pd.DataFrame({"mode": ["seaport", "airport", "rail", "seaport", "road", "airport"],
                          "length_km": [None, None, 2.5, "n/a", 0.0, None]})
    table = history.lengths_by_mode(frame)
    assert table["mode"].tolist() == ["rail", "road", "airport", "seaport"]
    assert table["items"].tolist() == [1, 1, 2, 2]
    assert table["length_km"].tolist()[:2] == [2.5, 0.0]  # a measured 0 km stays 0 km
    assert table["length_km"].isna().tolist() == [False, False, True, True]


def test_changes_since():
    entries = [_entry("2026-01-01T10:00:00+00:00", "a", "status", "1", "2"),
               _entry("2026-03-01T10:00:00+00:00", "b", "status", "1", "2")]
    assert [e.item_id for e in history.changes_since(entries, dt.date(2026, 2, 1))] == ["b"]
    assert len(history.changes_since(entries, dt.date(2026, 1, 1))) == 2


def test_lengths_by_mode_in_metric_crs():
    frame = items_to_frame([Item.from_record(base_record()), Item.from_record(point_record("p"))])
    table = history.lengths_by_mode(frame)
    ring = table[table["mode"] == "ring_road"].iloc[0]
    assert ring["items"] == 1 and 80 < ring["length_km"] < 120
    assert np.isnan(table[table["mode"] == "seaport"].iloc[0]["length_km"])  # a point has no length, not 0 km
