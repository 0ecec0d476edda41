"""Every export format, written and read back through GDAL (pyogrio) or pyarrow, compared with what was written."""

import dataclasses
import importlib
import json
import math
import sqlite3
from contextlib import closing

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from pyproj import CRS

from geotrack import export as ex
from geotrack import styles, vocab
from geotrack.errors import GeotrackError
from geotrack.export import export, export_bytes, kml, sidecar_path
from geotrack.export import formats as export_formats
from geotrack.features import FIELDS, JSON_FIELDS, feature_properties
from geotrack.filters import Filter
from geotrack.frames import items_to_frame
from geotrack.io import read_documents
from geotrack.model import Item
from geotrack.testing import base_record, point_record

DOCUMENTS = list(read_documents()[0].values())
FLT = Filter(modes=("ring_road", "rail", "seaport", "economic_zone"))
TRICKY_NAME = 'Cảng "Nam Đồ Sơn", bến 1\nmới <script>alert(1)</script>'
GDAL_FORMATS = ("gpkg", "fgb", "kml", "csv")
BINARY_FORMATS = ("gpkg", "parquet", "fgb", "kml")


def _records():
    line = base_record()  # LineString, Vietnamese names; a second document disagreeing on the deadline
    line["commitments"].append({"document": "30-NQ/TW", "section": "III.3", "line": 1, "quote": "x",
                                "deadline_text": "2030", "start_year": None, "end_year": 2030,
                                "lead_agency": None, "funding_text": None})
    multi = point_record(
        "rail-lao-cai-hai-phong", mode="rail", name_vi="Đường sắt Lào Cai – Hà Nội – Hải Phòng", name_en=None,
        geometry={"type": "MultiLineString", "coordinates": [[[105.8, 21.03], [106.3, 20.95]],
                                                             [[106.3, 20.95], [106.68, 20.86]]]},
    )
    point = point_record("port-nam-do-son", name_vi=TRICKY_NAME, name_en='Nam Do Son "port", <b>1</b>')
    polygon = point_record(
        "zone-cw", mode="economic_zone", name_vi="Khu kinh tế Đình Vũ – Cát Hải",
        # clockwise exterior ring, 8 decimals: written counter-clockwise, rounded to 6 decimals
        geometry={"type": "Polygon", "coordinates": [[[106.6, 20.8], [106.6, 20.912345678], [106.7, 20.9],
                                                      [106.7, 20.8], [106.6, 20.8]]]},
    )
    unknown = point_record("site-unknown", name_vi="Trung tâm logistics Hải Dương", geometry=None,
                           location_precision=None, end_year=None, deadline_text=None)
    return [line, multi, point, polygon, unknown]


@pytest.fixture(scope="module")
def gdf():
    return items_to_frame([Item.from_record(r) for r in _records()])


@pytest.fixture(scope="module")
def expected(gdf):
    """What each format must give back: the GeoJSON properties and the original geometry, by id."""
    return {r["id"]: (feature_properties(r), r["geometry"]) for r in gdf.to_dict("records")}


@pytest.fixture(scope="module")
def written(tmp_path_factory, gdf):
    """Each format exported once to its own folder: {fmt: path}."""
    out = {}
    for fmt in ex.EXPORT_FORMATS:
        folder = tmp_path_factory.mktemp(fmt)
        path = folder / f"items{ex.FORMATS[fmt].extension}"
        export(gdf, path, fmt, DOCUMENTS, FLT)
        out[fmt] = path
    return out


def _missing(value):
    return value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value))


def _assert_attributes(back, expected, *, skip=()):
    """Every row of ``back`` carries the export properties of its item (JSON text parsed back equal)."""
    for row in back.to_dict("records"):
        props = expected[row["id"]][0]
        for name in FIELDS:
            if name in skip:
                continue
            want, got = props[name], row[name]
            if name in JSON_FIELDS:  # JSON text; GDAL parses the GeoPackage's application/json columns
                assert (json.loads(got) if isinstance(got, str) else got) == want, (row["id"], name)
            elif want is None:
                assert _missing(got), (row["id"], name, got)
            elif isinstance(want, (int, float)):
                assert math.isclose(float(got), want, rel_tol=1e-12), (row["id"], name, got, want)
            else:
                assert got == want, (row["id"], name, got, want)


