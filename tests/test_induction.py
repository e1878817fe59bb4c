"""A baseline for today's patient (issue 8 point 4): the no-maintenance hazard scaled to the
patient's induction. Each c reproduces the trial arm it was fitted to (in every column, not just
the central one); the rules for the inductions without an arm of their own; and the patient's
numbers move with the induction as the fits say they should."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mmdecide.personal import estimate
from mmdecide.personal.induction import (
    DEFAULT_INDUCTION,
    FITS,
    induction_scale,
    origin_for,
    published_target,
    shifted_value,
)
from mmdecide.personal.model import run_model
from mmdecide.personal.prepared import chain, default_corpus, prepared
from mmdecide.personal.options import OPTIONS

DRAWS = 400
SEED = 20171107


@pytest.fixture(scope="module")
def prep():
    return prepared(default_corpus(), DRAWS, SEED)


def opt(result, option_id):
    return next(o for o in result.options if o.option == option_id)


def _len_hr(prep):
    return chain(prep, next(o for o in OPTIONS if o.id == "lenalidomide").pfs_links)[0].ext


@pytest.mark.parametrize("klass", sorted(FITS))
def test_each_c_reproduces_its_fitting_arm_centrally(prep, klass):
    """Column 0 (published values): the model's arm, on the arm's own time axis, gives the
    published median or landmark it was fitted to."""
    fit = FITS[klass]
    value, months, is_median = published_target(prep.corpus, fit)
    origin = origin_for(prep.corpus, fit.gap_from)
    c = float(induction_scale(prep, klass).ext[0])
    hr = float(_len_hr(prep)[0]) if fit.model_arm == "lenalidomide" else 1.0
    quantity = "median" if is_median else f"percent at {months:g} months"
    got = shifted_value(prep, c, fit.model_arm, "PFS", quantity, origin, hr)
    assert got == pytest.approx(months if is_median else value.value, abs=0.05)


@pytest.mark.parametrize("klass", sorted(FITS))
def test_each_c_reproduces_its_fitting_arm_in_every_column(prep, klass):
    """Each draw of c goes with that column's baseline and lenalidomide HR: in every column the
    arm's PFS at the fitted time equals that column's draw of the published value. Checked here
    at the central time point: the draws of the arm's PFS spread around the published value."""
    fit = FITS[klass]
    value, months, is_median = published_target(prep.corpus, fit)
    origin = origin_for(prep.corpus, fit.gap_from)
    c = induction_scale(prep, klass).ext
    mult = _len_hr(prep) if fit.model_arm == "lenalidomide" else np.ones(DRAWS + 1)
    t = months - origin.gap
    k, f = int(math.floor(t)), t - math.floor(t)
    h = (1 - f) * prep.h_dis[k] + f * prep.h_dis[k + 1]
    bg = (1 - f) * prep.bg_trial[k] + f * prep.bg_trial[k + 1]
    pfs = origin.pfs_pre * np.exp(-c * mult * h - bg)
    target = 0.5 if is_median else value.value / 100
    assert pfs[0] == pytest.approx(target, abs=1e-6)
    lo, hi = np.percentile(pfs[1:], [2.5, 97.5])
    assert lo < target < hi and hi - lo > 0.02  # the published value's uncertainty is carried


def test_fitted_scales_are_below_the_2005_2009_baseline(prep):
    """Modern induction arms progressed later than the McCarthy control arm: every fitted c < 1."""
    for klass in FITS:
        c = induction_scale(prep, klass).ext
        assert 0 < c[0] < 1 and np.all(c > 0)


def test_rules_for_inductions_without_an_arm_of_their_own(prep):
    vrd, vtd = induction_scale(prep, "vrd"), induction_scale(prep, "vtd")
    assert np.array_equal(induction_scale(prep, "dara-vrd").ext, vrd.ext)
    assert np.array_equal(induction_scale(prep, "dara-vtd").ext, vtd.ext)
    for klass in ("vcd", "other"):
        s = induction_scale(prep, klass)
        assert np.all(s.ext == 1.0) and not s.fitted and "c = 1" in s.how
    unknown = induction_scale(prep, None)
    assert DEFAULT_INDUCTION == "vrd" and np.array_equal(unknown.ext, vrd.ext) and unknown.how.startswith("unknown")


