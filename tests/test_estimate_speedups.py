"""The fast estimate gives the numbers of the straightforward computation it replaced.

The speed-ups (benchmarks/bench_estimate.py) change how the numbers are computed, not what they
are: the illness-death recursion in place, restricted means by sums between horizons,
percentiles of many rows in one partition, numbers built without re-validation, the waning
scenario at the horizons' rows only. Here the straightforward versions, written as they were
before, replace the fast ones and the whole estimate is compared number by number.

Tolerance: 0.001 in the number's own unit (percentage points, months, hazard ratio) plus 1e-5 of
its size. The curves are single precision (about 1e-7 relative), and summing months in another
order moves a restricted mean by about 1e-5 months; every number a person sees is rounded to a
whole number or one decimal, far above this.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mmdecide.personal import model as model_mod
from mmdecide.personal import prepared as prepared_mod
from mmdecide.personal import structure
from mmdecide.personal.result import Number, Ranges

PROFILES = [
    {},
    {"r_iss": "III", "mrd": "positive", "cytogenetics": ["del17p", "gain1q"]},
    {"beta2_microglobulin_mg_l": 2.9, "albumin_g_dl": 3.9, "ldh_high": False, "cytogenetics": ["none-found"],
     "response": "CR", "mrd": "negative", "age": 58},
    {"age": 79, "sex": "female", "iss": "III"},
]
ABS, REL = 1e-3, 1e-5


def _progressed_alive_ref(p, lam, step, out=None):
    lam = np.clip(lam, 0.0, structure.LAMBDA_MAX)
    keep = np.exp(-lam * step).astype(p.dtype)
    half = np.exp(-lam * step / 2).astype(p.dtype)
    dp = (p[:-1] - p[1:]) * half[None, :]
    a = np.zeros_like(p)
    for k in range(p.shape[0] - 1):
        a[k + 1] = a[k] * keep + dp[k]
    return a


def _os_from_pfs_ref(p, lam, step):
    return p + _progressed_alive_ref(p, lam, step)


def _curves_ref(h_dis, mult, lam, bg, step=1.0):
    p = np.exp(h_dis * -mult[None, :].astype(h_dis.dtype))
    b = np.exp(-bg)[:, None].astype(h_dis.dtype)
    return p * b, _os_from_pfs_ref(p, lam, step) * b


def _rmst_ref(surv, cols):
    c = np.cumsum(surv[: max(cols) + 1], axis=0)
    idx = np.array(cols)
    return np.where(idx[:, None] > 0, c[idx] - 0.5 * (surv[0][None, :] + surv[idx]), 0.0)


def _batch_ref(self, specs):
    """One validated Number per row, each row's percentiles by np.percentile."""
    p = self.plan
    out = []
    for rows, ext, sources, reason, split in specs:
        nums = []
        for k in range(rows.shape[0]):
            lo, hi = np.percentile(rows[k, p.main], [2.5, 97.5])
            ranges = None
            if split and rows.shape[1] == p.size:
                ranges = Ranges(studies=tuple(np.percentile(rows[k, p.studies], [2.5, 97.5])),
                                about_you=tuple(np.percentile(rows[k, p.about_you], [2.5, 97.5])))
            nums.append(Number(estimate=float(rows[k, 0]), lower=float(lo), upper=float(hi),
                               extrapolated=bool(ext[k]), sources=sources, reason=reason, ranges=ranges))
        out.append(nums)
    return out


def _run_all():
    prepared_mod._prepared.cache_clear()  # the prepared fits use the curves too
    try:
        return [model_mod.run_model(p).model_dump(mode="json") for p in PROFILES]
    finally:
        prepared_mod._prepared.cache_clear()


def _compare(fast, ref, path="", worst=None):
    worst = worst if worst is not None else [0.0, ""]
    if isinstance(ref, dict):
        assert set(fast) == set(ref), path
        for k in ref:
            _compare(fast[k], ref[k], f"{path}.{k}", worst)
    elif isinstance(ref, list):
        assert len(fast) == len(ref), path
        for i, (f, r) in enumerate(zip(fast, ref)):
            _compare(f, r, f"{path}[{i}]", worst)
    elif isinstance(ref, float) and isinstance(fast, float):
        if math.isinf(ref) or math.isnan(ref):
            assert fast == ref or (math.isnan(fast) and math.isnan(ref)), path
            return worst
        gap = abs(fast - ref)
        assert gap <= ABS + REL * abs(ref), f"{path}: fast {fast!r} vs reference {ref!r}"
        worst[:] = max(worst, [gap, path])
    else:
        assert fast == ref, f"{path}: fast {fast!r} vs reference {ref!r}"
    return worst


@pytest.fixture(scope="module")
def fast_and_reference():
    fast = _run_all()
    mp = pytest.MonkeyPatch()
    try:
        for mod in (model_mod, prepared_mod):
            mp.setattr(mod, "curves", _curves_ref)
        mp.setattr(structure, "os_from_pfs", _os_from_pfs_ref)
        mp.setattr(model_mod, "os_from_pfs", _os_from_pfs_ref)
        mp.setattr(model_mod, "progressed_alive", _progressed_alive_ref)
        mp.setattr(model_mod, "_rmst", _rmst_ref)
        mp.setattr(model_mod._Collector, "batch", _batch_ref)
        ref = _run_all()
    finally:
        mp.undo()
    return fast, ref


@pytest.mark.parametrize("i", range(len(PROFILES)))
def test_fast_estimate_matches_the_straightforward_one(fast_and_reference, i):
    fast, ref = fast_and_reference
    assert ref[i]["options"], "the reference run produced no options"
    _compare(fast[i], ref[i])


def test_the_reference_really_differs_in_how_it_computes():
    """Guard against a comparison of the fast code with itself: the reference recursion and
    the in-place one agree on random curves, but are different functions."""
    rng = np.random.default_rng(1)
    p = np.exp(-np.cumsum(rng.random((40, 30)), axis=0) * 0.05)
    lam = rng.random(30) * 0.1
    assert structure.progressed_alive is not _progressed_alive_ref
    np.testing.assert_allclose(structure.progressed_alive(p, lam, 1.0), _progressed_alive_ref(p, lam, 1.0),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model_mod._rmst(p, [3, 12, 39]), _rmst_ref(p, [3, 12, 39]), rtol=1e-12)
