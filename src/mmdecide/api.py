"""The Python API: every CLI command is a function here returning plain data.

The CLI (``mmdecide.cli``) only parses arguments, calls one of these functions and prints.
Heavy modules (scipy, statsmodels) are imported inside the functions that need them so that
``import mmdecide.api`` and ``mmdecide --help`` stay fast.

Examples
--------
>>> from mmdecide import api
>>> corpus = api.load_evidence()
>>> "mccarthy-2017-meta" in corpus.ids()
True
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .csvio import InputError, read_columns
from .evidence import Corpus, Problem, load_corpus, validate_path

__all__ = [
    "InputError",
    "estimate",
    "km_summary",
    "load_evidence",
    "meta_summary",
    "reconstruct_from_csv",
    "validate_evidence",
]


def clean_json(obj: Any) -> Any:
    """Numbers at full precision, NaN/infinity as null (JSON has no NaN), numpy scalars as Python."""
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_json(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


# -- evidence ------------------------------------------------------------------------------------

def validate_evidence(path: str | Path | None = None) -> tuple[list[Problem], int]:
    """All problems in an evidence file or folder (default: the shipped evidence base)."""
    return validate_path(path)


def load_evidence(path: str | Path | None = None) -> Corpus:
    """The validated evidence base (raises EvidenceError listing every problem)."""
    return load_corpus(path)


# -- personal estimates ------------------------------------------------------------------------

def estimate(profile=None, options=None, horizons=None, **kwargs):
    """Benefit and harm of each option for a profile: see :func:`mmdecide.personal.estimate`."""
    from .personal import estimate as _estimate

    return _estimate(profile, options=options, horizons=horizons, **kwargs)


def evidence_audit(path: str | Path | None = None) -> dict[str, Any]:
    """Every number the patient views can show, with source kind, locator and reproduction verdict
    (see :mod:`mmdecide.report.audit`); ``{"numbers", "by_source_kind", "rows"}``."""
    from .report.audit import audit, audit_json
    from .report.harms_detail import harms_detail
    from .report.high_risk import high_risk_answer

    corpus = load_evidence(path)
    sections = [harms_detail(corpus), high_risk_answer(corpus, cytogenetics=["del17p"])]
    return audit_json(audit(corpus, extra=sections))


# -- Kaplan-Meier ---------------------------------------------------------------------------------

def _km_object(km, tau: float | None) -> dict[str, Any]:
    from .engine.rmst import rmst

    med = km.quantile(0.5)
    out: dict[str, Any] = {
        "n": km.n,
        "events": km.n_events,
        "median": med.estimate,
        "median_lower": med.lower,
        "median_upper": med.upper,
        "table": [
            {
                "time": float(t), "at_risk": int(r), "events": int(d), "censored": int(c),
                "survival": float(s), "se": float(se), "lower": float(lo), "upper": float(up),
            }
            for t, r, d, c, s, se, lo, up in zip(
                km.time, km.n_risk, km.n_event, km.n_censor, km.survival, km.se, km.lower, km.upper
            )
        ],
    }  # fmt: skip
    if tau is not None:
        r = rmst(km, tau)
        out["rmst"] = {"tau": r.tau, "estimate": r.estimate, "se": r.se}
    return out


def km_summary(
    data_csv: str | Path,
    time: str,
    event: str,
    group: str | None = None,
    rmst_tau: float | None = None,
    conf_level: float = 0.95,
) -> dict[str, Any]:
    """Kaplan-Meier (and with ``group``: log-rank, Cox HR, RMST difference) from a CSV file.

    The event column holds 1 for an event and 0 for censored. With two groups, the Cox hazard
    ratio and RMST difference compare the second group with the first in sorted order.
    """
    from .engine.km import kaplan_meier
    from .engine.survdata import SurvivalData

    cols = read_columns(
        data_csv, {time: "float", event: "int", **({group: "str"} if group else {})}
    )
    try:
        data = SurvivalData.from_arrays(cols[time], cols[event], cols[group] if group else None)
    except ValueError as exc:
        raise InputError(f"{data_csv}: {_rename(str(exc), time, event, group)}") from None
    if data.has_competing_events:
        raise InputError(f"{data_csv}: column {event}: use 0 (censored) or 1 (event) only")
    try:
        if group is None:
            return _km_object(kaplan_meier(data, conf_level), rmst_tau)
        return _grouped_km(data, rmst_tau, conf_level)
    except ValueError as exc:
        raise InputError(f"{data_csv}: {exc}") from None


def _rename(message: str, time: str, event: str, group: str | None) -> str:
    """Engine messages name its arguments; the user knows their columns."""
    for arg, col in (("time", time), ("event", event), ("group", group)):
        if col and message.startswith(f"{arg}:"):
            return f"column {col}:" + message[len(arg) + 1 :]
    return message


def _grouped_km(data, rmst_tau: float | None, conf_level: float) -> dict[str, Any]:
    from .engine.cox import cox_ph
    from .engine.km import kaplan_meier
    from .engine.logrank import logrank_test
    from .engine.rmst import rmst_difference

    labels = data.groups()
    if len(labels) < 2:
        raise ValueError(f"group: need at least two groups, found only {labels!r}")
    out: dict[str, Any] = {
        "n": data.n,
        "events": data.n_events,
        "groups": {str(g): _km_object(kaplan_meier(data.subset(g), conf_level), rmst_tau) for g in labels},
    }
    lr = logrank_test(data)
    out["logrank"] = {"chi2": lr.chi2, "df": lr.df, "p": lr.p}
    if len(labels) == 2:
        cox = cox_ph(data)
        out["cox"] = {
            "hr": cox.hr[0], "lower": cox.lower[0], "upper": cox.upper[0], "p": cox.p[0],
            "comparison": f"{labels[1]} vs {labels[0]}",
        }  # fmt: skip
        if rmst_tau is not None:
            d = rmst_difference(data, rmst_tau, conf_level)
            out["rmst_difference"] = {
                "tau": d.tau, "estimate": d.estimate, "se": d.se, "lower": d.lower, "upper": d.upper,
                "p": d.p, "comparison": f"{labels[1]} minus {labels[0]}",
            }  # fmt: skip
    return out


# -- meta-analysis -------------------------------------------------------------------------------

def meta_summary(
    effects_csv: str | Path, method: str = "REML", hartung_knapp: bool = False
) -> dict[str, Any]:
    """Pool hazard ratios given as ``study,hr,lower,upper`` (95% CI) rows of a CSV file."""
    from .engine.meta import effect_from_hr, pool

    cols = read_columns(effects_csv, {"study": "str", "hr": "float", "lower": "float", "upper": "float"})
    effects = []
    for i, study in enumerate(cols["study"]):
        try:
            effects.append(
                effect_from_hr(cols["hr"][i], cols["lower"][i], cols["upper"][i], study=study)
            )
        except ValueError as exc:
            raise InputError(f"{effects_csv}: row {i + 2} (study {study}): {exc}") from None
    if len(set(cols["study"])) != len(cols["study"]):
        raise InputError(f"{effects_csv}: column study: study names must be unique")
    try:
        res = pool(effects, method=method, hartung_knapp=hartung_knapp)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return {
        "method": res.method,
        "hartung_knapp": res.hartung_knapp,
        "k": res.k,
        "estimate": res.estimate,
        "lower": res.lower,
        "upper": res.upper,
        "log_estimate": res.log_estimate,
        "se": res.se,
        "p": res.p_value,
        "tau2": res.tau2,
        "i2": res.i2,
        "h2": res.h2,
        "q": res.q,
        "q_df": res.q_df,
        "q_p": res.q_p,
        "prediction_lower": res.pi_lower,
        "prediction_upper": res.pi_upper,
        "studies": [
            {"study": s, "hr": math.exp(y), "weight_percent": w}
            for s, y, w in zip(res.studies, res.yi, res.weights_percent)
        ],
        "notes": list(res.notes),
    }


# -- reconstruction ------------------------------------------------------------------------------

def reconstruct_from_csv(
    curve_csv: str | Path, at_risk_csv: str | Path, events: int | None = None
):
    """Reconstruct individual patient data from a digitized curve and a numbers-at-risk table.

    ``curve_csv`` has ``time,survival`` (a fraction, or percent when any value exceeds 1);
    ``at_risk_csv`` has ``time,at_risk``. Returns the engine's Reconstruction object.
    """
    from .engine.reconstruct import reconstruct_ipd

    curve = read_columns(curve_csv, {"time": "float", "survival": "float"})
    risk = read_columns(at_risk_csv, {"time": "float", "at_risk": "int"})
    surv = curve["survival"]
    if any(s < 0 for s in surv):
        raise InputError(f"{curve_csv}: column survival: values must be >= 0")
    if max(surv) > 1:
        if max(surv) > 100 + 1e-9:
            raise InputError(f"{curve_csv}: column survival: percent values must be <= 100")
        surv = [s / 100.0 for s in surv]
    if events is not None and events < 0:
        raise InputError(f"--events: must be >= 0, got {events}")
    try:
        return reconstruct_ipd(curve["time"], surv, risk["time"], risk["at_risk"], total_events=events)
    except ValueError as exc:
        raise InputError(str(exc)) from None
