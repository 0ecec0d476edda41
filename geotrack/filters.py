"""Filters over the working GeoDataFrame, shared by the CLI, the app and the stores.

A :class:`Filter` is a frozen value: it hashes, so caches key on it, and it
round-trips through URL query parameters (:meth:`Filter.to_query`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geotrack import settings
from geotrack.frames import CITED_DOCUMENTS, FUNDING_TYPES
from geotrack.geo import within_km
from geotrack.text import control_characters, terminal_safe
from geotrack.vocab import fold


@dataclass(frozen=True)
class Filter:
    """Which items to show. Empty fields do not filter.

    Attributes
    ----------
    modes, statuses, funding_types
        Vocabulary values; an item matches if it has any of them.
    corridors
        Corridor ids from ``layers/corridors.geojson``.
    provinces
        Province names, current or former, with or without diacritics.
    documents
        Document numbers (``14/NQ-CP``): items any of them commits to.
    deadline_min, deadline_max
        Inclusive bounds on ``end_year``; items with no deadline are left out when either is set.
    search
        Free text matched, ignoring case and Vietnamese diacritics, against the
        names, id, agency, provinces, deadline and document quotes.
    ids
        Item ids.
    corridor_km
        With ``corridors``: also keep items whose geometry lies within this many
        kilometres of a corridor's line (measured in VN-2000 / UTM 48N), not only
        those whose ``corridors`` attribute names it.
    """

    modes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    corridors: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    funding_types: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    deadline_min: int | None = None
    deadline_max: int | None = None
    search: str = ""
    ids: tuple[str, ...] = ()
    corridor_km: float | None = None

    def is_empty(self) -> bool:
        """True when the filter keeps every item."""
        return self == Filter()

    def to_query(self) -> dict[str, str]:
        """Encode as URL query parameters (lists comma-separated, empty fields left out)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in ((), None, ""):
                continue
            out[f.name] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, Any], *, years: tuple[int, int] | None = None) -> Filter:
        """Decode query parameters written by :meth:`to_query`, as :func:`parse_query` cleans them."""
        return parse_query(params, years=years).filter

    def with_(self, **changes: Any) -> Filter:
        """Return a copy with some fields changed (sequences become tuples)."""
        clean: dict[str, Any] = {k: tuple(v) if isinstance(v, list | set) else v for k, v in changes.items()}
        return replace(self, **clean)


@dataclass(frozen=True)
class Ignored:
    """A query parameter value :func:`parse_query` dropped or changed, and why (for a visible notice).

    ``used`` is the value used instead (a clamped year, the first of repeated values), or ``None``.
    """

    param: str
    value: str
    reason: str
    used: str | None = None


@dataclass(frozen=True)
class ParsedQuery:
    """The filter a URL describes once cleaned, and every value left out or changed on the way."""

    filter: Filter
    ignored: tuple[Ignored, ...] = ()


#: Query parameters holding lists.
_LIST_PARAMS = ("modes", "statuses", "corridors", "provinces", "funding_types", "documents", "ids")
#: Years a URL may name at all; within them, a year outside the data's is clamped to them.
_PLAUSIBLE_YEARS = (1900, 2200)


def _shown(value: str) -> str:
    """A URL value in a notice: control characters escaped, cut at 60 characters."""
    text = terminal_safe(value, one_line=True)
    return text if len(text) <= 60 else text[:59] + "…"


