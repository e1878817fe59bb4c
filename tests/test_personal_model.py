"""The personal model's structure: one coherent patient per draw, age through the life table,
every input accounted for, no number beyond the evidence unmarked, and the two uncertainties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mmdecide.personal import PatientProfile, estimate
from mmdecide.personal import model as model_mod
from mmdecide.personal.options import OPTIONS
from mmdecide.personal.structure import os_from_pfs

ALL_OPTIONS = [o.id for o in OPTIONS]
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def opt(result, option_id):
    return next(o for o in result.options if o.option == option_id)


@st.composite
def consistent_profiles(draw):
    """Profiles the validator accepts: R-ISS given alone or left to its parts."""
    p = {}
    if draw(st.booleans()):
        p["age"] = draw(st.integers(30, 90))
    p["sex"] = draw(st.sampled_from([None, "female", "male"]))
    if draw(st.booleans()):
        p["r_iss"] = draw(st.sampled_from(["I", "II", "III"]))
    else:
        p["ldh_high"] = draw(st.sampled_from([None, False, True]))
        p["cytogenetics"] = draw(st.sampled_from([None, ["none-found"], ["del17p"], ["gain1q"], ["t4-14", "amp1q"]]))
    p["response"] = draw(st.sampled_from([None, "sCR", "CR", "VGPR", "PR"]))
    p["mrd"] = draw(st.sampled_from([None, "positive"] + (["negative"] if p["response"] in ("sCR", "CR") else [])))
    p["induction"] = draw(st.sampled_from([None, "vrd", "vtd", "vcd", "krd", "dara-vrd", "dara-vtd", "other"]))
    return {k: v for k, v in p.items() if v is not None}


class _Recorder:
    """Wraps the model's per-option curves to see every column (every draw), not just percentiles."""

    def __init__(self, monkeypatch):
        self.arms = []
        real = model_mod._Arm

        def record(*args):
            arm = real(*args)
            self.arms.append(arm)
            return arm

        monkeypatch.setattr(model_mod, "_Arm", record)


# -- point 1: one coherent patient per draw; PFS <= OS by construction ---------------------------

def test_progressed_alive_is_never_negative():
    rng = np.random.default_rng(1)
    h = np.cumsum(rng.exponential(0.05, size=(60, 50)), axis=0)
    p = np.exp(-np.vstack([np.zeros((1, 50)), h]))
    os_ = os_from_pfs(p, rng.uniform(0, 2, size=50), 1.0)
    assert np.all(os_ >= p) and np.all(os_ <= 1.0 + 1e-12)
    assert np.all(np.diff(os_, axis=0) <= 1e-12)  # survival never rises


@SETTINGS
@given(profile=consistent_profiles())
def test_pfs_never_above_os_in_any_draw_estimate_or_bound(profile):
    mp = pytest.MonkeyPatch()
    rec = _Recorder(mp)
    try:
        r = estimate(profile, options=ALL_OPTIONS, horizons=[1, 3, 5, 7, 10], n_draws=400)
    finally:
        mp.undo()
    assert rec.arms
    for arm in rec.arms:
        assert np.all(arm.pfs <= arm.os + 1e-12) and np.all(arm.split_pfs <= arm.split_os + 1e-12)
    for o in r.options:
        for h in o.horizons:
            if h.os_percent.estimate is None:
                continue
            for a, b in ((h.pfs_percent.estimate, h.os_percent.estimate), (h.pfs_percent.lower, h.os_percent.lower),
                         (h.pfs_percent.upper, h.os_percent.upper)):
                assert a <= b + 1e-9, (o.option, h.years, a, b)


