"""Shared by the third-party-client tests: the shipped data built into a store once, and every export of it."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geotrack.build import build
from geotrack.cli import main
from geotrack.export import EXPORT_FORMATS, get_format
from geotrack.store import GeoPackageStore


def run(*args: str | Path, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a third-party command line tool; its output as text."""
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})
    if check and done.returncode != 0:
        raise AssertionError(f"{args[0]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


class Shipped:
    """The shipped data/ in a GeoPackage store, and its exports in every format (all items, no filter)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.store = GeoPackageStore(folder / "store.gpkg")
        build(self.store)
        self.exports: dict[str, Path] = {}
        for fmt in EXPORT_FORMATS:
            path = folder / f"all-{fmt}{get_format(fmt).extension}"
            assert self.cli("export", "--format", fmt, "-o", str(path)) == 0
            self.exports[fmt] = path
        self.collection: dict[str, Any] = json.loads(self.exports["geojson"].read_text(encoding="utf-8"))
        self.features: dict[str, dict[str, Any]] = {f["id"]: f for f in self.collection["features"]}

    def cli(self, *args: str) -> int:
        return main(["--store", str(self.store.location), *args])

    @property
    def located(self) -> int:
        return sum(f["geometry"] is not None for f in self.features.values())


def duckdb_spatial() -> Any:
    """A DuckDB connection with the spatial extension loaded from its PyPI wheel (never downloaded)."""
    import duckdb

    wheel_extensions = Path(duckdb.__file__).parent.parent / "duckdb_ext" / "extensions"
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                 "extension_directory": str(wheel_extensions)})
    con.execute("LOAD spatial")
    return con


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shipped]:
    yield Shipped(tmp_path_factory.mktemp("shipped"))
