"""What the results and summary pages show, built from one estimate (no new numbers).

Every number here is a field of :class:`~mmdecide.personal.EstimateResult`; this module only
chooses the horizon, orders the options, picks colours and writes the descriptions of the charts
(whose counts are the estimate's numbers rounded as the estimate rounds them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from ..personal import PatientProfile
from ..personal.result import EstimateResult, HorizonResult, Number, OptionResult, SourceRef
from ..report.calibration_words import trial_only_sentences
from ..report.plain_language import STRENGTH_WORDS, top_side_effects, trial_spm_pair
from ..report.option_words import TRIAL_ONLY_PICTURE
from ..report.picture_words import (
    BENEFIT_REST, BENEFIT_WHAT, BEYOND_FOLLOW_UP, benefit_picture_text, spm_picture_text, spm_trial_sentence,
)  # fmt: skip
from ..report.side_effect_words import comparator_words, plain_side_effect
from .charts import MARKERS, PALETTE, IconGroup, Series, icon_array, survival_chart
from .rendering import fmt_years, whole

__all__ = [
    "OptionView",
    "ResultsView",
    "before_after",
    "build_view",
    "default_options",
    "picture_key",
    "plain_summary",
    "with_options",
]

#: Picture colours (Okabe-Ito, each >= 3:1 against white) and symbols: benefit is blue or green
#: with a tick, harm is vermillion or wine with a cross, so colour is never the only cue.
BASE_COLOUR = "#0072b2"  # blue: people who do as well with or without the option
BENEFIT_COLOUR = "#007a5a"  # dark bluish green + tick: the extra people the option helps
HARM_COLOUR = "#d55e00"  # vermillion + cross: a second blood cancer, or people worse off with it
HARM2_COLOUR = "#882255"  # wine + cross: a second cancer that is not a blood cancer

@dataclass
class OptionView:
    option: OptionResult
    colour: str
    marker: str
    at: HorizonResult
    ref: HorizonResult
    is_reference: bool
    icons_pfs: Markup | None = None
    icons_os: Markup | None = None
    icons_spm: Markup | None = None
    text_pfs: str = ""
    text_os: str = ""
    text_spm: str = ""
    groups_pfs: list[IconGroup] = field(default_factory=list)
    groups_os: list[IconGroup] = field(default_factory=list)
    spm_groups: list[IconGroup] = field(default_factory=list)
    #: the most common serious side effect in the trials: (plain words, the option's percent,
    #: the comparison group's percent or None, the comparison group's name)
    harm: tuple[str, Number, Number | None, str] | None = None
    #: for an option shown by its own trial's results only: (endpoint or "", sentence, sources)
    trial_lines: list[tuple[str, str, list[SourceRef]]] = field(default_factory=list)
    #: the trial's second cancers as published: (the option's percent, the comparison's or None, its name)
    trial_spm: tuple[Number, Number | None, str] | None = None
    #: second cancers counted another way than for no maintenance (any kind vs blood and other):
    #: the option's own trial pair, counted one way, for the first screen (see ``_spm_trial``)
    spm_trial: tuple[Number, Number, str, str] | None = None

    @property
    def trial_only(self) -> bool:
        """The model could not reproduce this option's own trial: only the trial's results are shown."""
        return self.option.display == "trial_results_only"

    @property
    def spm_trial_numbers(self) -> list[Number]:
        return list(self.spm_trial[:2]) if self.spm_trial else []

    @property
    def indirect(self) -> bool:
        return self.option.evidence.kind == "indirect"

    @property
    def weak(self) -> bool:
        """Shown lighter, with a label: indirect, or rated low or very low."""
        return self.indirect or self.option.evidence.strength in ("low", "very low")

    @property
    def strength_words(self) -> str:
        return STRENGTH_WORDS.get(self.option.evidence.strength, self.option.evidence.strength)


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


def _name(ov: OptionView) -> str:
    return "no maintenance" if ov.is_reference else ov.option.plain_label


def picture_key(views: list[OptionView], ep: str = "pfs") -> list[IconGroup]:
    """One key for several benefit pictures (the leaflet's): each kind of person drawn in any of
    them, once, in the order drawn, worded for every option at once."""
    what = BENEFIT_WHAT[ep]
    words = {"person": f"{what}, with or without the option",
             "tick": f"{what} only with the option: the extra people it helps",
             "cross": f"{what} only without the option",
             "rest": BENEFIT_REST[ep]}
    groups = [g for ov in views for g in getattr(ov, f"groups_{ep}") if g.n > 0]
    kinds = {g.shape: g for g in groups}
    order = ["person", "tick", "cross", "rest"]
    return [IconGroup(0, kinds[k].colour, k, words[k]) for k in order if k in kinds]


def _benefit_icons(ov: OptionView, ep: str, years: float) -> tuple[Markup, str, list[IconGroup]]:
    what, rest = BENEFIT_WHAT[ep], BENEFIT_REST[ep]
    opt: Number = getattr(ov.at, f"{ep}_out_of_100")
    ref: Number = getattr(ov.ref, f"{ep}_out_of_100")
    name = _name(ov)
    when = fmt_years(years)
    if ov.trial_only:
        return Markup(""), TRIAL_ONLY_PICTURE, []
    text = benefit_picture_text(name, ep, when, opt, None if ov.is_reference else ref)
    if opt.estimate is None:
        return Markup(""), text, []
    k1 = whole(opt.estimate)
    if ov.is_reference or ref.estimate is None:
        groups = [IconGroup(k1, BASE_COLOUR, "person", what)]
    else:
        k0 = whole(ref.estimate)
        if k1 >= k0:
            groups = [IconGroup(k0, BASE_COLOUR, "person", f"{what} with or without it"),
                      IconGroup(k1 - k0, BENEFIT_COLOUR, "tick", f"{what} only with it: the extra people it helps")]
        else:
            groups = [IconGroup(k1, BASE_COLOUR, "person", f"{what} with or without it"),
                      IconGroup(k0 - k1, HARM_COLOUR, "cross", f"{what} only without it")]
    groups.append(IconGroup(100 - sum(g.n for g in groups), "#595959", "rest", rest))
    title = f"{ov.option.plain_label}: people {what} after {when}, out of 100"
    return icon_array(groups, title, text), text, groups


def _spm_icons(ov: OptionView, years: float) -> tuple[Markup | None, str, list[IconGroup]]:
    """Second cancers with this option: each kind drawn as the number the text says."""
    at, ref = ov.at, ov.ref
    name = _name(ov)
    when = fmt_years(years)
    if ov.trial_only:
        return None, TRIAL_ONLY_PICTURE, []
    h, s, a = at.spm_hematologic_percent, at.spm_solid_percent, at.spm_any_percent
    text = spm_picture_text(name, when, at, None if ov.is_reference else ref)
    if h.estimate is not None and s.estimate is not None:
        groups = [IconGroup(whole(h.estimate), HARM_COLOUR, "cross", "a second blood cancer"),
                  IconGroup(whole(s.estimate), HARM2_COLOUR, "cross", "a second cancer that is not a blood cancer")]
    elif a.estimate is not None:
        groups = [IconGroup(whole(a.estimate), HARM_COLOUR, "cross", "a second cancer of any kind")]
    else:
        return None, text, []
    trial = _spm_trial(ov)
    if trial is not None:  # the trial's own pair, counted one way (the card shows it)
        text += spm_trial_sentence(*trial)
    groups.append(IconGroup(100 - sum(g.n for g in groups), "#595959", "rest", "no second cancer"))
    if any(n.extrapolated for n in (h, s, a) if n.estimate is not None):
        text += BEYOND_FOLLOW_UP
    return icon_array(groups, f"{ov.option.plain_label}: second cancers after {when}, out of 100", text), text, groups


def _trial_spm(o: OptionResult) -> tuple[Number, Number | None, str] | None:
    """The trial's own second-cancer percent (any kind) beside its comparison arm's, as published."""
    s = next((x for x in o.side_effects if x.category.startswith("spm-") and x.percent.estimate is not None), None)
    if s is None:
        return None
    comp = s.comparator_percent if s.comparator_percent and s.comparator_percent.estimate is not None else None
    return s.percent, comp, (s.comparator or "").split(" (")[0]


def _spm_trial(ov: OptionView) -> tuple[Number, Number, str, str] | None:
    """(option %, comparison %, comparison in words, follow-up in words) from the option's own trial,
    when its second cancers are counted another way than no maintenance's: ixazomib's any-kind 5 in
    100 (projected from TOURMALINE-MM3) sat beside no maintenance's blood 1 + other 2 (another
    source, counted by kind), while the trial itself reported 3% vs 3%."""
    at, ref = ov.at, ov.ref
    split = (at.spm_hematologic_percent.estimate is not None and at.spm_solid_percent.estimate is not None)
    if ov.is_reference or split or at.spm_any_percent.estimate is None or ref.spm_any_percent.estimate is not None:
        return None
    pair = trial_spm_pair(ov.option, "spm_any_percent")
    if pair is None or pair.comparator_percent is None:
        return None
    m = re.search(r"median (\d+(?:\.\d+)?) months", pair.time_frame or "")
    # the card names the trial; its sources are one layer down, in the second-cancer figure
    follow = f" ({pair.evidence.upper()})" + (f", followed for a median of {float(m.group(1)):g} months" if m else "")
    return pair.percent, pair.comparator_percent, comparator_words(pair), follow


def _harm(o: OptionResult) -> tuple[str, Number, Number | None, str] | None:
    top = top_side_effects(o, 1)
    if not top:
        return None
    s = top[0]
    comp = s.comparator_percent if s.comparator_percent and s.comparator_percent.estimate is not None else None
    comparator = (s.comparator or "").split(" (")[0]
    return plain_side_effect(s), s.percent, comp, comparator


def key_sources(view: ResultsView, k: int = 3) -> list[SourceRef]:
    """The ``k`` publications behind the most numbers of the first layer (alive without
    progression, alive and second cancers of every shown option at the chosen horizon): primary
    publications before labels and secondary sources, then by how many numbers use them, first
    cited first on ties. These are the sources a leaflet names in full."""
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], SourceRef] = {}
    for ov in view.options:
        for n in (ov.at.pfs_out_of_100, ov.at.os_out_of_100, ov.at.spm_hematologic_percent,
                  ov.at.spm_solid_percent, ov.at.spm_any_percent):
            for ref in {(r.citation, r.url): r for r in n.sources}.values():
                key = (ref.citation, ref.url)
                counts[key] = counts.get(key, 0) + 1
                first.setdefault(key, ref)
    order = list(first)
    ranked = sorted(order, key=lambda key: (first[key].tier != "primary", -counts[key], order.index(key)))
    return [first[key] for key in ranked[:k]]


def clinic_questions(profile: PatientProfile) -> list[str]:
    """Questions about the answers that move the numbers most, worded for what the person knows."""
    out = []
    if profile.mrd is None:
        out.append("Can I have an MRD test after my transplant? What would the result mean for maintenance?")
    else:
        out.append(f"My MRD test was {profile.mrd}. How does that change the choice of maintenance?")
    high = profile.high_risk_cytogenetics()
    if high is None:
        out.append("Did my FISH test find any high-risk changes, such as del(17p) or t(4;14)?")
    elif high:
        out.append("My FISH test found high-risk changes. What does that mean for my maintenance?")
    return out


def default_options(result: EstimateResult) -> list[str]:
    """The options shown until a person ticks others: no maintenance, and every option compared
    with it directly in randomized trials whose evidence is rated moderate or high."""
    return [o.option for o in result.options
            if o.option == "observation" or (o.evidence.kind == "direct-randomized"
                                             and o.evidence.strength in ("high", "moderate"))]


def with_options(result: EstimateResult, ids: list[str]) -> EstimateResult:
    """The same estimate with only the options in ``ids`` (no maintenance always kept): the
    numbers do not change, only which options are shown."""
    keep = set(ids) | {"observation"}
    return result.model_copy(update={"options": [o for o in result.options if o.option in keep]})


def before_after(before: EstimateResult, after: EstimateResult, ids: list[str], years: int) -> list[dict]:
    """For each shown option: the numbers at ``years`` with the old answers and with the new."""
    rows = []
    old = {o.option: o for o in before.options}
    for o in after.options:
        if o.option not in ids or o.option not in old or "trial_results_only" in (o.display, old[o.option].display):
            continue  # no numbers for this person to compare: only the trial's results are shown
        a, b = _at(o, years), _at(old[o.option], years)
        rows.append({"label": o.plain_label, "option": o.option,
                     "pfs": (b.pfs_out_of_100, a.pfs_out_of_100), "os": (b.os_out_of_100, a.os_out_of_100)})
    return rows


def build_view(result: EstimateResult, curves: EstimateResult, years: int) -> ResultsView:
    ref_opt = next(o for o in result.options if o.option == "observation")
    views: list[OptionView] = []
    for i, o in enumerate(result.options):
        colour = PALETTE[i % len(PALETTE)][0]
        ov = OptionView(option=o, colour=colour, marker=MARKERS[i % len(MARKERS)], at=_at(o, years),
                        ref=_at(ref_opt, years), is_reference=o.option == "observation")
        ov.icons_pfs, ov.text_pfs, ov.groups_pfs = _benefit_icons(ov, "pfs", years)
        ov.icons_os, ov.text_os, ov.groups_os = _benefit_icons(ov, "os", years)
        ov.icons_spm, ov.text_spm, ov.spm_groups = _spm_icons(ov, years)
        ov.harm = _harm(o)
        if ov.trial_only and o.calibration is not None and o.display_reason is not None:
            ov.trial_lines = trial_only_sentences(o.display_reason, o.calibration)
            ov.trial_spm = _trial_spm(o)
        else:  # the trial-only card already shows its trial's own second-cancer pair
            ov.spm_trial = _spm_trial(ov)
        views.append(ov)

    rows: dict[str, dict[float, tuple[Number, Number]]] = {}
    series_pfs, series_os, missing_os = [], [], []
    for ov in views:
        o = next(c for c in curves.options if c.option == ov.option.option)
        rows[o.option] = {h.years: (h.pfs_percent, h.os_percent) for h in o.horizons}
        if ov.trial_only:  # no curve: only its trial's results are shown
            continue
        start = (0.0, 100.0, 100.0, 100.0, False)
        pfs = [start] + [(h.years, h.pfs_percent.estimate, h.pfs_percent.lower, h.pfs_percent.upper,
                          h.pfs_percent.extrapolated) for h in o.horizons]
        os_ = [start] + [(h.years, h.os_percent.estimate, h.os_percent.lower, h.os_percent.upper,
                          h.os_percent.extrapolated) for h in o.horizons]
        series_pfs.append(Series(o.plain_label, ov.colour, ov.marker, pfs, ov.weak))
        if all(h.os_percent.estimate is None for h in o.horizons):
            missing_os.append(o.plain_label)
        else:
            series_os.append(Series(o.plain_label, ov.colour, ov.marker, os_, ov.weak))
    names = ", ".join(ov.option.plain_label for ov in views if not ov.trial_only)
    how = ("Solid lines cover the time the trials followed people; dashed lines go beyond it. "
           "Shaded bands show the range. Lighter lines have weak evidence. The table gives every point.")
    absent = [ov.option.plain_label for ov in views if ov.trial_only]
    if absent:
        how += (f" No line for {', '.join(absent)}: our model could not match its own trial, so only the "
                "trial's results are shown.")
    chart_pfs = survival_chart(
        series_pfs, "People alive with the myeloma not back, by year",
        f"A line for each option ({names}) from the start of maintenance to 7 years. {how}")
    chart_os = survival_chart(
        series_os, "People alive, by year",
        f"A line for each option with numbers on survival, from the start of maintenance to 7 years. {how}")
    return ResultsView(result=result, years=years, options=views, chart_pfs=chart_pfs, chart_os=chart_os,
                       curve_years=list(curves.horizons_years), curve_rows=rows, missing_os=missing_os)


def plain_summary(result: EstimateResult, years: int):
    """The plain-language summary (``mmdecide.report.plain_language``)."""
    from ..report.plain_language import summarize

    return summarize(result, float(years))
