"""Reconstruct individual patient data from a published Kaplan-Meier curve and its risk table.

Method: Guyot P, Ades AE, Ouwens MJ, Welton NJ. Enhanced secondary analysis of survival data:
reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol
2012;12:9. Between two columns of the published "number at risk" table, Guyot's algorithm spreads
an unknown number of censorings uniformly, derives the events at each digitized point by
inverting the Kaplan-Meier product (``d = round(n_at_risk * (1 - S / S_at_last_event))``) and
adjusts the number censored until the reconstructed number at risk at the next column equals the
published one. The interval after the last column has no at-risk count; there the total number
of events, when published, fixes the censoring.

What this version does beyond the paper, each measured on the simulated round-trip corpus in
``benchmarks/bench_reconstruct.py`` (results in ``benchmarks/results/reconstruct.md``):

* input cleaning for real digitizations: sorting, duplicates, monotone enforcement, a (0, 1)
  start, risk-table columns past the end of the curve;
* a point is inserted at every risk-table time so that each interval starts exactly where its
  published count applies (the paper starts it at the next click, so events between the column
  time and that click are attributed to the wrong interval and empty intervals are dropped);
* the number censored per interval is found by a guarded search (the paper's fixed-point update
  ``c += n_hat - n_risk`` can cycle between two values forever);
* censored patients keep their uniformly spread times (the paper moves them to the midpoint
  between the two clicks around them);
* the last interval's censoring comes from the censoring *hazard* of the preceding interval
  (censored per patient-month) instead of the absolute count per month over the whole follow-up,
  which overstates censoring in a tail with few patients at risk.

Examples
--------
>>> rec = reconstruct_ipd([0, 2, 2, 5, 5, 9], [1, 1, .9, .9, .771, .771], [0, 5], [10, 7])
>>> rec.data.n, rec.events_reconstructed, rec.risk_reconstructed.tolist()
(10, 2, [10, 7])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

from mmdecide.engine.km import kaplan_meier
from mmdecide.engine.survdata import SurvivalData

__all__ = ["Reconstruction", "reconstruct_ipd", "clean_curve"]

ArrayLike = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class Reconstruction:
    """Reconstructed patients and how well they reproduce what was published.

    Attributes
    ----------
    data : the reconstructed patients, exactly ``risk_n[0]`` of them
    curve_time, curve_survival : the digitized curve after cleaning (what was fitted)
    risk_times, risk_published, risk_reconstructed : the risk table as given and the number at
        risk in the reconstructed data at the same times
    curve_max_abs_diff, curve_mean_abs_diff : max and mean of |KM of ``data`` - cleaned curve|
        over the digitized points (at a drop, the nearer of the levels before and after it)
    events_reconstructed, events_given : total events in ``data`` and the published total
        (None when not given)
    """

    data: SurvivalData
    curve_time: np.ndarray
    curve_survival: np.ndarray
    risk_times: np.ndarray
    risk_published: np.ndarray
    risk_reconstructed: np.ndarray
    curve_max_abs_diff: float
    curve_mean_abs_diff: float
    events_reconstructed: int
    events_given: int | None

    @property
    def risk_max_abs_diff(self) -> int:
        return int(np.max(np.abs(self.risk_reconstructed - self.risk_published)))

    def summary(self) -> str:
        lines = [
            f"patients: {self.data.n}, events: {self.events_reconstructed}"
            + ("" if self.events_given is None else f" (published {self.events_given})"),
            f"curve |KM - digitized|: max {self.curve_max_abs_diff:.4f}, "
            f"mean {self.curve_mean_abs_diff:.4f}",
            "at risk (published -> reconstructed): "
            + ", ".join(
                f"t={t:g}: {p}->{r}"
                for t, p, r in zip(self.risk_times, self.risk_published, self.risk_reconstructed)
            ),
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Input validation and cleaning


def _float_1d(name: str, values: ArrayLike) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: every value must be a number ({exc})") from None
    if arr.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: every value must be finite (no NaN or infinity)")
    return arr


def _decreasing_isotonic(y: np.ndarray) -> np.ndarray:
    """Least-squares non-increasing fit (pool-adjacent-violators)."""
    vals: list[float] = []
    wts: list[int] = []
    for v in y:
        vals.append(float(v))
        wts.append(1)
        while len(vals) > 1 and vals[-2] < vals[-1]:
            w = wts[-2] + wts[-1]
            m = (vals[-2] * wts[-2] + vals[-1] * wts[-1]) / w
            vals[-2:] = [m]
            wts[-2:] = [w]
    return np.repeat(vals, wts)


def clean_curve(
    curve_times: ArrayLike, curve_survival: ArrayLike, monotone: str = "cummin"
) -> tuple[np.ndarray, np.ndarray]:
    """Validated, sorted, non-increasing digitized curve starting at (0, 1).

    Points are sorted by time (at equal times, higher survival first: the top corner of a step
    comes before its bottom corner), exact duplicates are dropped, survival is made
    non-increasing (``monotone`` = "cummin": running minimum; "isotonic": least-squares
    non-increasing fit) and a point (0, 1) is put first. A reading at time 0 is taken as 1:
    a Kaplan-Meier curve starts at 1, so a lower value at 0 is reading error.
    """
    t = _float_1d("curve_times", curve_times)
    s = _float_1d("curve_survival", curve_survival)
    if t.size != s.size:
        raise ValueError(
            f"curve_survival: must have the same length as curve_times ({s.size} vs {t.size})"
        )
    if np.any(t < 0):
        raise ValueError("curve_times: every time must be >= 0")
    if np.any(s < 0) or np.any(s > 1):
        raise ValueError(
            "curve_survival: every value must be a fraction in [0, 1] "
            "(divide percentages by 100 first)"
        )
    if monotone not in ("cummin", "isotonic"):
        raise ValueError(f"monotone: must be 'cummin' or 'isotonic', got {monotone!r}")
    order = np.lexsort((-s, t))
    t, s = t[order], s[order]
    keep = np.ones(t.size, dtype=bool)
    keep[1:] = (np.diff(t) != 0) | (np.diff(s) != 0)
    t, s = t[keep], s[keep]
    s = s.copy()
    s[t == 0] = 1.0
    if t[0] > 0:
        t = np.concatenate([[0.0], t])
        s = np.concatenate([[1.0], s])
    s = np.minimum.accumulate(s) if monotone == "cummin" else _decreasing_isotonic(s)
    s[0] = 1.0
    s = np.minimum.accumulate(s)
    # Drop exact duplicates created by the monotone step (same time, same survival).
    keep = np.ones(t.size, dtype=bool)
    keep[1:] = (np.diff(t) != 0) | (np.diff(s) != 0)
    return t[keep], s[keep]


def _validate_risk_table(
    risk_times: ArrayLike, risk_n: ArrayLike, total_events: int | None
) -> tuple[np.ndarray, np.ndarray, int | None]:
    tr = _float_1d("risk_times", risk_times)
    nr_f = _float_1d("risk_n", risk_n)
    if tr.size != nr_f.size:
        raise ValueError(
            f"risk_n: must have the same length as risk_times ({nr_f.size} vs {tr.size})"
        )
    if np.any(tr < 0):
        raise ValueError("risk_times: every time must be >= 0")
    if tr[0] != 0:
        raise ValueError(
            f"risk_times: must start at 0 (the number randomized), got first time {tr[0]:g}"
        )
    if np.any(np.diff(tr) <= 0):
        raise ValueError("risk_times: must be strictly increasing")
    if np.any(nr_f != np.round(nr_f)) or np.any(nr_f < 0):
        raise ValueError("risk_n: every number at risk must be a whole number >= 0")
    nr = nr_f.astype(np.int64)
    if nr[0] < 1:
        raise ValueError("risk_n: the number at risk at time 0 must be >= 1")
    if np.any(nr > nr[0]):
        raise ValueError(f"risk_n: no number at risk may exceed the {nr[0]} at time 0")
    if np.any(np.diff(nr) > 0):
        raise ValueError("risk_n: numbers at risk cannot rise over time")
    if total_events is not None:
        te = float(total_events)
        if not np.isfinite(te) or te != round(te) or te < 0:
            raise ValueError(f"total_events: must be a whole number >= 0, got {total_events!r}")
        if te > nr[0]:
            raise ValueError(
                f"total_events: cannot exceed the {nr[0]} patients at risk at time 0"
            )
        total_events = int(te)
    return tr, nr, total_events


# --------------------------------------------------------------------------------------------
# The algorithm


@dataclass
class _Options:
    """Switches between the paper's choices and ours; the defaults are what the corpus favoured."""

    monotone: str = "cummin"
    insert_risk_points: bool = True
    interpolate_risk_points: bool = True
    censor_at_midpoints: bool = False
    last_interval: str = "hazard"  # "guyot" | "hazard"
    deficit: str = "lower"  # "lower" (paper: lower the published count) | "remove-events"


