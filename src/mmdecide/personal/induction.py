"""A baseline for today's patient: the no-maintenance hazard scaled to the patient's induction.

The model's disease hazard H_disease(t) is the McCarthy 2017 control arm's (trials of 2005-2009,
background deaths removed). A patient who had a modern induction is taken to have the same shape
of hazard, scaled (proportional hazards between populations, as ``anchor`` already assumes):

    H_patient(t) = c_induction x H_disease(t)                       (t from the start of maintenance)

c is fitted per Monte Carlo column to a trial arm that treated that induction with a transplant
and then lenalidomide (or observation), so that the model's arm reproduces the arm's published
PFS (median, else its first landmark):

    PFS_published(T) = S_pre x exp(-c x HR_arm x H_disease(T - g)) x B_trial(T - g)

    c = -ln( PFS_published(T) / (S_pre B_trial(T - g)) ) / ( HR_arm H_disease(T - g) )

HR_arm is the lenalidomide PFS hazard ratio of the baseline fit (its draw in that column) for an
arm that had lenalidomide maintenance, 1 for observation. g is the time from the arm's time zero
to the start of maintenance (0 when the arm counts from the maintenance randomisation), and S_pre
the share of the arm alive and progression-free at the start of maintenance (see ``Origin``).
Because c and the lenalidomide HR are drawn in the same column, the fitted arm is reproduced in
every column; the published value's own uncertainty (its CI, else its number of patients) is
drawn too. Every option's hazard ratio then acts on the patient's baseline, so all options share
one no-maintenance curve for the patient.

Rules where no arm can be fitted (docs/model.md, Baseline): a daratumumab quadruplet takes its
triplet's c (no arm in the evidence base gave D-VRd or D-VTd and then lenalidomide alone or
observation, with a result by induction); VCD and "something else" keep the McCarthy-era baseline
(c = 1); an unknown induction is taken as VRd or daratumumab-VRd, which share one c.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..evidence import Corpus, Value
from ..timeunits import to_months
from .options import OPTIONS
from .prepared import Prepared, chain, curves
from .result import SourceRef
from .sources import EvidenceMissing, arm_n, cite, follow_up_months

__all__ = ["DEFAULT_INDUCTION", "FITS", "FitArm", "InductionScale", "Origin", "induction_scale",
           "origin_for", "published_target", "shifted_value"]

_Z = 1.959963984540054
DEFAULT_INDUCTION = "vrd"  # unknown induction: VRd or daratumumab-VRd, which share one c (docstring)
_EARLY_WINDOW = 18.0  # months: PERSEUS counts progression or death "in the first 18 months" of treatment


@dataclass(frozen=True)
class FitArm:
    """A trial arm whose published PFS fits one induction class's c."""

    evidence: str
    analysis: str
    arm: str
    model_arm: str  # "lenalidomide" (maintenance in the arm) or "observation"
    gap_from: str | None  # None: time counted from the maintenance randomisation; else whose gap to use
    words: str


FITS: dict[str, FitArm] = {
    "vrd": FitArm("determination", "nejm-2022", "rvd-asct", "lenalidomide", "cassiopeia",
                  "DETERMINATION: RVd, transplant, 2 RVd cycles, lenalidomide until progression"),
    "vtd": FitArm("cassiopeia", "longterm-2024", "observation", "observation", None,
                  "CASSIOPEIA: VTd or D-VTd (about half each), transplant, consolidation, observation"),
    "krd": FitArm("forte", "lancet-2021", "krd-asct", "lenalidomide", "forte",
                  "FORTE: KRd, transplant, KRd consolidation, then lenalidomide or carfilzomib-lenalidomide"),
}
#: a daratumumab quadruplet takes its triplet's c (no arm gives its own, see the module docstring)
SAME_AS = {"dara-vrd": "vrd", "dara-vtd": "vtd"}
ONE = {
    "vcd": "VCD: no trial arm in the evidence base gave VCD, a transplant and then lenalidomide or observation "
           "with a PFS result (GMMG-MM5 reports only hazard ratios between maintenance lengths), so the "
           "2005-2009 trials' baseline is kept (c = 1)",
    "other": "another or older induction: the 2005-2009 trials' baseline is kept (c = 1)",
}


