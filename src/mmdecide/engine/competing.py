"""Aalen-Johansen cumulative incidence for competing risks, ties handled exactly.

Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains based on
censored observations. Scand J Statist 1978;5:141-150. For one initial state and causes
k = 1, 2, ... the estimate is CIF_k(t) = sum_{t_j <= t} S(t_j-) d_kj / n_j, with S the all-cause
Kaplan-Meier (Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data, 2nd ed.,
2002, section 8.2). Tied times are one step of the product-integral, never broken at random.

Standard error: the infinitesimal jackknife (sum of squared per-patient influences), which is
what R ``survfit(Surv(time, factor(status)) ~ 1)`` reports for multi-state curves since
survival 3.0 (Therneau, "The survfitAJ function", survival vignette). Each patient's influence
on CIF_k(t) depends only on the time they leave the risk set and how (censored, cause k, other
cause), and is linear in CIF_k(t) after that time, so the variance at every time is an O(m)
sum of cumulative moments rather than an n x m matrix. cmprsk's ``cuminc`` gives the same
point estimates with Gray's (1988) variance, which differs slightly.

Own code because lifelines' ``AalenJohansenFitter`` breaks ties by random jitter: on R's mgus2 data
(whole months, many ties) it is about 0.002 off R and changes with the seed
(``tests/test_engine_competing.py`` shows it).

Examples
--------
>>> from mmdecide.engine.survdata import SurvivalData
>>> d = SurvivalData.from_arrays([1, 1, 2, 3, 4], [1, 2, 0, 1, 0])
>>> aalen_johansen(d, cause=1).cif.round(3).tolist()
[0.2, 0.2, 0.5, 0.5]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mmdecide.engine.km import risk_table, z_critical
from mmdecide.engine.survdata import SurvivalData

__all__ = ["CumulativeIncidence", "aalen_johansen"]


@dataclass(frozen=True)
class CumulativeIncidence:
    """Cumulative incidence of one cause: one row per distinct time (as R's survfit).

    ``se`` is the infinitesimal-jackknife standard error (R survfit); ``lower``/``upper`` use
    R's default ``conf.type = "log"`` (upper capped at 1). Where the CIF is 0 the interval is
    [0, 0] (R reports NA there).
    """

    cause: int
    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray  # events of this cause
    cif: np.ndarray
    se: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    conf_level: float
    n: int

    def cif_at(self, times: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """The cumulative incidence at ``times`` (0 before the first time)."""
        t = np.atleast_1d(np.asarray(times, dtype=float))
        if not np.all(np.isfinite(t)) or np.any(t < 0):
            raise ValueError("times: must be finite numbers >= 0")
        if np.any(t > self.time[-1]):
            raise ValueError(f"times: must not exceed the last observed time {self.time[-1]:g}")
        idx = np.searchsorted(self.time, t, side="right") - 1
        return np.where(idx < 0, 0.0, self.cif[np.maximum(idx, 0)])


def _ij_variance(n: np.ndarray, d: np.ndarray, dk: np.ndarray, leaving: np.ndarray, cens: np.ndarray,
                 s_before: np.ndarray, f: np.ndarray, lam_k: np.ndarray) -> np.ndarray:
    """Infinitesimal-jackknife variance of CIF_k at each distinct time (see module docstring).

    Linearising p(t) = p(t-) H(t) in each patient's weight gives, for a patient who leaves at
    step e with outcome c, influence A_{j} for j < e and alpha_{e,c} + beta_{e,c} F_j for
    j >= e, where F = CIF_k. Summing squares over the three outcomes per step gives the result.
    """
    left = n - d
    ok = left > 0
    g = np.where(ok, d / (n * np.where(ok, left, 1.0)), 0.0)  # Greenwood increments
    big_g = np.concatenate(([0.0], np.cumsum(g)[:-1]))  # G_j = sum_{l<j} g_l
    a = s_before * lam_k * (big_g - 1.0 / n)  # influence step for patients still at risk
    big_a = np.cumsum(a)
    a_prev = big_a - a  # A_{e-1}
    lam = d / n
    # outcome at its exit step: censored, cause k, other cause
    h_cens = s_before * (big_g * lam_k - lam_k / n)
    h_k = h_cens + s_before / n
    h_other = h_cens
    inv_left = np.where(ok, 1.0 / np.where(ok, left, 1.0), 0.0)
    # slope on F after leaving; when everyone left at risk has the event (left = 0) the curve
    # stops, so the slope multiplies nothing and is set to 0
    beta_cens = np.where(ok, big_g + lam * inv_left, 0.0)
    beta_event = np.where(ok, big_g - (1.0 - lam) * inv_left, 0.0)
    alpha_cens = a_prev + h_cens - beta_cens * f
    alpha_k = a_prev + h_k - beta_event * f
    alpha_other = a_prev + h_other - beta_event * f
    other = d - dk
    p = np.cumsum(cens * alpha_cens**2 + dk * alpha_k**2 + other * alpha_other**2)
    q = np.cumsum(cens * alpha_cens * beta_cens + (dk * alpha_k + other * alpha_other) * beta_event)
    r = np.cumsum(cens * beta_cens**2 + d * beta_event**2)
    still = n - leaving  # patients who leave after this step
    var = still * big_a**2 + p + 2.0 * q * f + r * f**2
    return np.maximum(var, 0.0)  # clip rounding noise at exactly-zero variance


def aalen_johansen(data: SurvivalData, cause: int, conf_level: float = 0.95) -> CumulativeIncidence:
    """Cumulative incidence of ``cause`` (an event code >= 1 in ``data.event``).

    Other non-zero codes are competing events; 0 is censoring. A cause with no events gives a
    curve of zeros. Group labels are ignored; use ``data.subset(label)``.
    """
    if not isinstance(data, SurvivalData):
        raise ValueError(f"data: must be a SurvivalData, got {type(data).__name__}")
    if isinstance(cause, bool) or not isinstance(cause, (int, np.integer)) or cause < 1:
        raise ValueError(f"cause: must be an integer event code >= 1, got {cause!r}")
    z = z_critical(conf_level)
    any_event = (data.event > 0).astype(np.int64)
    times, n_risk, n_event, n_censor, order, starts = risk_table(data.time, any_event)
    dk = np.add.reduceat((data.event[order] == cause).astype(np.int64), starts)
    n = n_risk.astype(float)
    d = n_event.astype(float)
    lam_k = dk / n
    surv = np.cumprod(1.0 - d / n)
    s_before = np.concatenate(([1.0], surv[:-1]))
    cif = np.cumsum(s_before * lam_k)
    leaving = (n_event + n_censor).astype(float)
    var = _ij_variance(n, d, dk.astype(float), leaving, n_censor.astype(float), s_before, cif,
                       lam_k)
    se = np.sqrt(var)
    # R's conf.type = "log": exp(log F +/- z se / F), upper capped at 1
    lower = np.zeros_like(cif)
    upper = np.zeros_like(cif)
    pos = cif > 0
    rel = se[pos] / cif[pos]
    lower[pos] = cif[pos] * np.exp(-z * rel)
    upper[pos] = np.minimum(cif[pos] * np.exp(z * rel), 1.0)
    for arr in (times, n_risk, dk, cif, se, lower, upper):
        arr.setflags(write=False)
    return CumulativeIncidence(
        cause=int(cause), time=times, n_risk=n_risk, n_event=dk, cif=cif, se=se, lower=lower,
        upper=upper, conf_level=float(conf_level), n=data.n,
    )