class _State:
    """Per-click arrays shared by the interval passes (index k = digitized point)."""

    def __init__(self, t: np.ndarray, s: np.ndarray, n_total: int):
        self.t = t
        self.s = s
        k = t.size
        self.d = np.zeros(k, dtype=np.int64)  # events at click k
        self.cen = np.zeros(k, dtype=np.int64)  # censored in [t_k, t_k+1)
        self.cen_times: list[np.ndarray] = [np.empty(0)] * k
        self.n_hat = np.zeros(k + 1, dtype=np.int64)  # at risk just before t_k
        self.km_hat = np.ones(k)
        self.n_total = n_total

    def spread(self, n_cens: int, lo: int, hi: int, t_end: float) -> None:
        """Put n_cens censorings uniformly in (t_lo, t_end); assign them to clicks lo..hi."""
        self.cen[lo : hi + 1] = 0
        for k in range(lo, hi + 1):
            self.cen_times[k] = np.empty(0)
        if n_cens <= 0:
            return
        t0 = self.t[lo]
        ct = t0 + np.arange(1, n_cens + 1) * (t_end - t0) / (n_cens + 1)
        idx = lo + np.searchsorted(self.t[lo : hi + 1], ct, side="right") - 1
        idx = np.clip(idx, lo, hi)
        np.add.at(self.cen, idx, 1)
        for k in np.unique(idx):
            self.cen_times[k] = ct[idx == k]

    def forward(self, lo: int, hi: int, n_start: int, last: int, first: bool) -> tuple[int, int]:
        """Events at clicks lo..hi given the censoring; returns (at risk after hi, last event)."""
        t_s, d, cen, n_hat, km = self.s, self.d, self.cen, self.n_hat, self.km_hat
        n_hat[lo] = n_start
        for k in range(lo, hi + 1):
            nk = n_hat[k]
            if (first and k == lo) or nk <= 0 or km[last] <= 0:
                d[k] = 0
                km[k] = km[last] if not (first and k == lo) else 1.0
            else:
                dk = int(round(nk * (1.0 - t_s[k] / km[last])))
                dk = min(max(dk, 0), nk)
                d[k] = dk
                km[k] = km[last] * (1.0 - dk / nk)
            nxt = n_hat[k] - d[k] - cen[k]
            if nxt < 0:
                # Fewer left than censored: censor only those left.
                cen[k] = n_hat[k] - d[k]
                self.cen_times[k] = self.cen_times[k][: cen[k]]
                nxt = 0
            n_hat[k + 1] = nxt
            if d[k] != 0:
                last = k
        return int(n_hat[hi + 1]), last


