"""The store suite: every test runs on the GeoPackage and on PostGIS (``make_store``), unless marked otherwise."""

import contextlib
import importlib
import json
import multiprocessing
import sqlite3
import threading
import time

import psycopg
import pytest

from conftest import snapshot
from geotrack.build import build, data_fingerprint, is_stale
from geotrack.changes import decode_row, diff_frames
from geotrack.errors import NotFoundError, StoreBusyError, StoreError, ValidationError
from geotrack.filters import Filter, apply
from geotrack.frames import frame_to_items
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.testing import base_record, point_record


def _schema_version(store_kind):
    from geotrack.store import SCHEMA_VERSION

    return str(SCHEMA_VERSION)


def test_both_backends_mean_the_same_schema_version():
    from geotrack.store import SCHEMA_VERSION
    from geotrack.store.migrations import LATEST_VERSION

    assert LATEST_VERSION == SCHEMA_VERSION


def test_a_write_that_changes_nothing_writes_nothing(built):
    store, _, _ = built
    before = store.meta()["built_at"]
    history = store.history()
    same = store.load(Filter(ids=("port-a",)))
    time.sleep(1.1)  # built_at has whole seconds: a rewrite now would show as a new value
    assert store.apply_changes(frame_to_items(same), actor="t", source=None) == []
    assert store.update_item("port-a", lambda record: record, actor="t", source=None) == []
    assert store.meta()["built_at"] == before and store.history() == history


def _records():
    return [base_record(), point_record("port-a"), point_record("port-b", mode="berth", parent_id="port-a")]


@pytest.fixture
def built(make_store, make_dataset):
    data, layers = make_dataset(_records())
    store = make_store()
    build(store, data_dir=data, layers_dir=layers)
    return store, data, layers


@pytest.fixture
def built_gpkg(make_dataset, tmp_path):
    """``built`` on the GeoPackage only, for what only it does."""
    data, layers = make_dataset(_records())
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
    assert list(row["commitments"][0]) == list(expected["commitments"][0])  # key order as the model writes it
    assert row["funding"]["amount"] == 85813
    assert row["geometry"].geom_type == "LineString"
    assert row["length_km"] > 50
    assert frame.crs.to_epsg() == 4326


FILTERS = (
    Filter(modes=("berth",)), Filter(deadline_max=2028), Filter(search="cang"), Filter(search="VÀNH đai"),
    Filter(search="100%_!"), Filter(statuses=("planned",), provinces=("hai phong",)),
    Filter(provinces=("Bắc Giang",)), Filter(funding_types=("ppp",)), Filter(documents=("14/NQ-CP",)),
    Filter(documents=("30-NQ/TW",)), Filter(ids=("port-b", "nope")), Filter(deadline_min=2030, deadline_max=2030),
    Filter(corridors=("ring-4-capital",)), Filter(corridors=("ec-kunming-laocai-hanoi-haiphong-quangninh",)),
    Filter(corridors=("ec-kunming-laocai-hanoi-haiphong-quangninh",), corridor_km=30.0),
    Filter(corridors=("ec-kunming-laocai-hanoi-haiphong-quangninh",), corridor_km=5.0),
)


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: str(f.to_query()))
def test_load_with_filter_equals_in_memory_filter(built, flt):
    store, _, _ = built
    everything = store.load()
    assert list(store.load(flt)["id"]) == list(apply(everything, flt)["id"])


def test_both_backends_load_the_same_frame(make_dataset, tmp_path, postgis_url):
    from geotrack.store.postgis import PostGISStore

    data, layers = make_dataset([base_record(), point_record("port-a", geometry=None, location_precision=None),
                                 point_record("port-b", mode="berth", parent_id="port-a")])
    gpkg, pg = GeoPackageStore(tmp_path / "s.gpkg"), PostGISStore(postgis_url)
    for store in (gpkg, pg):
        build(store, data_dir=data, layers_dir=layers)
    a, b = gpkg.load(), pg.load()
    assert list(a.columns) == list(b.columns)
    assert a.drop(columns="geometry").to_dict("records") == b.drop(columns="geometry").to_dict("records")
    assert [None if g is None else g.wkb for g in a.geometry] == [None if g is None else g.wkb for g in b.geometry]
    assert gpkg.documents() == pg.documents()
    assert [e.__dict__ | {"at": ""} for e in gpkg.history()] == [e.__dict__ | {"at": ""} for e in pg.history()]


