"""Geography checks against the vendored boundaries and the reference points."""

import copy
import json
import shutil

import pytest
from test_validate import CTX

from geotrack import geocheck
from geotrack.cli import main
from geotrack.io import LAYERS_DIR, RawRecord, read_dataset, read_item_records
from geotrack.testing import base_record, point_record
from geotrack.validate import check_dataset, check_record, errors_only, geography_problems

#: Hoàn Kiếm (Hà Nội) and Lê Chân (Hải Phòng, former Hải Phòng) and Hải Dương city (Hải Phòng, former Hải Dương).
HANOI = [105.852, 21.028]
HAI_PHONG = [106.683, 20.857]
HAI_DUONG = [106.330, 20.940]
NOI_BAI = [105.807, 21.2212]  # airportsdata VVNB


@pytest.fixture(scope="module")
def geography():
    return geocheck.load_geography()


def site(item_id="site-a", coordinates=HANOI, provinces=("Hà Nội",), former=(), **changes):
    record = point_record(item_id, mode="social", provinces=list(provinces), former_provinces=list(former),
                          geometry={"type": "Point", "coordinates": list(coordinates)})
    record.update(changes)
    return record


def line(coordinates, provinces, former=(), **changes):
    record = base_record()
    record.update(id="line-a", provinces=list(provinces), former_provinces=list(former),
                  geometry={"type": "LineString", "coordinates": coordinates})
    record.update(changes)
    return record


def errors(records, geography):
    return [(f.item_id, f.check, f.subject) for f in geocheck.check_records(records, geography) if f.is_error]


def test_a_point_in_its_listed_province_passes(geography):
    assert errors([site()], geography) == []


def test_a_point_moved_into_the_wrong_province_is_caught(geography):
    moved = site(coordinates=HAI_PHONG)
    assert set(errors([moved], geography)) == {("site-a", "province", "Hà Nội"), ("site-a", "province", "Hải Phòng")}


def test_a_former_province_missing_or_wrong_is_caught(geography):
    in_hai_duong = site(coordinates=HAI_DUONG, provinces=["Hải Phòng"])
    assert errors([in_hai_duong], geography) == [("site-a", "former_province", "Hải Dương")]
    in_hai_duong["former_provinces"] = ["Hải Dương"]
    assert errors([in_hai_duong], geography) == []
    wrong = site(coordinates=HAI_PHONG, provinces=["Hải Phòng"], former=["Hải Dương"])
    assert errors([wrong], geography) == [("site-a", "former_province", "Hải Dương")]


def test_geography_notes_explain_a_mismatch(geography):
    moved = site(coordinates=HAI_PHONG, provinces=["Hà Nội", "Hải Phòng"],
                 geography_notes={"Hà Nội": "the point stands for a network with its seat in Hà Nội"})
    findings = geocheck.check_records([moved], geography)
    assert [(f.subject, f.is_error) for f in findings] == [("Hà Nội", False)]
    assert "network" in str(findings[0])


def test_a_line_lists_every_province_it_crosses(geography):
    hanoi_to_hai_phong = [HANOI, [106.1, 20.95], HAI_DUONG, HAI_PHONG]
    found = errors([line(hanoi_to_hai_phong, ["Hà Nội", "Hải Phòng"], ["Hải Dương"])], geography)
    assert ("line-a", "province", "Hưng Yên") in found
    assert all(subject != "Hà Nội" for _, _, subject in found)
    fixed = line(hanoi_to_hai_phong, ["Hà Nội", "Hưng Yên", "Hải Phòng"], ["Hải Dương"])
    assert errors([fixed], geography) == []


def test_a_coastal_point_at_sea_belongs_to_the_nearest_province(geography):
    off_do_son = site(coordinates=[106.83, 20.66], provinces=["Hải Phòng"])  # water south-east of Đồ Sơn
    assert errors([off_do_son], geography) == []


def test_an_airport_moved_5_km_from_its_reference_is_caught(geography):
    airport = site("airport-x", NOI_BAI, mode="airport", reference_point="airportsdata:VVNB")
    assert errors([airport], geography) == []
    moved = copy.deepcopy(airport)
    moved["geometry"]["coordinates"] = [NOI_BAI[0] + 0.0482, NOI_BAI[1]]  # 5.0 km east, still in Hà Nội
    (finding,) = [f for f in geocheck.check_records([moved], geography) if f.check == "reference"]
    assert finding.is_error and "5.00 km" in finding.message


