"""Progression-free and overall survival without maintenance, with uncertainty.

PFS: a Weibull pair with proportional hazards fitted to the McCarthy 2017 pooled medians (23.5
and 52.8 months) and HR (0.48, 0.41-0.55) (``engine.summary_fit``). Three points fix shape,
scale and HR exactly, so the observation curve reproduces the published control median.

OS: the control arm's published median (86.0 months) fixes the scale; one median cannot fix a
shape, so the shape is borrowed from the CALGB 100104 placebo arm, the one control arm with two
published OS points (median 84.1 months and 5-year OS 64%, Holstein 2017 via PDQ). This
borrowing is an assumption and every result lists it.

Curves are returned as cumulative hazards on a time grid: the central curve and one per Monte
Carlo draw (parameters drawn from the fits' normal approximations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine.summary_fit import PublishedSummary, fit_published_summaries
from ..evidence import Corpus
from .result import SourceRef
from .sources import EvidenceMissing, arm_n, cite

__all__ = ["Baseline", "build_baseline"]


@dataclass(frozen=True)
class Curve:
    """Weibull cumulative hazard H(t) = (t / scale) ** shape, central and per draw."""

    scale: float
    shape: float
    scale_draws: np.ndarray
    shape_draws: np.ndarray

    def cumhaz(self, t: np.ndarray) -> np.ndarray:
        return np.power(t / self.scale, self.shape)

    def cumhaz_draws(self, t: np.ndarray) -> np.ndarray:
        # (n_draws, len(t)); t = 0 gives 0 for every positive shape
        return np.power(t[None, :] / self.scale_draws[:, None], self.shape_draws[:, None])


@dataclass(frozen=True)
class Baseline:
    pfs: Curve
    os: Curve
    follow_up_months: float
    pfs_sources: tuple[SourceRef, ...]
    os_sources: tuple[SourceRef, ...]
    assumptions: tuple[str, ...]


def _arm_result(corpus: Corpus, evidence: str, endpoint: str, arm: str, analysis: str):
    for r in corpus.get(evidence).results:
        if (r.endpoint, r.arm, r.analysis) == (endpoint, arm, analysis):
            return r
    raise EvidenceMissing(f"{evidence}: no {endpoint} result for arm {arm} in {analysis}")


def build_baseline(corpus: Corpus, n_draws: int, rng: np.random.Generator) -> Baseline:
    mcc = "mccarthy-2017-meta"
    ev = corpus.get(mcc)
    ctl_pfs = _arm_result(corpus, mcc, "PFS", "control", "jco-2017")
    len_pfs = _arm_result(corpus, mcc, "PFS", "lenalidomide", "jco-2017")
    hr = next(c for c in ev.comparisons if c.endpoint == "PFS" and c.analysis == "jco-2017")
    fit = fit_published_summaries(
        [PublishedSummary(arm="control", n=arm_n(corpus, mcc, "control"), median=ctl_pfs.median.value),
         PublishedSummary(arm="lenalidomide", n=arm_n(corpus, mcc, "lenalidomide"), median=len_pfs.median.value)],
        hr=(hr.estimate.value, hr.estimate.lower, hr.estimate.upper), distribution="weibull",
    )
    th = fit.draw(n_draws, rng)
    pfs = Curve(scale=float(math.exp(fit.theta[0])), shape=float(math.exp(fit.theta[1])),
                scale_draws=np.exp(th[:, 0]), shape_draws=np.exp(th[:, 1]))
    pfs_sources = (
        cite(corpus, mcc, ctl_pfs.median, "PFS median, placebo or observation"),
        cite(corpus, mcc, len_pfs.median, "PFS median, lenalidomide"),
        cite(corpus, mcc, hr.estimate, "PFS HR lenalidomide vs control"),
    )

    # OS: scale from the pooled control median, shape from the CALGB placebo arm.
    ctl_os = _arm_result(corpus, mcc, "OS", "control", "jco-2017")
    m_fit = fit_published_summaries(
        [PublishedSummary(arm="control", n=arm_n(corpus, mcc, "control"), median=ctl_os.median.value)],
        distribution="exponential",
    )
    rate_draws = np.exp(m_fit.draw(n_draws, rng)[:, 0])
    median_draws = math.log(2.0) / rate_draws
    calgb = "calgb-100104"
    plc = _arm_result(corpus, calgb, "OS", "placebo", "holstein-2017")
    lm = next(x for x in plc.landmarks if x.time_unit == "years" and x.time == 5)
    months = 12.0 * lm.time
    shape_fit = fit_published_summaries(
        [PublishedSummary(
            arm="placebo", n=arm_n(corpus, calgb, "placebo"), median=plc.median.value,
            median_ci=(plc.median.lower, plc.median.upper),
            landmarks=[(months, lm.rate.value / 100, lm.rate.lower / 100 if lm.rate.lower else None,
                        lm.rate.upper / 100 if lm.rate.upper else None)],
        )],
        distribution="weibull",
    )
    shape = float(math.exp(shape_fit.theta[1]))
    shape_draws = np.exp(shape_fit.draw(n_draws, rng)[:, 1])
    m = float(ctl_os.median.value)
    os_curve = Curve(
        scale=m / math.log(2.0) ** (1.0 / shape), shape=shape,
        scale_draws=median_draws / np.power(math.log(2.0), 1.0 / shape_draws), shape_draws=shape_draws,
    )
    os_sources = (
        cite(corpus, mcc, ctl_os.median, "OS median, placebo or observation"),
        cite(corpus, calgb, plc.median, "OS median, placebo (shape of the OS curve)"),
        cite(corpus, calgb, lm.rate, "5-year OS, placebo (shape of the OS curve)"),
    )
    fu = next(a for a in ev.analyses if a.id == "jco-2017").median_follow_up
    assumptions = (
        "Without maintenance, progression-free survival follows a Weibull curve fitted to the "
        f"McCarthy 2017 pooled medians and hazard ratio (shape {pfs.shape:.2f}).",
        "Overall survival without maintenance: scale from the pooled control median "
        f"({m:g} months), shape ({shape:.2f}) borrowed from the CALGB 100104 placebo arm (median and "
        "5-year survival); the PDQ prints that median's interval as a 'range', used here as a 95% CI.",
        "Maintenance multiplies the hazard by its hazard ratio at every time (proportional hazards).",
    )
    return Baseline(pfs=pfs, os=os_curve, follow_up_months=float(fu.value),
                    pfs_sources=pfs_sources, os_sources=os_sources, assumptions=assumptions)