def test_documents_and_meta(built, store_kind):
    store, data, layers = built
    numbers = [d.number for d in store.documents()]
    assert "14/NQ-CP" in numbers and "02-NQ/TW" in numbers
    meta = store.meta()
    assert meta["schema_version"] == _schema_version(store_kind)
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
    arrivals = [e.actor for e in store.history() if e.field == "item" and e.new == "added"]
    assert arrivals == ["geotrack build"] * 3  # ring road, port-a, port-b: the first build added each
    assert store.history() == [*store.history()[:3], *report.changes]  # in the order recorded


def test_apply_changes_upserts_removes_and_keeps_order(built):
    store, _, _ = built
    moved = Item.from_record(point_record("port-a", end_year=2032))
    fresh = Item.from_record(point_record("port-c"))
    entries = store.apply_changes([fresh, moved], ["port-b", "never-was"], actor="gis", source="edit")
    assert {(e.item_id, e.field) for e in entries} == {("port-c", "item"), ("port-a", "end_year"),
                                                       ("port-b", "item")}
    assert list(store.load()["id"]) == ["ring-road-4-capital", "port-a", "port-c"]
    assert store.get("port-a").iloc[0]["end_year"] == 2032
    assert store.apply_changes([moved], actor="gis", source="again") == []


def test_update_item_reads_modifies_and_writes(built):
    store, _, _ = built
    entries = store.update_item("port-a", lambda r: r | {"notes": "checked"}, actor="Lan", source="site visit")
    assert [(e.field, e.new, e.actor) for e in entries] == [("notes", '"checked"', "Lan")]
    assert store.get("port-a").iloc[0]["notes"] == "checked"
    with pytest.raises(NotFoundError):
        store.update_item("nope", lambda r: r, actor="Lan", source=None)

    def refuse(record):
        raise ValueError("no")

    before = snapshot(store)
    with pytest.raises(ValueError):
        store.update_item("port-a", refuse, actor="Lan", source=None)
    assert snapshot(store) == before


def test_check_sees_the_whole_result_and_can_refuse(built):
    store, _, _ = built
    before = snapshot(store)
    seen = []

    def check(frame):
        seen.append(list(frame["id"]))
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        store.apply_changes([Item.from_record(point_record("port-c"))], ["port-b"], actor="x", source=None,
                            check=check)
    assert seen == [["ring-road-4-capital", "port-a", "port-c"]]
    assert snapshot(store) == before


def test_invalid_data_leaves_the_store_unchanged(built, make_dataset):
    store, _, _ = built
    before = snapshot(store)
    data, layers = make_dataset([base_record() | {"mode": "teleport"}])
    with pytest.raises(ValidationError) as info:
        build(store, data_dir=data, layers_dir=layers)
    assert any(p.field == "mode" for p in info.value.problems)
    assert snapshot(store) == before


def test_failed_write_leaves_the_store_unchanged(built, make_dataset, monkeypatch, store_kind):
    store, _, _ = built
    before = snapshot(store)
    data, layers = make_dataset([base_record()])
    if store_kind == "gpkg":  # fail after every row is written, before the transaction commits
        from geotrack.store import _gpkgsql

        real = _gpkgsql.write_rows

        def flaky(*args, **kwargs):
            real(*args, **kwargs)
            raise OSError("disk full")

        monkeypatch.setattr(_gpkgsql, "write_rows", flaky)
    else:  # fail after the items are replaced, before the history is recorded
        def broken(self, conn, entries):
            raise OSError("disk full")

        monkeypatch.setattr(type(store), "_insert_history", broken)
    with pytest.raises(OSError):
        build(store, data_dir=data, layers_dir=layers)
    assert snapshot(store) == before
    if store_kind == "gpkg":
        assert sorted(p.name for p in store.path.parent.glob("*.gpkg")) == ["s.gpkg"]


