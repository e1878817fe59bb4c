"""High-risk myeloma and proteasome-inhibitor maintenance: what the evidence says, with how much
to trust each piece.

Readers with high-risk features (del(17p), t(4;14), t(14;16), gain/amp 1q, R-ISS III) ask whether
maintenance with a proteasome inhibitor or an anti-CD38 antibody does better for them than
lenalidomide alone. The evidence base holds subgroup results and cohorts, not a trial that
answers this directly; each item below says which kind it is:

* ``randomized subgroup``: a subgroup of a randomized trial (chance findings are common);
* ``pooled subgroup``: a subgroup pooled over trials in different settings;
* ``network meta-analysis``: indirect comparisons across trials;
* ``single-arm or cohort``: no comparison group at all;
* ``guideline summary``: a summary statement, not a study.

The table below is curation (which entries answer the question and how credible each is); every
number in the sentences is read from the evidence files and cited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..evidence import Corpus, Value
from ..personal.result import SourceRef
from ..personal.sources import cite
from .plain_language import PlainSection
from .rounding import round_text

__all__ = ["CREDIBILITY", "HIGH_RISK_FEATURES", "HighRiskAnswer", "HighRiskItem", "high_risk_answer",
           "high_risk_plain_section", "is_high_risk"]

HIGH_RISK_FEATURES = ("del17p", "t4-14", "t14-16", "gain1q", "amp1q")
CREDIBILITY = ("randomized subgroup", "pooled subgroup", "network meta-analysis", "single-arm or cohort",
               "guideline summary")  # fmt: skip


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HighRiskItem(_Frozen):
    evidence: str
    question: str = Field(description="what the item speaks to, e.g. 'bortezomib vs thalidomide, del(17p)'")
    credibility: str
    sentences: list[str]
    sources: list[SourceRef]
    caveat: str


class HighRiskAnswer(_Frozen):
    applies: bool = Field(description="the profile has a high-risk feature")
    features: list[str]
    intro: str
    items: list[HighRiskItem]
    missing: list[str]


# Each item is data: where its numbers are in the evidence file (a lookup with the "what" its
# citation names), and the sentences they go in. A sentence names a number as {key} (printed as
# the value, e.g. 26.2) or {key:ci} (the value with its 95% interval). Adding a study is adding one
# _Entry; the builder below is the same for all (it replaced one hand-written function per study).


def _one(found: Iterable[Any], evidence: str, what: str) -> Any:
    """The first item found, or a LookupError naming the file and what was looked for."""
    for x in found:
        return x
    raise LookupError(f"{evidence}: no {what}")


def _fact(corpus: Corpus, evidence: str, fact_id: str) -> Any:
    return _one((f for f in corpus.get(evidence).facts if f.id == fact_id), evidence, f"fact {fact_id}")


@dataclass(frozen=True)
class Subgroup:
    """A subgroup estimate: ``endpoint``, ``factor`` and a ``level`` that starts with the given words."""

    endpoint: str
    factor: str
    level: str
    what: str

    def value(self, corpus: Corpus, evidence: str) -> Value:
        return _one((s.estimate for s in corpus.get(evidence).subgroups
                     if s.endpoint == self.endpoint and s.factor == self.factor and s.level.startswith(self.level)),
                    evidence, f"{self.endpoint} subgroup {self.factor} {self.level}")


@dataclass(frozen=True)
class Fact:
    """One value of a fact (``fact`` id, ``key`` in its values)."""

    fact: str
    key: str
    what: str

    def value(self, corpus: Corpus, evidence: str) -> Value:
        return _fact(corpus, evidence, self.fact).values[self.key]


@dataclass(frozen=True)
class ArmMedian:
    """The median of one arm's result for ``endpoint``."""

    endpoint: str
    arm: str
    what: str

    def value(self, corpus: Corpus, evidence: str) -> Value:
        return _one((r.median for r in corpus.get(evidence).results
                     if r.endpoint == self.endpoint and r.arm == self.arm and r.median is not None),
                    evidence, f"{self.endpoint} median of arm {self.arm}")


