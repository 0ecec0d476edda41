from geotrack import vocab


def test_fold_strips_vietnamese_diacritics_and_case():
    assert vocab.fold("Đường Vành  đai 4") == "duong vanh dai 4"
    assert vocab.fold("Hải Phòng") == "hai phong"


def test_there_are_34_provinces_after_the_2025_merger():
    assert len(vocab.PROVINCES) == 34


def test_former_provinces_map_to_their_successors():
    assert vocab.FORMER_PROVINCES["Hải Dương"] == "Hải Phòng"
    assert vocab.FORMER_PROVINCES["Thái Bình"] == "Hưng Yên"
    assert vocab.FORMER_PROVINCES["Bắc Giang"] == "Bắc Ninh"
    assert vocab.FORMER_PROVINCES["Yên Bái"] == "Lào Cai"


def test_canonical_province_accepts_current_former_and_undiacritised_names():
    assert vocab.canonical_province("Hà Nội") == "Hà Nội"
    assert vocab.canonical_province("hai duong") == "Hải Phòng"
    assert vocab.canonical_province("Atlantis") is None


def test_every_status_maps_to_oc4ids_iati_and_labels():
    for status in vocab.STATUSES:
        assert status in vocab.STATUS_OC4IDS
        assert status in vocab.STATUS_IATI
        assert all(vocab.STATUS_LABELS[status])
    assert vocab.STATUS_OC4IDS["operational"] == "maintenance"
    assert vocab.STATUS_OC4IDS["suspended"] is None
    assert vocab.STATUS_IATI["suspended"] == 6


def test_every_mode_has_labels_and_a_sector():
    for mode in vocab.MODES:
        assert all(vocab.MODE_LABELS[mode])
        assert vocab.MODE_SECTORS[mode]


def test_ministry_of_transport_is_now_construction():
    assert vocab.AGENCY_SUCCESSORS["Bộ Giao thông vận tải"] == "Bộ Xây dựng"
