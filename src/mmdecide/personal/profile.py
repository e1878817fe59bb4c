"""The patient profile: what a person may know about their myeloma after transplant.

Every field is optional: a missing field means "like the average trial patient", and the result
widens its ranges to show what not knowing costs. Impossible values and unknown fields are
refused with a message naming the field and the allowed values or range.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..errors import ProfileError

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
    beta2_microglobulin_mg_l: float | None = Field(default=None, gt=0, le=100, description="serum beta-2 microglobulin at diagnosis, mg/L")
    albumin_g_dl: float | None = Field(default=None, gt=0, le=10, description="serum albumin at diagnosis, g/dL")
    ldh_high: bool | None = Field(default=None, description="LDH above the upper limit of normal at diagnosis")
    cytogenetics: tuple[Cyto, ...] | None = Field(
        default=None, strict=False, description="abnormalities found by FISH; ['none-found'] if tested and none found"
    )
    response: Literal["sCR", "CR", "VGPR", "PR", "SD"] | None = Field(default=None, description="best response after transplant")
    mrd: Literal["negative", "positive"] | None = Field(default=None, description="minimal residual disease after transplant")
    creatinine_clearance_ml_min: float | None = Field(default=None, ge=0, le=250, description="creatinine clearance, mL/min")
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
        # R-ISS stages I and III are defined on ISS stages I and III (Palumbo 2015): a profile that
        # contradicts that is a data-entry error, not a rare patient.
        if self.r_iss == "I" and self.iss not in (None, "I"):
            errors.append(("r_iss", f"R-ISS I requires ISS I, but iss is {self.iss}"))
        if self.r_iss == "III" and self.iss not in (None, "III"):
            errors.append(("r_iss", f"R-ISS III requires ISS III, but iss is {self.iss}"))
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
