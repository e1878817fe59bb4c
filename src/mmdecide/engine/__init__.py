"""Survival-analysis and meta-analysis engine. Imports no web, database or plotting code.

The public API is :data:`__all__`: ``from mmdecide.engine import kaplan_meier, pool``. Names load
on first use (PEP 562), so importing one estimator does not pay for scipy and statsmodels when it
does not need them; the submodules stay importable directly. Every estimator takes one validated
outcome type, :class:`SurvivalData`. Helpers without a leading underscore in a submodule's own
``__all__`` (``risk_table``, ``z_critical``, ``check_conf_level``, ...) are shared between the
engine's modules but are not part of this surface. The one-arm ``rmst`` function is imported
from its module (``from mmdecide.engine.rmst import rmst``): the package attribute ``rmst`` is the
submodule, as Python sets it on import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> the submodule that defines it
_EXPORTS: dict[str, str] = {
    "SurvivalData": "survdata",
    # Kaplan-Meier, log-rank, Cox, RMST, competing risks
    "KaplanMeier": "km", "LandmarkSurvival": "km", "Quantile": "km", "kaplan_meier": "km",
    "LogRank": "logrank", "logrank_test": "logrank",
    "CoxResult": "cox", "cox_ph": "cox",
    "RMST": "rmst", "RMSTDifference": "rmst", "rmst_difference": "rmst",
    "CumulativeIncidence": "competing", "aalen_johansen": "competing",
    # parametric models and curves fitted to published summaries
    "DISTRIBUTIONS": "parametric", "Distribution": "parametric", "ParametricFit": "parametric",
    "fit_parametric": "parametric", "get_distribution": "parametric",
    "PublishedSummary": "summary_fit", "SummaryFit": "summary_fit", "CheckRow": "summary_fit",
    "fit_published_summaries": "summary_fit",
    # patients from published curves
    "RiskTableFit": "risk_table_fit", "fit_weibull_median_events": "risk_table_fit",
    "Reconstruction": "reconstruct", "reconstruct_ipd": "reconstruct", "clean_curve": "reconstruct",
    # meta-analysis and indirect comparison
    "Effect": "meta", "MetaResult": "meta", "ConvergenceError": "meta",
    "HR_ROUNDING_TOLERANCE": "meta", "effect_from_hr": "meta", "effect_from_log": "meta",
    "pool": "meta",
    "IndirectResult": "indirect", "bucher": "indirect", "chain_draws": "indirect",
}  # fmt: skip

# literal, so that linters and type checkers read it; tests/test_engine_api.py checks it against _EXPORTS
__all__ = [
    "CheckRow",
    "ConvergenceError",
    "CoxResult",
    "CumulativeIncidence",
    "DISTRIBUTIONS",
    "Distribution",
    "Effect",
    "HR_ROUNDING_TOLERANCE",
    "IndirectResult",
    "KaplanMeier",
    "LandmarkSurvival",
    "LogRank",
    "MetaResult",
    "ParametricFit",
    "PublishedSummary",
    "Quantile",
    "RMST",
    "RMSTDifference",
    "Reconstruction",
    "RiskTableFit",
    "SummaryFit",
    "SurvivalData",
    "aalen_johansen",
    "bucher",
    "chain_draws",
    "clean_curve",
    "cox_ph",
    "effect_from_hr",
    "effect_from_log",
    "fit_parametric",
    "fit_published_summaries",
    "fit_weibull_median_events",
    "get_distribution",
    "kaplan_meier",
    "logrank_test",
    "pool",
    "reconstruct_ipd",
    "rmst_difference",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mmdecide.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # static checkers see the real names
    from .competing import CumulativeIncidence, aalen_johansen
    from .cox import CoxResult, cox_ph
    from .indirect import IndirectResult, bucher, chain_draws
    from .km import KaplanMeier, LandmarkSurvival, Quantile, kaplan_meier
    from .logrank import LogRank, logrank_test
    from .meta import (
        HR_ROUNDING_TOLERANCE,
        ConvergenceError,
        Effect,
        MetaResult,
        effect_from_hr,
        effect_from_log,
        pool,
    )
    from .parametric import DISTRIBUTIONS, Distribution, ParametricFit, fit_parametric, get_distribution
    from .reconstruct import Reconstruction, clean_curve, reconstruct_ipd
    from .risk_table_fit import RiskTableFit, fit_weibull_median_events
    from .rmst import RMST, RMSTDifference, rmst_difference
    from .summary_fit import CheckRow, PublishedSummary, SummaryFit, fit_published_summaries
    from .survdata import SurvivalData
