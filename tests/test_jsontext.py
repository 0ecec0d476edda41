"""orjson's texts are the standard library's, byte for byte; geometry texts are shapely's in meaning."""

import datetime as dt
import decimal
import json

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geotrack import jsontext
from geotrack.features import clean
from geotrack.geo import normalise_array
from geotrack.jsontext import encode, encode_utf8, geometry_utf8, string_lists_text

stdlib = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def reference(value: object) -> str:
    return stdlib(clean(value))


def test_floats_are_written_as_python_writes_them_in_every_range():
    values = [0.0, -0.0, 1.0, 0.1, 1e-4, 9.99e-5, 1e-5, 1e-7, 1.5e-300, 5e-324, 123456.789, 1e15, 1e16, 1.7e308,
              -2.5e-6, 2027.0, float("nan"), float("inf"), float("-inf")]
    for value in values:
        assert encode([value, {"x": value}], clean) == reference([value, {"x": value}]), value


@settings(max_examples=400, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_is_written_as_python_writes_it(value):
    assert encode({"amount": value}, clean) == reference({"amount": value})


def test_every_escape_is_the_standard_librarys():
    for code in [*range(0, 0x80), 0x7F, 0x80, 0x2028, 0x2029, 0xFEFF, 0x1F600]:
        text = "a" + chr(code) + "đ\"\\b"
        assert encode({text: text}, clean) == reference({text: text}), hex(code)


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=12))
def test_any_json_value_is_written_as_the_standard_library_writes_it(value):
    assert encode(value, clean) == reference(value)


def test_what_orjson_would_write_otherwise_goes_to_the_standard_library():
    # big integers, dates, subclasses, numpy values, tuples, non-string keys, lone surrogates, decimals
    class Name(str):
        pass

    for value in [2**70, -(2**64), dt.date(2025, 7, 1), dt.datetime(2025, 7, 1, 8, 30, tzinfo=dt.UTC), Name("x"),
                  np.int64(3), np.float32(0.5), (1, (2, 3)), {1: "a"}, "\ud800", decimal.Decimal("1.50"),
                  {"when": [dt.date(2020, 1, 2)]}]:
        assert encode(value, clean) == reference(value), value


def test_the_utf8_form_is_the_text_encoded():
    for value in [{"name_vi": "Cầu Tứ Liên", "km": 1e-7}, [1.5, None, "😀"], 2**70, dt.date(2025, 7, 1),
                  np.float32(0.5), {1: "a"}]:
        assert encode_utf8(value, clean) == encode(value, clean).encode(), value
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate has no UTF-8: refused, not written as something else
        encode_utf8("\ud800", clean)


def test_lists_of_strings_are_encoded_once_each_and_as_encode_writes_them():
    lists = [["Hà Nội"], ["Hà Nội"], None, [], ["Hải Phòng", "Hà Nội"], ("Hà Nội",)]
    assert string_lists_text(lists, clean) == [reference(list(v or ())) for v in lists]
    mixed = [["a"], [1, 2.5], [None]]
    assert string_lists_text(mixed, clean) == ["[\"a\"]", "[1,2.5]", "[null]"]


def geometry_texts(geoms: np.ndarray, precision: int) -> list[str | None]:
    """The geometry texts as ``str``, as a GeoJSON export holds them."""
    return [None if text is None else text.decode("ascii") for text in geometry_utf8(geoms, precision)]


def geometries() -> np.ndarray:
    rng = np.random.default_rng(5)
    line = shapely.LineString(np.column_stack([rng.uniform(102, 109, 300), rng.uniform(8, 23, 300)]))
    return np.array([
        shapely.Point(105.8412345678, 21.0245), shapely.Point(106.0, 20.0), line, shapely.Point(1, 2, 3),
        shapely.Polygon([(105, 21), (105, 21.1), (105.1, 21.1), (105, 21)]),  # clockwise: wound by shapely
        shapely.from_wkt("MULTIPOINT ((105 21), (106 22))"), shapely.Point(1e-7, 5e-5), shapely.Point(1e12, 0),
        None, shapely.LineString([(105.5, 21.25), (105.75, 21.5)]),
    ], dtype=object)


def test_geometry_texts_are_shapelys_of_the_normalised_geometry():
    geoms = geometries()
    ours = geometry_texts(geoms, 6)
    theirs = [None if t is None else str(t) for t in shapely.to_geojson(normalise_array(geoms.copy(), 6))]
    assert [t is None for t in ours] == [t is None for t in theirs]
    for mine, shapely_text in zip(ours, theirs, strict=True):
        if mine is not None:
            assert json.loads(mine) == json.loads(shapely_text)  # the same numbers, rounded to 6 decimals
    # short coordinates and everything shapely writes are its very text
    assert ours[1] == theirs[1] == '{"type":"Point","coordinates":[106.0,20.0]}'
    assert ours[0] == '{"type":"Point","coordinates":[105.841235,21.0245]}'
    assert ours[9] == theirs[9]
    assert all(ours[i] == theirs[i] for i in (3, 4, 5, 6, 7))
    assert json.loads(ours[4])["coordinates"][0][1] == [105.1, 21.1]  # wound counter-clockwise


def test_geometry_texts_do_not_depend_on_the_coordinate_blocks(monkeypatch):
    geoms = np.concatenate([geometries(), geometries()[::-1]])
    texts = geometry_texts(geoms, 6)
    assert texts[:len(geometries())] == geometry_texts(geometries(), 6)
    blocks = jsontext.coordinate_blocks
    monkeypatch.setattr(jsontext, "coordinate_blocks", lambda counts: blocks(counts, 3))  # a geometry or two each
    assert geometry_texts(geoms, 6) == texts


def test_geometry_texts_leave_the_geometries_as_they_are():
    geoms = geometries()
    before = shapely.to_wkb(geoms)
    geometry_texts(geoms, 6)
    assert list(shapely.to_wkb(geoms)) == list(before)
