"""``mmdecide db upgrade|backup|restore`` on SQLite: a backup restored into a new database holds
the same data; bad input is one clear line and exit code 2."""

from __future__ import annotations

from typer.testing import CliRunner

from mmdecide.cli import app
from mmdecide.community.consent import CONSENT_VERSION

runner = CliRunner()


def test_backup_then_restore_into_a_new_database(tmp_path, make_community):
    src = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert "at schema" in runner.invoke(app, ["db", "upgrade", "--database-url", src]).output
    c = make_community(src)
    mid = c.accounts.sign_up("ana", "correct horse battery")
    c.accounts.give_consent(mid, CONSENT_VERSION)
    c.entries.add(mid, "lab", {"kind": "platelets", "value": "88", "unit": "x10^9/L", "day": "2024-03-01"})
    c.entries.add(mid, "side-effect", {"term": "Fatigue", "grade": "1", "day": "2024-03-02"})
    before = c.entries.timeline(mid)
    c.close()

    out = runner.invoke(app, ["db", "backup", str(tmp_path / "b.json"), "--database-url", src])
    assert out.exit_code == 0 and "backed up 1 member(s)" in out.output
    dst = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    out = runner.invoke(app, ["db", "restore", str(tmp_path / "b.json"), "--database-url", dst, "--yes"])
    assert out.exit_code == 0, out.output
    restored = make_community(dst)
    assert restored.entries.timeline(mid) == before


def test_db_commands_refuse_bad_input_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    cases = [
        (["db", "restore", str(tmp_path / "b.json"), "--database-url", url], "--yes: restore replaces"),
        (["db", "restore", str(tmp_path / "missing.json"), "--database-url", url, "--yes"], "not found"),
        (["db", "backup", str(tmp_path / "no" / "b.json"), "--database-url", url], "does not exist"),
        (["db", "upgrade", "--database-url", "bogus"], "--database-url: cannot open the database"),
    ]
    for args, message in cases:
        out = runner.invoke(app, args)
        assert out.exit_code == 2 and message in out.output, (args, out.output)
        assert "Traceback" not in out.output


def test_every_db_command_closes_its_database(tmp_path, make_community, monkeypatch):
    """Each command disposes the database it opened (connections and the SQLite write-lock file),
    on success and when it stops with an error."""
    from mmdecide.community.db import Database

    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    c = make_community(url)
    c.accounts.sign_up("ana", "correct horse battery")
    c.close()
    runner.invoke(app, ["db", "backup", str(tmp_path / "b.json"), "--database-url", url])
    opened: list[Database] = []
    closed: list[Database] = []
    real_init, real_dispose = Database.__post_init__, Database.dispose
    monkeypatch.setattr(Database, "__post_init__", lambda self: (real_init(self), opened.append(self))[0])
    monkeypatch.setattr(Database, "dispose", lambda self: (closed.append(self), real_dispose(self))[1])
    commands = [
        (["db", "upgrade"], 0),
        (["db", "backup", str(tmp_path / "c.json")], 0),
        (["db", "restore", str(tmp_path / "b.json"), "--yes"], 0),
        (["db", "set-role", "ana", "moderator"], 0),
        (["db", "set-role", "nobody", "moderator"], 2),
        (["db", "set-role", "ana", "king"], 2),
    ]
    for args, code in commands:
        opened.clear()
        closed.clear()
        out = runner.invoke(app, [*args, "--database-url", url])
        assert out.exit_code == code, (args, out.output)
        assert opened and all(any(d is o for d in closed) for o in opened), f"{args[1]} left it open"


def test_backup_is_private_durable_and_all_or_nothing(tmp_path, make_community, monkeypatch):
    """The backup goes through the shared atomic write: owner-only whatever the umask, the rename
    made durable by syncing the folder, and a failure part-way leaves the old backup whole."""
    import json
    import os
    import stat

    from mmdecide.community import db as community_db

    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    c = make_community(url)
    c.accounts.sign_up("ana", "correct horse battery")
    target = tmp_path / "b.json"
    synced_folders: list[bool] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced_folders.append(stat.S_ISDIR(os.fstat(fd).st_mode)),
                                                 real_fsync(fd))[1])
    old_umask = os.umask(0o022)
    try:
        community_db.backup(c.db, target)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert True in synced_folders, "the folder holding the backup was not synced after the rename"
    before = target.read_bytes()

    def broken_dump(obj, fh):
        fh.write('{"format": "cut short')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(community_db.json, "dump", broken_dump)
    try:
        community_db.backup(c.db, target)
    except OSError:
        pass
    assert target.read_bytes() == before and json.loads(before)["tables"]["member"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
    c.close()
