"""What only the PostGIS store has: migrations, constraints, SQL pushdown, the store choice by URL."""

import json
from typing import Any

import psycopg
import pytest

from geotrack import vocab
from geotrack.build import build
from geotrack.filters import Filter, apply
from geotrack.store import SCHEMA_VERSION, GeoPackageStore, open_store, redact
from geotrack.store._pgrows import select_items as _select_items
from geotrack.store._pgrows import sql_where
from geotrack.store.migrations import MIGRATIONS
from geotrack.store.postgis import PostGISStore
from geotrack.testing import base_record, point_record

RECORDS = [base_record(), point_record("port-a"), point_record("port-b", mode="berth", parent_id="port-a")]


@pytest.fixture
def pg(postgis_url, make_dataset):
    data, layers = make_dataset(RECORDS)
    store = PostGISStore(postgis_url)
    build(store, data_dir=data, layers_dir=layers)
    return store


def _sql(store, query, params=()):
    with psycopg.connect(store.location, autocommit=True) as con:
        return con.execute(query, params).fetchall()


# -- migrations -------------------------------------------------------------------------------------
def test_fresh_database_gets_every_migration(pg):
    assert _sql(pg, "SELECT version FROM schema_migrations ORDER BY version") == [(m.version,) for m in MIGRATIONS]
    assert len(MIGRATIONS) >= 2 and pg.meta()["schema_version"] == str(SCHEMA_VERSION)
    indexes = {name for (name,) in _sql(pg, "SELECT indexname FROM pg_indexes WHERE tablename = 'items'")}
    assert {"items_geometry_gix", "items_geography_gix", "items_province_keys_gin"} <= indexes
    assert _sql(pg, "SELECT type FROM geometry_columns WHERE f_table_name = 'items'") == [("GEOMETRY",)]
    assert _sql(pg, "SELECT srid FROM geometry_columns WHERE f_table_name = 'items'") == [(4326,)]


def _store_as_version(postgis_server: Any, pg: PostGISStore, version: int) -> tuple[str, list[str]]:
    """A new database holding ``pg``'s rows as schema ``version`` had them (its migrations only, and
    only the item columns those made); its URL and those columns."""
    postgis_url = postgis_server.create_database()
    with psycopg.connect(postgis_url, autocommit=True) as con, con.transaction():
        con.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL, "
                    "applied_at timestamptz NOT NULL DEFAULT now())")
        for migration in MIGRATIONS[:version]:
            con.execute(migration.sql)
            con.execute("INSERT INTO schema_migrations (version, description) VALUES (%s, 'v')",
                        (migration.version,))
        columns = [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' "
            "ORDER BY ordinal_position").fetchall()]
    with psycopg.connect(pg.location, autocommit=True) as src, psycopg.connect(postgis_url, autocommit=True) as dst:
        for table, names in (("items", columns), ("documents", None), ("history", None), ("meta", None)):
            listed = ", ".join(names) if names else "*"
            with src.cursor().copy(f"COPY (SELECT {listed} FROM {table}) TO STDOUT") as out, \
                    dst.cursor().copy(f"COPY {table} ({listed}) FROM STDIN" if names else
                                      f"COPY {table} FROM STDIN") as into:
                for block in out:
                    into.write(block)
        dst.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(version),))
        dst.execute("SELECT setval('history_id_seq', (SELECT max(id) FROM history))")
    return postgis_url, columns


def test_version_1_store_upgrades_in_place_without_data_loss(postgis_server, pg):
    """A store as version 1 wrote it (no province_keys) opens with today's code: upgraded, nothing lost."""
    postgis_url, v1_columns = _store_as_version(postgis_server, pg, 1)
    assert "province_keys" not in v1_columns
    old = PostGISStore(postgis_url)
    assert old.exists()
    frame = old.load()  # the first read upgrades
    assert _sql(old, "SELECT version FROM schema_migrations ORDER BY version") == [(m.version,) for m in MIGRATIONS]
    assert old.meta()["schema_version"] == str(SCHEMA_VERSION)
    expected = pg.load()
    assert frame.drop(columns="geometry").to_dict("records") == expected.drop(columns="geometry").to_dict("records")
    assert list(frame.geometry.to_wkb()) == list(expected.geometry.to_wkb())
    assert old.history() == pg.history() and old.documents() == pg.documents()
    assert _sql(old, "SELECT province_keys FROM items WHERE id = 'ring-road-4-capital'") == [
        (["bac giang", "bac ninh", "ha noi", "hung yen"],)]
    assert list(old.load(Filter(provinces=("Bắc Giang",)))["id"]) == ["ring-road-4-capital"]
    old.update_item("port-a", lambda r: r | {"notes": "after the upgrade"}, actor="x", source=None)
    assert old.get("port-a").iloc[0]["notes"] == "after the upgrade"


