"""The type of every field of an item record, nested ones included: one schema for every reader and writer.

Validation checks records against :data:`ITEM_SCHEMA` before anything else looks at a
value, so what passes (a build, an import's dry run) has exactly the types the model,
both stores and every export expect: no list where text belongs, no mapping in a
commitment's section, no number among a source's ``supports``. Text anywhere holds no
control character but tab and line breaks (:func:`geotrack.text.control_characters`).
:func:`json_schema` gives the same schema as JSON Schema for other tools.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geotrack.model import COMMITMENT_KEYS, FUNDING_KEYS, ITEM_KEYS, SOURCE_KEYS
from geotrack.text import control_characters, lone_surrogates

#: Deepest nesting of lists and mappings a record may hold (a MultiPolygon's coordinates need 4 below it).
MAX_DEPTH = 12


@dataclass(frozen=True)
class Kind:
    """The type of one field.

    Attributes
    ----------
    name
        ``text``, ``int``, ``number``, ``date``, ``list`` (of ``item``), ``object`` (with ``keys``)
        or ``geometry`` (a mapping the geometry checks read).
    required
        ``None`` is refused.
    item
        The kind of a list's members.
    keys
        An object's fields and their kinds.
    """

    name: str
    required: bool = False
    item: Kind | None = None
    keys: Mapping[str, Kind] | None = None


TEXT, REQUIRED_TEXT = Kind("text"), Kind("text", required=True)
INT, NUMBER, DATE = Kind("int"), Kind("number"), Kind("date")
TEXTS = Kind("list", item=REQUIRED_TEXT)

COMMITMENT = Kind("object", required=True, keys={
    "document": REQUIRED_TEXT, "section": TEXT, "line": Kind("int", required=True), "quote": REQUIRED_TEXT,
    "action": TEXT, "deadline_text": Kind("text_or_year"), "deadline_basis": TEXT, "deadline_from": TEXT,
    "start_year": INT, "end_year": INT, "lead_agency": TEXT, "funding_text": TEXT,
})
FUNDING = Kind("object", keys={"types": TEXTS, "amount": NUMBER, "unit": TEXT, "as_of": DATE, "source": TEXT})
SOURCE = Kind("object", required=True, keys={"url": REQUIRED_TEXT, "title": TEXT, "as_of": DATE, "supports": TEXTS})

#: The kind of every item field (the field checks say which values of those kinds are right).
ITEM_SCHEMA: dict[str, Kind] = {
    "id": REQUIRED_TEXT, "name_vi": REQUIRED_TEXT, "name_en": TEXT, "parent_id": TEXT,
    "mode": REQUIRED_TEXT, "action": REQUIRED_TEXT, "status": REQUIRED_TEXT, "status_as_of": DATE,
    "status_source": TEXT, "start_year": INT, "end_year": INT, "deadline_text": Kind("text_or_year"),
    "funding": FUNDING, "lead_agency": TEXT, "lead_agency_current": TEXT,
    "provinces": TEXTS, "former_provinces": TEXTS, "corridors": TEXTS, "geometry": Kind("geometry"),
    "location_precision": TEXT, "geometry_source": TEXT, "stated_length_km": NUMBER,
    "stated_length_source": TEXT, "sources": Kind("list", item=SOURCE),
    "commitments": Kind("list", item=COMMITMENT), "notes": TEXT,
}
assert tuple(ITEM_SCHEMA) == ITEM_KEYS
assert FUNDING.keys is not None and tuple(FUNDING.keys) == FUNDING_KEYS
assert SOURCE.keys is not None and tuple(SOURCE.keys) == SOURCE_KEYS
assert COMMITMENT.keys is not None and tuple(COMMITMENT.keys) == COMMITMENT_KEYS


def depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value`` (a scalar is 0), without recursion.

    Geometries are checked along their first members only (see :func:`_check`): the readers
    bound the nesting of a whole file before parsing it, and a full walk costs a second per
    million positions.
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, Mapping):
            children: Any = node.values()
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH + 1:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _first_depth(value: Any) -> int:
    """How deeply lists nest along the first members of ``value``."""
    level = 0
    while isinstance(value, list | tuple) and level <= MAX_DEPTH:
        level += 1
        value = value[0] if value else None
    return level


def type_problems(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every field of ``record`` whose value is not of its kind, as ``(dotted field, message)``.

    Unknown keys are the validator's to report; they are not looked into here.
    """
    out: list[tuple[str, str]] = []
    for key, kind in ITEM_SCHEMA.items():
        if key in record:
            _check(record[key], kind, key, out)
    return out


