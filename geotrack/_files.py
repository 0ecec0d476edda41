"""Atomic file writes: a reader never sees a half-written file, and a failure keeps the old one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A crash leaves the old file (or none) and no temporary file.
    """
    write_atomic_with(Path(path), lambda target: target.write_bytes(data))


def write_atomic_with(path: Path, writer: Callable[[Path], object]) -> None:
    """Run ``writer(target)`` on a temporary path in ``path``'s folder, then rename the result to ``path``.

    The temporary folder (``.<name>.*.tmp``) also catches any journal or side file a
    driver makes; it is removed whatever happens, so a failure leaves the old ``path``
    (or none) and no temporary file.
    """
    path = Path(path)
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        target = folder / path.name
        writer(target)
        with open(target, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(target, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def unsynced_sqlite() -> Iterator[None]:
    """GDAL's SQLite writes (GeoPackage) without a sync per transaction until the block ends.

    For a new file that :func:`write_atomic_with` syncs once before renaming it into place:
    a crash before then leaves only the temporary folder, so the syncs after each of GDAL's
    transactions bought nothing and cost a store build seconds of waiting for the disk.
    """
    import pyogrio  # GDAL only where a GeoPackage is written

    before = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": before})


def remove_stale(path: Path) -> None:
    """Remove temporary folders a killed :func:`write_atomic_with` left beside ``path``.

    Call it only while holding the lock that keeps other writers of ``path`` out.
    """
    path = Path(path)
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)
