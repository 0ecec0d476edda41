"""QGIS styles (QML) for the GeoPackage's item layers, so a layer opens drawn as the map draws it.

One category per mode and status present in the layer, keyed on ``mode || '.' || status``:
the mode's colour (grey for stopped work), the status's line weight and dash pattern
(:mod:`geotrack.styles`, as the page and the KML use them). The GeoPackage carries each
style in the ``layer_styles`` table QGIS reads and writes, marked as the layer's default.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from geotrack import styles, vocab

#: The QGIS version the styles are written for; newer QGIS reads them as they are.
QGIS_VERSION = "3.22.0"
#: The expression the categories are keyed on.
CATEGORY_EXPRESSION = "concat(\"mode\", '.', \"status\")"
#: Pixels in QGIS millimetres (at 96 dpi), so widths match the page's pixel weights.
_MM_PER_PX = 25.4 / 96

#: QGIS symbol type and symbol-layer class of each geometry family.
_SYMBOL_KINDS = {"line": ("line", "SimpleLine"), "point": ("marker", "SimpleMarker"),
                 "polygon": ("fill", "SimpleFill")}


def _rgba(hex_colour: str, alpha: int = 255) -> str:
    rgb = hex_colour.lstrip("#")
    return f"{int(rgb[0:2], 16)},{int(rgb[2:4], 16)},{int(rgb[4:6], 16)},{alpha}"


def _colour_and_style(mode: str, status: str) -> tuple[str, styles.StatusStyle]:
    status_style = styles.STATUS_STYLES.get(status, styles.StatusStyle(None, 3))
    colour = styles.GREY if status_style.grey else styles.MODE_COLOURS.get(mode, styles.GREY)
    return colour, status_style


def _properties(kind: str, mode: str, status: str) -> dict[str, str]:
    """The symbol layer's properties for items of ``mode`` in ``status``."""
    colour, look = _colour_and_style(mode, status)
    width = f"{look.weight * _MM_PER_PX:.2f}"
    dash = {"use_custom_dash": "1", "customdash": look.dash.replace(" ", ";"), "customdash_unit": "Pixel"} \
        if look.dash else {"use_custom_dash": "0"}
    if kind == "line":
        return {"line_color": _rgba(colour), "line_width": width, "line_width_unit": "MM", "capstyle": "round",
                "joinstyle": "round", **dash}
    if kind == "point":
        return {"name": "circle", "color": _rgba(colour), "outline_color": "255,255,255,255",
                "outline_width": "0.3", "size": f"{2.4 if look.weight > 3 else 1.9:g}", "size_unit": "MM"}
    return {"color": _rgba(colour, 0x66), "outline_color": _rgba(colour), "outline_width": width,
            "outline_width_unit": "MM", "outline_style": "dash" if look.dash else "solid", "style": "solid"}


def _label(mode: str, status: str) -> str:
    mode_vi, mode_en = vocab.MODE_LABELS.get(mode, (mode, mode))
    status_vi, status_en = vocab.STATUS_LABELS.get(status, (status, status))
    return f"{mode_vi} · {status_vi} / {mode_en} · {status_en}"


def layer_qml(kind: str, pairs: Iterable[tuple[str, str]]) -> str:
    """The QML of a layer of ``kind`` (``line``, ``point`` or ``polygon``) holding these (mode, status) pairs."""
    symbol_type, layer_class = _SYMBOL_KINDS[kind]
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology")
    renderer = ET.SubElement(root, "renderer-v2", type="categorizedSymbol", attr=CATEGORY_EXPRESSION,
                             symbollevels="0", enableorderby="0", forceraster="0")
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for number, (mode, status) in enumerate(sorted(set(pairs))):
        ET.SubElement(categories, "category", render="true", symbol=str(number), value=f"{mode}.{status}",
                      label=_label(mode, status))
        symbol = ET.SubElement(symbols, "symbol", type=symbol_type, name=str(number), alpha="1",
                               clip_to_extent="1", force_rhr="0")
        layer = ET.SubElement(symbol, "layer", attrib={"class": layer_class, "enabled": "1", "locked": "0",
                                                       "pass": "0"})
        for key, value in _properties(kind, mode, status).items():
            ET.SubElement(layer, "prop", k=key, v=value)
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")
