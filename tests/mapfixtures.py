"""A small store for the app's tests: a line, sites, an item with no location and two hostile texts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from geotrack.build import build
from geotrack.io import DATA_DIR, LAYERS_DIR
from geotrack.store import GeoPackageStore

_COMMITMENT_14 = {"document": "14/NQ-CP", "section": "II.4.a(i)", "line": 441,
                  "quote": "Đến năm 2027, hoàn thành tuyến đường vành đai 4 - Vùng", "deadline_text": "Đến năm 2027",
                  "start_year": None, "end_year": 2027, "lead_agency": None, "funding_text": None}
_COMMITMENT_30 = {"document": "30-NQ/TW", "section": "Mục III.3", "line": 114,
                  "quote": "Đến năm 2030, hoàn chỉnh các tuyến đường bộ cao tốc hướng tâm và các tuyến vành đai "
                           "vùng Thủ đô (ưu tiên vành đai 4, vành đai 5)",
                  "deadline_text": "Đến năm 2030", "start_year": None, "end_year": 2030, "lead_agency": None,
                  "funding_text": None}
_COMMITMENT_PORT = {"document": "14/NQ-CP", "section": "II.4.a(iv)", "line": 471, "quote": "Về cảng biển",
                    "deadline_text": None, "start_year": None, "end_year": 2030, "lead_agency": None,
                    "funding_text": None}
XSS_NAME = '<img src=x onerror="window.__xss=1">'
SCRIPT_AGENCY = "<script>window.__xss=2</script>Bộ Xây dựng"


def base_record() -> dict[str, Any]:
    """A valid line item citing a real line of 14/NQ-CP (kept apart from tests/conftest.py, which the
    browser tests' own conftest would shadow)."""
    return {
        "id": "ring-road-4-capital", "name_vi": "Đường vành đai 4 - Vùng Thủ đô Hà Nội",
        "name_en": "Ring Road 4 – Capital Region", "parent_id": None, "mode": "ring_road", "action": "build",
        "status": "under_construction", "status_as_of": "2025-06-30", "status_source": "https://example.org/status",
        "start_year": 2023, "end_year": 2027, "deadline_text": "Đến năm 2027",
        "funding": {"types": ["state_budget", "ppp"], "amount": 85813, "unit": "billion_vnd",
                    "as_of": "2022-06-16", "source": "https://example.org/funding"},
        "lead_agency": "Bộ Giao thông vận tải", "lead_agency_current": "Bộ Xây dựng",
        "provinces": ["Hà Nội", "Hưng Yên", "Bắc Ninh"], "former_provinces": ["Bắc Giang"],
        "corridors": ["ring-4-capital"],
        "geometry": {"type": "LineString",
                     "coordinates": [[105.80, 21.25], [105.70, 21.05], [105.75, 20.85], [105.95, 20.85],
                                     [106.10, 21.10]]},
        "location_precision": "approximate", "geometry_source": "test waypoints", "stated_length_km": None,
        "stated_length_source": None,
        "sources": [{"url": "https://example.org/status", "title": "status", "as_of": "2025-06-30",
                     "supports": ["status", "start_year"]}],
        "commitments": [dict(_COMMITMENT_30), dict(_COMMITMENT_14)],
        "notes": None,
    }


def point_record(item_id: str, **changes: Any) -> dict[str, Any]:
    """A valid planned seaport at a point in Hải Phòng, with ``changes`` applied."""
    record = base_record()
    record.update({
        "id": item_id, "name_vi": f"Cảng {item_id}", "name_en": f"Port {item_id}", "mode": "seaport",
        "status": "planned", "status_as_of": None, "status_source": "14/NQ-CP", "start_year": None,
        "end_year": 2030, "deadline_text": "2030", "funding": None, "provinces": ["Hải Phòng"],
        "former_provinces": [], "corridors": [], "sources": [],
        "geometry": {"type": "Point", "coordinates": [106.9, 20.8]}, "commitments": [dict(_COMMITMENT_PORT)],
    })
    record.update(changes)
    return record


def fixture_records() -> list[dict[str, Any]]:
    """Six valid items: ring road (line), two ports, the XSS-named airport, a rail line whose agency
    holds a ``<script>`` (overdue), and a social site with no geometry in a former province."""
    ring = base_record()
    port_a = point_record("port-alpha", end_year=2030)
    port_b = point_record("port-bravo", status="under_construction", status_as_of="2025-06-30",
                          status_source="https://example.org/status", start_year=2024, end_year=2027,
                          geometry={"type": "Point", "coordinates": [106.75, 20.85]},
                          provinces=["Hải Phòng"], former_provinces=["Hải Dương"])
    xss = point_record("xss-airport", name_vi=XSS_NAME, name_en=XSS_NAME, mode="airport",
                       geometry={"type": "Point", "coordinates": [105.55, 21.15]}, provinces=["Hà Nội"])
    rail = base_record()
    rail.update({
        "id": "rail-script-agency", "name_vi": "Đường sắt thử nghiệm", "name_en": "Test railway", "mode": "rail",
        "status": "planned", "status_as_of": None, "status_source": "14/NQ-CP", "start_year": 2021,
        "end_year": 2024, "deadline_text": "2024", "funding": None, "lead_agency": SCRIPT_AGENCY,
        "lead_agency_current": SCRIPT_AGENCY, "provinces": ["Hà Nội", "Bắc Ninh"], "former_provinces": [],
        "corridors": [], "sources": [],
        "geometry": {"type": "LineString", "coordinates": [[105.85, 21.03], [106.05, 21.18], [106.2, 21.3]]},
    })
    nowhere = point_record("social-nowhere", name_vi="Bệnh viện chưa có vị trí", name_en="Hospital, no site",
                           mode="social", geometry=None, location_precision=None, geometry_source=None,
                           end_year=None, deadline_text=None, provinces=["Ninh Bình"], former_provinces=["Nam Định"])
    return [ring, port_a, port_b, xss, rail, nowhere]


def build_fixture_store(root: Path, records: list[dict[str, Any]] | None = None) -> Path:
    """Write the dataset under ``root`` (real documents, the project's corridors) and build its store."""
    data = root / "data"
    if not data.exists():
        shutil.copytree(DATA_DIR / "documents", data / "documents")
        shutil.copy(DATA_DIR / "documents.yaml", data / "documents.yaml")
    (data / "items").mkdir(parents=True, exist_ok=True)
    (data / "items" / "test.yaml").write_text(
        yaml.safe_dump({"items": records if records is not None else fixture_records()}, allow_unicode=True,
                       sort_keys=False),
        encoding="utf-8",
    )
    path = root / "store" / "geotrack.gpkg"
    build(GeoPackageStore(path), data_dir=data, layers_dir=LAYERS_DIR)
    return path
