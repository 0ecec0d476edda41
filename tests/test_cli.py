import importlib
import json

import pytest

from conftest import snapshot, store_location
from geotrack.cli import main
from geotrack.export import to_geojson
from geotrack.filters import Filter
from geotrack.testing import base_record, point_record


@pytest.fixture
def cli(make_store, make_dataset):
    """``geotrack --store LOCATION …`` on a GeoPackage path and on a ``postgresql://`` URL."""
    data, layers = make_dataset([base_record(), point_record("port-a"), point_record("rail-b", mode="rail",
                                                                                    status="study", end_year=2035)])
    store = make_store()

    def run(*args):
        return main(["--data", str(data), "--layers", str(layers), "--store", store_location(store), *args])

    run.snapshot = lambda: snapshot(store)
    run.store = store
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


@pytest.mark.parametrize(("args", "flt"), [
    ((), Filter()), (("--mode", "rail,seaport"), Filter(modes=("rail", "seaport"))),
    (("--search", "cang"), Filter(search="cang")),
], ids=["all", "sql", "search"])
def test_export_geojson_is_spliced_from_the_store_as_computed(cli, tmp_path, capsys, monkeypatch, args, flt):
    monkeypatch.setattr(importlib.import_module("geotrack.export.metadata"), "_now",
                        lambda: "2026-01-01T00:00:00+00:00")
    cli("build")
    out = tmp_path / "x.geojson"
    assert cli("export", "-o", str(out), *args) == 0
    expected = to_geojson(cli.store.load(flt), cli.store.documents(), flt)
    assert out.read_text(encoding="utf-8") == expected
    assert f"wrote {len(json.loads(expected)['features'])} item(s)" in capsys.readouterr().err


def test_export_writes_the_format_its_file_name_says(cli, tmp_path, capsys):
    cli("build")
    for name, magic in (("all.gpkg", b"SQLite format 3\x00"), ("all.parquet", b"PAR1"), ("all.json", b'{"type"'),
                        ("all.fgb", b"fgb")):
        assert cli("export", "-o", str(tmp_path / name)) == 0
        assert (tmp_path / name).read_bytes().startswith(magic), name
    capsys.readouterr()
    # a name that says no format, or another format than --format, is refused and nothing is written
    assert cli("export", "-o", str(tmp_path / "all.txt")) == 1
    assert "cannot tell the export format from the file name" in capsys.readouterr().err
    assert cli("export", "--format", "gpkg", "-o", str(tmp_path / "all.geojson")) == 1
    assert "the name says GeoJSON, but --format gpkg writes GeoPackage; name it all.gpkg" in capsys.readouterr().err
    assert cli("export", "--format", "csv", "-o", str(tmp_path / "sheet.txt")) == 1  # its side files go by .csv
    assert "name it sheet.csv" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.stem in ("all", "sheet") and p.suffix in (".txt", ".geojson")]
    assert cli("export", "--format", "csv-raw", "-o", str(tmp_path / "raw.csv")) == 0  # csv-raw is a .csv too


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


def test_update_history_and_as_of(cli, capsys):
    cli("build")
    capsys.readouterr()
    assert cli("update", "port-a", "--status", "under_construction", "--as-of", "2026-10-01",
               "--source", "https://example.org/news", "--actor", "Lan") == 0
    out = capsys.readouterr().out
    assert 'status: "planned" → "under_construction"' in out and "by Lan" in out
    assert cli("history", "port-a") == 0
    assert "under_construction" in capsys.readouterr().out
    assert cli("list", "--as-of", "2000-01-01", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert cli("changes", "--since", "2000-01-01") == 0
    assert "change(s) since 2000-01-01" in capsys.readouterr().out


def test_update_refuses_invalid_change_and_keeps_store(cli, capsys):
    cli("build")
    before = cli.snapshot()
    assert cli("update", "port-a", "--status", "finished", "--actor", "Lan") == 1
    assert "field status" in capsys.readouterr().err
    assert cli("update", "port-a", "--status", "operational", "--actor", "Lan") == 1  # no source or date
    assert "status_source" in capsys.readouterr().err
    assert cli.snapshot() == before


def test_reports(cli, capsys):
    cli("build")
    capsys.readouterr()
    assert cli("overdue", "--today", "2031-06-01") == 0
    out = capsys.readouterr().out
    assert "port-a" in out and "rail-b" not in out
    assert cli("conflicts") == 0
    assert "0 conflict(s) on 0 item(s)" in capsys.readouterr().out
    assert cli("lengths") == 0
    assert "ring_road" in capsys.readouterr().out


def test_import_dry_run_then_apply(cli, tmp_path, capsys):
    cli("build")
    out = tmp_path / "all.geojson"
    cli("export", "-o", str(out))
    collection = json.loads(out.read_text(encoding="utf-8"))
    collection["features"][1]["properties"]["end_year"] = 2032
    out.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    before = cli.snapshot()
    assert cli("import", str(out), "--dry-run", "--actor", "gis") == 0
    text = capsys.readouterr().out
    assert "~ port-a (changed)" in text and "end_year: 2030 → 2032" in text and "dry run" in text
    assert cli.snapshot() == before
    assert cli("import", str(out), "--actor", "gis") == 0
    capsys.readouterr()
    assert cli("list", "--id", "port-a", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["end_year"] == 2032


def test_bad_import_changes_nothing(cli, tmp_path, capsys):
    cli("build")
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                   '{"id": "port-a", "mode": "spaceport"}, "geometry": null}]}', encoding="utf-8")
    before = cli.snapshot()
    assert cli("import", str(bad), "--actor", "gis") == 1
    err = capsys.readouterr().err
    assert "bad.geojson" in err and "feature 0" in err and "id port-a" in err and "field mode" in err
    assert cli.snapshot() == before


def test_export_into_a_missing_folder_is_a_clear_error(cli, capsys, tmp_path):
    assert cli("build") == 0
    capsys.readouterr()
    assert cli("export", "-o", str(tmp_path / "missing" / "all.geojson")) == 1
    err = capsys.readouterr().err
    assert "missing does not exist" in err and "Traceback" not in err
