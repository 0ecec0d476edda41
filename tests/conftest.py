"""Shared fixtures: a small dataset on disk built from the real document texts."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from geotrack.store import GeoPackageStore, Store
from geotrack.testing import base_record, write_dataset
from postgis import PostGISServer, PostGISUnavailable

#: The store backends every store-touching test runs on.
STORE_KINDS = ("gpkg", "postgis")

# A developer's shared database must never be what a test writes to: tests name their stores.
os.environ.pop("GEOTRACK_DATABASE_URL", None)

@pytest.fixture
def record() -> dict[str, Any]:
    """A fresh valid record to mutate."""
    return copy.deepcopy(base_record())


DatasetFactory = Callable[[Iterable[dict[str, Any]]], tuple[Path, Path]]


@pytest.fixture
def make_dataset(tmp_path: Path) -> DatasetFactory:
    """Write a dataset folder with the real documents and the given records; return (data, layers)."""

    def factory(records: Iterable[dict[str, Any]]) -> tuple[Path, Path]:
        return write_dataset(tmp_path, records)

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs PostgreSQL ``postgis`` (``make unit`` leaves them out)."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        names = set(getattr(item, "fixturenames", ()))
        if names & {"postgis_server", "postgis_url"} or "postgis" in (params.get("store_kind"), params.get("kind")):
            item.add_marker(pytest.mark.postgis)


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
        from geotrack.store.postgis import PostGISStore

        server: PostGISServer = request.getfixturevalue("postgis_server")
        return PostGISStore(server.create_database())

    return factory


def store_location(store: Store) -> str:
    """What ``--store`` or :func:`geotrack.store.open_store` takes for ``store``: a path or a URL."""
    return store.location


def snapshot(store: Store) -> Any:
    """Everything a store holds, comparable: a GeoPackage's bytes; PostGIS's items, history, meta, documents."""
    if isinstance(store, GeoPackageStore):
        return store.path.read_bytes()
    frame = store.load()
    geometries = [None if g is None else g.wkb for g in frame.geometry]
    return (frame.drop(columns="geometry").to_dict("records"), geometries, store.history(), store.meta(),
            store.documents())
