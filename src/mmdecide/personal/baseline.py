"""Progression-free and overall survival without maintenance, with uncertainty.

PFS: a Weibull pair with proportional hazards fitted to the McCarthy 2017 pooled medians (23.5
and 52.8 months) and HR (0.48, 0.41-0.55) (``engine.summary_fit``). Three points fix shape,
scale and log HR exactly, so the observation curve reproduces the published control median. The
fit's draws are joint: the lenalidomide effect uses the fit's own log-HR draws (correlated with
the shape draws), so the HR's uncertainty enters once, not once in the shape and again as the
effect.

OS: no curve shape is borrowed from another arm. Overall survival follows from PFS through the
illness-death structure (``structure``); the one parameter it needs, the death rate after
progression, is calibrated to the pooled control median (86.0 months), whose uncertainty is that
of an exponential median with the arm's deaths (half the arm at the median).

Every quantity is an array over columns: column 0 the central estimate, columns 1..n the draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine.summary_fit import PublishedSummary, fit_published_summaries
from ..evidence import Corpus
from ..evidence.schema import Value
from .result import SourceRef
from .sources import EvidenceMissing, arm_n, cite, hr_interval, published

__all__ = ["FITTED_MEDIANS", "Baseline", "build_baseline"]


@dataclass(frozen=True)
class Baseline:
    pfs_scale: np.ndarray  # (n+1,) Weibull scale, months; column 0 central
    pfs_shape: np.ndarray  # (n+1,)
    len_pfs_hr: np.ndarray  # (n+1,) the fit's lenalidomide HR (central: as published)
    os_median: np.ndarray  # (n+1,) control median OS, months
    follow_up_months: float
    pfs_sources: tuple[SourceRef, ...]
    os_sources: tuple[SourceRef, ...]
    assumptions: tuple[str, ...]

    def pfs_cumhaz(self, months: np.ndarray) -> np.ndarray:
        """(len(months), n+1) observation-arm PFS cumulative hazard (all causes, trial population)."""
        return np.power(months[:, None] / self.pfs_scale[None, :], self.pfs_shape[None, :])


def _arm_median(corpus: Corpus, evidence: str, endpoint: str, arm: str, analysis: str) -> Value:
    for r in corpus.get(evidence).results:
        if (r.endpoint, r.arm, r.analysis) == (endpoint, arm, analysis) and r.median is not None:
            return r.median
    raise EvidenceMissing(f"{evidence}: no {endpoint} median for arm {arm} in {analysis}")


#: The published medians the baseline is fitted to, as (evidence, analysis, arm, endpoint): the
#: Weibull pair through both PFS medians (with the HR), the death rate after progression through
#: the control OS median. The calibration counts their rows as fitted, not as checks.
FITTED_MEDIANS = (("mccarthy-2017-meta", "jco-2017", "control", "PFS"),
                  ("mccarthy-2017-meta", "jco-2017", "lenalidomide", "PFS"),
                  ("mccarthy-2017-meta", "jco-2017", "control", "OS"))


def _fitted_median(corpus: Corpus, key: tuple[str, str, str, str]) -> Value:
    evidence, analysis, arm, endpoint = key
    return _arm_median(corpus, evidence, endpoint, arm, analysis)


def build_baseline(corpus: Corpus, n_draws: int, rng: np.random.Generator) -> Baseline:
    mcc = "mccarthy-2017-meta"
    ev = corpus.get(mcc)
    ctl_pfs, len_pfs, ctl_os = (_fitted_median(corpus, key) for key in FITTED_MEDIANS)
    hr = next(c for c in ev.comparisons if c.endpoint == "PFS" and c.analysis == "jco-2017")
    n_ctl = arm_n(corpus, mcc, "control")
    if n_ctl is None:
        raise EvidenceMissing(f"{mcc}: the control arm's size is missing")
    hr_pub = hr_interval(hr.estimate, f"{mcc}: PFS HR [jco-2017]")
    fit = fit_published_summaries(
        [PublishedSummary(arm="control", n=n_ctl, median=published(ctl_pfs, f"{mcc}: control PFS median")),
         PublishedSummary(arm="lenalidomide", n=arm_n(corpus, mcc, "lenalidomide"),
                          median=published(len_pfs, f"{mcc}: lenalidomide PFS median"))],
        hr=hr_pub, distribution="weibull",
    )
    th = fit.draw(n_draws, rng)
    scale = np.concatenate([[math.exp(fit.theta[0])], np.exp(th[:, 0])])
    shape = np.concatenate([[math.exp(fit.theta[1])], np.exp(th[:, 1])])
    len_hr = np.concatenate([[hr_pub[0]], np.exp(th[:, 2])])
    pfs_sources = (
        cite(corpus, mcc, ctl_pfs, "PFS median, placebo or observation"),
        cite(corpus, mcc, len_pfs, "PFS median, lenalidomide"),
        cite(corpus, mcc, hr.estimate, "PFS HR lenalidomide vs control"),
    )
    m = published(ctl_os, f"{mcc}: control OS median")
    # exponential median: SE(log m) = 1 / sqrt(deaths), deaths ~ half the arm at the median
    se = 1.0 / math.sqrt(n_ctl / 2.0)
    os_median = np.concatenate([[m], m * np.exp(se * rng.standard_normal(n_draws))])
    os_sources = (cite(corpus, mcc, ctl_os, "OS median, placebo or observation"),)
    fu = next(a for a in ev.analyses if a.id == "jco-2017").median_follow_up
    assumptions = (
        ("Without maintenance, progression-free survival follows a Weibull curve fitted to the "
        f"McCarthy 2017 pooled medians and hazard ratio (shape {shape[0]:.2f}); the lenalidomide "
        "effect uses the same fit's hazard-ratio draws, so its uncertainty is counted once."),
        ("Overall survival is built from progression-free survival plus the chance of being alive "
        "after progression (an illness-death structure), so it can never be lower than "
        "progression-free survival. The death rate after progression is constant and set so that "
        f"the no-maintenance arm's median overall survival is the published {m:g} months."),
        ("Maintenance multiplies the myeloma hazard of progression by its hazard ratio; its "
        "published overall-survival hazard ratio sets how long people live after progression on "
        "that option (fitted at the trial's median follow-up)."),
    )
    return Baseline(pfs_scale=scale, pfs_shape=shape, len_pfs_hr=len_hr, os_median=os_median,
                    follow_up_months=published(fu, f"{mcc}: median follow-up"), pfs_sources=pfs_sources,
                    os_sources=os_sources,
                    assumptions=assumptions)
