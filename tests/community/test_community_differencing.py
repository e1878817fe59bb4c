"""Differencing attacks: two (or more) views whose difference isolates fewer than k members.

Each test mounts the attack twice: with the defence (members of groups smaller than k left out of
every view) it learns nothing, and with the defence switched off (``small_groups`` returning no
one) the same arithmetic singles out one member, so the test would fail without the defence.
"""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest

from mmdecide.community import aggregates
from mmdecide.community.aggregates import SINCE_TRANSPLANT, Filters
from mmdecide.community.consent import CONSENT_VERSION
from mmdecide.community.synthetic import generate
from mmdecide.community.terms import AGE_BANDS, RISK_GROUPS

TODAY = date(2026, 6, 1)


def member(c, name: str, risk: str, age: str, change: bool, dose: str = "10") -> int:
    mid = c.accounts.sign_up(name, "correct horse battery", who=name)
    c.accounts.give_consent(mid, CONSENT_VERSION)
    c.entries.set_about(mid, age, risk, "2023-09")
    pid = c.entries.add(mid, "period", {"regimen": "lenalidomide", "dose_mg": dose,
                                        "schedule": "days-1-21-of-28", "start": "2024-01-01"})
    if change:
        c.entries.add(mid, "dose-change", {"period_id": pid, "day": "2024-02-01", "new_dose_mg": "5",
                                           "reason": "infection"})
    return mid


@pytest.fixture
def undefended(monkeypatch):
    """Switch the defence off, to show that the attacks below work without it."""
    def off():
        monkeypatch.setattr(aggregates, "small_groups", lambda periods, k: np.array([], dtype=np.int64))
    return off


def _crowd(c) -> None:
    """k = 3: three members in (high, 60-69) who changed dose, three in (high, 70 or over) who did
    not, six in (standard, 60-69) of whom three did, and one member alone in (standard, 70 or
    over) who changed dose."""
    for i in range(3):
        member(c, f"ha{i}", "high", "60-69", change=True)
        member(c, f"hb{i}", "high", "70 or over", change=False)
    for i in range(6):
        member(c, f"sa{i}", "standard", "60-69", change=i < 3)
    member(c, "lone", "standard", "70 or over", change=True)


def _n(c, **filters) -> int:
    agg = c.aggregate(Filters(**filters), today=TODAY)
    return agg.n_members or 0


def _changed(c, **filters) -> int | None:
    agg = c.aggregate(Filters(**filters), today=TODAY)
    return None if agg.dose_changed is None else agg.dose_changed.count


@pytest.mark.parametrize("defended", [True, False])
def test_two_overlapping_views_do_not_single_out_a_member(community, undefended, defended):
    _crowd(community)
    if not defended:
        undefended()
    # "standard risk" minus "standard risk, 60-69" = the standard-risk members of other ages
    gap = _n(community, risk="standard") - _n(community, risk="standard", age_band="60-69")
    # "any" minus "high risk" minus "standard, 60-69": the same lone member, another way
    other_way = _n(community) - _n(community, risk="high") - _n(community, risk="standard", age_band="60-69")
    if defended:
        assert gap == 0 and other_way == 0
        assert _n(community, risk="standard") == 6  # the lone member is in no view at all
        assert _changed(community) - _changed(community, risk="high") \
            - _changed(community, risk="standard", age_band="60-69") == 0
    else:  # the attack works: one member, and whether they changed dose, comes out
        assert gap == 1 and other_way == 1
        assert _changed(community) - _changed(community, risk="high") \
            - _changed(community, risk="standard", age_band="60-69") == 1


@pytest.mark.parametrize("defended", [True, False])
def test_inclusion_exclusion_over_four_views_does_not_single_out_a_member(community, undefended,
                                                                          defended):
    """all - high - 60-69 + (high, 60-69) = (not high, not 60-69): the lone member's cell, which
    no single view shows and no pair of views shows either."""
    _crowd(community)
    if not defended:
        undefended()
    rest = (_n(community) - _n(community, risk="high") - _n(community, age_band="60-69")
            + _n(community, risk="high", age_band="60-69"))
    assert rest == (0 if defended else 1)


@pytest.mark.parametrize("defended", [True, False])
def test_one_member_in_a_small_group_changes_no_view(tmp_path, make_community, undefended, defended):
    """The general form: add a member whose group is smaller than k, and every view over a grid of
    filters (risk x age band x time since transplant, 100 views) stays exactly the same."""
    if not defended:
        undefended()
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3)
    generate(c.db, members=400, labs_per_member=4, seed=3, today=TODAY)
    grid = [Filters(risk=r, age_band=a, since_transplant=s) for r, a, s in itertools.product(
        [None, *RISK_GROUPS], [None, *AGE_BANDS], [None, *SINCE_TRANSPLANT])]
    before = [c.aggregate(f, today=TODAY) for f in grid]
    assert sum(a.n_members is not None for a in before) >= 20  # the grid has views to compare
    # an unusual starting dose (25 mg) puts this member in a group of their own
    member(c, "newcomer", "high", "60-69", change=True, dose="25")
    after = [c.aggregate(f, today=TODAY) for f in grid]
    assert (after == before) is defended


def test_small_groups_are_told_apart_by_every_filterable_detail(sqlite_community):
    c = sqlite_community  # k = 3
    for i in range(3):
        member(c, f"mem-a{i}", "high", "60-69", change=False)
    member(c, "mem-b", "high", "60-69", change=False, dose="15")  # another dose: a group of one
    member(c, "mem-d", "high", "60-69", change=False, dose="12")  # a dose no filter offers: "other"
    with c.db.reading() as s:
        periods = aggregates._periods(s.connection(), True, (TODAY - date(1970, 1, 1)).days)
    small = set(aggregates.small_groups(periods, 3).tolist())
    assert len(small) == 2 and _n(c) == 3
