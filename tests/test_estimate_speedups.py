"""The fast estimate gives the numbers of the straightforward computation it replaced.

The speed-ups (benchmarks/bench_estimate.py) change how the numbers are computed, not what they
are: the illness-death recursion in place, restricted means by sums between horizons,
percentiles of many rows in one partition (single-precision rows by one sort), numbers built
without re-validation, the waning scenario at the horizons' rows only, medians' first crossing
without argmax, profile-independent parts cached. Here the straightforward versions, written as they were
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

from mmdecide.personal import columns
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


def _median_cols_ref(surv, columns=None):
    surv = surv[:, :columns]
    below = surv < 0.5
    k = np.argmax(below, axis=0)
    n = np.arange(surv.shape[1])
    has = below[k, n]
    k0 = np.maximum(k - 1, 0)
    s0, s1 = surv[k0, n], surv[k, n]
    l0 = np.log(np.maximum(s0.astype(np.float64), 1e-300))
    l1 = np.log(np.maximum(s1.astype(np.float64), 1e-300))
    frac = np.where(s0 > s1, (l0 - math.log(0.5)) / np.maximum(l0 - l1, 1e-300), 0.0)
    return np.where(has, k0 + frac, np.inf)


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
        mp.setattr(model_mod, "_median_cols", _median_cols_ref)
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


# -- the later speed-ups claim more than agreement within the tolerance: the same bits ------------

def test_first_true_is_argmax_down_the_rows():
    rng = np.random.default_rng(7)
    for shape in [(181, 2001), (1, 4), (6, 1), (255, 9), (256, 9), (300, 5)]:
        for share in (0.0, 0.02, 0.5, 1.0):
            mask = rng.random(shape) < share
            for m in (mask, mask[:, ::2]):  # contiguous and a column slice
                got = columns.first_true(m)
                np.testing.assert_array_equal(got, np.argmax(m, axis=0))
                assert got.dtype == np.intp


def test_medians_are_the_argmax_medians_exactly():
    rng = np.random.default_rng(8)
    h = np.cumsum(rng.exponential(0.02, size=(181, 300)), axis=0).astype(np.float32)
    surv = np.exp(-h)
    surv[:, :20] = 0.9  # columns that never cross
    got = columns.median_cols(surv, 250)
    np.testing.assert_array_equal(got, _median_cols_ref(surv, 250))
    assert np.isinf(got[:20]).all() and np.isfinite(got[20:]).any()


def test_percentiles_of_blocks_are_those_of_the_blocks_cast_to_double():
    """Single-precision blocks are sorted, the others partitioned, all-zero blocks skipped: the
    same values as one partition of all rows cast to double (the earlier code)."""
    rng = np.random.default_rng(9)
    blocks = [rng.random((3, 2000)).astype(np.float32), rng.random((2, 2000)),
              np.zeros((2, 2000), dtype=np.float32), -np.zeros((1, 2000)),
              (rng.random((4, 2000)) * 100).astype(np.float32), rng.integers(0, 5, (1, 2000))]
    blocks[4][0, :7] = 0.0  # ties
    lo, hi = columns.pct_blocks(blocks)
    ref_lo, ref_hi = columns.pct_rows(np.concatenate(blocks, dtype=np.float64))
    np.testing.assert_array_equal(lo, ref_lo)
    np.testing.assert_array_equal(hi, ref_hi)
    np.testing.assert_array_equal(np.signbit(lo), np.signbit(ref_lo))  # -0.0 rows are not taken as zeros
    for one in blocks:  # one block alone: as part of the batch
        np.testing.assert_array_equal(columns.pct_blocks([one])[0], columns.pct_rows(one.astype(np.float64))[0])


def _rmst_cumsum(surv, cols):
    """The restricted means as computed before the running total was made row by row."""
    block = columns.RMST_BLOCK
    n_blocks = (max(cols) + 1) // block
    width = surv.shape[1]
    blocks = np.add.reduce(surv[: n_blocks * block].reshape(n_blocks, block, width), axis=1)
    before = np.concatenate([np.zeros((1, width), dtype=blocks.dtype), np.cumsum(blocks, axis=0)])
    out = np.empty((len(cols), width), dtype=surv.dtype)
    for i, c in enumerate(cols):
        q = (c + 1) // block
        total = before[q] + np.add.reduce(surv[q * block: c + 1], axis=0)
        out[i] = total - 0.5 * (surv[0] + surv[c]) if c > 0 else 0.0
    return out


def test_restricted_means_are_the_cumsum_ones_exactly():
    rng = np.random.default_rng(10)
    surv = np.exp(-np.cumsum(rng.random((181, 700)), axis=0) * 0.01).astype(np.float32)
    for cols in ([12, 24, 36, 60, 84], [0, 5, 11], [180], [30, 130]):
        np.testing.assert_array_equal(columns.rmst(surv, cols), _rmst_cumsum(surv, cols))
        np.testing.assert_array_equal(columns.rmst(surv[:, 100:], cols), _rmst_cumsum(surv[:, 100:], cols))


def test_numbers_built_directly_are_the_constructed_ones():
    from mmdecide.personal.result import SourceRef

    src = SourceRef(evidence="x", what="w", citation="c", url="https://example.org", locator="p. 1", tier="primary")
    ranges = Ranges(studies=(1.0, 2.0), about_you=(0.5, 2.5))
    for args in [(1.5, 1.0, 2.0, True, [src], "why", 3.0, ranges), (None, None, None, False, [], None, None, None)]:
        fast = columns.number(*args)
        names = ["estimate", "lower", "upper", "extrapolated", "sources", "reason", "beyond_follow_up", "ranges"]
        built = Number.model_construct(**dict(zip(names, args)))
        assert fast.__dict__ == built.__dict__ and fast.model_fields_set == built.model_fields_set
        assert fast.__pydantic_extra__ is None and fast.__pydantic_private__ is None
        assert fast.model_dump_json() == Number.model_validate(built.model_dump()).model_dump_json()
    # a field added to Number later takes its default in the fast path too (it once went missing)
    assert set(Number.model_fields) > set(names)


def test_cached_parts_do_not_depend_on_the_order_of_estimates():
    """Subgroup modifiers (per level) and the average patient's curve (per draw plan and
    induction) are cached per prepared evidence base: an estimate is the same whichever came first."""
    high = {"cytogenetics": ["del17p"], "r_iss": "III"}
    standard = {"cytogenetics": ["none-found"], "induction": "krd", "iss": "II"}
    prepared_mod._prepared.cache_clear()
    try:
        first = [model_mod.run_model(p, n_draws=400).model_dump_json() for p in (high, standard)]
        prepared_mod._prepared.cache_clear()
        second = [model_mod.run_model(p, n_draws=400).model_dump_json() for p in (standard, high)]
    finally:
        prepared_mod._prepared.cache_clear()
    assert first == second[::-1]
