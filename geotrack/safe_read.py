"""Reading untrusted import files within bounds: only what they claim to be, in bounded memory and time.

An import file comes from outside. Before GDAL or the JSON parser sees it:

- its path must name a regular local file: no ``/vsi…`` virtual path (which GDAL would
  fetch from a URL or unpack), no device, no directory;
- a ``.gpkg`` must be an SQLite file with a GeoPackage ``application_id`` (a VRT or a CSV
  renamed ``.gpkg`` is refused), holding no view (a view runs SQL on every read, which can
  loop forever or read other files through an extension) and no trigger of its own, and no
  more rows in its item layers than :data:`geotrack.settings.max_import_features`;
- a GeoJSON text is measured before it is parsed (containers and values, counted in C),
  then its nesting, feature and vertex counts are checked, each against a cap in
  :mod:`geotrack.settings`, so that peak memory stays bounded for any file within the size cap.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geotrack import settings
from geotrack.errors import DataFileError

#: The first 16 bytes of every SQLite 3 database.
SQLITE_HEADER = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` values of a GeoPackage: "GPKG" (1.2+) and "GP10"/"GP11" (1.0, 1.1).
GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
#: Trigger name prefixes the GeoPackage standard and GDAL create (spatial index, feature counts).
_STANDARD_TRIGGERS = ("rtree_", "gpkg_", "trigger_insert_feature_count_", "trigger_delete_feature_count_")


def check_local_file(path: Path) -> os.stat_result:
    """The ``stat`` of ``path``, which must be a regular local file (not a ``/vsi`` path, device or folder).

    Raises
    ------
    DataFileError
        Naming the path and what is wrong.
    """
    text = str(path)
    if text.startswith("/vsi") or "/vsi" in text.split(":", 1)[0] or text.split(":", 1)[0].upper() in (
            "GPKG", "SQLITE", "CSV", "VRT", "GEOJSON", "HTTP", "HTTPS", "FTP"):
        raise DataFileError(f"{text}: not a local file path (GDAL virtual and driver-prefixed paths are refused)")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise DataFileError(f"{path}: is a folder; give the import file itself")
    if not stat.S_ISREG(info.st_mode):
        raise DataFileError(f"{path}: not a regular file")
    return info


def check_geopackage(path: Path) -> None:
    """Refuse ``path`` unless it is a GeoPackage whose reading runs no SQL of the file's own.

    Raises
    ------
    DataFileError
        If it is not SQLite, not a GeoPackage, holds a view or a non-standard trigger,
        or its item layers hold more rows than :data:`geotrack.settings.max_import_features`.
    """
    with open(path, "rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise DataFileError(f"{path}: not a GeoPackage (not an SQLite file; VRT, CSV and other formats are refused)")
    if header[68:72] not in GPKG_APPLICATION_IDS:
        raise DataFileError(f"{path}: an SQLite file but not a GeoPackage (application_id {header[68:72]!r})")
    uri = Path(os.path.realpath(path)).as_uri() + "?mode=ro&immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as con:
            con.execute("PRAGMA trusted_schema = OFF")
            schema = con.execute("SELECT type, name FROM sqlite_master").fetchall()
            views = sorted(name for kind, name in schema if kind == "view")
            if views:
                raise DataFileError(f"{path}: holds views ({', '.join(views[:5])}); export the layers as tables")
            triggers = sorted(name for kind, name in schema if kind == "trigger"
                              and not str(name).startswith(_STANDARD_TRIGGERS))
            if triggers:
                raise DataFileError(f"{path}: holds triggers of its own ({', '.join(triggers[:5])}); remove them")
            tables = {name for kind, name in schema if kind == "table"}
            for table in sorted(t for t in tables if t == "items" or str(t).startswith("items_")):
                quoted = '"' + str(table).replace('"', '""') + '"'
                (rows,) = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()
                if rows > settings.max_import_features:
                    raise DataFileError(f"{path}: layer {table!r} holds {rows:,} rows, more than the "
                                        f"import limit of {settings.max_import_features:,} items")
    except sqlite3.Error as exc:
        raise DataFileError(f"{path}: not a readable GeoPackage: {exc}") from exc


def load_geojson(path: Path, data: bytes) -> Any:
    """Parse GeoJSON ``data`` (read from ``path``) within the caps of :mod:`geotrack.settings`.

    Everything is measured on the bytes first, at C speed (strings blanked by one regular
    expression, then counts and a running sum of brackets), so that no file within the size
    cap makes the parser build more objects than the caps allow, or nest deeper.

    Raises
    ------
    DataFileError
        If the text is not UTF-8 JSON, or holds more values, features, positions or
        levels of nesting than allowed (saying which cap and how to split the file).
    """
    skeleton = _STRING.sub(b'""', data)  # brackets and commas inside strings are not structure
    containers = skeleton.count(b"[") + skeleton.count(b"{")
    values = skeleton.count(b",") + 1
    if containers > settings.max_import_containers or values > settings.max_import_values:
        raise DataFileError(
            f"{path}: holds about {max(values, containers):,} JSON values, more than the import limit of "
            f"{settings.max_import_values:,} values / {settings.max_import_containers:,} lists and objects; "
            "split the file")
    if _nesting(skeleton) > settings.max_import_nesting:
        raise DataFileError(f"{path}: nested more than {settings.max_import_nesting} levels deep")
    positions = len(_POSITION.findall(skeleton))
    if positions > settings.max_import_vertices:
        raise DataFileError(f"{path}: {positions:,} coordinate positions, more than the import limit of "
                            f"{settings.max_import_vertices:,}; simplify or split the file")
    del skeleton
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from exc
    try:
        content = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise DataFileError(f"{path}: nested more than {settings.max_import_nesting} levels deep") from exc
    except ValueError as exc:
        raise DataFileError(f"{path}: not valid JSON: {exc}") from exc
    features = content.get("features") if isinstance(content, Mapping) else None
    if isinstance(features, list) and len(features) > settings.max_import_features:
        raise DataFileError(f"{path}: {len(features):,} features, more than the import limit of "
                            f"{settings.max_import_features:,}; split the file")
    return content


#: A JSON string (escapes included), and a position: an array whose first member is a number.
#: (possessive, unrolled: a per-character alternation would grow the regex engine's stack by gigabytes)
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_POSITION = re.compile(rb"\[\s*-?[0-9]")


def _nesting(skeleton: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text whose strings are blanked."""
    import numpy as np

    codes = np.frombuffer(skeleton, dtype=np.uint8)
    step = (np.isin(codes, (ord("["), ord("{")))).astype(np.int32) - np.isin(codes, (ord("]"), ord("}")))
    return int(step.cumsum().max()) if len(step) else 0


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not allowed in JSON")