def _same_geometry(got, want, *, allow_multi=False):
    if want is None:
        return got is None
    got = shapely.force_2d(got)
    if allow_multi and got.geom_type == "Multi" + want.geom_type:
        want = type(got)([want])
    return bool(shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=1e-6))


def _assert_geometries(back, expected, *, allow_multi=False):
    for item_id, geom in zip(back["id"], back.geometry, strict=True):
        assert _same_geometry(geom, expected[item_id][1], allow_multi=allow_multi), item_id


def _ids(gdf):
    return list(gdf["id"])


# --- GeoPackage -------------------------------------------------------------------------------------------------


def test_gpkg_has_one_geometry_type_per_layer_and_the_tables(written, gdf, expected):
    path = written["gpkg"]
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"items_lines": "MultiLineString", "items_points": "Point", "items_polygons": "Polygon",
                      "items_no_geometry": None, "documents": None, "fields": None, "metadata": None,
                      "layer_styles": None}
    by_layer = {"items_lines": ["ring-road-4-capital", "rail-lao-cai-hai-phong"],
                "items_points": ["port-nam-do-son"], "items_polygons": ["zone-cw"],
                "items_no_geometry": ["site-unknown"]}
    for layer, ids in by_layer.items():
        back = pyogrio.read_dataframe(path, layer=layer, datetime_as_string=True)
        assert _ids(back) == ids  # same order as the frame
        assert pyogrio.read_info(path, layer=layer)["crs"] in (None, "EPSG:4326")
        _assert_attributes(back, expected)
        if layer != "items_no_geometry":
            _assert_geometries(back, expected, allow_multi=True)
    polygon = pyogrio.read_dataframe(path, layer="items_polygons").geometry[0]
    assert polygon.exterior.is_ccw


