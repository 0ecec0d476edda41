"""Where the documents disagree about a work, and where related works differ.

Every value each commitment gives is compared, not only the first per document, so a
document that disagrees with itself is found. Compared: the action (study only vs works),
the deadline and start year a document gives the work itself (``stated`` or ``inherited``;
a plan's submission date or a document's horizon does not date the work) and the lead
agency. Differences between a work and a related one (a section and its whole line, two
lines that share a section) are reported as related, never as conflicts.

Everything here is pure: records in, dataclasses out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Fields compared across an item's commitments, in report order.
FIELDS: tuple[str, ...] = ("action", "deadline", "start_year", "lead_agency")

#: Deadline bases whose years date the work itself (``None``: a record written before bases existed).
DATING_BASES: frozenset[str | None] = frozenset({"stated", "inherited", None})

_AFTER_YEAR = re.compile(r"sau\s+n[aă]m\s+(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """One value one commitment gives: where, as written, its comparable form and the deadline basis."""

    document: str
    line: int | None
    shown: str
    key: str
    basis: str | None = None


@dataclass(frozen=True)
class Conflict:
    """Two or more different values for one field of one item."""

    item_id: str
    field: str
    readings: tuple[Reading, ...]

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents that give a value, in citation order, once each."""
        return tuple(dict.fromkeys(r.document for r in self.readings))

    @property
    def within_document(self) -> tuple[str, ...]:
        """The documents that give two different values themselves."""
        out = []
        for document in self.documents:
            if len({r.key for r in self.readings if r.document == document}) > 1:
                out.append(document)
        return tuple(out)


@dataclass(frozen=True)
class Related:
    """A field on which an item and a related item (part of it, or sharing a section) differ."""

    item_id: str
    related_id: str
    relation: str
    field: str
    readings: tuple[Reading, ...]
    related_readings: tuple[Reading, ...]


def deadline_key(commitment: Mapping[str, Any]) -> str | None:
    """A comparable deadline: ``"2027"``, ``"after 2030"`` or ``None``.

    "Sau năm 2030" (after 2030) has no end year but still disagrees with "2026-2030".
    """
    if commitment.get("end_year") is not None:
        return str(commitment["end_year"])
    match = _AFTER_YEAR.search(str(commitment.get("deadline_text") or ""))
    return f"after {match.group(1)}" if match else None


def action_key(action: Any) -> str | None:
    """``"study"`` for a study-only action, ``"works"`` for any other, ``None`` when no action is given.

    Building, upgrading, expanding and completing are stages of the same commitment to
    works; only "study" versus works is a disagreement.
    """
    if not action:
        return None
    return "study" if action == "study" else "works"


def readings(commitments: Iterable[Mapping[str, Any]], field: str) -> list[Reading]:
    """Every value the commitments give for ``field``, in citation order."""
    out = []
    for c in commitments:
        document, line = str(c.get("document")), c.get("line")
        basis = c.get("deadline_basis")
        if field == "action":
            key, shown = action_key(c.get("action")), c.get("action")
        elif field == "deadline":
            key = deadline_key(c) if basis in DATING_BASES else None
            shown = c.get("deadline_text") or c.get("end_year")
        elif field == "start_year":
            start = c.get("start_year")
            key = str(start) if start is not None and basis in DATING_BASES else None
            shown = start
        else:
            value = c.get(field)
            key = " ".join(value.lower().split()) if isinstance(value, str) and value.strip() else None
            shown = value
        if key is not None:
            out.append(Reading(document, line if isinstance(line, int) else None, str(shown), key, basis))
    return out


def item_conflicts(item_id: str, commitments: Sequence[Mapping[str, Any]]) -> list[Conflict]:
    """The fields on which ``commitments`` of one item give two or more different values."""
    out = []
    for field in FIELDS:
        found = readings(commitments, field)
        if len({r.key for r in found}) > 1:
            out.append(Conflict(item_id, field, tuple(found)))
    return out


def conflict_map(commitments: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """``{field: {document: values as written, joined with "; "}}`` for each field in conflict."""
    out: dict[str, dict[str, str]] = {}
    for conflict in item_conflicts("", commitments):
        shown: dict[str, list[str]] = {}
        for r in conflict.readings:
            values = shown.setdefault(r.document, [])
            if r.shown not in values:
                values.append(r.shown)
        out[conflict.field] = {document: "; ".join(values) for document, values in shown.items()}
    return out


def related_differences(
    commitments_by_item: Mapping[str, Sequence[Mapping[str, Any]]],
    relations: Iterable[tuple[str, str, str]],
) -> list[Related]:
    """The fields on which related items' documents give different values.

    Parameters
    ----------
    commitments_by_item
        Each item's commitments, by item id.
    relations
        ``(item_id, related_id, relation)`` triples, e.g. a section and the line it is part of.
    """
    out = []
    for item_id, related_id, relation in relations:
        mine, theirs = commitments_by_item.get(item_id), commitments_by_item.get(related_id)
        if mine is None or theirs is None:
            continue
        for field in FIELDS:
            a, b = readings(mine, field), readings(theirs, field)
            if a and b and {r.key for r in a} != {r.key for r in b}:
                out.append(Related(item_id, related_id, relation, field, tuple(a), tuple(b)))
    return out


def relations_of(records: Iterable[Mapping[str, Any]], extra: Iterable[Mapping[str, Any]] = ()) -> list[
        tuple[str, str, str]]:
    """Relations between items: each item and its parent, plus the reviewed pairs in ``extra``.

    ``extra`` holds mappings with ``item``, ``related`` and ``relation`` (``data/related.yaml``).
    """
    out = [(str(r["id"]), str(r["parent_id"]), "part of") for r in records if r.get("parent_id")]
    out.extend((str(e["item"]), str(e["related"]), str(e.get("relation") or "related to")) for e in extra)
    return out


def format_reading(r: Reading) -> str:
    """``07/NQ-CP line 290: Sau năm 2030 (stated)``."""
    where = f"{r.document} line {r.line}" if r.line is not None else r.document
    basis = f" ({r.basis})" if r.basis else ""
    return f"{where}: {r.shown}{basis}"
