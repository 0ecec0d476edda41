"""What the page reads, cached by Streamlit across sessions and reruns.

Keyed on the store's path and its build time (``meta()['built_at']``), and on the Filter,
language or day where the result depends on them; never on a frame. Every cache is bounded: a
link is input from anyone, and each new URL a new key. Resources, not data, wherever the page
only reads the result: ``cache_data`` unpickles a fresh copy on every rerun, which cost more
than building the smaller ones again. Downloads stay ``cache_data``.

The functions live here rather than in ``app.py`` because Streamlit runs the app's script anew
on every rerun: each ``st.cache_*`` decorator there was made again, the function's source read
and hashed for its key, 17–21 ms of every rerun (an open, a filter change, a map click). Imported,
they are decorated once per server.

This and ``app.py`` are the only modules that call Streamlit; the rest of ``geotrack.ui`` makes the
pieces these cache.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geotrack import export, templates, vocab
from geotrack.changes import HistoryEntry
from geotrack.filters import Filter, apply
from geotrack.io import DATA_DIR, read_corridors, read_documents, read_yaml
from geotrack.model import Document
from geotrack.store import open_store
from geotrack.store.base import sql_answers
from geotrack.ui import background, choices, component, pageframe, served, summary, timeline
from geotrack.ui import deck as deckview
from geotrack.ui import leaflet as mapview
from geotrack.ui import payload as mappayload
from geotrack.ui import style as look
from geotrack.ui import tables as views

#: How a Filter is keyed: its repr names every field, and hashing it is five times faster than Streamlit's
#: walk over the object (0.53 → 0.10 ms a key, and a rerun asks for 9 to 17 keys).
_BY_FIELDS: dict[str | type[Any], Callable[[Any], Any]] = {Filter: repr}

# folium makes the same Jinja templates anew for every element on every rerun: compile each text once
templates.compile_once()


@st.cache_resource(show_spinner=False, max_entries=2)
def frame(path: str, built_at: str) -> gpd.GeoDataFrame:
    """The page's frame: the columns it shows, geometry at map resolution (:func:`pageframe.read`)."""
    # the page's frame: the columns it shows, geometry at map resolution, read a chunk at a time (every
    # field of every item is about 1 GB at 100,000); what needs an item whole reads it from the store
    return pageframe.read(open_store(path))


@st.cache_resource(show_spinner=False, max_entries=4)
def near(path: str, built_at: str, corridors: tuple[str, ...], km: float) -> frozenset[str]:
    """The ids within ``km`` of the corridors, measured on the whole geometry the page's frame does not hold."""
    return pageframe.near(open_store(path), corridors, km)


def _near_of(path: str, built_at: str, flt: Filter) -> frozenset[str] | None:
    return near(path, built_at, flt.corridors, flt.corridor_km) if flt.corridors and flt.corridor_km is not None \
        else None


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def filtered(path: str, built_at: str, flt: Filter) -> gpd.GeoDataFrame:
    """The items of the page's frame that ``flt`` keeps."""
    # the page holds every item already (the summary's totals, the choices): filtering that frame takes
    # milliseconds where asking the store again took tens (the store's SQL serves the CLI and the API).
    # A resource, shared and never changed: cache_data would unpickle a copy on every rerun
    full = frame(path, built_at)
    return full if flt.is_empty() else apply(full, flt, near=_near_of(path, built_at, flt))


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def whole_rows(path: str, built_at: str, flt: Filter, day: dt.date | None) -> gpd.GeoDataFrame:
    """The whole records of a selection small enough for the full-detail map (as of ``day``)."""
    shown = as_of_filtered(path, built_at, flt, day) if day else filtered(path, built_at, flt)
    return pageframe.full_rows(list(shown["id"]), _whole_reader(path, built_at),
                               all_history(path, built_at) if day else (), day)


@st.cache_resource(show_spinner=False, max_entries=64)
def item_rows(path: str, built_at: str, item_id: str, day: dt.date | None) -> gpd.GeoDataFrame:
    """The opened item's whole record, as stored or as of ``day``."""
    return pageframe.full_rows([item_id], _whole_reader(path, built_at),
                               history(path, built_at, item_id) if day else (), day)


def _whole_reader(path: str, built_at: str) -> pageframe.ReadFull:
    """How the page reads items whole: from the small store held whole (:func:`small_store`), else by row number.

    For an opened item, the full-detail map as of a day, and the items changed since a day.
    """
    every = small_store(path, built_at)
    if every is None:
        return open_store(path).load_ids
    return lambda ids: every[every["id"].isin(list(ids))].reset_index(drop=True)


