"""The error classes: one base for everything raised on purpose, and the builtin a caller would catch."""

import pytest

from geotrack.errors import (
    DataFileError,
    GeotrackError,
    NotFoundError,
    Problem,
    StoreBusyError,
    StoreError,
    ValidationError,
)


@pytest.mark.parametrize(("error", "builtin"), [
    (ValidationError([Problem("bad")]), ValueError),
    (DataFileError("x.geojson: not valid JSON"), ValueError),
    (NotFoundError("no item with id 'x'"), LookupError),
    (StoreBusyError("store busy"), TimeoutError),
])
def test_each_error_is_also_the_builtin_a_caller_catches(error, builtin):
    assert isinstance(error, GeotrackError) and isinstance(error, builtin)


def test_store_busy_is_a_store_error():
    assert issubclass(StoreBusyError, StoreError)


def test_validation_error_names_the_first_problems_and_counts_the_rest():
    problems = [Problem(f"bad {i}", field="status", item_id=f"item-{i}") for i in range(5)]
    text = str(ValidationError(problems))
    assert text.startswith("5 validation error(s): error: id item-0, field status: bad 0;")
    assert text.endswith("(and 2 more)")
