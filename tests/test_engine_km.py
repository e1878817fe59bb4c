"""Kaplan-Meier, quantiles, landmarks, RMST and log-rank against R (tests/golden/km_cox.json).

Every reference number comes from ``Rscript r/golden_km_cox.R`` (R survival 3.5):
``survfit(Surv(time, status) ~ 1, conf.type = "log-log")``, ``quantile()``, ``summary(fit,
times=)``, ``survival:::survmean`` (what ``print(fit, rmean = tau)`` prints) and ``survdiff``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from mmdecide.engine.km import KaplanMeier, kaplan_meier
from mmdecide.engine.logrank import logrank_test
from mmdecide.engine.rmst import rmst, rmst_difference
from mmdecide.engine.survdata import SurvivalData
from tolerances import EXACT

GOLDEN = json.loads((Path(__file__).parent / "golden" / "km_cox.json").read_text())
KM_SETS = sorted(GOLDEN["km"])


def _arr(values) -> np.ndarray:
    """JSON list to float array; R's NA/NaN/Inf were written as null -> NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _data(name: str, group: str | None = None) -> SurvivalData:
    d = GOLDEN["data"][name]
    return SurvivalData.from_arrays(d["time"], d["status"], d[group] if group else None)


def _close(ours, ref, tol=EXACT) -> None:
    """Equal where R has a number; where R has NA ours must be NaN/inf too."""
    ours = np.asarray(ours, dtype=float)
    ref = _arr(ref) if isinstance(ref, list) else np.asarray(ref, dtype=float)
    finite = np.isfinite(ref)
    np.testing.assert_allclose(ours[finite], ref[finite], rtol=0, atol=tol)
    assert ours.shape == ref.shape


def test_golden_file_names_its_generator():
    assert GOLDEN["generated_by"]["script"] == "r/golden_km_cox.R"
    assert GOLDEN["generated_by"]["R"].startswith("R version")


@pytest.mark.parametrize("name", KM_SETS)
def test_km_table_matches_r_survfit(name):
    ref = GOLDEN["km"][name]
    km = kaplan_meier(_data(name))
    assert km.n == ref["n"] and km.n_events == ref["n_events"]
    np.testing.assert_array_equal(km.time, ref["time"])  # a row at every distinct time
    np.testing.assert_array_equal(km.n_risk, ref["n_risk"])
    np.testing.assert_array_equal(km.n_event, ref["n_event"])
    np.testing.assert_array_equal(km.n_censor, ref["n_censor"])
    _close(km.survival, ref["surv"])
    _close(km.se_log, ref["std_err_log"])  # SE of -log S, R's fit$std.err
    _close(km.se, ref["std_err_surv"])  # SE of S, R's summary(fit)$std.err
    _close(km.lower, ref["lower"])
    _close(km.upper, ref["upper"])


def test_km_undefined_limits_follow_r_conventions():
    # veteran ends with S = 0: R's std.err is Inf and the limits NA
    km = kaplan_meier(_data("veteran"))
    assert km.survival[-1] == 0
    assert np.isinf(km.se_log[-1]) and np.isnan(km.se[-1])
    assert np.isnan(km.lower[-1]) and np.isnan(km.upper[-1])
    # where S = 1 (no event yet) we report [1, 1] as R's summary(times=) does
    km = kaplan_meier(SurvivalData.from_arrays([1, 2, 3], [0, 1, 0]))
    assert km.lower[0] == 1 and km.upper[0] == 1


@pytest.mark.parametrize("name", KM_SETS)
def test_quantiles_and_their_ci_match_r_quantile_survfit(name):
    ref = GOLDEN["km"][name]
    km = kaplan_meier(_data(name))
    for i, p in enumerate(ref["quantile_probs"]):
        q = km.quantile(p)
        for ours, key in ((q.estimate, "quantile"), (q.lower, "quantile_lower"),
                          (q.upper, "quantile_upper")):
            r = ref[key][i]
            if r is None:
                assert math.isnan(ours), (key, p)
            else:
                assert ours == pytest.approx(r, abs=EXACT), (key, p)


def test_median_midpoint_rule_on_flat_half_step():
    # S = 0.5 exactly from t = 3 to t = 5, then drops: R's median is (3 + 5) / 2
    km = kaplan_meier(_data("flat_mid"))
    assert km.median == 4.0 == GOLDEN["km"]["flat_mid"]["print_median"]
    # curve ends on 0.5: quantile() takes the midpoint to the last follow-up, print() does not;
    # we follow quantile()
    km = kaplan_meier(_data("flat_end"))
    assert km.median == 3.0 == GOLDEN["km"]["flat_end"]["quantile"][1]
    assert GOLDEN["km"]["flat_end"]["print_median"] == 2.0


