"""Round trips as GIS teams make them: the shipped data exported, saved back by GDAL, imported with --dry-run."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from interop import Shipped, run, shipped  # noqa: F401  (the session fixture)

pytestmark = pytest.mark.slow  # GDAL edits of the exports imported back


def _dry_run(shipped: Shipped, path, capsys) -> str:  # noqa: F811
    capsys.readouterr()
    code = shipped.cli("import", str(path), "--dry-run", "--actor", "gis team")
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_unchanged_exports_of_the_shipped_data_import_with_no_change(shipped, fmt, capsys):  # noqa: F811
    stated = [f for f in shipped.features.values() if f["properties"]["stated_length_km"] is not None]
    assert stated and all(f["properties"]["stated_length_source"] for f in stated)
    out = _dry_run(shipped, shipped.exports[fmt], capsys)
    assert out.splitlines()[-2:] == ["0 added, 0 changed, 0 removed", "dry run: nothing written"]


def test_geojson_saved_by_ogr2ogr_imports_with_exactly_the_edit(shipped, tmp_path, capsys):  # noqa: F811
    item_id = next(i for i, f in shipped.features.items() if f["properties"]["end_year"] == 2030)
    saved = tmp_path / "saved.geojson"
    # as QGIS saves an edit: GDAL's GeoJSON writer, which moves the string id to the Feature id
    run("ogr2ogr", "-f", "GeoJSON", saved, shipped.exports["geojson"])
    text = json.loads(saved.read_text(encoding="utf-8"))
    assert len(text["features"]) == len(shipped.features)
    assert all("id" not in f["properties"] and f["id"] in shipped.features for f in text["features"])
    for feature in text["features"]:
        if feature["id"] == item_id:
            feature["properties"]["end_year"] = 2031
    saved.write_text(json.dumps(text, ensure_ascii=False), encoding="utf-8")
    out = _dry_run(shipped, saved, capsys)
    assert out.splitlines()[:-1] == [f"~ {item_id} (changed)", "    end_year: 2030 → 2031",
                                     "0 added, 1 changed, 0 removed"]


def test_geopackage_edited_with_ogr_sql_imports_with_exactly_the_edit(shipped, tmp_path, capsys):  # noqa: F811
    edited = tmp_path / "edited.gpkg"
    edited.write_bytes(shipped.exports["gpkg"].read_bytes())
    with closing(sqlite3.connect(edited)) as db:
        (item_id, before), = db.execute("SELECT id, name_en FROM items_points ORDER BY id LIMIT 1").fetchall()
    # the same UPDATE QGIS's GeoPackage provider sends when an attribute is edited and saved
    run("ogrinfo", edited, "-dialect", "SQLite", "-sql",
        f"UPDATE items_points SET name_en = 'Renamed by a GIS team' WHERE id = '{item_id}'")
    out = _dry_run(shipped, edited, capsys)
    assert out.splitlines()[:-1] == [f"~ {item_id} (changed)", f"    name_en: {before} → Renamed by a GIS team",
                                     "0 added, 1 changed, 0 removed"]


def test_geopackage_edited_with_ogr_sql_applies_only_the_edit(shipped, tmp_path):  # noqa: F811
    """Applied, not only planned: an investment the export keeps in a real column (6946.0 for 6946) is the
    same value, so the history records the one edit and the store keeps the number as it was."""
    from geotrack.cli import main
    from geotrack.store import GeoPackageStore

    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.path.write_bytes(shipped.store.path.read_bytes())
    edited = tmp_path / "edited.gpkg"
    edited.write_bytes(shipped.exports["gpkg"].read_bytes())
    with closing(sqlite3.connect(edited)) as db:
        (item_id, amount), = db.execute("SELECT id, funding_amount FROM items_points WHERE funding_amount IS NOT NULL"
                                        " AND funding_amount = CAST(funding_amount AS INTEGER) ORDER BY id LIMIT 1")
    assert isinstance(amount, float)  # a real column
    run("ogrinfo", edited, "-dialect", "SQLite", "-sql",
        f"UPDATE items_points SET name_en = 'Renamed by a GIS team' WHERE id = '{item_id}'")
    before = len(store.history())
    assert main(["--store", str(store.path), "import", str(edited), "--actor", "gis team"]) == 0
    assert [(e.item_id, e.field, e.new) for e in store.history()[before:]] == [
        (item_id, "name_en", '"Renamed by a GIS team"')]
    kept = store.load().set_index("id").loc[item_id, "funding"]["amount"]
    assert kept == amount and type(kept) is int
