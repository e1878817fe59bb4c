"""Typed result of a personal estimate; serialises to JSON with a published JSON schema.

Every number is a :class:`Number`: estimate with a 95% uncertainty interval, a flag when it lies
beyond the follow-up of the trials it comes from, and the evidence entries behind it. When a
number cannot be estimated, ``estimate`` is null and ``reason`` says why.
"""

from __future__ import annotations

from collections.abc import Iterable

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .profile import PatientProfile

__all__ = [
    "EstimateResult",
    "EvidencePath",
    "HorizonResult",
    "InputUse",
    "MissingInput",
    "Number",
    "OptionResult",
    "ProfileEffect",
    "Ranges",
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


class Ranges(_Out):
    """The 95% range split by where the uncertainty comes from."""

    studies: tuple[float, float] = Field(description="how sure the studies are: evidence drawn, the profile's "
                                         "known values fixed and unknown ones at their average")
    about_you: tuple[float, float] = Field(description="what we don't know about you: evidence at its central "
                                           "values, unknown profile values drawn by their shares")


class Number(_Out):
    estimate: float | None
    lower: float | None = None
    upper: float | None = None
    extrapolated: bool = Field(default=False, description="projection: beyond the follow-up of the trials behind it")
    sources: list[SourceRef] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="why the estimate is missing, or how it was made")
    beyond_follow_up: float | None = Field(
        default=None, description="for a median past the trials' follow-up: that follow-up in months "
        "(read 'more than N months')")
    ranges: Ranges | None = None


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
    pfs_percent_effect_wanes: Number | None = Field(
        default=None, description="projection scenario beyond the follow-up: the effect on progression "
        "stops at the follow-up (hazard ratio 1 afterwards); pfs_percent is the 'effect held' scenario")
    os_percent_effect_wanes: Number | None = Field(default=None, description="as pfs_percent_effect_wanes, for overall survival")


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


class InputUse(_Out):
    """What the model did with one field of the profile."""

    field: str
    value: str = Field(description="the patient's value in words ('not given' when unknown)")
    used: bool
    how: str = Field(description="how it changes the numbers, or 'not used, because ...'")


class MissingInput(_Out):
    """An unknown input and how much of the 'what we don't know about you' range it explains."""

    field: str
    ask: str = Field(description="plain words, e.g. 'ask for your MRD result'")
    share_pfs: float = Field(description="share (0-1) of the unknown-input spread of progression-free survival it explains")
    share_os: float


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
    inputs: list[InputUse] = Field(default_factory=list, description="every profile field: used, or not used and why")
    missing_inputs: list[MissingInput] = Field(default_factory=list, description="unknown inputs that would narrow the range most, largest first")
    projection_horizon_months: float | None = Field(default=None, description="no bound or median is given beyond this")

    def at_horizons(self, years: Iterable[float]) -> EstimateResult:
        """The same estimate at some of its horizons: one run over the union of horizons sliced,
        the same numbers as a run at these alone (each horizon is read off the same draws)."""
        keep = sorted({float(y) for y in years})
        missing = set(keep) - set(self.horizons_years)
        if missing:
            raise ValueError(f"horizons: {sorted(missing)} not in this estimate ({self.horizons_years})")
        options = [o.model_copy(update={"horizons": [h for h in o.horizons if h.years in keep]})
                   for o in self.options]
        return self.model_copy(update={"horizons_years": keep, "options": options})


def json_schema() -> dict[str, Any]:
    """The published JSON schema of an estimate (docs/estimate.schema.json is generated from it)."""
    return EstimateResult.model_json_schema()
