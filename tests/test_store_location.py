"""Connection strings are shown without their secrets, as libpq reads them, wherever geotrack prints or shows them."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from geotrack.cli import main
from geotrack.errors import StoreError
from geotrack.store import open_store
from geotrack.store.location import redact, scrub, secrets_of

SECRET = "Tr0ub#dor?x"
#: (location, its secret, what must still show)
CASES = [
    ("postgresql://editor:Tr0ub#dor?x@127.0.0.1:5432/db", SECRET, "127.0.0.1:5432/db"),
    ("postgresql://editor:Tr0ub/dor@127.0.0.1:5432/db", "Tr0ub/dor", "127.0.0.1"),
    ("postgres://editor:pa ss w0rd@127.0.0.1/db", "pa ss w0rd", "127.0.0.1"),
    ("postgresql://editor:bad%zzp4ss@127.0.0.1/db", "bad%zzp4ss", "127.0.0.1"),
    ("postgresql://editor:s3cr3t!@[::1:5432/db", "s3cr3t!", "editor"),
    ("postgresql://editor:a@b@c0de@host/db", "a@b@c0de", "host/db"),
    ("postgresql://host/db?sslmode=disable&password=s3cr3t-q", "s3cr3t-q", "sslmode=disable"),
    ("host=127.0.0.1 password='a b\\' c9' dbname=x", "a b\\' c9", "dbname=x"),
    ("host=127.0.0.1 password=s3cr3t-kv dbname=x", "s3cr3t-kv", "host=127.0.0.1"),
]


@pytest.mark.parametrize(("location", "secret", "kept"), CASES)
def test_redact_hides_every_password_form_libpq_reads(location, secret, kept):
    shown = redact(location)
    assert secret not in shown and "***" in shown
    assert kept in shown
    assert all(part not in shown for part in secret.split() if len(part) > 2)


def test_scrub_hides_known_secrets_however_quoted():
    location = "postgresql://editor:pa ss%41@127.0.0.1/db"
    assert set(secrets_of(location)) >= {"pa ss%41", "pa ssA"}
    message = 'invalid connection option "ss%41@127.0.0.1/db" near "pa ssA"'
    assert "ss%41" not in scrub(message, [location]) and "pa ssA" not in scrub(message, [location])
    assert "s3cr3t" not in scrub("see postgresql://u:s3cr3t@h/db and password=s3cr3t end")


@pytest.mark.parametrize(("location", "secret", "kept"), [c for c in CASES if c[0].startswith("postgres")])
def test_driver_errors_never_show_the_password(location, secret, kept):
    # port 1 on loopback refuses at once; malformed strings fail in libpq's parser, which quotes them
    location = location.replace(":5432", ":1").replace("@host/", "@127.0.0.1:1/").replace("//host/", "//127.0.0.1:1/")
    with pytest.raises(StoreError) as caught:
        open_store(location).exists()
    text = "".join(traceback.format_exception(caught.value))
    assert secret not in text
    assert all(part not in text for part in secret.split() if len(part) > 2)


@pytest.mark.parametrize(("location", "secret", "kept"), [c for c in CASES if c[0].startswith("postgres")])
def test_cli_output_never_shows_the_password(location, secret, kept, capsys):
    location = location.replace(":5432", ":1")
    assert main(["--store", location, "build"]) != 0
    out, err = capsys.readouterr()
    assert secret not in out + err and "Traceback" not in err
    assert err.startswith("geotrack: ")


@pytest.fixture
def _keep_main_module() -> Iterator[None]:
    main_module = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main_module


@pytest.mark.usefixtures("_keep_main_module")
@pytest.mark.parametrize("location", [
    "postgresql://editor:Tr0ub#dor?x@127.0.0.1:1/db",
    "postgresql://editor:Tr0ub dor?x@127.0.0.1:1/db",
    "postgresql://editor:Tr0ub%zzdor?x@127.0.0.1:1/db",
])
def test_the_page_and_its_log_never_show_a_connection_string(location, monkeypatch, caplog):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GEOTRACK_DATABASE_URL", location)
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    with caplog.at_level(logging.ERROR):
        app.run()
    assert not app.exception
    page = " ".join(str(e.value) for kind in ("error", "markdown", "caption", "title", "text", "exception")
                    for e in app.get(kind))
    assert page.strip()  # a notice is shown
    for shown in (page, caplog.text):
        assert "Tr0ub" not in shown and "dor?x" not in shown
    assert "postgresql://" not in page and "Traceback" not in page
    assert "page error" in caplog.text or "cannot read the store" in caplog.text
