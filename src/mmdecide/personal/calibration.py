"""How well the model matches each option's own trials (issue 8, point 5).

For every hazard ratio an option's numbers rest on, the trial's published arm results (medians
and landmark percents, PFS and OS) are set beside the model's value for the same arm: the
option itself for the experimental arm, and no maintenance or lenalidomide for the control arm,
all for an average trial patient (empty profile, or the trial's entry condition where it
enrolled only some patients: AURIGA, MRD-positive). The model's baseline is the McCarthy 2017
control arm, so an option whose own trial enrolled a different population can miss its trial:
the table says so, row by row, instead of hiding it, and every estimate carries the option's
rows (``OptionResult.calibration``): an option that misses its own trial is then shown by that
trial's results only (``trial_only.py``).

An option whose numbers come from a pooled analysis (lenalidomide: the McCarthy 2017
meta-analysis of CALGB 100104, IFM 2005-02 and GIMEMA RV-MM-PI-209) is judged by that analysis'
rows alone; each trial the evidence says it pools (its ``includes``) and each other trial of the
same comparison (``SAME_COMPARISON``: Myeloma XI) gets rows of its own, run for that trial's
population as far as its evidence states it. They are counted as checks and shown
(the calibration table and page; one sentence in the option's ``reason``), but a single trial's miss is spread between trials around
the pooled effect, not a failure of the option's own evidence, so they do not set ``within``.

Tolerances (stated, not tuned): a median within 15% of the published one; a landmark within 10
percentage points. A published 'not reached' agrees when the model's median lies beyond that
analysis' median follow-up.

Like with like (issue 8, point 5): where the model's median lies past the follow-up of the evidence
behind it, the row compares the model's projected median, the central curve's crossing, with the
published one and is marked ``projection``. Estimates do not show that crossing to patients when
the trials did not reach it ("No number beyond the evidence"), but it is the model's own value for
the arm, so a published median there is checked against it, not failed for want of a number. A
median past the 180-month grid has no number at all: the row is ``comparable: false``, counted
neither as an agreement nor as a miss.

The model's values are the central estimates (column 0 of the Monte Carlo, which uses the
published values and no random draw), so the table is computed once per evidence base with the
fewest draws the model accepts and cached.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, TypedDict

from ..evidence import Corpus, Value
from ..evidence.schema import Result
from ..timeunits import convert, to_months
from .background import trial_age
from .baseline import FITTED_MEDIANS
from .induction import FITS, Origin, induction_scale, origin_for, published_target, shifted_value
from .model import DEFAULT_HORIZONS, DEFAULT_SEED, run_model
from .options import OPTIONS, OptionSpec
from .prepared import _CORPORA, GRID_MONTHS, central_effect, corpus_key, default_corpus, prepared  # _CORPORA: the corpus behind a cache key
from .result import CalibrationRow, EstimateResult, Number, OptionCalibration, SourceRef, TrialEffect
from .sources import HRLink, cite, follow_up_months

Scope = Literal["option", "pool", "same-comparison"]

__all__ = [
    "LANDMARK_TOLERANCE_POINTS",
    "MEDIAN_TOLERANCE",
    "SAME_COMPARISON",
    "TRIAL_SETTING",
    "CalibrationRow",
    "attach_calibration",
    "calibration_by_option",
    "calibration_table",
]

MEDIAN_TOLERANCE = 0.15
LANDMARK_TOLERANCE_POINTS = 10.0
_MEDIAN_WORDS = f"median within {100 * MEDIAN_TOLERANCE:g}% of the published one"
_LANDMARK_WORDS = f"within {LANDMARK_TOLERANCE_POINTS:g} percentage points"
_NO_MAINTENANCE = {"placebo", "observation", "control", "no-maintenance"}
#: the profile that stands for a trial's population where it enrolled only some patients
_TRIAL_PROFILE = {"auriga": {"mrd": "positive"}}  # AURIGA enrolled only MRD-positive patients
#: each trial's induction, so that an option's trial is checked against the model for its own population
#: (docs/model.md, Baseline): CASSIOPEIA gave VTd or D-VTd (one baseline for both); the McCarthy trials
#: (2005-2009), TOURMALINE-MM3 ("standard-of-care induction"), ATLAS ("any induction") and
#: AURIGA (anti-CD38-free induction) do not report a single regimen in the sources read: "other".
TRIAL_INDUCTION = {"cassiopeia": "vtd"}
#: randomized trials of an option's own comparison that its numbers do not use (not pooled in the
#: analysis its effect comes from): checked and shown, not counted in its ``within``. Pooled trials
#: need no entry (the meta-analysis' ``includes`` names them); the evidence schema has no field for
#: "another trial of the same comparison", so it is named here.
SAME_COMPARISON: dict[str, tuple[str, ...]] = {"lenalidomide": ("myeloma-xi",)}
#: each single trial's time origin and population, in the words of its evidence file; what the file
#: does not state is said as "not stated, taken as ...". The McCarthy 2017 pooled analysis (whose
#: control arm sets the baseline) counts from each trial's randomization to maintenance or none,
#: so a trial counted from that randomization needs no shift (``shifted_rows`` is for trials
#: counted from before induction).
TRIAL_SETTING = {
    "calgb-100104": "time from randomization (stated for its label PFS analysis; response assessed 100 days "
                    "after a single transplant), as in the pooled analysis: no shift; placebo patients could "
                    "switch to lenalidomide after December 2009",
    "ifm-2005-02": "time from randomization (stated for its 2013 survival analysis; within 6 months of the "
                   "transplant; both arms then had 2 cycles of "
                   "lenalidomide consolidation), as in the pooled analysis: no shift; lenalidomide was stopped "
                   "for everyone in January 2011",
    "gimema-rv-mm-pi-209": "time origin not stated, taken as the maintenance randomization, as in the pooled "
                           "analysis: no shift; maintenance followed MPR (no transplant) or MEL200-ASCT, pooled",
    "myeloma-xi": "time origin not stated, taken as the maintenance randomization: no shift; transplant-eligible "
                  "and -ineligible patients together unless the analysis says otherwise; induction with "
                  "lenalidomide or thalidomide (carfilzomib later), none of the model's induction classes",
}
_SCOPE_WORDS = {"pool": "a single trial inside the pooled analysis the option's numbers come from",
                "same-comparison": "another trial of the same comparison, not used for the option's numbers"}
_DRAWS = 200  # the central values do not depend on the number of draws; the fewest allowed
_BASELINE_TRIAL = "mccarthy-2017-meta"  # the no-maintenance curve's own source (baseline.py)
#: one model run per (arm, trial profile, landmark years, induction), shared by the rows of one table:
#: trials with the same profile (most: an average patient) share their runs
RunCache = dict[tuple[str, tuple[tuple[str, str], ...], tuple[float, ...], str], EstimateResult]


def _model_option(link: HRLink, arm: str) -> str | None:
    if arm == link.experimental:
        return None  # the option itself
    if arm in _NO_MAINTENANCE:
        return "observation"
    if arm in ("lenalidomide", "r"):
        return "lenalidomide"
    return "?"


class _RowBase(TypedDict):
    """The fields a calibration row takes from its trial arm (the rest come from the comparison)."""

    option: str
    trial: str
    trial_name: str
    analysis: str
    arm: str
    arm_label: str
    model_arm: str
    endpoint: Literal["PFS", "OS"]
    follow_up_months: float | None


def _row_base(corpus: Corpus, option: str, evidence: str, analysis: str, res: Result,
              model_arm: str) -> tuple[_RowBase, str] | None:
    """The row fields of one arm result, and the wording of its source ('PFS {}, arm [analysis]',
    to be filled with the quantity); None for an endpoint other than PFS and OS."""
    endpoint = _pfs_or_os(res.endpoint)
    if endpoint is None:
        return None
    label = {a.id: a.label for a in corpus.get(evidence).arms}.get(res.arm, res.arm)
    base = _RowBase(option=option, trial=evidence, trial_name=trial_name(corpus, evidence), analysis=analysis,
                    arm=res.arm, arm_label=label, model_arm=model_arm, endpoint=endpoint,
                    follow_up_months=follow_up_months(corpus, evidence, analysis))
    return base, f"{endpoint} {{}}, {label} [{analysis}]"


def trial_name(corpus: Corpus, evidence: str) -> str:
    """The trial's short name: its evidence title up to the first colon ('ATLAS')."""
    return corpus.get(evidence).title.split(":")[0].strip()


