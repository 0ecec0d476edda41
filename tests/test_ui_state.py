"""The page state read from a link: lists cleaned and capped, unknown values reported, years clamped."""

from __future__ import annotations

import datetime as dt

from geotrack import settings
from geotrack.filters import Filter
from geotrack.ui import state

OPTIONS = {"modes": ["rail", "seaport"], "statuses": ["planned"], "corridors": ["ring-4"],
           "provinces": ["Hải Dương", "Hải Phòng"], "funding_types": ["ppp"], "documents": ["14/NQ-CP"]}


def test_lists_are_deduplicated_capped_and_unknown_values_reported():
    many = ",".join(f"x{i}" for i in range(200))
    url = state.read_url({"modes": f"rail,rail,foo,seaport,{many}", "colour": "red"}, OPTIONS, (2024, 2035))
    assert url.widgets["f_modes"] == ["rail", "seaport"]
    assert ("modes", "foo") in url.ignored and ("colour", "red") in url.ignored
    modes = [v for k, v in url.ignored if k == "modes"]
    # the repeat and the values past the cap are named, not dropped silently; unknown ones are capped first
    assert modes[:2] == ["rail (×2)", f"… (+{203 - settings.max_query_values})"]
    assert modes[2:] == ["foo", *(f"x{i}" for i in range(settings.max_query_values - 3))]


def test_one_value_repeated_thousands_of_times_is_read_once_and_named():
    url = state.read_url({"corridors": ",".join(["ring-4"] * 20_000 + [f"c{i}" for i in range(300)]),
                          "corridor_km": "5"}, OPTIONS, (2024, 2035))
    assert url.widgets["f_corridors"] == ["ring-4"] and url.corridor_km == 5.0
    past_cap = f"… (+{301 - settings.max_query_values})"
    assert url.ignored[:2] == [("corridors", "ring-4 (×20,000)"), ("corridors", past_cap)]
    assert len(url.ignored) == 2 + settings.max_query_values - 1  # the unknown ids kept by the cap, each named


def test_provinces_match_without_diacritics_and_only_what_was_asked():
    url = state.read_url({"provinces": "hai duong"}, OPTIONS, (2024, 2035))
    assert url.widgets["f_provinces"] == ["Hải Dương"]  # not Hải Phòng too
    assert url.ignored == []


def test_years_outside_the_data_are_clamped_with_a_notice():
    url = state.read_url({"deadline_min": "2000", "deadline_max": "2100"}, OPTIONS, (2024, 2035))
    assert url.years == (2024, 2035) and url.url_years == (2024, 2035)
    assert url.clamped == [("deadline_min", 2000, 2024), ("deadline_max", 2100, 2035)]
    assert state.read_url({"deadline_min": "abc"}, OPTIONS, (2024, 2035)).ignored == [("deadline_min", "abc")]
    # no year at all (outside 1900-2200): ignored, and said so
    far = state.read_url({"deadline_min": "1800", "deadline_max": "99999"}, OPTIONS, (2024, 2035))
    assert far.url_years is None and far.ignored == [("deadline_min", "1800"), ("deadline_max", "99999")]


def test_an_inverted_year_range_is_named_and_left_out():
    url = state.read_url({"deadline_min": "2030", "deadline_max": "2025"}, OPTIONS, (2024, 2035))
    assert url.url_years is None and url.years == (2024, 2035) and url.clamped == []
    assert url.ignored == [("deadline_min", "2030"), ("deadline_max", "2025")]
    # inverted as asked, even where clamping alone would have made it look right
    outside = state.read_url({"deadline_min": "2040", "deadline_max": "2020"}, OPTIONS, (2024, 2035))
    assert outside.url_years is None and outside.clamped == [] and len(outside.ignored) == 2


def test_url_only_filters_are_kept_for_chips_and_bad_distances_ignored():
    url = state.read_url({"ids": "a,b,a", "corridor_km": "5"}, OPTIONS, (2024, 2035))
    assert url.ids == ("a", "b") and url.corridor_km == 5.0
    far = state.read_url({"corridor_km": "1e9"}, OPTIONS, (2024, 2035))
    assert far.corridor_km == 50.0 and [p for p, _ in far.ignored] == ["corridor_km"]  # capped, and said so


def test_the_filter_of_the_widgets_round_trips_through_the_url():
    url = state.read_url({"modes": "rail", "deadline_max": "2035", "search": "x" * 500}, OPTIONS, (2024, 2035))
    flt = state.filter_of(url.widgets, url.years, (2024, 2035), (url.url_years, url.years), url.ids,
                          url.corridor_km)
    assert flt.modes == ("rail",) and flt.deadline_max == 2035 and len(flt.search) == state.MAX_SEARCH
    moved = state.filter_of(url.widgets, (2024, 2035), (2024, 2035), None, (), None)
    assert moved.deadline_max is None  # the data's edge does not filter once the slider is the user's
    assert state.page_query(Filter(modes=("rail",)), "en", {"sel": "a", "doc": None}) == {
        "modes": "rail", "lang": "en", "sel": "a"}
    assert state.parse_day("2026-01-02") == dt.date(2026, 1, 2) and state.parse_day("2026-13-01") is None
