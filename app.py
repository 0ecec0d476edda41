"""geotrack in the browser: filters in; summary, map, item page, table, timeline and downloads out.

A thin Streamlit layer over the library (``make run``): widgets in, library calls out, no logic
(that lives in :mod:`geotrack.ui`). The page state lives in the URL (:mod:`geotrack.ui.state`),
so a copied link reopens the same view. Data is read through :mod:`geotrack.ui.cached`, cached
per store file and build (``meta()['built_at']``) and per Filter, every cache bounded.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import traceback
from pathlib import Path
from typing import Any

import streamlit as st

from geotrack import export, profiling, settings, vocab
from geotrack.errors import GeotrackError
from geotrack.filters import Filter
from geotrack.store import is_database_url, open_store
from geotrack.store.location import scrub
from geotrack.ui import (
    cached,
    choices,
    component,
    frontend,
    i18n,
    item,
    pageframe,
    reader,
    state,
    summary,
    timeline,
)
from geotrack.ui import deck as deckview
from geotrack.ui import leaflet as mapview
from geotrack.ui import payload as mappayload
from geotrack.ui import style as look
from geotrack.ui import tables as views

MAP_KEY = "map"
#: What Streamlit serves at ``/app/static``: the boundaries the map fetches and the WebGL map's rows are
#: written there.
STATIC_FOLDER = str(Path(__file__).resolve().parent / "static")
DECK_FOLDER = Path(STATIC_FOLDER) / deckview.DATA_FOLDER
#: Fits a 900 px high window with the compact header above it (phones get less, in page.css).
MAP_HEIGHT = 540
KEYS = state.KEYS
LOG = logging.getLogger("geotrack.app")

# -- state ------------------------------------------------------------------------------------------
def _init_state(params: dict[str, Any], options: dict[str, list[str]], years: tuple[int, int]) -> None:
    """On a session's first run, set every widget from the URL (hardened by :func:`state.read_url`)."""
    if st.session_state.get("_init"):
        return
    url = state.read_url(params, options, years)
    for key, value in url.widgets.items():
        st.session_state[key] = value
    st.session_state.f_years = url.years
    st.session_state.f_extra = {"ids": url.ids, "corridor_km": url.corridor_km}
    # the URL's year bounds stand as written until the slider moves (a bound at the data's edge still
    # leaves out items with no deadline)
    st.session_state.f_url_years = (url.url_years, url.years) if url.url_years else None
    st.session_state.lang = url.lang
    st.session_state.sel = url.sel
    st.session_state._scroll_to_item = url.sel is not None
    st.session_state.reader = (params.get("doc"), params.get("line")) if params.get("doc") else None
    st.session_state.f_as_of = state.parse_day(params.get("as_of"))
    st.session_state.f_since = state.parse_day(params.get("since"))
    st.session_state.notices = {"ignored": url.ignored, "clamped": url.clamped}
    st.session_state._init = True


def _reset(years: tuple[int, int]) -> None:
    for key in KEYS.values():
        st.session_state[key] = "" if key == "f_search" else []
    st.session_state.f_years = years
    st.session_state.f_extra = {"ids": (), "corridor_km": None}
    st.session_state.f_url_years = None
    st.session_state.f_as_of = None
    st.session_state.f_since = None
    st.session_state.sel = None
    st.session_state.notices = {"ignored": [], "clamped": []}


def _select(item_id: str | None) -> None:
    st.session_state.sel = item_id
    st.session_state._scroll_to_item = item_id is not None
    st.session_state._sel_changed = True  # the URL follows (a fragment's rerun does not pass through main)


def _chose() -> None:
    st.session_state._close_sidebar = True


def _take_map_click() -> bool:
    """A click on an item in the map selects it (read before the item page is drawn); True if it did."""
    returned = st.session_state.get(MAP_KEY) or {}
    click = (returned.get("last_object_clicked_tooltip"), str(returned.get("last_object_clicked")))
    item_id = mappayload.item_id_from_tooltip(click[0])
    if item_id and click != st.session_state.get("_last_click"):
        st.session_state._last_click = click
        _select(item_id)
        st.session_state._sel_from_map = item_id  # already in view: do not move the map under the popup
        return True
    return False