def test_an_airport_near_a_reference_must_cite_it(geography):
    airport = site("airport-x", [NOI_BAI[0] + 0.003, NOI_BAI[1]], mode="airport")
    assert errors([airport], geography) == [("airport-x", "reference", "airportsdata:VVNB")]


def test_a_seaport_is_held_to_its_un_locode_position(geography):
    port = site("port-x", [106.740417, 20.908991], provinces=["Hải Phòng"], mode="seaport",
                reference_point="unlocode:VNHPH")
    assert errors([port], geography) == []
    port["geometry"]["coordinates"] = [106.69, 20.87]  # Lê Chân, 5 km inland
    assert errors([port], geography) == [("port-x", "reference", "unlocode:VNHPH")]


def test_a_line_that_misses_a_named_commune_is_caught(geography):
    waypoints = [{"name": "xã Nội Bài", "commune": "Nội Bài", "province": "Hà Nội", "source": "test"}]
    through = line([[105.75, 21.25], [105.85, 21.20]], ["Hà Nội"], waypoints=waypoints)
    assert errors([through], geography) == []
    missing = line([[105.75, 21.05], [105.85, 21.00]], ["Hà Nội"], waypoints=waypoints)
    assert errors([missing], geography) == [("line-a", "waypoint", "xã Nội Bài")]
    unknown = line([[105.75, 21.25], [105.85, 21.20]], ["Hà Nội"],
                   waypoints=[{**waypoints[0], "commune": "Atlantis"}])
    assert errors([unknown], geography) == [("line-a", "waypoint", "xã Nội Bài")]


def test_a_line_off_its_stated_length_is_caught(geography):
    record = line([HANOI, [105.952, 21.028]], ["Hà Nội"], stated_length_km=10.4, stated_length_source="test")
    assert errors([record], geography) == []  # 10.4 km drawn
    record["stated_length_km"] = 11.5
    assert errors([record], geography) == [("line-a", "length", "stated_length_km")]


def test_items_sharing_a_geometry_are_caught_unless_explained(geography):
    a, b = site("site-a"), site("site-b")
    assert errors([a, b], geography) == [("site-b", "shared_geometry", "site-a")]
    b["geography_notes"] = {"site-a": "the two items are the same building, named twice in the documents"}
    assert errors([a, b], geography) == []


def berth(item_id, coordinates, **changes):
    fields = {"mode": "berth", "parent_id": "port-x", "location_precision": "approximate",
              "geometry_source": "water area in https://example.org/notice", **changes}
    return site(item_id, coordinates, provinces=["Hải Phòng"], **fields)


def test_a_child_site_needs_a_cited_position(geography):
    child = berth("berth-x", HAI_PHONG, geometry_source="placed by eye")
    assert errors([child], geography) == [("berth-x", "cited_position", "geometry_source")]
    child["geometry_source"] = "water area in https://example.org/notice"
    assert errors([child], geography) == []


def test_a_child_site_on_a_representative_point_is_caught_even_when_explained(geography):
    child = berth("berth-x", HAI_PHONG, location_precision="representative_point",
                  geography_notes={"location_precision": "no published position",
                                   "geometry_source": "no published position"})
    assert errors([child], geography) == [("berth-x", "cited_position", "location_precision")]
    unlocated = berth("berth-x", HAI_PHONG, geometry=None, location_precision=None,
                      geometry_source="no published position found")
    assert errors([unlocated], geography) == []  # no position rather than a borrowed one
    figures = geocheck.summary([unlocated, berth("berth-y", HAI_PHONG)], [])
    assert figures["sites_not_drawn"] == ["berth-x"] and figures["located"] == 1


def test_a_berth_on_its_neighbours_point_is_caught_even_when_explained(geography):
    """Berth 4 drawn on berth 3's published point: a shared geometry no note can excuse."""
    berth_3 = berth("berth-3", [106.911136, 20.795563])
    berth_4 = berth("berth-4", [106.911136, 20.795563],
                    geography_notes={"shared_geometry": "no published position of berth 4 was found",
                                     "berth-3": "shown at berth 3's published water area"})
    assert errors([berth_3, berth_4], geography) == [("berth-4", "shared_geometry", "berth-3")]
    berth_4["geometry"] = {"type": "Point", "coordinates": [106.90938, 20.79849]}  # 375 m along the quay
    assert errors([berth_3, berth_4], geography) == []


