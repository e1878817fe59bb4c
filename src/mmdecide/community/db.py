"""Where the community data lives: the database URL, the engine, migrations, backup and restore.

The default is an SQLite file ``community.sqlite3`` in ``$MMDECIDE_DATA_DIR`` (or ``./var``; never
inside the package), created on first use with nothing to configure. ``MMDECIDE_DATABASE_URL``
points at PostgreSQL instead (``postgresql://user:pass@host/db``) for a deployment with several
workers: sessions and rate-limit counters are rows, so any worker can serve any request.

SQLite runs in WAL mode (readers do not block the writer) with foreign keys on. Every writing
transaction starts with ``BEGIN IMMEDIATE`` so two writers queue instead of failing with
"database is locked" when a read turns into a write; within one process writers also queue on a
lock, because SQLite's own busy wait sleeps in steps of up to 100 ms and so makes the slowest
writes far slower than the lock does. Read-only transactions (``Database.reading``) start with a
plain ``BEGIN`` and never wait for writers.
"""

from __future__ import annotations

import json
import os
import tempfile
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
        with self._write_lock, self._sessions.begin() as session:
            yield session

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
    target = Path(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=".backup-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(out, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
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
