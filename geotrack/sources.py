"""Source quality as data: host tiers, well-formed URLs, and titles that plainly disagree with their URL.

The tier list lives in ``data/source_tiers.yaml`` (reviewed); these functions are pure and
take it as a mapping.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: Tiers, strongest first; a host in no list is "other".
TIERS: tuple[str, ...] = ("official", "press_of_record", "other", "refused")
#: Tiers strong enough to back a status, date or figure on their own.
STRONG_TIERS: frozenset[str] = frozenset({"official", "press_of_record"})
#: Item fields that hold a URL (or a document number) and the facts they back.
URL_FIELDS: tuple[str, ...] = ("status_source", "funding.source", "stated_length_source")

_HOST = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_URL_IN_TEXT = re.compile(r"https?://[^\s,;)\]]+")
_STOP = frozenset({"the", "and", "for", "with", "from", "that", "this", "cua", "cac", "cho", "voi", "trong",
                   "duoc", "tai", "theo", "mot", "nhung"})


def is_url(value: Any) -> bool:
    """True when ``value`` looks like a web address (not a document number such as ``07/NQ-CP``)."""
    return isinstance(value, str) and "://" in value


def url_problem(url: str) -> str | None:
    """Why ``url`` is malformed, or ``None``: scheme, host (no trailing dot, no ``wwww.``), HTML entities."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"cannot be parsed: {exc}"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    host = parts.hostname or ""
    if host.endswith("."):
        return f"host {host!r} ends with a dot"
    if host.startswith("wwww."):
        return f"host {host!r} starts with 'wwww.'"
    if not _HOST.match(host):
        return f"host {host!r} is not a valid host name"
    if "&amp" in url or " " in url:
        return "holds an HTML entity or a space (copy the address, not the page source)"
    return None


def _matches(host: str, entry: str) -> bool:
    return host == entry or host.endswith("." + entry)


def tier_of(url: str, tiers: Mapping[str, Iterable[str]]) -> str:
    """The tier of ``url``'s host under ``tiers``: refused first, then official, press of record, else other."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    for tier in ("refused", "official", "press_of_record"):
        if any(_matches(host, str(entry).lower()) for entry in tiers.get(tier) or ()):
            return tier
    return "other"


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    return {w for w in re.split(r"[^a-z0-9]+", ascii_text) if len(w) > 2 and w not in _STOP and not w.isdigit()}


def slug_words(url: str) -> set[str]:
    """The words of a URL's last path segment (its slug), without ids and extensions."""
    path = urlsplit(url).path.rstrip("/")
    slug = path.rsplit("/", 1)[-1]
    slug = re.sub(r"\.(html?|ldo|tpo|vnp|htm|epi|aspx?)$", "", slug)
    return _words(slug.replace("-", " ").replace("_", " "))


# words that mark a slug as Vietnamese once folded to ASCII (a translated title cannot share its words)
_VIETNAMESE_SLUG = frozenset({"cua", "cac", "cho", "voi", "trong", "duoc", "theo", "nhung", "khong", "nguoi",
                              "thanh", "pho", "tinh", "nam", "duong", "cau", "hoan", "xay", "dung", "dau",
                              "truong", "tuyen", "moi"})


def title_disagrees(url: str, title: str | None) -> bool:
    """True when a page title and the URL's slug plainly disagree: a slug of ≥ 4 words sharing none with the title.

    A title in English (no Vietnamese letters) over a Vietnamese slug is a translation, not a disagreement.
    """
    if not title:
        return False
    slug = slug_words(url)
    english = {"the", "of", "and", "to", "for", "is", "on", "in", "a", "by", "at", "with", "about", "approving"}
    translated = len(english & set(re.split(r"[^a-z]+", title.lower()))) >= 2
    if translated and slug & _VIETNAMESE_SLUG:
        return False
    return len(slug) >= 4 and not slug & _words(title)


def urls_in_text(text: str | None) -> list[str]:
    """Every web address written in free text (``geometry_source``, notes).

    Punctuation that ends the sentence after an address ("… see https://x.org/a.") is not part of it;
    a dot inside the address (``https://host./path``) is kept, so a malformed host is still seen.
    """
    return [url.rstrip(".:'\"") for url in _URL_IN_TEXT.findall(text or "")]


