"""Lenalidomide harms as a patient needs them: side effects, treatment changes, what must be done,
second cancers by type, dose and blood counts - each number beside its comparator, with its source.

Everything is read from the evidence files (CALGB 100104, IFM 2005-02, GIMEMA RV-MM-PI-209,
Myeloma XI, the McCarthy 2017 and Palumbo 2014 meta-analyses, and the label facts in
``maintenance-duration-dosing``). What a patient asked about and a study does not give per arm
(for example grade 3-4 anaemia, or AML/MDS counts by type) is listed per study as "not reported"
(``HarmsSection.not_reported``), never estimated. Profile values (kidney function, blood counts) are compared with the label's
thresholds in plain words; they are information for a talk with the care team, not advice.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..evidence import Corpus
from ..evidence.schema import EvidenceFile, Fact, SafetyItem
from ..personal.harms import comparator_item, for_transplanted
from ..personal.result import SourceRef
from ..personal.sources import cite

__all__ = ["HARMS_TRIALS", "STUDY_NAMES", "HarmRow", "HarmsDetail", "HarmsSection", "LabelNumber", "NotReported",
           "harms_detail"]

#: (evidence, lenalidomide arm, comparator arm): the lenalidomide-vs-none trials and meta-analyses.
HARMS_TRIALS: tuple[tuple[str, str, str], ...] = (
    ("calgb-100104", "lenalidomide", "placebo"),
    ("ifm-2005-02", "lenalidomide", "placebo"),
    ("gimema-rv-mm-pi-209", "lenalidomide", "no-maintenance"),
    ("myeloma-xi", "lenalidomide", "observation"),
    ("mccarthy-2017-meta", "lenalidomide", "control"),
    ("palumbo-2014-spm-meta", "lenalidomide", "no-lenalidomide"),
)

#: Side effects the readers asked about, by safety category, in plain words.
SIDE_EFFECTS: tuple[tuple[str, str], ...] = (
    ("neutropenia", "low infection-fighting white cells (neutropenia)"),
    ("thrombocytopenia", "low platelets (thrombocytopenia)"),
    ("anemia", "low red cells (anaemia)"),
    ("infection", "infections"),
    ("diarrhea", "diarrhoea"),
    ("fatigue", "tiredness (fatigue)"),
    ("rash", "rash or other skin problems"),
    ("thrombosis", "blood clots"),
)
TREATMENT_CHANGES: tuple[tuple[str, str], ...] = (
    ("dose-reduction", "lower dose because of side effects"),
    ("discontinuation", "stopping because of side effects"),
)
SECOND_CANCERS: tuple[tuple[str, str], ...] = (
    ("spm-aml-mds", "acute myeloid leukaemia (AML) or myelodysplastic syndrome (MDS)"),
    ("spm-b-all", "B-cell acute lymphoblastic leukaemia (B-ALL)"),
    ("spm-hodgkin", "Hodgkin lymphoma"),
    ("spm-nhl", "non-Hodgkin lymphoma"),
    ("spm-hematologic", "blood cancers, all types together (for example AML or MDS)"),
    ("spm-solid", "solid tumours"),
    ("spm-skin", "non-melanoma skin cancers"),
    ("spm-any", "any second cancer"),
)
#: short names of the studies, for the "not reported" lines
STUDY_NAMES = {
    "calgb-100104": "CALGB 100104", "ifm-2005-02": "IFM 2005-02", "gimema-rv-mm-pi-209": "GIMEMA RV-MM-PI-209",
    "myeloma-xi": "Myeloma XI", "mccarthy-2017-meta": "the McCarthy 2017 meta-analysis",
    "palumbo-2014-spm-meta": "the Palumbo 2014 meta-analysis",
}
#: the single trials (side effects and treatment changes are reported per trial, not pooled)
_TRIALS = ("calgb-100104", "ifm-2005-02", "gimema-rv-mm-pi-209", "myeloma-xi")
_TIME_FRAME_WORDS = {
    "before-progression": "before the myeloma came back",
    "any-time": "at any time during follow-up",
    "on-treatment": "while on maintenance",
    "first-report": "by the trial's first report",
}


#: plain words for the label numbers a section lists (unknown names fall back to their key)
_PLAIN = {
    "starting_dose": "starting dose, once a day (mg)",
    "escalated_dose": "higher dose after 3 cycles if it is well tolerated (mg)",
    "lowest_dose_step": "lowest dose step (mg, on days 1-21 of each 28-day cycle)",
    "lowest_dose_days_per_cycle": "days of each 28-day cycle at the lowest step",
    "anc_threshold": "neutrophils needed to start (per microlitre; 1,000 = 1.0 x 10^9/L)",
    "platelet_threshold": "platelets needed to start (per microlitre; 75,000 = 75 x 10^9/L)",
    "anc_interrupt_below": "neutrophils below which the medicine is paused (per microlitre; 500 = 0.5 x 10^9/L)",
    "anc_resume_at_or_above": "neutrophils needed to restart at the next lower dose (per microlitre; 500 = 0.5 x 10^9/L)",
    "adjust_below": "creatinine clearance below which the starting dose is lowered (mL/min)",
    "not_studied_below_no_dialysis": "creatinine clearance below which people not on dialysis were not studied (mL/min)",
    "not_studied_below_dialysis": "creatinine clearance below which people on dialysis were not studied (mL/min)",
    "pregnancy_avoid_weeks_before": "weeks before the first dose from which pregnancy must be avoided",
    "pregnancy_avoid_weeks_after": "weeks after the last dose until which pregnancy must be avoided",
    "negative_pregnancy_tests_before_start": "negative pregnancy tests needed before starting",
    "no_blood_donation_weeks_after": "weeks after the last dose with no blood donation",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Frozen):
    value: float
    unit: str | None
    source: SourceRef


class HarmRow(_Frozen):
    evidence: str
    category: str
    what: str
    grade: str | None
    time_frame: str = Field(description="as the source reports it: 'before the myeloma came back', 'at any time' ...")
    lenalidomide: Cited
    comparator: Cited | None
    comparator_label: str
    comparator_missing: str | None = Field(default=None, description="why no comparator number is shown")


class LabelNumber(_Frozen):
    name: str
    label: str = Field(description="the number's meaning in plain words")
    value: float
    unit: str | None
    source: SourceRef


class NotReported(_Frozen):
    """An asked-for harm that some studies give no per-arm number for (in the sources read)."""

    category: str
    what: str = Field(description="the harm in plain words")
    studies: list[str] = Field(description="short names of the studies without a number for it")


class HarmsSection(_Frozen):
    key: str
    title: str
    sentences: list[str] = Field(default_factory=list, description="plain words; every number in them is in rows or numbers")
    rows: list[HarmRow] = Field(default_factory=list)
    numbers: list[LabelNumber] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="what was asked for and is not in the evidence base")
    not_reported: list[NotReported] = Field(
        default_factory=list, description="per asked-for harm, the studies that give no per-arm number for it: "
        "'not reported' in the sources read, never estimated")

    def not_reported_groups(self) -> list[tuple[list[str], list[str]]]:
        """(studies, harms): the harms that the same studies leave out, together, so that a reader
        meets one line per group of studies instead of one per harm (in the order asked)."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for n in self.not_reported:
            groups.setdefault(tuple(n.studies), []).append(n.what)
        return [(list(studies), whats) for studies, whats in groups.items()]


