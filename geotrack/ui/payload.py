"""What the map draws, as plain cacheable data: encoded geometries, escaped texts, styles, bounds.

:func:`map_payload` is computed once per selection and language (the app caches it);
:mod:`geotrack.ui.leaflet` turns it into a folium map. Every text is HTML-escaped here and
the JSON that carries it is escaped for a ``<script>`` (:func:`js_json`): the map script
only puts escaped pieces together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geotrack import vocab
from geotrack.errors import GeotrackError
from geotrack.ui import i18n
from geotrack.ui.style import (
    CORRIDOR_COLOUR,
    GREY,
    POINT_FILL,
    REGION_BOUNDS,
    deadline_label,
    escape,
    funding_text,
    item_style,
    level_of_detail,
    main_name,
    mode_colour,
)

_ID_IN_TOOLTIP = re.compile(r"\[([a-z0-9][a-z0-9-]*)\]\s*$")
_TEMPLATE_OPENERS = re.compile(r"\{(?=[{%#])")
_SCRIPT_BREAKERS = re.compile(r"<(?=[/!?])", flags=re.IGNORECASE)
#: The hover text of an item. Python fills it (:func:`tooltip_html`) and so does the map script,
#: from the same pieces, each HTML-escaped by this module; the id closes it so that a click read
#: back from the map (:func:`item_id_from_tooltip`) names its item.
TOOLTIP_TEMPLATE: Final = ('<div class="gt-tt"><b>{name}</b><br>{mode} · {status} · {deadline}'
                           '<div class="gt-id">[{id}]</div></div>')
_TOOLTIP_SLOT = re.compile(r"\{(\w+)\}")

#: GEOS type ids of the geometries the map draws (the ``t`` of :func:`encode_geometries`).
DRAWABLE_TYPES: Final = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
                          6: "MultiPolygon"}



def item_id_from_tooltip(text: str | None) -> str | None:
    """The item id at the end of a tooltip's text as the map returns it on a click, or ``None``."""
    if not text:
        return None
    match = _ID_IN_TOOLTIP.search(text)
    return match.group(1) if match else None



def popup_html(
    row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG, corridor_names: Mapping[str, tuple[str, str]] | None = None
) -> str:
    """The popup of an item, every text escaped.

    Names, status and as-of, deadline, funding, lead agency as written and today, provinces,
    corridors and each commitment (document, section, line).
    """
    t = i18n.translator(lang, wrap=escape)
    main, other = main_name(row, lang)
    status = i18n.status_label(row.get("status"), lang)
    as_of = f" ({t('as_of')} {escape(row.get('status_as_of'))})" if row.get("status_as_of") else ""
    agency, agency_now = row.get("lead_agency"), row.get("lead_agency_current")
    if agency and agency_now and agency_now != agency:
        agency_text = (f"{escape(agency)} <i>({t('lead_agency_written')})</i> → {escape(agency_now)} "
                       f"<i>({t('lead_agency_current')})</i>")
    else:
        agency_text = escape(agency or agency_now or i18n.t("unknown", lang))
    provinces = ", ".join(row.get("provinces") or ()) or i18n.t("unknown", lang)
    former = ", ".join(row.get("former_provinces") or ())
    names = corridor_names or {}
    index = i18n.LANGS.index(lang)
    corridors = ", ".join(names[c][index] if c in names else c for c in row.get("corridors") or ())
    lines = [
        f'<div class="gt-pp"><div class="gt-name">{escape(main)}</div>',
        f'<div class="gt-alt">{escape(other)}</div>' if other else "",
        f"<b>{t('status')}:</b> {escape(status)}{as_of}<br>",
        f"<b>{t('deadline')}:</b> {escape(deadline_label(row, lang))}<br>",
        f"<b>{t('funding')}:</b> {escape(funding_text(row.get('funding'), lang))}<br>",
        f"<b>{t('lead_agency')}:</b> {agency_text}<br>",
        f"<b>{t('provinces')}:</b> {escape(provinces)}<br>",
        f"<b>{t('former_provinces')}:</b> {escape(former)}<br>" if former else "",
        f"<b>{t('corridors')}:</b> {escape(corridors)}<br>" if corridors else "",
        f"<b>{t('commitments')}:</b><ul>",
    ]
    for c in row.get("commitments") or ():
        where = [escape(c.get("document"))]
        if c.get("section"):
            where.append(escape(c.get("section")))  # as the document writes it ("Mục II.4 …")
        if c.get("line") is not None:
            where.append(f"{t('line')} {escape(c.get('line'))}")
        lines.append(f"<li>{' · '.join(where)}")
    lines.append(f'</ul><div class="gt-id">{escape(row.get("id"))}</div></div>')
    return "".join(lines)



def simplify_for_map(geom: BaseGeometry | None, zoom: int | None = None) -> BaseGeometry | None:
    """``geom`` simplified (lines, polygons) and rounded for a map at ``zoom`` (see :func:`level_of_detail`)."""
    if geom is None or geom.is_empty:
        return None
    _, decimals = level_of_detail(zoom)
    simplified = simplify_all(gpd.GeoSeries([geom]), zoom)[0]
    return shapely.transform(simplified, lambda xy: np.round(xy, decimals))


def geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """``geom`` as a GeoJSON geometry mapping."""
    return dict(json.loads(shapely.to_geojson(geom)))


