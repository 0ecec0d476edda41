"""The one table of export formats: name, file extension, media type, writer and what readers should know.

To add a format, write a module with ``write(path, table, meta)`` (the flat table of
:func:`geotrack.export.flat.to_flat_frame` and the metadata of
:func:`geotrack.export.metadata.flat_metadata`) and add one :class:`Format` row here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd

from geotrack.errors import GeotrackError
from geotrack.export import csv, fgb, gpkg, kml, parquet

#: A flat-format writer: ``write(path, table, meta)`` creates ``path`` (not atomically).
Writer = Callable[[Path, gpd.GeoDataFrame, Mapping[str, Any]], None]


class ExportFormatError(GeotrackError, ValueError):
    """An export format geotrack does not write was asked for."""


@dataclass(frozen=True)
class Format:
    """One export format.

    Attributes
    ----------
    name
        Its id on the command line and in URLs.
    label
        The name GIS users know it by (shown in the app).
    extension
        File name extension, with the dot.
    media_type
        MIME type of a download.
    writer
        Writer of the flat table, or ``None`` for GeoJSON (written from the Feature texts).
    sidecar
        True when the file has no (or no full) slot for the metadata: it also goes in ``<file>.meta.json``.
    notes
        What a reader of the file should know.
    located_only
        True when the format holds only items with a location (its common readers fail on null geometries):
        the others are listed in the metadata under ``unlocated``.
    side_files
        Extensions of the files the writer makes beside ``<name><extension>`` (``.csvt`` …), kept with it.
    normalises
        True when the writer rounds and winds the geometries itself, as
        :func:`geotrack.geo.normalise_array` does: its flat table holds them as they are.
    """

    name: str
    label: str
    extension: str
    media_type: str
    writer: Writer | None
    sidecar: bool
    notes: str
    located_only: bool = False
    side_files: tuple[str, ...] = ()
    normalises: bool = False


#: Every export format, in the order the CLI and the app list them.
FORMATS: Mapping[str, Format] = MappingProxyType({f.name: f for f in (
    Format("geojson", "GeoJSON", ".geojson", "application/geo+json", None, False,
           "RFC 7946; the reference export; metadata as a foreign member"),
    Format("gpkg", "GeoPackage", ".gpkg", "application/geopackage+sqlite3", gpkg.write, False,
           "one layer per geometry family; unlocated items in an attributes table; metadata, documents, fields"),
    Format("parquet", "GeoParquet", ".parquet", "application/vnd.apache.parquet", parquet.write, False,
           "GeoParquet 1.1 with a bbox covering column; metadata under the 'geotrack' key", normalises=True),
    Format("fgb", "FlatGeobuf", ".fgb", "application/vnd.flatgeobuf", fgb.write, True,
           "no spatial index, rows in order; located items only (DuckDB and GDAL 3.6 fail on null geometries), "
           "the others listed under 'unlocated' in the header and the sidecar", located_only=True),
    Format("kml", "KML (Google Earth)", ".kml", "application/vnd.google-earth.kml+xml", kml.write, True,
           "LIBKML; a readable name and balloon per placemark; the full metadata in the sidecar"),
    Format("csv", "CSV (Excel, WKT)", ".csv", "text/csv", csv.write, True,
           "WKT geometry, UTF-8 with BOM, CRLF; lists and objects as JSON text; text a spreadsheet would run "
           "as a formula starts with ' (OWASP); .csvt column types and .prj beside it",
           side_files=csv.SIDE_FILES),
    Format("csv-raw", "CSV, values unguarded (scripts)", ".csv", "text/csv", csv.write_raw, True,
           "as csv, but every value exactly as stored (no ' before =, +, -, @): never open it in a spreadsheet",
           side_files=csv.SIDE_FILES),
)})
#: Formats written only when asked for by name (``geotrack export --format``), never offered as a download:
#: a spreadsheet must not open unguarded CSV.
BY_NAME_ONLY: tuple[str, ...] = ("csv-raw",)
#: Format names offered for export and download, in table order.
EXPORT_FORMATS: tuple[str, ...] = tuple(name for name in FORMATS if name not in BY_NAME_ONLY)


def get_format(name: str) -> Format:
    """The :class:`Format` called ``name``.

    Raises
    ------
    ExportFormatError
        If geotrack writes no such format.
    """
    try:
        return FORMATS[name]
    except KeyError:
        raise ExportFormatError(f"unknown export format {name!r}; one of {', '.join(EXPORT_FORMATS)}") from None


def format_for_output(path: Path | str, name: str | None = None) -> Format:
    """The format to write the file ``path`` in: the one its extension names, which ``name`` must be if given.

    ``.json`` is GeoJSON too, and ``.csv`` the guarded CSV (``csv-raw`` only by name). GIS tools
    open a file by its extension: GeoJSON named ``.gpkg`` (what the default format once wrote
    there) opens in no GeoPackage reader, and the CSV's side files are named after it.

    Raises
    ------
    ExportFormatError
        If ``name`` is no format, or the extension is not the format's (or names none and no ``name`` is given).
    """
    suffix, stem = Path(path).suffix.lower(), Path(path).stem
    named = FORMATS["geojson"] if suffix == ".json" else next(
        (FORMATS[n] for n in EXPORT_FORMATS if FORMATS[n].extension == suffix), None)
    if name is None:
        if named is None:
            extensions = ", ".join(dict.fromkeys(FORMATS[n].extension for n in EXPORT_FORMATS))
            raise ExportFormatError(f"{path}: cannot tell the export format from the file name; name it with one of "
                                    f"{extensions}, or give --format")
        return named
    chosen = get_format(name)
    if named is None or named.extension != chosen.extension:
        says = f"the name says {named.label}" if named else "the name has no extension of an export format"
        raise ExportFormatError(f"{path}: {says}, but --format {name} writes {chosen.label}; name it "
                                f"{stem}{chosen.extension}" + (" or leave out --format" if named else ""))
    return chosen
