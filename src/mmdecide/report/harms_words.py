"""Lenalidomide's harms in plain words for ``estimate --plain``: the rows of the harms detail
(report/harms_detail.py) as sentences, each number beside the comparison group's and cited, and
the asked-for harms that a study does not report named as such.

Numbers are shown whole ("5 in 100"), as everywhere a patient reads (report/rounding.py); the
JSON keeps the exact values. A row whose comparison group has no matching number says so instead
of leaving the number alone without a word.
"""

from __future__ import annotations

import re

from .harms_detail import SECOND_CANCERS, SIDE_EFFECTS, STUDY_NAMES, TREATMENT_CHANGES, Cited, HarmRow, HarmsDetail, HarmsSection
from ..personal.result import SourceRef
from .plain_language import PlainSection
from .rounding import percent, round_text

__all__ = ["harms_label_section", "harms_plain_section", "your_levels"]

#: sections of the harms detail told in ``--plain`` (dose and blood counts stay on the web page,
#: where the profile's own values are compared with the label)
_TOLD = ("side-effects", "treatment-changes", "second-cancers")


def _amount(c: Cited) -> str:
    if c.unit == "percent":
        return f"{percent(c.value)} in 100 people"
    if c.unit == "count":
        return f"{round(c.value)} people"
    if c.unit == "per-100-patient-years":
        return f"{percent(c.value)} for every 100 years that people were followed"
    return f"{percent(c.value)} {c.unit or ''}".strip()


_PLAIN_WHAT = dict(SIDE_EFFECTS + TREATMENT_CHANGES + SECOND_CANCERS) | {"other": "other side effects"}
#: the comparison groups in plain words, by evidence file (the arm labels are the trials' own)
_COMPARATOR = {"calgb-100104": "a dummy pill", "ifm-2005-02": "a dummy pill", "gimema-rv-mm-pi-209": "no maintenance",
               "myeloma-xi": "no maintenance", "mccarthy-2017-meta": "a dummy pill or no maintenance",
               "palumbo-2014-spm-meta": "no lenalidomide"}


def _grade(r: HarmRow) -> str:
    if not r.grade or r.grade == "any":
        return ""
    return ", grade " + r.grade.replace("-", " or ").replace(">=", "") + (" or higher" if ">=" in r.grade else "")


def _when(r: HarmRow) -> str:
    """'before the myeloma came back (...)', or the source's own words when it gives no period."""
    tf = round_text(r.time_frame)
    if not tf.startswith(_PERIODS):
        return f"at a time the report does not make clear ({tf})"
    # The period's bracketed detail repeats the period ("(over follow-up (median 34 months))");
    # keep only the span a reader needs, in one flat phrase.
    span = re.search(r"median (\d+) months", tf)
    at = re.search(r"\bat (\d+ (?:years|months))", tf)
    base = tf.split(" (")[0]
    if at:
        return f"{base}, up to {at.group(1)}"
    if span:  # "at any time during follow-up" + span: say the follow-up once
        short = base.removesuffix(" during follow-up")
        return f"{short}{'' if short != base else ','} in a median of {span.group(1)} months of follow-up"
    return base


_PERIODS = ("before the myeloma", "at any time", "while on maintenance", "by the trial")


def _no_comparator(r: HarmRow) -> str:
    if (r.comparator_missing or "").startswith("the source gives no number"):
        return "the trial gives no number for the other group"
    return "the other group's number was counted another way, so it cannot be set beside it"


def _sentences(r: HarmRow) -> list[tuple[str, list]]:
    """Two short sentences a row: the numbers side by side, then when and how the trial counted
    them in its own words (they say who was counted, for example Myeloma XI's people over 74 who
    had no transplant, and how: people, or a percent). Both carry the row's sources."""
    study = STUDY_NAMES.get(r.evidence, r.evidence)
    what = _PLAIN_WHAT.get(r.category, r.what)
    head = f"{study[0].upper()}{study[1:]}, {what}{_grade(r)}: {_amount(r.lenalidomide)} with lenalidomide"
    if r.comparator is not None:
        refs = [r.lenalidomide.source, r.comparator.source]
        first = f"{head} and {_amount(r.comparator)} with {_COMPARATOR.get(r.evidence, r.comparator_label)}."
    else:
        refs = [r.lenalidomide.source]
        first = f"{head}; {_no_comparator(r)}."
    return [(first, refs), (f"Counted {_when(r)}; in the trial's words: {round_text(r.what)}.", refs)]


def _not_reported(s: HarmsSection) -> list[str]:
    """One sentence per group of studies; the medical names in brackets are left to the web page."""
    return [f"Not reported by {', '.join(studies)}: {'; '.join(re.sub(r' ?[(][^)]*[)]', '', w) for w in whats)}."
            for studies, whats in s.not_reported_groups()]


