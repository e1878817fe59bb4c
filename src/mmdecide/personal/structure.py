"""The illness-death structure that keeps every draw one coherent patient.

States: progression-free -> progressed -> dead (with death from other causes from every state).
On a monthly grid t_0 = 0, ..., t_K and for every column (one column = one Monte Carlo patient,
column 0 = the central estimate), with the disease's PFS cumulative hazard H(t) (progression or
myeloma death; background deaths removed, see ``background``):

    P(t)  = exp(-H(t))                                   progression-free, disease only
    A(t)  = sum_{j: t_j+1 <= t} [P(t_j) - P(t_j+1)] exp(-lambda (t - t_j - 1/2))
                                                         progressed and alive, disease only
    PFS(t) = P(t) B(t),   OS(t) = (P(t) + A(t)) B(t)      B(t): survival from other causes

Because A(t) >= 0, PFS(t) <= OS(t) in every column by construction, and so for the estimate and
for any percentile of the draws. lambda is the monthly death rate after progression: calibrated
to the observation arm's published median overall survival, and multiplied by a factor kappa per
option (fitted to the option's published OS hazard ratio) and per patient (fitted to the
patient's OS prognostic hazard ratio). A published OS hazard ratio therefore enters once, as a
calibration target, and never multiplies a curve on top of the PFS effect.

The sum is evaluated by its one-month recursion (exact for a constant lambda); lambda is capped
at 1 per month (median survival after progression at least three weeks).
"""

from __future__ import annotations

import numpy as np

__all__ = ["LAMBDA_MAX", "os_from_pfs", "progressed_alive", "solve_scale"]

LAMBDA_MAX = 1.0


def progressed_alive(p: np.ndarray, lam: np.ndarray, step: float) -> np.ndarray:
    """A(t) on the grid: ``p`` (K+1, n) disease-only progression-free survival, ``lam`` (n,).

    Month by month, A(t_k+1) = A(t_k) exp(-lambda step) + [P(t_k) - P(t_k+1)] exp(-lambda step / 2):
    exactly the sum above, one vector operation per month over contiguous rows.
    """
    lam = np.clip(lam, 0.0, LAMBDA_MAX)
    keep = np.exp(-lam * step).astype(p.dtype)
    half = np.exp(-lam * step / 2).astype(p.dtype)
    dp = p[:-1] - p[1:]
    dp *= half[None, :]
    a = np.empty_like(p)
    a[0] = 0.0
    for k in range(p.shape[0] - 1):
        np.multiply(a[k], keep, out=a[k + 1])
        a[k + 1] += dp[k]
    return a


def os_from_pfs(p: np.ndarray, lam: np.ndarray, step: float) -> np.ndarray:
    """Disease-only overall survival P + A (>= P everywhere)."""
    return p + progressed_alive(p, lam, step)


def solve_scale(f, target: np.ndarray, lo: float, hi: float, iters: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise bisection for x in [lo, hi] with f(x) = target, f increasing in x.

    Returns (x, hit): ``hit`` is False where the target lies outside [f(lo), f(hi)] and x was
    left at the nearer end (the caller reports how often that happens).
    """
    n = target.shape[0]
    a, b = np.full(n, lo, dtype=float), np.full(n, hi, dtype=float)
    fa, fb = f(a), f(b)
    hit = (fa <= target) & (target <= fb)
    for _ in range(iters):
        m = 0.5 * (a + b)
        below = f(m) < target
        a = np.where(below, m, a)
        b = np.where(below, b, m)
    x = 0.5 * (a + b)
    x = np.where(hit, x, np.where(target < fa, lo, hi))
    return x, hit
