"""The vendored Leaflet is in the repository, intact, and what the map asks for."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from geotrack.ui import leaflet as mapview

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = ROOT / "static" / "vendor" / "leaflet"


def test_vendored_leaflet_matches_its_checksums():
    sums = (LEAFLET / "SHA256SUMS").read_text(encoding="utf-8").split("\n")
    listed = [line.split(maxsplit=1) for line in sums if line.strip()]
    assert {name for _, name in listed} >= {"./leaflet.js", "./leaflet.css", "./images/marker-icon.png"}
    for digest, name in listed:
        assert hashlib.sha256((LEAFLET / name).read_bytes()).hexdigest() == digest, name
    assert (LEAFLET / "VERSION").read_text(encoding="utf-8").strip() == "1.9.4"
    assert "Leaflet 1.9.4" in (LEAFLET / "leaflet.js").read_text(encoding="utf-8")[:200]


def test_the_map_asks_for_the_vendored_files():
    for url in (mapview.LEAFLET_JS, mapview.LEAFLET_CSS):
        assert url.startswith("/app/static/")
        assert (ROOT / "static" / url.removeprefix("/app/static/")).is_file()


def test_streamlit_serves_static_and_sends_no_usage_stats():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False
