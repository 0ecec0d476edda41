"""The map: a folium/Leaflet map of the working frame, with no Streamlit in it.

The map loads Leaflet only from the app's own static folder (``/app/static``),
never from a CDN. Items are drawn by a small script of ours from a compact
payload: one feature group per mode, the colour of a mode from the fixed
:data:`MODE_COLOURS`, the line style from :data:`STATUS_STYLES`. Tooltips and
popups are HTML that this module builds with every text passed through
:func:`html.escape`; the JSON they travel in is escaped for a ``<script>``.

:func:`map_payload` (cacheable plain data) and :func:`build_map` (a fresh
``folium.Map``) are split so an app can cache the first and rebuild the second.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from shapely.geometry.base import BaseGeometry

from geotrack import settings, vocab
from geotrack.errors import GeotrackError
from geotrack.ui import i18n

#: Where the app serves the vendored Leaflet (``make static``; Streamlit's ``enableStaticServing``).
STATIC_URL: Final = "/app/static/vendor/leaflet"
LEAFLET_JS: Final = f"{STATIC_URL}/leaflet.js"
LEAFLET_CSS: Final = f"{STATIC_URL}/leaflet.css"
#: OpenStreetMap's standard tiles: used only when asked for (they need the internet).
TILE_URL: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION: Final = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

#: Decimals kept in map coordinates (about 1 m); the exports keep more.
MAP_DECIMALS: Final = 5
#: Douglas–Peucker tolerance in degrees (about 10 m) for lines and polygons on the map.
SIMPLIFY_DEGREES: Final = 0.0001
#: Where the map opens when there is nothing to fit (Hà Nội).
DEFAULT_CENTER: Final = (21.03, 105.85)
DEFAULT_ZOOM: Final = 8

#: One fixed colour per mode (never taken from the data). Colour-blind-aware, grouped by family.
MODE_COLOURS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "expressway": "#d62728",
        "road": "#ff7f0e",
        "ring_road": "#8c2d04",
        "bridge": "#e377c2",
        "rail": "#6a3d9a",
        "urban_rail": "#9467bd",
        "inland_waterway": "#1f77b4",
        "seaport": "#17becf",
        "berth": "#0e6e7a",
        "airport": "#393b79",
        "logistics": "#bcbd22",
        "economic_zone": "#2ca02c",
        "industrial_park": "#637939",
        "energy": "#e6ab02",
        "water": "#3182bd",
        "flood_control": "#6b6ecf",
        "social": "#a55194",
        "digital": "#7f7f7f",
        "urban": "#843c39",
    }
)

#: The legend opens folded when more modes than this are shown (it would hide the map).
LEGEND_OPEN_MAX: Final = 10
GREY: Final = "#8a8a8a"
HIGHLIGHT: Final = "#ffd400"
CORRIDOR_COLOUR: Final = "#9aa5b1"
BACKGROUND: Final = "#eef2f5"


@dataclass(frozen=True)
class StatusStyle:
    """How a status draws: dash pattern, line weight, and whether the mode colour gives way to grey."""

    dash: str | None
    weight: float
    grey: bool = False
    legend: str = "solid"


#: Line style per status: planned work dashed, decided work dash-dot, building solid, open bold, stopped grey.
STATUS_STYLES: Final[Mapping[str, StatusStyle]] = MappingProxyType(
    {
        "study": StatusStyle("6 6", 3, legend="dashed"),
        "planned": StatusStyle("6 6", 3, legend="dashed"),
        "preparation": StatusStyle("10 5 2 5", 3, legend="dashdot"),
        "approved": StatusStyle("10 5 2 5", 3, legend="dashdot"),
        "under_construction": StatusStyle(None, 3, legend="solid"),
        "partly_open": StatusStyle(None, 5.5, legend="bold"),
        "completed": StatusStyle(None, 5.5, legend="bold"),
        "operational": StatusStyle(None, 5.5, legend="bold"),
        "suspended": StatusStyle("4 6", 3, grey=True, legend="grey"),
        "cancelled": StatusStyle("2 6", 2, grey=True, legend="grey"),
    }
)

_ID_IN_TOOLTIP = re.compile(r"\[([a-z0-9][a-z0-9-]*)\]\s*$")
_TEMPLATE_OPENERS = re.compile(r"\{(?=[{%#])")
_SCRIPT_BREAKERS = re.compile(r"<(?=[/!?])", flags=re.IGNORECASE)
_ITEM_IDS = re.compile(r'\{"ids":(\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])')


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


def item_style(mode: str, status: str) -> dict[str, Any]:
    """The Leaflet path options of an item (also used for circle markers and polygons)."""
    style = STATUS_STYLES.get(status, StatusStyle(None, 3))
    colour = GREY if style.grey else mode_colour(mode)
    return {
        "color": colour,
        "weight": style.weight,
        "opacity": 0.95,
        "dashArray": style.dash,
        "fillColor": colour,
        "fillOpacity": 0.35 if style.grey else 0.55,
        "radius": 7 if style.weight > 4 else 5.5,
    }


# -- text --------------------------------------------------------------------
def _e(value: Any) -> str:
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


def item_id_from_tooltip(text: str | None) -> str | None:
    """The item id at the end of a tooltip's text as the map returns it on a click, or ``None``."""
    if not text:
        return None
    match = _ID_IN_TOOLTIP.search(text)
    return match.group(1) if match else None


