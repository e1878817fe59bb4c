"""Inverse-variance meta-analysis of (log) hazard ratios, in metafor's two steps.

Step 1 (metafor ``escalc``): turn each published result into an :class:`Effect` -- a log hazard
ratio and its standard error -- with :func:`effect_from_hr` (estimate and confidence interval) or
:func:`effect_from_log`.

Step 2 (metafor ``rma``): :func:`pool` combines the effects with a fixed-effect (``"FE"``) or a
random-effects model whose between-study variance tau^2 is estimated by DerSimonian-Laird
(``"DL"``), restricted maximum likelihood (``"REML"``) or Paule-Mandel (``"PM"``), optionally with
the Hartung-Knapp(-Sidik-Jonkman) t-based interval. The :class:`MetaResult` carries its methods
(:meth:`MetaResult.summary`, :meth:`MetaResult.forest_rows`, :meth:`MetaResult.as_effect`).

Every number is meant to equal metafor 3.8 (``rma.uni``, ``predict.rma``, ``confint.rma.uni``) run
with ``control=list(tol=1e-12, threshold=1e-12)``; ``r/golden_meta.R`` writes the reference values
and ``tests/test_engine_meta.py`` checks every quantity.

References
----------
- DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177-88.
- Paule RC, Mandel J. Consensus values and weighting factors. J Res Natl Bur Stand 1982;87:377-85.
- Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the random-effects
  model. J Educ Behav Stat 2005;30:261-93 (REML by Fisher scoring).
- Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis.
  Stat Med 2007;26:37-52 (Q-profile interval for tau^2).
- Hartung J, Knapp G. A refined method for the meta-analysis of controlled clinical trials with
  binary outcome. Stat Med 2001;20:3875-89.
- Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med 2002;21:1539-58
  (I^2, H^2).
- Riley RD, Higgins JPT, Deeks JJ. Interpretation of random effects meta-analyses.
  BMJ 2011;342:d549 (prediction interval with t_{k-2}).
- Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw 2010;36(3).

Why not statsmodels ``combine_effects``: its DerSimonian-Laird tau^2 is not truncated at 0, so with
homogeneous studies (Q < k - 1) it uses a negative variance and too narrow an interval
(``tests/test_engine_meta.py::test_statsmodels_dl_goes_negative_where_ours_truncates`` reproduces it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from scipy import stats

from .tau2 import (
    generalised_q,
    qprofile_ci,
    tau2_dl,
    tau2_pm,
    tau2_reml,
    trace_p,
)

from ..errors import ConvergenceError

__all__ = [
    "Effect",
    "MetaResult",
    "ConvergenceError",
    "HR_ROUNDING_TOLERANCE",
    "HRScale",
    "check_conf_level",
    "effect_from_hr",
    "effect_from_log",
    "pool",
]

Method = Literal["FE", "DL", "REML", "PM"]
_METHODS = ("FE", "DL", "REML", "PM")

#: How far (relative, on the log scale) a published hazard ratio may sit outside its own published
#: confidence interval and still be accepted: 0.001, i.e. 0.1 %. Rounding to the same number of
#: decimals never moves an estimate outside its interval, but papers mix precisions
#: (e.g. "0.5 (0.5005-0.62)"); anything further out is a data-entry error.
HR_ROUNDING_TOLERANCE = 1e-3

def _check_real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise ValueError(f"{name}: must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name}: must be finite (no NaN or infinity), got {v}")
    return v


def check_conf_level(conf_level: Any) -> float:
    """``conf_level`` as a float, or ValueError unless it is a real number strictly inside (0, 1)."""
    c = _check_real("conf_level", conf_level)
    if not 0.0 < c < 1.0:
        raise ValueError(f"conf_level: must lie strictly between 0 and 1, got {c}")
    return c


@dataclass(frozen=True)
class Effect:
    """One study's effect on the log scale: log hazard ratio and its standard error.

    Any log ratio (log risk ratio, log odds ratio) pools the same way; the field is called
    ``log_hr`` because hazard ratios are what this project pools.

    Examples
    --------
    >>> e = Effect("CALGB 100104", -0.5621, 0.1107)
    >>> round(e.hr, 2), round(e.variance, 5)
    (0.57, 0.01225)
    """

    study: str | None
    log_hr: float
    se: float

    def __post_init__(self) -> None:
        if self.study is not None and not isinstance(self.study, str):
            raise ValueError(f"study: must be a string or None, got {self.study!r}")
        object.__setattr__(self, "log_hr", _check_real("log_hr", self.log_hr))
        se = _check_real("se", self.se)
        if se <= 0:
            raise ValueError(f"se: must be > 0, got {se}")
        object.__setattr__(self, "se", se)

    @property
    def hr(self) -> float:
        return math.exp(self.log_hr)

    @property
    def variance(self) -> float:
        return self.se**2

    def ci(self, conf_level: float = 0.95) -> tuple[float, float]:
        """Wald confidence interval on the hazard-ratio scale."""
        z = stats.norm.ppf(0.5 + check_conf_level(conf_level) / 2)
        return math.exp(self.log_hr - z * self.se), math.exp(self.log_hr + z * self.se)


def effect_from_log(log_hr: float, se: float, study: str | None = None) -> Effect:
    """An :class:`Effect` from a log hazard ratio and its standard error (both finite, se > 0)."""
    return Effect(study, log_hr, se)


def effect_from_hr(
    hr: float,
    lower: float,
    upper: float,
    conf_level: float = 0.95,
    study: str | None = None,
) -> Effect:
    """An :class:`Effect` from a published hazard ratio and its confidence interval.

    The standard error is recovered from the interval width on the log scale,
    ``se = (log(upper) - log(lower)) / (2 z)`` with ``z`` the normal quantile of
    ``conf_level`` (Parmar MKB et al., Stat Med 1998;17:2815-34; Tierney JF et al., Trials
    2007;8:16). The estimate itself is ``log(hr)`` (not the interval's midpoint), as published.

    Rules (each violation raises ``ValueError`` naming the argument): all three are finite and
    > 0; ``lower < upper``; ``lower <= hr <= upper`` up to :data:`HR_ROUNDING_TOLERANCE`
    (0.1 % on the log scale) for rounding in the publication.

    Examples
    --------
    >>> e = effect_from_hr(0.57, 0.46, 0.71, study="CALGB 100104")
    >>> round(e.log_hr, 4), round(e.se, 4)
    (-0.5621, 0.1107)
    """
    c = check_conf_level(conf_level)
    h = _check_real("hr", hr)
    lo = _check_real("lower", lower)
    up = _check_real("upper", upper)
    for name, v in (("hr", h), ("lower", lo), ("upper", up)):
        if v <= 0:
            raise ValueError(f"{name}: a hazard ratio must be > 0, got {v}")
    if not lo < up:
        raise ValueError(f"lower: must be < upper, got lower={lo}, upper={up}")
    log_h, log_lo, log_up = math.log(h), math.log(lo), math.log(up)
    if log_h < log_lo - HR_ROUNDING_TOLERANCE or log_h > log_up + HR_ROUNDING_TOLERANCE:
        raise ValueError(
            f"hr: the interval ({lo}, {up}) must contain the estimate {h} "
            f"(allowing {HR_ROUNDING_TOLERANCE:.1%} for rounding)"
        )
    z = stats.norm.ppf(0.5 + c / 2)
    return Effect(study, log_h, (log_up - log_lo) / (2 * z))


class HRScale:
    """Hazard-ratio views of a result's log-scale ``log_estimate``, ``log_lower``, ``log_upper``."""

    # set by the dataclasses that inherit these views
    log_estimate: float
    log_lower: float
    log_upper: float

    @property
    def estimate(self) -> float:
        return math.exp(self.log_estimate)

    @property
    def lower(self) -> float:
        return math.exp(self.log_lower)

    @property
    def upper(self) -> float:
        return math.exp(self.log_upper)


@dataclass(frozen=True)
class MetaResult(HRScale):
    """A pooled meta-analysis, with the quantities metafor's ``rma``/``predict``/``confint`` give.

    Log-scale fields start with ``log_``; ``estimate``, ``lower``, ``upper``, ``pi_lower`` and
    ``pi_upper`` are the same on the hazard-ratio scale. ``stat`` is a z statistic, or a t
    statistic with ``df`` degrees of freedom under Hartung-Knapp. ``weights`` are the
    inverse-variance weights 1/(v_i + tau^2); ``weights_percent`` sum to 100.
    ``notes`` says in words when something was truncated, undefined or set by convention.
    """

    method: str
    hartung_knapp: bool
    conf_level: float
    k: int
    studies: tuple[str, ...]
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    log_estimate: float
    se: float
    stat: float
    df: int | None
    p_value: float
    log_lower: float
    log_upper: float
    tau2: float
    tau2_lower: float | None
    tau2_upper: float | None
    i2: float
    i2_lower: float | None
    i2_upper: float | None
    h2: float
    h2_lower: float | None
    h2_upper: float | None
    q: float
    q_df: int
    q_p: float
    log_pi_lower: float | None
    log_pi_upper: float | None
    weights: tuple[float, ...]
    notes: tuple[str, ...] = field(default=())

    # -- hazard-ratio scale (estimate, lower, upper come from HRScale) --------------------------

    @property
    def pi_lower(self) -> float | None:
        return None if self.log_pi_lower is None else math.exp(self.log_pi_lower)

    @property
    def pi_upper(self) -> float | None:
        return None if self.log_pi_upper is None else math.exp(self.log_pi_upper)

    @property
    def weights_percent(self) -> tuple[float, ...]:
        total = sum(self.weights)
        return tuple(100.0 * w / total for w in self.weights)

    @property
    def stat_name(self) -> str:
        return "t" if self.df is not None else "z"

    # -- methods -------------------------------------------------------------------------------
    def prediction_interval(
        self, pi_type: Literal["default", "riley"] = "default"
    ) -> tuple[float, float] | None:
        """Prediction interval for the log effect in a new study; None for the FE model.

        ``"default"`` is metafor's ``predict()``: estimate +/- crit * sqrt(se^2 + tau^2), with the
        same critical value as the confidence interval (normal, or t_{k-1} under Hartung-Knapp).
        ``"riley"`` is metafor's ``pi.type="riley"``: t with k - 2 degrees of freedom (at least 1)
        whatever the test (Higgins, Thompson & Spiegelhalter 2009; Riley et al. 2011).
        """
        return _prediction_interval(
            self.method, self.k, self.conf_level, self.df, self.log_estimate, self.se, self.tau2,
            pi_type,
        )

    def as_effect(self, study: str | None = None) -> Effect:
        """The pooled estimate as an :class:`Effect`, e.g. to feed an indirect comparison."""
        if self.se <= 0:
            raise ValueError("se: the pooled standard error is 0, cannot form an Effect")
        return Effect(study, self.log_estimate, self.se)

    def summary(self) -> dict[str, Any]:
        """Plain-dict summary (JSON-friendly), on both scales."""
        return {
            "method": self.method,
            "hartung_knapp": self.hartung_knapp,
            "conf_level": self.conf_level,
            "k": self.k,
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "log_estimate": self.log_estimate,
            "se": self.se,
            "stat_name": self.stat_name,
            "stat": self.stat,
            "df": self.df,
            "p_value": self.p_value,
            "tau2": self.tau2,
            "tau2_ci": [self.tau2_lower, self.tau2_upper],
            "tau": math.sqrt(self.tau2),
            "i2": self.i2,
            "i2_ci": [self.i2_lower, self.i2_upper],
            "h2": self.h2,
            "h2_ci": [self.h2_lower, self.h2_upper],
            "q": self.q,
            "q_df": self.q_df,
            "q_p": self.q_p,
            "pi": [self.pi_lower, self.pi_upper],
            "notes": list(self.notes),
        }

    def forest_rows(self) -> list[dict[str, Any]]:
        """Rows for a forest plot: one per study (with its Wald CI and % weight), then the pool.

        Study intervals use the normal quantile at ``conf_level`` (as metafor's ``forest``).
        """
        z = _crit(self.conf_level, None)
        rows: list[dict[str, Any]] = []
        for name, y, v, wp in zip(self.studies, self.yi, self.vi, self.weights_percent):
            s = math.sqrt(v)
            rows.append(
                {
                    "kind": "study",
                    "label": name,
                    "estimate": math.exp(y),
                    "lower": math.exp(y - z * s),
                    "upper": math.exp(y + z * s),
                    "weight_percent": wp,
                }
            )
        rows.append(
            {
                "kind": "pooled",
                "label": f"{self.method} model"
                + (" (Hartung-Knapp)" if self.hartung_knapp else ""),
                "estimate": self.estimate,
                "lower": self.lower,
                "upper": self.upper,
                "weight_percent": 100.0,
                "pi_lower": self.pi_lower,
                "pi_upper": self.pi_upper,
            }
        )
        return rows


def _crit(conf_level: float, df: int | None) -> float:
    p = 0.5 + conf_level / 2
    return float(stats.norm.ppf(p) if df is None else stats.t.ppf(p, df))


def _prediction_interval(
    method: str,
    k: int,
    conf_level: float,
    df: int | None,
    log_estimate: float,
    se: float,
    tau2: float,
    pi_type: str,
) -> tuple[float, float] | None:
    if method == "FE":
        return None  # metafor reports no prediction interval for a fixed-effect model
    if pi_type == "default":
        crit = _crit(conf_level, df)
    elif pi_type == "riley":
        # metafor: pi.ddf = ddf - parms + p = k - 2 for an RE model, floored at 1
        crit = _crit(conf_level, max(1, k - 2))
    else:
        raise ValueError(f"pi_type: must be 'default' or 'riley', got {pi_type!r}")
    half = crit * math.sqrt(se**2 + tau2)
    return log_estimate - half, log_estimate + half


def pool(
    effects: Sequence[Effect],
    method: Method = "REML",
    hartung_knapp: bool = False,
    conf_level: float = 0.95,
) -> MetaResult:
    """Pool study effects by inverse-variance weighting (metafor ``rma.uni``, intercept only).

    Parameters
    ----------
    effects : one or more :class:`Effect` (k >= 1; with k = 1 only the FE model is meaningful --
        random-effects methods return tau^2 = 0 and say so in ``notes``, as metafor does).
    method : ``"FE"`` (fixed/common effect), ``"DL"`` (DerSimonian-Laird, truncated at 0),
        ``"REML"`` (Fisher scoring as metafor, to 1e-12; metafor's default), ``"PM"``
        (Paule-Mandel, root of the generalised Q = k - 1 by Brent's method).
    hartung_knapp : metafor ``test="knha"``: the variance of the estimate is multiplied by
        sum w (y - mu)^2 / (k - 1) -- not truncated at 1 (that is metafor's ``"adhoc"``) -- and
        tests and intervals use t with k - 1 df. Needs k >= 2. Allowed with FE, as metafor
        (which warns that it is not meant for FE models; here a note says so).
    conf_level : confidence level of every interval, in (0, 1).

    Notes
    -----
    I^2 and H^2 follow metafor: for random-effects models I^2 = 100 tau^2 / (tau^2 + v~) and
    H^2 = tau^2 / v~ + 1 with the "typical" within-study variance v~ = (k - 1) / tr(P)
    (Higgins & Thompson 2002); for FE, I^2 = max(0, 100 (Q - (k - 1)) / Q) and H^2 = Q / (k - 1).
    Q, its p value and v~ always use FE weights. The tau^2 interval (random effects, k >= 2) is the
    Q-profile interval of ``confint()``.

    Examples
    --------
    >>> effs = [effect_from_hr(0.57, 0.46, 0.71), effect_from_hr(0.47, 0.33, 0.65)]
    >>> r = pool(effs, "DL")
    >>> round(r.estimate, 3), r.tau2
    (0.539, 0.0)
    """
    effs, hk, c = _checked_pool_args(effects, method, hartung_knapp, conf_level)
    k = len(effs)
    y = np.array([e.log_hr for e in effs], dtype=float)
    v = np.array([e.variance for e in effs], dtype=float)
    studies = tuple(
        e.study if e.study is not None else f"study {i + 1}" for i, e in enumerate(effs)
    )
    notes: list[str] = []
    tau2 = _tau2(method, y, v, notes)
    w = 1.0 / (v + tau2)
    est = _pooled_estimate(y, w, method, hk, c, notes)
    het = _heterogeneity(y, v, tau2, method, c, notes)
    pi = _prediction_interval(method, k, c, est.df, est.mu, est.se, tau2, "default")
    return MetaResult(
        method=method, hartung_knapp=hk, conf_level=c, k=k, studies=studies,
        yi=tuple(float(x) for x in y), vi=tuple(float(x) for x in v),
        log_estimate=est.mu, se=est.se, stat=est.stat, df=est.df, p_value=est.p_value,
        log_lower=est.mu - est.crit * est.se, log_upper=est.mu + est.crit * est.se,
        tau2=tau2, tau2_lower=het.tau2_ci[0], tau2_upper=het.tau2_ci[1],
        i2=het.i2, i2_lower=het.i2_ci[0], i2_upper=het.i2_ci[1],
        h2=het.h2, h2_lower=het.h2_ci[0], h2_upper=het.h2_ci[1],
        q=het.q, q_df=k - 1, q_p=het.q_p,
        log_pi_lower=None if pi is None else pi[0], log_pi_upper=None if pi is None else pi[1],
        weights=tuple(float(x) for x in w),
        notes=tuple(notes),
    )


def _checked_pool_args(
    effects: Sequence[Effect], method: str, hartung_knapp: Any, conf_level: Any
) -> tuple[list[Effect], bool, float]:
    """The effects as a list, Hartung-Knapp as a bool and the confidence level, all checked."""
    if isinstance(effects, Effect):
        raise ValueError("effects: must be a sequence of Effect objects, got a single Effect")
    try:
        effs = list(effects)
    except TypeError:
        raise ValueError("effects: must be a sequence of Effect objects") from None
    if not effs:
        raise ValueError("effects: at least one Effect is required")
    for i, e in enumerate(effs):
        if not isinstance(e, Effect):
            raise ValueError(f"effects: item {i} must be an Effect, got {type(e).__name__}")
    if method not in _METHODS:
        raise ValueError(f"method: must be one of {', '.join(_METHODS)}, got {method!r}")
    if not isinstance(hartung_knapp, (bool, np.bool_)):
        raise ValueError(f"hartung_knapp: must be True or False, got {hartung_knapp!r}")
    hk = bool(hartung_knapp)
    c = check_conf_level(conf_level)
    if hk and len(effs) < 2:
        raise ValueError("hartung_knapp: needs at least 2 studies (its t test has k - 1 df)")
    return effs, hk, c


def _tau2(method: str, y: np.ndarray, v: np.ndarray, notes: list[str]) -> float:
    """The between-study variance by ``method`` (0 for FE or a single study)."""
    k = y.size
    if method == "FE" or k == 1:
        tau2 = 0.0
        if method != "FE":
            notes.append("k = 1: between-study variance cannot be estimated; tau2 set to 0")
    elif method == "DL":
        tau2 = tau2_dl(y, v)
    elif method == "PM":
        tau2 = tau2_pm(y, v)
    else:
        tau2 = tau2_reml(y, v)
    if method != "FE" and k > 1 and tau2 == 0.0:
        notes.append(f"{method}: tau2 estimate truncated at 0 (no detectable heterogeneity)")
    return tau2


@dataclass(frozen=True)
class _Estimate:
    mu: float
    se: float
    df: int | None
    stat: float
    p_value: float
    crit: float


def _pooled_estimate(
    y: np.ndarray, w: np.ndarray, method: str, hk: bool, c: float, notes: list[str]
) -> _Estimate:
    """Inverse-variance mean with its SE, test and critical value (t with k - 1 df under HK)."""
    k = y.size
    sw = float(np.sum(w))
    mu = float(np.sum(w * y) / sw)
    var = 1.0 / sw
    df: int | None = None
    if hk:
        df = k - 1
        rss = float(np.sum(w * (y - mu) ** 2))
        # metafor: s2w = 0 when RSS is numerically 0 (identical estimates), else RSS / (k - 1)
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - 1)
        if s2w == 0.0:
            notes.append("Hartung-Knapp: estimates are identical, scale factor 0 (as metafor)")
        var *= s2w
        if method == "FE":
            notes.append("Hartung-Knapp is not meant for fixed-effect models (metafor warns too)")
    se = math.sqrt(var)
    if se > 0:
        stat = mu / se
    else:
        stat = math.copysign(math.inf, mu) if mu != 0 else math.nan
    if math.isnan(stat):
        p_value = math.nan
    elif df is None:
        p_value = float(2 * stats.norm.sf(abs(stat)))
    else:
        p_value = float(2 * stats.t.sf(abs(stat), df))
    return _Estimate(mu, se, df, stat, p_value, _crit(c, df))


