"""An option whose own trial the model cannot reproduce shows that trial's results only (issue 8
point 5): the switch is the option's calibration, not a list of options; every personal number of
such an option is null with a reason; the trial's results, its hazard ratios, side effects and
published second cancers stay; the plain words and the table show the trial instead."""

from __future__ import annotations

import json

import pytest

from mmdecide.personal import estimate
from mmdecide.personal.calibration import calibration_by_option
from mmdecide.personal.model import run_model
from mmdecide.personal.result import EstimateResult, HorizonResult, OptionResult
from mmdecide.personal.trial_only import (
    TRIAL_RESULTS_ONLY, WITHHELD_REASON, display_reason, show_trial_results_only, withhold,
)  # fmt: skip
from mmdecide.report.estimate_text import estimate_text
from mmdecide.report.plain_language import summarize, summary_text

HORIZONS = [2, 5]


@pytest.fixture(scope="module")
def model() -> EstimateResult:
    """The model's numbers for every option, before the calibration is attached."""
    return run_model({"mrd": "positive"}, horizons=HORIZONS, n_draws=400)


def _with(model: EstimateResult, within: dict[str, bool]) -> EstimateResult:
    """The model's estimate with each option's real calibration, its verdict forced as given."""
    calib = calibration_by_option()
    options = []
    for o in model.options:
        c = calib.get(o.option)
        if c is not None and o.option in within:
            c = c.model_copy(update={"within": within[o.option]})
        options.append(o.model_copy(update={"calibration": c}))
    return show_trial_results_only(model.model_copy(update={"options": options}))


def _numbers(o: OptionResult) -> list:
    """Every personal number of an option (the ones withheld when its trial is missed)."""
    out = [o.median_pfs_months, o.median_os_months, o.hr_pfs_vs_observation, o.hr_os_vs_observation]
    for h in o.horizons:
        out += [getattr(h, f) for f, info in HorizonResult.model_fields.items() if f != "years" and info.is_required()]
    return out


def test_the_switch_is_the_calibration_not_a_list_of_options(model):
    """Forcing a verdict changes what is shown: a missed option whose trial matched gets its numbers
    back, a matched option whose trial missed loses them."""
    real = calibration_by_option()
    assert not real["ixazomib"].within and real["lenalidomide"].within  # as computed today
    flipped = _with(model, {"ixazomib": True, "lenalidomide": False})
    by = {o.option: o for o in flipped.options}
    ixa, le = by["ixazomib"], by["lenalidomide"]
    assert ixa.display == "model" and ixa.display_reason is None
    assert ixa.horizons[0].pfs_percent.estimate is not None and ixa.median_pfs_months.estimate is not None
    src = {o.option: o for o in model.options}
    assert ixa.horizons == src["ixazomib"].horizons  # unchanged: the model's own numbers
    assert le.display == TRIAL_RESULTS_ONLY
    assert le.display_reason == display_reason(le.calibration) and "McCarthy 2017" in le.display_reason
    assert all(n.estimate is None and n.reason == WITHHELD_REASON for n in _numbers(le))
    # the real verdicts: the options that miss their own trial, and only those, show trial results only
    real_run = _with(model, {})
    for o in real_run.options:
        missed = o.calibration is not None and not o.calibration.within
        assert (o.display == TRIAL_RESULTS_ONLY) == missed, o.option
        assert any(n.estimate is not None for n in _numbers(o)) != missed, o.option


def test_what_stays_for_a_trial_only_option(model):
    o = next(x for x in _with(model, {}).options if x.option == "ixazomib")
    before = next(x for x in model.options if x.option == "ixazomib")
    assert o.display == TRIAL_RESULTS_ONLY
    assert o.side_effects == before.side_effects and o.side_effects  # the trial's harms, as published
    assert any(s.category.startswith("spm-") for s in o.side_effects)  # its second cancers, as published
    assert o.regimen == before.regimen and o.evidence == before.evidence and o.outside_population == before.outside_population
    assert [h.years for h in o.horizons] == HORIZONS
    assert all(h.pfs_percent_effect_wanes is None and h.os_percent_effect_wanes is None for h in o.horizons)
    c = o.calibration
    assert c.rows and all(r.source is not None for r in c.rows if r.published is not None)
    assert all(r.follow_up_months is not None for r in c.rows)  # every result with its follow-up
    assert c.trial_effects and all(e.hazard_ratio.lower is not None and e.hazard_ratio.sources for e in c.trial_effects)


def test_the_reason_says_what_the_model_gives_and_what_the_trial_saw():
    calib = calibration_by_option()
    ixa = display_reason(calib["ixazomib"])
    row = next(r for r in calib["ixazomib"].rows if r.model_arm == "ixazomib" and r.endpoint == "PFS")
    assert not row.within_tolerance
    assert ixa.startswith("Our model could not match this option's own trial, TOURMALINE-MM3.")
    assert f"at {row.model:.0f} months" in ixa and f"The trial saw {row.published:g} months." in ixa
    assert ixa.endswith("So we show the trial's results, not numbers for you.")
    auriga = display_reason(calib["daratumumab-lenalidomide"])  # a landmark: out of 100, with its time
    r = next(x for x in calib["daratumumab-lenalidomide"].rows if x.model_arm == "daratumumab-lenalidomide")
    assert f"{r.model:.0f} out of 100 alive without the myeloma coming back after 30 months" in auriga
    assert f"The trial saw {r.published:.0f} out of 100." in auriga