def _own_links(corpus: Corpus, spec: OptionSpec) -> list[HRLink]:
    """The option's links to its own trial (an indirect chain's first link names the trial)."""
    own = spec.pfs_links[0].evidence
    seen: dict[tuple[str, str, str, str], HRLink] = {}
    for link in (*spec.pfs_links, *(spec.os_links or ())):
        if link.evidence == own and own in corpus.files:
            seen.setdefault((link.evidence, link.analysis, link.experimental, link.control), link)
    return list(seen.values())


def calibration_table(corpus: Corpus | None = None) -> list[CalibrationRow]:
    """Every option's own-trial arm results beside the model's value (cached per evidence base)."""
    corpus = corpus if corpus is not None else default_corpus()
    return list(_table(corpus_key(corpus)))


@lru_cache(maxsize=8)
def _table(key: int) -> tuple[CalibrationRow, ...]:
    corpus = _CORPORA[key]
    runs: RunCache = {}
    rows: list[CalibrationRow] = []
    for spec in OPTIONS:
        if spec.id == "observation" or not spec.pfs_links:
            continue
        for link in _own_links(corpus, spec):
            for res in corpus.get(link.evidence).results:
                if res.analysis != link.analysis or res.endpoint not in ("PFS", "OS") \
                        or res.arm not in (link.experimental, link.control):
                    continue
                target = _model_option(link, res.arm) or spec.id
                if target != "?":
                    rows += _rows(corpus, spec.id, link.evidence, link.analysis, res, target, runs)
        rows += _single_trial_rows(corpus, spec, runs)
    for klass, fit in FITS.items():  # the arms that set each induction's baseline (CASSIOPEIA is above)
        if fit.evidence == "cassiopeia" or fit.evidence not in corpus.files:
            continue
        origin = origin_for(corpus, fit.gap_from)
        for res in corpus.get(fit.evidence).results:
            if (res.analysis, res.arm) == (fit.analysis, fit.arm) and res.endpoint in ("PFS", "OS"):
                rows += shifted_rows(corpus, "baseline", fit.evidence, fit.analysis, res, klass, origin,
                                     fit.model_arm, f"; induction {klass}; {origin.words}")
    return tuple(rows)