_NO_CI: tuple[float | None, float | None] = (None, None)


@dataclass(frozen=True)
class _Heterogeneity:
    q: float
    q_p: float
    i2: float
    h2: float
    tau2_ci: tuple[float | None, float | None] = _NO_CI
    i2_ci: tuple[float | None, float | None] = _NO_CI
    h2_ci: tuple[float | None, float | None] = _NO_CI


def _heterogeneity(
    y: np.ndarray, v: np.ndarray, tau2: float, method: str, c: float, notes: list[str]
) -> _Heterogeneity:
    """Q (always with FE weights), I^2 and H^2, and for random effects their Q-profile CIs."""
    k = y.size
    if k == 1:
        return _Heterogeneity(q=0.0, q_p=1.0, i2=0.0, h2=1.0)
    q = max(0.0, generalised_q(y, v, 0.0))
    q_p = float(stats.chi2.sf(q, k - 1))
    vt = (k - 1) / trace_p(1.0 / v)
    if method == "FE":
        if q > 0:
            i2 = max(0.0, 100.0 * (q - (k - 1)) / q)
        else:
            i2 = 0.0
            notes.append("Q = 0 (identical estimates): I2 set to 0 (metafor gives NaN)")
        return _Heterogeneity(q=q, q_p=q_p, i2=i2, h2=q / (k - 1))
    lb, ub, ci_notes = qprofile_ci(y, v, tau2, c)
    notes.extend(ci_notes)
    return _Heterogeneity(
        q=q, q_p=q_p, i2=100.0 * tau2 / (vt + tau2), h2=tau2 / vt + 1.0, tau2_ci=(lb, ub),
        i2_ci=(100.0 * lb / (vt + lb), 100.0 * ub / (vt + ub)), h2_ci=(lb / vt + 1.0, ub / vt + 1.0),
    )  # fmt: skip
