"""Rebuilds from data/ keep the edits made in the store since the last build, and report conflicts."""

from typing import Any

import pytest

from geotrack.build import build
from geotrack.model import Item
from geotrack.testing import base_record, point_record


def _status(store, item_id: str) -> str:
    return str(store.get(item_id)["status"].iloc[0])


def _set(store, item_id: str, **fields: Any) -> None:
    store.update_item(item_id, lambda r: {**r, **fields}, actor="editor", source="https://example.org/news")


@pytest.fixture
def built(make_store, make_dataset):
    records = [base_record(), point_record("port-a")]
    data, layers = make_dataset(records)
    store = make_store()
    build(store, data_dir=data, layers_dir=layers)
    return store, records, make_dataset, data, layers


def test_an_edit_survives_any_later_change_to_data(built):
    store, _, make_dataset, data, layers = built
    _set(store, "port-a", status="cancelled", status_as_of="2025-01-02")
    (data / "targets.yaml").write_text("# a comment\ntargets: []\n", encoding="utf-8")
    report = build(store, data_dir=data, layers_dir=layers)
    assert _status(store, "port-a") == "cancelled"
    assert ("port-a", "status") in report.kept and report.conflicts == []
    assert not [e for e in report.changes if e.field == "status"]  # nothing "by geotrack build" reverted it
    # and again at the next rebuild, when data/ changes another item
    make_dataset([base_record() | {"notes": "checked"}, point_record("port-a")])
    report = build(store, data_dir=data, layers_dir=layers)
    assert _status(store, "port-a") == "cancelled"
    assert store.get("ring-road-4-capital")["notes"].iloc[0] == "checked"


def test_data_and_store_changes_to_different_fields_both_land(built):
    store, _, make_dataset, data, layers = built
    _set(store, "port-a", status="cancelled", status_as_of="2025-01-02")
    make_dataset([base_record(), point_record("port-a", end_year=2031)])
    report = build(store, data_dir=data, layers_dir=layers)
    row = store.get("port-a").iloc[0]
    assert (row["status"], row["end_year"]) == ("cancelled", 2031)
    assert report.conflicts == []


def test_a_field_both_changed_is_a_conflict_with_both_values_and_the_store_keeps_its_own(built):
    store, _, make_dataset, data, layers = built
    _set(store, "port-a", end_year=2032)
    make_dataset([base_record(), point_record("port-a", end_year=2035)])
    report = build(store, data_dir=data, layers_dir=layers)
    assert store.get("port-a")["end_year"].iloc[0] == 2032
    [conflict] = report.conflicts
    assert (conflict.item_id, conflict.field, conflict.store, conflict.data) == ("port-a", "end_year", "2032", "2035")
    assert "2032" in str(conflict) and "2035" in str(conflict)


def test_items_added_or_removed_in_the_store_stay_so(built):
    store, _, make_dataset, data, layers = built
    store.apply_changes([Item.from_record(point_record("port-new"))], ["ring-road-4-capital"], actor="gis",
                        source="edits.geojson")
    make_dataset([base_record(), point_record("port-a", notes="x")])
    build(store, data_dir=data, layers_dir=layers)
    ids = set(store.load()["id"])
    assert ids == {"port-a", "port-new"}


def test_data_removing_an_untouched_item_removes_it(built):
    store, _, make_dataset, data, layers = built
    make_dataset([base_record()])
    build(store, data_dir=data, layers_dir=layers)
    assert set(store.load()["id"]) == {"ring-road-4-capital"}


def test_fresh_build_makes_the_store_data_again(built):
    store, _, _, data, layers = built
    _set(store, "port-a", status="cancelled", status_as_of="2025-01-02")
    build(store, data_dir=data, layers_dir=layers, fresh=True)
    assert _status(store, "port-a") == "planned"
