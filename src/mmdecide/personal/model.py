"""Personal estimates: benefit and harm of each option for a profile, with uncertainty.

For an option with hazard ratio HR (vs observation) and a profile with relative hazard R (vs the
average trial patient), survival is S_obs(t) ** (R * HR) for both PFS and OS, where S_obs is the
observation curve of :mod:`baseline`. Central estimates use the published values; the 95%
uncertainty intervals are the 2.5th and 97.5th percentiles over seeded Monte Carlo draws of every
uncertain input (baseline fits, each hazard ratio from its CI, prognostic effects, unknown
profile factors, second-cancer rates). Indirect comparisons multiply their links' hazard ratios
draw by draw, so their uncertainties add on the log scale (Bucher 1997).

The expensive part that does not depend on the profile (fits, draws) is prepared once per
(evidence base, number of draws, seed) and cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import numpy as np

from ..errors import InputError
from ..evidence import Corpus, load_corpus
from .baseline import Baseline, build_baseline
from .harms import SpmRate, calibrate_spm, side_effects
from .options import NOT_OFFERED, OPTIONS, OptionSpec
from .profile import PatientProfile, parse_profile
from .prognosis import combined, profile_effects
from .result import (
    DosingNote, EstimateResult, EvidencePath, HorizonResult, NotOffered, Number, OptionResult,
    Regimen, SourceRef,
)  # fmt: skip
from .sources import EvidenceMissing, HRLink, cite, find_comparison, follow_up_months
from .subgroups import subgroup_modifier

__all__ = ["DEFAULT_HORIZONS", "DISCLAIMER", "estimate"]

DEFAULT_HORIZONS = (1.0, 2.0, 3.0, 5.0, 7.0)
DEFAULT_DRAWS = 2000
DEFAULT_SEED = 20171107  # fixed: the same profile always gives the same numbers
DISCLAIMER = (
    "This is information to talk about with your care team. It is not medical advice. The numbers "
    "come from clinical trials and describe groups of people, not what will happen to you."
)
_Z = 1.959963984540054
_REFERENCE_HR = Number(estimate=1.0, lower=1.0, upper=1.0, reason="the reference option")
_STEP = 1.0  # months: grid of the restricted-mean integrals (trapezoid error < 0.01 month)


@dataclass
class _Effect:
    central: float
    draws: np.ndarray
    sources: list[SourceRef]
    follow_up: float
    published_ci: tuple[float, float] | None = None  # when the effect is one published HR as is


@dataclass
class _Prepared:
    corpus: Corpus
    baseline: Baseline
    n_draws: int
    seed: int
    links: dict[HRLink, _Effect] = field(default_factory=dict)
    link_errors: dict[HRLink, str] = field(default_factory=dict)
    grids: dict[int, tuple[np.ndarray, ...]] = field(default_factory=dict)
    spm_rates: dict[tuple[str, str], SpmRate | str] = field(default_factory=dict)

    def grid(self, months: int) -> tuple[np.ndarray, ...]:
        """Baseline cumulative hazards on 0, 1, ..., months (central and per draw), cached."""
        if months not in self.grids:
            g = np.arange(0.0, months + _STEP / 2, _STEP)
            b = self.baseline
            # draws stored time-major (T, n): the cumulative sums then run over contiguous rows
            # and in single precision: ample for percentiles of percents, and twice as fast
            self.grids[months] = (b.pfs.cumhaz(g), np.ascontiguousarray(b.pfs.cumhaz_draws(g).T, dtype=np.float32),
                                  b.os.cumhaz(g), np.ascontiguousarray(b.os.cumhaz_draws(g).T, dtype=np.float32))
        return self.grids[months]


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _follow_up(corpus: Corpus, evidence: str, analysis: str) -> float:
    fu = follow_up_months(corpus, evidence, analysis)
    return math.nan if fu is None else fu


def _prepare_link(prep: _Prepared, link: HRLink, stream: int) -> None:
    if link in prep.links or link in prep.link_errors:
        return
    try:
        c = find_comparison(prep.corpus, link)
    except EvidenceMissing as exc:
        prep.link_errors[link] = str(exc)
        return
    e = c.estimate
    se = (math.log(e.upper) - math.log(e.lower)) / (2 * _Z)
    rng = _rng(prep.seed, 100 + stream)
    draws = np.exp(math.log(e.value) + se * rng.standard_normal(prep.n_draws))
    labels = {a.id: a.label for a in prep.corpus.get(link.evidence).arms}
    what = f"{link.endpoint} HR {labels.get(link.experimental)} vs {labels.get(link.control)} [{link.analysis}]"
    prep.links[link] = _Effect(e.value, draws, [cite(prep.corpus, link.evidence, e, what)],
                               _follow_up(prep.corpus, link.evidence, link.analysis), (e.lower, e.upper))


@lru_cache(maxsize=8)
def _prepared(corpus_key: int, n_draws: int, seed: int) -> _Prepared:
    corpus = _CORPORA[corpus_key]
    prep = _Prepared(corpus=corpus, baseline=build_baseline(corpus, n_draws, _rng(seed, 1)),
                     n_draws=n_draws, seed=seed)
    all_links = [lk for o in OPTIONS for lk in (*o.pfs_links, *(o.os_links or ()))]
    for i, link in enumerate(dict.fromkeys(all_links)):
        _prepare_link(prep, link, i)
    return prep


_CORPORA: dict[int, Corpus] = {}


@lru_cache(maxsize=1)
def _default_corpus() -> Corpus:
    return load_corpus()


def _key(corpus: Corpus) -> int:
    _CORPORA[id(corpus)] = corpus
    return id(corpus)


# -- the computation -------------------------------------------------------------------------------

def _chain(prep: _Prepared, links: Iterable[HRLink] | None) -> tuple[_Effect | None, str | None]:
    if links is None:
        return None, "no hazard ratio for this endpoint in the evidence base"
    links = tuple(links)
    if not links:
        return _Effect(1.0, np.ones(prep.n_draws), [], math.inf), None
    central, draws, sources, fu = 1.0, np.ones(prep.n_draws), [], math.inf
    for link in links:
        if link in prep.link_errors:
            return None, prep.link_errors[link]
        eff = prep.links[link]
        if len(links) == 1:
            if math.isnan(eff.follow_up):
                return _Effect(eff.central, eff.draws, eff.sources, math.inf, eff.published_ci), None
            return eff, None
        central *= eff.central
        draws = draws * eff.draws
        sources += eff.sources
        fu = min(fu, eff.follow_up) if not math.isnan(eff.follow_up) else fu
    return _Effect(central, draws, sources, fu), None


class _Collector:
    """Gathers every number of a result with its Monte Carlo draws, then takes all the 2.5th and
    97.5th percentiles in one pass (one call instead of hundreds keeps an estimate fast)."""

    def __init__(self, n_draws: int):
        self.n = n_draws
        self.rows: list[tuple[float, np.ndarray | None, bool, list[SourceRef], str | None]] = []

    def add(self, central: float, draws: np.ndarray, ext: bool, sources: list[SourceRef],
            reason: str | None = None) -> int:
        self.rows.append((float(central), draws, ext, sources, reason))
        return len(self.rows) - 1

    def numbers(self) -> list[Number]:
        cols = [d for _, d, *_ in self.rows]
        # rows are contiguous draws, so the partial sort runs over contiguous memory
        q = np.percentile(np.stack(cols, axis=0), [2.5, 97.5], axis=1) if cols else np.zeros((2, 0))
        return [Number(estimate=c, lower=float(q[0, i]), upper=float(q[1, i]), extrapolated=e,
                       sources=src, reason=r)
                for i, (c, _, e, src, r) in enumerate(self.rows)]


def _missing(reason: str) -> Number:
    return Number(estimate=None, reason=reason)


@lru_cache(maxsize=32)
def _trapezoid_weights(n_points: int, cols: tuple[int, ...]) -> np.ndarray:
    """(len(cols), n_points) weights: row i integrates the grid from 0 to cols[i] (trapezoid)."""
    w = np.zeros((len(cols), n_points), dtype=np.float32)
    for i, j in enumerate(cols):
        if j > 0:
            w[i, : j + 1] = _STEP
            w[i, 0] = w[i, j] = _STEP / 2
    return w


def _rmst_at(surv: np.ndarray, cols: list[int]) -> np.ndarray:
    """Restricted mean up to the grid points ``cols`` along axis 0, as one matrix product
    (the hot loop of an estimate: a BLAS call instead of a cumulative sum)."""
    w = _trapezoid_weights(surv.shape[0], tuple(cols))
    return w.astype(surv.dtype, copy=False) @ surv


def _median(curve, mult_c: float, mult_d: np.ndarray) -> tuple[float, np.ndarray]:
    """Closed-form Weibull median of S_obs ** mult."""
    c = curve.scale * (math.log(2.0) / mult_c) ** (1.0 / curve.shape)
    d = curve.scale_draws * np.power(math.log(2.0) / mult_d, 1.0 / curve.shape_draws)
    return c, d


@dataclass
class _Arm:
    """One option's curves at the horizons: survival and restricted mean, central and draws."""

    s_c: np.ndarray  # (H,)
    s_d: np.ndarray  # (n, H)
    r_c: np.ndarray
    r_d: np.ndarray


