"""What the results and summary pages show, built from one estimate (no new numbers).

Every number here is a field of :class:`~mmdecide.personal.EstimateResult`; this module only
chooses the horizon, orders the options, picks colours and writes the descriptions of the charts
(whose counts are the estimate's numbers rounded as the estimate rounds them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from ..personal.result import EstimateResult, HorizonResult, Number, OptionResult
from .charts import PALETTE, IconGroup, Series, icon_array, survival_chart
from .rendering import fmt_range, fmt_years, people, whole

__all__ = ["OptionView", "ResultsView", "build_view", "DURATION_WORDS", "plain_summary"]

BASE_COLOUR = "#0072b2"  # Okabe-Ito blue: people who do as well with or without the option
EXTRA_COLOUR = "#d55e00"  # Okabe-Ito vermillion: the difference the option makes
SOLID_COLOUR = "#009e73"  # Okabe-Ito bluish green: second cancers that are not blood cancers

DURATION_WORDS = {
    "until-progression": "until the myeloma comes back (or side effects are too much)",
    "fixed": "for a fixed time",
    "until-progression-or-max": "until the myeloma comes back, up to a maximum time",
    "mrd-guided": "for a time guided by MRD tests",
    "response-guided": "for a time guided by the response",
    "not-reported": "not reported",
}


@dataclass
class OptionView:
    option: OptionResult
    colour: str
    dash: str
    dash_words: str
    at: HorizonResult
    ref: HorizonResult
    is_reference: bool
    icons_pfs: Markup | None = None
    icons_os: Markup | None = None
    icons_spm: Markup | None = None
    text_pfs: str = ""
    text_os: str = ""
    text_spm: str = ""
    spm_groups: list[IconGroup] = field(default_factory=list)

    @property
    def indirect(self) -> bool:
        return self.option.evidence.kind == "indirect"


@dataclass
class ResultsView:
    result: EstimateResult
    years: int
    options: list[OptionView]
    chart_pfs: Markup
    chart_os: Markup
    curve_years: list[float]
    curve_rows: dict[str, dict[float, tuple[Number, Number]]]  # option -> years -> (pfs, os)
    missing_os: list[str]


def _at(o: OptionResult, years: float) -> HorizonResult:
    return next(h for h in o.horizons if h.years == years)


def _benefit_icons(ov: OptionView, ep: str, years: float) -> tuple[Markup, str]:
    what = {"pfs": "alive without the myeloma coming back", "os": "alive"}[ep]
    opt: Number = getattr(ov.at, f"{ep}_out_of_100")
    ref: Number = getattr(ov.ref, f"{ep}_out_of_100")
    diff: Number = getattr(ov.at, f"{ep}_difference_percent")
    name = ov.option.plain_label
    when = fmt_years(years)
    if opt.estimate is None:
        return Markup(""), f"The studies do not give this number for {name}: {opt.reason or 'not estimated'}."
    k1 = whole(opt.estimate)
    if ov.is_reference or ref.estimate is None:
        groups = [IconGroup(k1, BASE_COLOUR, "person", what)]
        text = (f"Out of 100 people like you, about {k1} (range {fmt_range(opt)}) would be {what} "
                f"after {when} with {name}.")
    else:
        k0 = whole(ref.estimate)
        if k1 >= k0:
            groups = [IconGroup(k0, BASE_COLOUR, "person", f"{what} with or without it"),
                      IconGroup(k1 - k0, EXTRA_COLOUR, "plus", f"extra people {what} with it")]
        else:
            groups = [IconGroup(k1, BASE_COLOUR, "person", f"{what} with or without it"),
                      IconGroup(k0 - k1, EXTRA_COLOUR, "empty", f"{what} only without it")]
        d = whole(diff.estimate) if diff.estimate is not None else k1 - k0
        words = f"{abs(d)} more" if d > 0 else (f"{abs(d)} fewer" if d < 0 else "no difference")
        drange = f" (range {_signed_range(diff)})" if diff.lower is not None else ""
        text = (f"Out of 100 people like you, after {when}: about {k1} (range {fmt_range(opt)}) would be "
                f"{what} with {name}, and about {k0} (range {fmt_range(ref)}) with no maintenance. "
                f"That is {words}{drange}.")
    if opt.extrapolated:
        text += " This is beyond how long the trials followed people."
    title = f"{name}: people {what} after {when}, out of 100"
    return icon_array(groups, title, text), text


def _signed_range(n: Number) -> str:
    lo, hi = whole(n.lower), whole(n.upper)
    return f"{lo:+d} to {hi:+d}"


def _spm_icons(ov: OptionView, years: float) -> tuple[Markup | None, str, list[IconGroup]]:
    at = ov.at
    name = ov.option.plain_label
    when = fmt_years(years)
    h, s, a = at.spm_hematologic_percent, at.spm_solid_percent, at.spm_any_percent
    rh, rs = ov.ref.spm_hematologic_percent, ov.ref.spm_solid_percent
    if h.estimate is not None and s.estimate is not None and not ov.is_reference \
            and rh.estimate is not None and rs.estimate is not None:
        # harms shown like benefits: people who would get a second cancer anyway, and the extra
        # people who would get one with the option
        k1, k0 = whole(h.estimate + s.estimate), whole(rh.estimate + rs.estimate)
        groups = [IconGroup(min(k0, k1), BASE_COLOUR, "person", "a second cancer with or without it"),
                  IconGroup(max(k1 - k0, 0), EXTRA_COLOUR, "plus", "extra people with a second cancer with it")]
        text = (f"Out of 100 people like you with {name}, after {when} about {people(h.estimate)} "
                f"(range {fmt_range(h)}) would get a second blood cancer and about {people(s.estimate)} "
                f"(range {fmt_range(s)}) a second cancer that is not a blood cancer. With no maintenance "
                f"it would be about {people(rh.estimate)} (range {fmt_range(rh)}) and "
                f"{people(rs.estimate)} (range {fmt_range(rs)}). In the picture, the extra people are "
                f"those who would get a second cancer only with {name}.")
    elif h.estimate is not None and s.estimate is not None:
        groups = [IconGroup(whole(h.estimate), EXTRA_COLOUR, "person", "a second blood cancer"),
                  IconGroup(whole(s.estimate), SOLID_COLOUR, "plus", "a second cancer that is not a blood cancer")]
        text = (f"Out of 100 people like you with {name}, after {when} about {people(h.estimate)} "
                f"(range {fmt_range(h)}) would get a second blood cancer and about {people(s.estimate)} "
                f"(range {fmt_range(s)}) a second cancer that is not a blood cancer.")
    elif a.estimate is not None:
        groups = [IconGroup(whole(a.estimate), EXTRA_COLOUR, "person", "a second cancer of any kind")]
        text = (f"Out of 100 people like you with {name}, after {when} about {people(a.estimate)} "
                f"(range {fmt_range(a)}) would get a second cancer of any kind.")
    else:
        reason = h.reason or a.reason or "not in the evidence base"
        return None, f"The studies do not tell us how many people taking {name} get a second cancer ({reason}).", []
    if any(n.extrapolated for n in (h, s, a) if n.estimate is not None):
        text += " This is beyond how long the trials followed people."
    return icon_array(groups, f"{name}: second cancers after {when}, out of 100", text), text, groups


def build_view(result: EstimateResult, curves: EstimateResult, years: int) -> ResultsView:
    ref_opt = next(o for o in result.options if o.option == "observation")
    views: list[OptionView] = []
    for i, o in enumerate(result.options):
        colour, dash, dash_words = PALETTE[i % len(PALETTE)]
        ov = OptionView(option=o, colour=colour, dash=dash, dash_words=dash_words, at=_at(o, years),
                        ref=_at(ref_opt, years), is_reference=o.option == "observation")
        ov.icons_pfs, ov.text_pfs = _benefit_icons(ov, "pfs", years)
        ov.icons_os, ov.text_os = _benefit_icons(ov, "os", years)
        ov.icons_spm, ov.text_spm, ov.spm_groups = _spm_icons(ov, years)
        views.append(ov)

    rows: dict[str, dict[float, tuple[Number, Number]]] = {}
    series_pfs, series_os, missing_os = [], [], []
    for ov in views:
        o = next(c for c in curves.options if c.option == ov.option.option)
        rows[o.option] = {h.years: (h.pfs_percent, h.os_percent) for h in o.horizons}
        pfs = [(0.0, 100.0, 100.0, 100.0)] + [(h.years, h.pfs_percent.estimate, h.pfs_percent.lower, h.pfs_percent.upper)
                                             for h in o.horizons]
        os_ = [(0.0, 100.0, 100.0, 100.0)] + [(h.years, h.os_percent.estimate, h.os_percent.lower, h.os_percent.upper)
                                             for h in o.horizons]
        series_pfs.append(Series(o.plain_label, ov.colour, ov.dash, pfs))
        if all(h.os_percent.estimate is None for h in o.horizons):
            missing_os.append(o.plain_label)
        else:
            series_os.append(Series(o.plain_label, ov.colour, ov.dash, os_))
    names = ", ".join(ov.option.plain_label for ov in views)
    chart_pfs = survival_chart(
        series_pfs, "People alive without the myeloma coming back, by year",
        f"A line for each option ({names}) from the start of maintenance to 7 years; shaded bands "
        f"show the range. The table below gives every point.")
    chart_os = survival_chart(
        series_os, "People alive, by year",
        "A line for each option with overall-survival numbers, from the start of maintenance to 7 years; "
        "shaded bands show the range. The table below gives every point.")
    return ResultsView(result=result, years=years, options=views, chart_pfs=chart_pfs, chart_os=chart_os,
                       curve_years=list(curves.horizons_years), curve_rows=rows, missing_os=missing_os)


def plain_summary(result: EstimateResult, years: int):
    """The plain-language summary (``mmdecide.report.plain_language``), or None if that module
    is not available."""
    try:
        from ..report.plain_language import summarize
    except ImportError:  # pragma: no cover - the module ships with the package
        return None
    return summarize(result, float(years))
