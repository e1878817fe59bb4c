"""Counts of people in words, for every patient view: '58', 'fewer than 1', 'about 16',
'between 19 and 62', '2 years'. The web pages and the picture descriptions (``picture_words``)
share them, so a number reads the same wherever it is written."""

from __future__ import annotations

import math

from ..personal.result import Number
from ..timeunits import whole_months

__all__ = ["BELOW_ONE", "about", "between", "fmt_years", "people", "whole"]

#: a range whose both ends round to fewer than 1 (not "fewer than 1 to fewer than 1")
BELOW_ONE = "the whole range is below 1"


def whole(x: float | None) -> int | None:
    """A count out of 100 people as the estimate rounds it (``round``, as ``*_out_of_100``)."""
    if x is None or not math.isfinite(x):
        return None
    return round(x)


def people(x: float | None) -> str:
    """'58', or 'fewer than 1' for a count that rounds to 0 but is not 0."""
    n = whole(x)
    if n is None:
        return "not known"
    if n == 0 and x > 0:
        return "fewer than 1"
    return str(n)


def about(x: float | None) -> str:
    """'about 16', or 'fewer than 1' (never 'about fewer than 1')."""
    n = people(x)
    return n if n.startswith("fewer") else f"about {n}"


def between(n: Number) -> str:
    """'between 19 and 62' (the 95% range in words), or '' when there is no range."""
    if n.lower is None or n.upper is None:
        return ""
    lo, hi = people(n.lower), people(n.upper)
    if lo == hi == "fewer than 1":
        return BELOW_ONE  # not "about fewer than 1"
    return f"about {lo}" if lo == hi else f"between {lo} and {hi}"


def fmt_years(y: float) -> str:
    if y < 1:
        return f"{whole_months(y)} months"
    return "1 year" if y == 1 else f"{y:g} years"
