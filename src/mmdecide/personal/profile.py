"""The patient profile: what a person may know about their myeloma after transplant.

Every field is optional: a missing field means "like the average trial patient", and the result
widens its ranges to show what not knowing costs. Impossible values and unknown fields are
refused with a message naming the field and the allowed values or range; lab values are accepted
with their unit in the common forms (:mod:`.labs`), and combinations that break a staging or
response definition are refused naming the fields and the rule (:mod:`.staging`).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..errors import ProfileError
from .labs import LABS, parse_lab
from .staging import problems

__all__ = ["CYTOGENETIC_ABNORMALITIES", "PatientProfile", "ProfileError", "parse_profile"]

#: Abnormalities a profile can list; "none-found" means tested and none of these was found.
CYTOGENETIC_ABNORMALITIES = ("del17p", "t4-14", "t14-16", "gain1q", "amp1q")
Cyto = Literal["del17p", "t4-14", "t14-16", "gain1q", "amp1q", "none-found"]


def _whole_number(value: Any) -> Any:
    """62.0 is the whole number 62 (JSON does not tell them apart); 62.5, "62" and true are not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _schema_rules(schema: dict[str, Any]) -> None:
    """The rules between fields (``_consistent`` below) in the JSON schema too, so that the
    published schema of the API accepts exactly the profiles the model accepts."""
    cyto = next((s for s in schema["properties"]["cytogenetics"].get("anyOf", []) if s.get("type") == "array"), None)
    if cyto is not None:
        cyto["uniqueItems"] = True
        cyto["if"] = {"contains": {"const": "none-found"}}
        cyto["then"] = {"maxItems": 1}
    schema["allOf"] = [
        {"if": {"properties": {"r_iss": {"const": stage}}, "required": ["r_iss"]},
         "then": {"properties": {"iss": {"enum": [stage, None]}}}}
        for stage in ("I", "III")
    ]


def _lab(field: str, when: str) -> Any:
    """A lab field: a number in its unit, or text/object with a unit, converted by :mod:`.labs`."""
    lab = LABS[field]
    units = ", ".join(u for u, _ in lab.units)
    # the bounds of a bare number in the field's unit, stated in the JSON schema as well (text with
    # another unit, e.g. "35 g/L", is converted first and then held to the same bounds)
    return Field(default=None, description=f"{lab.words} {when}, in {lab.unit} ({lab.low:g} to "
                 f"{lab.high:g}); text with a unit is also accepted (units: {units})",
                 json_schema_extra={"minimum": lab.low, "maximum": lab.high})


def _lab_type(field: str) -> Any:
    return Annotated[float | None, BeforeValidator(partial(parse_lab, field))]


class PatientProfile(BaseModel):
    """A patient after autologous stem-cell transplant for newly diagnosed myeloma."""

    # allow_inf_nan=False: NaN or infinity in any number field is refused like any bad value;
    # strict: no silent coercion (true -> 1.0, "62" -> 62), so the JSON schema is the whole rule
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True,
                              json_schema_extra=_schema_rules)

    age: Annotated[int, Field(ge=18, le=100), BeforeValidator(_whole_number)] | None = Field(
        default=None, description="age in years (18-100)")
    sex: Literal["female", "male"] | None = None
    iss: Literal["I", "II", "III"] | None = Field(default=None, description="ISS stage at diagnosis")
    r_iss: Literal["I", "II", "III"] | None = Field(default=None, description="R-ISS stage at diagnosis")
    r2_iss: Literal["I", "II", "III", "IV"] | None = Field(default=None, description="R2-ISS group at diagnosis")
    beta2_microglobulin_mg_l: _lab_type("beta2_microglobulin_mg_l") = _lab("beta2_microglobulin_mg_l", "in serum at diagnosis")
    albumin_g_dl: _lab_type("albumin_g_dl") = _lab("albumin_g_dl", "in serum at diagnosis")
    ldh_high: bool | None = Field(default=None, description="LDH above the upper limit of normal at diagnosis")
    cytogenetics: tuple[Cyto, ...] | None = Field(
        default=None, strict=False, description="abnormalities found by FISH; ['none-found'] if tested and none found"
    )
    response: Literal["sCR", "CR", "VGPR", "PR", "SD"] | None = Field(default=None, description="best response after transplant")
    mrd: Literal["negative", "positive"] | None = Field(default=None, description="minimal residual disease after transplant")
    creatinine_clearance_ml_min: _lab_type("creatinine_clearance_ml_min") = _lab("creatinine_clearance_ml_min", "now")
    hemoglobin_g_dl: _lab_type("hemoglobin_g_dl") = _lab("hemoglobin_g_dl", "now (latest blood count)")
    neutrophils_10e9_l: _lab_type("neutrophils_10e9_l") = _lab("neutrophils_10e9_l", "now (latest blood count)")
    platelets_10e9_l: _lab_type("platelets_10e9_l") = _lab("platelets_10e9_l", "now (latest blood count)")
    induction: Literal["vrd", "vtd", "vcd", "krd", "dara-vrd", "dara-vtd", "other"] | None = None
    transplant: Literal["single", "tandem"] | None = None
    months_since_transplant: float | None = Field(default=None, ge=0, le=240)

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


def _message(err: dict[str, Any]) -> str:
    field = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "profile"
    kind = err["type"]
    ctx = err.get("ctx", {}) or {}
    if kind == "extra_forbidden":
        return f"{field}: unknown field (allowed: {', '.join(PatientProfile.model_fields)})"
    if kind == "literal_error":
        return f"{field}: {err['input']!r} is not allowed; choose one of {ctx.get('expected', '')}"
    if kind in _RANGE_WORDS:
        spec = PatientProfile.model_fields.get(field.split(".")[0])
        desc = f" ({spec.description})" if spec is not None and spec.description else ""
        return f"{field}: {_RANGE_WORDS[kind].format(**ctx)}, got {err['input']!r}{desc}"
    return f"{field}: {err['msg']}"


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
            msg = _message(err)
            field, _, text = msg.partition(": ")
            errors.append((field, text))
            rules.setdefault(field, "finite" if err["type"] == "finite_number" else err["type"])
        raise ProfileError(errors, rules) from None
