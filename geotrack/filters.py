"""Filters over the working GeoDataFrame, shared by the CLI, the app and the stores.

A :class:`Filter` is a frozen value: it hashes, so caches key on it, and it
round-trips through URL query parameters (:meth:`Filter.to_query`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geotrack.geo import within_km
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
    def from_query(cls, params: Mapping[str, Any]) -> Filter:
        """Decode query parameters written by :meth:`to_query`; unknown or malformed ones are ignored."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            raw = params.get(f.name)
            if isinstance(raw, list):
                raw = ",".join(str(r) for r in raw)
            if raw is None or raw == "":
                continue
            if f.name in ("deadline_min", "deadline_max", "corridor_km"):
                try:
                    kwargs[f.name] = (float if f.name == "corridor_km" else int)(str(raw))
                except ValueError:
                    continue
            elif f.name == "search":
                kwargs[f.name] = str(raw)
            else:
                kwargs[f.name] = tuple(v for v in str(raw).split(",") if v)
        return cls(**kwargs)

    def with_(self, **changes: Any) -> Filter:
        """Return a copy with some fields changed (sequences become tuples)."""
        clean: dict[str, Any] = {k: tuple(v) if isinstance(v, list | set) else v for k, v in changes.items()}
        return replace(self, **clean)


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
    gdf: gpd.GeoDataFrame, flt: Filter, corridor_lines: Mapping[str, BaseGeometry] | None = None
) -> pd.Series:
    """Boolean Series: which rows of the working frame ``flt`` keeps.

    ``corridor_lines`` (corridor id → line) serves :attr:`Filter.corridor_km`; the
    project's ``layers/corridors.geojson`` is read when it is not given.
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
            lines = corridor_lines if corridor_lines is not None else _default_corridor_lines()
            for corridor in flt.corridors:
                if corridor in lines:
                    listed |= within_km(gdf.geometry, lines[corridor], flt.corridor_km)
        keep &= listed
    if flt.provinces:
        wanted = {fold(p) for p in flt.provinces}
        places = [[*(a or ()), *(b or ())] for a, b in zip(gdf["provinces"], gdf["former_provinces"], strict=True)]
        keep &= pd.Series([bool(wanted.intersection(fold(n) for n in names)) for names in places], index=gdf.index)
    if flt.funding_types:
        keep &= _any_in(gdf["funding"].map(lambda f: (f or {}).get("types") or ()), flt.funding_types)
    if flt.documents:
        docs = gdf["commitments"].map(lambda cs: [c.get("document") for c in cs or ()])
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


def _search_texts(gdf: gpd.GeoDataFrame) -> list[str]:
    """The stored ``search_text`` column, or the texts computed from the rows."""
    if "search_text" in gdf:
        return list(gdf["search_text"])
    return [search_text(r) for r in gdf.to_dict("records")]


def apply(
    gdf: gpd.GeoDataFrame, flt: Filter, corridor_lines: Mapping[str, BaseGeometry] | None = None
) -> gpd.GeoDataFrame:
    """Return the rows of the working frame that ``flt`` keeps, in their order."""
    if flt.is_empty():
        return gdf
    return gdf[mask(gdf, flt, corridor_lines)]


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
