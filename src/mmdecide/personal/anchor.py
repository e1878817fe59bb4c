"""An option-specific anchor, tried in the calibration only (issue 8 points 4-5, first step).

Question: if each option's trial population is allowed its own level of risk, do the option's
hazard ratios then reproduce the trial's own arms? For each option's own trial T, the trial's
disease hazard is taken as a multiple of the model's: H_T(t) = c_T H_disease(t) (proportional
hazards between populations, as for any prognostic factor). c_T is fitted so that the model's
control arm (no maintenance, or lenalidomide for ATLAS and AURIGA) reproduces the trial's
published control-arm PFS result (median, else the first landmark); the experimental arm is then
HR_option c_T H_disease, with the option's own death-rate factor after progression, as in the
estimate (one latent patient per column, PFS <= OS by the illness-death structure). The control
PFS row is reproduced by construction (marked 'fitted'); every other row is a check.

Only central values (column 0) are computed. Deaths from other causes stay at the McCarthy
trials' median age; AURIGA's MRD-positive population and everything else about a trial's
population goes into c_T. Not used for patient numbers: a per-option anchor would compare each
option with a different no-maintenance curve (see docs/model.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..evidence import Corpus
from .calibration import calibration_table
from .model import DEFAULT_SEED
from .prepared import Prepared, central_effect, curves, default_corpus, prepared
from .result import CalibrationRow
from .structure import solve_scale

__all__ = ["AnchoredRow", "anchored_table"]

_DRAWS = 200  # central values only; the fewest draws the model accepts


@dataclass(frozen=True)
class AnchoredRow:
    row: CalibrationRow  # the published value and the shared-baseline model's value
    scale: float  # c_T, the trial population's hazard relative to the model's baseline
    anchored: float | None  # the model's value with the anchor (None: median past 15 years)
    within_tolerance: bool
    fitted: bool  # the control-arm row the anchor was fitted to (agrees by construction)


def _arm(prep: Prepared, option: str) -> tuple[float, float]:
    """(PFS hazard multiplier, death-rate factor after progression), central, for an option."""
    effect = central_effect(prep, option)
    if effect is None:
        raise LookupError(option)
    return effect


def _value(prep: Prepared, c: np.ndarray, arm: tuple[float, float], endpoint: str, quantity: str) -> np.ndarray:
    """The model's value for columns of scale ``c``: a median (months; inf past the grid) or a percent."""
    h = np.repeat(prep.h_dis[:, :1], c.shape[0], axis=1)
    lam = np.full(c.shape[0], prep.lam[0] * arm[1])
    pfs, os_ = curves(h, c * arm[0], lam, prep.bg_trial)
    surv = pfs if endpoint == "PFS" else os_
    if quantity.startswith("percent"):
        months = float(quantity.split()[2])
        return 100.0 * surv[round(months)]
    below = surv < 0.5
    k = np.argmax(below, axis=0)
    s0, s1 = surv[np.maximum(k - 1, 0), np.arange(c.shape[0])], surv[k, np.arange(c.shape[0])]
    frac = np.where(s0 > s1, (s0 - 0.5) / np.maximum(s0 - s1, 1e-12), 0.0)  # linear within the month
    return np.where(below.any(axis=0), np.maximum(k - 1, 0) + frac, np.inf)


def _within(row: CalibrationRow, value: float, follow_up: float | None) -> bool:
    from .calibration import LANDMARK_TOLERANCE_POINTS, MEDIAN_TOLERANCE

    if row.published is None:  # not reached: the median must lie past the follow-up
        return follow_up is not None and value > follow_up
    if row.quantity.startswith("median"):
        return math.isfinite(value) and abs(value - row.published) <= MEDIAN_TOLERANCE * row.published
    return abs(value - row.published) <= LANDMARK_TOLERANCE_POINTS


def anchored_table(corpus: Corpus | None = None) -> list[AnchoredRow]:
    """Each option's own-trial rows with the option-specific anchor, beside the shared baseline's."""
    from .sources import follow_up_months

    corpus = corpus if corpus is not None else default_corpus()
    prep = prepared(corpus, _DRAWS, DEFAULT_SEED)
    rows = [r for r in calibration_table(corpus) if r.option != "baseline"]  # the options' own trials only
    out: list[AnchoredRow] = []
    for option in dict.fromkeys(r.option for r in rows):
        mine = [r for r in rows if r.option == option]
        ctl = [(r, r.published) for r in mine if r.model_arm != option and r.endpoint == "PFS" and r.published is not None]
        if not ctl:
            continue
        target, published = ctl[0]
        arm_ctl = _arm(prep, target.model_arm)

        def f(x: np.ndarray, target: CalibrationRow = target, arm_ctl: tuple[float, float] = arm_ctl) -> np.ndarray:
            # survival and medians fall as the scale rises: negated, they rise, as solve_scale needs
            return -_value(prep, np.exp(x), arm_ctl, "PFS", target.quantity)

        x, _ = solve_scale(f, np.array([-published]), math.log(1 / 20), math.log(20), iters=50)
        c = float(np.exp(x[0]))
        for r in mine:
            v = float(_value(prep, np.array([c]), _arm(prep, r.model_arm), r.endpoint, r.quantity)[0])
            fu = follow_up_months(corpus, r.trial, r.analysis)
            anchored = v if math.isfinite(v) else None
            ok = _within(r, v, fu)
            out.append(AnchoredRow(row=r, scale=c, anchored=anchored, within_tolerance=ok, fitted=r is target))
    return out