def _take_deck_click(key: str) -> None:
    """A click on an item in the WebGL map (the chart of widget key ``key``) selects it."""
    item_id = deckview.selected_id(st.session_state.get(key))
    if item_id:
        _select(item_id)
        st.session_state._sel_from_map = item_id


def _take_table_click(ids: list[str]) -> None:
    """A click on a table row selects its item."""
    rows = (st.session_state.get("table") or {}).get("selection", {}).get("rows") or []
    if rows and rows[0] < len(ids):
        _select(ids[rows[0]])
        st.session_state._sel_from_map = None


def _take_timeline_click() -> None:
    """A click on a timeline row selects its item."""
    picked = ((st.session_state.get("timeline") or {}).get("selection") or {}).get(timeline.PICK) or []
    if picked and picked[0].get("id"):
        _select(str(picked[0]["id"]))
        st.session_state._sel_from_map = None


def _show_table() -> None:
    st.session_state.table_shown = True


def _take_pick() -> None:
    _select(st.session_state.get("pick_item"))
    st.session_state._sel_from_map = None


def _only(ids: list[str]) -> None:
    """A one-click view: exactly these items (a URL-only filter the page shows as a chip)."""
    st.session_state.f_extra = {**(st.session_state.get("f_extra") or {}), "ids": tuple(ids)}
    st.session_state._whole_page = True  # clicked inside the map's fragment, but it filters the whole page


def _drop_extra(name: str) -> None:
    st.session_state.f_extra = {**(st.session_state.get("f_extra") or {}), name: () if name == "ids" else None}


def _close_reader() -> None:
    st.session_state.reader = None
    st.session_state._sel_changed = True


# -- page sections -----------------------------------------------------------------------------------
class Page:
    """What every section of one run needs: the store, the language, the filter and its items."""

    def __init__(self, path: str, built_at: str, lang: str) -> None:
        self.path, self.built_at, self.lang = path, built_at, lang
        self.t = i18n.translator(lang)
        self.full = cached.frame(path, built_at)
        self.documents = cached.documents(path, built_at)
        self.corridor_names = cached.corridor_names()
        self.titles = {d.number: d.title for d in self.documents}
        modes, provinces, bounds = cached.filter_choices(path, built_at)
        self.doc_counts = cached.cited(path, built_at)
        self.options = {"modes": modes, "statuses": list(vocab.STATUSES), "corridors": list(self.corridor_names),
                        "provinces": provinces, "funding_types": list(vocab.FUNDING_TYPES),
                        "documents": list(self.doc_counts)}
        self.years = bounds or (dt.date.today().year, dt.date.today().year)
        self.flt = Filter()
        self.day: dt.date | None = None
        self.gdf = self.full

    def select_items(self) -> None:
        """The filter from the widgets, and the items it keeps (as of the chosen day)."""
        extra = st.session_state.get("f_extra") or {}
        self.flt = state.filter_of({k: st.session_state.get(k) for k in KEYS.values()}, st.session_state.f_years,
                                   self.years, st.session_state.get("f_url_years"), extra.get("ids") or (),
                                   extra.get("corridor_km"))
        self.day = st.session_state.get("f_as_of")
        self.gdf = (cached.as_of_filtered(self.path, self.built_at, self.flt, self.day) if self.day
                    else cached.filtered(self.path, self.built_at, self.flt))


