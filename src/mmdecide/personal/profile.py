"""The patient profile: what a person may know about their myeloma after transplant.

Every field is optional: a missing field means "like the average trial patient", and the result
widens its ranges to show what not knowing costs. Impossible values and unknown fields are
refused with a message naming the field and the allowed values or range; lab values are accepted
with their unit in the common forms (:mod:`.labs`), and combinations that break a staging or
response definition are refused naming the fields and the rule (:mod:`.staging`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, ProfileError
from .labs import LABS, parse_lab
from .profile_schema import schema_rules
from .staging import problems

__all__ = ["CYTOGENETIC_ABNORMALITIES", "PatientProfile", "ProfileError", "parse_profile"]

#: Abnormalities a profile can list; "none-found" means tested and none of these was found.
CYTOGENETIC_ABNORMALITIES = ("del17p", "t4-14", "t14-16", "gain1q", "amp1q")
Cyto = Literal["del17p", "t4-14", "t14-16", "gain1q", "amp1q", "none-found"]


def _whole_number(value: Any) -> Any:
    """62.0 is the whole number 62 (JSON does not tell them apart); 62.5, "62" and true are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: The "I", "II", "III" stage choices shared by ISS and R-ISS.
_STAGES = (("I", "Stage I"), ("II", "Stage II"), ("III", "Stage III"))


def _ask(label: str, help: str, *, description: str | None = None, choices: tuple[tuple[str, str], ...] = (),
         unit: str = "", cli: str | None = None, cli_words: tuple[str, str] | None = None,
         extra: dict[str, Any] | None = None, **constraints: Any) -> Any:
    """A profile field with everything the form, the command line and the API say about it: the
    one field registry (read through :mod:`.fields`). ``label`` and ``help`` are the patient's
    words (the form; the API's title), ``description`` the API's and the command line's, ``choices``
    the words for each allowed value, ``cli`` the option name when it is not ``--field-name`` and
    ``cli_words`` the command line's (true, false) words of a yes/no field."""
    about: dict[str, Any] = {"x-help": help, **(extra or {})}
    if choices:
        about["x-choices"] = dict(choices)
    if unit:
        about["x-unit"] = unit
    if cli:
        about["x-cli"] = cli
    if cli_words:
        about["x-cli-words"] = list(cli_words)
    return Field(default=None, title=label, description=description or label, json_schema_extra=about,
                 **constraints)


def _lab(field: str, when: str, label: str, help: str, cli: str) -> Any:
    """A lab field: a number in its unit, or text/object with a unit, converted by :mod:`.labs`."""
    lab = LABS[field]
    units = ", ".join(u for u, _ in lab.units)
    # the bounds of a bare number in the field's unit, stated in the JSON schema as well (text with
    # another unit, e.g. "35 g/L", is converted first and then held to the same bounds)
    return _ask(label, help, description=f"{lab.words} {when}, in {lab.unit} ({lab.low:g} to "
                f"{lab.high:g}); text with a unit is also accepted (units: {units})", unit=lab.unit, cli=cli,
                extra={"minimum": lab.low, "maximum": lab.high})


