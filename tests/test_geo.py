"""Metric lengths: the vectorised and background computations give each geometry's own length."""

import threading

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from bench import synthetic
from geotrack import geo
from geotrack.build import parse_items
from geotrack.io import read_dataset


def _one_by_one(geoms):
    """What a build stored before: ``round(length / 1000, 3)`` of each line projected on its own, its length by GEOS.

    Projected as ``GeoSeries.to_crs`` projects it: with its heights, if it has them.
    """
    out = []
    for g in geoms:
        if g is None or g.geom_type not in ("LineString", "MultiLineString"):
            out.append(None)
        else:
            metres = gpd.GeoSeries([g], crs=4326).to_crs(geo.METRIC_CRS).length.iloc[0]
            out.append(round(float(metres) / 1000.0, 3))
    return out


def _lines_and_multi_lines(geoms):
    """``geoms`` with multi-lines made of their lines two by two (parts of different lengths), a Z line and edges."""
    lines = [g for g in geoms if g is not None and g.geom_type == "LineString"]
    multis = [MultiLineString([a, b]) for a, b in zip(lines[::2], lines[1::2], strict=False)]
    multis.append(MultiLineString([lines[0], lines[1], lines[2]]) if len(lines) > 2 else MultiLineString([lines[0]]))
    with_z = LineString([(105.8, 21.0, 10.0), (106.6, 20.8, 900.0), (106.7, 20.9, 0.0)])
    return [*geoms, *multis, with_z, MultiLineString([with_z]), None, LineString(), Point(106, 21),
            Polygon([(105, 21), (105.1, 21), (105.1, 21.1)])]


@pytest.fixture(scope="module")
def real_geometries():
    return [item.geometry for item in parse_items(read_dataset())]


def test_lengths_equal_each_line_projected_on_its_own_real_data(real_geometries):
    geoms = _lines_and_multi_lines(real_geometries)
    assert any(g is not None and g.geom_type == "MultiLineString" for g in real_geometries) or len(geoms) > 3
    lengths = geo.lengths_km(gpd.GeoSeries(geoms, crs=4326))
    expected = _one_by_one(geoms)
    expected[-3] = 0.0  # an empty line: no vertex, no length (as GeoSeries.to_crs(...).length gave)
    assert lengths == expected
    flat = [g for g in geoms[:-4] if not (g is not None and g.has_z)]  # length_km projects x and y only
    assert [geo.length_km(g) for g in flat] == _one_by_one(flat)


def test_lengths_equal_each_line_projected_on_its_own_synthetic():
    # routes of 100 to 400 vertices across Vietnam, the Mekong delta (PROJ's other VN-2000 operation) included
    geoms = _lines_and_multi_lines([item.geometry for item in synthetic.items(600, seed=11)])
    expected = _one_by_one(geoms)
    expected[-3] = 0.0
    assert geo.lengths_km(gpd.GeoSeries(geoms, crs=4326)) == expected
    coords = shapely.get_coordinates(np.array(geoms, dtype=object))
    assert ((coords[:, 0] >= 104.24) & (coords[:, 0] <= 107.11) & (coords[:, 1] >= 9.35)
            & (coords[:, 1] <= 11.04)).any()


def test_lengths_are_summed_in_order_not_in_pairs():
    """Segment lengths summed left to right, as GEOS does: a pairwise sum differs in the last bit here."""
    values = np.array([1e16, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -1e16, 3.0])
    assert geo._sums_in_order(values, np.array([0, 11, 0]), np.array([11, 1, 0])).tolist() == [
        sum(values[:11].tolist()), 3.0, 0.0]
    assert sum(values[:11].tolist()) != float(np.add.reduce(values[:11]))  # the pairwise sum is another number


def test_lengths_in_background_equal_lengths_and_leave_no_thread():
    geoms = [item.geometry for item in synthetic.items(200, seed=3)]
    before = set(threading.enumerate())
    with geo.lengths_in_background(geoms) as lengths:
        assert lengths() == geo.lengths_km(gpd.GeoSeries(geoms, crs=4326))
    assert set(threading.enumerate()) <= before


def test_a_failure_beside_the_background_lengths_leaves_no_thread():
    geoms = [item.geometry for item in synthetic.items(200, seed=3)]
    before = set(threading.enumerate())
    with pytest.raises(RuntimeError, match="the block failed"), geo.lengths_in_background(geoms):
        raise RuntimeError("the block failed")
    assert set(threading.enumerate()) <= before


def test_a_failed_projection_is_raised_where_the_lengths_are_asked_for(monkeypatch):
    def failing(self):
        raise ValueError("PROJ failed")

    monkeypatch.setattr(geo._Lines, "project", failing)
    with geo.lengths_in_background([LineString([(105, 21), (106, 21)])]) as lengths, \
            pytest.raises(ValueError, match="PROJ failed"):
        lengths()


@pytest.mark.parametrize(("counts", "size", "runs"), [
    ([], 10, []),
    ([3, 3, 3, 3], 6, [(0, 2), (2, 4)]),
    ([3, 3, 3, 3], 7, [(0, 2), (2, 4)]),
    ([1, 20, 1, 1], 5, [(0, 1), (1, 2), (2, 4)]),  # one over the size is a run alone
    ([0, 0, 5, 0], 5, [(0, 4)]),
])
def test_coordinate_blocks_cover_every_geometry_once_in_order(counts, size, runs):
    assert geo.coordinate_blocks(np.array(counts, dtype=np.int64), size) == runs


def test_line_parts_are_shapelys_parts_without_copying_the_lines():
    line, z_line = LineString([(106, 21), (106.1, 21)]), LineString([(106, 21, 1), (106, 21.1, 2)])
    lines = np.array([line, LineString(), MultiLineString([[(106, 20), (106.2, 20)], [(105, 20), (105, 20.1)]]),
                      MultiLineString(), z_line], dtype=object)
    parts, owner = geo._line_parts(lines)
    expected_parts, expected_owner = shapely.get_parts(lines, return_index=True)
    assert [p.wkt for p in parts] == [p.wkt for p in expected_parts]
    assert owner.tolist() == expected_owner.tolist() == [0, 1, 2, 2, 4]
    assert parts[0] is line and parts[4] is z_line  # the lines themselves, not copies
