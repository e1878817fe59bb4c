"""Typed result of a personal estimate; serialises to JSON with a published JSON schema.

Every number is a :class:`Number`: estimate with a 95% uncertainty interval, a flag when it lies
beyond the follow-up of the trials it comes from, and the evidence entries behind it. When a
number cannot be estimated, ``estimate`` is null and ``reason`` says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, computed_field, model_validator

from .profile import PatientProfile

__all__ = [
    "unique_refs",
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
    "source_id",
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


def source_id(ref: SourceRef) -> str:
    """A stable id for one source: its evidence file and a digest of everything else it says.

    Derived from the content (not from the order sources appear in) so that the same source has
    the same id in every estimate, and a number can be serialised without knowing the others.
    """
    key = tuple(ref.__dict__.values())
    sid = _SOURCE_IDS.get(key)
    if sid is None:
        digest = hashlib.sha1(ref.model_dump_json().encode()).hexdigest()[:8]
        sid = f"{ref.evidence}:{digest}"
        if len(_SOURCE_IDS) < 10_000:  # the evidence base has a few hundred sources
            _SOURCE_IDS[key] = sid
    return sid


#: source ids by the source's field values: an estimate's JSON names its few dozen sources
#: thousands of times, and a JSON dump and a digest each time was most of the serialising
_SOURCE_IDS: dict[tuple[Any, ...], str] = {}


def _ids(refs: list[SourceRef]) -> list[str]:
    return [source_id(r) for r in refs]


def unique_refs(refs: list[SourceRef]) -> list[SourceRef]:
    """Each source once per number, in first-cited order (a number's parts may cite the same entry):
    what a ``Number``'s ``sources`` validator keeps, for code that builds numbers unvalidated."""
    if len(refs) < 2:
        return refs
    # keyed by the field values (equal models have equal values); a JSON dump per source per
    # number was a fifth of an estimate's time
    seen: dict[tuple[Any, ...], SourceRef] = {}
    for r in refs:
        seen.setdefault(tuple(r.__dict__.values()), r)
    return list(seen.values())


#: In Python a number keeps its SourceRef objects; in JSON it lists ids into the estimate's one
#: top-level ``sources`` table (an answer repeats the same few dozen sources thousands of times).
Sources = Annotated[list[SourceRef], AfterValidator(unique_refs), PlainSerializer(_ids, return_type=list[str], when_used="json")]
#: One source (a calibration row's published value): an id into the same table in JSON.
SourceId = Annotated[SourceRef, PlainSerializer(source_id, return_type=str, when_used="json")]


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
    sources: Sources = Field(default_factory=list, description="ids into the estimate's top-level sources table")
    reason: str | None = Field(default=None, description="why the estimate is missing, or how it was made")
    beyond_follow_up: float | None = Field(
        default=None, description="for a median past the trials' follow-up: that follow-up in months "
        "(read 'more than N months')")
    upper_beyond_follow_up: float | None = Field(
        default=None, description="for a median whose upper bound lies past the trials' follow-up (the "
        "estimate itself may lie within it): that follow-up in months; read the upper bound as 'more than "
        "N months', a projection")
    upper_capped: bool = Field(default=False, description="the upper bound reached the longest time the "
                               "model projects (projection_horizon_months): read it as 'more than' that")
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
    sources: Sources


class Regimen(_Out):
    summary: str
    schedules: list[str]
    duration: str
    sources: Sources
    dosing_notes: list[DosingNote] = Field(default_factory=list)


class CalibrationRow(_Out):
    """One published arm result of an option's own trial beside the model's value for that arm."""

    option: str = Field(description="the option whose trial this is")
    trial: str = Field(description="evidence file id of the trial")
    trial_name: str
    analysis: str
    arm: str = Field(description="the trial arm's id in its evidence file")
    arm_label: str
    model_arm: str = Field(description="the option the model ran for this arm (observation for a no-maintenance arm)")
    endpoint: Literal["PFS", "OS"]
    quantity: str = Field(description="'median (months)' or 'percent at N months'")
    published: float | None = Field(description="the trial's published value; null: median not reached")
    model: float | None = Field(description="the model's central value for an average trial patient; null: beyond its reach")
    tolerance: str = Field(description="the stated tolerance, in words")
    within_tolerance: bool
    fitted: bool = Field(default=False, description="the arm was used to fit the baseline of its induction, "
                         "so it agrees by construction (not a check)")
    projection: bool = Field(default=False, description="the model's median lies past the follow-up of the "
                             "evidence behind it: 'model' is its projected median (the central curve's crossing, "
                             "which estimates do not show when the trials did not reach it), compared as a projection")
    comparable: bool = Field(default=True, description="false: the model's median lies past the longest time it "
                             "projects, so there is no number to set beside the published one; such a row is "
                             "counted neither as an agreement nor as a miss (within_tolerance is false)")
    scope: Literal["option", "pool", "same-comparison"] = Field(
        default="option", description="option: the analysis the option's numbers come from (counts toward its "
        "'within'); pool: a single trial inside that pooled analysis; same-comparison: another trial of the "
        "same comparison that the numbers do not use (both shown and counted as checks, not in 'within')")
    note: str
    source: SourceId | None = Field(description="where the published value comes from (null: a 'not reached' "
                                     "whose entry gives neither a value nor the analysis' follow-up)")
    follow_up_months: float | None = Field(default=None, description="the median follow-up of the analysis "
                                           "the published value comes from, in months (null: not given)")

    def standalone_json(self) -> dict[str, Any]:
        """The row as JSON on its own (the calibration table, its CLI and API form): the source
        written out in full, as there is no estimate's sources table to refer to."""
        out = self.model_dump(mode="json")
        out["source"] = self.source.model_dump(mode="json") if self.source is not None else None
        return out


class TrialEffect(_Out):
    """A relative effect (hazard ratio) published by an option's own trial."""

    trial: str
    trial_name: str
    analysis: str
    endpoint: Literal["PFS", "OS"]
    comparison: str = Field(description="e.g. 'daratumumab vs observation', in the trial's arm labels")
    hazard_ratio: Number


class OptionCalibration(_Out):
    """How well the model's absolute numbers for an option match the option's own trial(s)."""

    within: bool = Field(description="every row within its tolerance")
    reason: str = Field(description="in plain words: why the numbers do or do not match")
    rows: list[CalibrationRow] = Field(description="the trial's observed results (with sources) beside the model's")
    trial_effects: list[TrialEffect] = Field(default_factory=list, description="the trial's own relative effects")


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
    calibration: OptionCalibration | None = Field(
        default=None,
        description="the option's own trial(s) beside the model for an average trial patient; when "
        "'within' is false the model cannot reproduce this option's own trial, and the trial's observed "
        "results (rows[].published, with source and follow-up) and relative effects (trial_effects) "
        "are what is shown for the option (see 'display')",
    )
    display: Literal["model", "trial_results_only"] = Field(
        default="model",
        description="'model': the numbers above are this patient's estimates. 'trial_results_only': the "
        "model could not reproduce this option's own trial (calibration.within is false), so its personal "
        "numbers (medians, percents, differences, months gained, hazard ratios vs no maintenance, numbers "
        "needed to treat or harm, second-cancer percents at the horizons) are null with a reason, and only "
        "the trial's own results are shown: calibration.rows (published values) and calibration.trial_effects, "
        "with the trial's side effects and second cancers in side_effects",
    )
    display_reason: str | None = Field(
        default=None, description="for 'trial_results_only': why, in one plain sentence (what the model "
        "gives for the trial beside what the trial saw)")


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
    missing_inputs: list[MissingInput] = Field(default_factory=list, description="unknown inputs that would narrow the progression-free range most, largest first (survival share breaks ties)")
    projection_horizon_months: float | None = Field(default=None, description="no bound or median is given beyond this")

    @computed_field(description="every source cited in this estimate, once, by id; numbers list these ids")  # type: ignore[prop-decorator]
    @property
    def sources(self) -> dict[str, SourceRef]:
        return {source_id(r): r for r in _walk_sources(self)}

    @model_validator(mode="before")
    @classmethod
    def _resolve_source_ids(cls, data: Any) -> Any:
        """Read the JSON form back: replace source ids by the table's entries."""
        if isinstance(data, dict) and "sources" in data:
            data = dict(data)
            table = data.pop("sources")
            if not isinstance(table, dict):
                raise ValueError("sources: must be an object of id -> source")
            data = _resolve(data, table)
        return data

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


def _walk_sources(obj: Any) -> Iterator[SourceRef]:
    if isinstance(obj, SourceRef):
        yield obj
        return
    # a model's field values (its __dict__), or a list's items; plain values hold no source
    for item in obj.__dict__.values() if isinstance(obj, BaseModel) else obj:
        if isinstance(item, (BaseModel, list, tuple)):
            yield from _walk_sources(item)


def _resolve(obj: Any, table: dict[str, Any]) -> Any:
    """``obj`` is parsed JSON (any shape); ``table`` maps source ids to their JSON entries."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if key == "sources" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                missing = [v for v in value if v not in table]
                if missing:
                    raise ValueError(f"sources: unknown source id {missing[0]!r} (not in the sources table)")
                out[key] = [table[v] for v in value]
            elif key == "source" and isinstance(value, str):
                if value not in table:
                    raise ValueError(f"source: unknown source id {value!r} (not in the sources table)")
                out[key] = table[value]
            else:
                out[key] = _resolve(value, table)
        return out
    if isinstance(obj, list):
        return [_resolve(v, table) for v in obj]
    return obj



def json_schema() -> dict[str, Any]:
    """The published JSON schema of an estimate (docs/estimate.schema.json is generated from it)."""
    return EstimateResult.model_json_schema(mode="serialization")