def sidebar(page: Page) -> None:
    """Language, filters, as-of and changed-since, reset."""
    with st.sidebar:
        lang = st.radio(i18n.t("language", page.lang), i18n.LANGS, key="lang", horizontal=True,
                        format_func=lambda code: i18n.t(f"lang_{code}", code))
        t = i18n.translator(lang)
        index = i18n.LANGS.index(lang)
        st.html(f"<h2 class='gt-filters'>{look.escape(t('filters'))}</h2>")
        st.text_input(t("search"), key="f_search", on_change=_chose, placeholder=t("search_placeholder"))
        choose = t("choose")
        st.multiselect(t("mode"), page.options["modes"], key="f_modes", on_change=_chose,
                       placeholder=choose, format_func=lambda v: i18n.mode_label(v, lang))
        st.multiselect(t("status"), page.options["statuses"], key="f_statuses", on_change=_chose,
                       placeholder=choose, format_func=lambda v: i18n.status_label(v, lang))
        st.multiselect(t("corridor"), page.options["corridors"], key="f_corridors", on_change=_chose,
                       placeholder=choose, format_func=lambda v: page.corridor_names[v][index])
        st.multiselect(t("province"), page.options["provinces"], key="f_provinces", on_change=_chose,
                       placeholder=choose, format_func=lambda v: choices.findable(views.province_label(v, lang), v))
        year_range = (min(page.years[0], st.session_state.f_years[0]), max(page.years[1], st.session_state.f_years[1]))
        st.slider(t("deadline"), min_value=year_range[0], max_value=max(year_range[1], year_range[0] + 1),
                  key="f_years", on_change=_chose, step=1, help=t("deadline_help"))
        # funding, document and the dates in a fold made when opened: each multiselect costs a page open about
        # 40 ms of the browser's work, the two date pickers about 160; with one of them set they are made even
        # while folded, or Streamlit would drop the value of a widget it did not draw
        chosen = any(st.session_state.get(k) for k in ("f_funding", "f_documents", "f_as_of", "f_since"))
        more = st.expander(t("more_filters"), expanded=chosen, key="more_open", on_change="rerun",
                           icon=":material/tune:")
        if more.open or chosen:
            more.multiselect(t("funding"), page.options["funding_types"], key="f_funding", on_change=_chose,
                             placeholder=choose, format_func=lambda v: i18n.funding_label(v, lang))
            more.multiselect(t("document"), page.options["documents"], key="f_documents", on_change=_chose,
                             placeholder=choose,
                             format_func=lambda v: choices.document_label(v, page.titles, page.doc_counts, lang))
            more.date_input(t("as_of_date"), key="f_as_of", value=None, help=t("as_of_help"),
                            format=t("date_format"), min_value=dt.date(2020, 1, 1), max_value=dt.date.today())
            more.date_input(t("changed_since"), key="f_since", value=None, format=t("date_format"),
                            min_value=dt.date(2020, 1, 1), max_value=dt.date.today())
        st.button(t("reset"), on_click=_reset, args=(year_range,), key="reset", icon=":material/restart_alt:")
        # the notes and the script in one element: a caption is Markdown, parsed and styled in the browser
        note = f"{look.escape(t('link_hint'))}<br>{look.escape(t('built_at', built_at=page.built_at))}"
        # the script puts Streamlit's own frontend strings and date picker in the page's language
        st.html(f"<p class='gt-note'>{note}</p>{frontend.script(lang)}", unsafe_allow_javascript=True)


def notices(page: Page) -> None:
    """What the link asked for and the page could not use, and the URL-only filters as removable chips."""
    t = page.t
    found = st.session_state.get("notices") or {}
    if found.get("ignored"):
        st.warning(views.md_escape(t("url_ignored", values=", ".join(f"{k}={v}" for k, v in found["ignored"]))),
                   icon=":material/link_off:")
    for _name, asked, used in found.get("clamped") or ():
        st.info(t("url_clamped", asked=asked, lo=page.years[0], hi=page.years[1], used=used),
                icon=":material/date_range:")
    extra = st.session_state.get("f_extra") or {}
    chips = []
    if extra.get("ids"):
        ids = list(extra["ids"])
        chips.append(("ids", t("chip_ids", ids=", ".join(ids[:5]) + ("…" if len(ids) > 5 else ""))))
    if extra.get("corridor_km"):
        chips.append(("corridor_km", t("chip_corridor_km", km=extra["corridor_km"])))
    for name, text in chips:
        st.button(f"{views.md_escape(text)}  ✕", key=f"chip_{name}", on_click=_drop_extra, args=(name,),
                  help=t("chip_remove"), type="secondary")
    if page.day:
        st.info(t("as_of_shown", day=page.day.isoformat()), icon=":material/history:")


def title(page: Page) -> None:
    """The page's title and subtitle."""
    t = page.t
    # st.html, not Markdown with HTML: that needs a 440 KB parser the page would load for this line alone
    st.html(f"<h1 class='gt-h1'>{look.escape(t('title'))}</h1><p class='gt-note'>{look.escape(t('subtitle'))}</p>")


