"""Restricted mean survival time (RMST) up to a horizon tau, with its correct standard error.

RMST(tau) is the area under the Kaplan-Meier curve from 0 to tau (Royston P, Parmar MKB.
Restricted mean survival time: an alternative to the hazard ratio for the design and analysis of
randomized trials with a time-to-event outcome. BMC Med Res Methodol 2013;13:152). Its variance
is the Greenwood-type delta-method formula (Klein JP, Moeschberger ML. Survival Analysis, 2nd ed.,
2003, section 4.5): sum over event times t_j < tau of A_j^2 d_j / (n_j (n_j - d_j)), where A_j is
the area under the curve from t_j to tau. This is what R prints with
``print(survfit(...), rmean = tau)`` (``survival:::survmean``).

Own code because lifelines' ``restricted_mean_survival_time(..., return_variance=True)`` returns
Var(min(T, tau)) -- the spread of patients' restricted times, not the uncertainty of the
estimate (``tests/test_engine_km.py`` shows the difference on R's lung data).

Examples
--------
>>> from mmdecide.engine.survdata import SurvivalData
>>> r = rmst(SurvivalData.from_arrays([1, 2, 3, 4], [1, 1, 0, 0]), tau=4)
>>> r.estimate  # 1*1 + 1*0.75 + 2*0.5
2.75
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from mmdecide.engine.km import KaplanMeier, kaplan_meier, z_critical
from mmdecide.engine.survdata import SurvivalData

__all__ = ["RMST", "RMSTDifference", "rmst", "rmst_difference"]


@dataclass(frozen=True)
class RMST:
    """Restricted mean survival time up to ``tau`` and its standard error."""

    tau: float
    estimate: float
    se: float

    def confint(self, conf_level: float = 0.95) -> tuple[float, float]:
        """Normal (Wald) interval, as survRM2 reports it."""
        z = z_critical(conf_level)
        return self.estimate - z * self.se, self.estimate + z * self.se


@dataclass(frozen=True)
class RMSTDifference:
    """RMST of the second group minus the first (groups in sorted order), independent arms."""

    tau: float
    estimate: float
    se: float
    lower: float
    upper: float
    p: float
    groups: tuple[object, object]
    arms: tuple[RMST, RMST]

    def as_tuple(self) -> tuple[float, float, float, float]:
        """(estimate, se, lower, upper)."""
        return self.estimate, self.se, self.lower, self.upper


def _check_tau(tau: float, last_time: float) -> float:
    if isinstance(tau, bool) or not isinstance(tau, (int, float, np.floating, np.integer)):
        raise ValueError(f"tau: must be a number, got {type(tau).__name__}")
    tau = float(tau)
    if not math.isfinite(tau) or tau <= 0:
        raise ValueError(f"tau: must be a finite number > 0, got {tau!r}")
    # R silently extends the last survival value beyond follow-up; we refuse, because that
    # extrapolates a flat curve the data do not support.
    if tau > last_time:
        raise ValueError(
            f"tau: must not exceed the last observed time {last_time:g} (got {tau:g}); "
            "the curve is unknown after the last follow-up"
        )
    return tau


def _rmst_from_km(km: KaplanMeier, tau: float) -> RMST:
    tau = _check_tau(tau, float(km.time[-1]))
    keep = km.time <= tau
    if not keep.any():
        return RMST(tau=tau, estimate=tau, se=0.0)
    # the same steps as survival:::survmean, so the numbers agree with R to rounding
    d = km.n_event[keep].astype(float)
    n = km.n_risk[keep].astype(float)
    left = n - d
    hh = np.where(left > 0, d / (n * np.where(left > 0, left, 1.0)), 0.0)
    times = np.append(km.time[keep], tau)
    surv = km.survival[keep]
    widths = np.diff(np.concatenate(([0.0], times)))
    rectangles = widths * np.concatenate(([1.0], surv))  # S is right-continuous
    area_after = np.cumsum(rectangles[1:][::-1])  # area from each time t_j to tau
    var = float(np.sum(area_after**2 * hh[::-1]))
    return RMST(tau=tau, estimate=float(np.sum(rectangles)), se=math.sqrt(var))


def rmst(km_or_data: KaplanMeier | SurvivalData, tau: float) -> RMST:
    """RMST up to ``tau`` from a fitted Kaplan-Meier curve or from survival data.

    ``tau`` must lie in (0, last observed time].
    """
    if isinstance(km_or_data, SurvivalData):
        km = kaplan_meier(km_or_data)
    elif isinstance(km_or_data, KaplanMeier):
        km = km_or_data
    else:
        raise ValueError(
            f"km_or_data: must be a KaplanMeier or SurvivalData, got {type(km_or_data).__name__}"
        )
    return _rmst_from_km(km, tau)


def rmst_difference(data: SurvivalData, tau: float, conf_level: float = 0.95) -> RMSTDifference:
    """Difference in RMST, second group minus first in sorted group order.

    The arms are independent, so the variances add; the interval and p-value are Wald.
    ``tau`` must not exceed the last observed time of either arm.
    """
    if not isinstance(data, SurvivalData):
        raise ValueError(f"data: must be a SurvivalData, got {type(data).__name__}")
    if data.group is None:
        raise ValueError("data: needs a group column with exactly two groups")
    labels = data.groups()
    if len(labels) != 2:
        raise ValueError(f"data: group must have exactly two groups, got {len(labels)}")
    z = z_critical(conf_level)
    kms = [kaplan_meier(data.subset(g)) for g in labels]
    last = min(float(k.time[-1]) for k in kms)
    _check_tau(tau, last)
    a, b = (_rmst_from_km(k, tau) for k in kms)
    est = b.estimate - a.estimate
    se = math.hypot(a.se, b.se)
    p = 2.0 * NormalDist().cdf(-abs(est) / se) if se > 0 else math.nan
    return RMSTDifference(
        tau=float(tau), estimate=est, se=se, lower=est - z * se, upper=est + z * se, p=p,
        groups=(labels[0], labels[1]), arms=(a, b),
    )
