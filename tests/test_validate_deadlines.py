"""Validator rules on where a commitment's deadline comes from, on small records citing real lines."""

import datetime as dt

from geotrack.io import read_documents
from geotrack.testing import base_record
from geotrack.validate import Context, check_record

TEXTS = read_documents()[1]
CTX = Context(TEXTS, frozenset({"ring-4-capital"}), dt.date(2026, 11, 23))

# 30-NQ/TW line 114: "Đến năm 2030" opens the expressway sentence; the railway sentence comes later.
RAILWAY = {"document": "30-NQ/TW", "section": "Mục III.3", "line": 114,
           "quote": "hoàn thành tuyến đường sắt Yên Viên - Phả Lại - Hạ Long - Cái Lân", "action": "complete",
           "deadline_text": "Đến năm 2030", "deadline_basis": "stated", "deadline_from": None,
           "start_year": None, "end_year": 2030, "lead_agency": None, "funding_text": None}


def problems(commitment, severity="error", **item):
    record = base_record() | {"commitments": [commitment], "start_year": None, "end_year": None} | item
    return {(p.field, p.severity) for p in check_record(record, CTX) if p.severity == severity}


def test_a_stated_deadline_must_lie_in_the_sentence_that_names_the_work():
    assert ("commitments[0].deadline_basis", "error") in problems(RAILWAY)
    ring_road = RAILWAY | {"quote": "hoàn chỉnh các tuyến đường bộ cao tốc hướng tâm"}
    assert problems(ring_road) == set()


def test_an_inherited_deadline_must_name_the_line_it_comes_from_and_be_on_it():
    inherited = RAILWAY | {"deadline_basis": "inherited"}
    assert ("commitments[0].deadline_from", "error") in problems(inherited)
    wrong_line = inherited | {"deadline_from": "line 116: the bullet's opening"}
    assert ("commitments[0].deadline_from", "error") in problems(wrong_line)
    assert problems(inherited | {"deadline_from": "line 114: opens the bullet"}) == set()


def test_a_submission_date_gives_no_years_of_the_work():
    row = {"document": "07/NQ-CP", "section": "Phụ lục I, dòng 7", "line": 268,
           "quote": "Thành lập Khu kinh tế ven biển phía Nam Hải Phòng", "action": "build", "deadline_text": "2024",
           "deadline_basis": "submission", "deadline_from": "column 'Thời gian trình'", "start_year": None,
           "end_year": 2024, "lead_agency": None, "funding_text": None}
    assert ("commitments[0].deadline_basis", "error") in problems(row)
    assert problems(row | {"end_year": None}) == set()


def test_a_horizon_means_no_deadline_text_or_years():
    horizon = RAILWAY | {"deadline_basis": "horizon"}
    assert ("commitments[0].deadline_basis", "error") in problems(horizon)
    assert problems(horizon | {"deadline_text": None, "end_year": None}) == set()


def test_a_missing_or_unknown_basis_is_reported():
    assert ("commitments[0].deadline_basis", "warning") in problems(RAILWAY | {"deadline_basis": None}, "warning")
    assert ("commitments[0].deadline_basis", "error") in problems(RAILWAY | {"deadline_basis": "guessed"})


def test_item_years_must_follow_from_a_dating_commitment_or_a_source():
    horizon = RAILWAY | {"deadline_basis": "horizon", "deadline_text": None, "end_year": None}
    assert ("end_year", "warning") in problems(horizon, "warning", end_year=2030)
    stated = RAILWAY | {"quote": "hoàn chỉnh các tuyến đường bộ cao tốc hướng tâm"}
    assert ("end_year", "warning") not in problems(stated, "warning", end_year=2030)


def test_a_lead_agency_or_funding_text_must_come_from_the_sentence_that_names_the_work():
    ring_road = RAILWAY | {"quote": "hoàn chỉnh các tuyến đường bộ cao tốc hướng tâm"}
    assert ("commitments[0].lead_agency", "error") in problems(ring_road | {"lead_agency": "Bộ Giao thông vận tải"})
    row = {"document": "60/KH-UBND", "section": "Phụ lục 3", "line": 375, "quote": "Nghiên cứu đầu tư Cảng hàng không",
           "action": "study", "deadline_text": "Theo quy hoạch (sau năm 2030)", "deadline_basis": "stated",
           "deadline_from": None, "start_year": None, "end_year": None, "lead_agency": "Sở Giao thông vận tải",
           "funding_text": "Ngân sách nhà nước và các nguồn vốn hợp pháp khác"}
    assert problems(row) == set()
    assert ("commitments[0].funding_text", "error") in problems(row | {"funding_text": "trái phiếu xanh"})
