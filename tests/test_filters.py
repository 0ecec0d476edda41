import pytest

from geotrack.filters import Filter, apply, mask, parse_csv_list
from geotrack.model import Item, items_to_frame
from geotrack.testing import base_record, point_record


@pytest.fixture(scope="module")
def frame():
    records = [
        base_record(),
        point_record("port-nam-do-son", end_year=2035, provinces=["Hải Phòng"], former_provinces=[]),
        point_record("kcn-hai-duong", mode="industrial_park", end_year=None, provinces=["Hải Phòng"],
                     former_provinces=["Hải Dương"], funding={"types": ["oda"], "amount": None, "unit": None,
                                                              "as_of": None, "source": None}),
        point_record("rail-x", mode="rail", status="study", end_year=2030, provinces=["Lào Cai"],
                     former_provinces=["Yên Bái"], corridors=["ec-kunming-laocai-hanoi-haiphong-quangninh"],
                     commitments=[{"document": "07/NQ-CP", "section": "II", "line": 1, "quote": "x",
                                   "deadline_text": None, "start_year": None, "end_year": None,
                                   "lead_agency": None, "funding_text": None}]),
    ]
    return items_to_frame([Item.from_record(r) for r in records])


def ids(frame, flt):
    return list(apply(frame, flt)["id"])


def test_empty_filter_keeps_everything(frame):
    assert len(apply(frame, Filter())) == len(frame)
    assert Filter().is_empty()


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (Filter(modes=("rail",)), ["rail-x"]),
        (Filter(modes=("rail", "seaport")), ["port-nam-do-son", "rail-x"]),
        (Filter(statuses=("under_construction",)), ["ring-road-4-capital"]),
        (Filter(corridors=("ec-kunming-laocai-hanoi-haiphong-quangninh",)), ["rail-x"]),
        (Filter(provinces=("Hải Phòng",)), ["port-nam-do-son", "kcn-hai-duong"]),
        (Filter(provinces=("hai duong",)), ["kcn-hai-duong"]),
        (Filter(provinces=("Yên Bái",)), ["rail-x"]),
        (Filter(funding_types=("oda",)), ["kcn-hai-duong"]),
        (Filter(funding_types=("ppp",)), ["ring-road-4-capital"]),
        (Filter(documents=("07/NQ-CP",)), ["rail-x"]),
        (Filter(deadline_max=2030), ["ring-road-4-capital", "rail-x"]),
        (Filter(deadline_min=2031), ["port-nam-do-son"]),
        (Filter(deadline_min=2027, deadline_max=2027), ["ring-road-4-capital"]),
        (Filter(search="vanh dai 4"), ["ring-road-4-capital"]),
        (Filter(search="VÀNH ĐAI"), ["ring-road-4-capital"]),
        (Filter(search="nothing like this"), []),
        (Filter(ids=("rail-x", "port-nam-do-son")), ["port-nam-do-son", "rail-x"]),
        (Filter(modes=("rail",), provinces=("Hải Phòng",)), []),
    ],
)
def test_each_filter(frame, flt, expected):
    assert ids(frame, flt) == expected


def test_deadline_filter_leaves_out_items_without_deadline(frame):
    assert "kcn-hai-duong" not in ids(frame, Filter(deadline_max=2100))


def test_mask_is_aligned_boolean(frame):
    result = mask(frame, Filter(modes=("rail",)))
    assert result.dtype == bool and list(result.index) == list(frame.index)


def test_query_round_trip():
    flt = Filter(modes=("rail", "expressway"), provinces=("Hải Phòng",), deadline_max=2030, search="cầu")
    query = flt.to_query()
    assert query == {"modes": "rail,expressway", "provinces": "Hải Phòng", "deadline_max": "2030", "search": "cầu"}
    assert Filter.from_query(query) == flt
    assert Filter.from_query({"deadline_max": "soon", "bogus": "1"}) == Filter()
    assert Filter.from_query({"modes": ["rail", "road"]}) == Filter(modes=("rail", "road"))


def test_filter_is_hashable_for_caches():
    # equal filters, however they were made, find the same cache entry; different ones do not
    cache = {Filter(modes=("rail",), deadline_max=2030): "rail by 2030"}
    assert cache[Filter.from_query({"modes": "rail", "deadline_max": "2030"})] == "rail by 2030"
    assert Filter(modes=("road",), deadline_max=2030) not in cache
    assert Filter(modes=("rail",)) not in cache


def test_parse_csv_list():
    assert parse_csv_list(["a,b", " c ", ""]) == ("a", "b", "c")
    assert parse_csv_list(None) == ()


def test_corridor_by_distance_as_well_as_by_attribute(frame):
    from shapely.geometry import LineString

    lines = {"ec-kunming-laocai-hanoi-haiphong-quangninh": LineString([(106.5, 20.8), (107.0, 20.8)])}
    by_attribute = Filter(corridors=("ec-kunming-laocai-hanoi-haiphong-quangninh",))
    assert list(apply(frame, by_attribute, lines)["id"]) == ["rail-x"]
    # the fixture ports sit at 106.9 E, 20.8 N: on the line; Ring Road 4 is ~80 km away
    near = by_attribute.with_(corridor_km=5.0)
    assert list(apply(frame, near, lines)["id"]) == ["port-nam-do-son", "kcn-hai-duong", "rail-x"]
    assert "ring-road-4-capital" in list(apply(frame, by_attribute.with_(corridor_km=150.0), lines)["id"])
    assert Filter.from_query(near.to_query()) == near