def test_median_and_ci_on_lung_match_print_survfit():
    ref = GOLDEN["km"]["lung"]
    km = kaplan_meier(_data("lung"))
    assert km.median == ref["print_median"] == 310
    assert km.median_ci == (ref["print_median_lower"], ref["print_median_upper"])


@pytest.mark.parametrize("name", KM_SETS)
def test_landmark_survival_matches_r_summary_times(name):
    ref = GOLDEN["km"][name]
    lm = kaplan_meier(_data(name)).survival_at(ref["landmark_times"])
    _close(lm.survival, ref["landmark_surv"])
    _close(lm.se, ref["landmark_std_err"])
    _close(lm.lower, ref["landmark_lower"])
    _close(lm.upper, ref["landmark_upper"])
    np.testing.assert_array_equal(lm.n_risk, ref["landmark_n_risk"])


@pytest.mark.parametrize("name", KM_SETS)
def test_rmst_and_se_match_r_print_rmean(name):
    data = _data(name)
    km = kaplan_meier(data)
    for ref in GOLDEN["km"][name]["rmst"]:
        for source in (km, data):
            r = rmst(source, ref["tau"])
            assert r.estimate == pytest.approx(ref["rmean"], abs=EXACT)
            assert r.se == pytest.approx(ref["se"], abs=EXACT)


def test_rmst_confint_is_the_wald_interval_on_rs_se():
    """``RMST.confint`` (public: survRM2 reports this interval) on R's estimate and SE."""
    ref = GOLDEN["km"]["lung"]["rmst"][0]
    r = rmst(_data("lung"), ref["tau"])
    lower, upper = r.confint()
    assert lower == pytest.approx(ref["rmean"] - 1.959963984540054 * ref["se"], abs=EXACT)
    assert upper == pytest.approx(ref["rmean"] + 1.959963984540054 * ref["se"], abs=EXACT)
    narrow = r.confint(0.5)
    assert lower < narrow[0] < r.estimate < narrow[1] < upper


