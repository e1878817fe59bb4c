"""Parametric survival fits against R (tests/golden/parametric.json, written by r/golden_parametric.R).

Parameterisation mapping, R survreg (log T = mu + sigma W) -> mmdecide natural parameters:
  exponential  survreg(dist="exponential"):  rate = exp(-mu)                  log rate = -mu
  weibull      survreg(dist="weibull"):      scale = exp(mu), shape = 1/sigma (log scale, log shape) = (mu, -log sigma)
  lognormal    survreg(dist="lognormal"):    mu = mu, sigma = sigma            (mu, log sigma)
  loglogistic  survreg(dist="loglogistic"):  scale = exp(mu), shape = 1/sigma (log scale, log shape) = (mu, -log sigma)
so R's vcov on (Intercept, Log(scale)) maps to our unconstrained covariance by A V A' with
A = diag(1, -1) (Weibull, log-logistic), identity (log-normal), -1 (exponential).
Gompertz (h = rate * exp(shape t)) and piecewise exponential are compared on the natural scale.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mmdecide.engine.parametric import (
    DISTRIBUTIONS,
    PiecewiseExponential,
    fit_parametric,
    get_distribution,
)
from mmdecide.engine.survdata import SurvivalData
from tolerances import EXACT, PARAMETRIC

GOLDEN = json.loads((Path(__file__).parent / "golden" / "parametric.json").read_text())


def _data(name: str) -> SurvivalData:
    d = GOLDEN["data"][name]
    return SurvivalData.from_arrays(d["time"], d["event"])


def _fits(source_prefix: str):
    return [
        pytest.param(f, id=f"{f['data']}-{f['distribution']}")
        for f in GOLDEN["fits"]
        if f["source"].startswith(source_prefix)
    ]


def test_golden_header_names_r_and_script():
    assert GOLDEN["generated_by"]["script"] == "r/golden_parametric.R"
    assert GOLDEN["generated_by"]["R"].startswith("R version")


@pytest.mark.parametrize("ref", _fits("survreg"))
def test_matches_r_survreg(ref):
    fit = fit_parametric(_data(ref["data"]), ref["distribution"])
    mu, sigma = ref["intercept"], ref["scale"]
    v = np.array(ref["vcov"])
    if ref["distribution"] == "exponential":
        expected, a = np.array([-mu]), np.array([[-1.0]])
    elif ref["distribution"] == "lognormal":
        expected, a = np.array([mu, np.log(sigma)]), np.eye(2)
    else:
        expected, a = np.array([mu, -np.log(sigma)]), np.diag([1.0, -1.0])
    np.testing.assert_allclose(fit.unconstrained, expected, rtol=PARAMETRIC, atol=0)
    np.testing.assert_allclose(fit.cov_unconstrained, a @ v @ a.T, rtol=PARAMETRIC, atol=0)
    assert fit.loglik == pytest.approx(ref["loglik"], rel=PARAMETRIC * 1e-3)
    k = len(expected)
    assert fit.aic == pytest.approx(-2 * ref["loglik"] + 2 * k, rel=PARAMETRIC * 1e-3)


@pytest.mark.parametrize("ref", _fits("optim"))
def test_gompertz_matches_r_optim(ref):
    fit = fit_parametric(_data(ref["data"]), "gompertz")
    np.testing.assert_allclose(fit.natural, [ref["shape"], ref["rate"]], rtol=PARAMETRIC)
    np.testing.assert_allclose(fit.cov, np.array(ref["vcov"]), rtol=PARAMETRIC)
    assert fit.loglik == pytest.approx(ref["loglik"], rel=PARAMETRIC * 1e-3)


@pytest.mark.parametrize("ref", _fits("closed form"))
def test_piecewise_exponential_matches_r_closed_form(ref):
    fit = fit_parametric(_data(ref["data"]), "piecewise_exponential", ref["breakpoints"])
    np.testing.assert_allclose(fit.natural, ref["rate"], rtol=EXACT)
    np.testing.assert_allclose(list(fit.se.values()), ref["se_rate"], rtol=EXACT)
    assert fit.loglik == pytest.approx(ref["loglik"], rel=EXACT)


def test_piecewise_time_equal_to_breakpoint_belongs_to_interval_ending_there():
    # Breakpoint 2: interval (0, 2] holds the events at t=1 and t=2 and exposure 1+2+2+2+2 = 9;
    # (2, inf) holds the event at t=3 and exposure 0+0+1+2 = 3.
    d = SurvivalData.from_arrays([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
    fit = fit_parametric(d, "piecewise_exponential", [2.0])
    np.testing.assert_allclose(fit.natural, [2 / 9, 1 / 3], rtol=EXACT)
    # Hazard at exactly the breakpoint is the first interval's rate.
    assert fit.hazard([2.0])[0] == pytest.approx(2 / 9, rel=EXACT)
    assert fit.hazard([2.0 + 1e-9])[0] == pytest.approx(1 / 3, rel=EXACT)
    np.testing.assert_allclose(fit.cumulative_hazard([2.0, 3.0]), [4 / 9, 4 / 9 + 1 / 3])


def test_lifelines_piecewise_is_wrong_at_breakpoints_which_is_why_we_do_not_use_it():
    """An observed time equal to a breakpoint. If this starts failing, lifelines was fixed: reconsider it."""
    from lifelines import PiecewiseExponentialFitter

    ref = next(f for f in GOLDEN["fits"] if f["data"] == "lung" and "closed" in f["source"])
    d = GOLDEN["data"]["lung"]
    lf = PiecewiseExponentialFitter(ref["breakpoints"]).fit(d["time"], d["event"])
    lifelines_rates = 1.0 / lf.params_.to_numpy()  # lifelines stores 1/rate per interval
    assert np.max(np.abs(lifelines_rates / np.array(ref["rate"]) - 1)) > 0.01


def test_exponential_closed_forms():
    d = _data("veteran")
    fit = fit_parametric(d, "exponential")
    rate = d.n_events / d.time.sum()
    assert fit.params["rate"] == pytest.approx(rate, rel=1e-12)
    assert fit.se["rate"] == pytest.approx(rate / np.sqrt(d.n_events), rel=1e-7)
    assert fit.median() == pytest.approx(np.log(2) / rate, rel=1e-12)
    assert fit.quantile(0.25) == pytest.approx(-np.log(0.75) / rate, rel=1e-12)
    tau = 365.0
    assert fit.rmst(tau) == pytest.approx((1 - np.exp(-rate * tau)) / rate, rel=1e-9)
    # Log-log band: log H(t) = log rate + log t has SE 1/sqrt(d) exactly.
    t = np.array([30.0, 100.0, 400.0])
    lo, hi = fit.survival_ci(t, level=0.95)
    w = 1.959963984540054 / np.sqrt(d.n_events)
    np.testing.assert_allclose(lo, np.exp(-rate * t * np.exp(w)), rtol=1e-7)
    np.testing.assert_allclose(hi, np.exp(-rate * t * np.exp(-w)), rtol=1e-7)


def test_piecewise_rmst_and_quantile_closed_form():
    d = _data("lung")
    fit = fit_parametric(d, "piecewise_exponential", [163, 365])
    r1, r2, r3 = fit.natural
    # Median: H(163) = 163 r1 < log 2? then solve in the interval that reaches it.
    y = np.log(2)
    h163, h365 = 163 * r1, 163 * r1 + 202 * r2
    assert h163 < y < h365
    assert fit.median() == pytest.approx(163 + (y - h163) / r2, rel=1e-12)
    tau = 300.0
    expected = (1 - np.exp(-r1 * 163)) / r1 + np.exp(-h163) * (1 - np.exp(-r2 * (tau - 163))) / r2
    assert fit.rmst(tau) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("name", ["weibull", "lognormal", "loglogistic", "gompertz"])
def test_quantile_inverts_survival_and_rmst_is_integral(name):
    fit = fit_parametric(_data("lung"), name)
    for p in (0.1, 0.5, 0.9):
        q = fit.quantile(p)
        assert fit.survival([q])[0] == pytest.approx(1 - p, abs=1e-10)
    # RMST by the trapezoid rule on a fine grid.
    grid = np.linspace(0, 500, 200001)
    s = fit.survival(grid)
    assert fit.rmst(500) == pytest.approx(np.sum((s[1:] + s[:-1]) / 2 * np.diff(grid)), rel=1e-8)


def test_hazard_is_derivative_of_cumulative_hazard():
    for name in DISTRIBUTIONS:
        fit = fit_parametric(_data("veteran"), name)
        t, eps = np.array([20.0, 80.0, 250.0]), 1e-3
        num = (fit.cumulative_hazard(t + eps) - fit.cumulative_hazard(t - eps)) / (2 * eps)
        np.testing.assert_allclose(fit.hazard(t), num, rtol=1e-6, err_msg=name)


def test_gompertz_with_negative_shape_has_plateau():
    fit = fit_parametric(_data("veteran"), "gompertz")
    shape, rate = fit.natural
    assert shape < 0
    cure = np.exp(rate / shape)
    assert fit.survival([1e6])[0] == pytest.approx(cure, rel=1e-9)
    assert 0.001 < cure < 0.01  # veteran: about 0.16% never have the event under this model
    assert fit.quantile(0.999) == float("inf")  # S never falls to 0.001
    assert np.isfinite(fit.quantile(0.99))


# ------------------------------------------------------------------ clear errors on bad input
def test_errors_are_clear():
    d = SurvivalData.from_arrays([0.0, 1.0, 2.0], [1, 1, 0])
    with pytest.raises(ValueError, match="weibull needs every time > 0"):
        fit_parametric(d, "weibull")
    with pytest.raises(ValueError, match="at least one event"):
        fit_parametric(SurvivalData.from_arrays([1.0, 2.0], [0, 0]), "exponential")
    with pytest.raises(ValueError, match="competing"):
        fit_parametric(SurvivalData.from_arrays([1.0, 2.0], [1, 2]), "exponential")
    with pytest.raises(ValueError, match="distribution: must be one of"):
        fit_parametric(_data("lung"), "gamma")
    with pytest.raises(ValueError, match="breakpoints: required"):
        get_distribution("piecewise_exponential")
    with pytest.raises(ValueError, match="strictly increasing"):
        PiecewiseExponential((5.0, 3.0))
    with pytest.raises(ValueError, match="interval 2 .* has no events"):
        fit_parametric(
            SurvivalData.from_arrays([1, 2, 3], [1, 0, 0]), "piecewise_exponential", [1.5]
        )
    fit = fit_parametric(_data("lung"), "exponential")
    with pytest.raises(ValueError, match="p: must be strictly between 0 and 1"):
        fit.quantile(1.0)
    with pytest.raises(ValueError, match="tau: must be finite and > 0"):
        fit.rmst(-1)
    with pytest.raises(ValueError, match="t: times must be finite and >= 0"):
        fit.survival([-1.0])
    with pytest.raises(ValueError, match="data: must be a SurvivalData"):
        fit_parametric({"time": [1]}, "exponential")  # type: ignore[arg-type]


# ------------------------------------------------------------------ invariants (Hypothesis)
_ALL = sorted(DISTRIBUTIONS) + ["piecewise_exponential"]


@settings(derandomize=True, max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(30, 150),
    shape=st.floats(0.6, 2.5),
    censor_rate=st.floats(0.0, 1.0),
)
@pytest.mark.parametrize("name", _ALL)
def test_invariants(name, seed, n, shape, censor_rate):
    rng = np.random.default_rng(seed)
    t_true = rng.weibull(shape, n) * 10.0
    c = rng.exponential(10.0 / censor_rate, n) if censor_rate > 0 else np.full(n, np.inf)
    time = np.maximum(np.minimum(t_true, c), 1e-3)
    event = (t_true <= c).astype(int)
    if event.sum() < 8:
        return
    d = SurvivalData.from_arrays(time, event)
    bp = [float(np.quantile(time[event == 1], 0.5))] if name == "piecewise_exponential" else None
    fit = fit_parametric(d, name, bp)
    grid = np.linspace(0, 3 * time.max(), 120)
    s = fit.survival(grid)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) <= 1e-15)
    lo, hi = fit.survival_ci(grid)
    assert np.all(lo <= s + 1e-15) and np.all(s <= hi + 1e-15)
    assert np.all((lo >= 0) & (hi <= 1))
    m = fit.median()
    if np.isfinite(m):
        assert fit.survival([m])[0] == pytest.approx(0.5, abs=1e-9)
    assert np.all(np.diag(fit.cov) > 0)
