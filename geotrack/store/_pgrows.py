"""PostGIS rows in and out: the stored form of an item, and the SQL that pre-selects a filter."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import psycopg
import shapely
from psycopg.types.json import Jsonb

from geotrack import filters as _filters
from geotrack.features import feature_texts
from geotrack.frames import empty_frame, normalise_numbers
from geotrack.model import COMMITMENT_KEYS, CRS, FRAME_COLUMNS, FUNDING_KEYS, NESTED_COLUMNS, SOURCE_KEYS, Document
from geotrack.store.base import DOCUMENT_COLUMNS, FEATURE_COLUMN, SEARCH_COLUMN
from geotrack.vocab import fold

#: Stored item column of the folded current and former province names.
PROVINCE_KEYS_COLUMN = "province_keys"
#: Item columns in the order they are written (geometry last).
ITEM_COLUMNS: tuple[str, ...] = (*FRAME_COLUMNS[:-1], SEARCH_COLUMN, PROVINCE_KEYS_COLUMN, FEATURE_COLUMN,
                                 "geometry")
#: Extra metres on ``corridor_km`` for the SQL pre-filter (geodesic vs VN-2000 / UTM 48N distance).
_CORRIDOR_SLACK = (1.02, 100.0)


def dumps(value: Any) -> str:
    """JSON text of a ``jsonb`` value (UTF-8 as it is, anything unknown as text)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def province_keys(provinces: Sequence[str] | None, former: Sequence[str] | None) -> list[str]:
    """Folded current and former province names: what :attr:`Filter.provinces` matches against."""
    return sorted({fold(str(p)) for p in [*(provinces or ()), *(former or ())]})


def document_values(document: Document) -> tuple[Any, ...]:
    record = document.to_record()
    return tuple(Jsonb(record[c], dumps=dumps) if c == "implements" else record[c] for c in DOCUMENT_COLUMNS)


def encode_rows(gdf: gpd.GeoDataFrame) -> list[tuple[Any, ...]]:
    """Stored values of each row, in :data:`ITEM_COLUMNS` order (geometry as a shapely object)."""
    rows = []
    for record, feature in zip(gdf.to_dict("records"), feature_texts(gdf), strict=True):
        values: list[Any] = []
        for column in FRAME_COLUMNS[:-1]:
            value = record.get(column)
            if column in NESTED_COLUMNS:
                value = Jsonb(value if value is not None else ({} if column == "funding" else []), dumps=dumps)
            elif value is not None and pd.isna(value):
                value = None
            values.append(value)
        values.append(_filters.search_text(record))
        values.append(Jsonb(province_keys(record.get("provinces"), record.get("former_provinces"))))
        values.append(feature)
        geometry = record.get("geometry")
        values.append(geometry if geometry is not None and not geometry.is_empty else None)
        rows.append(tuple(values))
    return rows


def ewkb_hex(geometry: Any) -> str | None:
    if geometry is None:
        return None
    return str(shapely.to_wkb(shapely.set_srid(geometry, 4326), hex=True, include_srid=True))


_KEY_ORDER: dict[str, tuple[str, ...]] = {"funding": FUNDING_KEYS, "commitments": COMMITMENT_KEYS,
                                          "sources": SOURCE_KEYS}


def _in_order(value: Any, keys: tuple[str, ...]) -> Any:
    """``jsonb`` sorts object keys; put them back in the model's order (others after, as stored)."""
    if isinstance(value, dict):
        return {**{k: value[k] for k in keys if k in value}, **{k: v for k, v in value.items() if k not in keys}}
    if isinstance(value, list):
        return [_in_order(v, keys) for v in value]
    return value


def select_items(conn: psycopg.Connection[Any], flt: _filters.Filter | None, *,
                  ids: Sequence[str] | None = None, features: bool = False) -> gpd.GeoDataFrame:
    """Items as the working frame (plus ``search_text``), in stored order, that the SQL part of ``flt`` keeps.

    With ``features``, also their Feature texts (column :data:`~geotrack.store.base.FEATURE_COLUMN`).
    """
    where, params = sql_where(flt) if flt is not None else ("", [])
    if ids is not None:
        where = f"({where}) AND id = ANY(%s)" if where else "id = ANY(%s)"
        params = [*params, list(ids)]
    # the Feature texts only when asked: they are most of a row's bytes
    selected = [*FRAME_COLUMNS[:-1], SEARCH_COLUMN, *([FEATURE_COLUMN] if features else [])]
    columns = ", ".join([*selected, "ST_AsBinary(geometry)"])
    sql = f"SELECT {columns} FROM items {'WHERE ' + where if where else ''} ORDER BY position"
    rows = conn.execute(sql, params).fetchall()
    return _decode(rows, selected) if rows else empty_frame()


