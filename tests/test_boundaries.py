"""The vendored boundary layers and their loader."""

import json

import pytest
from shapely.geometry import Point

from geotrack import boundaries, vocab
from geotrack.errors import DataFileError


def test_the_34_current_provinces_carry_the_vocabulary_names():
    provinces = boundaries.load_provinces()
    assert sorted(provinces["name"]) == sorted(vocab.PROVINCES)
    assert provinces.crs.to_epsg() == 4326
    assert {"code", "name", "full_name", "name_en", "former", "area_km2"} <= set(provinces.columns)
    hai_phong = provinces[provinces["name"] == "Hải Phòng"].iloc[0]
    assert list(hai_phong["former"]) == ["Hải Dương"]


def test_the_63_former_provinces_map_onto_their_successors():
    former = boundaries.load_provinces(current=False)
    assert len(former) == 63 and former["name"].is_unique
    for name, current in zip(former["name"], former["current"], strict=True):
        assert vocab.FORMER_PROVINCES.get(name, name) == current or (name, current) == ("Huế", "Huế")
    assert set(vocab.FORMER_PROVINCES) - {"Thừa Thiên Huế"} <= set(former["name"])


def test_former_and_current_provinces_cover_the_same_land():
    current = boundaries.load_provinces().to_crs("EPSG:3405")
    former = boundaries.load_provinces(current=False).to_crs("EPSG:3405")
    assert former.area.sum() == pytest.approx(current.area.sum(), rel=0.001)


@pytest.mark.parametrize(
    ("lon", "lat", "current", "former"),
    [(105.852, 21.028, "Hà Nội", "Hà Nội"), (106.330, 20.940, "Hải Phòng", "Hải Dương"),
     (106.683, 20.857, "Hải Phòng", "Hải Phòng"), (106.17, 20.42, "Ninh Bình", "Nam Định")],
)
def test_known_places_fall_in_their_provinces(lon, lat, current, former):
    point = Point(lon, lat)
    provinces, before = boundaries.load_provinces(), boundaries.load_provinces(current=False)
    assert list(provinces[provinces.contains(point)]["name"]) == [current]
    assert list(before[before.contains(point)]["name"]) == [former]


def test_communes_cover_the_delta_provinces_and_name_their_former_province():
    communes = boundaries.load_communes()
    assert set(communes["province"]) == {"Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Hưng Yên",
                                         "Ninh Bình", "Phú Thọ"}
    noi_bai = communes[(communes["name"] == "Nội Bài") & (communes["province"] == "Hà Nội")]
    assert len(noi_bai) == 1 and noi_bai["former_province"].iloc[0] == "Hà Nội"
    assert "Hải Dương" in set(communes[communes["province"] == "Hải Phòng"]["former_province"])


def test_loaders_hand_out_copies():
    first = boundaries.load_provinces()
    first.loc[0, "name"] = "changed"
    assert "changed" not in set(boundaries.load_provinces()["name"])


def test_a_missing_or_broken_layer_names_the_file(tmp_path):
    with pytest.raises(DataFileError, match=r"provinces\.geojson.*make layers"):
        boundaries.load_provinces(layers_dir=tmp_path)
    (tmp_path / "communes.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"label": "x"},
         "geometry": {"type": "Point", "coordinates": [105.8, 21.0]}}]}), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"communes\.geojson.*'name' column"):
        boundaries.load_communes(tmp_path)