def test_a_terminal_on_its_airports_point_is_caught_even_when_explained(geography):
    airport = site("airport-x", NOI_BAI, mode="airport", reference_point="airportsdata:VVNB")
    terminal = site("terminal-x", NOI_BAI, mode="airport", parent_id="airport-x", location_precision="approximate",
                    geometry_source="https://example.org/plan", geography_notes={"shared_geometry": "no position"})
    assert errors([airport, terminal], geography) == [("terminal-x", "shared_geometry", "airport-x")]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("reference_point", "IATA:HAN", "airportsdata:<ICAO>"),
        ("geography_notes", {"Hà Nội": ""}, "why it differs"),
        ("waypoints", "Mê Linh", "list of waypoints"),
        ("waypoints", [{"name": "Mê Linh", "province": "Hà Nội"}], "source"),
        ("waypoints", [{"name": "Mê Linh", "province": "Vĩnh Phúc", "source": "x"}], "not a current province"),
    ],
)
def test_geography_fields_are_checked_by_validate(field, value, words):
    record = base_record()
    record[field] = value
    problems = check_record(record, CTX, source="f.yaml", index=0)
    assert any(words in p.message for p in problems), problems


def test_validate_reports_unexplained_findings_with_file_and_field(geography):
    moved = site(coordinates=HAI_PHONG)
    (raw,) = [RawRecord(moved, "data/items/test.yaml", 3)]
    problems = geography_problems([raw], geography)
    assert {p.field for p in problems} == {"provinces"}
    assert all("data/items/test.yaml" in str(p) and "feature 3" in str(p) for p in problems)


def test_validate_runs_the_geography_checks_when_the_layers_are_there(make_dataset, tmp_path):
    data, layers = make_dataset([site(coordinates=HAI_PHONG)])
    # no boundary layers: not checked
    assert not errors_only(check_dataset(read_dataset(data, layers), geography=True))
    for name in ("provinces.geojson", "provinces_former.geojson", "communes.geojson"):
        shutil.copy(LAYERS_DIR / name, layers / name)
    assert not errors_only(check_dataset(read_dataset(data, layers)))  # a build checks records only
    messages = [p.message for p in errors_only(check_dataset(read_dataset(data, layers), geography=True))]
    assert any("province: lists Hà Nội" in m for m in messages), messages
    assert main(["--data", str(data), "--layers", str(layers), "validate"]) == 1


@pytest.mark.slow
def test_shipped_data_has_no_unexplained_geography_issue(geography):
    records = [r.record for r in read_item_records()]
    findings = geocheck.check_records(records, geography)
    unexplained = [str(f) for f in findings if f.is_error]
    assert unexplained == [], "\n".join(unexplained)
    figures = geocheck.summary(records, findings)
    assert figures["with_reference_point"] >= 5 and figures["waypoints"] >= 10


@pytest.mark.slow
def test_geocheck_command_reports_figures(capsys):
    assert main(["geocheck", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["errors"] == 0
    assert set(report["summary"]["checks"]) == set(geocheck.CHECKS)
    records = {r.record["id"]: r.record for r in read_item_records()}
    for item_id in report["summary"]["sites_not_drawn"]:  # each says why it is not drawn
        assert records[item_id]["geometry"] is None and records[item_id]["geometry_source"].startswith("Not drawn")


def test_geocheck_command_fails_on_an_unexplained_issue(make_dataset, capsys):
    data, _ = make_dataset([site(coordinates=HAI_PHONG)])
    assert main(["--data", str(data), "geocheck"]) == 1
    out = capsys.readouterr().out
    assert "ERROR site-a: province: lists Hà Nội" in out and "2 unexplained issue(s)" in out


def test_a_line_must_pass_near_a_cited_waypoint_point(geography):
    waypoint = {"name": "interchange", "point": [105.80, 21.225], "province": "Hà Nội", "source": "test"}
    near = line([[105.75, 21.225], [105.85, 21.225]], ["Hà Nội"], waypoints=[waypoint])
    assert errors([near], geography) == []
    far = line([[105.75, 21.20], [105.85, 21.20]], ["Hà Nội"], waypoints=[waypoint])
    (finding,) = [f for f in geocheck.check_records([far], geography) if f.check == "waypoint"]
    assert "2.8 km from the point 21.22500, 105.80000" in finding.message
