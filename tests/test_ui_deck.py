"""The WebGL map of large selections: the same items, fixed colours, plain-text hover, no basemap."""

from __future__ import annotations

import json
from types import SimpleNamespace

import geopandas as gpd
import pytest
from mapfixtures import XSS_NAME, fixture_records
from shapely.geometry import MultiLineString

from geotrack import settings
from geotrack.frames import items_to_frame
from geotrack.model import Item
from geotrack.ui import deck as deckview
from geotrack.ui import style as look


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return items_to_frame([Item.from_record(r) for r in fixture_records()])


def _ids(payload: dict) -> set[str]:
    return {row["id"] for rows in payload["layers"].values() for row in rows}


def test_every_located_item_is_drawn_once_per_part(frame):
    payload = deckview.deck_payload(frame, "en")
    located = frame[frame.geometry.notna()]
    assert _ids(payload) == set(located["id"]) and payload["count"] == len(located)
    two_parts = frame.copy()
    two_parts.loc[two_parts["id"] == "ring-road-4-capital", "geometry"] = MultiLineString(
        [[(105.5, 21.0), (105.7, 21.1)], [(106.0, 21.2), (106.1, 21.3)]])
    rows = [r for r in deckview.deck_payload(two_parts)["layers"]["gt-lines"] if r["id"] == "ring-road-4-capital"]
    assert len(rows) == 2 and all(len(r["path"]) == 2 for r in rows)


def test_colours_come_from_the_fixed_table(frame):
    painted = frame.copy()
    painted["color"] = "#000000"
    items = painted.set_index("id")
    for rows in deckview.deck_payload(painted)["layers"].values():
        for row in rows:
            style = look.item_style(items.at[row["id"], "mode"], items.at[row["id"], "status"])
            assert "#" + bytes(row["colour"][:3]).hex() == style["color"]


def test_hover_is_plain_text_and_names_stay_as_written(frame):
    payload = deckview.deck_payload(frame)
    spec = json.loads(deckview.build_deck(payload).to_json())
    assert deckview.TOOLTIP.count("{") == 5
    names = {row["name"] for rows in payload["layers"].values() for row in rows}
    assert XSS_NAME in names  # deck.gl puts hover text in with innerText: never read as HTML
    assert "html" not in json.dumps(spec.get("tooltip") or {})


def test_no_basemap_and_compact_json(frame):
    deck = deckview.build_deck(deckview.deck_payload(frame))
    text = deck.to_json()
    spec = json.loads(text)
    assert spec.get("mapStyle") == "__MAP_STYLE__"  # pydeck's "no basemap": Streamlit then adds none
    assert "\n" not in text and "cartocdn" not in text and "mapbox" not in text.lower()
    assert deck.to_json() is text  # made once
    assert all(layer.data is None for layer in deck.layers)  # and the rows held once, in it
    assert sum(len(layer["data"]) for layer in spec["layers"]) >= len(frame.geometry.dropna())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["gt-lines"]["widthUnits"] == "pixels" and layers["gt-points"]["radiusUnits"] == "pixels"


def test_selected_id_from_a_click():
    event = SimpleNamespace(selection={"indices": {"gt-points": [3]}, "objects": {"gt-points": [{"id": "port-alpha"}]}})
    assert deckview.selected_id(event) == "port-alpha"
    assert deckview.selected_id(SimpleNamespace(selection={"indices": {}, "objects": {}})) is None
    assert deckview.selected_id(None) is None


def test_threshold_can_be_set_per_machine(monkeypatch):
    assert settings.webgl_min_items() == settings.webgl_min_items_default
    monkeypatch.setenv("GEOTRACK_WEBGL_MIN_ITEMS", "5")
    assert settings.webgl_min_items() == 5
    monkeypatch.setenv("GEOTRACK_WEBGL_MIN_ITEMS", "many")
    assert settings.webgl_min_items() == settings.webgl_min_items_default


def _rows_of(deck_json: str) -> dict[str, object]:
    return {layer["id"]: layer["data"] for layer in json.loads(deck_json)["layers"]}


def test_rows_are_published_as_files_and_the_deck_gives_their_addresses(frame, tmp_path):
    payload = deckview.deck_payload(frame, "en")
    light, texts = deckview.layer_texts(payload)
    assert all(rows == [] for rows in light["layers"].values()) and light["count"] == payload["count"]
    folder = tmp_path / deckview.DATA_FOLDER
    data = _rows_of(deckview.deck_of(light, texts, folder).to_json())
    for layer, rows in payload["layers"].items():
        if not rows:
            assert data[layer] == []
            continue
        url = data[layer]
        assert isinstance(url, str) and url.startswith(deckview.DATA_URL + "/")
        published = json.loads((folder / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))
        assert published == json.loads(json.dumps(rows, default=lambda a: a.tolist()))
    files = sorted(folder.iterdir())
    assert files and not [f for f in files if f.suffix != ".json"]  # no part left behind
    inodes = {f: f.stat().st_ino for f in files}
    deckview.deck_of(light, texts, folder)  # the same rows: the same files, not written again
    assert sorted(folder.iterdir()) == files and all(f.stat().st_ino == inodes[f] for f in files)


def test_each_set_of_rows_gets_its_own_chart_key(frame):
    _, rows = deckview.layer_texts(deckview.deck_payload(frame, "en"))
    _, again = deckview.layer_texts(deckview.deck_payload(frame.copy(), "en"))
    _, fewer = deckview.layer_texts(deckview.deck_payload(frame.iloc[1:], "en"))
    _, other_language = deckview.layer_texts(deckview.deck_payload(frame, "vi"))
    keys = {deckview.chart_key(r) for r in (rows, fewer, other_language)}
    assert len(keys) == 3 and deckview.chart_key(again) == deckview.chart_key(rows)
    assert all(k.startswith("deck-") for k in keys)


def test_rows_stay_in_the_deck_when_the_folder_cannot_be_written(frame, tmp_path):
    payload = deckview.deck_payload(frame, "en")
    light, texts = deckview.layer_texts(payload)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    data = _rows_of(deckview.deck_of(light, texts, blocked / deckview.DATA_FOLDER).to_json())
    assert {r["id"] for rows in data.values() for r in rows} == _ids(payload)