class PatientProfile(BaseModel):
    """A patient after autologous stem-cell transplant for newly diagnosed myeloma."""

    # allow_inf_nan=False: NaN or infinity in any number field is refused like any bad value;
    # strict: no silent coercion (true -> 1.0, "62" -> 62), so the JSON schema is the whole rule
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True,
                              json_schema_extra=schema_rules)

    age: Annotated[int, Field(ge=18, le=100), BeforeValidator(_whole_number)] | None = _ask(
        "Your age", "In years.", description="age in years (18-100)", unit="years")
    sex: Literal["female", "male"] | None = _ask(
        "Sex", "As written in your medical record.", description="sex as in the medical record", choices=(("female", "Female"), ("male", "Male")))
    iss: Literal["I", "II", "III"] | None = _ask(
        "ISS stage (when you were diagnosed)",
        "The International Staging System puts myeloma in stage I, II or III using two blood tests: "
        "beta-2 microglobulin and albumin. Stage III is the most advanced.",
        description="ISS stage at diagnosis", choices=_STAGES)
    r_iss: Literal["I", "II", "III"] | None = _ask(
        "R-ISS stage (when you were diagnosed)",
        "The Revised ISS adds two more results to the ISS: LDH (a blood test) and FISH (chromosome "
        "changes in the myeloma cells).", description="R-ISS stage at diagnosis", choices=_STAGES)
    r2_iss: Literal["I", "II", "III", "IV"] | None = _ask(
        "R2-ISS group (when you were diagnosed)",
        "A newer version of the R-ISS that also counts a change called 1q gain. It has four groups, I to IV.",
        description="R2-ISS group at diagnosis",
        choices=(("I", "Group I"), ("II", "Group II"), ("III", "Group III"), ("IV", "Group IV")))
    beta2_microglobulin_mg_l: Annotated[float | None, BeforeValidator(partial(parse_lab, "beta2_microglobulin_mg_l"))] = _lab(
        "beta2_microglobulin_mg_l", "in serum at diagnosis", "Beta-2 microglobulin (when you were diagnosed)",
        "A protein in the blood. Higher levels can mean more myeloma. Choose the unit printed next to the "
        "result on your lab report.", cli="--b2m")
    albumin_g_dl: Annotated[float | None, BeforeValidator(partial(parse_lab, "albumin_g_dl"))] = _lab(
        "albumin_g_dl", "in serum at diagnosis", "Albumin (when you were diagnosed)",
        "The main protein in the blood. Choose the unit printed next to the result on your lab report: "
        "35 g/L is the same as 3.5 g/dL.", cli="--albumin")
    ldh_high: bool | None = _ask(
        "Was your LDH high when you were diagnosed?",
        "LDH is a blood test. 'High' means above the normal range of the lab.",
        description="LDH above the upper limit of normal at diagnosis",
        choices=(("yes", "Yes, it was high"), ("no", "No, it was normal")), cli="--ldh",
        cli_words=("high", "normal"))
    cytogenetics: tuple[Cyto, ...] | None = _ask(
        "FISH results (chromosome changes)",
        "FISH (also called cytogenetics) is a lab test on myeloma cells from the bone marrow. It looks "
        "for changes in the chromosomes. del(17p), t(4;14) and t(14;16) are called high-risk changes. "
        "Tick every change that was found, or 'none found'.",
        description="abnormalities found by FISH; ['none-found'] if tested and none found", strict=False,
        choices=(("del17p", "del(17p)"), ("t4-14", "t(4;14)"), ("t14-16", "t(14;16)"),
                 ("gain1q", "1q gain (3 copies)"), ("amp1q", "1q amplification (4 or more copies)"),
                 ("none-found", "Tested, none of these found")))
    response: Literal["sCR", "CR", "VGPR", "PR", "SD"] | None = _ask(
        "Response after transplant",
        "How much the myeloma went down after treatment and transplant, from blood, urine and "
        "bone-marrow tests.", description="best response after transplant",
        choices=(("sCR", "Stringent complete response (sCR)"), ("CR", "Complete response (CR)"),
                 ("VGPR", "Very good partial response (VGPR)"), ("PR", "Partial response (PR)"),
                 ("SD", "Stable disease (SD)")))
    mrd: Literal["negative", "positive"] | None = _ask(
        "MRD after transplant",
        "Minimal residual disease: a very sensitive bone-marrow test that looks for the last few myeloma "
        "cells. 'Negative' means none were found.", description="minimal residual disease after transplant",
        choices=(("negative", "MRD negative (none found)"), ("positive", "MRD positive (some found)")))
    creatinine_clearance_ml_min: Annotated[float | None, BeforeValidator(partial(parse_lab, "creatinine_clearance_ml_min"))] = _lab(
        "creatinine_clearance_ml_min", "now", "Creatinine clearance (kidney function)",
        "How well the kidneys clean the blood, in mL per minute. About 90 or more is normal.", cli="--crcl")
    hemoglobin_g_dl: Annotated[float | None, BeforeValidator(partial(parse_lab, "hemoglobin_g_dl"))] = _lab(
        "hemoglobin_g_dl", "now (latest blood count)", "Hemoglobin (your latest blood count)",
        "The protein in red blood cells that carries oxygen. Choose the unit on your lab report: 115 g/L "
        "is the same as 11.5 g/dL.", cli="--hemoglobin")
    neutrophils_10e9_l: Annotated[float | None, BeforeValidator(partial(parse_lab, "neutrophils_10e9_l"))] = _lab(
        "neutrophils_10e9_l", "now (latest blood count)", "Neutrophils (your latest blood count)",
        "White blood cells that fight infection, also called ANC. Choose the unit on your lab report: "
        "5,100 per uL is the same as 5.1 x10^9/L.", cli="--anc")
    platelets_10e9_l: Annotated[float | None, BeforeValidator(partial(parse_lab, "platelets_10e9_l"))] = _lab(
        "platelets_10e9_l", "now (latest blood count)", "Platelets (your latest blood count)",
        "Blood cells that help blood clot. Choose the unit on your lab report: 250,000 per uL is the same "
        "as 250 x10^9/L.", cli="--platelets")
    induction: Literal["vrd", "vtd", "vcd", "krd", "dara-vrd", "dara-vtd", "other"] | None = _ask(
        "First treatment before the transplant (induction)", "The drugs you had before the transplant.",
        description="induction treatment before the transplant",
        choices=(("vrd", "VRd: bortezomib, lenalidomide, dexamethasone"),
                 ("vtd", "VTd: bortezomib, thalidomide, dexamethasone"),
                 ("vcd", "VCd: bortezomib, cyclophosphamide, dexamethasone"),
                 ("krd", "KRd: carfilzomib, lenalidomide, dexamethasone"),
                 ("dara-vrd", "Dara-VRd: daratumumab plus VRd"),
                 ("dara-vtd", "Dara-VTd: daratumumab plus VTd"), ("other", "Something else")))
    transplant: Literal["single", "tandem"] | None = _ask(
        "Number of transplants", "One transplant, or two a few months apart (tandem).",
        description="single or tandem autologous transplant",
        choices=(("single", "One (single)"), ("tandem", "Two (tandem)")))
    months_since_transplant: float | None = _ask(
        "Months since your transplant", "About how many months ago you had your (last) transplant.",
        description="months since the (last) transplant (0-240)", unit="months", ge=0, le=240)

    @model_validator(mode="after")
    def _consistent(self) -> "PatientProfile":
        errors: list[tuple[str, str]] = []
        if self.cytogenetics is not None:
            c = set(self.cytogenetics)
            if "none-found" in c and len(c) > 1:
                errors.append(("cytogenetics", "'none-found' cannot be combined with an abnormality"))
            if len(c) != len(self.cytogenetics):
                errors.append(("cytogenetics", "each abnormality may be listed once"))
            if {"gain1q", "amp1q"} <= c:
                errors.append(("cytogenetics", ("choose one of 1q gain (3 copies) and 1q amplification "
                                                "(4 or more copies), as the FISH report says")))
        errors += problems(self)
        if errors:
            raise ProfileError(errors)
        return self

    def high_risk_cytogenetics(self) -> bool | None:
        """del(17p), t(4;14) or t(14;16) (the R-ISS definition); None when unknown."""
        if self.cytogenetics is None:
            return None
        return bool(set(self.cytogenetics) & {"del17p", "t4-14", "t14-16"})

    def known_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