Lookup = Subgroup | Fact | ArmMedian


@dataclass(frozen=True)
class _Entry:
    evidence: str
    question: str
    credibility: str
    caveat: str
    sentences: tuple[str, ...]
    #: the numbers the sentences use, cited in this order
    values: dict[str, Lookup] = field(default_factory=dict)
    #: a statement with no number: the fact it rests on must be in the file
    statement_of: str | None = None
    #: where a statement is read: (source id in the file, locator). A fact carries no source of its
    #: own, so a statement was shown without one; it is cited like a number now (issue 13)
    statement_source: tuple[str, str] | None = None


class _Shown:
    """A value as a sentence prints it: ``{x}`` is the value, ``{x:ci}`` adds its interval."""

    def __init__(self, v: Value):
        self.v = v

    def __format__(self, spec: str) -> str:
        return _ci(self.v) if spec == "ci" else f"{self.v.value:g}"


def _ci(v: Value) -> str:
    return f"{v.value:g} (likely between {v.lower:g} and {v.upper:g})" if v.lower is not None and v.upper is not None else f"{v.value:g}"


def _build(corpus: Corpus, e: _Entry) -> tuple[list[str], list[SourceRef]]:
    """The entry's sentences with its numbers read from the evidence, and their citations."""
    refs = []
    if e.statement_of is not None:
        fact = _fact(corpus, e.evidence, e.statement_of)  # the statement must be in the file
        if e.statement_source is None:
            raise LookupError(f"{e.evidence}: statement {e.statement_of} names no source to cite")
        sid, locator = e.statement_source
        where = Value(value=None, source=sid, locator=locator)
        refs.append(cite(corpus, e.evidence, where, f"statement: {fact.topic}"))
    found = {key: look.value(corpus, e.evidence) for key, look in e.values.items()}
    shown = {key: _Shown(v) for key, v in found.items()}
    sentences = [t.format(**shown) for t in e.sentences]
    return sentences, refs + [cite(corpus, e.evidence, found[key], look.what) for key, look in e.values.items()]