def parse_query(params: Mapping[str, Any], *, years: tuple[int, int] | None = None,
                inverted: Literal["swap", "drop"] = "swap") -> ParsedQuery:
    """Decode untrusted URL query parameters into a :class:`Filter`, saying what was left out and why.

    A shared link is untrusted input: list values are de-duplicated and capped at
    :data:`geotrack.settings.max_query_values` (each at most
    :data:`~geotrack.settings.max_query_value_length` characters, no control characters);
    a year outside 1900–2200 or not a whole number is dropped, an inverted range swapped (or,
    with ``inverted="drop"``, left out: the page does not guess what a link meant), and a year
    outside ``years`` (the data's first and last deadline) clamped into them;
    ``corridor_km`` must be finite and is clamped to 0–:data:`~geotrack.settings.max_corridor_km`.
    Parameters that are not filters (``lang``, ``sel``) are not looked at.
    """
    kwargs: dict[str, Any] = {}
    ignored: list[Ignored] = []
    for name in _LIST_PARAMS:
        raw = params.get(name)
        values = raw if isinstance(raw, list) else ([] if raw is None else [raw])
        kept, dropped = _clean_list(name, [v for text in values for v in str(text).split(",")])
        ignored.extend(dropped)
        if kept:
            kwargs[name] = kept
    search = params.get("search")
    if isinstance(search, list):
        search = " ".join(str(s) for s in search)
    if search:
        text = str(search)
        if control_characters(text) or len(text) > settings.max_query_value_length:
            ignored.append(Ignored("search", _shown(text), "control characters or too long"))
        else:
            kwargs["search"] = text
    asked = {name: _year(name, params.get(name), ignored) for name in ("deadline_min", "deadline_max")}
    low, high = asked.values()
    if low is not None and high is not None and low > high:  # as asked, before any clamping
        if inverted == "drop":
            ignored.extend(Ignored(name, str(year), "an inverted range: left out") for name, year in asked.items())
            asked = dict.fromkeys(asked)
        else:
            ignored.append(Ignored("deadline_min", str(low), "after deadline_max: the range was swapped", str(high)))
            asked = {"deadline_min": high, "deadline_max": low}
    for name, year in asked.items():
        if year is not None and years is not None and not years[0] <= year <= years[1]:
            clamped = min(max(year, years[0]), years[1])
            ignored.append(Ignored(name, str(year), f"outside the data's deadlines {years[0]}–{years[1]}",
                                   str(clamped)))
            year = clamped
        if year is not None:
            kwargs[name] = year
    km = _km(params.get("corridor_km"), ignored)
    if km is not None:
        kwargs["corridor_km"] = km
    return ParsedQuery(Filter(**kwargs), tuple(ignored))


def _clean_list(name: str, values: Sequence[str]) -> tuple[tuple[str, ...], list[Ignored]]:
    """The distinct values, capped, and what was left out.

    A repeated value is told once (``"v (×N)"``), the values past the cap once for all (``"… (+N)"``):
    a hostile link makes a short notice.
    """
    counts: Counter[str] = Counter(v.strip() for v in values if v.strip())
    kept: list[str] = []
    dropped: list[Ignored] = []
    past = 0
    for value, count in counts.items():
        if control_characters(value) or len(value) > settings.max_query_value_length:
            if len(dropped) <= settings.max_query_values:  # a notice of what was dropped need not list it all
                dropped.append(Ignored(name, _shown(value), "control characters or too long"))
        elif len(kept) >= settings.max_query_values:
            past += 1
        else:
            kept.append(value)
            if count > 1:
                dropped.append(Ignored(name, f"{_shown(value)} (×{count:,})", "repeated", value))
    if past:
        dropped.append(Ignored(name, f"… (+{past:,})", f"more than {settings.max_query_values} values"))
    return tuple(kept), dropped


def _year(name: str, raw: Any, ignored: list[Ignored]) -> int | None:
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if not (text.lstrip("-").isdigit() and len(text) <= 6 and _PLAUSIBLE_YEARS[0] <= int(text) <= _PLAUSIBLE_YEARS[1]):
        ignored.append(Ignored(name, _shown(str(raw)), "not a year"))
        return None
    return int(text)


def _km(raw: Any, ignored: list[Ignored]) -> float | None:
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if raw is None or raw == "":
        return None
    try:
        km = float(str(raw)[:32])
    except ValueError:
        km = math.nan
    if not math.isfinite(km) or km < 0:
        ignored.append(Ignored("corridor_km", _shown(str(raw)), "not a distance in km"))
        return None
    if km > settings.max_corridor_km:
        ignored.append(Ignored("corridor_km", _shown(str(raw)), f"more than {settings.max_corridor_km:g} km",
                               f"{settings.max_corridor_km:g}"))
        return float(settings.max_corridor_km)
    return km


def search_text(row: Mapping[str, Any]) -> str:
    """The folded text that :attr:`Filter.search` is matched against for one item."""
    parts: list[str] = [
        str(row.get(k) or "")
        for k in ("id", "name_vi", "name_en", "lead_agency", "lead_agency_current", "deadline_text", "notes")
    ]
    parts.extend(row.get("provinces") or ())
    parts.extend(row.get("former_provinces") or ())
    for c in row.get("commitments") or ():
        parts.append(str(c.get("quote") or ""))
        parts.append(str(c.get("document") or ""))
    return fold(" | ".join(parts))


def _any_in(column: pd.Series, wanted: Iterable[str]) -> pd.Series:
    wanted_set = set(wanted)
    return column.map(lambda values: bool(wanted_set.intersection(values or ())))