class HarmsDetail(_Frozen):
    sections: list[HarmsSection]


def _time_frame(s: SafetyItem) -> str:
    words = _TIME_FRAME_WORDS.get(s.time_frame or "", "")
    return f"{words} ({s.time_point})" if words and s.time_point else (words or s.time_point or "time not stated")


def _cited(corpus: Corpus, evidence: str, s: SafetyItem, arm_label: str) -> Cited:
    return Cited(value=s.value.value, unit=s.value.unit, source=cite(corpus, evidence, s.value, f"{s.item}, {arm_label}"))


def _rows(corpus: Corpus, categories: set[str]) -> list[HarmRow]:
    rows: list[HarmRow] = []
    for evidence, arm, comparator in HARMS_TRIALS:
        if evidence not in corpus.files:
            continue
        ev = corpus.get(evidence)
        labels = {a.id: a.label for a in ev.arms}
        for s in ev.safety:
            if s.arm != arm or s.category not in categories or s.value.value is None or not for_transplanted(s):
                continue
            match = comparator_item(ev, s, comparator)
            rows.append(HarmRow(
                evidence=evidence, category=s.category, what=s.item, grade=s.grade, time_frame=_time_frame(s),
                lenalidomide=_cited(corpus, evidence, s, labels.get(arm, arm)),
                comparator=_cited(corpus, evidence, match, labels.get(comparator, comparator)) if match else None,
                comparator_label=labels.get(comparator, comparator),
                comparator_missing=None if match else _why_no_comparator(ev, s, comparator),
            ))  # fmt: skip
    return rows


def _not_reported(corpus: Corpus, rows: list[HarmRow], asked: tuple[tuple[str, str], ...],
                  studies: tuple[str, ...]) -> list[NotReported]:
    """For each asked-for harm, the studies (present in the corpus) with no lenalidomide row for it."""
    out = []
    for cat, plain in asked:
        absent = [STUDY_NAMES.get(e, e) for e in studies
                  if e in corpus.files and not any(r.evidence == e and r.category == cat for r in rows)]
        if absent:
            out.append(NotReported(category=cat, what=plain, studies=absent))
    return out