def test_unknown_stage_is_one_stage_for_both_endpoints(monkeypatch):
    """Drawn once per column: a column's PFS and OS relative hazards come from the same stage."""
    from mmdecide.personal.prepared import default_corpus
    from mmdecide.personal.prognosis import Plan, apply, profile_effects

    effects = profile_effects(default_corpus(), PatientProfile(), 300, np.random.default_rng(3))
    plan = Plan(300, 100)
    cols = apply([e for e in effects if e.factor == "r-iss"], plan, np.random.default_rng(4))
    riss = next(e for e in effects if e.factor == "r-iss")
    idx = plan.evidence_index()
    pfs_stage = np.argmin(np.abs(riss.pfs.levels[idx] - cols.pfs[:, None]), axis=1)
    os_stage = np.argmin(np.abs(riss.os.levels[idx] - cols.os[:, None]), axis=1)
    main = plan.main
    assert np.array_equal(pfs_stage[main], os_stage[main])
    assert len(set(pfs_stage[main])) == 3  # all stages do occur


def test_effects_enter_once():
    """The lenalidomide OS HR is a calibration target: the model's OS is not S_obs ** 0.75 on top
    of the PFS effect, and removing the OS effect (HR = 1) would not leave OS unchanged."""
    r = estimate({}, options=["lenalidomide"], horizons=[6.5])
    obs, len_ = opt(r, "observation").horizons[0], opt(r, "lenalidomide").horizons[0]
    ratio = np.log(len_.os_percent.estimate / 100) / np.log(obs.os_percent.estimate / 100)
    assert ratio == pytest.approx(0.75, abs=0.03)  # fitted near the 79.5-month follow-up


# -- point 2: age acts through the life table ------------------------------------------------------

@SETTINGS
@given(younger=st.integers(30, 84), gap=st.integers(3, 15), r_iss=st.sampled_from(["I", "II", "III"]))
def test_five_year_survival_falls_with_age(younger, gap, r_iss):
    def os5(age):
        r = estimate({"age": age, "r_iss": r_iss, "mrd": "positive"}, options=["lenalidomide"], horizons=[5], n_draws=200)
        return opt(r, "lenalidomide").horizons[0].os_percent.estimate

    assert os5(younger + gap) < os5(younger)


def test_unknown_sex_lies_between_women_and_men():
    def os7(sex):
        p = {"age": 65} | ({"sex": sex} if sex else {})
        return opt(estimate(p, options=["lenalidomide"], horizons=[7]), "lenalidomide").horizons[0].os_percent.estimate

    assert os7("male") < os7(None) < os7("female")


# -- point 3: every input used or listed as not used ------------------------------------------------

FULL = {"age": 60, "sex": "female", "iss": "II", "beta2_microglobulin_mg_l": 4.0, "albumin_g_dl": 3.8,
        "ldh_high": False, "cytogenetics": ["gain1q"], "response": "sCR", "mrd": "negative",
        "creatinine_clearance_ml_min": 55.0, "induction": "vrd", "transplant": "single",
        "months_since_transplant": 4.0, "r2_iss": "III",  # ISS II (1) + 1q gain (0.5) = R2-ISS III
        "hemoglobin_g_dl": 11.5, "neutrophils_10e9_l": 2.1, "platelets_10e9_l": 160.0}


@pytest.mark.parametrize("profile", [{}, FULL])
def test_every_profile_field_is_used_or_listed_as_not_used(profile):
    r = estimate(profile, options=["lenalidomide"], horizons=[3])
    listed = [u.field for u in r.inputs]
    assert sorted(listed) == sorted(PatientProfile.model_fields)
    for u in r.inputs:
        assert u.how and u.value
        if profile.get(u.field) is not None and not u.used:
            assert "not used" in u.how, u


def test_full_profile_uses_age_sex_stage_response_mrd_and_says_why_not_for_the_rest():
    r = estimate(FULL, options=["lenalidomide"], horizons=[3])
    uses = {u.field: u for u in r.inputs}
    for f in ("age", "sex", "mrd", "response", "cytogenetics", "iss", "induction"):
        assert uses[f].used, uses[f]
    assert "DETERMINATION" in uses["induction"].how  # VRd: the baseline fitted to DETERMINATION's arm
    for f in ("creatinine_clearance_ml_min", "transplant", "months_since_transplant"):
        assert not uses[f].used and "not used, because" in uses[f].how


