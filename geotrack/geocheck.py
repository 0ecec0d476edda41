"""Geography checks: every located item held to the boundaries, reference points and its sources.

What is checked (each finding names the item, the check and its subject):

``province`` / ``former_province``
    An item lies in every province it lists (``provinces``: the 34 units from 1 July
    2025; ``former_provinces``: the pre-merger units whose names differ) and lists every
    province its geometry crosses. Tolerances, because boundaries are simplified
    (about 100 m) and works sit on edges and in coastal water:

    * a listed province is reached when the geometry comes within :data:`EDGE_KM` of it;
    * a line crosses a province when at least :data:`CROSS_KM` of it, or
      :data:`CROSS_SHARE` of its length for a short line, lies inside;
      a polygon when :data:`CROSS_SHARE` of its area does; a point when it lies inside;
    * a point or part of a line in no province (sea, estuary, reclaimed land) belongs to
      the nearest province within :data:`COASTAL_KM`.
``reference``
    Airports within :data:`geotrack.refpoints.AIRPORT_KM` of their ``airportsdata`` position
    (MIT), seaports within :data:`geotrack.refpoints.SEAPORT_KM` of their UN/LOCODE position as
    ``searoute`` ships it (Apache-2.0). An airport with no ``reference_point`` within
    :data:`geotrack.refpoints.REFERENCE_SEARCH_KM` of a reference airport is reported too.
``shared_geometry``
    Two different items with the same geometry (within :data:`SAME_GEOMETRY_M`): a berth on
    its port's point, a parallel road drawn as its trunk road.
``cited_position``
    A located berth, terminal or apron (:func:`geotrack.geofields.is_site_child`) is ``exact`` or
    ``approximate`` and cites its position, or the layout it was derived from, in ``geometry_source``
    (a URL); with no published position it keeps a null geometry and ``geometry_source`` says why.
``length``
    A line with a ``stated_length_km`` is drawn within :data:`LENGTH_TOLERANCE` of it.
``waypoint``
    A line passes through each commune or province its ``waypoints`` name (within
    :data:`WAYPOINT_KM`, the commune layer's simplification), and within
    :data:`WAYPOINT_KM` of each waypoint given as a cited point.

A finding is explained — reported, but not an error — when the item's
``geography_notes`` has an entry for its subject (the province name, the other item's
id, the reference or waypoint name) saying why; an entry ``shared_geometry`` explains
every shared geometry of the item. A berth, terminal or apron's ``cited_position`` and
``shared_geometry`` findings are never explained: it stands on its own position or on none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point, shape
from shapely.geometry.base import BaseGeometry

from geotrack import boundaries, geo, geofields, refpoints, vocab
from geotrack.io import LAYERS_DIR

EDGE_KM = 1.0
CROSS_KM = 1.0
CROSS_SHARE = 0.25
COASTAL_KM = 20.0
SAME_GEOMETRY_M = 50.0
LENGTH_TOLERANCE = 0.05
WAYPOINT_KM = 0.2

CHECKS = ("province", "former_province", "reference", "shared_geometry", "cited_position", "length", "waypoint")


@dataclass(frozen=True)
class Finding:
    """One mismatch between an item's geography and what it is checked against."""

    item_id: str
    check: str
    subject: str
    message: str
    field: str = "geometry"
    explained: str | None = None

    @property
    def is_error(self) -> bool:
        """Unexplained findings are errors."""
        return self.explained is None

    def __str__(self) -> str:
        note = f" [explained: {self.explained}]" if self.explained else ""
        return f"{self.item_id}: {self.check}: {self.message}{note}"


@dataclass(frozen=True)
class Geography:
    """What items are checked against, in :data:`geotrack.geo.METRIC_CRS` (metres)."""

    provinces: gpd.GeoDataFrame
    former: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    airports: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # ICAO → (lon, lat)
    airport_names: Mapping[str, str] = field(default_factory=dict)
    seaports: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # UN/LOCODE → (lon, lat)


def load_geography(layers_dir: Path = LAYERS_DIR) -> Geography:
    """Read the boundary layers and the reference points (the I/O edge of this module; cached per folder).

    Raises
    ------
    geotrack.errors.DataFileError
        When a boundary layer is missing or unreadable.
    """
    return _load_geography(Path(layers_dir).resolve())


@functools.cache
def _load_geography(layers_dir: Path) -> Geography:
    airports, names = refpoints.airport_references()
    return Geography(
        provinces=boundaries.load_provinces(True, layers_dir).to_crs(geo.METRIC_CRS),
        former=boundaries.load_provinces(False, layers_dir).to_crs(geo.METRIC_CRS),
        communes=boundaries.load_communes(layers_dir).to_crs(geo.METRIC_CRS),
        airports=airports,
        airport_names=names,
        seaports=refpoints.seaport_references(),
    )


