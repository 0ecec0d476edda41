"""KML export for Google Earth and QGIS: the app's colours per mode and status, one folder per mode.

Written as KML 2.2 by hand (the elements in the order the OGC schema asks): a style per mode and status
(the mode's colour, grey for stopped work, the status's line weight), a folder per mode, a short readable
name and a balloon in words (status labels, not codes) per placemark, 2D coordinates with tessellated lines,
and every attribute, ``id`` included, as typed ``SchemaData`` that GDAL and QGIS read as fields.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geotrack import geo, styles, vocab
from geotrack.export.metadata import summary
from geotrack.export.titles import field_title
from geotrack.features import FIELDS, field_type

KML_NS = "http://www.opengis.net/kml/2.2"
#: Longest placemark name: Google Earth's side panel and QGIS labels stay readable.
NAME_MAX = 80
_SCHEMA_ID = "items"
_TYPES = {"integer": "int", "real": "double"}


def kml_name(row: Mapping[str, Any]) -> str:
    """The placemark name: the Vietnamese name, cut to :data:`NAME_MAX` characters (the full one is in the balloon)."""
    name = _text(row.get("name_vi")) or _text(row.get("name_en")) or _text(row.get("id"))
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1].rstrip() + "…"


def status_label(status: Any) -> str:
    """The status in words, Vietnamese / English (the code where it is not in the vocabulary)."""
    labels = vocab.STATUS_LABELS.get(str(status))
    return f"{labels[0]} / {labels[1]}" if labels else _text(status)


def mode_label(mode: Any) -> str:
    """The mode in words, Vietnamese / English."""
    labels = vocab.MODE_LABELS.get(str(mode))
    return f"{labels[0]} / {labels[1]}" if labels else _text(mode)


def kml_description(row: Mapping[str, Any]) -> str:
    """A short readable summary of one item for the Google Earth balloon (HTML; every value escaped)."""
    status = status_label(row.get("status"))
    if _text(row.get("status_as_of")):
        status += f" (as of {_text(row.get('status_as_of'))})"
    deadline = _text(row.get("deadline_text")) or _text(row.get("end_year")) or "none given"
    agency = _text(row.get("lead_agency")) or "not named"
    if _text(row.get("lead_agency_current")) and row.get("lead_agency_current") != row.get("lead_agency"):
        agency += f" (now {_text(row.get('lead_agency_current'))})"
    funding = ", ".join(vocab.FUNDING_LABELS.get(t, (t, t))[1] for t in _json_list(row.get("funding_types")))
    funding = funding or "not stated"
    if _text(row.get("funding_amount")):
        funding += f"; {_text(row.get('funding_amount'))} {_text(row.get('funding_unit'))}"
    lines = [
        ("Tên", _text(row.get("name_vi"))),
        ("English name", _text(row.get("name_en"))),
        ("Mode", mode_label(row.get("mode"))),
        ("Status", status),
        ("Deadline", deadline),
        ("Lead agency", agency),
        ("Funding", funding),
        ("Documents", ", ".join(_json_list(row.get("documents")))),
        ("Provinces", ", ".join(_json_list(row.get("provinces")))),
        ("geotrack id", _text(row.get("id"))),
    ]
    return "<br>".join(f"<b>{html.escape(label)}:</b> {html.escape(value)}" for label, value in lines if value)


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_list(text: Any) -> list[str]:
    values = json.loads(text) if isinstance(text, str) and text else []
    return [str(v) for v in values]


def style_id(mode: Any, status: Any) -> str:
    """The id of the style of items of ``mode`` in ``status``."""
    return f"{mode}.{status}"


def kml_colour(hex_colour: str, alpha: int = 255) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    rgb = hex_colour.lstrip("#")
    return f"{alpha:02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def _style(parent: ET.Element, mode: str, status: str) -> None:
    status_style = styles.STATUS_STYLES.get(status)
    grey = status_style is not None and status_style.grey
    colour = styles.GREY if grey else styles.MODE_COLOURS.get(mode, styles.GREY)
    width = status_style.weight if status_style else 3
    style = ET.SubElement(parent, "Style", id=style_id(mode, status))
    icon = ET.SubElement(style, "IconStyle")
    ET.SubElement(icon, "color").text = kml_colour(colour)
    ET.SubElement(icon, "scale").text = "1.1" if width > 3 else "0.9"
    label = ET.SubElement(style, "LabelStyle")
    ET.SubElement(label, "scale").text = "0.8"
    line = ET.SubElement(style, "LineStyle")
    ET.SubElement(line, "color").text = kml_colour(colour)
    ET.SubElement(line, "width").text = f"{width:g}"
    poly = ET.SubElement(style, "PolyStyle")
    ET.SubElement(poly, "color").text = kml_colour(colour, 0x66)


def _coordinates(coords: Iterable[Any]) -> str:
    # 2D: a third coordinate of 0 made QGIS read the layers as 2.5D
    precision = geo.COORDINATE_PRECISION
    return " ".join(f"{round(x, precision)!r},{round(y, precision)!r}" for x, y, *_ in coords)


def _geometry(parent: ET.Element, geom: BaseGeometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coordinates(geom.coords)
    elif kind == "LineString":
        line = ET.SubElement(parent, "LineString")
        ET.SubElement(line, "tessellate").text = "1"  # follow the ground, as the app's map draws it
        ET.SubElement(line, "coordinates").text = _coordinates(geom.coords)
    elif kind == "Polygon":
        polygon = ET.SubElement(parent, "Polygon")
        ET.SubElement(polygon, "tessellate").text = "1"
        ring = ET.SubElement(ET.SubElement(polygon, "outerBoundaryIs"), "LinearRing")
        ET.SubElement(ring, "coordinates").text = _coordinates(geom.exterior.coords)
        for interior in geom.interiors:
            ring = ET.SubElement(ET.SubElement(polygon, "innerBoundaryIs"), "LinearRing")
            ET.SubElement(ring, "coordinates").text = _coordinates(interior.coords)
    else:  # Multi* and collections
        multi = ET.SubElement(parent, "MultiGeometry")
        for part in getattr(geom, "geoms", ()):
            _geometry(multi, part)


def _schema(parent: ET.Element) -> None:
    schema = ET.SubElement(parent, "Schema", name=_SCHEMA_ID, id=_SCHEMA_ID)
    for name in FIELDS:
        field = ET.SubElement(schema, "SimpleField", name=name, type=_TYPES.get(field_type(name), "string"))
        ET.SubElement(field, "displayName").text = field_title(name)


def _placemark(parent: ET.Element, row: Mapping[str, Any], geom: BaseGeometry | None) -> None:
    placemark = ET.SubElement(parent, "Placemark", id=_text(row.get("id")))
    ET.SubElement(placemark, "name").text = kml_name(row)
    ET.SubElement(placemark, "description").text = kml_description(row)
    ET.SubElement(placemark, "styleUrl").text = "#" + style_id(row.get("mode"), row.get("status"))
    data = ET.SubElement(ET.SubElement(placemark, "ExtendedData"), "SchemaData", schemaUrl="#" + _SCHEMA_ID)
    for name in FIELDS:
        value = _text(row.get(name))
        if value:
            ET.SubElement(data, "SimpleData", name=name).text = value
    if geom is not None:
        _geometry(placemark, geom)


def to_kml(table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> bytes:
    """The KML document of the flat table ``table`` (UTF-8 bytes)."""
    ET.register_namespace("", KML_NS)
    root = ET.Element("kml", xmlns=KML_NS)
    document = ET.SubElement(root, "Document", id="geotrack")
    ET.SubElement(document, "name").text = str(meta.get("title"))
    ET.SubElement(document, "description").text = summary(meta)
    rows = table.drop(columns=table.geometry.name).to_dict("records")
    geometries = list(table.geometry)
    for mode, status in sorted({(str(r["mode"]), str(r["status"])) for r in rows}):
        _style(document, mode, status)
    _schema(document)
    order = {m: i for i, m in enumerate(vocab.MODES)}
    for mode in sorted({str(r["mode"]) for r in rows}, key=lambda m: (order.get(m, len(order)), m)):
        folder = ET.SubElement(document, "Folder", id=f"mode.{mode}")
        ET.SubElement(folder, "name").text = mode_label(mode)
        for row, geom in zip(rows, geometries, strict=True):
            if str(row["mode"]) == mode:
                _placemark(folder, row, geom)
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def write(path: Path, table: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> None:
    """Write the flat ``table`` as KML to ``path`` (:func:`to_kml`)."""
    path.write_bytes(to_kml(table, meta))
