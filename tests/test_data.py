"""The shipped dataset, held to the five documents."""

import itertools
import json

import pytest
from shapely.geometry import LineString, MultiLineString, Point, shape

from geotrack import geo
from geotrack.build import parse_items
from geotrack.conflicts import conflict_map
from geotrack.features import FIELDS
from geotrack.io import LAYERS_DIR, PROJECT_ROOT, read_dataset
from geotrack.validate import check_dataset, errors_only

HANOI = Point(105.85, 21.03)
HAI_PHONG = Point(106.68, 20.86)


@pytest.fixture(scope="module")
def dataset():
    return read_dataset()


@pytest.fixture(scope="module")
def items(dataset):
    return {item.id: item for item in parse_items(dataset)}


@pytest.mark.slow
def test_dataset_validates_without_errors(dataset):
    errors = errors_only(check_dataset(dataset, geography=True))
    assert errors == [], "\n".join(map(str, errors[:20]))


def test_dataset_is_large_and_cites_all_five_documents(items):
    assert len(items) >= 100
    cited = {c.document for item in items.values() for c in item.commitments}
    assert cited == {"30-NQ/TW", "14/NQ-CP", "60/KH-UBND", "07/NQ-CP", "158/NQ-CP"}


def test_every_located_item_is_placed_in_a_province(items):
    assert [i for i, item in items.items() if item.geometry is not None and not item.provinces] == []


def _km(a, b):
    return geo.to_metric(a).distance(geo.to_metric(b)) / 1000


@pytest.mark.parametrize(
    ("item_id", "kind", "near", "within_km"),
    [
        ("ring-road-4-capital", LineString, HANOI, 40),
        ("rail-lao-cai-hanoi-haiphong", LineString, HANOI, 60),
        ("port-lach-huyen", Point, HAI_PHONG, 40),
        ("airport-cat-bi", Point, HAI_PHONG, 15),
        ("airport-tien-lang", Point, HAI_PHONG, 40),
        ("port-nam-do-son", Point, HAI_PHONG, 40),
    ],
)
def test_design_card_items(items, item_id, kind, near, within_km):
    item = items[item_id]
    assert isinstance(item.geometry, kind | (MultiLineString if kind is LineString else kind))
    assert _km(item.geometry, near) <= within_km


@pytest.mark.parametrize("berth", [3, 4, 5, 6, 7, 8])
def test_lach_huyen_berths_are_six_items_under_the_port(items, berth):
    item = items[f"lach-huyen-berth-{berth}"]
    assert item.mode == "berth" and item.parent_id == "port-lach-huyen"
    if item.geometry is None:  # no published position: not drawn on a neighbour's point, and says why
        assert item.geometry_source and item.geometry_source.startswith("Not drawn: no published position")
        return
    assert _km(item.geometry, items["port-lach-huyen"].geometry) < 10
    assert item.location_precision in ("exact", "approximate") and "http" in (item.geometry_source or "")


def test_lach_huyen_berths_3_to_6_follow_the_quay_by_their_cited_lengths(items):
    # berths 4-6 are derived from berth 3's published water area: 375 m berths 3-4, 450 m berths 5-6, in that order
    points = [items[f"lach-huyen-berth-{berth}"].geometry for berth in (3, 4, 5, 6)]
    assert all(isinstance(p, Point) for p in points)
    spacing_m = [_km(a, b) * 1000 for a, b in itertools.pairwise(points)]
    assert spacing_m == pytest.approx([375, 412.5, 450], abs=15)
    assert _km(points[0], points[3]) * 1000 == pytest.approx(sum(spacing_m), abs=15)  # one straight quay, no zigzag
    assert [p.y for p in points] == sorted((p.y for p in points), reverse=True)  # north-west to south-east


def test_ring_road_4_runs_through_its_three_provinces(items):
    item = items["ring-road-4-capital"]
    assert {"Hà Nội", "Hưng Yên", "Bắc Ninh"} <= set(item.provinces)
    assert 90 <= geo.length_km(item.geometry) <= 130


