"""A plain-language summary of a personal estimate, for people with myeloma and their families.

This is the one place where estimate numbers are turned into plain words. It never computes a
number: every number in a sentence is a number of the :class:`EstimateResult`, rounded to whole
people. The writing rules it follows (each is tested in ``tests/test_plain_language.py``):

* about grade 8 reading level: short sentences and plain words ("the myeloma coming back" for
  progression, "second cancer" for second primary malignancy, "no maintenance" for observation);
* absolute numbers with one denominator and one time span: "out of 100 people like you" and
  "after N years" for the option and for no maintenance, in adjacent sentences, each with its range;
* harms beside benefits: in every option section the second-cancer sentences (or a sentence that
  the studies do not give them) come right after the benefit sentences, then the most common
  serious side effects beside the comparison arm of the same trial;
* uncertainty words chosen from one table (:data:`CERTAINTY_TABLE`) by the interval of the
  difference, a sentence when a number lies beyond the trials' follow-up, and a sentence on the
  strength of the evidence with its reasons in plain words;
* a missing number is said to be missing, never filled in;
* information for a talk with the care team, never advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..personal.result import EstimateResult, HorizonResult, Number, OptionResult, SideEffect, SourceRef
from ..timeunits import whole_months
from .calibration_words import trial_only_sentences
from .number_words import BELOW_ONE, people
from .numbered_sources import NumberedSources
from .response_words import taken_as_sentences
from .side_effect_words import (
    capital, comparator_words, grade4_sibling, plain_side_effect, top_side_effects, when_words,
)

__all__ = [
    "CERTAINTY_TABLE",
    "EXTRAPOLATED_SENTENCE",
    "FORBIDDEN_PHRASES",
    "STRENGTH_WORDS",
    "WIDE_POINTS",
    "Certainty",
    "PlainSection",
    "PlainSummary",
    "certainty",
    "certainty_sentence",
    "default_years",
    "summarize",
    "summary_markdown",
    "summary_text",
    "top_side_effects",
]

# --------------------------------------------------------------------------------------------
# The words tables: every choice of words that depends on a number is made here.
# --------------------------------------------------------------------------------------------

#: A difference whose 95% interval is wider than this (in percentage points) is "uncertain".
WIDE_POINTS = 20.0


@dataclass(frozen=True)
class Certainty:
    """One row of the uncertainty table: when it applies, its key words, and its sentence."""

    key: Literal["missing", "unclear", "fairly-sure", "likely-wide"]
    when: str
    words: str
    template: str


#: The uncertainty table. The first row whose rule fits the difference's Number is used
#: (see :func:`certainty`). Templates take {name} (the option), {d} (the rounded difference),
#: {more} ("more" or "fewer"), {lo} and {hi} (the rounded interval, as words when signed).
CERTAINTY_TABLE: tuple[Certainty, ...] = (
    Certainty(
        "missing", "the estimate is null",
        "the studies do not tell us",
        "The studies do not tell us how much {name} changes this.",
    ),
    Certainty(
        "unclear", "the 95% interval includes 0",
        "we cannot tell whether it helps",
        "We cannot tell whether it helps with this. The difference could be from {lo} to {hi} "
        "out of 100 people.",
    ),
    Certainty(
        "fairly-sure", f"the 95% interval excludes 0 and is at most {WIDE_POINTS:g} points wide",
        "probably; we are fairly sure",
        "We are fairly sure there is a real difference. It is probably {d} {more} out of 100 people "
        "(between {lo} and {hi}).",
    ),
    Certainty(
        "likely-wide", f"the 95% interval excludes 0 and is more than {WIDE_POINTS:g} points wide",
        "likely, but how much is uncertain",
        "There is likely a real difference, but how much is uncertain: {d} {more} out of 100 "
        "people (between {lo} and {hi}).",
    ),
)
_CERTAINTY = {c.key: c for c in CERTAINTY_TABLE}

#: Added after any number that lies beyond the follow-up of the trials it comes from.
#: What a range is, on every surface that explains it: both uncertainties, never the studies alone
#: (most of a range's width can come from answers the person left unknown).
RANGE_SENTENCE = "Each range shows how sure the studies are and what we do not know about you."

#: A range above 0 whose both ends round to 0, in words (the pages say it alike).

EXTRAPOLATED_SENTENCE = "This is an estimate beyond how long the trials followed people."

#: Evidence strength (GRADE-like levels of the result) in plain words.
STRENGTH_WORDS = {"high": "strong", "moderate": "moderate", "low": "weak", "very low": "very weak"}

#: Why the evidence is strong, by kind of evidence path (used when no flag says why it is weaker).
_KIND_REASON = {
    "direct-randomized": "it comes from trials that compared it with no maintenance or a dummy pill",
    "indirect": "no trial compared it with no maintenance directly",
    "post-hoc-subgroup": "part of it comes from a small group within the trials, which is a hint, not proof",
    "observational": "it comes from studies that did not put people into groups by chance",
    "reference": "it comes from the trials' comparison groups",
}

#: Evidence flags simplified: (words to look for in a flag, plain clause). A flag gives every clause
#: it matches; a flag that matches none is left to the full report.
_FLAG_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("switch",), "in one trial, people on the dummy pill could switch to lenalidomide, which can "
                  "make the gain in survival look smaller"),
    (("stopped",), "one trial stopped the medicine for everyone after about 2 years"),
    (("mrd-positive",), "the trial took only people who still had a trace of myeloma after "
                        "transplant (MRD positive)"),
    (("interim",), "the trial results are early"),
    (("secondary source", "news summary"), "a key number comes from a news report, not the full paper"),
    (("subgroup",), "part of it comes from a small group within the trials, which is a hint, not proof"),
    (("indirect",), "no trial compared it with no maintenance directly"),
    (("one randomized trial",), "only one trial tested it"),
)

#: Things that must never appear in a summary: it is information, not advice.
FORBIDDEN_PHRASES = ("you should", "we recommend", "best option", "you must", "should take",
                     "should choose", "right choice", "better choice")

#: Short names used inside sentences (the heading keeps the result's plain label).
_SHORT_NAMES = {
    "lenalidomide": "lenalidomide",
    "ixazomib": "ixazomib",
    "daratumumab": "daratumumab",
    "daratumumab-lenalidomide": "daratumumab plus lenalidomide",
    "carfilzomib-lenalidomide-dexamethasone": "the three-drug mix (KRd)",
}


_QUESTIONS = (
    "What dose would I take, and how often?",
    "How long would I take it, and when could I stop?",
    "Which blood tests would I need, and how often?",
    "Which side effects do I watch for, and who do I call about them?",
    "What is my chance of a second cancer, and how would we check for it?",
    "What happens if the myeloma comes back?",
)

# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

SentenceKind = Literal[
    "pfs-reference", "pfs-option", "pfs-difference", "pfs-extrapolated",
    "os-reference", "os-option", "os-difference", "os-extrapolated",
    "pfs-trial-reason", "pfs-trial", "os-trial",
    "spm-reference", "spm-option", "spm-trial", "spm-missing", "spm-extrapolated",
    "side-effect-option", "side-effect-comparator", "side-effect-missing",
    "evidence-population", "evidence-strength", "evidence-reason",
]
BENEFIT_KINDS = ("pfs-", "os-")
HARM_KINDS = ("spm-", "side-effect-")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlainSection(_Frozen):
    """The plain words about one maintenance option, compared with no maintenance."""

    option: str
    heading: str
    sentences: list[str]
    kinds: list[str] = Field(description="what each sentence is about (same length as sentences): "
                             "benefits (pfs-*, os-*), then harms (spm-*, side-effect-*), then evidence-*")
    sources: list[list[SourceRef]] = Field(
        default_factory=list, description="the sources of each sentence's numbers (same length as "
        "sentences; empty for a sentence without a number)")


class PlainSummary(_Frozen):
    title: str
    intro: str = Field(description="the disclaimer and how to read the numbers, in plain words")
    years: float
    sections: list[PlainSection]
    questions: list[str] = Field(description="questions to ask the care team")


# --------------------------------------------------------------------------------------------
# Numbers in words
# --------------------------------------------------------------------------------------------


def _whole(x: float) -> int:
    return int(round(x))


def _range(n: Number) -> str:
    """' (between 1 and 3)'; a bound above 0 that rounds to 0 says 'fewer than 1', as the pages do."""
    if n.lower is None or n.upper is None:
        return ""
    lo, hi = people(n.lower), people(n.upper)
    if lo == hi == "fewer than 1":
        return f" ({BELOW_ONE})"
    if lo == hi:
        return f" (the whole range rounds to {lo})"
    return f" (between {lo} and {hi})"


def _signed(x: float) -> str:
    n = _whole(x)
    if n > 0:
        return f"{n} more"
    if n < 0:
        return f"{-n} fewer"
    return "0"


def _years(y: float) -> str:
    """'1 year', '5 years'; under a year in months ('6 months')."""
    if y < 1:
        return f"{whole_months(y)} months"
    if y == 1:
        return "1 year"
    return f"{y:g} years"


def certainty(d: Number) -> Certainty:
    """The row of :data:`CERTAINTY_TABLE` for a difference (in percentage points)."""
    if d.estimate is None:
        return _CERTAINTY["missing"]
    if d.lower is None or d.upper is None or d.lower <= 0 <= d.upper:
        return _CERTAINTY["unclear"]
    if d.upper - d.lower <= WIDE_POINTS:
        return _CERTAINTY["fairly-sure"]
    return _CERTAINTY["likely-wide"]


def certainty_sentence(d: Number, name: str) -> str:
    """The uncertainty sentence for a difference between an option and no maintenance."""
    row = certainty(d)
    if row.key == "missing":
        return row.template.format(name=name)
    if row.key == "unclear":
        lo = d.lower if d.lower is not None else d.estimate
        hi = d.upper if d.upper is not None else d.estimate
        return row.template.format(lo=_signed(lo), hi=_signed(hi))
    more = "more" if d.estimate > 0 else "fewer"
    a, b = sorted((abs(d.lower), abs(d.upper)))
    # the interval excludes 0: a bound that rounds to 0 is said as 'less than 1', not as 0
    lo = "less than 1" if _whole(a) == 0 else str(_whole(a))
    return row.template.format(d=people(abs(d.estimate)), more=more, lo=lo, hi=_whole(b))


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def _short_name(o: OptionResult) -> str:
    if o.option in _SHORT_NAMES:
        return _SHORT_NAMES[o.option]
    name = re.sub(r"\s*\([^)]*\)", "", o.label).replace(" maintenance", "").strip()
    return name[:1].lower() + name[1:]


class _Writer:
    def __init__(self) -> None:
        self.sentences: list[str] = []
        self.kinds: list[str] = []
        self.sources: list[list[SourceRef]] = []

    def add(self, kind: str, text: str, *numbers: Number | None) -> None:
        """One sentence, with the Numbers it states (their sources are cited after it)."""
        self.sentences.append(text)
        self.kinds.append(kind)
        refs: dict[str, SourceRef] = {}
        for n in numbers:
            for r in (n.sources if n is not None else []):
                refs.setdefault(r.model_dump_json(), r)
        self.sources.append(list(refs.values()))


def _absolute(w: _Writer, kind: str, who: str, n: Number, outcome: str, years: float) -> None:
    """'With X, about 31 out of 100 people like you would be alive ... after 5 years (between ...).'"""
    count = people(n.estimate)
    about = "" if count.startswith("fewer") else "about "
    w.add(kind, f"{who}, {about}{count} out of 100 people like you would {outcome} "
                f"after {_years(years)}{_range(n)}.", n)


def _benefit(w: _Writer, ep: str, name: str, h: HorizonResult, ref: HorizonResult, years: float) -> None:
    outcome = {"pfs": "be alive without the myeloma coming back", "os": "be alive"}[ep]
    what = {"pfs": "alive without the myeloma coming back", "os": "alive"}[ep]
    ref_n: Number = getattr(ref, f"{ep}_out_of_100")
    opt_n: Number = getattr(h, f"{ep}_out_of_100")
    diff: Number = getattr(h, f"{ep}_difference_percent")
    if ref_n.estimate is None:
        w.add(f"{ep}-reference", f"The studies do not tell us how many people like you would be "
                                 f"{what} after {_years(years)} with no maintenance.")
    else:
        _absolute(w, f"{ep}-reference", "With no maintenance", ref_n, outcome, years)
    if opt_n.estimate is None:
        w.add(f"{ep}-option", f"The studies do not tell us how many people like you would be "
                              f"{what} after {_years(years)} with {name}.")
    else:
        _absolute(w, f"{ep}-option", f"With {name}", opt_n, outcome, years)
        w.add(f"{ep}-difference", certainty_sentence(diff, name), diff)
    if any(n.estimate is not None and n.extrapolated for n in (ref_n, opt_n, diff)):
        w.add(f"{ep}-extrapolated", EXTRAPOLATED_SENTENCE)


_SPM = (
    ("spm_hematologic_percent", "get a second blood cancer"),
    ("spm_solid_percent", "get a second cancer that is not a blood cancer"),
    ("spm_any_percent", "get a second cancer of any kind"),
)


def trial_spm_pair(o: OptionResult | None, field: str) -> SideEffect | None:
    """The option's trial second-cancer percent with its comparator arm's, for the same category."""
    cat = field.removesuffix("_percent").replace("_", "-")
    return next((s for s in (o.side_effects if o else []) if s.category == cat
                 and s.percent.estimate is not None and s.comparator_percent is not None
                 and s.comparator_percent.estimate is not None), None)


def _second_cancers(w: _Writer, name: str, h: HorizonResult, ref: HorizonResult, years: float,
                    o: OptionResult | None = None) -> None:
    said = False
    extrapolated = False
    for field, outcome in _SPM:
        opt_n: Number = getattr(h, field)
        if opt_n.estimate is None:
            continue
        ref_n: Number = getattr(ref, field)
        if ref_n.estimate is None:
            _absolute(w, "spm-option", f"With {name}", opt_n, outcome, years)
            trial = trial_spm_pair(o, field)
            if trial is not None:  # the trial's own comparator arm, as published
                w.add("spm-trial", f"In the trial, {people(trial.percent.estimate)} out of 100 "
                                       f"people taking {name} got a second cancer.", trial.percent)
                w.add("spm-trial", f"It was {people(trial.comparator_percent.estimate)} out of 100 "
                                       f"for people {comparator_words(trial)}.", trial.comparator_percent)
            else:
                w.add("spm-reference", "The studies do not give a matching number for people like you "
                                       "with no maintenance.")
        else:
            _absolute(w, "spm-reference", "With no maintenance", ref_n, outcome, years)
            _absolute(w, "spm-option", f"With {name}", opt_n, outcome, years)
        extrapolated |= opt_n.extrapolated or (ref_n.estimate is not None and ref_n.extrapolated)
        said = True
    if not said:
        w.add("spm-missing", f"The studies do not tell us how many people who take {name} "
                             f"get a second cancer.")
    if extrapolated:
        w.add("spm-extrapolated", EXTRAPOLATED_SENTENCE)



def _grades_3_and_4(w: _Writer, s: SideEffect, g4: SideEffect, name: str) -> None:
    thing = plain_side_effect(s).removeprefix("a serious ").removeprefix("serious ")
    w.add("side-effect-option", f"{when_words(s.time_frame)}, {people(s.percent.estimate)} out of 100 people"
                                f"{_range(s.percent)} taking {name} had a serious {thing} (grade 3), and "
                                f"{people(g4.percent.estimate)} out of 100{_range(g4.percent)} had a "
                                f"life-threatening one (grade 4).", s.percent, g4.percent)
    c3, c4 = s.comparator_percent, g4.comparator_percent
    if c3 is None or c4 is None or c3.estimate is None or c4.estimate is None:
        w.add("side-effect-comparator", f"The trial does not give both numbers for people {comparator_words(s)}.")
    else:
        w.add("side-effect-comparator", f"For people {comparator_words(s)}, it was {people(c3.estimate)} out "
                                        f"of 100 (grade 3) and {people(c4.estimate)} out of 100 (grade 4).", c3, c4)


def _side_effects(w: _Writer, o: OptionResult, name: str) -> None:
    top = top_side_effects(o)
    if not top:
        w.add("side-effect-missing", f"The studies do not tell us how often people taking {name} "
                                     f"had serious side effects.")
        return
    for s in top:
        g4 = grade4_sibling(o, s)
        if g4 is not None:
            _grades_3_and_4(w, s, g4, name)
            continue
        w.add("side-effect-option", f"{when_words(s.time_frame)}, {people(s.percent.estimate)} out of 100 "
                                    f"people{_range(s.percent)} taking {name} had {plain_side_effect(s)}.",
              s.percent)
        c = s.comparator_percent
        if c is None or c.estimate is None:
            w.add("side-effect-comparator", f"The trial does not give this number for people "
                                            f"{comparator_words(s)}.")
        else:
            w.add("side-effect-comparator", f"For people {comparator_words(s)}, it was {people(c.estimate)} "
                                            f"out of 100{_range(c)}.", c)


def _plain_flags(flags: list[str]) -> list[str]:
    out: list[str] = []
    for flag in flags:
        f = flag.lower()
        for keys, plain in _FLAG_WORDS:
            if any(k in f for k in keys) and plain not in out:
                out.append(plain)
    return out


def _evidence(w: _Writer, o: OptionResult) -> None:
    """'The evidence for this is weak because ...': strong evidence names where it comes from;
    weaker evidence names its first weakness, and every other flag follows in plain words."""
    strength = STRENGTH_WORDS[o.evidence.strength]
    kind_reason = _KIND_REASON.get(o.evidence.kind, "of how the studies were done")
    reasons = _plain_flags(o.evidence.flags)
    if o.evidence.kind in ("indirect", "post-hoc-subgroup"):
        reasons = [kind_reason] + [r for r in reasons if r != kind_reason]
    if o.evidence.strength == "high" or not reasons:
        reasons = [kind_reason] + [r for r in reasons if r != kind_reason]
    w.add("evidence-strength", f"The evidence for this is {strength} because {reasons[0]}.")
    for plain in reasons[1:]:
        w.add("evidence-reason", f"Also, {plain}.")


def _trial_results(w: _Writer, o: OptionResult, name: str) -> None:
    """An option whose own trial the model misses: the reason, then the trial's own results and
    relative effect (personal/trial_only.py), then the trial's second cancers as published."""
    assert o.calibration is not None and o.display_reason is not None
    for endpoint, sentence, sources in trial_only_sentences(o.display_reason, o.calibration, name):
        kind = "pfs-trial-reason" if not endpoint else f"{endpoint.lower()}-trial"
        w.add(kind, sentence, Number(estimate=None, sources=sources))
    said = False
    for field, _ in _SPM:
        trial = trial_spm_pair(o, field)
        if trial is not None:
            span = re.search(r"median (\d+(?:\.\d+)?) months", trial.time_frame or "")
            when = f" in a median of {span.group(1)} months" if span else ""
            w.add("spm-trial", f"In the trial, {people(trial.percent.estimate)} out of 100 people taking "
                               f"{name} got a second cancer{when}.", trial.percent)
            w.add("spm-trial", f"It was {people(trial.comparator_percent.estimate)} out of 100 "
                               f"for people {comparator_words(trial)}.", trial.comparator_percent)
            said = True
    if not said:
        w.add("spm-missing", f"The studies do not tell us how many people who take {name} "
                             f"get a second cancer.")


