"""The PostGIS schema as ordered migrations: each SQL step, then an optional backfill, in one transaction.

Append a :class:`Migration` for every change; never edit a released one. The GeoPackage
needs none: it is rewritten whole on every write and rebuilt when older.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from geotrack.features import feature_texts
from geotrack.store._pgrows import province_keys, select_items
from geotrack.store.base import FEATURE_COLUMN


def _in_check(name: str, column: str, values: Sequence[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"CONSTRAINT {name} CHECK ({column} IN ({quoted}))"


# The vocabularies as of version 1, written out: a migration never changes once released. A change
# to geotrack.vocab needs a new migration that replaces the constraint (a test compares the two).
_V1_MODES = ("expressway", "road", "ring_road", "bridge", "rail", "urban_rail", "inland_waterway", "seaport",
             "berth", "airport", "logistics", "economic_zone", "industrial_park", "energy", "water",
             "flood_control", "social", "digital", "urban")
_V1_ACTIONS = ("build", "upgrade", "expand", "complete", "study")
_V1_STATUSES = ("study", "planned", "preparation", "approved", "under_construction", "partly_open", "completed",
                "operational", "suspended", "cancelled")
_V1_PRECISIONS = ("exact", "approximate", "representative_point")

_V1_SQL = f"""
CREATE TABLE items (
    position bigint NOT NULL,
    id text PRIMARY KEY
        CONSTRAINT items_id_slug CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 120),
    name_vi text NOT NULL,
    name_en text,
    parent_id text,
    mode text NOT NULL {_in_check("items_mode_known", "mode", _V1_MODES)},
    action text NOT NULL {_in_check("items_action_known", "action", _V1_ACTIONS)},
    status text NOT NULL {_in_check("items_status_known", "status", _V1_STATUSES)},
    status_as_of text,
    status_source text,
    start_year integer,
    end_year integer,
    deadline_text text,
    funding jsonb NOT NULL DEFAULT '{{}}',
    lead_agency text,
    lead_agency_current text,
    provinces jsonb NOT NULL DEFAULT '[]',
    former_provinces jsonb NOT NULL DEFAULT '[]',
    corridors jsonb NOT NULL DEFAULT '[]',
    location_precision text {_in_check("items_precision_known", "location_precision", _V1_PRECISIONS)},
    geometry_source text,
    stated_length_km double precision,
    stated_length_source text,
    sources jsonb NOT NULL DEFAULT '[]',
    commitments jsonb NOT NULL DEFAULT '[]',
    notes text,
    length_km double precision,
    search_text text NOT NULL DEFAULT '',
    geometry geometry(Geometry, 4326),
    CONSTRAINT items_years_ordered CHECK (end_year >= start_year)
);
CREATE INDEX items_position_idx ON items (position);
CREATE INDEX items_geometry_gix ON items USING gist (geometry);
CREATE TABLE documents (
    position integer NOT NULL,
    number text PRIMARY KEY,
    type text NOT NULL,
    title text NOT NULL,
    issuer text NOT NULL,
    date text NOT NULL,
    implements jsonb NOT NULL DEFAULT '[]',
    file text,
    url text,
    notes text
);
CREATE TABLE history (
    id bigserial PRIMARY KEY,
    at text NOT NULL,
    item_id text NOT NULL,
    field text NOT NULL,
    old text,
    new text,
    actor text NOT NULL,
    source text,
    note text
);
CREATE TABLE meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
"""

_V2_SQL = """
ALTER TABLE items ADD COLUMN province_keys jsonb NOT NULL DEFAULT '[]';
CREATE INDEX items_province_keys_gin ON items USING gin (province_keys);
CREATE INDEX items_corridors_gin ON items USING gin (corridors);
CREATE INDEX items_geography_gix ON items USING gist (geography(geometry));
CREATE INDEX history_item_idx ON history (item_id, id);
"""


def _backfill_province_keys(conn: psycopg.Connection[Any]) -> None:
    rows = conn.execute("SELECT id, provinces, former_provinces FROM items").fetchall()
    with conn.cursor() as cur:
        cur.executemany("UPDATE items SET province_keys = %s WHERE id = %s",
                        [(Jsonb(province_keys(p, f)), i) for i, p, f in rows])


_V3_SQL = f"""
ALTER TABLE items ADD COLUMN {FEATURE_COLUMN} text;
"""


def _backfill_features(conn: psycopg.Connection[Any]) -> None:
    """Compute every stored item's Feature text, then require one of every item."""
    frame = select_items(conn, None)
    with conn.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE feature_backfill (id text PRIMARY KEY, feature text NOT NULL) "
                    "ON COMMIT DROP")
        with cur.copy("COPY feature_backfill (id, feature) FROM STDIN") as copy:
            for row in zip(frame["id"], feature_texts(frame), strict=True):
                copy.write_row(row)
        cur.execute(f"UPDATE items SET {FEATURE_COLUMN} = b.feature FROM feature_backfill AS b WHERE items.id = b.id")
        cur.execute(f"ALTER TABLE items ALTER COLUMN {FEATURE_COLUMN} SET NOT NULL")


@dataclass(frozen=True)
class Migration:
    """One step of the schema: SQL, then an optional Python backfill, in the same transaction."""

    version: int
    description: str
    sql: str
    backfill: Callable[[psycopg.Connection[Any]], None] | None = None


def _recompute_features(conn: psycopg.Connection[Any]) -> None:
    """Recompute every stored item's Feature text (the Feature schema gained a property)."""
    conn.execute("DROP TABLE IF EXISTS feature_backfill")  # step 3's, when both run in one transaction
    _backfill_features(conn)


#: Every schema step, oldest first. Append; never edit a released one.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: items (GiST on geometry, vocabulary and id checks), documents, history, meta",
              _V1_SQL),
    Migration(2, "folded province keys for the province filter; corridor, geography and history indexes",
              _V2_SQL, _backfill_province_keys),
    Migration(3, "each item's GeoJSON Feature text, for exports without per-item work", _V3_SQL,
              _backfill_features),
    Migration(4, "Feature texts carry stated_length_source, so exports import back", "SELECT 1",
              _recompute_features),
)
#: The version the migrations reach; always the store's :data:`~geotrack.store.base.SCHEMA_VERSION`.
LATEST_VERSION = MIGRATIONS[-1].version