def shifted_rows(corpus: Corpus, option: str, evidence: str, analysis: str, res: Result, induction: str, origin: Origin,
                 model_arm: str, note: str) -> list[CalibrationRow]:
    """An arm's published median and landmarks beside the model's central value for ``induction``,
    on the arm's own time axis (``origin``: the months before maintenance and who was left then)."""
    prep = prepared(corpus, _DRAWS, DEFAULT_SEED)
    c = float(induction_scale(prep, induction).ext[0])
    effect = central_effect(prep, model_arm)
    if effect is None:
        return []
    hr, kappa = effect
    fu = follow_up_months(corpus, evidence, analysis)
    based = _row_base(corpus, option, evidence, analysis, res, model_arm)
    if based is None:
        return []
    base, what = based
    note = f"model arm: {model_arm}{note}"
    fitted = _fitted_value(corpus, evidence, analysis, res)
    out: list[CalibrationRow] = []
    med = shifted_value(prep, c, model_arm, res.endpoint, "median", origin, hr, kappa)
    model_med = med if med < prep.grid[-1] else None
    if res.median is not None and res.median.value is not None:
        pub = float(res.median.value)
        ok = model_med is not None and abs(model_med - pub) <= MEDIAN_TOLERANCE * pub
        out.append(CalibrationRow(**base, quantity="median (months)", published=pub, model=model_med,
                                  tolerance=_MEDIAN_WORDS, within_tolerance=ok, fitted=fitted is res.median, note=note,
                                  comparable=model_med is not None,
                                  source=cite(corpus, evidence, res.median, what.format("median"))))
    elif res.median_not_reached:
        out.append(CalibrationRow(**base, quantity="median (months)", published=None, model=model_med,
                                  tolerance="published 'not reached': the model's median beyond the follow-up",
                                  within_tolerance=model_med is None or (fu is not None and model_med > fu), note=note,
                                  source=_not_reached_source(corpus, evidence, analysis, res, what.format("median not reached"))))
    for lm in res.landmarks:
        if lm.rate.value is None:
            continue
        months = to_months(lm.time, lm.time_unit)
        v = shifted_value(prep, c, model_arm, res.endpoint, f"percent at {months:g} months", origin, hr, kappa)
        out.append(CalibrationRow(**base, quantity=f"percent at {months:g} months", published=float(lm.rate.value),
                                  model=v, tolerance=_LANDMARK_WORDS,
                                  within_tolerance=abs(v - lm.rate.value) <= LANDMARK_TOLERANCE_POINTS,
                                  fitted=fitted is lm.rate, note=note,
                                  source=cite(corpus, evidence, lm.rate, what.format(f"percent at {months:g} months"))))
    return out


