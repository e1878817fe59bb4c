"""The layering of docs/architecture.md, checked over the import graph of src/mmdecide.

Every ``import`` and ``from ... import`` in every module counts, including those inside functions
(deferred only to keep start-up fast) and those under ``if TYPE_CHECKING``: a deferred import is
still a dependency. Also checked: no import cycles between modules, no module over 600 lines and
no function over 80 lines, except the named offenders below, which are to be split.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "mmdecide"

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

#: Modules over MAX_MODULE_LINES today, to split (path relative to src/mmdecide -> lines allowed).
LONG_MODULES: dict[str, int] = {}

#: Functions over MAX_FUNCTION_LINES today ("module:qualified name" -> lines allowed), each to
#: split. An entry may
#: only shrink: the limit is today's length.
LONG_FUNCTIONS: dict[str, int] = {}

#: Part -> the parts it must never import (directly or through a deferred import).
#: ``mmdecide.errors`` (shared exception types) and the root package may be imported by anyone.
FORBIDDEN: dict[str, set[str]] = {
    "engine": {"evidence", "personal", "report", "web", "cli", "api", "community"},
    "evidence": {"engine", "personal", "report", "web", "cli", "api", "community"},
    "personal": {"report", "web", "cli", "api", "community"},
    "report": {"web", "cli", "api", "community"},
    "web": {"engine", "cli"},
    # members' records stay apart from the trial-based estimates: the community reads no
    # evidence and no estimate (its aggregates use engine.km; its pages web.rendering)
    "community": {"evidence", "personal", "report", "cli", "api"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def _graph() -> dict[str, set[str]]:
    """Module -> the mmdecide modules it imports (a name imported from a package that is itself a
    submodule counts as that submodule)."""
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                for a in node.names:
                    targets.add(f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base)
        graph[name] = {t for t in targets if t in mods and t != name}
    return graph


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_graph_sees_the_imports():
    g = _graph()
    assert "mmdecide.engine.km" in g["mmdecide.engine.rmst"]
    assert "mmdecide.report.analyses" in g["mmdecide.web.services"]  # a deferred import counts
    assert "mmdecide.evidence" in g["mmdecide.personal.model"]


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_each_part_imports_only_what_it_may(part):
    bad = sorted(
        f"{src} imports {dst}"
        for src, dsts in _graph().items() if _part(src) == part
        for dst in dsts if _part(dst) in FORBIDDEN[part]
    )  # fmt: skip
    assert bad == []


def test_the_architecture_doc_places_every_part():
    """docs/architecture.md has a row for every sub-package of mmdecide, and each part's
    forbidden imports here are the ones that row names (so the map cannot drift from the check)."""
    doc = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)/` \|.*\| ([^|]*) \|$", doc, re.M)}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py") if p.parent.name != "data"}
    assert packages <= set(rows), f"parts missing from docs/architecture.md: {sorted(packages - set(rows))}"
    for part, forbidden in FORBIDDEN.items():
        named = set(re.findall(r"\b(" + "|".join(sorted(_PARTS)) + r")\b", rows[part]))
        assert named == forbidden, (part, sorted(named), sorted(forbidden))


_PARTS = {"engine", "evidence", "personal", "report", "web", "cli", "api", "community"}


def test_no_import_cycles():
    g = _graph()
    # The root package's lazy ``mmdecide.estimate`` is a convenience entry point, not a
    # dependency of anything inside: edges into the root are left out of the cycle search.
    edges = {m: {d for d in ds if d != "mmdecide"} for m, ds in g.items()}
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(edges[m]):
            if state.get(d) == 1:
                cycles.append(" -> ".join([*stack[stack.index(d):], d]))
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert cycles == []


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_no_module_is_too_long():
    long = {}
    for path in _modules().values():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > LONG_MODULES.get(_rel(path), MAX_MODULE_LINES):
            long[_rel(path)] = n
    assert long == {}, f"over {MAX_MODULE_LINES} lines (split them): {long}"


def _functions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{node.name}", node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")


def test_no_function_is_too_long():
    long = {}
    for path in _modules().values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for qual, node in _functions(tree):
            key = f"{_rel(path)}:{qual}"
            n = node.end_lineno - node.lineno + 1
            if n > LONG_FUNCTIONS.get(key, MAX_FUNCTION_LINES):
                long[key] = n
    assert long == {}, f"over {MAX_FUNCTION_LINES} lines (split them): {long}"


def test_allow_lists_name_only_real_offenders():
    """An entry that is no longer over the limit (or no longer exists) is removed, not kept."""
    sizes = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules().values()}
    for rel in LONG_MODULES:
        assert sizes.get(rel, 0) > MAX_MODULE_LINES, f"{rel} is short now: remove it from LONG_MODULES"
    lengths = {}
    for path in _modules().values():
        for qual, node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            lengths[f"{_rel(path)}:{qual}"] = node.end_lineno - node.lineno + 1
    for key in LONG_FUNCTIONS:
        assert lengths.get(key, 0) > MAX_FUNCTION_LINES, f"{key} is short now: remove it from LONG_FUNCTIONS"


STRICT_PARTS = ("engine", "personal")


def test_strict_typing_covers_engine_and_personal_with_no_exemption():
    """`make lint` runs mypy --strict on engine and personal, and nothing in pyproject turns a
    check off for a project module: no ``ignore_errors`` anywhere, no override naming ``mmdecide``
    (the last four exempt personal modules were typed on 5 December 2026)."""
    import tomllib

    root = SRC.parent
    lint = (root / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n", 1)[0]
    mypy_line = next(line for line in lint.splitlines() if "mypy" in line)
    assert "--strict" in mypy_line
    for part in STRICT_PARTS:
        assert f"src/mmdecide/{part}" in mypy_line.split(), f"`make lint` must type-check {part} strictly"
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert not config.get("ignore_errors"), "mypy's ignore_errors hides every error"
    for override in config.get("overrides", []):
        modules = [override["module"]] if isinstance(override["module"], str) else override["module"]
        assert not override.get("ignore_errors"), f"modules exempt from strict typing: {modules}"
        ours = [m for m in modules if m.split(".")[0] == "mmdecide"]
        assert not ours, f"a mypy override weakens the checks on {ours}"


def test_type_ignores_in_strict_parts_name_their_error_code():
    """A bare ``# type: ignore`` silences every error on its line; one naming its code silences
    only the one a library's stubs get wrong."""
    bare = re.compile(r"#\s*type:\s*ignore(?!\[)")
    found = [f"{_rel(path)}:{n}" for part in STRICT_PARTS for path in sorted((PACKAGE / part).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if bare.search(line)]
    assert not found, f"type: ignore without an error code: {found}"
