"""Checks of one item's fields, each reporting through an ``add(field, message, severity)`` callback.

The record-level checks of :mod:`geotrack.validate` call these in turn.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shapely.geometry import LineString, MultiLineString, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from geotrack import geo, vocab
from geotrack.model import FUNDING_KEYS, SOURCE_KEYS, parse_date

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_RANGE = (1990, 2100)
#: How far a drawn line may differ from a stated length in any record (the dataset is held to
#: :data:`geotrack.geocheck.LENGTH_TOLERANCE` by ``geotrack validate``).
LENGTH_TOLERANCE = 0.10
MAX_TEXT_LENGTH = 10_000
Add = Any  # the ``add(field, message, severity="error")`` callback


def check_id(value: Any, add: Add) -> None:
    """Check that the id is a slug of at most 120 characters."""
    if not isinstance(value, str) or not value:
        add("id", "missing id")
    elif not ID_PATTERN.match(value) or len(value) > 120:
        add("id", f"id {value[:60]!r} must be a lower-case ASCII slug (a-z, 0-9, single hyphens), ≤ 120 characters")


def check_text(record: Mapping[str, Any], key: str, add: Add, *, required: bool) -> None:
    """Check a text field: present when ``required``, a string, not over :data:`MAX_TEXT_LENGTH`."""
    value = record.get(key)
    if value is None or value == "":
        if required:
            add(key, "missing")
        return
    if not isinstance(value, str):
        add(key, f"must be text, not {type(value).__name__}")
    elif len(value) > MAX_TEXT_LENGTH:
        add(key, f"text of {len(value):,} characters is longer than the {MAX_TEXT_LENGTH:,} allowed")


def check_choice(value: Any, allowed: Sequence[str], field: str, add: Add) -> None:
    """Check that ``value`` is one of ``allowed``."""
    if value in allowed:
        return
    close = difflib.get_close_matches(str(value), allowed, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; one of: {', '.join(allowed)}"
    add(field, f"unknown {field.split('.')[-1]} {value!r}{hint}")


def check_date(value: Any, field: str, add: Add, today: dt.date) -> dt.date | None:
    """Check an ISO date that is not in the future; return it parsed."""
    try:
        date = parse_date(value)
    except (ValueError, TypeError):
        add(field, f"{value!r} is not a date (YYYY-MM-DD) that exists")
        return None
    if date is not None and date > today:
        add(field, f"date {date.isoformat()} is in the future")
    return date


def check_year(value: Any, field: str, add: Add) -> int | None:
    """Check a whole year within :data:`YEAR_RANGE`; return it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        add(field, f"{value!r} is not a year")
        return None
    if not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        add(field, f"year {value} is outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}")
        return None
    return value


def check_funding(funding: Any, add: Add, today: dt.date) -> None:
    """Check the funding mapping: known types, an amount with its unit, as-of date and source."""
    if funding is None:
        return
    if not isinstance(funding, Mapping):
        add("funding", "must be a mapping with types, amount, unit, as_of, source")
        return
    for key in funding:
        if key not in FUNDING_KEYS:
            add(f"funding.{key}", "unknown field")
    types = funding.get("types") or []
    if not isinstance(types, list):
        add("funding.types", "must be a list")
    else:
        for t in types:
            check_choice(t, vocab.FUNDING_TYPES, "funding.types", add)
    amount = funding.get("amount")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            add("funding.amount", f"{amount!r} is not a number")
        elif not math.isfinite(amount) or amount < 0:
            add("funding.amount", f"amount {amount!r} must be a finite number ≥ 0")
        if funding.get("unit") not in vocab.FUNDING_UNITS:
            add("funding.unit", f"an amount needs a unit: one of {', '.join(vocab.FUNDING_UNITS)}")
        if not funding.get("source"):
            add("funding.source", "an amount needs its source (URL or document)")
    elif funding.get("unit") is not None and funding.get("unit") not in vocab.FUNDING_UNITS:
        add("funding.unit", f"unknown unit {funding.get('unit')!r}")
    check_date(funding.get("as_of"), "funding.as_of", add, today)


def check_provinces(provinces: Any, former: Any, add: Add) -> None:
    """Check current and former province names against the 34 units and their former names."""
    current: set[str] = set()
    for key, values in (("provinces", provinces), ("former_provinces", former)):
        if values is None:
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            add(key, "must be a list of province names")
            return
    for name in provinces or []:
        canonical = vocab.canonical_province(name)
        if canonical is None:
            add("provinces", f"unknown province {name!r}")
        elif canonical != name:
            if name in vocab.FORMER_PROVINCES or vocab.fold(name) != vocab.fold(canonical):
                add("provinces",
                    f"{name!r} is a former province: write {canonical!r} here and {name!r} in former_provinces")
            else:
                add("provinces", f"write {canonical!r} (the official spelling), not {name!r}")
        current.add(canonical or name)
    for name in former or []:
        successor = vocab.FORMER_PROVINCES.get(name)
        if successor is None:
            add("former_provinces", f"{name!r} is not a former province merged on 1 July 2025")
        elif successor not in current:
            add("former_provinces", f"{name!r} is now part of {successor!r}, which is missing from provinces")


def check_corridors(corridors: Any, known: frozenset[str], add: Add) -> None:
    """Check that every corridor id is a known corridor."""
    if corridors is None:
        return
    if not isinstance(corridors, list):
        add("corridors", "must be a list of corridor ids")
        return
    for corridor in corridors:
        if known and corridor not in known:
            add("corridors", f"unknown corridor {corridor!r} (not in layers/corridors.geojson)")