def _funding_text(funding: Mapping[str, Any] | None, lang: str) -> str:
    funding = funding or {}
    parts = [i18n.funding_label(f, lang) for f in funding.get("types") or ()]
    amount, unit = funding.get("amount"), funding.get("unit")
    if amount is not None:
        unit_label = i18n.t(unit, lang) if unit in ("billion_vnd", "million_usd") else str(unit or "")
        figure = f"{amount:,.0f}" if isinstance(amount, int | float) else str(amount)
        as_of = f", {i18n.t('as_of', lang)} {funding['as_of']}" if funding.get("as_of") else ""
        parts.append(f"{figure} {unit_label}{as_of}".strip())
    return "; ".join(parts) or i18n.t("unknown", lang)


def popup_html(
    row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG, corridor_names: Mapping[str, tuple[str, str]] | None = None
) -> str:
    """The popup of an item: names, status and as-of, deadline, funding, lead agency as written and
    today, provinces, corridors and each commitment (document, section, line). Every text is escaped.
    """
    t = i18n.translator(lang, wrap=_e)
    main, other = main_name(row, lang)
    status = i18n.status_label(row.get("status"), lang)
    as_of = f" ({t('as_of')} {_e(row.get('status_as_of'))})" if row.get("status_as_of") else ""
    agency, agency_now = row.get("lead_agency"), row.get("lead_agency_current")
    if agency and agency_now and agency_now != agency:
        agency_text = (f"{_e(agency)} <i>({t('lead_agency_written')})</i> → {_e(agency_now)} "
                       f"<i>({t('lead_agency_current')})</i>")
    else:
        agency_text = _e(agency or agency_now or i18n.t("unknown", lang))
    provinces = ", ".join(row.get("provinces") or ()) or i18n.t("unknown", lang)
    former = ", ".join(row.get("former_provinces") or ())
    names = corridor_names or {}
    index = i18n.LANGS.index(lang)
    corridors = ", ".join(names[c][index] if c in names else c for c in row.get("corridors") or ())
    lines = [
        f'<div class="gt-pp"><div class="gt-name">{_e(main)}</div>',
        f'<div class="gt-alt">{_e(other)}</div>' if other else "",
        f"<b>{t('status')}:</b> {_e(status)}{as_of}<br>",
        f"<b>{t('deadline')}:</b> {_e(deadline_label(row, lang))}<br>",
        f"<b>{t('funding')}:</b> {_e(_funding_text(row.get('funding'), lang))}<br>",
        f"<b>{t('lead_agency')}:</b> {agency_text}<br>",
        f"<b>{t('provinces')}:</b> {_e(provinces)}<br>",
        f"<b>{t('former_provinces')}:</b> {_e(former)}<br>" if former else "",
        f"<b>{t('corridors')}:</b> {_e(corridors)}<br>" if corridors else "",
        f"<b>{t('commitments')}:</b><ul>",
    ]
    for c in row.get("commitments") or ():
        where = [_e(c.get("document"))]
        if c.get("section"):
            where.append(_e(c.get("section")))  # as the document writes it ("Mục II.4 …")
        if c.get("line") is not None:
            where.append(f"{t('line')} {_e(c.get('line'))}")
        lines.append(f"<li>{' · '.join(where)}")
    lines.append(f'</ul><div class="gt-id">{_e(row.get("id"))}</div></div>')
    return "".join(lines)


def legend_html(modes: Iterable[str], lang: str = i18n.DEFAULT_LANG, *, open_: bool = True) -> str:
    """The legend: a swatch per mode shown and the line style of each status family (escaped).

    A ``<details>`` element, so a reader can fold it away.
    """
    t = i18n.translator(lang, wrap=_e)
    rows = [f'<details{" open" if open_ else ""}><summary class="gt-lg-title">{t("legend")}</summary>',
            '<div class="gt-lg-modes">']
    for mode in modes:
        rows.append(f'<div><span class="gt-sw" style="background:{_e(mode_colour(mode))}"></span>'
                    f"{_e(i18n.mode_label(mode, lang))}</div>")
    rows.append(f'</div><div class="gt-lg-title">{t("legend_status")}</div>')
    for key, dash, width, colour in (
        ("legend_dashed", "6 6", 3, "#333"),
        ("legend_dashdot", "10 5 2 5", 3, "#333"),
        ("legend_solid", None, 3, "#333"),
        ("legend_bold", None, 5.5, "#333"),
        ("legend_grey", "4 6", 3, GREY),
        ("legend_corridor", "1 5", 2, CORRIDOR_COLOUR),
    ):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        rows.append(
            f'<div><svg width="30" height="10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" '
            f'stroke="{colour}" stroke-width="{width}"{dash_attr}/></svg> {t(key)}</div>'
        )
    rows.append("</details>")
    return "".join(rows)


# -- geometry and payload ------------------------------------------------------
#: The hover text of an item. Python fills it (:func:`tooltip_html`) and so does the map script,
#: from the same pieces, each HTML-escaped by this module; the id closes it so that a click read
#: back from the map (:func:`item_id_from_tooltip`) names its item.
TOOLTIP_TEMPLATE: Final = ('<div class="gt-tt"><b>{name}</b><br>{mode} · {status} · {deadline}'
                           '<div class="gt-id">[{id}]</div></div>')