def test_version_2_store_gets_its_feature_texts_in_place(postgis_server, pg):
    """A store as version 2 wrote it (no Feature texts) opens with today's code: texts computed from its rows."""
    from geotrack.features import feature_texts

    postgis_url, v2_columns = _store_as_version(postgis_server, pg, 2)
    assert "feature" not in v2_columns and "province_keys" in v2_columns
    old = PostGISStore(postgis_url)
    texts = old.feature_texts()  # the first read upgrades
    assert _sql(old, "SELECT max(version) FROM schema_migrations") == [(SCHEMA_VERSION,)] and SCHEMA_VERSION >= 3
    assert old.meta()["schema_version"] == str(SCHEMA_VERSION)
    assert texts == pg.feature_texts() == feature_texts(pg.load())
    assert _sql(old, "SELECT is_nullable FROM information_schema.columns "
                     "WHERE table_name = 'items' AND column_name = 'feature'") == [("NO",)]
    assert old.load().drop(columns="geometry").to_dict("records") == pg.load().drop(columns="geometry").to_dict(
        "records")
    assert old.history() == pg.history()
    old.update_item("port-a", lambda r: r | {"notes": "after the upgrade"}, actor="x", source=None)
    assert old.feature_texts() == feature_texts(old.load())
    assert json.loads(old.feature_texts(Filter(ids=("port-a",)))[0])["properties"]["notes"] == "after the upgrade"


# -- constraints ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("constraint", "values"), [
    ("items_mode_known", vocab.MODES), ("items_status_known", vocab.STATUSES),
    ("items_action_known", vocab.ACTIONS), ("items_precision_known", vocab.LOCATION_PRECISIONS),
])
def test_vocabulary_constraints_match_geotrack_vocab(pg, constraint, values):
    """A vocabulary change in geotrack.vocab needs a migration that replaces the constraint."""
    ((definition,),) = _sql(pg, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s",
                            (constraint,))
    assert definition.count("::text") == len(values)
    assert all(f"'{v}'::text" in definition for v in values)


@pytest.mark.parametrize(("column", "value", "constraint"), [
    ("mode", "teleport", "items_mode_known"), ("status", "nearly done", "items_status_known"),
    ("action", "dream", "items_action_known"), ("location_precision", "vague", "items_precision_known"),
    ("id", "Bad Id", "items_id_slug"), ("id", "a--b", "items_id_slug"), ("start_year", 2040, "items_years_ordered"),
])
def test_database_refuses_what_validation_refuses(pg, column, value, constraint):
    with pytest.raises(psycopg.errors.CheckViolation, match=constraint):
        _sql(pg, f"UPDATE items SET {column} = %s WHERE id = 'port-a'", (value,))


# -- filters pushed down to SQL ---------------------------------------------------------------------
@pytest.mark.parametrize("flt", [
    Filter(modes=("berth",)), Filter(statuses=("planned",)), Filter(ids=("port-a",)), Filter(deadline_max=2028),
    Filter(provinces=("bac giang",)), Filter(funding_types=("ppp",)), Filter(documents=("14/NQ-CP",)),
    Filter(documents=("30-NQ/TW",)), Filter(search="vanh dai"), Filter(corridors=("ring-4-capital",)),
], ids=lambda f: str(f.to_query()))
def test_sql_alone_selects_exactly(pg, flt):
    """Each field is answered by SQL: what comes back before Python's pass is already the answer."""
    with psycopg.connect(pg.location, autocommit=True) as con:
        from_sql = _select_items(con, flt)
    assert list(from_sql["id"]) == list(apply(pg.load(), flt)["id"])


def test_corridor_distance_uses_the_spatial_index(pg):
    corridor = "ec-kunming-laocai-hanoi-haiphong-quangninh"
    flt = Filter(corridors=(corridor,), corridor_km=20.0)
    where, params = sql_where(flt)
    assert "ST_DWithin(geography(geometry)" in where
    with psycopg.connect(pg.location, autocommit=True) as con, con.transaction():
        con.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in con.execute(f"EXPLAIN SELECT id FROM items WHERE {where}", params))
    assert "items_geography_gix" in plan and "items_corridors_gin" in plan
    assert list(pg.load(flt)["id"]) == list(apply(pg.load(), flt)["id"])


def test_province_filter_uses_its_index(pg):
    where, params = sql_where(Filter(provinces=("Hải Phòng",)))
    with psycopg.connect(pg.location, autocommit=True) as con, con.transaction():
        con.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in con.execute(f"EXPLAIN SELECT id FROM items WHERE {where}", params))
    assert "items_province_keys_gin" in plan


# -- choosing the store -----------------------------------------------------------------------------
def test_open_store_picks_the_backend(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOTRACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("GEOTRACK_STORE", str(tmp_path / "x.gpkg"))
    assert isinstance(open_store(), GeoPackageStore)
    assert isinstance(open_store("postgres://u@h/db"), PostGISStore)
    monkeypatch.setenv("GEOTRACK_DATABASE_URL", "postgresql://u@127.0.0.1:5433/geotrack")
    store = open_store()
    assert isinstance(store, PostGISStore) and store.location == "postgresql://u@127.0.0.1:5433/geotrack"
    assert isinstance(open_store(tmp_path / "y.gpkg"), GeoPackageStore)  # an explicit location wins


def test_passwords_never_reach_messages():
    assert redact("postgresql://lan:s3cret@db:5432/geotrack") == "postgresql://lan:***@db:5432/geotrack"
    assert redact("postgresql://db/geotrack?password=s3cret&x=1") == "postgresql://db/geotrack?password=***&x=1"
    assert "s3cret" not in repr(PostGISStore("postgresql://lan:s3cret@db/geotrack"))


def test_unreachable_server_is_a_store_error():
    from geotrack.errors import StoreError

    with pytest.raises(StoreError, match="cannot connect"):
        PostGISStore("postgresql://nobody@127.0.0.1:1/none", connect_timeout=2).load()
