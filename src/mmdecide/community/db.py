"""Where the community data lives: the database URL, the engine, migrations, backup and restore.

The default is an SQLite file ``community.sqlite3`` in ``$MMDECIDE_DATA_DIR`` (or ``./var``; never
inside the package), created on first use with nothing to configure. ``MMDECIDE_DATABASE_URL``
points at PostgreSQL instead (``postgresql://user:pass@host/db``) for a deployment with several
workers: sessions and rate-limit counters are rows, so any worker can serve any request.

SQLite runs in WAL mode (readers do not block the writer) with foreign keys on. Every writing
transaction starts with ``BEGIN IMMEDIATE`` so two writers queue instead of failing with
"database is locked" when a read turns into a write. Writers queue on locks before that: a thread
lock within one process, and across worker processes an exclusive ``flock`` on a file beside the
database (``<database>.write-lock``). SQLite's own busy wait polls, sleeping in steps of up to
100 ms, so with two workers a writer that finds the database busy often sleeps far longer than
the write it waits for (about 1 ms); a waiter on ``flock`` is woken by the kernel the moment the
lock is free. ``busy_timeout`` stays as the fallback for writers that do not take the file lock
(another program, ``mmdecide db`` commands from an older version). Read-only transactions
(``Database.reading``) start with a plain ``BEGIN`` and never wait for writers.

Durability: WAL with ``synchronous=NORMAL``. A commit is in the WAL file, in the operating
system's cache, when it returns, so it survives the server process being killed (SIGKILL; tested);
the WAL is synced to disk at each checkpoint, so a power cut or an operating-system crash can lose
the last commits before it (never corrupting the database). ``synchronous=FULL`` would sync on
every commit, at the cost of one disk flush per recorded value.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Date, DateTime, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from ..fileio import atomic_write
from .errors import CommunityInputError
from .models import Base

__all__ = ["Database", "backup", "default_url", "restore"]

BACKUP_FORMAT = "mmdecide-community-backup"
#: tables a backup leaves out: login sessions and rate counters are short-lived and a restored
#: session would log someone in from an old copy
_NOT_BACKED_UP = {"session", "rate_counter"}


def default_url() -> str:
    """``MMDECIDE_DATABASE_URL``, else an SQLite file in ``$MMDECIDE_DATA_DIR`` or ``./var``."""
    url = os.environ.get("MMDECIDE_DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path(os.environ.get("MMDECIDE_DATA_DIR", "").strip() or "var").resolve()
    return f"sqlite:///{folder / 'community.sqlite3'}"


def _normalise(url: str) -> str:
    # psycopg 3 is the driver shipped with the package; a bare postgresql:// URL means it
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _lock_file_path(url: str) -> str | None:
    """The file whose ``flock`` the writers of an SQLite database share (None in memory)."""
    path = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return path + ".write-lock"


def _sqlite_engine(url: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable across a process kill
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        # readers take no lock (WAL serves them a snapshot); writers take the write lock up front
        read = conn.get_execution_options().get("mmdecide_read", False)
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    return engine


@dataclass
class Database:
    """One database: an engine, a session factory and its migrations."""

    url: str

    def __post_init__(self) -> None:
        self.url = _normalise(self.url)
        if self.url.startswith("sqlite"):
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.engine.execution_options(mmdecide_read=True),
                                           expire_on_commit=False)
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._file_lock = _lock_file_path(self.url) if self.is_sqlite else None
        self._file_lock_fd: int | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed at the end, rolled back on any error."""
        if self._write_lock is None:
            with self._sessions.begin() as session:
                yield session
            return
        with self._write_lock, self._across_processes(), self._sessions.begin() as session:
            yield session

    @contextmanager
    def _across_processes(self) -> Iterator[None]:
        """The write lock shared by every worker process on this SQLite file (see the module's
        docstring); the caller holds the thread lock, so one fd per process is enough."""
        if self._file_lock is None:
            yield
            return
        if self._file_lock_fd is None:
            self._file_lock_fd = os.open(self._file_lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._file_lock_fd, fcntl.LOCK_EX)  # blocks without holding the GIL
        try:
            yield
        finally:
            fcntl.flock(self._file_lock_fd, fcntl.LOCK_UN)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction (one consistent snapshot; it never waits for writers)."""
        with self._read_sessions.begin() as session:
            yield session
            session.rollback()  # nothing to commit; ends the snapshot at once

    def _alembic(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", "mmdecide.community:migrations")
        return cfg

    def head(self) -> str:
        return ScriptDirectory.from_config(self._alembic()).get_current_head()

    def current(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def upgrade(self) -> str:
        """Bring the schema to the newest migration (safe to run from several workers at once)."""
        cfg = self._alembic()
        with self.engine.begin() as conn:
            if not self.is_sqlite:  # one migrator at a time; SQLite's BEGIN IMMEDIATE already is
                conn.execute(text("SELECT pg_advisory_xact_lock(72116301)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        return self.head()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._file_lock_fd is not None:
            os.close(self._file_lock_fd)
            self._file_lock_fd = None


def _encode(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _decode(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def backup(db: Database, target: Path) -> dict[str, int]:
    """Write every member's data to ``target`` (JSON, written atomically); rows per table."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in _NOT_BACKED_UP]
    out: dict = {"format": BACKUP_FORMAT, "revision": db.current(), "tables": {}}
    with db.reading() as s:
        for table in tables:
            rows = s.execute(table.select().order_by(*table.primary_key.columns)).mappings()
            out["tables"][table.name] = [{k: _encode(v) for k, v in r.items()} for r in rows]
    # the shared atomic write (fsync, rename, folder fsync); owner-only: it is members' health data
    with atomic_write(target, "w", private=True, encoding="utf-8") as f:
        json.dump(out, f)
    return {name: len(rows) for name, rows in out["tables"].items()}


def _read_backup(source: Path) -> dict:
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommunityInputError(f"backup file {source}: cannot be read as JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise CommunityInputError(f"backup file {source}: not an mmdecide community backup")
    return data


def restore(db: Database, source: Path) -> dict[str, int]:
    """Replace all data with a backup's, in one transaction (all or nothing); rows per table.

    The database is first upgraded to the newest schema; a backup from another schema
    version is refused rather than guessed at.
    """
    data = _read_backup(source)
    db.upgrade()
    if data.get("revision") != db.current():
        raise CommunityInputError(
            f"backup file {source}: made with schema {data.get('revision')}, this database has "
            f"{db.current()}; restore it with the mmdecide version that made it")
    tables = [t for t in Base.metadata.sorted_tables]
    counts = {}
    with db.transaction() as s:
        for table in reversed(tables):
            s.execute(table.delete())
        for table in tables:
            rows = data["tables"].get(table.name, [])
            if rows:
                cols = table.columns
                s.execute(table.insert(), [{k: _decode(cols[k], v) for k, v in r.items()} for r in rows])
            counts[table.name] = len(rows)
        if not db.is_sqlite:  # explicit ids were inserted: move each id sequence past them
            for table in tables:
                if "id" in table.columns:
                    s.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
    return {k: v for k, v in counts.items() if k not in _NOT_BACKED_UP}