def header(page: Page) -> None:
    """Notices, the count, downloads."""
    t = page.t
    with st.container():  # one place in the page whatever it holds, so the map below keeps its own
        notices(page)
    head, downloads = st.columns([3, 1], vertical_alignment="center")
    head.html(f"<h3 class='gt-count'>{look.escape(t('count', n=len(page.gdf), total=len(page.full)))}</h3>")
    # made when opened: closed, the menu's buttons and format picker would still be sent and rendered every rerun
    menu = downloads.popover(t("download"), icon=":material/download:", width="stretch", key="downloads",
                             on_change="rerun")
    if not menu.open:
        return
    with menu:
        st.download_button(
            t("download_geojson", n=len(page.gdf)), file_name=choices.download_name(page.flt),
            # a small selection's file is made with the page (cached per filter): a file made on click is not
            # held by the session, and with many sessions rerunning Streamlit can drop it before the browser
            # fetches it (the download is cancelled). A large one is made on click only: with every rerun it
            # would cost the page more than it saves the click
            data=(cached.geojson(page.path, page.built_at, page.flt)
                  if len(page.gdf) <= settings.download_with_page_max_items
                  else lambda: cached.geojson(page.path, page.built_at, page.flt)),
            mime="application/geo+json", on_click="ignore", key="download_geojson", icon=":material/download:",
        )
        fmt = st.selectbox(t("download_format"), [f for f in export.EXPORT_FORMATS if f != "geojson"],
                           key="download_fmt", format_func=lambda f: export.FORMATS[f].label)
        chosen = export.FORMATS[fmt]
        st.download_button(
            t("download_as", fmt=chosen.label, n=len(page.gdf)),
            data=lambda: cached.export_bytes(page.path, page.built_at, page.flt, fmt),
            file_name=choices.download_name(page.flt, ext=chosen.extension.lstrip(".")),
            mime=chosen.media_type, on_click="ignore", key="download_other", icon=":material/download:",
        )


@st.fragment
def map_and_side(page: Page) -> None:
    """The map, and beside it the selected item's page (or the summary when none is selected).

    A fragment: a click on the map, or on the item page, reruns this part of the page only (the
    table and the timeline below do not change with the selection). What changes the filter from
    in here (the summary's one-click views) reruns the whole page.
    """
    with profiling.fragment_run("map"):
        if st.session_state.pop("_whole_page", False):
            st.rerun(scope="app")
        if _take_map_click() or st.session_state.pop("_sel_changed", False):
            _sync_url(page)
        _map_and_side(page)


def _map_and_side(page: Page) -> None:
    left, right = st.columns([3, 2], gap="medium")
    with left:
        if len(page.gdf) >= settings.webgl_min_items():
            _webgl_map(page)
        else:
            _leaflet_map(page)
        if page.gdf.empty:
            st.info(page.t("no_match"))
    with right:
        reading = st.session_state.get("reader")
        if reading:
            document_reader(page, str(reading[0]), reading[1])
        elif st.session_state.get("sel"):
            item_page(page, str(st.session_state.sel))
        else:
            summary_panel(page)


def summary_panel(page: Page) -> None:
    """Figures of the selection (as the CLI's reports give them), with one-click views."""
    t = page.t
    today = dt.date.today()
    figures = cached.summary_of(page.path, page.built_at, page.flt, page.day, today)
    st.html(summary.figures_html(figures, page.lang))
    st.button(t("show_overdue", n=len(figures.overdue)), key="only_overdue", on_click=_only,
              args=(figures.overdue,), disabled=not figures.overdue, width="stretch", icon=":material/alarm:")
    st.button(t("show_conflicts", n=len(figures.conflicts)), key="only_conflicts", on_click=_only,
              args=(figures.conflicts,), disabled=not figures.conflicts, width="stretch", icon=":material/warning:")
    st.html(summary.details_html(figures, page.lang))
    since = st.session_state.get("f_since")
    if since:
        changed = summary.changed_items(cached.all_history(page.path, page.built_at), since)
        kept = [i for i in changed if i in set(page.gdf["id"])]
        st.button(t("changed_count", n=len(kept), day=since.isoformat()), key="only_changed", on_click=_only,
                  args=(kept,), disabled=not kept)
    # lazy, as every expander of the page: closed, it sends nothing (the browser renders hidden content too)
    targets = st.expander(t("sum_targets"), key="targets_open", on_change="rerun")
    if targets.open:
        lines = summary.target_lines(cached.targets(), page.lang)
        targets.markdown("  \n".join(views.md_escape(line) for line in lines))


