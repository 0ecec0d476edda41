"""The item page: facts, commitment cards with reader links, sources as safe links, the history story."""

from __future__ import annotations

import datetime as dt

import pytest
from mapfixtures import SCRIPT_AGENCY, XSS_NAME, fixture_records

from geotrack.changes import HistoryEntry, encode_value
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.ui import item


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    frame = items_to_frame([Item.from_record(r) for r in fixture_records()])
    return {r["id"]: r for r in frame.drop(columns="geometry").to_dict("records")}


def test_cards_hold_full_quotes_and_link_to_the_line(rows):
    page = item.page_html(rows["ring-road-4-capital"], "en", titles={"14/NQ-CP": "Action programme"})
    assert "(ưu tiên vành đai 4, vành đai 5)</blockquote>" in page  # the whole quote
    assert "href='?doc=14%2FNQ-CP&amp;line=441&amp;sel=ring-road-4-capital&amp;lang=en'" in page
    assert "Action programme" in page and "the documents disagree on: deadline" in page


def test_every_text_is_escaped_and_only_http_links_are_made(rows):
    page = item.page_html(rows["xss-airport"], "vi") + item.page_html(rows["rail-script-agency"], "vi")
    assert XSS_NAME not in page and SCRIPT_AGENCY not in page and "&lt;script&gt;" in page
    assert item.link("javascript:alert(1)", "x") == "x"
    assert item.link("https://a.example/p?q=1&r=<b>", "<t>").startswith('<a href="https://a.example/p?q=1&amp;r=&lt;b&gt;"')


def test_empty_values_are_a_dash_never_none(rows):
    page = item.page_html(rows["social-nowhere"], "en")
    assert "None" not in page and "<dd>—</dd>" in page


def _entry(at: str, field: str, old: object, new: object, actor: str = "editor") -> HistoryEntry:
    return HistoryEntry(at, "x", field, encode_value(old), encode_value(new), actor, "https://example.org/n")


def test_history_is_a_story_and_a_first_build_is_not_a_change():
    entries = [HistoryEntry("2025-01-01T00:00:00+00:00", "x", "item", None, "added", "geotrack build", "data/"),
               _entry("2025-06-01T00:00:00+00:00", "status", "planned", "approved")]
    story = item.history_story(entries, "en")
    assert story[0] == "2025-01-01: recorded from the documents (first data build)."
    assert story[1] == ("2025-06-01: status changed from “Planned” to “Approved” (by editor). "
                        "Source: https://example.org/n.")
    assert item.history_story(entries[:1], "vi")[0].startswith("2025-01-01: ghi nhận từ các văn bản")


def test_cite_line_names_the_item_the_build_and_the_address(rows):
    line = item.cite_line(rows["ring-road-4-capital"], "en", "?sel=ring-road-4-capital", "2026-11-27T08:00:00",
                          dt.date(2026, 11, 27))
    assert line == ("“Ring Road 4 – Capital Region” (ring-road-4-capital). geotrack — committed infrastructure "
                    "tracker, data built 2026-11-27. ?sel=ring-road-4-capital (accessed 2026-11-27).")


def test_cards_say_where_each_deadline_comes_from_and_mark_an_action_disagreement():
    commitments = [
        {"document": "60/KH-UBND", "section": "Phụ lục 3", "line": 375, "quote": "Nghiên cứu đầu tư", "action": "study",
         "deadline_text": "Theo quy hoạch (sau năm 2030)", "deadline_basis": "horizon", "deadline_from": None},
        {"document": "14/NQ-CP", "section": "II.4", "line": 452, "quote": "Quốc lộ 6", "action": "build",
         "deadline_text": "Phấn đấu đến năm 2030", "deadline_basis": "inherited",
         "deadline_from": "line 443: opens the sentence", "end_year": 2030},
    ]
    cards = item.commitment_cards({"id": "x", "commitments": commitments}, "en").split("<div class='gt-card'>")[1:]
    assert "Deadline comes from: from the clause&#x27;s common deadline (line 443: opens the sentence)" in cards[1]
    assert "Deadline comes from: a planning horizon, no year" in cards[0]
    assert "Action (from the verb): study (no works yet)" in cards[0] and "Action (from the verb): build" in cards[1]
    assert "⚠" in cards[0] and "action (study or works)" in cards[0]
    vi = item.commitment_cards({"id": "x", "commitments": commitments}, "vi")
    assert "nghiên cứu (chưa có công trình)" in vi and "study (no works yet)" not in vi


def test_the_vietnamese_page_folds_the_data_teams_english_and_writes_sections_as_the_documents_do():
    row = {"id": "x", "name_vi": "Cầu", "name_en": "Bridge", "notes": "Deadline from the 2024 plan.",
           "geometry_source": "Drawn from waypoints.", "location_precision": "approximate",
           "commitments": [{"document": "14/NQ-CP", "section": "Mục II.4, (i) Về đường bộ", "line": 441,
                            "quote": "Đến năm 2027", "deadline_text": "Đến năm 2027"}]}
    vi, en = item.page_html(row, "vi"), item.page_html(row, "en")
    # in Vietnamese: the English notes under a summary saying so, marked lang='en'; the other name marked too
    assert "<summary>Ghi chú của nhóm dữ liệu (bằng tiếng Anh, bấm để xem)</summary><span lang='en'>Deadline from" in vi
    assert "<div class='gt-muted' lang='en'>Bridge</div>" in vi
    assert "· Mục II.4, (i) Về đường bộ ·" in vi and "Mục Mục" not in vi
    # in English: the notes as they are, the section in English, the Vietnamese name and quotes marked lang='vi'
    assert "Deadline from the 2024 plan." in en and "<details" not in en
    assert "· Section II.4, (i) roads ·" in en and "Mục" not in en
    assert "<div class='gt-muted' lang='vi'>Cầu</div>" in en and "<q lang='vi'>Đến năm 2027</q>" in en


def test_each_source_link_carries_its_tier_and_a_weak_one_is_marked(rows):
    row = rows["ring-road-4-capital"]
    press = item.page_html(row, "en", source_tiers={"press_of_record": ["example.org"]})
    assert press.count("(press of record)") == 3  # status source, funding source, the listed source
    assert "gt-weak" not in press
    weak = item.page_html(row, "vi", source_tiers={"press_of_record": ["tienphong.vn"]})
    assert weak.count("⚠ nguồn yếu</span>") == 3 and "title='Không phải cổng thông tin chính thức" in weak
    assert "gt-tier" not in item.page_html(row, "en") and "gt-weak" not in item.page_html(row, "en")
    assert item.tier_mark("07/NQ-CP", {"official": ["gov.vn"]}, "en") == ""  # a document number is no web page