def test_stale_detection(built, make_dataset, make_store):
    store, data, layers = built
    assert not is_stale(store, data_dir=data, layers_dir=layers)
    make_dataset([base_record()])
    assert is_stale(store, data_dir=data, layers_dir=layers)
    assert is_stale(make_store(), data_dir=data, layers_dir=layers)


def test_missing_store_and_unknown_item(built, make_store):
    empty = make_store()
    assert not empty.exists()
    with pytest.raises(StoreError, match="geotrack build"):
        empty.load()
    with pytest.raises(NotFoundError):
        built[0].get("no-such-item")


def test_store_from_another_schema_version_is_refused(built, store_kind):
    store, _, _ = built
    if store_kind == "gpkg":
        with sqlite3.connect(store.path) as con:
            con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    else:
        with psycopg.connect(store.location, autocommit=True) as con:
            con.execute("INSERT INTO schema_migrations (version, description) VALUES (999, 'from the future')")
    with pytest.raises(StoreError, match="schema version"):
        store.load()


def _hold_lock(path, ready, release):
    store = GeoPackageStore(path)
    with store._locked():
        ready.set()
        release.wait(20)


@contextlib.contextmanager
def _writer_holding_the_lock(store, store_kind):
    """Another writer holds the store's write lock for the duration."""
    if store_kind == "gpkg":
        ctx = multiprocessing.get_context("spawn")
        ready, release = ctx.Event(), ctx.Event()
        holder = ctx.Process(target=_hold_lock, args=(store.path, ready, release))
        holder.start()
        try:
            assert ready.wait(30)
            yield
        finally:
            release.set()
            holder.join(30)
    else:
        from geotrack.store.postgis import WRITE_LOCK

        with psycopg.connect(store.location, autocommit=True) as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield


@pytest.mark.slow
def test_second_writer_gets_store_busy(make_store, make_dataset, store_kind):
    store = make_store()
    store.lock_timeout = 0.3
    data, layers = make_dataset([base_record()])
    with _writer_holding_the_lock(store, store_kind), pytest.raises(StoreBusyError, match="store busy"):
        build(store, data_dir=data, layers_dir=layers)
    assert not store.exists()
    build(store, data_dir=data, layers_dir=layers)  # once the other writer is done
    assert store.exists()


@pytest.mark.slow
def test_a_waiting_writer_goes_on_when_the_lock_is_freed(built, store_kind):
    store, _, _ = built
    done = []
    with _writer_holding_the_lock(store, store_kind):
        writer = threading.Thread(target=lambda: done.append(store.apply_changes(
            [Item.from_record(point_record("port-a", end_year=2033))], actor="late", source=None)))
        writer.start()
        writer.join(0.5)
        assert writer.is_alive() and not done  # waiting, not failing
    writer.join(30)
    assert [e.field for e in done[0]] == ["end_year"]


def test_diff_frames_reports_geometry_moves(built):
    store, _, _ = built
    old = store.load()
    new = old.copy()
    moved = new.loc[new["id"] == "port-a", "geometry"].to_numpy()[0].buffer(0.01).centroid
    new.loc[new["id"] == "port-a", "geometry"] = moved
    assert [(i, f) for i, f, _, _ in diff_frames(old, new)] == [("port-a", "geometry")]


# -- stored Feature texts ---------------------------------------------------------------------------
def _texts_of(records):
    """The Feature texts of ``records``, computed afresh from the items (not read from any store)."""
    from geotrack.features import feature_texts
    from geotrack.frames import items_to_frame

    return feature_texts(items_to_frame([Item.from_record(r) for r in records]))


