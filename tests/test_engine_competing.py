"""Aalen-Johansen cumulative incidence against R (tests/golden/competing.json).

Point estimates and SE/CI come from R ``survfit(Surv(time, factor(status)) ~ 1)`` (multi-state
Aalen-Johansen, infinitesimal-jackknife SE, log CI); point estimates are also checked against
``cmprsk::cuminc``. cmprsk's variance (Gray 1988) is a different estimator and is not compared.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from mmdecide.engine.competing import aalen_johansen
from mmdecide.engine.km import kaplan_meier
from mmdecide.engine.survdata import SurvivalData
from tolerances import EXACT

GOLDEN = json.loads((Path(__file__).parent / "golden" / "competing.json").read_text())
SETS = sorted(GOLDEN["aalen_johansen"])


def _arr(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _data(name: str) -> SurvivalData:
    d = GOLDEN["data"][name]
    return SurvivalData.from_arrays(d["time"], d["status"])


def test_golden_file_names_its_generator():
    assert GOLDEN["generated_by"]["script"] == "r/golden_competing.R"
    assert "cmprsk" in GOLDEN["generated_by"]


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("cause", [1, 2])
def test_cif_se_and_ci_match_r_survfit_multistate(name, cause):
    ref = GOLDEN["aalen_johansen"][name]
    rc = ref["causes"][cause - 1]
    assert ref["conf_type"] == "log"
    ci = aalen_johansen(_data(name), cause)
    np.testing.assert_array_equal(ci.time, ref["time"])  # a row at every distinct time
    np.testing.assert_array_equal(ci.n_risk, ref["n_risk"])
    np.testing.assert_allclose(ci.cif, rc["cif"], rtol=0, atol=EXACT)
    np.testing.assert_allclose(ci.se, rc["std_err"], rtol=0, atol=EXACT)
    for ours, key in ((ci.lower, "lower"), (ci.upper, "upper")):
        r = _arr(rc[key])
        defined = np.isfinite(r)
        np.testing.assert_allclose(ours[defined], r[defined], rtol=0, atol=EXACT)
        # R leaves the log interval NA where the CIF is 0; ours is [0, 0] there
        assert np.all(ours[~defined] == 0) and np.all(ci.cif[~defined] == 0)


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("cause", [1, 2])
def test_cif_matches_cmprsk_cuminc_estimates(name, cause):
    rc = GOLDEN["aalen_johansen"][name]["causes"][cause - 1]
    t = np.array(rc["cmprsk_time"])
    est = np.array(rc["cmprsk_est"])
    # cuminc lists each jump twice (value before, value after): compare the value after
    after = np.append(t[1:] != t[:-1], True)
    ci = aalen_johansen(_data(name), cause)
    np.testing.assert_allclose(ci.cif_at(t[after]), est[after], rtol=0, atol=EXACT)


def test_state_probabilities_add_to_one_on_mgus2():
    data = _data("mgus2")
    km = kaplan_meier(data)  # all-cause
    total = km.survival + sum(aalen_johansen(data, k).cif for k in (1, 2))
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=EXACT)
    np.testing.assert_allclose(km.survival, GOLDEN["aalen_johansen"]["mgus2"]["state0"],
                               rtol=0, atol=EXACT)


def test_lifelines_jitter_changes_the_answer_on_tied_months():
    """lifelines' AalenJohansenFitter breaks ties at random (so the answer depends on the seed)."""
    from lifelines import AalenJohansenFitter

    d = GOLDEN["data"]["mgus2"]
    ours = aalen_johansen(_data("mgus2"), 2)
    grid = np.arange(1.0, 400.0)
    curves = []
    for seed in (1, 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Tied event times were detected ..."
            aj = AalenJohansenFitter(seed=seed).fit(np.array(d["time"], dtype=float),
                                                    np.array(d["status"]), event_of_interest=2)
        cd = aj.cumulative_density_
        idx = np.searchsorted(cd.index.values, grid + 0.5, side="right") - 1
        curves.append(cd.iloc[:, 0].values[idx])
    exact = ours.cif_at(grid)
    # Measured here (lifelines 0.30.3, seeds 1-3): up to 0.001-0.0024 off R, i.e. 1e6 times EXACT.
    assert np.max(np.abs(curves[0] - exact)) > 1e-4
    assert np.max(np.abs(curves[0] - curves[1])) > 1e-4  # and the answer depends on the seed


def test_absent_cause_gives_zero_curve():
    ci = aalen_johansen(SurvivalData.from_arrays([1, 2, 3], [1, 0, 1]), cause=2)
    assert np.all(ci.cif == 0) and np.all(ci.se == 0)


def test_bad_input_names_the_argument():
    data = _data("tiny")
    with pytest.raises(ValueError, match="cause: must be an integer event code >= 1"):
        aalen_johansen(data, 0)
    with pytest.raises(ValueError, match="cause"):
        aalen_johansen(data, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="data"):
        aalen_johansen({"time": [1]}, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="conf_level"):
        aalen_johansen(data, 1, conf_level=95)
    ci = aalen_johansen(data, 1)
    with pytest.raises(ValueError, match="times"):
        ci.cif_at([100])