_RANGE_WORDS = {
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
}


def _error(err: Mapping[str, Any]) -> InputError:
    """One pydantic error as a typed error: the field it names, the rule it broke, the words."""
    field = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "profile"
    kind = err["type"]
    rule = "finite" if kind == "finite_number" else kind
    ctx = err.get("ctx", {}) or {}
    if kind == "extra_forbidden":
        return InputError(field, rule, f"unknown field (allowed: {', '.join(PatientProfile.model_fields)})")
    if kind == "literal_error":
        return InputError(field, rule, f"{err['input']!r} is not allowed; choose one of {ctx.get('expected', '')}")
    if kind in _RANGE_WORDS:
        spec = PatientProfile.model_fields.get(field.split(".")[0])
        desc = f" ({spec.description})" if spec is not None and spec.description else ""
        return InputError(field, rule, f"{_RANGE_WORDS[kind].format(**ctx)}, got {err['input']!r}{desc}")
    return InputError(field, rule, err["msg"])


def parse_profile(data: PatientProfile | dict[str, Any] | None) -> PatientProfile:
    """A validated profile from a dict (JSON, form, CLI); raises ProfileError naming each field."""
    if isinstance(data, PatientProfile):
        return data
    if data is None:
        return PatientProfile()
    if not isinstance(data, dict):
        raise ProfileError([("profile", "must be an object of field: value pairs")])
    try:
        return PatientProfile.model_validate(data)
    except ProfileError:
        raise
    except ValidationError as exc:
        errors = []
        rules: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            cause = err.get("ctx", {}).get("error") if err.get("ctx") else None
            if isinstance(cause, ProfileError):
                errors.extend(cause.errors)
                continue
            one = _error(err)
            errors.append((one.field, one.message))
            rules.setdefault(one.field, one.rule)
        raise ProfileError(errors, rules) from None
