"""An option whose own trial the model cannot reproduce shows that trial's results only (issue 8
point 5).

The switch is the option's calibration (``OptionResult.calibration.within``, computed in
``calibration.py`` for an average person in the option's own trial), never a list of options: if
a later model matches the trial, the option's numbers come back by themselves. When it misses,
every personal number of the option is replaced by a null :class:`Number` whose reason says why
(medians, percents and their ranges, differences from no maintenance, months gained, hazard
ratios vs no maintenance, numbers needed to treat or harm, the waning scenarios, and the
second-cancer percents at the horizons, which are the trial's rate times the model's time alive).
What stays: the trial's own results and relative effects (in ``calibration``), the trial's side
effects and second cancers as published (``side_effects``), the regimen and the evidence path.

Why withheld, not flagged (docs/model.md, "Options whose own trial the model misses"): a number
for this patient can be no better than the model's number for the trial's own patients, and for
these options that number is already off from what the trial saw.
"""

from __future__ import annotations

from .result import CalibrationRow, EstimateResult, HorizonResult, Number, OptionCalibration, OptionResult

__all__ = ["TRIAL_RESULTS_ONLY", "WITHHELD_REASON", "display_reason", "missed_row", "show_trial_results_only",
           "withhold"]

TRIAL_RESULTS_ONLY = "trial_results_only"
WITHHELD_REASON = ("not shown: the model could not reproduce this option's own trial, so only the "
                   "trial's own results are given (see calibration and display_reason)")

#: every Number a horizon row must have (``years`` is kept; the optional waning scenarios are left out)
_HORIZON_NUMBERS = tuple(name for name, f in HorizonResult.model_fields.items() if name != "years" and f.is_required())
_WHAT = {"PFS": "alive without the myeloma coming back", "OS": "alive"}


def _who(r: CalibrationRow) -> str:
    if r.model_arm == r.option:
        return "people who took it"
    if r.arm == "placebo":
        return "people who took a dummy pill (placebo)"
    if r.model_arm == "observation":
        return "people with no maintenance"
    return "people who took lenalidomide alone"


def _said(r: CalibrationRow) -> tuple[str, str]:
    """(what the model gives, what the trial saw) for one calibration row, in plain words."""
    what = _WHAT[r.endpoint]
    if r.quantity.startswith("median"):
        model = (f"half still {what} at {r.model:.0f} months" if r.model is not None
                 else f"more than half still {what} after 15 years")
        trial = (f"{r.published:g} months" if r.published is not None
                 else f"more than half still {what} when it last reported")
        return model, trial
    months = r.quantity.removeprefix("percent at ").removesuffix(" months")
    model = f"{r.model:.0f} out of 100 {what} after {months} months" if r.model is not None else "no number"
    return model, f"{r.published:.0f} out of 100"


def missed_row(c: OptionCalibration) -> CalibrationRow | None:
    """The row that shows the miss best: a comparable check (not fitted) outside its tolerance, the
    option's own arm first, then one with both numbers."""
    missed = [r for r in c.rows if not r.within_tolerance and not r.fitted and r.comparable]
    missed.sort(key=lambda r: (r.model_arm != r.option, r.published is None or r.model is None))
    return missed[0] if missed else None


def display_reason(c: OptionCalibration) -> str:
    """Why only the trial's results are shown, in short plain sentences with the numbers."""
    names = ", ".join(dict.fromkeys(r.trial_name for r in c.rows))
    row = missed_row(c)
    why = f"Our model could not match this option's own trial, {names}."
    if row is not None:
        model, trial = _said(row)
        who = _who(row)
        why += f" For {who}, our model gives {model}. The trial saw {trial}."
    return why + " So we show the trial's results, not numbers for you."


def withhold(o: OptionResult) -> OptionResult:
    """The option with its model numbers replaced by nulls, when its own trial is missed."""
    c = o.calibration
    if c is None or c.within:
        return o
    gone = Number(estimate=None, reason=WITHHELD_REASON)
    horizons = [HorizonResult(years=h.years, **dict.fromkeys(_HORIZON_NUMBERS, gone)) for h in o.horizons]
    # the hazard ratios keep their sources: the evidence flags about them (a subgroup, a chain of
    # trials) cite those entries, and the values are in the evidence files, not personal numbers
    return o.model_copy(update={
        "median_pfs_months": gone, "median_os_months": gone, "horizons": horizons,
        "hr_pfs_vs_observation": gone.model_copy(update={"sources": o.hr_pfs_vs_observation.sources}),
        "hr_os_vs_observation": gone.model_copy(update={"sources": o.hr_os_vs_observation.sources}),
        "display": TRIAL_RESULTS_ONLY, "display_reason": display_reason(c),
    })


def show_trial_results_only(result: EstimateResult) -> EstimateResult:
    """The estimate with every option that misses its own trial shown by that trial's results only."""
    return result.model_copy(update={"options": [withhold(o) for o in result.options]})
