"""Typed schema of an evidence file: one YAML file per trial or publication.

Structure and vocabularies are checked here by pydantic; the rules that relate one number to
another (an interval contains its estimate, landmark rates never rise, every source reference
resolves ...) live in :mod:`mmdecide.evidence.rules` so that *all* problems can be reported at once.

Every number is a :class:`Value`: the number plus where it was read (``source`` names an entry of
the file's ``sources`` list, which holds citation, URL and tier; ``locator`` says where in that
source: abstract, table 2, figure 3 ...). When sources disagree, the value used is the main one and
the others are kept in ``alternatives`` with ``choice`` saying why the main one was preferred.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ENDPOINTS",
    "SAFETY_CATEGORIES",
    "UNITS",
    "Analysis",
    "Arm",
    "AtRisk",
    "Comparison",
    "Conflict",
    "DoseComponent",
    "Duration",
    "Eligibility",
    "EvidenceFile",
    "Fact",
    "Landmark",
    "PROGNOSTIC_FACTORS",
    "PrognosticEffect",
    "Regimen",
    "Result",
    "SafetyItem",
    "Source",
    "Subgroup",
    "TIME_FRAMES",
    "Value",
]

SCHEMA_VERSION = 1

SourceTier = Literal["primary", "label", "secondary"]
SourceType = Literal[
    "full-text",
    "abstract",
    "conference-abstract",
    "regulatory-label",
    "trial-registry",
    "guideline-summary",
    "review",
    "news",
    "manufacturer",
    "advertisement",  # promotional material (never the source of a number a patient sees)
    "other",
]
StudyKind = Literal[
    "rct",
    "ipd-meta-analysis",
    "meta-analysis",
    "network-meta-analysis",
    "pooled-analysis",
    "registry",
    "cohort",
    "single-arm",
    "staging-system",
    "guideline-summary",
    "dosing-summary",
]
Topic = Literal[
    "lenalidomide-vs-none",
    "other-maintenance",
    "maintenance-duration",
    "dosing",
    "second-cancers",
    "risk-staging",
    "cytogenetics",
    "mrd",
    "safety",
    "context",
]
ArmRole = Literal["experimental", "control", "cohort", "pooled"]

#: Endpoints: the vocabulary every result, comparison and subgroup uses.
ENDPOINTS = (
    "PFS",  # progression-free survival
    "OS",  # overall survival
    "TTP",  # time to progression
    "EFS",  # event-free survival
    "PFS2",  # progression on the next line of therapy or death
    "TTNT",  # time to next treatment
    "DOR",  # duration of response
    "MYELOMA_DEATH",  # death from myeloma (cause-specific)
    "SPM",  # second primary malignancy, any
    "SPM_HEMATOLOGIC",
    "SPM_SOLID",
    "MRD_NEGATIVITY",  # rate of minimal-residual-disease negativity
    "RESPONSE",  # response rate (e.g. CR or better), defined in `definition`
    "DISCONTINUATION",
)
Endpoint = Literal[
    "PFS", "OS", "TTP", "EFS", "PFS2", "TTNT", "DOR", "MYELOMA_DEATH", "SPM",
    "SPM_HEMATOLOGIC", "SPM_SOLID", "MRD_NEGATIVITY", "RESPONSE", "DISCONTINUATION",
]  # fmt: skip

#: Units a number may carry.
UNITS = (
    "months", "years", "weeks", "days", "percent", "count", "ratio",
    "per-100-patient-years", "per-patient-year", "mg", "mg/m2", "mg/kg", "ml/min",
    "mg/l", "g/dl", "g/l", "u/l", "years-of-age",
)  # fmt: skip
Unit = Literal[
    "months", "years", "weeks", "days", "percent", "count", "ratio",
    "per-100-patient-years", "per-patient-year", "mg", "mg/m2", "mg/kg", "ml/min",
    "mg/l", "g/dl", "g/l", "u/l", "years-of-age",
]  # fmt: skip

#: Safety items are grouped so that later code can find e.g. all second-cancer rates.
SAFETY_CATEGORIES = (
    "spm-any", "spm-hematologic", "spm-aml-mds", "spm-b-all", "spm-hodgkin", "spm-nhl", "spm-solid",
    "spm-skin", "neutropenia", "thrombocytopenia",
    "anemia", "infection", "neuropathy", "thrombosis", "diarrhea", "fatigue", "rash",
    "adverse-events-any", "serious-adverse-events", "discontinuation", "dose-reduction",
    "death-on-treatment", "other",
)  # fmt: skip
SafetyCategory = Literal[
    "spm-any", "spm-hematologic", "spm-aml-mds", "spm-b-all", "spm-hodgkin", "spm-nhl", "spm-solid",
    "spm-skin", "neutropenia", "thrombocytopenia",
    "anemia", "infection", "neuropathy", "thrombosis", "diarrhea", "fatigue", "rash",
    "adverse-events-any", "serious-adverse-events", "discontinuation", "dose-reduction",
    "death-on-treatment", "other",
]  # fmt: skip

_ID = r"^[a-z0-9][a-z0-9._-]*$"


class _Strict(BaseModel):
    # Unknown keys are mistakes (a typo would otherwise silently drop a number).
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """One publication or page that numbers in this file were read from."""

    id: str = Field(pattern=_ID)
    citation: str = Field(min_length=5)
    url: str = Field(pattern=r"^https?://")
    year: int | None = Field(default=None, ge=1950, le=2100)
    tier: SourceTier
    type: SourceType
    note: str | None = None


class AlternativeValue(_Strict):
    """A value another source reports for the same quantity (kept, not used)."""

    value: float | None
    lower: float | None = None
    upper: float | None = None
    unit: Unit | None = None
    source: str
    locator: str = Field(min_length=2)
    note: str | None = None


class Value(_Strict):
    """A number with its provenance.

    ``lower``/``upper`` is a 95% interval unless ``interval`` says otherwise. ``value`` may be
    ``None`` only when the source gives an interval or says 'not reached' (then ``note`` says so).
    """

    value: float | None
    lower: float | None = None
    upper: float | None = None
    interval: Literal["95% CI", "range", "IQR", "90% CI", "95% CrI"] | None = None
    unit: Unit | None = None
    source: str
    locator: str = Field(min_length=2)
    note: str | None = None
    alternatives: tuple[AlternativeValue, ...] = ()
    choice: str | None = None  # why this value is used over the alternatives


class DoseComponent(_Strict):
    drug: str = Field(min_length=2)
    dose: float | None = Field(default=None, gt=0)
    dose_unit: Literal["mg", "mg/m2", "mg/kg"] | None = None
    days: str | None = Field(
        default=None, description="days of the cycle, e.g. '1-21' or '1,8,15'; 'daily' if continuous"
    )
    cycle_days: int | None = Field(default=None, gt=0, le=365)
    route: Literal["oral", "iv", "sc"] | None = None
    note: str | None = None


class Duration(_Strict):
    rule: Literal[
        "until-progression", "fixed", "until-progression-or-max", "mrd-guided", "response-guided",
        "not-reported",
    ]  # fmt: skip
    months: float | None = Field(default=None, gt=0)
    note: str | None = None


class Regimen(_Strict):
    summary: str = Field(min_length=3)
    components: tuple[DoseComponent, ...] = ()
    escalation: str | None = None
    duration: Duration
    source: str
    locator: str = Field(min_length=2)


class Arm(_Strict):
    id: str = Field(pattern=_ID)
    label: str
    role: ArmRole
    n: Value | None = None
    regimen: Regimen | None = None


class Analysis(_Strict):
    """A data cut-off or publication: results from different analyses must not be mixed."""

    id: str = Field(pattern=_ID)
    label: str
    median_follow_up: Value | None = None
    cutoff: str | None = None
    note: str | None = None


class Landmark(_Strict):
    time: float = Field(gt=0)
    time_unit: Literal["months", "years"]
    rate: Value  # unit percent


class AtRisk(_Strict):
    times: tuple[float, ...]
    time_unit: Literal["months", "years"]
    n: tuple[int, ...]
    source: str
    locator: str = Field(min_length=2)
    note: str | None = None


class Result(_Strict):
    """One endpoint in one arm of one analysis."""

    endpoint: Endpoint
    arm: str
    analysis: str
    definition: str | None = None
    median: Value | None = None
    median_not_reached: bool = False
    events: Value | None = None
    landmarks: tuple[Landmark, ...] = ()
    at_risk: AtRisk | None = None
    rate: Value | None = None  # for rate endpoints (MRD negativity, response, SPM cumulative)
    note: str | None = None


class Comparison(_Strict):
    """A between-arm effect: hazard ratio (experimental vs control) or another ratio."""

    endpoint: Endpoint
    analysis: str
    experimental: str
    control: str
    measure: Literal["HR", "OR", "RR", "difference-percent"] = "HR"
    estimate: Value
    p: float | None = Field(default=None, ge=0, le=1)
    p_text: str | None = None  # e.g. '<0.001' as printed
    note: str | None = None


class Subgroup(_Strict):
    endpoint: Endpoint
    analysis: str
    experimental: str
    control: str
    factor: str = Field(min_length=2)
    level: str = Field(min_length=1)
    n: Value | None = None
    measure: Literal["HR", "OR", "RR", "median-months", "difference-percent"] = "HR"
    estimate: Value
    p: float | None = Field(default=None, ge=0, le=1)
    post_hoc: bool = False
    note: str | None = None


#: Patient characteristics that can shift prognosis; the personal-estimates model matches a
#: patient profile to these names (levels are free text, documented in docs/evidence.md).
PROGNOSTIC_FACTORS = (
    "iss", "r-iss", "r2-iss", "del17p", "t4-14", "t14-16", "gain1q", "amp1q",
    "high-risk-cytogenetics", "ldh", "response", "mrd", "age", "renal-function", "sex",
    "induction", "transplant",
)  # fmt: skip
PrognosticFactor = Literal[
    "iss", "r-iss", "r2-iss", "del17p", "t4-14", "t14-16", "gain1q", "amp1q",
    "high-risk-cytogenetics", "ldh", "response", "mrd", "age", "renal-function", "sex",
    "induction", "transplant",
]  # fmt: skip


class PrognosticEffect(_Strict):
    """How a patient characteristic shifts risk whatever the treatment (e.g. R-ISS III vs I).

    ``measure`` HR: hazard of ``level`` relative to ``reference`` (``adjusted`` says whether the
    model adjusted for other factors). ``share`` is the proportion of patients with ``level`` in
    that population, needed to turn 'vs reference' into 'vs the average patient'.
    """

    endpoint: Endpoint
    analysis: str | None = None
    factor: PrognosticFactor
    level: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    measure: Literal["HR"] = "HR"
    estimate: Value
    adjusted: bool = False
    adjustment: str | None = None
    share: Value | None = None
    population: str | None = None
    note: str | None = None


#: When a safety number was counted, as a structured key (the free-text ``time_point`` says it in
#: the source's words). Comparator arms are paired on this key, never on the free text.
TIME_FRAMES = (
    "on-treatment",  # during the maintenance (or matching observation) period
    "before-progression",  # counted only while progression-free (McCarthy 2017 second cancers)
    "any-time",  # over all follow-up, including after progression
    "first-report",  # as of a trial's first report (period not stated more exactly)
    "not-stated",
)
TimeFrame = Literal["on-treatment", "before-progression", "any-time", "first-report", "not-stated"]
# Who a safety number was counted in, where a trial reports a subgroup outside its main population
# (Myeloma XI also randomised people who had no transplant). None: the trial's own population.
SafetyPopulation = Literal["after-transplant", "no-transplant"]


class SafetyItem(_Strict):
    """A side effect, second cancer or treatment change in one arm.

    ``category`` is the structured endpoint, ``grade`` the CTCAE grade ('3', '4', '3-4', '>=3',
    'any'), ``time_frame`` the structured period; a comparator arm's item is paired on these keys
    and the analysis (:func:`mmdecide.personal.harms.comparator_item`), never on ``item`` text.
    """

    arm: str
    analysis: str | None = None
    category: SafetyCategory
    item: str = Field(min_length=2)
    grade: str | None = None  # e.g. '3-4', 'any'
    value: Value
    time_point: str | None = None  # e.g. 'before progression', 'at 5 years', 'during treatment'
    time_frame: TimeFrame | None = None
    at_months: float | None = Field(default=None, gt=0)
    population: SafetyPopulation | None = None


class Fact(_Strict):
    """A numeric statement that fits no table above (staging medians, dosing rules, PDQ text)."""

    id: str = Field(pattern=_ID)
    topic: str
    text: str
    values: dict[str, Value] = Field(default_factory=dict)
    level_of_evidence: str | None = None


class Conflict(_Strict):
    """Two sources disagree about something that is not a single Value (kept visible)."""

    topic: str
    description: str
    used: str
    why: str


ResponseLevel = Literal["sCR", "CR", "VGPR", "PR", "SD"]
#: Induction regimens in the words of a patient profile (``other`` is never a trial criterion).
InductionKind = Literal["vrd", "vtd", "vcd", "krd", "dara-vrd", "dara-vtd"]


class Criterion(_Strict):
    """One entry criterion of a trial, with where it is written (publication or registry record)."""

    text: str = Field(min_length=5, description="the criterion as the source states it")
    source: str
    locator: str = Field(min_length=2)
    note: str | None = None


class AgeCriterion(Criterion):
    """Ages allowed at entry, in whole years, both ends included ('younger than 71' is max 70)."""

    min_years: int | None = Field(default=None, ge=0, le=120)
    max_years: int | None = Field(default=None, ge=0, le=120)


class ResponseCriterion(Criterion):
    """The least response (IMWG) a patient needed at entry."""

    at_least: ResponseLevel


class MrdCriterion(Criterion):
    required: Literal["positive", "negative"]


class InductionCriterion(Criterion):
    """Induction the trial's patients had: only ``allowed`` (protocol induction) or none of ``excluded``."""

    allowed: tuple[InductionKind, ...] = ()
    excluded: tuple[InductionKind, ...] = ()


