"""Cox proportional-hazards regression with Efron's handling of tied event times.

Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220.
Efron B. The efficiency of Cox's likelihood function for censored data.
J Am Stat Assoc 1977;72:557-565.

The fit is delegated to statsmodels ``PHReg(ties="efron")``, which matches R ``coxph`` to the
convergence tolerance of R's Newton iterations (``tests/golden/km_cox.json`` has the R numbers,
``tests/test_engine_cox.py`` compares). lifelines is 3e-6 off on the same data, so it is not
used here. statsmodels is imported inside :func:`cox_ph` because importing it costs about a
second.

Examples
--------
>>> from mmdecide.engine.survdata import SurvivalData
>>> d = SurvivalData.from_arrays([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 1, 0, 1, 1, 1, 0],
...                              ["ctl", "len"] * 4)
>>> fit = cox_ph(d)
>>> fit.names
('group=len',)
>>> bool(fit.hr[0] > 0)
True
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Sequence

import numpy as np

from mmdecide.engine.km import z_critical
from mmdecide.engine.logrank import group_codes
from mmdecide.engine.survdata import SurvivalData

__all__ = ["CoxResult", "cox_ph"]

# a mapping name -> values (dict or DataFrame) or an (n, p) array
Covariates = Mapping[str, Sequence[float]] | np.ndarray | Sequence[Sequence[float]]


@dataclass(frozen=True)
class CoxResult:
    """A fitted Cox model: one entry per covariate in ``names``.

    ``hr`` = exp(coef); ``lower``/``upper`` are Wald limits for the HR at ``conf_level``;
    ``p`` is the Wald test of coef = 0 (R's ``summary(coxph)`` column ``Pr(>|z|)``).
    """

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    hr: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    p: np.ndarray
    vcov: np.ndarray
    loglik: float
    conf_level: float
    n: int
    n_events: int

    def row(self, name: str) -> dict[str, float]:
        """The numbers of one covariate, e.g. ``fit.row("group=len")["hr"]``."""
        if name not in self.names:
            raise ValueError(f"name: unknown covariate {name!r}; have {list(self.names)}")
        i = self.names.index(name)
        return {k: float(getattr(self, k)[i]) for k in ("coef", "se", "hr", "lower", "upper", "p")}


def _design_from_groups(data: SurvivalData) -> tuple[np.ndarray, list[str]]:
    labels, codes = group_codes(data)
    if len(labels) < 2:
        raise ValueError(f"data: group must have at least two groups, got {len(labels)}")
    # treatment coding against the first sorted group: with two groups the single coefficient
    # is the log-HR of the second group versus the first
    x = np.zeros((data.n, len(labels) - 1))
    for j in range(1, len(labels)):
        x[:, j - 1] = codes == j
    return x, [f"group={lab}" for lab in labels[1:]]


def _design_from_covariates(
    covariates: Covariates,
    names: Sequence[str] | None,
    n: int,
) -> tuple[np.ndarray, list[str]]:
    if isinstance(covariates, Mapping) or hasattr(covariates, "columns"):
        if names is not None:
            raise ValueError("names: give names only with an array of covariates, not a mapping")
        if isinstance(covariates, Mapping):
            cols = list(covariates.keys())
        else:
            cols = list(covariates.columns)
        try:
            table: Any = covariates  # a mapping or a data frame: both index by column name
            x = np.column_stack([np.asarray(table[c], dtype=float) for c in cols])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"covariates: every value must be a number ({exc})") from None
        names = [str(c) for c in cols]
    else:
        try:
            x = np.asarray(covariates, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"covariates: every value must be a number ({exc})") from None
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2:
            raise ValueError(f"covariates: must be 1- or 2-dimensional, got shape {x.shape}")
        if names is None:
            names = [f"x{j + 1}" for j in range(x.shape[1])]
        names = [str(v) for v in names]
        if len(names) != x.shape[1]:
            raise ValueError(f"names: need {x.shape[1]} names (one per column), got {len(names)}")
    if x.shape[0] != n:
        raise ValueError(f"covariates: must have one row per observation ({x.shape[0]} vs {n})")
    if x.shape[1] == 0:
        raise ValueError("covariates: at least one covariate is required")
    if len(set(names)) != len(names):
        raise ValueError("names: covariate names must be unique")
    if not np.all(np.isfinite(x)):
        raise ValueError("covariates: every value must be finite (no NaN or infinity)")
    return x, names


def cox_ph(
    data: SurvivalData,
    covariates: Covariates | None = None,
    names: Sequence[str] | None = None,
    conf_level: float = 0.95,
) -> CoxResult:
    """Fit a Cox model (Efron ties).

    Without ``covariates`` the groups of ``data`` are the covariate (treatment coding against
    the first sorted group; two groups give the HR of the second versus the first). With
    ``covariates`` -- a mapping name -> values, a DataFrame, or an (n, p) array with ``names`` --
    those columns are used and the group column is ignored. Any event type counts as an event.
    """
    if not isinstance(data, SurvivalData):
        raise ValueError(f"data: must be a SurvivalData, got {type(data).__name__}")
    z = z_critical(conf_level)
    if covariates is None:
        if data.group is None:
            raise ValueError("covariates: required when data has no group column")
        x, labels = _design_from_groups(data)
    else:
        x, labels = _design_from_covariates(covariates, names, data.n)
    status = (data.event > 0).astype(float)
    if status.sum() == 0:
        raise ValueError("data: at least one event is needed to fit a Cox model")
    centred = x - x.mean(axis=0)
    if np.linalg.matrix_rank(centred) < x.shape[1]:
        raise ValueError(
            "covariates: columns are constant or collinear, so the coefficients are not identified"
        )

    from statsmodels.duration.hazard_regression import PHReg

    with warnings.catch_warnings(record=True) as caught:
        # a non-converging fit (monotone likelihood: a group without events) warns and overflows;
        # turn that into one clear error instead of warnings and meaningless numbers
        warnings.simplefilter("always")
        fit = PHReg(np.asarray(data.time, dtype=float), x, status=status, ties="efron").fit()
        coef = np.asarray(fit.params, dtype=float)
        vcov = np.asarray(fit.cov_params(), dtype=float)
        se = np.sqrt(np.diag(vcov))
    converged = bool(getattr(fit, "mle_retvals", {}).get("converged", True))
    trouble = [w for w in caught if issubclass(w.category, (RuntimeWarning, UserWarning))]
    if trouble or not converged or not (np.all(np.isfinite(coef)) and np.all(np.isfinite(se))):
        raise ValueError(
            "data: the Cox fit did not converge (monotone likelihood, e.g. a group or covariate "
            "level without events)"
        )
    nd = NormalDist()
    p = np.array([2.0 * nd.cdf(-abs(c / s)) for c, s in zip(coef, se)])
    out = dict(coef=coef, se=se, hr=np.exp(coef), lower=np.exp(coef - z * se),
               upper=np.exp(coef + z * se), p=p, vcov=vcov)
    for a in out.values():
        a.setflags(write=False)
    return CoxResult(names=tuple(labels), loglik=float(fit.llf), conf_level=float(conf_level),
                     n=data.n, n_events=int(status.sum()), **out)
