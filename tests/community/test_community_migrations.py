"""The migration: the schema that existing databases already have, upgrade from empty and from
the previous head (the database already at it), and downgrade then upgrade again.

``schema_0001_sqlite.json`` is the SQLite schema (every CREATE statement, as SQLite stores it)
that revision 0001 made when it was first released. Databases at 0001 are never migrated again,
so 0001 must go on making exactly this schema however its code is arranged; a change belongs in
a new revision.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect, text
from typer.testing import CliRunner

from mmdecide.cli import app
from mmdecide.community.db import Database
from mmdecide.community.models import Base, Member, utc_now

SCHEMA_0001 = Path(__file__).parent / "schema_0001_sqlite.json"


def _sqlite_schema(db: Database) -> list[list[str]]:
    with db.engine.connect() as conn:
        return [list(r) for r in conn.execute(text(
            "select type, name, tbl_name, sql from sqlite_master where name != 'alembic_version' order by name"))]


def test_upgrade_from_empty_makes_the_released_schema(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    db.upgrade()
    assert _sqlite_schema(db) == json.loads(SCHEMA_0001.read_text(encoding="utf-8"))
    db.dispose()


def test_upgrade_from_the_previous_head_keeps_the_data(db_url):
    """A database already at the newest revision: ``mmdecide db upgrade`` changes nothing."""
    db = Database(db_url)
    db.upgrade()
    with db.transaction() as s:
        s.add(Member(handle="ana", password_hash="x", role="member", created_at=utc_now()))
    before = sorted(inspect(db.engine).get_table_names())
    out = CliRunner().invoke(app, ["db", "upgrade", "--database-url", db_url])
    assert out.exit_code == 0 and "at schema" in out.output, out.output
    assert db.current() == db.head() and sorted(inspect(db.engine).get_table_names()) == before
    with db.reading() as s:
        assert s.query(Member.handle).all() == [("ana",)]
    db.dispose()


def test_downgrade_to_empty_and_upgrade_again(db_url):
    from alembic import command

    db = Database(db_url)
    db.upgrade()
    cfg = db._alembic()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    db.upgrade()
    assert {t.name for t in Base.metadata.sorted_tables} <= set(inspect(db.engine).get_table_names())
    db.dispose()
