"""Measure geotrack against a naive baseline in the same run, at several sizes.

Every figure is the best of ``repeat`` runs of the optimised path beside the
naive path measured right after it, so ratios hold on a noisy machine.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from bench import synthetic
from bench.timing import Breakdown, table
from geotrack import export as gt_export
from geotrack.build import build_items
from geotrack.filters import Filter, apply
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.store import GeoPackageStore

RESULTS_DIR = Path(__file__).parent
QUERY = Filter(modes=("rail", "expressway"), deadline_max=2030)
#: The parts :func:`run` measures (``python -m bench --only``).
PARTS: tuple[str, ...] = ("store", "exports", "map")


@dataclass
class Row:
    """One measurement: the optimised figure beside the naive baseline."""

    size: int
    what: str
    unit: str
    optimised: float
    baseline: float | None
    target: str = ""
    notes: str = ""
    floor: float | None = None  # browser rows: the same step in the bare floor app (bench/floor_app.py)

    @property
    def ratio(self) -> float | None:
        """How many times better the optimised path is (baseline / optimised)."""
        if self.baseline is None or self.optimised == 0:
            return None
        return self.baseline / self.optimised


@dataclass
class Report:
    """All rows of one bench run and the machine it ran on."""

    machine: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    breakdown: list[Breakdown] = field(default_factory=list)  # browser steps: where the time goes


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Fastest wall time of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def wall_and_cpu(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall time and CPU time (of every thread of this process) of one call of ``fn``.

    The CPU time tells what a loaded machine hides: a build projects its lengths in a second
    thread, so its wall time is below its CPU time when a core is free.
    """
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import geopandas
    import pyogrio
    import shapely

    mem = Path("/proc/meminfo").read_text().split("\n")[0] if Path("/proc/meminfo").exists() else ""
    return {
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "memory": mem.replace("MemTotal:", "").strip(), "geopandas": geopandas.__version__,
        "shapely": shapely.__version__, "gdal": pyogrio.__gdal_version_string__,
        "date": time.strftime("%Y-%m-%d"),
    }


def _store_path(work: Path) -> Path:
    return work / "store.gpkg"


