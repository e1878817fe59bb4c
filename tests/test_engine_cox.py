"""Cox PH (Efron ties) against R ``coxph`` (tests/golden/km_cox.json, r/golden_km_cox.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mmdecide.engine.cox import CoxResult, cox_ph
from mmdecide.engine.survdata import SurvivalData
from tolerances import COX

GOLDEN = json.loads((Path(__file__).parent / "golden" / "km_cox.json").read_text())


def _fit(key: str) -> CoxResult:
    if key == "lung_multi":
        d = GOLDEN["data"]["lung_cc"]
        data = SurvivalData.from_arrays(d["time"], d["status"])
        return cox_ph(data, {"age": d["age"], "sex": d["sex"], "ph_ecog": d["ph_ecog"]})
    name, column = key.split("_")
    d = GOLDEN["data"][name]
    return cox_ph(SurvivalData.from_arrays(d["time"], d["status"],
                                           d["celltype" if column == "celltype" else "group"]))


@pytest.mark.parametrize("key", sorted(GOLDEN["cox"]))
def test_cox_matches_r_coxph_efron(key):
    ref = GOLDEN["cox"][key]
    fit = _fit(key)
    assert len(fit.names) == len(ref["names"])
    for field in ("coef", "se", "hr", "lower", "upper", "p"):
        # relative for HR-scale numbers, absolute for the rest: both at the COX tolerance
        np.testing.assert_allclose(getattr(fit, field), ref[field], rtol=COX, atol=COX,
                                   err_msg=field)
    assert fit.loglik == pytest.approx(ref["loglik"], abs=COX)


def test_two_groups_give_hr_of_second_sorted_group_vs_first():
    fit = _fit("lung_sex")
    assert fit.names == ("group=2",)  # lung sex: 1 = male (first), 2 = female
    assert fit.hr[0] < 1  # women live longer in lung
    # relabelling so that the order flips inverts the HR
    d = GOLDEN["data"]["lung"]
    flipped = cox_ph(SurvivalData.from_arrays(d["time"], d["status"],
                                              ["b" if g == 1 else "a" for g in d["group"]]))
    assert flipped.names == ("group=b",)
    assert flipped.coef[0] == pytest.approx(-fit.coef[0], abs=COX)
    assert fit.row("group=2")["hr"] == pytest.approx(float(fit.hr[0]))


def test_covariate_matrix_with_names_equals_mapping():
    d = GOLDEN["data"]["lung_cc"]
    data = SurvivalData.from_arrays(d["time"], d["status"])
    x = np.column_stack([d["age"], d["sex"], d["ph_ecog"]])
    a = cox_ph(data, x, names=["age", "sex", "ph_ecog"])
    b = _fit("lung_multi")
    assert a.names == b.names
    np.testing.assert_allclose(a.coef, b.coef, rtol=0, atol=1e-12)
    assert cox_ph(data, x).names == ("x1", "x2", "x3")
    import pandas as pd

    frame = pd.DataFrame({"age": d["age"], "sex": d["sex"], "ph_ecog": d["ph_ecog"]})
    c = cox_ph(data, frame)
    assert c.names == b.names
    np.testing.assert_allclose(c.coef, b.coef, rtol=0, atol=1e-12)


def test_bad_input_names_the_argument():
    d = GOLDEN["data"]["ovarian"]
    data = SurvivalData.from_arrays(d["time"], d["status"])
    with pytest.raises(ValueError, match="covariates: required"):
        cox_ph(data)
    with pytest.raises(ValueError, match="covariates: must have one row per observation"):
        cox_ph(data, np.ones((3, 1)))
    with pytest.raises(ValueError, match="names: need 2 names"):
        cox_ph(data, np.random.default_rng(0).normal(size=(data.n, 2)), names=["a"])
    with pytest.raises(ValueError, match="covariates: every value must be finite"):
        cox_ph(data, {"age": [np.nan] + d["time"][1:]})
    with pytest.raises(ValueError, match="covariates: columns are constant or collinear"):
        cox_ph(data, {"one": np.ones(data.n)})
    with pytest.raises(ValueError, match="data: at least one event"):
        cox_ph(SurvivalData.from_arrays([1, 2, 3], [0, 0, 0], ["a", "b", "a"]))
    with pytest.raises(ValueError, match="group.*at least two"):
        cox_ph(SurvivalData.from_arrays([1, 2, 3], [1, 0, 1], ["a", "a", "a"]))
    with pytest.raises(ValueError, match="conf_level"):
        cox_ph(data, {"x": d["group"]}, conf_level=0)
    with pytest.raises(ValueError, match="data: the Cox fit did not converge"):
        cox_ph(SurvivalData.from_arrays([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 0, 0], list("aaabbb")))
    fit = cox_ph(data, {"rx": d["group"]})
    with pytest.raises(ValueError, match="name: unknown covariate"):
        fit.row("age")
