"""A first build writes the whole store file, its texts made beside the lengths' projection."""

import contextlib
import dataclasses
import sqlite3
import threading

import pandas as pd
import pyarrow as pa
import pyogrio
import pytest
from shapely.geometry import LineString, MultiLineString

from bench import synthetic
from geotrack.build import build_items
from geotrack.features import feature_texts
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.store._gpkgfile import _one_arrival_each, text_array
from geotrack.store._gpkgrows import encode_frame
from geotrack.store.base import FEATURE_COLUMN


def _items():
    items = synthetic.items(300, seed=5)  # routes, points and polygons
    two_parts = MultiLineString([LineString([(105.8, 21.0), (106.0, 21.1)]),
                                 LineString([(106.1, 21.2), (106.3, 21.0)])])
    record = items[0].to_record() | {"id": "two-parts", "mode": "expressway", "geometry": two_parts}
    return [*items, Item.from_record(record)]


def test_a_first_build_stores_what_the_frame_gives(tmp_path):
    items = _items()
    store = GeoPackageStore(tmp_path / "s.gpkg")
    build_items(store, items, [], actor="t")
    expected = items_to_frame(items)  # every length projected here by the thread-free path
    assert expected["length_km"].notna().any() and expected.at[len(items) - 1, "length_km"] > 0
    loaded = store.load()
    pd.testing.assert_frame_equal(loaded[list(expected.columns)], expected, check_like=False)
    raw = pyogrio.read_dataframe(store.path, layer="items")
    stored = encode_frame(expected)
    for column in stored.columns:
        if column == "geometry":
            continue
        assert raw[column].astype(object).where(raw[column].notna(), None).tolist() == \
            stored[column].astype(object).where(stored[column].notna(), None).tolist(), column
    assert raw[FEATURE_COLUMN].tolist() == feature_texts(expected)


def test_a_first_build_failing_beside_the_projection_leaves_no_store_and_no_thread(tmp_path, monkeypatch):
    def failing(frame):
        raise RuntimeError("encoding failed")

    monkeypatch.setattr("geotrack.store._gpkgfile.encode_frame", failing)
    store = GeoPackageStore(tmp_path / "s.gpkg")
    before = set(threading.enumerate())
    with pytest.raises(RuntimeError, match="encoding failed"):
        build_items(store, _items(), [], actor="t")
    assert set(threading.enumerate()) <= before
    assert not store.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["s.gpkg.lock"]


def _tables(path):
    with contextlib.closing(sqlite3.connect(path)) as con:
        return {
            "schema": sorted(con.execute("SELECT type, name, sql FROM sqlite_master")),
            "contents": con.execute("SELECT table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id"
                                    " FROM gpkg_contents ORDER BY table_name").fetchall(),
            "geometry_columns": con.execute("SELECT * FROM gpkg_geometry_columns").fetchall(),
            "extensions": con.execute("SELECT * FROM gpkg_extensions ORDER BY table_name, extension_name").fetchall(),
            "counts": con.execute("SELECT * FROM gpkg_ogr_contents ORDER BY table_name").fetchall(),
            "items": con.execute("SELECT * FROM items ORDER BY fid").fetchall(),
            "rtree": con.execute("SELECT * FROM rtree_items_geom ORDER BY id").fetchall(),
            "digests": con.execute("SELECT * FROM item_digests ORDER BY item_fid").fetchall(),
            # all but the time each build was made at
            "history": con.execute("SELECT fid, item_id, field, old, new, actor, source, note FROM history"
                                   " ORDER BY fid").fetchall(),
        }


def test_the_items_written_through_arrow_batches_are_what_a_feature_at_a_time_writes(tmp_path, monkeypatch):
    items = _items()
    by_batches = GeoPackageStore(tmp_path / "batches.gpkg")
    build_items(by_batches, items, [], actor="t")
    def a_feature_at_a_time(stored, features, wkb, tmp):  # the WKB as pyogrio makes it
        stored = stored.copy()
        stored.insert(len(stored.columns) - 1, "feature", features.to_pylist())
        pyogrio.write_dataframe(stored, tmp, layer="items", driver="GPKG", geometry_type="Unknown",
                                layer_options={"SPATIAL_INDEX": "YES"}, dataset_options={"VERSION": "1.2"})

    monkeypatch.setattr("geotrack.store._gpkgfile._write_items", a_feature_at_a_time)
    by_features = GeoPackageStore(tmp_path / "features.gpkg")
    build_items(by_features, items, [], actor="t")
    batches, features = _tables(by_batches.path), _tables(by_features.path)
    assert len(batches["items"]) == len(items) and len(batches["rtree"]) == len(items)
    assert batches == features


def test_text_array_holds_each_text_as_arrow_converts_it():
    texts = ['{"name_vi":"Cầu Tứ Liên"}', "", "ascii", "Hải Phòng 😀"]
    made = text_array([text.encode() for text in texts])
    assert made.type == pa.string() and made.equals(pa.array(texts, type=pa.string()))
    assert text_array([]).equals(pa.array([], type=pa.string()))
    # texts made one at a time, as a build makes them, are taken as they come
    assert text_array(text.encode() for text in texts).equals(made)


def test_a_first_builds_history_made_in_sql_is_what_row_by_row_inserts_write(tmp_path, monkeypatch):
    items = _items()
    in_sql = GeoPackageStore(tmp_path / "sql.gpkg")
    build_items(in_sql, items, [], actor="t", source="data/")
    monkeypatch.setattr("geotrack.store._gpkgfile._one_arrival_each", lambda history, ids: False)
    by_rows = GeoPackageStore(tmp_path / "rows.gpkg")
    build_items(by_rows, items, [], actor="t", source="data/")
    sql_tables, row_tables = _tables(in_sql.path), _tables(by_rows.path)
    assert len(sql_tables["history"]) == len(items) and sql_tables == row_tables
    assert [e.item_id for e in in_sql.history()] == [item.id for item in items]
    assert in_sql.history() == [dataclasses.replace(e, at=in_sql.history()[0].at) for e in by_rows.history()]


def test_only_one_alike_arrival_per_item_in_order_is_written_in_sql():
    ids = ["a", "b"]
    rows = [("t", item_id, "item", None, "added", "x", "data/", None) for item_id in ids]
    assert _one_arrival_each(rows, ids)
    assert not _one_arrival_each(rows[::-1], ids)  # another order
    assert not _one_arrival_each(rows[:1], ids) and not _one_arrival_each([], [])
    assert not _one_arrival_each([rows[0], ("t2", *rows[1][1:])], ids)  # made at another time
    assert not _one_arrival_each([rows[0], (*rows[1][:6], "other", None)], ids)  # from another source
    changed = [("t", "a", "status", '"planned"', '"built"', "x", "data/", None), rows[1]]
    assert not _one_arrival_each(changed, ids)
