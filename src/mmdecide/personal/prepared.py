"""What an estimate needs that does not depend on the profile, prepared once and cached.

Per (evidence base, draws, seed): the baseline fit, the disease-only hazard of the trial
population (background deaths at the trials' age removed), the death rate after progression
calibrated to the control arm's median overall survival, every hazard ratio with its draws, and
per option the factor on the death rate after progression fitted to that option's OS hazard ratio.
Arrays over "ext" columns hold (central, draw 1, ..., draw n).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar, cast

import numpy as np

from ..engine.indirect import chain_draws

from ..evidence import Corpus, load_corpus
from .background import TrialAge, background_cumhaz, trial_age
from .baseline import Baseline, build_baseline
from .options import OPTIONS, OptionSpec
from .result import SourceRef
from .sources import EvidenceMissing, HRLink, cite, find_comparison, follow_up_months, hr_interval
from .structure import curves, solve_scale

__all__ = ["GRID_MONTHS", "Effect", "Prepared", "central_effect", "chain", "curves", "prepared"]

GRID_MONTHS = 180  # 15 years: the longest horizon, and the cap on every median and bound
_Z = 1.959963984540054
_MCCARTHY_PFS = HRLink("mccarthy-2017-meta", "PFS", "jco-2017", "lenalidomide", "control")
_T = TypeVar("_T")


@dataclass
class Effect:
    central: float
    ext: np.ndarray  # (n+1,) central then draws
    sources: list[SourceRef]
    follow_up: float
    published_ci: tuple[float, float] | None = None

    @property
    def draws(self) -> np.ndarray:
        return self.ext[1:]


@dataclass
class Prepared:
    corpus: Corpus
    baseline: Baseline
    n_draws: int
    seed: int
    age: TrialAge
    grid: np.ndarray  # months 0..GRID_MONTHS
    bg_trial: np.ndarray  # (T,) background cumulative hazard at the trials' age
    h_dis: np.ndarray  # (T, n+1) disease-only PFS cumulative hazard, trial population
    lam: np.ndarray  # (n+1,) monthly death rate after progression
    links: dict[HRLink, Effect] = field(default_factory=dict)
    link_errors: dict[HRLink, str] = field(default_factory=dict)
    kappas: dict[str, tuple[np.ndarray, float]] = field(default_factory=dict)
    #: profile-independent parts of an estimate made by the modules above this one (second-cancer
    #: rates, induction scales, ...), computed once: see ``cached``
    memo: dict[Hashable, object] = field(default_factory=dict)

    def kappa(self, spec: OptionSpec, pfs: Effect, os_: Effect | None) -> tuple[np.ndarray, float]:
        """(n+1,) factor on the death rate after progression for the option, and the share of
        draws whose OS hazard ratio the structure could not reach (then held at the bound)."""
        if spec.id not in self.kappas:
            self.kappas[spec.id] = _fit_kappa(self, pfs, os_)
        return self.kappas[spec.id]

    def cached(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()`` once per prepared evidence base and ``key``; callers treat it as read-only.

        The modules that fill this cache (harms, induction, model) import this one, so it cannot
        name their types; each key is made by one ``make`` only (keys start with the maker's
        name), which is why the value read back has that ``make``'s type."""
        if key not in self.memo:
            self.memo[key] = make()
        return cast(_T, self.memo[key])


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _calibrate_lambda(prep: Prepared) -> np.ndarray:
    """Death rate after progression so the observation arm's OS crosses 0.5 at its median."""
    med = prep.baseline.os_median
    k = math.ceil(float(med.max())) + 2
    k = min(k, len(prep.grid))
    h, bg = prep.h_dis[:k], prep.bg_trial[:k]
    lo = np.floor(np.minimum(med, k - 2)).astype(int)
    frac = np.minimum(med, k - 2) - lo
    cols = np.arange(h.shape[1])

    def os_at_median(x: np.ndarray) -> np.ndarray:
        _, os_ = curves(h, np.ones(h.shape[1]), np.exp(x), bg)
        return -((1 - frac) * os_[lo, cols] + frac * os_[lo + 1, cols])  # increasing in x

    x, _ = solve_scale(os_at_median, np.full(h.shape[1], -0.5), math.log(1e-4), 0.0, iters=40)
    return np.exp(x)


def _fit_kappa(prep: Prepared, pfs: Effect, os_: Effect | None) -> tuple[np.ndarray, float]:
    n1 = prep.n_draws + 1
    if os_ is None or not pfs.sources:
        return np.ones(n1), 0.0
    t = int(min(GRID_MONTHS, round(os_.follow_up if math.isfinite(os_.follow_up) else prep.baseline.follow_up_months)))
    h, bg = prep.h_dis[: t + 1], prep.bg_trial[: t + 1]
    _, os_obs = curves(h, np.ones(n1), prep.lam, bg)
    log_obs = np.log(os_obs[t])

    def ratio(x: np.ndarray) -> np.ndarray:
        _, o = curves(h, pfs.ext, prep.lam * np.exp(x), bg)
        return np.log(o[t]) / log_obs

    x, hit = solve_scale(ratio, os_.ext, math.log(1 / 20), math.log(20), iters=30)
    return np.exp(x), float(1.0 - hit[1:].mean())