def test_an_option_whose_trial_matches_is_left_as_it_is(model):
    o = next(x for x in model.options if x.option == "daratumumab")
    o = o.model_copy(update={"calibration": calibration_by_option()["daratumumab"]})
    assert o.calibration.within and withhold(o) is o


def test_json_has_the_shape_and_no_model_number_for_a_trial_only_option():
    r = estimate({"mrd": "positive"}, horizons=[5], n_draws=400)
    data = json.loads(r.model_dump_json())
    by = {o["option"]: o for o in data["options"]}
    krd = by["carfilzomib-lenalidomide-dexamethasone"]
    assert krd["display"] == "trial_results_only" and "ATLAS" in krd["display_reason"]
    assert krd["median_pfs_months"]["estimate"] is None and krd["median_pfs_months"]["sources"] == []
    h = krd["horizons"][0]
    assert all(v["estimate"] is None for k, v in h.items() if isinstance(v, dict))
    assert [row["published"] for row in krd["calibration"]["rows"] if row["arm"] == "krd"][0] == 59.1
    assert by["lenalidomide"]["display"] == "model" and by["lenalidomide"]["display_reason"] is None
    assert EstimateResult.model_validate(data) == r  # the JSON reads back


def test_plain_words_and_the_table_show_the_trial_in_place_of_the_numbers():
    r = estimate({"mrd": "positive"}, horizons=[5], n_draws=400)
    s = summarize(r, 5)
    sec = next(x for x in s.sections if x.option == "daratumumab-lenalidomide")
    text = " ".join(sec.sentences)
    assert "people like you would be alive" not in text  # no personal number
    assert "In the trial, 83 out of 100 people who took daratumumab plus lenalidomide were alive without the " \
           "myeloma coming back after 30 months." in text
    assert "Half the people were followed for over 32 months." in text
    assert "0.53 times the chance with lenalidomide alone (between 0.29 and 0.97)" in text
    # each trial number carries its source
    for sentence, kind, refs in zip(sec.sentences, sec.kinds, sec.sources):
        if kind in ("pfs-trial", "os-trial") and any(ch.isdigit() for ch in sentence):
            assert refs, sentence
    # the order rule holds: the trial's results where the benefits were, harms next, evidence last
    order = ("pfs-", "os-", "spm-", "side-effect-", "evidence-")
    groups = [next(i for i, p in enumerate(order) if k.startswith(p)) for k in sec.kinds]
    assert groups == sorted(groups)
    text = estimate_text(r)
    block = next(b for b in text.split("\n\n") if b.startswith("Daratumumab injections") or
                 b.startswith(next(o.label for o in r.options if o.option == "daratumumab-lenalidomide")))
    assert "TRIAL RESULTS ONLY" in block and "82.7%" in block and "66.4%" in block and "no progression %" not in block
    assert "TRIAL RESULTS ONLY" not in summary_text(s)  # the table's words stay in the table


def test_the_web_view_uses_no_withheld_number_to_compare_or_draw():
    """No picture, curve or what-if row for a trial-only option; its card reads the trial's results."""
    from mmdecide.report.option_words import TRIAL_ONLY_PICTURE
    from mmdecide.web.results_view import before_after, build_view

    before = estimate({"mrd": "positive"}, horizons=[1, 2, 3, 5, 7], n_draws=400)
    after = estimate({"mrd": "positive", "r_iss": "II"}, horizons=[1, 2, 3, 5, 7], n_draws=400)
    ids = [o.option for o in after.options]
    missed = {o.option for o in after.options if o.display == TRIAL_RESULTS_ONLY}
    assert missed and missed < set(ids)
    rows = before_after(before, after, ids, 5)
    assert {r["option"] for r in rows} == set(ids) - missed
    view = build_view(after, after, 5)
    drawn = str(view.chart_pfs).split("</desc>")[1]  # the lines (the text alternative names every option)
    for ov in view.options:
        if ov.option.option in missed:
            assert ov.trial_only and not ov.icons_pfs and ov.icons_spm is None and ov.text_pfs == TRIAL_ONLY_PICTURE
            assert ov.trial_lines and ov.trial_lines[0][1].startswith("Our model could not match")
            assert ov.option.plain_label not in drawn  # no line of its own
            assert ov.option.plain_label in str(view.chart_pfs).split("No line for", 1)[1].split("</desc>")[0]
        else:
            assert not ov.trial_lines and ov.option.plain_label in drawn


def test_a_row_with_no_number_to_compare_decides_nothing():
    """A 'not comparable' row (the model has no number for it) is neither an agreement nor a miss:
    it cannot make an option trial-only, nor be the miss its reason names."""
    from mmdecide.personal.calibration import option_within
    from mmdecide.personal.trial_only import missed_row

    c = calibration_by_option()["lenalidomide"]
    assert c.within and option_within(list(c.rows))
    row = c.rows[0].model_copy(update={"within_tolerance": False, "comparable": False, "fitted": False,
                                       "model": None})
    rows = [*c.rows, row]
    assert option_within(rows)
    assert missed_row(c.model_copy(update={"rows": rows})) is None
    judged = row.model_copy(update={"comparable": True})
    assert not option_within([*c.rows, judged])
    assert missed_row(c.model_copy(update={"rows": [*c.rows, judged]})) == judged
