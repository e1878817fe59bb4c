"""Rules between profile fields: staging systems and response definitions that a profile must obey.

A profile that breaks a published definition is a data-entry error, not a rare patient, so it is
refused with a message that names the fields and the rule. Unknown fields never break a rule: a
rule is checked only as far as the known fields decide it.

Definitions (the thresholds are also evidence facts: tests check that both agree):
* ISS (Greipp et al., J Clin Oncol 2005;23:3412-3420): stage I = serum beta-2 microglobulin
  < 3.5 mg/L and albumin >= 3.5 g/dL; stage III = beta-2 microglobulin >= 5.5 mg/L; stage II =
  neither. Evidence: r-iss.yaml facts def-r-iss-1 and def-r-iss-3.
* R-ISS (Palumbo et al., J Clin Oncol 2015;33:2863-2869): I = ISS I, no high-risk abnormality by
  FISH [del(17p), t(4;14), t(14;16)] and normal LDH; III = ISS III and either a high-risk
  abnormality or high LDH; II = all other combinations. Evidence: r-iss.yaml facts def-r-iss-*.
* R2-ISS (D'Agostino et al., J Clin Oncol 2022;40:3406-3418): points ISS II 1, ISS III 1.5,
  del(17p) 1, high LDH 1, t(4;14) 1, 1q gain or amplification 0.5; group I = 0, II = 0.5-1,
  III = 1.5-2.5, IV = 3-5. Evidence: r2-iss.yaml facts points and groups.
* MRD negativity (IMWG 2016, Kumar et al., Lancet Oncol 2016;17:e328-e346) is defined in patients
  with a complete response: MRD-negative needs a response of CR or sCR.
"""

from __future__ import annotations

from itertools import product
from typing import Protocol


class PatientProfile(Protocol):
    """The answers the staging rules read (the profile module's model has them; a Protocol here
    keeps this module free of an import back into profile, which imports these rules). Read-only
    properties, so that the model's narrower types (Literal stages) fit."""

    @property
    def iss(self) -> str | None: ...
    @property
    def r_iss(self) -> str | None: ...
    @property
    def r2_iss(self) -> str | None: ...
    @property
    def albumin_g_dl(self) -> float | None: ...
    @property
    def beta2_microglobulin_mg_l(self) -> float | None: ...
    @property
    def ldh_high(self) -> bool | None: ...
    @property
    def cytogenetics(self) -> tuple[str, ...] | None: ...
    @property
    def response(self) -> str | None: ...
    @property
    def mrd(self) -> str | None: ...

    def high_risk_cytogenetics(self) -> bool | None: ...

__all__ = ["ISS_ALBUMIN", "ISS_B2M_HIGH", "ISS_B2M_LOW", "ISS_RULE", "MRD_RULE", "R2_GROUPS", "R2_ISS_RULE", "R2_POINTS",
           "R_ISS_RULE", "problems", "r2_group", "r2_score", "r_iss_stage"]

ISS_B2M_LOW = 3.5  # mg/L: ISS I below
ISS_B2M_HIGH = 5.5  # mg/L: ISS III at or above
ISS_ALBUMIN = 3.5  # g/dL: ISS I at or above
R2_POINTS = {"iss-II": 1.0, "iss-III": 1.5, "del17p": 1.0, "ldh-high": 1.0, "t4-14": 1.0, "1q": 0.5}
R2_GROUPS = (("I", 0.0, 0.0), ("II", 0.5, 1.0), ("III", 1.5, 2.5), ("IV", 3.0, 5.0))
_HIGH_RISK = {"del17p", "t4-14", "t14-16"}
_HIGH_RISK_WORDS = "del(17p), t(4;14) or t(14;16)"

Problem = tuple[str, str]  # (first field, message naming every field involved and the rule)
_R_ISS = "R-ISS definition, Palumbo 2015"
#: The rules between fields, by the words every refusal cites (``problems``); the published JSON
#: schema lists them with the same words (``profile_schema``), so a client can tell which one refused.
ISS_RULE = "ISS definition, Greipp 2005"
R_ISS_RULE = _R_ISS
R2_ISS_RULE = ("R2-ISS points, D'Agostino 2022: ISS II 1, ISS III 1.5, del(17p) 1, high LDH 1, t(4;14) 1, "
               "1q gain or amplification 0.5")
MRD_RULE = "IMWG 2016"