def _solve_interval(
    st: _State, lo: int, hi: int, nxt: int, n_start: int, n_target: int, last: int, first: bool
) -> tuple[int, int, int]:
    """Number censored in [t_lo, t_nxt) so that the number at risk at t_nxt is n_target.

    Starts from Guyot's guess and update ``c += n_hat - n_target`` but remembers every count
    tried, so that a cycle ends at the best count seen instead of looping forever.
    Returns (at risk reached, last event index, censored count).
    """
    t_end = st.t[nxt]
    s_lo = st.s[lo]
    ratio = st.s[nxt] / s_lo if s_lo > 0 else 0.0
    c = int(round(n_start * ratio - n_target))
    c_max = max(n_start - n_target, 0)
    tried: dict[int, int] = {}
    while True:
        c = min(max(c, 0), c_max)
        if c in tried:
            break
        st.spread(c, lo, hi, t_end)
        reached, _ = st.forward(lo, hi, n_start, last, first)
        tried[c] = reached
        if reached == n_target:
            break
        if reached < n_target and c == 0:
            break
        c = c + (reached - n_target)
    # Best count: an exact match if any, else the closest undershoot. An overshoot is never
    # kept: its extra patients would be at risk in the data but not in the next interval's
    # bookkeeping. Censoring everybody who has no event always undershoots, so it is the
    # fallback.
    under = [cc for cc in tried if tried[cc] <= n_target]
    if not under:
        st.spread(c_max, lo, hi, t_end)
        tried[c_max], _ = st.forward(lo, hi, n_start, last, first)
        under = [c_max]
    best = min(under, key=lambda cc: (n_target - tried[cc], cc))
    st.spread(best, lo, hi, t_end)
    reached, new_last = st.forward(lo, hi, n_start, last, first)
    return reached, new_last, best


