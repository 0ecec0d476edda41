"""The exports of the shipped data opened and edited in headless QGIS 3.22 (Debian python3-qgis; make interop)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from interop import Shipped, run, shipped  # noqa: F401  (the session fixture)

from geotrack import styles

SCRIPT = Path(__file__).parent / "qgis" / "open_exports.py"


@pytest.mark.qgis
def test_qgis_opens_every_export_and_an_edit_it_saves_imports_as_that_change(shipped, tmp_path, capsys):  # noqa: F811
    edit = tmp_path / "edit.geojson"
    edit.write_bytes(shipped.exports["geojson"].read_bytes())
    item_id = sorted(shipped.features)[0]
    before = shipped.features[item_id]["properties"]["name_en"]
    done = run("/usr/bin/python3", SCRIPT, shipped.exports["geojson"], shipped.exports["gpkg"],
               shipped.exports["csv"], shipped.exports["kml"], edit, item_id, "Edited in QGIS",
               env={"QT_QPA_PLATFORM": "offscreen"})
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    total = len(shipped.features)
    assert seen["geojson"] == total
    assert sum(seen["gpkg"].values()) == total and "items_no_geometry" in seen["gpkg"]
    # QGIS 3.22 on GDAL 3.6 does not read gpkg_data_columns titles as aliases (GDAL 3.7 does); DATE is a date
    assert seen["gpkg_status_date_type"] == "Date"
    assert seen["gpkg_mode_widget"] == "ValueMap"  # the coded value list
    # the lines open drawn as the map draws them: a category per mode and status in the mode's colour
    assert seen["gpkg_renderer"] == "categorizedSymbol"
    lines = {(f["properties"]["mode"], f["properties"]["status"]) for f in shipped.features.values()
             if (f["geometry"] or {}).get("type", "").endswith("LineString")}
    assert set(seen["gpkg_categories"]) == {f"{m}.{s}" for m, s in lines}
    assert seen["gpkg_categories"]["rail.planned"] == styles.MODE_COLOURS["rail"]
    # every geometry type as its own sublayer (not only the first); rows without a location have none to show
    assert seen["csv_total"] == shipped.located and {s[2] for s in seen["csv_sublayers"]} == {"Point", "LineString"}
    assert seen["csv_crs"] == "EPSG:4326"
    assert sum(seen["kml"].values()) == total and "id" in seen["kml_fields"]
    assert seen["kml_wkb_type"] in (1, 2, 3)  # 2D Point/LineString/Polygon, not 2.5D
    assert seen["edit_saved"] is True
    capsys.readouterr()
    assert shipped.cli("import", str(edit), "--dry-run", "--actor", "qgis user") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:-1] == [f"~ {item_id} (changed)", f"    name_en: {before} → Edited in QGIS",
                        "0 added, 1 changed, 0 removed"]
