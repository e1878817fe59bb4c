"""A per-arm Weibull curve from a published median, event count and numbers-at-risk table.

Why this exists: a numbers-at-risk table mixes two kinds of attrition, events and censoring, so
it does not pin down the survival curve by itself. Together with the total number of events it
does: the expected number of events is the hazard integrated against the number at risk,

    E[D] = integral_0^T h(t) n(t) dt,

with n(t) interpolated geometrically between the published columns (Parmar MKB, Torri V,
Stewart L. Stat Med 1998;17:2815-2834 use the same idea per interval; Guyot et al. 2012 use
the at-risk counts in the same way inside the reconstruction). Median and events, matched
by weighted least squares, fix the two Weibull parameters. The curve then serves as a synthetic "digitized"
curve when the published figure itself is not available, and its in-sample points are said to
be in-sample wherever they are reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["RiskTableFit", "expected_events", "fit_weibull_median_events"]


@dataclass(frozen=True)
class RiskTableFit:
    """S(t) = exp(-(t / scale) ** shape), fitted to a median and an event count."""

    shape: float
    scale: float
    median: float
    events_expected: float
    follow_up_end: float

    def survival(self, t: ArrayLike) -> np.ndarray:
        x = np.asarray(t, dtype=float)
        return np.exp(-np.power(np.maximum(x, 0.0) / self.scale, self.shape))

    def hazard(self, t: ArrayLike) -> np.ndarray:
        x = np.maximum(np.asarray(t, dtype=float), 1e-12)
        return self.shape / self.scale * np.power(x / self.scale, self.shape - 1.0)


def _at_risk_curve(times: np.ndarray, n: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """n(t) on ``grid``: geometric between columns (constant attrition rate), linear into 0."""
    out = np.zeros_like(grid)
    for k in range(len(times) - 1):
        a, b = times[k], times[k + 1]
        m = (grid >= a) & (grid <= b)
        if n[k + 1] > 0 and n[k] > 0:
            out[m] = n[k] * np.power(n[k + 1] / n[k], (grid[m] - a) / (b - a))
        else:
            out[m] = n[k] + (n[k + 1] - n[k]) * (grid[m] - a) / (b - a)
    return out


def expected_events(shape: float, scale: float, times: Sequence[float] | np.ndarray,
                    n: Sequence[int] | np.ndarray,
                    points: int = 4001) -> float:
    """Expected events up to the last risk-table time for a Weibull hazard (trapezoid rule)."""
    t = np.asarray(times, dtype=float)
    nn = np.asarray(n, dtype=float)
    grid = np.linspace(t[0], t[-1], points)
    h = shape / scale * np.power(np.maximum(grid, 1e-9) / scale, shape - 1.0)
    y = h * _at_risk_curve(t, nn, grid)
    return float(np.sum((y[1:] + y[:-1]) * np.diff(grid)) / 2.0)


def fit_weibull_median_events(
    median: float,
    events: int,
    at_risk_times: Sequence[float],
    at_risk_n: Sequence[int],
    median_ci: tuple[float | None, float | None] | None = None,
) -> RiskTableFit:
    """Weibull whose median and expected events (against the risk table) match the published ones.

    Both numbers carry sampling error and rounding, and published summaries are not always
    exactly consistent with a Weibull (crossover censoring, for one), so the two are matched by
    weighted least squares: the log median with the SE implied by its 95% CI (or, without a CI,
    a Greenwood-like 1/sqrt(events/2)), the event count with a Poisson SE sqrt(events).
    ``median`` is not forced: compare ``fit.median`` with it. Raises ValueError naming the
    argument for impossible input.
    """
    from scipy.optimize import least_squares

    times = np.asarray(at_risk_times, dtype=float)
    n = np.asarray(at_risk_n, dtype=float)
    if not (isinstance(median, (int, float)) and median > 0 and math.isfinite(median)):
        raise ValueError(f"median: must be a positive number, got {median!r}")
    if times.size < 2 or times.size != n.size:
        raise ValueError("at_risk_times, at_risk_n: need at least two columns of equal length")
    if times[0] != 0 or np.any(np.diff(times) <= 0) or np.any(np.diff(n) > 0):
        raise ValueError("at_risk_times: must start at 0 and increase; at_risk_n must not rise")
    if not (0 < events < n[0]):
        raise ValueError(f"events: must be between 0 and n = {n[0]:g}, got {events!r}")
    z = 1.959963984540054
    if median_ci and median_ci[0] and median_ci[1]:
        se_log_median = (math.log(median_ci[1]) - math.log(median_ci[0])) / (2 * z)
    elif median_ci and median_ci[0]:
        se_log_median = (math.log(median) - math.log(median_ci[0])) / z
    else:
        se_log_median = 1.0 / math.sqrt(events / 2.0)
    se_events = math.sqrt(events)

    def residuals(theta: np.ndarray) -> np.ndarray:
        k, lam = math.exp(theta[0]), math.exp(theta[1])
        med = lam * math.log(2.0) ** (1.0 / k)
        return np.array([
            (math.log(med) - math.log(median)) / se_log_median,
            (expected_events(k, lam, times, n) - events) / se_events,
        ])  # fmt: skip

    start = np.array([0.0, math.log(median / math.log(2.0))])
    sol = least_squares(residuals, start, bounds=([math.log(0.2), -20], [math.log(5.0), 20]),
                        xtol=1e-12, ftol=1e-12)
    k, lam = math.exp(sol.x[0]), math.exp(sol.x[1])
    return RiskTableFit(shape=k, scale=lam, median=lam * math.log(2.0) ** (1.0 / k),
                        events_expected=expected_events(k, lam, times, n),
                        follow_up_end=float(times[-1]))
