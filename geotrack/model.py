"""The data model: items, their commitments in documents, funding and sources.

An :class:`Item` is one trackable work (a road, a berth, a terminal). Records
(plain mappings, as in ``data/items/*.yaml``) are the interchange form; a
GeoDataFrame with the columns in :data:`FRAME_COLUMNS` is the working form that
filters, exports and the map use.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import mapping as shape_to_mapping
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geotrack import vocab

CRS = "EPSG:4326"

#: Keys of an item record, in the order data files write them.
ITEM_KEYS: tuple[str, ...] = (
    "id",
    "name_vi",
    "name_en",
    "parent_id",
    "mode",
    "action",
    "status",
    "status_as_of",
    "status_source",
    "start_year",
    "end_year",
    "deadline_text",
    "funding",
    "lead_agency",
    "lead_agency_current",
    "provinces",
    "former_provinces",
    "corridors",
    "geometry",
    "location_precision",
    "geometry_source",
    "stated_length_km",
    "stated_length_source",
    "sources",
    "commitments",
    "notes",
)

COMMITMENT_KEYS: tuple[str, ...] = (
    "document",
    "section",
    "line",
    "quote",
    "action",
    "deadline_text",
    "deadline_basis",
    "deadline_from",
    "start_year",
    "end_year",
    "lead_agency",
    "funding_text",
)

FUNDING_KEYS: tuple[str, ...] = ("types", "amount", "unit", "as_of", "source")
SOURCE_KEYS: tuple[str, ...] = ("url", "title", "as_of", "supports")

#: Columns of the working GeoDataFrame (``geometry`` last). List and mapping
#: values stay Python objects in memory; stores serialise them as JSON.
FRAME_COLUMNS: tuple[str, ...] = (
    *(k for k in ITEM_KEYS if k != "geometry"),
    "length_km",
    "geometry",
)

#: Columns that hold lists or mappings rather than scalars.
NESTED_COLUMNS: frozenset[str] = frozenset(
    {"funding", "provinces", "former_provinces", "corridors", "sources", "commitments"}
)


def parse_date(value: Any) -> dt.date | None:
    """Return a date from an ISO string or a date; ``None`` for empty values.

    Raises
    ------
    ValueError
        If ``value`` is not an existing calendar date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Commitment:
    """One place in one document that commits to an item."""

    document: str
    section: str | None
    line: int
    quote: str
    action: str | None = None
    deadline_text: str | None = None
    deadline_basis: str | None = None
    deadline_from: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    lead_agency: str | None = None
    funding_text: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Commitment:
        """Build from a record with :data:`COMMITMENT_KEYS`."""
        values: dict[str, Any] = {k: record.get(k) for k in COMMITMENT_KEYS}
        return cls(**values)

    def to_record(self) -> dict[str, Any]:
        """Return the record form, keys in file order."""
        return {k: getattr(self, k) for k in COMMITMENT_KEYS}


@dataclass(frozen=True)
class Funding:
    """Funding source types and, where a source gives one, the amount."""

    types: tuple[str, ...] = ()
    amount: float | None = None
    unit: str | None = None
    as_of: dt.date | None = None
    source: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None) -> Funding:
        """Build from a record with :data:`FUNDING_KEYS` (``None`` gives no funding)."""
        record = record or {}
        return cls(
            types=tuple(record.get("types") or ()),
            amount=record.get("amount"),
            unit=record.get("unit"),
            as_of=parse_date(record.get("as_of")),
            source=record.get("source"),
        )

    def to_record(self) -> dict[str, Any]:
        """Return the record form (dates as ISO strings)."""
        return {
            "types": list(self.types),
            "amount": self.amount,
            "unit": self.unit,
            "as_of": _iso(self.as_of),
            "source": self.source,
        }


@dataclass(frozen=True)
class Source:
    """An external source (beyond the five documents) and the fields it backs."""

    url: str
    title: str | None = None
    as_of: dt.date | None = None
    supports: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Source:
        """Build from a record with :data:`SOURCE_KEYS`."""
        return cls(
            url=str(record.get("url")),
            title=record.get("title"),
            as_of=parse_date(record.get("as_of")),
            supports=tuple(record.get("supports") or ()),
        )

    def to_record(self) -> dict[str, Any]:
        """Return the record form (dates as ISO strings)."""
        return {
            "url": self.url,
            "title": self.title,
            "as_of": _iso(self.as_of),
            "supports": list(self.supports),
        }


