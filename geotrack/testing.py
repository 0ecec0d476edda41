"""Builders and oracles for tests: records, a dataset folder, a built store, a decoded map.

Valid item records, a dataset folder and a built store; and what the map script draws, decoded in Python.

Public, as geopandas' ``testing`` module is, so that the project's tests, the bench and a
user's own checks share one set of builders and one reading of a generated map; the app never
needs them.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from geotrack.build import build
from geotrack.io import DATA_DIR, LAYERS_DIR
from geotrack.store import GeoPackageStore
from geotrack.ui.payload import DRAWABLE_TYPES, fill_tooltip

#: A real commitment of 14/NQ-CP (line 441) to Ring Road 4.
COMMITMENT_RING_14: Mapping[str, Any] = {
    "document": "14/NQ-CP", "section": "II.4.a(i)", "line": 441,
    "quote": "Đến năm 2027, hoàn thành tuyến đường vành đai 4 - Vùng", "action": "complete",
    "deadline_text": "Đến năm 2027", "deadline_basis": "stated", "deadline_from": None,
    "start_year": None, "end_year": 2027, "lead_agency": None, "funding_text": None,
}
#: A real commitment of 30-NQ/TW (line 114) to the capital region's ring roads.
COMMITMENT_RING_30: Mapping[str, Any] = {
    "document": "30-NQ/TW", "section": "Mục III.3", "line": 114,
    "quote": "Đến năm 2030, hoàn chỉnh các tuyến đường bộ cao tốc hướng tâm và các tuyến vành đai "
             "vùng Thủ đô (ưu tiên vành đai 4, vành đai 5)", "action": "complete",
    "deadline_text": "Đến năm 2030", "deadline_basis": "stated", "deadline_from": None,
    "start_year": None, "end_year": 2030, "lead_agency": None, "funding_text": None,
}
#: A real heading of 14/NQ-CP (line 471): seaports.
COMMITMENT_PORT: Mapping[str, Any] = {
    "document": "14/NQ-CP", "section": "II.4.a(iv)", "line": 471, "quote": "Về cảng biển", "deadline_text": None,
    "start_year": None, "end_year": 2030, "lead_agency": None, "funding_text": None,
}

#: Two economic corridors / rings, enough for the corridor filter.
CORRIDORS: Mapping[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": "ring-4-capital", "name_vi": "Vành đai 4", "name_en": "Ring Road 4", "kind": "ring"},
            "geometry": {"type": "LineString", "coordinates": [[105.7, 21.2], [105.7, 20.9], [106.1, 21.1]]},
        },
        {
            "type": "Feature",
            "properties": {"id": "ec-kunming-laocai-hanoi-haiphong-quangninh", "name_vi": "Hành lang Côn Minh",
                           "name_en": "Kunming corridor", "kind": "economic_corridor"},
            "geometry": {"type": "LineString", "coordinates": [[103.96, 22.5], [105.85, 21.03], [106.68, 20.86]]},
        },
    ],
}


def base_record(commitments: Sequence[Mapping[str, Any]] = (COMMITMENT_RING_14,)) -> dict[str, Any]:
    """A valid line item (Ring Road 4) with every field set, citing ``commitments``."""
    return {
        "id": "ring-road-4-capital",
        "name_vi": "Đường vành đai 4 - Vùng Thủ đô Hà Nội",
        "name_en": "Ring Road 4 – Capital Region",
        "parent_id": None,
        "mode": "ring_road",
        "action": "build",
        "status": "under_construction",
        "status_as_of": "2025-06-30",
        "status_source": "https://example.org/status",
        "start_year": 2023,
        "end_year": 2027,
        "deadline_text": "Đến năm 2027",
        "funding": {"types": ["state_budget", "ppp"], "amount": 85813, "unit": "billion_vnd",
                    "as_of": "2022-06-16", "source": "https://example.org/funding"},
        "lead_agency": "Bộ Giao thông vận tải",
        "lead_agency_current": "Bộ Xây dựng",
        "provinces": ["Hà Nội", "Hưng Yên", "Bắc Ninh"],
        "former_provinces": ["Bắc Giang"],
        "corridors": ["ring-4-capital"],
        "geometry": {
            "type": "LineString",
            "coordinates": [[105.80, 21.25], [105.70, 21.05], [105.75, 20.85], [105.95, 20.85], [106.10, 21.10]],
        },
        "location_precision": "approximate",
        "geometry_source": "test waypoints",
        "stated_length_km": None,
        "stated_length_source": None,
        "sources": [
            {"url": "https://example.org/status", "title": "status", "as_of": "2025-06-30",
             "supports": ["status", "start_year"]}
        ],
        "commitments": [dict(c) for c in commitments],
        "notes": None,
    }


def point_record(item_id: str, **changes: Any) -> dict[str, Any]:
    """A valid planned seaport at a point in Hải Phòng, with ``changes`` applied."""
    record = base_record((COMMITMENT_PORT,))
    record.update({
        "id": item_id, "name_vi": f"Cảng {item_id}", "name_en": f"Port {item_id}", "mode": "seaport",
        "status": "planned", "status_as_of": None, "status_source": "14/NQ-CP", "start_year": None,
        "end_year": 2030, "deadline_text": "2030", "funding": None, "provinces": ["Hải Phòng"],
        "former_provinces": [], "corridors": [], "sources": [],
        "geometry": {"type": "Point", "coordinates": [106.9, 20.8]},
    })
    record.update(copy.deepcopy(changes))
    return record


def write_dataset(root: Path, records: Iterable[Mapping[str, Any]],
                  corridors: Mapping[str, Any] | None = CORRIDORS) -> tuple[Path, Path]:
    """Write a dataset under ``root``: the real documents, ``records`` and the corridors; return (data, layers).

    With ``corridors`` ``None`` the project's own ``layers/`` is returned instead of a small one.
    Called again, it replaces the records and keeps the rest.
    """
    data, layers = root / "data", root / "layers"
    if not (data / "documents").exists():
        shutil.copytree(DATA_DIR / "documents", data / "documents")
        shutil.copy(DATA_DIR / "documents.yaml", data / "documents.yaml")
    if corridors is None:
        layers = LAYERS_DIR
    elif not layers.exists():
        layers.mkdir(parents=True)
        (layers / "corridors.geojson").write_text(json.dumps(corridors), encoding="utf-8")
    (data / "items").mkdir(parents=True, exist_ok=True)
    (data / "items" / "test.yaml").write_text(
        yaml.safe_dump({"items": [dict(r) for r in records]}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return data, layers


def build_store(root: Path, records: Iterable[Mapping[str, Any]],
                corridors: Mapping[str, Any] | None = CORRIDORS) -> GeoPackageStore:
    """Write the dataset under ``root`` (:func:`write_dataset`) and build ``root/store/geotrack.gpkg`` from it."""
    data, layers = write_dataset(root, records, corridors)
    store = GeoPackageStore(root / "store" / "geotrack.gpkg")
    build(store, data_dir=data, layers_dir=layers)
    return store


# -- map oracles ------------------------------------------------------------------
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
    """The GeoJSON features the map script makes of ``payload['modes'][mode]``.

    Each with its id, geometry and the properties ``k`` (style key), ``tt`` (tooltip HTML)
    and ``pp`` (popup HTML or ``""``).
    """
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
