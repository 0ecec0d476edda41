"""One error hierarchy for everything geotrack raises on purpose.

Every class derives from :class:`GeotrackError` and, where one fits, from the builtin
error a caller would catch anyway (as osmnx's errors do): bad data is a ``ValueError``,
a missing item a ``LookupError``, a busy store a ``TimeoutError``.
"""

from __future__ import annotations

from dataclasses import dataclass


class GeotrackError(Exception):
    """Base class of every error geotrack raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in the data, located as precisely as possible.

    Parameters
    ----------
    message
        What is wrong, in words a data steward understands.
    field
        Dotted path of the offending field (``commitments[0].quote``).
    item_id
        The item's ``id`` where known.
    source
        The file the item came from.
    index
        Position of the item (feature) in that file, 0-based.
    severity
        ``"error"`` blocks a build or import; ``"warning"`` does not.
    """

    message: str
    field: str = ""
    item_id: str | None = None
    source: str | None = None
    index: int | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.index is not None:
            where.append(f"feature {self.index}")
        if self.item_id:
            where.append(f"id {self.item_id}")
        if self.field:
            where.append(f"field {self.field}")
        prefix = ", ".join(where)
        return f"{self.severity}: {prefix}: {self.message}" if prefix else f"{self.severity}: {self.message}"


class ValidationError(GeotrackError, ValueError):
    """Data failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        head = "; ".join(str(p) for p in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        super().__init__(f"{len(errors)} validation error(s): {head}{more}")


class DataFileError(GeotrackError, ValueError):
    """A data or import file cannot be read at all (syntax, encoding, size)."""


class StoreError(GeotrackError):
    """The store is missing, unreadable or was written by an unknown version."""


class StoreBusyError(StoreError, TimeoutError):
    """Another process holds the store's write lock longer than the timeout."""


class NotFoundError(GeotrackError, LookupError):
    """An item or document asked for by id does not exist."""
