import copy
import datetime as dt

import pytest

from geotrack.io import RawRecord, read_documents
from geotrack.testing import base_record, point_record
from geotrack.validate import Context, check_record, check_records, quote_found

TEXTS = read_documents()[1]
CTX = Context(TEXTS, frozenset({"ring-4-capital"}), dt.date(2026, 11, 23))


def problems_of(record):
    return [(p.field, p.message) for p in check_record(record, CTX, source="f.yaml", index=0) if p.severity == "error"]


def fields_of(record):
    return {field for field, _ in problems_of(record)}


def test_a_valid_record_has_no_problem():
    assert problems_of(base_record()) == []


def test_problem_names_file_feature_id_and_field(record):
    record["mode"] = "motorway"
    (problem,) = check_record(record, CTX, source="data/items/roads.yaml", index=7)
    text = str(problem)
    assert "data/items/roads.yaml" in text and "feature 7" in text and "ring-road-4-capital" in text and "mode" in text


@pytest.mark.parametrize(
    ("field", "value", "expected_field", "words"),
    [
        ("mode", "expresway", "mode", "did you mean 'expressway'"),
        ("status", "building", "status", "unknown status"),
        ("action", "demolish", "action", "unknown action"),
        ("end_year", 2020, "end_year", "before start_year"),
        ("start_year", "soon", "start_year", "not a year"),
        ("status_as_of", "2025-02-30", "status_as_of", "not a date"),
        ("status_as_of", "2099-01-01", "status_as_of", "in the future"),
        ("id", "Ring Road 4", "id", "slug"),
        ("name_vi", None, "name_vi", "missing"),
        ("provinces", ["Hải Dương"], "provinces", "former province"),
        ("provinces", ["Atlantis"], "provinces", "unknown province"),
        ("corridors", ["nowhere"], "corridors", "unknown corridor"),
        ("commitments", [], "commitments", "missing citation"),
        ("location_precision", "roughly", "location_precision", "unknown location_precision"),
    ],
)
def test_field_errors(record, field, value, expected_field, words):
    record[field] = value
    problems = problems_of(record)
    assert any(f == expected_field and words in m for f, m in problems), problems


def test_unknown_field_is_reported_never_dropped(record):
    record["colour"] = "red"
    assert ("colour", "unknown field") in problems_of(record)


def test_status_beyond_the_documents_needs_a_dated_source(record):
    record["status_source"] = None
    assert "status_source" in fields_of(record)
    record = base_record() | {"status": "planned", "status_source": None, "status_as_of": None}
    assert "status_source" not in fields_of(record)


def test_quote_not_in_the_cited_lines(record):
    record["commitments"][0]["quote"] = "Đến năm 2099, hoàn thành"
    assert "commitments[0].quote" in fields_of(record)
    record["commitments"][0] = base_record()["commitments"][0] | {"line": 300}
    assert "commitments[0].quote" in fields_of(record)


def test_quote_may_span_line_breaks():
    lines = TEXTS["14/NQ-CP"]
    assert quote_found("hoàn thành tuyến đường vành đai 4 - Vùng Thủ đô", lines, 441) or quote_found(
        "vành đai 4 - Vùng", lines, 441
    )
    assert not quote_found("", lines, 441)


def test_unknown_document_and_line_past_end(record):
    record["commitments"][0]["document"] = "99/NQ-CP"
    assert "commitments[0].document" in fields_of(record)
    record = base_record()
    record["commitments"][0]["line"] = 100_000
    assert "commitments[0].line" in fields_of(record)


def test_swapped_lat_lon_is_suggested(record):
    record["geometry"] = {"type": "Point", "coordinates": [21.03, 105.85]}
    record["mode"] = "airport"
    messages = [m for f, m in problems_of(record) if f == "geometry"]
    assert any("outside Vietnam" in m and "swapped" in m for m in messages)


def test_point_outside_vietnam(record):
    record["geometry"] = {"type": "Point", "coordinates": [2.35, 48.85]}
    messages = [m for f, m in problems_of(record) if f == "geometry"]
    assert messages and "swapped" not in messages[0]


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [[[106, 20], [106.1, 20.1], [106.1, 20], [106, 20.1], [106, 20]]]},
        {"type": "LineString", "coordinates": [[106, 20], [106, 20]]},
        {"type": "LineString", "coordinates": [[106, 20], [float("nan"), 20.5]]},
        {"type": "Point", "coordinates": [float("inf"), 20]},
        {"type": "Point"},
        {"type": "Polygon", "coordinates": [[[106, 20], [106.1, 20.1], [106.1, 20]]]},
    ],
)
def test_invalid_geometries(record, geometry):
    record["geometry"] = geometry
    assert "geometry" in fields_of(record)


def test_length_far_from_stated(record):
    record["stated_length_km"] = 500.0
    record["stated_length_source"] = "https://example.org"
    assert any(f == "geometry" and "stated" in m for f, m in problems_of(record))
    record["stated_length_km"] = None
    assert problems_of(record) == []


def test_funding_needs_source_and_sane_amount(record):
    record["funding"]["source"] = None
    assert "funding.source" in fields_of(record)
    record = base_record()
    record["funding"]["amount"] = -5
    assert "funding.amount" in fields_of(record)
    record["funding"]["amount"] = "a lot"
    assert "funding.amount" in fields_of(record)
    record = base_record()
    record["funding"]["types"] = ["gift"]
    assert "funding.types" in fields_of(record)


def test_long_straight_exact_line_is_refused(record):
    record["geometry"] = {"type": "LineString", "coordinates": [[105.8, 21.2], [106.6, 20.8]]}
    record["location_precision"] = "exact"
    assert "geometry" in fields_of(record)


def test_duplicate_ids_and_unknown_parents_across_records():
    a = point_record("port-a")
    b = copy.deepcopy(a)
    c = point_record("berth-c", parent_id="port-x", mode="berth")
    problems = check_records([RawRecord(a, "f", 0), RawRecord(b, "f", 1), RawRecord(c, "f", 2)], CTX)
    assert any(p.field == "id" and "duplicate" in p.message and p.index == 1 for p in problems)
    assert any(p.field == "parent_id" and p.item_id == "berth-c" for p in problems)


def test_not_a_mapping():
    assert check_record({}, CTX)[0].message.startswith("not a mapping")