def item_page(page: Page, item_id: str) -> None:
    """The selected item, as a page: facts, commitment cards with links to the document lines,
    sources, the change history as a story, a permalink and a citation line."""
    t = page.t
    rows = cached.item_rows(page.path, page.built_at, item_id, page.day) if (page.gdf["id"] == item_id).any() else None
    if rows is None or rows.empty:
        return
    row = rows.drop(columns=rows.geometry.name).iloc[0].to_dict()
    titles = {n: i18n.document_title(n, title, page.lang) for n, title in page.titles.items()}
    st.html("<div id='gt-item-anchor'></div>")
    st.button(t("close_item"), key="close_item", on_click=_select, args=(None,), icon=":material/close:")
    story = item.history_story(cached.history(page.path, page.built_at, item_id), page.lang)
    query = state.page_query(Filter(), page.lang, {"sel": item_id})
    permalink = "?" + "&".join(f"{k}={v}" for k, v in query.items())
    cite = item.cite_line(row, page.lang, permalink, page.built_at, dt.date.today())
    st.html(item.page_html(row, page.lang, titles=titles, corridor_names=page.corridor_names,
                           source_tiers=cached.source_tiers(), end=item.end_html(story, permalink, cite, page.lang)))
    scroll = "gtScrollToItem();" if st.session_state.pop("_scroll_to_item", False) else ""
    st.html(f"<script>{item.SCROLL_JS}gtItemEnd();{scroll}</script>", unsafe_allow_javascript=True)


def document_reader(page: Page, number: str, line: Any) -> None:
    """A stored document's text at the cited line, highlighted and scrolled to."""
    t = page.t
    texts = cached.texts()
    at = int(line) if str(line or "").isdigit() else None
    st.button(t("reader_close"), key="close_reader", on_click=_close_reader, icon=":material/close:")
    if number not in texts:
        st.warning(t("reader_missing", doc=views.md_escape(number)))
        return
    title = i18n.document_title(number, page.titles.get(number, ""), page.lang)
    st.markdown(f"**{views.md_escape(number)}** — {views.md_escape(title)}")
    st.caption(t("reader_note"))
    whole = st.toggle(t("reader_whole"), key="reader_whole")
    st.html(reader.reader_html(texts[number], number, at, page.lang, context=None if whole else reader.CONTEXT_LINES))
    if at:
        st.html(f"<script>{item.SCROLL_JS}gtScrollLine({at});</script>", unsafe_allow_javascript=True)


def below_the_map(page: Page) -> None:
    """The item table and the timeline, as two tabs; only the one shown is made and sent.

    Both at once cost the browser about as much as the rest of the page (a data grid and a
    Vega chart of every item), before the map could draw; a tab is one click away.
    """
    table_tab, timeline_tab = st.tabs([page.t("table"), page.t("timeline")], key="below", on_change="rerun")
    if table_tab.open:
        with table_tab:
            table_and_picker(page)
    if timeline_tab.open:
        profiling.mark("timeline")
        with timeline_tab:
            timeline_section(page)


