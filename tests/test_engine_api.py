"""The engine's public surface: every name in ``mmdecide.engine.__all__`` resolves to the object its
submodule defines, and importing the package alone loads no estimator."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import mmdecide.engine as engine


def test_every_public_name_is_the_submodules_object():
    assert engine.__all__ == sorted(engine._EXPORTS)
    for name in engine.__all__:
        module = importlib.import_module(f"mmdecide.engine.{engine._EXPORTS[name]}")
        assert name in module.__all__, f"{name} is not in its submodule's __all__"
        assert getattr(engine, name) is getattr(module, name)


def test_no_private_name_is_exported():
    assert not [n for n in engine.__all__ if n.startswith("_")]


def test_unknown_name_is_an_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="has no attribute 'kaplan_meir'"):
        engine.kaplan_meir  # noqa: B018


def test_importing_the_package_loads_no_estimator():
    code = ("import sys, mmdecide.engine; "
            "print(sorted(m for m in sys.modules if m.startswith('mmdecide.engine.')))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
