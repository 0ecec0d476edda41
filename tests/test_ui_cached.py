"""The page's caches (``geotrack.ui.cached``): how they are keyed."""

from __future__ import annotations

import inspect

from streamlit.runtime.caching.cache_utils import CachedFunc

from geotrack.filters import Filter
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
