"""How well the model matches each option's own trials (issue 8, point 5: first step).

For every hazard ratio an option's numbers rest on, the trial's published arm results (medians
and landmark percents, PFS and OS) are set beside the model's value for the same arm: the
option itself for the experimental arm, and no maintenance or lenalidomide for the control arm,
all for an average trial patient (empty profile, or the trial's entry condition where it
enrolled only some patients: AURIGA, MRD-positive). The model's baseline is the McCarthy 2017
control arm, so an option whose own trial enrolled a different population can miss its trial:
the table says so, row by row, instead of hiding it.

Tolerances (stated, not tuned): a median within 15% of the published one; a landmark within 10
percentage points. A published 'not reached' agrees when the model's median lies beyond that
analysis' median follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence import Corpus
from .model import estimate
from .options import OPTIONS
from .prepared import default_corpus
from .sources import follow_up_months

__all__ = ["LANDMARK_TOLERANCE_POINTS", "MEDIAN_TOLERANCE", "CalibrationRow", "calibration_table"]

MEDIAN_TOLERANCE = 0.15
LANDMARK_TOLERANCE_POINTS = 10.0
_NO_MAINTENANCE = {"placebo", "observation", "control", "no-maintenance"}
#: the profile that stands for a trial's population where it enrolled only some patients
_TRIAL_PROFILE = {"auriga": {"mrd": "positive"}}  # AURIGA enrolled only MRD-positive patients


@dataclass(frozen=True)
class CalibrationRow:
    option: str
    trial: str
    analysis: str
    arm: str
    endpoint: str
    quantity: str  # "median (months)" or "percent at N months"
    published: float | None  # None: 'not reached'
    model: float | None  # None: beyond the model's reach (median past the grid, or not reached)
    within_tolerance: bool
    note: str


def _model_option(link, arm: str) -> str | None:
    if arm == link.experimental:
        return None  # the option itself
    if arm in _NO_MAINTENANCE:
        return "observation"
    if arm in ("lenalidomide", "r"):
        return "lenalidomide"
    return "?"


def calibration_table(corpus: Corpus | None = None) -> list[CalibrationRow]:
    corpus = corpus if corpus is not None else default_corpus()
    rows: list[CalibrationRow] = []
    for spec in OPTIONS:
        if spec.id == "observation":
            continue
        own = spec.pfs_links[0].evidence  # the option's own trial (an indirect chain's first link)
        seen = set()
        for link in (*spec.pfs_links, *(spec.os_links or ())):
            key = (link.evidence, link.analysis, link.experimental, link.control)
            if link.evidence != own or link.evidence not in corpus.files or key in seen:
                continue
            seen.add(key)
            for res in corpus.get(link.evidence).results:
                if res.analysis != link.analysis or res.endpoint not in ("PFS", "OS") \
                        or res.arm not in (link.experimental, link.control):
                    continue
                target = _model_option(link, res.arm) or spec.id
                if target == "?":
                    continue
                rows += _rows(corpus, spec.id, link, res, target)
    return rows


def _rows(corpus, option, link, res, target) -> list[CalibrationRow]:
    out = []
    years = sorted({lm.time / 12 if lm.time_unit == "months" else lm.time for lm in res.landmarks
                    if lm.rate.value is not None})
    profile = _TRIAL_PROFILE.get(link.evidence, {})
    r = estimate(profile, options=[target] if target != "observation" else ["lenalidomide"], horizons=years or None)
    o = next((x for x in r.options if x.option == target), None)
    if o is None:
        return out
    fu = follow_up_months(corpus, link.evidence, link.analysis)
    med = o.median_pfs_months if res.endpoint == "PFS" else o.median_os_months
    base = {"option": option, "trial": link.evidence, "analysis": link.analysis, "arm": res.arm, "endpoint": res.endpoint}
    if res.median is not None and res.median.value is not None:
        pub = float(res.median.value)
        ok = med.estimate is not None and abs(med.estimate - pub) <= MEDIAN_TOLERANCE * pub
        out.append(CalibrationRow(**base, quantity="median (months)", published=pub, model=med.estimate,
                                  within_tolerance=ok, note=f"model arm: {target}"))
    elif res.median_not_reached:
        model = med.estimate
        beyond = model is None or (fu is not None and model > fu)
        out.append(CalibrationRow(**base, quantity="median (months)", published=None, model=model,
                                  within_tolerance=bool(beyond),
                                  note=f"published: not reached (median follow-up {fu} months); model arm: {target}"))
    for lm in res.landmarks:
        if lm.rate.value is None:
            continue
        yrs = lm.time / 12 if lm.time_unit == "months" else lm.time
        h = next(x for x in o.horizons if abs(x.years - yrs) < 1e-9)
        n = h.pfs_percent if res.endpoint == "PFS" else h.os_percent
        ok = n.estimate is not None and abs(n.estimate - lm.rate.value) <= LANDMARK_TOLERANCE_POINTS
        out.append(CalibrationRow(**base, quantity=f"percent at {12 * yrs:g} months", published=float(lm.rate.value),
                                  model=n.estimate, within_tolerance=ok, note=f"model arm: {target}"))
    return out