def table_and_picker(page: Page) -> None:
    """The item table (a row click opens the item) and a picker by name, once asked for in the session."""
    t = page.t
    ids = list(page.gdf["id"])
    # made once asked for: a data grid costs the browser as much as the rest of the page below the fold (on a
    # first visit, 1.2 MB of its code to fetch and compile before the map draws), the picker about 30 ms a visit
    if not st.session_state.get("table_shown"):
        st.button(t("table_show", n=i18n.number(len(ids), page.lang)), key="table_show", on_click=_show_table,
                  icon=":material/table_rows:")
        return
    table = (cached.table(page.path, page.built_at, page.flt, page.lang, settings.table_max_rows) if not page.day
             else views.table_frame(page.gdf.head(settings.table_max_rows), page.lang))
    if len(ids) > settings.table_max_rows:
        st.caption(t("table_too_many", n=i18n.number(len(ids), page.lang),
                     limit=i18n.number(settings.table_max_rows, page.lang)))
    st.dataframe(table, hide_index=True, key="table", on_select=lambda: _take_table_click(ids),
                 selection_mode="single-row", placeholder=item.EMPTY)
    # a list of every item is no use past a few thousand (and heavy to send): then the map picks
    selected = st.session_state.sel  # read once: the session state per item cost 0.35 s at 10,000 items
    every = len(ids) <= settings.select_max_items
    listed = ids if every else [i for i in ids if i == selected]
    if not every:
        st.caption(t("select_too_many", n=i18n.number(len(ids), page.lang),
                      limit=i18n.number(settings.select_max_items, page.lang)))
    labels = (cached.picker_labels(page.path, page.built_at, page.flt, page.lang) if every and not page.day
              else choices.picker_labels(page.gdf[page.gdf["id"].isin(listed)], page.lang))
    st.session_state.pick_item = st.session_state.sel
    st.selectbox(t("select_item"), listed, key="pick_item", index=None, placeholder=t("select_none"),
                 on_change=_take_pick, format_func=lambda v: labels.get(v, v))


def timeline_section(page: Page) -> None:
    """The timeline (fixed row height, click selects) and the items with no year, by name."""
    t = page.t
    if len(page.gdf) > settings.timeline_max_items:
        st.caption(t("timeline_too_many", n=i18n.number(len(page.gdf), page.lang),
                     limit=i18n.number(settings.timeline_max_items, page.lang)))
        return
    today = dt.date.today()
    spec = (cached.timeline_spec(page.path, page.built_at, page.flt, page.lang, today) if not page.day
            else timeline.chart(page.gdf, page.lang, today))
    if spec is None:
        st.caption(t("timeline_none"))
    else:
        st.caption(f"{t('timeline_click')} {t('timeline_today', day=today.isoformat())}")
        st.vega_lite_chart(spec, width="stretch", key="timeline", on_select=_take_timeline_click,
                           selection_mode=timeline.PICK)
    no_year = timeline.no_year_names(page.gdf, page.lang)
    if no_year:
        listed = st.expander(t("no_year", n=len(no_year)), key="no_year_open", on_change="rerun")
        if listed.open:
            listed.markdown("\n".join(f"- {views.md_escape(name)} ({views.md_escape(i)})" for i, name in no_year))


def _leaflet_map(page: Page) -> None:
    if page.day:
        whole = (cached.whole_rows(page.path, page.built_at, page.flt, page.day)
                 if look.payload_zoom(len(page.gdf), pageframe.whole_coordinates(page.gdf)) is None
                 else page.gdf)
        payload = mappayload.map_payload(whole, page.lang, page.corridor_names, popups=False)
        args = cached.map_args_of(payload, page.lang, page.options["modes"], STATIC_FOLDER)
    else:
        payload = cached.payload(page.path, page.built_at, page.flt, page.lang)
        args = cached.map_args(page.path, page.built_at, page.flt, page.lang, STATIC_FOLDER)
    selected = st.session_state.sel
    rows = (cached.item_rows(page.path, page.built_at, selected, page.day)
            if selected and (page.gdf["id"] == selected).any()
            else page.gdf.iloc[:0])  # the whole geometry: the view fits the item as the full-detail map draws it
    from_map = selected is not None and st.session_state.get("_sel_from_map") == selected
    view = look.focus_view(rows.geometry.iloc[0]) if selected and not rows.empty and not from_map else None
    sent = component.send_args(args, key=MAP_KEY, height=MAP_HEIGHT, selected=selected,
                               center=view[0] if view else None, zoom=view[1] if view else None)

    def keep_value() -> None:  # as st_folium keeps the component's value under the page's own key
        st.session_state[MAP_KEY] = st.session_state.get(sent["key"], {})

    component.draw(**sent, on_change=keep_value)
    if payload["missing"]:
        st.caption(page.t("not_drawn", n=len(payload["missing"])))


