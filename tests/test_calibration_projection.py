"""Calibration rows whose median lies past the follow-up of the model's evidence (issue 8, point 5):
compared with the model's projected median, marked as projections; a model median past the
180-month grid is 'not comparable', counted neither as an agreement nor as a miss."""

from __future__ import annotations

import re

import pytest

from mmdecide.personal import estimate
from mmdecide.personal.calibration import _model_median, calibration_by_option, calibration_table
from mmdecide.personal.model import run_model
from mmdecide.personal.prepared import default_corpus
from mmdecide.personal.result import Number
from mmdecide.report.calibration_words import (
    agreement,
    model_words,
    row_sentence,
    single_trial_sentence,
    table_text,
)


@pytest.fixture(scope="module")
def rows():
    return calibration_table()


def _row(rows, trial, analysis, arm, endpoint="OS"):
    return next(r for r in rows if (r.trial, r.analysis, r.arm, r.endpoint, r.quantity)
                == (trial, analysis, arm, endpoint, "median (months)"))


@pytest.mark.parametrize("induction", ["other", "vtd"])
def test_projection_is_the_models_own_central_median(induction):
    """Where the estimate shows a median, the projection computed for the calibration is the same
    number: the helper draws the model's central curve, not another one."""
    corpus = default_corpus()
    result = run_model({"induction": induction}, corpus=corpus, n_draws=200)
    checked = 0
    for o in result.options:
        for endpoint, med in (("PFS", o.median_pfs_months), ("OS", o.median_os_months)):
            if med.estimate is None:
                continue
            hidden = med.model_copy(update={"estimate": None, "beyond_follow_up": med.beyond_follow_up or 1.0})
            value, projection = _model_median(corpus, "calgb-100104", o.option, endpoint, hidden, induction)
            assert projection and value == pytest.approx(med.estimate, abs=0.1), (o.option, endpoint)
            checked += 1
    assert checked >= 5  # every option shown with a median, both endpoints where given


def test_calgb_survival_median_is_compared_with_the_projection(rows):
    """CALGB 100104's 113.8-month survival median on lenalidomide is past the pooled analysis'
    79.5-month follow-up: it is set beside the model's projected median, the one the estimate
    names in words ('the model would place it near ... months') but does not show as a number."""
    r = _row(rows, "calgb-100104", "holstein-2017", "lenalidomide")
    assert r.projection and r.comparable and r.model is not None and r.published == 113.8
    assert r.within_tolerance == (abs(r.model - 113.8) <= 0.15 * 113.8)
    assert "projected median" in r.note and "projected" in model_words(r)
    lena = next(o for o in estimate({"induction": "other"}).options if o.option == "lenalidomide")
    assert lena.median_os_months.estimate is None  # still not shown to patients
    near = re.search(r"near (\d+) months", lena.median_os_months.reason or "")
    assert near is not None and float(near.group(1)) == pytest.approx(r.model, abs=0.5)


def test_projection_marks_only_medians_past_the_evidence(rows):
    for r in rows:
        if r.projection:
            assert r.quantity.startswith("median"), r
        if not r.quantity.startswith("median"):
            assert not r.projection and r.comparable, r
    # a median inside the follow-up of its evidence is not a projection
    assert not _row(rows, "ifm-2005-02", "nejm-2012", "lenalidomide", "PFS").projection
    assert all(r.comparable for r in rows)  # no model median in the table lies past the grid today


def test_not_reached_beside_a_projection_gives_no_hidden_number(rows):
    """Beside a published 'not reached', the plain sentence says only that the model, too, puts the
    median past the follow-up: estimates do not show that number to patients."""
    r = _row(rows, "mccarthy-2017-meta", "jco-2017", "lenalidomide")
    assert r.published is None and r.projection and r.within_tolerance
    words = row_sentence(r)
    assert "past that time" in words and f"{r.model:.0f}" not in words


def test_past_the_grid_is_not_comparable():
    """A median past the 180-month grid has no number: not comparable (daratumumab with
    lenalidomide, survival, after VTd induction: past the grid)."""
    hidden = Number(estimate=None, extrapolated=True, beyond_follow_up=30.0, sources=[])
    assert _model_median(default_corpus(), "calgb-100104", "daratumumab-lenalidomide", "OS", hidden, "vtd") == (None, True)
    # no evidence for the endpoint (no follow-up named): no projection either
    assert _model_median(default_corpus(), "calgb-100104", "lenalidomide", "OS",
                         Number(estimate=None, sources=[], reason="no evidence"), "other") == (None, False)


def test_not_comparable_is_neither_agreement_nor_miss(rows):
    r = _row(rows, "calgb-100104", "holstein-2017", "lenalidomide")
    apart = r.model_copy(update={"model": None, "comparable": False, "within_tolerance": False})
    others = [x for x in rows if x is not r]
    within, checks, fitted = agreement(others)
    assert agreement([*others, apart]) == (within, checks, fitted)
    assert "1 more not comparable" in table_text([*others, apart])
    assert "not comparable" in model_words(apart)
    pooled = [x for x in others if x.scope == "pool"]
    assert f"of {len(pooled)} rows of single trials" in single_trial_sentence([*others, apart])


def test_option_flags_are_decided_by_option_rows_only(rows):
    calib = calibration_by_option()
    for option, c in calib.items():
        if option == "observation":
            continue
        own = [r for r in rows if r.option == option and r.scope == "option"]
        assert c.rows == own and c.within == all(r.within_tolerance for r in own), option
    # the verdicts as they stand: a projection changed no option's flag
    assert {o: c.within for o, c in calib.items()} == {
        "observation": True, "lenalidomide": True, "ixazomib": False, "daratumumab": True,
        "daratumumab-lenalidomide": False, "carfilzomib-lenalidomide-dexamethasone": False}
