"""Imports read only what they claim to be, touch no network, and stay within bounded memory."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from geotrack import settings
from geotrack.cli import main
from geotrack.testing import base_record, point_record

CORPUS = Path(__file__).parent / "bad_inputs"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from geotrack.testing import write_dataset

    root = tmp_path_factory.mktemp("safe")
    data, layers = write_dataset(root, [base_record(), point_record("port-a")])
    store = root / "s.gpkg"
    assert main(["--data", str(data), "--layers", str(layers), "--store", str(store), "build"]) == 0
    return ["--data", str(data), "--layers", str(layers), "--store", str(store)], store


def test_a_vrt_named_gpkg_reads_no_local_file(env, capsys):
    args, store = env
    before = store.read_bytes()
    assert main([*args, "import", str(CORPUS / "vrt_named_gpkg.gpkg"), "--dry-run", "--actor", "t"]) == 1
    err = capsys.readouterr().err
    assert "not a GeoPackage" in err and "root:" not in err
    assert store.read_bytes() == before


def test_a_vsi_path_is_refused_and_nothing_is_fetched(env, capsys):
    args, _ = env
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"id,name\nx,y\n")

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (f"/vsicurl/http://127.0.0.1:{server.server_port}/x.csv?leak=1",
                     f"/vsicurl/http://127.0.0.1:{server.server_port}/edits.gpkg"):
            assert main([*args, "import", path, "--dry-run", "--actor", "t"]) == 1
            assert "not a local file path" in capsys.readouterr().err
    finally:
        server.shutdown()
    assert requests == []


def test_a_folder_is_refused_clearly(env, tmp_path, capsys):
    args, _ = env
    assert main([*args, "import", str(tmp_path), "--dry-run", "--actor", "t"]) == 1
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err


def _peak_rss_mb(args: list[str]) -> tuple[float, int, str]:
    """Run ``geotrack args`` in a fresh interpreter: its peak RSS in MB, exit code and standard error.

    The peak is the child's own ``VmHWM``: ``ru_maxrss`` would carry over the parent's (pytest's) from the fork.
    """
    code = ("import re, sys\nfrom geotrack.cli import main\ncode = main(sys.argv[1:])\n"
            "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            "print('PEAK', peak, code, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    peak, exit_code = done.stderr.rsplit("PEAK", 1)[1].split()
    return int(peak) / 1024, int(exit_code), done.stderr


def _zeros(path: Path, size: int) -> None:
    count = (size - 50) // 2
    path.write_bytes(b'{"type":"FeatureCollection","features":[' + b"0," * count + b"0]}")


def _huge_lines(path: Path, size: int) -> None:
    """Ten features whose lines hold together as many positions as the caps allow."""
    position = b"[106.123456,20.123456],"
    per_feature = min(size // len(position), settings.max_import_vertices - 20) // 10
    props = json.dumps({"id": "port-x", "name_vi": "x", "mode": "seaport"}).encode()
    features = [b'{"type":"Feature","properties":' + props + b',"geometry":{"type":"LineString","coordinates":['
                + position * per_feature + b"[106.1,20.1]]}}" for _ in range(10)]
    path.write_bytes(b'{"type":"FeatureCollection","features":[' + b",".join(features) + b"]}")


def _over_the_vertex_cap(path: Path, size: int) -> None:
    position = b"[106.1,20.1],"
    count = (size - 200) // len(position)
    path.write_bytes(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":'
                     b'{"type":"LineString","coordinates":[' + position * count + b"[106.1,20.1]]}}]}")


def _one_string(path: Path, size: int) -> None:
    feature = {"type": "Feature", "properties": {"id": "port-x", "notes": "x" * (size - 200)}, "geometry": None}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")


def _many_errors(path: Path, size: int) -> None:
    feature = b'{"type":"Feature","properties":{"id":"Bad Id","bogus":1},"geometry":null}'
    count = min(settings.max_import_features, size // (len(feature) + 1))
    path.write_bytes(b'{"type":"FeatureCollection","features":[' + b",".join([feature] * count) + b"]}")


@pytest.mark.slow
@pytest.mark.parametrize(("make", "size", "error"), [
    (_zeros, 10 * 1024 * 1024, "JSON values"),
    (_zeros, settings.max_import_bytes - 1024, "JSON values"),
    (_huge_lines, 20 * 1024 * 1024, ""),
    (_over_the_vertex_cap, settings.max_import_bytes - 1024, "more than the import limit"),
    (_one_string, settings.max_import_bytes - 1024, "longer than"),
    (_many_errors, 2 * 1024 * 1024, "more"),
], ids=["zeros-10MB", "zeros-50MB", "lines-at-the-caps", "lines-over-the-caps", "one-50MB-string",
        "20k-features-with-errors"])
def test_any_file_within_the_size_cap_is_read_in_bounded_memory(env, tmp_path, make, size, error):
    args, store = env
    path = tmp_path / "big.geojson"
    make(path, size)
    assert path.stat().st_size <= settings.max_import_bytes
    before = store.read_bytes()
    peak, code, err = _peak_rss_mb([*args, "import", str(path), "--dry-run", "--actor", "t"])
    assert code == 1, err[-2000:]
    assert peak < 500, f"peak RSS {peak:.0f} MB"
    assert error in err
    assert len(err.splitlines()) <= settings.max_error_lines + 3  # capped, with "and N more"
    assert store.read_bytes() == before
