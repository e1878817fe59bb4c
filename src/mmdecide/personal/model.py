"""Personal estimates: benefit and harm of each option for a profile, with uncertainty.

Each Monte Carlo column is one latent patient (``prognosis.Plan``): the unknown profile inputs
are drawn once and shared by progression and survival; the evidence is drawn once per column and
shared by every option. For an option with PFS hazard ratio HR and a patient with relative
hazard R, the disease-only progression-free survival is exp(-R HR H_disease(t)); overall survival
adds the chance of being alive after progression (``structure``), so PFS <= OS in every column;
deaths from other causes come from the life table at the patient's age and sex (``background``).
Central estimates use the published values; the 95% ranges are the 2.5th and 97.5th percentiles
of the main columns, split into "how sure the studies are" and "what we don't know about you".
Indirect comparisons multiply their links' hazard ratios column by column (Bucher 1997).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from ..timeunits import is_whole_months, whole_months
from ..errors import InputError
from ..evidence import Corpus
from .background import LIFE_TABLE, background_cumhaz
from .harms import side_effects, spm_slots
from .induction import induction_scale
from .inputs import input_uses, missing_inputs
from .eligibility import outside_population
from .options import NOT_OFFERED, OPTIONS, OptionSpec, Strength
from .prepared import GRID_MONTHS, Effect, Prepared, chain, curves, default_corpus, prepared
from .profile import PatientProfile, parse_profile
from .prognosis import Plan, apply, profile_effects
from .regimen import regimen
from .result import (
    EstimateResult,
    EvidencePath,
    HorizonResult,
    NotOffered,
    Number,
    OptionResult,
    SourceRef,
)  # fmt: skip
from .columns import Collector as _Collector
from .columns import median_cols as _median_cols
from .columns import number as _number
from .columns import rmst as _rmst
from .structure import LAMBDA_MAX, os_from_pfs, progressed_alive, solve_scale
from .subgroups import subgroup_modifier

__all__ = ["DEFAULT_DRAWS", "DEFAULT_HORIZONS", "DEFAULT_SEED", "DISCLAIMER", "run_model"]

DEFAULT_HORIZONS = (1.0, 2.0, 3.0, 5.0, 7.0)
DEFAULT_DRAWS = 2000
DEFAULT_SEED = 20171107  # fixed: the same profile always gives the same numbers
DISCLAIMER = (
    "This is information to talk about with your care team. It is not medical advice. The numbers "
    "come from clinical trials and describe groups of people, not what will happen to you."
)
_REFERENCE_HR = Number(estimate=1.0, lower=1.0, upper=1.0, reason="the reference option")
_PROGNOSIS_AT = 60  # months: the R-ISS landmark at which a patient's OS relative hazard is matched
#: (hazard, hazard multiplier, death rate after progression, background, patient's PFS relative
#: hazard) per column: what the waning scenario recomputes from
_Parts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_SpecRows = tuple[np.ndarray, Sequence[bool], list[SourceRef], str | None, bool]  # one ``Collector.batch`` item


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _missing(reason: str) -> Number:
    return Number(estimate=None, reason=reason)


class _Arm:
    """An option's curves. ``pfs``/``os``: the central and main columns over the whole grid
    (medians need it); ``split_*``: the split-range columns, used up to the last horizon only.

    Made from one array per endpoint holding all the columns, main then split, so the horizons'
    rows and restricted means of all of them come from one call each (the split columns' rows
    past the last horizon are computed but not used)."""

    def __init__(self, pfs: np.ndarray, os_: np.ndarray, m: int, cols: list[int]) -> None:
        top = max(cols) + 1
        self.pfs, self.os = pfs[:, :m], os_[:, :m]
        self.pfs_all, self.os_all = pfs, os_
        self.split_pfs, self.split_os = pfs[:top, m:], os_[:top, m:]
        self.pfs_h, self.os_h = pfs[cols], os_[cols]
        self.pfs_r, self.os_r = _rmst(pfs, cols), _rmst(os_, cols)


def _patient_kappa(prep: Prepared, h: np.ndarray, r_pfs: np.ndarray, r_os: np.ndarray, lam: np.ndarray,
                   key: Hashable) -> tuple[np.ndarray, float]:
    """Factor on the death rate after progression so that the patient's OS relative hazard at
    60 months (disease only, 3-month grid) is the prognostic evidence's R_os. ``key``: what
    ``h`` and ``lam`` depend on (the average patient's curve is made once per key)."""
    if np.all(r_pfs == 1.0) and np.all(r_os == 1.0):
        return np.ones_like(r_os), 0.0
    hh = h[: _PROGNOSIS_AT + 1 : 3]

    def average_patient() -> np.ndarray:
        ones = np.ones(h.shape[1])
        return np.log(os_from_pfs(np.exp(-hh * ones[None, :]), lam, 3.0)[-1])

    ref = prep.cached(("kappa_ref", key), average_patient)

    p_patient = np.exp(-hh * r_pfs[None, :])  # the same in every step of the solve: made once

    def ratio(x: np.ndarray) -> np.ndarray:  # os_from_pfs(...)[-1], without summing the other rows
        return np.log(progressed_alive(p_patient, lam * np.exp(x), 3.0)[-1] + p_patient[-1]) / ref

    x, hit = solve_scale(ratio, r_os, math.log(1 / 20), math.log(20), iters=12)
    return np.exp(x), float(1.0 - hit.mean())


def run_model(
    profile: PatientProfile | dict[str, Any] | None = None,  # as mmdecide.personal.estimate takes it
    options: Iterable[str] | None = None,
    horizons: Iterable[float] | None = None,
    *,
    corpus: Corpus | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> EstimateResult:
    """The model's estimate without the calibration against each option's own trial, which
    :func:`mmdecide.personal.estimate` adds (the calibration runs this function itself)."""
    prof = parse_profile(profile)
    hz = _horizons(horizons)
    if not isinstance(n_draws, int) or isinstance(n_draws, bool) or not 200 <= n_draws <= 100_000:
        raise InputError("n_draws", "range", f"must be a whole number from 200 to 100000, got {n_draws!r}")
    wanted = _option_ids(options)
    corpus = corpus if corpus is not None else default_corpus()
    prep = prepared(corpus, n_draws, seed)
    plan = Plan(n_draws, max(100, n_draws // 8))
    idx = plan.evidence_index()

    effects = profile_effects(corpus, prof, n_draws, _rng(seed, 2))
    r = apply(effects, plan, _rng(seed, 5))
    ind = induction_scale(prep, prof.induction)  # the patient's baseline: c_induction x H_disease (induction.py)
    prof_sources = [src for e in effects for sh in (e.pfs, e.os) if sh for src in sh.sources] + list(ind.sources)
    # single precision for the curves (ample for percents, half the memory traffic), once per
    # draw plan and induction class: it does not depend on the rest of the profile
    h = prep.cached(("h32", plan, prof.induction), lambda: ind.hazard(prep.h_dis, idx))
    lam = prep.lam[idx]
    k_pat, k_miss = _patient_kappa(prep, h, r.pfs, r.os, lam, (plan, prof.induction))
    age = prof.age if prof.age is not None else prep.age.years
    bg = background_cumhaz(age, prof.sex, prep.grid)
    cols = [whole_months(x) for x in hz]
    col = _Collector(plan)

    results: list[OptionResult] = []
    not_offered = [NotOffered(option=i, label=label, reason=why) for i, label, why in NOT_OFFERED]
    obs: _Arm | None = None  # observation comes first in OPTIONS: every option is compared with it
    spm_ref: dict[str, list[np.ndarray]] = {}  # the observation arm's second-cancer percents
    for spec in OPTIONS:
        if spec.id not in wanted:
            continue
        why = spec.requires(prof)
        pfs_eff, pfs_err = chain(prep, spec.pfs_links)
        if why is not None or pfs_eff is None:
            why = why if why is not None else f"its progression-free survival evidence is missing: {pfs_err}"
            not_offered.append(NotOffered(option=spec.id, label=spec.label, reason=why))
            continue
        os_eff, os_err = chain(prep, spec.os_links)
        kappa, k_opt_miss = prep.kappa(spec, pfs_eff, os_eff)
        pfs_eff, extra_flags, modified = _apply_subgroups(prep, spec, prof, pfs_eff)
        mult = r.pfs * pfs_eff.ext[idx]
        lam_o = lam * kappa[idx] * k_pat
        # one call for all columns: the split columns' rows past the last horizon are a tenth of the
        # work, a second month-by-month recursion cost more
        arm = _Arm(*curves(h, mult, lam_o, bg), 1 + n_draws, cols)
        obs = arm if spec.id == "observation" else obs
        assert obs is not None, "OPTIONS must list observation first"
        res = _option_result(prep, spec, col, arm, obs, hz, cols, pfs_eff, os_eff, os_err,
                             extra_flags, modified, prof_sources, (h, mult, lam_o, bg, r.pfs), spm_ref, k_opt_miss)
        results.append(res.model_copy(update={"outside_population": outside_population(corpus, spec.id, prof)}))
    assumptions = _assumptions(prep, ind.assumption, k_miss)
    return EstimateResult(
        profile=prof, disclaimer=DISCLAIMER, horizons_years=list(hz), n_draws=n_draws, seed=seed,
        options=results, not_offered=not_offered,
        profile_effects=[e.as_result() for e in effects], assumptions=assumptions,
        inputs=input_uses(prof, effects, prep.age, ind.how), missing_inputs=missing_inputs(r.unknown_variance),
        projection_horizon_months=float(GRID_MONTHS),
    )  # fmt: skip


def _assumptions(prep: Prepared, induction_assumption: str, k_miss: float) -> list[str]:
    """The model's assumptions as the estimate states them, each with its source or reason."""
    assumptions = list(prep.baseline.assumptions) + [induction_assumption,
        (f"Deaths from other causes follow the US life table for the patient's age and sex "
        f"({LIFE_TABLE.citation} {LIFE_TABLE.url}); the trials' own background deaths, at their median age of "
        f"{prep.age.years:g} ({prep.age.note}), are taken out first so they are not counted twice."),
        ("Characteristics of the patient multiply the myeloma hazard independently of each other and "
        "of the treatment (no evidence on interactions was found); a characteristic's overall-"
        f"survival hazard ratio sets the death rate after progression, matched at {_PROGNOSIS_AT} months."),
        ("A missing profile field means 'like the average trial patient'; where the evidence gives "
        "the levels and their shares, the ranges widen to show what not knowing costs."),
        ("Second cancers: a constant rate while progression-free (McCarthy 2017 counted them before "
        "progression) or while alive (trials that counted them over all follow-up), calibrated to "
        "the published percent at the trial's median follow-up."),
        ("Numbers beyond the median follow-up of the trials they come from are projections, marked "
        "'extrapolated'; beyond follow-up they are shown twice: with the effect held, and with the "
        "effect on progression stopping at the follow-up (NICE DSU TSD 14 and 19)."),
        f"No median or bound is given beyond {GRID_MONTHS} months (15 years).",
    ]
    if k_miss > 0.01:
        assumptions.append(f"In {100 * k_miss:.0f}% of draws the patient's survival hazard ratio could not "
                           "be matched by the illness-death structure and was held at the nearest bound.")
    return assumptions


def _option_result(prep: Prepared, spec: OptionSpec, col: _Collector, arm: _Arm, obs: _Arm,
                   hz: tuple[float, ...], cols: list[int], pfs_eff: Effect, os_eff: Effect | None,
                   os_err: str | None, extra_flags: list[str], modified: bool, prof_sources: list[SourceRef],
                   parts: _Parts, ref: dict[str, list[np.ndarray]], k_opt_miss: float) -> OptionResult:
    base = prep.baseline
    is_ref = spec.id == "observation"
    fu_pfs = _dated(spec, base.follow_up_months, pfs_eff)
    fu_os = _dated(spec, base.follow_up_months, os_eff) if os_eff is not None else fu_pfs
    # the life table (not an evidence file) is cited in the assumptions and the inputs list
    pfs_src = list(base.pfs_sources) + pfs_eff.sources
    os_src = list(base.os_sources) + (os_eff.sources if os_eff else [])
    no_os = f"no overall-survival evidence: {os_err}"
    wane = _waning(prep, parts, arm, fu_pfs, cols) if not is_ref and any(c > fu_pfs for c in cols) else None
    spm = spm_slots(col, prep, spec, arm, os_eff is not None, hz, cols, ref)
    horizons = _horizon_rows(col, spec, arm, obs, hz, cols, (fu_pfs, fu_os), (pfs_src, os_src, prof_sources),
                             os_eff is not None, no_os, wane, spm)
    notes = [spec.description]
    if k_opt_miss > 0.01:
        notes.append(f"In {100 * k_opt_miss:.0f}% of draws the option's overall-survival hazard ratio could not be "
                     "matched by the illness-death structure and was held at the nearest bound.")
    return OptionResult(
        option=spec.id, label=spec.label, plain_label=spec.plain_label,
        evidence=_path(spec, pfs_eff, extra_flags, modified), regimen=prep.cached(("regimen", spec.id), lambda: regimen(prep.corpus, spec)),
        median_pfs_months=_median_number(col, prep, spec, "PFS", arm.pfs_all, fu_pfs, pfs_src),
        median_os_months=(_median_number(col, prep, spec, "OS", arm.os_all, fu_os, os_src)
                          if os_eff is not None else _missing(no_os)),
        hr_pfs_vs_observation=_REFERENCE_HR if is_ref else _published(col, pfs_eff),
        hr_os_vs_observation=(_REFERENCE_HR if is_ref else _published(col, os_eff) if os_eff is not None
                              else _missing(no_os)),
        horizons=horizons, side_effects=list(prep.cached(("side_effects", spec.id), lambda: side_effects(prep.corpus, spec))), notes=notes,
    )  # fmt: skip


def _horizon_rows(col: _Collector, spec: OptionSpec, arm: _Arm, obs: _Arm, hz: tuple[float, ...], cols: list[int],
                  fu: tuple[float, float], srcs: tuple[list[SourceRef], list[SourceRef], list[SourceRef]],
                  has_os: bool, no_os: str, wane: tuple[np.ndarray, np.ndarray] | None,
                  spm: dict[str, list[Number]]) -> list[HorizonResult]:
    """The option's numbers at each horizon; each quantity's percentiles for every horizon at once."""
    fu_pfs, fu_os = fu
    pfs_src, os_src, prof_sources = srcs
    is_ref = spec.id == "observation"
    ext_p = [c > fu_pfs + 1e-9 for c in cols]
    ext_o = [c > fu_os + 1e-9 for c in cols]
    gain_why = ("restricted mean progression-free months, difference from no maintenance",
                "restricted mean months of life, difference from no maintenance")
    specs: list[_SpecRows] = [(100 * arm.pfs_h, ext_p, pfs_src + prof_sources, None, True),
             (100 * (arm.pfs_h - obs.pfs_h), ext_p, pfs_src, None, False),
             (arm.pfs_r - obs.pfs_r, ext_p, pfs_src, gain_why[0], False)]
    if has_os:
        specs += [(100 * arm.os_h, ext_o, os_src + prof_sources, None, True),
                  (100 * (arm.os_h - obs.os_h), ext_o, os_src, None, False),
                  (arm.os_r - obs.os_r, ext_o, os_src, gain_why[1], False)]
    if wane is not None:
        reason = f"scenario: the effect on progression stops at {fu_pfs:g} months (hazard ratio 1 afterwards)"
        specs.append((100 * wane[0], [True] * len(cols), pfs_src + prof_sources, reason, False))
        if has_os:
            specs.append((100 * wane[1], [True] * len(cols), os_src + prof_sources, reason, False))
    nums = iter(col.batch(specs))
    pfs_n, d_p, gain_p = next(nums), next(nums), next(nums)
    if has_os:
        os_n, d_o, gain_o = next(nums), next(nums), next(nums)
    wane_o: list[Number] | None = None
    if wane is not None:
        wane_p = next(nums)
        wane_o = next(nums) if has_os else None
    horizons = []
    for k, yr in enumerate(hz):
        row: dict[str, Number] = {
            "pfs_percent": pfs_n[k], "pfs_difference_percent": d_p[k],
            "pfs_out_of_100": _round(pfs_n[k]), "pfs_months_gained": gain_p[k],
            "nnt_pfs": _missing("the reference option") if is_ref else _nnt(d_p[k]),
        }
        if has_os:
            row.update(os_percent=os_n[k], os_out_of_100=_round(os_n[k]), os_difference_percent=d_o[k],
                       os_months_gained=gain_o[k])
        else:
            row.update(os_percent=_missing(no_os), os_out_of_100=_missing(no_os),
                       os_difference_percent=_missing(no_os), os_months_gained=_missing(no_os))
        if wane is not None and ext_p[k]:
            row["pfs_percent_effect_wanes"] = wane_p[k]
            if wane_o is not None:  # there is an OS scenario exactly when has_os
                row["os_percent_effect_wanes"] = wane_o[k]
        row.update(spm_hematologic_percent=spm["spm-hematologic"][k], spm_solid_percent=spm["spm-solid"][k],
                   spm_any_percent=spm["spm-any"][k],
                   nnh_spm=_missing("the reference option") if is_ref else _nnt(spm["difference"][k], harm=True))
        horizons.append(HorizonResult(years=yr, **row))
    return horizons


def _dated(spec: OptionSpec, baseline_follow_up: float, eff: Effect) -> float:
    """Months of follow-up behind an option's numbers: a direct randomized option is dated by its
    own trial (TOURMALINE-MM3 followed people for 94 months), not by the meta-analysis behind the
    no-maintenance baseline; indirect options by the shorter of the two."""
    if spec.path == "direct-randomized" and math.isfinite(eff.follow_up):
        return eff.follow_up
    return min(baseline_follow_up, eff.follow_up)


def _waning(prep: Prepared, parts: _Parts, arm: _Arm, fu: float, cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """PFS and OS at the horizons if the option's effect on progression stops at the follow-up.

    Up to the follow-up month t the scenario is the main curve; from t on, the progression hazard
    is the patient's without the option (HR 1) and the progressed state carries on from A(t)."""
    h, mult, lam, bg, r_pfs = parts
    t = math.floor(fu)
    top = max(cols)
    keep = slice(0, 1 + prep.n_draws)  # the scenario's range comes from the main draws only
    h, mult, lam, r_pfs = h[t: top + 1, keep], mult[keep], lam[keep], r_pfs[keep]
    b = np.exp(-bg[t: top + 1])[:, None].astype(h.dtype)
    p0 = np.exp(-h[0] * mult)  # P(t), as in the main curve
    a0 = arm.os[t, keep] / b[0] - arm.pfs[t, keep] / b[0]  # A(t) = OS/B - P
    # p0 exp(-(h - h0) r), in place: x (-r) is -(x r) exactly (negation is exact), and the
    # products are the same whichever side p0 is on
    p = np.multiply(h - h[0][None, :], -r_pfs[None, :])
    np.exp(p, out=p)
    p *= p0[None, :]
    rows = np.array([c - t for c in cols])
    at = np.maximum(rows, 0)  # only the horizons' rows are needed from here on
    a = progressed_alive(p, lam, 1.0)[at]  # progressions after t
    a += np.maximum(a0, 0.0)[None, :] * np.exp(-np.clip(lam, 0.0, LAMBDA_MAX)[None, :]
                                              * at[:, None]).astype(h.dtype)
    pfs_w, os_w = p[at] * b[at], (p[at] + a) * b[at]
    early = rows < 0  # horizons before the follow-up: the scenario equals the main curve
    if early.any():
        pfs_w[early], os_w[early] = arm.pfs_h[early][:, keep], arm.os_h[early][:, keep]
    return pfs_w, os_w


def _median_number(col: _Collector, prep: Prepared, spec: OptionSpec, endpoint: str, surv: np.ndarray, fu: float,
                   sources: list[SourceRef]) -> Number:
    m = _median_cols(surv, 1 + prep.n_draws)  # medians carry no split ranges
    c = float(m[0])
    links = spec.pfs_links if endpoint == "PFS" else spec.os_links
    # A published 'not reached' stands when the model, too, puts the median past the follow-up.
    if links and len(links) == 1 and c > fu:
        link = links[0]
        for res in prep.corpus.get(link.evidence).results:
            if (res.endpoint, res.arm, res.analysis) == (endpoint, link.experimental, link.analysis) \
                    and res.median_not_reached:
                near = f"near {c:.0f} months" if math.isfinite(c) else f"beyond {GRID_MONTHS} months"
                return Number(estimate=None, extrapolated=True, sources=sources, beyond_follow_up=fu,
                              reason=f"not reached in the trials (median follow-up {fu:g} months); the "
                                     f"model would place it {near}, beyond the evidence")
    if not math.isfinite(c):
        return Number(estimate=None, extrapolated=True, sources=sources, beyond_follow_up=fu,
                      reason=f"more than {GRID_MONTHS} months: beyond the longest time the model projects")
    n = col.number(np.minimum(m, GRID_MONTHS), c > fu, sources)
    reason = None
    capped = n.upper is not None and n.upper >= GRID_MONTHS  # the 97.5th percentile of the main draws
    if capped:
        reason = f"upper bound capped at {GRID_MONTHS} months (15 years)"
    # any bound past the follow-up is a projection, not only the central value (issue 8, point 7)
    upper_past = n.upper is not None and n.upper > fu
    return n.model_copy(update={"beyond_follow_up": fu if c > fu else None, "reason": reason,
                                "upper_beyond_follow_up": fu if upper_past else None, "upper_capped": capped})


def _published(col: _Collector, eff: Effect) -> Number:
    """An HR taken as published shows the published 95% CI (the draws only approximate it)."""
    n = col.number(eff.ext[col.plan.evidence_index()], False, eff.sources)
    n = n.model_copy(update={"estimate": eff.central})
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
    if not all(is_whole_months(h) for h in hz):
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
    lower, upper = (None if b is None else float(round(b)) for b in (n.lower, n.upper))
    # rounding keeps lower <= estimate <= upper and the sources are already once each: nothing
    # for the validator to check
    return _number(float(round(n.estimate)), lower, upper, n.extrapolated, list(n.sources),
                   "out of 100 people, rounded")


def _nnt(d: Number, harm: bool = False) -> Number:
    what = "number needed to harm" if harm else "number needed to treat"
    if d.estimate is None:
        return _missing(d.reason or f"no {what}: the difference is not estimable")
    if d.lower is None or d.upper is None or d.lower <= 0 or d.estimate <= 0:
        return _missing(f"the difference could be zero or go the other way, so no {what} is given")
    # all three positive, so lower <= estimate <= upper holds as it did for the difference
    return _number(100.0 / d.estimate, 100.0 / d.upper, 100.0 / d.lower, d.extrapolated, list(d.sources),
                   "100 / difference in percent")


def _apply_subgroups(prep: Prepared, spec: OptionSpec, prof: PatientProfile, eff: Effect) -> tuple[Effect, list[str], bool]:
    """The option's PFS effect modified by shrunk subgroup evidence for this profile, if any."""
    flags: list[str] = []
    modified = False
    for i, rule in enumerate(spec.subgroups):
        # depends on the profile only through its level, and its draws on a fixed stream: made
        # once per level (the random-effects pool and the draws were a millisecond per estimate)
        key = ("subgroup_modifier", spec.id, i, rule.profile_level(prof))
        m = prep.cached(key, lambda: subgroup_modifier(prep.corpus, rule, prof, prep.n_draws,
                                                       _rng(prep.seed, 4, OPTIONS.index(spec), i)))
        if m is None:
            continue
        flags.append(m.flag)
        if m.central != 1.0 or np.any(m.draws != 1.0):
            modified = True
        ext = eff.ext * np.concatenate([[m.central], m.draws])
        eff = Effect(eff.central * m.central, ext, eff.sources + m.sources, eff.follow_up,
                     eff.published_ci if m.central == 1.0 and not np.any(m.draws != 1.0) else None)
    return eff, flags, modified


_LOWER: dict[Strength, Strength] = {"high": "moderate", "moderate": "low", "low": "very low", "very low": "very low"}


def _path(spec: OptionSpec, eff: Effect, extra_flags: Sequence[str] = (), modified: bool = False) -> EvidencePath:
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
                            strength=_LOWER[spec.strength], flags=flags)
    return EvidencePath(kind=spec.path, description=desc, strength=spec.strength, flags=flags)


