"""Shared fixtures: a small dataset on disk built from the real document texts."""

from __future__ import annotations

import copy
import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from geotrack.io import DATA_DIR
from geotrack.store import GeoPackageStore, Store
from postgis import PostGISServer, PostGISUnavailable

#: The store backends every store-touching test runs on.
STORE_KINDS = ("gpkg", "postgis")

# A developer's shared database must never be what a test writes to: tests name their stores.
os.environ.pop("GEOTRACK_DATABASE_URL", None)

CORRIDORS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": "ring-4-capital", "name_vi": "Vành đai 4", "name_en": "Ring Road 4", "kind": "ring"},
            "geometry": {"type": "LineString", "coordinates": [[105.7, 21.2], [105.7, 20.9], [106.1, 21.1]]},
        },
        {
            "type": "Feature",
            "properties": {"id": "ec-kunming-laocai-hanoi-haiphong-quangninh", "name_vi": "Hành lang Côn Minh",
                           "name_en": "Kunming corridor", "kind": "economic_corridor"},
            "geometry": {"type": "LineString", "coordinates": [[103.96, 22.5], [105.85, 21.03], [106.68, 20.86]]},
        },
    ],
}


def base_record() -> dict[str, Any]:
    """A valid item record citing a real line of 14/NQ-CP."""
    return {
        "id": "ring-road-4-capital",
        "name_vi": "Đường vành đai 4 - Vùng Thủ đô Hà Nội",
        "name_en": "Ring Road 4 – Capital Region",
        "parent_id": None,
        "mode": "ring_road",
        "action": "build",
        "status": "under_construction",
        "status_as_of": "2025-06-30",
        "status_source": "https://example.org/status",
        "start_year": 2023,
        "end_year": 2027,
        "deadline_text": "Đến năm 2027",
        "funding": {"types": ["state_budget", "ppp"], "amount": 85813, "unit": "billion_vnd",
                    "as_of": "2022-06-16", "source": "https://example.org/funding"},
        "lead_agency": "Bộ Giao thông vận tải",
        "lead_agency_current": "Bộ Xây dựng",
        "provinces": ["Hà Nội", "Hưng Yên", "Bắc Ninh"],
        "former_provinces": ["Bắc Giang"],
        "corridors": ["ring-4-capital"],
        "geometry": {
            "type": "LineString",
            "coordinates": [[105.80, 21.25], [105.70, 21.05], [105.75, 20.85], [105.95, 20.85], [106.10, 21.10]],
        },
        "location_precision": "approximate",
        "geometry_source": "test waypoints",
        "stated_length_km": None,
        "stated_length_source": None,
        "sources": [
            {"url": "https://example.org/status", "title": "status", "as_of": "2025-06-30",
             "supports": ["status", "start_year"]}
        ],
        "commitments": [
            {"document": "14/NQ-CP", "section": "II.4.a(i)", "line": 441,
             "quote": "Đến năm 2027, hoàn thành tuyến đường vành đai 4 - Vùng", "action": "complete",
             "deadline_text": "Đến năm 2027", "deadline_basis": "stated", "deadline_from": None,
             "start_year": None, "end_year": 2027, "lead_agency": None, "funding_text": None},
        ],
        "notes": None,
    }


def point_record(item_id: str, **changes: Any) -> dict[str, Any]:
    """A valid site record (a point in Hải Phòng) with ``changes`` applied."""
    record = base_record()
    record.update({
        "id": item_id, "name_vi": f"Cảng {item_id}", "name_en": f"Port {item_id}", "mode": "seaport",
        "status": "planned", "status_as_of": None, "status_source": "14/NQ-CP", "start_year": None,
        "end_year": 2030, "deadline_text": "2030", "funding": None, "provinces": ["Hải Phòng"],
        "former_provinces": [], "corridors": [], "sources": [],
        "geometry": {"type": "Point", "coordinates": [106.9, 20.8]},
        "commitments": [{"document": "14/NQ-CP", "section": "II.4.a(iv)", "line": 471,
                         "quote": "Về cảng biển", "deadline_text": None, "start_year": None, "end_year": 2030,
                         "lead_agency": None, "funding_text": None}],
    })
    record.update(changes)
    return record


@pytest.fixture
def record() -> dict[str, Any]:
    """A fresh valid record to mutate."""
    return copy.deepcopy(base_record())


DatasetFactory = Callable[[Iterable[dict[str, Any]]], tuple[Path, Path]]


@pytest.fixture
def make_dataset(tmp_path: Path) -> DatasetFactory:
    """Write a dataset folder with the real documents and the given records; return (data, layers)."""

    def factory(records: Iterable[dict[str, Any]]) -> tuple[Path, Path]:
        data = tmp_path / "data"
        layers = tmp_path / "layers"
        if not data.exists():
            shutil.copytree(DATA_DIR / "documents", data / "documents")
            shutil.copy(DATA_DIR / "documents.yaml", data / "documents.yaml")
            layers.mkdir()
            (layers / "corridors.geojson").write_text(json.dumps(CORRIDORS), encoding="utf-8")
        (data / "items").mkdir(exist_ok=True)
        (data / "items" / "test.yaml").write_text(
            yaml.safe_dump({"items": list(records)}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return data, layers

    return factory


# -- stores: the same tests on the GeoPackage and on PostGIS ------------------------------------------
@pytest.fixture(scope="session")
def postgis_server() -> Iterable[PostGISServer]:
    """A PostgreSQL + PostGIS server on a loopback port for the whole session (fails, never skips)."""
    server = None
    try:
        server = PostGISServer()
        server.start()
    except PostGISUnavailable as exc:
        if server is not None:
            server.stop()
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def postgis_url(postgis_server: PostGISServer) -> str:
    """URL of a fresh, empty database with PostGIS."""
    return postgis_server.create_database()


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which backend: ``"gpkg"`` or ``"postgis"``."""
    return str(request.param)


StoreFactory = Callable[[], Store]


@pytest.fixture
def make_store(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> StoreFactory:
    """A factory of fresh, empty stores of the test's backend (``s.gpkg`` first for the GeoPackage)."""
    made = {"n": 0}

    def factory() -> Store:
        made["n"] += 1
        if store_kind == "gpkg":
            return GeoPackageStore(tmp_path / ("s.gpkg" if made["n"] == 1 else f"s{made['n']}.gpkg"))
        from geotrack.store_postgis import PostGISStore

        server: PostGISServer = request.getfixturevalue("postgis_server")
        return PostGISStore(server.create_database())

    return factory


def store_location(store: Store) -> str:
    """What ``--store`` or :func:`geotrack.store.open_store` takes for ``store``: a path or a URL."""
    return str(getattr(store, "path"))  # noqa: B009 - both backends have it; the Protocol does not


def snapshot(store: Store) -> Any:
    """Everything a store holds, comparable: a GeoPackage's bytes; PostGIS's items, history, meta, documents."""
    if isinstance(store, GeoPackageStore):
        return store.path.read_bytes()
    frame = store.load()
    geometries = [None if g is None else g.wkb for g in frame.geometry]
    return (frame.drop(columns="geometry").to_dict("records"), geometries, store.history(), store.meta(),
            store.documents())
