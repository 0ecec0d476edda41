"""Every UI label exists in Vietnamese and English."""

from __future__ import annotations

import pathlib
import re
import string

import pytest
import yaml

from geotrack import vocab
from geotrack.errors import GeotrackError
from geotrack.ui import i18n

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(i18n.LABELS))
def test_every_label_has_vietnamese_and_english(key):
    vi, en = i18n.LABELS[key]
    assert vi.strip() and en.strip()
    assert _fields(vi) == _fields(en), "both languages take the same placeholders"


def test_t_picks_the_language_and_fills_placeholders():
    assert i18n.t("count", "vi", n=2, total=5) == "2 / 5 công trình khớp bộ lọc"
    assert i18n.t("count", "en", n=2, total=5) == "2 of 5 items match"
    assert i18n.t("title") == i18n.LABELS["title"][0]  # Vietnamese by default


def test_unknown_key_or_language_raises():
    with pytest.raises(GeotrackError):
        i18n.t("no-such-label", "vi")
    with pytest.raises(GeotrackError):
        i18n.t("title", "fr")


@pytest.mark.parametrize(("table", "values"), [
    (vocab.MODE_LABELS, vocab.MODES),
    (vocab.STATUS_LABELS, vocab.STATUSES),
    (vocab.FUNDING_LABELS, vocab.FUNDING_TYPES),
])
def test_every_vocabulary_value_has_both_labels(table, values):
    for value in values:
        for lang in i18n.LANGS:
            assert i18n.vocab_label(table, value, lang).strip()
    assert i18n.vocab_label(table, "not-in-vocab", "en") == "not-in-vocab"
    assert i18n.vocab_label(table, None, "en") == i18n.t("unknown", "en")


def test_normalise_lang():
    assert i18n.normalise_lang("en") == "en"
    assert i18n.normalise_lang("xx") == i18n.DEFAULT_LANG
    assert i18n.normalise_lang(None) == i18n.DEFAULT_LANG


#: A label key in a call: ``t("key"``, ``tr("key"``, ``i18n.t("key"`` (also as ``f"prefix_{…}"``).
LABEL_CALL = re.compile(r"""\b(?:i18n\.)?(?:t|tr)\(\s*(f?)["']([a-z_]+)(\{?)""")


def labels_used(text: str) -> tuple[set[str], set[str]]:
    """Label keys ``text`` passes to a translator, and the prefixes of keys it builds with an f-string."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for is_f, key, brace in LABEL_CALL.findall(text):
        (prefixes if is_f and brace else keys).add(key)
    return keys, prefixes


def test_label_scan_sees_every_call_form():
    text = 't("a_b")\ni18n.t("c", lang)\ntr("d", n=1)\nt(f"conflict_{f}")\nst.caption(i18n.t("e", lang, n=2))'
    assert labels_used(text) == ({"a_b", "c", "d", "e"}, {"conflict_"})


def test_labels_used_by_the_code_exist():
    root = pathlib.Path(__file__).resolve().parent.parent
    sources = [root / "app.py", *(root / "geotrack").rglob("*.py")]
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in sources:
        keys, built = labels_used(path.read_text(encoding="utf-8"))
        used |= keys
        prefixes |= built
    assert used <= set(i18n.LABELS), used - set(i18n.LABELS)
    assert {p for p in prefixes if not any(k.startswith(p) for k in i18n.LABELS)} == set()
    for field in ("deadline", "start_year", "lead_agency"):
        assert f"conflict_{field}" in i18n.LABELS


@pytest.mark.parametrize(("value", "lang", "decimals", "expected"), [
    (85813, "vi", None, "85.813"), (85813, "en", None, "85,813"),
    (2689.819, "vi", None, "2.689,819"), (2689.819, "en", None, "2,689.819"),
    (112.8, "vi", 1, "112,8"), (1700000, "vi", None, "1.700.000"), (7000.0, "en", None, "7,000"),
])
def test_number_groups_as_the_language_writes_and_never_rounds_a_stated_figure(value, lang, decimals, expected):
    assert i18n.number(value, lang, decimals) == expected


def test_section_references_read_in_english_on_the_english_page_and_as_written_otherwise():
    assert i18n.section_label("Mục II.4, (i) Về đường bộ", "vi") == "Mục II.4, (i) Về đường bộ"
    assert i18n.section_label("Mục II.4, (i) Về đường bộ", "en") == "Section II.4, (i) roads"
    assert i18n.section_label("Phụ lục 3, mục IV (Cảng biển), dòng 1", "en") == \
        "Appendix 3, section IV (Seaports), row 1"


def test_every_section_in_the_data_has_no_vietnamese_word_left_in_english():
    # the data's own section references: a new wording needs its English words
    vietnamese = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
    sections = {c["section"] for path in (ROOT / "data" / "items").glob("*.yaml")
                for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
                for c in item.get("commitments") or () if c.get("section")}
    assert sections
    assert sorted(s for s in sections if vietnamese.search(i18n.section_label(s, "en"))) == []
