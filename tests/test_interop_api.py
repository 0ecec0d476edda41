"""The OGC API - Features service (geotrack serve-api, pygeoapi) read by GDAL's OAPIF driver as QGIS reads it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from interop import Shipped, run, shipped  # noqa: F401  (the session fixture)
from shapely.geometry import box, shape

from geotrack.api import api_config
from geotrack.filters import Filter

pytestmark = pytest.mark.slow  # a pygeoapi server and GDAL clients


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(shipped: Shipped, *args: str, location: str | None = None  # noqa: F811
           ) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "geotrack.cli", "--store", location or str(shipped.store.location),
                               "serve-api", "--port", str(port), *args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/collections/items"
    for _ in range(600):  # wait for it to listen (not a timing assertion: it only has to come up)
        try:
            with urllib.request.urlopen(url + "?f=json"):
                return server, url
        except OSError:
            if server.poll() is not None:
                raise AssertionError(f"serve-api exited {server.returncode}") from None
            time.sleep(0.1)
    server.kill()
    raise AssertionError("serve-api did not start")


@pytest.fixture(scope="module")
def service(shipped) -> Iterator[str]:  # noqa: F811
    server, url = _start(shipped)
    yield url
    server.terminate()
    server.wait()


def _oapif_features(url: str, tmp_path, *extra: str) -> list[dict[str, Any]]:
    out = tmp_path / "oapif.geojson"
    done = run("ogr2ogr", "-f", "GeoJSON", out, f"OAPIF:{url}", "items", *extra)
    assert "Warning" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    return list(json.loads(out.read_text(encoding="utf-8"))["features"])


def _as_served(gdal_value: Any, exported: Any) -> Any:
    """GDAL's reading of a served value, in the export's terms (it guesses field types from the first page)."""
    if isinstance(exported, list) and isinstance(gdal_value, str) and gdal_value.startswith("("):
        return [v for v in gdal_value.split(":", 1)[1][:-1].split(",") if v]  # a StringList "(n:a,b)"
    if isinstance(exported, float) and isinstance(gdal_value, str):
        return float(gdal_value)
    if isinstance(exported, (list, dict)) and isinstance(gdal_value, str):
        return json.loads(gdal_value)
    return gdal_value


def test_gdal_oapif_reads_every_item_with_the_geojson_exports_ids_and_values(shipped, service, tmp_path):  # noqa: F811
    features = _oapif_features(service, tmp_path)
    assert sorted(f["properties"]["id"] for f in features) == sorted(shipped.features)  # all 147, paged
    for feature in features:
        exported = shipped.features[feature["properties"]["id"]]
        for name in ("id", "name_vi", "name_en", "mode", "status", "end_year", "lead_agency", "provinces",
                     "former_provinces", "length_km", "stated_length_source"):
            want = exported["properties"][name]
            assert _as_served(feature["properties"].get(name), want) == want, (exported["id"], name)
        if exported["geometry"] is None:
            assert feature["geometry"] is None
        else:
            assert shape(feature["geometry"]).equals_exact(shape(exported["geometry"]), 1e-9)


def test_gdal_oapif_bbox_is_answered_by_the_service(shipped, service, tmp_path):  # noqa: F811
    area = (106.6, 20.7, 106.9, 20.95)
    features = _oapif_features(service, tmp_path, "-spat", *map(str, area))
    want = {i for i, f in shipped.features.items()
            if f["geometry"] and shapely.intersects(shape(f["geometry"]), box(*area))}
    assert want and {f["properties"]["id"] for f in features} == want


def test_item_by_id_and_paging_in_crs84(shipped, service):  # noqa: F811
    item_id = sorted(shipped.features)[5]
    with urllib.request.urlopen(f"{service}/items/{item_id}?f=json") as answer:
        item = json.load(answer)
    assert item["id"] == item_id and item["properties"] == shipped.features[item_id]["properties"]
    last = len(shipped.features) - 7  # the last page: 7 items left, fewer than the limit
    with urllib.request.urlopen(f"{service}/items?f=json&limit=10&offset={last}") as answer:
        page = json.load(answer)
    assert page["numberMatched"] == len(shipped.features) and page["numberReturned"] == 7
    with urllib.request.urlopen(f"{service}?f=json") as answer:
        collection = json.load(answer)
    assert collection["crs"][0] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def test_the_cli_filters_limit_what_the_service_offers(shipped, tmp_path):  # noqa: F811
    server, url = _start(shipped, "--mode", "rail", "--status", "planned")
    try:
        features = _oapif_features(url, tmp_path)
    finally:
        server.terminate()
        server.wait()
    want = {i for i, f in shipped.features.items()
            if f["properties"]["mode"] == "rail" and f["properties"]["status"] == "planned"}
    assert want and {f["properties"]["id"] for f in features} == want


def test_the_service_listens_on_loopback_by_default():
    config = api_config("store.gpkg", flt=Filter(modes=("rail",)))
    assert config["server"]["bind"]["host"] == "127.0.0.1"
    assert config["resources"]["items"]["providers"][0]["options"]["filter"] == {"modes": "rail"}


def test_the_service_serves_a_postgis_store_as_it_serves_the_geopackage(shipped, postgis_server, tmp_path):  # noqa: F811
    from geotrack.build import build
    from geotrack.store import open_store

    location = postgis_server.create_database()
    build(open_store(location))
    server, url = _start(shipped, location=location)
    try:
        features = _oapif_features(url, tmp_path)
    finally:
        server.terminate()
        server.wait()
    assert sorted(f["properties"]["id"] for f in features) == sorted(shipped.features)
    by_id = {f["properties"]["id"]: f for f in features}
    for item_id, exported in shipped.features.items():
        assert by_id[item_id]["properties"]["status"] == exported["properties"]["status"]
        assert (by_id[item_id]["geometry"] is None) == (exported["geometry"] is None)