@dataclass(frozen=True)
class Origin:
    """How an arm's time zero relates to the start of maintenance."""

    gap: float  # months from the arm's time zero to the start of maintenance
    pfs_pre: float  # share alive and progression-free at the start of maintenance
    os_pre: float  # share alive at the start of maintenance
    words: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class InductionScale:
    induction: str  # the class used (the default for an unknown induction)
    ext: np.ndarray  # (n+1,) c per column: central, then draws
    how: str  # in words, for the inputs list and the assumptions
    sources: tuple[SourceRef, ...]
    fitted: bool  # False: the McCarthy-era baseline (c = 1)

    def hazard(self, h_dis: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The patient's disease hazard for the columns ``idx``, in single precision (ample for
        percents, half the memory traffic): cast first, then scaled in place (a fancy-indexed
        float64 product would cost about ten times as much)."""
        # C order matters: ``h_dis[:, idx]`` comes out column-major, and the month-by-month
        # recursion over rows (structure.progressed_alive) is then about 2.5 times slower
        h = np.ascontiguousarray(h_dis[:, idx], dtype=np.float32)
        if self.fitted:
            h *= self.ext[idx].astype(np.float32)[None, :]
        return h

    @property
    def assumption(self) -> str:
        return (f"Baseline for this patient's first treatment (induction): {self.how}. Every option's hazard "
                "ratio acts on this same baseline (proportional hazards between trial populations).")


def _num(v: Value) -> float:
    """A value's number (every value used here has one; an entry without it is a broken evidence base)."""
    if v.value is None:
        raise EvidenceMissing(f"a value from {v.source} ({v.locator}) has no number")
    return float(v.value)


def _fact(corpus: Corpus, evidence: str, fact: str, key: str) -> Value:
    f = next(x for x in corpus.get(evidence).facts if x.id == fact)
    return f.values[key]


def origin_for(corpus: Corpus, gap_from: str | None) -> Origin:
    """The gap and the share still progression-free at the start of maintenance.

    Gap: the difference between the median follow-up from the first randomisation (before
    induction) and from the maintenance randomisation, in a trial that gives both (CASSIOPEIA,
    9.5 months; FORTE, 13.6 months). S_pre: PERSEUS's VRd arm had progression or death in 11.0% in
    the first 18 months (progression alone 6.8%), taken at a constant rate over those 18 months."""
    if gap_from is None:
        return Origin(0.0, 1.0, 1.0, "time counted from the maintenance randomisation", ())
    src: list[SourceRef] = []
    if gap_from == "cassiopeia":
        a = _fact(corpus, "cassiopeia", "time-to-maintenance", "follow_up_from_first_randomisation")
        b = _fact(corpus, "cassiopeia", "time-to-maintenance", "follow_up_from_second_randomisation")
        gap = _num(a) - _num(b)
        src += [cite(corpus, "cassiopeia", a, "median follow-up from the first randomisation"),
                cite(corpus, "cassiopeia", b, "median follow-up from the maintenance randomisation")]
    else:
        b = _fact(corpus, "forte", "follow-up-second-randomisation", "median_follow_up_from_second_randomisation_months")
        a = next(x.median_follow_up for x in corpus.get("forte").analyses
                 if x.id == "lancet-2021" and x.median_follow_up is not None)
        gap = float(follow_up_months(corpus, "forte", "lancet-2021") or 0.0) - _num(b)
        src += [cite(corpus, "forte", a, "median follow-up from the first randomisation"),
                cite(corpus, "forte", b, "median follow-up from the maintenance randomisation")]
    both = _fact(corpus, "perseus", "functional-high-risk", "fhr_or_death_vrd_pct")
    prog = _fact(corpus, "perseus", "functional-high-risk", "fhr_vrd_pct")
    src += [cite(corpus, "perseus", both, "progression or death in the first 18 months, VRd arm"),
            cite(corpus, "perseus", prog, "progression in the first 18 months, VRd arm")]
    pfs_pre = (1.0 - _num(both) / 100.0) ** (gap / _EARLY_WINDOW)
    os_pre = (1.0 - (_num(both) - _num(prog)) / 100.0) ** (gap / _EARLY_WINDOW)
    words = (f"time counted from before induction: maintenance taken to start {gap:.1f} months later "
             f"({gap_from.upper()}'s follow-up from its two randomisations), with {100 * pfs_pre:.1f}% still "
             f"alive and progression-free then (PERSEUS VRd arm, first 18 months)")
    return Origin(gap, pfs_pre, os_pre, words, tuple(src))


def published_target(corpus: Corpus, fit: FitArm) -> tuple[Value, float, bool]:
    """The arm's PFS result used to fit: (result value, months, is_median)."""
    for r in corpus.get(fit.evidence).results:
        if (r.endpoint, r.analysis, r.arm) != ("PFS", fit.analysis, fit.arm):
            continue
        if r.median is not None and r.median.value is not None:
            return r.median, float(r.median.value), True
        lm = next(x for x in r.landmarks if x.rate.value is not None)
        return lm.rate, to_months(lm.time, lm.time_unit), False
    raise LookupError(f"{fit.evidence}: no PFS result for {fit.arm} in {fit.analysis}")


