"""Stores: where the built dataset lives.

Every backend offers the same interface (:class:`~geotrack.store.base.Store`), so the
CLI and the app do not care which one holds the data:

- :class:`~geotrack.store.gpkg.GeoPackageStore`, the embedded default: one file;
- :class:`~geotrack.store.postgis.PostGISStore`, the shared store for many editors,
  chosen by a ``postgresql://`` location or ``$GEOTRACK_DATABASE_URL``.

:func:`open_store` picks one from a location.
"""

from __future__ import annotations

from pathlib import Path

from geotrack import settings
from geotrack.store.base import SCHEMA_VERSION, Store
from geotrack.store.gpkg import GeoPackageStore
from geotrack.store.location import is_database_url, redact

__all__ = ["SCHEMA_VERSION", "GeoPackageStore", "Store", "is_database_url", "open_store", "redact"]


def open_store(location: str | Path | None = None) -> Store:
    """The store at ``location``, else the one the environment names, else the default file.

    The environment is ``$GEOTRACK_DATABASE_URL``, then ``$GEOTRACK_STORE``
    (:func:`geotrack.settings.store_location`); the default is
    :data:`geotrack.settings.default_store`. A ``postgresql://`` or ``postgres://`` URL
    opens the shared PostGIS store; anything else is a GeoPackage path.
    """
    location = location or settings.store_location() or settings.default_store
    if is_database_url(location):
        # imported here: the GeoPackage alone needs no PostgreSQL driver loaded
        from geotrack.store.postgis import PostGISStore

        return PostGISStore(str(location))
    return GeoPackageStore(location)
