"""How a profile shifts the baseline: relative hazards versus the average trial patient.

Two kinds of evidence are used, both read from the evidence files:

* a staging system whose stages are published as arms with their size and a landmark survival
  (R-ISS: 5-year OS and PFS per stage). Under proportional hazards S_stage = S_avg ** HR, so
  HR_stage = log S_stage / log S_avg with S_avg the size-weighted mean (documented conversion);
  its uncertainty is binomial on each landmark (censoring ignored: a stated approximation);
* a prognostic hazard ratio ``level vs reference`` with its 95% CI and the share of patients at
  ``level``. Against the average patient of that population, whose hazard is
  (1 - share) + share * HR times the reference hazard, the level's relative hazard is
  HR / ((1 - share) + share * HR) and the reference's 1 / ((1 - share) + share * HR).

A factor without such evidence (no CI, no share) changes nothing and the result says so. When a
factor is unknown but its levels and shares are known, each Monte Carlo draw picks a level with
its share: the interval widens to show what not knowing costs, while the central estimate stays
that of the average patient. Factors already inside R-ISS (ISS, del(17p), t(4;14), t(14;16),
LDH) are not applied again when R-ISS is known. Different factors are assumed to act
independently (multiplied): an assumption every result lists.

One latent patient per draw: a factor's level is drawn once per column (``Plan``) from one
uniform number, and that same level sets both the PFS and the OS relative hazard. Columns are
laid out by ``Plan``: column 0 the central estimate; then the main draws (evidence and unknown
levels both drawn); then "how sure the studies are" (evidence drawn, unknown levels at their
share-weighted average); then "what we don't know about you" (evidence at its central value,
unknown levels drawn).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..evidence import Corpus
from ..evidence.schema import PrognosticEffect, Value
from .profile import PatientProfile
from .result import Number, ProfileEffect, SourceRef
from .sources import cite, published

__all__ = ["Columns", "FactorEffect", "Plan", "apply", "profile_effects"]

_Z = 1.959963984540054
_RISS_COMPONENTS = {"iss", "del17p", "t4-14", "t14-16", "ldh", "high-risk-cytogenetics"}


@dataclass(frozen=True)
class Plan:
    """Which evidence draw and which kind of level each column uses (see module docstring)."""

    n_draws: int
    n_split: int

    @property
    def size(self) -> int:
        return 1 + self.n_draws + 2 * self.n_split

    @property
    def main(self) -> slice:
        return slice(1, 1 + self.n_draws)

    @property
    def studies(self) -> slice:
        return slice(1 + self.n_draws, 1 + self.n_draws + self.n_split)

    @property
    def about_you(self) -> slice:
        return slice(1 + self.n_draws + self.n_split, self.size)

    def evidence_index(self) -> np.ndarray:
        """Index into arrays of (central, draw 1, ..., draw n) for every column."""
        return np.concatenate([[0], np.arange(1, self.n_draws + 1), np.arange(1, self.n_split + 1),
                               np.zeros(self.n_split, dtype=int)]).astype(int)

    def columns(self, ext: np.ndarray) -> np.ndarray:
        """An evidence quantity given as (central, draws...) spread over the columns."""
        return ext[self.evidence_index()]


@dataclass
class Shift:
    """Relative hazard vs the average patient for one endpoint, per level of the factor.

    ``levels``: (n+1, L) relative hazard of each level (row 0 central, rows 1..n draws);
    ``central``: the central estimate's value (the known level, or the average patient's).
    """

    central: float
    levels: np.ndarray
    sources: list[SourceRef] = field(default_factory=list)
    draws: np.ndarray | None = None  # (n,) main-draw values, filled by ``apply``

    def number(self) -> Number:
        d = self.draws if self.draws is not None else self.levels[1:, 0]
        lo, hi = np.percentile(d, [2.5, 97.5])
        return Number(estimate=self.central, lower=float(lo), upper=float(hi), sources=self.sources)


@dataclass
class FactorEffect:
    factor: str
    level: str | None
    pfs: Shift | None
    os: Shift | None
    explanation: str
    known: int | None = None  # index of the profile's level, None when unknown
    probs: np.ndarray | None = None  # (L,) chance of each level when unknown (0 = impossible)
    level_names: tuple[str, ...] = ()
    #: profile fields this factor's level rests on (R-ISS: the parts that fix or narrow the stage);
    #: None when not tracked
    rests_on: frozenset[str] | None = None

    @property
    def applied(self) -> bool:
        return self.pfs is not None or self.os is not None

    def as_result(self) -> ProfileEffect:
        return ProfileEffect(
            factor=self.factor, level=self.level, applied=self.applied,
            hr_pfs=self.pfs.number() if self.pfs else None,
            hr_os=self.os.number() if self.os else None, explanation=self.explanation,
        )  # fmt: skip


# -- the profile's level of each factor ----------------------------------------------------------

def _r_iss_level(p: PatientProfile, corpus: Corpus) -> tuple[str | None, str]:
    if p.r_iss:
        return p.r_iss, "as given"
    iss, how = _iss_level(p, corpus)
    hr_cyto = p.high_risk_cytogenetics()
    if iss is None or hr_cyto is None or p.ldh_high is None:
        return None, "R-ISS needs ISS, FISH cytogenetics and LDH"
    # R-ISS definitions (r-iss evidence facts def-r-iss-1..3, Palumbo 2015)
    if iss == "I" and not hr_cyto and not p.ldh_high:
        return "I", f"derived: ISS I ({how}), no high-risk FISH, normal LDH"
    if iss == "III" and (hr_cyto or p.ldh_high):
        return "III", f"derived: ISS III ({how}) with high-risk FISH or high LDH"
    return "II", f"derived: ISS {iss} ({how}), FISH and LDH give neither R-ISS I nor III"


#: profile fields from which an R-ISS stage is derived (ISS itself may come from beta-2m and albumin)
_RISS_FIELDS = ("iss", "beta2_microglobulin_mg_l", "albumin_g_dl", "ldh_high", "cytogenetics")


def _r_iss_rests_on(p: PatientProfile, corpus: Corpus, r_iss: str | None, possible: list[str]) -> frozenset[str]:
    """The R-ISS parts the profile's stage rests on. A stage given as such rests on the r_iss field
    alone (the parts then change nothing). A derived stage rests on every part given. An unknown
    stage rests on a part that, on its own, rules out a stage, or whose removal lets one back in:
    FISH without high-risk findings alone rules out nothing (ISS III with high LDH is still R-ISS III),
    so it is then not used, and the result says so."""
    if p.r_iss:
        return frozenset({"r_iss"})
    given = [f for f in _RISS_FIELDS if getattr(p, f) is not None]
    if r_iss:
        return frozenset(given)
    nothing = p.model_copy(update=dict.fromkeys(_RISS_FIELDS))
    out = set()
    for f in given:
        alone = _possible_r_iss(nothing.model_copy(update={f: getattr(p, f)}), corpus)
        without = _possible_r_iss(p.model_copy(update={f: None}), corpus)
        if len(alone) < 3 or without != possible:
            out.add(f)
    return frozenset(out)


def _possible_r_iss(p: PatientProfile, corpus: Corpus) -> list[str]:
    """R-ISS stages consistent with what the profile knows of its parts (all three if nothing).

    E.g. del(17p) known: R-ISS I is impossible (it requires no high-risk abnormality), so an
    unknown stage is drawn from II and III only.
    """
    if p.r_iss:
        return [p.r_iss]
    iss, _ = _iss_level(p, corpus)
    isses = [iss] if iss else ["I", "II", "III"]
    hr = p.high_risk_cytogenetics()
    hrs = [hr] if hr is not None else [False, True]
    ldhs = [p.ldh_high] if p.ldh_high is not None else [False, True]
    out = set()
    for i in isses:
        for h in hrs:
            for ld in ldhs:
                if i == "I" and not h and not ld:
                    out.add("I")
                elif i == "III" and (h or ld):
                    out.add("III")
                else:
                    out.add("II")
    return sorted(out, key=["I", "II", "III"].index)


def _iss_level(p: PatientProfile, corpus: Corpus) -> tuple[str | None, str]:
    if p.iss:
        return p.iss, "as given"
    if p.beta2_microglobulin_mg_l is None:
        return None, "unknown"
    # thresholds are read from the R-ISS definitions in the evidence base
    facts = {f.id: f for f in corpus.get("r-iss").facts}
    b2m_low = published(facts["def-r-iss-1"].values["b2m_below_mg_per_l"], "r-iss: ISS I beta-2 microglobulin")
    alb_low = published(facts["def-r-iss-1"].values["albumin_at_least_g_per_dl"], "r-iss: ISS I albumin")
    b2m_high = published(facts["def-r-iss-3"].values["b2m_threshold_mg_per_l"], "r-iss: ISS III beta-2 microglobulin")
    b2m = p.beta2_microglobulin_mg_l
    if b2m >= b2m_high:
        return "III", f"beta-2 microglobulin {b2m:g} >= {b2m_high:g} mg/L"
    if p.albumin_g_dl is None:
        return None, "albumin needed with beta-2 microglobulin below the stage III threshold"
    if b2m < b2m_low and p.albumin_g_dl >= alb_low:
        return "I", f"beta-2 microglobulin {b2m:g} < {b2m_low:g} mg/L and albumin {p.albumin_g_dl:g} >= {alb_low:g} g/dL"
    return "II", "neither ISS I nor III"


def _binary_level(p: PatientProfile, factor: str) -> bool | None:
    """True = has the characteristic, False = known not to, None = unknown."""
    if factor in ("del17p", "t4-14", "t14-16", "gain1q", "amp1q"):
        if p.cytogenetics is None:
            return None
        return factor in p.cytogenetics
    if factor == "high-risk-cytogenetics":
        return p.high_risk_cytogenetics()
    if factor == "ldh":
        return p.ldh_high
    return None


def _tokens(text: str) -> set[str]:
    return {t.lower() for t in re.split(r"[^A-Za-z0-9]+", text) if t}


def _matches(profile_value: str, text: str) -> bool:
    return profile_value.lower() in _tokens(text)


# -- evidence to relative hazards ----------------------------------------------------------------

def _staging_shift(corpus: Corpus, level: str | None, endpoint: str, n_draws: int,
                   rng: np.random.Generator, possible: list[str] | None = None) -> tuple[Shift | None, str]:
    """R-ISS relative hazard from the stage arms' 5-year landmarks and sizes."""
    ev = corpus.get("r-iss")
    stages: dict[str, tuple[int, float, Value]] = {}
    for a in ev.arms:
        m = re.fullmatch(r"R-ISS (I{1,3})", a.label)
        if not m or a.n is None or a.n.value is None:
            continue
        for r in ev.results:
            if r.arm == a.id and r.endpoint == endpoint:
                lm = next((x for x in r.landmarks if x.time_unit == "years" and x.time == 5), None)
                if lm is not None and lm.rate.value is not None:
                    stages[m.group(1)] = (int(a.n.value), lm.rate.value / 100.0, lm.rate)
    if set(stages) != {"I", "II", "III"}:
        return None, f"the R-ISS file lacks a 5-year {endpoint} rate for every stage"
    names = ["I", "II", "III"]
    n = np.array([stages[s][0] for s in names], dtype=float)
    s = np.array([stages[s][1] for s in names])
    w = n / n.sum()

    def rel(surv: np.ndarray) -> np.ndarray:  # (..., 3) -> (..., 3)
        avg = np.sum(surv * w, axis=-1, keepdims=True)
        return np.log(surv) / np.log(avg)

    central = rel(s)
    se = np.sqrt(s * (1 - s) / n)
    draws_s = np.clip(s + rng.standard_normal((n_draws, 3)) * se, 1e-6, 1 - 1e-6)
    levels = np.vstack([central[None, :], rel(draws_s)])
    if level is None:
        allowed = np.array([x in (possible or names) for x in names])
        p_pick = np.where(allowed, w, 0.0)
        p_pick = p_pick / p_pick.sum()
        # all stages possible: the average patient (exactly 1); otherwise the share-weighted mean
        # relative hazard of the stages still possible
        c = 1.0 if allowed.all() else float(np.sum(p_pick * central))
    else:
        c = float(central[names.index(level)])
    sources = [cite(corpus, "r-iss", stages[x][2], f"5-year {endpoint}, R-ISS {x}") for x in names]
    sources += [cite(corpus, "r-iss", a.n, f"patients in {a.label}") for a in ev.arms if a.n]
    return Shift(c, levels, sources), ""


