"""The words of each picture of 100 people (its text alternative and the sentence beside it): who
is counted, and how many with and without the option. The web draws the pictures from the same
numbers (``web/results_view.py``); the words live here, with the rest of the patient text."""

from __future__ import annotations

from ..personal.result import HorizonResult, Number
from .number_words import about, between, whole

__all__ = ["BENEFIT_REST", "BENEFIT_WHAT", "BEYOND_FOLLOW_UP", "benefit_picture_text", "spm_picture_text",
           "spm_trial_sentence"]

#: What the people of a benefit picture are, by endpoint: the counted ones and the rest.
BENEFIT_WHAT = {"pfs": "alive with the myeloma not back", "os": "alive"}
BENEFIT_REST = {"pfs": "the myeloma came back, or they died", "os": "died"}
BEYOND_FOLLOW_UP = " This is beyond how long the trials followed people."


def benefit_picture_text(name: str, ep: str, when: str, opt: Number, ref: Number | None) -> str:
    """'With lenalidomide, about 52 out of 100 would be alive ... With no maintenance, about 30 (...).'
    ``ref`` is None for no maintenance itself, or when its number is not known."""
    what = BENEFIT_WHAT[ep]
    if opt.estimate is None:
        return f"The studies do not give this number for {name}: {opt.reason or 'not estimated'}."
    text = f"With {name}, about {whole(opt.estimate)} out of 100 would be {what} after {when} ({between(opt)})."
    if ref is not None and ref.estimate is not None:
        text += f" With no maintenance, about {whole(ref.estimate)} ({between(ref)})."
    return text + (BEYOND_FOLLOW_UP if opt.extrapolated else "")


def spm_picture_text(name: str, when: str, at: HorizonResult, ref: HorizonResult | None) -> str:
    """Second cancers with the option after ``when``, by kind where the evidence splits them
    (``ref`` None for no maintenance itself). The caller adds the trial's own pair and the
    beyond-follow-up words (:func:`spm_trial_sentence`, :data:`BEYOND_FOLLOW_UP`)."""
    h, s, a = at.spm_hematologic_percent, at.spm_solid_percent, at.spm_any_percent
    if h.estimate is not None and s.estimate is not None:
        text = (f"With {name}, after {when}, {about(h.estimate)} out of 100 would get a second blood "
                f"cancer ({between(h)}) and {about(s.estimate)} another second cancer ({between(s)}).")
        if ref is not None:
            rh, rs = ref.spm_hematologic_percent, ref.spm_solid_percent
            if rh.estimate is not None and rs.estimate is not None:
                text += (f" With no maintenance: {about(rh.estimate)} ({between(rh)}) and "
                         f"{about(rs.estimate)} ({between(rs)}).")
        return text
    if a.estimate is not None:
        return (f"With {name}, after {when}, {about(a.estimate)} out of 100 would get a second "
                f"cancer of any kind ({between(a)}).")
    reason = h.reason or a.reason or "not in the evidence base"
    return f"The studies do not tell us how many people taking {name} get a second cancer ({reason})."


def spm_trial_sentence(option: Number, comparator: Number, comparator_words: str, follow: str) -> str:
    """The option's own trial pair, counted one way (the card shows it too)."""
    return (f" In its trial{follow}: {about(option.estimate)} out of 100 taking it and "
            f"{about(comparator.estimate)} out of 100 {comparator_words}.")
