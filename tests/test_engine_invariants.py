"""Invariants every non-parametric estimator must keep, on data Hypothesis makes up.

Small integer times so that ties between events, causes and censorings are common.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mmdecide.engine.competing import aalen_johansen
from mmdecide.engine.km import kaplan_meier
from mmdecide.engine.logrank import logrank_test
from mmdecide.engine.rmst import rmst
from mmdecide.engine.survdata import SurvivalData
from tolerances import EXACT

SETTINGS = settings(derandomize=True, max_examples=150, deadline=None)

rows = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 2), st.sampled_from(["a", "b", "c"])),
    min_size=1, max_size=40,
)


def _data(r, *, causes: bool = True, groups: bool = False) -> SurvivalData:
    t = [x[0] for x in r]
    e = [x[1] if causes else min(x[1], 1) for x in r]
    return SurvivalData.from_arrays(t, e, [x[2] for x in r] if groups else None)


def _ci_contains(est, lower, upper):
    defined = np.isfinite(lower) & np.isfinite(upper)
    assert np.all(lower[defined] <= est[defined] + EXACT)
    assert np.all(est[defined] <= upper[defined] + EXACT)


@SETTINGS
@given(rows)
def test_km_in_unit_interval_never_rises_and_ci_contains_it(r):
    km = kaplan_meier(_data(r, causes=False))
    s = km.survival
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) <= 0)
    assert np.all(km.n_risk >= 1) and km.n_risk[0] == km.n
    assert km.n_event.sum() == km.n_events and (km.n_event + km.n_censor).sum() == km.n
    _ci_contains(s, km.lower, km.upper)
    defined = s > 0
    assert np.all(km.se[defined] >= 0)
    q = km.median
    lo, hi = km.median_ci
    if np.isfinite(q) and np.isfinite(lo):
        assert lo <= q
    if np.isfinite(q) and np.isfinite(hi):
        assert q <= hi


@SETTINGS
@given(rows, st.randoms(use_true_random=False))
def test_km_does_not_depend_on_row_order(r, rnd):
    shuffled = list(r)
    rnd.shuffle(shuffled)
    a = kaplan_meier(_data(r, causes=False))
    b = kaplan_meier(_data(shuffled, causes=False))
    np.testing.assert_array_equal(a.time, b.time)
    np.testing.assert_allclose(a.survival, b.survival, rtol=0, atol=EXACT)


@SETTINGS
@given(rows, st.floats(0.01, 1.0))
def test_rmst_between_zero_and_tau(r, frac):
    data = _data(r, causes=False)
    last = float(data.time.max())
    if last == 0:
        return  # no positive horizon exists
    tau = frac * last
    out = rmst(data, tau)
    assert 0 <= out.estimate <= tau + EXACT
    assert out.se >= 0
    # the area under S can only grow with the horizon
    assert rmst(data, last).estimate >= out.estimate - EXACT


@SETTINGS
@given(rows)
def test_aalen_johansen_bounded_monotone_and_adds_up(r):
    data = _data(r)
    km = kaplan_meier(data)
    total = km.survival.copy()
    for cause in (1, 2):
        ci = aalen_johansen(data, cause)
        np.testing.assert_array_equal(ci.time, km.time)
        assert np.all((ci.cif >= 0) & (ci.cif <= 1))
        assert np.all(np.diff(ci.cif) >= -EXACT)
        assert np.all(ci.se >= 0)
        _ci_contains(ci.cif, ci.lower, ci.upper)
        total += ci.cif
    # every patient is in exactly one state: event-free, cause 1 or cause 2
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=EXACT)


def _ij_variance_brute_force(data: SurvivalData, cause: int) -> np.ndarray:
    """Sum of squared per-patient influences, by the n x m recursion of survfitAJ."""
    times = np.unique(data.time)
    exit_idx = np.searchsorted(times, data.time)
    n_obs = data.n
    u0 = np.zeros(n_obs)
    uk = np.zeros(n_obs)
    s_prev = 1.0
    out = []
    for j in range(times.size):
        at_risk = exit_idx >= j
        here = exit_idx == j
        n = at_risk.sum()
        dn_any = here & (data.event > 0)
        dn_k = here & (data.event == cause)
        lam = dn_any.sum() / n
        lam_k = dn_k.sum() / n
        dlam = (dn_any - at_risk * lam) / n  # influence on the all-cause hazard step
        dlam_k = (dn_k - at_risk * lam_k) / n
        uk = uk + u0 * lam_k + s_prev * dlam_k
        u0 = u0 * (1 - lam) - s_prev * dlam
        s_prev *= 1 - lam
        out.append(np.sum(uk**2))
    return np.array(out)


@SETTINGS
@given(rows, st.sampled_from([1, 2]))
def test_closed_form_variance_equals_per_patient_influence_sum(r, cause):
    data = _data(r)
    ci = aalen_johansen(data, cause)
    np.testing.assert_allclose(ci.se**2, _ij_variance_brute_force(data, cause), rtol=0,
                               atol=EXACT)


@SETTINGS
@given(rows)
def test_logrank_chi2_nonnegative_and_expected_adds_up(r):
    data = _data(r, causes=False, groups=True)
    if len(data.groups()) < 2:
        return
    test = logrank_test(data)
    assert test.chi2 >= -EXACT
    assert 0 <= test.p <= 1
    assert abs(test.observed.sum() - test.expected.sum()) < EXACT
    assert test.df <= len(test.groups) - 1