@st.cache_resource(show_spinner=False, max_entries=2)
def small_store(path: str, built_at: str) -> gpd.GeoDataFrame | None:
    """Every item's whole record when the store is small (the page's frame holds its geometry whole), else ``None``."""
    # an item read by row number took 28 ms of a map click (GDAL and decoding one row); a small store read
    # whole once takes about as long as two of them, and every item opened after is a lookup
    return open_store(path).load() if pageframe.holds_whole_geometry(frame(path, built_at)) else None


def whole(path: str, built_at: str, flt: Filter) -> gpd.GeoDataFrame:
    """Every field and the whole geometry of the items ``flt`` keeps, from the store (exports)."""
    store = open_store(path)
    return store.load(flt) if sql_answers(flt) else store.load_ids(list(filtered(path, built_at, flt)["id"]))


@st.cache_resource(show_spinner=False, max_entries=2)
def filter_choices(path: str, built_at: str) -> tuple[list[str], list[str], tuple[int, int] | None]:
    """What the filter widgets offer: the modes present, the provinces, the deadline years."""
    # what the filter widgets offer depends on the build only: not worth a pass over every item per rerun
    full = frame(path, built_at)
    return ([m for m in vocab.MODES if m in set(full["mode"])], views.province_options(full),
            views.deadline_bounds(full))


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def table(path: str, built_at: str, flt: Filter, lang: str, rows: int) -> pd.DataFrame:
    """The item table's first ``rows`` rows."""
    return views.table_frame(filtered(path, built_at, flt).head(rows), lang)


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def picker_labels(path: str, built_at: str, flt: Filter, lang: str) -> dict[str, str]:
    """The item picker's label of each item ``flt`` keeps."""
    return choices.picker_labels(filtered(path, built_at, flt), lang)


@st.cache_resource(show_spinner=False, max_entries=2)
def documents(path: str, built_at: str) -> list[Document]:
    """The source documents of the store."""
    return open_store(path).documents()


@st.cache_resource(show_spinner=False, max_entries=64)
def history(path: str, built_at: str, item_id: str) -> list[HistoryEntry]:
    """The change history of one item."""
    return open_store(path).history(item_id)


@st.cache_resource(show_spinner=False, max_entries=1)
def corridors() -> gpd.GeoDataFrame:
    """The corridors of ``layers/``."""
    return read_corridors()


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def payload(path: str, built_at: str, flt: Filter, lang: str) -> dict[str, Any]:
    """What the Leaflet map draws of the items ``flt`` keeps (:func:`geotrack.ui.payload.map_payload`)."""
    gdf = filtered(path, built_at, flt)
    zoom = look.payload_zoom(len(gdf), pageframe.whole_coordinates(gdf))
    if zoom is None and not pageframe.holds_whole_geometry(frame(path, built_at)):  # full detail: whole geometry
        gdf = pageframe.with_whole_geometry(gdf, functools.partial(open_store(path).load_ids, geometry_only=True))
    # no popups: a click opens the item's page beside the map, which says all a popup would (its HTML was
    # three quarters of what the map is sent for a small selection)
    return mappayload.map_payload(gdf, lang, corridor_names(), zoom=zoom, popups=False)


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def map_args(path: str, built_at: str, flt: Filter, lang: str, static: str) -> component.MapArgs:
    """The map and its item layers as the map component is sent them, once per filter."""
    # the Leaflet script of the map and its item layers, made once per filter: st_folium made it anew
    # on every rerun, the largest part of one
    return map_args_of(payload(path, built_at, flt, lang), lang, filter_choices(path, built_at)[0], static)


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=4)
def deck(path: str, built_at: str, flt: Filter, lang: str) -> tuple[dict[str, Any], dict[str, served.File]]:
    """The WebGL map's light spec and the files of its layers' rows."""
    # a resource, not data: the layers' JSON files are made once, and every session may share them read-only
    return deckview.layer_texts(deckview.deck_payload(filtered(path, built_at, flt), lang))


@st.cache_resource(show_spinner=False, max_entries=1)
def corridor_names() -> dict[str, tuple[str, str]]:
    """Each corridor's name in Vietnamese and English."""
    return mappayload.corridor_names(corridors())


@st.cache_resource(show_spinner=False, max_entries=2)
def corridor_payload(lang: str) -> dict[str, Any]:
    """The corridors as the map draws them under the items."""
    return mappayload.corridor_payload(corridors(), lang)


# read on every rerun of a small selection: a resource, so no copies
@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=8)
def geojson(path: str, built_at: str, flt: Filter) -> str:
    """The GeoJSON download of the items ``flt`` keeps."""
    # joined from the Feature texts the store keeps (no per-item work), read by id where SQL cannot select them
    ids = None if sql_answers(flt) else list(filtered(path, built_at, flt)["id"])
    return export.store_geojson(open_store(path), flt, documents(path, built_at), ids=ids)


