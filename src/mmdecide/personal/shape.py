"""Is the proportional scaling c x H_disease what misses the modern VRd arms early? (issue 8 point 5)

The induction baseline (``induction``) scales the 2005-2009 trials' disease hazard by one factor c,
fitted to one published PFS value per induction. If that shape were right, every published PFS
point of a VRd-induction, transplant and lenalidomide arm would imply about the same c. This module
computes, for each such point in the evidence base, the c that reproduces it on the arm's own time
axis (exactly as ``induction`` fits c: same time origin g and S_pre, same lenalidomide hazard ratio,
same background deaths), and fits a two-parameter alternative

    H_patient(t) = c x H_disease(t) ** a        (a = 1 is the model's proportional scaling)

to the two points of such arms that feed no check (PERSEUS's 4-year PFS and DETERMINATION's
median), then predicts the GRIFFIN points, which stay held out. The power of H_disease keeps the
hazard non-negative and the cumulative hazard non-decreasing, so PFS <= OS would still hold in the
illness-death structure. It is a diagnostic, not used for patient numbers (docs/model.md, "Curve
shape for modern induction"). Central values only (column 0: the published values, no draw).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..evidence import Corpus
from ..timeunits import to_months
from .induction import Origin, induction_scale, origin_for
from .model import DEFAULT_SEED
from .options import OPTIONS
from .prepared import chain, default_corpus, prepared
from .result import SourceRef
from .sources import cite

__all__ = ["POINTS", "ShapeCheck", "ShapePoint", "VrdPoint", "shape_check"]


@dataclass(frozen=True)
class VrdPoint:
    """A published PFS value of a VRd + transplant + VRd + lenalidomide arm (time from randomisation
    before induction); ``months`` None means the median."""

    evidence: str
    analysis: str
    arm: str
    months: float | None
    role: str  # "fit" (fits the two-parameter shape) or "held out"


#: every such point in the evidence base; DETERMINATION's median is also the model's own c_VRd fit
POINTS = (
    VrdPoint("perseus", "primary", "vrd-r", 48, "fit"),
    VrdPoint("determination", "nejm-2022", "rvd-asct", None, "fit"),
    VrdPoint("griffin", "primary-2020", "rvd", 24, "held out"),
    VrdPoint("griffin", "ash-2021", "rvd", 36, "held out"),
    VrdPoint("griffin", "final-2023", "rvd", 48, "held out"),
)


@dataclass(frozen=True)
class ShapePoint:
    point: VrdPoint
    label: str
    published: float  # percent at the time, or the median in months
    months_from_maintenance: float  # where the point falls on the model's time axis
    implied_c: float  # the single factor c that reproduces this point alone
    proportional: float  # the model as it is (c_VRd x H_disease), same quantity as ``published``
    shaped: float  # the two-parameter alternative, same quantity
    source: SourceRef


@dataclass(frozen=True)
class ShapeCheck:
    c_model: float  # the model's c for VRd (fitted to DETERMINATION's median)
    c: float  # the alternative's factor
    a: float  # the alternative's power on H_disease
    points: tuple[ShapePoint, ...]
    #: lenalidomide PFS percent (with the trials' own background deaths, at age 57) at these months
    #: from the start of maintenance: (months, proportional, shaped, shaped up to the last fitted
    #: point and then the 2005-2009 shape with the hazard rate matched there)
    horizon: tuple[tuple[float, float, float, float], ...]
    last_fitted_month: float  # from the start of maintenance
    factor_after: float  # the continuation's factor on the 2005-2009 hazard after the last fitted point
    origin: Origin


def _published(corpus: Corpus, p: VrdPoint) -> tuple[float, float, SourceRef]:
    """(survival fraction, months from randomisation, source) of one point."""
    labels = {a.id: a.label for a in corpus.get(p.evidence).arms}
    for r in corpus.get(p.evidence).results:
        if (r.endpoint, r.analysis, r.arm) != ("PFS", p.analysis, p.arm):
            continue
        what = f"PFS {{}}, {labels.get(p.arm, p.arm)} [{p.analysis}]"
        if p.months is None and r.median is not None and r.median.value is not None:
            return 0.5, float(r.median.value), cite(corpus, p.evidence, r.median, what.format("median"))
        for lm in r.landmarks:
            if lm.rate.value is not None and abs(to_months(lm.time, lm.time_unit) - float(p.months or -1)) < 1e-9:
                src = cite(corpus, p.evidence, lm.rate, what.format(f"percent at {p.months:g} months"))
                return float(lm.rate.value) / 100.0, float(p.months or 0.0), src
    raise LookupError(f"{p.evidence}: no PFS point {p.months} for {p.arm} in {p.analysis}")


def shape_check(corpus: Corpus | None = None) -> ShapeCheck:
    """The implied c per point, the two-parameter fit and its predictions (central values)."""
    corpus = corpus if corpus is not None else default_corpus()
    prep = prepared(corpus, 200, DEFAULT_SEED)
    origin = origin_for(corpus, "cassiopeia")  # the same move to the start of maintenance as the c_VRd fit
    spec = next(o for o in OPTIONS if o.id == "lenalidomide")
    eff, _ = chain(prep, spec.pfs_links)
    hr = float(eff.ext[0]) if eff is not None else 1.0
    grid = np.arange(prep.h_dis.shape[0], dtype=float)
    h_dis, bg = prep.h_dis[:, 0], prep.bg_trial

    def at(v: np.ndarray, t: float) -> float:
        return float(np.interp(t, grid, v))

    def hazard(t: float, s: float) -> float:  # the patient's disease cumulative hazard that gives S(t) = s
        return -(math.log(s / origin.pfs_pre) + at(bg, t)) / hr

    pub = [_published(corpus, p) for p in POINTS]
    (s1, t1, _), (s2, t2, _) = [x for x, p in zip(pub, POINTS, strict=True) if p.role == "fit"]
    m1, m2 = t1 - origin.gap, t2 - origin.gap
    a = math.log(hazard(m2, s2) / hazard(m1, s1)) / math.log(at(h_dis, m2) / at(h_dis, m1))
    c = hazard(m2, s2) / at(h_dis, m2) ** a
    c_model = float(induction_scale(prep, "vrd").ext[0])

    def pfs(m: float, cc: float, aa: float) -> float:  # lenalidomide arm, from the start of maintenance
        return math.exp(-cc * hr * max(at(h_dis, m), 0.0) ** aa - at(bg, m))

    def value(p: VrdPoint, t_pub: float, cc: float, aa: float) -> float:
        if p.months is not None:
            return 100.0 * origin.pfs_pre * pfs(t_pub - origin.gap, cc, aa)
        lo, hi = 0.0, float(grid[-1])  # the median on the arm's own axis, by bisection
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if origin.pfs_pre * pfs(mid, cc, aa) > 0.5 else (lo, mid)
        return origin.gap + 0.5 * (lo + hi)

    points = []
    for p, (s, t_pub, src) in zip(POINTS, pub, strict=True):
        m = t_pub - origin.gap
        points.append(ShapePoint(p, src.what, 100.0 * s if p.months is not None else t_pub, m,
                                 hazard(m, s) / at(h_dis, m), value(p, t_pub, c_model, 1.0),
                                 value(p, t_pub, c, a), src))
    last = max(m1, m2)
    h_last = at(h_dis, last)

    after = c * a * h_last ** (a - 1)  # d/dt of c H^a at ``last`` is c a H^(a-1) h: the factor kept after it

    def continued(m: float) -> float:
        if m <= last:
            return pfs(m, c, a)
        hh = c * h_last ** a + after * (at(h_dis, m) - h_last)
        return math.exp(-hr * hh - at(bg, m))

    horizon = tuple((float(m), 100.0 * pfs(m, c_model, 1.0), 100.0 * pfs(m, c, a), 100.0 * continued(m))
                    for m in (24, 60, 120, 180))
    return ShapeCheck(c_model, c, a, tuple(points), horizon, last, after, origin)
