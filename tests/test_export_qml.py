"""The GeoPackage's QGIS styles: each item layer opens drawn as the map draws it."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing

import pytest

from geotrack import styles
from geotrack.export import export
from geotrack.export.qml import CATEGORY_EXPRESSION, layer_qml
from geotrack.filters import Filter
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.testing import base_record, point_record


def _parse(qml: str) -> ET.Element:
    return ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line


def _symbol_props(root: ET.Element, value: str) -> dict[str, str]:
    number = root.find(f".//category[@value='{value}']").get("symbol")
    layer = root.find(f".//symbols/symbol[@name='{number}']/layer")
    return {p.get("k"): p.get("v") for p in layer.findall("prop")}


def test_one_category_per_mode_and_status_in_the_maps_colours_weights_and_dashes():
    root = _parse(layer_qml("line", [("rail", "planned"), ("rail", "planned"), ("expressway", "completed"),
                                     ("road", "cancelled")]))
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == CATEGORY_EXPRESSION
    assert [c.get("value") for c in root.iter("category")] == ["expressway.completed", "rail.planned",
                                                                "road.cancelled"]
    planned = _symbol_props(root, "rail.planned")
    assert planned["line_color"] == "106,61,154,255"  # the rail colour, #6a3d9a
    assert planned["use_custom_dash"] == "1" and planned["customdash"] == "6;6"
    completed = _symbol_props(root, "expressway.completed")
    assert completed["use_custom_dash"] == "0" and float(completed["line_width"]) > float(planned["line_width"])
    assert _symbol_props(root, "road.cancelled")["line_color"] == "138,138,138,255"  # stopped work is grey
    label = root.find(".//category[@value='rail.planned']").get("label")
    assert label == "Đường sắt · Theo kế hoạch / Railway · Planned"


@pytest.mark.parametrize(("kind", "symbol", "colour_key"), [("point", "marker", "color"),
                                                            ("polygon", "fill", "outline_color")])
def test_points_and_polygons_get_their_own_symbols(kind, symbol, colour_key):
    root = _parse(layer_qml(kind, [("seaport", "under_construction")]))
    assert root.find(".//symbols/symbol").get("type") == symbol
    colour = styles.MODE_COLOURS["seaport"].lstrip("#")
    assert _symbol_props(root, "seaport.under_construction")[colour_key].startswith(
        ",".join(str(int(colour[i:i + 2], 16)) for i in (0, 2, 4)))


def test_the_geopackage_holds_each_layers_style_as_its_default(tmp_path):
    records = [base_record(), point_record("port-a"), point_record("port-b", status="cancelled"),
               point_record("no-place", geometry=None, location_precision="unknown")]
    frame = items_to_frame([Item.from_record(r) for r in records])
    path = tmp_path / "items.gpkg"
    export(frame, path, "gpkg", [], Filter())
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles"
                          " ORDER BY f_table_name").fetchall()
        geometry_columns = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        registered = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchall()
    assert [r[0] for r in rows] == ["items_lines", "items_points"]  # no style for the table without geometry
    assert all(column == geometry_columns[name] and default == 1 for name, column, default, _ in rows)
    assert registered == [("attributes",)]
    points = _parse(rows[1][3])
    assert {c.get("value") for c in points.iter("category")} == {"seaport.planned", "seaport.cancelled"}
