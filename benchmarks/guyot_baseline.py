"""A plain, from-the-paper version of Guyot's algorithm, used only as the benchmark baseline.

Guyot P, Ades AE, Ouwens MJ, Welton NJ. Enhanced secondary analysis of survival data:
reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol
2012;12:9. Written from the algorithm as described in the paper and its appendix, with the
paper's choices kept on purpose (they are what ``mmdecide.engine.reconstruct`` is compared with):

- input cleaning limited to what the paper asks of the reader: points sorted by time,
  survival made non-increasing by a cumulative minimum, a (0, 1) point added;
- interval i runs from the first click at or after risk time i to the last click before risk
  time i+1; risk-table columns whose interval holds no click are dropped;
- censoring spread uniformly over an interval, its count adjusted by ``c += n_hat - n_risk``
  until the reconstructed number at risk at the next column equals the published one; if it can
  only be undershot, the published number is lowered to match (the paper's rule);
- last interval: censoring at the average absolute rate of the earlier intervals, or adjusted to
  the total number of events when that is given; the patients left are censored at the last click;
- censored patients are placed at the midpoint between the two clicks around them.

The only addition is an iteration cap (the paper's loop can cycle between two counts forever).
"""

from __future__ import annotations

import numpy as np

from mmdecide.engine.survdata import SurvivalData

_MAX_ITER = 200


def _spread(n_cens: int, t0: float, t1: float, breaks: np.ndarray) -> np.ndarray:
    """Counts of n_cens uniformly spaced censoring times in [breaks[j], breaks[j+1])."""
    out = np.zeros(breaks.size - 1, dtype=int)
    if n_cens <= 0 or breaks.size < 2:
        return out
    ct = t0 + np.arange(1, n_cens + 1) * (t1 - t0) / (n_cens + 1)
    # R's hist(): right-closed bins, the first one also closed on the left.
    idx = np.searchsorted(breaks, ct, side="left") - 1
    idx = np.clip(idx, 0, breaks.size - 2)
    np.add.at(out, idx, 1)
    return out


