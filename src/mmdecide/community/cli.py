"""``mmdecide db``: upgrade, back up and restore the community database.

The database is ``--database-url``, else ``MMDECIDE_DATABASE_URL``, else the default SQLite file
(see :mod:`mmdecide.community.db`). Heavy imports happen inside the commands so the rest of the
command line starts fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

db_app = typer.Typer(help="The community database: upgrade, backup, restore.", no_args_is_help=True)

_URL = typer.Option("--database-url", help="Database URL (default: MMDECIDE_DATABASE_URL, else "
                    "an SQLite file in MMDECIDE_DATA_DIR or ./var).")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _open(url: str | None):
    from sqlalchemy.exc import ArgumentError, OperationalError

    from .db import Database, default_url

    try:
        db = Database(url or default_url())
        db.current()  # connect now, so a wrong URL is one clear line
        return db
    except (ArgumentError, OperationalError, ValueError) as exc:
        _fail(f"--database-url: cannot open the database ({str(exc).splitlines()[0]})")


@contextmanager
def _opened(url: str | None) -> Iterator:
    """The database, its connections and lock file closed when the command ends (also on an
    error), not whenever the garbage collector gets to them."""
    db = _open(url)
    try:
        yield db
    finally:
        db.dispose()


def _safe(url: str) -> str:
    # never print a password that is part of the URL
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def upgrade(database_url: Annotated[str | None, _URL] = None) -> None:
    """Create the tables or bring them to the newest schema (safe to run again)."""
    with _opened(database_url) as db:
        before = db.current()
        head = db.upgrade()
    typer.echo(f"ok: {_safe(db.url)} at schema {head}" + ("" if before == head else f" (was {before})"))


@db_app.command("backup")
def backup_cmd(
    target: Annotated[Path, typer.Argument(help="The backup file to write (JSON; written atomically).")],
    database_url: Annotated[str | None, _URL] = None,
) -> None:
    """Write every member's data to one file (login sessions are left out)."""
    from .db import backup

    if not target.parent.is_dir():
        _fail(f"backup file {target}: the folder {target.parent} does not exist")
    with _opened(database_url) as db:
        db.upgrade()
        counts = backup(db, target)
    typer.echo(f"ok: backed up {counts.get('member', 0)} member(s), {sum(counts.values())} row(s) to {target}")


@db_app.command("restore")
def restore_cmd(
    source: Annotated[Path, typer.Argument(help="A file written by `mmdecide db backup`.")],
    database_url: Annotated[str | None, _URL] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm that all current data is replaced.")] = False,
) -> None:
    """Replace all data in the database with a backup's (one transaction: all or nothing)."""
    from .db import restore
    from .errors import CommunityInputError

    if not yes:
        _fail("--yes: restore replaces all data in the database; add --yes to confirm")
    if not source.is_file():
        _fail(f"backup file {source}: not found")
    with _opened(database_url) as db:
        try:
            counts = restore(db, source)
        except CommunityInputError as exc:
            _fail(str(exc))
    typer.echo(f"ok: restored {counts.get('member', 0)} member(s), {sum(counts.values())} row(s) from {source}")


@db_app.command("set-role")
def set_role(
    handle: Annotated[str, typer.Argument(help="The member's nickname.")],
    role: Annotated[str, typer.Argument(help="member or moderator")],
    database_url: Annotated[str | None, _URL] = None,
) -> None:
    """Make a member a moderator (or a member again). No web page grants roles."""
    from sqlalchemy import select

    from .models import Member

    with _opened(database_url) as db:
        db.upgrade()
        with db.transaction() as s:
            member = s.scalar(select(Member).where(Member.handle == handle))
            if member is None:
                _fail(f"handle {handle!r}: no such member")
            if role not in ("member", "moderator"):
                _fail(f"role: must be member or moderator, got {role!r}")
            member.role = role
    typer.echo(f"ok: {handle} is now a {role}")
