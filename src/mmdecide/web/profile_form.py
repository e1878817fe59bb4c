"""The "About you" form: one field per ``PatientProfile`` field (``personal.fields``), with plain help text.

A profile is kept between pages in the signed session cookie (``session.py``) in the same
encoding the form posts (``[["age", "62"], ["cytogenetics", "del17p"], ...]``), never in a URL.
Every field is optional; "I don't know" is an empty value. :func:`read_profile` turns either a
posted form (or the session's stored answers) into a validated profile or a list of (field, message) errors with
the field names of :class:`~mmdecide.personal.ProfileError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..personal import PatientProfile, ProfileError, parse_profile
from ..personal.fields import ProfileField, profile_fields

__all__ = [
    "FIELDS",
    "MATTERS",
    "WHATIF_FIELDS",
    "YEARS",
    "FormField",
    "changes",
    "describe",
    "profile_params",
    "read_choice",
    "read_profile",
]

#: The horizons a person can choose on the results page.
YEARS = (1, 2, 3, 5, 7)

#: "What matters most to you": echoed back, never used to rank the options.
MATTERS = (
    ("longer-life", "Living longer"),
    ("time-without-myeloma", "Time without the myeloma coming back"),
    ("fewer-side-effects", "Avoiding side effects"),
    ("fewer-second-cancers", "Avoiding second cancers"),
    ("fewer-visits", "Fewer clinic visits and pills"),
)

#: The answers the "what if" box on the results page can change one at a time: those that move the
#: numbers most and that a person can ask their team about (the MRD result first).
WHATIF_FIELDS = ("mrd", "response", "r_iss", "cytogenetics")

UNKNOWN = ""  # the value of every "I don't know" choice


#: One form field per profile field, derived from the model's field registry (labels, help,
#: choices, units and bounds are written once, on ``PatientProfile``).
FormField = ProfileField
FIELDS: tuple[FormField, ...] = profile_fields()
_BY_NAME = {f.name: f for f in FIELDS}


def _values(source: Any, name: str) -> list[str]:
    """All values of ``name`` in a query or form multi-dict (or a plain mapping)."""
    if hasattr(source, "getlist"):
        return [str(v) for v in source.getlist(name)]
    v = source.get(name) if isinstance(source, Mapping) else None
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]


def read_profile(source: Any) -> tuple[PatientProfile | None, dict[str, Any], list[tuple[str, str]]]:
    """(profile or None, the raw values to show back in the form, errors as (field, message))."""
    data: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for f in FIELDS:
        vals = [v.strip() for v in _values(source, f.name)]
        if f.kind == "multi":
            chosen = [v for v in vals if v != UNKNOWN][:20]
            raw[f.name] = chosen
            if chosen:
                data[f.name] = chosen
            continue
        value = vals[0][:50] if vals else UNKNOWN
        raw[f.name] = value
        if f.units:  # the unit chosen beside a lab result (kept to show the form again)
            unit = (_values(source, f"{f.name}_unit") or [""])[0].strip()[:20]
            raw[f"{f.name}_unit"] = unit if unit in f.units else f.units[0]
        if value == UNKNOWN:
            continue
        if f.kind == "number":
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                errors.append((f.name, "Please enter a number, or leave it empty if you don't know."))
                continue
            if not math.isfinite(number):  # "nan", "inf", "1e309" parse as floats but are no value
                errors.append((f.name, "Please enter a number, or leave it empty if you don't know."))
                continue
            if f.integer:
                if number != int(number):
                    errors.append((f.name, "Please enter a whole number."))
                    continue
                number = int(number)
            unit = raw.get(f"{f.name}_unit", "")
            # a unit other than the field's own goes to the profile's lab parser, which converts it
            data[f.name] = f"{number!r} {unit}" if f.units and unit and unit != f.units[0] else number
        elif f.kind == "yesno":
            if value not in ("yes", "no"):
                errors.append((f.name, "Please choose yes, no or I don't know."))
                continue
            data[f.name] = value == "yes"
        else:
            data[f.name] = value
    if errors:
        return None, raw, errors
    try:
        return parse_profile(data), raw, []
    except ProfileError as exc:
        return None, raw, [(_field_of(field), msg) for field, msg in exc.errors]


def _field_of(field: str) -> str:
    """ProfileError names fields as PatientProfile does; 'profile' means the whole form."""
    return field.split(".")[0] if field.split(".")[0] in _BY_NAME else "profile"


def profile_params(profile: PatientProfile) -> list[tuple[str, str]]:
    """The profile as query parameters, in the form's encoding (the inverse of read_profile)."""
    out: list[tuple[str, str]] = []
    for name, value in profile.known_fields().items():
        if isinstance(value, bool):
            out.append((name, "yes" if value else "no"))
        elif isinstance(value, (list, tuple)):
            out.extend((name, str(v)) for v in value)
        elif isinstance(value, float) and value.is_integer():
            out.append((name, str(int(value))))
        else:
            out.append((name, str(value)))
    return out


def read_choice(source: Any, name: str, allowed: Sequence[str]) -> list[str]:
    """The allowed values of a multi-valued parameter, in the order of ``allowed``."""
    got = set(_values(source, name))
    return [a for a in allowed if a in got]


def describe(profile: PatientProfile) -> list[tuple[str, str]]:
    """(label, value in words) for every known field, for the results and summary pages."""
    out = []
    for name, value in profile.known_fields().items():
        f = _BY_NAME.get(name)
        if f is None:  # a profile field the form does not ask (set through the API only)
            continue
        labels = dict(f.choices)
        if isinstance(value, bool):
            text = labels["yes" if value else "no"]
        elif isinstance(value, (list, tuple)):
            text = ", ".join(labels.get(v, v) for v in value)
        elif f.kind == "number":
            text = f"{value:g} {f.unit}".strip()
        else:
            text = labels.get(str(value), str(value))
        out.append((f.label, text))
    return out


def changes(before: PatientProfile, after: PatientProfile) -> list[tuple[str, str, str]]:
    """(question, answer before, answer now) for every answer that differs."""
    old, new = dict(describe(before)), dict(describe(after))
    out = []
    for f in FIELDS:
        if old.get(f.label) != new.get(f.label):
            out.append((f.label, old.get(f.label, "I don't know"), new.get(f.label, "I don't know")))
    return out