def _section(o: OptionResult, ref: OptionResult, years: float) -> PlainSection:
    name = _short_name(o)
    h = next(x for x in o.horizons if x.years == years)
    r = next(x for x in ref.horizons if x.years == years)
    w = _Writer()
    if o.display == "trial_results_only":
        _trial_results(w, o, name)
    else:
        _benefit(w, "pfs", name, h, r, years)
        _benefit(w, "os", name, h, r, years)
        _second_cancers(w, name, h, r, years, o)
    _side_effects(w, o, name)
    if o.outside_population:  # first of the evidence sentences: who the numbers describe
        reasons = " ".join(f"{capital(why)}." for why in o.outside_population)
        who = "the trial's results" if o.display == "trial_results_only" else "these numbers"
        w.add("evidence-population", f"Not studied in people like you. {reasons} So {who} "
                                     "describe people who are not like you.")
    _evidence(w, o)
    return PlainSection(option=o.option, heading=f"{o.plain_label}, compared with no maintenance",
                        sentences=w.sentences, kinds=w.kinds, sources=w.sources)


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


def default_years(horizons: list[float]) -> float:
    """5 years if estimated, else the largest horizon up to 5 years, else the first."""
    if not horizons:
        raise ValueError("the result has no horizons")
    if 5.0 in horizons:
        return 5.0
    below = [y for y in horizons if y <= 5.0]
    return max(below) if below else horizons[0]


