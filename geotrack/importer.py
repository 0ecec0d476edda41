"""Imports of GIS teams' edits: GeoJSON or GeoPackage in, a checked change list out.

Reading and checking are separate from applying: :func:`read_import` turns a
file into item records (reprojecting a declared CRS, refusing projected
coordinates that declare none), :func:`plan_import` validates every feature
and lists the changes; the store applies a plan all or nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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

from geotrack.changes import encode_value
from geotrack.errors import DataFileError, Problem
from geotrack.export.gpkg import GPKG_NO_GEOMETRY
from geotrack.features import FIELDS
from geotrack.io import RawRecord
from geotrack.model import COMMITMENT_KEYS, ITEM_KEYS, Item
from geotrack.validate import Context, check_records

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


@dataclass(frozen=True)
class Change:
    """One item's change: ``kind`` is added, changed or removed; ``fields`` lists (field, old, new)."""

    item_id: str
    kind: str
    fields: tuple[tuple[str, Any, Any], ...] = ()


@dataclass
class ImportPlan:
    """The checked content of an import file and what applying it would change."""

    source: str
    records: list[RawRecord]
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that block applying the plan."""
        return [p for p in self.problems if p.severity == "error"]

    def items(self) -> list[Item]:
        """The imported items (only meaningful when there are no errors)."""
        return [Item.from_record(r.record) for r in self.records]


def read_import(path: Path, *, max_bytes: int = MAX_IMPORT_BYTES) -> tuple[list[RawRecord], list[Problem]]:
    """Read a GeoJSON or GeoPackage file into item records in EPSG:4326.

    Raises
    ------
    DataFileError
        If the file cannot be read at all (missing, too large, not UTF-8, not JSON,
        not a FeatureCollection, no items layer, projected coordinates without a CRS).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise DataFileError(f"{path}: {size:,} bytes is larger than the import limit of {max_bytes:,} bytes")
    if size == 0:
        raise DataFileError(f"{path}: the file is empty")
    if path.suffix.lower() == ".gpkg":
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


def _read_geojson(path: Path) -> tuple[list[Mapping[str, Any]], ProjCRS | None]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from exc
    try:
        content = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise DataFileError(f"{path}: not valid JSON: {exc}") from exc
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
            crs = ProjCRS.from_user_input(declared.get("properties", {}).get("name"))
        except (CRSError, AttributeError, TypeError) as exc:
            raise DataFileError(f"{path}: unreadable 'crs' member {declared!r}") from exc
    return features, crs


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not allowed in JSON")


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
        if listed[layer] is None:
            table = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
            features.extend({**f, "geometry": None} for f in _frame_features(table))
            continue
        gdf = pyogrio.read_dataframe(path, layer=layer)
        if gdf.crs is not None:
            if crs is not None and ProjCRS.from_user_input(gdf.crs) != crs:
                raise DataFileError(f"{path}: layers use different CRSs")
            crs = ProjCRS.from_user_input(gdf.crs)
        features.extend(_frame_features(gdf))
    return features, crs


def _frame_features(gdf: gpd.GeoDataFrame) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for row in gdf.to_dict("records"):
        geom = row.pop("geometry", None)
        props = {k: _scalar(v) for k, v in row.items()}
        out.append({"type": "Feature", "properties": props,
                    "geometry": shape_to_mapping(geom) if geom is not None and not geom.is_empty else None})
    return out


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
    item_id = props.get("id") if isinstance(props.get("id"), str) else None

    def add(field_name: str, message: str) -> None:
        problems.append(Problem(message, field_name, item_id, source, index))

    record: dict[str, Any] = {}
    funding: dict[str, Any] = {}
    for key, value in props.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            try:
                value = json.loads(value) if value else None
            except ValueError:
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


def _reproject(geometry: Mapping[str, Any], transformer: Transformer) -> dict[str, Any]:
    def project(xy: Any) -> Any:
        import numpy as np

        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    projected: dict[str, Any] = json.loads(json.dumps(shape_to_mapping(shapely.transform(shape(geometry), project))))
    return projected


def plan_import(
    records: list[RawRecord], read_problems: list[Problem], current: gpd.GeoDataFrame, ctx: Context, *,
    source: str, remove_missing: bool = False,
) -> ImportPlan:
    """Validate imported records against the store's items and list what applying them would change."""
    plan = ImportPlan(source, records, list(read_problems))
    known = {r["id"]: r for r in current.to_dict("records")}
    # parents may live in the store rather than in the file
    stand_ins = [RawRecord({"id": i}, "(store)", -1) for i in known if i not in {r.record.get("id") for r in records}]
    found = check_records([*records, *stand_ins], ctx)
    plan.problems.extend(p for p in found if p.source != "(store)" and not (p.field == "" and p.index == -1))
    if plan.errors:
        return plan
    incoming: dict[str, Item] = {}
    for raw in records:
        item = Item.from_record(raw.record)
        incoming[item.id] = item
    for item_id, item in incoming.items():
        new_record = item.to_record()
        old = known.get(item_id)
        if old is None:
            plan.changes.append(Change(item_id, "added"))
            continue
        diffs = []
        for key in ITEM_KEYS:
            if key == "id":
                continue
            before = old.get(key)
            after = item.geometry if key == "geometry" else new_record[key]
            if key == "geometry":
                same = (before is None and after is None) or (
                    before is not None and after is not None and shapely.equals_exact(before, after, tolerance=1e-7))
            else:
                same = encode_value(_canonical(before)) == encode_value(_canonical(after))
            if not same:
                diffs.append((key, _shown(before), _shown(after)))
        if diffs:
            plan.changes.append(Change(item_id, "changed", tuple(diffs)))
    if remove_missing:
        plan.changes.extend(Change(i, "removed") for i in known if i not in incoming)
    return plan


def _canonical(value: Any) -> Any:
    """A value as JSON would carry it, with 85813.0 and 85813 the same (GDAL stores some ints as reals)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _shown(value: Any) -> Any:
    return value.wkt if hasattr(value, "wkt") else value


def describe(plan: ImportPlan) -> str:
    """The plan as text, item by item: ``+ id`` added, ``~ id`` with ``field: old → new``, ``- id`` removed."""
    lines = []
    marks = {"added": "+", "changed": "~", "removed": "-"}
    for change in plan.changes:
        lines.append(f"{marks[change.kind]} {change.item_id} ({change.kind})")
        for name, old, new in change.fields:
            lines.append(f"    {name}: {_short(old)} → {_short(new)}")
    counts = {kind: sum(c.kind == kind for c in plan.changes) for kind in marks}
    lines.append(f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed")
    return "\n".join(lines)


def _short(value: Any, limit: int = 100) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["DERIVED_FIELDS", "FIELDS", "Change", "ImportPlan", "describe", "plan_import", "read_import"]
