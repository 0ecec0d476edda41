"""Conflicts between and within documents, and differences between related works."""

import pytest

from geotrack import conflicts
from geotrack.build import parse_items
from geotrack.conflicts import conflict_map
from geotrack.io import read_dataset


def c(document, line, **fields):
    return {"document": document, "line": line, "deadline_basis": "stated", **fields}


def test_a_document_that_gives_two_values_disagrees_with_itself():
    found = conflicts.item_conflicts("x", [c("60/KH-UBND", 326, end_year=2025, deadline_text="2023-2025"),
                                          c("60/KH-UBND", 390, end_year=2030, deadline_text="2023-2030")])
    assert [f.field for f in found] == ["deadline"]
    assert found[0].within_document == ("60/KH-UBND",)
    assert conflict_map([c("A", 1, end_year=2025), c("A", 2, end_year=2030)]) == {
        "deadline": {"A": "2025; 2030"}}


def test_study_against_works_is_a_conflict_but_build_against_complete_is_not():
    study = c("60/KH-UBND", 375, action="study")
    build = c("07/NQ-CP", 290, action="build")
    complete = c("14/NQ-CP", 1, action="complete")
    assert [f.field for f in conflicts.item_conflicts("x", [study, build])] == ["action"]
    assert conflicts.item_conflicts("x", [build, complete]) == []


def test_submission_dates_and_horizons_do_not_date_the_work():
    row = c("07/NQ-CP", 268, deadline_basis="submission", deadline_text="2024")
    horizon = c("30-NQ/TW", 114, deadline_basis="horizon")
    stated = c("14/NQ-CP", 441, end_year=2027, deadline_text="Đến năm 2027")
    assert conflicts.item_conflicts("x", [row, horizon, stated]) == []
    inherited = c("14/NQ-CP", 452, end_year=2030, deadline_basis="inherited", deadline_text="Phấn đấu đến năm 2030")
    assert [f.field for f in conflicts.item_conflicts("x", [stated, inherited])] == ["deadline"]


def test_a_part_and_its_whole_are_related_not_in_conflict():
    whole = [c("07/NQ-CP", 289, end_year=2030, deadline_text="2026-2030")]
    part = [c("60/KH-UBND", 378, deadline_text="Theo quy hoạch (sau năm 2030)")]
    records = [{"id": "line", "parent_id": None}, {"id": "section", "parent_id": "line"}]
    relations = conflicts.relations_of(records)
    assert relations == [("section", "line", "part of")]
    found = conflicts.related_differences({"line": whole, "section": part}, relations)
    assert [(d.item_id, d.related_id, d.field) for d in found] == [("section", "line", "deadline")]
    assert conflicts.item_conflicts("section", part) == []


@pytest.fixture(scope="module")
def shipped():
    dataset = read_dataset()
    items = {item.id: [x.to_record() for x in item.commitments] for item in parse_items(dataset)}
    return dataset, items


def _fields(commitments):
    return {f.field: f for f in conflicts.item_conflicts("", commitments)}


def test_the_shipped_data_shows_the_action_disagreements(shipped):
    _, items = shipped
    section = _fields(items["rail-hanoi-haiphong-section"])["action"]
    assert {(r.document, r.line) for r in section.readings if r.key == "study"} >= {("14/NQ-CP", 459)}
    assert ("60/KH-UBND", 377) in {(r.document, r.line) for r in section.readings if r.key == "works"}
    tien_lang = _fields(items["airport-tien-lang"])["action"]
    assert ("60/KH-UBND", 375, "study") in {(r.document, r.line, r.key) for r in tien_lang.readings}
    assert ("07/NQ-CP", 290, "works") in {(r.document, r.line, r.key) for r in tien_lang.readings}


def test_the_shipped_data_shows_documents_disagreeing_with_themselves(shipped):
    _, items = shipped
    assert _fields(items["logistics-hai-phong-fisheries-centre"])["deadline"].within_document == ("60/KH-UBND",)
    for item_id, lines in (("ql6-ba-la-xuan-mai", {441, 452}), ("coastal-road-thai-binh-nam-dinh-ninh-binh",
                                                                  {442, 454})):
        deadline = _fields(items[item_id])["deadline"]
        assert deadline.within_document == ("14/NQ-CP",)
        assert {r.line for r in deadline.readings} == lines


def test_the_mong_cai_line_and_the_nam_hai_phong_ha_long_section_are_related_not_in_conflict(shipped):
    dataset, items = shipped
    records = [raw.record for raw in dataset.records]
    found = conflicts.related_differences(items, conflicts.relations_of(records, dataset.related))
    pairs = {(d.item_id, d.related_id, d.field) for d in found}
    assert ("rail-nam-haiphong-ha-long-section", "rail-mong-cai-ha-long-haiphong", "deadline") in pairs
    assert "deadline" not in _fields(items["rail-mong-cai-ha-long-haiphong"])


def test_no_conflict_comes_from_a_merge_or_a_borrowed_deadline(shipped):
    _, items = shipped
    # once merged with the city's start-up centre, and given 30-NQ/TW's 2030 from another sentence
    assert "lead_agency" not in _fields(items["red-river-delta-innovation-centre-hai-phong"])
    assert "lead_agency" not in _fields(items["ez-southern-haiphong-coastal"])
    deadline = _fields(items["coastal-road-thai-binh-nam-dinh-ninh-binh"])["deadline"]
    assert "30-NQ/TW" not in deadline.documents
