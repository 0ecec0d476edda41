"""Files the app serves: written whole, once per content, the oldest pruned; none when the folder is not writable."""

from __future__ import annotations

from geotrack.ui import served


def test_a_text_is_written_once_under_its_content_name(tmp_path):
    folder = tmp_path / "gt-x"
    first = served.publish(served.files({"a": b"[1]", "b": b"[2]"}), folder, "/app/static/gt-x")
    assert first is not None and set(first) == {"a", "b"}
    assert all(u.startswith("/app/static/gt-x/") and u.endswith(".json") for u in first.values())
    files = {f.name: f.read_bytes() for f in folder.iterdir()}
    assert sorted(files.values()) == [b"[1]", b"[2]"]  # no part left behind
    inode = {f.name: f.stat().st_ino for f in folder.iterdir()}
    assert served.publish(served.files({"a": b"[1]"}), folder, "/app/static/gt-x") == {"a": first["a"]}
    assert {f.name: f.stat().st_ino for f in folder.iterdir()} == inode  # not written again


def test_old_files_are_pruned_but_never_those_in_use(tmp_path, monkeypatch):
    monkeypatch.setattr(served, "FILES_KEPT", 2)
    folder = tmp_path / "gt-x"
    names = []
    for n in range(4):
        urls = served.publish(served.files({"k": f"[{n}]".encode()}), folder, "/u")
        assert urls is not None
        names.append(urls["k"].rsplit("/", 1)[1])
    left = {f.name for f in folder.iterdir()}
    assert len(left) == 2 and names[-1] in left


def test_nothing_is_published_where_the_folder_cannot_be_written(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert served.publish(served.files({"a": b"[1]"}), blocked / "gt-x", "/u") is None
