import importlib
import json
import math
import os
import stat

import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon, shape

from geotrack._files import write_atomic
from geotrack.export import EXPORT_FORMATS, ExportPathError, export, get_format, to_geojson, to_geojson_dict
from geotrack.features import FIELDS, feature_properties
from geotrack.filters import Filter
from geotrack.frames import items_to_frame
from geotrack.io import read_documents
from geotrack.model import Item
from geotrack.testing import base_record, point_record

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
    from geotrack.conflicts import conflict_map, deadline_key

    a = {"document": "07/NQ-CP", "deadline_text": "2026-2030", "end_year": 2030}
    b = {"document": "60/KH-UBND", "deadline_text": "Theo quy hoạch (sau năm 2030)", "end_year": None}
    silent = {"document": "14/NQ-CP", "deadline_text": None, "end_year": None}
    assert deadline_key(b) == "after 2030"
    assert conflict_map([a, b, silent]) == {
        "deadline": {"07/NQ-CP": "2026-2030", "60/KH-UBND": "Theo quy hoạch (sau năm 2030)"}
    }
    assert conflict_map([a, silent]) == {}


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


# -- Feature texts: computed once (stores keep them), spliced into every GeoJSON export ------------------
def _reference_texts(gdf):
    """Each row's Feature text the way to_geojson wrote it before the texts were vectorised: row by row."""
    from geotrack.geo import geojson_geometries

    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
    rows = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    return [f'{{"type":"Feature","id":{dumps(row.get("id"))},"geometry":{geometry or "null"},'
            f'"properties":{dumps(feature_properties(row))}}}'
            for row, geometry in zip(rows, geojson_geometries(gdf.geometry), strict=True)]


def _odd_frame():
    """Values the cleaning must handle: NaN, infinity, numpy numbers, dates, tuples, conflicts, no geometry."""
    import datetime as dt

    import numpy as np
    from shapely.geometry import Point

    two_documents = base_record()
    two_documents["commitments"].append({"document": "30-NQ/TW", "section": "III.3", "line": 1, "quote": 'a "b"',
                                         "deadline_text": "2030", "start_year": None, "end_year": 2030,
                                         "lead_agency": "Bộ Xây dựng", "funding_text": None})
    frame = _frame(two_documents, point_record("port-a", geometry=None, location_precision=None),
                   point_record("port-b", name_en="Cảng <b> & \\ \u2028"), point_record("port-c"))
    frame.loc[0, "length_km"] = math.nan
    frame.at[1, "stated_length_km"] = math.inf
    frame.at[1, "start_year"] = np.int64(2024)
    frame.at[2, "status_as_of"] = dt.date(2025, 7, 1)
    frame.at[2, "provinces"] = ("Hải Phòng",)
    frame.at[2, "funding"] = {"types": ("ppp",), "amount": np.float64(12.5), "as_of": "2024-01-02"}
    frame.loc[3, "geometry"] = Point()
    return frame


@pytest.mark.parametrize("make", [
    lambda: _frame(base_record(), point_record("port-a")), _odd_frame,
    lambda: items_to_frame([Item.from_record(r) for r in (base_record(), point_record("x", mode="berth"))]),
], ids=["plain", "odd", "items"])
def test_feature_texts_are_what_the_row_by_row_export_wrote(make):
    from geotrack.features import feature_texts, feature_utf8, geometry_utf8_of

    frame = make()
    texts = feature_texts(frame)
    assert texts == _reference_texts(frame)
    assert [_strict_loads(t)["id"] for t in texts] == list(frame["id"])
    # the store's UTF-8 form, made from each part's UTF-8, is the same text, with its geometries made before too
    assert list(feature_utf8(frame)) == [text.encode() for text in _reference_texts(frame)]
    assert list(feature_utf8(frame, geometry_utf8_of(frame.geometry.values))) == [text.encode() for text in texts]
    assert list(feature_utf8(frame.iloc[:0])) == []


