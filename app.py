"""geotrack in the browser: filters in, map, table, detail, timeline and downloads out.

A thin Streamlit layer over the library (``make run``). The filter state lives in
the URL (``Filter.to_query``), so a copied link reopens the same view. Data is
cached per store file and build (``meta()['built_at']``) and per Filter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geotrack import export, settings, vocab
from geotrack.changes import HistoryEntry
from geotrack.errors import GeotrackError
from geotrack.filters import Filter
from geotrack.io import read_corridors
from geotrack.model import Document
from geotrack.store import open_store
from geotrack.ui import deck as deckview
from geotrack.ui import i18n, timeline
from geotrack.ui import leaflet as mapview
from geotrack.ui import payload as mappayload
from geotrack.ui import style as look
from geotrack.ui import tables as views

MAP_KEY = "map"
DECK_KEY = "deck"
MAP_HEIGHT = 600
#: Widget keys of the filters, by Filter field.
KEYS = {"modes": "f_modes", "statuses": "f_statuses", "corridors": "f_corridors", "provinces": "f_provinces",
        "funding_types": "f_funding", "documents": "f_documents", "search": "f_search"}


# -- cached data: keyed on the store path + its build time (+ the Filter); never on a frame --------
@st.cache_resource(show_spinner=False)
def _frame(path: str, built_at: str) -> gpd.GeoDataFrame:
    return open_store(path).load()


@st.cache_resource(show_spinner=False, max_entries=16)
def _filtered(path: str, built_at: str, flt: Filter) -> gpd.GeoDataFrame:
    # the store answers the filter (SQL in PostGIS and in the GeoPackage) instead of filtering everything here.
    # A resource, shared and never changed: cache_data would keep a pickled copy and unpickle another on
    # every rerun (hundreds of MB at national scale)
    return _frame(path, built_at) if flt.is_empty() else open_store(path).load(flt)


@st.cache_data(show_spinner=False)
def _choices(path: str, built_at: str) -> tuple[list[str], list[str], tuple[int, int] | None]:
    # what the filter widgets offer depends on the build only: not worth a pass over every item per rerun
    full = _frame(path, built_at)
    return ([m for m in vocab.MODES if m in set(full["mode"])], views.province_options(full),
            views.deadline_bounds(full))


@st.cache_resource(show_spinner=False, max_entries=16)
def _table(path: str, built_at: str, flt: Filter, lang: str) -> pd.DataFrame:
    return views.table_frame(_filtered(path, built_at, flt), lang)


@st.cache_data(show_spinner=False)
def _documents(path: str, built_at: str) -> list[Document]:
    return open_store(path).documents()


@st.cache_data(show_spinner=False)
def _history(path: str, built_at: str, item_id: str) -> list[HistoryEntry]:
    return open_store(path).history(item_id)


@st.cache_resource(show_spinner=False)
def _corridors() -> gpd.GeoDataFrame:
    return read_corridors()


@st.cache_data(show_spinner=False)
def _payload(path: str, built_at: str, flt: Filter, lang: str) -> dict[str, Any]:
    gdf = _filtered(path, built_at, flt)
    zoom = look.payload_zoom(len(gdf))
    return mappayload.map_payload(gdf, lang, mappayload.corridor_names(_corridors()), zoom=zoom, popups=zoom is None)


@st.cache_resource(show_spinner=False, max_entries=4)
def _deck(path: str, built_at: str, flt: Filter, lang: str) -> tuple[deckview.CompactDeck, int]:
    # a resource, not data: the Deck keeps its JSON once made, and every session may share it read-only
    payload = deckview.deck_payload(_filtered(path, built_at, flt), lang)
    deck = deckview.build_deck(payload, height=MAP_HEIGHT)
    deck.to_json()
    return deck, int(payload["count"])


@st.cache_data(show_spinner=False)
def _corridor_payload(lang: str) -> dict[str, Any]:
    return mappayload.corridor_payload(_corridors(), lang)


@st.cache_data(show_spinner=False, max_entries=8)
def _geojson(path: str, built_at: str, flt: Filter) -> str:
    # joined from the Feature texts the store keeps (no per-item work); the cached frame gives the metadata
    return export.store_geojson(open_store(path), flt, _documents(path, built_at), frame=_filtered(path, built_at, flt))


@st.cache_data(show_spinner=False, max_entries=16)
def _export_bytes(path: str, built_at: str, flt: Filter, fmt: str) -> bytes:
    return export.export_bytes(_filtered(path, built_at, flt), fmt, _documents(path, built_at), flt)


# -- state ------------------------------------------------------------------------------------------
def _init_state(params: dict[str, str], full: gpd.GeoDataFrame, options: dict[str, list[str]],
                years: tuple[int, int]) -> None:
    """On a session's first run, set every widget from the URL."""
    if st.session_state.get("_init"):
        return
    flt = Filter.from_query(params)
    for field, key in KEYS.items():
        value = getattr(flt, field)
        if field == "search":
            st.session_state[key] = value
        elif field == "provinces":
            st.session_state[key] = views.match_provinces(value, options[field])
        else:
            st.session_state[key] = views.keep_known(value, options[field])
    st.session_state.f_years = (flt.deadline_min if flt.deadline_min is not None else years[0],
                                flt.deadline_max if flt.deadline_max is not None else years[1])
    st.session_state.f_extra = {"ids": flt.ids, "corridor_km": flt.corridor_km}
    # the URL's year bounds stand as written until the slider moves (a bound at the data's edge still
    # leaves out items with no deadline)
    st.session_state.f_url_years = ((flt.deadline_min, flt.deadline_max), st.session_state.f_years) if (
        flt.deadline_min is not None or flt.deadline_max is not None) else None
    st.session_state.lang = i18n.normalise_lang(params.get("lang"))
    st.session_state.sel = params.get("sel") or None
    st.session_state.basemap = True
    st.session_state._init = True