def guyot_baseline(curve_times, curve_survival, risk_times, risk_n, total_events=None):
    """Reconstructed (time, event) arrays, following Guyot et al. (2012) literally."""
    t = np.asarray(curve_times, dtype=float)
    s = np.asarray(curve_survival, dtype=float)
    order = np.argsort(t, kind="stable")
    t, s = t[order], s[order]
    s = np.minimum.accumulate(s)
    if t[0] > 0 or s[0] < 1:
        t = np.concatenate([[0.0], t])
        s = np.concatenate([[1.0], s])
    n_t = t.size
    tr = np.asarray(risk_times, dtype=float)
    nr = np.asarray(risk_n, dtype=int).copy()
    keep = tr <= t[-1]
    tr, nr = tr[keep], nr[keep]
    lower = np.searchsorted(t, tr, side="left")
    upper = np.concatenate([np.searchsorted(t, tr[1:], side="left") - 1, [n_t - 1]])
    ok = upper >= lower
    ok[0] = True
    lower[0] = 0
    tr, nr, lower, upper = tr[ok], nr[ok], lower[ok], upper[ok]
    # Re-derive upper after dropping empty intervals.
    upper = np.concatenate([lower[1:] - 1, [n_t - 1]])
    n_int = nr.size
    n_total = int(nr[0])

    n_hat = np.full(n_t + 1, n_total + 1, dtype=float)
    d = np.zeros(n_t, dtype=int)
    cen = np.zeros(n_t, dtype=int)
    km_hat = np.ones(n_t)
    last_i = np.zeros(n_int, dtype=int)
    n_censor = np.zeros(n_int, dtype=int)

    def forward(i, lo, hi, first_interval):
        last = last_i[i]
        n_hat[lo] = nr[i]
        for k in range(lo, hi + 1):
            if first_interval and k == lo:
                d[k] = 0
                km_hat[k] = 1.0
            else:
                if km_hat[last] > 0 and n_hat[k] > 0:
                    d[k] = int(np.round(n_hat[k] * (1.0 - s[k] / km_hat[last])))
                    d[k] = max(d[k], 0)
                else:
                    d[k] = 0
                km_hat[k] = km_hat[last] * (1.0 - d[k] / n_hat[k]) if n_hat[k] > 0 else km_hat[last]
            n_hat[k + 1] = n_hat[k] - d[k] - cen[k]
            if d[k] != 0:
                last = k
        return last

    for i in range(n_int - 1):
        lo, hi, nxt = lower[i], upper[i], lower[i + 1]
        n_censor[i] = int(np.round(nr[i] * s[nxt] / s[lo] - nr[i + 1]))
        last = last_i[i]
        it = 0
        while (n_hat[nxt] > nr[i + 1]) or (n_hat[nxt] < nr[i + 1] and n_censor[i] > 0):
            if n_censor[i] <= 0:
                cen[lo : hi + 1] = 0
                n_censor[i] = 0
            else:
                cen[lo : hi + 1] = _spread(n_censor[i], t[lo], t[nxt], t[lo : nxt + 1])
            last = forward(i, lo, hi, i == 0)
            n_censor[i] += int(n_hat[nxt] - nr[i + 1])
            it += 1
            if it >= _MAX_ITER:
                break
        if n_hat[nxt] < nr[i + 1]:
            nr[i + 1] = int(n_hat[nxt])
        last_i[i + 1] = last

    # Last interval.
    i = n_int - 1
    lo, hi = lower[i], upper[i]
    if n_int > 1 and t[upper[i - 1]] > t[lower[0]]:
        n_censor[i] = min(
            int(np.round(n_censor[: n_int - 1].sum() * (t[hi] - t[lo]) / (t[upper[i - 1]] - t[lower[0]]))),
            int(nr[i]),
        )
    else:
        n_censor[i] = 0

    def last_forward():
        cen[lo:hi] = 0 if n_censor[i] <= 0 else _spread(n_censor[i], t[lo], t[hi], t[lo : hi + 1])
        last = last_i[i]
        n_hat[lo] = nr[i]
        for k in range(lo, hi + 1):
            if i == 0 and k == lo:
                d[k] = 0
                km_hat[k] = 1.0
            else:
                if km_hat[last] > 0 and n_hat[k] > 0:
                    d[k] = max(int(np.round(n_hat[k] * (1.0 - s[k] / km_hat[last]))), 0)
                    d[k] = min(d[k], int(n_hat[k]))
                else:
                    d[k] = 0
                km_hat[k] = km_hat[last] * (1.0 - d[k] / n_hat[k]) if n_hat[k] > 0 else km_hat[last]
            if k < hi:
                n_hat[k + 1] = n_hat[k] - d[k] - cen[k]
                if n_hat[k + 1] < 0:
                    n_hat[k + 1] = 0
                    cen[k] = int(n_hat[k] - d[k])
            if d[k] != 0:
                last = k

    last_forward()
    if total_events is not None:
        sum_before = int(d[:lo].sum())
        if n_int > 1 and sum_before >= total_events:
            d[lo : hi + 1] = 0
            cen[lo:hi] = 0
        else:
            it = 0
            sumd = int(d.sum())
            while sumd > total_events or (sumd < total_events and n_censor[i] > 0):
                n_censor[i] += sumd - total_events
                n_censor[i] = max(n_censor[i], 0)
                last_forward()
                sumd = int(d.sum())
                it += 1
                if it >= _MAX_ITER:
                    break

    # Individual data: events at their click, censorings at the midpoint between two clicks,
    # everybody else censored at the last click.
    times = np.full(n_total, t[-1])
    events = np.zeros(n_total, dtype=int)
    k = 0
    for j in range(n_t):
        m = int(d[j])
        if m > 0:
            m = min(m, n_total - k)
            times[k : k + m] = t[j]
            events[k : k + m] = 1
            k += m
    for j in range(n_t - 1):
        m = int(cen[j])
        if m > 0:
            m = min(m, n_total - k)
            times[k : k + m] = (t[j] + t[j + 1]) / 2.0
            k += m
    return SurvivalData.from_arrays(times, events)