def _why_no_comparator(ev: EvidenceFile, s: SafetyItem, comparator: str) -> str:
    same = [c for c in ev.safety if c.arm == comparator and c.category == s.category]
    if not same:
        return "the source gives no number for the comparison group"
    return "the comparison group's number is reported differently (other grade, unit or time) and cannot be set beside it"


def _fact(corpus: Corpus, evidence: str, fact_id: str) -> Fact | None:
    if evidence not in corpus.files:
        return None
    return next((f for f in corpus.get(evidence).facts if f.id == fact_id), None)


def _numbers(corpus: Corpus, evidence: str, fact: Fact | None, names: tuple[str, ...] | None = None) -> list[LabelNumber]:
    if fact is None:
        return []
    return [LabelNumber(name=k, label=_PLAIN.get(k, k.replace("_", " ")), value=v.value, unit=v.unit, source=cite(corpus, evidence, v, f"{fact.topic}: {k}"))
            for k, v in fact.values.items() if v.value is not None and (names is None or k in names)]


def _side_effects(corpus: Corpus) -> HarmsSection:
    rows = _rows(corpus, {c for c, _ in SIDE_EFFECTS} | {"other"})
    missing = [plain for cat, plain in SIDE_EFFECTS if not any(r.category == cat for r in rows)]
    return HarmsSection(
        key="side-effects", title="Common side effects, beside no maintenance",
        sentences=[("These are the numbers the trials report, with the grade and time each trial used. Grade 3 "
                    "is serious; grade 4 is life-threatening.")],
        rows=rows, missing=[f"{m}: no per-arm number in the evidence base yet" for m in missing],
        not_reported=_not_reported(corpus, rows, SIDE_EFFECTS, _TRIALS),
    )


def _dose_change_words(fact: Fact | None) -> list[str]:
    """The label's dose changes in plain words; every number is one of the fact's values."""
    if fact is None or not {"anc_interrupt_below", "lowest_dose_step", "lowest_dose_days_per_cycle"} <= set(fact.values):
        return []
    v = fact.values
    pause = (f"If the infection-fighting white cells fall below {v['anc_interrupt_below'].value:g} per microlitre, "
             f"the label says to pause the medicine, check blood counts every week, and restart at a lower dose.")
    if "anc_resume_at_or_above" in v:
        pause += (f" It restarts once they are back at {v['anc_resume_at_or_above'].value:g} per microlitre "
                  f"or more.")
    lowest = (f"The lowest dose is {v['lowest_dose_step'].value:g} mg a day on days 1 to "
              f"{v['lowest_dose_days_per_cycle'].value:g} of each 28-day cycle.")
    return [pause, lowest]


def _treatment_changes(corpus: Corpus) -> HarmsSection:
    rows = _rows(corpus, {c for c, _ in TREATMENT_CHANGES})
    fact = _fact(corpus, "maintenance-duration-dosing", "label-dosing")
    missing = [f"{plain}: no per-arm number in the evidence base yet" for cat, plain in TREATMENT_CHANGES
               if not any(r.category == cat for r in rows)]
    return HarmsSection(
        key="treatment-changes", title="Lowering the dose, pausing and stopping",
        sentences=_dose_change_words(fact), rows=rows,
        numbers=_numbers(corpus, "maintenance-duration-dosing", fact, ("lowest_dose_step", "lowest_dose_days_per_cycle",
                                                                       "anc_interrupt_below", "anc_resume_at_or_above")),
        missing=missing, not_reported=_not_reported(corpus, rows, TREATMENT_CHANGES, _TRIALS),
    )  # fmt: skip


def _requirements(corpus: Corpus) -> HarmsSection:
    fact = _fact(corpus, "maintenance-duration-dosing", "label-requirements")
    return HarmsSection(
        key="requirements", title="What must be done while taking it",
        sentences=[fact.text] if fact else [], numbers=_numbers(corpus, "maintenance-duration-dosing", fact),
        missing=[] if fact else ["the label's requirements are not in the evidence base"],
    )


def _second_cancers(corpus: Corpus) -> HarmsSection:
    rows = _rows(corpus, {c for c, _ in SECOND_CANCERS})
    return HarmsSection(
        key="second-cancers", title="Second cancers, by type",
        sentences=[("Each trial counted second cancers in its own way. Some counted them only before the myeloma "
                    "came back; others at any time. Each line says which. Some give the number of people, "
                    "some a percent.")],
        rows=rows,
        missing=[f"{plain}: no per-arm number in the evidence base yet" for cat, plain in SECOND_CANCERS
                 if not any(r.category == cat for r in rows)]
        + ["solid tumours by site: not in the evidence base yet"],
        not_reported=_not_reported(corpus, rows, SECOND_CANCERS, tuple(e for e, _, _ in HARMS_TRIALS)),
    )