def harms_plain_section(detail: HarmsDetail) -> PlainSection:
    """One plain section: every harm row with its comparator and sources, then what is not reported."""
    sentences: list[str] = [
        "Here are side effects, stopping and second cancers as each trial counted them. Each number is next to "
        "the group that had no maintenance or a dummy pill. Grade 3 is serious; grade 4 is life-threatening."]
    kinds: list[str] = ["side-effect-intro"]
    sources: list[list] = [[]]
    told = [s for s in detail.sections if s.key in _TOLD]
    for s in told:
        for r in s.rows:
            for text, refs in _sentences(r):
                sentences.append(text)
                kinds.append(("spm-" if s.key == "second-cancers" else "side-effect-") + r.category)
                sources.append(refs)
    missing = [text for s in told for text in _not_reported(s)]
    if missing:
        sentences.append("Some trials give no number for some of these. We could not find one in the trial reports "
                         "we read, so it is left out and never guessed.")
        kinds.append("side-effect-not-reported")
        sources.append([])
    for text in missing:
        sentences.append(text)
        kinds.append("side-effect-not-reported")
        sources.append([])
    return PlainSection(option="lenalidomide-harms", heading="Lenalidomide: side effects and second cancers in detail",
                        sentences=sentences, kinds=kinds, sources=sources)


#: the label's sections, in the order a reader meets them on the web page: pausing and the lowest dose,
#: the dose and kidney function, what must be done, the profile's blood counts beside the label's levels
_LABEL = ("treatment-changes", "dose", "requirements", "blood-counts")


def harms_label_section(detail: HarmsDetail) -> PlainSection:
    """The label's words for ``mmdecide harms``: dose steps, kidney function, requirements and the
    profile's own counts beside the label's levels (the sentences of the web page's sections), each
    sentence with a number cited to the label entries of its section."""
    by_key = {s.key: s for s in detail.sections}
    sentences, kinds, sources = [], [], []
    for key in _LABEL:
        sec = by_key.get(key)
        if sec is None:
            continue
        refs = list({(n.source.citation, n.source.locator): n.source for n in sec.numbers}.values())
        for text in sec.sentences:
            sentences.append(text)
            kinds.append(f"label-{key}")
            sources.append(refs if re.search(r"\d", text) else [])
    return PlainSection(option="lenalidomide-label", heading="Lenalidomide: dose, what must be done, and your blood counts",
                        sentences=sentences, kinds=kinds, sources=sources)


#: "Your neutrophil count (0.9 x 10^9/L) is below the label's level of 1 x 10^9/L for starting
#: maintenance." (report/harms_detail._compare and the kidney sentence of its dose section)
_YOURS = re.compile(r"Your (?P<what>[a-z ]+?) \((?:creatinine clearance )?(?P<value>[^)]+)\) is "
                    r"(?P<side>below|at or above) the label's level of (?P<limit>[\d.]+)[^f]*?(?P<why>(?:for|below which) [^.]+)\.")
_HB = re.compile(r"Your hemoglobin \((?P<value>[^)]+)\) has no threshold")
_LATER = ("below which the label pauses the medicine", "for restarting after a pause")
_LATER_NUMBERS = ("anc_interrupt_below", "anc_resume_at_or_above")
_SHORT_WHY = {"for starting maintenance": "to start", "below which the label pauses the medicine": "for pausing",
              "for restarting after a pause": "for restarting"}


def your_levels(detail: HarmsDetail) -> tuple[str, list[SourceRef]]:
    """The profile's own kidney function and blood counts beside the label's levels for starting
    maintenance, in one short paragraph for the 2-page leaflet, with the label entries compared
    with; '' when none was given. The page, ``harms`` and ``--plain`` give the full sentences of
    the dose and blood-count sections, with the levels for pausing and restarting too: those
    come later, and their source (the label's dose-modification table) did not fit on 2 pages."""
    parts: dict[str, list[str]] = {}
    refs: dict[tuple[str, str], SourceRef] = {}
    for sec in detail.sections:
        if sec.key not in ("dose", "blood-counts"):
            continue
        for text in sec.sentences:
            m, hb = _YOURS.search(text), _HB.search(text)
            if m and m["why"] in _LATER:
                continue  # pausing and restarting come later, during maintenance: the page gives them
            if m:
                what = f"{m['what'].capitalize()} {m['value']}"
                first = what not in parts
                parts.setdefault(what, []).append(f"{m['side']} {'the label' + chr(39) + 's ' if first else ''}"
                                                  f"{m['limit']} {_SHORT_WHY.get(m['why'], m['why'])}")
                refs.update({(n.source.citation, n.source.locator): n.source for n in sec.numbers
                             if n.name not in _LATER_NUMBERS})
            elif hb:
                parts[f"Hemoglobin {hb['value']}"] = ["no level in the label"]
    words = " ".join(f"{what}: {'; '.join(said)}." for what, said in parts.items())
    return words, list(refs.values())
