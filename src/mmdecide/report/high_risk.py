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

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from ..evidence import Corpus, Value
from ..personal.result import SourceRef
from ..personal.sources import cite

__all__ = ["CREDIBILITY", "HIGH_RISK_FEATURES", "HighRiskAnswer", "HighRiskItem", "high_risk_answer", "is_high_risk"]

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


@dataclass(frozen=True)
class _Entry:
    evidence: str
    question: str
    credibility: str
    caveat: str
    build: Callable[[Corpus, str], tuple[list[str], list[SourceRef]]]


def _subgroup(corpus: Corpus, evidence: str, endpoint: str, factor: str, level_starts: str) -> Value:
    return next(s.estimate for s in corpus.get(evidence).subgroups
                if s.endpoint == endpoint and s.factor == factor and s.level.startswith(level_starts))


def _fact_values(corpus: Corpus, evidence: str, fact_id: str) -> dict[str, Value]:
    return next(f for f in corpus.get(evidence).facts if f.id == fact_id).values


def _ci(v: Value) -> str:
    return f"{v.value:g} (likely between {v.lower:g} and {v.upper:g})" if v.lower is not None and v.upper is not None else f"{v.value:g}"


def _hovon(corpus: Corpus, ev: str) -> tuple[list[str], list[SourceRef]]:
    pfs = _subgroup(corpus, ev, "PFS", "del(17p)", "del(17p13)")
    os_ = _subgroup(corpus, ev, "OS", "del(17p)", "del(17p13)")
    med = _fact_values(corpus, ev, "del17p-medians")
    sentences = [
        (f"In people with del(17p), those given bortezomib before and after transplant went a median of "
         f"{med['median_pfs_pad_months'].value:g} months before the myeloma came back, against "
         f"{med['median_pfs_vad_months'].value:g} months with the older treatment and thalidomide maintenance."),
        f"The hazard ratio was {_ci(pfs)} for the myeloma coming back and {_ci(os_)} for death; below 1 favours bortezomib.",
    ]
    refs = [cite(corpus, ev, pfs, "PFS HR, del(17p)"), cite(corpus, ev, os_, "OS HR, del(17p)"),
            cite(corpus, ev, med["median_pfs_pad_months"], "median PFS, del(17p), bortezomib"),
            cite(corpus, ev, med["median_pfs_vad_months"], "median PFS, del(17p), thalidomide")]
    return sentences, refs


def _tourmaline(corpus: Corpus, ev: str) -> tuple[list[str], list[SourceRef]]:
    hr = _subgroup(corpus, ev, "OS", "cytogenetic risk", "high risk")
    med = _fact_values(corpus, ev, "hr-os-medians")
    sentences = [(f"In people with high-risk myeloma, ixazomib did not help them live longer. "
                  f"Half were alive after {med['median_os_ixazomib_months'].value:g} months with ixazomib and "
                  f"{med['median_os_placebo_months'].value:g} months with placebo (hazard ratio {hr.value:g}).")]
    refs = [cite(corpus, ev, hr, "OS HR, high-risk cytogenetics"),
            cite(corpus, ev, med["median_os_ixazomib_months"], "median OS, high risk, ixazomib"),
            cite(corpus, ev, med["median_os_placebo_months"], "median OS, high risk, placebo")]
    return sentences, refs


def _ixa_pooled(corpus: Corpus, ev: str) -> tuple[list[str], list[SourceRef]]:
    hr = _subgroup(corpus, ev, "PFS", "cytogenetic risk", "high risk")
    med = _fact_values(corpus, ev, "medians-high-risk")
    sentences = [(f"Pooled over four ixazomib trials, high-risk patients went a median of "
                  f"{med['ixazomib_based_months'].value:g} months before the myeloma came back with ixazomib and "
                  f"{med['placebo_based_months'].value:g} months without it (hazard ratio {_ci(hr)}).")]
    refs = [cite(corpus, ev, hr, "PFS HR, high-risk cytogenetics (pooled)"),
            cite(corpus, ev, med["ixazomib_based_months"], "median PFS, high risk, ixazomib-based"),
            cite(corpus, ev, med["placebo_based_months"], "median PFS, high risk, placebo-based")]
    return sentences, refs


def _myeloma_xi(corpus: Corpus, ev: str) -> tuple[list[str], list[SourceRef]]:
    v = _fact_values(corpus, ev, "high-risk-genetics")
    sentences = [(f"Lenalidomide alone also helped people with high-risk genetics in Myeloma XI: a median of "
                  f"{v['median_pfs_lenalidomide'].value:g} months before the myeloma came back, against "
                  f"{v['median_pfs_observation'].value:g} months with no maintenance.")]
    refs = [cite(corpus, ev, v["median_pfs_lenalidomide"], "median PFS, high-risk genetics, lenalidomide"),
            cite(corpus, ev, v["median_pfs_observation"], "median PFS, high-risk genetics, observation")]
    return sentences, refs


