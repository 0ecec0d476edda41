"""A Gantt-style timeline of the items' start and end years (a Vega-Lite spec, which Streamlit draws).

Each item with a year is a row of fixed height (the chart grows with the rows, so labels never
overlap): a bar from its start to its end year, or a milestone (a diamond) when only the end
year is known. A dashed rule marks today; overdue items (end year passed, status not completed,
operational or cancelled) are drawn in red. Items without any year are not rows: the page
lists them by name under the chart (:func:`no_year_names`). A click on a row selects its item
(the ``pick`` selection, by ``id``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from geotrack import vocab
from geotrack.ui import i18n

OVERDUE_COLOUR: Final = "#c62828"
ON_TIME_COLOUR: Final = "#4a6fa5"
ROW_PX: Final = 22
MAX_LABEL: Final = 40
#: Name of the click selection (the app reads ``selection.pick``).
PICK: Final = "pick"
#: Name of the bars' view, where the click selection lives.
BARS: Final = "bars"


def is_overdue(row: Mapping[str, Any], today: dt.date) -> bool:
    """True when the item's end year is before ``today``'s year and it is not done or cancelled."""
    end = row.get("end_year")
    return end is not None and int(end) < today.year and row.get("status") not in vocab.DONE_STATUSES


def _label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def timeline_frame(gdf: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG,
                   today: dt.date | None = None) -> pd.DataFrame:
    """One row per item with a start or end year: label, start, end, overdue flag and tooltip texts.

    Items are sorted by end year, then start year. Tooltip texts are HTML-escaped (a tooltip
    handler that renders HTML shows them as text); axis labels are drawn as SVG text.
    """
    today = today or dt.date.today()
    rows = []
    for row in gdf.to_dict("records"):
        start, end = row.get("start_year"), row.get("end_year")
        if start is None and end is None:
            continue
        name = (row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name_vi")) or row["id"]
        overdue = is_overdue(row, today)
        milestone = start is None
        rows.append({
            "id": row["id"],
            "label": _label(str(name)),
            "start": int(start if start is not None else end),
            "end": int(end if end is not None else start) + 1,  # a bar covers its end year
            "at": int(end) + 0.5 if milestone else None,
            "kind": "milestone" if milestone else "span",
            "years": f"{start or '?'}–{end or '?'}",
            "overdue": i18n.t("overdue" if overdue else "on_time", lang),
            "is_overdue": overdue,
            "name": html.escape(str(name), quote=False),
            "status": html.escape(i18n.status_label(row.get("status"), lang), quote=False),
            "deadline_text": html.escape(str(row.get("deadline_text") or ""), quote=False),
            # what a screen reader says of the bar (Vega would name the raw fields: "label", "end", "overdue")
            "description": f"{name}, {start or '?'}–{end or '?'}, {i18n.status_label(row.get('status'), lang)}, "
                           f"{i18n.t('overdue' if overdue else 'on_time', lang)}",
        })
    frame = pd.DataFrame(rows, columns=["id", "label", "start", "end", "at", "kind", "years", "overdue",
                                        "is_overdue", "name", "status", "deadline_text", "description"])
    if frame.empty:
        return frame
    seen = frame["label"].duplicated(keep=False)
    frame.loc[seen, "label"] = frame.loc[seen, "label"] + " (" + frame.loc[seen, "id"] + ")"
    return frame.sort_values(["end", "start", "label"], kind="stable").reset_index(drop=True)


def no_year_names(gdf: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG) -> list[tuple[str, str]]:
    """(id, name) of the items with neither a start nor an end year, by name."""
    out = []
    for row in gdf.drop(columns=gdf.geometry.name).to_dict("records") if len(gdf) else ():
        if _missing(row.get("start_year")) and _missing(row.get("end_year")):
            name = (row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name_vi")) or row["id"]
            out.append((str(row["id"]), str(name)))
    return sorted(out, key=lambda pair: pair[1])


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def chart(gdf: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG, today: dt.date | None = None) -> dict[str, Any] | None:
    """The timeline as a Vega-Lite spec (for ``st.vega_lite_chart``), or ``None`` when no item has a year.

    One row of :data:`ROW_PX` per item whatever their number; the year axis always spans at least
    the items' years and today, which a dashed rule marks (the caption names it: a label inside
    the plot covered the first row). Written as a plain dict rather than through Altair: Altair
    validates every spec against the Vega-Lite schema on each rerun, which cost the page more
    than everything else the timeline does.
    """
    today = today or dt.date.today()
    frame = timeline_frame(gdf, lang, today)
    if frame.empty:
        return None
    t = i18n.translator(lang)
    low = int(min(frame["start"].min(), today.year)) - 1
    high = int(max(frame["end"].max(), today.year + 1)) + 1
    x_scale = {"domain": [low, high], "zero": False, "nice": False}
    colour = {
        "field": "overdue", "type": "nominal", "title": None,
        "scale": {"domain": [t("overdue"), t("on_time")], "range": [OVERDUE_COLOUR, ON_TIME_COLOUR]},
        # stacked: side by side, the second entry ran past a phone's edge
        "legend": {"orient": "top", "direction": "vertical", "description": t("legend")},
    }
    y = {"field": "label", "type": "nominal", "sort": list(frame["label"]), "title": None,
         "scale": {"paddingInner": 0.25},
         "axis": {"labelLimit": 300, "labelOverlap": False, "labelFontSize": 11, "description": t("sum_items")}}
    tooltip = [{"field": field, "type": "nominal", "title": title} for field, title in (
        ("name", t("col_name")), ("status", t("status")), ("years", t("year")),
        ("deadline_text", t("deadline_text")), ("overdue", " "))]
    shared = {"y": y, "color": colour, "tooltip": tooltip, "description": {"field": "description", "type": "nominal"},
              "opacity": {"condition": {"param": PICK, "value": 1.0}, "value": 0.45}}
    bars = {
        "name": BARS, "mark": {"type": "bar", "cornerRadius": 2},
        "transform": [{"filter": "datum.kind === 'span'"}],
        "encoding": {**shared, "x2": {"field": "end"}, "x": {
            "field": "start", "type": "quantitative", "title": t("year"), "scale": x_scale,
            "axis": {"format": "d", "tickMinStep": 1, "orient": "top", "grid": True, "description": t("year")}}},
    }
    milestones = {
        "mark": {"type": "point", "shape": "diamond", "size": 140, "filled": True},
        "transform": [{"filter": "datum.kind === 'milestone'"}],
        "encoding": {**shared, "x": {"field": "at", "type": "quantitative", "scale": x_scale}},
    }
    rule = {
        "data": {"values": [{"x": today_fraction(today)}]},
        "mark": {"type": "rule", "color": "#222", "strokeDash": [4, 3], "strokeWidth": 1.5, "aria": False},
        "encoding": {"x": {"field": "x", "type": "quantitative", "scale": x_scale}},
    }
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": records},
        "height": {"step": ROW_PX},
        "params": [{"name": PICK, "views": [BARS],
                    "select": {"type": "point", "fields": ["id"], "on": "click", "clear": "dblclick"}}],
        "layer": [bars, milestones, rule],
    }


def today_fraction(today: dt.date) -> float:
    """``today`` as a fractional year, where the timeline draws its today rule."""
    return today.year + (today.timetuple().tm_yday - 1) / 365.0