def _problem(fields: str, text: str, rule: str) -> Problem:
    """(first field, 'text (rule; fields a, b)'): the message names the rule and every field."""
    return fields.split(", ")[0], f"{text} ({rule}; fields {fields})"


def possible_iss(p: PatientProfile) -> list[str]:
    """The ISS stages the answers allow: the stage entered, else what the lab values allow."""
    if p.iss is not None:
        return [p.iss]
    b2m, alb = p.beta2_microglobulin_mg_l, p.albumin_g_dl
    if b2m is None:
        return ["II", "III"] if alb is not None and alb < ISS_ALBUMIN else ["I", "II", "III"]
    if b2m >= ISS_B2M_HIGH:
        return ["III"]
    if b2m >= ISS_B2M_LOW:
        return ["II"]
    if alb is None:
        return ["I", "II"]
    return ["I"] if alb >= ISS_ALBUMIN else ["II"]


def problems(p: PatientProfile) -> list[Problem]:
    """Every rule the profile breaks (empty when it is consistent)."""
    out: list[Problem] = []
    out += _iss_labs(p)
    iss = possible_iss(p)
    iss_words = " or ".join(iss)
    if p.iss is None:  # say where a stage nobody entered comes from
        iss_words += " (from beta2_microglobulin_mg_l and albumin_g_dl)"
    out += _r_iss(p, iss, iss_words)
    out += _r2_iss(p, iss)
    if p.mrd == "negative" and p.response in ("VGPR", "PR", "SD"):
        out.append(_problem("mrd, response", f"MRD-negative is defined only after a complete response "
                                             f"(CR or sCR), but the response is {p.response}. Check both "
                                             f"answers with your care team's letter", MRD_RULE))
    return out


def _iss_labs(p: PatientProfile) -> list[Problem]:
    b2m, alb = p.beta2_microglobulin_mg_l, p.albumin_g_dl
    if p.iss is None or (b2m is None and alb is None):
        return []
    why = None
    if b2m is None:
        if p.iss == "I" and alb is not None and alb < ISS_ALBUMIN:
            why = f"ISS I needs albumin {ISS_ALBUMIN:g} g/dL or more, but it is {alb:g} g/dL"
    elif p.iss == "III" and b2m < ISS_B2M_HIGH:
        why = f"ISS III needs beta-2 microglobulin {ISS_B2M_HIGH:g} mg/L or more, but it is {b2m:g} mg/L"
    elif p.iss != "III" and b2m >= ISS_B2M_HIGH:
        why = f"beta-2 microglobulin {b2m:g} mg/L ({ISS_B2M_HIGH:g} or more) means ISS III, but iss is {p.iss}"
    elif p.iss == "I" and b2m >= ISS_B2M_LOW:
        why = f"ISS I needs beta-2 microglobulin below {ISS_B2M_LOW:g} mg/L, but it is {b2m:g} mg/L"
    elif p.iss == "I" and alb is not None and alb < ISS_ALBUMIN:
        why = f"ISS I needs albumin {ISS_ALBUMIN:g} g/dL or more, but it is {alb:g} g/dL"
    elif p.iss == "II" and alb is not None and b2m < ISS_B2M_LOW and alb >= ISS_ALBUMIN:
        why = (f"beta-2 microglobulin below {ISS_B2M_LOW:g} mg/L with albumin {ISS_ALBUMIN:g} g/dL "
               f"or more means ISS I, but iss is II")
    if why is None:
        return []
    return [_problem("iss, beta2_microglobulin_mg_l, albumin_g_dl",
                     f"{why}. Check the stage and the units on your lab report", ISS_RULE)]


