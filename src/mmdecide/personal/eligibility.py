"""Who each option was studied in: a profile outside every trial behind an option is told why.

Each trial's entry criteria are data (the ``eligibility`` section of its evidence file, with source
and locator). For a profile and an option this module returns the reasons the profile lies outside
the population of the trials that give the option its numbers, in plain words ("The trials took
people up to 70 years old, but you are 88."). An option backed by several trials (lenalidomide: the
three trials of the McCarthy 2017 meta-analysis) counts as studied in a person whom at least one of
its trials would have taken. An answer the patient left unknown never excludes.

What is done with the reasons (numbers still shown, clearly flagged) is argued in docs/model.md,
"Who the options were studied in".
"""

from __future__ import annotations

from dataclasses import dataclass

from ..timeunits import DAYS_PER_MONTH
from ..evidence import Corpus
from ..evidence.schema import Eligibility
from .profile import PatientProfile

__all__ = ["STUDIED_IN", "Reason", "outside_population", "reasons_for_trial"]

#: The trials whose patients give each option its numbers (curation, like :mod:`.options`): the
#: trials of the McCarthy 2017 meta-analysis for lenalidomide and for no maintenance (their
#: control arms), and each other option's own randomized trial.
STUDIED_IN: dict[str, tuple[str, ...]] = {
    "observation": ("calgb-100104", "ifm-2005-02", "gimema-rv-mm-pi-209"),
    "lenalidomide": ("calgb-100104", "ifm-2005-02", "gimema-rv-mm-pi-209"),
    "ixazomib": ("tourmaline-mm3",),
    "daratumumab": ("cassiopeia",),
    "daratumumab-lenalidomide": ("auriga",),
    "carfilzomib-lenalidomide-dexamethasone": ("atlas",),
}

# IMWG response categories from deepest to shallowest.
_RESPONSE_ORDER = ("sCR", "CR", "VGPR", "PR", "SD")
_RESPONSE_WORDS = {
    "sCR": "a stringent complete response (sCR)", "CR": "a complete response (CR)",
    "VGPR": "a very good partial response (VGPR)", "PR": "a partial response (PR)",
    "SD": "stable disease (SD)",
}
_INDUCTION_WORDS = {
    "vrd": "VRd", "vtd": "VTd", "vcd": "VCd", "krd": "KRd", "dara-vrd": "daratumumab with VRd",
    "dara-vtd": "daratumumab with VTd",
}


@dataclass(frozen=True)
class Reason:
    """One way a profile lies outside a trial's population."""

    criterion: str  # age | response | mrd | induction | transplant | time-since-transplant
    text: str  # plain words, for the patient


def _age(el: Eligibility, p: PatientProfile) -> Reason | None:
    a = el.age
    if a is None or p.age is None:
        return None
    if a.max_years is not None and p.age > a.max_years:
        return Reason("age", f"the trial took people up to {a.max_years} years old, but you are {p.age}")
    if a.min_years is not None and p.age < a.min_years:
        return Reason("age", f"the trial took people from {a.min_years} years old, but you are {p.age}")
    return None


def _response(el: Eligibility, p: PatientProfile) -> Reason | None:
    r = el.response
    if r is None or p.response is None:
        return None
    if _RESPONSE_ORDER.index(p.response) <= _RESPONSE_ORDER.index(r.at_least):
        return None
    return Reason("response", f"the trial took people with at least {_RESPONSE_WORDS[r.at_least]}, "
                              f"but you have {_RESPONSE_WORDS[p.response]}")


def _mrd(el: Eligibility, p: PatientProfile) -> Reason | None:
    m = el.mrd
    if m is None or p.mrd is None or p.mrd == m.required:
        return None
    return Reason("mrd", f"the trial took only people who were MRD-{m.required}, but you are MRD-{p.mrd}")


def _induction(el: Eligibility, p: PatientProfile) -> Reason | None:
    i = el.induction
    if i is None or p.induction in (None, "other"):
        return None
    mine = _INDUCTION_WORDS[p.induction]
    if i.allowed and p.induction not in i.allowed:
        had = " or ".join(_INDUCTION_WORDS[k] for k in i.allowed)
        return Reason("induction", f"everyone in the trial had {had} before transplant, but you had {mine}")
    if p.induction in i.excluded:
        return Reason("induction", f"the trial did not take people who had {mine} before transplant")
    return None


def _transplant(el: Eligibility, p: PatientProfile) -> Reason | None:
    t = el.transplant
    if t is None or p.transplant is None or p.transplant in t.allowed:
        return None
    kinds = " or ".join(f"a {k} transplant" for k in t.allowed)
    return Reason("transplant", f"the trial took people after {kinds}, but you had a {p.transplant} transplant")



def _timing(el: Eligibility, p: PatientProfile) -> Reason | None:
    """A patient whose transplant was longer ago than anyone's in the trial when they started."""
    t = el.time_since_transplant
    if t is None or p.months_since_transplant is None:
        return None
    limit = t.max_days / DAYS_PER_MONTH if t.max_days is not None else t.max_months
    if limit is None or p.months_since_transplant <= limit:
        return None
    within = f"{t.max_days} days" if t.max_days is not None else f"{t.max_months:g} months"
    return Reason("time-since-transplant", f"the trial started maintenance within {within} after the "
                  f"transplant, but your transplant was about {p.months_since_transplant:g} months ago")


_CHECKS = (_age, _response, _mrd, _induction, _transplant, _timing)


def reasons_for_trial(el: Eligibility | None, p: PatientProfile) -> list[Reason]:
    """Every criterion of one trial that the profile's known answers fail."""
    if el is None:
        return []
    return [r for check in _CHECKS if (r := check(el, p)) is not None]


def outside_population(corpus: Corpus, option: str, p: PatientProfile) -> list[str]:
    """Plain-word reasons the profile lies outside every trial behind ``option`` (empty: inside,
    or nothing known that says otherwise)."""
    trials = [t for t in STUDIED_IN.get(option, ()) if t in corpus.files]
    per_trial = [reasons_for_trial(corpus.get(t).eligibility, p) for t in trials]
    if not per_trial or any(not reasons for reasons in per_trial):
        return []
    if len(per_trial) == 1:
        return [r.text for r in per_trial[0]]
    return _combined(corpus, trials, per_trial, p)


def _combined(corpus: Corpus, trials: list[str], per_trial: list[list[Reason]], p: PatientProfile) -> list[str]:
    """Reasons for an option with several trials, each trial outside for its own reasons.

    A criterion every trial fails is said once for all of them (the age against the oldest age any
    of them took); otherwise each trial's reasons are named with the trial.
    """
    shared = set.intersection(*({r.criterion for r in rs} for rs in per_trial))
    out = []
    for crit in sorted(shared):
        oldest = _oldest_age(corpus, trials) if crit == "age" else None
        if oldest is not None and p.age is not None and p.age > oldest:
            out.append(f"the trials took people up to {oldest} years old, but you are {p.age}")
            continue
        first = next(r.text for r in per_trial[0] if r.criterion == crit)
        out.append(first.replace("the trial ", "the trials ", 1))
    if out:
        return out
    return [f"{corpus.get(t).title.split(':')[0]}: {r.text}" for t, rs in zip(trials, per_trial) for r in rs]


def _oldest_age(corpus: Corpus, trials: list[str]) -> int | None:
    """The oldest age any of the trials took, or None when any of them states no upper age."""
    maxima: list[int] = []
    for t in trials:
        elig = corpus.get(t).eligibility
        if elig is None or elig.age is None or elig.age.max_years is None:
            return None
        maxima.append(elig.age.max_years)
    return max(maxima) if maxima else None
