import multiprocessing
import sqlite3

import pytest

from conftest import base_record, point_record
from geotrack.build import build, data_fingerprint, is_stale
from geotrack.errors import NotFoundError, StoreBusyError, StoreError, ValidationError
from geotrack.filters import Filter, apply
from geotrack.store import GeoPackageStore, decode_row, diff_frames


@pytest.fixture
def built(tmp_path, make_dataset):
    data, layers = make_dataset([base_record(), point_record("port-a"), point_record("port-b", mode="berth",
                                                                                    parent_id="port-a")])
    store = GeoPackageStore(tmp_path / "s.gpkg")
    build(store, data_dir=data, layers_dir=layers)
    return store, data, layers


def test_build_then_load_round_trips_every_field(built):
    store, _, _ = built
    frame = store.load()
    assert list(frame["id"]) == ["ring-road-4-capital", "port-a", "port-b"]
    row = frame.iloc[0].to_dict()
    expected = base_record()
    for key in ("name_vi", "mode", "status", "status_as_of", "end_year", "provinces", "former_provinces",
                "corridors", "lead_agency_current"):
        assert row[key] == expected[key], key
    assert row["commitments"] == expected["commitments"]
    assert row["funding"]["amount"] == 85813
    assert row["geometry"].geom_type == "LineString"
    assert row["length_km"] > 50
    assert frame.crs.to_epsg() == 4326


def test_load_with_filter_equals_in_memory_filter(built):
    store, _, _ = built
    everything = store.load()
    for flt in (Filter(modes=("berth",)), Filter(deadline_max=2028), Filter(search="cang"),
                Filter(statuses=("planned",), provinces=("hai phong",))):
        assert list(store.load(flt)["id"]) == list(apply(everything, flt)["id"])


def test_documents_and_meta(built):
    store, data, layers = built
    numbers = [d.number for d in store.documents()]
    assert "14/NQ-CP" in numbers and "02-NQ/TW" in numbers
    meta = store.meta()
    assert meta["schema_version"] == "1"
    assert meta["data_fingerprint"] == data_fingerprint(data, layers)


def test_rebuild_records_history_of_changes(built, make_dataset):
    store, _, _ = built
    changed = base_record() | {"status": "partly_open", "end_year": 2028}
    data, layers = make_dataset([changed, point_record("port-a")])
    report = build(store, data_dir=data, layers_dir=layers, actor="tester")
    changes = {(e.item_id, e.field, e.old, e.new) for e in report.changes}
    assert ("ring-road-4-capital", "status", '"under_construction"', '"partly_open"') in changes
    assert ("ring-road-4-capital", "end_year", "2027", "2028") in changes
    (removed,) = [old for item_id, field, old, new in changes if item_id == "port-b"]
    assert decode_row(removed)["name_vi"] == "Cảng port-b"
    history = store.history("ring-road-4-capital")
    assert [e.field for e in history if e.actor == "tester"] == ["status", "end_year"]
    assert all(e.actor == "geotrack build" for e in store.history() if e.field == "item" and e.new == "added")


def test_invalid_data_leaves_the_store_unchanged(built, make_dataset):
    store, _, _ = built
    before = store.path.read_bytes()
    data, layers = make_dataset([base_record() | {"mode": "teleport"}])
    with pytest.raises(ValidationError) as info:
        build(store, data_dir=data, layers_dir=layers)
    assert any(p.field == "mode" for p in info.value.problems)
    assert store.path.read_bytes() == before


def test_failed_write_leaves_the_store_unchanged(built, make_dataset, monkeypatch):
    store, _, _ = built
    before = store.path.read_bytes()
    data, layers = make_dataset([base_record()])
    calls = {"n": 0}
    import pyogrio

    real = pyogrio.write_dataframe

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", flaky)
    with pytest.raises(OSError):
        build(store, data_dir=data, layers_dir=layers)
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.glob("*.gpkg")) == ["s.gpkg"]


def test_stale_detection(built, make_dataset):
    store, data, layers = built
    assert not is_stale(store, data_dir=data, layers_dir=layers)
    make_dataset([base_record()])
    assert is_stale(store, data_dir=data, layers_dir=layers)
    assert is_stale(GeoPackageStore(store.path.with_name("missing.gpkg")), data_dir=data, layers_dir=layers)


def test_missing_store_and_unknown_item(tmp_path, built):
    with pytest.raises(StoreError, match="geotrack build"):
        GeoPackageStore(tmp_path / "nothing.gpkg").load()
    with pytest.raises(NotFoundError):
        built[0].get("no-such-item")


def test_store_from_another_schema_version_is_refused(built):
    store, _, _ = built
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version"):
        store.load()


def _hold_lock(path, ready, release):
    store = GeoPackageStore(path)
    with store._locked():
        ready.set()
        release.wait(20)


def test_second_writer_gets_store_busy(tmp_path, make_dataset):
    path = tmp_path / "s.gpkg"
    data, layers = make_dataset([base_record()])
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(StoreBusyError, match="store busy"):
            build(GeoPackageStore(path, lock_timeout=0.3), data_dir=data, layers_dir=layers)
        assert not path.exists()
    finally:
        release.set()
        holder.join(30)


def test_diff_frames_reports_geometry_moves(built):
    store, _, _ = built
    old = store.load()
    new = old.copy()
    moved = new.loc[new["id"] == "port-a", "geometry"].to_numpy()[0].buffer(0.01).centroid
    new.loc[new["id"] == "port-a", "geometry"] = moved
    assert [(i, f) for i, f, _, _ in diff_frames(old, new)] == [("port-a", "geometry")]