def _model_median(corpus: Corpus, evidence: str, target: str, endpoint: str, med: Number,
                  induction: str | None) -> tuple[float | None, bool]:
    """The model's central median for the arm and whether it is a projection (past the follow-up of
    the evidence behind it). Where the estimate leaves the median out because its trials did not
    reach it, the central curve's crossing is computed here (``shifted_value`` with no shift: the
    same curve as the model's central column, tested against every median the model does show);
    None past the 180-month grid, or when the trial's profile (AURIGA: MRD-positive) is not the one
    that curve stands for, or when the option has no evidence for the endpoint."""
    if med.estimate is not None:
        return med.estimate, med.beyond_follow_up is not None
    if med.beyond_follow_up is None or evidence in _TRIAL_PROFILE:
        return None, med.beyond_follow_up is not None
    prep = prepared(corpus, _DRAWS, DEFAULT_SEED)
    effect = central_effect(prep, target)
    if effect is None:
        return None, False
    c = float(induction_scale(prep, induction or TRIAL_INDUCTION.get(evidence, "other")).ext[0])
    v = shifted_value(prep, c, target, endpoint, "median", origin_for(corpus, None), *effect)
    return (v if v < prep.grid[-1] else None), True


def _projection_words(model: float | None, med: Number) -> str:
    if med.beyond_follow_up is None:
        return ""
    if model is None:
        return f"; model: its median lies past the longest time it projects ({GRID_MONTHS} months)"
    return (f"; model: its projected median (the central curve's crossing), past the "
            f"{med.beyond_follow_up:g}-month follow-up of the evidence behind it; compared as a projection")


def _single_trials(corpus: Corpus, spec: OptionSpec) -> list[tuple[Scope, str]]:
    """The trials an option's own pooled analysis includes (its evidence's ``includes``), then the
    other trials of the same comparison (``SAME_COMPARISON``)."""
    own = spec.pfs_links[0].evidence
    pooled = corpus.get(own).includes if own in corpus.files else ()
    found: list[tuple[Scope, str]] = [("pool", t) for t in pooled]
    found += [("same-comparison", t) for t in SAME_COMPARISON.get(spec.id, ())]
    return [(scope, t) for scope, t in found if t in corpus.files]


def _te_subgroup_results(corpus: Corpus, evidence: str) -> list[Result]:
    """A trial's published arm median for its transplant-eligible patients where the evidence gives it
    only as a subgroup median (Myeloma XI: the lenalidomide arm, a 2024 review's table)."""
    return [Result(endpoint=g.endpoint, arm=g.experimental, analysis=g.analysis, median=g.estimate,
                   definition=f"{g.factor}: {g.level}")
            for g in corpus.get(evidence).subgroups
            if g.measure == "median-months" and g.level == "transplant-eligible" and g.endpoint in ("PFS", "OS")]


