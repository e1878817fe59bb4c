"""A readable table of a personal estimate, for the command line."""

from __future__ import annotations

from ..personal.result import EstimateResult, Number
from ..personal.result import OptionResult
from .calibration_words import trial_only_lines
from .rounding import more_than_months, upper_months

__all__ = ["estimate_text"]


def _n(x: Number, digits: int = 0, unit: str = "") -> str:
    if x.estimate is None:
        return "not known"
    f = f"{{:.{digits}f}}"
    text = f.format(x.estimate) + unit
    if x.lower is not None and x.upper is not None and (x.lower != x.estimate or x.upper != x.estimate):
        text += f" ({f.format(x.lower)}-{f.format(x.upper)})"
    if x.extrapolated:
        text += "*"
    return text


def _median(x: Number) -> str:
    """A median past the trials' follow-up reads 'more than N months' (the model's value beside it);
    an upper bound past it 'more than N' with the projection mark, one at the cap 'more than 180'."""
    if x.beyond_follow_up is not None:
        model = f"; model projection {x.estimate:.0f}" if x.estimate is not None else ""
        return f"{more_than_months(x.beyond_follow_up, 1)} (beyond the trials' follow-up{model})*"
    if x.estimate is None or x.lower is None or x.upper is None:
        return _n(x, 1, " months")
    upper = upper_months(x.upper, x.upper_beyond_follow_up, x.upper_capped, 1)
    mark = "*" if x.extrapolated or x.upper_beyond_follow_up is not None else ""
    return f"{x.estimate:.1f} months ({x.lower:.1f} to {upper}){mark}"


def _trial_only(o: OptionResult) -> list[str]:
    """An option whose own trial the model misses: the trial's results instead of the model's
    numbers (personal/trial_only.py), its trial's second cancers, and its flags."""
    assert o.calibration is not None and o.display_reason is not None
    out = [f"  TRIAL RESULTS ONLY: {o.display_reason}",
           "  what its own trial saw (not numbers for this patient):"]
    out += [f"    {line}" for line in trial_only_lines(o.calibration)]
    spm = [s for s in o.side_effects if s.category.startswith("spm-")]
    for s in spm:
        comp = (f" vs {s.comparator_percent.estimate:g}% ({s.comparator})"
                if s.comparator_percent is not None and s.comparator_percent.estimate is not None else "")
        out.append(f"  second cancers in the trial: {s.item} {_n(s.percent, 1, '%')}{comp}"
                   + (f", {s.time_frame}" if s.time_frame else ""))
    if not spm:
        out.append("  second cancers in the trial: not given in the evidence base")
    out += [f"  note: {flag}" for flag in o.evidence.flags]
    out.append("")
    return out


def estimate_text(r: EstimateResult) -> str:
    out = [r.disclaimer, ""]
    known = r.profile.known_fields()
    out.append("Profile: " + (", ".join(f"{k}={v}" for k, v in known.items()) if known else "nothing entered (average trial patient)"))
    applied = [e for e in r.profile_effects if e.applied]
    for e in applied:
        out.append(f"  {e.factor}: {e.explanation}")
    out.append("")
    for o in r.options:
        out.append(f"{o.label}  [{o.evidence.kind}, evidence {o.evidence.strength}]")
        for why in o.outside_population:
            out.append(f"  NOT STUDIED IN PEOPLE LIKE YOU: {why}")
        if o.display == "trial_results_only":
            out += _trial_only(o)
            continue
        out.append(f"  median progression-free survival: {_median(o.median_pfs_months)}"
                   + (f"  ({o.median_pfs_months.reason})" if o.median_pfs_months.estimate is None else ""))
        out.append(f"  median overall survival: {_median(o.median_os_months)}"
                   + (f"  ({o.median_os_months.reason})" if o.median_os_months.estimate is None else ""))
        if o.option != "observation":
            out.append(f"  hazard ratio vs no maintenance: PFS {_n(o.hr_pfs_vs_observation, 2)}, OS {_n(o.hr_os_vs_observation, 2)}")
        out.append(f"  {'years':>5}  {'no progression %':>18}  {'alive %':>16}  {'2nd blood cancer %':>18}  {'2nd solid cancer %':>18}")
        for h in o.horizons:
            out.append(
                f"  {h.years:>5g}  {_n(h.pfs_percent):>18}  {_n(h.os_percent):>16}  "
                f"{_n(h.spm_hematologic_percent, 1):>18}  {_n(h.spm_solid_percent, 1):>18}"
            )
        wanes = [h for h in o.horizons if h.pfs_percent_effect_wanes is not None]
        if wanes:
            out.append("  if the effect stops at the trials' follow-up (projection): "
                       + "; ".join(f"{h.years:g} y no progression {_n(h.pfs_percent_effect_wanes)}"
                                   + (f", alive {_n(h.os_percent_effect_wanes)}" if h.os_percent_effect_wanes else "")
                                   for h in wanes))
        split = next((h for h in o.horizons if h.pfs_percent.ranges is not None), None)
        if split is not None and o.option == "observation":
            rg = split.pfs_percent.ranges
            out.append(f"  {split.years:g} y no progression: how sure the studies are {rg.studies[0]:.0f}-{rg.studies[1]:.0f}; "
                       f"what we don't know about you {rg.about_you[0]:.0f}-{rg.about_you[1]:.0f}")
        for flag in o.evidence.flags:
            out.append(f"  note: {flag}")
        out.append("")
    for n in r.not_offered:
        out.append(f"Not offered: {n.label}: {n.reason}")
    out.append("")
    for u in r.inputs:
        if u.field == "induction":  # it sets the no-maintenance baseline of every option
            out.append(f"Baseline: induction = {u.value}: {u.how}")
        elif u.value != "not given" and not u.used:
            out.append(f"Not used: {u.field} = {u.value}: {u.how}")
    for m in r.missing_inputs:
        out.append(f"Would narrow the ranges most: {m.ask} (explains {100 * m.share_pfs:.0f}% of the unknown-input "
                   f"spread in progression-free survival, {100 * m.share_os:.0f}% in survival)")
    out.append("")
    out.append("Ranges are 95% uncertainty intervals; * marks projections beyond the trials' follow-up "
               f"(effect held); nothing is projected past {r.projection_horizon_months or 180:g} months.")
    out.append("Sources for every number: mmdecide estimate --json (each number lists its evidence entries).")
    return "\n".join(out)
