"""Every tunable of geotrack in one place, with what it does and how to change it.

Values read from the environment are read when a function here is called (not at
import), so a test or a server can set them first. Plain constants can be changed
by assignment before use, as osmnx's settings are::

    import geotrack.settings
    geotrack.settings.lock_timeout = 60.0
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

#: The project folder: ``data/``, ``layers/``, ``static/`` and the default store live under it.
PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent

#: Environment variable naming a PostgreSQL+PostGIS store (``postgresql://…``); it wins over the file store.
DATABASE_URL_ENV: Final = "GEOTRACK_DATABASE_URL"
#: Environment variable naming the GeoPackage store file (``make run`` sets it).
STORE_ENV: Final = "GEOTRACK_STORE"
#: Environment variable overriding :data:`webgl_min_items_default`.
WEBGL_MIN_ITEMS_ENV: Final = "GEOTRACK_WEBGL_MIN_ITEMS"

#: The GeoPackage store used when no location is given.
default_store: Path = PROJECT_ROOT / "store" / "geotrack.gpkg"
#: Seconds a writer waits for another writer before :class:`~geotrack.errors.StoreBusyError`.
lock_timeout: float = 30.0
#: Seconds to wait for a PostgreSQL server to answer a connection.
connect_timeout: int = 10

#: Largest file ``geotrack import`` reads, in bytes.
max_import_bytes: int = 50 * 1024 * 1024
#: Most items (features, or rows of a GeoPackage's item layers) one import may hold.
max_import_features: int = 20_000
#: Most coordinate positions one GeoJSON import may hold.
max_import_vertices: int = 500_000
#: Most JSON values (counted as commas, before parsing) and lists + objects one GeoJSON import may hold:
#: together with the size cap they bound the parser's memory (a file at the caps peaks well under 500 MB).
max_import_values: int = 2_500_000
max_import_containers: int = 1_000_000
#: Deepest nesting of lists and objects in a GeoJSON import (a MultiPolygon feature needs 8).
max_import_nesting: int = 16
#: Most problems the command line prints for one run; the rest are counted ("and N more").
max_error_lines: int = 50

#: Up to this many items the Leaflet map draws full detail; past it, the detail of the default view.
detail_max_items: int = 2000
#: Nor does it draw full detail past this many coordinates in all: a selection's whole geometry is read from
#: the store, sent and drawn, and at 10,000 synthetic items 700 rail lines (173,000 coordinates) took a
#: filter change 0.4 s on the server alone. The real items have 559 coordinates in all.
detail_max_coordinates: int = 50_000
#: From this many items in the selection the app draws the WebGL map instead of Leaflet.
webgl_min_items_default: int = 20_000
#: Up to this many items the item picker offers each one; past it, a map click selects.
select_max_items: int = 5000
#: Up to this many items the GeoJSON download is made with the page, not on click: Streamlit holds a file
#: made on click for no session, and with many sessions rerunning can drop it before the browser fetches it.
download_with_page_max_items: int = 2000
#: The item table holds at most this many rows (the first of the selection): past it, the rows sent to the
#: browser on every rerun cost seconds at national scale, and a download serves the whole selection.
table_max_rows: int = 5000
#: The timeline draws at most this many items: past it, the chart is taller than anyone reads (and slow).
timeline_max_items: int = 400


#: A shared link's filter: at most this many values per list parameter (the rest are ignored, with a notice),
#: each at most this many characters, and a corridor buffer of at most this many km.
max_query_values: int = 100
max_query_value_length: int = 200
max_corridor_km: float = 50.0


def store_location() -> str | None:
    """The store location the environment names: ``$GEOTRACK_DATABASE_URL``, else ``$GEOTRACK_STORE``."""
    return os.environ.get(DATABASE_URL_ENV) or os.environ.get(STORE_ENV) or None


def webgl_min_items() -> int:
    """The selection size from which the app draws the WebGL map.

    :data:`webgl_min_items_default` unless ``$GEOTRACK_WEBGL_MIN_ITEMS`` says otherwise
    (a machine with a weak GPU may want it higher).
    """
    value = os.environ.get(WEBGL_MIN_ITEMS_ENV, "").strip()
    return int(value) if value.isdigit() else webgl_min_items_default