def _single_trial_rows(corpus: Corpus, spec: OptionSpec, runs: RunCache) -> list[CalibrationRow]:
    """Rows of each single trial behind (or beside) the option's pooled analysis, run for that
    trial's population as far as its evidence states it: its induction (all 2005-2017 trials here:
    "other", c = 1), background deaths at the pooled trials' age (``background.trial_age``), its
    time origin (``TRIAL_SETTING``)."""
    if not spec.pfs_links:
        return []
    link = spec.pfs_links[0]
    out: list[CalibrationRow] = []
    for scope, trial in _single_trials(corpus, spec):
        ev = corpus.get(trial)
        labels = {a.id: a.label for a in ev.analyses}
        age = _age_words(corpus, trial)
        setting = TRIAL_SETTING.get(trial, "time origin not stated, taken as the start of maintenance: no shift")
        induction = TRIAL_INDUCTION.get(trial, "other")
        for res in (*ev.results, *_te_subgroup_results(corpus, trial)):
            res = _without_promotion(corpus, trial, res)
            target = _model_option(link, res.arm) or spec.id
            if res.endpoint not in ("PFS", "OS") or target == "?":
                continue
            what = f"{labels.get(res.analysis, res.analysis)}" + (f"; {res.definition}" if res.definition else "")
            note = f"; {_SCOPE_WORDS[scope]}; analysis: {what}; induction {induction}; {age}; {setting}"
            out += [r.model_copy(update={"scope": scope})
                    for r in _rows(corpus, spec.id, trial, res.analysis, res, target, runs, note=note, induction=induction)]
    return out


#: source types whose numbers no patient sees (the evidence keeps them, typed as such)
_PROMOTIONAL = {"advertisement", "manufacturer"}


def _without_promotion(corpus: Corpus, trial: str, res: Result) -> Result:
    """The arm result without the values whose source is an advertisement or a manufacturer's page
    (CALGB 100104's and IFM 2005-02's label PFS medians, CALGB's 9.3-year median survival): those
    trials have primary or independent reports of the same arms, which the rows use instead."""
    def promo(v: Value | None) -> bool:
        return v is not None and corpus.provenance(trial, v).source_type in _PROMOTIONAL
    return res.model_copy(update={"median": None if promo(res.median) else res.median,
                                  "landmarks": tuple(lm for lm in res.landmarks if not promo(lm.rate))})


def _age_words(corpus: Corpus, trial: str) -> str:
    """The trial's median age as its evidence states it, beside the age the model's background deaths
    use (the pooled trials', 57 from IFM 2005-02; ``background.trial_age``)."""
    pooled = f"{trial_age(corpus).years:g}"
    for fact in corpus.get(trial).facts:
        v = fact.values.get("median_age")
        if v is not None and v.value is not None:
            return f"median age {v.value:g} (stated); background deaths at the pooled trials' age, {pooled}"
    return f"median age not stated, taken as the pooled trials' age, {pooled}, for the background deaths"


def _run(corpus: Corpus, evidence: str, target: str, years: list[float], runs: RunCache,
         induction: str | None = None) -> EstimateResult:
    induction = induction or TRIAL_INDUCTION.get(evidence, "other")
    extra = _TRIAL_PROFILE.get(evidence, {})
    profile = {**extra, "induction": induction}
    if set(years) <= set(DEFAULT_HORIZONS):  # the default horizons hold them: one run serves every such row
        years = []
    key = (target, tuple(sorted(extra.items())), tuple(years), induction)
    if key not in runs:
        runs[key] = run_model(profile, options=[target] if target != "observation" else ["lenalidomide"],
                              horizons=years or None, corpus=corpus, n_draws=_DRAWS)
    return runs[key]