class TransplantCriterion(Criterion):
    allowed: tuple[Literal["single", "tandem"], ...] = Field(min_length=1)


class TimingCriterion(Criterion):
    """How soon after the (last) transplant maintenance started: ``max_days`` or ``max_months``."""

    max_days: int | None = Field(default=None, gt=0, le=3650)
    max_months: float | None = Field(default=None, gt=0, le=120)


class Eligibility(_Strict):
    """Who the trial enrolled (its entry criteria), used to tell a patient outside that population.

    Only criteria a patient profile can be compared with are encoded; a criterion the sources
    read do not state is left out (and so never excludes anyone).
    """

    age: AgeCriterion | None = None
    response: ResponseCriterion | None = None
    mrd: MrdCriterion | None = None
    induction: InductionCriterion | None = None
    transplant: TransplantCriterion | None = None
    time_since_transplant: TimingCriterion | None = None
    other: tuple[Criterion, ...] = Field(default=(), description="criteria no profile field can check")


class EvidenceFile(_Strict):
    schema_version: Literal[1] = 1
    id: str = Field(pattern=_ID)
    kind: StudyKind
    title: str = Field(min_length=5)
    topics: tuple[Topic, ...] = Field(min_length=1)
    setting: Literal["post-asct", "transplant-ineligible", "mixed", "not-applicable"]
    design: str
    registration: tuple[str, ...] = ()
    population: str
    includes: tuple[str, ...] = Field(
        default=(), description="ids of evidence files whose patients this analysis pools"
    )
    sources: tuple[Source, ...] = Field(min_length=1)
    arms: tuple[Arm, ...] = ()
    analyses: tuple[Analysis, ...] = ()
    results: tuple[Result, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    subgroups: tuple[Subgroup, ...] = ()
    safety: tuple[SafetyItem, ...] = ()
    prognostic: tuple[PrognosticEffect, ...] = ()
    facts: tuple[Fact, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    eligibility: Eligibility | None = None
    caveats: tuple[str, ...] = ()
    gaps: tuple[str, ...] = Field(default=(), description="what was looked for and not found")
