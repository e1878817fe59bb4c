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

from .csvio import read_columns
from .errors import InputError, ResourceLimitError
from .evidence import Corpus, Problem, load_corpus, validate_path

__all__ = [
    "InputError",
    "calibration",
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


def harms(profile=None, corpus: Corpus | None = None):
    """Lenalidomide's harms in detail for a profile (:class:`mmdecide.report.harms_detail.HarmsDetail`):
    side effects, treatment changes and second cancers per arm, each number beside the comparison
    group's with its source, the studies that do not report an asked-for harm, the label's dose and
    requirements, and the profile's kidney function and blood counts beside the label's levels.
    ``.model_dump(mode="json")`` is the JSON form (``mmdecide harms --json``)."""
    from .personal import parse_profile
    from .report.harms_detail import harms_detail

    p = parse_profile(profile)
    return harms_detail(corpus if corpus is not None else load_evidence(),
                        creatinine_clearance_ml_min=p.creatinine_clearance_ml_min, hemoglobin_g_dl=p.hemoglobin_g_dl,
                        neutrophils_10e9_l=p.neutrophils_10e9_l, platelets_10e9_l=p.platelets_10e9_l)


def calibration(corpus: Corpus | None = None, external: bool = False) -> list:
    """Each option's own trial results beside the model's values, with tolerances and verdicts
    (:func:`mmdecide.personal.calibration.calibration_table`); with ``external``, studies not
    used to build the model instead (:func:`mmdecide.personal.validation.external_validation`)."""
    if external:
        from .personal.validation import external_validation

        return external_validation(corpus)
    from .personal.calibration import calibration_table

    return calibration_table(corpus)


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
    except InputError as exc:
        raise InputError(str(data_csv), "value", _rename(exc, time, event, group)) from None
    if data.has_competing_events:
        raise InputError(str(data_csv), "event-code", f"column {event}: use 0 (censored) or 1 (event) only")
    try:
        if group is None:
            return _km_object(kaplan_meier(data, conf_level), rmst_tau)
        return _grouped_km(data, rmst_tau, conf_level)
    except ValueError as exc:
        raise InputError(str(data_csv), "value", str(exc)) from None


def _rename(exc: InputError, time: str, event: str, group: str | None) -> str:
    """Engine errors name its arguments (``exc.field``); the user knows their columns."""
    col = {"time": time, "event": event, "group": group}.get(exc.field)
    return f"column {col}: {exc.message}" if col else str(exc)


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
        where = f"row {i + 2} (study {study})"
        for col in ("hr", "lower", "upper"):
            if not HR_MIN <= cols[col][i] <= HR_MAX:
                raise ResourceLimitError(str(effects_csv), "magnitude", f"{where}: column {col}: "
                                         f"{cols[col][i]:g} is outside {HR_MIN:g} to {HR_MAX:g}")
        try:
            effects.append(
                effect_from_hr(cols["hr"][i], cols["lower"][i], cols["upper"][i], study=study)
            )
        except ValueError as exc:
            raise InputError(str(effects_csv), "value", f"{where}: {exc}") from None
    if len(set(cols["study"])) != len(cols["study"]):
        raise InputError(str(effects_csv), "unique", "column study: study names must be unique")
    try:
        res = pool(effects, method=method, hartung_knapp=hartung_knapp)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InputError(str(effects_csv), "value", str(exc)) from None
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

#: Hazard ratios outside this range are data-entry errors (published ones lie within 0.01-100);
#: the bound also keeps the log scale far from floating-point overflow.
HR_MIN, HR_MAX = 1e-6, 1e6
#: The most patients a numbers-at-risk table may start with: the largest myeloma trials enrolled
#: a few thousand; a bigger number would make the reconstruction allocate without bound.
MAX_AT_RISK = 1_000_000
#: The largest time accepted (any unit: months, years or days of follow-up).
MAX_TIME = 100_000.0
#: How far survival may rise between two consecutive rows and still count as reading error
#: (it is then corrected by the running minimum); a larger rise is not a Kaplan-Meier curve.
DIGITIZING_TOLERANCE = 0.02


def reconstruct_from_csv(
    curve_csv: str | Path, at_risk_csv: str | Path, events: int | None = None
):
    """Reconstruct individual patient data from a digitized curve and a numbers-at-risk table.

    ``curve_csv`` has ``time,survival`` (a fraction, or percent when any value exceeds 1);
    ``at_risk_csv`` has ``time,at_risk``. Both are checked first (see
    :func:`check_reconstruct_inputs`). Returns the engine's Reconstruction object.
    """
    from .engine.reconstruct import reconstruct_ipd

    curve = read_columns(curve_csv, {"time": "float", "survival": "float"})
    risk = read_columns(at_risk_csv, {"time": "float", "at_risk": "int"})
    surv = check_reconstruct_inputs(str(curve_csv), curve["time"], curve["survival"],
                                    str(at_risk_csv), risk["time"], risk["at_risk"], events)
    try:
        return reconstruct_ipd(curve["time"], surv, risk["time"], risk["at_risk"], total_events=events)
    except ValueError as exc:
        raise InputError(str(at_risk_csv), "value", str(exc)) from None


def check_reconstruct_inputs(curve_name: str, times: list[float], surv: list[float], risk_name: str,
                             risk_times: list[float], at_risk: list[int], events: int | None) -> list[float]:
    """The survival column as fractions, or InputError naming the file and row (row 2 is the
    first below the header)."""
    if len(times) < 2:
        raise InputError(curve_name, "points", "the curve needs at least two points")
    if any(s < 0 for s in surv):
        raise InputError(curve_name, "range", "column survival: values must be >= 0")
    if max(surv) > 1:
        if max(surv) > 100 + 1e-9:
            raise InputError(curve_name, "range", "column survival: percent values must be <= 100")
        surv = [s / 100.0 for s in surv]
    lowest = surv[0]
    for row, (t, s) in enumerate(zip(times, surv), start=2):
        if not 0 <= t <= MAX_TIME:
            raise ResourceLimitError(curve_name, "magnitude", f"row {row}, column time: {t:g} is outside "
                                     f"0 to {MAX_TIME:g}")
        if row > 2 and t < times[row - 3]:
            raise InputError(curve_name, "sorted", f"row {row}, column time: {t:g} comes before the "
                             f"{times[row - 3]:g} of row {row - 1}; sort the rows by time")
        if s - lowest > DIGITIZING_TOLERANCE:
            raise InputError(curve_name, "non-increasing", f"row {row}, column survival: the curve rises "
                             f"by {s - lowest:.3g} (more than the {DIGITIZING_TOLERANCE:g} allowed for "
                             "reading error); survival cannot increase")
        lowest = min(lowest, s)
    _check_risk_table(risk_name, risk_times, at_risk, max(times))
    if events is not None and not 0 <= events <= at_risk[0]:
        raise InputError("--events", "range", f"must be from 0 to the {at_risk[0]} at risk at time 0, got {events}")
    return surv


def _check_risk_table(name: str, times: list[float], at_risk: list[int], curve_end: float) -> None:
    if not at_risk:
        raise InputError(name, "rows", "no data rows below the header")
    for row, (t, n) in enumerate(zip(times, at_risk), start=2):
        if not 0 <= n <= MAX_AT_RISK:
            raise ResourceLimitError(name, "magnitude", f"row {row}, column at_risk: {n} is outside "
                                     f"0 to {MAX_AT_RISK:,}")
        if t > curve_end:
            raise InputError(name, "span", f"row {row}, column time: {t:g} is past the curve's last "
                             f"time {curve_end:g}; the table must lie within the curve")


