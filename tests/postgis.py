"""A throwaway PostgreSQL + PostGIS server for the test session.

``make postgis-deps`` installs Debian's ``postgresql-15-postgis-3``. The cluster is
initialised in a temporary folder (as user ``postgres`` when the tests run as
root: PostgreSQL refuses to run as root), listens on a free loopback port with
``trust`` authentication, and is stopped and removed at the end. A template
database with the ``postgis`` extension makes each test's fresh database cheap.

Missing binaries or a missing extension FAIL the tests with the command that
fixes it: the PostGIS tests never skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psycopg

PG_VERSION = "15"
TEMPLATE = "geotrack_template"
_FIX = "run `make postgis-deps` (Debian: apt-get install --no-install-recommends postgresql-15-postgis-3)"


class PostGISUnavailable(RuntimeError):
    """The server cannot be started here; the message says how to fix it."""


def bindir() -> Path:
    """The PostgreSQL binaries: ``$GEOTRACK_PG_BINDIR`` or Debian's ``/usr/lib/postgresql/15/bin``."""
    folder = Path(os.environ.get("GEOTRACK_PG_BINDIR", f"/usr/lib/postgresql/{PG_VERSION}/bin"))
    missing = [b for b in ("initdb", "pg_ctl", "postgres") if not (folder / b).is_file()]
    if missing:
        raise PostGISUnavailable(f"PostgreSQL {PG_VERSION} binaries {missing} not found in {folder}: {_FIX}")
    return folder


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostGISServer:
    """One PostgreSQL cluster on 127.0.0.1, started by :meth:`start` and removed by :meth:`stop`."""

    def __init__(self) -> None:
        self.bin = bindir()
        self.root = Path(tempfile.mkdtemp(prefix="geotrack-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._as_postgres = os.geteuid() == 0
        self._counter = 0

    def _run(self, args: Sequence[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [*(["runuser", "-u", "postgres", "--"] if self._as_postgres else []), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise PostGISUnavailable(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    @property
    def admin_url(self) -> str:
        """URL of the ``postgres`` database as superuser."""
        return self.url("postgres")

    def url(self, dbname: str) -> str:
        """URL of database ``dbname`` on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> PostGISServer:
        """initdb, start on a free loopback port, and make the PostGIS template database."""
        if self._as_postgres:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostGISUnavailable(f"no 'postgres' user to run the server as: {_FIX}") from exc
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                   "-E", "UTF8", "--no-locale", "--no-sync"])
        for attempt in range(3):
            self.port = _free_port()
            options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c jit=off -c max_connections=60")
            try:
                self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                           "-l", str(self.root / "server.log"), "-w", "-t", "60", "start"])
                break
            except PostGISUnavailable:
                if attempt == 2:
                    log = (self.root / "server.log").read_text(errors="replace")[-2000:]
                    raise PostGISUnavailable(f"PostgreSQL did not start on 127.0.0.1; log:\n{log}") from None
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(self.url(TEMPLATE), autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION postgis")
            except psycopg.Error as exc:
                raise PostGISUnavailable(f"the postgis extension is not installed: {_FIX} ({exc})") from exc
        return self

    def create_database(self, prefix: str = "t") -> str:
        """A fresh database with PostGIS (from the template); return its URL."""
        self._counter += 1
        name = f"{prefix}_{os.getpid()}_{self._counter}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