def _arm(h_c: np.ndarray, h_t: np.ndarray, mult_c: float, mult_d: np.ndarray, cols: list[int]) -> _Arm:
    """``h_t``: baseline cumulative hazard draws, time-major (T, n)."""
    s_c = np.exp(-mult_c * h_c)
    s_t = np.multiply(h_t, -mult_d[None, :].astype(np.float32))
    np.exp(s_t, out=s_t)
    return _Arm(s_c[cols], s_t[cols].T.astype(np.float64), _rmst_at(s_c, cols),
                _rmst_at(s_t, cols).T.astype(np.float64))


def estimate(
    profile: PatientProfile | dict | None = None,
    options: Iterable[str] | None = None,
    horizons: Iterable[float] | None = None,
    *,
    corpus: Corpus | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> EstimateResult:
    """Benefit and harm of each maintenance option for a patient profile.

    Parameters
    ----------
    profile : a :class:`PatientProfile` or a dict of its fields (all optional); ProfileError names
        any impossible field.
    options : option ids (default: every option the evidence reaches); observation is always
        included as the reference.
    horizons : years (default 1, 2, 3, 5, 7), whole months, each > 0 and at most 15.
    n_draws, seed : Monte Carlo draws (200 to 100,000) and their seed.

    Examples
    --------
    >>> r = estimate({}, options=["lenalidomide"], horizons=[3])
    >>> [o.option for o in r.options]
    ['observation', 'lenalidomide']
    >>> round(r.options[0].median_pfs_months.estimate, 1), round(r.options[1].median_pfs_months.estimate, 1)
    (23.5, 52.8)
    """
    prof = parse_profile(profile)
    hz = _horizons(horizons)
    if not isinstance(n_draws, int) or isinstance(n_draws, bool) or not 200 <= n_draws <= 100_000:
        raise ValueError(f"n_draws: must be a whole number from 200 to 100000, got {n_draws!r}")
    wanted = _option_ids(options)
    corpus = corpus if corpus is not None else _default_corpus()
    prep = _prepared(_key(corpus), n_draws, seed)
    base = prep.baseline

    effects = profile_effects(corpus, prof, n_draws, _rng(seed, 2))
    r_pfs = combined(effects, "PFS", n_draws)
    r_os = combined(effects, "OS", n_draws)
    prof_sources = [src for e in effects for sh in (e.pfs, e.os) if sh for src in sh.sources]

    months = int(round(12 * max(hz)))
    pfs_hc, pfs_hd, os_hc, os_hd = prep.grid(months)
    cols = [int(round(12 * h)) for h in hz]

    results: list[OptionResult] = []
    not_offered = [NotOffered(option=i, label=label, reason=why) for i, label, why in NOT_OFFERED]
    ref: dict[str, object] = {}
    for spec in OPTIONS:
        if spec.id not in wanted:
            continue
        why = spec.requires(prof)
        pfs_eff, pfs_err = _chain(prep, spec.pfs_links)
        if why is None and pfs_eff is None:
            why = f"its progression-free survival evidence is missing: {pfs_err}"
        if why is not None:
            not_offered.append(NotOffered(option=spec.id, label=spec.label, reason=why))
            continue
        os_eff, os_err = _chain(prep, spec.os_links)
        pfs_eff, extra_flags, modified = _apply_subgroups(prep, spec, prof, pfs_eff)
        col = _Collector(n_draws)
        pfs = _arm(pfs_hc, pfs_hd, r_pfs[0] * pfs_eff.central, r_pfs[1] * pfs_eff.draws, cols)
        os_ = (_arm(os_hc, os_hd, r_os[0] * os_eff.central, r_os[1] * os_eff.draws, cols)
               if os_eff is not None else None)
        if spec.id == "observation":
            ref["pfs"], ref["os"] = pfs, os_
        fu_pfs = min(base.follow_up_months, pfs_eff.follow_up)
        fu_os = min(base.follow_up_months, os_eff.follow_up) if os_eff is not None else fu_pfs
        pfs_src = list(base.pfs_sources) + pfs_eff.sources
        os_src = list(base.os_sources) + (os_eff.sources if os_eff else [])
        no_os = f"no overall-survival evidence: {os_err}"

        medians = {
            "PFS": _median_slot(col, prep, spec, "PFS", base.pfs, r_pfs, pfs_eff, fu_pfs, pfs_src),
            "OS": (_median_slot(col, prep, spec, "OS", base.os, r_os, os_eff, fu_os, os_src)
                   if os_eff is not None else _missing(no_os)),
        }
        hr_pfs = col.add(pfs_eff.central, pfs_eff.draws, False, pfs_eff.sources)
        hr_os = col.add(os_eff.central, os_eff.draws, False, os_eff.sources) if os_eff else None
        spm = _spm_slots(col, prep, spec, pfs, os_, hz, ref)
        slots = []
        for k, h in enumerate(hz):
            ext_p, ext_o = 12 * h > fu_pfs + 1e-9, 12 * h > fu_os + 1e-9
            row = {"pfs": col.add(100 * pfs.s_c[k], 100 * pfs.s_d[:, k], ext_p, pfs_src + prof_sources)}
            rp = ref.get("pfs")
            row["dpfs"] = col.add(100 * (pfs.s_c[k] - rp.s_c[k]), 100 * (pfs.s_d[:, k] - rp.s_d[:, k]), ext_p, pfs_src)
            row["gpfs"] = col.add(pfs.r_c[k] - rp.r_c[k], pfs.r_d[:, k] - rp.r_d[:, k], ext_p, pfs_src,
                                  "restricted mean progression-free months, difference from no maintenance")
            ro = ref.get("os")
            if os_ is not None and ro is not None:
                row["os"] = col.add(100 * os_.s_c[k], 100 * os_.s_d[:, k], ext_o, os_src + prof_sources)
                row["dos"] = col.add(100 * (os_.s_c[k] - ro.s_c[k]), 100 * (os_.s_d[:, k] - ro.s_d[:, k]), ext_o, os_src)
                row["gos"] = col.add(os_.r_c[k] - ro.r_c[k], os_.r_d[:, k] - ro.r_d[:, k], ext_o, os_src,
                                     "restricted mean months of life, difference from no maintenance")
            slots.append(row)
        nums = col.numbers()
        pick = lambda i: nums[i] if isinstance(i, int) else i  # noqa: E731
        horizons = []
        for k, h in enumerate(hz):
            row = slots[k]
            is_ref = spec.id == "observation"
            d_p = nums[row["dpfs"]]
            spm_h, spm_s, spm_a = (pick(spm[c][k]) for c in ("spm-hematologic", "spm-solid", "spm-any"))
            os_n = nums[row["os"]] if "os" in row else _missing(no_os)
            horizons.append(HorizonResult(
                years=h, pfs_percent=nums[row["pfs"]], os_percent=os_n,
                pfs_difference_percent=d_p,
                os_difference_percent=nums[row["dos"]] if "dos" in row else _missing(no_os),
                pfs_out_of_100=_round(nums[row["pfs"]]), os_out_of_100=_round(os_n),
                pfs_months_gained=nums[row["gpfs"]],
                os_months_gained=nums[row["gos"]] if "gos" in row else _missing(no_os),
                spm_hematologic_percent=spm_h, spm_solid_percent=spm_s, spm_any_percent=spm_a,
                nnt_pfs=_missing("the reference option") if is_ref else _nnt(d_p),
                nnh_spm=_missing("the reference option") if is_ref else _nnt(pick(spm["difference"][k]), harm=True),
            ))  # fmt: skip
        results.append(OptionResult(
            option=spec.id, label=spec.label, plain_label=spec.plain_label,
            evidence=_path(spec, pfs_eff, extra_flags, modified), regimen=_regimen(corpus, spec),
            median_pfs_months=pick(medians["PFS"]), median_os_months=pick(medians["OS"]),
            hr_pfs_vs_observation=_REFERENCE_HR if spec.id == "observation" else _published(nums[hr_pfs], pfs_eff),
            hr_os_vs_observation=(_REFERENCE_HR if spec.id == "observation" else
                                  _published(nums[hr_os], os_eff) if hr_os is not None else _missing(no_os)),
            horizons=horizons, side_effects=side_effects(corpus, spec), notes=[spec.description],
        ))  # fmt: skip

    assumptions = list(base.assumptions) + [
        "Characteristics of the patient multiply the hazard independently of each other and of the "
        "treatment (no evidence on interactions was found).",
        "A missing profile field means 'like the average trial patient'; where the evidence gives "
        "the levels and their shares, the ranges widen to show what not knowing costs.",
        "Second cancers: a constant rate while progression-free (McCarthy 2017 counted them before "
        "progression) or while alive (trials that counted them over all follow-up), calibrated to "
        "the published percent at the trial's median follow-up.",
        "Numbers beyond the follow-up of the trials they come from are marked 'extrapolated'.",
    ]
    return EstimateResult(
        profile=prof, disclaimer=DISCLAIMER, horizons_years=list(hz), n_draws=n_draws, seed=seed,
        options=results, not_offered=not_offered,
        profile_effects=[e.as_result() for e in effects], assumptions=assumptions,
    )  # fmt: skip


def _published(n: Number, eff: _Effect) -> Number:
    """An HR taken as published shows the published 95% CI (the draws only approximate it)."""
    if eff.published_ci is None:
        return n
    return n.model_copy(update={"lower": eff.published_ci[0], "upper": eff.published_ci[1],
                                "reason": "as published (95% CI)"})


def _horizons(horizons: Iterable[float] | None) -> tuple[float, ...]:
    if horizons is None:
        return DEFAULT_HORIZONS
    if isinstance(horizons, (int, float)):
        horizons = [horizons]
    try:
        hz = tuple(sorted({float(h) for h in horizons}))
    except (TypeError, ValueError):
        raise InputError("horizons", "number", "must be numbers of years") from None
    if not hz or any(math.isnan(h) or not (0 < h <= 15) for h in hz):
        raise InputError("horizons", "range", f"each must be more than 0 and at most 15 years, got {list(hz)}")
    if any(abs(12 * h - round(12 * h)) > 1e-9 for h in hz):
        raise InputError("horizons", "whole-months", "must be whole months (multiples of 1/12 year), e.g. 1, 2.5 or 7")
    return hz


def _option_ids(options: Iterable[str] | None) -> set[str]:
    known = [o.id for o in OPTIONS]
    if options is None:
        return set(known)
    if isinstance(options, str):
        options = [options]
    chosen = set(options)
    unknown = chosen - set(known)
    if unknown:
        raise InputError("options", "enum", f"unknown option(s) {sorted(unknown)}; choose from {known}")
    return chosen | {"observation"}


def _round(n: Number) -> Number:
    if n.estimate is None:
        return n
    return Number(estimate=float(round(n.estimate)), lower=float(round(n.lower)), upper=float(round(n.upper)),
                  extrapolated=n.extrapolated, sources=n.sources, reason="out of 100 people, rounded")


def _nnt(d: Number, harm: bool = False) -> Number:
    what = "number needed to harm" if harm else "number needed to treat"
    if d.estimate is None:
        return _missing(d.reason or f"no {what}: the difference is not estimable")
    if d.lower is None or d.lower <= 0 or d.estimate <= 0:
        return _missing(f"the difference could be zero or go the other way, so no {what} is given")
    return Number(estimate=100.0 / d.estimate, lower=100.0 / d.upper, upper=100.0 / d.lower,
                  extrapolated=d.extrapolated, sources=d.sources, reason="100 / difference in percent")


def _median_slot(col: _Collector, prep, spec, endpoint, curve, r, eff, fu, sources) -> int | Number:
    c, d = _median(curve, r[0] * eff.central, r[1] * eff.draws)
    links = spec.pfs_links if endpoint == "PFS" else spec.os_links
    # A published 'not reached' stands when the model, too, puts the median past the follow-up.
    if links and len(links) == 1 and c > fu:
        link = links[0]
        for res in prep.corpus.get(link.evidence).results:
            if (res.endpoint, res.arm, res.analysis) == (endpoint, link.experimental, link.analysis) \
                    and res.median_not_reached:
                return Number(estimate=None, extrapolated=True, sources=sources,
                              reason=f"not reached in the trials (median follow-up {fu:g} months); the "
                                     f"model would place it near {c:.0f} months, beyond the evidence")
    return col.add(c, d, c > fu, sources)


def _spm_slots(col: _Collector, prep, spec: OptionSpec, pfs: _Arm, os_: _Arm | None, hz, ref) -> dict:
    """Second-cancer percents per category and horizon (collector slots or missing Numbers)."""
    out: dict[str, list] = {}
    totals: list[np.ndarray | None] = [None] * len(hz)
    totals_c: list[float] = [0.0] * len(hz)
    for cat in ("spm-hematologic", "spm-solid", "spm-any"):
        rate = _spm_rate(prep, spec, cat)
        if isinstance(rate, str):
            out[cat] = [_missing(rate)] * len(hz)
            continue
        at_risk = pfs if rate.before_progression else os_
        if at_risk is None:
            out[cat] = [_missing("needs overall survival, which is missing")] * len(hz)
            continue
        slots = []
        for k, h in enumerate(hz):
            c = 100 * rate.lam * at_risk.r_c[k]
            d = 100 * rate.lam_draws * at_risk.r_d[:, k]
            ext = 12 * h > rate.follow_up_months + 1e-9
            slots.append(col.add(c, d, ext, [rate.source],
                                 f"constant rate calibrated to {rate.published:g}% at {rate.follow_up_months:g} months"))
            if cat != "spm-any":
                totals[k] = d if totals[k] is None else totals[k] + d
                totals_c[k] += c
        out[cat] = slots
        if spec.id == "observation":
            ref[cat] = (rate, pfs, os_)
    # difference in hematologic + solid second cancers vs observation (for the number needed to harm)
    diffs = []
    obs = ref.get("spm-hematologic"), ref.get("spm-solid")
    for k, h in enumerate(hz):
        if spec.id == "observation" or totals[k] is None or None in obs or isinstance(out["spm-solid"][k], Number) \
                or isinstance(out["spm-hematologic"][k], Number):
            diffs.append(_missing("second-cancer percents for both this option and no maintenance are needed"))
            continue
        obs_c = sum(100 * r.lam * (p if r.before_progression else o).r_c[k] for r, p, o in obs)
        obs_d = sum(100 * r.lam_draws * (p if r.before_progression else o).r_d[:, k] for r, p, o in obs)
        diffs.append(col.add(totals_c[k] - obs_c, totals[k] - obs_d, 12 * h > prep.baseline.follow_up_months,
                             [s for r, _, _ in obs for s in [r.source]]))
    out["difference"] = diffs
    return out


def _spm_rate(prep, spec: OptionSpec, cat: str) -> SpmRate | str:
    key = (spec.id, cat)
    if key not in prep.spm_rates:
        src = next((s for s in spec.spm if s.category == cat), None)
        if src is None:
            prep.spm_rates[key] = f"no {cat.replace('spm-', '')} second-cancer percent for this option in the evidence base"
        else:
            try:
                prep.spm_rates[key] = _calibrate(prep, spec, src)
            except EvidenceMissing as exc:
                prep.spm_rates[key] = str(exc)
    return prep.spm_rates[key]


def _calibrate(prep, spec: OptionSpec, src) -> SpmRate:
    """SPM rate for the trial arm's *average* patient (no profile), the calibration target."""
    base = prep.baseline
    fu = _follow_up(prep.corpus, *src.follow_up)
    g = np.arange(0.0, fu + _STEP / 2, _STEP)
    if g[-1] < fu:  # end the integral exactly at the follow-up
        g = np.append(g, fu)
    links = spec.pfs_links if src.before_progression else (spec.os_links or ())
    eff, err = _chain(prep, links)
    if eff is None:
        raise EvidenceMissing(err or "missing hazard ratio")
    curve = base.pfs if src.before_progression else base.os
    s_c = np.exp(-eff.central * curve.cumhaz(g))
    s_d = np.exp(-eff.draws[:, None] * curve.cumhaz_draws(g))
    dt = np.diff(g)
    r_c = float(np.sum(0.5 * (s_c[1:] + s_c[:-1]) * dt))
    r_d = np.sum(0.5 * (s_d[:, 1:] + s_d[:, :-1]) * dt, axis=1)
    return calibrate_spm(prep.corpus, src, r_c, r_d, _rng(prep.seed, 3, OPTIONS.index(spec)))


def _apply_subgroups(prep, spec: OptionSpec, prof: PatientProfile, eff: _Effect) -> tuple[_Effect, list[str], bool]:
    """The option's PFS effect modified by shrunk subgroup evidence for this profile, if any."""
    flags: list[str] = []
    modified = False
    for i, rule in enumerate(spec.subgroups):
        m = subgroup_modifier(prep.corpus, rule, prof, prep.n_draws, _rng(prep.seed, 4, OPTIONS.index(spec), i))
        if m is None:
            continue
        flags.append(m.flag)
        if m.central != 1.0 or np.any(m.draws != 1.0):
            modified = True
        eff = _Effect(eff.central * m.central, eff.draws * m.draws, eff.sources + m.sources, eff.follow_up,
                      eff.published_ci if m.central == 1.0 and not np.any(m.draws != 1.0) else None)
    return eff, flags, modified


_LOWER = {"high": "moderate", "moderate": "low", "low": "very low", "very low": "very low"}


def _path(spec: OptionSpec, eff, extra_flags: list[str] = (), modified: bool = False) -> EvidencePath:
    flags = list(spec.flags) + list(extra_flags)
    tiers = {s.tier for s in eff.sources}
    if "secondary" in tiers and not any("secondary" in f for f in flags):
        flags.append("a key number comes from a secondary source (news, review or summary)")
    desc = {
        "reference": "the comparison arm of the randomized trials (placebo or no maintenance)",
        "direct-randomized": "randomized trial(s) comparing this option with placebo or no maintenance",
        "indirect": "indirect comparison through lenalidomide: no trial compared this option with no maintenance",
    }[spec.path]
    if modified:  # a subgroup result changed the effect: say so, and trust it less
        return EvidencePath(kind="post-hoc-subgroup", description=desc + "; adjusted by a subgroup result",
                            strength=_LOWER[spec.strength], flags=flags)  # type: ignore[arg-type]
    return EvidencePath(kind=spec.path, description=desc, strength=spec.strength, flags=flags)  # type: ignore[arg-type]


def _regimen(corpus: Corpus, spec: OptionSpec) -> Regimen | None:
    schedules, sources, durations = [], [], []
    for evidence, arm in spec.regimens:
        if evidence not in corpus.files:
            continue
        a = next((x for x in corpus.get(evidence).arms if x.id == arm and x.regimen), None)
        if a is None:
            continue
        r = a.regimen
        parts = []
        for c in r.components:
            if c.dose is None:
                continue
            days = f" days {c.days}" if c.days else ""
            cyc = f" of {c.cycle_days}-day cycles" if c.cycle_days else ""
            note = f" ({c.note})" if c.note else ""
            parts.append(f"{c.drug} {c.dose:g} {c.dose_unit}{days}{cyc}{note}")
        if parts:
            esc = f"; escalation: {r.escalation}" if r.escalation else ""
            schedules.append(f"{evidence}: " + "; ".join(parts) + esc)
        durations.append(r.duration.rule + (f" ({r.duration.months:g} months)" if r.duration.months else ""))
        src = next(x for x in corpus.get(evidence).sources if x.id == r.source)
        sources.append(SourceRef(evidence=evidence, what=f"regimen of {a.label}", citation=src.citation,
                                 url=src.url, locator=r.locator, tier=src.tier))  # type: ignore[arg-type]
    if not sources:
        return None
    notes = []
    for evidence, fact_id in spec.dosing_facts:
        fact = next((f for f in corpus.get(evidence).facts if f.id == fact_id), None) if evidence in corpus.files else None
        if fact is None:
            continue
        refs = [cite(corpus, evidence, v, f"{fact.topic}: {k}") for k, v in fact.values.items()]
        if not refs:
            continue
        notes.append(DosingNote(topic=fact.topic, text=fact.text, sources=refs))
    return Regimen(summary=spec.description, schedules=schedules,
                   duration="; ".join(dict.fromkeys(durations)), sources=sources, dosing_notes=notes)