@st.cache_data(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def export_bytes(path: str, built_at: str, flt: Filter, fmt: str) -> bytes:
    """The download of the items ``flt`` keeps in the format ``fmt``."""
    return export.export_bytes(whole(path, built_at, flt), fmt, documents(path, built_at), flt)


@st.cache_resource(show_spinner=False, max_entries=2)
def cited(path: str, built_at: str) -> dict[str, int]:
    """Each cited document and the number of items citing it."""
    return choices.cited_documents(frame(path, built_at))


@st.cache_resource(show_spinner=False, max_entries=2)
def all_history(path: str, built_at: str) -> list[HistoryEntry]:
    """The change history of every item."""
    return open_store(path).history()


@st.cache_resource(show_spinner=False, max_entries=2)
def undone(path: str, built_at: str, day: dt.date) -> tuple[frozenset[str], gpd.GeoDataFrame]:
    """The items changed since ``day``, and their whole records of that day."""
    return pageframe.undone(frame(path, built_at), all_history(path, built_at), day, _whole_reader(path, built_at))


@st.cache_resource(show_spinner=False, max_entries=2)
def as_of_frame(path: str, built_at: str, day: dt.date) -> gpd.GeoDataFrame:
    """The page's frame as the tracker held it at the end of ``day``."""
    return pageframe.as_of(frame(path, built_at), *undone(path, built_at, day))


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=8)
def as_of_filtered(path: str, built_at: str, flt: Filter, day: dt.date) -> gpd.GeoDataFrame:
    """What the tracker said at the end of ``day``, filtered (as ``geotrack list --as-of``)."""
    near = _near_of(path, built_at, flt)
    if near is not None and flt.corridor_km is not None:
        near = pageframe.near_as_of(near, *undone(path, built_at, day), flt.corridors, flt.corridor_km)
    return apply(as_of_frame(path, built_at, day), flt, near=near)


@st.cache_resource(show_spinner=False, max_entries=1)
def texts() -> dict[str, list[str]]:
    """The stored documents' texts, line by line."""
    return read_documents()[1]


@st.cache_resource(show_spinner=False, max_entries=1)
def targets() -> list[dict[str, Any]]:
    """The dated targets of ``data/targets.yaml``."""
    # only the targets file: the whole dataset (every item record) takes seconds to read
    path = DATA_DIR / "targets.yaml"
    return [dict(t) for t in (read_yaml(path) or {}).get("targets", [])] if path.exists() else []


@st.cache_resource(show_spinner=False, max_entries=1)
def source_tiers() -> dict[str, Any]:
    """The reviewed host tiers, so the item page can mark a weak source."""
    path = DATA_DIR / "source_tiers.yaml"
    return dict(read_yaml(path) or {}) if path.exists() else {}


@st.cache_resource(show_spinner=False, max_entries=2)
def boundaries(lang: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The province boundaries since July 2025 and before it, as the map draws them."""
    current, former = background.load_layers(background.default_loader())
    return background.boundary_payload(current, lang), background.boundary_payload(former, lang)


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def timeline_spec(path: str, built_at: str, flt: Filter, lang: str, today: dt.date) -> dict[str, Any] | None:
    """The timeline's Vega-Lite spec of the items ``flt`` keeps."""
    # a resource: Streamlit only reads the spec, and a pickled copy per rerun would cost what caching saves
    return timeline.chart(filtered(path, built_at, flt), lang, today)


@st.cache_resource(show_spinner=False, hash_funcs=_BY_FIELDS, max_entries=16)
def summary_of(path: str, built_at: str, flt: Filter, day: dt.date | None, today: dt.date) -> summary.Summary:
    """The summary's figures of the items ``flt`` keeps (as of ``day``)."""
    rows = as_of_filtered(path, built_at, flt, day) if day else filtered(path, built_at, flt)
    return summary.summarise(rows, today)


def map_args_of(payload: dict[str, Any], lang: str, modes: list[str], static: str) -> component.MapArgs:
    """The map of the language with the item layers of ``payload`` (``static``: the served folder)."""
    control = folium.LayerControl(collapsed=True, position="topright")
    return component.map_args(map_base(lang, tuple(modes), static), mapview.item_layers(payload), control)


@st.cache_resource(show_spinner=False, max_entries=4)
def map_base(lang: str, modes: tuple[str, ...], static: str) -> component.MapBase:
    """The map without its items: made once per language and legend."""
    # the page itself depends only on the language, boundaries and legend: a filter change
    # swaps the item layers inside it (feature groups) instead of loading a new map
    given = background.by_address(dict(zip(("current", "former"), boundaries(lang), strict=True)),
                                  Path(static) / background.SERVED_FOLDER)
    fmap = mapview.build_map({"lang": lang}, corridors=corridor_payload(lang), tiles=True, legend_modes=list(modes),
                             items=False, boundaries=given["current"], former_boundaries=given["former"])
    return component.map_base(fmap)
