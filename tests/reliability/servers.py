"""A real PostgreSQL server for the shared-state tests: initdb + pg_ctl into a temp dir, on
a free port of 127.0.0.1, stopped and removed afterwards.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user
(Debian's package creates it) in a temp dir that user owns. ``make test`` installs Debian's
``postgresql`` (``make postgres``); without its binaries the tests skip, except where CI=true
or RAG_REQUIRE_POSTGRES=1 says they must run.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fakes.servers import unused_port


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if found:
        return Path(found[0]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true" or os.environ.get("RAG_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{reason} (required here: run `make postgres`)")
    pytest.skip(f"{reason}: `make postgres` installs it")


def _as_owner(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields the admin URL (``postgresql://postgres@127.0.0.1:<port>/postgres``)."""
    bindir = postgres_bin()
    if bindir is None:
        _missing("PostgreSQL's binaries (initdb, pg_ctl) are not installed")
        raise AssertionError  # unreachable: skip/fail raise
    user: str | None = None
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root and there is no 'postgres' user to run the server as")
            raise
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="rag-pg-"))
    data = root / "data"
    if user:
        os.chown(root, pw.pw_uid, pw.pw_gid)
    port = unused_port()
    run = dict(capture_output=True, text=True, timeout=120, cwd=root)
    try:
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        init = subprocess.run(
            _as_owner([*initdb, "-E", "UTF8", "--no-sync"], user),
            **run,  # type: ignore[call-overload]
        )
        assert init.returncode == 0, init.stderr[-2000:]
        # fsync off: a test server; the durability tested is ours (transactions), not the disk's.
        opts = f"-h 127.0.0.1 -p {port} -k {root} -F -c max_connections=60"
        pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log")]
        start = subprocess.run(
            _as_owner([*pg_ctl, "-w", "-t", "60", "start"], user),
            **run,  # type: ignore[call-overload]
        )
        if start.returncode != 0:
            log = (root / "log").read_text() if (root / "log").exists() else ""
            pytest.fail(f"postgres did not start: {start.stderr[-1000:]} {log[-2000:]}")
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], user),
            capture_output=True,
            timeout=60,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    """A fresh database on the server; its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def wait_until(check: object, timeout: float) -> float:
    """Seconds until ``check()`` is true; raises AssertionError past ``timeout``."""
    t0 = time.monotonic()
    while True:
        if check():  # type: ignore[operator]
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(0.02)