_ENTRIES: tuple[_Entry, ...] = (
    _Entry("hovon65-gmmg-hd4", "bortezomib vs thalidomide maintenance, del(17p)", "randomized subgroup",
           "Bortezomib was given before and after transplant, so the effect of maintenance alone is not known.",
           ("In people with del(17p), those given bortezomib before and after transplant went a median of "
            "{pad} months before the myeloma came back, against {vad} months with the older treatment and "
            "thalidomide maintenance.",
            "The hazard ratio was {pfs:ci} for the myeloma coming back and {os:ci} for death; below 1 favours "
            "bortezomib."),
           {"pfs": Subgroup("PFS", "del(17p)", "del(17p13)", "PFS HR, del(17p)"),
            "os": Subgroup("OS", "del(17p)", "del(17p13)", "OS HR, del(17p)"),
            "pad": Fact("del17p-medians", "median_pfs_pad_months", "median PFS, del(17p), bortezomib"),
            "vad": Fact("del17p-medians", "median_pfs_vad_months", "median PFS, del(17p), thalidomide")}),
    _Entry("tourmaline-mm3", "ixazomib vs placebo maintenance, high-risk cytogenetics", "randomized subgroup",
           "A subgroup of one trial; the whole trial showed no survival difference either.",
           ("In people with high-risk myeloma, ixazomib did not help them live longer. Half were alive after "
            "{ixa} months with ixazomib and {pbo} months with placebo (hazard ratio {hr}).",),
           {"hr": Subgroup("OS", "cytogenetic risk", "high risk", "OS HR, high-risk cytogenetics"),
            "ixa": Fact("hr-os-medians", "median_os_ixazomib_months", "median OS, high risk, ixazomib"),
            "pbo": Fact("hr-os-medians", "median_os_placebo_months", "median OS, high risk, placebo")}),
    _Entry("ixazomib-pooled-cytogenetics", "ixazomib vs placebo, high-risk cytogenetics", "pooled subgroup",
           "Pooled over four trials in different settings, not only after transplant.",
           ("Pooled over four ixazomib trials, high-risk patients went a median of {ixa} months before the "
            "myeloma came back with ixazomib and {pbo} months without it (hazard ratio {hr:ci}).",),
           {"hr": Subgroup("PFS", "cytogenetic risk", "high risk", "PFS HR, high-risk cytogenetics (pooled)"),
            "ixa": Fact("medians-high-risk", "ixazomib_based_months", "median PFS, high risk, ixazomib-based"),
            "pbo": Fact("medians-high-risk", "placebo_based_months", "median PFS, high risk, placebo-based")}),
    _Entry("myeloma-xi", "lenalidomide vs no maintenance, high-risk genetics", "randomized subgroup",
           "No hazard ratio, interval or subgroup size was printed.",
           ("Lenalidomide alone also helped people with high-risk genetics in Myeloma XI: a median of {len} "
            "months before the myeloma came back, against {obs} months with no maintenance.",),
           {"len": Fact("high-risk-genetics", "median_pfs_lenalidomide", "median PFS, high-risk genetics, lenalidomide"),
            "obs": Fact("high-risk-genetics", "median_pfs_observation", "median PFS, high-risk genetics, observation")}),
    _Entry("emory-rvd-risk-adapted", "risk-adapted maintenance, high vs standard risk", "single-arm or cohort",
           "No comparison group, and which medicine each risk group got was not reported in the sources read.",
           ("In one hospital's series, maintenance was chosen by each person's risk. High-risk patients went a "
            "median of {high} months before the myeloma came back, against {std} months for standard-risk "
            "patients.",),
           {"high": ArmMedian("PFS", "high-risk", "median PFS, high risk"),
            "std": ArmMedian("PFS", "standard-risk", "median PFS, standard risk")}),
    _Entry("cassiopeia", "daratumumab vs observation by cytogenetic risk", "randomized subgroup",
           "The abstract gives no numbers for the high-risk group.",
           ("With daratumumab, more people had no myeloma left that tests can find. This was true at every "
            "level of risk. No numbers were given.",), statement_of="mrd-by-risk",
           statement_source=("blood2025", "abstract (MRD negativity by cytogenetic risk and R-ISS)")),
    _Entry("lai-2024-nma", "lenalidomide, ixazomib or daratumumab, high-risk cytogenetics", "network meta-analysis",
           "It compares trials that did not test the medicines against each other. No numbers were given.",
           ("A study that put many trials together found that no maintenance medicine clearly kept high-risk "
            "myeloma away for longer.",), statement_of="high-risk-cytogenetics",
           statement_source=("bn2024", "Abstract (high-risk cytogenetics)")),
    _Entry("hovon65-gmmg-hd4", "what a guideline summary says", "guideline summary",
           "A summary statement; it says this approach is not evidence-based.",
           ("A US cancer summary says people with high-risk myeloma may need bortezomib, with or without "
            "lenalidomide. It also says this is not yet proven. New trials are needed.",), statement_of="pdq-btz-02",
           statement_source=("pdq", "Maintenance Therapy > Proteasome inhibitor maintenance therapy, Summary")),
    _Entry("imwg-2016-high-risk-consensus", "what the International Myeloma Working Group says",
           "guideline summary",
           "An expert consensus from 2016, before the daratumumab trials. It compares trials and is not about "
           "maintenance alone.",
           ("An international group of myeloma experts wrote that bortezomib or carfilzomib seem to help people "
            "with t(4;14) or del(17p) live longer. Lenalidomide may keep the myeloma away longer for them. People "
            "with more than one high-risk change did not seem to gain from these medicines.",),
           statement_of="treatment-statement",
           statement_source=("blood2016", "abstract")),
    _Entry("eha-esmo-2021-guideline", "what the European guideline (EHA-ESMO 2021) says", "guideline summary",
           "Quoted from a summary of the guideline, not from the guideline's own text. It was written before the "
           "daratumumab maintenance trials.",
           ("A European guideline says lenalidomide is the usual maintenance after a transplant. It "
            "says bortezomib may be thought about for people with high-risk myeloma.",),
           statement_of="maintenance-statement",
           statement_source=("medscape-highlights", "the paragraph beginning 'After ASCT'")),
)

