"""The benchmark runs at a small size and its optimised paths return what the naive ones do (no timings)."""

from bench import synthetic
from bench.run import Report, machine, run, write


def test_synthetic_items_have_realistic_shapes():
    frame = synthetic.frame(60)
    kinds = set(frame.geometry.geom_type)
    assert kinds == {"LineString", "Point", "Polygon"}
    lines = frame[frame.geometry.geom_type == "LineString"]
    assert lines.geometry.map(lambda g: len(g.coords)).min() >= 100
    assert frame.geometry.is_valid.all()


def test_bench_runs_small_and_writes_tables(tmp_path):
    report = run([40], repeat=1)
    assert {r.what.split(" (")[0] for r in report.rows} >= {"store build", "store load", "filter query",
                                                              "GeoJSON export"}
    assert all(r.optimised > 0 for r in report.rows)
    md, js = write(report, tmp_path)
    assert "| items | measurement |" in md.read_text(encoding="utf-8")
    assert js.read_text(encoding="utf-8").startswith("{")


def test_machine_is_described():
    info = machine()
    assert info["cpus"] and info["python"]
    assert Report(info).rows == []