def _prepare_link(prep: Prepared, link: HRLink, stream: int) -> None:
    try:
        e = find_comparison(prep.corpus, link).estimate
        hr, lower, upper = hr_interval(e, f"{link.evidence}: {link.describe()}")  # as checked there, typed
    except EvidenceMissing as exc:
        prep.link_errors[link] = str(exc)
        return
    if link == _MCCARTHY_PFS:  # the baseline fit's own draws: the HR enters once
        ext = prep.baseline.len_pfs_hr
    else:
        se = (math.log(upper) - math.log(lower)) / (2 * _Z)
        z = _rng(prep.seed, 100 + stream).standard_normal(prep.n_draws)
        ext = np.concatenate([[hr], np.exp(math.log(hr) + se * z)])
    labels = {a.id: a.label for a in prep.corpus.get(link.evidence).arms}
    what = f"{link.endpoint} HR {labels.get(link.experimental)} vs {labels.get(link.control)} [{link.analysis}]"
    fu = follow_up_months(prep.corpus, link.evidence, link.analysis)
    prep.links[link] = Effect(hr, ext, [cite(prep.corpus, link.evidence, e, what)],
                              math.nan if fu is None else fu, (lower, upper))


def chain(prep: Prepared, links: Iterable[HRLink] | None) -> tuple[Effect | None, str | None]:
    """The option's effect vs observation: one link as is, or several multiplied (Bucher)."""
    if links is None:
        return None, "no hazard ratio for this endpoint in the evidence base"
    links = tuple(links)
    n1 = prep.n_draws + 1
    if not links:
        return Effect(1.0, np.ones(n1), [], math.inf), None
    for link in links:
        if link in prep.link_errors:
            return None, prep.link_errors[link]
    if len(links) == 1:
        eff = prep.links[links[0]]
        fu = eff.follow_up if not math.isnan(eff.follow_up) else math.inf
        return Effect(eff.central, eff.ext, eff.sources, fu, eff.published_ci), None
    effs = [prep.links[link] for link in links]
    central, ext = chain_draws([e.central for e in effs], [e.ext for e in effs])  # Bucher
    sources = [src for e in effs for src in e.sources]
    fu = min((e.follow_up for e in effs if not math.isnan(e.follow_up)), default=math.inf)
    return Effect(central, ext, sources, fu), None


_CORPORA: dict[int, Corpus] = {}


@lru_cache(maxsize=1)
def default_corpus() -> Corpus:
    return load_corpus()


def corpus_key(corpus: Corpus) -> int:
    _CORPORA[id(corpus)] = corpus
    return id(corpus)


@lru_cache(maxsize=8)
def _prepared(key: int, n_draws: int, seed: int) -> Prepared:
    corpus = _CORPORA[key]
    base = build_baseline(corpus, n_draws, _rng(seed, 1))
    age = trial_age(corpus)
    grid = np.arange(0.0, GRID_MONTHS + 0.5, 1.0)
    bg = background_cumhaz(age.years, None, grid)
    h_all = base.pfs_cumhaz(grid)
    # disease-only hazard: never below zero, never decreasing (relative survival)
    h_dis = np.maximum.accumulate(np.maximum(h_all - bg[:, None], 0.0), axis=0)
    prep = Prepared(corpus=corpus, baseline=base, n_draws=n_draws, seed=seed, age=age, grid=grid,
                    bg_trial=bg, h_dis=h_dis, lam=np.ones(n_draws + 1))
    prep.lam = _calibrate_lambda(prep)
    all_links = [lk for o in OPTIONS for lk in (*o.pfs_links, *(o.os_links or ()))]
    for i, link in enumerate(dict.fromkeys(all_links)):
        _prepare_link(prep, link, i)
    return prep


def prepared(corpus: Corpus, n_draws: int, seed: int) -> Prepared:
    return _prepared(corpus_key(corpus), n_draws, seed)


def central_effect(prep: Prepared, option: str) -> tuple[float, float] | None:
    """(PFS hazard multiplier, death-rate factor after progression), central, for an option: 1, 1
    for no maintenance; None for an option without a PFS effect. The calibration and the anchor
    diagnostic run the model's central curve for a trial's arm with these."""
    if option == "observation":
        return 1.0, 1.0
    spec = next(o for o in OPTIONS if o.id == option)
    pfs, _ = chain(prep, spec.pfs_links)
    os_, _ = chain(prep, spec.os_links)
    if pfs is None:
        return None
    kappa, _ = prep.kappa(spec, pfs, os_)
    return float(pfs.ext[0]), float(kappa[0])
