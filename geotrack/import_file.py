"""Reading a GIS team's edited file (GeoJSON or GeoPackage) into item records in EPSG:4326.

What the file claims is all that is read (:mod:`geotrack.safe_read`): a local file of a
bounded size, a GeoPackage that GDAL's GPKG driver alone opens. Exported properties that
are derived from others are accepted and ignored; a tool's own columns (QGIS ``fid``,
KML ``Name``) are dropped; the GeoJSON ``crs`` member or the layer's CRS is honoured.
:mod:`geotrack.importer` checks the records against the store and plans the import.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import mapping as shape_to_mapping
from shapely.geometry import shape

from geotrack.errors import DataFileError, Problem
from geotrack.export.gpkg import GPKG_NO_GEOMETRY
from geotrack.io import RawRecord
from geotrack.model import COMMITMENT_KEYS, ITEM_KEYS
from geotrack.safe_read import check_geopackage, check_local_file, load_geojson

#: Files larger than this are refused before they are read.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
#: Export-schema properties computed from others: accepted on import and ignored.
DERIVED_FIELDS = frozenset(
    {"sector", "status_oc4ids", "location_precision_iati", "length_km", "documents", "conflicts"}
)
_FUNDING_FIELDS = {"funding_types": "types", "funding_amount": "amount", "funding_unit": "unit",
                   "funding_as_of": "as_of", "funding_source": "source"}
#: Properties a GIS tool may add on its own (KML, QGIS): ignored.
_TOOL_FIELDS = frozenset({"fid", "ogc_fid", "Name", "Description", "layer"})
_JSON_FIELDS = frozenset({"provinces", "former_provinces", "corridors", "commitments", "sources", "funding_types",
                          "funding", "documents", "conflicts"})
_WGS84 = ProjCRS.from_epsg(4326)
#: The CRS names a GeoJSON ``crs`` member may give: PROJ is asked about nothing else (no file, no URL).
_CRS_NAME = re.compile(r"(?:EPSG:\d{4,6}|urn:ogc:def:crs:EPSG:[\d.]*:\d{4,6}|urn:ogc:def:crs:OGC:1\.3:CRS84|OGC:CRS84)",
                       re.IGNORECASE)


def read_import(path: Path, *, max_bytes: int = MAX_IMPORT_BYTES) -> tuple[list[RawRecord], list[Problem]]:
    """Read a GeoJSON or GeoPackage file into item records in EPSG:4326.

    Raises
    ------
    DataFileError
        If the file cannot be read at all (missing, too large, not UTF-8, not JSON,
        not a FeatureCollection, no items layer, projected coordinates without a CRS).
    """
    path = Path(path)
    size = check_local_file(path).st_size
    if size > max_bytes:
        raise DataFileError(f"{path}: {size:,} bytes is larger than the import limit of {max_bytes:,} bytes")
    if size == 0:
        raise DataFileError(f"{path}: the file is empty")
    kind = import_format(path)
    if kind == "gpkg":
        check_geopackage(path)
        features, crs = _read_geopackage(path)
    else:
        features, crs = _read_geojson(path)
    transformer = _transformer(path, crs, features)
    records: list[RawRecord] = []
    problems: list[Problem] = []
    for index, feature in enumerate(features):
        record, found = _feature_to_record(feature, transformer, str(path), index)
        records.append(RawRecord(record, str(path), index))
        problems.extend(found)
    return records, problems


#: File name extensions the importer reads, and the format each names.
IMPORT_FORMATS: dict[str, str] = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg"}


def import_format(path: Path) -> str:
    """The format (``geojson`` or ``gpkg``) ``path``'s extension names; raise DataFileError naming those read."""
    kind = IMPORT_FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise DataFileError(
            f"{path}: geotrack imports GeoJSON (.geojson, .json) or GeoPackage (.gpkg) only, not "
            f"{Path(path).suffix or 'a file without an extension'}; save the layer as one of those "
            "(e.g. ogr2ogr -f GPKG edits.gpkg <file>)")
    return kind


