"""Several processes writing one store at once, and writers killed mid-transaction, on both backends.

Each of N processes makes K rounds of three writes at the same moment as the others:
a read-modify-write increment of a counter on one shared item (``update_item``), a blind
replacement of another shared item (``apply_changes``), and a replacement of its own item.
No update may be lost: the counter ends at N*K, every write has exactly one history row,
and the last value of each item is the last one written to it.
"""

import itertools
import multiprocessing
import os
import signal
import time

import pytest

from conftest import snapshot
from geotrack.build import build
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.testing import base_record, point_record

N_PROCESSES = 6
K_ROUNDS = 6


def _open(kind, location, lock_timeout=540.0):
    if kind == "gpkg":
        return GeoPackageStore(location, lock_timeout=lock_timeout)
    from geotrack.store.postgis import PostGISStore

    return PostGISStore(location, lock_timeout=lock_timeout)


def _increment(record):
    return record | {"notes": str(int(record["notes"]) + 1)}


def _writer(kind, location, worker, rounds, go, errors):
    try:
        store = _open(kind, location)
        go.wait(60)
        for k in range(rounds):
            store.update_item("shared", _increment, actor=f"w{worker}", source="counter")
            store.apply_changes([Item.from_record(point_record("blind", notes=f"w{worker}-{k}"))],
                                actor=f"w{worker}", source="blind")
            store.apply_changes([Item.from_record(point_record(f"own-{worker}", notes=f"w{worker}-{k}"))],
                                actor=f"w{worker}", source="own")
    except BaseException as exc:
        errors.put(f"worker {worker}: {type(exc).__name__}: {exc}")
        raise


@pytest.mark.slow
def test_concurrent_writers_lose_no_update_and_no_history_row(make_store, make_dataset, store_kind):
    records = [point_record("shared", notes="0"), point_record("blind", notes="start"),
               *(point_record(f"own-{i}", notes="start") for i in range(N_PROCESSES))]
    data, layers = make_dataset(records)
    store = make_store()
    build(store, data_dir=data, layers_dir=layers)
    built_rows = len(store.history())
    ctx = multiprocessing.get_context("spawn")
    go, errors = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_writer, args=(store_kind, store.location, i, K_ROUNDS, go, errors))
               for i in range(N_PROCESSES)]
    for w in workers:
        w.start()
    time.sleep(1.0)  # let every process import and connect, then release them together
    started = time.monotonic()
    go.set()
    for w in workers:
        w.join(540)  # every write rewrites a GeoPackage: minutes on a loaded 2-core machine
    elapsed = time.monotonic() - started
    failures = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
    assert not failures and all(w.exitcode == 0 for w in workers), failures

    writes = N_PROCESSES * K_ROUNDS
    frame = store.load().set_index("id")
    # the read-modify-write counter: every increment applied, one after the other
    assert frame.loc["shared", "notes"] == str(writes)
    counter = [e for e in store.history("shared") if e.field == "notes"]
    assert len(counter) == writes
    assert [e.new for e in counter] == [f'"{n}"' for n in range(1, writes + 1)]
    assert [e.old for e in counter] == [f'"{n}"' for n in range(writes)]
    # the same item replaced blindly by everyone: one history row per write, the last one stays
    blind = [e for e in store.history("blind") if e.field == "notes"]
    assert len(blind) == writes
    assert {e.new for e in blind} == {f'"w{i}-{k}"' for i in range(N_PROCESSES) for k in range(K_ROUNDS)}
    assert frame.loc["blind", "notes"] == blind[-1].new.strip('"')
    assert all(a.new == b.old for a, b in itertools.pairwise(blind))  # each diffed against the last
    # each process's own item: its writes in its order
    for i in range(N_PROCESSES):
        own = [e.new for e in store.history(f"own-{i}") if e.field == "notes"]
        assert own == [f'"w{i}-{k}"' for k in range(K_ROUNDS)]
        assert frame.loc[f"own-{i}", "notes"] == f"w{i}-{K_ROUNDS - 1}"
    assert len(store.history()) == built_rows + 3 * writes
    assert store.exists() and len(frame) == len(records)
    print(f"\n{store_kind}: {N_PROCESSES} processes × {K_ROUNDS} rounds × 3 writes = {3 * writes} writes "
          f"in {elapsed:.1f} s; lost updates: 0")


def _stall(kind, location, stage, ready):
    """Start a write that adds, changes and removes, then stall inside it until killed."""
    store = _open(kind, location)

    def check(frame):
        ready.set()
        time.sleep(120)

    if stage == "after-writes" and kind == "gpkg":  # every row written in place, transaction not yet committed
        from geotrack.store import _gpkgsql

        real_rows = _gpkgsql.write_rows

        def stalled_rows(*args, **kwargs):
            real_rows(*args, **kwargs)
            ready.set()
            time.sleep(120)

        _gpkgsql.write_rows = stalled_rows
    elif stage == "after-writes":  # every row written, transaction not yet committed
        real = type(store)._insert_history

        def stalled(self, conn, entries):
            real(self, conn, entries)
            ready.set()
            time.sleep(120)

        type(store)._insert_history = stalled  # type: ignore[method-assign]
    store.apply_changes([Item.from_record(point_record("port-a", end_year=2040)),
                         Item.from_record(point_record("port-new"))], ["port-b"], actor="doomed", source="import",
                        check=check if stage == "in-check" else None)


@pytest.mark.parametrize(("kind", "stage"), [("gpkg", "in-check"), ("gpkg", "after-writes"), ("postgis", "in-check"),
                                             ("postgis", "after-writes")])
def test_writer_killed_mid_transaction_leaves_the_store_as_it_was(kind, stage, tmp_path, make_dataset,
                                                                  request):
    data, layers = make_dataset([base_record(), point_record("port-a"), point_record("port-b")])
    if kind == "gpkg":
        location = str(tmp_path / "s.gpkg")
    else:
        location = request.getfixturevalue("postgis_server").create_database()
    store = _open(kind, location, lock_timeout=30.0)
    build(store, data_dir=data, layers_dir=layers)
    before, history_rows = snapshot(store), len(store.history())
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=_stall, args=(kind, location, stage, ready))
    child.start()
    try:
        assert ready.wait(60), "the writer never reached the stalling point"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(30)
    assert child.exitcode == -signal.SIGKILL
    assert snapshot(store) == before
    assert len(store.history()) == history_rows
    # the dead writer's lock is gone: the next writer goes straight through
    started = time.monotonic()
    entries = store.apply_changes([Item.from_record(point_record("port-a", end_year=2041))], actor="next",
                                  source=None)
    assert [e.field for e in entries] == ["end_year"] and time.monotonic() - started < 10