def _rows(corpus: Corpus, option: str, evidence: str, analysis: str, res: Result, target: str, runs: RunCache,
          note: str = "", induction: str | None = None) -> list[CalibrationRow]:
    """The published median and landmarks of one arm (``res``) beside the model's ``target`` option."""
    out: list[CalibrationRow] = []
    years = sorted({convert(lm.time, lm.time_unit, "years") for lm in res.landmarks if lm.rate.value is not None})
    o = next((x for x in _run(corpus, evidence, target, years, runs, induction).options if x.option == target), None)
    if o is None:
        return out
    fu = follow_up_months(corpus, evidence, analysis)
    med = o.median_pfs_months if res.endpoint == "PFS" else o.median_os_months
    based = _row_base(corpus, option, evidence, analysis, res, target)
    if based is None:
        return out
    base, what = based
    fitted = _fitted_value(corpus, evidence, analysis, res)
    model, projection = _model_median(corpus, evidence, target, res.endpoint, med, induction)
    projected = _projection_words(model, med)
    if res.median is not None and res.median.value is not None:
        pub = to_months(float(res.median.value), res.median.unit or "months")
        ok = model is not None and abs(model - pub) <= MEDIAN_TOLERANCE * pub
        printed = "" if res.median.unit in (None, "months") else f"; published as {res.median.value:g} {res.median.unit}"
        out.append(CalibrationRow(**base, quantity="median (months)", published=round(pub, 1), model=model,
                                  tolerance=_MEDIAN_WORDS, within_tolerance=ok, fitted=fitted is res.median,
                                  projection=projection, comparable=model is not None,
                                  note=f"model arm: {target}{printed}{projected}"
                                       f"{'' if model is not None else ': no number to compare, not comparable'}{note}",
                                  source=cite(corpus, evidence, res.median, what.format("median"))))
    elif res.median_not_reached:
        # past the grid is past any follow-up; a model number with no follow-up to set it against
        # cannot be judged either way: not comparable (a held-out registry, Connect MM)
        beyond = model is None or (fu is not None and model > fu)
        out.append(CalibrationRow(**base, quantity="median (months)", published=None, model=model,
                                  tolerance="published 'not reached': the model's median beyond the follow-up",
                                  within_tolerance=bool(beyond), projection=projection,
                                  comparable=model is None or fu is not None,
                                  note=f"published: not reached ({_fu_words(fu)}); model arm: {target}{projected}{note}",
                                  source=_not_reached_source(corpus, evidence, analysis, res, what.format("median not reached"))))
    for lm in res.landmarks:
        if lm.rate.value is None:
            continue
        yrs, months = convert(lm.time, lm.time_unit, "years"), to_months(lm.time, lm.time_unit)
        h = next(x for x in o.horizons if abs(x.years - yrs) < 1e-9)
        n = h.pfs_percent if res.endpoint == "PFS" else h.os_percent
        ok = n.estimate is not None and abs(n.estimate - lm.rate.value) <= LANDMARK_TOLERANCE_POINTS
        out.append(CalibrationRow(**base, quantity=f"percent at {months:g} months", published=float(lm.rate.value),
                                  model=n.estimate, tolerance=_LANDMARK_WORDS, within_tolerance=ok,
                                  fitted=fitted is lm.rate, note=f"model arm: {target}{note}",
                                  source=cite(corpus, evidence, lm.rate, what.format(f"percent at {months:g} months"))))
    return out


def _fitted_value(corpus: Corpus, evidence: str, analysis: str, res: Result) -> Value | None:
    """The published value this arm gave to fit the model: the McCarthy baseline's medians, or its
    induction's baseline (``induction.FITS``)."""
    if (evidence, analysis, res.arm, res.endpoint) in FITTED_MEDIANS and res.median is not None:
        return res.median
    for fit in FITS.values():
        if (fit.evidence, fit.analysis, fit.arm, "PFS") == (evidence, analysis, res.arm, res.endpoint):
            return published_target(corpus, fit)[0]
    return None


def _fu_words(fu: float | None) -> str:
    return "median follow-up not given, so the model cannot be judged" if fu is None else f"median follow-up {fu:g} months"


def _not_reached_source(corpus: Corpus, evidence: str, analysis: str, res: Result, what: str) -> SourceRef | None:
    """A 'not reached' has no number of its own: cite its median entry if it has one (it may give
    a lower bound), else the analysis' follow-up (the time by which it was not reached)."""
    value: Value | None = res.median
    if value is None:
        value = next((a.median_follow_up for a in corpus.get(evidence).analyses
                      if a.id == analysis and a.median_follow_up is not None), None)
    return None if value is None else cite(corpus, evidence, value, what)


def _pfs_or_os(endpoint: str) -> Literal["PFS", "OS"] | None:
    return "PFS" if endpoint == "PFS" else "OS" if endpoint == "OS" else None