def _read_geojson(path: Path) -> tuple[list[Mapping[str, Any]], ProjCRS | None]:
    content = load_geojson(path, path.read_bytes())
    if not isinstance(content, dict) or content.get("type") != "FeatureCollection":
        kind = content.get("type") if isinstance(content, dict) else type(content).__name__
        raise DataFileError(f"{path}: expected a GeoJSON FeatureCollection, found {kind!r}")
    features = content.get("features")
    if not isinstance(features, list):
        raise DataFileError(f"{path}: 'features' must be a list")
    crs = None
    declared = content.get("crs")
    if declared is not None:
        try:
            name = declared.get("properties", {}).get("name")
            if not isinstance(name, str) or not _CRS_NAME.fullmatch(name):
                raise TypeError("only named CRSs (EPSG codes, CRS84) are read")
            crs = ProjCRS.from_user_input(name)
        except (CRSError, AttributeError, TypeError) as exc:
            raise DataFileError(f"{path}: unreadable 'crs' member {declared!r}") from exc
    return features, crs


def _read_geopackage(path: Path) -> tuple[list[Mapping[str, Any]], ProjCRS | None]:
    try:
        listed = {str(name): geometry_type for name, geometry_type in pyogrio.list_layers(path)}
    except Exception as exc:  # pyogrio.errors.DataSourceError and friends
        raise DataFileError(f"{path}: not a readable GeoPackage: {exc}") from exc
    # spatial "items" / "items_*" layers, and the export's plain table of items without a location
    item_layers = [name for name, kind in listed.items()
                   if (kind is not None and (name == "items" or name.startswith("items_")))
                   or name == GPKG_NO_GEOMETRY]
    if not item_layers:
        raise DataFileError(f"{path}: no 'items' layer (found: {', '.join(listed) or 'none'})")
    features: list[Mapping[str, Any]] = []
    crs: ProjCRS | None = None
    for layer in item_layers:
        try:
            # DATE columns as ISO text, as the GeoJSON carries them
            gdf = pyogrio.read_dataframe(path, layer=layer, read_geometry=listed[layer] is not None,
                                         datetime_as_string=True)
        except Exception as exc:  # pyogrio.errors.DataLayerError and friends: a broken layer
            raise DataFileError(f"{path}: cannot read layer {layer!r}: {exc}") from exc
        if listed[layer] is None:
            features.extend({**f, "geometry": None} for f in _frame_features(gdf))
            continue
        if gdf.crs is not None:
            if crs is not None and ProjCRS.from_user_input(gdf.crs) != crs:
                raise DataFileError(f"{path}: layers use different CRSs")
            crs = ProjCRS.from_user_input(gdf.crs)
        features.extend(_frame_features(gdf))
    return features, crs


def _frame_features(gdf: gpd.GeoDataFrame) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for row in gdf.to_dict("records"):
        geom = _single_part(row.pop("geometry", None))
        props = {k: _scalar(v) for k, v in row.items()}
        out.append({"type": "Feature", "properties": props,
                    "geometry": shape_to_mapping(geom) if geom is not None and not geom.is_empty else None})
    return out