#: profile fields in plain words (for "details you gave that do not change the numbers")
_FIELD_WORDS = {
    "creatinine_clearance_ml_min": "kidney function", "induction": "first treatment",
    "transplant": "type of transplant", "months_since_transplant": "time since transplant",
    "response": "response to treatment", "r2_iss": "R2-ISS group", "cytogenetics": "FISH results",
    "beta2_microglobulin_mg_l": "beta-2 microglobulin", "albumin_g_dl": "albumin", "ldh_high": "LDH",
}


def _intro(result: EstimateResult) -> str:
    parts = [
        "This is information to talk about with your care team.",
        "It is not medical advice.",
        "The numbers come from studies of groups of people.",
        "They cannot tell what will happen to you.",
        "No maintenance means check-ups only, with no medicine.",
        RANGE_SENTENCE,
    ]
    ref = next((o for o in result.options if o.option == "observation"), None)
    if ref is not None and ref.outside_population:  # said once here: every section uses its numbers
        reasons = " ".join(f"{capital(why)}." for why in ref.outside_population)
        parts.append(f"No maintenance: not studied in people like you. {reasons} So the numbers for no "
                     "maintenance describe people who are not like you.")
    if result.missing_inputs:
        parts.append(f"To narrow the ranges most, {result.missing_inputs[0].ask}.")
    unused = [_FIELD_WORDS.get(u.field, u.field.replace("_", " ")) for u in result.inputs
              if not u.used and u.value != "not given"]
    if unused:
        parts.append(f"Some details you gave do not change the numbers: {', '.join(unused)}. "
                     "The full report says why.")
    parts.extend(taken_as_sentences(result.inputs))
    if result.profile.induction is None:  # the stated default of the induction baseline (docs/model.md)
        parts.append("You did not say which first treatment you had before the transplant. "
                     "Our numbers are for people who had VRd, or VRd with daratumumab.")
    if result.profile.known_fields():
        parts.append("People like you means people with the details you entered.")
    else:
        parts.append("You did not enter any details, so people like you means an average person in the trials.")
    if result.not_offered:
        names = ", ".join(re.sub(r"\s*\([^)]*\)", "", n.label).lower() for n in result.not_offered)
        parts.append(f"Some options are not shown here: {names}. The full report says why.")
    return " ".join(parts)


