"""A Gantt-style timeline of the items' start and end years (Altair, which Streamlit bundles).

Each item with a year is a row of fixed height (the chart grows with the rows, so labels never
overlap): a bar from its start to its end year, or a milestone (a diamond) when only the end
year is known. A rule marks today; overdue items (end year passed, status not completed,
operational or cancelled) are drawn in red. Items without any year are not rows: the page
lists them by name under the chart (:func:`no_year_names`). A click on a row selects its item
(the ``pick`` selection, by ``id``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any, Final, cast

import altair as alt
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


def chart(gdf: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG, today: dt.date | None = None) -> alt.LayerChart | None:
    """The timeline chart of ``gdf``, or ``None`` when no item has a year.

    One row of :data:`ROW_PX` per item whatever their number; the year axis always spans at least
    the items' years and today.
    """
    today = today or dt.date.today()
    frame = timeline_frame(gdf, lang, today)
    if frame.empty:
        return None
    order = list(frame["label"])
    t = i18n.translator(lang)
    colour = alt.Color(
        "overdue:N",
        title=None,
        scale=alt.Scale(domain=[t("overdue"), t("on_time")], range=[OVERDUE_COLOUR, ON_TIME_COLOUR]),
        # stacked: side by side, the second entry ran past a phone's edge
        legend=alt.Legend(orient="top", direction="vertical", description=t("legend")),
    )
    y = alt.Y("label:N", sort=order, title=None, scale=alt.Scale(paddingInner=0.25),
              axis=alt.Axis(labelLimit=300, labelOverlap=False, labelFontSize=11, description=t("sum_items")))
    tooltip = [
        alt.Tooltip("name:N", title=t("col_name")),
        alt.Tooltip("status:N", title=t("status")),
        alt.Tooltip("years:N", title=t("year")),
        alt.Tooltip("deadline_text:N", title=t("deadline_text")),
        alt.Tooltip("overdue:N", title=" "),
    ]
    low = int(min(frame["start"].min(), today.year)) - 1
    high = int(max(frame["end"].max(), today.year + 1)) + 1
    x_scale = alt.Scale(domain=[low, high], zero=False, nice=False)
    pick = alt.selection_point(name=PICK, fields=["id"], on="click", clear="dblclick")
    base = alt.Chart(frame)
    bars = base.transform_filter(alt.datum.kind == "span").mark_bar(cornerRadius=2).encode(
        x=alt.X("start:Q", title=t("year"), scale=x_scale,
                axis=alt.Axis(format="d", tickMinStep=1, orient="top", grid=True, description=t("year"))),
        x2="end:Q",
        y=y,
        color=colour,
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=tooltip,
        description="description:N",
    ).add_params(pick)
    milestones = base.transform_filter(alt.datum.kind == "milestone").mark_point(
        shape="diamond", size=140, filled=True).encode(
        x=alt.X("at:Q", scale=x_scale), y=y, color=colour, tooltip=tooltip, description="description:N",
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
    )
    year_fraction = today.year + (today.timetuple().tm_yday - 1) / 365.0
    now = pd.DataFrame({"x": [year_fraction], "label": [f"{t('today')}\n{today.isoformat()}"]})
    rule = alt.Chart(now).mark_rule(color="#222", strokeDash=[4, 3], strokeWidth=1.5, aria=False).encode(
        x=alt.X("x:Q", scale=x_scale))
    # on two lines, on the side of the line with room: on a phone the plot is narrow and the text was cut
    late = (year_fraction - low) / (high - low) > 0.6
    rule_text = alt.Chart(now).mark_text(align="right" if late else "left", dx=-4 if late else 4, dy=4,
                                         baseline="top", lineBreak="\n", fontSize=11, color="#222",
                                         aria=False).encode(
        x=alt.X("x:Q", scale=x_scale), y=alt.value(0), text="label:N"
    )
    return cast(alt.LayerChart, alt.layer(bars, milestones, rule, rule_text).properties(height=alt.Step(ROW_PX)))
