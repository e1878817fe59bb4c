"""Simulated trials, simulated digitization and printed risk tables.

These exist to test and benchmark the reconstruction of individual patient data from published
Kaplan-Meier curves (Guyot et al., BMC Med Res Methodol 2012;12:9, see ``reconstruct.py``): a
trial with known patients is simulated, its curve is "digitized" the way a person clicks on a
published figure, its risk table is "printed" the way a journal prints one, and the reconstruction
from those three pieces is compared with the truth.

Time is in months throughout. Every function takes a ``seed`` and draws from
``np.random.default_rng(seed)``, so a corpus is reproducible.

Examples
--------
>>> trial = simulate_trial(200, "weibull-decreasing", "uniform-accrual", seed=1)
>>> trial.n
200
>>> table = print_risk_table(trial, every=12)
>>> int(table.n_risk[0]), table.times[:3].tolist()
(200, [0.0, 12.0, 24.0])
>>> curve = kaplan_meier_steps(trial)
>>> t, s = digitize(curve, n_points=80, seed=1)
>>> bool(s.max() <= 1.0 and t.min() >= 0.0)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from mmdecide.engine.survdata import SurvivalData

__all__ = [
    "HAZARD_SHAPES",
    "CENSORING_PATTERNS",
    "StepCurve",
    "RiskTable",
    "simulate_trial",
    "kaplan_meier_steps",
    "digitize",
    "print_risk_table",
]

HazardShape = Literal[
    "exponential", "weibull-increasing", "weibull-decreasing", "cure-mixture", "piecewise"
]
Censoring = Literal["uniform-accrual", "admin", "heavy-early"]
HAZARD_SHAPES: tuple[str, ...] = (
    "exponential",
    "weibull-increasing",
    "weibull-decreasing",
    "cure-mixture",
    "piecewise",
)
CENSORING_PATTERNS: tuple[str, ...] = ("uniform-accrual", "admin", "heavy-early")

# Control-arm median survival of about two years: the scale of progression-free survival on
# maintenance after transplant, which is what the reconstruction will mostly be fed.
_MEDIAN = 24.0
_LN2 = np.log(2.0)
# Piecewise-constant hazard: high early (induction failures), low middle, rising late.
_PW_BREAKS = np.array([0.0, 6.0, 24.0])
_PW_RATES = np.array([0.05, 0.02, 0.035])


def _control_survival_inverse(shape: str, v: np.ndarray) -> np.ndarray:
    """Time t with S0(t) = v for the control arm (inf where S0 never falls to v)."""
    v = np.clip(v, 1e-300, 1.0)
    h = -np.log(v)  # target cumulative hazard
    if shape == "exponential":
        return h / (_LN2 / _MEDIAN)
    if shape in ("weibull-increasing", "weibull-decreasing"):
        k = 1.5 if shape == "weibull-increasing" else 0.7
        scale = _MEDIAN / _LN2 ** (1.0 / k)
        return scale * h ** (1.0 / k)
    if shape == "cure-mixture":
        # S0(t) = p + (1 - p) exp(-lam t): 30% cured, the others with median 12 months.
        p, lam = 0.3, _LN2 / 12.0
        out = np.full(v.shape, np.inf)
        ok = v > p
        out[ok] = -np.log((v[ok] - p) / (1.0 - p)) / lam
        return out
    if shape == "piecewise":
        widths = np.diff(_PW_BREAKS)
        cum = np.concatenate([[0.0], np.cumsum(widths * _PW_RATES[:-1])])  # H at each break
        idx = np.searchsorted(cum, h, side="right") - 1
        return _PW_BREAKS[idx] + (h - cum[idx]) / _PW_RATES[idx]
    raise ValueError(f"hazard_shape: must be one of {', '.join(HAZARD_SHAPES)}, got {shape!r}")


def _censoring_times(pattern: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if pattern == "uniform-accrual":
        # Entry uniform over 24 months of accrual, analysis 36 months after accrual closes.
        return 60.0 - rng.uniform(0.0, 24.0, n)
    if pattern == "admin":
        # Everybody followed to a common data cut-off at 48 months.
        return np.full(n, 48.0)
    if pattern == "heavy-early":
        # Loss to follow-up concentrated early (Weibull shape 0.5, 35% lost by 12 months),
        # on top of uniform accrual with analysis at 60 months.
        scale = 12.0 / (-np.log(0.65)) ** 2.0
        drop = scale * rng.weibull(0.5, n)
        return np.minimum(drop, 60.0 - rng.uniform(0.0, 24.0, n))
    raise ValueError(
        f"censoring: must be one of {', '.join(CENSORING_PATTERNS)}, got {pattern!r}"
    )


def simulate_trial(
    n: int,
    hazard_shape: HazardShape = "exponential",
    censoring: Censoring = "uniform-accrual",
    seed: int | None = None,
    *,
    hazard_ratio: float | None = None,
) -> SurvivalData:
    """Simulate one arm (or two arms under proportional hazards) of a trial.

    Parameters
    ----------
    n : patients per arm (>= 1)
    hazard_shape : control-arm hazard, one of ``HAZARD_SHAPES``; medians are about 24 months
    censoring : one of ``CENSORING_PATTERNS``
    seed : seed for ``np.random.default_rng``
    hazard_ratio : if given, a second arm of ``n`` patients with survival ``S0(t) ** hazard_ratio``
        is added; the result then has ``group`` 0 (control) and 1 (experimental).

    Event times come from inverting the survival function (``S(T) = U``), so the proportional
    hazards assumption holds exactly for every shape.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n: must be a whole number >= 1, got {n!r}")
    if hazard_shape not in HAZARD_SHAPES:
        raise ValueError(
            f"hazard_shape: must be one of {', '.join(HAZARD_SHAPES)}, got {hazard_shape!r}"
        )
    if censoring not in CENSORING_PATTERNS:
        raise ValueError(
            f"censoring: must be one of {', '.join(CENSORING_PATTERNS)}, got {censoring!r}"
        )
    if hazard_ratio is not None and not (np.isfinite(hazard_ratio) and hazard_ratio > 0):
        raise ValueError(f"hazard_ratio: must be a finite number > 0, got {hazard_ratio!r}")
    n = int(n)
    rng = np.random.default_rng(seed)
    hrs = [1.0] if hazard_ratio is None else [1.0, float(hazard_ratio)]
    times, events, groups = [], [], []
    for g, hr in enumerate(hrs):
        u = rng.uniform(size=n)
        t_event = _control_survival_inverse(hazard_shape, u ** (1.0 / hr))
        c = _censoring_times(censoring, n, rng)
        # Times recorded to the day, as trial databases do; this also creates realistic ties.
        t = np.round(np.minimum(t_event, c) * 30.4375) / 30.4375
        e = (t_event <= c).astype(int)
        # A patient cannot be recorded at time 0: move those to the first day.
        t = np.maximum(t, 1.0 / 30.4375)
        times.append(t)
        events.append(e)
        groups.append(np.full(n, g))
    group = None if hazard_ratio is None else np.concatenate(groups)
    return SurvivalData.from_arrays(np.concatenate(times), np.concatenate(events), group)