def summarize(result: EstimateResult, years: float | None = None) -> PlainSummary:
    """Plain words for a personal estimate at one time span (default: see :func:`default_years`)."""
    if years is None:
        years = default_years(result.horizons_years)
    years = float(years)
    if years not in result.horizons_years:
        raise ValueError(f"years: {years:g} is not one of the result's horizons {result.horizons_years}")
    ref = next((o for o in result.options if o.option == "observation"), None)
    if ref is None:
        raise ValueError("the result has no 'observation' option to compare with")
    sections = [_section(o, ref, years) for o in result.options if o.option != "observation"]
    return PlainSummary(
        title=f"Maintenance after your stem-cell transplant: what the studies show after {_years(years)}",
        intro=_intro(result), years=years, sections=sections, questions=list(_QUESTIONS),
    )


def summary_text(summary: PlainSummary, cite: bool = False) -> str:
    """The summary as plain text; with ``cite`` (``estimate --plain``) each sentence with a number
    ends in numbered source markers, [1] or [1, 3], and the numbered sources follow at the end."""
    sources = NumberedSources()
    out = [summary.title, "", summary.intro, ""]
    for s in summary.sections:
        sentences = s.sentences if not cite else [
            t + sources.marker(refs) for t, refs in zip(s.sentences, s.sources or [[]] * len(s.sentences))]
        out += [s.heading, " ".join(sentences), ""]
    if summary.questions:
        out.append("Questions to ask your care team")
        out += [f"- {q}" for q in summary.questions]
    if cite and sources.items:
        out += ["", "Sources of the numbers (the numbers in brackets above)"]
        out += sources.lines()
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(s: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", s)


def summary_markdown(summary: PlainSummary) -> str:
    out = [f"# {_md(summary.title)}", "", _md(summary.intro), ""]
    for s in summary.sections:
        out += [f"## {_md(s.heading)}", "", _md(" ".join(s.sentences)), ""]
    out += ["## Questions to ask your care team", ""]
    out += [f"- {_md(q)}" for q in summary.questions]
    return "\n".join(out) + "\n"
