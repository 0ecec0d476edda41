"""The tables and option lists the app shows."""

from __future__ import annotations

import geopandas as gpd
import pytest
from mapfixtures import XSS_NAME, fixture_records

from geotrack.changes import HistoryEntry, encode_value
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.ui import tables as views


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return items_to_frame([Item.from_record(r) for r in fixture_records()])


def test_table_has_a_row_per_item(frame):
    table = views.table_frame(frame, "en")
    assert list(table["Id"]) == list(frame["id"])
    assert list(table.columns[:3]) == ["Name", "Mode", "Status"] and table.columns[-1] == "Id"  # name first
    assert table.loc[table["Id"] == "xss-airport", "Name"].item() == XSS_NAME  # a grid cell is text


def test_commitments_side_by_side_with_conflicts_marked():
    commitments = [
        {"document": "30-NQ/TW", "section": "III.3", "line": 114, "quote": "a", "deadline_text": "Đến năm 2030",
         "end_year": 2030, "start_year": None, "lead_agency": None, "funding_text": None},
        {"document": "14/NQ-CP", "section": "II.4", "line": 441, "quote": "b", "deadline_text": "Đến năm 2027",
         "end_year": 2027, "start_year": None, "lead_agency": "Bộ GTVT", "funding_text": None},
        {"document": "14/NQ-CP", "section": "II.5", "line": 500, "quote": "c", "deadline_text": None,
         "end_year": None, "start_year": None, "lead_agency": None, "funding_text": None},
    ]
    table = views.commitments_frame(commitments, "en")
    assert list(table.columns) == ["30-NQ/TW", "14/NQ-CP", "14/NQ-CP (2)"]
    assert table.loc["Deadline (as written)", "30-NQ/TW"] == "⚠ differs: Đến năm 2030"
    assert table.loc["End year", "14/NQ-CP"] == "⚠ differs: 2027"
    assert table.loc["Lead agency", "14/NQ-CP"] == "Bộ GTVT"  # one document only: no conflict
    assert views.conflict_summary(commitments, "en") == "The documents disagree on: deadline"
    assert views.conflict_summary(commitments[:1], "en") is None


def _entry(at: str, field: str, old: object, new: object) -> HistoryEntry:
    return HistoryEntry(at, "x", field, encode_value(old), encode_value(new), "test", None)


def test_status_history_newest_first():
    entries = [
        HistoryEntry("2025-01-01T00:00:00+00:00", "x", "item", None, "added", "build", "data/"),
        _entry("2025-06-01T00:00:00+00:00", "status", "planned", "approved"),
        _entry("2025-06-01T00:00:00+00:00", "status_as_of", None, "2025-05-30"),
        _entry("2025-09-01T00:00:00+00:00", "status", "approved", "under_construction"),
    ]
    table = views.status_history(entries, "under_construction", "2025-08-31", "en")
    assert list(table["Status"]) == ["Under construction", "Approved", "Planned"]
    assert list(table["as of"]) == ["2025-08-31", "2025-05-30", ""]
    assert list(views.status_history(entries[:1], "planned", None, "en")["Status"]) == ["Planned"]
    full = views.history_frame(entries, "en")
    assert len(full) == 4 and full.iloc[0]["New value"] == "Under construction"


def test_provinces_offer_current_and_former_names(frame):
    options = views.province_options(frame)
    assert {"Hải Phòng", "Hải Dương", "Bắc Giang", "Bắc Ninh", "Nam Định", "Ninh Bình"} <= set(options)
    assert views.province_label("Hải Dương", "en") == "Hải Dương (former, now Hải Phòng)"
    assert views.match_provinces(["hai duong", "HẢI PHÒNG", "Atlantis"], options) == ["Hải Dương", "Hải Phòng"]


def test_small_helpers(frame):
    assert views.md_escape("*a* [x](javascript:y) <img>") == r"\*a\* \[x\]\(javascript&#58;y\) \<img\>"
    assert views.md_escape(":material/home: &#58;") == r"&#58;material/home&#58; \&\#58;"
    assert views.deadline_bounds(frame) == (2024, 2030)
    assert views.keep_known(["rail", "spaceport"], ["rail", "road"]) == ["rail"]
    facts = views.facts_frame(frame[frame["id"] == "ring-road-4-capital"].iloc[0].to_dict(), "en")
    assert "Bộ Xây dựng" in set(facts[" "])