def _r_iss(p: PatientProfile, iss: list[str], iss_words: str) -> list[Problem]:
    if p.r_iss is None:
        return []
    high = p.high_risk_cytogenetics()
    found = sorted(set(p.cytogenetics or ()) & _HIGH_RISK)
    out: list[Problem] = []
    if p.r_iss == "I":
        if "I" not in iss:
            out.append(_problem("r_iss, iss", f"R-ISS I requires ISS I, but the ISS stage is {iss_words}", _R_ISS))
        if high:
            out.append(_problem("r_iss, cytogenetics", f"R-ISS I needs no high-risk FISH finding "
                                 f"({_HIGH_RISK_WORDS}), but {', '.join(found)} was found", _R_ISS))
        if p.ldh_high:
            out.append(_problem("r_iss, ldh_high", "R-ISS I needs a normal LDH, but LDH was high", _R_ISS))
    elif p.r_iss == "III":
        if "III" not in iss:
            out.append(_problem("r_iss, iss", f"R-ISS III requires ISS III, but the ISS stage is {iss_words}", _R_ISS))
        if high is False and p.ldh_high is False:
            out.append(_problem("r_iss, cytogenetics, ldh_high", f"R-ISS III needs a high-risk FISH "
                                 f"finding ({_HIGH_RISK_WORDS}) or a high LDH, but FISH found none "
                                 f"and LDH was normal", _R_ISS))
    else:  # II: "not R-ISS I or III", so some completion of the unknowns must be neither
        highs = [high] if high is not None else [False, True]
        ldhs = [p.ldh_high] if p.ldh_high is not None else [False, True]
        stages = {r_iss_stage(i, h, ldh) for i, h, ldh in product(iss, highs, ldhs)}
        if "II" not in stages:
            known = ", ".join(n for n, v in (("iss", p.iss), ("cytogenetics", p.cytogenetics),
                                             ("ldh_high", p.ldh_high)) if v is not None)
            out.append(_problem(f"r_iss, {known}", f"with ISS {iss_words}, these FISH findings and this "
                                f"LDH the R-ISS stage is {' or '.join(sorted(stages))}, not II", _R_ISS))
    return out


def _r2_iss(p: PatientProfile, iss: list[str]) -> list[Problem]:
    """The R2-ISS group must be reachable by some values of the unknown components."""
    if p.r2_iss is None:
        return []
    cyto = None if p.cytogenetics is None else set(p.cytogenetics)
    ldh_opts = [p.ldh_high] if p.ldh_high is not None else [False, True]
    reachable = {r2_group(r2_score(i, ldh, c)) for i, ldh, c in product(iss, ldh_opts, _r2_cyto_options(cyto))
                 if p.r_iss is None or r_iss_stage(i, bool(c & _HIGH_RISK), ldh) == p.r_iss}
    if not reachable or p.r2_iss in reachable:  # none: the R-ISS rules have said what is wrong
        return []
    known = [n for n, v in (("r_iss", p.r_iss), ("iss", p.iss), ("beta2_microglobulin_mg_l", p.beta2_microglobulin_mg_l),
                            ("albumin_g_dl", p.albumin_g_dl), ("ldh_high", p.ldh_high), ("cytogenetics", cyto))
             if v is not None]
    return [_problem(", ".join(["r2_iss", *known]),
                     f"with these answers the R2-ISS group can only be {' or '.join(sorted(reachable))}, "
                     f"not {p.r2_iss}", R2_ISS_RULE)]


def _r2_cyto_options(cyto: set[str] | None) -> list[set[str]]:
    """The FISH findings the answer allows. A list without 1q and without 'none-found' may come
    from a panel that did not test 1q (older panels did not), so 1q stays open."""
    if cyto is None:  # each abnormality independently present or absent
        found = ("del17p", "t4-14", "t14-16", "gain1q")  # t(14;16) counts for R-ISS, not R2-ISS
        return [{a for a, on in zip(found, bits) if on} for bits in product((False, True), repeat=4)]
    if "none-found" in cyto or cyto & {"gain1q", "amp1q"}:
        return [cyto]
    return [cyto, cyto | {"gain1q"}]


def r_iss_stage(iss: str, high_risk: bool, ldh_high: bool) -> str:
    if iss == "I" and not high_risk and not ldh_high:
        return "I"
    return "III" if iss == "III" and (high_risk or ldh_high) else "II"


def r2_score(iss: str, ldh_high: bool, cyto: set[str]) -> float:
    s = R2_POINTS.get(f"iss-{iss}", 0.0)
    s += R2_POINTS["ldh-high"] if ldh_high else 0.0
    s += R2_POINTS["del17p"] if "del17p" in cyto else 0.0
    s += R2_POINTS["t4-14"] if "t4-14" in cyto else 0.0
    s += R2_POINTS["1q"] if cyto & {"gain1q", "amp1q"} else 0.0
    return s


def r2_group(score: float) -> str:
    return next(g for g, lo, hi in R2_GROUPS if lo - 1e-9 <= score <= hi + 1e-9)
