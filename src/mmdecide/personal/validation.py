"""External validation (issue 8, point 6): the model's lenalidomide and no-maintenance numbers
for an average patient beside arms of studies that did not feed the model.

The model's curves come from the McCarthy 2017 meta-analysis (CALGB 100104, IFM 2005-02, GIMEMA
RV-MM-PI-209) and, for the other options, their own trials. The held-out arms below are used
nowhere else in the model: a registry (Connect MM), a regional cohort (Rete Ematologica
Pugliese) and the lenalidomide arms of two trials of modern induction (PERSEUS, DETERMINATION).
Their time origins differ from the model's (start of maintenance, about 100 days after the
transplant): each row's note says how. The rows are judged by the same tolerances as the
calibration and reported as they come out, never tuned.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..evidence import Corpus
from .calibration import _rows
from .prepared import _CORPORA, corpus_key, default_corpus
from .result import CalibrationRow

__all__ = ["HELD_OUT", "HeldOut", "external_validation"]


@dataclass(frozen=True)
class HeldOut:
    evidence: str
    analysis: str
    arm: str
    model_option: str  # "lenalidomide" or "observation"
    origin: str  # the study's time origin, in words


HELD_OUT = (
    HeldOut("connect-mm", "blood-adv-2018", "lenalidomide-maintenance", "lenalidomide",
            "registry 2009-2011; time from day 100 after the transplant"),
    HeldOut("connect-mm", "blood-adv-2018", "no-maintenance", "observation",
            "registry 2009-2011; time from day 100 after the transplant"),
    HeldOut("real-world-cohorts", "pugliese", "rep-lenalidomide", "lenalidomide",
            "regional cohort; time origin as published (not stated as the start of maintenance)"),
    HeldOut("real-world-cohorts", "pugliese", "rep-none", "observation",
            "regional cohort; time origin as published (not stated as the start of maintenance)"),
    HeldOut("perseus", "primary", "vrd-r", "lenalidomide",
            "VRd induction, transplant, VRd consolidation, lenalidomide; time from randomisation, before induction"),
    HeldOut("determination", "nejm-2022", "rvd-asct", "lenalidomide",
            "RVd induction, transplant, RVd, lenalidomide until progression; time from randomisation, before induction"),
)


def external_validation(corpus: Corpus | None = None) -> list[CalibrationRow]:
    """Every held-out arm's published median and landmarks beside the model (cached per evidence base)."""
    corpus = corpus if corpus is not None else default_corpus()
    return list(_validation(corpus_key(corpus)))


@lru_cache(maxsize=8)
def _validation(key: int) -> tuple[CalibrationRow, ...]:
    corpus = _CORPORA[key]
    runs: dict = {}
    rows: list[CalibrationRow] = []
    for h in HELD_OUT:
        if h.evidence not in corpus.files:
            continue
        for res in corpus.get(h.evidence).results:
            if (res.analysis, res.arm) == (h.analysis, h.arm) and res.endpoint in ("PFS", "OS"):
                rows += _rows(corpus, h.model_option, h.evidence, h.analysis, res, h.model_option, runs,
                              note=f"; {h.origin}")
    return tuple(rows)
