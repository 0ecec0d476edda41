"""How items look and where the map looks: colours, status styles, labels, view maths.

Shared by the Leaflet map (:mod:`geotrack.ui.leaflet`) and the WebGL map (:mod:`geotrack.ui.deck`),
so neither imports the other. Nothing here builds HTML or JavaScript.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from shapely.geometry.base import BaseGeometry

from geotrack import settings
from geotrack.errors import GeotrackError
from geotrack.styles import GREY as GREY  # the map's names for the shared styles
from geotrack.styles import MODE_COLOURS as MODE_COLOURS
from geotrack.styles import STATUS_STYLES as STATUS_STYLES
from geotrack.styles import StatusStyle as StatusStyle
from geotrack.ui import i18n

#: Decimals kept in map coordinates (about 1 m); the exports keep more.
MAP_DECIMALS: Final = 5
#: Douglas–Peucker tolerance in degrees (about 10 m) for lines and polygons on the map.
SIMPLIFY_DEGREES: Final = 0.0001
#: Where the map opens before it fits anything: the middle of the Delta region.
DEFAULT_CENTER: Final = (20.85, 106.2)
DEFAULT_ZOOM: Final = 8
#: The Red River Delta region the documents are about (Hà Nội, Hải Phòng and the delta provinces):
#: ``[[south, west], [north, east]]``. The map opens on it and frames a selection inside it.
REGION_BOUNDS: Final = ((20.0, 105.25), (21.65, 107.15))

#: The legend opens folded when more modes than this are shown (it would hide the map).
LEGEND_OPEN_MAX: Final = 10
HIGHLIGHT: Final = "#ffd400"
CORRIDOR_COLOUR: Final = "#9aa5b1"


def mode_colour(mode: str) -> str:
    """The fixed colour of ``mode``.

    Raises
    ------
    GeotrackError
        If ``mode`` is not in the vocabulary.
    """
    try:
        return MODE_COLOURS[mode]
    except KeyError as exc:
        raise GeotrackError(f"no map colour for mode {mode!r}") from exc


#: Fill of a point by status family: a ring for planned work, fuller as the work advances (the
#: legend shows the symbols), so status reads without the dash pattern lines have.
POINT_FILL: Final[Mapping[str, float]] = MappingProxyType(
    {"dashed": 0.0, "dashdot": 0.3, "solid": 0.7, "bold": 1.0, "grey": 0.3})


def item_style(mode: str, status: str) -> dict[str, Any]:
    """The Leaflet path options of an item (also used for circle markers and polygons)."""
    style = STATUS_STYLES.get(status, StatusStyle(None, 3))
    colour = GREY if style.grey else mode_colour(mode)
    return {
        "color": colour,
        "weight": style.weight,
        "opacity": 0.95,
        "dashArray": style.dash,
        "fillColor": colour if style.legend != "dashed" else "#ffffff",
        "fillOpacity": POINT_FILL.get(style.legend, 0.55) if style.legend != "dashed" else 0.9,
        "radius": 7 if style.weight > 4 else 5.5,
    }


# -- text --------------------------------------------------------------------
def escape(value: Any) -> str:
    """Escape any value for HTML (``None`` → empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def main_name(row: Mapping[str, Any], lang: str) -> tuple[str, str | None]:
    """(main name, other-language name) of an item for ``lang`` (not escaped)."""
    vi, en = row.get("name_vi") or row.get("id") or "", row.get("name_en")
    return (en, vi) if lang == "en" and en else (vi, en if en != vi else None)


def deadline_label(row: Mapping[str, Any], lang: str) -> str:
    """The deadline as the documents word it, with the year when the wording lacks it (not escaped)."""
    end, text = row.get("end_year"), row.get("deadline_text")
    if text and end and str(end) not in str(text):
        return f"{text} ({end})"
    return str(text or end or i18n.t("unknown", lang))



def funding_text(funding: Mapping[str, Any] | None, lang: str) -> str:
    """Funding types, amount with its unit and as-of date, in ``lang`` (not escaped)."""
    funding = funding or {}
    parts = [i18n.funding_label(f, lang) for f in funding.get("types") or ()]
    amount, unit = funding.get("amount"), funding.get("unit")
    if amount is not None:
        unit_label = i18n.t(unit, lang) if unit in ("billion_vnd", "million_usd") else str(unit or "")
        figure = i18n.number(amount, lang) if isinstance(amount, int | float) else str(amount)
        as_of = f", {i18n.t('as_of', lang)} {funding['as_of']}" if funding.get("as_of") else ""
        parts.append(f"{figure} {unit_label}{as_of}".strip())
    return "; ".join(parts) or i18n.t("unknown", lang)



# -- view maths ----------------------------------------------------------------
def level_of_detail(zoom: int | None) -> tuple[float, int]:
    """Simplification tolerance (degrees) and decimals for a map drawn at ``zoom``.

    One screen pixel at zoom ``z`` spans ``360 / (256 · 2**z)`` degrees of longitude: no
    vertex closer than that changes what is drawn. ``None`` gives the full map detail
    (:data:`SIMPLIFY_DEGREES`, :data:`MAP_DECIMALS`).
    """
    if zoom is None:
        return SIMPLIFY_DEGREES, MAP_DECIMALS
    pixel = 360.0 / (256 * 2**zoom)
    return pixel, max(3, min(MAP_DECIMALS, math.ceil(-math.log10(pixel))))


def payload_zoom(count: int, coordinates: int) -> int | None:
    """The zoom a map is prepared for (``None``: full detail).

    ``count`` is its number of items and ``coordinates`` the number of coordinates of their whole geometry.
    """
    small = count <= settings.detail_max_items and coordinates <= settings.detail_max_coordinates
    return None if small else DEFAULT_ZOOM



#: The closest a selected item is shown: offline the map has only province boundaries, and a point at
#: street zoom sits alone in an empty square; at 12 its neighbours and a boundary with its name show.
FOCUS_MAX_ZOOM: Final = 12


def focus_view(geom: BaseGeometry | None, *, width_px: int = 900, height_px: int = 560) -> tuple[
        tuple[float, float], int] | None:
    """(center ``(lat, lon)``, zoom) that shows ``geom`` whole in a map of the given size, or ``None``."""
    if geom is None or geom.is_empty:
        return None
    west, south, east, north = geom.bounds
    center = ((south + north) / 2, (west + east) / 2)
    dx, dy = max(east - west, 1e-6), max(_mercator_y(north) - _mercator_y(south), 1e-6)
    zoom_x = math.log2(width_px / 256 * 360 / dx)
    zoom_y = math.log2(height_px / 256 * 2 * math.pi / dy)
    zoom = int(max(5, min(FOCUS_MAX_ZOOM, math.floor(min(zoom_x, zoom_y) - 0.3))))
    return (round(center[0], MAP_DECIMALS), round(center[1], MAP_DECIMALS)), zoom


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

