"""Writers killed with SIGKILL at random moments: the store opens and holds the old or the new state."""

import multiprocessing
import os
import random
import signal
import time

import pytest

from geotrack.build import build
from geotrack.model import Item
from geotrack.store import GeoPackageStore
from geotrack.testing import base_record, point_record

pytestmark = pytest.mark.slow  # writers killed at random moments, a dozen trials per writer

TRIALS_PER_WRITER = 12


def _toggle_forever(path: str, how: str, data: str, layers: str, data_b: str, progress: str) -> None:
    """Write alternating states until killed: port-a's end_year 2030 ↔ 2031."""
    from pathlib import Path

    store = GeoPackageStore(path)
    while True:
        current = store.get("port-a").iloc[0]["end_year"]
        target = 2031 if current == 2030 else 2030
        if how == "build":
            build(store, data_dir=Path(data if target == 2030 else data_b), layers_dir=Path(layers))
        else:
            item = Item.from_record(point_record("port-a", end_year=target))
            store.apply_changes([item], actor=how, source="crash test")
        with open(progress, "a") as log:  # the write returned: it must survive the kill
            log.write(f"{target}\n")
            log.flush()
            os.fsync(log.fileno())


@pytest.fixture
def two_states(tmp_path, make_dataset):
    records = [base_record(), point_record("port-a")]
    data, layers = make_dataset(records)
    other = tmp_path / "data_b"
    import shutil

    shutil.copytree(data, other)
    import yaml

    (other / "items" / "test.yaml").write_text(yaml.safe_dump(
        {"items": [base_record(), point_record("port-a", end_year=2031)]}, allow_unicode=True), encoding="utf-8")
    store = GeoPackageStore(tmp_path / "s.gpkg")
    build(store, data_dir=data, layers_dir=layers)
    return store, data, layers, other


@pytest.mark.parametrize("how", ["build", "update", "import"])
def test_killed_writer_leaves_old_or_new_state(two_states, how):
    store, data, layers, data_b = two_states
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(20261123)
    progress = store.path.with_name("completed.txt")
    progress.touch()
    for _ in range(TRIALS_PER_WRITER):
        toggles_before = len([e for e in store.history("port-a") if e.field == "end_year"])
        logged_before = len(progress.read_text().split())
        child = ctx.Process(target=_toggle_forever,
                            args=(str(store.path), how, str(data), str(layers), str(data_b), str(progress)))
        child.start()
        time.sleep(rng.uniform(0.1, 2.5))  # long enough, now and then, for a write to complete
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        # the store opens, and its items and history agree: one history row per completed toggle
        end_year = store.get("port-a").iloc[0]["end_year"]
        toggles = [e.new for e in store.history("port-a") if e.field == "end_year"]
        assert end_year == (2031 if len(toggles) % 2 else 2030)
        assert toggles == [("2031" if i % 2 == 0 else "2030") for i in range(len(toggles))]
        assert len(store.load()) == 2
        # every write this child logged as returned is in the store, in order; at most one more
        # (committed, then killed before it was logged), so each trial is compared on its own
        this_trial = progress.read_text().split()[logged_before:]
        written = toggles[toggles_before:]
        assert written[:len(this_trial)] == this_trial
        assert len(this_trial) <= len(written) <= len(this_trial) + 1
    assert progress.read_text().split(), "no write completed in any trial: the test did not exercise a surviving write"
    # the next writer clears whatever temporary file a killed one left
    store.apply_changes([Item.from_record(point_record("port-a", end_year=2035))], actor="t", source="t")
    assert sorted(p.name for p in store.path.parent.glob("*.gpkg*")) == ["s.gpkg", "s.gpkg.lock"]
