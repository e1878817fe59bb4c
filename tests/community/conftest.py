"""Fixtures for the community tests: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is a throw-away cluster (initdb + pg_ctl from Debian's packages, which ``make test``
installs) in a temporary folder on a free local port, started once per test session and stopped
after. When the PostgreSQL programs are missing the PostgreSQL half is skipped with the reason,
except on CI (``CI=true``), where a missing PostgreSQL is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mmdecide.community.config import CommunityConfig
from mmdecide.community.service import Community


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root (as on CI and the dev machines); run it as "postgres" then
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_server():
    """The admin URL of a throw-away PostgreSQL cluster (stopped at the end of the session)."""
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (make test installs it): the store tests "
                        "must run on PostgreSQL on CI")
        pytest.skip("PostgreSQL programs not found (run `make test` to install them)")
    tmp = Path(tempfile.mkdtemp(prefix="mmdecide-pg-"))
    data, port = tmp / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                      "-A", "trust", "--no-sync", "-E", "UTF8"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts,
                                      "-l", str(tmp / "log"), "-w", "start"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                          "-w", "stop"]), check=False, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _new_postgres_db(admin_url: str) -> str:
    name = "t_" + uuid.uuid4().hex[:12]
    engine = create_engine(f"{admin_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{admin_url}/{name}"


#: fast argon2 settings for tests (the defaults take ~0.1 s per hash on purpose); snapshots made
#: in the test's own process (where tests can replace parts of it)
FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "aggregate_cache_seconds": 0,
        "aggregate_build_process": False}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'community.sqlite3'}"
    return _new_postgres_db(request.getfixturevalue("postgres_server"))


@pytest.fixture
def make_community():
    """Community(url, **settings) with fast password hashing; closed at the end of the test."""
    made = []

    def make(url: str, **settings) -> Community:
        made.append(Community(CommunityConfig(database_url=url, **{**FAST, **settings})))
        return made[-1]

    yield make
    for c in made:
        c.close()


@pytest.fixture
def community(db_url):
    c = Community(CommunityConfig(database_url=db_url, k=3, **FAST))
    yield c
    c.close()


@pytest.fixture
def sqlite_community(tmp_path):
    c = Community(CommunityConfig(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, **FAST))
    yield c
    c.close()