def test_time_origin_moves_arms_counted_from_before_induction(prep):
    cas = origin_for(prep.corpus, "cassiopeia")
    assert cas.gap == pytest.approx(80.1 - 70.6)  # CASSIOPEIA's two follow-ups
    assert cas.pfs_pre == pytest.approx(0.89 ** (9.5 / 18))  # PERSEUS VRd: 11.0% in the first 18 months
    assert cas.os_pre == pytest.approx((1 - 0.042) ** (9.5 / 18))  # of which 6.8% progression
    assert origin_for(prep.corpus, "forte").gap == pytest.approx(50.9 - 37.3)
    same = origin_for(prep.corpus, None)
    assert (same.gap, same.pfs_pre, same.os_pre) == (0.0, 1.0, 1.0)


def test_a_vrd_profile_has_higher_pfs_than_the_mccarthy_baseline():
    """Same person, VRd induction vs the 2005-2009 trials' induction: every option's PFS is higher,
    and the options' hazard ratios are unchanged (one shared baseline for all options)."""
    years = [2, 5]
    # the model's numbers for every option (an option that misses its own trial shows its trial's
    # results only in the public estimate: tests/test_trial_only.py)
    base = run_model({"age": 60, "induction": "other"}, horizons=years)
    vrd = run_model({"age": 60, "induction": "vrd"}, horizons=years)
    for o in base.options:
        v = opt(vrd, o.option)
        for hb, hv in zip(o.horizons, v.horizons):
            assert hv.pfs_percent.estimate > hb.pfs_percent.estimate, (o.option, hb.years)
            if hv.os_percent.estimate is not None:  # an option without OS evidence has no OS numbers
                assert hv.pfs_percent.estimate <= hv.os_percent.estimate + 1e-9
        assert v.hr_pfs_vs_observation.estimate == o.hr_pfs_vs_observation.estimate


def test_the_patients_observation_arm_reproduces_cassiopeia_after_vtd():
    """CASSIOPEIA counts from the maintenance randomisation: a VTd patient's no-maintenance median
    is the trial's observation arm (45.8 months), and its daratumumab arm is past the follow-up."""
    r = estimate({"induction": "vtd"}, options=["daratumumab"], horizons=[5])
    assert opt(r, "observation").median_pfs_months.estimate == pytest.approx(45.8, abs=0.05)
    dara = opt(r, "daratumumab").median_pfs_months
    assert dara.estimate is None or dara.estimate > 70.6


def test_induction_is_listed_as_used_in_its_own_words():
    r = estimate({"induction": "krd"}, options=["lenalidomide"], horizons=[3])
    use = next(u for u in r.inputs if u.field == "induction")
    assert use.used and "FORTE" in use.how and "hazard ratio of 0.57" in use.how
    assert any(s.evidence == "forte" for s in opt(r, "lenalidomide").horizons[0].pfs_percent.sources)
    r = estimate({}, options=["lenalidomide"], horizons=[3])
    use = next(u for u in r.inputs if u.field == "induction")
    assert not use.used and use.how.startswith("unknown: the model takes VRd")


@pytest.mark.parametrize("klass", ["vrd", "other"])
def test_the_patients_hazard_is_single_precision_in_row_order(prep, klass):
    """The month-by-month recursion runs over rows: a column-major hazard (what ``h_dis[:, idx]``
    gives) made the estimate about half as fast again, unnoticed, when two branches met."""
    idx = np.arange(prep.h_dis.shape[1])[::2]
    h = induction_scale(prep, klass).hazard(prep.h_dis, idx)
    assert h.dtype == np.float32 and h.flags.c_contiguous
    assert np.allclose(h, prep.h_dis[:, idx] * induction_scale(prep, klass).ext[idx][None, :], rtol=1e-6)
