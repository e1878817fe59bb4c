"""Numbers from Monte Carlo columns: estimates with 95% ranges, restricted means and medians.

A column is one latent patient (``prognosis.Plan``): column 0 the central estimate, then the
main draws, then the "how sure the studies are" and "what we don't know about you" columns.
Written for speed (benchmarks/bench_estimate.py): percentiles of many rows in one sort or
partition, numbers built without re-validation, sums in fixed blocks, no reductions or scans
that walk column by column; tests/test_estimate_speedups.py compares every number with the
straightforward computation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

import numpy as np

from .prognosis import Plan
from .result import Number, Ranges, SourceRef, unique_refs

__all__ = ["RMST_BLOCK", "Collector", "first_true", "median_cols", "number", "pct", "pct_blocks", "pct_rows", "pct_sorted",
           "rmst", "unique_sources"]


class Collector:
    """Numbers from column vectors: estimate = column 0, 95% range over the main columns, and the
    split ranges over the plan's "studies" and "about you" columns.

    ``numbers`` takes a matrix (one row per horizon) and finds every row's percentiles in one
    sort or partition (``pct_blocks``): one call per row cost more in call overhead than the
    selection itself. Numbers are built directly (``number``): their fields are plain floats made
    here, and the sources are deduplicated as the validator would (a validation per number was a
    tenth of an estimate)."""

    def __init__(self, plan: Plan):
        self.plan = plan

    def number(self, cols: np.ndarray, ext: bool, sources: list[SourceRef], reason: str | None = None,
               split: bool = False) -> Number:
        return self.numbers(cols[None, :], [ext], sources, reason, split)[0]

    def numbers(self, rows: np.ndarray, ext: Sequence[bool], sources: list[SourceRef], reason: str | None = None,
                split: bool = False) -> list[Number]:
        return self.batch([(rows, ext, sources, reason, split)])[0]

    def batch(self, specs: list[tuple[np.ndarray, Sequence[bool], list[SourceRef], str | None, bool]]) -> list[list[Number]]:
        """``numbers`` for several matrices, with one partition for all their main columns and one
        per split range."""
        p = self.plan
        lo, hi = pct_blocks([rows[:, p.main] for rows, *_ in specs])
        split_rows = [rows for rows, _e, _s, _r, split in specs if split and rows.shape[1] == p.size]
        if split_rows:
            st_lo, st_hi = pct_blocks([r[:, p.studies] for r in split_rows])
            ab_lo, ab_hi = pct_blocks([r[:, p.about_you] for r in split_rows])
        out, at, at_split = [], 0, 0
        for rows, ext, sources, reason, split in specs:
            srcs = unique_sources(sources)
            split = split and rows.shape[1] == p.size
            nums = []
            for k in range(rows.shape[0]):
                ranges = None
                if split:
                    j = at_split + k
                    ranges = Ranges.model_construct(studies=(float(st_lo[j]), float(st_hi[j])),
                                                    about_you=(float(ab_lo[j]), float(ab_hi[j])))
                nums.append(number(float(rows[k, 0]), float(lo[at + k]), float(hi[at + k]), bool(ext[k]),
                                   list(srcs), reason, ranges=ranges))
            at += rows.shape[0]
            at_split += rows.shape[0] if split else 0
            out.append(nums)
        return out


#: the fields ``number`` is given (the others take their defaults, as in ``model_construct``)
_GIVEN_FIELDS = frozenset(("estimate", "lower", "upper", "extrapolated", "sources", "reason", "beyond_follow_up",
                           "ranges"))
#: every field's default, so that a field added to ``Number`` later is never missing from ``number``'s
#: objects (a missing one breaks equality and JSON round trips, not the JSON itself)
_NUMBER_DEFAULTS = {name: f.get_default(call_default_factory=True) for name, f in Number.model_fields.items()}
_new, _set = object.__new__, object.__setattr__


def number(estimate: float | None, lower: float | None, upper: float | None, extrapolated: bool,
           sources: list[SourceRef], reason: str | None, beyond_follow_up: float | None = None,
           ranges: Ranges | None = None) -> Number:
    """A ``Number`` from trusted values, every field given: what ``Number.model_construct`` makes
    (the same ``__dict__`` and fields set; tests/test_estimate_speedups.py compares them), in a
    sixth of its time. ``model_construct`` resolves aliases and defaults field by field, about
    5 microseconds a number, a tenth of an estimate's time over its few hundred numbers. The
    caller keeps the invariants the validator would check: sources once each, lower <= upper."""
    n = _new(Number)
    _set(n, "__dict__", {**_NUMBER_DEFAULTS, "estimate": estimate, "lower": lower, "upper": upper, "extrapolated": extrapolated,
                         "sources": sources, "reason": reason, "beyond_follow_up": beyond_follow_up,
                         "ranges": ranges})
    _set(n, "__pydantic_fields_set__", set(_GIVEN_FIELDS))
    _set(n, "__pydantic_extra__", None)
    _set(n, "__pydantic_private__", None)
    return n


@lru_cache(maxsize=16)
def _pct_index(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    pos = (n - 1) * np.array([0.025, 0.975])
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    return lo, hi, pos - lo, np.unique(np.concatenate([lo, hi]))


def pct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5th and 97.5th percentiles of each row (numpy's default linear rule) from one partial
    sort of the whole matrix: the same arithmetic as ``np.percentile(x, [2.5, 97.5], axis=1)``."""
    lo, hi, frac, kth = _pct_index(x.shape[1])
    part = np.partition(x, kth, axis=1)
    q = part[:, lo] + frac * (part[:, hi] - part[:, lo])
    return q[:, 0], q[:, 1]