def _reset(years: tuple[int, int]) -> None:
    for key in KEYS.values():
        st.session_state[key] = "" if key == "f_search" else []
    st.session_state.f_years = years
    st.session_state.f_extra = {"ids": (), "corridor_km": None}
    st.session_state.f_url_years = None
    st.session_state.sel = None


def _filter_from_widgets(years: tuple[int, int]) -> Filter:
    lo, hi = st.session_state.f_years
    extra = st.session_state.get("f_extra") or {}
    from_url = st.session_state.get("f_url_years")
    if from_url and tuple(from_url[1]) == (lo, hi):
        deadline_min, deadline_max = from_url[0]
    else:
        deadline_min = int(lo) if lo != years[0] else None
        deadline_max = int(hi) if hi != years[1] else None
    return Filter(
        **{field: tuple(st.session_state[key]) for field, key in KEYS.items() if field != "search"},
        search=str(st.session_state.f_search or "").strip(),
        deadline_min=deadline_min,
        deadline_max=deadline_max,
        ids=tuple(extra.get("ids") or ()),
        corridor_km=extra.get("corridor_km"),
    )


def _take_map_click() -> None:
    """A click on an item in the map selects it (read before the selectbox is drawn)."""
    returned = st.session_state.get(MAP_KEY) or {}
    click = (returned.get("last_object_clicked_tooltip"), str(returned.get("last_object_clicked")))
    item_id = mappayload.item_id_from_tooltip(click[0])
    if item_id and click != st.session_state.get("_last_click"):
        st.session_state._last_click = click
        st.session_state.sel = item_id
        st.session_state._sel_from_map = item_id  # already in view: do not move the map under the popup


def _take_deck_click() -> None:
    """A click on an item in the WebGL map selects it."""
    item_id = deckview.selected_id(st.session_state.get(DECK_KEY))
    if item_id:
        st.session_state.sel = item_id
        st.session_state._sel_from_map = item_id


def _forget_map_selection() -> None:
    st.session_state._sel_from_map = None