def _parse(value: Any) -> BaseGeometry | None:
    if not isinstance(value, Mapping):
        return None
    try:
        geom = shape(value)
    except Exception:  # malformed geometries are validate's to report
        return None
    return None if geom.is_empty or not geom.is_valid else geom


def provinces_of(geom: BaseGeometry, layer: gpd.GeoDataFrame) -> tuple[dict[str, float], dict[str, float]]:
    """Which provinces of ``layer`` a metric geometry crosses, and how near it comes to each.

    Returns
    -------
    (crossed, near)
        ``crossed``: province name → kilometres (lines), km² (polygons) or points inside;
        ``near``: province name → distance in km, for every province within :data:`COASTAL_KM`.
    """
    index = layer.sindex.query(geom, predicate="dwithin", distance=COASTAL_KM * 1000)
    pairs = list(zip(layer["name"].to_numpy()[index].tolist(), layer.geometry.to_numpy()[index], strict=True))
    near = {str(n): float(g.distance(geom)) / 1000 for n, g in pairs}
    crossed: dict[str, float] = {}
    if isinstance(geom, Point | MultiPoint):
        for point in getattr(geom, "geoms", [geom]):
            inside = [str(n) for n, g in pairs if g.covers(point)]
            if not inside:  # offshore or on reclaimed land: the nearest province
                dists = {str(n): float(g.distance(point)) / 1000 for n, g in pairs}
                inside = [min(dists, key=dists.__getitem__)] if dists else []
            for name in inside:
                crossed[name] = crossed.get(name, 0) + 1
        return crossed, near
    polygonal = geom.geom_type in ("Polygon", "MultiPolygon")
    total = geom.area / 1e6 if polygonal else geom.length / 1000
    covered = 0.0
    for name, poly in pairs:
        part = poly.intersection(geom)
        amount = part.area / 1e6 if polygonal else part.length / 1000
        covered += amount
        if amount > 0:
            crossed[str(name)] = amount
    if total - covered > 1e-6 and pairs:  # each part at sea counts for the province nearest to it
        # the provinces one at a time: the same remainder as minus their union, without building that
        # union of detailed coastlines (seconds per item)
        outside = functools.reduce(lambda rest, pair: rest.difference(pair[1]), pairs, geom)
        for part in getattr(outside, "geoms", [outside]):
            if part.is_empty:
                continue
            nearest = min(pairs, key=lambda pair: pair[1].distance(part))[0]
            amount = part.area / 1e6 if polygonal else part.length / 1000
            crossed[str(nearest)] = crossed.get(str(nearest), 0) + amount
    threshold = min(CROSS_KM, CROSS_SHARE * total) if not polygonal else CROSS_SHARE * total
    return {n: v for n, v in crossed.items() if v >= threshold}, near


def _explain(record: Mapping[str, Any]) -> Callable[[str], str | None]:
    notes = record.get("geography_notes")
    if not isinstance(notes, Mapping):
        return lambda subject: None
    folded = {vocab.fold(str(k)): str(v) for k, v in notes.items() if v}
    return lambda subject: folded.get(vocab.fold(subject))


def check_provinces(record: Mapping[str, Any], geom: BaseGeometry, geography: Geography) -> list[Finding]:
    """Province findings of one item (``geom`` in metres)."""
    item_id = str(record.get("id"))
    explain = _explain(record)
    out: list[Finding] = []
    for check, key, layer in (("province", "provinces", geography.provinces),
                              ("former_province", "former_provinces", geography.former)):
        crossed, near = provinces_of(geom, layer)
        listed = [str(p) for p in record.get(key) or []]
        if check == "former_province":  # only former names that differ from today's are listed
            # a unit renamed before the merger (Thừa Thiên Huế → Huế, 1 January 2025) is in the layer by its
            # last name: a listed older name is checked as that unit
            layer_names = set(layer["name"])
            listed = [p if p in layer_names else vocab.FORMER_PROVINCES.get(p, p) for p in listed]
            relevant = set(vocab.FORMER_PROVINCES) | set(listed)
            crossed = {n: v for n, v in crossed.items() if n in relevant}
            near = {n: v for n, v in near.items() if n in relevant}
        for name in listed:
            distance = near.get(name)
            if name not in crossed and (distance is None or distance > EDGE_KM):
                where = f"{distance:.1f} km away" if distance is not None else f"more than {COASTAL_KM:g} km away"
                out.append(Finding(item_id, check, name, f"lists {name} but its geometry does not reach it ({where})",
                                   key, explain(name)))
        for name, amount in sorted(crossed.items()):
            if name not in listed:
                unit = "point(s)" if isinstance(geom, Point | MultiPoint) else (
                    "km²" if geom.geom_type.endswith("Polygon") else "km")
                out.append(Finding(item_id, check, name,
                                   f"its geometry lies in {name} ({amount:.1f} {unit}) but {key} does not list it",
                                   key, explain(name)))
    return out


