"""Oracles for tests and checks: what the map script draws, decoded in Python.

Public so that the test suite, the benchmarks and anyone checking a generated map share one
reading of it; the app never needs them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from geotrack.ui.payload import DRAWABLE_TYPES, fill_tooltip

_ITEM_IDS = re.compile(r'\{"ids":(\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])')


def decode_geometries(encoded: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GeoJSON geometries of an :func:`encode_geometries` (what the map script draws; for tests and checks)."""
    scale, xy = encoded["scale"], encoded["xy"]
    out, p, r, v = [], 0, 0, 0
    for t, n_parts in zip(encoded["t"], encoded["parts"], strict=True):
        parts = []
        for _ in range(n_parts):
            rings = []
            for _ in range(encoded["rings"][p]):
                n = encoded["vertices"][r]
                steps = np.asarray(xy[2 * v:2 * (v + n)], dtype=np.int64).reshape(-1, 2)
                rings.append((np.cumsum(steps, axis=0) / scale).tolist())
                r, v = r + 1, v + n
            parts.append(rings)
            p += 1
        out.append(_assemble(DRAWABLE_TYPES[t], parts))
    return out


def _assemble(kind: str, parts: list[list[list[list[float]]]]) -> dict[str, Any]:
    """A GeoJSON geometry of type ``kind`` from its parts → rings → vertices."""
    if kind == "Point":
        return {"type": kind, "coordinates": parts[0][0][0]}
    if kind in ("LineString", "Polygon"):
        return {"type": kind, "coordinates": parts[0][0] if kind == "LineString" else parts[0]}
    if kind in ("MultiPoint", "MultiLineString"):
        return {"type": kind, "coordinates": [q[0][0] if kind == "MultiPoint" else q[0] for q in parts]}
    return {"type": kind, "coordinates": parts}



def decode_features(payload: Mapping[str, Any], mode: str) -> list[dict[str, Any]]:
    """The GeoJSON features the map script makes of ``payload['modes'][mode]``: id, geometry and the
    properties ``k`` (style key), ``tt`` (tooltip HTML) and ``pp`` (popup HTML or ``""``)."""
    entry, labels = payload["modes"][mode], payload["labels"]
    features = []
    for i, geometry in enumerate(decode_geometries(entry["geometry"])):
        status = entry["statuses"][entry["status"][i]]
        tooltip = fill_tooltip({"name": entry["names"][i], "mode": labels["modes"][mode],
                                "status": labels["statuses"][status], "deadline": entry["deadlines"][i],
                                "id": (entry["id_html"] or entry["ids"])[i]})
        features.append({"type": "Feature", "id": entry["ids"][i], "geometry": geometry,
                         "properties": {"k": f"{mode}|{status}", "tt": tooltip,
                                        "pp": entry["popups"][i] if entry["popups"] else ""}})
    return features



def feature_ids_in_script(script: str) -> list[str]:
    """The item ids of the features a generated map script carries, in order (for tests and checks)."""
    return [item_id for found in _ITEM_IDS.findall(script) for item_id in json.loads(found)]



def external_urls(page: str) -> list[str]:
    """``src``/``href`` URLs of ``<script>`` and ``<link>`` tags that leave the app (``http(s)://`` or ``//``)."""
    urls = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["\']([^"\']+)["\']', page, flags=re.IGNORECASE)
    return [u for u in urls if re.match(r"^(?:[a-z]+:)?//", u, flags=re.IGNORECASE)]
