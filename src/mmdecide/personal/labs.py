"""Laboratory values of a profile: units accepted in their common forms, converted, range-checked.

One parser serves the web form, the command line and the JSON API: a lab value is either a
number in the field's own unit (the unit in the field name, e.g. ``albumin_g_dl``) or text with a
unit (``"35 g/L"``) or ``{"value": 35, "unit": "g/L"}``. Values are stored in the field's unit.

Conversions (exact unless cited):
* albumin, hemoglobin: 1 g/dL = 10 g/L (1 dL = 0.1 L);
* beta-2 microglobulin: 1 mg/L = 1 ug/mL = 0.1 mg/dL; 1 mg/L = 84.7 nmol/L (molar mass about
  11.8 kDa), as printed by a hospital laboratory manual (St. Boniface Hospital, Winnipeg, test BZMG:
  https://apps.sbgh.mb.ca/labmanual/test/view?seedId=4803, "mg/L x 84.7 = nmol/L");
* blood cell counts: 1 x 10^9/L = 1 x 10^3/uL = 1,000 /uL (= /mm3), since 1 uL = 10^-6 L.

The plausible ranges below are bounds against typing and unit errors, not clinical thresholds: a
value outside them is refused with a message that names the unit to check on the lab report and,
when the number fits another common unit, what it would be in the field's unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticCustomError

__all__ = ["LABS", "Lab", "parse_lab", "unit_key"]


@dataclass(frozen=True)
class Lab:
    field: str
    words: str  # the test as a patient reads it on a report
    unit: str  # the field's unit, as displayed
    units: tuple[tuple[str, float], ...]  # (unit as displayed, factor to the field's unit)
    low: float  # plausible range in the field's unit (entry-error bounds)
    high: float

    def factor(self, unit: str) -> float | None:
        key = unit_key(unit)
        return next((f for u, f in self.units if unit_key(u) == key), None)


_COUNT_UNITS = (("x10^9/L", 1.0), ("x10^3/uL", 1.0), ("/uL", 1e-3), ("/mm3", 1e-3))

#: Every lab field of a profile. Ranges: albumin 1-7 g/dL and hemoglobin 3-22 g/dL hold every
#: living adult's result; the counts allow severe lows (a count of 0 is possible after treatment).
LABS: dict[str, Lab] = {lab.field: lab for lab in (
    Lab("beta2_microglobulin_mg_l", "beta-2 microglobulin", "mg/L",
        (("mg/L", 1.0), ("ug/mL", 1.0), ("mg/dL", 10.0), ("nmol/L", 1 / 84.7)), 0.1, 100.0),
    Lab("albumin_g_dl", "albumin", "g/dL", (("g/dL", 1.0), ("g/L", 0.1)), 1.0, 7.0),
    Lab("hemoglobin_g_dl", "hemoglobin", "g/dL", (("g/dL", 1.0), ("g/L", 0.1)), 3.0, 22.0),
    Lab("neutrophils_10e9_l", "neutrophils (absolute neutrophil count, ANC)", "x10^9/L",
        _COUNT_UNITS, 0.0, 100.0),
    Lab("platelets_10e9_l", "platelets", "x10^9/L", _COUNT_UNITS, 0.0, 2000.0),
    Lab("creatinine_clearance_ml_min", "creatinine clearance", "mL/min", (("mL/min", 1.0),), 1.0, 250.0),
)}  # fmt: skip

_SPELLINGS = (
    ("µ", "u"), ("μ", "u"), ("mcl", "ul"), ("mcg", "ug"), ("×", "x"), ("*", "x"), ("cells", ""),
    ("mm^3", "mm3"), ("mm³", "mm3"), ("10e9", "10^9"), ("10e3", "10^3"), ("10⁹", "10^9"),
    ("10³", "10^3"), ("giga/l", "10^9/l"), ("k/ul", "10^3/ul"),
)


def unit_key(unit: str) -> str:
    """A unit in one spelling: lower case, no spaces, 'u' for micro, no leading 'x'."""
    u = unit.strip().lower().replace(" ", "")
    for a, b in _SPELLINGS:
        u = u.replace(a, b)
    return u.removeprefix("x")


_NUMBER_UNIT = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?(?:e[-+]?\d+)?)\s*(.*?)\s*$", re.IGNORECASE)


def _fail(rule: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(rule, message)


def _split(lab: Lab, raw: Any) -> tuple[float, str | None]:
    """(number, unit or None) from a number, a text with a unit, or {value, unit}."""
    if isinstance(raw, bool):
        raise _fail("lab_value", f"must be a number in {lab.unit}, got {raw!r}")
    if isinstance(raw, (int, float)):
        return float(raw), None
    if isinstance(raw, dict) and set(raw) <= {"value", "unit"} and "value" in raw:
        number, unit = _split(lab, raw["value"])
        given = raw.get("unit")
        if given is not None and not isinstance(given, str):
            raise _fail("lab_unit", f"unit must be text such as {lab.unit!r}")
        return number, given or unit
    if isinstance(raw, str):
        m = _NUMBER_UNIT.match(raw[:60])
        if m is None:
            raise _fail("lab_value", f"{raw[:60]!r} is not a number with a unit; write it as on "
                                     f"the lab report, for example '{_example(lab)}'")
        return float(m.group(1).replace(",", ".")), (m.group(2) or None)
    raise _fail("lab_value", f"must be a number in {lab.unit} or a text such as '{_example(lab)}'")


def _example(lab: Lab) -> str:
    mid = (lab.low + lab.high) / 2 if lab.field != "albumin_g_dl" else 3.5
    return f"{mid:g} {lab.unit}"


def _accepted(lab: Lab) -> str:
    return ", ".join(u for u, _ in lab.units)


def parse_lab(field: str, raw: Any) -> float | None:
    """The value of lab ``field`` in the field's unit; raises a message naming the unit to check."""
    if raw is None:
        return None
    lab = LABS[field]
    number, unit = _split(lab, raw)
    if not math.isfinite(number):
        raise _fail("lab_value", f"must be a finite number in {lab.unit}, got {number!r}")
    if unit is not None:
        factor = lab.factor(unit)
        if factor is None:
            raise _fail("lab_unit", f"unit {unit[:20]!r} is not known for {lab.words}; use one of "
                                    f"{_accepted(lab)} (check the unit printed next to the result)")
        number = _tidy(number * factor)
    if lab.low <= number <= lab.high:
        return number
    shown = f"{number:g} {lab.unit}"
    hint = _other_unit_hint(lab, number if unit is None else None)
    raise _fail("lab_range", f"{shown} is outside the possible range for {lab.words} "
                             f"({lab.low:g} to {lab.high:g} {lab.unit}). Check the number and the "
                             f"unit on your lab report{hint}")


def _tidy(x: float) -> float:
    """35 g/L x 0.1 is 3.5, not 3.5000000000000004 (ten significant digits are ample)."""
    return float(f"{x:.10g}")


def _other_unit_hint(lab: Lab, number: float | None) -> str:
    """'; if your report says 35 g/L, that is 3.5 g/dL' when the bare number fits another unit."""
    if number is None:
        return "."
    for unit, factor in lab.units:
        converted = _tidy(number * factor)
        if factor != 1.0 and lab.low <= converted <= lab.high:
            return (f"; if your report says {number:g} {unit}, that is {converted:g} {lab.unit}: "
                    f"enter {converted:g}, or give the unit as {unit}.")
    return "."