@dataclass(frozen=True)
class _Usable:
    """A prognostic entry's numbers, each one published: the HR, its 95% CI, the share at ``level``."""

    hr: float
    lower: float
    upper: float
    share: float  # fraction of the population at ``level`` (0-1)
    share_value: Value  # the share's evidence entry, for its citation


def _effect_shift(corpus: Corpus, evidence: str, pe: PrognosticEffect, u: _Usable, exposed: bool | None,
                  n_draws: int, rng: np.random.Generator) -> Shift:
    """Levels (reference, level): relative hazards vs the average patient of that population."""
    e, sh, p = pe.estimate, u.share_value, u.share
    se = (math.log(u.upper) - math.log(u.lower)) / (2 * _Z)
    hr = np.exp(math.log(u.hr) + se * np.concatenate([[0.0], rng.standard_normal(n_draws)]))
    avg = (1 - p) + p * hr
    levels = np.stack([1.0 / avg, hr / avg], axis=1)
    central = 1.0 if exposed is None else float(levels[0, 1 if exposed else 0])
    what = f"{pe.endpoint} HR {pe.level} vs {pe.reference}"
    return Shift(central, levels, [cite(corpus, evidence, e, what), cite(corpus, evidence, sh, f"share with {pe.level}")])


def _usable(pe: PrognosticEffect) -> _Usable | str:
    """The entry's numbers, or why it cannot be used."""
    e, sh = pe.estimate, pe.share
    if e.value is None or e.lower is None or e.upper is None:
        return "no 95% confidence interval was published"
    if sh is None or sh.value is None:
        return "the share of patients with this characteristic is not known, so it cannot be compared with the average patient"
    return _Usable(e.value, e.lower, e.upper, sh.value / 100.0, sh)