def check_geometry(record: Mapping[str, Any], add: Add) -> BaseGeometry | None:
    """Check the geometry and its location precision; return the parsed geometry."""
    value = record.get("geometry")
    precision = record.get("location_precision")
    if value is None:
        if precision is not None:
            add("location_precision", "set, but the item has no geometry")
        return None
    geom = parse_geometry(value, add)
    if geom is None:
        return None
    if precision not in vocab.LOCATION_PRECISIONS:
        check_choice(precision, vocab.LOCATION_PRECISIONS, "location_precision", add)
    if not record.get("geometry_source"):
        add("geometry_source", "a geometry needs its source (how it was drawn, from what)")
    if geo.outside_vietnam(geom):
        hint = " — latitude and longitude look swapped" if geo.swapped_inside_vietnam(geom) else ""
        add("geometry", f"coordinates outside Vietnam{hint}")
    mode = record.get("mode")
    if mode in vocab.LINEAR_MODES and not isinstance(geom, (LineString, MultiLineString)):
        add("geometry", f"a {mode} is a linear work: draw a LineString through its waypoints", "warning")
    two_points = isinstance(geom, LineString) and len(geom.coords) == 2
    if two_points and precision == "exact" and (geo.length_km(geom) or 0) > 5:
        add("geometry", "a two-point straight line cannot be an exact route: mark it approximate")
    return geom


def parse_geometry(value: Any, add: Add) -> BaseGeometry | None:
    """Parse a GeoJSON geometry mapping, reporting why it is unusable (``None`` then)."""
    if not isinstance(value, Mapping) or "type" not in value or "coordinates" not in value:
        add("geometry", "must be a GeoJSON geometry mapping with type and coordinates")
        return None
    positions = list(_positions(value["coordinates"]))
    if not positions:
        add("geometry", "empty geometry")
        return None
    for position in positions:
        if not isinstance(position, list | tuple) or len(position) < 2 or not all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in position
        ):
            add("geometry", f"position {position!r} is not [lon, lat] numbers")
            return None
        if not all(math.isfinite(c) for c in position):
            add("geometry", "coordinates must be finite numbers (NaN or Infinity found)")
            return None
        if len(position) > 2:
            add("geometry", "coordinates have a third (Z) value; give [lon, lat] only", "warning")
            break
    if value["type"] in ("Polygon", "MultiPolygon"):
        polygons = [value["coordinates"]] if value["type"] == "Polygon" else value["coordinates"]
        for rings in polygons:
            for ring in rings:
                if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                    add("geometry", "a polygon ring must be closed (first position = last) with at least 4 positions")
                    return None
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed input
        add("geometry", f"malformed {value.get('type')} geometry: {exc}")
        return None
    if geom.is_empty:
        add("geometry", "empty geometry")
        return None
    if isinstance(geom, (LineString, MultiLineString)):
        parts = geom.geoms if isinstance(geom, MultiLineString) else [geom]
        if any(len({tuple(c) for c in part.coords}) < 2 for part in parts):
            add("geometry", "a line needs at least two distinct points")
            return None
    if not geom.is_valid:
        add("geometry", f"invalid geometry: {explain_validity(geom)}")
        return None
    return geom


def _positions(coordinates: Any) -> Iterable[Any]:
    """Every position in a GeoJSON coordinates array, however deeply nested."""
    if isinstance(coordinates, list | tuple) and coordinates and not isinstance(coordinates[0], list | tuple):
        yield coordinates
    elif isinstance(coordinates, list | tuple):
        for part in coordinates:
            yield from _positions(part)
    else:
        yield coordinates


def check_length(record: Mapping[str, Any], geom: BaseGeometry | None, add: Add) -> None:
    """Check a stated length against the drawn one, within :data:`LENGTH_TOLERANCE`."""
    stated = record.get("stated_length_km")
    if stated is None:
        return
    if isinstance(stated, bool) or not isinstance(stated, (int, float)) or not math.isfinite(stated) or stated <= 0:
        add("stated_length_km", f"{stated!r} is not a positive length")
        return
    if not record.get("stated_length_source"):
        add("stated_length_source", "a stated length needs its source")
    drawn = geo.length_km(geom)
    if drawn is not None and abs(drawn - stated) > LENGTH_TOLERANCE * stated:
        add("geometry",
            f"drawn length {drawn:.1f} km is more than {LENGTH_TOLERANCE:.0%} from the stated {stated:g} km")


def check_sources(sources: Any, add: Add, today: dt.date) -> None:
    """Check every external source: URL, title, as-of date, the fields it supports."""
    if sources is None:
        return
    if not isinstance(sources, list):
        add("sources", "must be a list")
        return
    for i, src in enumerate(sources):
        if not isinstance(src, Mapping) or not isinstance(src.get("url"), str) or not src.get("url"):
            add(f"sources[{i}].url", "each source needs a url (or document number)")
            continue
        for key in src:
            if key not in SOURCE_KEYS:
                add(f"sources[{i}].{key}", "unknown field")
        if src.get("as_of") is None:
            add(f"sources[{i}].as_of", "each source needs its as-of date")
        check_date(src.get("as_of"), f"sources[{i}].as_of", add, today)