# -- page -------------------------------------------------------------------------------------------
def main() -> None:
    st.set_page_config(page_title="geotrack", page_icon="🗺️", layout="wide")
    params = st.query_params.to_dict()
    lang = i18n.normalise_lang(st.session_state.get("lang", params.get("lang")))
    store = open_store()
    path = store.location
    if not store.exists():
        st.title(i18n.t("title", lang))
        st.error(i18n.t("no_store", lang, path=store.describe()))
        st.stop()
        return
    try:
        built_at = store.meta().get("built_at", "")
        full = _frame(path, built_at)
        documents = _documents(path, built_at)
    except GeotrackError as exc:
        st.error(i18n.t("store_error", lang, error=views.md_escape(exc)))
        st.stop()
        return
    corridors = _corridors()
    corridor_names = mappayload.corridor_names(corridors)
    doc_titles = {d.number: d.title for d in documents}
    modes, provinces, bounds = _choices(path, built_at)
    options = {
        "modes": modes,
        "statuses": list(vocab.STATUSES),
        "corridors": list(corridor_names),
        "provinces": provinces,
        "funding_types": list(vocab.FUNDING_TYPES),
        "documents": list(doc_titles),
    }
    years = bounds or (dt.date.today().year, dt.date.today().year)
    _init_state(params, full, options, years)
    url_years = st.session_state.f_years
    year_range = (min(years[0], url_years[0]), max(years[1], url_years[1]))

    with st.sidebar:
        lang = st.radio(i18n.t("language", lang), i18n.LANGS, key="lang", horizontal=True,
                        format_func=lambda code: i18n.t(f"lang_{code}", code))
        t = i18n.translator(lang)
        st.header(t("filters"))
        st.text_input(t("search"), key="f_search", placeholder=t("search_placeholder"))
        st.multiselect(t("mode"), options["modes"], key="f_modes", placeholder=t("choose"),
                       format_func=lambda v: i18n.mode_label(v, lang))
        st.multiselect(t("status"), options["statuses"], key="f_statuses", placeholder=t("choose"),
                       format_func=lambda v: i18n.status_label(v, lang))
        index = i18n.LANGS.index(lang)
        st.multiselect(t("corridor"), options["corridors"], key="f_corridors", placeholder=t("choose"),
                       format_func=lambda v: corridor_names[v][index])
        st.multiselect(t("province"), options["provinces"], key="f_provinces", placeholder=t("choose"),
                       format_func=lambda v: views.province_label(v, lang))
        st.slider(t("deadline"), min_value=year_range[0], max_value=max(year_range[1], year_range[0] + 1),
                  key="f_years", step=1, help=t("deadline_help"))
        st.multiselect(t("funding"), options["funding_types"], key="f_funding", placeholder=t("choose"),
                       format_func=lambda v: i18n.funding_label(v, lang))
        st.multiselect(t("document"), options["documents"], key="f_documents", placeholder=t("choose"),
                       format_func=lambda v: f"{v} — {doc_titles.get(v, '')[:60]}")
        st.button(t("reset"), on_click=_reset, args=(year_range,), key="reset")
        st.checkbox(t("basemap"), key="basemap")
        st.caption(t("link_hint"))
        st.caption(t("built_at", built_at=built_at))

    flt = _filter_from_widgets(years)
    gdf = _filtered(path, built_at, flt)
    _take_map_click()
    ids = list(gdf["id"])
    if st.session_state.get("sel") not in ids:
        st.session_state.sel = None
    wanted = {**flt.to_query(), **({"lang": lang} if lang != i18n.DEFAULT_LANG else {}),
              **({"sel": st.session_state.sel} if st.session_state.sel else {})}
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)

    st.title(t("title"))
    st.caption(t("subtitle"))
    head, download = st.columns([3, 1])
    head.markdown(f"### {t('count', n=len(gdf), total=len(full))}")
    download.download_button(
        t("download_geojson", n=len(gdf)), file_name=views.download_name(),
        # made with the page up to settings.eager_download_max items; past that only on click (hundreds of MB)
        data=(_geojson(path, built_at, flt) if len(gdf) <= settings.eager_download_max
              else lambda: _geojson(path, built_at, flt)),
        mime="application/geo+json", on_click="ignore", key="download_geojson", icon=":material/download:",
    )

    if len(gdf) >= settings.webgl_min_items():
        _webgl_map(path, built_at, flt, lang, len(gdf))
    else:
        _leaflet_map(path, built_at, flt, lang, gdf, options["modes"])
    if gdf.empty:
        st.info(t("no_match"))

    pick, other = st.columns([2, 1], vertical_alignment="bottom")
    fmt = pick.selectbox(t("download_format"), [f for f in export.EXPORT_FORMATS if f != "geojson"],
                         key="download_fmt", format_func=lambda f: export.FORMATS[f].label)
    chosen = export.FORMATS[fmt]
    other.download_button(
        t("download_as", fmt=chosen.label, n=len(gdf)),
        data=lambda: _export_bytes(path, built_at, flt, fmt),
        file_name=views.download_name(ext=chosen.extension.lstrip(".")),
        mime=chosen.media_type, on_click="ignore", key="download_other", icon=":material/download:",
    )

    st.subheader(t("table"))
    st.dataframe(_table(path, built_at, flt, lang), hide_index=True, key="table")
    # a list of every item is no use past a few thousand (and heavy to send): then the map picks
    listed = ids if len(ids) <= settings.select_max_items else [i for i in ids if i == st.session_state.sel]
    if len(ids) > settings.select_max_items:
        st.caption(t("select_too_many", n=f"{len(ids):,}", limit=f"{settings.select_max_items:,}"))
    rows = gdf[gdf["id"].isin(listed)]
    names = {r["id"]: views.item_name(r, lang) for r in rows[["id", "name_vi", "name_en"]].to_dict("records")}
    choice = st.selectbox(t("select_item"), [None, *listed], key="sel", on_change=_forget_map_selection,
                          format_func=lambda v: t("select_none") if v is None else f"{names[v]} [{v}]")
    if choice:
        _detail(gdf[gdf["id"] == choice].iloc[0].to_dict(), path, built_at, lang, corridor_names)

    st.subheader(t("timeline"))
    chart = timeline.chart(gdf, lang) if len(gdf) <= settings.timeline_max_items else None
    if len(gdf) > settings.timeline_max_items:
        st.caption(t("timeline_too_many", n=f"{len(gdf):,}", limit=settings.timeline_max_items))
    elif chart is None:
        st.caption(t("timeline_none"))
    else:
        st.altair_chart(chart, width="stretch", key="timeline")


