"""A live OGC API – Features feed of the store, served by pygeoapi (the OGC reference implementation).

:class:`StoreProvider` is a pygeoapi feature provider over a geotrack store (GeoPackage or PostGIS): it
serves the items' stored GeoJSON Feature texts, so every item has the same id and values as the GeoJSON
export, and a geotrack filter fixed when the service starts (the CLI's filter options) limits what it
serves. pygeoapi adds paging, ``bbox``, item by id and the OGC API conformance classes; the coordinates
are lon/lat WGS 84 (OGC:CRS84). :func:`api_config` is the pygeoapi configuration; :func:`serve` starts it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import shapely
import yaml
from pygeoapi.provider.base import BaseProvider, ProviderItemNotFoundError
from shapely.geometry import box, shape

from geotrack.export.metadata import LICENCE, build_metadata
from geotrack.features import FIELDS, field_type
from geotrack.filters import Filter
from geotrack.store import open_store

#: The collection the service offers: every item the filter keeps.
COLLECTION = "items"
#: pygeoapi's name for the provider class: this module's :class:`StoreProvider`.
PROVIDER = f"{__name__}.StoreProvider"
_FIELD_TYPES = {"integer": "integer", "real": "number", "json": "string", "text": "string"}


class StoreProvider(BaseProvider):  # type: ignore[misc]
    """A pygeoapi feature provider serving a geotrack store's items as their stored Feature texts.

    ``data`` is the store's location; ``options.filter`` the geotrack filter as URL query parameters.
    """

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        self.store = open_store(str(provider_def["data"]))
        self.filter = Filter.from_query((provider_def.get("options") or {}).get("filter") or {})
        self.get_fields()

    def get_fields(self) -> dict[str, dict[str, str]]:
        """The export schema's properties and their JSON types (lists and objects are served as JSON)."""
        fields: dict[str, dict[str, str]] = {name: {"type": _FIELD_TYPES[field_type(name)]} for name in FIELDS}
        self._fields = fields
        return dict(fields)

    def _features(self, flt: Filter) -> list[dict[str, Any]]:
        return [json.loads(text) for text in self.store.feature_texts(flt)]

    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results", bbox: Sequence[float] = (),
              datetime_: Any = None, properties: Sequence[tuple[str, Any]] = (), sortby: Any = None,
              select_properties: Sequence[str] = (), skip_geometry: bool = False, q: Any = None,
              **kwargs: Any) -> dict[str, Any]:
        """The features the service filter keeps, then ``bbox`` and ``property=value`` filters, one page of them."""
        features = self._features(self.filter)
        if bbox:
            area = box(*bbox[:4])
            features = [f for f in features if f["geometry"] and shapely.intersects(shape(f["geometry"]), area)]
        for name, value in properties:
            features = [f for f in features if str(f["properties"].get(name)) == str(value)]
        matched = len(features)
        page = [] if resulttype == "hits" else features[int(offset):int(offset) + int(limit)]
        for feature in page:
            if skip_geometry:
                feature["geometry"] = None
            if select_properties:
                feature["properties"] = {k: v for k, v in feature["properties"].items() if k in select_properties}
        return {"type": "FeatureCollection", "features": page, "numberMatched": matched,
                "numberReturned": len(page)}

    def get(self, identifier: str, **kwargs: Any) -> dict[str, Any]:
        """The feature of item ``identifier``, if the service filter keeps it."""
        found = self._features(self.filter.with_(ids=(str(identifier),)))
        if not found:
            raise ProviderItemNotFoundError(f"item {identifier} not found")
        return found[0]


def api_config(location: str, *, host: str = "127.0.0.1", port: int = 5000, flt: Filter | None = None,
               title: str | None = None) -> dict[str, Any]:
    """The pygeoapi configuration of a service of the store at ``location`` on ``host:port``.

    Parameters
    ----------
    location
        The store: a GeoPackage path or a ``postgresql://`` URL.
    host, port
        Where the service listens (loopback by default).
    flt
        What the service offers (every item when ``None``).
    title
        The collection's title.
    """
    flt = flt or Filter()
    meta = build_metadata(0, None, (), flt)
    url = f"http://{host}:{port}"
    return {
        "server": {
            "bind": {"host": host, "port": port}, "url": url, "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8", "languages": ["en-US", "vi-VN"], "limits": {"default_items": 100, "max_items": 1000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OpenStreetMap"},
            "gzip": False, "pretty_print": False, "cors": False,
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": "geotrack", "description": str(meta["title"]),
                               "keywords": ["infrastructure", "Vietnam"], "keywords_type": "theme",
                               "terms_of_service": LICENCE, "url": url},
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "geotrack", "url": url},
            "contact": {"name": "geotrack"},
        },
        "resources": {
            COLLECTION: {
                "type": "collection",
                "title": title or str(meta["title"]),
                "description": "Every item geotrack tracks"
                               + (f" ({', '.join(f'{k}={v}' for k, v in flt.to_query().items())})"
                                  if flt.to_query() else "")
                               + ": the same Features as the GeoJSON export.",
                "keywords": ["infrastructure"],
                "links": [],
                "extents": {"spatial": {"bbox": [102.1, 8.2, 109.5, 23.4],
                                        "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
                "providers": [{"type": "feature", "name": PROVIDER, "data": location, "id_field": "id",
                               "title_field": "name_vi", "options": {"filter": flt.to_query()}}],
            },
        },
    }


def write_config(folder: Path, config: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write the pygeoapi configuration and its OpenAPI document into ``folder``; return both paths."""
    from pygeoapi.openapi import get_oas

    config_path = folder / "pygeoapi-config.yml"
    config_path.write_text(yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False), encoding="utf-8")
    openapi_path = folder / "pygeoapi-openapi.yml"
    openapi_path.write_text(yaml.safe_dump(get_oas(dict(config)), allow_unicode=True, sort_keys=False),
                            encoding="utf-8")
    return config_path, openapi_path


def serve(location: str, *, host: str = "127.0.0.1", port: int = 5000, flt: Filter | None = None) -> None:
    """Serve the store at ``location`` as OGC API – Features on ``host:port`` until interrupted."""
    with tempfile.TemporaryDirectory(prefix="geotrack-api-") as folder:
        config_path, openapi_path = write_config(Path(folder), api_config(location, host=host, port=port, flt=flt))
        os.environ["PYGEOAPI_CONFIG"] = str(config_path)
        os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
        from pygeoapi.flask_app import APP  # reads the configuration named above when imported

        APP.run(host=host, port=port, debug=False, use_reloader=False)