def _entry_effect(corpus: Corpus, p: PatientProfile, factor: str, n_draws: int,
                  rng: np.random.Generator) -> FactorEffect | None:
    entries = [(ev.id, pe) for ev in corpus for pe in ev.prognostic if pe.factor == factor]
    if not entries:
        return None
    shifts: dict[str, Shift] = {}
    reasons: list[str] = []
    level_text: str | None = None
    exposed_any: bool | None = None
    share: float | None = None
    used: PrognosticEffect | None = None
    for endpoint in ("PFS", "OS"):
        for fid, pe in entries:
            if pe.endpoint != endpoint:
                continue
            usable = _usable(pe)
            if isinstance(usable, str):
                reasons.append(f"{fid} {endpoint}: {usable}")
                continue
            exposed = _exposure(p, factor, pe)
            if isinstance(exposed, str):  # "no-match"
                reasons.append(f"{fid} {endpoint}: the evidence compares '{pe.level}' with '{pe.reference}', "
                               f"and the profile's value is neither")
                continue
            if exposed is None and factor in _PARTIAL_LEVELS:
                reasons.append(f"{fid} {endpoint}: unknown, and the evidence covers only '{pe.level}' vs "
                               f"'{pe.reference}', not every level, so no average can be formed")
                continue
            shifts[endpoint] = _effect_shift(corpus, fid, pe, usable, exposed, n_draws, rng)
            level_text = None if exposed is None else (pe.level if exposed else pe.reference)
            exposed_any, used = exposed, pe
            share = share if share is not None else usable.share  # one pick for both endpoints
            break
    if not shifts or share is None or used is None:  # all three are set with the first shift
        return FactorEffect(factor, _profile_value(p, factor), None, None,
                            "not applied: " + "; ".join(dict.fromkeys(reasons)))
    value = _profile_value(p, factor)
    known = value is not None
    taken_as = _below_reference(value, used) if factor == "response" and value is not None else None
    text = (f"{value} is taken as {taken_as}, because the studies give no number for "
            f"{value}; people in {value} probably do worse, so this may be optimistic" if taken_as else
            f"applied as '{level_text}'" if known else
            "unknown: each draw takes a level by its share, the same level for progression and "
            "survival, which widens the ranges")
    missing = [ep for ep in ("PFS", "OS") if ep not in shifts]
    if missing:
        text += f"; no usable evidence for {', '.join(missing)}, which it leaves unchanged"
    return FactorEffect(factor, _profile_value(p, factor), shifts.get("PFS"), shifts.get("OS"), text,
                        known=None if exposed_any is None else int(exposed_any),
                        probs=np.array([1.0 - share, share]), level_names=("reference", "level"))


