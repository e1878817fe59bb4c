"""Harms on the same scale as benefits: second cancers and common side effects.

Second primary cancers (SPM) are modelled as a competing risk with a constant hazard that acts
while a person is progression-free (McCarthy 2017 counted SPM *before progression*) or, where a
trial counted them over all follow-up, while alive. The hazard is calibrated so that the model
reproduces the published cumulative incidence at the analysis' median follow-up for the trial's
average patient:

    CIF(t) = lambda * integral_0^t S(u) du   =>   lambda = CIF_published / RMST_S(T_follow-up)

and a profile's CIF at a horizon is lambda times the profile's own restricted mean time at risk.
People who progress sooner have less time on maintenance-era risk, so their SPM percent is lower:
the model says so rather than hiding it. The published percent's uncertainty is binomial in the
arm's size.

Side effects are shown as the trials report them (percent of patients, grade, time frame), each
beside the comparator arm of the same trial, with a Wilson 95% interval from the arm's size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..evidence import Corpus
from ..evidence.schema import EvidenceFile, SafetyItem, Value
from .options import OptionSpec, SpmSource
from .prognosis import Plan
from .result import Number, SideEffect, SourceRef
from .sources import EvidenceMissing, arm_n, cite, follow_up_months

if TYPE_CHECKING:  # the estimate's prepared state; imported at run time only where used
    from .prepared import Prepared

__all__ = ["SpmRate", "calibrate_spm", "comparator_item", "normalise_grade", "side_effects", "spm_slots", "wilson"]

_Z = 1.959963984540054


@dataclass(frozen=True)
class SpmRate:
    category: str  # spm-hematologic | spm-solid | spm-any
    before_progression: bool
    lam: float
    lam_draws: np.ndarray  # (n+1,): central, then draws
    source: SourceRef
    follow_up_months: float
    published: float


def wilson(p: float, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for a proportion p (0-1) observed in n people."""
    denom = 1 + _Z**2 / n
    centre = (p + _Z**2 / (2 * n)) / denom
    half = _Z * math.sqrt(p * (1 - p) / n + _Z**2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _follow_up(corpus: Corpus, evidence: str, analysis: str) -> float:
    fu = follow_up_months(corpus, evidence, analysis)
    if fu is None:
        raise EvidenceMissing(f"{evidence}: analysis {analysis} has no median follow-up")
    return fu


def calibrate_spm(corpus: Corpus, src: SpmSource, rmst_central: float, rmst_draws: np.ndarray,
                  rng: np.random.Generator) -> SpmRate:
    """The SPM hazard of one arm, from its published cumulative incidence.

    ``rmst_*``: restricted mean time at risk (progression-free or alive) up to the follow-up, for
    the trial arm's average patient under the model, centrally and per draw (``rmst_draws`` holds
    the central value first, and so does the returned ``lam_draws``).
    """
    ev = corpus.get(src.evidence)
    item = next(
        (s for s in ev.safety if s.arm == src.arm and s.category == src.category
         and (src.analysis is None or s.analysis == src.analysis) and s.value.unit == "percent"),
        None,
    )
    if item is None or item.value.value is None:
        raise EvidenceMissing(f"{src.evidence}: no {src.category} percent for arm {src.arm}")
    p = item.value.value / 100.0
    n = arm_n(corpus, src.evidence, src.arm)
    if n is None:
        raise EvidenceMissing(f"{src.evidence}: arm {src.arm} has no n")
    fu = _follow_up(corpus, *src.follow_up)
    # binomial uncertainty on the logit scale (keeps draws inside (0, 1))
    pp = min(max(p, 0.5 / n), 1 - 0.5 / n)
    se_logit = 1.0 / math.sqrt(n * pp * (1 - pp))
    z = np.concatenate([[0.0], rng.standard_normal(rmst_draws.size - 1)])
    logit = math.log(pp / (1 - pp)) + se_logit * z
    p_draws = 1.0 / (1.0 + np.exp(-logit))
    p_draws[0] = p
    return SpmRate(
        category=src.category, before_progression=src.before_progression,
        lam=p / rmst_central, lam_draws=p_draws / rmst_draws,
        source=cite(corpus, src.evidence, item.value, f"{item.item}, {src.arm}"),
        follow_up_months=fu, published=item.value.value,
    )  # fmt: skip


def normalise_grade(grade: str | None) -> str:
    """One spelling per CTCAE grade set: '3/4', '3 or 4', 'grade 3-4' -> '3-4'; '>=3', '≥3' -> '>=3'."""
    g = (grade or "").lower().replace("grade", "").replace("≥", ">=").replace("–", "-").strip()
    g = re.sub(r"\s*(/|or|and|to)\s*", "-", g)
    g = re.sub(r"\s+", "", g)
    return g or "not-stated"


def _time_frame(s: SafetyItem) -> str | None:
    return s.time_frame if s.time_frame not in (None, "not-stated") else None


def comparator_item(ev: EvidenceFile, s: SafetyItem, comparator: str) -> SafetyItem | None:
    """The comparator arm's number for the same safety endpoint, or None if the file has none.

    Paired on structured keys: category (endpoint), normalised grade, unit, analysis and
    ``time_frame`` (where both give it). Free text (``item``, ``time_point``) only breaks ties,
    because sources word the two arms differently ('(28 patients)' vs '(19 patients)', 'during
    maintenance' vs 'during observation') for the very same endpoint.
    """
    grade, tf = normalise_grade(s.grade), _time_frame(s)
    cands = [
        c for c in ev.safety
        if c.arm == comparator and c.category == s.category and normalise_grade(c.grade) == grade
        and c.value.unit == s.value.unit and c.value.value is not None
        and (s.analysis is None or c.analysis is None or c.analysis == s.analysis)
        and (tf is None or _time_frame(c) is None or _time_frame(c) == tf)
    ]  # fmt: skip
    if not cands:
        return None
    # ties: same analysis, then same period, then same wording
    return min(cands, key=lambda c: (c.analysis != s.analysis, _time_frame(c) != tf, c.item != s.item))


def for_transplanted(s: SafetyItem) -> bool:
    """Whether a safety number was counted in people like ours (after a transplant).

    The estimates are for people deciding about maintenance after a transplant; a subgroup a trial
    reports from people who had no transplant (Myeloma XI's over-74s) stays in the evidence
    explorer, but is not set beside this patient's options.
    """
    return s.population != "no-transplant"


def side_effects(corpus: Corpus, option: OptionSpec) -> list[SideEffect]:
    """Every percent-valued safety item of the option's arms, each beside its comparator's number.

    Second-cancer percents are included (categories ``spm-*``) so that a trial's own comparator
    number (e.g. TOURMALINE-MM3 placebo) is shown even where no model estimate exists.
    """
    out: list[SideEffect] = []
    for evidence, arm, comparator in option.safety:
        if evidence not in corpus.files:
            continue
        ev = corpus.get(evidence)
        n_arm, n_cmp = arm_n(corpus, evidence, arm), arm_n(corpus, evidence, comparator)
        labels = {a.id: a.label for a in ev.arms}
        for s in ev.safety:
            if s.arm != arm or s.value.unit != "percent" or s.value.value is None or not for_transplanted(s):
                continue
            match = comparator_item(ev, s, comparator)
            out.append(SideEffect(
                item=s.item, category=s.category, grade=s.grade,
                percent=_percent(corpus, evidence, s.value, n_arm, f"{s.item}, {labels.get(arm, arm)}"),
                comparator_percent=(_percent(corpus, evidence, match.value, n_cmp, f"{match.item}, {labels.get(comparator, comparator)}")
                                    if match else None),
                comparator=labels.get(comparator, comparator),
                time_frame=s.time_point, evidence=evidence,
            ))  # fmt: skip
    return out


def _percent(corpus: Corpus, evidence: str, value: Value, n: int | None, what: str) -> Number:
    ref = cite(corpus, evidence, value, what)
    if value.lower is not None and value.upper is not None:
        return Number(estimate=value.value, lower=value.lower, upper=value.upper, sources=[ref])
    if n is None:
        return Number(estimate=value.value, sources=[ref],
                      reason="no interval: the trial arm's size is not in the evidence base")
    if value.value is None:
        return Number(estimate=None, sources=[ref], reason="the trial gives no percent for this")
    lo, hi = wilson(value.value / 100.0, n)
    return Number(estimate=value.value, lower=100 * lo, upper=100 * hi, sources=[ref],
                  reason=f"95% interval: Wilson score interval for {n} patients")


# -- second cancers in an estimate ------------------------------------------------------------------

class Collector(Protocol):
    """What turns column vectors into numbers (the estimate's collector)."""

    plan: Plan

    def number(self, cols: np.ndarray, ext: bool, sources: list[SourceRef], reason: str | None = None,
               split: bool = False) -> Number: ...

    def numbers(self, rows: np.ndarray, ext: Sequence[bool], sources: list[SourceRef], reason: str | None = None,
                split: bool = False) -> list[Number]: ...


class ArmCurves(Protocol):
    """An option's restricted mean time progression-free and alive, per horizon and column."""

    pfs_r: np.ndarray
    os_r: np.ndarray


def spm_slots(col: Collector, prep: Prepared, spec: OptionSpec, arm: ArmCurves, has_os: bool,
              hz: Sequence[float], cols: list[int], ref: dict[str, list[np.ndarray]]) -> dict[str, list[Number]]:
    """Second-cancer percents per category and horizon, and the difference from observation
    (hematologic + solid) for the number needed to harm. ``arm``: the option's curves; ``ref``:
    the observation arm's percents, filled when ``spec`` is observation (computed first)."""
    idx = col.plan.evidence_index()
    out: dict[str, list[Number]] = {}
    total: list[np.ndarray | None] = [None] * len(hz)
    for cat in ("spm-hematologic", "spm-solid", "spm-any"):
        rate = spm_rate(prep, spec, cat)
        if isinstance(rate, str):
            out[cat] = [Number(estimate=None, reason=rate)] * len(hz)
            continue
        if not rate.before_progression and not has_os:
            out[cat] = [Number(estimate=None, reason="needs overall survival, which is missing")] * len(hz)
            continue
        lam = rate.lam_draws[idx]
        at_risk = arm.pfs_r if rate.before_progression else arm.os_r
        why = f"constant rate calibrated to {rate.published:g}% at {rate.follow_up_months:g} months"
        vals = (100 * lam)[None, :] * at_risk  # every horizon at once (one percentile call)
        out[cat] = col.numbers(vals, [c > rate.follow_up_months + 1e-9 for c in cols], [rate.source], why)
        if cat != "spm-any":
            for k in range(len(hz)):
                total[k] = vals[k] if total[k] is None else total[k] + vals[k]
        if spec.id == "observation":
            ref[cat] = [100 * lam * at_risk[k] for k in range(len(hz))]
    diffs = []
    obs_h, obs_s = ref.get("spm-hematologic"), ref.get("spm-solid")
    for k in range(len(hz)):
        mine = [out["spm-hematologic"][k], out["spm-solid"][k]]
        t = total[k]
        if (spec.id == "observation" or obs_h is None or obs_s is None or any(n.estimate is None for n in mine)
                or t is None):
            diffs.append(Number(estimate=None, reason="second-cancer percents for both this option and no maintenance are needed"))
            continue
        d = t - obs_h[k] - obs_s[k]
        diffs.append(col.number(d, cols[k] > prep.baseline.follow_up_months, [n.sources[0] for n in mine]))
    out["difference"] = diffs
    return out


def spm_rate(prep: Prepared, spec: OptionSpec, cat: str) -> SpmRate | str:
    """The option's calibrated rate for the category, or why there is none (once per ``prep``)."""
    return prep.cached(("spm_rate", spec.id, cat), lambda: _spm_rate(prep, spec, cat))


def _spm_rate(prep: Prepared, spec: OptionSpec, cat: str) -> SpmRate | str:
    src = next((s for s in spec.spm if s.category == cat), None)
    if src is None:
        return f"no {cat.replace('spm-', '')} second-cancer percent for this option in the evidence base"
    try:
        return _calibrate(prep, spec, src)
    except EvidenceMissing as exc:
        return str(exc)


def _calibrate(prep: Prepared, spec: OptionSpec, src: SpmSource) -> SpmRate:
    """SPM rate for the trial arm's *average* patient (no profile), the calibration target."""
    from .options import OPTIONS
    from .prepared import chain, curves

    fu = _follow_up(prep.corpus, *src.follow_up)
    pfs, err = chain(prep, spec.pfs_links)
    os_, _ = chain(prep, spec.os_links)
    if pfs is None or (not src.before_progression and os_ is None):
        raise EvidenceMissing(err or "missing hazard ratio")
    kappa, _ = prep.kappa(spec, pfs, os_)
    k = math.ceil(fu)
    s_pfs, s_os = curves(prep.h_dis[: k + 1], pfs.ext, prep.lam * kappa, prep.bg_trial[: k + 1])
    s = s_pfs if src.before_progression else s_os
    full = np.sum(0.5 * (s[1:k] + s[:k - 1]), axis=0)  # up to month k-1
    part = fu - (k - 1)  # the last partial month, linear in between
    s_fu = s[k - 1] + part * (s[k] - s[k - 1])
    rmst = full + 0.5 * (s[k - 1] + s_fu) * part
    return calibrate_spm(prep.corpus, src, float(rmst[0]), rmst, _rng_spm(prep, OPTIONS.index(spec)))


def _rng_spm(prep: Prepared, i: int) -> np.random.Generator:
    return np.random.default_rng([prep.seed, 3, i])
