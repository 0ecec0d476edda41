import json

import pytest

from conftest import base_record, point_record
from geotrack.cli import main


@pytest.fixture
def cli(tmp_path, make_dataset):
    data, layers = make_dataset([base_record(), point_record("port-a"), point_record("rail-b", mode="rail",
                                                                                    status="study", end_year=2035)])
    store = tmp_path / "s.gpkg"

    def run(*args):
        return main(["--data", str(data), "--layers", str(layers), "--store", str(store), *args])

    return run


def test_validate_clean_data_exits_zero(cli, capsys):
    assert cli("validate") == 0
    assert "3 items checked: 0 error(s)" in capsys.readouterr().out


def test_validate_bad_data_names_file_item_and_field(tmp_path, make_dataset, capsys):
    data, layers = make_dataset([base_record() | {"status": "nearly done", "end_year": 2001}])
    assert main(["--data", str(data), "--layers", str(layers), "validate"]) == 1
    out = capsys.readouterr().out
    assert "data/items/test.yaml" in out and "id ring-road-4-capital" in out
    assert "field status" in out and "field end_year" in out


def test_build_list_and_filters(cli, capsys):
    assert cli("build") == 0
    assert "3 items" in capsys.readouterr().out
    assert cli("list", "--mode", "rail,seaport", "--deadline-before", "2032") == 0
    out = capsys.readouterr().out
    assert "port-a" in out and "rail-b" not in out and "ring-road-4-capital" not in out
    assert "1 item(s)" in out
    assert cli("list", "--search", "vanh dai 4", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["ring-road-4-capital"]
    assert cli("list", "--year", "2035", "--json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["rail-b"]


def test_build_if_stale_skips_unchanged_data(cli, capsys):
    cli("build")
    capsys.readouterr()
    assert cli("build", "--if-stale") == 0
    assert "up to date" in capsys.readouterr().out


def test_export_geojson_of_a_filter(cli, tmp_path, capsys):
    cli("build")
    out = tmp_path / "rail.geojson"
    assert cli("export", "--format", "geojson", "-o", str(out), "--mode", "rail") == 0
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert [f["id"] for f in collection["features"]] == ["rail-b"]
    assert collection["metadata"]["filter"] == {"modes": "rail"}


def test_show_and_missing_item(cli, capsys):
    cli("build")
    capsys.readouterr()
    assert cli("show", "port-a") == 0
    assert json.loads(capsys.readouterr().out)["id"] == "port-a"
    assert cli("show", "nope") == 1
    assert "no item with id 'nope'" in capsys.readouterr().err


def test_commands_without_store_fail_clearly(cli, capsys):
    assert cli("list") == 1
    assert "geotrack build" in capsys.readouterr().err
