import json

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point, shape

from geotrack.build import build
from geotrack.errors import DataFileError
from geotrack.export import to_geojson_dict
from geotrack.geo import METRIC_CRS
from geotrack.import_file import read_import
from geotrack.importer import describe, plan_import
from geotrack.io import read_dataset
from geotrack.store import GeoPackageStore
from geotrack.testing import base_record, point_record
from geotrack.validate import Context


@pytest.fixture
def setup(tmp_path, make_dataset):
    data, layers = make_dataset([base_record(), point_record("port-a"),
                                 point_record("berth-a1", mode="berth", parent_id="port-a")])
    store = GeoPackageStore(tmp_path / "s.gpkg")
    build(store, data_dir=data, layers_dir=layers)
    dataset = read_dataset(data, layers)
    return store, Context(dataset.texts, dataset.corridor_ids), tmp_path


def _write(path, collection):
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def _plan(store, ctx, path, **kwargs):
    records, problems = read_import(path)
    return plan_import(records, problems, store.load(), ctx, source=str(path), **kwargs)


def test_export_then_import_changes_nothing(setup):
    store, ctx, tmp = setup
    path = _write(tmp / "all.geojson", to_geojson_dict(store.load(), store.documents()))
    plan = _plan(store, ctx, path)
    assert plan.errors == [] and plan.changes == []
    assert describe(plan).endswith("0 added, 0 changed, 0 removed")


def test_edited_file_gives_an_exact_change_list_and_applies(setup):
    store, ctx, tmp = setup
    collection = to_geojson_dict(store.load(), store.documents())
    port = collection["features"][1]
    port["properties"].update(status="approved", status_as_of="2026-10-01", status_source="https://example.org/a")
    port["geometry"]["coordinates"] = [106.95, 20.79]
    new = json.loads(json.dumps(port))
    new["id"] = new["properties"]["id"] = "port-new"
    collection["features"].append(new)
    plan = _plan(store, ctx, _write(tmp / "edit.geojson", collection))
    assert plan.errors == []
    summary = {(c.item_id, c.kind, tuple(f for f, _, _ in c.fields)) for c in plan.changes}
    assert summary == {("port-a", "changed", ("status", "status_as_of", "status_source", "geometry")),
                       ("port-new", "added", ())}
    text = describe(plan)
    assert '~ port-a (changed)' in text and "status: planned → approved" in text and "+ port-new (added)" in text
    entries = store.apply_changes(plan.items(), actor="gis team", source="edit.geojson")
    frame = store.load().set_index("id")
    assert frame.loc["port-a", "status"] == "approved"
    assert frame.loc["port-a", "geometry"].equals(Point(106.95, 20.79))
    assert "port-new" in frame.index and list(frame.index[:3]) == ["ring-road-4-capital", "port-a", "berth-a1"]
    assert {(e.item_id, e.field) for e in entries} >= {("port-a", "status"), ("port-a", "geometry"),
                                                       ("port-new", "item")}
    assert all(e.actor == "gis team" for e in entries)


def test_remove_missing_lists_removals(setup):
    store, ctx, tmp = setup
    collection = to_geojson_dict(store.load(), store.documents())
    collection["features"] = collection["features"][:1]
    plan = _plan(store, ctx, _write(tmp / "one.geojson", collection), remove_missing=True)
    assert {(c.item_id, c.kind) for c in plan.changes} == {("port-a", "removed"), ("berth-a1", "removed")}
    assert _plan(store, ctx, tmp / "one.geojson").changes == []


def test_geopackage_round_trip(setup):
    store, ctx, tmp = setup
    collection = to_geojson_dict(store.load(), store.documents())
    collection["features"][1]["properties"]["end_year"] = 2031
    frame = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")
    for column in ("provinces", "former_provinces", "corridors", "commitments", "sources", "funding_types",
                   "documents", "conflicts"):
        frame[column] = frame[column].map(lambda v: json.dumps(v, ensure_ascii=False))
    path = tmp / "edit.gpkg"
    pyogrio.write_dataframe(frame, path, layer="items", driver="GPKG", geometry_type="Unknown")
    plan = _plan(store, ctx, path)
    assert plan.errors == [], [str(p) for p in plan.errors]
    assert [(c.item_id, [f for f, _, _ in c.fields]) for c in plan.changes] == [("port-a", ["end_year"])]


