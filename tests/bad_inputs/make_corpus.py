"""Regenerate the bad-input corpus: ``python tests/bad_inputs/make_corpus.py``.

Each file is a GeoJSON (or GeoPackage) import a GIS team could plausibly send,
with one defect; ``expected.yaml`` says which error it must produce. The valid
template is ``port-x``, a new Hải Phòng port citing a real line of 14/NQ-CP.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent

TEMPLATE: dict[str, Any] = {
    "type": "Feature",
    "id": "port-x",
    "geometry": {"type": "Point", "coordinates": [106.9, 20.8]},
    "properties": {
        "id": "port-x", "name_vi": "Cảng X", "name_en": "Port X", "parent_id": None, "mode": "seaport",
        "action": "build", "status": "planned", "status_as_of": None, "status_source": "14/NQ-CP",
        "start_year": None, "end_year": 2030, "deadline_text": "2030", "funding_types": [], "funding_amount": None,
        "funding_unit": None, "funding_as_of": None, "funding_source": None, "lead_agency": None,
        "lead_agency_current": None, "provinces": ["Hải Phòng"], "former_provinces": [], "corridors": [],
        "location_precision": "approximate", "geometry_source": "test", "stated_length_km": None,
        "stated_length_source": None, "sources": [], "notes": None,
        "commitments": [{"document": "14/NQ-CP", "section": "II.4.a(iv)", "line": 471, "quote": "Về cảng biển",
                         "deadline_text": None, "start_year": None, "end_year": None, "lead_agency": None,
                         "funding_text": None}],
    },
}


def _collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(props: dict[str, Any] | None = None, geometry: Any = "keep", **drop: bool) -> dict[str, Any]:
    feature = copy.deepcopy(TEMPLATE)
    feature["properties"].update(props or {})
    if geometry != "keep":
        feature["geometry"] = geometry
    for key in drop:
        feature.pop(key, None)
    return feature


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8")


def corpus() -> dict[str, tuple[bytes, dict[str, Any]]]:
    """File name → (content, expected error)."""
    ok = _feature()
    cases: dict[str, tuple[bytes, dict[str, Any]]] = {
        "empty.geojson": (b"", {"error": "the file is empty"}),
        "whitespace_only.geojson": (b"  \n\t\n", {"error": "not valid JSON"}),
        "malformed_json.geojson": (_json(_collection(ok))[:-20], {"error": "not valid JSON"}),
        "top_level_array.geojson": (b"[]", {"error": "expected a GeoJSON FeatureCollection"}),
        "top_level_feature.geojson": (_json(ok), {"error": "expected a GeoJSON FeatureCollection, found 'Feature'"}),
        "top_level_string.geojson": (b'"FeatureCollection"', {"error": "expected a GeoJSON FeatureCollection"}),
        "features_not_a_list.geojson": (_json({"type": "FeatureCollection", "features": {"a": ok}}),
                                        {"error": "'features' must be a list"}),
        "feature_is_a_number.geojson": (_json(_collection(42)), {"error": "not a GeoJSON Feature", "feature": 0}),
        "null_properties.geojson": (_json(_collection(ok, _feature() | {"properties": None})),
                                    {"error": "without properties", "feature": 1}),
        "feature_without_geometry.geojson": (_json(_collection(_feature(geometry=None) | {}, _feature(
            {"id": "port-y"}, geometry=None))).replace(b'"geometry": null,', b"", 1),
            {"error": "without a geometry member", "feature": 0, "field": "geometry"}),
        "self_intersecting_polygon.geojson": (_json(_collection(_feature({"mode": "economic_zone"}, {
            "type": "Polygon", "coordinates": [[[106.6, 20.8], [106.7, 20.9], [106.7, 20.8], [106.6, 20.9],
                                                [106.6, 20.8]]]}))),
            {"error": "Self-intersection", "feature": 0, "field": "geometry"}),
        "unclosed_ring.geojson": (_json(_collection(_feature({"mode": "economic_zone"}, {
            "type": "Polygon", "coordinates": [[[106.6, 20.8], [106.7, 20.9], [106.7, 20.8], [106.65, 20.75]]]}))),
            {"error": "must be closed", "feature": 0, "field": "geometry"}),
        "nan_coordinate.geojson": (_json(_collection(ok)).replace(b"106.9", b"NaN"), {"error": "NaN is not allowed"}),
        "infinite_coordinate.geojson": (_json(_collection(ok)).replace(b"106.9", b"1e999"),
                                        {"error": "finite", "feature": 0, "field": "geometry"}),
        "string_coordinates.geojson": (_json(_collection(_feature(geometry={"type": "Point",
                                                                            "coordinates": ["106.9", "20.8"]}))),
                                       {"error": "not [lon, lat] numbers", "feature": 0, "field": "geometry"}),
        "unknown_geometry_type.geojson": (_json(_collection(_feature(geometry={"type": "Circle",
                                                                               "coordinates": [106.9, 20.8]}))),
                                          {"error": "malformed Circle geometry", "feature": 0, "field": "geometry"}),
        "swapped_lat_lon.geojson": (_json(_collection(_feature(geometry={"type": "Point",
                                                                         "coordinates": [20.8, 106.9]}))),
                                    {"error": "swapped", "feature": 0, "field": "geometry"}),
        "outside_vietnam.geojson": (_json(_collection(_feature(geometry={"type": "Point",
                                                                         "coordinates": [2.35, 48.85]}))),
                                    {"error": "outside Vietnam", "feature": 0, "field": "geometry"}),
        "projected_without_crs.geojson": (_json(_collection(_feature(geometry={"type": "Point",
                                                                               "coordinates": [700000, 2300000]}))),
                                          {"error": "declares no CRS"}),
        "unreadable_crs.geojson": (_json(_collection(ok) | {"crs": {"type": "name",
                                                                    "properties": {"name": "EPSG:999999"}}}),
                                   {"error": "unreadable 'crs' member"}),
        "duplicate_ids.geojson": (_json(_collection(ok, _feature())),
                                  {"error": "duplicate id", "feature": 1, "field": "id"}),
        "missing_id.geojson": (_json(_collection(_feature({"id": None}))), {"error": "missing id", "feature": 0,
                                                                              "field": "id"}),
        "bad_id.geojson": (_json(_collection(_feature({"id": "Cảng X 2"}))),
                           {"error": "lower-case ASCII slug", "feature": 0, "field": "id"}),
        "unknown_mode.geojson": (_json(_collection(_feature({"mode": "spaceport"}))),
                                 {"error": "unknown mode 'spaceport'", "feature": 0, "field": "mode"}),
        "unknown_status.geojson": (_json(_collection(_feature({"status": "finished"}))),
                                   {"error": "unknown status 'finished'", "feature": 0, "field": "status"}),
        "end_before_start.geojson": (_json(_collection(_feature({"start_year": 2030, "end_year": 2025}))),
                                     {"error": "before start_year", "feature": 0, "field": "end_year"}),
        "negative_funding.geojson": (_json(_collection(_feature({
            "funding_types": ["ppp"], "funding_amount": -100, "funding_unit": "billion_vnd",
            "funding_source": "https://example.org"}))),
            {"error": "finite number ≥ 0", "feature": 0, "field": "funding.amount"}),
        "non_numeric_funding.geojson": (_json(_collection(_feature({
            "funding_types": ["ppp"], "funding_amount": "about 5,000 billion", "funding_unit": "billion_vnd",
            "funding_source": "https://example.org"}))),
            {"error": "is not a number", "feature": 0, "field": "funding.amount"}),
        "unknown_funding_type.geojson": (_json(_collection(_feature({"funding_types": ["lottery"]}))),
                                         {"error": "unknown types 'lottery'", "feature": 0,
                                          "field": "funding.types"}),
        "date_that_does_not_exist.geojson": (_json(_collection(_feature({
            "status": "approved", "status_as_of": "2025-02-30", "status_source": "https://example.org"}))),
            {"error": "not a date (YYYY-MM-DD) that exists", "feature": 0, "field": "status_as_of"}),
        "date_in_the_future.geojson": (_json(_collection(_feature({
            "status": "approved", "status_as_of": "2999-01-01", "status_source": "https://example.org"}))),
            {"error": "in the future", "feature": 0, "field": "status_as_of"}),
        "status_without_source.geojson": (_json(_collection(_feature({"status": "operational"}))),
                                          {"error": "goes beyond the documents", "feature": 0,
                                           "field": "status_source"}),
        "not_utf8.geojson": (_json(_collection(ok)).replace("Cảng X".encode(), b"C\xe1ng X"),  # Latin-1 'á'
                             {"error": "not UTF-8"}),
        "megabyte_string.geojson": (_json(_collection(_feature({"name_vi": "Cảng " + "X" * 1_100_000}))),
                                    {"error": "longer than the 10,000 allowed", "feature": 0, "field": "name_vi"}),
        "unknown_field.geojson": (_json(_collection(_feature({"contractor": "ACME"}))),
                                  {"error": "unknown field", "feature": 0, "field": "contractor"}),
        "unknown_parent.geojson": (_json(_collection(_feature({"mode": "berth", "parent_id": "port-nowhere"}))),
                                   {"error": "unknown parent id", "feature": 0, "field": "parent_id"}),
        "missing_citation.geojson": (_json(_collection(_feature({"commitments": []}))),
                                     {"error": "missing citation", "feature": 0, "field": "commitments"}),
        "quote_not_in_document.geojson": (_json(_collection(_feature({"commitments": [
            TEMPLATE["properties"]["commitments"][0] | {"quote": "Xây dựng cảng vũ trụ"}]}))),
            {"error": "quote not found in 14/NQ-CP", "feature": 0, "field": "commitments[0].quote"}),
        "unknown_document.geojson": (_json(_collection(_feature({"commitments": [
            TEMPLATE["properties"]["commitments"][0] | {"document": "99/NQ-CP"}]}))),
            {"error": "unknown or unstored document", "feature": 0, "field": "commitments[0].document"}),
        "former_province_as_current.geojson": (_json(_collection(_feature({"provinces": ["Hải Dương"]}))),
                                               {"error": "former province", "feature": 0, "field": "provinces"}),
        "lists_as_broken_json_text.geojson": (_json(_collection(_feature({"provinces": "[\"Hải Phòng\""}))),
                                              {"error": "expected a JSON list", "feature": 0, "field": "provinces"}),
    }
    cases.update(hostile_cases())
    return cases


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def hostile_cases() -> dict[str, tuple[bytes, dict[str, Any]]]:
    """Files made to attack the importer or whoever reads the data: each refused with one clear error."""
    c0 = TEMPLATE["properties"]["commitments"][0]
    return {
        "vrt_named_gpkg.gpkg": (
            b'<OGRVRTDataSource><OGRVRTLayer name="items_no_geometry"><SrcDataSource>CSV:/etc/passwd'
            b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>\n", {"error": "not a GeoPackage"}),
        "sqlite_not_gpkg.gpkg": (_sqlite_bytes(), {"error": "an SQLite file but not a GeoPackage"}),
        "zeros_instead_of_features.geojson": (
            b'{"type":"FeatureCollection","features":[' + b",".join([b"0"] * 20_001) + b"]}",
            {"error": "more than the import limit of 20,000"}),
        "deep_nesting.geojson": (_json(_collection(_feature({"notes": _deep(900)}))),
                                 {"error": "nested more than 16 levels deep"}),
        "nul_in_name.geojson": (_json(_collection(_feature({"name_en": "Cat Bi\u0000 hidden tail"}))),
                                {"error": "control characters (\\x00)", "feature": 0, "field": "name_en"}),
        "escapes_in_notes.geojson": (_json(_collection(_feature({
            "notes": "\x1b[2K\x1b[1A\x1b[2K    notes: typo fixed in the note"}))),
            {"error": "control characters (\\x1b)", "feature": 0, "field": "notes"}),
        "hyperlink_in_name.geojson": (_json(_collection(_feature({
            "name_vi": "\x1b]8;;https://example.org/\x1b\\Cảng X\x1b]8;;\x1b\\"}))),
            {"error": "control characters", "feature": 0, "field": "name_vi"}),
        "bidi_override_in_name.geojson": (_json(_collection(_feature({"name_en": "Port \u202eX"}))),
                                          {"error": "control characters (\\u202e)", "feature": 0,
                                           "field": "name_en"}),
        "agency_as_list.geojson": (_json(_collection(_feature({"commitments": [c0 | {"lead_agency": ["x"]}]}))),
                                   {"error": "must be text, not a list", "feature": 0,
                                    "field": "commitments[0].lead_agency"}),
        "parent_as_list.geojson": (_json(_collection(_feature({"parent_id": ["x"]}))),
                                   {"error": "must be text, not a list", "feature": 0, "field": "parent_id"}),
        "corridor_as_list.geojson": (_json(_collection(_feature({"corridors": [["x"]]}))),
                                     {"error": "must be text, not a list", "feature": 0, "field": "corridors[0]"}),
        "supports_as_numbers.geojson": (_json(_collection(_feature({
            "status": "approved", "status_as_of": "2025-01-01", "status_source": "https://example.org",
            "sources": [{"url": "https://example.org", "title": "t", "as_of": "2025-01-01", "supports": [1, 2]}]}))),
            {"error": "must be text, not a number", "feature": 0, "field": "sources[0].supports[0]"}),
        "funding_source_as_list.geojson": (_json(_collection(_feature({
            "funding_types": ["ppp"], "funding_source": ["x", "y"]}))),
            {"error": "must be text, not a list", "feature": 0, "field": "funding.source"}),
        "section_as_object.geojson": (_json(_collection(_feature({"commitments": [
            c0 | {"section": {"status_as_of": "9999-12-31"}}]}))),
            {"error": "must be text, not a mapping", "feature": 0, "field": "commitments[0].section"}),
        "crs_names_a_file.geojson": (_json(_collection(TEMPLATE) | {
            "crs": {"type": "name", "properties": {"name": "/etc/passwd"}}}), {"error": "unreadable 'crs' member"}),
    }


def _sqlite_bytes() -> bytes:
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.sqlite"
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE items (id TEXT)")
        con.commit()
        con.close()
        return path.read_bytes()


def _write_gpkg_with_recursive_view(path: Path) -> None:
    """A real GeoPackage whose ``items_no_geometry`` is a view that never ends."""
    import sqlite3

    import geopandas as gpd
    from shapely.geometry import Point

    path.unlink(missing_ok=True)
    gpd.GeoDataFrame({"id": ["port-x"]}, geometry=[Point(106.9, 20.8)], crs=4326).to_file(path, layer="roads")
    con = sqlite3.connect(path)
    con.execute("CREATE VIEW items_no_geometry AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                "SELECT i AS fid, 'x' || i AS id FROM n")
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
                "VALUES ('items_no_geometry', 'attributes', 'items_no_geometry')")
    con.commit()
    con.close()


def _write_gpkg_with_trigger(path: Path) -> None:
    import sqlite3

    import geopandas as gpd
    from shapely.geometry import Point

    path.unlink(missing_ok=True)
    gpd.GeoDataFrame({"id": ["port-x"]}, geometry=[Point(106.9, 20.8)], crs=4326).to_file(path, layer="items")
    con = sqlite3.connect(path)
    con.execute("CREATE TRIGGER leak AFTER UPDATE ON items BEGIN SELECT 1; END")
    con.commit()
    con.close()


def _write_gpkg_with_broken_layer(path: Path) -> None:
    """A GeoPackage whose ``items_x`` layer is listed but cannot be read (its table is not what it says)."""
    import sqlite3

    import geopandas as gpd
    from shapely.geometry import Point

    path.unlink(missing_ok=True)
    gpd.GeoDataFrame({"id": ["port-x"]}, geometry=[Point(106.9, 20.8)], crs=4326).to_file(path, layer="items_x")
    con = sqlite3.connect(path)
    for trigger in [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        con.execute(f'DROP TRIGGER "{trigger}"')
    con.execute("ALTER TABLE items_x RENAME TO gone")
    con.execute("CREATE TABLE items_x (fid INTEGER PRIMARY KEY, note TEXT)")
    con.commit()
    con.close()


def main() -> None:
    expected: dict[str, dict[str, Any]] = {}
    for name, (content, error) in corpus().items():
        (HERE / name).write_bytes(content)
        expected[name] = error
    expected["no_items_layer.gpkg"] = {"error": "no 'items' layer"}
    expected["too_large.geojson"] = {"error": "larger than the import limit", "generated": True}
    _write_gpkg_without_items(HERE / "no_items_layer.gpkg")
    expected["recursive_view.gpkg"] = {"error": "holds views (items_no_geometry)"}
    _write_gpkg_with_recursive_view(HERE / "recursive_view.gpkg")
    expected["own_trigger.gpkg"] = {"error": "holds triggers of its own (leak)"}
    _write_gpkg_with_trigger(HERE / "own_trigger.gpkg")
    expected["broken_layer.gpkg"] = {"error": "cannot read layer 'items_x'"}
    _write_gpkg_with_broken_layer(HERE / "broken_layer.gpkg")
    header = "# Each bad input and the error it must produce (see make_corpus.py).\n"
    (HERE / "expected.yaml").write_text(header + yaml.safe_dump(expected, allow_unicode=True, sort_keys=True),
                                        encoding="utf-8")


def _write_gpkg_without_items(path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    path.unlink(missing_ok=True)
    gpd.GeoDataFrame({"name": ["Cảng X"]}, geometry=[Point(106.9, 20.8)], crs=4326).to_file(path, layer="roads")


if __name__ == "__main__":
    main()
