"""Months, years, weeks and days: the one home of the conversions between time units.

Evidence reports follow-up and survival times in months, years, weeks or days; the engine and
the personal estimates work in months; patients read years (or months under one year). Every
conversion goes through here so that one convention holds everywhere:
a year is 12 months and 365.25 days (the Julian year of survival analyses, so a month is
30.4375 days), and 52.1775 weeks (365.2425 / 7, the value the evidence rules have always used).
Imports nothing, so any part of the package may use it.
"""

from __future__ import annotations

__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "MONTHS_PER",
    "MONTHS_PER_YEAR",
    "convert",
    "is_whole_months",
    "months_to_years",
    "to_months",
    "whole_months",
    "years_to_months",
]

MONTHS_PER_YEAR = 12
DAYS_PER_YEAR = 365.25
WEEKS_PER_YEAR = 52.1775
DAYS_PER_MONTH = DAYS_PER_YEAR / MONTHS_PER_YEAR  # 30.4375

#: Months in one of each time unit an evidence file may use.
MONTHS_PER: dict[str, float] = {
    "months": 1.0,
    "years": float(MONTHS_PER_YEAR),
    "weeks": MONTHS_PER_YEAR / WEEKS_PER_YEAR,
    "days": MONTHS_PER_YEAR / DAYS_PER_YEAR,
}


def years_to_months(years: float) -> float:
    return years * MONTHS_PER_YEAR


def months_to_years(months: float) -> float:
    return months / MONTHS_PER_YEAR


def to_months(value: float, unit: str) -> float:
    """A time in one of :data:`MONTHS_PER`'s units, in months (KeyError for another unit)."""
    return value * MONTHS_PER[unit]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """A time from one unit of :data:`MONTHS_PER` to another."""
    return value * MONTHS_PER[from_unit] / MONTHS_PER[to_unit]


def whole_months(years: float) -> int:
    """The nearest whole number of months to a time in years."""
    return round(years * MONTHS_PER_YEAR)


def is_whole_months(years: float, tolerance: float = 1e-9) -> bool:
    """True when a time in years is a whole number of months (within floating-point error)."""
    return abs(years * MONTHS_PER_YEAR - round(years * MONTHS_PER_YEAR)) <= tolerance