@dataclass(frozen=True)
class StepCurve:
    """A right-continuous survival step function: S(t) = survival[i] for time[i] <= t < time[i+1].

    ``time[0]`` is 0 with ``survival[0]`` = 1; ``end`` is the last follow-up time (where a
    published curve stops being drawn).
    """

    time: np.ndarray
    survival: np.ndarray
    end: float

    def __call__(self, t: np.ndarray | float) -> np.ndarray:
        idx = np.searchsorted(self.time, np.asarray(t, dtype=float), side="right") - 1
        return self.survival[np.clip(idx, 0, None)]

    def left(self, t: np.ndarray | float) -> np.ndarray:
        """The left limit S(t-): the level just before a drop at t."""
        idx = np.searchsorted(self.time, np.asarray(t, dtype=float), side="left") - 1
        return self.survival[np.clip(idx, 0, None)]


def kaplan_meier_steps(data: SurvivalData) -> StepCurve:
    """The Kaplan-Meier step curve of ``data`` (all causes as one event), as a StepCurve."""
    d = data.any_event()
    t_ev = np.unique(d.time[d.event > 0])
    if t_ev.size == 0:
        return StepCurve(np.array([0.0]), np.array([1.0]), float(d.time.max()))
    order = np.sort(d.time)
    at_risk = d.time.size - np.searchsorted(order, t_ev, side="left")
    deaths = np.bincount(np.searchsorted(t_ev, d.time[d.event > 0]), minlength=t_ev.size)
    s = np.cumprod(1.0 - deaths / at_risk)
    time = np.concatenate([[0.0], t_ev])
    surv = np.concatenate([[1.0], s])
    return StepCurve(time, surv, float(d.time.max()))


