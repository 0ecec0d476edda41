"""The GeoPackage store's files: no export overwrites them, symlinks are written through, errors are clean."""

from __future__ import annotations

import errno
import os
import sqlite3

import pytest

from geotrack.cli import main
from geotrack.errors import StoreBusyError
from geotrack.store import GeoPackageStore
from geotrack.testing import base_record, point_record


@pytest.fixture
def built(make_dataset, tmp_path):
    data, layers = make_dataset([base_record(), point_record("port-a")])
    store = tmp_path / "S.gpkg"

    def run(*args: str, at: os.PathLike[str] | str = store) -> int:
        return main(["--data", str(data), "--layers", str(layers), "--store", str(at), *args])

    assert run("build") == 0
    return run, store


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv"])
@pytest.mark.parametrize("target", ["store", "lock", "temp", "symlink", "hardlink", "journal"])
def test_an_export_onto_the_store_or_its_files_is_refused(built, tmp_path, capsys, fmt, target):
    run, store = built
    paths = {"store": store, "lock": store.with_name("S.gpkg.lock"), "journal": store.with_name("S.gpkg-wal"),
             "temp": store.with_name(".S.gpkg.abc.tmp") / "S.gpkg", "symlink": tmp_path / "link.gpkg",
             "hardlink": tmp_path / "hard.gpkg"}
    (tmp_path / "link.gpkg").symlink_to(store)
    os.link(store, tmp_path / "hard.gpkg")
    before = store.read_bytes()
    capsys.readouterr()
    assert run("export", "--format", fmt, "-o", str(paths[target])) == 1
    assert "that is the store itself" in capsys.readouterr().err
    assert store.read_bytes() == before
    assert run("history") == 0 and run("build", "--if-stale") == 0


def test_an_update_through_a_symlink_writes_the_shared_file_and_keeps_the_link(built, tmp_path):
    run, store = built
    link = tmp_path / "elsewhere" / "mine.gpkg"
    link.parent.mkdir()
    link.symlink_to(store)
    assert run("update", "port-a", "--end-year", "2031", "--actor", "t", at=link) == 0
    assert link.is_symlink() and os.path.realpath(link) == str(store)
    assert GeoPackageStore(store).get("port-a")["end_year"].iloc[0] == 2031
    assert store.with_name("S.gpkg.lock").exists() and not link.with_name("mine.gpkg.lock").exists()


def test_writers_through_different_links_exclude_each_other(built, tmp_path):
    _, store = built
    one, two = tmp_path / "one.gpkg", tmp_path / "two.gpkg"
    one.symlink_to(store)
    two.symlink_to(store)
    second = GeoPackageStore(two, lock_timeout=0.1)
    with GeoPackageStore(one)._locked(), pytest.raises(StoreBusyError), second._locked():
        pass


def test_a_folder_as_store_or_output_is_a_clean_error(built, tmp_path, capsys):
    run, _ = built
    folder = tmp_path / "folder.gpkg"
    folder.mkdir()
    capsys.readouterr()
    for args, at in ((("build",), folder), (("list",), folder), (("export", "-o", str(folder)), None)):
        code = run(*args, at=at) if at is not None else run(*args)
        err = capsys.readouterr().err
        assert code == 1 and "is a folder" in err and "Traceback" not in err, err


def _failing_after_writes(error):
    """``_gpkgsql.write_rows`` that writes every row, then fails before the transaction commits."""
    from geotrack.store import _gpkgsql

    real = _gpkgsql.write_rows

    def write_rows(con, *args, **kwargs):
        real(con, *args, **kwargs)
        raise error

    return write_rows


@pytest.mark.parametrize(("code", "sqlite_code", "says"), [(errno.ENOSPC, 13, "the disk is full"),
                                                           (errno.EROFS, 8, "read-only"),
                                                           (errno.EACCES, 3, "permission denied")])
