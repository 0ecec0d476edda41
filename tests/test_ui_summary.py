"""Summary figures equal the CLI's reports; investment is never summed across units."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from mapfixtures import fixture_records

from geotrack import history
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.ui import choices, i18n, reader, summary

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def frame():
    return items_to_frame([Item.from_record(r) for r in fixture_records()])


def test_figures_equal_the_cli_reports(frame):
    figures = summary.summarise(frame, TODAY)
    assert figures.count == len(frame)
    assert figures.overdue == list(history.overdue(frame, TODAY)["id"]) and figures.overdue
    assert figures.conflicts == [i for i, _ in history.conflicts(frame)] and figures.conflicts
    assert figures.lengths.equals(history.lengths_by_mode(frame))
    assert sum(figures.by_status.values()) == len(frame)


def test_investment_is_kept_per_unit(frame):
    records = fixture_records()
    records[1] = records[1] | {"funding": {"types": ["oda"], "amount": 300, "unit": "million_usd"}}
    figures = summary.summarise(items_to_frame([Item.from_record(r) for r in records]), TODAY)
    assert set(figures.investment) == {"billion_vnd", "million_usd"}
    assert figures.investment["million_usd"] == (300.0, 1)
    lines = summary.investment_lines(figures, "en")
    assert "300 million USD (1 item)" in lines and len(lines) == 2  # one item, not "1 items"
    assert "300 triệu USD (1 công trình)" in summary.investment_lines(figures, "vi")


def test_documents_offered_are_those_cited_with_counts(frame):
    counts = choices.cited_documents(frame)
    assert set(counts) == {c["document"] for cs in frame["commitments"] for c in cs or ()}
    label = choices.document_label("14/NQ-CP", {"14/NQ-CP": "Chương trình hành động"}, counts, "en")
    assert label.startswith("14/NQ-CP — Government action programme") and label.endswith(f"({counts['14/NQ-CP']})")
    assert choices.findable("Hải Dương") == "Hải Dương · Hai Duong" and choices.findable("Hanoi") == "Hanoi"


def test_picker_labels_name_each_item_in_the_language_and_findable_without_diacritics():
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"id": ["port-x", "road-y"], "name_vi": ["Cảng Hải Phòng", "Đường Láng"],
                              "name_en": ["Hai Phong port", None]})
    assert choices.picker_labels(frame, "vi") == {"port-x": "Cảng Hải Phòng · Cang Hai Phong [port-x]",
                                                  "road-y": "Đường Láng · Duong Lang [road-y]"}
    assert choices.picker_labels(frame, "en") == {"port-x": "Hai Phong port [port-x]",
                                                  "road-y": "Đường Láng · Duong Lang [road-y]"}


def test_download_names_say_what_was_filtered():
    from geotrack.filters import Filter
    day = dt.date(2026, 1, 2)
    assert choices.download_name(None, today=day) == "geotrack-20260102.geojson"
    named = choices.download_name(Filter(modes=("rail",), provinces=("Hải Phòng",), deadline_max=2030), "csv", day)
    assert named == "geotrack-rail-hai-phong-2030-20260102.csv"


def test_reader_marks_the_line_and_escapes_the_text():
    lines = [f"dòng {n} <b>" for n in range(1, 101)]
    html = reader.reader_html(lines, "14/NQ-CP", 50, "vi")
    assert "<div id='gt-L50' class='gt-hit' aria-current='true'><span class='gt-ln'>50</span>" in html
    assert "dòng 50 &lt;b&gt;" in html and "<b>" not in html
    assert reader.line_window(100, 50) == (50 - reader.LINES_BEFORE, 50 + reader.CONTEXT_LINES)
    assert reader.line_window(100, 500) == (100 - reader.LINES_BEFORE, 100)
    assert reader.line_window(100, 5, None) == (1, 100)


def test_summary_html_gives_the_cli_figures_in_the_language_escaped(frame):
    import re

    figures = summary.summarise(frame, TODAY)
    head = summary.figures_html(figures, "en")
    shown = dict(re.findall(r"data-gt-figure='(\w+)'><dt>[^<]+</dt><dd>([^<]+)</dd>", head))
    assert shown == {"items": str(len(frame)), "overdue": str(len(figures.overdue)),
                     "conflicts": str(len(figures.conflicts))}
    details = summary.details_html(figures, "en")
    rows = re.findall(r"<tr><th scope='row'>([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td></tr>", details)
    cli = history.lengths_by_mode(frame)
    assert [None if km == "—" else float(km.replace(",", "")) for *_, km in rows] == \
        [None if pd.isna(km) else km for km in cli["length_km"]]  # a mode of points: no length, not 0 km
    assert [int(n) for _, n, _ in rows] == list(cli["items"])
    assert [mode for mode, *_ in rows] == [i18n.mode_label(m, "en") for m in cli["mode"]]
    # Vietnamese: its labels and its decimal comma; a name with markup stays text
    vi = summary.details_html(figures, "vi")
    assert i18n.t("sum_by_status", "vi") in vi and i18n.t("sum_by_status", "en") not in vi
    kms = [km for _, km in re.findall(r"<td>([^<]+)</td><td>([^<]+)</td>", vi)]
    assert kms and all(km == "—" or re.fullmatch(r"[\d.]+,\d", km) for km in kms)  # 1.234,5
    hostile = summary.Summary(count=1, by_status={}, overdue=[], conflicts=[],
                              investment={"<script>": (1.0, 1)}, lengths=cli.iloc[:0])
    out = summary.details_html(hostile, "en")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count(f">{summary.EMPTY}<") == 2  # no status, no lengths: a dash, not an empty table