def test_stored_feature_texts_follow_every_write(built, make_dataset):
    store, _, _ = built
    port_a, port_b = point_record("port-a"), point_record("port-b", mode="berth", parent_id="port-a")
    assert store.feature_texts() == _texts_of([base_record(), port_a, port_b])
    store.update_item("port-a", lambda r: r | {"notes": "checked"}, actor="Lan", source=None)
    port_a["notes"] = "checked"
    assert store.feature_texts() == _texts_of([base_record(), port_a, port_b])
    port_c = point_record("port-c", geometry={"type": "Point", "coordinates": [106.7, 20.9]})
    moved = base_record() | {"end_year": 2028}
    store.apply_changes([Item.from_record(port_c), Item.from_record(moved)], ["port-b"], actor="gis", source="x")
    assert store.feature_texts() == _texts_of([moved, port_a, port_c])
    data, layers = make_dataset([base_record(), port_a])
    build(store, data_dir=data, layers_dir=layers, fresh=True)  # data/ whole: the store's edits undone
    assert store.feature_texts() == _texts_of([base_record(), port_a])


@pytest.mark.parametrize("flt", [None, Filter(), *FILTERS], ids=lambda f: str(f and f.to_query()))
def test_feature_texts_are_those_of_what_load_returns(built, flt):
    from geotrack.features import feature_texts

    store, _, _ = built
    loaded = store.load(flt)
    texts = store.feature_texts(flt)
    assert texts == feature_texts(loaded)
    assert [json.loads(t)["id"] for t in texts] == list(loaded["id"])


def test_load_and_get_leave_the_feature_texts_out(built):
    from geotrack.store.base import FEATURE_COLUMN

    store, _, _ = built
    assert FEATURE_COLUMN not in store.load().columns
    assert FEATURE_COLUMN not in store.load(Filter(search="cang")).columns
    assert FEATURE_COLUMN not in store.get("port-a").columns


@pytest.mark.parametrize("flt", [None, Filter(modes=("seaport", "berth")), Filter(search="cang")],
                         ids=["all", "sql", "search"])
def test_store_geojson_is_the_export_of_the_loaded_frame(built, flt, monkeypatch):
    from geotrack.errors import GeotrackError
    from geotrack.export import store_geojson, to_geojson

    monkeypatch.setattr(importlib.import_module("geotrack.export.metadata"), "_now",
                        lambda: "2026-01-01T00:00:00+00:00")
    store, _, _ = built
    documents = store.documents()
    frame = store.load(flt)
    expected = to_geojson(frame, documents, flt)
    assert store_geojson(store, flt, documents) == expected
    assert store_geojson(store, flt, documents, frame=frame) == expected
    assert store_geojson(store, flt, documents, ids=list(frame["id"])) == expected  # the page reads by id
    assert json.loads(store_geojson(store, flt, documents, ids=[]))["features"] == []
    other = store.load(Filter(ids=("port-a",)))
    with pytest.raises(GeotrackError, match="store changed"):
        store_geojson(store, flt, documents, frame=other)


def test_unchanged_items_keep_their_stored_texts(built_gpkg, make_dataset, monkeypatch):
    """A GeoPackage write computes the Feature text of the items that changed only."""
    import geotrack.store._gpkgrows
    import geotrack.store.gpkg
    from geotrack.features import feature_texts

    store, _, _ = built_gpkg
    computed = []

    def counting(frame):
        computed.append(list(frame["id"]))
        return feature_texts(frame)

    monkeypatch.setattr(geotrack.store.gpkg, "feature_texts", counting)
    store.update_item("port-a", lambda r: r | {"notes": "checked"}, actor="Lan", source=None)
    store.apply_changes([Item.from_record(point_record("port-c"))], ["port-b"], actor="gis", source=None)
    data, layers = make_dataset([base_record() | {"end_year": 2028}, point_record("port-a", notes="checked"),
                                 point_record("port-c")])
    build(store, data_dir=data, layers_dir=layers)
    assert computed == [["port-a"], ["port-c"], ["ring-road-4-capital"]]
    assert store.feature_texts() == feature_texts(store.load())