def test_railway_runs_from_the_lao_cai_border_to_lach_huyen(items):
    line = items["rail-lao-cai-hanoi-haiphong"].geometry
    ends = [Point(line.coords[0]), Point(line.coords[-1])] if isinstance(line, LineString) else None
    assert ends is not None
    lao_cai, lach_huyen = Point(103.96, 22.50), items["port-lach-huyen"].geometry
    assert min(_km(e, lao_cai) for e in ends) < 15
    assert min(_km(e, lach_huyen) for e in ends) < 15


def test_cat_bi_has_sub_projects(items):
    assert [i for i, item in items.items() if item.parent_id == "airport-cat-bi"]


def test_nam_do_son_keeps_both_documents_deadlines(items):
    commitments = [c.to_record() for c in items["port-nam-do-son"].commitments]
    assert {c["document"] for c in commitments} >= {"07/NQ-CP", "60/KH-UBND"}
    texts = {c["document"]: (c["deadline_text"] or "").lower() for c in commitments if c["deadline_text"]}
    assert "2026-2030" in texts["07/NQ-CP"].replace(" ", "")
    assert "sau năm 2030" in texts["60/KH-UBND"]
    assert set(conflict_map(commitments)["deadline"]) >= {"07/NQ-CP", "60/KH-UBND"}


def test_status_beyond_documents_is_sourced_and_dated(items):
    for item in items.values():
        if item.status not in ("planned", "study"):
            assert item.status_source and item.status_as_of, item.id


def test_corridor_layer_is_rfc7946_and_named():
    content = json.loads((LAYERS_DIR / "corridors.geojson").read_text(encoding="utf-8"))
    assert content["type"] == "FeatureCollection" and "crs" not in content
    ids = [f["properties"]["id"] for f in content["features"]]
    assert len(ids) == len(set(ids)) >= 5
    for feature in content["features"]:
        assert not geo.outside_vietnam(shape(feature["geometry"]))
        assert feature["properties"]["name_vi"] and feature["properties"]["name_en"]


def test_readme_documents_every_export_field():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in FIELDS if f"| `{name}` |" not in readme]
    assert missing == []


def test_ring_road_4_keeps_the_2027_and_2030_deadlines(items):
    commitments = [c.to_record() for c in items["ring-road-4-capital"].commitments]
    deadline = conflict_map(commitments)["deadline"]
    assert "2027" in deadline["14/NQ-CP"] and "2030" in deadline["30-NQ/TW"]


def test_former_names_find_items_after_the_2025_mergers(items):
    formers = {name for item in items.values() for name in item.former_provinces}
    assert {"Hải Dương", "Thái Bình"} <= formers
    agencies = {item.lead_agency: item.lead_agency_current for item in items.values() if item.lead_agency}
    assert agencies.get("Bộ Giao thông vận tải") == "Bộ Xây dựng"


def test_targets_are_cited_and_kept_apart_from_map_items(dataset):
    from geotrack.validate import Context, check_targets

    assert len(dataset.targets) >= 5
    assert check_targets(dataset.targets, Context(dataset.texts)) == []
    broken = [dict(dataset.targets[0]) | {"quote": "không có câu này"}]
    assert [p.field for p in check_targets(broken, Context(dataset.texts))] == ["quote"]


def test_every_commitment_says_where_its_deadline_comes_from(dataset):
    from geotrack.reading import DEADLINE_BASES

    bases = [c.get("deadline_basis") for raw in dataset.records for c in raw.record["commitments"]]
    assert bases and set(bases) <= set(DEADLINE_BASES)
    year_warnings = [p for p in check_dataset(dataset) if p.field in ("start_year", "end_year")]
    assert year_warnings == []


def test_no_source_is_on_a_refused_host_or_malformed(dataset):
    from geotrack import sources

    cited = [(raw.record["id"], url) for raw in dataset.records for _, url, _, _ in sources.record_urls(raw.record)]
    assert len(cited) > 100
    written = [(raw.record["id"], url) for raw in dataset.records for _, url in sources.text_urls(raw.record)]
    assert len(written) > 100  # geometry_source, notes, waypoints and geography_notes cite pages too
    cited += written
    refused = [(i, u) for i, u in cited if sources.tier_of(u, dataset.source_tiers) == "refused"]
    malformed = [(i, u) for i, u in cited if sources.url_problem(u)]
    assert refused == [] and malformed == []
