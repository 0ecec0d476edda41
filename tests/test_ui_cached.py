"""The page's caches (``geotrack.ui.cached``): how they are keyed."""

from __future__ import annotations

import inspect
from pathlib import Path

from geopandas.testing import assert_geodataframe_equal
from mapfixtures import build_fixture_store
from streamlit.runtime.caching.cache_utils import CachedFunc

from geotrack import settings
from geotrack.filters import Filter
from geotrack.store import GeoPackageStore
from geotrack.ui import cached


def _caches_of_a_filter() -> dict[str, CachedFunc]:
    return {name: func for name, func in vars(cached).items() if isinstance(func, CachedFunc)
            and any(p.annotation in (Filter, "Filter") for p in inspect.signature(func._info.func).parameters.values())}


def test_every_cache_of_a_filter_keys_it_by_its_fields():
    # Streamlit's own walk over a Filter took 0.53 ms a key, its repr 0.10, and a rerun asks for 9 to 17 keys
    caches = _caches_of_a_filter()
    assert {"filtered", "payload", "map_args", "summary_of", "export_bytes"} <= set(caches)
    assert [name for name, func in caches.items() if func._info.hash_funcs != {Filter: repr}] == []


def test_a_filters_key_tells_its_fields_apart():
    keys = {repr(f) for f in (Filter(), Filter(modes=("rail",)), Filter(statuses=("rail",)),
                              Filter(modes=("rail", "road")), Filter(deadline_min=2030), Filter(deadline_max=2030),
                              Filter(corridors=("rr4",), corridor_km=2.0), Filter(corridors=("rr4",)))}
    assert len(keys) == 8
    assert repr(Filter(modes=("rail",))) == repr(Filter(modes=("rail",)))


def test_items_are_read_whole_from_a_small_store_and_from_a_large_one(tmp_path, monkeypatch):
    path = str(build_fixture_store(tmp_path))
    store = GeoPackageStore(Path(path))
    built_at = store.meta()["built_at"]
    ids = list(store.load()["id"])
    assert len(ids) >= 5
    for small in (True, False):
        monkeypatch.setattr(settings, "detail_max_items", len(ids) if small else len(ids) - 1)
        for cache in (cached.frame, cached.small_store, cached.item_rows, cached.whole_rows):
            cache.clear()
        assert (cached.small_store(path, built_at) is not None) is small
        for item_id in (ids[-1], ids[0]):
            expected = store.load_ids([item_id])
            assert_geodataframe_equal(cached.item_rows(path, built_at, item_id, None).reset_index(drop=True),
                                      expected.reset_index(drop=True))
        # the full-detail map's records of a selection come through the same reader
        assert_geodataframe_equal(cached.whole_rows(path, built_at, Filter(), None).reset_index(drop=True),
                                  store.load_ids(ids).reset_index(drop=True))
