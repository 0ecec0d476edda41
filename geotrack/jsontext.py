"""Compact JSON texts made in C: what a store write and the flat exports encode for every item.

:func:`encode` gives exactly the text of ``json.JSONEncoder(ensure_ascii=False,
allow_nan=False, separators=(",", ":")).encode`` of the value made JSON-safe (NaN → null,
tuples → lists), made by orjson where it writes the same bytes and by the standard library
where it might not (numbers in exponent form, integers beyond 64 bits, dates, subclasses,
numpy values, non-string keys, lone surrogates). :func:`geometry_utf8` gives the GeoJSON
geometry of points and lines from their coordinate arrays, a block of coordinates at a time.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import orjson
import shapely

from geotrack.geo import coordinate_blocks, normalise_array

#: Anything orjson does not write as the standard library would raises, and the standard library writes it.
_STRICT = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
#: Where orjson and Python's ``repr`` may write one float differently: orjson writes every exponent with a sign
#: (``1e-7``, ``1e+16``; Python ``1e-07``) and ``0.00001`` where Python writes ``1e-05``. Three substring
#: searches, far quicker than a pattern; a match inside a string costs only the slower path.
_MAYBE_OTHER_FLOAT = (b"e-", b"e+", b"0.0000")
#: The standard library's encoder of the same options (one encoder: ``json.dumps`` with options builds one per call).
_stdlib = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def encode(value: Any, safe: Callable[[Any], Any]) -> str:
    """Compact UTF-8 JSON text of ``safe(value)``; ``safe`` makes a value JSON-safe (NaN → None, dates → ISO…).

    orjson writes the value as it is where that gives the same text (``safe`` leaves plain
    values as they are), the standard library writes ``safe(value)`` elsewhere.
    """
    out = _by_orjson(value)
    return _stdlib(safe(value)) if out is None else out.decode("utf-8")


def encode_utf8(value: Any, safe: Callable[[Any], Any]) -> bytes:
    """:func:`encode` as UTF-8, the form orjson writes: no round trip through ``str`` (a store's Feature texts)."""
    out = _by_orjson(value)
    return _stdlib(safe(value)).encode("utf-8") if out is None else out


def _by_orjson(value: Any) -> bytes | None:
    """The text orjson writes for ``value`` where it is the standard library's, else ``None``."""
    try:
        out = orjson.dumps(value, option=_STRICT)
    except TypeError:  # orjson.JSONEncodeError: a type orjson passes through, a big integer, a lone surrogate
        return None
    exponent, plus, small = _MAYBE_OTHER_FLOAT
    return None if exponent in out or plus in out or small in out else out


def string_lists_text(values: Sequence[Any], safe: Callable[[Any], Any]) -> list[str]:
    """The JSON text of ``list(v or ())`` for every ``v`` (as :func:`encode`): each distinct list of strings once.

    Provinces, corridors, funding types and document numbers repeat across items.
    """
    lists = [v or () for v in values]
    if set(map(type, itertools.chain.from_iterable(lists))) <= {str}:
        known: dict[tuple[str, ...], str] = {}
        out = []
        for v in lists:
            key = tuple(v)
            text = known.get(key)
            if text is None:
                text = known[key] = encode(list(key), _as_is)
            out.append(text)
        return out
    return [encode(list(v), safe) for v in lists]


def _as_is(value: Any) -> Any:
    """A list of strings, JSON-safe as it is."""
    return value


#: Coordinates orjson writes as GEOS does (no exponent, a decimal point): within these magnitudes, or zero.
_PLAIN_MIN, _PLAIN_MAX = 1e-4, 1e9
_POINT, _LINE = 0, 1


def geometry_utf8(geoms: np.ndarray, precision: int) -> list[bytes | None]:
    """The GeoJSON geometry text of each geometry normalised for RFC 7946, as ASCII; ``None`` for ``None``.

    Each is ``shapely.to_geojson`` of :func:`geotrack.geo.normalise_array` of the geometry
    (coordinates rounded to ``precision`` decimals, polygons counter-clockwise), as bytes: what
    a store writes, and a GeoJSON geometry has no other characters.

    Two-dimensional points and lines with plain coordinates, which need no winding, are
    rounded and written by orjson from their coordinate arrays (shapely's writer and new
    geometries cost several times as much); every other geometry by shapely. A coordinate
    is written as its shortest decimal form, which ``shapely.to_geojson`` writes too except
    for one coordinate in a few hundred, where it gives more digits of the same number.
    """
    types = shapely.get_type_id(geoms)  # -1: None
    counts = shapely.get_num_coordinates(geoms)
    picked = np.nonzero(((types == _POINT) | (types == _LINE)) & ~shapely.has_z(geoms) & (counts > 0))[0]
    out: list[bytes | None] = [None] * len(geoms)
    for first, last in coordinate_blocks(counts[picked]):  # a block of coordinates at a time (see there)
        _write_simple(geoms, picked[first:last], types, counts, precision, out)
    rest = np.array([p for p, text in enumerate(out) if text is None and types[p] >= 0], dtype=np.intp)
    written = shapely.to_geojson(normalise_array(geoms[rest], precision)) if len(rest) else []
    for position, text in zip(rest.tolist(), list(written), strict=True):
        out[position] = str(text).encode("ascii")
    return out


def _write_simple(geoms: np.ndarray, rows: np.ndarray, types: np.ndarray, counts: np.ndarray, precision: int,
                  out: list[bytes | None]) -> None:
    """Put in ``out`` the texts of the two-dimensional points and lines ``rows`` with plain coordinates."""
    row_counts = counts[rows]
    coords = shapely.get_coordinates(geoms[rows])
    np.round(coords, precision, out=coords)  # as normalise_array rounds them
    ends = np.cumsum(row_counts)
    starts = ends - row_counts
    if len(coords) and coords.min() >= _PLAIN_MIN and coords.max() < _PLAIN_MAX:
        # every coordinate plain, as all of Vietnam's are (NaN fails both): no row to check, and no copy of the
        # block (four arrays of its size: 0.2-0.5 s of new memory per 100,000 lines)
        rows_plain = np.ones(len(rows), dtype=bool)
    else:
        magnitude = np.abs(coords)
        plain = ((magnitude == 0) | ((magnitude >= _PLAIN_MIN) & (magnitude < _PLAIN_MAX))).all(axis=1)  # NaN: neither
        rows_plain = np.logical_and.reduceat(plain, starts) if len(coords) else np.zeros(0, bool)
    dumps, numpy = orjson.dumps, orjson.OPT_SERIALIZE_NUMPY
    # a line's whole text in one call (no copy of its kilobytes of coordinates into a concatenation)
    line = {"type": "LineString", "coordinates": None}
    for position, kind, start, end, is_plain in zip(rows.tolist(), types[rows].tolist(), starts.tolist(),
                                                    ends.tolist(), rows_plain.tolist(), strict=True):
        if not is_plain:
            continue
        if kind == _POINT:
            out[position] = b'{"type":"Point","coordinates":' + dumps(coords[start], option=numpy) + b"}"
        else:
            line["coordinates"] = coords[start:end]
            out[position] = dumps(line, option=numpy)
