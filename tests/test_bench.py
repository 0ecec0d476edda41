"""The benchmark runs at a small size and its optimised paths return what the naive ones do (no timings)."""

import re

import pytest

from bench import synthetic
from bench.run import Report, Row, machine, run, write
from bench.timing import StepTiming, summarise, table

pytestmark = pytest.mark.slow  # the benchmark end to end at its smallest size


def test_synthetic_items_have_realistic_shapes():
    frame = synthetic.frame(60)
    kinds = set(frame.geometry.geom_type)
    assert kinds == {"LineString", "Point", "Polygon"}
    lines = frame[frame.geometry.geom_type == "LineString"]
    assert lines.geometry.map(lambda g: len(g.coords)).min() >= 100
    assert frame.geometry.is_valid.all()


def test_bench_runs_small_and_writes_tables(tmp_path):
    report = run([40], repeat=1)
    assert {r.what.split(" (")[0] for r in report.rows} >= {
        "store build", "rebuild after one item changed", "store load", "filter query", "GeoJSON export",
        "GeoJSON export in memory", "gpkg export", "parquet export"}
    assert all(r.baseline is not None for r in report.rows if not r.what.startswith("map payload"))
    assert all(r.optimised > 0 for r in report.rows)
    md, js = write(report, tmp_path)
    assert "| items | measurement |" in md.read_text(encoding="utf-8")
    assert js.read_text(encoding="utf-8").startswith("{")


def test_only_the_parts_asked_for_run_and_every_row_is_reported(tmp_path):
    from bench.__main__ import main

    assert main(["30", "--repeat", "1", "--only", "store", "--only", "exports", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| 30 |")]
    measured = {line.split(" | ")[1].split(" (")[0] for line in rows}
    assert measured == {"store build", "rebuild after one item changed", "store load", "filter query",
                        "GeoJSON export", "GeoJSON export in memory", "gpkg export", "parquet export"}  # no map rows
    assert all(" s | " in line and "×" in line for line in rows)  # each with its figure, baseline and ratio
    assert all("load avg " in line for line in rows)  # and the machine's load when it was measured
    build = next(line for line in rows if line.split(" | ")[1].startswith("store build"))
    assert re.search(r"CPU time \(every thread\) \d+\.\d s vs \d+\.\d s", build)  # and both CPU times
    assert re.search(r"\(turns: \d+\.\d\d s vs \d+\.\d\d s\)", build)  # and each turn's time


def test_machine_is_described():
    info = machine()
    assert info["cpus"] and info["python"]
    assert Report(info).rows == []


def test_breakdown_is_summarised_per_kind_of_step_and_written():
    def step(name: str, wall: float, runs: list[dict[str, float]]) -> StepTiming:
        return StepTiming(name, wall, {"running": 100.0, "idle": 400.0, "drawn": 350.0}, len(runs), runs)

    timings = [step("open:first", 900.0, [{"total": 250.0, "data": 50.0, "map": 200.0}]),
               step("open", 500.0, [{"total": 200.0, "data": 20.0, "map": 180.0}, {"total": 40.0, "map": 40.0}]),
               step("open", 700.0, [{"total": 300.0, "data": 40.0, "map": 260.0}]),
               step("change:rail", 300.0, [{"total": 100.0, "map": 100.0}])]
    parts = summarise("real", 147, "geotrack", timings)
    assert [(b.kind, b.n) for b in parts] == [("first open", 1), ("open", 2), ("change", 1)]
    opened = parts[1]
    assert opened.wall_ms == 600.0 and opened.server_ms == 250.0
    assert opened.sections == {"data": 30.0, "map": 220.0}
    assert opened.later_runs == 0.5 and opened.later_server_ms == 20.0
    assert opened.round_trip_ms == 150.0 and opened.draw_after_end_ms == -50.0
    lines = table(parts)
    assert sum(line.startswith("| real | geotrack |") for line in lines) == 3
    assert "250 (data 30, map 220)" in "\n".join(lines)
    assert table([]) == []


def test_results_show_the_floor_beside_each_browser_row(tmp_path):
    rows = [Row(147, "browser: filter change → map redrawn (real dataset)", "ms", 250.0, 480.0, floor=200.0),
            Row(147, "store build", "s", 1.0, 0.5)]
    md, js = write(Report(machine(), rows), tmp_path)
    text = md.read_text(encoding="utf-8")
    assert "| 250.000 ms | 480.000 ms | 1.9× | 200.000 ms |" in text
    assert "| 1.000 s | 0.500 s | 0.5× |  |" in text
    assert '"floor": 200.0' in js.read_text(encoding="utf-8")
