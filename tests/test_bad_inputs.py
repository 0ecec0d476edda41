"""The bad-input corpus: every file gets its clear error, a non-zero exit, and the store stays as it was."""

from pathlib import Path

import pytest
import yaml

from geotrack.cli import main
from geotrack.import_file import MAX_IMPORT_BYTES
from geotrack.testing import base_record, point_record

CORPUS = Path(__file__).parent / "bad_inputs"
EXPECTED: dict = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def test_corpus_is_complete():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".geojson", ".gpkg")}
    assert files | {n for n, e in EXPECTED.items() if e.get("generated")} == set(EXPECTED)
    assert len(EXPECTED) >= 30


@pytest.fixture(scope="module")
def store_env(tmp_path_factory):
    import json
    import shutil

    from geotrack.io import DATA_DIR
    from geotrack.testing import CORRIDORS

    root = tmp_path_factory.mktemp("bad")
    data, layers = root / "data", root / "layers"
    shutil.copytree(DATA_DIR / "documents", data / "documents")
    shutil.copy(DATA_DIR / "documents.yaml", data / "documents.yaml")
    (data / "items").mkdir()
    layers.mkdir()
    (layers / "corridors.geojson").write_text(json.dumps(CORRIDORS), encoding="utf-8")
    (data / "items" / "x.yaml").write_text(
        yaml.safe_dump({"items": [base_record(), point_record("port-a")]}, allow_unicode=True), encoding="utf-8")
    store = root / "s.gpkg"
    assert main(["--data", str(data), "--layers", str(layers), "--store", str(store), "build"]) == 0
    return data, layers, store


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_refused_clearly_and_changes_nothing(name, store_env, tmp_path, capsys):
    data, layers, store = store_env
    expected = EXPECTED[name]
    path = CORPUS / name
    if expected.get("generated"):
        path = tmp_path / name
        with open(path, "wb") as fh:  # sparse: takes no disk space
            fh.truncate(MAX_IMPORT_BYTES + 1)
    before = store.read_bytes()
    code = main(["--data", str(data), "--layers", str(layers), "--store", str(store),
                 "import", str(path), "--actor", "tester"])
    err = capsys.readouterr().err
    assert code == 1
    assert expected["error"] in err
    assert name in err
    if "feature" in expected:
        assert f"feature {expected['feature']}" in err
    if "field" in expected:
        assert f"field {expected['field']}" in err
    assert store.read_bytes() == before
