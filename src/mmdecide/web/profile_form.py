"""The "About you" form: one field per ``PatientProfile`` field, with plain help text.

A profile is kept between pages in the signed session cookie (``session.py``) in the same
encoding the form posts (``[["age", "62"], ["cytogenetics", "del17p"], ...]``), never in a URL.
Every field is optional; "I don't know" is an empty value. :func:`read_profile` turns either a
posted form (or the session's stored answers) into a validated profile or a list of (field, message) errors with
the field names of :class:`~mmdecide.personal.ProfileError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..personal import PatientProfile, ProfileError, parse_profile
from ..personal.labs import LABS

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


@dataclass(frozen=True)
class FormField:
    name: str  # the PatientProfile field
    label: str
    kind: str  # number | choice | multi | yesno
    help: str
    choices: tuple[tuple[str, str], ...] = ()
    unit: str = ""
    step: str = "any"
    minimum: float | None = None
    maximum: float | None = None

    @property
    def units(self) -> tuple[str, ...]:
        """Units a lab result may be entered in (the first is the field's own); () if not a lab."""
        lab = LABS.get(self.name)
        return tuple(u for u, _ in lab.units) if lab is not None and len(lab.units) > 1 else ()


FIELDS: tuple[FormField, ...] = (
    FormField("age", "Your age", "number", "In years.", unit="years", step="1", minimum=18, maximum=100),
    FormField("sex", "Sex", "choice", "As written in your medical record.",
              (("female", "Female"), ("male", "Male"))),
    FormField("iss", "ISS stage (when you were diagnosed)", "choice",
              "The International Staging System puts myeloma in stage I, II or III using two blood "
              "tests: beta-2 microglobulin and albumin. Stage III is the most advanced.",
              (("I", "Stage I"), ("II", "Stage II"), ("III", "Stage III"))),
    FormField("r_iss", "R-ISS stage (when you were diagnosed)", "choice",
              "The Revised ISS adds two more results to the ISS: LDH (a blood test) and FISH "
              "(chromosome changes in the myeloma cells).",
              (("I", "Stage I"), ("II", "Stage II"), ("III", "Stage III"))),
    FormField("r2_iss", "R2-ISS group (when you were diagnosed)", "choice",
              "A newer version of the R-ISS that also counts a change called 1q gain. It has four "
              "groups, I to IV.",
              (("I", "Group I"), ("II", "Group II"), ("III", "Group III"), ("IV", "Group IV"))),
    FormField("beta2_microglobulin_mg_l", "Beta-2 microglobulin (when you were diagnosed)", "number",
              "A protein in the blood. Higher levels can mean more myeloma. Choose the unit printed "
              "next to the result on your lab report.", unit="mg/L", minimum=0),
    FormField("albumin_g_dl", "Albumin (when you were diagnosed)", "number",
              "The main protein in the blood. Choose the unit printed next to the result on your "
              "lab report: 35 g/L is the same as 3.5 g/dL.", unit="g/dL", minimum=0),
    FormField("ldh_high", "Was your LDH high when you were diagnosed?", "yesno",
              "LDH is a blood test. 'High' means above the normal range of the lab.",
              (("yes", "Yes, it was high"), ("no", "No, it was normal"))),
    FormField("cytogenetics", "FISH results (chromosome changes)", "multi",
              "FISH (also called cytogenetics) is a lab test on myeloma cells from the bone marrow. "
              "It looks for changes in the chromosomes. del(17p), t(4;14) and t(14;16) are called "
              "high-risk changes. Tick every change that was found, or 'none found'.",
              (("del17p", "del(17p)"), ("t4-14", "t(4;14)"), ("t14-16", "t(14;16)"),
               ("gain1q", "1q gain (3 copies)"), ("amp1q", "1q amplification (4 or more copies)"),
               ("none-found", "Tested, none of these found"))),
    FormField("response", "Response after transplant", "choice",
              "How much the myeloma went down after treatment and transplant, from blood, urine "
              "and bone-marrow tests.",
              (("sCR", "Stringent complete response (sCR)"), ("CR", "Complete response (CR)"),
               ("VGPR", "Very good partial response (VGPR)"), ("PR", "Partial response (PR)"),
               ("SD", "Stable disease (SD)"))),
    FormField("mrd", "MRD after transplant", "choice",
              "Minimal residual disease: a very sensitive bone-marrow test that looks for the last "
              "few myeloma cells. 'Negative' means none were found.",
              (("negative", "MRD negative (none found)"), ("positive", "MRD positive (some found)"))),
    FormField("creatinine_clearance_ml_min", "Creatinine clearance (kidney function)", "number",
              "How well the kidneys clean the blood, in mL per minute. About 90 or more is normal.",
              unit="mL/min", minimum=1, maximum=250),
    FormField("hemoglobin_g_dl", "Hemoglobin (your latest blood count)", "number",
              "The protein in red blood cells that carries oxygen. Choose the unit on your lab "
              "report: 115 g/L is the same as 11.5 g/dL.", unit="g/dL", minimum=0),
    FormField("neutrophils_10e9_l", "Neutrophils (your latest blood count)", "number",
              "White blood cells that fight infection, also called ANC. Choose the unit on your lab "
              "report: 5,100 per uL is the same as 5.1 x10^9/L.", unit="x10^9/L", minimum=0),
    FormField("platelets_10e9_l", "Platelets (your latest blood count)", "number",
              "Blood cells that help blood clot. Choose the unit on your lab report: 250,000 per uL "
              "is the same as 250 x10^9/L.", unit="x10^9/L", minimum=0),
    FormField("induction", "First treatment before the transplant (induction)", "choice",
              "The drugs you had before the transplant.",
              (("vrd", "VRd: bortezomib, lenalidomide, dexamethasone"),
               ("vtd", "VTd: bortezomib, thalidomide, dexamethasone"),
               ("vcd", "VCd: bortezomib, cyclophosphamide, dexamethasone"),
               ("krd", "KRd: carfilzomib, lenalidomide, dexamethasone"),
               ("dara-vrd", "Dara-VRd: daratumumab plus VRd"),
               ("dara-vtd", "Dara-VTd: daratumumab plus VTd"), ("other", "Something else"))),
    FormField("transplant", "Number of transplants", "choice",
              "One transplant, or two a few months apart (tandem).",
              (("single", "One (single)"), ("tandem", "Two (tandem)"))),
    FormField("months_since_transplant", "Months since your transplant", "number",
              "About how many months ago you had your (last) transplant.", unit="months",
              minimum=0, maximum=240),
)
_BY_NAME = {f.name: f for f in FIELDS}
_INT_FIELDS = {"age"}


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
            if f.name in _INT_FIELDS:
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
