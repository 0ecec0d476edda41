import pytest

from geotrack.filters import Filter, apply, mask, parse_csv_list
from geotrack.frames import items_to_frame
from geotrack.model import Item
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


# -- URLs are untrusted: parse_query cleans them and says what it left out ---------------------------------------
def test_a_list_parameter_is_de_duplicated_and_capped():
    from geotrack import settings
    from geotrack.filters import parse_query

    parsed = parse_query({"corridors": ",".join(["ring-4-capital"] * 20_000), "corridor_km": "5"})
    assert parsed.filter.corridors == ("ring-4-capital",)
    assert [(i.param, i.reason) for i in parsed.ignored] == [("corridors", "repeated")]
    many = parse_query({"ids": ",".join(f"id-{n}" for n in range(5000))})
    assert len(many.filter.ids) == settings.max_query_values
    assert any(i.param == "ids" and "more than" in i.reason for i in many.ignored)
    assert len(many.ignored) <= settings.max_query_values + 2


@pytest.mark.parametrize(("params", "expected", "param"), [
    ({"deadline_max": "2020"}, (None, 2023), "deadline_max"),
    ({"deadline_min": "2040"}, (2035, None), "deadline_min"),
    ({"deadline_min": "2030", "deadline_max": "2025"}, (2025, 2030), "deadline_min"),
    ({"deadline_max": "9007199254740993"}, (None, None), "deadline_max"),
    ({"deadline_min": "NaN"}, (None, None), "deadline_min"),
])
def test_years_out_of_the_data_are_clamped_or_dropped_with_a_reason(params, expected, param):
    from geotrack.filters import parse_query

    parsed = parse_query(params, years=(2023, 2035))
    assert (parsed.filter.deadline_min, parsed.filter.deadline_max) == expected
    assert [i.param for i in parsed.ignored] == [param]


def test_control_characters_and_absurd_distances_are_dropped():
    from geotrack.filters import parse_query

    parsed = parse_query({"ids": "airport-cat-bi\x00x,port-a", "corridor_km": "1e308", "search": "x\x1b[2J"})
    assert parsed.filter.ids == ("port-a",)
    assert parsed.filter.corridor_km == 50.0 and parsed.filter.search == ""
    assert {i.param for i in parsed.ignored} == {"ids", "corridor_km", "search"}
    assert all("\x00" not in i.value and "\x1b" not in i.value for i in parsed.ignored)
    assert parse_query({"corridor_km": "inf"}).filter.corridor_km is None
    assert Filter.from_query({"ids": "a,a,b"}) == Filter(ids=("a", "b"))