def _leaflet_map(path: str, built_at: str, flt: Filter, lang: str, gdf: gpd.GeoDataFrame,
                 modes: list[str]) -> None:
    payload = _payload(path, built_at, flt, lang)
    # the page itself depends only on the language, basemap and legend: a filter change swaps the
    # item layers inside it (feature_group_to_add) instead of loading a new map
    fmap = mapview.build_map(payload, corridors=_corridor_payload(lang), tiles=bool(st.session_state.basemap),
                             legend_modes=modes, items=False)
    layers = mapview.item_layers(payload)
    selected = st.session_state.sel
    ring = mapview.highlight_group(gdf, selected) if selected else None
    rows = gdf[gdf["id"] == selected]
    from_map = selected is not None and st.session_state.get("_sel_from_map") == selected
    view = look.focus_view(rows.geometry.iloc[0]) if selected and not rows.empty and not from_map else None
    st_folium(
        fmap, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
        returned_objects=["last_object_clicked_tooltip", "last_object_clicked"],
        center=view[0] if view else None, zoom=view[1] if view else None,
        feature_group_to_add=[*layers, ring] if ring else layers,
        layer_control=folium.LayerControl(collapsed=True, position="topright"),
    )
    if payload["missing"]:
        st.caption(i18n.t("not_drawn", lang, n=len(payload["missing"])))


def _webgl_map(path: str, built_at: str, flt: Filter, lang: str, count: int) -> None:
    """Large selections: deck.gl on the GPU (Leaflet cannot keep up), behind the same filters."""
    deck, drawn = _deck(path, built_at, flt, lang)
    st.caption(i18n.t("webgl_map", lang, n=f"{count:,}", limit=f"{settings.webgl_min_items():,}"))
    st.pydeck_chart(deck, height=MAP_HEIGHT, key=DECK_KEY, on_select=_take_deck_click, selection_mode="single-object")
    if count > drawn:
        st.caption(i18n.t("not_drawn", lang, n=count - drawn))


def _detail(row: dict[str, Any], path: str, built_at: str, lang: str,
            corridor_names: dict[str, tuple[str, str]]) -> None:
    t = i18n.translator(lang)
    st.subheader(f"{t('detail')}: {views.md_escape(views.item_name(row, lang))}")
    facts, side = st.columns([2, 3])
    facts.dataframe(views.facts_frame(row, lang, corridor_names), hide_index=True, key="facts")
    with side:
        st.markdown(f"**{t('commitments')}**")
        commitments = row.get("commitments") or []
        summary = views.conflict_summary(commitments, lang)
        if summary:
            st.warning(views.md_escape(summary), icon="⚠️")
        else:
            st.caption(t("no_conflicts"))
        st.dataframe(views.commitments_frame(commitments, lang), key="commitments")
        entries = _history(path, built_at, str(row["id"]))
        st.markdown(f"**{t('status_history')}**")
        st.dataframe(views.status_history(entries, row.get("status"), row.get("status_as_of"), lang),
                     hide_index=True, key="status_history")
        with st.expander(t("all_changes")):
            history = views.history_frame(entries, lang)
            if history.empty:
                st.caption(t("no_history"))
            else:
                st.dataframe(history, hide_index=True, key="history")
        sources = views.sources_frame(row)
        if not sources.empty:
            with st.expander(t("sources")):
                st.dataframe(sources, hide_index=True, key="sources")


main()