def text_urls(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(field, url)`` for every web address written inside a record's free text.

    That is every string value of the record (``geometry_source``, ``notes``, ``waypoints[i].source``,
    ``geography_notes.<subject>``, a source's title, ...) other than the URL fields
    :func:`record_urls` reads, which hold a single address each.
    """
    url_fields = {field for field, _, _, _ in record_urls(record)}
    out: list[tuple[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            if path not in url_fields:
                out.extend((path, url) for url in urls_in_text(value))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(record, "")
    return out


def record_urls(record: Mapping[str, Any]) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    """``(field, url, title, supports)`` for every URL a record cites as a source of facts."""
    out: list[tuple[str, str, str | None, tuple[str, ...]]] = []
    for i, src in enumerate(record.get("sources") or []):
        if isinstance(src, Mapping) and is_url(src.get("url")):
            out.append((f"sources[{i}].url", str(src["url"]), src.get("title"), tuple(src.get("supports") or ())))
    if is_url(record.get("status_source")):
        out.append(("status_source", str(record["status_source"]), None, ("status",)))
    funding = record.get("funding")
    if isinstance(funding, Mapping) and is_url(funding.get("source")):
        out.append(("funding.source", str(funding["source"]), None, ("funding",)))
    if is_url(record.get("stated_length_source")):
        out.append(("stated_length_source", str(record["stated_length_source"]), None, ("stated_length_km",)))
    return out


#: Facts that need a strong source when they come from outside the documents.
FACTS: tuple[str, ...] = ("status", "start_year", "end_year", "deadline_text", "funding", "stated_length_km")


#: Deadline readings under which a commitment's years are the document's own word for the work.
DATING_BASES: frozenset[str] = frozenset({"stated", "inherited"})


def document_backed(record: Mapping[str, Any]) -> set[str]:
    """The item's year and deadline facts that a commitment states (or inherits) with the same value.

    The five documents are official sources: an end year a document states for the work needs no web page.
    """
    out: set[str] = set()
    for c in record.get("commitments") or []:
        if not isinstance(c, Mapping) or c.get("deadline_basis") not in DATING_BASES:
            continue
        for fact in ("start_year", "end_year", "deadline_text"):
            if c.get(fact) is not None and c.get(fact) == record.get(fact):
                out.add(fact)
    return out


def weak_facts(record: Mapping[str, Any], tiers: Mapping[str, Iterable[str]]) -> list[str]:
    """The facts of a record that rest only on sources below press of record (``other``).

    A year or deadline that one of the record's own commitments states counts as backed by the
    document (official).
    """
    backing: dict[str, set[str]] = {}
    for _, url, _, supports in record_urls(record):
        for fact in supports:
            backing.setdefault(fact, set()).add(tier_of(url, tiers))
    for fact in document_backed(record):
        backing.setdefault(fact, set()).add("official")
    out = []
    for fact in FACTS:
        found = backing.get(fact)
        if found and not found & STRONG_TIERS:
            out.append(fact)
    return out


@dataclass(frozen=True)
class Backing:
    """One source behind a fact: a URL or a document citation, its tier and as-of date."""

    source: str
    tier: str
    as_of: str | None


#: Facts re-verified for flagship items, in the order they are reported.
FLAGSHIP_FACTS: tuple[str, ...] = ("status", "start_year", "end_year", "funding", "coordinates")

_AS_OF_IN_TEXT = re.compile(r"as of (\d{4}-\d{2}(?:-\d{2})?)", re.IGNORECASE)


def _as_of(value: Any) -> str | None:
    return None if value is None else str(value)


def fact_backing(record: Mapping[str, Any], tiers: Mapping[str, Iterable[str]],
                 document_dates: Mapping[str, Any]) -> dict[str, list[Backing]]:
    """Every source behind each of :data:`FLAGSHIP_FACTS`, strongest tier first.

    A document number (``07/NQ-CP``) or a commitment that states the value is an official source
    as of the document's date; a URL takes its host's tier. Coordinates are backed by the URLs
    written in ``geometry_source`` (as of the date that text gives) and by sources whose
    ``supports`` names the geometry.
    """
    out: dict[str, list[Backing]] = {fact: [] for fact in FLAGSHIP_FACTS}

    def cite(fact: str, source: Any, as_of: Any) -> None:
        if not source:
            return
        text = str(source)
        if is_url(text):
            out[fact].append(Backing(text, tier_of(text, tiers), _as_of(as_of)))
        elif text in document_dates:
            out[fact].append(Backing(text, "official", _as_of(document_dates[text])))

    cite("status", record.get("status_source"), record.get("status_as_of"))
    funding = record.get("funding")
    if isinstance(funding, Mapping) and funding.get("amount") is not None:
        cite("funding", funding.get("source"), funding.get("as_of"))
    for c in record.get("commitments") or []:
        if isinstance(c, Mapping) and c.get("deadline_basis") in DATING_BASES:
            for fact in ("start_year", "end_year"):
                if c.get(fact) is not None and c.get(fact) == record.get(fact):
                    document = str(c.get("document"))
                    out[fact].append(Backing(f"{document} line {c.get('line')}", "official",
                                             _as_of(document_dates.get(document))))
    for src in record.get("sources") or []:
        if not isinstance(src, Mapping):
            continue
        supports = set(src.get("supports") or ())
        for fact in FLAGSHIP_FACTS:
            key = "geometry" if fact == "coordinates" else fact
            if key in supports and record_has(record, fact):
                cite(fact, src.get("url"), src.get("as_of"))
    geometry_text = str(record.get("geometry_source") or "")
    dated = _AS_OF_IN_TEXT.search(geometry_text)
    # a page also listed in sources keeps that entry's date; otherwise the date the drawing text gives
    listed = {str(s.get("url")): s.get("as_of") for s in record.get("sources") or []
              if isinstance(s, Mapping) and s.get("as_of") is not None}
    for url in urls_in_text(geometry_text):
        cite("coordinates", url, listed.get(url, dated.group(1) if dated else None))
    order = {tier: i for i, tier in enumerate(TIERS)}
    for fact, found in out.items():
        unique = list(dict.fromkeys(found))
        out[fact] = sorted(unique, key=lambda b: order.get(b.tier, len(order)))
    return out


def record_has(record: Mapping[str, Any], fact: str) -> bool:
    """True when the record holds a value for ``fact`` (a funding amount, a geometry, a year, a status)."""
    if fact == "funding":
        funding = record.get("funding")
        return isinstance(funding, Mapping) and funding.get("amount") is not None
    if fact == "coordinates":
        return bool(record.get("geometry"))
    return record.get(fact) is not None