def _interp(grid_vals: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Values on the monthly grid (T, n) at months ``t`` (n,), linear within the month."""
    t = np.clip(t, 0.0, grid_vals.shape[0] - 1.000001)
    k = np.floor(t).astype(int)
    f = t - k
    cols = np.arange(grid_vals.shape[1])
    return (1 - f) * grid_vals[k, cols] + f * grid_vals[k + 1, cols]


def _lenalidomide_hr(prep: Prepared) -> np.ndarray:
    spec = next(o for o in OPTIONS if o.id == "lenalidomide")
    eff, err = chain(prep, spec.pfs_links)
    if eff is None:
        raise LookupError(err)
    return eff.ext


def _fit(prep: Prepared, klass: str) -> InductionScale:
    corpus, fit = prep.corpus, FITS[klass]
    value, t_pub, is_median = published_target(corpus, fit)
    origin = origin_for(corpus, fit.gap_from)
    n1 = prep.n_draws + 1
    z = np.concatenate([[0.0], np.random.default_rng([prep.seed, 7, list(FITS).index(klass)]).standard_normal(prep.n_draws)])
    n = arm_n(corpus, fit.evidence, fit.arm) or 100
    if is_median:  # the published median's uncertainty: its 95% CI, else an exponential median's
        se = ((math.log(value.upper) - math.log(value.lower)) / (2 * _Z) if value.lower and value.upper
              and value.interval == "95% CI" else 1.0 / math.sqrt(n / 2.0))
        t = t_pub * np.exp(se * z)
        s = np.full(n1, 0.5)
    else:  # a landmark: normal on log(-log S), binomial variance with the arm's size
        p = _num(value) / 100.0
        se = math.sqrt(p * (1 - p) / n) / (p * abs(math.log(p)))
        t = np.full(n1, t_pub)
        s = np.exp(-np.exp(math.log(-math.log(p)) + se * z))
    tm = np.maximum(t - origin.gap, 1.0)
    h = _interp(prep.h_dis, tm)
    bg = _interp(np.repeat(prep.bg_trial[:, None], n1, axis=1), tm)
    mult = _lenalidomide_hr(prep) if fit.model_arm == "lenalidomide" else np.ones(n1)
    target = np.minimum(s / origin.pfs_pre, 0.999)
    c = -(np.log(target) + bg) / (mult * np.maximum(h, 1e-12))
    c = np.clip(c, 1 / 20, 20.0)
    what = "PFS median" if is_median else f"PFS at {t_pub:g} months"
    label = {a.id: a.label for a in corpus.get(fit.evidence).arms}.get(fit.arm, fit.arm)
    sources = (cite(corpus, fit.evidence, value, f"{what}, {label} [{fit.analysis}] (baseline for {klass})"),
               *origin.sources)
    how = (f"sets the no-maintenance baseline: a hazard ratio of {c[0]:.2f} on the 2005-2009 trials' hazard of "
           f"progression, fitted to "
           f"{fit.words} ({what} {_num(value):g}{'%' if not is_median else ' months'}; {origin.words})")
    return InductionScale(klass, c, how, sources, True)


def induction_scale(prep: Prepared, induction: str | None) -> InductionScale:
    """The patient's c per column (cached per prepared evidence base)."""
    key = induction if induction is not None else "unknown"
    return prep.cached(("induction_scale", key), lambda: _scale(prep, induction))


def _scale(prep: Prepared, induction: str | None) -> InductionScale:
    if induction is None:
        base = induction_scale(prep, DEFAULT_INDUCTION)
        return InductionScale(base.induction, base.ext, "unknown: the model takes VRd or daratumumab-VRd (a stated "
                              "default; the two share one baseline), which " + base.how, base.sources, base.fitted)
    if induction in ONE:
        return InductionScale(induction, np.ones(prep.n_draws + 1), ONE[induction], (), False)
    if induction in SAME_AS:
        base = induction_scale(prep, SAME_AS[induction])
        return InductionScale(induction, base.ext, f"taken as {SAME_AS[induction].upper()} (no trial arm gave "
                              f"{induction.upper()} and then lenalidomide alone or no maintenance with its own "
                              f"result), so " + base.how, base.sources, True)
    return _fit(prep, induction)


def shifted_value(prep: Prepared, c: float, model_arm: str, endpoint: str, quantity: str, origin: Origin,
                  hr: float = 1.0, kappa: float = 1.0) -> float:
    """The model's central value for an arm counted from ``origin``: a median in months from the
    arm's time zero (inf past the grid), or a percent at 'percent at N months'."""
    h = prep.h_dis[:, :1] * c
    pfs, os_ = curves(h, np.array([hr]), np.array([prep.lam[0] * kappa]), prep.bg_trial)
    surv = (pfs if endpoint == "PFS" else os_)[:, 0]
    pre = origin.pfs_pre if endpoint == "PFS" else origin.os_pre
    if quantity.startswith("percent"):
        months = float(quantity.split()[2]) - origin.gap
        return 100.0 * pre * float(np.exp(np.interp(months, np.arange(surv.size), np.log(surv))))
    goal = 0.5 / pre
    below = np.nonzero(surv < goal)[0]
    if below.size == 0:
        return math.inf
    k = int(below[0])
    l0, l1 = math.log(surv[k - 1]), math.log(surv[k])
    return origin.gap + (k - 1) + (l0 - math.log(goal)) / (l0 - l1)