def _single_part(geom: Any) -> Any:
    """A one-part multi geometry as its part: the GeoPackage export promotes singles where a layer mixes both."""
    if geom is not None and geom.geom_type.startswith("Multi") and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def _scalar(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _transformer(path: Path, crs: ProjCRS | None, features: Sequence[Mapping[str, Any]]) -> Transformer | None:
    """How to bring the file's coordinates to lon/lat, refusing projected ones with no declared CRS."""
    if crs is None:
        for feature in features:
            geometry = feature.get("geometry") if isinstance(feature, Mapping) else None
            coords = _first_position(geometry.get("coordinates") if isinstance(geometry, Mapping) else None)
            # metres are in the thousands; a lat/lon pair, even swapped, stays within ±180
            if coords is not None and all(map(math.isfinite, coords[:2])) and max(map(abs, coords[:2])) > 360:
                raise DataFileError(
                    f"{path}: coordinates like {coords[:2]} are projected (metres), but the file declares no CRS; "
                    "export it as WGS 84 (EPSG:4326) or declare its CRS"
                )
        return None
    if crs.equals(_WGS84, ignore_axis_order=True) or crs.to_string() in ("OGC:CRS84", "EPSG:4326"):
        return None
    return Transformer.from_crs(crs, _WGS84, always_xy=True)


def _first_position(coordinates: Any) -> list[float] | None:
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    if isinstance(coordinates, list) and len(coordinates) >= 2 and all(isinstance(c, int | float) for c in coordinates):
        return coordinates
    return None


def _feature_to_record(
    feature: Any, transformer: Transformer | None, source: str, index: int
) -> tuple[dict[str, Any], list[Problem]]:
    """One feature as an item record, with the problems only the feature's shape reveals."""
    problems: list[Problem] = []
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        problems.append(Problem("not a GeoJSON Feature", "", None, source, index))
        return {}, problems
    props = feature.get("properties")
    if not isinstance(props, Mapping):
        problems.append(Problem("a feature without properties", "properties", None, source, index))
        return {}, problems
    feature_id = feature.get("id")
    props = _with_feature_id(props, feature_id)
    item_id = props.get("id") if isinstance(props.get("id"), str) else None

    def add(field_name: str, message: str) -> None:
        problems.append(Problem(message, field_name, item_id, source, index))

    problems.extend(Problem(message, "id", item_id, source, index) for message in _id_conflicts(feature_id, item_id))

    record: dict[str, Any] = {}
    funding: dict[str, Any] = {}
    for key, value in props.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            try:
                value = json.loads(value) if value else None
            except (ValueError, RecursionError):
                add(key, "expected a JSON list or object")
                continue
        if key in ("start_year", "end_year") and isinstance(value, float) and value.is_integer():
            value = int(value)  # GDAL formats store an integer column with gaps as real
        if key in ITEM_KEYS and key != "geometry":
            record[key] = value
        elif key in _FUNDING_FIELDS:
            funding[_FUNDING_FIELDS[key]] = value
        elif key in DERIVED_FIELDS or key in _TOOL_FIELDS:
            continue
        else:
            add(str(key), "unknown field (not in the export schema): rename or remove it")
    if funding and any(v not in (None, [], "") for v in funding.values()):
        record["funding"] = {"types": funding.get("types") or [], **{k: funding.get(k) for k in
                                                                       ("amount", "unit", "as_of", "source")}}
    elif "funding" not in record:
        record["funding"] = None
    for key in ITEM_KEYS:
        record.setdefault(key, None)
    if isinstance(record.get("commitments"), list):
        record["commitments"] = [
            {k: c.get(k) for k in COMMITMENT_KEYS} | {k: v for k, v in c.items() if k not in COMMITMENT_KEYS}
            if isinstance(c, Mapping) else c for c in record["commitments"]
        ]
    if "geometry" not in feature:
        add("geometry", "a feature without a geometry member")
    geometry = feature.get("geometry")
    if geometry is not None and transformer is not None:
        try:
            geometry = _reproject(geometry, transformer)
        except Exception as exc:  # malformed geometry: the validator says more
            add("geometry", f"cannot reproject: {exc}")
    record["geometry"] = geometry
    return {k: record[k] for k in ITEM_KEYS}, problems


def _with_feature_id(props: Mapping[str, Any], feature_id: Any) -> Mapping[str, Any]:
    """``props`` with the Feature's ``id`` as the item id when they have none (GDAL and QGIS move it there)."""
    if props.get("id") in (None, "") and feature_id not in (None, ""):
        return {**props, "id": feature_id if isinstance(feature_id, str) else str(feature_id)}
    return props


def _id_conflicts(feature_id: Any, item_id: str | None) -> list[str]:
    """A message when the Feature's string ``id`` and ``properties.id`` name different items."""
    if isinstance(feature_id, str) and item_id is not None and feature_id != item_id:
        return [f"the Feature id {feature_id!r} differs from properties.id {item_id!r}"]
    return []


def _reproject(geometry: Mapping[str, Any], transformer: Transformer) -> dict[str, Any]:
    def project(xy: Any) -> Any:
        import numpy as np

        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    projected: dict[str, Any] = json.loads(json.dumps(shape_to_mapping(shapely.transform(shape(geometry), project))))
    return projected
