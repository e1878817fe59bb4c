"""A readable table of a personal estimate, for the command line."""

from __future__ import annotations

from ..personal.result import EstimateResult, Number

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
        out.append(f"  median progression-free survival: {_n(o.median_pfs_months, 1, ' months')}"
                   + (f"  ({o.median_pfs_months.reason})" if o.median_pfs_months.estimate is None else ""))
        out.append(f"  median overall survival: {_n(o.median_os_months, 1, ' months')}"
                   + (f"  ({o.median_os_months.reason})" if o.median_os_months.estimate is None else ""))
        if o.option != "observation":
            out.append(f"  hazard ratio vs no maintenance: PFS {_n(o.hr_pfs_vs_observation, 2)}, OS {_n(o.hr_os_vs_observation, 2)}")
        out.append(f"  {'years':>5}  {'no progression %':>18}  {'alive %':>16}  {'2nd blood cancer %':>18}  {'2nd solid cancer %':>18}")
        for h in o.horizons:
            out.append(
                f"  {h.years:>5g}  {_n(h.pfs_percent):>18}  {_n(h.os_percent):>16}  "
                f"{_n(h.spm_hematologic_percent, 1):>18}  {_n(h.spm_solid_percent, 1):>18}"
            )
        for flag in o.evidence.flags:
            out.append(f"  note: {flag}")
        out.append("")
    for n in r.not_offered:
        out.append(f"Not offered: {n.label}: {n.reason}")
    out.append("")
    out.append("Ranges are 95% uncertainty intervals; * marks numbers beyond the trials' follow-up.")
    out.append("Sources for every number: mmdecide estimate --json (each number lists its evidence entries).")
    return "\n".join(out)