def _dose(corpus: Corpus, crcl: float | None) -> HarmsSection:
    dosing = _fact(corpus, "maintenance-duration-dosing", "label-dosing")
    renal = _fact(corpus, "maintenance-duration-dosing", "label-renal")
    sentences = []
    if dosing is not None and {"starting_dose", "escalated_dose"} <= set(dosing.values):
        sentences.append(f"The label's starting dose is {dosing.values['starting_dose'].value:g} mg once a day, every "
                         f"day. It may go up to {dosing.values['escalated_dose'].value:g} mg if it is well tolerated.")
    if renal is not None:
        sentences.append(renal.text)
    limit = renal.values["adjust_below"].value if renal and "adjust_below" in renal.values else None
    if crcl is not None and limit is not None:
        side = "below" if crcl < limit else "at or above"
        sentences.append(f"Your kidney function (creatinine clearance {crcl:g} mL/min) is {side} the label's level "
                         f"of {limit:g} mL/min for a lower starting dose. Your care team sets the dose.")
    elif crcl is None:
        sentences.append("Your kidney function was not given, so it cannot be compared with the label.")
    return HarmsSection(
        key="dose", title="Dose, schedule and kidney function", sentences=sentences,
        numbers=_numbers(corpus, "maintenance-duration-dosing", dosing, ("starting_dose", "escalated_dose"))
        + _numbers(corpus, "maintenance-duration-dosing", renal),
        missing=["the label's dose for each creatinine-clearance band: not in the evidence base yet"],
    )  # fmt: skip


def _compare(name: str, value: float | None, limit: float | None, unit: str, what: str) -> str | None:
    if value is None or limit is None:
        return None
    side = "below" if value < limit else "at or above"
    return f"Your {name} ({value:g} {unit}) is {side} the label's level of {limit:g} {unit} {what}."


def _blood_counts(corpus: Corpus, hb: float | None, anc: float | None, plt: float | None) -> HarmsSection:
    fact = _fact(corpus, "maintenance-duration-dosing", "label-dosing")
    v = fact.values if fact else {}
    # the label prints counts per microlitre; the profile uses 10^9/L (1,000/mcL = 1.0 x 10^9/L)
    anc_start = v["anc_threshold"].value / 1000 if "anc_threshold" in v else None
    anc_pause = v["anc_interrupt_below"].value / 1000 if "anc_interrupt_below" in v else None
    anc_resume = v["anc_resume_at_or_above"].value / 1000 if "anc_resume_at_or_above" in v else None
    plt_start = v["platelet_threshold"].value / 1000 if "platelet_threshold" in v else None
    sentences = [s for s in (
        _compare("neutrophil count", anc, anc_start, "x 10^9/L", "for starting maintenance"),
        _compare("neutrophil count", anc, anc_pause, "x 10^9/L", "below which the label pauses the medicine"),
        _compare("neutrophil count", anc, anc_resume, "x 10^9/L", "for restarting after a pause"),
        _compare("platelet count", plt, plt_start, "x 10^9/L", "for starting maintenance"),
    ) if s]  # fmt: skip
    if hb is not None:
        sentences.append(f"Your hemoglobin ({hb:g} g/dL) has no threshold in the label's maintenance dosing; "
                         "low red cells are a known side effect, and the trials' rates are listed above where reported.")
    if not sentences:
        sentences.append("No blood counts were given, so they cannot be compared with the label.")
    sentences.append("These comparisons are information for a talk with your care team, not a recommendation.")
    return HarmsSection(
        key="blood-counts", title="Your blood counts and the label's thresholds", sentences=sentences,
        numbers=_numbers(corpus, "maintenance-duration-dosing", fact, ("anc_threshold", "platelet_threshold",
                                                                       "anc_interrupt_below", "anc_resume_at_or_above")),
        missing=["the label's platelet level for pausing maintenance: not in the evidence base yet"],
    )  # fmt: skip


def harms_detail(corpus: Corpus, *, creatinine_clearance_ml_min: float | None = None,
                 hemoglobin_g_dl: float | None = None, neutrophils_10e9_l: float | None = None,
                 platelets_10e9_l: float | None = None) -> HarmsDetail:
    """Lenalidomide's harms, dose and requirements as structured sections for one profile.

    The keyword values are optional profile fields (kidney function as creatinine clearance in
    mL/min; hemoglobin in g/dL; neutrophils and platelets in 10^9/L).
    """
    return HarmsDetail(sections=[
        _side_effects(corpus), _treatment_changes(corpus), _requirements(corpus), _second_cancers(corpus),
        _dose(corpus, creatinine_clearance_ml_min),
        _blood_counts(corpus, hemoglobin_g_dl, neutrophils_10e9_l, platelets_10e9_l),
    ])  # fmt: skip
