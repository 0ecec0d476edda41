"""The working form of items: a GeoDataFrame with one row per item, and back.

Filters, exports, the stores and the map work on this frame; its columns are
:data:`geotrack.model.FRAME_COLUMNS` in EPSG:4326. Missing numbers stay ``None``
(never NaN), so a year comes back as 2023, not 2023.0.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geotrack.conflicts import conflict_map
from geotrack.model import COMMITMENT_KEYS, CRS, FRAME_COLUMNS, NESTED_COLUMNS, Item

#: The page's frame (:func:`page_frame`) holds these in place of ``commitments`` and ``funding``: the
#: documents an item cites (once each, in citation order), whether they disagree (``geotrack conflicts``),
#: and its funding types, stated amount and unit.
CITED_DOCUMENTS, CONFLICTING = "cited_documents", "conflicting"
FUNDING_TYPES, FUNDING_AMOUNT, FUNDING_UNIT = "funding_types", "funding_amount", "funding_unit"
#: The number of coordinates of each item's whole geometry (the page's own may be simplified): what
#: drawing a selection at full detail would cost.
WHOLE_COORDINATES = "whole_coordinates"
#: Columns of the working frame the page shows, filters by or counts, as it holds them (with
#: ``search_text``, the folded text the search filter matches).
PAGE_KEPT: tuple[str, ...] = ("id", "name_vi", "name_en", "mode", "status", "start_year", "end_year", "deadline_text",
                              "provinces", "former_provinces", "corridors", "length_km", "search_text")
#: What a store reads for the page's frame: the kept columns and those the derived ones come from.
PAGE_SOURCE_COLUMNS: tuple[str, ...] = (*PAGE_KEPT, "funding", "commitments")
#: Columns of the page's frame, geometry last.
PAGE_COLUMNS: tuple[str, ...] = (*PAGE_KEPT, CITED_DOCUMENTS, CONFLICTING, FUNDING_TYPES, FUNDING_AMOUNT,
                                 FUNDING_UNIT, WHOLE_COORDINATES, "geometry")


def items_to_frame(items: Iterable[Item], *,
                   lengths: Sequence[float | None] | Callable[[], Sequence[float | None]] | None = None,
                   ) -> gpd.GeoDataFrame:
    """Return the working GeoDataFrame of ``items`` (one row each, EPSG:4326).

    Parameters
    ----------
    items
        The items.
    lengths
        Precomputed ``length_km`` per item, or a function giving them (called once the other
        columns are made: :func:`geotrack.geo.lengths_in_background`); computed with
        :func:`geotrack.geo.lengths_km` if omitted.
    """
    from geotrack.geo import lengths_km

    # not to_record(): its GeoJSON mapping of every geometry cost a third of a store build; and column by
    # column, as Item._record makes each value, rather than a dict per item; object columns, so pandas
    # infers nothing that normalise_numbers would undo
    items = list(items)
    columns = [c for c in FRAME_COLUMNS if c != "length_km"]
    if items:
        values = zip(*map(operator.attrgetter(*columns), items), strict=True)
        frame = pd.DataFrame({c: pd.Series(_column(c, list(v)), dtype=object)
                              for c, v in zip(columns, values, strict=True)}, columns=columns)
    else:
        frame = pd.DataFrame([], columns=columns)
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)
    if lengths is None:
        lengths = lengths_km(gdf.geometry)
    elif callable(lengths):
        lengths = lengths()
    gdf.insert(len(gdf.columns) - 1, "length_km", list(lengths))
    return normalise_numbers(gdf)


#: A commitment's values in :data:`COMMITMENT_KEYS` order (one call rather than one ``getattr`` per key).
_COMMITMENT_VALUES = operator.attrgetter(*COMMITMENT_KEYS)


def _column(key: str, values: list[Any]) -> list[Any]:
    """The working-frame values of field ``key`` from the items' values of it, as :meth:`Item._record` makes them."""
    if key == "status_as_of":
        return [None if v is None else v.isoformat() for v in values]
    if key == "funding":
        return [v.to_record() for v in values]
    if key == "commitments":  # Commitment.to_record of each
        return [[dict(zip(COMMITMENT_KEYS, _COMMITMENT_VALUES(c), strict=True)) for c in v] for v in values]
    if key == "sources":
        return [[x.to_record() for x in v] for v in values]
    if key in ("provinces", "former_provinces", "corridors"):
        return [list(v) for v in values]
    return values


