"""Property-based tests: round trips and filter equivalence hold for any valid input."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from geotrack import geo, vocab
from geotrack.build import build
from geotrack.export import to_geojson
from geotrack.filters import Filter, apply
from geotrack.frames import empty_frame, items_to_frame
from geotrack.import_file import read_import
from geotrack.importer import plan_import
from geotrack.io import read_dataset
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.testing import base_record
from geotrack.validate import Context

TEXTS = read_dataset().texts
CTX = Context(TEXTS)
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ -–"

ids = st.from_regex(r"[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
names = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + string.digits + "<>&\"'/", min_size=1, max_size=60).filter(
    lambda s: s.strip() != "")
lon = st.floats(102.2, 109.4).map(lambda v: round(v, 6))
lat = st.floats(8.5, 23.3).map(lambda v: round(v, 6))
points = st.tuples(lon, lat).map(lambda p: {"type": "Point", "coordinates": list(p)})
lines = st.lists(st.tuples(lon, lat), min_size=2, max_size=8, unique=True).map(
    lambda ps: {"type": "LineString", "coordinates": [list(p) for p in ps]})
years = st.one_of(st.none(), st.integers(1995, 2060))


@st.composite
def records(draw):
    record = base_record()
    start, end = draw(years), draw(years)
    if start is not None and end is not None and end < start:
        start, end = end, start
    amount = draw(st.one_of(st.none(), st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False).map(
        lambda v: round(v, 3))))
    provinces = draw(st.lists(st.sampled_from(sorted(vocab.PROVINCES)), min_size=1, max_size=3, unique=True))
    formers = [f for f, c in vocab.FORMER_PROVINCES.items() if c in provinces][:1]
    record.update(
        id=draw(ids), name_vi=draw(names), name_en=draw(st.one_of(st.none(), names)),
        mode=draw(st.sampled_from(vocab.MODES)), action=draw(st.sampled_from(vocab.ACTIONS)),
        status=draw(st.sampled_from(["planned", "study"])), status_as_of=None, status_source="14/NQ-CP",
        start_year=start, end_year=end, deadline_text=draw(st.one_of(st.none(), names)),
        funding={"types": draw(st.lists(st.sampled_from(vocab.FUNDING_TYPES), unique=True, max_size=3)),
                 "amount": amount, "unit": "billion_vnd" if amount is not None else None,
                 "as_of": "2024-05-01" if amount is not None else None,
                 "source": "https://example.org/f" if amount is not None else None},
        lead_agency=draw(st.one_of(st.none(), names)), provinces=provinces, former_provinces=formers,
        corridors=[], geometry=draw(st.one_of(st.none(), points, lines)), stated_length_km=None,
        stated_length_source=None, sources=[], notes=draw(st.one_of(st.none(), names)),
    )
    record["location_precision"] = None if record["geometry"] is None else draw(
        st.sampled_from(["approximate", "representative_point"]))
    # every optional field, the stated length too (within the validator's 10% of a drawn line)
    drawn = geo.length_km(shape(record["geometry"])) if record["geometry"] else None
    stated = draw(st.one_of(st.none(), st.floats(0.95, 1.05) if drawn else st.floats(0.1, 500)))
    if stated is not None:
        record["stated_length_km"] = round(stated * drawn, 3) if drawn else round(stated, 3)
        record["stated_length_source"] = draw(st.sampled_from(["14/NQ-CP", "https://example.org/length"]))
    record["lead_agency_current"] = draw(st.one_of(st.none(), names))
    record["geometry_source"] = draw(names if record["geometry"] else st.one_of(st.none(), names))
    if draw(st.booleans()):
        record["sources"] = [{"url": "https://example.org/s", "title": draw(names), "as_of": "2025-06-30",
                              "supports": ["status"]}]
    return record


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records())
def test_any_valid_item_survives_geojson_export_and_import(record, tmp_path):
    original = Item.from_record(record)
    path = tmp_path / "one.geojson"
    path.write_text(to_geojson(items_to_frame([original])), encoding="utf-8")
    read, problems = read_import(path)
    plan = plan_import(read, problems, empty_frame(), CTX, source=str(path))
    assert plan.errors == [], [str(p) for p in plan.errors]
    (back,) = plan.items()
    assert back == original


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    store = GeoPackageStore(tmp_path_factory.mktemp("prop") / "s.gpkg")
    build(store)
    return store, store.load()


def _sample(values):
    return st.lists(st.sampled_from(sorted(values)), max_size=2, unique=True).map(tuple)


filters = st.builds(
    Filter,
    modes=_sample(vocab.MODES), statuses=_sample(vocab.STATUSES),
    provinces=_sample(list(vocab.PROVINCES) + list(vocab.FORMER_PROVINCES) + ["hai phong", "HA NOI"]),
    funding_types=_sample(vocab.FUNDING_TYPES),
    documents=_sample(["30-NQ/TW", "14/NQ-CP", "60/KH-UBND", "07/NQ-CP", "158/NQ-CP"]),
    deadline_min=st.one_of(st.none(), st.integers(2020, 2040)),
    deadline_max=st.one_of(st.none(), st.integers(2020, 2040)),
    search=st.sampled_from(["", "cang", "Vành đai", "duong sat", "hai phong", "x'); DROP TABLE items; --"]),
)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flt=filters)
def test_store_filter_equals_in_memory_filter(real_store, flt):
    store, everything = real_store
    assert list(store.load(flt)["id"]) == list(apply(everything, flt)["id"])


def test_the_generated_records_are_valid():
    from geotrack.validate import check_record

    @settings(max_examples=30, deadline=None)
    @given(record=records())
    def check(record):
        assert [str(p) for p in check_record(record, CTX) if p.severity == "error"] == []

    check()
    # and the record every strategy starts from is valid on its own
    assert [str(p) for p in check_record(base_record(), CTX) if p.severity == "error"] == []


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records())
def test_any_valid_item_survives_geopackage_export_and_import(record, tmp_path):
    from geotrack.export import export

    original = Item.from_record(record)
    path = tmp_path / "one.gpkg"
    path.unlink(missing_ok=True)
    export(items_to_frame([original]), path, "gpkg")
    read, problems = read_import(path)
    plan = plan_import(read, problems, empty_frame(), CTX, source=str(path))
    assert plan.errors == [], [str(p) for p in plan.errors]
    (back,) = plan.items()
    assert back == original
