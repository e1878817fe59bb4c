"""Survival curves from published summaries: medians, landmark rates, hazard ratios.

Most trials publish only a few numbers per arm: the median (sometimes with a confidence
interval), landmark rates ("3-year PFS 56% (51-61%)"), a risk table, the number of events, and
the hazard ratio between arms. This module fits a parametric survival model per arm to those
points by weighted least squares on scales where their sampling distributions are close to
normal, which is an approximate (normal) likelihood for the published estimates:

=============  ==================================  ===========================================
point          residual scale                      standard error
=============  ==================================  ===========================================
median m       log m                               from its CI: (log u - log l) / (2 z);
                                                   else KM/Peto approximation, see below
landmark S(t)  log(-log S(t))  (cloglog)           from its CI on the same scale; else Peto's
                                                   Var S = S^2 (1 - S) / n(t) (Peto et al.,
                                                   Br J Cancer 1977;35:1-39) by the delta method
hazard ratio   log HR                              (log upper - log lower) / (2 z)
=============  ==================================  ===========================================

Without a CI the median's SE is that of the Kaplan-Meier median with an exponential slope at
the median (Brookmeyer & Crowley, Biometrics 1982;38:29-41):
SE(log m) = sqrt(Var S(m)) / (0.5 log 2)
with Peto's Var S(m) = 0.125 / n(m), n(m) = number at risk at m (from the risk table, else n / 2).
So precise points weigh more, and points without any precision information are refused.

Risk tables and event counts are not fitted: without the censoring distribution they do not pin
S(t) (n(t) = n S(t) G(t) mixes survival with censoring G). The risk table supplies n(t) for the
Peto variances above, and ``check()`` compares it with n S(t), the number expected at risk if
nobody were censored (an upper bound the table must respect); ``events`` is compared with the
rough n F(follow_up), treating ``follow_up`` as the median follow-up.

With ``proportional_hazards=True`` the first arm is the reference and every other arm has
cumulative hazard HR_a x H_ref(t) (one log-HR parameter per arm; the published HR, if given,
is then a data point for it). For exponential, Weibull and Gompertz this stays in the family with
a shared shape (Weibull PH: scale_a = scale_ref * HR^(-1/shape)). With
``proportional_hazards=False`` each arm has its own parameters and the HR is not used (a single
HR is not a model quantity then); ``check()`` lists it as unused.

Identifiability: each published median or landmark pins one point of the curve, so a median
alone determines an exponential, a Weibull (two parameters) needs two points per arm, or one
per arm plus a shared shape through the HR (two medians + HR identify a Weibull PH model
exactly: the median ratio and the HR give the shape). Too few points -> ``ValueError``; a
degenerate configuration (e.g. HR = 1 with equal medians under Weibull PH) is detected from the
rank of the Jacobian at the solution.

Uncertainty: covariance (J'J)^-1 of the parameters from the Jacobian of the standardised
residuals (Gauss-Newton; exact delta method when the fit is exactly identified), and
``draw``/``survival_draws`` sample parameters from the implied normal for Monte Carlo.

Example (McCarthy et al., J Clin Oncol 2017;35:3279-3289: lenalidomide maintenance meta-analysis,
PFS medians 52.8 vs 23.5 months, HR 0.48 (0.41-0.55)):

>>> ctrl = PublishedSummary(arm="placebo", n=604, median=23.5)
>>> len_ = PublishedSummary(arm="lenalidomide", n=605, median=52.8)
>>> fit = fit_published_summaries([ctrl, len_], hr=(0.48, 0.41, 0.55), distribution="weibull")
>>> round(fit.median("lenalidomide"), 2), round(fit.hazard_ratio()[0], 3)
(52.8, 0.48)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

from .parametric import DISTRIBUTIONS, Distribution, Params, complex_step_grad

__all__ = ["PublishedSummary", "SummaryFit", "CheckRow", "fit_published_summaries"]

_Z975 = float(stats.norm.ppf(0.975))
_LOG2 = float(np.log(2.0))


def _positive(name: str, v: Any, integer: bool = False, allow_zero: bool = False) -> Any:
    """``v`` as a float (an int with ``integer``) after the checks, or None for None."""
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a number, got {v!r}") from None
    if not np.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        raise ValueError(f"{name}: must be finite and {'>=' if allow_zero else '>'} 0, got {v!r}")
    if integer:
        if x != round(x):
            raise ValueError(f"{name}: must be a whole number, got {v!r}")
        return int(round(x))
    return x


@dataclass(frozen=True)
class PublishedSummary:
    """What one trial arm published.

    landmarks: (time, survival fraction, lower or None, upper or None); a 2-tuple means no CI.
    at_risk: (time, number at risk) from the risk table. median_ci: (lower, upper), either may be
    None (e.g. "not reached"). follow_up: median follow-up (used only in ``check()``).
    """

    arm: str
    n: int | None = None
    median: float | None = None
    median_ci: tuple[float | None, float | None] | None = None
    landmarks: Sequence[tuple[Any, ...]] = field(default_factory=tuple)
    at_risk: Sequence[tuple[float, int]] = field(default_factory=tuple)
    events: int | None = None
    follow_up: float | None = None

    def __post_init__(self) -> None:
        def s(name: str) -> str:
            return f"arm {self.arm!r} {name}"

        if not isinstance(self.arm, str) or not self.arm:
            raise ValueError("arm: must be a non-empty string")
        def set_(k: str, v: Any) -> None:
            object.__setattr__(self, k, v)

        set_("n", _positive(s("n"), self.n, integer=True))
        set_("median", _positive(s("median"), self.median))
        set_("events", _positive(s("events"), self.events, integer=True, allow_zero=True))
        set_("follow_up", _positive(s("follow_up"), self.follow_up))
        if self.n is not None and self.events is not None and self.events > self.n:
            raise ValueError(f"{s('events')}: cannot exceed n ({self.events} > {self.n})")
        if self.median_ci is not None:
            if self.median is None:
                raise ValueError(f"{s('median_ci')}: given without a median")
            if len(self.median_ci) != 2:
                raise ValueError(f"{s('median_ci')}: must be (lower, upper); use None if missing")
            lo = _positive(s("median_ci lower"), self.median_ci[0])
            hi = _positive(s("median_ci upper"), self.median_ci[1])
            if (lo is not None and lo > self.median) or (hi is not None and hi < self.median):
                raise ValueError(f"{s('median_ci')}: must satisfy lower <= median <= upper")
            set_("median_ci", (lo, hi))
        lms = []
        for lm in self.landmarks:
            if len(lm) not in (2, 4):
                raise ValueError(f"{s('landmarks')}: each is (time, S) or (time, S, lower, upper)")
            t = _positive(s("landmark time"), lm[0])
            sv = float(lm[1])
            lo, hi = (lm[2], lm[3]) if len(lm) == 4 else (None, None)
            if not 0 < sv < 1:
                raise ValueError(
                    f"{s('landmarks')}: survival at t={t:g} must be in (0, 1), got {sv}"
                )
            lo = None if lo is None else float(lo)
            hi = None if hi is None else float(hi)
            if (lo is not None and not 0 < lo <= sv) or (hi is not None and not sv <= hi < 1):
                raise ValueError(
                    f"{s('landmarks')}: CI at t={t:g} must satisfy 0 < lower <= S <= upper < 1 "
                    "(pass None for a bound of 0 or 1)"
                )
            lms.append((t, sv, lo, hi))
        if len({lm[0] for lm in lms}) != len(lms):
            raise ValueError(f"{s('landmarks')}: two landmarks at the same time")
        set_("landmarks", tuple(sorted(lms)))
        # A parametric curve falls strictly: points that do not cannot be fitted (and would
        # otherwise surface as an obscure rank-deficiency at the optimum).
        curve = sorted([(t, sv) for t, sv, _, _ in lms]
                       + ([(self.median, 0.5)] if self.median is not None else []))
        for (t1, s1), (t2, s2) in zip(curve, curve[1:]):
            if not s2 < s1:
                raise ValueError(
                    f"{s('landmarks')}: survival must fall with time, but S({t1:g}) = {s1:g} "
                    f"and S({t2:g}) = {s2:g} (the median counts as S = 0.5)"
                )
        ar = []
        for item in self.at_risk:
            if len(item) != 2:
                raise ValueError(f"{s('at_risk')}: each entry is (time, number at risk)")
            ar.append((_positive(s("at_risk time"), item[0], allow_zero=True),
                       _positive(s("at_risk number"), item[1], integer=True, allow_zero=True)))
        ar.sort()
        if any(b[1] > a[1] for a, b in zip(ar, ar[1:])):
            raise ValueError(f"{s('at_risk')}: numbers at risk must not increase with time")
        set_("at_risk", tuple(ar))

    def n_at_risk(self, t: float) -> float | None:
        """Number at risk at t for Peto's variance: the first risk-table entry at or after t
        (conservative: fewer at risk, wider SE), else the last entry; None without a table."""
        if not self.at_risk:
            return None
        for time, n in self.at_risk:
            if time >= t:
                return float(n)
        return float(self.at_risk[-1][1])

    @property
    def n_points(self) -> int:
        """Published points that pin the curve (median and landmarks)."""
        return (self.median is not None) + len(self.landmarks)


@dataclass(frozen=True)
class _Point:
    arm: int
    kind: str  # "median" | "landmark" | "hr"
    time: float  # nan for hr
    published: float
    y: float  # on the residual scale
    se: float


@dataclass(frozen=True)
class CheckRow:
    """One published number against the fitted model. ``deviation`` = fitted - published on the
    natural scale; ``z`` = standardised residual on the fitting scale (nan if not fitted)."""

    arm: str
    quantity: str
    time: float
    published: float
    fitted: float
    deviation: float
    z: float
    used_in_fit: bool


def _median_se(a: PublishedSummary) -> float:
    m = a.median
    assert m is not None  # only arms with a published median get here
    lo, hi = a.median_ci if a.median_ci is not None else (None, None)
    if lo is not None and hi is not None and hi > lo:
        return (np.log(hi) - np.log(lo)) / (2 * _Z975)
    if lo is not None and lo < m:
        return (np.log(m) - np.log(lo)) / _Z975
    if hi is not None and hi > m:
        return (np.log(hi) - np.log(m)) / _Z975
    n_m = a.n_at_risk(m)
    if n_m is None and a.n is not None:
        n_m = a.n / 2.0
    if not n_m:
        raise ValueError(
            f"arm {a.arm!r} median: give median_ci, n or at_risk so its precision is known"
        )
    return float(np.sqrt(0.125 / n_m) / (0.5 * _LOG2))


def _landmark_se(a: PublishedSummary, t: float, s: float, lo: float | None, hi: float | None) -> float:
    def cll(x: float) -> float:
        return float(np.log(-np.log(x)))

    if lo is not None and hi is not None and hi > lo:
        return float((cll(lo) - cll(hi)) / (2 * _Z975))
    if lo is not None and lo < s:
        return float((cll(lo) - cll(s)) / _Z975)
    if hi is not None and hi > s:
        return float((cll(s) - cll(hi)) / _Z975)
    n_t = a.n_at_risk(t)
    if n_t is None and a.n is not None:
        n_t = a.n * s  # no censoring: Peto's variance reduces to the binomial S(1-S)/n
    if not n_t:
        raise ValueError(
            f"arm {a.arm!r} landmark at t={t:g}: give its CI, n or at_risk so its precision "
            "is known"
        )
    var_s = s * s * (1 - s) / n_t
    return float(np.sqrt(var_s) / (s * abs(np.log(s))))


@dataclass(frozen=True)
class SummaryFit:
    """Per-arm parametric curves fitted to published summaries. See the module docstring."""

    distribution: Distribution
    arms: tuple[PublishedSummary, ...]
    proportional_hazards: bool
    theta: np.ndarray
    cov: np.ndarray
    points: tuple[_Point, ...]
    hr: tuple[float, float, float] | None

    @property
    def param_labels(self) -> list[str]:
        """The parameter layout: what each slot of ``theta`` and row of ``cov`` is (public)."""
        p = [f"log {n}" if pos else n for n, pos in
             zip(self.distribution.param_names, self.distribution.positive)]
        if self.proportional_hazards:
            return p + [f"log HR {a.arm} vs {self.arms[0].arm}" for a in self.arms[1:]]
        return [f"{a.arm}: {x}" for a in self.arms for x in p]

    def _arm(self, arm: str | int) -> int:
        if isinstance(arm, (int, np.integer)) and 0 <= arm < len(self.arms):
            return int(arm)
        for i, a in enumerate(self.arms):
            if a.arm == arm:
                return i
        raise ValueError(f"arm: {arm!r} is not one of {[a.arm for a in self.arms]}")

    def _split(self, theta: np.ndarray, a: int) -> tuple[Params, Any]:
        """(natural base parameters, log HR) of arm a for a parameter vector theta."""
        k = len(self.distribution.param_names)
        if self.proportional_hazards:
            beta = theta[k + a - 1] if a > 0 else 0.0
            return self.distribution.to_natural(theta[:k]), beta
        return self.distribution.to_natural(theta[a * k:(a + 1) * k]), 0.0

    def _cumhaz(self, theta: np.ndarray, a: int, t: np.ndarray) -> np.ndarray:
        p, beta = self._split(theta, a)
        return np.exp(beta) * self.distribution.cumulative_hazard(t, p)

    def _hazard(self, theta: np.ndarray, a: int, t: np.ndarray) -> np.ndarray:
        p, beta = self._split(theta, a)
        return np.exp(beta + np.real(self.distribution.log_hazard(t, p)))

    def _time_at_cumhaz(self, theta: np.ndarray, a: int, y: float) -> float:
        p, beta = self._split(theta, a)
        return self.distribution.time_at_cumhaz(y * np.exp(-beta), tuple(float(v) for v in p))

    # -- curves --
    def params(self, arm: str | int) -> dict[str, float]:
        """Natural parameters of the arm's baseline distribution (plus its HR under PH)."""
        a = self._arm(arm)
        p, beta = self._split(self.theta, a)
        out = dict(zip(self.distribution.param_names, (float(v) for v in p)))
        if self.proportional_hazards and a > 0:
            out["hazard_ratio"] = float(np.exp(beta))
        return out

    def cumulative_hazard(self, t: ArrayLike, arm: str | int, theta: np.ndarray | None = None) -> np.ndarray:
        a = self._arm(arm)
        t = _times(t)
        out = np.zeros_like(t)
        pos = t > 0
        out[pos] = np.real(self._cumhaz(self.theta if theta is None else theta, a, t[pos]))
        return out

    def survival(self, t: ArrayLike, arm: str | int, theta: np.ndarray | None = None) -> np.ndarray:
        return np.exp(-self.cumulative_hazard(t, arm, theta))

    def quantile(self, p: float, arm: str | int) -> float:
        """Time t with F(t) = p (S(t) = 1 - p)."""
        if not 0 < p < 1:
            raise ValueError(f"p: must be strictly between 0 and 1, got {p!r}")
        return self._time_at_cumhaz(self.theta, self._arm(arm), -np.log1p(-p))

    def median(self, arm: str | int) -> float:
        return self.quantile(0.5, arm)

    def survival_ci(self, t: ArrayLike, arm: str | int, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise (lower, upper) for S(t): delta method on log H(t) (log-log band)."""
        if not 0 < level < 1:
            raise ValueError(f"level: must be strictly between 0 and 1, got {level!r}")
        a = self._arm(arm)
        x = _times(t)
        z = stats.norm.ppf(0.5 + level / 2)
        lo, hi = np.ones_like(x), np.ones_like(x)
        pos = x > 0
        if np.any(pos):
            def f(th: np.ndarray) -> np.ndarray:
                return np.log(self._cumhaz(th, a, x[pos]))

            g = complex_step_grad(f, self.theta)
            se = np.sqrt(np.einsum("ij,jk,ik->i", g, self.cov, g))
            lh = np.real(f(self.theta.astype(complex)))
            lo[pos], hi[pos] = np.exp(-np.exp(lh + z * se)), np.exp(-np.exp(lh - z * se))
        return lo, hi

    def hazard_ratio(self, level: float = 0.95) -> tuple[float, float, float]:
        """(estimate, lower, upper) of the second arm vs the first; proportional hazards only."""
        if not self.proportional_hazards or len(self.arms) != 2:
            raise ValueError("hazard_ratio: needs proportional_hazards=True and exactly two arms")
        k = len(self.distribution.param_names)
        b, se = self.theta[k], np.sqrt(self.cov[k, k])
        z = stats.norm.ppf(0.5 + level / 2)
        return float(np.exp(b)), float(np.exp(b - z * se)), float(np.exp(b + z * se))

    # -- Monte Carlo --
    def draw(self, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """Parameter vectors (n_draws, len(theta)) from N(theta, cov).

        Pass a row as ``survival(t, arm, theta=row)`` to get one sampled curve.
        """
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng: must be a numpy Generator (np.random.default_rng(seed))")
        if int(n_draws) != n_draws or n_draws < 1:
            raise ValueError(f"n_draws: must be a positive whole number, got {n_draws!r}")
        return rng.multivariate_normal(self.theta, self.cov, size=int(n_draws), method="eigh")

    def survival_draws(self, t: ArrayLike, arm: str | int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """Sampled survival curves, shape (n_draws, len(t))."""
        return np.stack([self.survival(t, arm, th) for th in self.draw(n_draws, rng)])

    # -- fit quality --
    def check(self) -> list[CheckRow]:
        """Every published input against the fitted model."""
        rows = []
        res = _residuals(self, self.theta)
        for p, r in zip(self.points, res):
            name = self.arms[p.arm].arm
            if p.kind == "median":
                fitted = self.median(p.arm)
            elif p.kind == "landmark":
                fitted = float(self.survival([p.time], p.arm)[0])
            else:
                name = f"{self.arms[1].arm} vs {self.arms[0].arm}"
                fitted = self.hazard_ratio()[0]
            rows.append(CheckRow(name, p.kind, p.time, p.published, fitted,
                                 fitted - p.published, float(r), True))
        if self.hr is not None and not self.proportional_hazards:
            rows.append(CheckRow(f"{self.arms[1].arm} vs {self.arms[0].arm}", "hr", np.nan,
                                 self.hr[0], np.nan, np.nan, np.nan, False))
        for i, a in enumerate(self.arms):
            for t, n_t in a.at_risk:
                # Expected number at risk if nobody were censored: an upper bound on the table.
                fitted = a.n * float(self.survival([t], i)[0]) if a.n else np.nan
                rows.append(CheckRow(a.arm, "at_risk_upper_bound", t, n_t, fitted,
                                     fitted - n_t, np.nan, False))
            if a.events is not None:
                # Rough: events ~ n F(median follow-up) when F is near-linear over follow-up.
                fitted = (a.n * (1 - float(self.survival([a.follow_up], i)[0]))
                          if a.n and a.follow_up else np.nan)
                rows.append(CheckRow(a.arm, "events", a.follow_up or np.nan, a.events, fitted,
                                     fitted - a.events, np.nan, False))
        return rows


def _times(t: ArrayLike) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(t, dtype=float))
    except (TypeError, ValueError):
        raise ValueError("t: must be a number or a sequence of numbers") from None
    if arr.ndim != 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("t: times must be finite and >= 0")
    return arr


def _residuals(fit: SummaryFit, theta: np.ndarray) -> np.ndarray:
    out = np.empty(len(fit.points))
    for i, p in enumerate(fit.points):
        if p.kind == "median":
            tm = fit._time_at_cumhaz(theta, p.arm, _LOG2)
            g = np.log(tm) if np.isfinite(tm) and tm > 0 else 700.0  # no median: far away
        elif p.kind == "landmark":
            g = float(np.real(np.log(fit._cumhaz(theta, p.arm, np.array([p.time]))[0])))
        else:
            g = theta[len(fit.distribution.param_names)]
        out[i] = (g - p.y) / p.se
    return out


def _jacobian(fit: SummaryFit, theta: np.ndarray) -> np.ndarray:
    jac = np.zeros((len(fit.points), theta.size))
    for i, p in enumerate(fit.points):
        if p.kind == "landmark":
            f = lambda th: np.log(fit._cumhaz(th, p.arm, np.array([p.time]))[0])  # noqa: E731
            jac[i] = complex_step_grad(f, theta)
        elif p.kind == "median":
            # Implicit differentiation of H(t_m; theta) = log 2.
            tm = fit._time_at_cumhaz(theta, p.arm, _LOG2)
            if not (np.isfinite(tm) and tm > 0):
                continue
            f = lambda th: fit._cumhaz(th, p.arm, np.array([tm]))[0]  # noqa: E731
            dh = complex_step_grad(f, theta)
            jac[i] = -dh / (tm * fit._hazard(theta, p.arm, np.array([tm]))[0])
        else:
            jac[i, len(fit.distribution.param_names)] = 1.0
        jac[i] /= p.se
    return jac


_ALLOWED = ("exponential", "weibull", "lognormal", "loglogistic", "gompertz")


def fit_published_summaries(
    arms: Sequence[PublishedSummary],
    hr: tuple[float, float, float] | None = None,
    distribution: str = "weibull",
    proportional_hazards: bool = True,
) -> SummaryFit:
    """Fit per-arm parametric survival curves to published medians, landmarks and an HR.

    Parameters
    ----------
    arms : the first is the reference (control) arm.
    hr : (estimate, lower, upper) hazard ratio of arms[1] vs arms[0] with its 95% CI;
        only with exactly two arms.
    distribution : 'weibull' (default), 'exponential', 'lognormal', 'loglogistic', 'gompertz'.
    proportional_hazards : share the baseline shape; other arms' hazards are HR x reference.
    """
    if distribution not in _ALLOWED:
        raise ValueError(f"distribution: must be one of {list(_ALLOWED)}, got {distribution!r}")
    dist = DISTRIBUTIONS[distribution]
    arms, hr = _checked_inputs(arms, hr, proportional_hazards)
    points = _published_points(arms, hr, proportional_hazards)
    _check_point_count(dist, distribution, arms, hr, proportional_hazards, len(points))

    theta0 = _start(dist, arms, hr, proportional_hazards)
    fit = SummaryFit(dist, arms, proportional_hazards, theta0, np.eye(theta0.size),
                     tuple(points), hr)
    with np.errstate(all="ignore"):
        sol = optimize.least_squares(
            lambda th: _residuals(fit, th), theta0, jac=lambda th: _jacobian(fit, th),
            method="trf", x_scale="jac", ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=2000,
        )
    theta = sol.x
    jac = _jacobian(fit, theta)
    sv = np.linalg.svd(jac, compute_uv=False)
    if sv.size < theta.size or sv[-1] <= 1e-8 * sv[0]:
        raise ValueError(
            f"arms: the published points do not identify the {distribution} model (the Jacobian "
            "is rank-deficient; e.g. equal medians with HR = 1 carry no shape information)"
        )
    cov = np.linalg.inv(jac.T @ jac)
    return SummaryFit(dist, arms, proportional_hazards, theta, cov, tuple(points), hr)


def _checked_inputs(
    arms: Sequence[PublishedSummary], hr: tuple[float, float, float] | None, proportional_hazards: bool
) -> tuple[tuple[PublishedSummary, ...], tuple[float, float, float] | None]:
    """The arms as a tuple and the HR as three positive floats, or a ValueError naming the field."""
    arms = tuple(arms)
    if not arms or not all(isinstance(a, PublishedSummary) for a in arms):
        raise ValueError("arms: give at least one PublishedSummary")
    if len({a.arm for a in arms}) != len(arms):
        raise ValueError("arms: arm names must be unique")
    if not isinstance(proportional_hazards, bool):
        raise ValueError("proportional_hazards: must be True or False")
    if hr is None:
        return arms, None
    if len(arms) != 2:
        raise ValueError("hr: a hazard ratio needs exactly two arms (arms[1] vs arms[0])")
    if len(hr) != 3 or any(v is None for v in hr):
        raise ValueError("hr: must be (estimate, lower, upper) with its 95% CI")
    est, lo, hi = (_positive("hr", v) for v in hr)
    if not lo < est < hi:
        raise ValueError("hr: must satisfy lower < estimate < upper")
    return arms, (est, lo, hi)


def _published_points(arms: tuple[PublishedSummary, ...], hr: tuple[float, float, float] | None,
                      proportional_hazards: bool) -> list[_Point]:
    """Every published number the fit matches, on its residual scale with its standard error."""
    points: list[_Point] = []
    for i, a in enumerate(arms):
        if a.median is not None:
            points.append(_Point(i, "median", a.median, a.median, np.log(a.median), _median_se(a)))
        for t, s, lo, hi in a.landmarks:
            points.append(_Point(i, "landmark", t, s, np.log(-np.log(s)),
                                 _landmark_se(a, t, s, lo, hi)))
    if hr is not None and proportional_hazards:
        se = (np.log(hr[2]) - np.log(hr[1])) / (2 * _Z975)
        points.append(_Point(1, "hr", np.nan, hr[0], np.log(hr[0]), se))
    return points


def _check_point_count(
    dist: Distribution, distribution: str, arms: tuple[PublishedSummary, ...],
    hr: tuple[float, float, float] | None, proportional_hazards: bool, n_points: int,
) -> None:
    """The counting rule, checked before fitting for a message that says what to add."""
    k = len(dist.param_names)
    if proportional_hazards:
        n_par = k + len(arms) - 1
        if n_points < n_par:
            raise ValueError(
                f"arms: a {distribution} model with proportional hazards over {len(arms)} arm(s) "
                f"has {n_par} parameters but only {n_points} published point(s) (medians, "
                "landmarks, HR); add landmark rates or an HR, or use distribution='exponential'"
            )
        for i, a in enumerate(arms):
            if a.n_points == 0 and not (i == 1 and hr is not None):
                raise ValueError(f"arm {a.arm!r}: no median or landmark (and no HR) to place it")
        return
    for a in arms:
        if a.n_points < k:
            raise ValueError(
                f"arm {a.arm!r}: a {distribution} curve has {k} parameters but this arm has "
                f"only {a.n_points} published point(s) (median, landmarks); add landmark "
                "rates, use distribution='exponential', or proportional_hazards=True with an HR"
            )


def _start(dist: Distribution, arms: Sequence[PublishedSummary], hr: tuple[float, float, float] | None,
           ph: bool) -> np.ndarray:
    """Crude exponential rates per arm from their first median/landmark, mapped to the family."""

    def rate(a: PublishedSummary) -> Any:  # float, or None without a median or landmark
        if a.median is not None:
            return _LOG2 / a.median
        if a.landmarks:
            t, s = a.landmarks[0][:2]
            return -np.log(s) / t
        return None

    rates = [rate(a) for a in arms]
    if ph:
        # an arm without a median or landmark is reached through the HR (checked by the caller)
        r0 = rates[0] if rates[0] is not None else rates[1] / hr[0]  # type: ignore[index]
        base = dist.to_unconstrained(dist.initial(r0, _LOG2 / r0))
        betas = []
        for i in range(1, len(arms)):
            if i == 1 and hr is not None:
                betas.append(np.log(hr[0]))
            else:
                betas.append(np.log(rates[i] / r0))
        return np.concatenate([base, betas])
    return np.concatenate([dist.to_unconstrained(dist.initial(r, _LOG2 / r)) for r in rates])
