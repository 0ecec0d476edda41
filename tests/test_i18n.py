"""Every UI label exists in Vietnamese and English."""

from __future__ import annotations

import string

import pytest

from geotrack import i18n, vocab
from geotrack.errors import GeotrackError


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


def test_labels_used_by_the_code_exist():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    sources = [root / "app.py", *(root / "geotrack").glob("*.py")]
    used: set[str] = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", text))
    used -= {"conflict_"}  # built from CONFLICT_FIELDS
    assert used <= set(i18n.LABELS), used - set(i18n.LABELS)
    for field in ("deadline", "start_year", "lead_agency"):
        assert f"conflict_{field}" in i18n.LABELS