def _webgl_map(page: Page) -> None:
    """Large selections: deck.gl on the GPU (Leaflet cannot keep up), behind the same filters."""
    light, files = cached.deck(page.path, page.built_at, page.flt, page.lang)
    deck = deckview.deck_of(light, files, DECK_FOLDER, height=MAP_HEIGHT)  # the rows' files, written when missing
    drawn, count = int(light["count"]), len(page.gdf)
    st.caption(page.t("webgl_map", n=i18n.number(count, page.lang),
                      limit=i18n.number(settings.webgl_min_items(), page.lang)))
    key = deckview.chart_key(files)  # a new chart for new rows: see chart_key
    st.pydeck_chart(deck, height=MAP_HEIGHT, key=key, on_select=functools.partial(_take_deck_click, key),
                    selection_mode="single-object")
    if count > drawn:
        st.caption(page.t("not_drawn", n=count - drawn))


def _sync_url(page: Page) -> None:
    reading = st.session_state.get("reader")
    extra = {"sel": st.session_state.get("sel"),
             "doc": reading[0] if reading else None, "line": reading[1] if reading else None,
             "as_of": page.day.isoformat() if page.day else None,
             "since": st.session_state.f_since.isoformat() if st.session_state.get("f_since") else None}
    wanted = state.page_query(page.flt, page.lang, extra)
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)


# -- page -------------------------------------------------------------------------------------------
def main() -> None:
    """The page: header; map beside the item page or summary; table and picker, or timeline; sidebar."""
    st.set_page_config(page_title="geotrack", page_icon="🗺️", layout="wide")
    st.html(f"<style>{mapview.PAGE_CSS}</style>")
    params = st.query_params.to_dict()
    lang = i18n.normalise_lang(st.session_state.get("lang", params.get("lang")))
    store = open_store()
    if not store.exists():
        st.title(i18n.t("title", lang))
        # a database URL is never shown, even redacted: the server's log has it
        shown = "$GEOTRACK_DATABASE_URL" if is_database_url(store.location) else store.describe()
        st.error(i18n.t("no_store", lang, path=shown))
        st.stop()
        return
    profiling.mark("data")
    try:
        built_at = store.meta().get("built_at", "")
        page = Page(store.location, built_at, lang)
    except GeotrackError as exc:
        LOG.error("cannot read the store: %s", scrub(str(exc), [store.location]))
        st.error(i18n.t("store_error", lang))
        st.stop()
        return
    _init_state(params, page.options, page.years)
    page.lang = i18n.normalise_lang(st.session_state.get("lang"))  # the radio's, set before the run
    page.t = i18n.translator(page.lang)
    page.select_items()
    _take_map_click()
    st.session_state._sel_changed = False  # the URL is written just below
    if st.session_state.get("sel") not in set(page.gdf["id"]):
        st.session_state.sel = None
    _sync_url(page)
    # The map is sent first, the header and the sidebar after it into their places: the browser draws each
    # batch of elements as it arrives, and the sidebar's widgets alone took it about 250 ms, before the map's
    # frame was even made. The header's place, made with the title in it (an empty one is not drawn), keeps
    # its height (page.css), so nothing moves when the rest comes.
    top = st.container(key="gt_top")
    with top:
        title(page)
    profiling.mark("map")
    map_and_side(page)
    profiling.mark("table")
    below_the_map(page)
    profiling.mark("summary")
    with top:
        header(page)
    profiling.mark("filters")
    sidebar(page)
    if st.session_state.pop("_close_sidebar", False):  # last on the page: nothing above it moves
        st.html(f"<script>{item.SCROLL_JS}gtCloseSidebarOnPhone();</script>", unsafe_allow_javascript=True)


def _run() -> None:
    """The page; any error is logged server-side (secrets hidden) and shown as a generic notice, never a traceback."""
    try:
        with profiling.script_run():  # section times on stdout when GEOTRACK_PROFILE is set
            main()
    except Exception as exc:  # Streamlit's own stop and rerun signals are not Exceptions: they pass
        LOG.error("page error: %s", scrub("".join(traceback.format_exception(exc))))
        st.error(i18n.t("page_error", i18n.normalise_lang(st.session_state.get("lang"))))


_run()
