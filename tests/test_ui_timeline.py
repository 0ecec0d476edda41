"""The timeline of start and end years: rows, overdue marks, today's line, escaped texts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import altair
import geopandas as gpd
import jsonschema
import pytest
from mapfixtures import XSS_NAME, fixture_records

from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.ui import timeline

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return items_to_frame([Item.from_record(r) for r in fixture_records()])


def test_rows_are_the_items_with_a_year(frame):
    rows = timeline.timeline_frame(frame, "en", TODAY)
    with_years = frame[frame["start_year"].notna() | frame["end_year"].notna()]
    assert sorted(rows["id"]) == sorted(with_years["id"])
    assert "social-nowhere" not in set(rows["id"])
    ring = rows[rows["id"] == "ring-road-4-capital"].iloc[0]
    assert (ring["start"], ring["end"]) == (2023, 2028)  # the bar covers its end year
    assert list(rows["end"]) == sorted(rows["end"])


def test_overdue_items_are_marked(frame):
    rows = timeline.timeline_frame(frame, "en", TODAY).set_index("id")
    assert rows.loc["rail-script-agency", "is_overdue"]  # planned, end 2024
    assert not rows.loc["ring-road-4-capital", "is_overdue"]  # end 2027
    assert rows.loc["rail-script-agency", "overdue"] == "Overdue"


@pytest.mark.parametrize(("status", "overdue"), [
    ("planned", True), ("under_construction", True), ("suspended", True),
    ("completed", False), ("operational", False), ("cancelled", False),
])
def test_done_or_cancelled_items_are_never_overdue(status, overdue):
    assert timeline.is_overdue({"end_year": 2020, "status": status}, TODAY) is overdue
    assert not timeline.is_overdue({"end_year": 2026, "status": status}, TODAY)
    assert not timeline.is_overdue({"end_year": None, "status": status}, TODAY)


def test_tooltip_texts_are_escaped(frame):
    rows = timeline.timeline_frame(frame, "vi", TODAY).set_index("id")
    assert rows.loc["xss-airport", "name"] == '&lt;img src=x onerror="window.__xss=1"&gt;'
    assert "<" not in "".join(rows["name"]) + "".join(rows["status"]) + "".join(rows["deadline_text"])
    assert XSS_NAME in rows.loc["xss-airport", "label"]  # axis labels are SVG text, not HTML


def test_chart_has_bars_today_and_overdue_colours(frame):
    spec = timeline.chart(frame, "en", TODAY)
    assert spec is not None
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "point", "rule"]
    assert spec["height"] == {"step": timeline.ROW_PX}  # a fixed row height: the chart grows with the rows
    assert spec["params"][0]["name"] == timeline.PICK and spec["params"][0]["select"]["fields"] == ["id"]
    assert spec["params"][0]["views"] == [spec["layer"][0]["name"]]  # the click selects on the bars
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["range"] == [timeline.OVERDUE_COLOUR, timeline.ON_TIME_COLOUR]
    assert abs(spec["layer"][2]["data"]["values"][0]["x"] - 2026.16) < 0.01  # the today rule
    shown = {row["id"] for row in spec["data"]["values"]}
    assert shown == set(timeline.timeline_frame(frame, "en", TODAY)["id"])


def test_chart_is_valid_vega_lite(frame):
    # the spec is written by hand (Altair's validation on every rerun was the page's slowest step):
    # it must still be what the Vega-Lite schema Streamlit draws with accepts
    schema_file = Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    spec = timeline.chart(frame, "vi", TODAY)
    jsonschema.validate(json.loads(json.dumps(spec)), schema)
    broken = {**spec, "layer": [{**spec["layer"][0], "mark": {"type": "bars"}}, *spec["layer"][1:]]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_no_chart_without_years(frame):
    assert timeline.chart(frame[frame["id"] == "social-nowhere"], "en", TODAY) is None
    assert timeline.timeline_frame(frame.iloc[0:0]).empty


def test_end_year_only_items_are_milestones_and_yearless_items_are_listed(frame):
    rows = timeline.timeline_frame(frame, "en", TODAY).set_index("id")
    only_end = frame[frame["start_year"].isna() & frame["end_year"].notna()]
    assert len(only_end) > 0
    for item_id in only_end["id"]:
        assert rows.loc[item_id, "kind"] == "milestone"
    spans = frame[frame["start_year"].notna()]
    assert set(rows[rows["kind"] == "span"].index) == set(spans["id"])
    assert timeline.no_year_names(frame, "en") == [("social-nowhere", "Social housing, somewhere")] or [
        i for i, _ in timeline.no_year_names(frame, "en")] == ["social-nowhere"]


@pytest.mark.parametrize("count", [1, 5, 13])
def test_the_axis_spans_the_years_and_today_at_any_size(frame, count):
    rows = frame[frame["end_year"].notna()].head(count)
    spec = timeline.chart(rows, "en", TODAY)
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain[0] < min(TODAY.year, int(rows["end_year"].min())) and domain[1] > TODAY.year
