"""The tables and option lists the app shows."""

from __future__ import annotations

import geopandas as gpd
import pytest
from mapfixtures import XSS_NAME, fixture_records

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


def test_provinces_offer_current_and_former_names(frame):
    options = views.province_options(frame)
    assert {"Hải Phòng", "Hải Dương", "Bắc Giang", "Bắc Ninh", "Nam Định", "Ninh Bình"} <= set(options)
    assert views.province_label("Hải Dương", "en") == "Hải Dương (former, now Hải Phòng)"


def test_small_helpers(frame):
    assert views.md_escape("*a* [x](javascript:y) <img>") == r"\*a\* \[x\]\(javascript&#58;y\) \<img\>"
    assert views.md_escape(":material/home: &#58;") == r"&#58;material/home&#58; \&\#58;"
    assert views.deadline_bounds(frame) == (2024, 2030)
