"""The page's state from its URL, hardened: what the widgets start with, and what was ignored.

A link is input from anyone: lists are de-duplicated and capped, values no widget offers are
reported back (never silently dropped), years outside the data are clamped with a notice, and
filters only a URL can set (item ids, distance to a corridor) are listed so the page can show
them as removable chips. Pure functions over plain values; the app puts them into widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from geotrack import vocab
from geotrack.filters import Filter, parse_query
from geotrack.ui import i18n

#: Widget keys of the filters, by Filter field.
KEYS: Final = {"modes": "f_modes", "statuses": "f_statuses", "corridors": "f_corridors",
               "provinces": "f_provinces", "funding_types": "f_funding", "documents": "f_documents",
               "search": "f_search"}
#: Parameters of the page that are not filters.
PAGE_PARAMS: Final = ("lang", "sel", "doc", "line", "as_of", "since")
#: Longest search text read from a link.
MAX_SEARCH: Final = 200
_FILTER_PARAMS: Final = (*KEYS, "deadline_min", "deadline_max", "ids", "corridor_km")


@dataclass(frozen=True)
class UrlState:
    """What a page opened from a URL starts with.

    Attributes
    ----------
    widgets
        Widget key → its starting value (lists of known values, or the search text).
    years
        The deadline slider's starting range.
    url_years
        The URL's own year bounds (``None`` for an open side), or ``None`` when it gave none.
    ids, corridor_km
        Filters only a URL sets.
    lang, sel
        Page language and selected item id.
    ignored
        ``(parameter, value)`` pairs the page could not use, in URL order.
    clamped
        ``(parameter, asked, used)`` for each year outside the data's range.
    """

    widgets: dict[str, Any]
    years: tuple[int, int]
    url_years: tuple[int | None, int | None] | None
    ids: tuple[str, ...] = ()
    corridor_km: float | None = None
    lang: str = i18n.DEFAULT_LANG
    sel: str | None = None
    ignored: list[tuple[str, str]] = field(default_factory=list)
    clamped: list[tuple[str, int, int]] = field(default_factory=list)


def read_url(params: Mapping[str, Any], options: Mapping[str, Sequence[str]],
             years: tuple[int, int]) -> UrlState:
    """The starting state of a page opened with query ``params``.

    Parameters
    ----------
    params
        The URL's query parameters (a value may be a list when a name repeats).
    options
        Filter field → the values its widget offers (provinces matched without diacritics).
    years
        The smallest and largest deadline year in the data.
    """
    ignored: list[tuple[str, str]] = [(k, str(v)[:80]) for k, v in params.items()
                                      if k not in _FILTER_PARAMS and k not in PAGE_PARAMS]
    clean = {k: v for k, v in params.items() if k in _FILTER_PARAMS}
    clean["search"] = str(params.get("search") or "")[:MAX_SEARCH]
    # one reading of a link for the page, the command line and the API (filters.parse_query): lists
    # de-duplicated and capped, years checked and clamped; an inverted range is named, not guessed at
    parsed = parse_query(clean, years=years, inverted="drop")
    flt = parsed.filter
    clamped = [(i.param, int(i.value), int(i.used)) for i in parsed.ignored
               if i.param in ("deadline_min", "deadline_max") and i.used is not None]
    ignored.extend((i.param, i.value) for i in parsed.ignored
                   if i.param not in ("deadline_min", "deadline_max") or i.used is None)
    widgets: dict[str, Any] = {}
    for name, key in KEYS.items():
        value = getattr(flt, name)
        if name == "search":
            widgets[key] = value
            continue
        if name == "provinces":
            folded = {vocab.fold(o): o for o in options[name]}
            kept = [folded[vocab.fold(v)] for v in value if vocab.fold(v) in folded]
            unknown = [v for v in value if vocab.fold(v) not in folded]
        else:
            known = set(options[name])
            kept = [v for v in value if v in known]
            unknown = [v for v in value if v not in known]
        widgets[key] = list(dict.fromkeys(kept))
        ignored.extend((name, v) for v in unknown)
    lo, hi = flt.deadline_min, flt.deadline_max
    url_years = (lo, hi) if (lo is not None or hi is not None) else None
    start = (lo if lo is not None else years[0], hi if hi is not None else years[1])
    corridor_km = flt.corridor_km if flt.corridor_km is not None and 0 < flt.corridor_km <= 100 else None
    if flt.corridor_km is not None and corridor_km is None:
        ignored.append(("corridor_km", str(flt.corridor_km)))
    sel = str(params.get("sel") or "")[:120] or None
    return UrlState(widgets=widgets, years=start, url_years=url_years, ids=tuple(flt.ids), corridor_km=corridor_km,
                    lang=i18n.normalise_lang(params.get("lang")), sel=sel, ignored=ignored, clamped=clamped)


def filter_of(widgets: Mapping[str, Any], years: tuple[int, int], data_years: tuple[int, int],
              url_years: tuple[tuple[int | None, int | None], tuple[int, int]] | None,
              ids: Sequence[str], corridor_km: float | None) -> Filter:
    """The :class:`Filter` the widgets say.

    A year at the data's edge does not filter, except when it is what the URL asked for and the
    slider has not moved since (``url_years``: the URL's bounds and the slider range they gave).
    """
    lo, hi = years
    if url_years and tuple(url_years[1]) == (lo, hi):
        deadline_min, deadline_max = url_years[0]
    else:
        deadline_min = int(lo) if lo != data_years[0] else None
        deadline_max = int(hi) if hi != data_years[1] else None
    return Filter(
        **{name: tuple(widgets.get(key) or ()) for name, key in KEYS.items() if name != "search"},
        search=str(widgets.get(KEYS["search"]) or "").strip(),
        deadline_min=deadline_min, deadline_max=deadline_max, ids=tuple(ids), corridor_km=corridor_km,
    )


def page_query(flt: Filter, lang: str, extra: Mapping[str, Any]) -> dict[str, str]:
    """The URL query of a page.

    The filter, the language when not the default, and ``extra`` page parameters that are set
    (selection, reader, as-of, changed-since).
    """
    out = {**flt.to_query(), **({"lang": lang} if lang != i18n.DEFAULT_LANG else {})}
    out.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
    return out


def parse_day(value: Any) -> dt.date | None:
    """An ISO date from a URL parameter, or ``None`` (malformed or absent)."""
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