def test_gpkg_tables_hold_documents_fields_and_metadata(written, gdf):
    path = written["gpkg"]
    documents = pyogrio.read_dataframe(path, layer="documents")
    assert list(documents["number"]) == [d.number for d in DOCUMENTS]
    assert json.loads(documents["implements"][2]) == list(DOCUMENTS[2].implements)
    fields = pyogrio.read_dataframe(path, layer="fields")
    assert list(fields["name"]) == list(FIELDS)
    assert list(fields["description"]) == list(FIELDS.values())
    assert dict(zip(fields["name"], fields["type"], strict=True))["commitments"] == "json"
    meta = dict(zip(*pyogrio.read_dataframe(path, layer="metadata")[["key", "value"]].T.values, strict=True))
    want = ex.metadata.metadata(gdf, DOCUMENTS, FLT)
    for key in ("as_of", "version", "licence", "publisher"):
        assert meta[key] == want[key]
    assert meta["feature_count"] == "5"
    assert json.loads(meta["filter"]) == FLT.to_query()
    assert meta["generated"]
    assert json.loads(meta["layers"])["items_no_geometry"] == 1
    with closing(sqlite3.connect(path)) as db:
        described = dict(db.execute("SELECT column_name, description FROM gpkg_data_columns"
                                    " WHERE table_name = 'items_points'").fetchall())
        contents = dict(db.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
    assert described == dict(FIELDS)
    assert want["as_of"] in contents["items_lines"]


def test_gpkg_is_version_1_2_with_aliases_json_dates_and_coded_values(written):
    path = written["gpkg"]
    with closing(sqlite3.connect(path)) as db:
        (version,), = db.execute("PRAGMA user_version").fetchall()
        columns = {c: (title, mime, constraint) for c, title, mime, constraint in db.execute(
            "SELECT column_name, title, mime_type, constraint_name FROM gpkg_data_columns"
            " WHERE table_name = 'items_lines'")}
        declared = {row[1]: row[2] for row in db.execute("PRAGMA table_info(items_lines)")}
        statuses = dict(db.execute("SELECT value, description FROM gpkg_data_column_constraints"
                                   " WHERE constraint_name = 'geotrack_status' AND constraint_type = 'enum'"))
        triggers = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert version == 10200  # GeoPackage 1.2: GDAL 3.6 and ArcGIS read it without warnings
    assert {f"rtree_items_lines_geom_update{i}" for i in (1, 2, 3, 4)} <= triggers
    assert columns["status"] == ("Tình trạng / Status", None, "geotrack_status")
    assert columns["commitments"][1] == "application/json" and columns["provinces"][1] == "application/json"
    assert columns["name_en"] == ("Tên (tiếng Anh) / Name (English)", None, None)
    assert declared["status_as_of"] == "DATE" and declared["funding_as_of"] == "DATE"
    assert statuses["under_construction"] == "Đang thi công / Under construction" and len(statuses) == 10
    info = pyogrio.read_info(path, layer="items_lines")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["status_as_of"].startswith("datetime64")


# --- GeoParquet -------------------------------------------------------------------------------------------------


def test_geoparquet_reads_back_with_geo_metadata_and_crs(written, gdf, expected):
    path = written["parquet"]
    back = gpd.read_parquet(path)
    assert _ids(back) == _ids(gdf)
    _assert_attributes(back, expected)
    _assert_geometries(back, expected)
    assert back.crs.equals(CRS("OGC:CRS84"))
    assert back.geometry[3].exterior.is_ccw
    key_values = pq.read_schema(path).metadata
    geo = json.loads(key_values[b"geo"])
    assert geo["version"].startswith("1.")
    column = geo["columns"][geo["primary_column"]]
    assert column["crs"]["id"] == {"authority": "OGC", "code": "CRS84"}  # PROJJSON
    assert "covering" in column
    assert column["orientation"] == "counterclockwise"
    table = pq.read_table(path)
    missing = table.column("geometry").is_null().to_pylist()
    assert any(missing) and table.column("bbox").is_null().to_pylist() == missing  # no bbox for no geometry
    meta = json.loads(key_values[b"geotrack"])
    assert meta["as_of"] == ex.metadata.metadata(gdf, DOCUMENTS)["as_of"]
    assert meta["fields"] == dict(FIELDS)
    assert meta["filter"] == FLT.to_query()
    assert [d["number"] for d in meta["documents"]] == [d.number for d in DOCUMENTS]


def test_geoparquet_table_is_geopandas_own_of_the_normalised_geometries():
    """The writer's own WKB, bounds and metadata are what geopandas writes for the rounded, wound geometries."""
    import numpy as np
    from geopandas.io.arrow import _geopandas_to_arrow
    from shapely.geometry import LineString, MultiLineString, Point, Polygon

    from geotrack.export import parquet

    with np.errstate(invalid="ignore"):  # the NaN coordinate below
        nan_line = shapely.from_wkt("LINESTRING (105 21, NaN 21.5)")  # written by shapely itself
    geometries = [
        Point(105.12345678, 21.98765432), None, Point(), Point(105.1, 21.2, 5.0), LineString(),
        LineString([(105.1234567, 21.0), (105.2, 21.3000004), (105.25, 21.1)]),
        LineString([(105.0, 21.0, 1.0), (105.5, 21.5, 2.0)]),
        nan_line,
        MultiLineString([[(105, 21), (105.5, 21.5)], [(106, 22), (106.1, 22.1)]]),
        Polygon([(105, 21), (105, 22.00000049), (106, 22), (105, 21)]),  # clockwise: wound on writing
        Point(-0.00001234, 1e-7),
    ]
    table = gpd.GeoDataFrame({"id": [f"g{n}" for n in range(len(geometries))]},
                             geometry=gpd.GeoSeries(geometries), crs="OGC:CRS84")
    normalised = table.set_geometry(gpd.GeoSeries(ex.flat.geo.normalise_array(np.array(geometries, dtype=object)),
                                                  crs="OGC:CRS84"))
    ours, theirs = parquet.to_arrow(table), _geopandas_to_arrow(normalised, index=False, schema_version="1.1.0",
                                                                 write_covering_bbox=True)
    assert ours.column("geometry").equals(theirs.column("geometry"))
    assert ours.schema.field("geometry").metadata == theirs.schema.field("geometry").metadata
    bbox, expected_bbox = ours.column("bbox").combine_chunks(), theirs.column("bbox").combine_chunks()
    assert bbox.is_null().to_pylist() == [g is None for g in geometries]  # null for no geometry alone
    for name in ("xmin", "ymin", "xmax", "ymax"):
        assert bbox.field(name).to_pylist() == expected_bbox.field(name).to_pylist()
    assert json.loads(ours.schema.metadata[b"geo"]) == json.loads(theirs.schema.metadata[b"geo"])
    assert ours.schema.metadata[b"geo"] == theirs.schema.metadata[b"geo"]  # the same keys in the same order
    assert ours.drop_columns(["geometry", "bbox"]).equals(theirs.drop_columns(["geometry", "bbox"]))


# --- FlatGeobuf -------------------------------------------------------------------------------------------------


def test_flatgeobuf_keeps_row_order_located_items_and_metadata(written, gdf, expected):
    path = written["fgb"]
    back = pyogrio.read_dataframe(path)
    located = [i for i, g in zip(gdf["id"], gdf.geometry, strict=True) if g is not None and not g.is_empty]
    assert _ids(back) == located and back.geometry.notna().all()  # no spatial index: the order written
    sidecar = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert sidecar["unlocated"]["ids"] == ["site-unknown"] and sidecar["feature_count"] == len(located)
    _assert_attributes(back, expected)
    _assert_geometries(back, expected)
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    as_of = ex.metadata.metadata(gdf, DOCUMENTS)["as_of"]
    assert info["layer_metadata"]["as_of"] == as_of
    assert as_of in info["layer_metadata"]["DESCRIPTION"]
    assert json.loads(info["layer_metadata"]["geotrack"])["fields"] == dict(FIELDS)
    assert json.loads(info["layer_metadata"]["geotrack"])["unlocated"]["count"] == 1
    _assert_sidecar(path, as_of)


def _assert_sidecar(path, as_of):
    sidecar = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert sidecar["file"] == path.name
    assert sidecar["as_of"] == as_of
    assert sidecar["fields"] == dict(FIELDS)
    assert sidecar["filter"] == FLT.to_query()
    assert [d["number"] for d in sidecar["documents"]] == [d.number for d in DOCUMENTS]


# --- KML ----------------------------------------------------------------------------------------------------------


def test_kml_folders_styles_names_descriptions_ids_and_geometries(written, gdf, expected):
    path = written["kml"]
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert layers == [kml.mode_label(m) for m in vocab.MODES if m in set(gdf["mode"])]  # a folder per mode
    back = pd.concat([pyogrio.read_dataframe(path, layer=layer) for layer in layers], ignore_index=True)
    back = back.set_index("id").loc[list(gdf["id"])].reset_index()
    assert _ids(back) == _ids(gdf)  # the id field QGIS shows
    names = dict(zip(back["id"], back["Name"], strict=True))
    assert names["ring-road-4-capital"] == "Đường vành đai 4 - Vùng Thủ đô Hà Nội"
    assert all(len(n) <= kml.NAME_MAX for n in names.values())
    _assert_attributes(back, expected)
    _assert_geometries(back, expected)
    tricky = back["description"][2]
    assert "<b>1</b>" not in tricky and "&lt;b&gt;1&lt;/b&gt;" in tricky  # the balloon is HTML: values escaped
    assert "Status:</b> Theo kế hoạch / Planned" in tricky and "14/NQ-CP" in tricky and "Deadline:</b> 2030" in tricky
    assert back.geometry[4] is None
    text = path.read_text(encoding="utf-8")
    as_of = ex.metadata.metadata(gdf, DOCUMENTS)["as_of"]
    assert f"Data as of {as_of}" in text.split("<Placemark", 1)[0]  # the Document <description>
    assert "<tessellate>1</tessellate>" in text and ",0 " not in text and ",0<" not in text  # 2D
    colour = kml.kml_colour(styles.MODE_COLOURS["ring_road"])
    assert '<Style id="ring_road.under_construction">' in text and f"<color>{colour}</color>" in text
    assert "<styleUrl>#ring_road.under_construction</styleUrl>" in text
    _assert_sidecar(path, as_of)


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_csv_has_bom_wkt_and_every_property(written, gdf, expected):
    path = written["csv"]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfWKT,id,name_vi,")
    assert TRICKY_NAME.encode("utf-8").replace(b'"', b'""') in raw  # quoted, newline kept
    back = pyogrio.read_dataframe(path)
    assert _ids(back) == _ids(gdf)
    assert back["WKT"][4] == "" and back.geometry[4] is None
    assert back["name_vi"][2] == TRICKY_NAME
    _assert_attributes(back, expected)  # every value comes back as text; numbers parse to the same value
    _assert_geometries(back, expected)
    _assert_sidecar(path, ex.metadata.metadata(gdf, DOCUMENTS)["as_of"])
    assert path.with_suffix(".csvt").read_text().startswith("WKT,String,String,")
    assert path.with_suffix(".prj").read_text().startswith('GEOGCS["WGS 84"')


@pytest.mark.parametrize(("fmt", "guarded"), [("csv", True), ("csv-raw", False)])
def test_csv_guards_formulas_unless_asked_for_raw_values(tmp_path, fmt, guarded):
    notes = ["=HYPERLINK(\"http://x.example\",\"x\")", "+1", "-2", "@SUM(A1)", "plain = text"]
    records = [point_record(f"port-{i}", notes=n) for i, n in enumerate(notes)]
    path = tmp_path / "items.csv"
    export(items_to_frame([Item.from_record(r) for r in records]), path, fmt, DOCUMENTS)
    back = list(pyogrio.read_dataframe(path)["notes"])
    want = [("'" + n if n[0] in "=+-@" else n) if guarded else n for n in notes]
    assert back == want


# --- all formats --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ex.EXPORT_FORMATS)
def test_every_format_leaves_no_temporary_file(written, fmt):
    folder = written[fmt].parent
    names = sorted(p.name for p in folder.iterdir())
    want = sorted([written[fmt].name] + ([sidecar_path(written[fmt]).name] if ex.FORMATS[fmt].sidecar else [])
                  + [written[fmt].with_suffix(e).name for e in ex.FORMATS[fmt].side_files])
    assert names == want
    assert ex.FORMATS[fmt].media_type and ex.FORMATS[fmt].extension.startswith(".")


@pytest.mark.parametrize("fmt", [*GDAL_FORMATS, "parquet"])
def test_failed_export_keeps_the_old_file(tmp_path, monkeypatch, gdf, fmt):
    path = tmp_path / f"items{ex.FORMATS[fmt].extension}"
    export(gdf, path, fmt, DOCUMENTS)
    before = path.read_bytes()
    sidecar = sidecar_path(path)
    sidecar_before = sidecar.read_bytes() if ex.FORMATS[fmt].sidecar else None

    def half_then_fail(target, *_args):
        target.write_bytes(b"half a file")
        raise OSError("disk full")

    broken = dataclasses.replace(ex.FORMATS[fmt], writer=half_then_fail)
    monkeypatch.setattr(export_formats, "FORMATS", {**ex.FORMATS, fmt: broken})
    with pytest.raises(OSError, match="disk full"):
        export(gdf.iloc[:1], path, fmt, DOCUMENTS)
    assert path.read_bytes() == before
    assert (sidecar.read_bytes() if sidecar.exists() else None) == sidecar_before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_failed_rename_keeps_the_old_file(tmp_path, monkeypatch, gdf):
    path = tmp_path / "items.gpkg"
    export(gdf, path, "gpkg", DOCUMENTS)
    before = path.read_bytes()

    def boom(*_args):
        raise OSError("rename failed")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="rename failed"):
        export(gdf.iloc[:1], path, "gpkg", DOCUMENTS)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["items.gpkg"]


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_export_bytes_equal_the_file(tmp_path, monkeypatch, gdf, fmt):
    monkeypatch.setattr(importlib.import_module("geotrack.export.metadata"), "_now",
                        lambda: "2026-01-02T03:04:05+00:00")
    path = tmp_path / f"items{ex.FORMATS[fmt].extension}"
    export(gdf, path, fmt, DOCUMENTS, FLT)
    assert export_bytes(gdf, fmt, DOCUMENTS, FLT) == path.read_bytes()


