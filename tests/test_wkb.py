"""The WKB of many geometries in one buffer, as GEOS writes each."""

import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from bench import synthetic
from geotrack import geo
from geotrack.wkb import wkb_buffer


def _geometries():
    geoms = [item.geometry for item in synthetic.items(300, seed=5)]  # routes, points and polygons
    return [*geoms, None, Point(106, 21, 5), LineString([(0, 0, 1), (1, 1, 2)]), Point(), LineString(), Polygon(),
            MultiLineString([[(105.8, 21.0), (106.0, 21.1)], [(106.1, 21.2), (106.3, 21.0)]])]


def test_each_wkb_is_what_geos_writes_and_none_is_missing():
    geoms = _geometries()
    made = wkb_buffer(geoms)
    assert len(made) == len(geoms) and made.valid.tolist() == [g is not None for g in geoms]
    expected = [None if g is None else shapely.to_wkb(g, byte_order=1) for g in geoms]
    assert made.to_arrow().to_pylist() == expected
    assert [bytes(made.data[a:b]) for a, b in zip(made.offsets[:-1], made.offsets[1:], strict=True)] == [
        w or b"" for w in expected]


def test_the_wkb_does_not_depend_on_the_coordinate_blocks(monkeypatch):
    geoms = _geometries()
    whole = wkb_buffer(geoms)
    blocks = geo.coordinate_blocks
    monkeypatch.setattr(geo, "coordinate_blocks", lambda counts: blocks(counts, 7))  # lines split over many blocks
    assert len(blocks(shapely.get_num_coordinates(geoms), 7)) > 100
    split = wkb_buffer(geoms)
    assert split.data == whole.data and split.offsets.tolist() == whole.offsets.tolist()


def test_no_geometry_gives_an_empty_buffer():
    assert wkb_buffer([]).to_arrow().to_pylist() == []
    assert wkb_buffer([None, None]).to_arrow().to_pylist() == [None, None]
