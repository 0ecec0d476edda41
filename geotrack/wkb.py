"""The WKB of many geometries in one buffer: what a store writes, and what the content digests read.

A store build makes the WKB of every item once (:func:`wkb_buffer`): the GeoPackage
writes it (:meth:`WKBBuffer.to_arrow`) and :func:`geotrack.store.base.content_hashes`
digests each item's slice of it, so the coordinates are read and copied once for both.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import shapely

from geotrack import geo

#: The header of a little-endian WKB point (byte order, type), and of a line (byte order, type, number of points).
_WKB_POINT, _WKB_LINE = struct.Struct("<BI"), struct.Struct("<BII")


@dataclass(frozen=True)
class WKBBuffer:
    """Little-endian WKB of some geometries, one after the other in ``data``.

    Geometry ``i`` is ``data[offsets[i]:offsets[i + 1]]``; a missing one (``None``) is not
    ``valid`` and has no bytes. An empty geometry has its WKB.
    """

    data: bytearray
    offsets: np.ndarray  # int64, one more than the geometries
    valid: np.ndarray  # bool, per geometry

    def __len__(self) -> int:
        return len(self.valid)

    def to_arrow(self) -> pa.BinaryArray:
        """The WKB as an Arrow binary array (``None`` where missing), sharing ``data``: what GDAL writes."""
        size = len(self)
        small = self.offsets[-1] < 2**31  # a binary array's offsets are 32-bit (as pa.array makes them)
        return pa.Array.from_buffers(pa.binary() if small else pa.large_binary(), size,
                                     [pa.py_buffer(np.packbits(self.valid, bitorder="little")),
                                      pa.py_buffer(self.offsets.astype(np.int32) if small else self.offsets),
                                      pa.py_buffer(self.data)],
                                     null_count=int(size - self.valid.sum()))


def wkb_buffer(geometries: Sequence[Any]) -> WKBBuffer:
    """The WKB of each geometry as ``shapely.to_wkb(g, byte_order=1)`` writes it, in one buffer.

    Two-dimensional points and lines are written from their coordinate arrays, header and
    coordinates in place, a block of coordinates at a time (GEOS's writer took a second per
    100,000 items, a ``bytes`` per item and a copy of them another); the others by shapely.
    """
    geoms = np.array(list(geometries), dtype=object)
    types = shapely.get_type_id(geoms)
    counts = shapely.get_num_coordinates(geoms)
    simple = ((types == 0) | (types == 1)) & ~shapely.has_z(geoms) & (counts > 0)
    picked = np.nonzero(simple)[0]
    rest = np.nonzero(~simple & (types >= 0))[0]
    others = shapely.to_wkb(geoms[rest], byte_order=1).tolist()
    sizes = np.zeros(len(geoms), dtype=np.int64)
    sizes[picked] = np.where(types[picked] == 0, _WKB_POINT.size, _WKB_LINE.size) + 16 * counts[picked]
    sizes[rest] = [len(wkb) for wkb in others]
    offsets = np.zeros(len(geoms) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    data = bytearray(int(offsets[-1]))
    point, line = _WKB_POINT.pack_into, _WKB_LINE.pack_into
    for first, last in geo.coordinate_blocks(counts[picked]):  # the coordinates a block at a time (see there)
        rows = picked[first:last]
        coords = np.ascontiguousarray(shapely.get_coordinates(geoms[rows]), dtype="<f8")
        raw, at = coords.reshape(-1).view(np.uint8).data, 0  # its bytes, without a copy; at: the row's in raw
        for kind, count, offset in zip(types[rows].tolist(), counts[rows].tolist(), offsets[rows].tolist(),
                                       strict=True):
            if kind == 0:
                point(data, offset, 1, 1)
                offset += _WKB_POINT.size
            else:
                line(data, offset, 1, 2, count)
                offset += _WKB_LINE.size
            data[offset:offset + 16 * count] = raw[at:at + 16 * count]
            at += 16 * count
    for offset, wkb in zip(offsets[rest].tolist(), others, strict=True):
        data[offset:offset + len(wkb)] = wkb
    return WKBBuffer(data, offsets, types >= 0)
