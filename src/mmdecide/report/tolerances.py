"""Named tolerances for the reproduction report: how close a reproduced number must come.

Published numbers are rounded (HRs to 2 decimals, p-values to 1 significant digit, medians to
0.1 month), so a reproduction cannot be exact; each tolerance says what it allows and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["TOLERANCES", "Tolerance"]


@dataclass(frozen=True)
class Tolerance:
    name: str
    kind: Literal["relative", "absolute", "log10", "threshold"]
    limit: float
    why: str

    def deviation(self, published: float, reproduced: float) -> float:
        """The deviation on this tolerance's scale (signed for relative/absolute)."""
        if self.kind == "relative":
            return (reproduced - published) / published
        if self.kind == "absolute":
            return reproduced - published
        if self.kind == "log10":
            return math.log10(reproduced) - math.log10(published)
        raise ValueError(f"kind: {self.kind} has no deviation of two numbers")

    def holds(self, deviation: float) -> bool:
        return abs(deviation) <= self.limit + 1e-12


_T = [
    Tolerance(
        "hr-from-ci", "relative", 0.05,
        "a ratio's 95% CI is symmetric on the log scale, so the HR is the geometric mean of its "
        "limits; 2-decimal rounding of HR and limits moves that by up to about 5%",
    ),
    Tolerance(
        "p-from-ci", "log10", math.log10(2.0),
        "the two-sided Wald p recomputed from the rounded CI lies within a factor of 2 of the "
        "printed p (printed to one significant digit; trials often report a log-rank p instead)",
    ),
    Tolerance(
        "p-threshold", "threshold", 0.0,
        "a p printed as '<x' holds when the p recomputed from the CI is below x (x 1.5 for rounding)",
    ),
    Tolerance(
        "hr-constant-hazards", "relative", 0.25,
        "under constant hazards HR = ratio of medians; a larger gap means the curves are not "
        "exponential (informative: it is why the engine fits Weibull and other shapes)",
    ),
    Tolerance(
        "median-from-fit", "relative", 0.05,
        "a fitted per-arm curve should reproduce the published median within 5%",
    ),
    Tolerance(
        "hr-from-fit", "relative", 0.10,
        "the HR implied by curves fitted to each arm's summaries (or by a Cox model on reconstructed "
        "patients) should lie within 10% of the published HR; a wider gap means the published "
        "summaries are not consistent with proportional hazards or with each other",
    ),
    Tolerance(
        "events-from-reconstruction", "relative", 0.02,
        "reconstructed event counts should match the published count within 2%",
    ),
    Tolerance(
        "at-risk-from-reconstruction", "absolute", 1.0,
        "the reconstructed patients should reproduce every column of the published risk table to "
        "within one patient (rounding of the censoring spread)",
    ),
    Tolerance(
        "pooled-hr", "relative", 0.10,
        "per-trial HRs pooled here should lie within 10% of the published pooled HR when the "
        "endpoints, cut-offs and patients are the same (often they are not: see each row's note)",
    ),
    Tolerance(
        "median-beyond-follow-up", "threshold", 0.0,
        "a published 'not reached' median holds when the reproduced median exceeds the follow-up",
    ),
]

TOLERANCES: dict[str, Tolerance] = {t.name: t for t in _T}
