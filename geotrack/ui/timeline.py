"""A Gantt-style timeline of the items' start and end years (Altair, which Streamlit bundles).

Each item with a start or end year is a row: a bar from its start to its end
year, or a tick at the one year it has. A rule marks today; overdue items (end
year passed, status not completed, operational or cancelled) are drawn in red.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any, Final

import altair as alt
import geopandas as gpd
import pandas as pd

from geotrack import vocab
from geotrack.ui import i18n

OVERDUE_COLOUR: Final = "#c62828"
ON_TIME_COLOUR: Final = "#4a6fa5"
ROW_PX: Final = 20
MAX_LABEL: Final = 48


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
        rows.append({
            "id": row["id"],
            "label": _label(str(name)),
            "start": int(start if start is not None else end),
            "end": int(end if end is not None else start) + 1,  # a bar covers its end year
            "years": f"{start or '?'}–{end or '?'}",
            "overdue": i18n.t("overdue" if overdue else "on_time", lang),
            "is_overdue": overdue,
            "name": html.escape(str(name), quote=False),
            "status": html.escape(i18n.status_label(row.get("status"), lang), quote=False),
            "deadline_text": html.escape(str(row.get("deadline_text") or ""), quote=False),
        })
    frame = pd.DataFrame(rows, columns=["id", "label", "start", "end", "years", "overdue", "is_overdue", "name",
                                        "status", "deadline_text"])
    if frame.empty:
        return frame
    seen = frame["label"].duplicated(keep=False)
    frame.loc[seen, "label"] = frame.loc[seen, "label"] + " (" + frame.loc[seen, "id"] + ")"
    return frame.sort_values(["end", "start", "label"], kind="stable").reset_index(drop=True)


def chart(gdf: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG, today: dt.date | None = None) -> alt.LayerChart | None:
    """The timeline chart of ``gdf``, or ``None`` when no item has a year."""
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
        legend=alt.Legend(orient="top"),
    )
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False, labelFontSize=11))
    tooltip = [
        alt.Tooltip("name:N", title=t("col_name")),
        alt.Tooltip("status:N", title=t("status")),
        alt.Tooltip("years:N", title=t("year")),
        alt.Tooltip("deadline_text:N", title=t("deadline_text")),
        alt.Tooltip("overdue:N", title=" "),
    ]
    base = alt.Chart(frame)
    bars = base.mark_bar(height=max(ROW_PX - 6, 6), cornerRadius=2).encode(
        x=alt.X("start:Q", title=t("year"), scale=alt.Scale(zero=False, nice=False),
                axis=alt.Axis(format="d", tickMinStep=1)),
        x2="end:Q",
        y=y,
        color=colour,
        tooltip=tooltip,
    )
    year_fraction = today.year + (today.timetuple().tm_yday - 1) / 365.0
    now = pd.DataFrame({"x": [year_fraction], "label": [f"{t('today')} {today.isoformat()}"]})
    rule = alt.Chart(now).mark_rule(color="#222", strokeDash=[4, 3], strokeWidth=1.5).encode(x="x:Q")
    rule_text = alt.Chart(now).mark_text(align="left", dx=4, dy=-6, fontSize=11, color="#222").encode(
        x="x:Q", y=alt.value(0), text="label:N"
    )
    height = max(ROW_PX * len(frame), 60)
    chart: alt.LayerChart = (bars + rule + rule_text).properties(height=height)
    return chart
