"""A small store for the app's tests: a line, sites, an item with no location and two hostile texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geotrack import testing
from geotrack.testing import point_record

XSS_NAME = '<img src=x onerror="window.__xss=1">'
SCRIPT_AGENCY = "<script>window.__xss=2</script>Bộ Xây dựng"


def base_record() -> dict[str, Any]:
    """The Ring Road 4 line item, committed to by 30-NQ/TW and 14/NQ-CP (the map tests show both)."""
    return testing.base_record((testing.COMMITMENT_RING_30, testing.COMMITMENT_RING_14))


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
    store = testing.build_store(root, records if records is not None else fixture_records(), corridors=None)
    return store.path