#: Factors whose evidence compares two of several levels (response: sCR vs CR only): an unknown
#: value cannot be averaged over the population, so it is not drawn.
_PARTIAL_LEVELS = {"response"}

#: IMWG response categories (Kumar et al., Lancet Oncol 2016;17:e328-e346) and the words that name
#: each in evidence text; checked in this order so "stringent complete response" is never read
#: as "complete response".
_RESPONSE_WORDS = (
    ("sCR", ("stringent complete response", "scr")),
    ("CR", ("complete response", "cr")),
    ("VGPR", ("very good partial response", "vgpr")),
    ("PR", ("partial response", "pr")),
    ("SD", ("stable disease", "sd")),
)
_MRD_WORDS = (("negative", ("mrd-negative", "mrd negative")), ("positive", ("mrd-positive", "mrd positive")))


def _typed_level(text: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The typed level an evidence text names, by whole words and phrases, most specific first."""
    low = text.lower()
    toks = _tokens(text)
    for code, words in table:
        for w in words:
            if (" " in w or "-" in w) and w in low:
                return code
            if w in toks:
                return code
    return None


def _profile_value(p: PatientProfile, factor: str) -> str | None:
    b = _binary_level(p, factor)
    if b is not None:
        return "present" if b else "absent"
    value = {"mrd": p.mrd, "response": p.response, "iss": p.iss, "r2-iss": p.r2_iss}.get(factor)
    if value is not None:
        return value
    # the answer in the field's own words, as ``EstimateResult.inputs[].value`` gives it, so that a
    # factor without evidence still shows what was answered (it showed null for these fields)
    for name, fac in _NO_EVIDENCE.items():
        if fac == factor and getattr(p, name) is not None:
            return str(getattr(p, name))
    return None


def _below_reference(value: str, pe: PrognosticEffect) -> str | None:
    """The evidence's reference response when ``value`` lies below it on the IMWG order and the
    evidence's level above it (sCR vs CR: VGPR, PR and SD are below CR), else None.

    Such a response is at least as far from the better level as the reference is, and the evidence
    gives no hazard ratio for it, so it takes the reference's shift: otherwise it would stay the
    average patient, who is partly in the better level, and a PR would come out ahead of a CR."""
    order = [code for code, _ in _RESPONSE_WORDS]
    level, ref = _typed_level(pe.level, _RESPONSE_WORDS), _typed_level(pe.reference, _RESPONSE_WORDS)
    if level is None or ref is None or value not in order:
        return None
    return ref if order.index(level) < order.index(ref) < order.index(value) else None


def _exposure(p: PatientProfile, factor: str, pe: PrognosticEffect) -> bool | None | Literal["no-match"]:
    b = _binary_level(p, factor)
    if factor in ("del17p", "t4-14", "t14-16", "gain1q", "amp1q", "high-risk-cytogenetics", "ldh"):
        return b
    value = _profile_value(p, factor)
    if factor in ("response", "mrd"):
        table = _RESPONSE_WORDS if factor == "response" else _MRD_WORDS
        if value is None:
            return None
        if _typed_level(pe.level, table) == value:
            return True
        if _typed_level(pe.reference, table) == value:
            return False
        if factor == "response" and _below_reference(value, pe) is not None:
            return False  # at least as far from the evidence's level as its reference is
        return "no-match"
    if value is None:
        return None
    if _matches(value, pe.level):
        return True
    if _matches(value, pe.reference):
        return False
    return "no-match"


# -- all factors ---------------------------------------------------------------------------------

_NO_EVIDENCE = {
    "age": "age", "sex": "sex", "creatinine_clearance_ml_min": "renal-function",
    "induction": "induction", "transplant": "transplant", "months_since_transplant": None,
}


def profile_effects(corpus: Corpus, p: PatientProfile, n_draws: int,
                    rng: np.random.Generator) -> list[FactorEffect]:
    """Every factor's effect (applied or not, with the reason), in a fixed order."""
    out: list[FactorEffect] = []
    r_iss, how = _r_iss_level(p, corpus)
    possible = _possible_r_iss(p, corpus)
    pfs, why_pfs = _staging_shift(corpus, r_iss, "PFS", n_draws, rng, possible)
    os_, _why_os = _staging_shift(corpus, r_iss, "OS", n_draws, rng, possible)
    if pfs is None and os_ is None:
        out.append(FactorEffect("r-iss", r_iss, None, None, f"not applied: {why_pfs}"))
    else:
        text = (f"R-ISS {r_iss} ({how}); relative hazard from the 5-year rates per stage (Palumbo 2015)"
                if r_iss else f"R-ISS unknown ({how}); possible stages {', '.join(possible)}: each draw takes "
                "one of them by its share, the same stage for progression and survival, which widens the ranges")
        names = ("I", "II", "III")
        n_stage = _stage_sizes(corpus)
        probs = np.array([n_stage[x] if x in possible else 0.0 for x in names])
        out.append(FactorEffect("r-iss", r_iss, pfs, os_, text,
                                known=names.index(r_iss) if r_iss else None,
                                probs=probs / probs.sum(), level_names=names,
                                rests_on=_r_iss_rests_on(p, corpus, r_iss, possible)))
    skip = _RISS_COMPONENTS if r_iss else set()
    for factor in ("iss", "del17p", "t4-14", "t14-16", "high-risk-cytogenetics", "gain1q", "amp1q",
                   "ldh", "response", "mrd", "r2-iss", "age", "renal-function", "sex", "induction",
                   "transplant"):
        if factor in skip and _profile_value(p, factor) is not None:
            out.append(FactorEffect(factor, _profile_value(p, factor), None, None,
                                    "not applied again: already part of the R-ISS stage"))
            continue
        if factor in skip:
            continue
        eff = _entry_effect(corpus, p, factor, n_draws, rng)
        if eff is not None:
            out.append(eff)
        elif _profile_value(p, factor) is not None or _given(p, factor):
            out.append(FactorEffect(factor, _profile_value(p, factor), None, None,
                                    "not applied: the evidence base has no prognostic hazard ratio for it"))
    return out


def _stage_sizes(corpus: Corpus) -> dict[str, float]:
    out = {}
    for a in corpus.get("r-iss").arms:
        m = re.fullmatch(r"R-ISS (I{1,3})", a.label)
        if m and a.n is not None and a.n.value is not None:
            out[m.group(1)] = float(a.n.value)
    return out


def _given(p: PatientProfile, factor: str) -> bool:
    for fieldname, fac in _NO_EVIDENCE.items():
        if fac == factor and getattr(p, fieldname) is not None:
            return True
    return False


@dataclass
class Columns:
    """The profile's relative hazards over the columns of a ``Plan``."""

    pfs: np.ndarray  # (plan.size,)
    os: np.ndarray
    #: log-hazard variance (PFS, OS) that each unknown factor adds to "what we don't know about you"
    unknown_variance: dict[str, tuple[float, float]]


def apply(effects: list[FactorEffect], plan: Plan, rng: np.random.Generator) -> Columns:
    """Product of the applied relative hazards over the plan's columns (independence assumption).

    An unknown factor's level is drawn once per column from one uniform number and used for both
    endpoints; "studies" columns take the share-weighted average of the levels instead.
    """
    idx = plan.evidence_index()
    r = {"PFS": np.ones(plan.size), "OS": np.ones(plan.size)}
    variance: dict[str, tuple[float, float]] = {}
    for e in effects:
        if not e.applied:
            continue
        if e.known is None:
            assert e.probs is not None, "an unknown factor carries the chance of each level"
            cum = np.cumsum(e.probs)
            pick = np.minimum(np.searchsorted(cum, rng.random(plan.size), side="right"), len(cum) - 1)
        else:
            pick = np.full(plan.size, e.known)
        v = []
        for endpoint, shift in (("PFS", e.pfs), ("OS", e.os)):
            if shift is None:
                v.append(0.0)
                continue
            lv = shift.levels[idx]  # (size, L)
            col = lv[np.arange(plan.size), pick]
            if e.known is None:
                col[plan.studies] = lv[plan.studies] @ e.probs
                c = shift.levels[0]
                mean = float(e.probs @ np.log(c))
                v.append(float(e.probs @ (np.log(c) - mean) ** 2))
            col[0] = shift.central
            shift.draws = col[plan.main]
            r[endpoint] = r[endpoint] * col
        if e.known is None:
            variance[e.factor] = (v[0], v[1])
    return Columns(r["PFS"], r["OS"], variance)
