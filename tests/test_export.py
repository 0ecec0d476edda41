import json
import math

import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon, shape

from conftest import base_record, point_record
from geotrack.export import FIELDS, export, feature_properties, to_geojson, to_geojson_dict, write_atomic
from geotrack.filters import Filter
from geotrack.io import read_documents
from geotrack.model import Item, items_to_frame

DOCUMENTS = list(read_documents()[0].values())


def _frame(*records):
    return items_to_frame([Item.from_record(r) for r in records])


def _strict_loads(text):
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def collection():
    polygon = point_record(
        "zone-cw",
        mode="economic_zone",
        # clockwise exterior ring, 8 decimals: the export must wind it CCW and round it
        geometry={"type": "Polygon", "coordinates": [[[106.6, 20.8], [106.6, 20.912345678], [106.7, 20.9],
                                                      [106.7, 20.8], [106.6, 20.8]]]},
    )
    return _strict_loads(to_geojson(_frame(base_record(), polygon), DOCUMENTS, Filter(modes=("ring_road",))))


def test_feature_collection_is_rfc7946(collection):
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["id"] == feature["properties"]["id"]
        for number in shapely.get_coordinates(shape(feature["geometry"])).ravel():
            assert round(number, 6) == number  # at most 6 decimals
        lon, lat = shape(feature["geometry"]).centroid.coords[0]
        assert 102 < lon < 118 and 8 < lat < 24  # [lon, lat] order


def test_polygons_are_counter_clockwise(collection):
    polygon = shape(collection["features"][1]["geometry"])
    assert isinstance(polygon, Polygon) and polygon.exterior.is_ccw


def test_properties_carry_the_documented_schema(collection):
    props = collection["features"][0]["properties"]
    required = {"id", "name_vi", "name_en", "mode", "status", "status_as_of", "start_year", "end_year",
                "deadline_text", "funding_types", "funding_amount", "lead_agency", "provinces", "corridors",
                "parent_id", "location_precision", "length_km", "commitments", "documents"}
    assert required <= set(props)
    assert set(props) == set(FIELDS)
    assert props["documents"] == ["14/NQ-CP"]
    assert props["commitments"][0]["document"] == "14/NQ-CP"
    assert props["commitments"][0]["line"] == 441
    assert props["status_oc4ids"] == "implementation"
    assert props["length_km"] > 50


def test_metadata_carries_as_of_documents_filter_and_fields(collection):
    meta = collection["metadata"]
    assert meta["as_of"] >= "2025-06-30"
    assert {d["number"] for d in meta["documents"]} >= {"14/NQ-CP", "30-NQ/TW"}
    assert meta["filter"] == {"modes": "ring_road"}
    assert meta["fields"]["id"]
    assert meta["feature_count"] == 2


def test_no_nan_or_infinity_reaches_json():
    record = base_record()
    frame = _frame(record)
    frame.loc[0, "length_km"] = math.nan
    frame.at[0, "stated_length_km"] = math.inf
    props = _strict_loads(to_geojson(frame))["features"][0]["properties"]
    assert props["length_km"] is None and props["stated_length_km"] is None


def test_conflicting_documents_are_visible():
    record = base_record()
    record["commitments"].append({"document": "30-NQ/TW", "section": "III.3", "line": 1, "quote": "x",
                                  "deadline_text": "2030", "start_year": None, "end_year": 2030,
                                  "lead_agency": None, "funding_text": None})
    props = feature_properties(_frame(record).to_dict("records")[0])
    assert props["conflicts"] == {"deadline": {"14/NQ-CP": "Đến năm 2027", "30-NQ/TW": "2030"}}


def test_item_without_geometry_exports_null_geometry():
    record = point_record("site-unknown", geometry=None, location_precision=None)
    feature = to_geojson_dict(_frame(record))["features"][0]
    assert feature["geometry"] is None


def test_export_writes_file_gdal_reads(tmp_path):
    path = tmp_path / "out.geojson"
    export(_frame(base_record(), point_record("port-a")), path, "geojson", DOCUMENTS)
    back = pyogrio.read_dataframe(path)
    assert list(back["id"]) == ["ring-road-4-capital", "port-a"]
    assert not list(tmp_path.glob(".*tmp"))
    with pytest.raises(ValueError, match="unknown export format"):
        export(_frame(base_record()), tmp_path / "x.shp", "shapefile")


def test_write_atomic_leaves_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "f.txt"
    write_atomic(path, b"old")

    def boom(*_args):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_after_year_deadline_conflicts_with_a_year_range():
    from geotrack.model import commitment_conflicts, deadline_key

    a = {"document": "07/NQ-CP", "deadline_text": "2026-2030", "end_year": 2030}
    b = {"document": "60/KH-UBND", "deadline_text": "Theo quy hoạch (sau năm 2030)", "end_year": None}
    silent = {"document": "14/NQ-CP", "deadline_text": None, "end_year": None}
    assert deadline_key(b) == "after 2030"
    assert commitment_conflicts([a, b, silent]) == {
        "deadline": {"07/NQ-CP": "2026-2030", "60/KH-UBND": "Theo quy hoạch (sau năm 2030)"}
    }
    assert commitment_conflicts([a, silent]) == {}


def test_vectorised_lengths_equal_single_lengths():
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from geotrack.geo import length_km, lengths_km

    geoms = [LineString([(105.8, 21.0), (106.6, 20.8)]), Point(106, 21), None]
    assert lengths_km(gpd.GeoSeries(geoms, crs=4326)) == [length_km(geoms[0]), None, None]
    assert lengths_km(gpd.GeoSeries([], crs=4326)) == []


def test_empty_geometry_exports_as_null_and_frame_is_untouched():
    from shapely.geometry import Point

    frame = _frame(point_record("site-a"), point_record("site-b"))
    frame.loc[1, "geometry"] = Point()
    feature_b = _strict_loads(to_geojson(frame))["features"][1]
    assert feature_b["geometry"] is None
    assert frame.loc[1, "geometry"].is_empty and frame.loc[0, "geometry"].equals(Point(106.9, 20.8))