MISSING = (
    "the McCarthy 2017 and Lai 2024 high-risk subgroup numbers for lenalidomide: not in the evidence base yet",
    ("mSMART's statement on maintenance in high-risk myeloma: not quoted in the evidence base yet (no readable "
     "copy found); the EHA-ESMO guideline is quoted from a summary only, its own text was cut before that "
     "section; NCCN's guideline is not public"),
    ("a randomized trial of lenalidomide alone against lenalidomide with a proteasome inhibitor after transplant "
     "in high-risk patients: none in the evidence base"),
)


_NAMES = {"del17p": "del(17p)", "t4-14": "t(4;14)", "t14-16": "t(14;16)", "gain1q": "gain(1q)", "amp1q": "amp(1q)"}


def is_high_risk(cytogenetics: Iterable[str] | None = None, r_iss: str | None = None) -> list[str]:
    """The profile's high-risk features as printed (empty if none is known)."""
    feats = [_NAMES[c] for c in (cytogenetics or ()) if c in HIGH_RISK_FEATURES]
    return feats + (["R-ISS III"] if r_iss == "III" else [])


def high_risk_answer(corpus: Corpus, *, cytogenetics: Iterable[str] | None = None,
                     r_iss: str | None = None) -> HighRiskAnswer:
    """Plain-language sections on maintenance choices for high-risk myeloma, each with a credibility flag."""
    feats = is_high_risk(cytogenetics, r_iss)
    items = []
    for e in _ENTRIES:
        if e.evidence not in corpus.files:
            continue
        sentences, refs = _build(corpus, e)
        items.append(HighRiskItem(evidence=e.evidence, question=e.question, credibility=e.credibility,
                                  sentences=sentences, sources=refs, caveat=e.caveat))
    intro = ("Some people ask whether maintenance with a proteasome inhibitor (bortezomib, ixazomib) or an "
             "antibody (daratumumab) works better than lenalidomide alone when the myeloma is high risk. No trial "
             "has answered this directly. Here is what the studies show, and how much each can be trusted.")
    return HighRiskAnswer(applies=bool(feats), features=feats, intro=intro, items=items, missing=list(MISSING))


def high_risk_plain_section(a: HighRiskAnswer) -> PlainSection:
    """The answer for ``estimate --plain``: one paragraph per item, its credibility first and its
    caveat after, each with its sources (statements too), as on the results page."""
    sentences = [f"Your profile has {', '.join(a.features)}. {a.intro}"]
    kinds, sources = ["high-risk-intro"], [[]]
    for i in a.items:
        # months rounded to whole ones, as on every patient view (the page rounds its free text too);
        # one sentence at a time, so that each with a number ends in the item's source markers
        text = round_text(f"{i.credibility.capitalize()} ({i.question}): {' '.join(i.sentences)} "
                          f"How much to trust it: {i.caveat}")
        parts = re.split(r"(?<=[.)\]])\s+(?=[A-Z])", text)
        for k, part in enumerate(parts):  # the last one always: a statement has no number but a source
            sentences.append(part)
            kinds.append("high-risk-item")
            sources.append(list(i.sources) if re.search(r"\d", part) or k == len(parts) - 1 else [])
    return PlainSection(option="high-risk", heading="High-risk myeloma: what the studies say about other maintenance",
                        sentences=sentences, kinds=kinds, sources=sources)