def _emory(corpus: Corpus, ev: str) -> tuple[list[str], list[SourceRef]]:
    res = {r.arm: r for r in corpus.get(ev).results if r.endpoint == "PFS" and r.median is not None}
    hi, std = res["high-risk"].median, res["standard-risk"].median
    sentences = [(f"In one hospital's series, maintenance was chosen by each person's risk. High-risk patients went "
                 f"a median of {hi.value:g} months before the myeloma came back, against {std.value:g} months for "
                 f"standard-risk patients.")]
    refs = [cite(corpus, ev, hi, "median PFS, high risk"), cite(corpus, ev, std, "median PFS, standard risk")]
    return sentences, refs


def _text_only(fact_id: str, sentence: str) -> Callable[[Corpus, str], tuple[list[str], list[SourceRef]]]:
    def build(corpus: Corpus, ev: str) -> tuple[list[str], list[SourceRef]]:
        next(f for f in corpus.get(ev).facts if f.id == fact_id)  # the statement must be in the file
        return [sentence], []
    return build


_ENTRIES: tuple[_Entry, ...] = (
    _Entry("hovon65-gmmg-hd4", "bortezomib vs thalidomide maintenance, del(17p)", "randomized subgroup",
           "Bortezomib was given before and after transplant, so the effect of maintenance alone is not known.", _hovon),
    _Entry("tourmaline-mm3", "ixazomib vs placebo maintenance, high-risk cytogenetics", "randomized subgroup",
           "A subgroup of one trial; the whole trial showed no survival difference either.", _tourmaline),
    _Entry("ixazomib-pooled-cytogenetics", "ixazomib vs placebo, high-risk cytogenetics", "pooled subgroup",
           "Pooled over four trials in different settings, not only after transplant.", _ixa_pooled),
    _Entry("myeloma-xi", "lenalidomide vs no maintenance, high-risk genetics", "randomized subgroup",
           "No hazard ratio, interval or subgroup size was printed.", _myeloma_xi),
    _Entry("emory-rvd-risk-adapted", "risk-adapted maintenance, high vs standard risk", "single-arm or cohort",
           "No comparison group, and which medicine each risk group got was not reported in the sources read.", _emory),
    _Entry("cassiopeia", "daratumumab vs observation by cytogenetic risk", "randomized subgroup",
           "The abstract gives no numbers for the high-risk group.",
           _text_only("mrd-by-risk", "With daratumumab, more people had no myeloma left that tests can find. "
                                     "This was true at every level of risk. No numbers were given.")),
    _Entry("lai-2024-nma", "lenalidomide, ixazomib or daratumumab, high-risk cytogenetics", "network meta-analysis",
           "It compares trials that did not test the medicines against each other. No numbers were given.",
           _text_only("high-risk-cytogenetics", "A study that put many trials together found that no maintenance "
                                                "medicine clearly kept high-risk myeloma away for longer.")),
    _Entry("hovon65-gmmg-hd4", "what a guideline summary says", "guideline summary",
           "A summary statement; it says this approach is not evidence-based.",
           _text_only("pdq-btz-02", "A US cancer summary says people with high-risk myeloma may need "
                                    "bortezomib, with or without lenalidomide. It also says this is not yet proven. "
                                    "New trials are needed.")),
    _Entry("imwg-2016-high-risk-consensus", "what the International Myeloma Working Group says",
           "guideline summary",
           "An expert consensus from 2016, before the daratumumab trials. It compares trials and is not about "
           "maintenance alone.",
           _text_only("treatment-statement", "An international group of myeloma experts wrote that bortezomib or "
                                             "carfilzomib seem to help people with t(4;14) or del(17p) live longer. "
                                             "Lenalidomide may keep the myeloma away longer for them. People with "
                                             "more than one high-risk change did not seem to gain from these "
                                             "medicines.")),
)

MISSING = (
    "the McCarthy 2017 and Lai 2024 high-risk subgroup numbers for lenalidomide: not in the evidence base yet",
    ("mSMART and ESMO statements on maintenance in high-risk myeloma: not quoted in the evidence base yet (the "
     "copies found were cut before those sections); NCCN's guideline is not public"),
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
        sentences, refs = e.build(corpus, e.evidence)
        items.append(HighRiskItem(evidence=e.evidence, question=e.question, credibility=e.credibility,
                                  sentences=sentences, sources=refs, caveat=e.caveat))
    intro = ("Some people ask whether maintenance with a proteasome inhibitor (bortezomib, ixazomib) or an "
             "antibody (daratumumab) works better than lenalidomide alone when the myeloma is high risk. No trial "
             "has answered this directly. Here is what the studies show, and how much each can be trusted.")
    return HighRiskAnswer(applies=bool(feats), features=feats, intro=intro, items=items, missing=list(MISSING))
