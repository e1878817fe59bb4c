"""Between-study variance (tau^2) of an intercept-only meta-analysis, as metafor 3.8 computes it.

DerSimonian-Laird (truncated at 0), Paule-Mandel (root of the generalised Q = k - 1) and REML
(Fisher scoring step for step as ``rma.uni``, with a bounded search when it cycles), and the
Q-profile confidence interval of ``confint()`` (Viechtbauer 2007). With weights w,
P = W - w w' / sum(w), so the quadratic forms metafor computes with matrices reduce to sums.
:func:`mmdecide.engine.meta.pool` is the entry point; these are shared with its tests.

- DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177-88.
- Paule RC, Mandel J. Consensus values and weighting factors. J Res Natl Bur Stand 1982;87:377-85.
- Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the random-effects
  model. J Educ Behav Stat 2005;30:261-93.
- Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis.
  Stat Med 2007;26:37-52.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

from ..errors import ConvergenceError  # re-exported: raised when REML does not converge

__all__ = [
    "ConvergenceError",
    "generalised_q",
    "qprofile_ci",
    "reml_loglik",
    "tau2_dl",
    "tau2_pm",
    "tau2_reml",
    "trace_p",
]

# Iteration controls, the same values r/golden_meta.R passes to metafor.
_THRESHOLD = 1e-12  # REML Fisher scoring: stop when tau^2 changes by less than this
_MAXITER = 10_000
_LL0_TOL = 1e-12  # metafor's "stuck at a local maximum" check (control tol)



def generalised_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Generalised Cochran Q at tau^2: sum w (y - mu_w)^2 with w = 1 / (v + tau^2)."""
    w = 1.0 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return float(np.sum(w * (y - mu) ** 2))


def trace_p(w: np.ndarray) -> float:
    return float(np.sum(w) - np.sum(w**2) / np.sum(w))


def tau2_dl(y: np.ndarray, v: np.ndarray) -> float:
    k = y.size
    q = generalised_q(y, v, 0.0)
    # Truncated at 0 (DerSimonian & Laird 1986, metafor): a variance cannot be negative.
    return max(0.0, (q - (k - 1)) / trace_p(1.0 / v))


def _mad(y: np.ndarray) -> float:
    # R's mad(): median absolute deviation scaled by 1.4826 (consistent for the normal SD)
    return float(1.482602218505602 * np.median(np.abs(y - np.median(y))))


def tau2_pm(y: np.ndarray, v: np.ndarray) -> float:
    """Paule-Mandel: the tau^2 at which the generalised Q equals its expectation k - 1."""
    k = y.size
    target = k - 1
    if generalised_q(y, v, 0.0) < target:
        return 0.0
    # metafor's search interval; Q(tau^2) decreases to 0, so widening always finds the root
    # (metafor would stop with "tau2.max too low" instead).
    upper = max(100.0, 10.0 * _mad(y) ** 2)
    while generalised_q(y, v, upper) > target:
        upper *= 10.0
    return float(
        optimize.brentq(
            lambda t: generalised_q(y, v, t) - target, 0.0, upper, xtol=1e-15, rtol=4 * np.finfo(float).eps
        )
    )


