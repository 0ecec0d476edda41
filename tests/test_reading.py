"""Sentences, deadline bases and actions read from document text."""

from geotrack import reading

PARAGRAPH = [
    "- Đến năm 2030, hoàn chỉnh các tuyến vành đai (ưu tiên vành đai 4). Cải tạo các tuyến",
    "đường sắt hiện có; hoàn thành tuyến Yên Viên - Cái Lân.",
    "",
    "(i) Về đường bộ: Phấn đấu đến năm 2030, đầu tư tuyến A, tuyến B; Mở rộng các",
    "tuyến cao tốc C, D; Hải Phòng là cửa ngõ.",
    "",
    "TT\tNhiệm vụ\tThời gian",
    "1\tĐầu tư tuyến E\t2023-2030",
    "6",
    "Đề án khu thương mại tự do",
    "UBND thành phố Hà Nội",
    "2026 - 2027",
]


def test_a_full_stop_ends_the_sentence_a_deadline_opens():
    assert reading.deadline_in_sentence(PARAGRAPH, 1, "hoàn chỉnh các tuyến vành đai", "Đến năm 2030")
    assert not reading.deadline_in_sentence(PARAGRAPH, 1, "hoàn thành tuyến Yên Viên - Cái Lân", "Đến năm 2030")


def test_a_semicolon_before_a_new_task_ends_the_sentence_but_not_before_a_name():
    assert reading.deadline_in_sentence(PARAGRAPH, 4, "tuyến B", "Phấn đấu đến năm 2030")
    assert not reading.deadline_in_sentence(PARAGRAPH, 4, "Mở rộng các tuyến cao tốc C", "Phấn đấu đến năm 2030")
    # "; Hải Phòng là" starts with a name: the same sentence as the "Mở rộng" clause
    found = reading.sentences_of_quote(PARAGRAPH, 5, "Hải Phòng là cửa ngõ")
    assert len(found) == 1 and found[0].text.startswith("Mở rộng")


def test_a_table_row_is_one_unit_whether_tab_separated_or_one_cell_per_line():
    assert reading.deadline_in_sentence(PARAGRAPH, 8, "Đầu tư tuyến E", "2023-2030")
    assert reading.deadline_in_sentence(PARAGRAPH, 10, "Đề án khu thương mại tự do", "2026 - 2027")
    assert not reading.deadline_in_sentence(PARAGRAPH, 8, "Đầu tư tuyến E", "2026 - 2027")


def test_a_page_break_inside_a_sentence_does_not_split_it():
    lines = ["Đẩy nhanh tiến độ, hoàn thành một số công trình", "", "hạ tầng giao thông đến năm 2027."]
    assert reading.deadline_in_sentence(lines, 1, "hoàn thành một số công trình hạ tầng", "đến năm 2027")


def test_origin_line_is_read_from_deadline_from():
    assert reading.origin_line("line 443: 'Phấn đấu đến năm 2030' opens the sentence") == 443
    assert reading.origin_line("the bullet's opening") is None
    assert reading.text_on_line(PARAGRAPH, 4, "Phấn đấu đến năm 2030")


def test_action_comes_from_the_verb_and_a_specific_verb_beats_a_general_one():
    assert reading.action_of("Nghiên cứu đầu tư Cảng hàng không quốc tế tại huyện Tiên Lãng") == "study"
    assert reading.action_of("Xây dựng Cảng hàng không quốc tế Hải Phòng tại Tiên Lãng") == "build"
    assert reading.action_of("Hoàn thành đầu tư xây dựng Trung tâm nghề cá lớn") == "complete"
    assert reading.action_of("đầu tư cải tạo, nâng cấp đồng bộ các tuyến đê") == "upgrade"
    assert reading.action_of("Xây dựng lộ trình nghiên cứu đầu tư tuyến đường sắt") == "study"
    assert reading.action_of("Quốc lộ 38C") is None