def pct_blocks(blocks: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``pct_rows`` of the blocks' rows stacked in order, in double precision whatever the rows'
    type, so a row's range never depends on which other rows share the batch.

    Single-precision rows are sorted as they are (a vectorised sort, about 1.6 times as fast as
    a partition of the same rows cast to double) and their order statistics cast afterwards:
    casting is exact and keeps the order, so the percentiles are those of the cast rows. Rows
    in double precision (or any other type) are cast and partitioned as before."""
    starts = list(accumulate((b.shape[0] for b in blocks), initial=0))
    lo = np.empty(starts[-1])
    hi = np.empty_like(lo)
    groups: dict[bool, list[int]] = {True: [], False: []}  # single precision or not: block numbers
    for i, b in enumerate(blocks):
        # a block of +0.0 only (an option's difference from itself: the reference option's own
        # rows) has 0.0 for both percentiles, as the arithmetic below gives: no sort needed
        if not b.any() and not np.signbit(b).any():
            lo[starts[i]: starts[i + 1]] = hi[starts[i]: starts[i + 1]] = 0.0
        else:
            groups[b.dtype == np.float32].append(i)
    for is_single, chosen in groups.items():
        if not chosen:
            continue
        # one block (most calls) is sorted or partitioned from where it is: both copy anyway
        x = (blocks[chosen[0]] if len(chosen) == 1 and (is_single or blocks[chosen[0]].dtype == np.float64)
             else np.concatenate([blocks[i] for i in chosen], dtype=np.float32 if is_single else np.float64))
        g_lo, g_hi = pct_sorted(np.sort(x, axis=1)) if is_single else pct_rows(x)
        at = 0
        for i in chosen:
            n = blocks[i].shape[0]
            lo[starts[i]: starts[i] + n], hi[starts[i]: starts[i] + n] = g_lo[at: at + n], g_hi[at: at + n]
            at += n
    return lo, hi


def pct_sorted(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pct_rows`` of rows already sorted, in double precision."""
    lo, hi, frac, _ = _pct_index(x.shape[1])
    a, b = x[:, lo].astype(np.float64), x[:, hi].astype(np.float64)
    q = a + frac * (b - a)
    return q[:, 0], q[:, 1]


def pct(x: np.ndarray) -> tuple[float, float]:
    """2.5th and 97.5th percentiles of a vector (as ``pct_rows``)."""
    lo, hi = pct_rows(x[None, :])
    return float(lo[0]), float(hi[0])


def unique_sources(sources: list[SourceRef]) -> list[SourceRef]:
    """The sources once each, as ``Number``'s validator would leave them (see ``result.Sources``),
    without building and validating a throw-away ``Number`` (a tenth of an estimate's time)."""
    return unique_refs(list(sources))


RMST_BLOCK = 12  # months per block of the running sum behind restricted means


def rmst(surv: np.ndarray, cols: list[int]) -> np.ndarray:
    """Restricted mean up to each grid index in ``cols`` (trapezoid, 1-month steps): (H, N).

    The sum up to month c is a running total of fixed 12-month block sums plus the rows of the
    last, partial block (``np.add.reduce`` down contiguous rows): a cumulative sum down the whole
    grid cost several times as much. The blocks do not depend on which horizons were asked for, so
    a horizon's number is the same in any set of horizons (the results page slices one run)."""
    idx = [int(c) for c in cols]
    if not idx or min(idx) < 0:
        raise ValueError("horizon months must not be negative")
    n_blocks = (max(idx) + 1) // RMST_BLOCK
    width = surv.shape[1]
    blocks = np.add.reduce(surv[: n_blocks * RMST_BLOCK].reshape(n_blocks, RMST_BLOCK, width), axis=1)
    # the running total row by row: what ``np.cumsum(blocks, axis=0)`` adds, in the same order,
    # but cumsum down the first axis walks each column on its own (seven times as long here)
    before = np.zeros((n_blocks + 1, width), dtype=blocks.dtype)
    if n_blocks:
        before[1] = blocks[0]
    for i in range(1, n_blocks):
        np.add(before[i], blocks[i], out=before[i + 1])
    out = np.empty((len(idx), width), dtype=surv.dtype)
    for i, c in enumerate(idx):
        q = (c + 1) // RMST_BLOCK
        total = before[q] + np.add.reduce(surv[q * RMST_BLOCK: c + 1], axis=0)
        out[i] = total - 0.5 * (surv[0] + surv[c]) if c > 0 else 0.0
    return out


def median_cols(surv: np.ndarray, columns: int | None = None) -> np.ndarray:
    """First crossing of 0.5 (log-linear within the month, exact for a hazard constant within
    the month), inf when beyond the grid; of the first ``columns`` columns (default: all). The
    comparison runs over the whole contiguous array: over a column slice it took twice as long."""
    below = (surv < 0.5)[:, :columns]
    surv = surv[:, :columns]
    k = first_true(below)
    n = np.arange(surv.shape[1])
    has = below[k, n]  # k is 0 for a column without a crossing, where below is False
    k0 = np.maximum(k - 1, 0)
    s0, s1 = surv[k0, n], surv[k, n]
    l0 = np.log(np.maximum(s0.astype(np.float64), 1e-300))
    l1 = np.log(np.maximum(s1.astype(np.float64), 1e-300))
    frac = np.where(s0 > s1, (l0 - math.log(0.5)) / np.maximum(l0 - l1, 1e-300), 0.0)
    return np.where(has, k0 + frac, np.inf)


def first_true(mask: np.ndarray) -> np.ndarray:
    """Row index of the first True in each column, 0 where a column has none: what
    ``np.argmax(mask, axis=0)`` gives, from a maximum down the contiguous rows of
    ``mask x (rows - row index)``. ``argmax`` along the first axis walks each column on its own and
    cost three times as much on the estimate's (181, 2001) grids; the product is taken in bytes
    (the mask's own) when the rows allow it, as a cast of the mask to a wider integer cost more
    than the rest."""
    t = mask.shape[0]
    dtype = np.uint8 if t <= np.iinfo(np.uint8).max else np.intp
    weight = np.arange(t, 0, -1, dtype=dtype)  # rows - row index: larger for earlier rows, never 0
    m = mask.view(np.uint8) if dtype == np.uint8 and mask.dtype == np.bool_ else mask
    top = np.multiply(m, weight[:, None], dtype=dtype).max(axis=0, initial=0).astype(np.intp)
    return np.where(top > 0, t - top, 0)