def select_chunks(conn: psycopg.Connection[Any], columns: Sequence[str], rows: int) -> Iterator[gpd.GeoDataFrame]:
    """Every item in stored order, ``rows`` at a time, as frames of ``columns`` and the geometry."""
    sql = f"SELECT {', '.join([*columns, 'ST_AsBinary(geometry)'])} FROM items ORDER BY position"
    # a server-side cursor: the rows come a chunk at a time, never all at once
    with conn.transaction(), conn.cursor(name="geotrack_chunks") as cursor:
        cursor.execute(sql)
        while found := cursor.fetchmany(rows):
            yield _decode(found, columns)


def _decode(rows: Sequence[Any], selected: Sequence[str]) -> gpd.GeoDataFrame:
    """Selected rows (``selected`` columns and the geometry's WKB) as working-frame columns."""
    frame = pd.DataFrame(rows, columns=[*selected, "geometry"])
    for column, keys in _KEY_ORDER.items():
        if column in frame:
            frame[column] = [_in_order(v, keys) for v in frame[column]]
    frame["geometry"] = shapely.from_wkb([bytes(g) if g is not None else None for g in frame["geometry"]])
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)
    return normalise_numbers(gdf)


def _like_pattern(text: str) -> str:
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def sql_where(flt: _filters.Filter) -> tuple[str, list[Any]]:
    """The SQL ``WHERE`` clause (with parameters) that pre-selects what ``flt`` keeps.

    Every filter field is pushed down: ids, modes, statuses and deadlines exactly;
    provinces on the folded ``province_keys``; funding types, documents and corridors
    on the ``jsonb`` columns; the search with ``ILIKE`` on ``search_text``; and
    ``corridor_km`` with ``ST_DWithin`` on ``geography(geometry)`` (its GiST index),
    slightly widened. The result is a superset that :func:`geotrack.filters.apply`
    then narrows to exactly what the GeoPackage store returns.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for column, values in (("id", flt.ids), ("mode", flt.modes), ("status", flt.statuses)):
        if values:
            clauses.append(f"{column} = ANY(%s)")
            params.append(list(values))
    if flt.deadline_min is not None:
        clauses.append("end_year >= %s")
        params.append(int(flt.deadline_min))
    if flt.deadline_max is not None:
        clauses.append("end_year <= %s")
        params.append(int(flt.deadline_max))
    if flt.provinces:
        clauses.append(f"{PROVINCE_KEYS_COLUMN} ?| %s")
        params.append(sorted({fold(p) for p in flt.provinces}))
    if flt.funding_types:
        clauses.append("(funding -> 'types') ?| %s")
        params.append(list(flt.funding_types))
    if flt.documents:
        clauses.append("EXISTS (SELECT 1 FROM jsonb_array_elements(commitments) AS c "
                       "WHERE c ->> 'document' = ANY(%s))")
        params.append(list(flt.documents))
    if flt.search.strip():
        clauses.append(f"{SEARCH_COLUMN} ILIKE %s ESCAPE '!'")
        params.append(_like_pattern(fold(flt.search)))
    if flt.corridors:
        alternatives = ["corridors ?| %s"]
        params.append(list(flt.corridors))
        if flt.corridor_km is not None:
            lines = _filters._default_corridor_lines()
            factor, extra = _CORRIDOR_SLACK
            for corridor in flt.corridors:
                if corridor in lines:
                    alternatives.append("ST_DWithin(geography(geometry), geography(ST_GeomFromWKB(%s, 4326)), %s)")
                    params.extend([shapely.to_wkb(lines[corridor]), float(flt.corridor_km) * 1000.0 * factor + extra])
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses), params
