"""The content digests a rebuild compares: equal for the same item, different for any change."""

import dataclasses

import pytest
from shapely.geometry import LineString, Point

from bench import synthetic
from geotrack.store.base import content_hashes
from geotrack.wkb import wkb_buffer


def _items():
    return synthetic.items(300, seed=5)  # routes, points and polygons


def test_the_same_items_give_the_same_digests_and_the_made_wkb_changes_nothing():
    items = _items()
    digests = content_hashes(items)
    assert len(set(digests)) == len(items)
    assert content_hashes([dataclasses.replace(item) for item in items]) == digests
    assert content_hashes(items, wkb_buffer([item.geometry for item in items])) == digests
    # a dataset (or a block) of polygons alone (it raised before)
    zones = [(item, d) for item, d in zip(items, digests, strict=True) if item.geometry.geom_type == "Polygon"]
    assert len(zones) > 1 and content_hashes([item for item, _ in zones]) == [d for _, d in zones]


def test_any_change_of_field_or_coordinate_changes_the_digest():
    line = next(item for item in _items() if item.geometry.geom_type == "LineString")
    (x, y), *rest = line.geometry.coords
    variants = [
        line,
        dataclasses.replace(line, geometry=LineString([(x + 1e-9, y), *rest])),  # beyond any rounding
        dataclasses.replace(line, geometry=LineString([(x, y, 0.0), *((a, b, 0.0) for a, b in rest)])),  # a Z
        dataclasses.replace(line, geometry=LineString()),
        dataclasses.replace(line, geometry=None),
        dataclasses.replace(line, geometry=Point(x, y)),
        dataclasses.replace(line, end_year=(line.end_year or 2030) + 1),
        dataclasses.replace(line, name_en=line.name_en + " "),
        dataclasses.replace(line, deadline_text="2041"),
    ]
    assert len(set(content_hashes(variants))) == len(variants)


def test_wkb_of_other_geometries_is_refused():
    items = _items()
    with pytest.raises(ValueError, match="the WKB of 299 geometries for 300 items"):
        content_hashes(items, wkb_buffer([item.geometry for item in items[1:]]))