@pytest.mark.parametrize("profile, field, used", [
    ({"cytogenetics": ["none-found"]}, "cytogenetics", False),  # alone it rules out no R-ISS stage
    ({"cytogenetics": ["gain1q"]}, "cytogenetics", False),
    ({"ldh_high": False}, "ldh_high", False),
    ({"iss": "I", "cytogenetics": ["none-found"]}, "cytogenetics", False),  # ISS I alone already gives I or II
    ({"r_iss": "II", "iss": "II"}, "iss", False),  # the R-ISS stage given already holds it
    ({"cytogenetics": ["del17p"]}, "cytogenetics", True),  # rules out R-ISS I
    ({"cytogenetics": ["none-found"], "ldh_high": False}, "cytogenetics", True),  # with LDH: rules out III
    ({"cytogenetics": ["none-found"], "ldh_high": False}, "ldh_high", True),
    ({"iss": "III"}, "iss", True),
])
def test_an_r_iss_part_is_used_exactly_when_it_changes_the_numbers(profile, field, used):
    """A staging part (ISS, FISH, LDH) is 'used' only when it narrows the R-ISS stages a draw can
    take; otherwise the numbers equal those without it, and it is listed as not used."""
    def numbers(p):
        h = opt(estimate(p, options=["lenalidomide"], horizons=[5]), "lenalidomide").horizons[0]
        return (h.pfs_percent.estimate, h.pfs_percent.lower, h.os_percent.estimate, h.os_percent.upper)

    without = {k: v for k, v in profile.items() if k != field}
    assert (numbers(profile) != numbers(without)) is used  # the premise: the field changes the numbers
    use = next(u for u in estimate(profile, options=["lenalidomide"], horizons=[5]).inputs if u.field == field)
    assert use.used is used, use
    if not used:
        assert use.how.startswith("not used, because") and "R-ISS" in use.how, use


def test_response_uses_imwg_levels_and_unknown_mixes_nothing_in():
    def os5(resp):
        p = {"r_iss": "II", "mrd": "positive"} | ({"response": resp} if resp else {})
        return opt(estimate(p, options=["lenalidomide"], horizons=[5]), "lenalidomide").horizons[0].os_percent.estimate

    assert os5("sCR") > os5(None) > os5("CR")  # Kapoor 2013: sCR vs CR, HR 0.44; unknown = the average
    # below CR the evidence gives no number: such a level takes CR's shift (it was the average
    # patient, partly sCR, so a PR came out ahead of a CR), and the result says so in plain words
    assert os5("VGPR") == os5("PR") == os5("SD") == os5("CR")
    r = estimate({"response": "PR"}, options=["lenalidomide"], horizons=[5])
    resp = next(u for u in r.inputs if u.field == "response")
    assert resp.used and "PR is taken as CR, because the studies give no number for PR" in resp.how
    assert "probably do worse, so this may be optimistic" in resp.how


IMWG_ORDER = ("sCR", "CR", "VGPR", "PR", "SD")  # best first (Kumar et al., Lancet Oncol 2016)


@given(consistent_profiles())
@settings(SETTINGS, max_examples=6)
def test_five_year_pfs_and_os_never_rise_down_the_imwg_response_order(profile):
    base = {k: v for k, v in profile.items() if k not in ("response", "mrd")}
    runs = [estimate(base | {"response": r}, options=["lenalidomide", "observation"], horizons=[5])
            for r in IMWG_ORDER]
    for option in ("lenalidomide", "observation"):
        for endpoint in ("pfs_percent", "os_percent"):
            values = [getattr(opt(r, option).horizons[0], endpoint).estimate for r in runs]
            assert all(a >= b - 1e-9 for a, b in zip(values, values[1:])), (option, endpoint, values)


# -- point 7: no number beyond the evidence unmarked ------------------------------------------------

