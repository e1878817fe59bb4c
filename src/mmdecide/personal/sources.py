"""Finding evidence entries by what they are, and citing them in results."""

from __future__ import annotations

from dataclasses import dataclass

from ..timeunits import years_to_months
from ..errors import EvidenceMissing
from ..evidence import Corpus, Value
from ..evidence.schema import Comparison
from .result import SourceRef

__all__ = ["EvidenceMissing", "HRLink", "arm_n", "cite", "find_comparison", "follow_up_months", "hr_interval",
           "published"]


def cite(corpus: Corpus, evidence: str, value: Value, what: str) -> SourceRef:
    prov = corpus.provenance(evidence, value)
    return SourceRef(evidence=evidence, what=what, citation=prov.citation, url=prov.url,
                     locator=prov.locator, tier=prov.tier, source_type=prov.source_type,
                     value=value.value)


def published(value: Value | None, what: str) -> float:
    """The number an entry publishes; EvidenceMissing (naming ``what``) when it gives none.

    The schema allows an entry without a value (an interval only, or "not reached"); code that
    needs the number asks through here so the gap is one clear message, not a None in arithmetic.
    """
    if value is None or value.value is None:
        raise EvidenceMissing(f"{what}: the evidence entry gives no number")
    return value.value


def hr_interval(value: Value, what: str) -> tuple[float, float, float]:
    """(estimate, lower, upper) of a published ratio; EvidenceMissing when any of them is absent."""
    if value.value is None or value.lower is None or value.upper is None:
        raise EvidenceMissing(f"{what}: no 95% CI")
    return value.value, value.lower, value.upper


@dataclass(frozen=True)
class HRLink:
    """One hazard ratio of the evidence base: ``experimental`` vs ``control`` in one analysis."""

    evidence: str
    endpoint: str
    analysis: str
    experimental: str
    control: str

    def describe(self) -> str:
        return f"{self.endpoint} HR {self.experimental} vs {self.control} [{self.analysis}]"


def find_comparison(corpus: Corpus, link: HRLink) -> Comparison:
    if link.evidence not in corpus.files:
        raise EvidenceMissing(f"evidence file {link.evidence!r} is missing")
    for c in corpus.get(link.evidence).comparisons:
        if (c.endpoint, c.analysis, c.experimental, c.control, c.measure) == (
            link.endpoint, link.analysis, link.experimental, link.control, "HR"
        ):
            if c.estimate.value is None or c.estimate.lower is None or c.estimate.upper is None:
                raise EvidenceMissing(f"{link.evidence}: {link.describe()} has no 95% CI")
            return c
    raise EvidenceMissing(f"{link.evidence}: no {link.describe()}")


def arm_n(corpus: Corpus, evidence: str, arm: str) -> int | None:
    """The number of patients in an arm, if the evidence file gives it."""
    for a in corpus.get(evidence).arms:
        if a.id == arm and a.n is not None and a.n.value is not None:
            return int(a.n.value)
    return None


def follow_up_months(corpus: Corpus, evidence: str, analysis: str) -> float | None:
    """The median follow-up of an analysis in months, if the evidence file gives it."""
    for a in corpus.get(evidence).analyses:
        if a.id == analysis and a.median_follow_up is not None and a.median_follow_up.value:
            v, months = a.median_follow_up, a.median_follow_up.value
            return years_to_months(months) if v.unit == "years" else months
    return None