def digitize(
    km: StepCurve | SurvivalData,
    n_points: int,
    noise_sd: float = 0.0,
    seed: int | None = None,
    *,
    messy: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Read ``n_points`` points off a step curve the way a person clicks on a published figure.

    A person clicks both corners of a step (the top, just before the drop, and the bottom) and
    a few points along long flat stretches, including the end of the curve. With fewer clicks
    than corners, steps are chosen evenly along the curve and the skipped drops are merged into
    the next clicked one (their events move a little later), which is what a reader who cannot
    resolve every small step does. ``noise_sd`` is reading error as a fraction of each axis
    (time axis = curve end, survival axis = 1); readings are clipped to the axes. ``messy``
    (default: whenever there is noise) swaps about 3% of neighbouring clicks and duplicates
    about 2%, as clicking does.

    Returns ``(time, survival)`` arrays in click order.
    """
    if isinstance(km, SurvivalData):
        km = kaplan_meier_steps(km)
    if int(n_points) != n_points or n_points < 2:
        raise ValueError(f"n_points: must be a whole number >= 2, got {n_points!r}")
    if not (np.isfinite(noise_sd) and noise_sd >= 0):
        raise ValueError(f"noise_sd: must be a finite number >= 0, got {noise_sd!r}")
    rng = np.random.default_rng(seed)
    messy = noise_sd > 0 if messy is None else messy
    steps_t, steps_s = km.time[1:], km.survival[1:]
    end = max(km.end, float(km.time[-1]))
    n_steps = steps_t.size
    # Half the clicks go to corners (two per step), the rest to flats: at least the start and
    # the end of the curve, and at least a fifth of the budget on flats so long plateaus and
    # the tail are read too.
    n_flat = max(2, n_points // 5, n_points - 2 * n_steps)
    n_corner_steps = min(n_steps, (n_points - n_flat) // 2)
    n_flat = n_points - 2 * n_corner_steps
    pts_t: list[np.ndarray] = []
    pts_s: list[np.ndarray] = []
    if n_corner_steps > 0:
        # Evenly spaced by step index: dense where events are dense, like a person's clicks.
        pick = np.unique(np.round(np.linspace(n_steps - 1, 0, n_corner_steps)).astype(int))
        pick = np.sort(pick)
        top = np.concatenate([[1.0], steps_s[:-1]])[pick]
        pts_t += [steps_t[pick], steps_t[pick]]
        pts_s += [top, steps_s[pick]]
    # Flats: the start, the end and points spaced evenly in time.
    flat_t = np.concatenate([[0.0, end], np.linspace(0.0, end, max(n_flat - 2, 0) + 2)[1:-1]])
    pts_t.append(flat_t)
    pts_s.append(km(flat_t))
    t = np.concatenate(pts_t)
    s = np.concatenate(pts_s)
    # Order of clicking: along the curve (by time, top corner before bottom corner).
    order = np.lexsort((-s, t))
    t, s = t[order], s[order]
    if noise_sd > 0:
        t = t + rng.normal(0.0, noise_sd * end, t.size)
        s = s + rng.normal(0.0, noise_sd, s.size)
        t = np.clip(t, 0.0, None)
        s = np.clip(s, 0.0, 1.0)
        # The first click is the curve's start, which a reader puts on the axis origin exactly.
        t[0], s[0] = 0.0, 1.0
    if messy and t.size > 3:
        n_swap = max(1, int(round(0.03 * t.size)))
        for i in rng.choice(t.size - 1, size=n_swap, replace=False):
            t[[i, i + 1]] = t[[i + 1, i]]
            s[[i, i + 1]] = s[[i + 1, i]]
        n_dup = max(1, int(round(0.02 * t.size)))
        dup = rng.choice(t.size, size=n_dup, replace=False)
        t = np.insert(t, dup, t[dup])
        s = np.insert(s, dup, s[dup])
    return t, s


@dataclass(frozen=True)
class RiskTable:
    """A published 'number at risk' table: ``n_risk[i]`` patients with time >= ``times[i]``."""

    times: np.ndarray
    n_risk: np.ndarray

    def __str__(self) -> str:
        head = "Months   " + " ".join(f"{t:>5g}" for t in self.times)
        row = "At risk  " + " ".join(f"{n:>5d}" for n in self.n_risk)
        return head + "\n" + row


def print_risk_table(
    data: SurvivalData, every: float = 6.0, until: float | None = None
) -> RiskTable:
    """The number-at-risk table printed under a Kaplan-Meier figure.

    Columns at 0, ``every``, 2 ``every``, ... up to ``until`` (default: the last follow-up
    time); the number at risk at t counts patients whose time is >= t, as in R's
    ``summary(survfit(...), times=...)``.
    """
    if not (np.isfinite(every) and every > 0):
        raise ValueError(f"every: must be a finite number > 0, got {every!r}")
    last = float(data.time.max()) if until is None else float(until)
    if not np.isfinite(last) or last < 0:
        raise ValueError(f"until: must be a finite number >= 0, got {until!r}")
    times = np.arange(0.0, last + 1e-9, every)
    sorted_t = np.sort(data.time)
    n_risk = sorted_t.size - np.searchsorted(sorted_t, times, side="left")
    return RiskTable(times, n_risk.astype(int))