def test_projections_are_marked_with_both_effect_scenarios():
    # the model's numbers (the public estimate shows KRd by its trial's results only: test_trial_only.py)
    r = model_mod.run_model({}, options=["lenalidomide", "carfilzomib-lenalidomide-dexamethasone"], horizons=[2, 10])
    for o in r.options[1:]:
        within, beyond = o.horizons
        assert within.pfs_percent_effect_wanes is None
        assert beyond.pfs_percent.extrapolated and beyond.pfs_percent_effect_wanes.extrapolated
        assert beyond.pfs_percent_effect_wanes.estimate < beyond.pfs_percent.estimate  # effect HR < 1
        assert beyond.os_percent_effect_wanes.estimate <= beyond.os_percent.estimate + 1e-9
    krd = opt(r, "carfilzomib-lenalidomide-dexamethasone")
    m = krd.median_pfs_months
    assert m.extrapolated and m.beyond_follow_up is not None and m.estimate > m.beyond_follow_up
    assert r.projection_horizon_months == 180
    for o in r.options:
        for n in (o.median_pfs_months, o.median_os_months):
            assert n.upper is None or n.upper <= 180


def test_every_median_bound_past_the_follow_up_is_flagged():
    """Point 7: the lenalidomide median PFS read "62 (27-141)" with no mark though the follow-up is
    79.5 months; only the central value was checked. Any upper bound past it is flagged now."""
    r = model_mod.run_model({}, options=ALL_OPTIONS, horizons=[5])  # the model's numbers, every option
    seen = set()
    for o in r.options:
        for n in (o.median_pfs_months, o.median_os_months):
            if n.estimate is None:
                continue
            fu = n.beyond_follow_up or n.upper_beyond_follow_up
            if n.upper_beyond_follow_up is None:
                assert n.beyond_follow_up is None  # the central value past it: the bound is too
            else:
                assert n.upper > n.upper_beyond_follow_up and n.estimate <= n.upper
            assert n.upper_capped == (n.upper >= r.projection_horizon_months)
            seen.add((fu is not None, n.upper_capped))
    assert opt(r, "lenalidomide").median_pfs_months.upper_beyond_follow_up == 79.5
    assert opt(r, "lenalidomide").median_pfs_months.beyond_follow_up is None
    assert (True, True) in seen and (True, False) in seen  # both kinds occur in this estimate


def test_nnt_only_when_the_difference_excludes_zero():
    r = model_mod.run_model({}, options=["ixazomib", "lenalidomide"], horizons=[1, 3, 5])  # the model's numbers
    for o in r.options[1:]:
        for h in o.horizons:
            d = h.pfs_difference_percent
            assert (h.nnt_pfs.estimate is not None) == (d.lower > 0)


# -- point 10: two uncertainties told apart ---------------------------------------------------------

def test_studies_and_about_you_ranges_and_the_missing_input_that_matters():
    unknown = estimate({"r_iss": "II"}, options=["lenalidomide"], horizons=[5])
    known = estimate({"r_iss": "II", "mrd": "negative", "response": "CR"}, options=["lenalidomide"], horizons=[5])
    pu = opt(unknown, "lenalidomide").horizons[0].pfs_percent
    pk = opt(known, "lenalidomide").horizons[0].pfs_percent
    def width(r):
        return r[1] - r[0]

    assert width(pu.ranges.about_you) > 5  # MRD unknown moves 5-year PFS a lot
    assert width(pk.ranges.about_you) < 1e-9  # nothing applied is unknown: no 'about you' spread
    assert width(pu.ranges.studies) < width((pu.lower, pu.upper))
    assert [m.field for m in unknown.missing_inputs] == ["mrd"] and "MRD" in unknown.missing_inputs[0].ask
    assert known.missing_inputs == []
    empty = estimate({}, options=["lenalidomide"], horizons=[5])
    assert {m.field for m in empty.missing_inputs} == {"mrd", "r_iss"}


def test_the_answer_named_first_narrows_the_progression_free_range_most():
    """'Would narrow the ranges most' follows the progression-free share (docs/model.md, Two
    uncertainties): with nothing known, MRD explains more of it than R-ISS does, so MRD comes first
    even though R-ISS explains more of the survival spread (it used to be ranked by the sum)."""
    for profile in ({}, {"response": "CR", "age": 70}):
        asks = estimate(profile, options=["lenalidomide"], horizons=[5]).missing_inputs
        assert [m.field for m in asks] == ["mrd", "r_iss"], profile
        assert asks[0].share_pfs > asks[1].share_pfs and asks[0].share_os < asks[1].share_os
        pfs = [m.share_pfs for m in asks]
        assert pfs == sorted(pfs, reverse=True)


