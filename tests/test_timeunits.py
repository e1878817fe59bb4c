"""Month/year conversions live in one place (mmdecide.timeunits); no module multiplies or divides
by 12 (or 365.25) on its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mmdecide
from mmdecide.timeunits import (
    DAYS_PER_MONTH,
    convert,
    is_whole_months,
    months_to_years,
    to_months,
    whole_months,
    years_to_months,
)

SRC = Path(mmdecide.__file__).resolve().parent


def test_conversions():
    assert years_to_months(2.5) == 30 and months_to_years(18) == 1.5
    assert to_months(1, "years") == 12 and to_months(365.25, "days") == pytest.approx(12)
    assert to_months(52.1775, "weeks") == pytest.approx(12)
    assert convert(6, "months", "years") == 0.5 and convert(2, "years", "months") == 24
    assert DAYS_PER_MONTH == 30.4375
    assert whole_months(0.5) == 6 and whole_months(1 / 12 + 1e-12) == 1
    assert is_whole_months(2.5) and is_whole_months(7 / 12) and not is_whole_months(0.1)
    with pytest.raises(KeyError):
        to_months(1, "fortnights")


def _hand_conversions(path: Path) -> list[int]:
    """Lines where a number is multiplied or divided by 12 or 365.25."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and side.value in (12, 12.0, 365.25):
                    lines.append(node.lineno)
    return lines


def test_no_module_converts_time_by_hand():
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "timeunits.py":
            continue
        if lines := _hand_conversions(path):
            found[rel] = lines
    assert not found, f"convert with mmdecide.timeunits instead: {found}"
