"""Synthetic national-scale datasets with realistic shapes, for the benchmarks.

Routes are random walks of hundreds of vertices across Vietnam's extent, sites
are points and small polygons; attributes are drawn from the vocabularies and
every item cites a real line of 14/NQ-CP, so the data is what the store, the
filters, the exports and the map see in production, only more of it.
"""

from __future__ import annotations

import numpy as np
from shapely.geometry import LineString, Point, Polygon

from geotrack import vocab
from geotrack.frames import items_to_frame
from geotrack.model import Item

COMMITMENT = {"document": "14/NQ-CP", "section": "II.4.a(i)", "line": 441,
              "quote": "Đến năm 2027, hoàn thành tuyến đường vành đai 4 - Vùng", "deadline_text": "Đến năm 2027",
              "start_year": None, "end_year": 2027, "lead_agency": None, "funding_text": None}
LINEAR = sorted(vocab.LINEAR_MODES)
SITES = [m for m in vocab.MODES if m not in vocab.LINEAR_MODES]


def _route(rng: np.random.Generator, vertices: int) -> LineString:
    start = np.array([rng.uniform(103.0, 108.5), rng.uniform(9.5, 22.5)])
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.25, vertices - 1))  # a random walk's turns
    steps = np.column_stack([np.cos(heading), np.sin(heading)])
    path = start + np.cumsum(np.vstack([[0, 0], steps * 0.004]), axis=0)
    path[:, 0] = path[:, 0].clip(102.2, 109.4)
    path[:, 1] = path[:, 1].clip(8.6, 23.3)
    return LineString(path.round(6))


def _polygon(rng: np.random.Generator) -> Polygon:
    centre = np.array([rng.uniform(103.0, 108.5), rng.uniform(9.5, 22.5)])
    angles = np.sort(rng.uniform(0, 2 * np.pi, 20))
    radius = rng.uniform(0.01, 0.05) * rng.uniform(0.7, 1.0, 20)
    ring = centre + np.column_stack([np.cos(angles) * radius, np.sin(angles) * radius])
    return Polygon(ring.round(6))


def items(n: int, *, seed: int = 7, vertices: tuple[int, int] = (100, 400)) -> list[Item]:
    """``n`` synthetic items: 40 % routes, 45 % points, 15 % polygons."""
    rng = np.random.default_rng(seed)
    provinces = sorted(vocab.PROVINCES)
    out = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.40:
            geometry, mode = _route(rng, int(rng.integers(*vertices))), LINEAR[i % len(LINEAR)]
        elif kind < 0.85:
            geometry = Point(round(rng.uniform(102.5, 109.2), 6), round(rng.uniform(8.8, 23.2), 6))
            mode = SITES[i % len(SITES)]
        else:
            geometry, mode = _polygon(rng), "economic_zone"
        end = int(rng.integers(2024, 2041))
        record = {
            "id": f"synthetic-{i}", "name_vi": f"Dự án tổng hợp số {i}", "name_en": f"Synthetic project {i}",
            "mode": mode, "action": "build", "status": vocab.STATUSES[i % 2], "status_source": "14/NQ-CP",
            "start_year": end - int(rng.integers(1, 6)), "end_year": end, "deadline_text": str(end),
            "funding": {"types": [vocab.FUNDING_TYPES[i % len(vocab.FUNDING_TYPES)]]},
            "provinces": [provinces[int(rng.integers(0, len(provinces)))]], "corridors": [],
            "geometry": geometry, "location_precision": "approximate", "geometry_source": "synthetic",
            "commitments": [COMMITMENT],
        }
        out.append(Item.from_record(record))
    return out


def frame(n: int, **kwargs: object):  # type: ignore[no-untyped-def]
    """The working GeoDataFrame of :func:`items`."""
    return items_to_frame(items(n, **kwargs))  # type: ignore[arg-type]
