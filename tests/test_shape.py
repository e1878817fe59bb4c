"""The curve-shape diagnostic for modern induction (personal/shape.py; docs/model.md, "Curve shape
for modern induction"): computed from the evidence base, reported as it comes out."""

from __future__ import annotations

import math

import pytest

from mmdecide.evidence import load_corpus
from mmdecide.personal.shape import POINTS, shape_check


@pytest.fixture(scope="module")
def check():
    return shape_check(load_corpus())


def test_points_are_the_evidence_values_with_their_sources(check):
    assert len(check.points) == len(POINTS)
    for sp in check.points:
        assert sp.source.url and sp.source.locator and sp.source.citation
        assert sp.source.evidence == sp.point.evidence
        assert sp.published == pytest.approx(float(sp.source.value))  # percent, or the median in months


def test_the_two_fitting_points_are_reproduced_and_the_held_out_ones_are_not_used(check):
    fit = [sp for sp in check.points if sp.point.role == "fit"]
    assert len(fit) == 2
    for sp in fit:
        assert sp.shaped == pytest.approx(sp.published, abs=0.05)
    held = [sp for sp in check.points if sp.point.role == "held out"]
    assert held and all(sp.point.evidence == "griffin" for sp in held)
    assert not any(p.evidence == "griffin" for p in POINTS if p.role == "fit")


def test_the_proportional_model_reproduces_its_own_fit_point(check):
    det = next(sp for sp in check.points if sp.point.evidence == "determination")
    assert det.implied_c == pytest.approx(check.c_model, rel=1e-6)
    assert det.proportional == pytest.approx(det.published, abs=0.05)


def test_one_arm_implies_a_larger_c_the_later_its_point(check):
    """The finding: within GRIFFIN's RVd arm, the single factor that fits each landmark grows with
    time, so no one proportional factor fits the arm's early and late points."""
    griffin = sorted((sp for sp in check.points if sp.point.evidence == "griffin"), key=lambda sp: sp.point.months)
    cs = [sp.implied_c for sp in griffin]
    assert cs == sorted(cs) and cs[0] < cs[-1]
    assert check.a > 1  # a hazard rising faster than the 2005-2009 one, after modern induction


def test_horizon_rows_are_survival_percents_that_fall_with_time(check):
    for col in (1, 2, 3):
        values = [row[col] for row in check.horizon]
        assert all(0 <= v <= 100 for v in values)
        assert values == sorted(values, reverse=True)
    # the continuation equals the shaped curve up to the last fitted point, and keeps its hazard rate after it
    for m, _, shaped, continued in check.horizon:
        if m <= check.last_fitted_month:
            assert continued == pytest.approx(shaped)
    assert check.factor_after > 0 and math.isfinite(check.factor_after)
