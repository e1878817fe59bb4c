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