def test_text_shows_projection_mark_unused_inputs_and_the_input_that_matters():
    from mmdecide.report.estimate_text import estimate_text
    from mmdecide.report.plain_language import summarize, summary_text

    r = estimate({"r_iss": "II", "response": "PR", "induction": "vrd"}, options=["lenalidomide"], horizons=[3, 10])
    text = estimate_text(r)
    assert "more than 79.5 months" in text  # lenalidomide median OS: not reached at 79.5 months
    assert "response: PR is taken as CR, because the studies give no number for PR" in text
    assert "Not used: response" not in text and "Not used: induction" not in text
    assert "Would narrow the ranges most: ask for your MRD result" in text
    assert "if the effect stops at the trials' follow-up" in text
    plain = summary_text(summarize(r, years=3))
    # response PR is used as CR and said so; the first treatment (induction) now sets the baseline
    assert "ask for your MRD result" in plain and "first treatment" not in plain
    assert "Your answer PR is taken as CR" in plain and "may be too hopeful" in plain
    assert "response to treatment" not in plain  # it changes the numbers now


def test_calibration_table_sets_each_option_beside_its_own_trial():
    from mmdecide.personal.calibration import (
        LANDMARK_TOLERANCE_POINTS,
        MEDIAN_TOLERANCE,
        calibration_table,
    )

    rows = calibration_table()
    by_option = {r.option for r in rows}
    # every option's own trial, and the arms that set the baselines of VRd (DETERMINATION) and KRd (FORTE)
    assert by_option == {o.id for o in OPTIONS} - {"observation"} | {"baseline"}
    assert {r.trial for r in rows if r.option == "baseline"} == {"determination", "forte"}
    for r in rows:
        if r.published is not None and r.model is not None:
            tol = MEDIAN_TOLERANCE * r.published if r.quantity.startswith("median") else LANDMARK_TOLERANCE_POINTS
            assert r.within_tolerance == (abs(r.model - r.published) <= tol), r
    mcc = {(r.arm, r.endpoint): r for r in rows if r.trial == "mccarthy-2017-meta"}
    assert mcc[("control", "PFS")].within_tolerance and mcc[("control", "OS")].within_tolerance
    assert mcc[("lenalidomide", "PFS")].within_tolerance
    # reported, not hidden: the KRd arm of ATLAS (59.1 months) is far from the model's KRd curve
    atlas = next(r for r in rows if r.trial == "atlas" and r.arm == "krd" and r.endpoint == "PFS")
    assert atlas.published == 59.1 and not atlas.within_tolerance
    auriga = {r.arm for r in rows if r.trial == "auriga"}
    assert auriga == {"d-r", "r"}  # run for AURIGA's MRD-positive population


def test_answered_fields_without_evidence_keep_their_level_in_profile_effects():
    """Sex, kidney function, induction and transplant change no relative hazard, but the answer
    is still reported as the effect's level, in the same words as ``inputs[].value``."""
    answers = {"sex": "female", "creatinine_clearance_ml_min": 45, "induction": "dara-vrd", "transplant": "tandem"}
    r = estimate(answers, options=["lenalidomide"], horizons=[5])
    level = {e.factor: e.level for e in r.profile_effects}
    value = {u.field: u.value for u in r.inputs}
    for factor, field in (("sex", "sex"), ("renal-function", "creatinine_clearance_ml_min"),
                          ("induction", "induction"), ("transplant", "transplant")):
        assert level[factor] is not None and level[factor] == value[field], factor
    assert level["induction"] == "dara-vrd" and level["sex"] == "female"
    unanswered = estimate({}, options=["lenalidomide"], horizons=[5])
    assert not {"sex", "renal-function", "induction", "transplant"} & {e.factor for e in unanswered.profile_effects}