def check_reference(record: Mapping[str, Any], geom: BaseGeometry, geography: Geography) -> list[Finding]:
    """Reference-point findings of one airport or seaport (``geom`` in lon/lat)."""
    item_id = str(record.get("id"))
    explain = _explain(record)
    reference = record.get("reference_point")
    point = geom.representative_point() if not isinstance(geom, Point) else geom
    here = (point.x, point.y)
    if reference is None:
        if record.get("mode") != "airport" or record.get("parent_id"):
            return []
        nearby = sorted((refpoints.distance_km(here, pos), code) for code, pos in geography.airports.items())
        if nearby and nearby[0][0] <= refpoints.REFERENCE_SEARCH_KM:
            distance, code = nearby[0]
            name = geography.airport_names.get(code, code)
            return [Finding(item_id, "reference", f"airportsdata:{code}",
                            f"{distance:.1f} km from {code} ({name}) in airportsdata: set reference_point "
                            f"airportsdata:{code} or say why not", "reference_point",
                            explain(f"airportsdata:{code}"))]
        return []
    match = refpoints.REFERENCE_PATTERN.match(str(reference))
    if match is None:
        return [Finding(item_id, "reference", str(reference),
                        "reference_point must be airportsdata:<ICAO> or unlocode:<UN/LOCODE>", "reference_point")]
    dataset, code = match.groups()
    airport = dataset == "airportsdata"
    table = geography.airports if airport else geography.seaports
    limit = refpoints.AIRPORT_KM if airport else refpoints.SEAPORT_KM
    position = table.get(code)
    if position is None:
        return [Finding(item_id, "reference", str(reference), f"{reference} is not in the reference data",
                        "reference_point", explain(str(reference)))]
    distance = refpoints.distance_km(here, position)
    if distance > limit:
        return [Finding(item_id, "reference", str(reference),
                        f"{distance:.2f} km from its reference position {reference} "
                        f"({position[1]:.5f}, {position[0]:.5f}); allowed {limit:g} km", "geometry",
                        explain(str(reference)))]
    return []


def check_length(record: Mapping[str, Any], geom: BaseGeometry) -> list[Finding]:
    """A drawn line within :data:`LENGTH_TOLERANCE` of its stated length."""
    stated = record.get("stated_length_km")
    drawn = geo.length_km(geom)
    if drawn is None or not isinstance(stated, int | float) or isinstance(stated, bool) or stated <= 0:
        return []
    if abs(drawn - stated) <= LENGTH_TOLERANCE * stated:
        return []
    item_id = str(record.get("id"))
    return [Finding(item_id, "length", "stated_length_km",
                    f"drawn {drawn:.1f} km is {drawn / stated - 1:+.1%} from the stated {stated:g} km "
                    f"(allowed ±{LENGTH_TOLERANCE:.0%})", "geometry", _explain(record)("stated_length_km"))]


def _commune(geography: Geography, name: str, province: str) -> BaseGeometry | None:
    communes = geography.communes
    hits = communes[(communes["name"].map(vocab.fold) == vocab.fold(name))
                    & (communes["province"].map(vocab.fold) == vocab.fold(province))]
    return hits.geometry.iloc[0] if len(hits) == 1 else None


def check_waypoints(record: Mapping[str, Any], metric: BaseGeometry, geography: Geography) -> list[Finding]:
    """The line passes through each named commune or province, and near each cited point."""
    waypoints = record.get("waypoints")
    if not isinstance(waypoints, list) or not isinstance(metric, LineString | MultiLineString):
        return []
    item_id = str(record.get("id"))
    explain = _explain(record)
    out: list[Finding] = []
    for index, waypoint in enumerate(waypoints):
        if not isinstance(waypoint, Mapping):
            continue
        label = str(waypoint.get("name"))
        where = f"waypoints[{index}]"
        target: BaseGeometry | None
        if waypoint.get("point") is not None:
            lon, lat = waypoint["point"]
            target = geo.to_metric(Point(lon, lat))
            what = f"the point {lat:.5f}, {lon:.5f}"
        elif waypoint.get("commune"):
            target = _commune(geography, str(waypoint["commune"]), str(waypoint.get("province")))
            what = f"commune {waypoint['commune']} ({waypoint.get('province')})"
            if target is None:
                out.append(Finding(item_id, "waypoint", label, f"{what} is not in layers/communes.geojson",
                                   where, explain(label)))
                continue
        else:
            rows = geography.provinces[geography.provinces["name"] == waypoint.get("province")]
            target = rows.geometry.iloc[0] if len(rows) else None
            what = f"province {waypoint.get('province')}"
            if target is None:
                out.append(Finding(item_id, "waypoint", label, f"unknown province {waypoint.get('province')!r}",
                                   where, explain(label)))
                continue
        distance = metric.distance(target) / 1000
        if distance > WAYPOINT_KM:
            out.append(Finding(item_id, "waypoint", label,
                               f"does not pass through {label!r}: {distance:.1f} km from {what}", where,
                               explain(label)))
    return out


