"""The optional geography keys of an item record and their shape.

``waypoints``, ``reference_point`` and ``geography_notes`` stay in ``data/items/*.yaml``:
:mod:`geotrack.geocheck` reads them; they are not carried into the store or the exports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from geotrack import refpoints, vocab

#: Optional keys of an item record that only the geography checks read.
GEOGRAPHY_KEYS = ("waypoints", "reference_point", "geography_notes")

#: Modes whose items with a parent are berths, terminals or aprons, placed at their own position or not at all.
SITE_CHILD_MODES = frozenset({"berth", "airport", "seaport"})


def is_site_child(record: Mapping[str, Any]) -> bool:
    """A berth, terminal or apron: a berth, airport or seaport item with a parent."""
    return bool(record.get("parent_id")) and record.get("mode") in SITE_CHILD_MODES


def check(record: Mapping[str, Any], add: Callable[..., None]) -> None:
    """Shape of the geography fields (``waypoints``, ``reference_point``, ``geography_notes``)."""
    reference = record.get("reference_point")
    if reference is not None and not refpoints.REFERENCE_PATTERN.match(str(reference)):
        add("reference_point", f"{reference!r}: write airportsdata:<ICAO> or unlocode:<UN/LOCODE>")
    notes = record.get("geography_notes")
    if notes is not None and (not isinstance(notes, Mapping)
                              or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                         for k, v in notes.items())):
        add("geography_notes", "must map a subject (province, item id, reference, waypoint) to why it differs")
    waypoints = record.get("waypoints")
    if waypoints is None:
        return
    if not isinstance(waypoints, list):
        add("waypoints", "must be a list of waypoints")
        return
    for index, waypoint in enumerate(waypoints):
        where = f"waypoints[{index}]"
        if not isinstance(waypoint, Mapping) or not isinstance(waypoint.get("name"), str):
            add(where, "a waypoint is a mapping with name, province, source and commune or point")
            continue
        unknown = set(waypoint) - {"name", "commune", "province", "point", "source"}
        if unknown:
            add(where, f"unknown key(s) {sorted(unknown)}")
        if not waypoint.get("source"):
            add(f"{where}.source", "a waypoint needs the source that names it")
        if vocab.canonical_province(str(waypoint.get("province") or "")) != waypoint.get("province"):
            add(f"{where}.province", f"{waypoint.get('province')!r} is not a current province name")
        point = waypoint.get("point")
        if point is not None and not (isinstance(point, list) and len(point) == 2
                                      and all(isinstance(c, int | float) for c in point)):
            add(f"{where}.point", "must be [lon, lat]")