def _effects(corpus: Corpus, spec: OptionSpec) -> list[TrialEffect]:
    out = []
    for link in _own_links(corpus, spec):
        ev = corpus.get(link.evidence)
        labels = {a.id: a.label for a in ev.arms}
        for c in ev.comparisons:
            if (c.endpoint, c.analysis, c.experimental, c.control, c.measure) != (
                    link.endpoint, link.analysis, link.experimental, link.control, "HR") or c.estimate.value is None:
                continue
            endpoint = _pfs_or_os(c.endpoint)
            if endpoint is None:  # an option's links are PFS and OS hazard ratios only
                continue
            comp = f"{labels.get(c.experimental, c.experimental)} vs {labels.get(c.control, c.control)}"
            hr = Number(estimate=c.estimate.value, lower=c.estimate.lower, upper=c.estimate.upper,
                        sources=[cite(corpus, ev.id, c.estimate, f"{c.endpoint} HR {comp} [{c.analysis}]")])
            out.append(TrialEffect(trial=ev.id, trial_name=trial_name(corpus, ev.id), analysis=c.analysis,
                                   endpoint=endpoint, comparison=comp, hazard_ratio=hr))
    return out


def _reason(within: bool, rows: list[CalibrationRow], others: list[CalibrationRow] | None = None) -> str:
    names = ", ".join(dict.fromkeys(r.trial_name for r in rows))
    if within:
        return f"For an average person in {names}, our numbers for this option match the trial's own results." \
            + _spread_sentence(others or [])
    return (f"Our numbers for this option do not match its own trial, {names}. Our numbers start from "
            "people in trials from 2005 to 2009 who had no maintenance, changed for the first treatment a "
            "person had. The people in this trial may have had other first treatments, or other care. So "
            "we show the trial's own results for this option, not numbers for you.")


def calibration_by_option(corpus: Corpus | None = None) -> dict[str, OptionCalibration]:
    """Each option's calibration; observation (the reference) gets the baseline trial's no-maintenance rows."""
    corpus = corpus if corpus is not None else default_corpus()
    return dict(_by_option(corpus_key(corpus)))


def _spread_sentence(others: list[CalibrationRow]) -> str:
    """One plain sentence on the single trials' spread around the pooled result (empty without them)."""
    pooled = [r for r in others if r.scope == "pool" and r.comparable]
    if not pooled:
        return ""
    n = len(dict.fromkeys(r.trial for r in pooled))
    agree = sum(r.within_tolerance for r in pooled)
    return (f" That study put together {n} trials. Each trial also has its own results. They vary around "
            f"the combined result: {agree} of their {len(pooled)} results match our numbers.")


def option_within(rows: list[CalibrationRow]) -> bool:
    """An option matches its own trial when every comparable row is within its tolerance; a row
    the model has no number for ("not comparable") counts neither way."""
    return all(r.within_tolerance for r in rows if r.comparable)


@lru_cache(maxsize=8)
def _by_option(key: int) -> tuple[tuple[str, OptionCalibration], ...]:
    corpus = _CORPORA[key]
    table = _table(key)
    out = []
    for spec in OPTIONS:
        if spec.id == "observation":
            rows = [r for r in table if r.trial == _BASELINE_TRIAL and r.model_arm == "observation"]
            effects: list[TrialEffect] = []
        else:
            rows = [r for r in table if r.option == spec.id and r.scope == "option"]
            effects = _effects(corpus, spec) if spec.pfs_links else []
        others = [r for r in table if r.option == spec.id and r.scope != "option"] if spec.id != "observation" else []
        if rows:  # the option's flag: the rows of the analysis its effect comes from, never the single trials
            within = option_within(rows)
            out.append((spec.id, OptionCalibration(within=within, reason=_reason(within, rows, others), rows=rows,
                                                   trial_effects=effects)))
    return tuple(out)


def attach_calibration(result: EstimateResult, corpus: Corpus) -> EstimateResult:
    """The estimate with each option's calibration (``OptionResult.calibration``) filled in."""
    calib = calibration_by_option(corpus)
    options = [o.model_copy(update={"calibration": calib.get(o.option)}) for o in result.options]
    return result.model_copy(update={"options": options})