def check_item(record: Mapping[str, Any], geography: Geography) -> list[Finding]:
    """Every single-item finding (all but shared geometry) of one item record."""
    geom = _parse(record.get("geometry"))
    if geom is None or not isinstance(record.get("id"), str):
        return []
    metric = geo.to_metric(geom)
    out = check_provinces(record, metric, geography)
    if record.get("mode") in ("airport", "seaport"):
        out += check_reference(record, geom, geography)
    return out + check_length(record, geom) + check_waypoints(record, metric, geography) + check_cited_position(record)


def check_cited_position(record: Mapping[str, Any]) -> list[Finding]:
    """A located berth, terminal or apron stands at its own cited position (never explained away)."""
    if not geofields.is_site_child(record) or _parse(record.get("geometry")) is None:
        return []
    if record.get("location_precision") not in ("exact", "approximate"):
        return [Finding(str(record["id"]), "cited_position", "location_precision",
                        f"a berth, terminal or apron marked {record.get('location_precision')!r} is not at a position "
                        "of its own: place it from a cited position or layout, or leave its geometry null and say why",
                        "location_precision")]
    if "http" not in str(record.get("geometry_source") or ""):
        return [Finding(str(record["id"]), "cited_position", "geometry_source", "a berth, terminal or apron needs the "
                        "URL of its position, or of its layout, in geometry_source", "geometry_source")]
    return []


def check_shared(records: Sequence[Mapping[str, Any]]) -> list[Finding]:
    """Different items drawn with the same geometry (within :data:`SAME_GEOMETRY_M`)."""
    located = [(r, geo.to_metric(g)) for r in records
               if isinstance(r.get("id"), str) and (g := _parse(r.get("geometry"))) is not None]
    tree = shapely.STRtree([m for _, m in located])
    out: list[Finding] = []
    for i, (record, metric) in enumerate(located):
        for j in tree.query(metric, predicate="dwithin", distance=SAME_GEOMETRY_M):
            if j <= i:
                continue
            other, other_metric = located[j]
            if metric.geom_type != other_metric.geom_type or metric.hausdorff_distance(other_metric) > SAME_GEOMETRY_M:
                continue
            site = geofields.is_site_child(record) or geofields.is_site_child(other)  # berths etc.: never explained
            explained = None if site else (
                _explain(record)(str(other["id"])) or _explain(other)(str(record["id"]))
                or _explain(other)("shared_geometry") or _explain(record)("shared_geometry"))
            out.append(Finding(str(other["id"]), "shared_geometry", str(record["id"]),
                               f"same geometry as {record['id']} (within {SAME_GEOMETRY_M:g} m): distinct works need "
                               "their own geometry" + ("; a berth, terminal or apron stands at its own position"
                                                       if site else ""), "geometry", explained))
    return out


def check_records(records: Iterable[Mapping[str, Any]], geography: Geography) -> list[Finding]:
    """Every finding of a set of item records, item by item, then shared geometries."""
    records = list(records)
    out = [f for r in records for f in check_item(r, geography)]
    return out + check_shared(records)


def summary(records: Sequence[Mapping[str, Any]], findings: Sequence[Finding]) -> dict[str, Any]:
    """Figures of a geocheck run, per check: findings, explained, errors; and what was checked."""
    located = [r for r in records if _parse(r.get("geometry")) is not None]
    per_check = {check: {"findings": sum(f.check == check for f in findings),
                         "explained": sum(f.check == check and not f.is_error for f in findings),
                         "errors": sum(f.check == check and f.is_error for f in findings)} for check in CHECKS}
    return {
        "items": len(records),
        "located": len(located),
        "with_reference_point": sum(bool(r.get("reference_point")) for r in located),
        "with_stated_length": sum(r.get("stated_length_km") is not None for r in located),
        "with_waypoints": sum(bool(r.get("waypoints")) for r in located),
        "waypoints": sum(len(r.get("waypoints") or []) for r in located),
        "sites_not_drawn": sorted(str(r.get("id")) for r in records  # a berth, terminal or apron with no position
                                  if geofields.is_site_child(r) and _parse(r.get("geometry")) is None),
        "checks": per_check,
        "errors": sum(f.is_error for f in findings),
    }