def simplify_all(geometries: gpd.GeoSeries, zoom: int | None) -> np.ndarray:
    """:func:`simplify_for_map` of every geometry in one vectorised pass, unrounded.

    ``None`` for missing or empty; :func:`encode_geometries` rounds).
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
    if not np.isin(types, list(DRAWABLE_TYPES)).all():
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



def tooltip_html(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> str:
    """Short hover text of an item: name, mode, status, deadline and the id in brackets (every text escaped)."""
    return fill_tooltip({
        "name": escape(main_name(row, lang)[0]), "mode": escape(i18n.mode_label(row.get("mode"), lang)),
        "status": escape(i18n.status_label(row.get("status"), lang)), "deadline": escape(deadline_label(row, lang)),
        "id": escape(row.get("id")),
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
        mode and status names; ``tooltip``: :data:`TOOLTIP_TEMPLATE`; ``bounds``: the frame the map
        opens on (:func:`frame_bounds`) and ``full_bounds`` the whole extent, each
        ``[[south, west], [north, east]]`` or ``None``; ``count``: features drawn; ``missing``:
        ids of items with no geometry; ``lang``. :func:`decode_features` turns a mode's entry into
        the GeoJSON features the map draws.
    """
    _, decimals = level_of_detail(zoom)
    shapes = simplify_all(gdf.geometry, zoom)
    located = np.array([g is not None for g in shapes], dtype=bool)
    ids = [str(i) for i in gdf["id"]]
    missing = [i for i, ok in zip(ids, located, strict=True) if not ok]

    def column(name: str) -> list[Any]:
        return list(gdf[name].tolist()) if name in gdf else [None] * len(gdf)

    names = [escape(main_name({"id": i, "name_vi": vi, "name_en": en}, lang)[0])
             for i, vi, en in zip(ids, column("name_vi"), column("name_en"), strict=True)]
    deadlines = [escape(deadline_label({"end_year": end, "deadline_text": text}, lang))
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
        id_html = [escape(i) for i in entry_ids]
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
    bounds, full_bounds = frame_bounds(shapes[located], decimals)
    labels = label_texts(modes, dict.fromkeys(statuses), lang)
    return {"modes": modes, "styles": styles, "labels": labels, "tooltip": TOOLTIP_TEMPLATE, "bounds": bounds,
            "full_bounds": full_bounds, "count": int(located.sum()), "missing": missing, "lang": lang}



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
        features.append({"type": "Feature", "geometry": geojson_geometry(geom),
                         "properties": {"cid": str(row.get("id")),
                                        "tt": f'<div class="gt-tt">{escape(name or row.get("id"))}</div>'}})
    return {"type": "FeatureCollection", "features": features}


def corridor_names(corridors: gpd.GeoDataFrame) -> dict[str, tuple[str, str]]:
    """Corridor id → (name_vi, name_en) from the corridor layer."""
    return {
        str(r["id"]): (str(r.get("name_vi") or r["id"]), str(r.get("name_en") or r.get("name_vi") or r["id"]))
        for r in corridors.to_dict("records")
    }


def js_json(value: Any) -> str:
    r"""Compact JSON that is safe inside an inline ``<script>``.

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



def _rounded_box(box: Any, decimals: int) -> list[list[float]]:
    west, south, east, north = (float(v) for v in box)
    return [[round(south, decimals), round(west, decimals)], [round(north, decimals), round(east, decimals)]]


def frame_bounds(shapes: np.ndarray, decimals: int = 5) -> tuple[list[list[float]] | None, list[list[float]] | None]:
    """(frame, whole extent) of the drawn geometries, each ``[[south, west], [north, east]]``.

    The frame is the extent of the parts inside :data:`~geotrack.ui.style.REGION_BOUNDS`: a
    country-long line (the North–South high-speed rail) must not zoom the map out to all of
    Vietnam when everything else is in the Delta. A selection with nothing in the region is
    framed whole. Empty input gives ``(None, None)``.
    """
    shapes = np.asarray([g for g in shapes if g is not None and not g.is_empty], dtype=object)
    if not len(shapes):
        return None, None
    full = shapely.total_bounds(shapes)
    (south, west), (north, east) = REGION_BOUNDS
    inside = shapely.intersection(shapes, shapely.box(west, south, east, north))
    inside = inside[~shapely.is_empty(inside)]
    frame = shapely.total_bounds(inside) if len(inside) else full
    return _rounded_box(frame, decimals), _rounded_box(full, decimals)


def label_texts(modes: Iterable[str], statuses: Iterable[str], lang: str) -> dict[str, dict[str, str]]:
    """Escaped mode and status names in ``lang``."""
    return {"modes": {m: escape(i18n.mode_label(m, lang)) for m in modes},
            "statuses": {s: escape(i18n.status_label(s, lang)) for s in statuses}}


def legend_html(modes: Iterable[str], lang: str = i18n.DEFAULT_LANG, *, open_: bool = True) -> str:
    """The legend: a swatch per mode shown and the line style of each status family (escaped).

    A ``<details>`` element, so a reader can fold it away.
    """
    t = i18n.translator(lang, wrap=escape)
    rows = [f'<details{" open" if open_ else ""}><summary class="gt-lg-title">{t("legend")}</summary>',
            '<div class="gt-lg-modes">']
    for mode in modes:
        rows.append(f'<div><span class="gt-sw" style="background:{escape(mode_colour(mode))}"></span>'
                    f"{escape(i18n.mode_label(mode, lang))}</div>")
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
        family = key.removeprefix("legend_")
        fill, opacity = ("#ffffff", 0.9) if family == "dashed" else (colour, POINT_FILL.get(family, 0.0))
        symbol = ("" if family == "corridor" else
                  f'<circle cx="39" cy="5" r="4" stroke="{colour}" stroke-width="1.5" fill="{fill}" '
                  f'fill-opacity="{opacity}"/>')
        rows.append(
            f'<div><svg width="46" height="10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" '
            f'stroke="{colour}" stroke-width="{width}"{dash_attr}/>{symbol}</svg> {t(key)}</div>'
        )
    rows.append("</details>")
    return "".join(rows)