@pytest.mark.parametrize("fmt", BINARY_FORMATS)
def test_export_bytes_read_back_to_the_same_frame(tmp_path, written, fmt):
    path = tmp_path / f"download{ex.FORMATS[fmt].extension}"
    path.write_bytes(export_bytes(items_to_frame([Item.from_record(r) for r in _records()]), fmt, DOCUMENTS, FLT))
    if fmt == "parquet":
        pd.testing.assert_frame_equal(gpd.read_parquet(path), gpd.read_parquet(written[fmt]))
        return
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert layers == [name for name, _ in pyogrio.list_layers(written[fmt])]
    for layer in layers:
        got = pyogrio.read_dataframe(path, layer=layer)
        want = pyogrio.read_dataframe(written[fmt], layer=layer)
        if layer == "metadata":  # generated at another second
            got, want = (df[df["key"] != "generated"].reset_index(drop=True) for df in (got, want))
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("fmt", ex.EXPORT_FORMATS)
def test_an_empty_selection_exports(tmp_path, gdf, fmt):
    path = tmp_path / f"none{ex.FORMATS[fmt].extension}"
    export(gdf.iloc[:0], path, fmt, DOCUMENTS)
    assert path.stat().st_size > 0
    assert export_bytes(gdf.iloc[:0], fmt)


