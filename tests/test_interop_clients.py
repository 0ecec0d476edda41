"""Every export of the shipped data opened by the readers GIS teams use: GDAL's tools and GeoPackage validator
(Debian), DuckDB spatial (PyPI, loaded offline), xmllint; counts, ids and Vietnamese text checked, no warnings."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from interop import Shipped, duckdb_spatial, run, shipped  # noqa: F401  (the session fixture)

pytestmark = pytest.mark.slow  # GDAL, DuckDB and validators on every export format

GPKG_VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
#: Item with Vietnamese diacritics in its name, to check the text survives each reader.
_ID_FIELD = re.compile(r"^\s+id \(String\) = (\S+)$", re.MULTILINE)


def _ogr_ids(path) -> list[str]:
    done = run("ogrinfo", "-ro", "-al", "-q", "-nogeomtype", path)
    assert "Warning" not in done.stderr and "ERROR" not in done.stderr, done.stderr
    return _ID_FIELD.findall(done.stdout)


def _vietnamese(shipped: Shipped) -> str:  # noqa: F811
    return next(f["properties"]["name_vi"] for f in shipped.features.values() if "ư" in f["properties"]["name_vi"])


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "kml"])
def test_ogrinfo_reads_every_item_with_its_id_and_no_warning(shipped, fmt):  # noqa: F811
    ids = _ogr_ids(shipped.exports[fmt])
    assert sorted(ids) == sorted(shipped.features)  # 147: every item once, ids intact
    full = run("ogrinfo", "-ro", "-al", "-q", shipped.exports[fmt]).stdout
    assert _vietnamese(shipped) in full


def test_ogrinfo_reads_the_located_items_of_the_flatgeobuf(shipped):  # noqa: F811
    ids = _ogr_ids(shipped.exports["fgb"])
    located = [i for i, f in shipped.features.items() if f["geometry"] is not None]
    assert ids == located and len(ids) == shipped.located
    sidecar = json.loads(shipped.exports["fgb"].with_name("all-fgb.fgb.meta.json").read_text(encoding="utf-8"))
    assert sorted(sidecar["unlocated"]["ids"] + ids) == sorted(shipped.features)


def test_gdal_3_6_rewrites_the_flatgeobuf_without_losing_rows(shipped, tmp_path):  # noqa: F811
    rewritten = tmp_path / "rewritten.fgb"
    run("ogr2ogr", "-f", "FlatGeobuf", rewritten, shipped.exports["fgb"])
    assert len(_ogr_ids(rewritten)) == shipped.located


def test_gdal_geopackage_validator_passes_the_export_and_the_store(shipped):  # noqa: F811
    for path in (shipped.exports["gpkg"], shipped.store.location):
        done = run("python3", GPKG_VALIDATOR, path, check=False)
        assert done.returncode == 0 and done.stdout.strip() == "" and done.stderr.strip() == "", (path, done)


def test_gdal_reads_the_geopackage_aliases_domains_dates_and_json(shipped):  # noqa: F811
    done = run("ogrinfo", "-ro", "-so", shipped.exports["gpkg"], "items_lines")
    assert "Warning" not in done.stderr, done.stderr
    assert "status: String (0.0), domain name=geotrack_status" in done.stdout
    assert "status_as_of: Date (0.0)" in done.stdout and "commitments: String(JSON) (0.0)" in done.stdout
    domain = run("ogrinfo", "-ro", "-so", shipped.exports["gpkg"], "-fielddomain", "geotrack_status").stdout
    assert "Type: coded" in domain and "under_construction: Đang thi công / Under construction" in domain


def test_duckdb_spatial_reads_the_flatgeobuf_geoparquet_and_geopackage(shipped):  # noqa: F811
    con = duckdb_spatial()
    fgb = con.execute("SELECT count(*), count(geom), count(DISTINCT id) FROM ST_Read(?)",
                      [str(shipped.exports["fgb"])]).fetchone()
    assert fgb == (shipped.located, shipped.located, shipped.located)
    parquet = con.execute(
        "SELECT count(*), count(geometry), count(bbox), count(DISTINCT id), max(ST_XMax(geometry)) <= 180 "
        "FROM read_parquet(?)", [str(shipped.exports["parquet"])]).fetchone()
    assert parquet == (len(shipped.features), shipped.located, shipped.located, len(shipped.features), True)
    names = {r[0] for r in con.execute("SELECT name_vi FROM read_parquet(?)",
                                       [str(shipped.exports["parquet"])]).fetchall()}
    assert _vietnamese(shipped) in names
    layers = con.execute("SELECT unnest(layers).name FROM ST_Read_Meta(?)",
                         [str(shipped.exports["gpkg"])]).fetchall()
    located = sum(con.execute("SELECT count(*) FROM ST_Read(?, layer=?)",
                              [str(shipped.exports["gpkg"]), name]).fetchone()[0]
                  for (name,) in layers if name.startswith("items_") and name != "items_no_geometry")
    assert located == shipped.located
    geojson = con.execute("SELECT count(*) FROM ST_Read(?)", [str(shipped.exports["geojson"])]).fetchone()
    assert geojson == (len(shipped.features),)


def test_xmllint_finds_the_kml_well_formed_with_the_kml_2_2_structure(shipped):  # noqa: F811
    path = shipped.exports["kml"]
    run("xmllint", "--noout", path)
    ns = "kml=http://www.opengis.net/kml/2.2"
    count = run("xmllint", "--xpath", "count(//*[local-name()='Placemark'])", path).stdout.strip()
    assert int(count) == len(shipped.features)
    folders = run("xmllint", "--xpath", "count(/*[local-name()='kml']/*[local-name()='Document']"
                  "/*[local-name()='Folder'])", path).stdout.strip()
    assert int(folders) == len({f["properties"]["mode"] for f in shipped.features.values()})
    assert ns.split("=", 1)[1] in path.read_text(encoding="utf-8")[:200]
    # every Placemark's children in the order the KML 2.2 schema asks
    order = run("xmllint", "--xpath", "//*[local-name()='Placemark'][1]/*", path).stdout
    tags = re.findall(r"<(\w+)[ >]", order)
    top = [t for t in tags if t in ("name", "description", "styleUrl", "ExtendedData", "LineString", "Point",
                                    "Polygon", "MultiGeometry")]
    assert top[:4] == ["name", "description", "styleUrl", "ExtendedData"]


def test_gpkg_export_and_store_declare_version_1_2(shipped):  # noqa: F811
    for path in (shipped.exports["gpkg"], shipped.store.location):
        with closing(sqlite3.connect(path)) as db:
            assert db.execute("PRAGMA user_version").fetchone() == (10200,)


def test_the_readme_shapefile_recipe_gives_one_utf8_file_set_per_geometry_type(shipped, tmp_path):  # noqa: F811
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    sql = re.search(r'-sql "(SELECT geom.*? FROM )\$layer"', readme, re.DOTALL)
    assert sql, "the README's Shapefile recipe"
    total = 0
    for layer in ("items_points", "items_lines"):
        out = tmp_path / f"{layer}.shp"
        done = run("ogr2ogr", "-f", "ESRI Shapefile", out, shipped.exports["gpkg"], "-lco", "ENCODING=UTF-8",
                   "-nln", layer, "-dialect", "SQLite", "-sql", sql.group(1) + layer)
        assert "Warning" not in done.stderr and "truncat" not in done.stderr.lower(), done.stderr
        assert out.with_suffix(".cpg").read_text() == "UTF-8"
        total += len(_ogr_ids(out))
        schema = run("ogrinfo", "-ro", "-so", out, layer).stdout
        names = re.findall(r"^(\w+): \w+ \(", schema, re.MULTILINE)
        assert len(names) == len(set(names)) == 19 and all(len(n) <= 10 for n in names)
    assert total == shipped.located
    names_vi = run("ogrinfo", "-ro", "-al", "-q", tmp_path / "items_lines.shp").stdout
    assert all(f["properties"]["name_vi"] in names_vi for f in shipped.features.values()
               if f["geometry"] and "Line" in f["geometry"]["type"])