def test_export_with_stored_features_equals_the_computed_export(monkeypatch):
    from geotrack.features import feature_texts

    monkeypatch.setattr(importlib.import_module("geotrack.export.metadata"), "_now",
                        lambda: "2026-01-01T00:00:00+00:00")
    frame = _odd_frame()
    stored = feature_texts(frame)
    flt = Filter(modes=("seaport",))
    assert to_geojson(frame, DOCUMENTS, flt, features=stored) == to_geojson(frame, DOCUMENTS, flt)
    collection = _strict_loads(to_geojson(frame, DOCUMENTS, flt, features=stored))
    assert [f["id"] for f in collection["features"]] == list(frame["id"])
    assert collection["metadata"]["feature_count"] == 4
    assert feature_texts(frame.iloc[:0]) == []
    assert _strict_loads(to_geojson(frame.iloc[:0], features=[]))["features"] == []


def test_features_of_other_items_are_refused():
    from geotrack.errors import GeotrackError
    from geotrack.features import feature_texts

    frame = _frame(base_record(), point_record("port-a"))
    stored = feature_texts(frame)
    with pytest.raises(GeotrackError, match="not item 'ring-road-4-capital'"):
        to_geojson(frame, features=stored[::-1])
    with pytest.raises(GeotrackError, match="1 stored feature"):
        to_geojson(frame, features=stored[:1])


def _row_by_row_as_of(gdf, documents=()):
    """dataset_as_of as it was written first: over every row's dict."""
    dates = [d.date.isoformat() for d in documents]
    for row in gdf.to_dict("records"):
        for value in (row.get("status_as_of"), (row.get("funding") or {}).get("as_of")):
            if value:
                dates.append(str(value))
        dates.extend(str(s.get("as_of")) for s in row.get("sources") or () if s.get("as_of"))
    return max(dates) if dates else None


@pytest.mark.parametrize(("status", "funding", "source"), [
    ("2025-06-30", "2022-06-16", "2025-06-29"), (None, "2031-01-01", "2025-06-29"), (None, None, "2032-05-05"),
    (None, None, None),
])
def test_as_of_from_frame_and_from_texts_agree(status, funding, source):
    from geotrack.features import dataset_as_of, feature_texts, texts_as_of

    record = base_record() | {"status_as_of": status,
                              "funding": base_record()["funding"] | {"as_of": funding},
                              "sources": [{"url": "https://example.org/s", "title": 'quote "as_of":"2099-01-01"',
                                           "as_of": source, "supports": ["status"]}]}
    frame = _frame(record, point_record("port-a"))
    expected = max(d for d in (status, funding, source) if d) if (status or funding or source) else None
    assert dataset_as_of(frame) == _row_by_row_as_of(frame) == texts_as_of(feature_texts(frame)) == expected
    with_documents = _row_by_row_as_of(frame, DOCUMENTS)
    assert dataset_as_of(frame, DOCUMENTS) == texts_as_of(feature_texts(frame), DOCUMENTS) == with_documents
    assert with_documents is not None


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_export_file_and_sidecar_is_readable_by_others(tmp_path, fmt):
    old = os.umask(0o022)
    try:
        path = tmp_path / f"out{get_format(fmt).extension}"
        export(_frame(base_record(), point_record("port-a")), path, fmt, DOCUMENTS)
    finally:
        os.umask(old)
    written = sorted(p for p in tmp_path.iterdir())
    assert path in written and written, written
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in written} == {p.name: 0o644 for p in written}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_into_a_missing_folder_names_the_folder(tmp_path, fmt):
    path = tmp_path / "no-such-folder" / f"out{get_format(fmt).extension}"
    with pytest.raises(ExportPathError, match=r"the folder .*no-such-folder does not exist"):
        export(_frame(base_record()), path, fmt, DOCUMENTS)
    assert not (tmp_path / "no-such-folder").exists()
