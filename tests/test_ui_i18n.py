"""Every UI label exists in Vietnamese and English."""

from __future__ import annotations

import pathlib
import re
import string

import pytest

from geotrack import vocab
from geotrack.errors import GeotrackError
from geotrack.ui import i18n


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