def _remove_events(st: _State, lo: int, hi: int, n_remove: int, n_start: int) -> int:
    """Take n_remove events away from clicks lo..hi (largest counts first); refresh at-risk."""
    d = st.d
    for _ in range(n_remove):
        seg = d[lo : hi + 1]
        if seg.max() <= 0:
            break
        k = lo + int(np.flatnonzero(seg == seg.max())[-1])
        d[k] -= 1
    st.n_hat[lo] = n_start
    last_km = st.km_hat[lo - 1] if lo > 0 else 1.0
    for k in range(lo, hi + 1):
        nk = st.n_hat[k]
        st.km_hat[k] = last_km * (1.0 - d[k] / nk) if nk > 0 else last_km
        last_km = st.km_hat[k]
        st.n_hat[k + 1] = nk - d[k] - st.cen[k]
    return int(st.n_hat[hi + 1])


def _insert_risk_points(
    t: np.ndarray, s: np.ndarray, tr: np.ndarray, interpolate: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Add a click at every column time, so that each interval starts exactly at its column.

    The curve's value at a column time is unknown when the reader skipped small steps around
    it: the next click then sits lower than the last one. Reading the value as that of the last
    click pushes every skipped event after the column, into the next interval, which then has
    more events than the table allows. With ``interpolate``, the value is interpolated linearly
    in time between the clicks on either side, and the part of the drop that falls before the
    column is put on an extra click just before it (so its events count in the interval that
    ends there).
    """
    new_t: list[float] = []
    new_s: list[float] = []
    for r in tr:
        if r == 0 or np.any(t == r):
            continue
        a = int(np.searchsorted(t, r, side="right") - 1)
        s_a = s[a]
        s_r = s_a
        if interpolate and a + 1 < t.size:
            b = a + 1
            s_r = s_a + (s[b] - s_a) * (r - t[a]) / (t[b] - t[a])
            if s_r < s_a:
                # Just before the column (within the gap to the previous click).
                new_t.append(r - min(1e-6 * max(r, 1.0), (r - t[a]) / 2.0))
                new_s.append(s_r)
        new_t.append(r)
        new_s.append(s_r)
    if not new_t:
        return t, s
    t2 = np.concatenate([t, new_t])
    s2 = np.concatenate([s, new_s])
    order = np.lexsort((-s2, t2))
    return t2[order], np.minimum.accumulate(s2[order])


def _reconstruct(
    curve_times: ArrayLike,
    curve_survival: ArrayLike,
    risk_times: ArrayLike,
    risk_n: ArrayLike,
    total_events: int | None,
    opt: _Options,
) -> Reconstruction:
    tr_in, nr_in, total_events = _validate_risk_table(risk_times, risk_n, total_events)
    t, s = clean_curve(curve_times, curve_survival, opt.monotone)
    n_total = int(nr_in[0])
    t, s, tr, nr, lower, upper = _intervals(t, s, tr_in, nr_in, opt)
    st = _State(t, s, n_total)
    n_censor, last, n_start = _fit_counted_intervals(st, nr, lower, upper, opt)
    _fit_last_interval(st, nr, lower, upper, n_censor, last, n_start, total_events, opt)
    return _assemble(st, t, s, n_total, total_events, opt, tr_in, nr_in)


def _intervals(
    t: np.ndarray, s: np.ndarray, tr_in: np.ndarray, nr_in: np.ndarray, opt: _Options
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The clicks and the risk-table intervals over them: (t, s, column times, counts, first
    click, last click) with one interval per column used."""
    # Risk-table columns past the end of the curve: with patients still at risk the curve was
    # cut short by the reader, so it is extended flat to that column; empty columns are dropped.
    use = tr_in <= t[-1]
    beyond = (~use) & (nr_in > 0)
    if np.any(beyond):
        t_ext = tr_in[np.flatnonzero(beyond)[-1]]
        t = np.append(t, t_ext)
        s = np.append(s, s[-1])
        use = tr_in <= t[-1]
    tr, nr = tr_in[use], nr_in[use].copy()

    if opt.insert_risk_points:
        t, s = _insert_risk_points(t, s, tr, opt.interpolate_risk_points)
    n_k = t.size
    lower = np.searchsorted(t, tr, side="left")
    if not opt.insert_risk_points:
        # The paper's rule: an interval starts at the first click at or after its column time,
        # and columns whose interval holds no click are dropped.
        ok = np.append(lower[1:], n_k) > lower
        ok[0] = True
        tr, nr, lower = tr[ok], nr[ok], lower[ok]
    upper = np.append(lower[1:] - 1, n_k - 1)
    return t, s, tr, nr, lower, upper


def _fit_counted_intervals(
    st: _State, nr: np.ndarray, lower: np.ndarray, upper: np.ndarray, opt: _Options
) -> tuple[np.ndarray, int, int]:
    """Censoring and events of every interval that ends at a published count.

    Returns (censored per interval, index of the last event, at risk at the last interval's start).
    """
    n_int = nr.size
    n_censor = np.zeros(n_int, dtype=np.int64)
    last = 0
    n_start = int(nr[0])
    for i in range(n_int - 1):
        lo, hi, nxt = int(lower[i]), int(upper[i]), int(lower[i + 1])
        target = int(nr[i + 1])
        reached, last, n_censor[i] = _solve_interval(
            st, lo, hi, nxt, n_start, target, last, i == 0
        )
        if reached < target and opt.deficit == "remove-events":
            reached = _remove_events(st, lo, hi, target - reached, n_start)
            ev = np.flatnonzero(st.d[: hi + 1] > 0)
            last = int(ev[-1]) if ev.size else 0
        # Paper's rule: the published count cannot be reached, so lower it to what was reached.
        n_start = reached
    return n_censor, last, n_start


def _last_interval_censoring(
    st: _State, nr: np.ndarray, lower: np.ndarray, upper: np.ndarray, n_censor: np.ndarray,
    n_start: int, opt: _Options,
) -> int:
    """Estimated censored count in the last interval, which has no count at its end."""
    t, s = st.t, st.s
    i = nr.size - 1
    lo, hi = int(lower[i]), int(upper[i])
    width = float(t[hi]) - t[lo]
    if nr.size <= 1 or width <= 0:
        return 0
    if opt.last_interval == "guyot":
        span = t[upper[i - 1]] - t[lower[0]]
        c_est = int(round(n_censor[:i].sum() * width / span)) if span > 0 else 0
    else:
        # Censoring hazard (censored per patient-month) of the previous interval, applied to
        # the patient-months expected in this one.
        j = i - 1
        w_prev = t[lower[j + 1]] - t[lower[j]]
        pm_prev = w_prev * (nr[j] + nr[j + 1]) / 2.0
        rate = n_censor[j] / pm_prev if pm_prev > 0 else 0.0
        s_ratio = s[hi] / s[lo] if s[lo] > 0 else 0.0
        n_end_guess = n_start * s_ratio * np.exp(-rate * width)
        c_est = int(round(rate * width * (n_start + n_end_guess) / 2.0))
    return min(c_est, n_start)


def _fit_last_interval(
    st: _State, nr: np.ndarray, lower: np.ndarray, upper: np.ndarray, n_censor: np.ndarray,
    last: int, n_start: int, total_events: int | None, opt: _Options,
) -> None:
    """Censoring and events of the last interval: estimated, or fixed by the total events."""
    i = nr.size - 1
    lo, hi = int(lower[i]), int(upper[i])
    t_end = float(st.t[hi])
    c_est = _last_interval_censoring(st, nr, lower, upper, n_censor, n_start, opt)

    def run_last(c: int) -> int:
        # The paper spreads over (t_lo, t_hi) and treats the last click as the end.
        st.spread(c, lo, hi - 1 if hi > lo else hi, t_end)
        st.forward(lo, hi, n_start, last, i == 0)
        return int(st.d.sum())

    run_last(c_est)
    if total_events is not None:
        # Every censoring count is tried (the paper's update can cycle); the one whose total
        # events is nearest the published total wins, ties going to the count nearest the
        # hazard-based estimate. If the earlier intervals already hold too many events, this
        # censors as early as possible in the last interval, leaving as few events as the
        # curve allows.
        scores = {c: abs(run_last(c) - total_events) for c in range(0, n_start + 1)}
        c_best = min(scores, key=lambda c: (scores[c], abs(c - c_est)))
        run_last(c_best)


def _assemble(
    st: _State,
    t: np.ndarray,
    s: np.ndarray,
    n_total: int,
    total_events: int | None,
    opt: _Options,
    tr_in: np.ndarray,
    nr_in: np.ndarray,
) -> Reconstruction:
    """Patients from the per-click counts, and the diagnostics."""
    ev_t = np.repeat(t, st.d)
    if opt.censor_at_midpoints:
        mids = np.append((t[:-1] + t[1:]) / 2.0, t[-1])
        cen_t = np.repeat(mids, st.cen)
    else:
        cen_t = np.concatenate([np.asarray(x, dtype=float) for x in st.cen_times] + [np.empty(0)])
    n_left = n_total - ev_t.size - cen_t.size
    if n_left < 0:  # cannot happen: forward() never lets the number at risk go negative
        raise RuntimeError("reconstruction produced more patients than randomized")
    times = np.concatenate([ev_t, cen_t, np.full(n_left, t[-1])])
    events = np.concatenate(
        [np.ones(ev_t.size, dtype=np.int64), np.zeros(cen_t.size + n_left, dtype=np.int64)]
    )
    data = SurvivalData.from_arrays(times, events)

    # Diagnostics.
    sorted_t = np.sort(times)
    risk_rec = n_total - np.searchsorted(sorted_t, tr_in, side="left")
    km = kaplan_meier(data)

    def level(side: Literal["left", "right"]) -> np.ndarray:
        # the step function S(t) (side="right") or its left limit S(t-) (side="left")
        idx = np.searchsorted(km.time, t, side=side) - 1
        return np.where(idx < 0, 1.0, km.survival[np.maximum(idx, 0)])

    # A click on the top corner of a step reads the level just before the drop: compare each
    # click with the nearer of the two levels the step curve has at that time.
    diff = np.minimum(np.abs(level("right") - s), np.abs(level("left") - s))
    return Reconstruction(
        data=data,
        curve_time=t,
        curve_survival=s,
        risk_times=tr_in,
        risk_published=nr_in,
        risk_reconstructed=risk_rec.astype(np.int64),
        curve_max_abs_diff=float(diff.max()),
        curve_mean_abs_diff=float(diff.mean()),
        events_reconstructed=int(events.sum()),
        events_given=total_events,
    )


def reconstruct_ipd(
    curve_times: ArrayLike,
    curve_survival: ArrayLike,
    risk_times: ArrayLike,
    risk_n: ArrayLike,
    total_events: int | None = None,
) -> Reconstruction:
    """Reconstruct patients from a digitized Kaplan-Meier curve (Guyot et al. 2012).

    Parameters
    ----------
    curve_times, curve_survival : digitized points, survival as fractions in [0, 1]; any order,
        duplicates and small rises (reading error) allowed; (0, 1) is added if missing
    risk_times, risk_n : the published number-at-risk table; must start at time 0 (the number
        randomized); a single column is allowed
    total_events : published total number of events, if any

    Returns
    -------
    Reconstruction with ``.data`` (exactly ``risk_n[0]`` patients) and diagnostics.
    """
    return _reconstruct(curve_times, curve_survival, risk_times, risk_n, total_events, _Options())
