"""Checks on what members enter. Each failure is a :class:`CommunityInputError` whose one-line
message names the field and the rule, and each check runs before anything is written."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from .errors import CommunityInputError
from .terms import LAB_KINDS

__all__ = [
    "choice", "day", "handle", "lab", "number", "optional_day", "password", "text",
]

#: the earliest date accepted: autologous transplant with lenalidomide maintenance is far later
EARLIEST = date(1980, 1, 1)
_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")


def _fail(field: str, rule: str) -> CommunityInputError:
    return CommunityInputError(f"{field}: {rule}")


def handle(value: Any) -> str:
    v = str(value or "").strip()
    if not _HANDLE.match(v):
        raise _fail("handle", "3 to 32 characters: letters, digits, '.', '_' or '-', starting "
                    "with a letter or digit (no real name needed)")
    return v


def password(value: Any, field: str = "password") -> str:
    v = str(value or "")
    if not 10 <= len(v) <= 200:
        raise _fail(field, "must be 10 to 200 characters long")
    return v


def day(value: Any, field: str, today: date | None = None) -> date:
    """A date as YYYY-MM-DD (or a date), not in the future and not before 1980."""
    today = today or date.today()
    if isinstance(value, date):
        d = value
    else:
        try:
            d = date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise _fail(field, "must be a date written as YYYY-MM-DD, for example 2024-03-31") from None
    if d > today:
        raise _fail(field, f"must not be in the future (today is {today.isoformat()})")
    if d < EARLIEST:
        raise _fail(field, f"must be on or after {EARLIEST.isoformat()}")
    return d


def optional_day(value: Any, field: str, today: date | None = None) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return day(value, field, today)


def number(value: Any, field: str, low: float, high: float, *, low_open: bool = False) -> float:
    """A finite number within [low, high] (or (low, high] with ``low_open``)."""
    try:
        x = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _fail(field, "must be a number") from None
    if not math.isfinite(x):
        raise _fail(field, "must be a finite number")
    if x > high or x < low or (low_open and x == low):
        lo = f"more than {low:g}" if low_open else f"at least {low:g}"
        raise _fail(field, f"must be {lo} and at most {high:g}, got {x:g}")
    return x


def choice(value: Any, field: str, allowed: Mapping[str, Any] | tuple[str, ...]) -> str:
    v = str(value or "").strip()
    if v not in allowed:
        shown = ", ".join(list(allowed)[:8]) + (", ..." if len(allowed) > 8 else "")
        raise _fail(field, f"must be one of the listed choices ({shown})")
    return v


def text(value: Any, field: str, max_chars: int, *, required: bool = True) -> str:
    v = str(value or "").strip()
    if required and not v:
        raise _fail(field, "must not be empty")
    if len(v) > max_chars:
        raise _fail(field, f"must be at most {max_chars} characters, got {len(v)}")
    if any(ord(c) < 32 and c not in "\n\t" for c in v):
        raise _fail(field, "must not contain control characters")
    return v


def lab(kind: Any, value: Any, unit: Any) -> tuple[str, float, str, float]:
    """(kind, entered value, entered unit, value in the kind's stored unit) or a clear error."""
    k = choice(kind, "lab kind", LAB_KINDS)
    spec = LAB_KINDS[k]
    u = str(unit or "").strip()
    if u not in spec.units:
        raise _fail("unit", f"{spec.label} is entered in {' or '.join(spec.units)}, got {u or 'nothing'!r}")
    x = number(value, "value", -math.inf, math.inf)
    stored = spec.to_stored(x, u)
    if not spec.low <= stored <= spec.high:
        lo, hi = spec.low / spec.units[u], spec.high / spec.units[u]
        raise _fail("value", f"{spec.label} {x:g} {u} is outside {lo:g} to {hi:g} {u}; "
                    "please check for a typing error or a different unit")
    return k, x, u, stored