_TOOLTIP_SLOT = re.compile(r"\{(\w+)\}")

#: GEOS type ids of the geometries the map draws (the ``t`` of :func:`encode_geometries`).
_DRAWABLE_TYPES: Final = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
                          6: "MultiPolygon"}


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


def payload_zoom(count: int) -> int | None:
    """The zoom a map of ``count`` items is prepared for (``None``: full detail)."""
    return None if count <= settings.detail_max_items else DEFAULT_ZOOM


def simplify_for_map(geom: BaseGeometry | None, zoom: int | None = None) -> BaseGeometry | None:
    """``geom`` simplified (lines, polygons) and rounded for a map at ``zoom`` (see :func:`level_of_detail`)."""
    if geom is None or geom.is_empty:
        return None
    _, decimals = level_of_detail(zoom)
    simplified = simplify_all(gpd.GeoSeries([geom]), zoom)[0]
    return shapely.transform(simplified, lambda xy: np.round(xy, decimals))


def _geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    return dict(json.loads(shapely.to_geojson(geom)))


def simplify_all(geometries: gpd.GeoSeries, zoom: int | None) -> np.ndarray:
    """:func:`simplify_for_map` of every geometry in one vectorised pass, unrounded (``None`` for
    missing or empty; :func:`encode_geometries` rounds).
    """
    tolerance, _ = level_of_detail(zoom)
    geoms = np.array(geometries.values, dtype=object)
    geoms[shapely.is_empty(geoms)] = None
    types = shapely.get_type_id(geoms)
    lines, polygons = np.isin(types, (1, 5)), np.isin(types, (3, 6))
    # a line may cross itself once simplified (nothing to see at that scale) and plain Douglas–Peucker
    # is 15× faster; a polygon keeps its topology so that it never collapses to nothing
    simplified = geoms.copy()
    simplified[lines] = shapely.simplify(geoms[lines], tolerance, preserve_topology=False)
    simplified[polygons] = shapely.simplify(geoms[polygons], tolerance, preserve_topology=True)
    collapsed = shapely.is_empty(simplified) & ~shapely.is_missing(geoms)
    simplified[collapsed] = geoms[collapsed]  # never lose an item to simplification
    return simplified


def encode_geometries(geoms: np.ndarray, decimals: int) -> dict[str, Any]:
    """Geometries in the map's compact form: coordinates as integer steps, structure as counts.

    A vertex costs a few digits instead of a bracketed pair of decimals (a third of the
    bytes of GeoJSON at the default view). Decoded by the map script and by :func:`decode_geometries`.

    Parameters
    ----------
    geoms
        Shapely geometries, none missing or empty (points, lines, polygons and their multi-forms).
    decimals
        Decimals kept (coordinates are rounded to them).

    Returns
    -------
    dict
        ``scale`` (``10**decimals``); per geometry its GEOS type id ``t`` and number of ``parts``;
        per part its number of ``rings`` (1 for points and lines); per ring or line its number of
        ``vertices``; ``xy``: per vertex ``x, y`` times ``scale`` as integers, the first vertex of
        each ring or line absolute, the others as steps from the one before.

    Raises
    ------
    GeotrackError
        For a geometry the map cannot draw (a GeometryCollection).
    """
    geoms = np.asarray(geoms, dtype=object)
    types = shapely.get_type_id(geoms)
    if not np.isin(types, list(_DRAWABLE_TYPES)).all():
        raise GeotrackError("the map draws points, lines and polygons (and their multi-forms), not collections")
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    polygon = shapely.get_type_id(parts) == 3
    polygon_at = np.flatnonzero(polygon)
    rings, ring_of = shapely.get_rings(parts[polygon], return_index=True)
    # a run is what has its own vertex list: a polygon's ring, a line, a point
    run_part = np.concatenate([polygon_at[ring_of], np.flatnonzero(~polygon)])
    order = np.argsort(run_part, kind="stable")  # stable: a polygon's rings stay in order
    runs = np.concatenate([rings, parts[~polygon]])[order]
    coords, coord_of = shapely.get_coordinates(runs, return_index=True)
    vertices = np.bincount(coord_of, minlength=len(runs))
    scale = 10**decimals
    absolute = np.rint(coords * scale).astype(np.int64)
    steps = absolute.copy()
    steps[1:] -= absolute[:-1]
    starts = np.concatenate([[0], np.cumsum(vertices)[:-1]])[vertices > 0]
    steps[starts] = absolute[starts]
    return {
        "scale": scale,
        "t": types.tolist(),
        "parts": np.bincount(part_of, minlength=len(geoms)).tolist(),
        "rings": np.bincount(run_part, minlength=len(parts)).tolist(),
        "vertices": vertices.tolist(),
        "xy": steps.ravel().tolist(),
    }


