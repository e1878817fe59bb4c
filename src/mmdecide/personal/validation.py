"""External validation (issue 8, point 6): the model's lenalidomide and no-maintenance numbers
for an average patient with each study's induction, beside arms of studies that did not feed the model.

The model's curves come from the McCarthy 2017 meta-analysis (CALGB 100104, IFM 2005-02, GIMEMA
RV-MM-PI-209), the arms that set each induction's baseline (DETERMINATION for VRd, CASSIOPEIA's
observation arm for VTd, FORTE for KRd; ``induction.FITS``) and, for the other options, their own
trials. The held-out arms below are used nowhere in the model: a registry (Connect MM), a regional
cohort (Rete Ematologica Pugliese) and the lenalidomide arms of two trials of VRd induction
(PERSEUS, GRIFFIN). Arms counted from before induction are moved to the start of maintenance as
the baseline fit does (``induction.origin_for``); each row's note says how. The rows are judged by
the same tolerances as the calibration and reported as they come out, never tuned.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..evidence import Corpus
from .calibration import RunCache, _rows, shifted_rows
from .induction import origin_for
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
    induction: str = "other"  # the study's induction class (``induction``)
    gap_from: str | None = None  # counted from before induction: whose gap to maintenance to use


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
            "VRd induction, transplant, VRd consolidation, lenalidomide", "vrd", "cassiopeia"),
    HeldOut("griffin", "primary-2020", "rvd", "lenalidomide",
            "RVd induction, transplant, RVd consolidation, lenalidomide (phase 2)", "vrd", "cassiopeia"),
    HeldOut("griffin", "final-2023", "rvd", "lenalidomide",
            "RVd induction, transplant, RVd consolidation, lenalidomide (phase 2)", "vrd", "cassiopeia"),
)


def external_validation(corpus: Corpus | None = None) -> list[CalibrationRow]:
    """Every held-out arm's published median and landmarks beside the model (cached per evidence base)."""
    corpus = corpus if corpus is not None else default_corpus()
    return list(_validation(corpus_key(corpus)))


@lru_cache(maxsize=8)
def _validation(key: int) -> tuple[CalibrationRow, ...]:
    corpus = _CORPORA[key]
    runs: RunCache = {}
    rows: list[CalibrationRow] = []
    for h in HELD_OUT:
        if h.evidence not in corpus.files:
            continue
        for res in corpus.get(h.evidence).results:
            if (res.analysis, res.arm) != (h.analysis, h.arm) or res.endpoint not in ("PFS", "OS"):
                continue
            if h.gap_from is None:
                rows += _rows(corpus, h.model_option, h.evidence, h.analysis, res, h.model_option, runs,
                              note=f"; {h.origin}", induction=h.induction)
            else:
                origin = origin_for(corpus, h.gap_from)
                rows += shifted_rows(corpus, h.model_option, h.evidence, h.analysis, res, h.induction, origin,
                                     h.model_option, f"; induction {h.induction}; {h.origin}; {origin.words}")
    return tuple(rows)
