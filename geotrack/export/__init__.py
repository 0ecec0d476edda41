"""Exports of the working frame for GIS tools.

RFC 7946 GeoJSON is the reference export (:mod:`geotrack.export.geojson`); the other
formats of :data:`FORMATS` carry the same properties as a flat attribute table (lists
and objects as JSON text, :mod:`geotrack.export.flat`). Every file is written
atomically: a reader never sees a half-written file and a failure keeps the old one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from geotrack._files import unsynced_sqlite, write_atomic, write_atomic_with
from geotrack._pages import small_pages
from geotrack.errors import GeotrackError
from geotrack.export.flat import to_flat_frame
from geotrack.export.formats import EXPORT_FORMATS, FORMATS, ExportFormatError, Format, format_for_output, get_format
from geotrack.export.geojson import store_geojson, stored_collection, to_geojson, to_geojson_dict
from geotrack.export.metadata import flat_metadata, sidecar_bytes, sidecar_path
from geotrack.filters import Filter
from geotrack.model import Document

if TYPE_CHECKING:
    from geotrack.store import Store

__all__ = [
    "EXPORT_FORMATS", "FORMATS", "ExportFormatError", "ExportPathError", "Format", "export", "export_bytes",
    "export_store", "format_for_output", "get_format", "sidecar_path", "store_geojson", "to_flat_frame", "to_geojson",
    "to_geojson_dict",
]


class ExportPathError(GeotrackError):
    """An export cannot be written where it was asked to go."""


def _check_target(path: Path) -> None:
    """Refuse an output path whose folder is missing (or not a folder), naming it."""
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ExportPathError(f"{path}: cannot write the export: the folder {folder} {what}; create it first")
    if path.is_dir():
        raise ExportPathError(f"{path}: cannot write the export: that is a folder; give a file name")


def _flat_table(fmt: Format, gdf: gpd.GeoDataFrame, documents: Sequence[Document],
                flt: Filter | None) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """The flat table and metadata ``fmt`` is written from (its located rows only, for a located-only format)."""
    meta = flat_metadata(gdf, documents, flt)
    table = to_flat_frame(gdf, normalised=not fmt.normalises)
    if fmt.located_only:
        unlocated = table.geometry.isna()
        if unlocated.any():
            meta["feature_count"] = int((~unlocated).sum())
            meta["unlocated"] = {
                "count": int(unlocated.sum()),
                "ids": [str(i) for i in table.loc[unlocated, "id"]],
                "note": f"items whose location is unknown are not in this {fmt.label} file (its common readers "
                        "fail on null geometries); the GeoJSON, GeoPackage, GeoParquet and CSV exports hold them",
            }
            table = table[~unlocated].reset_index(drop=True)
    return table, meta


def _write_flat(fmt: Format, path: Path, gdf: gpd.GeoDataFrame, documents: Sequence[Document],
                flt: Filter | None) -> int:
    """Write a flat format and, for the formats that need one, its sidecar after it; return the rows written."""
    assert fmt.writer is not None
    writer = fmt.writer
    side_files: dict[str, bytes] = {}
    with small_pages():  # a national export's columns are arrays of hundreds of megabytes (see there)
        table, meta = _flat_table(fmt, gdf, documents, flt)

        def write(target: Path) -> None:
            writer(target, table, meta)
            for extension in fmt.side_files:  # read now: the temporary folder goes with the rename
                side_files[extension] = target.with_suffix(extension).read_bytes()

        with unsynced_sqlite():  # a GeoPackage is synced once, before its rename, rather than after each transaction
            write_atomic_with(path, write)
    for extension, data in side_files.items():
        write_atomic(path.with_suffix(extension), data)
    if fmt.sidecar:  # after the main file, so a failed export leaves the old pair
        write_atomic(sidecar_path(path), sidecar_bytes(meta, fmt.name, fmt.media_type, path.name))
    return len(table)


def export(
    gdf: gpd.GeoDataFrame, path: Path, fmt: str = "geojson", documents: Sequence[Document] = (),
    flt: Filter | None = None,
) -> None:
    """Write ``gdf`` to ``path`` in format ``fmt`` (one of :data:`EXPORT_FORMATS`), atomically.

    For the formats whose :class:`Format` has ``sidecar`` the metadata is also written
    to :func:`sidecar_path` (as JSON).

    Raises
    ------
    ExportFormatError
        If ``fmt`` is not one of :data:`EXPORT_FORMATS`.
    """
    format_ = get_format(fmt)
    path = Path(path)
    _check_target(path)
    if format_.writer is None:
        write_atomic(path, to_geojson(gdf, documents, flt).encode("utf-8"))
    else:
        _write_flat(format_, path, gdf, documents, flt)


def export_store(store: Store, path: Path, fmt: str = "geojson", documents: Sequence[Document] = (),
                 flt: Filter | None = None) -> int:
    """:func:`export` of what ``flt`` keeps of ``store``; return the number of items written.

    GeoJSON is spliced from the store's Feature texts (:func:`store_geojson`); the
    other formats are written from the working frame.

    Raises
    ------
    ExportFormatError
        If ``fmt`` is not one of :data:`EXPORT_FORMATS`.
    """
    format_ = get_format(fmt)
    _check_target(Path(path))
    if format_.writer is None:
        text, count = stored_collection(store, flt, documents, None)
        write_atomic(Path(path), text.encode("utf-8"))
        return count
    return _write_flat(format_, Path(path), store.load(flt), documents, flt)


def export_bytes(
    gdf: gpd.GeoDataFrame, fmt: str = "geojson", documents: Sequence[Document] = (), flt: Filter | None = None,
) -> bytes:
    """The content :func:`export` would write for ``fmt``, as bytes (for downloads; no sidecar).

    Raises
    ------
    ExportFormatError
        If ``fmt`` is not one of :data:`EXPORT_FORMATS`.
    """
    format_ = get_format(fmt)
    if format_.writer is None:
        return to_geojson(gdf, documents, flt).encode("utf-8")
    table, meta = _flat_table(format_, gdf, documents, flt)
    with tempfile.TemporaryDirectory(prefix="geotrack-export-") as folder:
        target = Path(folder) / f"export{format_.extension}"
        format_.writer(target, table, meta)
        return target.read_bytes()