@dataclass(frozen=True)
class Item:
    """One trackable infrastructure work, its place, state and commitments."""

    id: str
    name_vi: str
    name_en: str | None
    mode: str
    action: str
    status: str
    commitments: tuple[Commitment, ...]
    parent_id: str | None = None
    status_as_of: dt.date | None = None
    status_source: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    deadline_text: str | None = None
    funding: Funding = field(default_factory=Funding)
    lead_agency: str | None = None
    lead_agency_current: str | None = None
    provinces: tuple[str, ...] = ()
    former_provinces: tuple[str, ...] = ()
    corridors: tuple[str, ...] = ()
    geometry: BaseGeometry | None = None
    location_precision: str | None = None
    geometry_source: str | None = None
    stated_length_km: float | None = None
    stated_length_source: str | None = None
    sources: tuple[Source, ...] = ()
    notes: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Item:
        """Build an item from a record as written in ``data/items/*.yaml``.

        The record is expected to have passed :func:`geotrack.validate.check_record`.
        """
        geometry = record.get("geometry")
        if isinstance(geometry, Mapping):
            geometry = shape(geometry)
        return cls(
            id=record["id"],
            name_vi=record["name_vi"],
            name_en=record.get("name_en"),
            parent_id=record.get("parent_id"),
            mode=record["mode"],
            action=record["action"],
            status=record["status"],
            status_as_of=parse_date(record.get("status_as_of")),
            status_source=record.get("status_source"),
            start_year=record.get("start_year"),
            end_year=record.get("end_year"),
            deadline_text=_text(record.get("deadline_text")),
            funding=Funding.from_record(record.get("funding")),
            lead_agency=record.get("lead_agency"),
            lead_agency_current=record.get("lead_agency_current"),
            provinces=tuple(record.get("provinces") or ()),
            former_provinces=tuple(record.get("former_provinces") or ()),
            corridors=tuple(record.get("corridors") or ()),
            geometry=geometry if isinstance(geometry, BaseGeometry) else None,
            location_precision=record.get("location_precision"),
            geometry_source=record.get("geometry_source"),
            stated_length_km=record.get("stated_length_km"),
            stated_length_source=record.get("stated_length_source"),
            sources=tuple(Source.from_record(s) for s in record.get("sources") or ()),
            commitments=tuple(Commitment.from_record(c) for c in record.get("commitments") or ()),
            notes=record.get("notes"),
        )

    def to_record(self) -> dict[str, Any]:
        """Return the record form, keys in :data:`ITEM_KEYS` order, JSON-safe."""
        out = self._record()
        if self.geometry is not None:
            out["geometry"] = json.loads(json.dumps(shape_to_mapping(self.geometry)))
        return out

    def _record(self) -> dict[str, Any]:
        """:meth:`to_record` with the geometry left a shapely object, as the working frame holds it."""
        out: dict[str, Any] = {}
        for key in ITEM_KEYS:
            value = getattr(self, key)
            if key == "status_as_of":
                value = _iso(value)
            elif key in ("funding",):
                value = value.to_record()
            elif key in ("sources", "commitments"):
                value = [v.to_record() for v in value]
            elif key in ("provinces", "former_provinces", "corridors"):
                value = list(value)
            out[key] = value
        return out

    @property
    def documents(self) -> tuple[str, ...]:
        """Numbers of the documents that commit to this item, in citation order, once each."""
        return tuple(dict.fromkeys(c.document for c in self.commitments))

    @property
    def oc4ids_status(self) -> str | None:
        """The OC4IDS projectStatus this item's status maps onto."""
        return vocab.STATUS_OC4IDS[self.status]


def _text(value: Any) -> str | None:
    # YAML reads an unquoted "2023-2030" as text, but a bare 2027 as an int.
    return None if value is None else str(value)


@dataclass(frozen=True)
class Document:
    """A source document in the register (``data/documents.yaml``)."""

    number: str
    type: str
    title: str
    issuer: str
    date: dt.date
    implements: tuple[str, ...] = ()
    file: str | None = None
    url: str | None = None
    notes: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Document:
        """Build from a register entry."""
        date = parse_date(record["date"])
        assert date is not None
        return cls(
            number=record["number"],
            type=record["type"],
            title=record["title"],
            issuer=record["issuer"],
            date=date,
            implements=tuple(record.get("implements") or ()),
            file=record.get("file"),
            url=record.get("url"),
            notes=record.get("notes"),
        )

    def to_record(self) -> dict[str, Any]:
        """Return the register-entry form (date as ISO string)."""
        return {
            "number": self.number,
            "type": self.type,
            "title": self.title,
            "issuer": self.issuer,
            "date": self.date.isoformat(),
            "implements": list(self.implements),
            "file": self.file,
            "url": self.url,
            "notes": self.notes,
        }