def test_rmst_se_is_not_lifelines_variance():
    """lifelines returns Var(min(T, tau)), not Var(RMST-hat) (on lung its SE is far too large)."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import restricted_mean_survival_time

    d = GOLDEN["data"]["lung"]
    ref = GOLDEN["km"]["lung"]["rmst"][0]
    kmf = KaplanMeierFitter().fit(d["time"], d["status"])
    with warnings.catch_warnings():
        # lifelines integrates the step function numerically and scipy warns about the steps
        warnings.simplefilter("ignore", category=Warning)
        mean, var = restricted_mean_survival_time(kmf, t=ref["tau"], return_variance=True)
    ours = rmst(_data("lung"), ref["tau"])
    assert mean == pytest.approx(ours.estimate, abs=1e-6)  # the point estimate agrees
    assert ours.se == pytest.approx(ref["se"], abs=EXACT)  # ours is R's 7.80 days
    assert math.sqrt(var) > 10 * ours.se  # lifelines says about 116 days


@pytest.mark.parametrize("key", sorted(GOLDEN["rmst_difference"]))
def test_rmst_difference_second_minus_first(key):
    ref = GOLDEN["rmst_difference"][key]
    diff = rmst_difference(_data(key.split("_")[0], "group"), ref["tau"])
    assert diff.groups == tuple(ref["groups"])
    assert [a.estimate for a in diff.arms] == pytest.approx(ref["rmean"], abs=EXACT)
    assert [a.se for a in diff.arms] == pytest.approx(ref["se"], abs=EXACT)
    est, se, lower, upper = diff.as_tuple()
    assert est == pytest.approx(ref["diff"], abs=EXACT)
    assert se == pytest.approx(ref["diff_se"], abs=EXACT)
    assert lower == pytest.approx(est - 1.959963984540054 * se, abs=EXACT)
    assert upper == pytest.approx(est + 1.959963984540054 * se, abs=EXACT)


@pytest.mark.parametrize("key", sorted(GOLDEN["logrank"]))
def test_logrank_matches_r_survdiff(key):
    ref = GOLDEN["logrank"][key]
    name, column = key.split("_")
    test = logrank_test(_data(name, "celltype" if column == "celltype" else "group"))
    assert test.df == ref["df"]
    assert test.chi2 == pytest.approx(ref["chi2"], abs=EXACT)
    assert test.p == pytest.approx(ref["p"], abs=EXACT)
    _close(test.observed, ref["observed"])
    _close(test.expected, ref["expected"])


def test_logrank_is_invariant_to_row_order_and_label_names():
    d = GOLDEN["data"]["veteran"]
    perm = np.random.default_rng(3).permutation(len(d["time"]))
    a = logrank_test(_data("veteran", "celltype"))
    b = logrank_test(SurvivalData.from_arrays(np.array(d["time"])[perm],
                                              np.array(d["status"])[perm],
                                              np.array(d["celltype"])[perm]))
    assert a.chi2 == pytest.approx(b.chi2, abs=EXACT)


# ---- bad input -------------------------------------------------------------------------------

def test_bad_input_names_the_argument():
    data = _data("ovarian", "group")
    with pytest.raises(ValueError, match="conf_level"):
        kaplan_meier(data, conf_level=1.5)
    with pytest.raises(ValueError, match="data"):
        kaplan_meier([1, 2, 3])  # type: ignore[arg-type]
    km = kaplan_meier(data)
    with pytest.raises(ValueError, match="times.*last observed time"):
        km.survival_at([2000])
    with pytest.raises(ValueError, match="times.*>= 0"):
        km.survival_at([-1])
    with pytest.raises(ValueError, match="prob"):
        km.quantile(1.2)
    with pytest.raises(ValueError, match="tau.*last observed time"):
        rmst(km, 5000)
    with pytest.raises(ValueError, match="tau.*> 0"):
        rmst(km, 0)
    with pytest.raises(ValueError, match="tau.*> 0"):
        rmst(km, float("nan"))
    with pytest.raises(ValueError, match="km_or_data"):
        rmst("lung", 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tau.*last observed time"):
        # each arm must be followed up to tau
        last = min(kaplan_meier(data.subset(g)).time[-1] for g in data.groups())
        rmst_difference(data, last + 1)
    with pytest.raises(ValueError, match="group.*exactly two"):
        rmst_difference(_data("veteran", "celltype"), 50)
    with pytest.raises(ValueError, match="group"):
        rmst_difference(_data("ovarian"), 50)
    with pytest.raises(ValueError, match="group.*at least two"):
        logrank_test(SurvivalData.from_arrays([1, 2], [1, 1], ["a", "a"]))
    with pytest.raises(ValueError, match="group"):
        logrank_test(_data("ovarian"))
    with pytest.raises(ValueError, match="data: the log-rank variance is singular"):
        logrank_test(SurvivalData.from_arrays([3, 3, 1], [1, 1, 0], ["a", "b", "c"]))


def test_tau_before_first_time_gives_tau():
    r = rmst(SurvivalData.from_arrays([5, 6], [1, 1]), tau=2)
    assert (r.estimate, r.se) == (2.0, 0.0)


def test_km_result_is_frozen():
    km = kaplan_meier(_data("ovarian"))
    assert isinstance(km, KaplanMeier)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'n'"):
        km.n = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        km.survival[0] = 0.5


@pytest.mark.parametrize(
    "labels",
    [[-5, 7, 7, -5, 100, 7], ["x", "a", "a", "x", "m", "a"], [2.5, 1.0, 1.0, 2.5, 3.0, 1.0],
     [1, "a", "a", 1, "b", "a"], [np.int64(1), 3, 3, np.int64(1), 2, 2]],
)
def test_group_codes_follow_sorted_labels(labels):
    from mmdecide.engine.logrank import group_codes

    data = SurvivalData.from_arrays(range(1, 7), [1] * 6, labels)
    names, codes = group_codes(data)
    assert names == data.groups()
    assert [names[c] for c in codes] == labels


def test_hashing_path_for_integer_times_equals_sorting_path(monkeypatch):
    """Large integer-valued data take the hashing path (km.time_codes); it must give exactly the
    same table and log-rank as the sorting path that the R goldens check."""
    import mmdecide.engine.km as km_module
    from mmdecide.engine.logrank import logrank_test

    rng = np.random.default_rng(2024)
    n = 60_000
    data = SurvivalData.from_arrays(np.ceil(rng.exponential(24, n)), rng.integers(0, 2, n), rng.integers(0, 3, n))
    assert km_module.time_codes(data.time) is not None
    fast_km, fast_lr = kaplan_meier(data), logrank_test(data)
    monkeypatch.setattr(km_module, "_HASH_MIN_ROWS", 10**9)
    assert km_module.time_codes(data.time) is None
    slow_km, slow_lr = kaplan_meier(data), logrank_test(data)
    for name in ("time", "n_risk", "n_event", "n_censor", "survival", "se", "lower", "upper"):
        np.testing.assert_array_equal(getattr(fast_km, name), getattr(slow_km, name))
    assert fast_lr.chi2 == slow_lr.chi2
    np.testing.assert_array_equal(fast_lr.expected, slow_lr.expected)
