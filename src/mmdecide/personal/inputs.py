"""Every profile field, used or not: what the model did with it, in the words of the field.

A field acts through a cited effect (a prognostic hazard ratio, the R-ISS stage, the life table)
or is listed as "not used, because ...". The list is built from the profile's own fields, so a
field added to the profile later shows up here too, with the generic reason until the model
uses it.
"""

from __future__ import annotations

from typing import Any

from .background import TrialAge
from .profile import PatientProfile
from .prognosis import FactorEffect
from .result import InputUse, MissingInput

__all__ = ["input_uses", "missing_inputs"]

#: profile field -> the model factors it feeds (R-ISS is derived from ISS, FISH and LDH)
_FACTORS = {
    "iss": ("r-iss", "iss"), "r_iss": ("r-iss",), "r2_iss": ("r2-iss",),
    "beta2_microglobulin_mg_l": ("r-iss",), "albumin_g_dl": ("r-iss",), "ldh_high": ("r-iss", "ldh"),
    "cytogenetics": ("r-iss", "del17p", "t4-14", "t14-16", "high-risk-cytogenetics", "gain1q", "amp1q"),
    "response": ("response",), "mrd": ("mrd",), "creatinine_clearance_ml_min": ("renal-function",),
    "induction": ("induction",), "transplant": ("transplant",),
}
_NOT_USED = {
    "months_since_transplant": "not used, because the trials started maintenance about 100 days to 6 months "
    "after transplant and no evidence says how a later start changes the effect",
    "transplant": "not used, because the evidence base has no hazard ratio for single vs tandem transplant "
    "in the maintenance trials",
    "creatinine_clearance_ml_min": "not used, because the evidence base has no prognostic hazard ratio for "
    "kidney function; for the lenalidomide dose it is set beside the label's kidney-function level for a lower "
    "starting dose (see dose)",
    **{f: "not used for the survival numbers, because the evidence base has no hazard ratio for today's "
       "blood counts after transplant; they are set beside the lenalidomide label's limits for starting "
       "and pausing the drug (see side effects and dose)"
       for f in ("hemoglobin_g_dl", "neutrophils_10e9_l", "platelets_10e9_l")},
}
_R_ISS_UNUSED = ("not used, because on its own, and with the other answers given, it rules out no R-ISS "
                 "stage (R-ISS needs ISS, FISH results and LDH together)")
_R_ISS_UNUSED_GIVEN = "not used, because the R-ISS stage you gave already includes it"
_ASK = {
    "mrd": ("mrd", "ask for your MRD result (minimal residual disease after transplant)"),
    "r-iss": ("r_iss", "ask for your R-ISS stage (or your ISS stage, FISH results and LDH at diagnosis)"),
    "response": ("response", "ask how your myeloma responded after transplant"),
}


def _words(value: Any) -> str:  # any profile field's value
    if value is None:
        return "not given"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def input_uses(p: PatientProfile, effects: list[FactorEffect], age: TrialAge, induction: str = "") -> list[InputUse]:
    """Every profile field with what the model did with it; ``induction``: how the induction set the
    baseline, in words (``induction.induction_scale``)."""
    by_factor = {e.factor: e for e in effects}
    out = []
    for name in type(p).model_fields:
        value = getattr(p, name)
        words = _words(value)
        if name == "age":
            how = ("deaths from other causes from the US life table at this age" if value is not None else
                   f"unknown: the trials' median age ({age.years:g}) is used for deaths from other causes")
            age_eff = by_factor.get("age")
            if age_eff is not None and not age_eff.applied:
                how += "; as a myeloma risk factor not used, because " + age_eff.explanation.removeprefix("not applied: ")
            out.append(InputUse(field=name, value=words, used=value is not None, how=how))
            continue
        if name == "sex":
            how = ("deaths from other causes from the US life table for this sex" if value is not None else
                   "unknown: the life tables for women and men are averaged")
            out.append(InputUse(field=name, value=words, used=value is not None, how=how))
            continue
        if name == "induction" and induction:
            out.append(InputUse(field=name, value=words, used=value is not None, how=induction))
            continue
        if value is None:
            out.append(InputUse(field=name, value=words, used=False, how="unknown: treated as the average trial patient"))
            continue
        used, parts = False, []
        for f in _FACTORS.get(name, ()):
            e = by_factor.get(f)
            if e is None:
                continue
            if f == "r-iss" and e.applied and e.rests_on is not None and name not in e.rests_on:
                parts.append(_R_ISS_UNUSED_GIVEN if "r_iss" in e.rests_on else _R_ISS_UNUSED)
            elif e.applied and (e.known is not None or f == "r-iss"):
                used = True
                parts.append(f"{f}: {e.explanation}")
            elif not e.applied and f not in ("r-iss",):
                parts.append(f"{f}: " + e.explanation.replace("not applied:", "not used, because", 1))
        if name in _NOT_USED and not used:
            parts = [_NOT_USED[name]]
        if not parts:
            parts = ["not used, because the model has no cited effect for this field"]
        out.append(InputUse(field=name, value=words, used=used, how="; ".join(parts)))
    return out


def missing_inputs(variance: dict[str, tuple[float, float]], top: int = 2) -> list[MissingInput]:
    """Unknown inputs ranked by the share of the progression-free 'about you' spread (log hazard)
    they explain, largest first; the survival share breaks ties.

    "Would narrow the ranges most" means the progression-free ranges: every option's trials
    measured progression-free survival first, and its range is usually the wider one (docs/model.md), so an
    answer that mostly narrows the survival range (R-ISS with nothing known) is named after one
    that narrows the progression-free range more (MRD). Under the model's independence assumption
    the log relative hazard is a sum over factors, so its variance is the sum of each unknown
    factor's variance over its levels, and the shares are the same for every option and horizon.
    """
    tot_p = sum(v[0] for v in variance.values()) or 1.0
    tot_o = sum(v[1] for v in variance.values()) or 1.0
    ranked = sorted(variance.items(), key=lambda kv: (-kv[1][0] / tot_p, -kv[1][1] / tot_o))
    out = []
    for factor, (vp, vo) in ranked[:top]:
        field, ask = _ASK.get(factor, (factor, f"ask for your {factor} result"))
        if vp + vo <= 0:
            continue
        out.append(MissingInput(field=field, ask=ask, share_pfs=vp / tot_p, share_os=vo / tot_o))
    return out