def mask(
    gdf: gpd.GeoDataFrame, flt: Filter, corridor_lines: Mapping[str, BaseGeometry] | None = None, *,
    near: Collection[str] | None = None,
) -> pd.Series:
    """Boolean Series: which rows of the working frame ``flt`` keeps.

    ``corridor_lines`` (corridor id → line) serves :attr:`Filter.corridor_km`; the
    project's ``layers/corridors.geojson`` is read when it is not given. ``near``, the ids
    :func:`near_corridors` found on the items' whole geometry, stands in for that measure on a
    frame whose geometry is reduced (the page's, :func:`geotrack.frames.page_frame`), which the
    documents and funding filters also read from its derived columns.
    """
    keep = pd.Series(True, index=gdf.index)
    if flt.ids:
        keep &= gdf["id"].isin(flt.ids)
    if flt.modes:
        keep &= gdf["mode"].isin(flt.modes)
    if flt.statuses:
        keep &= gdf["status"].isin(flt.statuses)
    if flt.corridors:
        listed = _any_in(gdf["corridors"], flt.corridors)
        if flt.corridor_km is not None:
            listed |= (gdf["id"].isin(near) if near is not None
                       else near_corridors(gdf.geometry, flt.corridors, flt.corridor_km, corridor_lines))
        keep &= listed
    if flt.provinces:
        wanted = {fold(p) for p in flt.provinces}
        places = [[*(a or ()), *(b or ())] for a, b in zip(gdf["provinces"], gdf["former_provinces"], strict=True)]
        keep &= pd.Series([bool(wanted.intersection(fold(n) for n in names)) for names in places], index=gdf.index)
    if flt.funding_types:
        types = (gdf[FUNDING_TYPES] if FUNDING_TYPES in gdf
                 else gdf["funding"].map(lambda f: (f or {}).get("types") or ()))
        keep &= _any_in(types, flt.funding_types)
    if flt.documents:
        docs = (gdf[CITED_DOCUMENTS] if CITED_DOCUMENTS in gdf
                else gdf["commitments"].map(lambda cs: [c.get("document") for c in cs or ()]))
        keep &= _any_in(docs, flt.documents)
    if flt.deadline_min is not None or flt.deadline_max is not None:
        end = pd.to_numeric(gdf["end_year"], errors="coerce")
        if flt.deadline_min is not None:
            keep &= end >= flt.deadline_min
        if flt.deadline_max is not None:
            keep &= end <= flt.deadline_max
    if flt.search.strip():
        needle = fold(flt.search)
        keep &= pd.Series([needle in t for t in _search_texts(gdf)], index=gdf.index, dtype=bool)
    return keep.fillna(False).astype(bool)


def near_corridors(geometries: gpd.GeoSeries, corridors: Iterable[str], km: float,
                   corridor_lines: Mapping[str, BaseGeometry] | None = None) -> pd.Series:
    """Which of ``geometries`` lie within ``km`` of any of ``corridors``' lines (VN-2000 / UTM 48N metres)."""
    lines = corridor_lines if corridor_lines is not None else _default_corridor_lines()
    near = pd.Series(False, index=geometries.index)
    for corridor in corridors:
        if corridor in lines:
            near |= within_km(geometries, lines[corridor], km)
    return near


def _search_texts(gdf: gpd.GeoDataFrame) -> list[str]:
    """The stored ``search_text`` column, or the texts computed from the rows."""
    if "search_text" in gdf:
        return list(gdf["search_text"])
    return [search_text(r) for r in gdf.to_dict("records")]


def apply(
    gdf: gpd.GeoDataFrame, flt: Filter, corridor_lines: Mapping[str, BaseGeometry] | None = None, *,
    near: Collection[str] | None = None,
) -> gpd.GeoDataFrame:
    """Return the rows of the working frame that ``flt`` keeps, in their order (``near``: see :func:`mask`)."""
    if flt.is_empty():
        return gdf
    return gdf[mask(gdf, flt, corridor_lines, near=near)]


@lru_cache(maxsize=1)
def _default_corridor_lines() -> dict[str, BaseGeometry]:
    from geotrack.io import read_corridors

    corridors = read_corridors()
    return dict(zip(corridors["id"], corridors.geometry, strict=True))


def parse_csv_list(values: Sequence[str] | None) -> tuple[str, ...]:
    """Flatten repeated and comma-separated command-line values: ``["a,b", "c"]`` → ``("a", "b", "c")``."""
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(out)
