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
from typing import TYPE_CHECKING

import geopandas as gpd

from geotrack._files import write_atomic, write_atomic_with
from geotrack.export.flat import to_flat_frame
from geotrack.export.formats import EXPORT_FORMATS, FORMATS, ExportFormatError, Format, get_format
from geotrack.export.geojson import store_geojson, stored_collection, to_geojson, to_geojson_dict
from geotrack.export.metadata import flat_metadata, sidecar_bytes, sidecar_path
from geotrack.filters import Filter
from geotrack.model import Document

if TYPE_CHECKING:
    from geotrack.store import Store

__all__ = [
    "EXPORT_FORMATS", "FORMATS", "ExportFormatError", "Format", "export", "export_bytes", "export_store",
    "get_format", "sidecar_path", "store_geojson", "to_flat_frame", "to_geojson",
    "to_geojson_dict",
]


def _write_flat(fmt: Format, path: Path, gdf: gpd.GeoDataFrame, documents: Sequence[Document],
                flt: Filter | None) -> None:
    """Write a flat format and, for the formats that need one, its sidecar after it."""
    assert fmt.writer is not None
    writer = fmt.writer
    meta = flat_metadata(gdf, documents, flt)
    table = to_flat_frame(gdf)
    write_atomic_with(path, lambda target: writer(target, table, meta))
    if fmt.sidecar:  # after the main file, so a failed export leaves the old pair
        write_atomic(sidecar_path(path), sidecar_bytes(meta, fmt.name, fmt.media_type, path.name))


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
    if format_.writer is None:
        text, count = stored_collection(store, flt, documents, None)
        write_atomic(Path(path), text.encode("utf-8"))
        return count
    gdf = store.load(flt)
    _write_flat(format_, Path(path), gdf, documents, flt)
    return len(gdf)


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
    meta = flat_metadata(gdf, documents, flt)
    table = to_flat_frame(gdf)
    with tempfile.TemporaryDirectory(prefix="geotrack-export-") as folder:
        target = Path(folder) / f"export{format_.extension}"
        format_.writer(target, table, meta)
        return target.read_bytes()
