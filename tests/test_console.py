"""Everything the command line prints passes one sanitiser: no stored value or option drives the terminal."""

from __future__ import annotations

import json

import pytest

from geotrack.cli import main
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.testing import base_record, point_record
from geotrack.text import control_characters, lone_surrogates, terminal_safe

CLEAR_AND_FORGE = "\x1b[2J\x1b[H2025-01-01T00:00:00+00:00  port-a status: planned → operational"
HYPERLINK = "\x1b]8;;https://evil.example/\x1b\\Cảng X\x1b]8;;\x1b\\"


@pytest.fixture
def built(make_dataset, tmp_path):
    data, layers = make_dataset([base_record(), point_record("port-a")])
    store = tmp_path / "S.gpkg"

    def run(*args: str) -> int:
        return main(["--data", str(data), "--layers", str(layers), "--store", str(store), *args])

    assert run("build") == 0
    return run, GeoPackageStore(store)


def _raw(text: str) -> bool:
    return any(c in text for c in "\x1b\x07\x9b\x00\u202e")


def test_the_sanitiser_escapes_every_control_character():
    assert terminal_safe("a\x1b[2Jb\x00c\u202ed\x9b") == "a\\x1b[2Jb\\x00c\\u202ed\\x9b"
    assert terminal_safe("line\nnext", one_line=True) == "line\\x0anext"
    assert terminal_safe("line\nnext") == "line\nnext"
    assert control_characters("tab\tand\nnewline") == []
    assert control_characters("nul\x00 esc\x1b") == ["\\x00", "\\x1b"]
    # half a surrogate pair, which a UTF-8 terminal cannot be sent, is printed as its escape, and found
    assert terminal_safe("Cát Bi \ud800", one_line=True) == "Cát Bi \\ud800"
    assert lone_surrogates("a \ud800 b \udfff \ud800") == ["\\ud800", "\\udfff"] and lone_surrogates("Hà Nội 😀") == []


def test_an_actor_with_escapes_is_refused(built, capsys):
    run, store = built
    before = store.history("port-a")
    assert run("update", "port-a", "--end-year", "2031", "--actor", CLEAR_AND_FORGE) == 1
    assert "--actor holds control characters" in capsys.readouterr().err
    assert store.history("port-a") == before


def test_history_and_list_print_stored_escapes_inert(built, capsys):
    run, store = built
    # written as an older geotrack (or another tool on a shared store) could have: straight into the store
    record = point_record("port-a", name_vi=HYPERLINK, notes="ok\x1b[1A\x1b[2K")
    store.apply_changes([Item.from_record(record)], [], actor=CLEAR_AND_FORGE, source="x\x07")
    capsys.readouterr()
    for args in (("history",), ("history", "port-a"), ("list",), ("show", "port-a"), ("list", "--json")):
        assert run(*args) == 0
        out = capsys.readouterr().out
        assert not _raw(out), (args, out)
        assert "\\x1b" in out or "\\u001b" in out
    assert run("list", "--json") == 0
    assert json.loads(capsys.readouterr().out)[1]["name_vi"] == HYPERLINK  # JSON stays valid and exact


def test_a_dry_run_shows_a_value_on_one_line_and_says_when_it_is_cut(built, tmp_path, capsys):
    run, _ = built
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.9, 20.8]},
               "properties": {**point_record("port-a"), "end_year": 2031,
                              "notes": "x" * 120 + "\n    notes: typo fixed in the note"}}
    feature["properties"].pop("geometry")
    feature["properties"].pop("funding")
    path = tmp_path / "edit.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    capsys.readouterr()
    assert run("import", str(path), "--dry-run", "--actor", "t") == 0
    out = capsys.readouterr().out
    assert "end_year: 2030 → 2031" in out
    notes = [line for line in out.splitlines() if line.strip().startswith("notes:")]
    assert len(notes) == 1 and "characters)" in notes[0]  # one line, and the cut is said