def _as_version_1(path):
    """Turn a GeoPackage store into what geotrack wrote with schema version 1: no Feature texts."""
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute("ALTER TABLE items DROP COLUMN feature")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_older_geopackage_is_refused_then_rebuilt(built_gpkg, capsys):
    """PostGIS upgrades in place instead (test_store_postgis.py)."""
    from geotrack.cli import main
    from geotrack.features import feature_texts
    from geotrack.store import SCHEMA_VERSION

    store, data, layers = built_gpkg
    history = store.history()
    _as_version_1(store.path)
    with pytest.raises(StoreError, match=r"store schema version '1', this geotrack reads \d+; rebuild it"):
        store.load()
    assert store.needs_rebuild() and is_stale(store, data_dir=data, layers_dir=layers)
    args = ["--data", str(data), "--layers", str(layers), "--store", str(store.path), "build", "--if-stale"]
    assert main(args) == 0
    assert "built" in capsys.readouterr().out
    assert store.meta()["schema_version"] == str(SCHEMA_VERSION) and not store.needs_rebuild()
    assert store.history() == history  # the same items: nothing to record, nothing lost
    assert store.feature_texts() == feature_texts(store.load())
    assert main(args) == 0
    assert "up to date" in capsys.readouterr().out


def test_newer_geopackage_is_not_rebuilt_over(built_gpkg):
    store, data, layers = built_gpkg
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    assert not store.needs_rebuild() and not is_stale(store, data_dir=data, layers_dir=layers)
    before = snapshot(store)
    with pytest.raises(StoreError, match=r"store schema version '999', this geotrack reads \d+; rebuild it"):
        build(store, data_dir=data, layers_dir=layers)
    with pytest.raises(StoreError, match="schema version '999'"):
        store.feature_texts()
    assert snapshot(store) == before


def test_folding_in_batches_is_folding_one_by_one(monkeypatch):
    from geotrack.store import _gpkgrows
    from geotrack.vocab import fold

    texts = ["Vành đai 4 – Vùng Thủ đô", "a\x00b", "ĐƯỜNG  sắt", "e\u0301\u0323", "", "Cát Bi", "ﬁ Ǆ"] * 3
    monkeypatch.setattr(_gpkgrows, "_FOLD_BATCH", 4)  # batches with and without a text holding the separator
    assert _gpkgrows.fold_all(texts) == [fold(t) for t in texts]


def test_stored_search_texts_are_what_the_filter_folds_row_by_row():
    """The store folds every row's search text in one call: the same text the filter would compute per row."""
    from geotrack.filters import search_text
    from geotrack.frames import items_to_frame
    from geotrack.store._gpkgrows import fold_all, search_texts
    from geotrack.vocab import fold

    tricky = ["Vành đai 4 – Vùng Thủ đô", "ĐƯỜNG  sắt\tHà Nội\n", "ΟΔΟΣ", "e\u0301\u0323", "", "  ", "a\x00b", "ﬁ Ǆ"]
    assert fold_all(tricky) == [fold(t) for t in tricky]
    assert fold_all(tricky[:-2]) == [fold(t) for t in tricky[:-2]]
    assert fold_all([]) == []
    import sys
    import unicodedata

    from geotrack.store._gpkgrows import _COMBINING_BELOW
    assert not any(unicodedata.combining(chr(c)) for c in range(_COMBINING_BELOW, sys.maxunicode + 1))
    records = [base_record(), point_record("port-a", notes="Ghi chú: Cảng Lạch Huyện", former_provinces=["Hà Tây"]),
               point_record("port-b", name_en=None, lead_agency="Bộ Xây dựng")]
    frame = items_to_frame([Item.from_record(r) for r in records])
    assert search_texts(frame) == [search_text(r) for r in frame.to_dict("records")]


def _written_rows(monkeypatch):
    """Record the item ids each in-place GeoPackage write upserts and removes."""
    from geotrack.store import _gpkgsql

    real = _gpkgsql.write_rows
    written = []

    def recording(con, stored, digests, removals, *args, **kwargs):
        written.append((list(stored["id"]) if len(stored) else [], list(removals)))
        return real(con, stored, digests, removals, *args, **kwargs)

    monkeypatch.setattr(_gpkgsql, "write_rows", recording)
    return written


