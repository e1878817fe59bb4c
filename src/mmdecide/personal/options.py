"""The maintenance options the evidence base reaches, and which evidence entries carry each.

This table is curation, not clinical numbers: it says *which* hazard ratios, regimens, safety
items and second-cancer rates stand for an option. Every number itself is read from the evidence
files at run time. An option whose key entry is missing is not offered, and the result says why.

Evidence paths:
* lenalidomide vs observation: the McCarthy 2017 IPD meta-analysis (direct, 3 RCTs);
* ixazomib vs placebo (TOURMALINE-MM3) and daratumumab vs observation (CASSIOPEIA): direct, one RCT;
* daratumumab-lenalidomide (AURIGA) and carfilzomib-lenalidomide-dexamethasone (ATLAS) were
  compared with lenalidomide, not with observation: their effect vs observation is an indirect
  comparison through lenalidomide (Bucher 1997), combining both uncertainties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

from .profile import PatientProfile
from .sources import HRLink
from .subgroups import SubgroupRule

__all__ = ["NOT_OFFERED", "OPTIONS", "OptionSpec", "Path", "SpmSource", "Strength"]

#: How an option's evidence reaches the comparison with no maintenance (``EvidencePath.kind``).
Path = Literal["reference", "direct-randomized", "indirect"]
#: GRADE-like strength of that evidence (``EvidencePath.strength``).
Strength = Literal["high", "moderate", "low", "very low"]


@dataclass(frozen=True)
class SpmSource:
    """A published cumulative incidence of second cancers in one arm, with when it was measured."""

    evidence: str
    analysis: str | None
    arm: str
    category: str  # spm-hematologic | spm-solid | spm-any
    follow_up: tuple[str, str]  # (evidence, analysis) whose median follow-up dates the incidence
    before_progression: bool  # counted only while progression-free (McCarthy) or over all follow-up


@dataclass(frozen=True)
class OptionSpec:
    id: str
    label: str
    plain_label: str
    description: str
    path: Path
    strength: Strength
    pfs_links: tuple[HRLink, ...] = ()
    os_links: tuple[HRLink, ...] | None = ()
    follow_up: tuple[tuple[str, str], ...] = ()
    regimens: tuple[tuple[str, str], ...] = ()
    spm: tuple[SpmSource, ...] = ()
    safety: tuple[tuple[str, str, str], ...] = ()  # (evidence, arm, comparator arm)
    flags: tuple[str, ...] = ()
    subgroups: tuple[SubgroupRule, ...] = ()
    dosing_facts: tuple[tuple[str, str], ...] = ()  # (evidence, fact id): dose, schedule, duration
    requires: Callable[[PatientProfile], str | None] = field(default=lambda p: None)


_MCCARTHY_PFS = HRLink("mccarthy-2017-meta", "PFS", "jco-2017", "lenalidomide", "control")
_MCCARTHY_OS = HRLink("mccarthy-2017-meta", "OS", "jco-2017", "lenalidomide", "control")
_MCCARTHY_FU = ("mccarthy-2017-meta", "jco-2017")


def _mcc_spm(arm: str, category: str) -> SpmSource:
    return SpmSource("mccarthy-2017-meta", "jco-2017", arm, category, _MCCARTHY_FU, True)


def _cyto_risk(p: PatientProfile) -> str | None:
    high = p.high_risk_cytogenetics()
    return None if high is None else ("high" if high else "standard")


def _needs_mrd_positive(p: PatientProfile) -> str | None:
    if p.mrd == "positive":
        return None
    known = "MRD-negative" if p.mrd == "negative" else "MRD status unknown"
    return (f"AURIGA, the only trial of this option, enrolled only patients who were MRD-positive "
            f"after transplant; this profile is {known}")


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        id="observation",
        label="Observation (no maintenance)",
        plain_label="No maintenance: regular check-ups only",
        description="No maintenance medicine. Your care team checks your blood and urine regularly "
        "and starts treatment again if the myeloma comes back.",
        path="reference",
        strength="high",
        follow_up=(_MCCARTHY_FU,),
        spm=(_mcc_spm("control", "spm-hematologic"), _mcc_spm("control", "spm-solid")),
    ),
    OptionSpec(
        id="lenalidomide",
        label="Lenalidomide maintenance",
        plain_label="Lenalidomide (Revlimid) pills",
        description="A pill taken once a day, most often 10 mg, either every day or on days 1-21 "
        "of each 28-day cycle, usually until the myeloma comes back or side effects are too much.",
        path="direct-randomized",
        strength="high",
        pfs_links=(_MCCARTHY_PFS,),
        os_links=(_MCCARTHY_OS,),
        follow_up=(_MCCARTHY_FU,),
        regimens=(("calgb-100104", "lenalidomide"), ("myeloma-xi", "lenalidomide"), ("ifm-2005-02", "lenalidomide")),
        spm=(_mcc_spm("lenalidomide", "spm-hematologic"), _mcc_spm("lenalidomide", "spm-solid")),
        safety=(("calgb-100104", "lenalidomide", "placebo"), ("gimema-rv-mm-pi-209", "lenalidomide", "no-maintenance")),
        dosing_facts=tuple(("maintenance-duration-dosing", f) for f in (
            "label-dosing", "escalation-calgb-primary", "nice-schedule", "start-timing", "duration-in-rcts",
            "myeloma-xi-duration", "gem2014main-stop", "mrd-stop-3y", "connect-mm-duration",
        )),
        flags=(
            "overall survival: CALGB 100104 let placebo patients switch to lenalidomide, which makes the survival difference look smaller",
            "IFM 2005-02 stopped lenalidomide for everyone in January 2011 (after about 2 years)",
        ),
    ),
    OptionSpec(
        id="ixazomib",
        label="Ixazomib maintenance (2 years)",
        plain_label="Ixazomib (Ninlaro) pills for 2 years",
        description="A pill taken on days 1, 8 and 15 of each 28-day cycle (3 mg, then 4 mg if it "
        "is well tolerated), for 2 years.",
        path="direct-randomized",
        strength="moderate",
        pfs_links=(HRLink("tourmaline-mm3", "PFS", "pfs-2018", "ixazomib", "placebo"),),
        os_links=(HRLink("tourmaline-mm3", "OS", "os-2023", "ixazomib", "placebo"),),
        follow_up=(("tourmaline-mm3", "pfs-2018"),),
        regimens=(("tourmaline-mm3", "ixazomib"),),
        spm=(SpmSource("tourmaline-mm3", None, "ixazomib", "spm-any", ("tourmaline-mm3", "pfs-2018"), False),),
        safety=(("tourmaline-mm3", "ixazomib", "placebo"),),
        flags=("one randomized trial (TOURMALINE-MM3) against placebo",),
        subgroups=(
            SubgroupRule(
                evidence="ixazomib-pooled-cytogenetics", endpoint="PFS", factor="cytogenetic risk",
                levels={
                    "high": "high risk: del(17p), t(4;14) and/or t(14;16)",
                    "standard": "standard risk (complement of high risk: none of del(17p), t(4;14), t(14;16))",
                },
                profile_level=_cyto_risk,
                credibility="The subgroup results pool four ixazomib trials in different settings, "
                "not only after transplant: they are a hint, not proof.",
            ),
        ),
    ),
    OptionSpec(
        id="daratumumab",
        label="Daratumumab maintenance (2 years)",
        plain_label="Daratumumab (Darzalex) infusions for 2 years",
        description="A drip into a vein (16 mg per kg of body weight) every 8 weeks for up to 2 years.",
        path="direct-randomized",
        strength="low",
        pfs_links=(HRLink("cassiopeia", "PFS", "longterm-2024", "daratumumab", "observation"),),
        os_links=None,
        follow_up=(("cassiopeia", "longterm-2024"),),
        regimens=(("cassiopeia", "daratumumab"),),
        safety=(("cassiopeia", "daratumumab", "observation"),),
        flags=(
            "one randomized trial (CASSIOPEIA) against observation, after VTd or D-VTd induction",
            "the hazard ratio was read from a news summary of the publication (secondary source)",
        ),
    ),
    OptionSpec(
        id="daratumumab-lenalidomide",
        label="Daratumumab plus lenalidomide maintenance",
        plain_label="Daratumumab injections plus lenalidomide pills",
        description="Daratumumab injections under the skin (weekly at first, then every 2 and later "
        "every 4 weeks) together with lenalidomide pills, for up to 3 years.",
        path="indirect",
        strength="low",
        pfs_links=(HRLink("auriga", "PFS", "blood-2025", "d-r", "r"), _MCCARTHY_PFS),
        os_links=None,
        follow_up=(("auriga", "blood-2025"), _MCCARTHY_FU),
        regimens=(("auriga", "d-r"),),
        safety=(("auriga", "d-r", "r"),),
        flags=(
            "compared with lenalidomide alone, not with no maintenance: the effect against no "
            "maintenance is an indirect comparison through lenalidomide",
            "AURIGA enrolled only MRD-positive patients",
        ),
        requires=_needs_mrd_positive,
    ),
    OptionSpec(
        id="carfilzomib-lenalidomide-dexamethasone",
        label="Carfilzomib-lenalidomide-dexamethasone (KRd) maintenance",
        plain_label="Carfilzomib infusions with lenalidomide and dexamethasone",
        description="Carfilzomib drips into a vein on several days of each 28-day cycle, with "
        "lenalidomide and dexamethasone pills; may step down to lenalidomide alone.",
        path="indirect",
        strength="very low",
        pfs_links=(HRLink("atlas", "PFS", "interim-2023", "krd", "lenalidomide"), _MCCARTHY_PFS),
        os_links=(HRLink("atlas", "OS", "interim-2023", "krd", "lenalidomide"), _MCCARTHY_OS),
        follow_up=(("atlas", "interim-2023"), _MCCARTHY_FU),
        regimens=(("atlas", "krd"),),
        safety=(("atlas", "krd", "lenalidomide"),),
        flags=(
            "compared with lenalidomide alone, not with no maintenance: the effect against no "
            "maintenance is an indirect comparison through lenalidomide",
            "interim results of one trial (ATLAS), read from a news summary (secondary source)",
        ),
    ),
)

#: Options looked at and not offered, with the reason (shown in every result).
NOT_OFFERED: tuple[tuple[str, str, str], ...] = (
    ("thalidomide", "Thalidomide maintenance",
     "the thalidomide trials in the evidence base (IFM 99-02, Myeloma IX, HOVON-50, single ASCT vs "
     "tandem) report no hazard ratio with a confidence interval against no maintenance"),
    ("bortezomib", "Bortezomib maintenance",
     "HOVON-65/GMMG-HD4 compared bortezomib induction plus bortezomib maintenance with VAD induction "
     "plus thalidomide maintenance: the maintenance effect cannot be separated from the induction"),
)