def bench_store(size: int, gdf: gpd.GeoDataFrame, work: Path, repeat: int,
                items: list[Item] | None = None) -> list[Row]:
    """Store build and load, and a filter query, beside plain ``to_file``/``read_file``.

    The store stays in ``work`` (:func:`_store_path`) for :func:`bench_exports`.
    """
    items = items if items is not None else synthetic.items(size)  # the items of ``gdf``
    rows = []
    store, naive_path = GeoPackageStore(_store_path(work)), work / "naive.gpkg"
    builds, naive_builds = [], []
    for turn in range(repeat):  # the two in turns, each into a new file (a build into a store rebuilds it in place)
        build_path, plain_path = work / f"build-{turn}.gpkg", work / f"naive-{turn}.gpkg"
        builds.append(wall_and_cpu(lambda path=build_path: build_items(GeoPackageStore(path), items, [],
                                                                       actor="bench")))
        naive_builds.append(wall_and_cpu(lambda path=plain_path: gdf.to_file(path, driver="GPKG")))
        build_path.replace(store.path)  # the last of each is kept for the rows below
        plain_path.replace(naive_path)
    (build_s, build_cpu), (naive_build, naive_cpu) = min(builds), min(naive_builds)
    rows.append(Row(size, "store build (validated items → GeoPackage, with history and Feature texts)", "s",
                    build_s, naive_build, target="≤ 3× baseline at 100,000" if size >= 100_000 else "",
                    notes="baseline: GeoDataFrame.to_file(driver='GPKG') of the same frame, no history; "
                          "the fastest turn of each, the two alternating, each into a new file (turns: "
                          f"{', '.join(f'{b:.2f}' for b, _ in builds)} s vs "
                          f"{', '.join(f'{n:.2f}' for n, _ in naive_builds)} s); "
                          f"CPU time (every thread) {build_cpu:.1f} s vs {naive_cpu:.1f} s"))
    changed = list(items)
    one = changed[size // 2]
    changed[size // 2] = dataclasses.replace(one, end_year=(one.end_year or 2030) + 1, deadline_text="2041")
    rebuild_s, report = best_of(lambda: build_items(store, changed, [], actor="bench"), 1)
    assert {e.item_id for e in report.changes} == {one.id}, report.changes
    build_items(store, items, [], actor="bench")  # back to the frame's items for the rows below and the exports
    rows.append(Row(size, "rebuild after one item changed (validated items → the store, three-way merge)", "s",
                    rebuild_s, build_s, target="≤ 3 s at 100,000" if size >= 100_000 else "",
                    notes="baseline: the full build above; reading and validating data/'s YAML not included "
                          "(the same in both)"))
    load_s, _ = best_of(store.load, repeat)
    naive_load, _ = best_of(lambda: gpd.read_file(naive_path), repeat)
    rows.append(Row(size, "store load (all items, decoded)", "s", load_s, naive_load,
                    notes="baseline: geopandas.read_file of the plain GeoPackage"))
    query_s, result = best_of(lambda: store.load(QUERY), repeat)
    naive_query, expected = best_of(lambda: apply(store.load(), QUERY), repeat)
    assert list(result["id"]) == list(expected["id"])
    rows.append(Row(size, f"filter query ({len(result)} of {size} items)", "s", query_s, naive_query,
                    notes="SQL pushdown of mode/deadline vs load everything and filter in Python"))
    return rows


def _features_part(collection: str) -> str:
    """A FeatureCollection text from its features on (the metadata carries the generation time)."""
    return collection[collection.index(',"features":['):]


def bench_exports(size: int, gdf: gpd.GeoDataFrame, work: Path, repeat: int) -> list[Row]:
    """Exports of the whole frame beside geopandas' defaults.

    GeoJSON is measured as users get it, from the store's Feature texts (the store
    :func:`bench_store` built, else one built here untimed), and also computed from the
    frame in memory.
    """
    rows = []
    store = GeoPackageStore(_store_path(work))
    if not store.exists():
        build_items(store, synthetic.items(size), [], actor="bench")
    stored_s, text = best_of(lambda: gt_export.store_geojson(store, None, []), repeat)
    naive_s, naive_text = best_of(lambda: gdf.to_json(), repeat)
    rows.append(Row(size, "GeoJSON export (from the store: RFC 7946, 6 decimals, stored Feature texts)", "s",
                    stored_s, naive_s, target="≤ 2 s at 100,000" if size >= 100_000 else "",
                    notes=f"{len(text.encode()) / 1e6:.1f} MB vs baseline GeoDataFrame.to_json() "
                          f"{len(naive_text.encode()) / 1e6:.1f} MB (full precision, no schema)"))
    memory_s, computed = best_of(lambda: gt_export.to_geojson(gdf), repeat)
    assert _features_part(computed) == _features_part(text)  # the stored texts are what the frame gives
    rows.append(Row(size, "GeoJSON export in memory (to_geojson of the frame, Feature texts computed)", "s",
                    memory_s, naive_s, notes="the same text, computed per export (what a store write does)"))
    for fmt, naive in (("gpkg", lambda p: gdf.to_file(p, driver="GPKG")),
                       ("parquet", lambda p: gdf.to_parquet(p))):
        if fmt not in gt_export.EXPORT_FORMATS:
            continue
        path = work / f"out.{fmt}"
        ours, _ = best_of(lambda path=path, fmt=fmt: gt_export.export(gdf, path, fmt), 1)
        baseline, _ = best_of(lambda fmt=fmt, naive=naive: naive(work / f"naive.{fmt}"), 1)
        rows.append(Row(size, f"{fmt} export", "s", ours, baseline,
                        target="≤ 2× baseline at 100,000" if size >= 100_000 else "",
                        notes=f"{path.stat().st_size / 1e6:.1f} MB; baseline: geopandas default writer"))
    return rows


def run(sizes: list[int], repeat: int = 3, include: tuple[str, ...] = PARTS) -> Report:
    """Run every bench at every size."""
    report = Report(machine())
    for size in sizes:
        items = synthetic.items(size)
        gdf = items_to_frame(items)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            if "store" in include:
                report.rows.extend(_with_load(bench_store(size, gdf, work, repeat, items)))
            if "exports" in include:
                report.rows.extend(_with_load(bench_exports(size, gdf, work, repeat)))
            if "map" in include:
                report.rows.extend(_with_load(bench_map(size, gdf, repeat)))
    return report


def _with_load(rows: list[Row]) -> list[Row]:
    """``rows`` with the machine's load averages (1, 5, 15 minutes) when they were measured in their notes."""
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    for row in rows:
        row.notes = f"{row.notes}; load avg {load}" if row.notes else f"load avg {load}"
    return rows


def bench_map(size: int, gdf: gpd.GeoDataFrame, repeat: int) -> list[Row]:
    """Map payload and build time (filled in by :mod:`bench.mapbench` when the map module exists)."""
    try:
        from bench.mapbench import bench_map as _bench_map
    except ImportError:
        return []
    return _bench_map(size, gdf, repeat)


def write(report: Report, directory: Path = RESULTS_DIR) -> tuple[Path, Path]:
    """Write ``results.md`` and ``results.json``."""
    payload = {"machine": report.machine,
               "rows": [asdict(r) | {"ratio": r.ratio} for r in report.rows],
               "breakdown": [asdict(b) | {"round_trip_ms": b.round_trip_ms, "draw_after_end_ms": b.draw_after_end_ms}
                             for b in report.breakdown]}
    directory.mkdir(parents=True, exist_ok=True)  # --out may name a folder not made yet
    json_path = directory / "results.json"
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    lines = ["# geotrack benchmark results", "",
             "Each figure is measured beside a naive baseline in the same run (`make bench`); browser figures "
             "also beside the floor, a bare Streamlit page with one multiselect and a one-feature map on the same "
             "stack and server settings (`bench/floor_app.py`): the fastest any page on it can be.", "",
             "Machine: " + ", ".join(f"{k} {v}" for k, v in report.machine.items()), "",
             "| items | measurement | geotrack | baseline | ratio | floor | target | notes |",
             "|---:|---|---:|---:|---:|---:|---|---|"]
    for r in report.rows:
        base = f"{r.baseline:.3f} {r.unit}" if r.baseline is not None else "—"
        ratio = f"{r.ratio:.1f}×" if r.ratio is not None else "—"
        floor = f"{r.floor:.3f} {r.unit}" if r.floor is not None else ""
        lines.append(f"| {r.size:,} | {r.what} | {r.optimised:.3f} {r.unit} | {base} | {ratio} | {floor} | "
                     f"{r.target} | {r.notes} |")
    lines.extend(table(report.breakdown))
    md_path = directory / "results.md"
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return md_path, json_path