def _check(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if value is None:  # a missing value is the field checks' to judge (they say why it is needed)
        return
    _CHECKS[kind.name](value, kind, where, out)


def _check_text(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if kind.name == "text_or_year" and isinstance(value, int) and not isinstance(value, bool):
        return
    if not isinstance(value, str):
        out.append((where, f"must be text, not {_kind_of(value)}"))
    elif bad := control_characters(value):
        out.append((where, f"holds control characters ({', '.join(bad)}): remove them"))
    elif bad := lone_surrogates(value):
        out.append((where, f"holds surrogate code points without their pair ({', '.join(bad)}), which UTF-8 "
                           "cannot store: remove them or give the whole character"))


def _check_int(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        what = "a year" if where.endswith("year") else "a whole number"
        out.append((where, f"{_shown(value)} is not {what}"))


def _check_number(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.append((where, f"{_shown(value)} is not a number"))


def _check_date(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if not isinstance(value, str | dt.date):
        out.append((where, f"must be a date (YYYY-MM-DD), not {_kind_of(value)}"))


def _check_geometry(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if not isinstance(value, Mapping):
        out.append((where, f"must be a GeoJSON geometry mapping, not {_kind_of(value)}"))
    elif _first_depth(value.get("coordinates")) > MAX_DEPTH:
        out.append((where, f"nests deeper than {MAX_DEPTH} levels"))


def _check_list(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if not isinstance(value, list | tuple):
        out.append((where, f"must be a list, not {_kind_of(value)}"))
        return
    assert kind.item is not None
    for i, member in enumerate(value):
        _check(member, kind.item, f"{where}[{i}]", out)


def _check_object(value: Any, kind: Kind, where: str, out: list[tuple[str, str]]) -> None:
    if not isinstance(value, Mapping):
        out.append((where, f"must be a mapping, not {_kind_of(value)}"))
        return
    assert kind.keys is not None
    for key, member_kind in kind.keys.items():
        if key in value:
            _check(value[key], member_kind, f"{where}.{key}", out)


_CHECKS = {"text": _check_text, "text_or_year": _check_text, "int": _check_int, "number": _check_number,
           "date": _check_date, "geometry": _check_geometry, "list": _check_list, "object": _check_object}


def _shown(value: Any) -> str:
    """A value in a message: its repr, cut short, never a huge or deep structure."""
    if isinstance(value, Mapping | list | tuple):
        return _kind_of(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _kind_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def json_schema() -> dict[str, Any]:
    """:data:`ITEM_SCHEMA` as a JSON Schema (draft 2020-12) of one item record."""
    def convert(kind: Kind) -> dict[str, Any]:
        base: dict[str, Any]
        if kind.name == "text":
            base = {"type": "string"}
        elif kind.name == "text_or_year":
            base = {"type": ["string", "integer"]}
        elif kind.name == "int":
            base = {"type": "integer"}
        elif kind.name == "number":
            base = {"type": "number"}
        elif kind.name == "date":
            base = {"type": "string", "format": "date"}
        elif kind.name == "geometry":
            base = {"type": "object"}
        elif kind.name == "list":
            assert kind.item is not None
            base = {"type": "array", "items": convert(kind.item)}
        else:
            assert kind.keys is not None
            base = {"type": "object", "properties": {k: convert(v) for k, v in kind.keys.items()},
                    "required": [k for k, v in kind.keys.items() if v.required], "additionalProperties": False}
        if not kind.required:
            types = base["type"] if isinstance(base["type"], list) else [base["type"]]
            base["type"] = [*types, "null"]
        return base

    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **convert(
        Kind("object", keys=ITEM_SCHEMA))}
