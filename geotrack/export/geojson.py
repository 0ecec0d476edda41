"""RFC 7946 GeoJSON, the reference export: a FeatureCollection of the items' Feature texts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from geotrack.export.metadata import build_metadata
from geotrack.features import check_aligned, column_values, dataset_as_of, dumps, feature_texts, texts_as_of
from geotrack.filters import Filter
from geotrack.model import Document

if TYPE_CHECKING:
    from geotrack.store import Store


def to_geojson_dict(
    gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None
) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of ``gdf`` with the metadata as a foreign member.

    Coordinates are lon/lat WGS 84 rounded to :data:`geotrack.geo.COORDINATE_PRECISION`
    decimals, polygons wound counter-clockwise, no ``crs`` member, no NaN.
    """
    return dict(json.loads(to_geojson(gdf, documents, flt)))


def to_geojson(gdf: gpd.GeoDataFrame, documents: Sequence[Document] = (), flt: Filter | None = None,
               features: Sequence[str] | None = None) -> str:
    """The FeatureCollection of :func:`to_geojson_dict` as compact UTF-8 JSON text.

    Parameters
    ----------
    gdf
        The working frame to export.
    documents, flt
        The document register and the filter, for the metadata.
    features
        The :func:`feature_texts` of ``gdf``'s rows, in row order, as a store keeps them:
        spliced in as they are. Computed when not given.

    Raises
    ------
    GeotrackError
        If ``features`` are not the texts of ``gdf``'s items, in its order.
    """
    if features is None:
        features = feature_texts(gdf)
    else:
        check_aligned(column_values(gdf, "id"), features)
    return collection(features, build_metadata(len(gdf), dataset_as_of(gdf, documents), documents, flt))


def collection(features: Sequence[str], meta: Mapping[str, Any]) -> str:
    """The FeatureCollection text of Feature texts and the metadata."""
    head = dumps({"type": "FeatureCollection", "metadata": meta})[:-1] + ',"features":['
    if not features:
        return head + "]}"
    # one join writes the whole text: joining the features, then adding the head, would copy it all twice
    parts = list(features)
    parts[0] = head + parts[0]
    parts[-1] = parts[-1] + "]}"
    return ",".join(parts)


def store_geojson(store: Store, flt: Filter | None = None, documents: Sequence[Document] = (),
                  frame: gpd.GeoDataFrame | None = None, ids: Sequence[str] | None = None) -> str:
    """The GeoJSON export (:func:`to_geojson`) of what ``flt`` keeps of ``store``, from its stored Feature texts.

    Nothing is computed per item: the texts are read (:meth:`Store.feature_texts`) and joined,
    and the metadata's as-of date is read from them, so no working frame is loaded.

    Parameters
    ----------
    store
        The store.
    flt
        What to export (everything when ``None``).
    documents
        The document register, for the metadata.
    frame
        ``store.load(flt)`` when the caller holds it already (the app caches it): the
        metadata then comes from it, as :func:`to_geojson` makes it, and the texts are
        checked to be its items' in its order.
    ids
        The ids of exactly the items ``flt`` keeps, in stored order, when the caller knows them
        (the page): their texts are read by id, so a filter SQL cannot answer reads no working frame.

    Raises
    ------
    GeotrackError
        If ``frame`` is given and the stored texts are not its items'.
    """
    return stored_collection(store, flt, documents, frame, ids)[0]


def stored_collection(store: Store, flt: Filter | None, documents: Sequence[Document],
                      frame: gpd.GeoDataFrame | None, ids: Sequence[str] | None = None) -> tuple[str, int]:
    """:func:`store_geojson` and the number of features in it."""
    by_id = Filter(ids=tuple(ids)) if ids else None  # no ids: no items (an empty Filter would keep them all)
    features = store.feature_texts(flt) if ids is None else store.feature_texts(by_id) if by_id else []
    if frame is not None:
        return to_geojson(frame, documents, flt, features=features), len(features)
    meta = build_metadata(len(features), texts_as_of(features, documents), documents, flt)
    return collection(features, meta), len(features)


