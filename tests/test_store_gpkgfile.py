"""A first build writes the whole store file, its texts made beside the lengths' projection."""

import threading

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, MultiLineString

from bench import synthetic
from geotrack.build import build_items
from geotrack.features import feature_texts
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.store._gpkgrows import encode_frame
from geotrack.store.base import FEATURE_COLUMN


def _items():
    items = synthetic.items(300, seed=5)
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
