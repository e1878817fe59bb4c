"""Parametric survival models fitted by maximum likelihood to right-censored data.

Each distribution is a tiny declarative object (as in lifelines' ``WeibullFitter``): it names its
parameters, says which are positive, and gives the log-hazard and cumulative hazard on the natural
scale. One routine (:func:`fit_parametric`) maximises the right-censored log-likelihood

    l(theta) = sum_{events} log h(t_i) - sum_i H(t_i)

(Klein & Moeschberger, *Survival Analysis*, 2nd ed., 2003, section 3.5), and one result type
(:class:`ParametricFit`) carries the estimates, the inverse observed information, and the methods
``survival``, ``hazard``, ``cumulative_hazard``, ``quantile``, ``median``, ``rmst`` and
``survival_ci``.

Why our own optimiser rather than lifelines: lifelines has no Gompertz fitter, it is off for the
piecewise exponential at breakpoints (``tests/test_engine_parametric.py`` shows it), its machinery lives in a 3,600-line
base class, and it costs 1.3 s to import. Here the gradient is exact by complex-step
differentiation (Squire & Trapp, SIAM Review 1998;40:110-112), so the distributions' formulas must
be written with complex-safe numpy functions (no ``abs``, ``maximum`` or comparisons on
parameters). The fit is BFGS on curvature-preconditioned coordinates, polished by Newton steps with
the Hessian from central differences of the exact gradient; this matches R ``survreg`` to ~1e-9.

Parameterisations (natural scale):

================  =====================  ==============================================
distribution      parameters             survival S(t)
================  =====================  ==============================================
exponential       rate                   exp(-rate t)
weibull           scale, shape           exp(-(t/scale)^shape)
lognormal         mu, sigma              1 - Phi((log t - mu)/sigma)
loglogistic       scale, shape           1 / (1 + (t/scale)^shape)
gompertz          shape, rate            exp(-rate/shape (exp(shape t) - 1)); flexsurv's
piecewise_exp.    rate_1..rate_k         hazard rate_j on (c_{j-1}, c_j]
================  =====================  ==============================================

Examples
--------
>>> from mmdecide.engine.survdata import SurvivalData
>>> d = SurvivalData.from_arrays([2.0, 3.0, 5.0, 7.0], [1, 1, 0, 1])
>>> fit = fit_parametric(d, "exponential")
>>> round(fit.params["rate"], 6)  # 3 events / 17 time units
0.176471
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate, optimize, special, stats

from .survdata import SurvivalData

__all__ = [
    "Distribution",
    "Exponential",
    "Weibull",
    "LogNormal",
    "LogLogistic",
    "Gompertz",
    "PiecewiseExponential",
    "ParametricFit",
    "fit_parametric",
    "get_distribution",
    "DISTRIBUTIONS",
]

_LOG_2PI = float(np.log(2.0 * np.pi))

#: Natural parameters of a distribution; complex during complex-step differentiation.
Params = tuple[Any, ...]
_CSTEP = 1e-20  # complex-step size: no subtractive cancellation, so it can be tiny


class Distribution:
    """A parametric family, declared by its parameters, log-hazard and cumulative hazard.

    Subclasses set ``name``, ``param_names``, ``positive`` (which parameters are fitted on the
    log scale) and implement ``log_hazard(t, p)`` and ``cumulative_hazard(t, p)`` for ``t > 0``,
    where ``p`` is a tuple of natural-scale parameters that may be complex (complex step).
    ``time_at_cumhaz`` (the inverse of H) may be given in closed form; the default solves for it.
    """

    name: str = ""
    param_names: tuple[str, ...] = ()
    positive: tuple[bool, ...] = ()
    needs_positive_times: bool = False  # log h(0) is not finite for some shapes

    def log_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        raise NotImplementedError

    def cumulative_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        raise NotImplementedError

    def initial(self, rate: float, median: float) -> Params:
        """Natural parameters of a member close to an exponential with this rate/median."""
        raise NotImplementedError

    def time_at_cumhaz(self, y: float, p: Params) -> float:
        """The time t with H(t) = y (inf if H never reaches y)."""
        def f(x: float) -> float:
            return float(np.real(self.cumulative_hazard(np.array([x]), p)[0])) - y

        hi = 1.0
        for _ in range(2000):
            if f(hi) >= 0:
                break
            hi *= 2.0
        else:
            return float("inf")
        return float(optimize.brentq(f, 0.0, hi, xtol=1e-14 * hi, rtol=4 * np.finfo(float).eps))

    # -- conversions between natural and unconstrained (log for positive parameters) --
    def to_unconstrained(self, p: Sequence[float]) -> np.ndarray:
        return np.array([np.log(v) if pos else v for v, pos in zip(p, self.positive)], dtype=float)

    def to_natural(self, u: np.ndarray) -> Params:
        return tuple(np.exp(v) if pos else v for v, pos in zip(u, self.positive))

    def natural_jacobian(self, u: np.ndarray) -> np.ndarray:
        """d natural / d unconstrained (diagonal)."""
        return np.diag([np.exp(v) if pos else 1.0 for v, pos in zip(u, self.positive)])

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Exponential(Distribution):
    name = "exponential"
    param_names = ("rate",)
    positive = (True,)

    def log_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        return np.log(p[0]) + 0.0 * t

    def cumulative_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        return p[0] * t

    def initial(self, rate: float, median: float) -> Params:
        return (rate,)

    def time_at_cumhaz(self, y: float, p: Params) -> float:
        return float(y / p[0])


class Weibull(Distribution):
    name = "weibull"
    param_names = ("scale", "shape")
    positive = (True, True)
    needs_positive_times = True

    def log_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        lam, k = p
        return np.log(k) - np.log(lam) + (k - 1.0) * (np.log(t) - np.log(lam))

    def cumulative_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        lam, k = p
        return np.exp(k * (np.log(t) - np.log(lam)))

    def initial(self, rate: float, median: float) -> Params:
        return (1.0 / rate, 1.0)

    def time_at_cumhaz(self, y: float, p: Params) -> float:
        lam, k = p
        return float(lam * y ** (1.0 / k))


class LogNormal(Distribution):
    name = "lognormal"
    param_names = ("mu", "sigma")
    positive = (False, True)
    needs_positive_times = True

    def log_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        mu, sigma = p
        z = (np.log(t) - mu) / sigma
        return -0.5 * z * z - 0.5 * _LOG_2PI - np.log(sigma) - np.log(t) - special.log_ndtr(-z)

    def cumulative_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        mu, sigma = p
        return -special.log_ndtr(-(np.log(t) - mu) / sigma)

    def initial(self, rate: float, median: float) -> Params:
        return (float(np.log(median)), 1.0)

    def time_at_cumhaz(self, y: float, p: Params) -> float:
        mu, sigma = p
        # S = exp(-y) = Phi(-z)  =>  z = -ndtri(exp(-y)) = ndtri(1 - exp(-y));
        # writing 1 - exp(-y) as -expm1(-y) keeps precision at small y.
        return float(np.exp(mu + sigma * special.ndtri(-np.expm1(-y))))


class LogLogistic(Distribution):
    name = "loglogistic"
    param_names = ("scale", "shape")
    positive = (True, True)
    needs_positive_times = True

    def log_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        a, b = p
        x = b * (np.log(t) - np.log(a))
        return np.log(b) - np.log(t) + x - np.log1p(np.exp(x))

    def cumulative_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        a, b = p
        return np.log1p(np.exp(b * (np.log(t) - np.log(a))))

    def initial(self, rate: float, median: float) -> Params:
        return (median, 1.5)

    def time_at_cumhaz(self, y: float, p: Params) -> float:
        a, b = p
        return float(a * np.expm1(y) ** (1.0 / b))


class Gompertz(Distribution):
    """h(t) = rate * exp(shape * t); shape may be negative (then S(inf) = exp(rate/shape) > 0)."""

    name = "gompertz"
    param_names = ("shape", "rate")
    positive = (False, True)

    def log_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        a, b = p
        return np.log(b) + a * t

    def cumulative_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        a, b = p
        at = a * t
        # expm1(at)/a loses precision (and divides by zero) as shape -> 0: use the series there.
        series = t * (1.0 + at / 2.0 + at * at / 6.0 + at * at * at / 24.0)
        small = np.abs(np.real(at)) < 1e-6
        with np.errstate(divide="ignore", invalid="ignore"):
            exact = np.expm1(at) / a
        return b * np.where(small, series, exact)

    def initial(self, rate: float, median: float) -> Params:
        return (0.0, rate)

    def time_at_cumhaz(self, y: float, p: Params) -> float:
        a, b = p
        if abs(a * y / b) < 1e-10:
            return float(y / b)
        arg = a * y / b
        if arg <= -1.0:
            return float("inf")  # the survival curve plateaus above exp(-y)
        return float(np.log1p(arg) / a)


@dataclass(frozen=True, repr=False)
class PiecewiseExponential(Distribution):
    """Constant hazard ``rate_j`` on (c_{j-1}, c_j], c_0 = 0 and c_k = inf.

    A time equal to a breakpoint belongs to the interval that *ends* there, as in survival's
    ``pyears``/``survSplit``: an event at exactly c_j is counted in interval j, and so is its
    exposure. (lifelines' PiecewiseExponentialFitter differs here by 1.1%:
    ``tests/test_engine_parametric.py`` shows it.)
    """

    breakpoints: tuple[float, ...] = field(default=())

    def __post_init__(self) -> None:
        b = np.asarray(self.breakpoints, dtype=float)
        if b.ndim != 1 or b.size == 0:
            raise ValueError("breakpoints: give at least one breakpoint (a 1-D list of times)")
        if not np.all(np.isfinite(b)) or np.any(b <= 0) or np.any(np.diff(b) <= 0):
            raise ValueError("breakpoints: must be finite, > 0 and strictly increasing")
        object.__setattr__(self, "breakpoints", tuple(float(x) for x in b))

    name = "piecewise_exponential"
    needs_positive_times = False

    @property
    def param_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(f"rate_{j + 1}" for j in range(len(self.breakpoints) + 1))

    @property
    def positive(self) -> tuple[bool, ...]:  # type: ignore[override]
        return (True,) * (len(self.breakpoints) + 1)

    def _exposure(self, t: np.ndarray) -> np.ndarray:
        """Time spent in each interval, shape (len(t), k)."""
        lo = np.concatenate([[0.0], self.breakpoints])
        hi = np.concatenate([self.breakpoints, [np.inf]])
        return np.clip(np.asarray(t, float)[:, None] - lo[None, :], 0.0, (hi - lo)[None, :])

    def interval_index(self, t: np.ndarray) -> np.ndarray:
        # side="left": t == c_j gives index j-1 (0-based), i.e. the interval ending at c_j.
        return np.searchsorted(np.asarray(self.breakpoints), np.asarray(t, float), side="left")

    def log_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        return np.log(np.asarray(p))[self.interval_index(t)]

    def cumulative_hazard(self, t: np.ndarray, p: Params) -> np.ndarray:
        return self._exposure(np.atleast_1d(t)) @ np.asarray(p)

    def initial(self, rate: float, median: float) -> Params:
        return (rate,) * len(self.param_names)

    def time_at_cumhaz(self, y: float, p: Params) -> float:
        lo = np.concatenate([[0.0], self.breakpoints])
        h_at = self.cumulative_hazard(lo, p)
        j = int(np.searchsorted(h_at, y, side="right")) - 1
        return float(lo[j] + (y - h_at[j]) / p[j])

    def closed_form(self, data: SurvivalData) -> np.ndarray:
        """Events / exposure per interval (the MLE)."""
        t = data.time
        expo = self._exposure(t).sum(axis=0)
        ev = np.bincount(self.interval_index(t[data.event > 0]), minlength=expo.size)
        for j, (e, x) in enumerate(zip(ev, expo)):
            if e == 0:
                raise ValueError(
                    f"breakpoints: interval {j + 1} ({self._label(j)}) has no events "
                    f"(exposure {x:g}); its rate MLE is 0 and has no standard error on the "
                    "log scale. Merge it with a neighbouring interval."
                )
        return ev / expo

    def _label(self, j: int) -> str:
        lo = 0.0 if j == 0 else self.breakpoints[j - 1]
        hi = self.breakpoints[j] if j < len(self.breakpoints) else float("inf")
        return f"({lo:g}, {hi:g}]"

    def __repr__(self) -> str:
        return f"PiecewiseExponential(breakpoints={self.breakpoints})"


DISTRIBUTIONS: dict[str, Distribution] = {
    d.name: d for d in (Exponential(), Weibull(), LogNormal(), LogLogistic(), Gompertz())
}


def get_distribution(
    distribution: str | Distribution, breakpoints: Sequence[float] | None = None
) -> Distribution:
    """Look a distribution up by name ('piecewise_exponential' needs ``breakpoints``)."""
    if isinstance(distribution, Distribution):
        return distribution
    if distribution == "piecewise_exponential":
        if breakpoints is None:
            raise ValueError("breakpoints: required for distribution='piecewise_exponential'")
        return PiecewiseExponential(tuple(breakpoints))
    if distribution not in DISTRIBUTIONS:
        names = sorted(DISTRIBUTIONS) + ["piecewise_exponential"]
        raise ValueError(f"distribution: must be one of {names}, got {distribution!r}")
    return DISTRIBUTIONS[distribution]


# ---------------------------------------------------------------------------------------------
# Numerical derivatives shared with summary_fit.
def complex_step_grad(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """Exact-to-rounding gradient of a real-analytic scalar or vector function f at real x.

    Returns shape (len(x),) for scalar f, (m, len(x)) for vector f.
    """
    x = np.asarray(x, dtype=float)
    cols = []
    for i in range(x.size):
        xc = x.astype(complex)
        xc[i] += 1j * _CSTEP
        cols.append(np.imag(f(xc)) / _CSTEP)
    return np.stack(cols, axis=-1)


def _hessian_from_grad(grad: Callable[[np.ndarray], np.ndarray], x: np.ndarray, steps: np.ndarray) -> np.ndarray:
    n = x.size
    h = np.empty((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = steps[j]
        h[:, j] = (grad(x + e) - grad(x - e)) / (2.0 * steps[j])
    return 0.5 * (h + h.T)


def _steps(hess_diag: np.ndarray) -> np.ndarray:
    # 1e-4 standard deviations: truncation error ~1e-8 relative, rounding error negligible.
    d = np.abs(hess_diag)
    return 1e-4 / np.sqrt(np.where(d > 0, d, 1.0))


# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParametricFit:
    """A fitted parametric survival model.

    Attributes (fitted values end in nothing; they are immutable):
    distribution, params (name -> natural value), unconstrained (log for positive parameters),
    cov_unconstrained, cov (natural scale; inverse observed information), se, loglik, aic,
    n, n_events.

    Confidence bands for S(t) use the delta method on log H(t) = log(-log S(t)) (the "log-log"
    transform, as R survfit's conf.type="log-log"): the band stays within [0, 1] and always
    contains the estimate.
    """

    distribution: Distribution
    unconstrained: np.ndarray
    cov_unconstrained: np.ndarray
    loglik: float
    n: int
    n_events: int

    @property
    def natural(self) -> Params:
        return tuple(float(v) for v in self.distribution.to_natural(self.unconstrained))

    @property
    def params(self) -> dict[str, float]:
        return dict(zip(self.distribution.param_names, self.natural))

    @property
    def cov(self) -> np.ndarray:
        j = self.distribution.natural_jacobian(self.unconstrained)
        return j @ self.cov_unconstrained @ j.T

    @property
    def se(self) -> dict[str, float]:
        return dict(zip(self.distribution.param_names, np.sqrt(np.diag(self.cov)).tolist()))

    @property
    def aic(self) -> float:
        return -2.0 * self.loglik + 2.0 * self.unconstrained.size

    def cumulative_hazard(self, t: ArrayLike) -> np.ndarray:
        t = _times("t", t)
        out = np.zeros_like(t)
        pos = t > 0
        out[pos] = np.real(self.distribution.cumulative_hazard(t[pos], self.natural))
        return out

    def survival(self, t: ArrayLike) -> np.ndarray:
        return np.exp(-self.cumulative_hazard(t))

    def hazard(self, t: ArrayLike) -> np.ndarray:
        t = _times("t", t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.exp(np.real(self.distribution.log_hazard(t, self.natural)))

    def quantile(self, p: float) -> float:
        """The time by which a fraction ``p`` has had the event: F(t) = p, i.e. S(t) = 1 - p."""
        if not (0.0 < float(p) < 1.0):
            raise ValueError(f"p: must be strictly between 0 and 1, got {p!r}")
        return self.distribution.time_at_cumhaz(-np.log1p(-float(p)), self.natural)

    def median(self) -> float:
        return self.quantile(0.5)

    def rmst(self, tau: float) -> float:
        """Restricted mean survival time: the integral of S(t) from 0 to tau."""
        if not (np.isfinite(tau) and tau > 0):
            raise ValueError(f"tau: must be finite and > 0, got {tau!r}")
        pts = getattr(self.distribution, "breakpoints", ())
        pts = [b for b in pts if b < tau] or None
        val, _ = integrate.quad(
            lambda x: float(self.survival([x])[0]), 0.0, tau, points=pts,
            epsabs=1e-12, epsrel=1e-10, limit=200,
        )
        return float(val)

    def survival_ci(self, t: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise (lower, upper) for S(t), delta method on log H(t)."""
        if not (0.0 < level < 1.0):
            raise ValueError(f"level: must be strictly between 0 and 1, got {level!r}")
        t = _times("t", t)
        z = stats.norm.ppf(0.5 + level / 2.0)
        lower = np.ones_like(t)
        upper = np.ones_like(t)
        pos = t > 0
        if np.any(pos):
            tp = t[pos]
            dist = self.distribution

            def log_h(u: np.ndarray) -> Any:
                return np.log(dist.cumulative_hazard(tp, dist.to_natural(u)))

            g = complex_step_grad(log_h, self.unconstrained)  # (m, p)
            se = np.sqrt(np.einsum("ij,jk,ik->i", g, self.cov_unconstrained, g))
            lh = np.real(log_h(self.unconstrained.astype(complex)))
            lower[pos] = np.exp(-np.exp(lh + z * se))
            upper[pos] = np.exp(-np.exp(lh - z * se))
        return lower, upper


def _times(name: str, t: ArrayLike) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(t, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a number or a sequence of numbers") from None
    if arr.ndim != 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name}: times must be finite and >= 0")
    return arr


def _loglik_function(dist: Distribution, data: SurvivalData) -> Callable[[np.ndarray], Any]:
    t = data.time
    t_event = t[data.event > 0]
    t_pos = t[t > 0]  # H(0) = 0 for every distribution

    def loglik(u: np.ndarray) -> Any:
        p = dist.to_natural(u)
        return np.sum(dist.log_hazard(t_event, p)) - np.sum(dist.cumulative_hazard(t_pos, p))

    return loglik


def fit_parametric(
    data: SurvivalData,
    distribution: str | Distribution,
    breakpoints: Sequence[float] | None = None,
) -> ParametricFit:
    """Maximum-likelihood fit of a parametric survival model to right-censored data.

    Parameters
    ----------
    data : SurvivalData with event 0/1 (competing events: collapse with ``data.any_event()``).
    distribution : 'exponential', 'weibull', 'lognormal', 'loglogistic', 'gompertz',
        'piecewise_exponential' (with ``breakpoints``), or a :class:`Distribution`.

    Returns
    -------
    ParametricFit; its covariance is the inverse observed information.
    """
    if not isinstance(data, SurvivalData):
        raise ValueError("data: must be a SurvivalData (use SurvivalData.from_arrays)")
    if data.has_competing_events:
        raise ValueError("data: has competing event types; use data.any_event() or one cause")
    if data.n_events == 0:
        raise ValueError("data: at least one event is needed to fit a parametric model")
    dist = get_distribution(distribution, breakpoints)
    if dist.needs_positive_times and np.any(data.time <= 0):
        raise ValueError(
            f"data: {dist.name} needs every time > 0 (as R survreg); found a time of 0"
        )
    loglik = _loglik_function(dist, data)

    if isinstance(dist, PiecewiseExponential):
        rates = dist.closed_form(data)
        u = np.log(rates)
        ev = rates * dist._exposure(data.time).sum(axis=0)  # = events per interval
        # Observed information of log(rate_j) is d_j: independent across intervals.
        cov_u = np.diag(1.0 / ev)
        return ParametricFit(dist, u, cov_u, float(np.real(loglik(u))), data.n, data.n_events)

    u, cov_u = _maximise(loglik, dist, data)
    return ParametricFit(dist, u, cov_u, float(np.real(loglik(u))), data.n, data.n_events)


def _maximise(loglik: Callable[[np.ndarray], Any], dist: Distribution, data: SurvivalData) -> tuple[np.ndarray, np.ndarray]:
    def nll(u: np.ndarray) -> float:
        return -float(np.real(loglik(np.asarray(u, dtype=complex))))

    def grad(u: np.ndarray) -> np.ndarray:
        return -complex_step_grad(loglik, u)

    rate = data.n_events / float(np.sum(data.time))
    med = float(np.median(data.time[data.time > 0])) if np.any(data.time > 0) else 1.0 / rate
    u0 = dist.to_unconstrained(dist.initial(rate, med))
    # Precondition by the curvature at the start so that every coordinate is O(1) per unit step
    # (a Gompertz shape in 1/days is ~1e-3 while log rate is ~-6).
    d0 = np.abs(np.diag(_hessian_from_grad(grad, u0, _steps(np.ones(u0.size) * 1e4))))
    scale = np.sqrt(np.where(d0 > 0, d0, 1.0))
    with np.errstate(all="ignore"):
        res = optimize.minimize(
            lambda v: nll(v / scale), u0 * scale, jac=lambda v: grad(v / scale) / scale,
            method="BFGS", options={"gtol": 1e-9, "maxiter": 2000},
        )
    u = res.x / scale
    # Newton polish: quadratic convergence from BFGS's neighbourhood, and it leaves us with an
    # accurate Hessian for the covariance.
    for _ in range(50):
        g = grad(u)
        h = _hessian_from_grad(grad, u, _steps(np.diag(_hessian_from_grad(grad, u, 1e-4 / scale))))
        try:
            step = np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            break
        f0, lam = nll(u), 1.0
        while lam > 1e-6 and not nll(u - lam * step) <= f0 + 1e-12 * abs(f0):
            lam /= 2.0
        u = u - lam * step
        if np.max(np.abs(step) * np.sqrt(np.abs(np.diag(h)))) < 1e-10:
            break
    h = _hessian_from_grad(grad, u, _steps(np.diag(_hessian_from_grad(grad, u, 1e-4 / scale))))
    eig = np.linalg.eigvalsh(h)
    g = grad(u)
    if not np.all(np.isfinite(h)) or eig.min() <= 0:
        raise ValueError(
            f"data: the {dist.name} likelihood has no interior maximum for these data "
            "(observed information not positive definite)"
        )
    if np.max(np.abs(g) / np.sqrt(np.diag(h))) > 1e-5:
        raise ValueError(f"data: the {dist.name} fit did not converge (gradient {g})")
    return u, np.linalg.inv(h)
