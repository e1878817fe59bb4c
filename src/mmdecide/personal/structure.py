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

from collections.abc import Callable

import numpy as np

__all__ = ["LAMBDA_MAX", "curves", "os_from_pfs", "progressed_alive", "solve_scale"]

LAMBDA_MAX = 1.0


def progressed_alive(p: np.ndarray, lam: np.ndarray, step: float, out: np.ndarray | None = None) -> np.ndarray:
    """A(t) on the grid: ``p`` (K+1, n) disease-only progression-free survival, ``lam`` (n,).

    Month by month, A(t_k+1) = A(t_k) exp(-lambda step) + [P(t_k) - P(t_k+1)] exp(-lambda step / 2):
    exactly the sum above, one vector operation per month over contiguous rows. The recursion is
    written into ``out`` (or a new array) with one row-sized temporary: fresh full-size temporaries
    cost more in page faults than the arithmetic (a closed form with cumulative sums would need
    exp(+lambda t) factors up to e^180 and more full-size passes, and was slower).
    """
    lam = np.clip(lam, 0.0, LAMBDA_MAX)
    keep = np.exp(-lam * step).astype(p.dtype)
    half = np.exp(-lam * step / 2).astype(p.dtype)
    a = np.empty_like(p) if out is None else out
    a[0] = 0.0
    np.subtract(p[:-1], p[1:], out=a[1:])
    a[1:] *= half[None, :]
    tmp = np.empty_like(keep)
    rows = list(a)  # row views made once: the loop is call overhead more than arithmetic
    mul, add = np.multiply, np.add
    for prev, cur in zip(rows, rows[1:]):
        mul(prev, keep, tmp)
        add(cur, tmp, cur)
    return a


def os_from_pfs(p: np.ndarray, lam: np.ndarray, step: float) -> np.ndarray:
    """Disease-only overall survival P + A (>= P everywhere)."""
    a = progressed_alive(p, lam, step)
    a += p
    return a


def curves(h_dis: np.ndarray, mult: np.ndarray, lam: np.ndarray, bg: np.ndarray,
           step: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(PFS, OS) all-cause survival on the grid for columns with hazard multiplier ``mult``:
    PFS = exp(-mult H) B and OS = (exp(-mult H) + A) B, with B = exp(-bg) from other causes.
    Two full-size arrays and in-place arithmetic (see ``progressed_alive`` on why)."""
    p = np.multiply(h_dis, -mult[None, :].astype(h_dis.dtype))
    np.exp(p, out=p)
    b = np.exp(-bg)[:, None].astype(h_dis.dtype)
    os_ = os_from_pfs(p, lam, step)
    os_ *= b
    p *= b
    return p, os_


def solve_scale(f: Callable[[np.ndarray], np.ndarray], target: np.ndarray, lo: float, hi: float, iters: int = 40) -> tuple[np.ndarray, np.ndarray]:
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