def reml_loglik(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    w = 1.0 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    rss = np.sum(w * (y - mu) ** 2)
    return float(
        -0.5 * (y.size - 1) * math.log(2 * math.pi)
        - 0.5 * np.sum(np.log(v + tau2))
        - 0.5 * math.log(np.sum(w))
        - 0.5 * rss
    )


def _tau2_reml_bounded(y: np.ndarray, v: np.ndarray) -> float:
    """REML by bounded one-dimensional maximisation (fallback when Fisher scoring cycles)."""
    from scipy.optimize import minimize_scalar

    upper = max(100.0, 10.0 * float(np.var(y, ddof=1)) + 10.0 * float(np.max(v)))
    res = minimize_scalar(lambda t: -reml_loglik(y, v, t), bounds=(0.0, upper), method="bounded",
                          options={"xatol": 1e-13, "maxiter": 2000})
    if not res.success:
        raise ConvergenceError("REML did not converge (Fisher scoring and bounded search both failed)")
    tau2 = float(res.x)
    return 0.0 if reml_loglik(y, v, 0.0) >= reml_loglik(y, v, tau2) else tau2


def tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    """REML by Fisher scoring, step for step as metafor's rma.uni (Viechtbauer 2005).

    Start at the Hedges (HE) estimate truncated at 0; update
    tau^2 += (y'PPy - tr P) / tr(PP), halving the step while it would go below 0; stop when the
    change is below 1e-12. Following metafor, the result is then compared with the restricted
    likelihood at tau^2 = 0 (guard against a local maximum).
    """
    k = y.size
    ybar = np.mean(y)
    tau2 = max(0.0, (float(np.sum((y - ybar) ** 2)) - float(np.sum(v)) * (k - 1) / k) / (k - 1))
    change = math.inf
    iterations = 0
    while change > _THRESHOLD:
        iterations += 1
        if iterations > _MAXITER:
            # Fisher scoring can oscillate when one study is far more precise than the rest
            # (e.g. y = (0, 0, 0, 0, 2), se = (2, 2, 2, 2, 0.5)); metafor stops with an error
            # there. The restricted likelihood is one-dimensional in tau^2, so maximise it
            # directly instead of giving up.
            return _tau2_reml_bounded(y, v)
        w = 1.0 / (v + tau2)
        sw = np.sum(w)
        py = w * (y - np.sum(w * y) / sw)  # P y
        tr_p = sw - np.sum(w**2) / sw
        tr_pp = np.sum(w**2) - 2.0 * np.sum(w**3) / sw + (np.sum(w**2) / sw) ** 2
        adj = float((np.sum(py**2) - tr_p) / tr_pp)
        while tau2 + adj < 0.0:
            adj /= 2.0
        old = tau2
        tau2 = tau2 + adj
        change = abs(old - tau2)
    if tau2 > _THRESHOLD and reml_loglik(y, v, 0.0) - reml_loglik(y, v, tau2) > _LL0_TOL:
        tau2 = 0.0
    return max(0.0, tau2)


def qprofile_ci(
    y: np.ndarray, v: np.ndarray, tau2: float, conf_level: float
) -> tuple[float, float, list[str]]:
    """Q-profile confidence interval for tau^2 (Viechtbauer 2007), as metafor's confint().

    Bounds are the tau^2 where the generalised Q equals the chi^2_{k-1} quantiles. The search runs
    over [0, max(100, 10 tau^2)], metafor's default; a bound beyond it is reported as the edge
    with a note (metafor prints it as "> 100").
    """
    k = y.size
    alpha = 1 - conf_level
    crit_u = stats.chi2.isf(alpha / 2, k - 1)
    crit_l = stats.chi2.ppf(alpha / 2, k - 1)
    t_min, t_max = 0.0, max(100.0, 10.0 * tau2)
    q_min, q_max = generalised_q(y, v, t_min), generalised_q(y, v, t_max)
    notes: list[str] = []

    def root(target: float) -> float:
        return float(
            optimize.brentq(
                lambda t: generalised_q(y, v, t) - target,
                t_min,
                t_max,
                xtol=1e-15,
                rtol=4 * np.finfo(float).eps,
            )
        )

    lb = ub = math.nan
    if q_min < crit_l:
        lb = ub = t_min
        notes.append("tau2 confidence interval is the null set {0}: Q is below its lower quantile")
    elif q_max > crit_l:
        ub = t_max
        notes.append(f"tau2 upper confidence bound exceeds the search limit {t_max:g}")
    else:
        ub = root(crit_l)
    if q_max > crit_u:
        lb = ub = t_max
        notes.append(f"tau2 confidence bounds exceed the search limit {t_max:g}")
    elif q_min < crit_u:
        lb = t_min
    else:
        lb = root(crit_u)
    return lb, ub, notes