def test_unknown_format_is_a_geotrack_error(tmp_path, gdf):
    with pytest.raises(GeotrackError, match="unknown export format 'shapefile'"):
        export(gdf, tmp_path / "x.shp", "shapefile")
    with pytest.raises(ValueError, match="unknown export format"):
        export_bytes(gdf, "xlsx")
    assert not list(tmp_path.iterdir())


def test_flat_json_text_has_no_nan_and_keeps_diacritics(gdf):
    frame = gdf.copy()
    frame.at[0, "sources"] = [{"url": "https://example.org", "title": "Hà Nội", "as_of": None,
                               "supports": ["status"], "score": math.nan}]
    table = ex.to_flat_frame(frame)
    text = table["sources"][0]
    assert "NaN" not in text and "Hà Nội" in text
    assert json.loads(text)[0]["score"] is None
    assert str(table["start_year"].dtype) == "Int32" and str(table["length_km"].dtype) == "Float64"


def test_the_flat_table_is_each_rows_flat_properties(gdf):
    """The flat table is made column by column: each row holds exactly what flat_properties makes of it."""
    from geotrack.export.flat import to_flat_frame
    from geotrack.features import flat_properties

    odd = gdf.copy()  # values clean() must convert: a NaN length, a numpy year, a date, a tuple of provinces
    odd.at[0, "stated_length_km"] = float("nan")
    odd["start_year"] = pd.Series([None, 2021, None, 2020, None], dtype=object)
    odd.at[1, "start_year"] = __import__("numpy").int64(2021)
    odd.at[2, "status_as_of"] = __import__("datetime").date(2025, 3, 1)
    odd.at[3, "provinces"] = ("Hải Phòng",)
    for frame in (gdf, odd):
        table = to_flat_frame(frame)
        rows = [flat_properties(r) for r in frame.to_dict("records")]
        for name in FIELDS:
            got = [None if v is pd.NA else v for v in table[name].astype(object)]
            want = [None if (isinstance(v, float) and math.isnan(v)) else v for v in (r[name] for r in rows)]
            assert got == want, name
