"""Typed result of a personal estimate; serialises to JSON with a published JSON schema.

Every number is a :class:`Number`: estimate with a 95% uncertainty interval, a flag when it lies
beyond the follow-up of the trials it comes from, and the evidence entries behind it. When a
number cannot be estimated, ``estimate`` is null and ``reason`` says why.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .profile import PatientProfile

__all__ = [
    "EstimateResult",
    "EvidencePath",
    "HorizonResult",
    "Number",
    "OptionResult",
    "ProfileEffect",
    "SideEffect",
    "SourceRef",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Out):
    """One evidence entry behind a number."""

    evidence: str = Field(description="evidence file id (see `mmdecide evidence show ID`)")
    what: str = Field(description="which entry of the file, e.g. 'PFS HR lenalidomide vs control [jco-2017]'")
    citation: str
    url: str
    locator: str
    tier: Literal["primary", "label", "secondary"]
    value: float | None = Field(default=None, description="the published number cited (as in the evidence file)")
    source_type: str | None = Field(default=None, description="full-text, abstract, regulatory-label, news, manufacturer ... "
                                    "(views flag news and manufacturer material)")


class Number(_Out):
    estimate: float | None
    lower: float | None = None
    upper: float | None = None
    extrapolated: bool = False
    sources: list[SourceRef] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="why the estimate is missing, or how it was made")


class EvidencePath(_Out):
    kind: Literal["reference", "direct-randomized", "indirect", "post-hoc-subgroup", "observational"]
    description: str
    strength: Literal["high", "moderate", "low", "very low"]
    flags: list[str] = Field(default_factory=list)


class SideEffect(_Out):
    item: str
    category: str
    grade: str | None
    percent: Number
    comparator_percent: Number | None
    comparator: str | None
    time_frame: str | None
    evidence: str


class HorizonResult(_Out):
    years: float
    pfs_percent: Number
    os_percent: Number
    pfs_difference_percent: Number
    os_difference_percent: Number
    pfs_out_of_100: Number
    os_out_of_100: Number
    pfs_months_gained: Number = Field(description="restricted mean progression-free months gained up to the horizon")
    os_months_gained: Number = Field(description="restricted mean months of life gained up to the horizon")
    spm_hematologic_percent: Number
    spm_solid_percent: Number
    spm_any_percent: Number
    nnt_pfs: Number = Field(description="people treated for one more to be alive without progression at the horizon")
    nnh_spm: Number = Field(description="people treated for one more second cancer by the horizon")


class DosingNote(_Out):
    """What the evidence says about dose, schedule, start or duration (quoted from an evidence fact)."""

    topic: str
    text: str
    sources: list[SourceRef]


class Regimen(_Out):
    summary: str
    schedules: list[str]
    duration: str
    sources: list[SourceRef]
    dosing_notes: list[DosingNote] = Field(default_factory=list)


class OptionResult(_Out):
    option: str
    label: str
    plain_label: str
    evidence: EvidencePath
    regimen: Regimen | None
    median_pfs_months: Number
    median_os_months: Number
    hr_pfs_vs_observation: Number
    hr_os_vs_observation: Number
    horizons: list[HorizonResult]
    side_effects: list[SideEffect]
    notes: list[str] = Field(default_factory=list)
    outside_population: list[str] = Field(
        default_factory=list,
        description="why this profile is outside the population of every trial behind this option "
        "('not studied in people like you'); empty when inside or when the answers given do not say. "
        "The numbers are then still shown, but describe people unlike this patient.",
    )


class NotOffered(_Out):
    option: str
    label: str
    reason: str


class ProfileEffect(_Out):
    factor: str
    level: str | None = Field(description="the profile's level; null when unknown")
    applied: bool
    hr_pfs: Number | None
    hr_os: Number | None
    explanation: str


class EstimateResult(_Out):
    profile: PatientProfile
    disclaimer: str
    horizons_years: list[float]
    n_draws: int
    seed: int
    options: list[OptionResult]
    not_offered: list[NotOffered]
    profile_effects: list[ProfileEffect]
    assumptions: list[str]


def json_schema() -> dict:
    """The published JSON schema of an estimate (docs/estimate.schema.json is generated from it)."""
    return EstimateResult.model_json_schema()