def test_a_rebuild_writes_only_the_items_that_changed(built_gpkg, make_dataset, monkeypatch):
    store, _, _ = built_gpkg
    written = _written_rows(monkeypatch)
    before = store.load()
    data, layers = make_dataset(_records())
    assert build(store, data_dir=data, layers_dir=layers).changes == []
    changed = [base_record(), point_record("port-a", end_year=2031),
               point_record("port-b", mode="berth", parent_id="port-a")]
    data, layers = make_dataset(changed)
    report = build(store, data_dir=data, layers_dir=layers)
    assert [(e.item_id, e.field, e.new) for e in report.changes] == [("port-a", "end_year", "2031")]
    assert written == [([], []), (["port-a"], [])]  # the unchanged rebuild wrote no item row at all
    after = store.load()
    assert list(after["id"]) == list(before["id"]) and after.iloc[1]["end_year"] == 2031
    assert next(t for t in store.feature_texts() if '"port-a"' in t[:40]).count('"end_year":2031') == 1
    data, layers = make_dataset(changed[:2])
    assert [(e.item_id, e.field) for e in build(store, data_dir=data, layers_dir=layers).changes] == [
        ("port-b", "item")]
    assert written[-1] == ([], ["port-b"]) and list(store.load()["id"]) == ["ring-road-4-capital", "port-a"]


def test_a_row_changed_outside_geotrack_is_compared_again_by_the_next_rebuild(built_gpkg):
    """QGIS may edit the store's items table: its triggers clear that row's digest, so a rebuild sees the edit."""
    from geotrack.store import _gpkgsql

    store, data, layers = built_gpkg
    with _gpkgsql.connect(store.path, 5.0) as con:
        con.execute("UPDATE items SET end_year = 2099 WHERE id = 'port-a'")
        con.execute("INSERT INTO items (id, name_vi, mode, action, status) "
                    "VALUES ('stray', 'Thêm ngoài', 'port', 'build', 'study')")
    report = build(store, data_dir=data, layers_dir=layers)
    assert sorted((e.item_id, e.field) for e in report.changes) == [("port-a", "end_year"), ("stray", "item")]
    frame = store.load()
    assert list(frame["id"]) == ["ring-road-4-capital", "port-a", "port-b"] and frame.iloc[1]["end_year"] == 2030


def test_read_chunks_give_the_loaded_columns_in_stored_order(built):
    import pandas as pd

    store, _, _ = built
    whole = store.load()
    columns = ("id", "provinces", "commitments", "funding", "start_year", "end_year", "length_km", "search_text")
    chunks = list(store.read_chunks(columns, rows=2))
    assert [len(c) for c in chunks] == [2, 1]
    assert all(list(c.index) == list(range(len(c))) for c in chunks)
    joined = pd.concat(chunks, ignore_index=True)
    assert list(joined.columns) == [*columns, "geometry"]
    for column in columns:
        assert joined[column].tolist() == whole[column].tolist(), column
    assert joined.geometry.geom_equals_exact(whole.geometry, 0).all()
    with pytest.raises(ValueError, match="feature"):
        store.read_chunks(("id", "feature"))


def test_load_ids_reads_the_items_named_in_stored_order(built):
    import pandas as pd

    store, _, _ = built
    got = store.load_ids(["port-b", "nowhere", "ring-road-4-capital", "port-b"])
    assert list(got["id"]) == ["ring-road-4-capital", "port-b"]
    expected = store.load(Filter(ids=("port-b", "ring-road-4-capital")))
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))
    assert store.load_ids([]).empty and store.load_ids(["nowhere"]).empty
    # the ids and geometries alone, the same geometries, for the full-detail map
    shapes = store.load_ids(["port-b", "ring-road-4-capital"], geometry_only=True)
    assert list(shapes.columns) == ["id", "geometry"] and list(shapes["id"]) == ["ring-road-4-capital", "port-b"]
    assert all(a.equals(b) for a, b in zip(shapes.geometry, expected.geometry, strict=True))
