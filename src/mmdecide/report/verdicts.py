"""One row of the reproduction report and how its verdict is reached.

Kept apart from :mod:`mmdecide.report.reproduction` (which assembles the report) and
:mod:`mmdecide.report.reproduce_models` (the engine-heavy rows) so that both import it and neither
imports the other's internals: the report imports the model rows, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..timeunits import MONTHS_PER
from ..evidence import Value
from .tolerances import TOLERANCES

__all__ = ["Row", "Verdict", "judged", "not_reproducible", "to_months"]

Verdict = Literal["agrees", "differs", "not reproducible"]


@dataclass(frozen=True)
class Row:
    study: str
    quantity: str
    published: float | None
    reproduced: float | None
    deviation: float | None
    tolerance: str | None
    verdict: Verdict
    method: str
    note: str = ""
    published_text: str | None = None  # when the published value is not a number ('not reached')


def judged(study: str, quantity: str, published: float, reproduced: float, tolerance: str,
           method: str, note: str = "") -> Row:
    """A row whose verdict follows from a named numeric tolerance."""
    tol = TOLERANCES[tolerance]
    dev = tol.deviation(published, reproduced)
    verdict: Verdict = "agrees" if tol.holds(dev) else "differs"
    return Row(study, quantity, published, reproduced, dev, tolerance, verdict, method, note)


def not_reproducible(study: str, quantity: str, reason: str, published: float | None = None) -> Row:
    return Row(study, quantity, published, None, None, None, "not reproducible", "-", reason)


def to_months(v: Value) -> float | None:
    if v.value is None or v.unit not in MONTHS_PER:
        return None
    return v.value * MONTHS_PER[v.unit]
