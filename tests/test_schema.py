"""One schema types every nested field: what validation passes, both stores and every export take."""

from __future__ import annotations

import functools
import json

import pytest

from geotrack.errors import Problem
from geotrack.io import RawRecord, read_dataset
from geotrack.model import Item
from geotrack.schema import ITEM_SCHEMA, json_schema, type_problems
from geotrack.testing import base_record, point_record
from geotrack.validate import Context, check_record, check_records, errors_only

COMMITMENT = point_record("x")["commitments"][0]


@functools.cache  # reading the shipped dataset takes seconds; the checks do not change it
def _ctx() -> Context:
    from geotrack.io import DATA_DIR, LAYERS_DIR

    dataset = read_dataset(DATA_DIR, LAYERS_DIR)
    return Context(dataset.texts, dataset.corridor_ids)


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"commitments": [COMMITMENT | {"lead_agency": ["x"]}]}, "commitments[0].lead_agency", "must be text"),
    ({"commitments": [COMMITMENT | {"section": {"status_as_of": "9999-12-31"}}]}, "commitments[0].section",
     "must be text"),
    ({"commitments": [COMMITMENT | {"line": "471"}]}, "commitments[0].line", "not a whole number"),
    ({"parent_id": ["x"]}, "parent_id", "must be text"),
    ({"corridors": [["x"]]}, "corridors[0]", "must be text"),
    ({"sources": [{"url": "https://example.org", "title": "t", "as_of": "2025-01-01", "supports": [1, 2]}]},
     "sources[0].supports[0]", "must be text"),
    ({"funding": {"types": ["ppp"], "amount": None, "unit": None, "as_of": None, "source": ["x", "y"]}},
     "funding.source", "must be text"),
    ({"name_en": "Cat Bi\x00 hidden tail"}, "name_en", "control characters (\\x00)"),
    ({"notes": "\x1b[2K\x1b[1A"}, "notes", "control characters (\\x1b)"),
    ({"name_en": "Cát Bi \ud800 airport"}, "name_en", "surrogate code points without their pair (\\ud800)"),
    ({"geometry": {"type": "Point", "coordinates": [[[[[[[[[[[[[[[106.9]]]]]]]]]]]]]]]}}, "geometry", "nests deeper"),
], ids=["agency-list", "section-object", "line-text", "parent-list", "corridor-list", "supports-numbers",
        "funding-source-list", "nul", "escape", "lone-surrogate", "deep-geometry"])
def test_a_wrong_type_anywhere_is_an_error_naming_the_field(changes, field, says):
    record = point_record("port-x", **changes)
    problems = errors_only(check_record(record, _ctx(), source="f", index=0))
    assert any(p.field == field and says in p.message for p in problems), problems


def test_wrong_types_never_crash_the_checks_across_records():
    records = [RawRecord(point_record("a", parent_id=["x"]), "f", 0),
               RawRecord(point_record("b", corridors=[["x"]]), "f", 1)]
    problems: list[Problem] = check_records(records, _ctx())
    assert {p.field for p in problems} >= {"parent_id", "corridors[0]"}


def test_every_real_record_fits_the_schema():
    from geotrack.io import DATA_DIR, LAYERS_DIR

    for raw in read_dataset(DATA_DIR, LAYERS_DIR).records:
        assert type_problems(raw.record) == [], raw.record.get("id")


def test_json_schema_lists_every_field_and_nested_key():
    schema = json_schema()
    assert set(schema["properties"]) == set(ITEM_SCHEMA)
    commitment = schema["properties"]["commitments"]["items"]
    assert commitment["properties"]["section"]["type"] == ["string", "null"]
    assert commitment["additionalProperties"] is False
    json.dumps(schema)


def test_text_that_passes_validation_round_trips_through_both_stores(make_store):
    # tabs, line breaks, quotes, non-BMP characters: allowed, and kept exactly by the GeoPackage and PostGIS
    text = "Cảng\tX — \"quoted\" 'single'\nsecond line 🚢 \\ backslash %s {}"
    record = point_record("port-x", name_en=text, notes=text, lead_agency=text,
                          commitments=[COMMITMENT | {"section": text}])
    assert errors_only(check_record(record, _ctx())) == []
    store = make_store()
    store.replace_all([Item.from_record(base_record()), Item.from_record(record)], [], actor="t", source=None)
    row = store.get("port-x").iloc[0]
    assert row["name_en"] == text and row["notes"] == text and row["lead_agency"] == text
    assert row["commitments"][0]["section"] == text
    assert json.loads(store.feature_texts()[1])["properties"]["notes"] == text
