"""Patient sentences about the options and the answers, for the results and summary pages.

The web layer renders these; it does not write them. Kept apart from ``plain_language`` (which is
at the module size limit) but written to the same rules: grade-8 words, no advice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..personal.result import InputUse
from .response_words import taken_as_sentences

__all__ = [
    "DURATION_WORDS",
    "FACTOR_FIELD",
    "FACTOR_WORDS",
    "NOT_OFFERED_WORDS",
    "TRIAL_ONLY_PICTURE",
    "effect_words",
]

#: How long an option is taken (the evidence's duration kind), in plain words.
DURATION_WORDS = {
    "until-progression": "until the myeloma comes back (or side effects are too much)",
    "fixed": "for a fixed time",
    "until-progression-or-max": "until the myeloma comes back, up to a maximum time",
    "mrd-guided": "for a time guided by MRD tests",
    "response-guided": "for a time guided by the response",
    "not-reported": "not reported",
}


#: Why an option is not shown, in plain words, by option id; the evidence's own reason follows
#: for the care team. An option without an entry here shows the evidence's reason only.
NOT_OFFERED_WORDS = {
    "thalidomide": "Its trials did not give a clear enough result against no maintenance to work out "
                   "numbers for you.",
    "bortezomib": "In its trial, people also had it before the transplant. So its effect as maintenance "
                  "alone cannot be told apart.",
    "daratumumab-lenalidomide": "Its only trial took only people who still had a trace of myeloma after "
                                "the transplant (MRD positive). Your answers do not say you are MRD positive.",
}


#: Profile factors in plain words (the estimate's ``profile_effects[].factor``).
FACTOR_WORDS = {
    "age": "Your age", "sex": "Sex", "iss": "ISS stage", "r-iss": "R-ISS stage", "r2-iss": "R2-ISS group",
    "del17p": "del(17p)", "t4-14": "t(4;14)", "t14-16": "t(14;16)", "gain1q": "1q gain",
    "amp1q": "1q amplification", "high-risk-cytogenetics": "High-risk FISH changes",
    "response": "Response after transplant", "mrd": "MRD result", "ldh": "LDH",
    "renal-function": "Kidney function", "induction": "First treatment",
}

#: The profile field behind a factor that is that field's alone (``EstimateResult.inputs[].field``).
FACTOR_FIELD = {
    "age": "age", "sex": "sex", "iss": "iss", "r-iss": "r_iss", "r2-iss": "r2_iss", "response": "response",
    "mrd": "mrd", "ldh": "ldh_high", "renal-function": "creatinine_clearance_ml_min", "induction": "induction",
}


def effect_words(effect: Any, inputs: Iterable[InputUse] = ()) -> tuple[str, str]:
    """(the factor, what the tool did with it) in plain words, for one profile effect.

    A factor not applied as a myeloma risk can still change the numbers through its field (age
    and sex set the deaths from other causes): the field's entry in ``inputs``, which the JSON,
    the command line and ``--plain`` report, decides "used" here too."""
    name = FACTOR_WORDS.get(effect.factor, effect.factor)
    why = effect.explanation.lower()
    if effect.applied and effect.level is None:
        return name, "You did not answer, so the tool mixes all possible answers. This makes the ranges wider."
    if effect.applied:
        taken = taken_as_sentences(u for u in inputs if u.field == FACTOR_FIELD.get(effect.factor))
        return name, " ".join(["Used: your answer changes the numbers.", *taken])
    if "already part of" in why:
        return name, "Not used again: it is already part of your stage."
    use = next((u for u in inputs if u.field == FACTOR_FIELD.get(effect.factor)), None)
    if use is not None and use.used:
        if "deaths from other causes" in use.how:
            return name, ("Used: it changes the chance of dying from other causes. The studies do not give "
                          "enough to use it as a myeloma risk.")
        return name, "Used: your answer changes the numbers."
    return name, "Not used: the studies do not give enough to use it."


#: what a picture of an option shown by its trial's results only says instead
TRIAL_ONLY_PICTURE = ("No picture for this option. Our model could not match its own trial, so we show "
                      "only what the trial saw, under the cards at the top.")