def test_declared_crs_is_reprojected(setup):
    store, _, tmp = setup
    collection = to_geojson_dict(store.load(), store.documents())
    projected = gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326").to_crs(METRIC_CRS)
    for feature, geom in zip(collection["features"], projected.geometry, strict=True):
        feature["geometry"] = json.loads(gpd.GeoSeries([geom]).to_json())["features"][0]["geometry"]
    collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3405"}}
    records, problems = read_import(_write(tmp / "vn2000.geojson", collection))
    assert problems == []
    point = shape(records[1].record["geometry"])
    assert point.distance(Point(106.9, 20.8)) < 1e-6


def test_projected_coordinates_without_crs_are_refused(tmp_path):
    point = {"type": "Point", "coordinates": [600000, 2300000]}
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "x"},
                                                             "geometry": point}]}
    with pytest.raises(DataFileError, match=r"projected.*declares no CRS"):
        read_import(_write(tmp_path / "utm.geojson", collection))


def test_unknown_fields_are_reported_with_feature_id_and_field(setup):
    store, ctx, tmp = setup
    collection = to_geojson_dict(store.load(), store.documents())
    collection["features"][2]["properties"]["contractor"] = "ACME"
    plan = _plan(store, ctx, _write(tmp / "extra.geojson", collection))
    (problem,) = plan.errors
    assert (problem.index, problem.item_id, problem.field) == (2, "berth-a1", "contractor")
    assert "extra.geojson" in str(problem)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "expected a GeoJSON FeatureCollection"),
        (b'{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": {}}', "'features' must be a list"),
        (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": NaN}}]}', "NaN"),
        ("Cảng".encode("cp1258", errors="replace") + b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_files_name_the_file(tmp_path, content, words):
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=words) as info:
        read_import(path)
    assert "bad.geojson" in str(info.value)


def test_file_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.geojson"
    path.write_bytes(b" " * 2048)
    with pytest.raises(DataFileError, match="larger than the import limit"):
        read_import(path, max_bytes=1024)


def test_geopackage_without_items_layer(tmp_path):
    path = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(106, 21)], crs=4326).to_file(path, layer="roads")
    with pytest.raises(DataFileError, match="no 'items' layer"):
        read_import(path)


def test_a_stated_length_and_its_source_survive_export_and_import(tmp_path, make_dataset):
    stated = base_record() | {"stated_length_km": 100.5, "stated_length_source": "https://example.org/length"}
    data, layers = make_dataset([stated, point_record("port-a")])
    store = GeoPackageStore(tmp_path / "s.gpkg")
    build(store, data_dir=data, layers_dir=layers)
    dataset = read_dataset(data, layers)
    ctx = Context(dataset.texts, dataset.corridor_ids)
    collection = to_geojson_dict(store.load(), store.documents())
    assert collection["features"][0]["properties"]["stated_length_source"] == "https://example.org/length"
    plan = _plan(store, ctx, _write(tmp_path / "all.geojson", collection))
    assert plan.errors == [] and plan.changes == [], [str(p) for p in plan.errors]
    collection["features"][0]["properties"]["stated_length_source"] = "14/NQ-CP"
    plan = _plan(store, ctx, _write(tmp_path / "edit.geojson", collection))
    assert [(c.item_id, c.fields) for c in plan.changes] == [
        ("ring-road-4-capital", (("stated_length_source", "https://example.org/length", "14/NQ-CP"),))]


def test_feature_level_id_is_the_item_id_when_properties_have_none(setup):
    store, ctx, tmp = setup
    collection = to_geojson_dict(store.load(), store.documents())
    for feature in collection["features"]:  # as GDAL and QGIS save a GeoJSON file
        feature["id"] = feature["properties"].pop("id")
    collection["features"][1]["properties"]["end_year"] = 2031
    plan = _plan(store, ctx, _write(tmp / "gdal.geojson", collection))
    assert plan.errors == [], [str(p) for p in plan.errors]
    assert [(c.item_id, [f for f, _, _ in c.fields]) for c in plan.changes] == [("port-a", ["end_year"])]


def test_feature_id_that_contradicts_properties_id_is_an_error(setup):
    store, ctx, tmp = setup
    collection = to_geojson_dict(store.load(), store.documents())
    collection["features"][1]["id"] = "port-b"
    plan = _plan(store, ctx, _write(tmp / "two-ids.geojson", collection))
    (problem,) = plan.errors
    assert (problem.item_id, problem.field) == ("port-a", "id") and "port-b" in problem.message


@pytest.mark.parametrize("name", ["all.fgb", "all.csv", "all.kml", "all.parquet", "all"])
def test_other_formats_are_refused_naming_the_accepted_ones(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 anything")
    with pytest.raises(DataFileError) as info:
        read_import(path)
    message = str(info.value)
    assert name in message and "GeoJSON (.geojson, .json) or GeoPackage (.gpkg)" in message
    assert "UTF-8" not in message and "JSON:" not in message
