"""The community is a leaf of the package: evidence, engine, personal and report never import it,
and it imports no web code outside its own pages (``community/web``)."""

from __future__ import annotations

import ast
from pathlib import Path

import mmdecide

ROOT = Path(mmdecide.__file__).parent


def imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            name = ".".join(x for x in (base, node.module or "") if x)
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
    return out


def test_core_packages_never_import_the_community():
    for area in ("evidence", "engine", "personal", "report"):
        for path in (ROOT / area).rglob("*.py"):
            bad = {m for m in imports(path) if m.startswith("mmdecide.community")}
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_community_core_imports_no_web_code():
    for path in (ROOT / "community").rglob("*.py"):
        if "web" in path.relative_to(ROOT / "community").parts:
            continue
        bad = {m for m in imports(path) if m.startswith(("mmdecide.web", "fastapi", "starlette"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_check_sees_imports():
    names = imports(ROOT / "community" / "aggregates.py")
    assert "mmdecide.engine.km" in names and "sqlalchemy" in names