def test_a_full_or_read_only_disk_is_a_clean_error_and_the_store_is_unchanged(built, monkeypatch, capsys, code,
                                                                              sqlite_code, says):
    run, store = built
    before = store.read_bytes()
    error = sqlite3.OperationalError(os.strerror(code))
    error.sqlite_errorcode = sqlite_code  # as SQLite sets it
    monkeypatch.setattr("geotrack.store._gpkgsql.write_rows", _failing_after_writes(error))
    capsys.readouterr()
    assert run("update", "port-a", "--end-year", "2031", "--actor", "t") == 1
    err = capsys.readouterr().err
    assert says in err and str(store) in err and "Traceback" not in err
    assert store.read_bytes() == before


@pytest.mark.parametrize(("code", "says"), [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"),
                                            (errno.EACCES, "permission denied")])
def test_a_failed_new_store_file_is_a_clean_error_and_leaves_nothing(built, monkeypatch, capsys, code, says):
    run, store = built
    store.unlink()  # a build writes a new store as a whole file, renamed into place

    def fail(path, writer):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr("geotrack.store._gpkgfile.write_atomic_with", fail)
    capsys.readouterr()
    assert run("build") == 1
    err = capsys.readouterr().err
    assert says in err and str(store) in err and "Traceback" not in err
    assert not store.exists()


def test_gdal_reporting_a_full_disk_is_a_clean_error(built, monkeypatch, capsys):
    import pyogrio.errors

    run, store = built
    store.unlink()

    def full(*args, **kwargs):
        raise pyogrio.errors.DataSourceError("sqlite3_exec(COMMIT) failed: database or disk is full")

    monkeypatch.setattr("geotrack.store._gpkgrows.pyogrio.write_dataframe", full)
    capsys.readouterr()
    assert run("build") == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and "Free disk space" in err and "Traceback" not in err
    assert not store.exists() and not list(store.parent.glob(f".{store.name}.*"))


def test_sqlite_reporting_a_full_disk_mid_write_is_a_clean_error(built, monkeypatch, capsys):
    run, store = built
    before = store.read_bytes()
    monkeypatch.setattr("geotrack.store._gpkgsql.write_rows",
                        _failing_after_writes(sqlite3.OperationalError("database or disk is full")))
    capsys.readouterr()
    assert run("update", "port-a", "--end-year", "2031", "--actor", "t") == 1
    err = capsys.readouterr().err
    assert "disk is full" in err and "Free disk space" in err and "Traceback" not in err
    assert store.read_bytes() == before


def test_gdal_writes_go_unsynced_only_inside_the_block_and_the_setting_comes_back():
    import pyogrio

    from geotrack._files import unsynced_sqlite

    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "NORMAL"})
    try:
        with pytest.raises(RuntimeError), unsynced_sqlite():
            assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is False  # pyogrio reads OFF as False
            raise RuntimeError("a failed write")
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") == "NORMAL"
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": None})


def test_a_new_store_file_has_large_pages_and_counts_its_history_rows_as_gdal_does(built):
    """The history goes in without GDAL's per-row counter: the count it keeps is still right, its trigger back."""
    import pyogrio

    run, store = built
    assert run("update", "port-a", "--end-year", "2031", "--actor", "t") == 0
    assert run("build", "--fresh") == 0
    with sqlite3.connect(store) as con:
        (rows,) = con.execute("SELECT count(*) FROM history").fetchone()
        (page_size,) = con.execute("PRAGMA page_size").fetchone()
        triggers = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert rows >= 4 and page_size == 65536
    assert pyogrio.read_info(store, layer="history")["features"] == rows  # GDAL reads gpkg_ogr_contents
    assert "trigger_insert_feature_count_history" in triggers
    assert run("update", "port-a", "--end-year", "2032", "--actor", "t") == 0  # the trigger counts again
    with sqlite3.connect(store) as con:
        (after,) = con.execute("SELECT count(*) FROM history").fetchone()
    assert after > rows and pyogrio.read_info(store, layer="history")["features"] == after
