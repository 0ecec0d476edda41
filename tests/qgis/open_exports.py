"""Run by Debian's python3 with QGIS 3.22 (headless): open each export, edit one attribute in place, print JSON.

Usage: open_exports.py GEOJSON GPKG CSV KML EDIT_GEOJSON ITEM_ID NEW_NAME
"""

import json
import os
import sys

from qgis.core import QgsApplication, QgsVectorLayer

geojson, gpkg, csv, kml, edit, item_id, new_name = sys.argv[1:8]
app = QgsApplication([], False)
app.initQgis()
out = {}


def sublayers(path):
    layer = QgsVectorLayer(path, "probe", "ogr")
    return [s.split("!!::!!")[1] for s in layer.dataProvider().subLayers()]


def count(uri):
    layer = QgsVectorLayer(uri, "layer", "ogr")
    assert layer.isValid(), uri
    return layer.featureCount(), layer


out["geojson"] = count(geojson)[0]
names = sublayers(gpkg)
out["gpkg_layers"] = names
out["gpkg"] = {n: count(f"{gpkg}|layername={n}")[0] for n in names if n.startswith("items_")}
_, lines = count(f"{gpkg}|layername=items_lines")
fields = lines.fields()
out["gpkg_alias_status"] = fields.field("status").alias()
out["gpkg_status_date_type"] = fields.field("status_as_of").typeName()
out["gpkg_mode_widget"] = lines.editorWidgetSetup(fields.indexOf("mode")).type()
# the layer's default style, read from the GeoPackage's layer_styles as QGIS opens it
renderer = lines.renderer()
out["gpkg_renderer"] = renderer.type()
out["gpkg_categories"] = {c.value(): c.symbol().color().name() for c in getattr(renderer, "categories", list)()}
csv_layer = QgsVectorLayer(csv, "csv", "ogr")
out["csv_sublayers"] = [s.split("!!::!!")[1:4] for s in csv_layer.dataProvider().subLayers()]
out["csv_total"] = sum(int(s.split("!!::!!")[2]) for s in csv_layer.dataProvider().subLayers())
out["csv_crs"] = csv_layer.crs().authid()
out["kml"] = {n: count(f"{kml}|layername={n}")[0] for n in sublayers(kml)}
_, kml_first = count(f"{kml}|layername={sublayers(kml)[0]}")
out["kml_fields"] = [f.name() for f in kml_first.fields()]
out["kml_wkb_type"] = kml_first.wkbType()
# an attribute edit saved in place, as a QGIS user does it
layer = QgsVectorLayer(edit, "edit", "ogr")
layer.startEditing()
index = layer.fields().indexOf("name_en")
for feature in layer.getFeatures():
    if feature["id"] == item_id:
        layer.changeAttributeValue(feature.id(), index, new_name)
out["edit_saved"] = layer.commitChanges()
print(json.dumps(out, ensure_ascii=False), flush=True)
os._exit(0)  # QGIS 3.22 crashes in exitQgis() when run headless; everything is saved and printed by now