def decode_geometries(encoded: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GeoJSON geometries of an :func:`encode_geometries` (what the map script draws; for tests and checks)."""
    scale, xy = encoded["scale"], encoded["xy"]
    out, p, r, v = [], 0, 0, 0
    for t, n_parts in zip(encoded["t"], encoded["parts"], strict=True):
        parts = []
        for _ in range(n_parts):
            rings = []
            for _ in range(encoded["rings"][p]):
                n = encoded["vertices"][r]
                steps = np.asarray(xy[2 * v:2 * (v + n)], dtype=np.int64).reshape(-1, 2)
                rings.append((np.cumsum(steps, axis=0) / scale).tolist())
                r, v = r + 1, v + n
            parts.append(rings)
            p += 1
        out.append(_assemble(_DRAWABLE_TYPES[t], parts))
    return out


def _assemble(kind: str, parts: list[list[list[list[float]]]]) -> dict[str, Any]:
    """A GeoJSON geometry of type ``kind`` from its parts → rings → vertices."""
    if kind == "Point":
        return {"type": kind, "coordinates": parts[0][0][0]}
    if kind in ("LineString", "Polygon"):
        return {"type": kind, "coordinates": parts[0][0] if kind == "LineString" else parts[0]}
    if kind in ("MultiPoint", "MultiLineString"):
        return {"type": kind, "coordinates": [q[0][0] if kind == "MultiPoint" else q[0] for q in parts]}
    return {"type": kind, "coordinates": parts}


def tooltip_html(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """Short hover text of an item: name, mode, status, deadline and the id in brackets (every text escaped)."""
    return fill_tooltip({
        "name": _e(main_name(row, lang)[0]), "mode": _e(i18n.mode_label(row.get("mode"), lang)),
        "status": _e(i18n.status_label(row.get("status"), lang)), "deadline": _e(deadline_label(row, lang)),
        "id": _e(row.get("id")),
    })


def fill_tooltip(pieces: Mapping[str, str]) -> str:
    """:data:`TOOLTIP_TEMPLATE` filled with already escaped ``pieces`` (as the map script fills it)."""
    return _TOOLTIP_SLOT.sub(lambda m: pieces[m.group(1)], TOOLTIP_TEMPLATE)


def map_payload(
    gdf: gpd.GeoDataFrame,
    lang: str = i18n.DEFAULT_LANG,
    corridor_names: Mapping[str, tuple[str, str]] | None = None,
    zoom: int | None = None,
    popups: bool = True,
) -> dict[str, Any]:
    """Plain, JSON-ready data for :func:`build_map` from the (filtered) working frame.

    ``zoom`` sets the level of detail (:func:`level_of_detail`); ``popups=False``
    leaves the popup HTML out (the app shows the item's detail on click instead).
    Every text is HTML-escaped here; the map script only puts escaped pieces together.

    Returns
    -------
    dict
        ``modes``: mode → its items that have a geometry, in frame order (``ids``; escaped
        ``names``, ``deadlines`` and ``popups`` or ``None``; ``statuses`` the status codes that occur
        and ``status`` an index into them per item; ``geometry`` from :func:`encode_geometries`),
        in vocabulary order; ``styles``: ``"mode|status"`` → Leaflet options; ``labels``: escaped
        mode and status names; ``tooltip``: :data:`TOOLTIP_TEMPLATE`; ``bounds``:
        ``[[south, west], [north, east]]`` or ``None``; ``count``: features drawn; ``missing``:
        ids of items with no geometry; ``lang``. :func:`decode_features` turns a mode's entry into
        the GeoJSON features the map draws.
    """
    _, decimals = level_of_detail(zoom)
    shapes = simplify_all(gdf.geometry, zoom)
    located = np.array([g is not None for g in shapes], dtype=bool)
    ids = [str(i) for i in gdf["id"]]
    missing = [i for i, ok in zip(ids, located, strict=True) if not ok]
    column = lambda name: gdf[name].tolist() if name in gdf else [None] * len(gdf)  # noqa: E731
    names = [_e(main_name({"id": i, "name_vi": vi, "name_en": en}, lang)[0])
             for i, vi, en in zip(ids, column("name_vi"), column("name_en"), strict=True)]
    deadlines = [_e(deadline_label({"end_year": end, "deadline_text": text}, lang))
                 for end, text in zip(column("end_year"), column("deadline_text"), strict=True)]
    statuses = [str(s) for s in column("status")]
    item_modes = np.array([str(m) for m in column("mode")], dtype=object)
    rows = gdf.drop(columns=gdf.geometry.name).to_dict("records") if popups else []
    styles: dict[str, dict[str, Any]] = {}
    modes: dict[str, dict[str, Any]] = {}
    for mode in [m for m in vocab.MODES if m in set(item_modes[located])]:
        at = np.flatnonzero(located & (item_modes == mode))
        codes = list(dict.fromkeys(statuses[i] for i in at))
        for status in codes:
            styles[f"{mode}|{status}"] = item_style(mode, status)
        entry_ids = [ids[i] for i in at]
        id_html = [_e(i) for i in entry_ids]
        modes[mode] = {
            "ids": entry_ids,
            "id_html": id_html if id_html != entry_ids else None,  # valid ids are slugs: nothing to escape
            "names": [names[i] for i in at],
            "deadlines": [deadlines[i] for i in at],
            "statuses": codes,
            "status": [codes.index(statuses[i]) for i in at],
            "popups": [popup_html(rows[i], lang, corridor_names) for i in at] if popups else None,
            "geometry": encode_geometries(shapes[at], decimals),
        }
    bounds = None
    if located.any():
        west, south, east, north = shapely.total_bounds(shapes[located])
        bounds = [[round(float(south), decimals), round(float(west), decimals)],
                  [round(float(north), decimals), round(float(east), decimals)]]
    labels = _labels(modes, dict.fromkeys(statuses), lang)
    return {"modes": modes, "styles": styles, "labels": labels, "tooltip": TOOLTIP_TEMPLATE, "bounds": bounds,
            "count": int(located.sum()), "missing": missing, "lang": lang}


def decode_features(payload: Mapping[str, Any], mode: str) -> list[dict[str, Any]]:
    """The GeoJSON features the map script makes of ``payload['modes'][mode]``: id, geometry and the
    properties ``k`` (style key), ``tt`` (tooltip HTML) and ``pp`` (popup HTML or ``""``).
    """
    entry, labels = payload["modes"][mode], payload["labels"]
    features = []
    for i, geometry in enumerate(decode_geometries(entry["geometry"])):
        status = entry["statuses"][entry["status"][i]]
        tooltip = fill_tooltip({"name": entry["names"][i], "mode": labels["modes"][mode],
                                "status": labels["statuses"][status], "deadline": entry["deadlines"][i],
                                "id": (entry["id_html"] or entry["ids"])[i]})
        features.append({"type": "Feature", "id": entry["ids"][i], "geometry": geometry,
                         "properties": {"k": f"{mode}|{status}", "tt": tooltip,
                                        "pp": entry["popups"][i] if entry["popups"] else ""}})
    return features


def corridor_payload(corridors: gpd.GeoDataFrame, lang: str = i18n.DEFAULT_LANG) -> dict[str, Any]:
    """A FeatureCollection of the corridor lines with escaped tooltips, for the map's background.

    Corridor features carry their id as the property ``cid``, not as the feature id, so
    that only items count as features (:func:`feature_ids_in_script`).
    """
    features = []
    for row in corridors.to_dict("records"):
        geom = simplify_for_map(row.get("geometry"))
        if geom is None:
            continue
        name = row.get("name_en") if lang == "en" and row.get("name_en") else row.get("name_vi")
        features.append({"type": "Feature", "geometry": _geojson_geometry(geom),
                         "properties": {"cid": str(row.get("id")),
                                        "tt": f'<div class="gt-tt">{_e(name or row.get("id"))}</div>'}})
    return {"type": "FeatureCollection", "features": features}


def corridor_names(corridors: gpd.GeoDataFrame) -> dict[str, tuple[str, str]]:
    """Corridor id → (name_vi, name_en) from the corridor layer."""
    return {
        str(r["id"]): (str(r.get("name_vi") or r["id"]), str(r.get("name_en") or r.get("name_vi") or r["id"]))
        for r in corridors.to_dict("records")
    }


def js_json(value: Any) -> str:
    """Compact JSON that is safe inside an inline ``<script>``.

    Every ``<`` that could open a tag end or a comment (``</``, ``<!``) becomes ``\\u003c``, so the
    text can never close the script element; every ``{`` that could open a Jinja tag becomes
    ``\\u007b``; and the line separators U+2028/2029 are escaped.
    (Item texts inside are HTML-escaped by this module before they get here.)
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = _SCRIPT_BREAKERS.sub(r"\\u003c", text)
    # branca renders a map's scripts through Jinja a second time: a "{{", "{%" or "{#" in item
    # text would run as a template on the server. JSON structure never has them; strings get \u007b.
    text = _TEMPLATE_OPENERS.sub(r"\\u007b", text)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def feature_ids_in_script(script: str) -> list[str]:
    """The item ids of the features a generated map script carries, in order (for tests and checks)."""
    return [item_id for found in _ITEM_IDS.findall(script) for item_id in json.loads(found)]


# -- folium elements -------------------------------------------------------------
class _OfflineMap(folium.Map):
    """A folium Map that loads Leaflet from the app's static folder and nothing else
    (no jQuery, Bootstrap, awesome-markers or Font Awesome).
    """

    default_js = [("leaflet", LEAFLET_JS)]  # noqa: RUF012 — folium reads these class attributes
    default_css = [("leaflet_css", LEAFLET_CSS)]  # noqa: RUF012


class _Verbatim(Element):
    """Text that goes into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        """The text, unchanged."""
        return self._text


class _Macro(MacroElement):
    """A MacroElement whose rendered parts go into the page as they are.

    branca's own ``render`` compiles each rendered part as a new Jinja template: for a
    map of thousands of items that parse costs more than everything else (0.6 s at 10,000),
    and item text in it would be template source.
    """

    def render(self, **kwargs: Any) -> str:
        """Add the header, html and script parts to the page, then render the children (returns ``""``)."""
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Verbatim(str(macros[part](self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""


class _Setup(_Macro):
    """Page style and the shared drawing helpers (decoding, style, point, tooltip/popup binding, counting)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container { background: """ + BACKGROUND + r"""; font: 13px/1.35 system-ui, sans-serif; }
          .gt-tt { max-width: 320px; white-space: normal; }
          .gt-id { color: #666; font-size: 11px; }
          .gt-pp { max-width: 340px; }
          .gt-pp .gt-name { font-weight: 600; font-size: 14px; }
          .gt-pp .gt-alt { color: #555; margin-bottom: 4px; }
          .gt-pp ul { margin: 2px 0 4px 16px; padding: 0; }
          .gt-legend { background: rgba(255,255,255,.92); padding: 4px 8px; border-radius: 4px;
                       box-shadow: 0 1px 4px rgba(0,0,0,.3); max-height: 70vh; overflow-y: auto; font-size: 11px;
                       line-height: 1.3; }
          .gt-legend .gt-lg-title { font-weight: 600; margin: 3px 0 2px; cursor: pointer; }
          .gt-legend .gt-lg-modes { display: grid; grid-template-columns: auto auto; column-gap: 10px; }
          .gt-legend .gt-sw { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
                              vertical-align: -1px; border-radius: 2px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        // the item layers arrive later and again on every filter change (streamlit-folium's
        // feature_group_to_add, evaluated in another scope): what they call lives on window
        var gtStyles = {{ this.styles_js }}, gtLabels = {{ this.labels_js }}, gtTooltip = {{ this.tooltip_js }};
        window.gtLayers = {};  // mode → {key: content hash, layer: L.GeoJSON, owner: its feature group}
        // the texts are escaped by the server: here they are only put together
        function gtFill(pieces) { return gtTooltip.replace(/\{(\w+)\}/g, function (m, key) { return pieces[key]; }); }
        function gtRuns(g) {  // encode_geometries → per geometry its parts → rings → [lon, lat] vertices
          var out = [], p = 0, r = 0, v = 0, xy = g.xy, s = g.scale;
          for (var i = 0; i < g.t.length; i++) {
            var parts = [];
            for (var a = 0; a < g.parts[i]; a++, p++) {
              var rings = [];
              for (var b = 0; b < g.rings[p]; b++, r++) {
                var run = [], x = 0, y = 0;
                for (var k = 0; k < g.vertices[r]; k++, v++) {
                  x = k ? x + xy[2 * v] : xy[2 * v];
                  y = k ? y + xy[2 * v + 1] : xy[2 * v + 1];
                  run.push([x / s, y / s]);
                }
                rings.push(run);
              }
              parts.push(rings);
            }
            out.push(parts);
          }
          return out;
        }
        function gtGeometry(t, parts) {
          if (t === 0) { return {type: 'Point', coordinates: parts[0][0][0]}; }
          if (t === 1) { return {type: 'LineString', coordinates: parts[0][0]}; }
          if (t === 3) { return {type: 'Polygon', coordinates: parts[0]}; }
          if (t === 4) { return {type: 'MultiPoint', coordinates: parts.map(function (q) { return q[0][0]; })}; }
          if (t === 5) { return {type: 'MultiLineString', coordinates: parts.map(function (q) { return q[0]; })}; }
          return {type: 'MultiPolygon', coordinates: parts};
        }
        window.gtFeatures = function (mode, c) {  // the features of one mode (decode_features in Python)
          var runs = gtRuns(c.geometry), ids = c.id_html || c.ids;
          return {type: 'FeatureCollection', features: runs.map(function (parts, i) {
            var status = c.statuses[c.status[i]];
            return {type: 'Feature', id: c.ids[i], geometry: gtGeometry(c.geometry.t[i], parts), properties: {
              k: mode + '|' + status,
              tt: gtFill({name: c.names[i], mode: gtLabels.modes[mode], status: gtLabels.statuses[status],
                          deadline: c.deadlines[i], id: ids[i]}),
              pp: c.popups ? c.popups[i] : ''}};
          })};
        };
        window.gtLayerOptions = {
          style: function (f) { return gtStyles[f.properties.k] || {}; },
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, gtStyles[f.properties.k] || {}); },
          onEachFeature: function (f, layer) {
            if (f.properties.tt) { layer.bindTooltip(f.properties.tt, {sticky: true}); }
            if (f.properties.pp) { layer.bindPopup(f.properties.pp, {maxWidth: 360}); }
          }
        };
        // The layer of a mode, shown while its feature group is: made again only when its content
        // changed, and kept on the map through a swap of groups, so a selection (which sends the
        // groups again) neither redraws thousands of items nor closes the popup the click opened.
        window.gtItemLayer = function (map, group, mode, key, make) {
          var held = window.gtLayers[mode];
          if (!held || held.key !== key) {
            if (held) { map.removeLayer(held.layer); }
            held = window.gtLayers[mode] = {key: key, layer: make(), owner: null};
          }
          held.owner = group;
          group.on('add', function () { if (held.owner === group) { map.addLayer(held.layer); } });
          group.on('remove', function () {
            // the next group of this mode is added in the same turn: decide once it has been
            setTimeout(function () {
              if (!map.hasLayer(held.owner) || window.gtLayers[mode] !== held) { map.removeLayer(held.layer); }
              window.gtCount(map);
            }, 0);
          });
          return held.layer;
        };
        window.gtCount = function (map) {
          var n = 0, ids = [];
          Object.keys(window.gtLayers).forEach(function (mode) {
            var layer = window.gtLayers[mode].layer;
            if (map.hasLayer(layer)) { layer.eachLayer(function (l) { n += 1; ids.push(l.feature.id); }); }
          });
          var box = map.getContainer();
          box.setAttribute('data-gt-features', String(n));
          box.setAttribute('data-gt-ids', ids.join(' '));
          return n;
        };
        // fit the map to the items whenever they change, and again when the frame is resized
        // before anything else moved the view (the user, a focus on an item)
        window.gtView = {bounds: null, shown: null, moved: false, fitting: false};
        window.gtFit = function (map) {
          var v = window.gtView;
          if (!v.bounds || v.moved) { return; }
          v.fitting = true;
          map.fitBounds(v.bounds, {padding: [20, 20], maxZoom: 13, animate: false});
          v.fitting = false;
        };
        window.gtShow = function (map, bounds, modes) {
          var v = window.gtView, text = JSON.stringify(bounds);
          Object.keys(window.gtLayers).forEach(function (mode) {  // modes no longer selected
            if (modes.indexOf(mode) < 0) { map.removeLayer(window.gtLayers[mode].layer); delete window.gtLayers[mode]; }
          });
          if (text !== v.shown) { v.shown = text; v.bounds = bounds; v.moved = false; window.gtFit(map); }
          setTimeout(function () { window.gtCount(map); }, 0);
        };
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "GtSetup"
        # every style and label, not only the selection's: the page stays the same across filter
        # changes, so streamlit-folium keeps it and swaps only the item layers
        self.styles_js = js_json({f"{m}|{s}": item_style(m, s) for m in vocab.MODES for s in vocab.STATUSES})
        self.labels_js = js_json(_labels(vocab.MODES, vocab.STATUSES, lang))
        self.tooltip_js = js_json(TOOLTIP_TEMPLATE)


class _Items(_Macro):
    """The items of one mode (a :func:`map_payload` entry), decoded and shown with the parent layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.gtItemLayer({{ this._parent._parent.get_name() }},
          {{ this._parent.get_name() }}, {{ this.mode_js }}, {{ this.key_js }}, function () {
            return L.geoJSON(window.gtFeatures({{ this.mode_js }}, {{ this.data_js }}), window.gtLayerOptions);
          });
        {% endmacro %}
    """)

    def __init__(self, mode: str, entry: Mapping[str, Any]):
        super().__init__()
        self._name = "GtItems"
        self.mode_js = js_json(mode)
        # "ids" first: feature_ids_in_script finds the drawn items by it
        self.data_js = js_json({"ids": entry["ids"], **{k: v for k, v in entry.items() if k != "ids"}})
        self.key_js = js_json(hashlib.sha1(self.data_js.encode("utf-8")).hexdigest()[:20])


class _Show(_Macro):
    """After the item layers: forget modes no longer selected, fit a changed selection, count."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.gtShow({{ this._parent._parent.get_name() }}, {{ this.bounds_js }}, {{ this.modes_js }});
        {% endmacro %}
    """)

    def __init__(self, bounds: Sequence[Sequence[float]] | None, modes: Sequence[str]) -> None:
        super().__init__()
        self._name = "GtShow"
        self.bounds_js = js_json(bounds)
        self.modes_js = js_json(list(modes))


class _Features(_Macro):
    """A GeoJSON FeatureCollection in the background of the items: corridors, or the ring of the selected item."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data_js }}, {{ this.options_js }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {%- if this.behind %}
        {{ this.get_name() }}.eachLayer(function (l) {
          l.on('add', function () { l.bringToBack(); });  // the group may reach the map only later
          if (l._map) { l.bringToBack(); }
        });
        {%- endif %}
        {% endmacro %}
    """)

    def __init__(self, data: Mapping[str, Any], *, kind: str):
        super().__init__()
        self._name = "GtFeatures"
        self.data_js = js_json(data)
        self.behind = kind == "highlight"  # a ring under the item, not a cover over it
        if kind == "highlight":
            self.options_js = (
                "{style: function () { return {color: '" + HIGHLIGHT + "', weight: 11, opacity: 0.75, "
                "fillOpacity: 0.3, radius: 13}; }, pointToLayer: function (f, ll) { return L.circleMarker(ll, "
                "{color: '" + HIGHLIGHT + "', weight: 5, radius: 13, fillOpacity: 0.25}); }, interactive: false}"
            )
        elif kind == "corridors":
            self.options_js = (
                "{style: function () { return {color: '" + CORRIDOR_COLOUR + "', weight: 2, opacity: 0.9, "
                "dashArray: '1 5'}; }, onEachFeature: function (f, l) { l.bindTooltip(f.properties.tt, "
                "{sticky: true}); }}"
            )
        else:
            raise GeotrackError(f"unknown feature layer kind {kind!r}")


class _Legend(_Macro):
    """The legend as a Leaflet control (HTML built and escaped by :func:`legend_html`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: 'bottomleft'});
        {{ this.get_name() }}.onAdd = function () {
          var div = L.DomUtil.create('div', 'gt-legend');
          div.innerHTML = {{ this.html_js }};
          L.DomEvent.disableScrollPropagation(div);
          return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, legend: str):
        super().__init__()
        self._name = "GtLegend"
        self.html_js = js_json(legend)


class _Finish(_Macro):
    """Keep the fit while the frame is resized before the view moved, and recount the drawn item
    features onto the map container (``data-gt-features``, ``data-gt-ids``) when a layer is toggled.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
          map.on('movestart zoomstart', function () { if (!window.gtView.fitting) { window.gtView.moved = true; } });
          if (window.ResizeObserver) {
            new ResizeObserver(function () { map.invalidateSize(); window.gtFit(map); }).observe(map.getContainer());
          }
          map.on('overlayadd overlayremove', function () { setTimeout(function () { window.gtCount(map); }, 0); });
          window.gtCount(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "GtFinish"


def _labels(modes: Iterable[str], statuses: Iterable[str], lang: str) -> dict[str, dict[str, str]]:
    """Escaped mode and status names in ``lang``."""
    return {"modes": {m: _e(i18n.mode_label(m, lang)) for m in modes},
            "statuses": {s: _e(i18n.status_label(s, lang)) for s in statuses}}


def build_map(
    payload: Mapping[str, Any],
    *,
    corridors: Mapping[str, Any] | None = None,
    tiles: bool = False,
    legend: bool = True,
    legend_modes: Sequence[str] | None = None,
    height: int | str = "100%",
    items: bool = True,
) -> folium.Map:
    """A folium Map of a :func:`map_payload`: a feature group per mode, corridors underneath.

    Parameters
    ----------
    payload
        From :func:`map_payload`.
    corridors
        From :func:`corridor_payload`: drawn as light dotted lines under the items.
    tiles
        Add OpenStreetMap tiles (they load only when the browser is online; the map stays
        readable without them).
    legend
        Add the legend control.
    legend_modes
        The modes the legend lists (default: those of the payload).
    height
        The map's CSS height.
    items
        Put the item layers (:func:`item_layers`) and a layer control in the map, for a page of its
        own. ``False`` leaves a map that depends only on the language, the corridors, the basemap and
        ``legend_modes``: an app hands it to streamlit-folium together with ``item_layers(payload)``
        as ``feature_group_to_add``, so that a filter change swaps the items in the page already
        there instead of loading a new one.
    """
    lang = str(payload.get("lang") or i18n.DEFAULT_LANG)
    m = _OfflineMap(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None, prefer_canvas=True,
                    control_scale=True, height=height)
    if tiles:
        folium.TileLayer(TILE_URL, attr=TILE_ATTRIBUTION, name="OpenStreetMap", max_zoom=19,
                         control=False).add_to(m)
    _Setup(lang).add_to(m)
    if corridors and corridors.get("features"):
        group = folium.FeatureGroup(name=_e(i18n.t("corridors", lang)), control=True)
        _Features(corridors, kind="corridors").add_to(group)
        group.add_to(m)
    shown = list(legend_modes if legend_modes is not None else (payload.get("modes") or {}))
    if legend and shown:
        _Legend(legend_html(shown, lang, open_=len(shown) <= LEGEND_OPEN_MAX)).add_to(m)
    _Finish().add_to(m)
    if items:
        for group in item_layers(payload):
            group.add_to(m)
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def item_layers(payload: Mapping[str, Any]) -> list[folium.FeatureGroup]:
    """The items of a :func:`map_payload` as feature groups: one per mode (in the layer control),
    then one that fits the view to them and counts them.
    """
    lang = str(payload.get("lang") or i18n.DEFAULT_LANG)
    groups = []
    for mode, entry in (payload.get("modes") or {}).items():
        group = folium.FeatureGroup(name=_e(f"{i18n.mode_label(mode, lang)} ({len(entry['ids'])})"), control=True)
        _Items(mode, entry).add_to(group)
        groups.append(group)
    show = folium.FeatureGroup(name="gt-show", control=False)
    _Show(payload.get("bounds"), list(payload.get("modes") or {})).add_to(show)
    return [*groups, show]


def highlight_group(gdf: gpd.GeoDataFrame, item_id: str) -> folium.FeatureGroup | None:
    """A feature group that rings the item ``item_id`` in yellow (``None`` if it has no geometry)."""
    rows = gdf[gdf["id"] == item_id]
    if rows.empty:
        return None
    geom = simplify_for_map(rows.geometry.iloc[0])
    if geom is None:
        return None
    group = folium.FeatureGroup(name="selected", control=False)
    data = {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": _geojson_geometry(geom), "properties": {"hid": item_id}}]}
    _Features(data, kind="highlight").add_to(group)
    return group


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
    zoom = int(max(5, min(15, math.floor(min(zoom_x, zoom_y) - 0.3))))
    return (round(center[0], MAP_DECIMALS), round(center[1], MAP_DECIMALS)), zoom


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def rendered_html(m: folium.Map) -> str:
    """The whole standalone HTML page of ``m`` (what a saved map would be)."""
    return str(m.get_root().render())


def external_urls(page: str) -> list[str]:
    """``src``/``href`` URLs of ``<script>`` and ``<link>`` tags that leave the app (``http(s)://`` or ``//``)."""
    urls = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["\']([^"\']+)["\']', page, flags=re.IGNORECASE)
    return [u for u in urls if re.match(r"^(?:[a-z]+:)?//", u, flags=re.IGNORECASE)]