#: Numeric columns that may be missing: kept as Python ``int``/``float`` or ``None`` (never NaN).
OPTIONAL_INTS: tuple[str, ...] = ("start_year", "end_year")
OPTIONAL_FLOATS: tuple[str, ...] = ("stated_length_km", "length_km")
#: Scalar text columns: ``None`` when missing, never NaN.
TEXT_COLUMNS: tuple[str, ...] = tuple(
    c for c in FRAME_COLUMNS if c not in (*NESTED_COLUMNS, *OPTIONAL_INTS, *OPTIONAL_FLOATS, "geometry")
)


def normalise_numbers(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn the optional numeric columns into object columns of Python numbers or ``None``.

    pandas would otherwise make a year column with one gap a float column with NaN,
    and 2023 would come back as 2023.0.
    """
    # the missing values found in one vectorised pass (None, NaN, NA, NaT alike), the rest cast or kept; a
    # column already so (as items_to_frame makes them) is left as it is
    for columns, kinds in ((OPTIONAL_INTS, (int,)), (OPTIONAL_FLOATS, (float,)), (TEXT_COLUMNS, ())):
        for column in (c for c in columns if c in gdf):  # a frame of some columns (a store's chunk) too
            values = gdf[column].tolist()
            missing = pd.isna(gdf[column]).to_numpy()
            if gdf[column].dtype == object and _only(values, int(missing.sum()), kinds):
                continue
            cast = kinds[0] if kinds else (lambda v: v)
            values = [None if gone else cast(v) for v, gone in zip(values, missing.tolist(), strict=True)]
            gdf[column] = pd.Series(values, index=gdf.index, dtype=object)
    return gdf


def _only(values: list[Any], missing: int, kinds: tuple[type, ...]) -> bool:
    """Tell whether ``values`` (``missing`` of them missing) are ``None`` where missing, of one of ``kinds`` elsewhere.

    Any type is allowed elsewhere when ``kinds`` is empty.
    """
    if kinds and not set(map(type, values)) <= {*kinds, type(None)}:
        return False
    return missing == sum(map(operator.is_, values, itertools.repeat(None)))  # None is missing: as many Nones


def frame_to_items(gdf: gpd.GeoDataFrame) -> list[Item]:
    """Return the items of a working GeoDataFrame, in row order."""
    items = []
    for row in gdf.to_dict("records"):
        row = {k: _none_if_missing(v) for k, v in row.items()}
        geometry = row.get("geometry")
        row["geometry"] = geometry if isinstance(geometry, BaseGeometry) and not geometry.is_empty else None
        items.append(Item.from_record(row))
    return items


def _none_if_missing(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def empty_frame() -> gpd.GeoDataFrame:
    """Return a working GeoDataFrame with no rows and every column."""
    return items_to_frame([], lengths=[])


def page_frame(frame: gpd.GeoDataFrame, geometry: Iterable[BaseGeometry | None] | None = None) -> gpd.GeoDataFrame:
    """The page's form of working-frame rows (:data:`PAGE_COLUMNS`), with ``geometry`` in place of theirs if given.

    ``frame`` has the :data:`PAGE_SOURCE_COLUMNS`. The derived columns replace the nested values
    the page does not show whole, which are most of a frame's memory: the item page reads its
    item's whole record from the store.
    """
    commitments = frame["commitments"].tolist()
    funding = [f or {} for f in frame["funding"].tolist()]
    amounts = [f.get("amount") for f in funding]
    out = pd.DataFrame({c: frame[c] for c in PAGE_KEPT}, index=frame.index)
    out[CITED_DOCUMENTS] = [tuple(dict.fromkeys(str(c.get("document")) for c in cs or ())) for cs in commitments]
    # one commitment gives one value per field: nothing to disagree with
    out[CONFLICTING] = [len(cs or ()) > 1 and bool(conflict_map(cs)) for cs in commitments]
    out[FUNDING_TYPES] = [tuple(f.get("types") or ()) for f in funding]
    out[FUNDING_AMOUNT] = pd.Series(amounts, index=frame.index, dtype=object)
    out[FUNDING_UNIT] = pd.Series([f.get("unit") for f in funding], index=frame.index, dtype=object)
    out[WHOLE_COORDINATES] = shapely.get_num_coordinates(frame.geometry.values)
    shapes = frame.geometry.values if geometry is None else geometry
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(list(shapes), index=frame.index, crs=CRS), crs=CRS)
