"""Streamlit's own frontend strings in the page's language: the table and the script that applies it.

The script's effect in Chromium (dropdowns, no-match search, date picker, switching language) is
checked by tests/e2e/test_page.py::test_one_language_at_a_time.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from geotrack.ui import frontend

STREAMLIT_STATIC = Path(__import__("streamlit").__file__).parent / "static"


def test_the_vietnamese_page_gets_the_table_and_the_english_page_nothing_to_rewrite():
    exact, patterns = frontend.strings("vi")
    assert exact["Select all"] == "Chọn tất cả" and exact["No results"] == "Không có kết quả"
    assert any(re.fullmatch(p.replace("$1", ""), "Select 3 matches") for p, _ in patterns)
    assert frontend.strings("en") == ({}, [])
    assert '"vi", "vi-VN"' in frontend.script("vi") and '"en", "en-GB", {}, []' in frontend.script("en")


def test_every_vietnamese_text_is_vietnamese_and_differs_from_the_english():
    for english, vietnamese in frontend.STREAMLIT_VI.items():
        assert vietnamese and vietnamese != english, english


@pytest.mark.parametrize("english", ["Select all", "No results", "Press Enter to apply", "Skip to main content",
                                     "Download as CSV", "Copy to clipboard", "Choose date"])
def test_the_strings_the_page_shows_are_those_of_the_installed_streamlit(english):
    """A Streamlit upgrade that rewords one of them shows up here, not as English on the Vietnamese page."""
    bundle = "".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in (STREAMLIT_STATIC / "static" / "js").glob("*.js"))
    # "Press Enter to apply" is made from `Press Enter to ${e}` and `apply`
    literal = "Press Enter to ${e}" if english == "Press Enter to apply" else english
    assert f"`{literal}`" in bundle
    assert english in frontend.STREAMLIT_VI


def test_a_table_text_cannot_close_the_script_element(monkeypatch):
    monkeypatch.setattr(frontend, "STREAMLIT_VI", {"x": "</script><b>"})
    script = frontend.script("vi")
    assert script.count("</script>") == 1 and script.endswith("</script>")


def test_every_pattern_is_a_javascript_regular_expression_that_rewrites_its_example():
    examples = {r"^Select (\d+) matches$": ("Select 12 matches", "Chọn 12 kết quả khớp"),
                r"^Help for (.+)$": ("Help for Năm", "Trợ giúp: Năm")}
    cases = [[p, r, *examples.get(p, ("", ""))] for p, r in frontend.STREAMLIT_VI_PATTERNS]
    out = subprocess.run(
        ["node", "-e", "const c = JSON.parse(process.argv[1]); console.log(JSON.stringify(c.map(([p, r, a, b]) =>"
         " { const re = new RegExp(p); return a ? a.replace(re, r) === b : true; })))", json.dumps(cases)],
        check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == [True] * len(cases)
