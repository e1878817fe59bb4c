"""Docs can't drift: every CLI command is in the README, and the README's Python example runs."""

from __future__ import annotations

import doctest
from pathlib import Path

import typer.main

from mmdecide.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _commands(group, prefix=""):
    click_group = typer.main.get_command(group)
    for name, cmd in click_group.commands.items():
        if hasattr(cmd, "commands"):
            for sub in cmd.commands:
                yield f"{prefix}{name} {sub}"
        else:
            yield f"{prefix}{name}"


def test_every_cli_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text()
    commands = sorted(_commands(app))
    assert "km" in commands and "evidence validate" in commands
    for cmd in commands:
        assert f"mmdecide {cmd}" in readme, f"`mmdecide {cmd}` is not documented in README.md"


def _options(path: str) -> set[str]:
    cmd = typer.main.get_command(app)
    for word in path.split():
        cmd = cmd.commands[word]
    return {o for param in cmd.params for o in (*param.opts, *param.secondary_opts)}


def test_every_option_the_readme_writes_exists():
    """Each `mmdecide CMD ... --option` the README or docs write is an option of CMD (a renamed option
    left the README naming one the command refuses)."""
    import re

    text = "\n".join(p.read_text() for p in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))))
    commands = sorted(_commands(app), key=len, reverse=True)
    checked = 0
    inline = re.findall(r"`(mmdecide [^`]+)`", text)
    shell = re.findall(r"^\s*(?:\$ |\.venv/bin/)?(mmdecide [a-z][^\n#`]*)", text, re.MULTILINE)  # code blocks
    for snippet in inline + shell:
        rest = snippet.removeprefix("mmdecide ")
        cmd = next((c for c in commands if rest == c or rest.startswith(c + " ")), None)
        if cmd is None:
            continue
        known = _options(cmd)
        for opt in re.findall(r"(?<![\w-])--[a-z0-9][a-z0-9-]*", rest):
            assert opt in known, f"docs: `{snippet}`: {opt} is not an option of `mmdecide {cmd}`"
            checked += 1
    assert checked >= 10


def test_readme_python_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, verbose=False)
    assert result.attempted >= 4
    assert result.failed == 0


def test_readme_names_the_two_commands_and_ci_calls_one():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_doctests_in_engine_modules():
    import importlib

    for name in ("mmdecide.engine.survdata", "mmdecide.engine.km", "mmdecide.engine.reconstruct",
                 "mmdecide.engine.indirect", "mmdecide.api"):
        mod = importlib.import_module(name)
        res = doctest.testmod(mod)
        assert res.failed == 0, name
    import simulate  # test support beside this file

    res = doctest.testmod(simulate)
    assert res.attempted > 0 and res.failed == 0


def test_no_machine_specific_paths_in_docs():
    for p in (ROOT / "README.md", *(ROOT / "docs" / n for n in ("methods.md", "evidence.md", "architecture.md"))):
        text = p.read_text()
        for prefix in ("/wo" + "rk/", "/ro" + "ot/"):  # split so this file does not match itself
            assert prefix not in text, p
