"""The page shows where each deadline comes from and marks an action disagreement."""

from geotrack.ui import tables as views


def test_the_deadline_basis_and_a_study_against_works_disagreement_are_shown():
    commitments = [
        {"document": "60/KH-UBND", "section": "Phụ lục 3", "line": 375, "quote": "Nghiên cứu đầu tư", "action": "study",
         "deadline_text": "Theo quy hoạch (sau năm 2030)", "deadline_basis": "stated", "deadline_from": None},
        {"document": "14/NQ-CP", "section": "II.4", "line": 452, "quote": "Quốc lộ 6", "action": "build",
         "deadline_text": "Phấn đấu đến năm 2030", "deadline_basis": "inherited",
         "deadline_from": "line 443: opens the sentence", "end_year": 2030},
    ]
    table = views.commitments_frame(commitments, "en")
    assert table.loc["Deadline comes from", "14/NQ-CP"] == "inherited"
    assert table.loc["Where the deadline is from", "14/NQ-CP"] == "line 443: opens the sentence"
    assert table.loc["Action (from the verb)", "60/KH-UBND"] == "⚠ differs: study"
    assert "action (study or works)" in (views.conflict_summary(commitments, "en") or "")
